/* TCP connection tracking: the state machine over both wings, in the shape
 * of Linux's nf_conntrack_proto_tcp but with Junos's timeouts, the sequence
 * window check, and the rules that keep an off-path attacker from ending a
 * connection or poisoning what sfw knows of it: exact RSTs only, a
 * handshake whose answers must acknowledge its SYN, windows learned for
 * sessions opened without a SYN (docs/security.md, "TCP: resets,
 * handshakes and windows"). */
#ifndef SFW_TCP_STATE_BPF_H
#define SFW_TCP_STATE_BPF_H

#include "tcp_window.bpf.h"
#include "sess_count.bpf.h"
#include "timeouts.h"

enum sfw_tcp_verdict {
	SFW_TCP_OK,
	SFW_TCP_RESTART,   /* a new SYN on a finished connection: start over */
	SFW_TCP_OUT_OF_WINDOW,
	/* for the endpoint to judge (an inexact RST, a SYN on a synchronized
	 * connection: it answers with a challenge ACK, RFC 5961): passed,
	 * counted, and nothing else: no state, no sequence, no timer */
	SFW_TCP_PASS,
};

/* RFC 7323's largest shift: what a session joined mid-stream assumes. */
#define SFW_TCP_MAX_WSCALE 14
#define SFW_TCP_NO_WSCALE 0xf
/* The window of the cookie SYN-ACK (bpf/syncookie.bpf.h), unscaled. */
#define SFW_COOKIE_WINDOW 65535

/* Where a synchronized connection is in its close, from what its wings
 * recorded of their FINs (sfw_tcp_fin_flags: only a FIN at the sender's
 * sequence end, or one the other side acknowledged exactly, is a close):
 * FIN_WAIT one side closed, CLOSE_WAIT that close acknowledged, TIME_WAIT
 * both closed; never back. */
static __always_inline __u8 sfw_tcp_closing(__u8 st, const struct sfw_wing *a,
					    const struct sfw_wing *b)
{
	__u8 fa = a->tcp_flags, fb = b->tcp_flags, next = SFW_TCP_ESTABLISHED;

	if (fa & fb & SFW_WING_SEEN_FIN)
		next = SFW_TCP_TIME_WAIT;
	else if ((fa | fb) & SFW_WING_SEEN_FIN)
		next = ((fa & SFW_WING_SEEN_FIN) ? fa : fb) & SFW_WING_FIN_ACKED
			? SFW_TCP_CLOSE_WAIT : SFW_TCP_FIN_WAIT;
	return next > st ? next : st;
}

/* The next state, given the current one, the sender's wing and the flags,
 * once the segment is recorded (its FIN, the FIN it acknowledged). */
static __always_inline __u8 sfw_tcp_next(__u8 st, __u32 dir, const struct sfw_pkt *p,
					 const struct sfw_wing *w, const struct sfw_wing *peer)
{
	__u8 f = p->tcp_flags;
	bool syn = f & SFW_TCP_SYN, ack = f & SFW_TCP_ACK;

	if (f & SFW_TCP_RST)      /* only an exact one gets here */
		return SFW_TCP_CLOSED;
	switch (st) {
	case SFW_TCP_SYN_SENT:   /* SYN+ACK, or a SYN for simultaneous open */
		return dir == SFW_WING_OUT && syn ? SFW_TCP_SYN_RECV : st;
	case SFW_TCP_SYN_RECV:   /* the ACK completing the handshake */
		if (ack && !syn && (w->tcp_flags & SFW_WING_SEEN_SYN) &&
		    (peer->tcp_flags & SFW_WING_SEEN_SYN))
			return sfw_tcp_closing(SFW_TCP_ESTABLISHED, w, peer);
		return st;
	case SFW_TCP_ESTABLISHED:
	case SFW_TCP_FIN_WAIT:
	case SFW_TCP_CLOSE_WAIT:
		return sfw_tcp_closing(st, w, peer);
	default:
		return st;
	}
}

/* Did the connection end both ways, each FIN acknowledged exactly? Only
 * then may a bare SYN start it over (RFC 9293 3.10.7.4 lets the endpoint
 * in TIME-WAIT take one): a blind attacker cannot acknowledge a FIN
 * exactly without knowing where it is, and a close sfw took for one
 * without that final ACK seen just lasts out its timeout (TIME_WAIT's
 * 4 s). Conntrack reopens on any SYN once either side's FIN moved its
 * state (IP_CT_TCP_FLAG_CLOSE_INIT), in window or not. A RST's CLOSED
 * is left to expire (sfw_tcp_syn). */
static __always_inline bool sfw_tcp_finished(const struct sfw_session *s)
{
	return s->tcp_state >= SFW_TCP_FIN_WAIT && s->tcp_state < SFW_TCP_CLOSED &&
	       (s->wing[0].tcp_flags & s->wing[1].tcp_flags & SFW_WING_FIN_ACKED);
}

/* A connection picked up mid-stream (no-syn-check: no SYN of it seen)
 * whose responder never answered in a way sfw could verify (its wing
 * not tracked, sfw_tcp_adopt): all sfw holds of it is what its first
 * packet said, which a blind forger may have chosen to wreck the real
 * connection to come on that tuple (red team 1205 F3). A bare SYN on it
 * is kept, and the responder's SYN-ACK acknowledging it starts the
 * connection over (sfw_tcp_pend_syn, sfw_tcp_take_pending), as conntrack
 * resyncs: the SYN alone may be a blind forger's on a live connection,
 * which its server answers with a challenge ACK (review rvtcp, F1). Not
 * a cookie's session (its responder is tracked from the start) nor a
 * cluster peer's copy. */
static __always_inline bool sfw_tcp_unverified(const struct sfw_session *s)
{
	return s->tcp_state >= SFW_TCP_ESTABLISHED && s->tcp_state < SFW_TCP_CLOSED &&
	       !(s->wing[SFW_WING_IN].tcp_flags & SFW_WING_SEEN_SYN) &&
	       !(s->wing[SFW_WING_OUT].tcp_flags & SFW_WING_TRACKED) &&
	       !(s->flags & SFW_SESS_F_SYNCED);
}

static __always_inline void sfw_tcp_move(struct sfw_session *s, __u8 next,
					 const struct sfw_config *cfg)
{
	if (next == s->tcp_state)
		return;
	s->tcp_state = next;
	s->timeout_s = next == SFW_TCP_ESTABLISHED && s->app_timeout_s
		? s->app_timeout_s : sfw_timeout(cfg, sfw_tcp_timeout_class(next));
	if (next == SFW_TCP_CLOSED)
		s->state = SFW_SESS_INVALIDATED;
}

/* The kept SYN's length (1 + its data) in prev_syn_len, its scale in the
 * top bits: only fields a tracked wing reads with flags of their own
 * (FIN, PREV_SYN), so that a kept SYN written as another CPU adopts the
 * wing leaves nothing it reads (review rvf1, R3: its window in ack was
 * then an acknowledgement a blind RST was exact against). */
#define SFW_TCP_PEND_LEN_MASK 0x0fff
#define SFW_TCP_PEND_WSCALE_SHIFT 12

/* Keeps the opener's bare SYN p on an unverified pickup in out, its
 * untracked Out wing (SFW_SESS_X_SYN_PENDING): the latest one, as a
 * client's retry replaces its attempt. One with more data than the
 * length field holds is not kept (passed all the same). */
static __always_inline void sfw_tcp_pend_syn(struct sfw_session *s, struct sfw_wing *out,
					     const struct sfw_pkt *p, __u32 dir)
{
	__u32 end = sfw_tcp_end(p), len = end - p->seq;

	if (len > SFW_TCP_PEND_LEN_MASK)
		return;
	out->fin_seq = end;
	out->prev_syn_len = (__u16)(len | (__u32)(p->wscale & 0xf) << SFW_TCP_PEND_WSCALE_SHIFT);
	s->xflags = (s->xflags & ~SFW_SESS_X_SYN_PENDING_REV) | SFW_SESS_X_SYN_PENDING |
		    (dir == SFW_WING_OUT ? SFW_SESS_X_SYN_PENDING_REV : 0);
}

static __always_inline __u32 sfw_tcp_pend_len(const struct sfw_wing *out)
{
	return out->prev_syn_len & SFW_TCP_PEND_LEN_MASK;
}

/* Does SYN-ACK p, of wing dir, answer the kept SYN: sent by the other
 * side than the SYN's, and acknowledging it exactly (the bare SYN, or all
 * of its data), as Linux answers one? */
static __always_inline bool sfw_tcp_acks_pending(const struct sfw_session *s,
						 const struct sfw_wing *out, const struct sfw_pkt *p,
						 __u32 dir)
{
	bool rev = s->xflags & SFW_SESS_X_SYN_PENDING_REV;

	return (s->xflags & SFW_SESS_X_SYN_PENDING) && rev == (dir == SFW_WING_IN) &&
	       (p->ack == out->fin_seq || p->ack == out->fin_seq - sfw_tcp_pend_len(out) + 1);
}

/* The session ends at once (expired: the next packet of its tuple opens
 * a new one, judged as a first packet): its kept SYN, from the
 * responder's side, was answered, a connection the other way. */
static __always_inline void sfw_tcp_end_for_reverse(struct sfw_session *s)
{
	s->xflags &= ~(SFW_SESS_X_SYN_PENDING | SFW_SESS_X_SYN_PENDING_REV);
	s->timeout_s = 0;
	s->last_seen_s = 0;
}

/* The connection starts over from the kept SYN, in place: the session as
 * sfw_tcp_init makes it from that SYN (the In wing its numbers and scale;
 * its largest window unknown until its next segment, which sets it: the
 * Out wing nothing yet), in SYN_SENT, for the SYN-ACK at hand to be
 * judged as the answer to it. */
static __always_inline void sfw_tcp_take_pending(struct sfw_session *s, const struct sfw_config *cfg)
{
	struct sfw_wing *in = &s->wing[SFW_WING_IN], *out = &s->wing[SFW_WING_OUT];

	in->seq_end = out->fin_seq;
	in->isn = out->fin_seq - sfw_tcp_pend_len(out);
	in->wscale = (__u8)(out->prev_syn_len >> SFW_TCP_PEND_WSCALE_SHIFT);
	in->maxwin = in->ack = in->maxend = in->fin_seq = 0;
	in->prev_syn_len = 0;
	in->tcp_flags = SFW_WING_TRACKED | SFW_WING_SEEN_SYN;
	out->seq_end = out->fin_seq = out->ack = out->maxend = out->maxwin = out->isn = 0;
	out->prev_syn_len = 0;
	out->wscale = 0;
	out->tcp_flags = 0;
	s->xflags &= ~(SFW_SESS_X_SYN_PENDING | SFW_SESS_X_SYN_PENDING_REV);
	sfw_tcp_move(s, SFW_TCP_SYN_SENT, cfg);
}

/* A segment that passed every check: its state change and what it tells. */
static __always_inline void sfw_tcp_commit(struct sfw_session *s, __u32 dir, struct sfw_wing *w,
					   struct sfw_wing *peer, const struct sfw_pkt *p,
					   const struct sfw_config *cfg, __u32 end)
{
	sfw_tcp_windows(w, peer, p);
	sfw_tcp_record(w, peer, p, end);
	sfw_tcp_move(s, sfw_tcp_next(s->tcp_state, dir, p, w, peer), cfg);
}

/* A segment refused for its numbers: dropped and counted, or under
 * no-sequence-check let through and kept alive with nothing of it
 * recorded (conntrack's be_liberal accepts it without recording it
 * either), so that what sfw knows stays what the endpoints agreed on. */
static __always_inline int sfw_tcp_refuse(const struct sfw_config *cfg)
{
	return cfg->flags & SFW_CFG_F_NO_SEQ_CHECK ? SFW_TCP_OK : SFW_TCP_OUT_OF_WINDOW;
}

/* The bit of session s's xflags that says wing dir's numbers are not
 * confirmed yet (a copy from the cluster peer after a failover). */
static __always_inline __u8 sfw_tcp_unconfirmed_bit(__u32 dir)
{
	return SFW_SESS_X_UNCONFIRMED_IN << (dir & 1);
}

/* May wing w (of direction dir) be trusted with exactness: tracked, and
 * not numbers a blind segment may have set after a failover? */
static __always_inline bool sfw_tcp_trusted(const struct sfw_session *s, __u32 dir,
					    const struct sfw_wing *w)
{
	return (w->tcp_flags & SFW_WING_TRACKED) && !(s->xflags & sfw_tcp_unconfirmed_bit(dir));
}

/* The window verdict of a segment sfw may not act on: PASS when it may
 * be in the receiver's window (or when the window itself may be a
 * forger's, after a failover), else out of window. */
static __always_inline int sfw_tcp_pass_in_window(const struct sfw_session *s,
						  const struct sfw_wing *w,
						  const struct sfw_wing *peer,
						  const struct sfw_pkt *p,
						  const struct sfw_config *cfg)
{
	if ((cfg->flags & SFW_CFG_F_NO_SEQ_CHECK) || (s->xflags & SFW_SESS_X_UNCONFIRMED) ||
	    sfw_tcp_seq_ok(w, peer, p, sfw_tcp_end(p)))
		return SFW_TCP_PASS;
	return SFW_TCP_OUT_OF_WINDOW;
}

/* Whole seconds the first SYN of a session in SYN_SENT must be old for a
 * later one to be a new attempt (sfw_tcp_syn): created_s counts whole
 * seconds, and 2 of them apart are at least 1 s. */
#define SFW_TCP_REATTEMPT_S 2

static __always_inline bool sfw_tcp_attempt_old(const struct sfw_session *s)
{
	return sfw_secs(bpf_ktime_get_coarse_ns()) - s->created_s >= SFW_TCP_REATTEMPT_S;
}

/* Does the responder's segment acknowledge the opener's later attempt
 * (wing w restarted by it), and not the first, which sfw keeps? */
static __always_inline bool sfw_tcp_later_attempt_only(const struct sfw_wing *w,
							const struct sfw_pkt *p)
{
	return (w->tcp_flags & SFW_WING_PREV_SYN) && !sfw_tcp_acks_prev_syn(w, p);
}

/* A RST. It ends the session only when its sequence number is exactly
 * the one the receiver expects next (RFC 5961 section 3.2: RCV.NXT). From
 * the middle, as Linux's conntrack does (tcp_packet, the TCP_RST_SET
 * case: "ignore RST" unless seq equals the receiver's td_maxack, or ends
 * the sender's own train of segments), the best estimates are what the
 * receiver has acknowledged and what the sender has sent, both recorded
 * only from segments that passed the window checks. Unlike conntrack, an
 * inexact one leaves the timeout alone too. In SYN-SENT a RST of the
 * responder's is good when it acknowledges the opener's SYN (a closed
 * port's answer; nothing else is: RFC 9293 3.10.7.3); after it, as the
 * opener's always, it must be exact. Until both wings of a
 * session picked up mid-stream are known none can be judged exact, nor
 * against numbers picked up after a failover before the other side
 * confirmed them (sfw_tcp_failover: a forger may have planted them). A
 * global function, as the two below: verified once, each in a stack frame
 * of its own (sfw_tcp_track's callers are at the edge of the call chain's
 * 512 bytes, docs/design.md "Verification cost"). */
__noinline int sfw_tcp_reset(struct sfw_session *s, __u32 dir, const struct sfw_pkt *p,
			     const struct sfw_config *cfg)
{
	struct sfw_wing *w, *peer;
	bool exact;
	__u8 st;

	if (!s || !p || !cfg)
		return SFW_TCP_OUT_OF_WINDOW;
	w = &s->wing[dir & 1];
	peer = &s->wing[(dir & 1) ^ 1];
	exact = (sfw_tcp_trusted(s, dir, w) && p->seq == w->seq_end) ||
		((peer->tcp_flags & SFW_WING_SEEN_ACK) && sfw_tcp_trusted(s, dir ^ 1, peer) &&
		 p->seq == peer->ack);
	st = s->tcp_state;
	if (st < SFW_TCP_ESTABLISHED) {
		/* acknowledging the opener's SYN is the refusal of a port
		 * only in SYN_SENT: in SYN_RECV the opener took the SYN-ACK
		 * and ignores such a RST, and with Fast Open data the range
		 * it may acknowledge is wide (review rvred3, T1) */
		if (!exact && !(dir == SFW_WING_OUT && st == SFW_TCP_SYN_SENT &&
				sfw_tcp_acks_syn(peer, p)))
			return st == SFW_TCP_SYN_SENT ? SFW_TCP_OUT_OF_WINDOW
						      : sfw_tcp_pass_in_window(s, w, peer, p, cfg);
		/* acknowledging only a later attempt (a blind SYN may have
		 * made it, and then this RST): the opener judges it, the
		 * session waits for the first attempt's answer (review
		 * rvred, F2) */
		if (!exact && sfw_tcp_later_attempt_only(peer, p))
			return SFW_TCP_PASS;
	} else if (!exact || !(w->tcp_flags & peer->tcp_flags & SFW_WING_TRACKED)) {
		return sfw_tcp_pass_in_window(s, w, peer, p, cfg);
	}
	w->tcp_flags |= SFW_WING_SEEN_RST;
	sfw_tcp_move(s, SFW_TCP_CLOSED, cfg);
	return SFW_TCP_OK;
}

/* A SYN or SYN-ACK. On a synchronized connection any SYN is the
 * endpoint's to answer with a challenge ACK (RFC 5961 section 4) and
 * tells sfw nothing; a pure SYN starts over only once both FINs were
 * acknowledged exactly (sfw_tcp_finished; on CLOSED once tcp-rst-timeout
 * has run and the session expired: until then a RST sfw took for exact
 * cannot be followed by a SYN that takes the flow over); on TIME_WAIT
 * without them it is one more SYN on a synchronized connection. In the handshake the opener's SYN or SYN-ACK must repeat its ISN,
 * but for a bare SYN with a later one in SYN_SENT: a new attempt from the
 * same port, which starts its wing afresh (conntrack does the same, after
 * RFC 793: a reinitialised connection uses larger numbers), keeping the
 * first attempt's SYN so that a blind SYN cannot keep the real SYN-ACK
 * out. Only once the first attempt is SFW_TCP_REATTEMPT_S old: until then
 * a blind SYN and a blind SYN-ACK acknowledging it settled the handshake
 * on the attacker's numbers and kept the real SYN-ACK out (review rvred,
 * F2b); a client's own retry comes after its SYN's retransmission timeout
 * (1 s at first, RFC 6298); one bound to its port whose connect failed
 * faster (an ICMP error) waits up to its SYN's second retransmission
 * (3 s: created_s counts whole seconds).
 * The responder's SYN-ACK must acknowledge the opener's SYN, which a blind
 * one cannot, and then (re)starts its wing. A bare SYN of the responder's
 * (a simultaneous open, or a blind one) and the opener's SYN-ACK
 * answering it are passed for the endpoints to judge and recorded only
 * once the responder's SYN-ACK proves it saw the opener's SYN (conntrack
 * too takes a simultaneous open as synchronized only at the SYN-ACKs):
 * otherwise a blind SYN would make the opener's next blind ACK complete
 * the handshake with numbers of the attacker's choosing. */
static __always_inline int sfw_tcp_syn(struct sfw_session *s, struct sfw_wing *w,
				       struct sfw_wing *peer, __u32 dir,
				       const struct sfw_pkt *p, const struct sfw_config *cfg)
{
	bool seen = w->tcp_flags & SFW_WING_SEEN_SYN;
	bool ack = p->tcp_flags & SFW_TCP_ACK;
	__u8 st = s->tcp_state;

	if (sfw_tcp_unverified(s)) {
		struct sfw_wing *out = &s->wing[SFW_WING_OUT];

		/* a bare SYN is kept and passed for the other side to answer:
		 * the responder's SYN-ACK to the opener's starts the
		 * connection over; the opener's to the responder's ends the
		 * session, a connection the other way */
		if (!ack) {
			sfw_tcp_pend_syn(s, out, p, dir);
			return SFW_TCP_PASS;
		}
		if (sfw_tcp_acks_pending(s, out, p, dir)) {
			if (dir == SFW_WING_IN) {
				sfw_tcp_end_for_reverse(s);
				return SFW_TCP_PASS;
			}
			sfw_tcp_take_pending(s, cfg);
			st = SFW_TCP_SYN_SENT;
			seen = false;
		}
	}
	if (st >= SFW_TCP_ESTABLISHED) {
		if (!ack && sfw_tcp_finished(s))
			return SFW_TCP_RESTART;
		if (!ack && st == SFW_TCP_CLOSED)
			return SFW_TCP_OUT_OF_WINDOW;
		return sfw_tcp_pass_in_window(s, w, peer, p, cfg);
	}
	if (dir == SFW_WING_IN) {
		if (p->seq != w->isn) {
			if (sfw_tcp_prev_syn_again(w, p))
				return SFW_TCP_PASS;
			if (ack || st != SFW_TCP_SYN_SENT ||
			    !sfw_seq_after(sfw_tcp_end(p), w->seq_end) || !sfw_tcp_attempt_old(s))
				return SFW_TCP_OUT_OF_WINDOW;
			sfw_tcp_keep_prev_syn(w);
			sfw_tcp_wing_restart(w);
			return SFW_TCP_OK;
		}
		if (!ack)
			return SFW_TCP_OK;
		if (!(peer->tcp_flags & SFW_WING_SEEN_SYN))
			return SFW_TCP_PASS;
		return sfw_tcp_acks_syn(peer, p) ? SFW_TCP_OK : SFW_TCP_OUT_OF_WINDOW;
	}
	if (!ack) {
		if (!seen)
			return SFW_TCP_PASS;
		return p->seq == w->isn ? SFW_TCP_OK : SFW_TCP_OUT_OF_WINDOW;
	}
	if (!sfw_tcp_acks_syn(peer, p))
		return SFW_TCP_OUT_OF_WINDOW;
	/* a responder sends its SYN-ACK again with the same ISN: another
	 * ISN is a new answer only when it acknowledges the SYN exactly, its
	 * Fast Open data all taken or none, as Linux answers; any number up
	 * to the SYN's end gave a blind SYN-ACK one chance in 4 million with
	 * 1000 bytes of data, and the wing it restarted held the real
	 * handshake out (review rvtcp, F2) */
	if (seen && p->seq != w->isn && p->ack != peer->isn + 1 && p->ack != peer->seq_end)
		return SFW_TCP_OUT_OF_WINDOW;
	sfw_tcp_settle_syn(peer, p);
	if (!seen || p->seq != w->isn)
		sfw_tcp_wing_restart(w);
	return SFW_TCP_OK;
}

/* The first segment of the responder of a session picked up mid-stream
 * (no-syn-check). Adopted only when it acknowledges what the opener sent
 * (II, and IV counted from where sfw first saw the opener, so that no
 * opener-side segment sent before can move the bound), starts within what
 * the opener allowed (I) and ends no further back than the opener's
 * acknowledgement and window (III): a blind segment cannot set the wing's
 * numbers. The opener cannot have sent beyond what this acknowledgement
 * and window allow: what sfw recorded of it beyond that is cut back. */
static __always_inline int sfw_tcp_adopt(struct sfw_session *s, __u32 dir, struct sfw_wing *w,
					 struct sfw_wing *peer, const struct sfw_pkt *p,
					 const struct sfw_config *cfg, __u32 end)
{
	__u32 win = sfw_tcp_win(w, peer, p);
	__u64 most = win > SFW_TCP_MAXACKWIN_MIN ? win : SFW_TCP_MAXACKWIN_MIN;

	if (!(p->tcp_flags & SFW_TCP_ACK) ||
	    (__u32)(peer->seq_end - p->ack) > (__u64)(__u32)(peer->seq_end - peer->isn) + most ||
	    !sfw_tcp_seq_ok(w, peer, p, end) ||
	    ((peer->tcp_flags & SFW_WING_SEEN_ACK) &&
	     !sfw_seq_after(end, peer->ack - peer->maxwin - 1)))
		return sfw_tcp_refuse(cfg);
	sfw_tcp_windows(w, peer, p);
	sfw_tcp_record(w, peer, p, end);
	w->isn = p->seq;
	if (sfw_seq_after(peer->seq_end, peer->maxend))
		peer->seq_end = peer->maxend;
	sfw_tcp_move(s, sfw_tcp_next(s->tcp_state, dir, p, w, peer), cfg);
	return SFW_TCP_OK;
}

/* Does the segment, of wing a, acknowledge what sfw saw wing w send since
 * it picked it up, from where it first saw it to its end or one past it
 * (the answer to a keepalive probe, sent at one before the sender's next
 * sequence number with no data: RT47-3), and no further behind that end
 * than a's largest window (conntrack's IV)? Without that bound a forger
 * stretched the span over half the sequence space with two segments, and
 * the real acknowledgement fell in it half the time (review RV48-1). */
static __always_inline bool sfw_tcp_acks_span(const struct sfw_wing *w, const struct sfw_wing *a,
					      const struct sfw_pkt *p)
{
	__u32 most = a->maxwin > SFW_TCP_MAXACKWIN_MIN ? a->maxwin : SFW_TCP_MAXACKWIN_MIN;

	return (p->tcp_flags & SFW_TCP_ACK) && (w->tcp_flags & SFW_WING_TRACKED) &&
	       (__u32)(p->ack - w->isn) <= (__u32)(w->seq_end - w->isn) + 1 &&
	       (__u32)(w->seq_end + 1 - p->ack) <= most + 1;
}

/* Does the segment (ending at end) follow on from wing w's end: start at
 * or before it, and end after it? */
static __always_inline bool sfw_tcp_follows_on(const struct sfw_wing *w, const struct sfw_pkt *p,
					       __u32 end)
{
	return !sfw_seq_after(p->seq, w->seq_end) && sfw_seq_after(end, w->seq_end);
}

/* A segment that follows on from wing w's end, passed without the
 * checks: how far the wing sent, and its FIN, pending (the other side's
 * exact acknowledgement makes it the close: review RV48-4, the close
 * stopped short of TIME_WAIT without it). */
static __always_inline void sfw_tcp_follow_on(struct sfw_wing *w, const struct sfw_pkt *p,
					      __u32 end)
{
	w->seq_end = end;
	if ((p->tcp_flags & SFW_TCP_FIN) && !(w->tcp_flags & SFW_WING_SEEN_FIN)) {
		w->fin_seq = end - 1;
		w->tcp_flags |= SFW_WING_FIN_PENDING;
	}
}

/* Wing w's segment p confirms the other wing (peer, its bit theirs) when
 * it acknowledges what sfw saw that one send; the end is then the
 * acknowledgement, what the receiver has (a probe's answer is one past
 * it): an end a blind segment planted ahead of it before the receiver's
 * wing was tracked, when nothing bounded it, is not kept for a RST to be
 * exact against (review rvext2). */
static __always_inline void sfw_tcp_confirm(struct sfw_session *s, __u8 theirs,
					    struct sfw_wing *peer, const struct sfw_wing *w,
					    const struct sfw_pkt *p)
{
	if (!(s->xflags & theirs) || !sfw_tcp_acks_span(peer, w, p))
		return;
	s->xflags &= ~theirs;
	peer->seq_end = p->ack;
}

/* A segment (no SYN, no RST) of a session loaded from the cluster peer,
 * which carries no sequence numbers (docs/ha.md), while a wing's are not
 * confirmed (SFW_SESS_X_UNCONFIRMED_*). The first segments after a
 * failover may be retransmissions or acknowledgements of what the other
 * node carried, which adoption's bounds would refuse for good, so each
 * wing is picked up from its next segment, as conntrack does after a
 * failover; but that segment may be a forger's (red team 1205 F2): his
 * numbers would make his RST exact, or hold the real segments out of a
 * window far ahead. So until the other side acknowledges what sfw saw a
 * wing send (which a blind forger cannot make it do), a segment of that
 * wing that fails the window checks is the wing's numbers picked up
 * again, not a drop; its FIN is no more than pending; and no RST is exact
 * against it (sfw_tcp_reset). A segment of a confirmed wing that fails
 * them against the unconfirmed one is passed, recording no more than how
 * far its wing sent, and refreshing nothing (a forger's would keep the
 * session alive: RT47-6), as conntrack's be_liberal lets it through. A
 * forger who can send from both zones can still plant numbers that
 * confirm each other, as he can for a session picked up mid-stream
 * (sfw_tcp_adopt). */
static __always_inline int sfw_tcp_failover(struct sfw_session *s, __u32 dir, struct sfw_wing *w,
					    struct sfw_wing *peer, const struct sfw_pkt *p,
					    const struct sfw_config *cfg, __u32 end)
{
	__u8 mine = sfw_tcp_unconfirmed_bit(dir), theirs = sfw_tcp_unconfirmed_bit(dir ^ 1);
	/* without ACK nothing of it is checked but its place in the
	 * window: never fitting (review rvext2, as rvext F2) */
	bool fits = (p->tcp_flags & SFW_TCP_ACK) && (w->tcp_flags & SFW_WING_TRACKED) &&
		    sfw_tcp_seq_ok(w, peer, p, end) && sfw_tcp_ack_ok(w, peer, p, false);
	__u8 fin;

	if (!fits) {
		if ((w->tcp_flags & SFW_WING_TRACKED) && !(s->xflags & mine)) {
			/* what follows on from the wing's end still moves it, or
			 * the checks resume behind what it sent (RT47-2) */
			if (sfw_tcp_follows_on(w, p, end))
				sfw_tcp_follow_on(w, p, end);
			sfw_tcp_confirm(s, theirs, peer, w, p);
			return SFW_TCP_PASS;
		}
		w->tcp_flags &= ~(SFW_WING_TRACKED | SFW_WING_SEEN_ACK);
		w->maxwin = 0;
	}
	fin = sfw_tcp_fin_flags(w, p, end);
	if ((s->xflags & mine) && fin == SFW_WING_SEEN_FIN && !(w->tcp_flags & SFW_WING_SEEN_FIN))
		fin = SFW_WING_FIN_PENDING;
	sfw_tcp_windows(w, peer, p);
	sfw_tcp_record_wing(w, p, end, fin);
	sfw_tcp_fin_acked(peer, p);
	/* after its end: another CPU that reads the new end with the old
	 * start sees an acknowledgement far from it (sfw_tcp_acks_span) */
	if (!fits)
		w->isn = p->seq;
	sfw_tcp_confirm(s, theirs, peer, w, p);
	sfw_tcp_move(s, sfw_tcp_next(s->tcp_state, dir, p, w, peer), cfg);
	return SFW_TCP_OK;
}

/* A segment (no SYN, no RST) while a wing is not tracked yet. In the
 * handshake the responder says nothing before its SYN, nor the opener
 * anything but its SYN before the responder's (RFC 9293 3.10.7.3: the
 * endpoints drop them; conntrack calls them invalid): a blind one would
 * set the windows the real segments are held to. A session picked up
 * mid-stream knows its opener from its first segment; until the
 * responder's is adopted, the opener's segments move what it has sent
 * only when they follow on from it, and tell nothing else (their
 * acknowledgements are not of anything sfw saw). A session loaded from
 * the cluster peer (which carries no sequence numbers: docs/ha.md) picks
 * up each wing from its next segment, as conntrack does after a failover:
 * the first segments seen after a failover may be retransmissions or
 * acknowledgements of what the other node carried, which adoption's
 * bounds would refuse for good; until the other side confirms what it
 * learned, sfw_tcp_failover holds it to less. */
__noinline int sfw_tcp_unsynced(struct sfw_session *s, __u32 dir, const struct sfw_pkt *p,
				const struct sfw_config *cfg)
{
	struct sfw_wing *w, *peer;
	__u32 end;

	if (!s || !p || !cfg)
		return SFW_TCP_OUT_OF_WINDOW;
	w = &s->wing[dir & 1];
	peer = &s->wing[(dir & 1) ^ 1];
	if (s->tcp_state < SFW_TCP_ESTABLISHED)
		return dir == SFW_WING_IN ? sfw_tcp_refuse(cfg) : SFW_TCP_OUT_OF_WINDOW;
	end = sfw_tcp_end(p);
	if (s->xflags & SFW_SESS_X_UNCONFIRMED)
		return sfw_tcp_failover(s, dir, w, peer, p, cfg, end);
	if (!(w->tcp_flags & SFW_WING_TRACKED) &&
	    ((s->flags & SFW_SESS_F_SYNCED) || !(peer->tcp_flags & SFW_WING_TRACKED))) {
		sfw_tcp_windows(w, peer, p);
		sfw_tcp_record(w, peer, p, end);
		w->isn = p->seq;
		return SFW_TCP_OK;
	}
	if (!(w->tcp_flags & SFW_WING_TRACKED))
		return sfw_tcp_adopt(s, dir, w, peer, p, cfg, end);
	if (sfw_tcp_follows_on(w, p, end))
		w->seq_end = end;
	return SFW_TCP_OK;
}

/* Any other segment: SYNs, FINs, the handshake, the common case. */
__noinline int sfw_tcp_update(struct sfw_session *s, __u32 dir, const struct sfw_pkt *p,
			      const struct sfw_config *cfg)
{
	struct sfw_wing *w, *peer;
	__u32 end;
	int v;

	if (!s || !p || !cfg)
		return SFW_TCP_OUT_OF_WINDOW;
	w = &s->wing[dir & 1];
	peer = &s->wing[(dir & 1) ^ 1];
	if (p->tcp_flags & SFW_TCP_SYN) {
		v = sfw_tcp_syn(s, w, peer, dir, p, cfg);
		if (v != SFW_TCP_OK)
			return v;     /* nothing of it is recorded */
	}
	/* past the SYNs, a segment without ACK is one every endpoint drops
	 * (RFC 9293 3.10.7.4) and conntrack calls invalid: recorded, a
	 * blind one planted the end an RST is then exact against (red team
	 * rvext F2) */
	if (!(p->tcp_flags & (SFW_TCP_SYN | SFW_TCP_ACK)))
		return sfw_tcp_refuse(cfg);
	end = sfw_tcp_end(p);
	if (!sfw_tcp_seq_ok(w, peer, p, end) ||
	    !sfw_tcp_ack_ok(w, peer, p, s->tcp_state < SFW_TCP_ESTABLISHED))
		return sfw_tcp_refuse(cfg);   /* nothing of it is recorded */
	sfw_tcp_commit(s, dir, w, peer, p, cfg, end);
	return SFW_TCP_OK;
}

/* Will p start session s's connection over (sfw_tcp_syn's SFW_TCP_RESTART:
 * a bare SYN once both FINs were acknowledged; on an unverified pickup a
 * bare SYN is kept instead, sfw_tcp_pend_syn)? Read only: such a packet
 * opens a new session, judged as a first packet (its route included), not
 * as this one's. */
static __always_inline bool sfw_tcp_restarts(const struct sfw_session *s, const struct sfw_pkt *p)
{
	return p->proto == SFW_IPPROTO_TCP && sfw_tcp_finished(s) &&
	       (p->tcp_flags & (SFW_TCP_SYN | SFW_TCP_ACK | SFW_TCP_RST)) == SFW_TCP_SYN;
}

/* Tracks a segment of session s from wing dir. Returns enum
 * sfw_tcp_verdict. */
static __always_inline int sfw_tcp_track(struct sfw_session *s, __u32 dir,
					 const struct sfw_pkt *p, const struct sfw_config *cfg)
{
	__u8 st = s->tcp_state;
	int v;

	if (p->tcp_flags & SFW_TCP_RST)
		v = sfw_tcp_reset(s, dir, p, cfg);
	else if (!(p->tcp_flags & SFW_TCP_SYN) &&
		 (!(s->wing[0].tcp_flags & s->wing[1].tcp_flags & SFW_WING_TRACKED) ||
		  (s->xflags & SFW_SESS_X_UNCONFIRMED)))
		v = sfw_tcp_unsynced(s, dir, p, cfg);
	else
		v = sfw_tcp_update(s, dir, p, cfg);
	/* here, not where the state moves: one global call deep, not two */
	if (s->tcp_state != st)
		sfw_count_sync(s);
	return v;
}

/* A new session's TCP side, from its first packet. A bare SYN starts the
 * handshake. Without one the connection is already running: opened by
 * the ACK returning one of our SYN cookies (cookie), or picked up
 * mid-stream under no-syn-check, a SYN-ACK as well as an ACK (the
 * server's side of an asymmetric route, or a handshake sfw came to late:
 * in SYN_SENT, with its sender the opener, a forged one held the real
 * handshake out and the kept SYN never covered it, review rvf1b B1).
 * The cookie's connection is known exactly: the ACK acknowledges our
 * cookie SYN-ACK (the server's ISN is ack - 1) and follows the client's
 * SYN (its ISN is seq - 1), and as that SYN-ACK carried no window scale
 * option (nor timestamps, which the kernel's cookies need to encode one)
 * neither side scales: both wings
 * are tracked from this packet on. A connection picked up mid-stream
 * knows its opener from this segment (isn: where sfw first saw it) and
 * its responder once that answers (sfw_tcp_adopt). Its scale is unknown
 * and unknowable from the middle (a window field of W means anything from
 * W to W << 14 bytes, and a connection keeps its scale for life): sfw
 * assumes the largest, 14, as a smaller guess would drop the real
 * segments of a connection that scales more (docs/security.md). */
static __always_inline void sfw_tcp_init(struct sfw_session *s, const struct sfw_pkt *p,
					 const struct sfw_config *cfg, bool cookie)
{
	struct sfw_wing *in = &s->wing[SFW_WING_IN], *out = &s->wing[SFW_WING_OUT];
	/* only a bare SYN starts a handshake: a SYN-ACK (no-syn-check) is
	 * a pickup like an ACK (review rvf1b, B1) */
	bool syn = (p->tcp_flags & (SFW_TCP_SYN | SFW_TCP_ACK)) == SFW_TCP_SYN;

	s->tcp_state = syn ? SFW_TCP_SYN_SENT : SFW_TCP_ESTABLISHED;
	s->timeout_s = sfw_timeout(cfg, syn ? SFW_TO_TCP_INITIAL : SFW_TO_TCP_ESTABLISHED);
	if (!syn)
		in->wscale = out->wscale = cookie ? SFW_TCP_NO_WSCALE : SFW_TCP_MAX_WSCALE;
	if (!syn && cookie) {
		in->maxend = p->seq + SFW_COOKIE_WINDOW;
		out->tcp_flags = SFW_WING_TRACKED | SFW_WING_SEEN_ACK;
		out->isn = p->ack - 1;
		out->seq_end = p->ack;
		out->ack = p->seq;
		out->maxwin = SFW_COOKIE_WINDOW;
	}
	sfw_tcp_windows(in, out, p);
	/* the first segment: nothing of the other wing to acknowledge, and
	 * a FIN on it no more than pending (sfw_tcp_fin_flags of an
	 * untracked wing), spelt out here: the whole of sfw_tcp_record
	 * took sfw_xdp_flow's frame past the call chain's 512 bytes */
	sfw_tcp_record_wing(in, p, sfw_tcp_end(p),
			    p->tcp_flags & SFW_TCP_FIN ? SFW_WING_FIN_PENDING : 0);
	if (!syn) {
		/* a SYN-ACK: its window unscaled, as any SYN's, but the scale
		 * sfw_tcp_windows took from it unknown all the same (the
		 * other side's too); its seq its ISN, but no SEEN_SYN, so
		 * that sfw_tcp_unverified covers it: a blind forger sends
		 * one as easily as an ACK */
		in->wscale = out->wscale;
		in->tcp_flags &= ~SFW_WING_SEEN_SYN;
		in->isn = p->seq - cookie;
	}
}

#endif
