/* TCP connection tracking: the state machine over both wings, in the shape
 * of Linux's nf_conntrack_proto_tcp but with Junos's timeouts, the sequence
 * window check, and the rules that keep an off-path attacker from ending a
 * connection or poisoning what sfw knows of it: exact RSTs only, a
 * handshake whose answers must acknowledge its SYN, windows learned for
 * sessions opened without a SYN (docs/security.md, "TCP: resets,
 * handshakes and windows"). */
#ifndef SFW_TCP_STATE_BPF_H
#define SFW_TCP_STATE_BPF_H

#include "session.bpf.h"
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

/* Sequence arithmetic modulo 2^32. */
static __always_inline bool sfw_seq_after_eq(__u32 a, __u32 b)
{
	return (__s32)(a - b) >= 0;
}

static __always_inline bool sfw_seq_after(__u32 a, __u32 b)
{
	return (__s32)(a - b) > 0;
}

static __always_inline void sfw_tcp_record(struct sfw_wing *w, struct sfw_wing *peer,
					   const struct sfw_pkt *p)
{
	__u8 f = p->tcp_flags;
	__u32 end = p->seq + p->payload_len + !!(f & SFW_TCP_SYN) + !!(f & SFW_TCP_FIN);
	__u8 add = (f & SFW_TCP_ACK ? SFW_WING_SEEN_ACK : 0) |
		   (f & SFW_TCP_SYN ? SFW_WING_SEEN_SYN | SFW_WING_TRACKED : 0) |
		   (f & SFW_TCP_FIN ? SFW_WING_SEEN_FIN : 0) | (f & SFW_TCP_RST ? SFW_WING_SEEN_RST : 0) |
		   SFW_WING_SEQ_KNOWN;

	if (!(w->tcp_flags & SFW_WING_SEQ_KNOWN) || sfw_seq_after_eq(end, w->seq_end))
		w->seq_end = end;
	if (f & SFW_TCP_ACK)
		w->ack = p->ack;
	w->window = p->window;
	if (f & SFW_TCP_SYN)
		w->isn = p->seq;
	if (f & SFW_TCP_FIN)
		w->fin_seq = p->seq + p->payload_len;
	/* written only when something changes: the other direction's CPU
	 * writes FIN_ACKED into the same byte */
	if (add & ~w->tcp_flags)
		w->tcp_flags |= add;
	if ((peer->tcp_flags & (SFW_WING_SEEN_FIN | SFW_WING_FIN_ACKED)) == SFW_WING_SEEN_FIN &&
	    (f & SFW_TCP_ACK) && sfw_seq_after_eq(p->ack, peer->fin_seq + 1))
		peer->tcp_flags |= SFW_WING_FIN_ACKED;
}

/* The next state, given the current one, the sender's wing and the flags. */
static __always_inline __u8 sfw_tcp_next(__u8 st, __u32 dir, const struct sfw_pkt *p,
					 const struct sfw_wing *w, const struct sfw_wing *peer)
{
	__u8 f = p->tcp_flags;
	bool syn = f & SFW_TCP_SYN, ack = f & SFW_TCP_ACK, fin = f & SFW_TCP_FIN;

	if (f & SFW_TCP_RST)      /* only an exact one gets here */
		return SFW_TCP_CLOSED;
	switch (st) {
	case SFW_TCP_SYN_SENT:   /* SYN+ACK, or a SYN for simultaneous open */
		return dir == SFW_WING_OUT && syn ? SFW_TCP_SYN_RECV : st;
	case SFW_TCP_SYN_RECV:   /* the ACK completing the handshake */
		if (ack && !syn && (w->tcp_flags & SFW_WING_SEEN_SYN) &&
		    (peer->tcp_flags & SFW_WING_SEEN_SYN))
			return fin ? SFW_TCP_FIN_WAIT : SFW_TCP_ESTABLISHED;
		return st;
	case SFW_TCP_ESTABLISHED:
		return fin ? SFW_TCP_FIN_WAIT : st;
	case SFW_TCP_FIN_WAIT:
	case SFW_TCP_CLOSE_WAIT:
		if (fin && !(w->tcp_flags & SFW_WING_SEEN_FIN))
			return SFW_TCP_TIME_WAIT;     /* the second side's FIN */
		if (st == SFW_TCP_FIN_WAIT && ack && (peer->tcp_flags & SFW_WING_SEEN_FIN) &&
		    sfw_seq_after_eq(p->ack, peer->fin_seq + 1))
			return SFW_TCP_CLOSE_WAIT;    /* our FIN acknowledged */
		return st;
	default:
		return st;
	}
}

/* The sender's advertised window in bytes: scaled once both SYNs
 * offered scaling, never in a SYN itself (RFC 7323). */
static __always_inline __u32 sfw_tcp_win(const struct sfw_wing *w, const struct sfw_wing *peer,
					 const struct sfw_pkt *p)
{
	__u32 win = p->window;

	if (!(p->tcp_flags & SFW_TCP_SYN) && w->wscale < 15 && peer->wscale < 15)
		win <<= w->wscale;
	return win;
}

/* The sequence window check in the spirit of Linux's tcp_in_window
 * (SACK-free): a segment may not start beyond what the receiver's
 * acknowledgements and windows allowed (maxend), nor end further back
 * than the receiver's largest window behind what was already sent. The
 * sender's own wing is tracked (the caller checked); until the receiver's
 * is too, there is no window to hold the sender to. */
static __always_inline bool sfw_tcp_in_window(const struct sfw_wing *w,
					      const struct sfw_wing *peer,
					      const struct sfw_pkt *p)
{
	__u32 end = p->seq + p->payload_len + !!(p->tcp_flags & SFW_TCP_SYN) +
		    !!(p->tcp_flags & SFW_TCP_FIN);

	if (!(peer->tcp_flags & SFW_WING_TRACKED))
		return true;
	if ((w->tcp_flags & SFW_WING_MAXEND_KNOWN) && !sfw_seq_after_eq(w->maxend, p->seq))
		return false;
	if ((w->tcp_flags & SFW_WING_SEQ_KNOWN) && peer->maxwin &&
	    !sfw_seq_after_eq(end, w->seq_end - peer->maxwin - 1))
		return false;
	return true;
}

/* The window verdict of a segment sfw may not record: PASS when it is in
 * the window (or no window is known yet), else out of window. */
static __always_inline int sfw_tcp_pass_in_window(const struct sfw_wing *w,
						  const struct sfw_wing *peer,
						  const struct sfw_pkt *p,
						  const struct sfw_config *cfg)
{
	if ((cfg->flags & SFW_CFG_F_NO_SEQ_CHECK) || !(w->tcp_flags & SFW_WING_TRACKED) ||
	    sfw_tcp_in_window(w, peer, p))
		return SFW_TCP_PASS;
	return SFW_TCP_OUT_OF_WINDOW;
}

/* Does ack acknowledge the SYN of wing w? RFC 9293 3.10.7.3 (SYN-SENT):
 * acceptable when ISS < SEG.ACK =< SND.NXT, so ISN+1 for a SYN without
 * data. */
static __always_inline bool sfw_tcp_acks_syn(const struct sfw_wing *w, const struct sfw_pkt *p)
{
	return (p->tcp_flags & SFW_TCP_ACK) && (w->tcp_flags & SFW_WING_SEEN_SYN) &&
	       sfw_seq_after(p->ack, w->isn) && sfw_seq_after_eq(w->seq_end, p->ack);
}

/* A RST. It ends the session only when its sequence number is exactly
 * the one the receiver expects next (RFC 5961 section 3.2: RCV.NXT). From
 * the middle, as Linux's conntrack does (tcp_packet, the TCP_RST_SET
 * case: "ignore RST" unless seq equals the receiver's td_maxack, or ends
 * the sender's own train of segments), the best estimates are what the
 * receiver has acknowledged and what the sender has sent. Unlike
 * conntrack, an inexact one leaves the timeout alone too. Before the
 * handshake completes, a RST acknowledging the other side's SYN is good
 * (in SYN-SENT nothing else is: RFC 9293 3.10.7.3), and the opener's can
 * only be its next. */
static __always_inline int sfw_tcp_rst(const struct sfw_session *s, const struct sfw_wing *w,
				       const struct sfw_wing *peer, __u32 dir,
				       const struct sfw_pkt *p, const struct sfw_config *cfg)
{
	if (s->tcp_state < SFW_TCP_ESTABLISHED && sfw_tcp_acks_syn(peer, p))
		return SFW_TCP_OK;
	if (s->tcp_state == SFW_TCP_SYN_SENT)
		return dir == SFW_WING_IN && p->seq == w->seq_end ? SFW_TCP_OK
								  : SFW_TCP_OUT_OF_WINDOW;
	if (((w->tcp_flags & SFW_WING_TRACKED) && p->seq == w->seq_end) ||
	    ((peer->tcp_flags & SFW_WING_SEEN_ACK) && p->seq == peer->ack))
		return SFW_TCP_OK;
	return sfw_tcp_pass_in_window(w, peer, p, cfg);
}

/* A SYN or SYN-ACK. On a finished connection a SYN starts over; on a
 * synchronized one any SYN is the endpoint's to answer with a challenge
 * ACK (RFC 5961 section 4) and tells sfw nothing. In the handshake a
 * SYN-ACK must acknowledge the other side's SYN, and then (re)starts its
 * sender's wing: that proves it saw the SYN, which a blind SYN or SYN-ACK
 * cannot; a SYN repeated by a side that sent one must repeat its ISN. */
static __always_inline int sfw_tcp_syn(const struct sfw_session *s, struct sfw_wing *w,
				       const struct sfw_wing *peer, const struct sfw_pkt *p,
				       const struct sfw_config *cfg)
{
	__u8 st = s->tcp_state;

	if (st >= SFW_TCP_ESTABLISHED) {
		if (!(p->tcp_flags & SFW_TCP_ACK) && st >= SFW_TCP_TIME_WAIT)
			return SFW_TCP_RESTART;
		return sfw_tcp_pass_in_window(w, peer, p, cfg);
	}
	if (p->tcp_flags & SFW_TCP_ACK) {
		if (!sfw_tcp_acks_syn(peer, p))
			return SFW_TCP_OUT_OF_WINDOW;
		w->tcp_flags &= ~SFW_WING_SEQ_KNOWN;   /* recorded afresh from this segment */
		return SFW_TCP_OK;
	}
	if ((w->tcp_flags & SFW_WING_SEEN_SYN) && p->seq != w->isn)
		return SFW_TCP_OUT_OF_WINDOW;
	return SFW_TCP_OK;
}

/* What this segment tells about windows: how far the other side may now
 * send (our ack plus our window), and our largest window. */
static __always_inline void sfw_tcp_windows(struct sfw_wing *w, struct sfw_wing *peer,
					    const struct sfw_pkt *p)
{
	__u32 win;

	if (p->tcp_flags & SFW_TCP_SYN)
		w->wscale = p->wscale;
	win = sfw_tcp_win(w, peer, p);
	if (win > w->maxwin)
		w->maxwin = win;
	if ((p->tcp_flags & SFW_TCP_ACK) && (!(peer->tcp_flags & SFW_WING_MAXEND_KNOWN) ||
					     sfw_seq_after_eq(p->ack + win, peer->maxend))) {
		peer->maxend = p->ack + win;
		if (!(peer->tcp_flags & SFW_WING_MAXEND_KNOWN))
			peer->tcp_flags |= SFW_WING_MAXEND_KNOWN;
	}
}

static __always_inline int sfw_tcp_track(struct sfw_session *s, __u32 dir,
					 const struct sfw_pkt *p, const struct sfw_config *cfg)
{
	struct sfw_wing *w = &s->wing[dir & 1];
	struct sfw_wing *peer = &s->wing[(dir & 1) ^ 1];
	__u8 f = p->tcp_flags;
	__u8 st = s->tcp_state, next;
	int v;

	if (f & (SFW_TCP_SYN | SFW_TCP_RST)) {
		v = f & SFW_TCP_RST ? sfw_tcp_rst(s, w, peer, dir, p, cfg)
				    : sfw_tcp_syn(s, w, peer, p, cfg);
		if (v != SFW_TCP_OK)
			return v;     /* nothing of it is recorded */
	} else if (!(w->tcp_flags & SFW_WING_TRACKED)) {
		/* in the handshake only the responder is untracked, until
		 * its SYN: nothing else of it is real (RFC 9293 3.10.7.3:
		 * the opener drops it too). A session opened without a SYN
		 * learns each wing from its first segment (conntrack's
		 * pick-up, tcp_new and tcp_in_window: liberal until both
		 * sides were seen). */
		if (st < SFW_TCP_ESTABLISHED)
			return SFW_TCP_OUT_OF_WINDOW;
		w->tcp_flags |= SFW_WING_TRACKED;
	} else if (!(cfg->flags & SFW_CFG_F_NO_SEQ_CHECK) && !sfw_tcp_in_window(w, peer, p)) {
		return SFW_TCP_OUT_OF_WINDOW;   /* nothing of it is recorded */
	}
	next = sfw_tcp_next(st, dir, p, w, peer);
	sfw_tcp_windows(w, peer, p);
	sfw_tcp_record(w, peer, p);
	if (next != st) {
		s->tcp_state = next;
		s->timeout_s = next == SFW_TCP_ESTABLISHED && s->app_timeout_s
			? s->app_timeout_s : sfw_timeout(cfg, sfw_tcp_timeout_class(next));
		if (next == SFW_TCP_CLOSED)
			s->state = SFW_SESS_INVALIDATED;
		sfw_count_sync(s);
	}
	return SFW_TCP_OK;
}

/* A new session's TCP side, from its first packet. A SYN starts the
 * handshake. Without one the connection is already running: opened by
 * the ACK returning one of our SYN cookies (cookie), or joined mid-stream
 * under no-syn-check. The cookie's connection is known exactly: the ACK
 * acknowledges our cookie SYN-ACK (the server's ISN is ack - 1) and
 * follows the client's SYN (its ISN is seq - 1), and as that SYN-ACK
 * carried no window scale option (nor timestamps, which the kernel's
 * cookies need to encode one) neither side scales: both wings are
 * tracked from this packet on. A connection joined mid-stream has an
 * unknown scale: sfw assumes the largest (14) for both sides, so that no
 * real window is ever underestimated; a connection that really scales
 * advertises small raw windows, which keeps the bound useful. */
static __always_inline void sfw_tcp_init(struct sfw_session *s, const struct sfw_pkt *p,
					 const struct sfw_config *cfg, bool cookie)
{
	struct sfw_wing *in = &s->wing[SFW_WING_IN], *out = &s->wing[SFW_WING_OUT];
	bool syn = p->tcp_flags & SFW_TCP_SYN;

	s->tcp_state = syn ? SFW_TCP_SYN_SENT : SFW_TCP_ESTABLISHED;
	s->timeout_s = sfw_timeout(cfg, syn ? SFW_TO_TCP_INITIAL : SFW_TO_TCP_ESTABLISHED);
	if (!syn) {
		in->tcp_flags = SFW_WING_TRACKED;
		in->wscale = out->wscale = cookie ? SFW_TCP_NO_WSCALE : SFW_TCP_MAX_WSCALE;
	}
	if (!syn && cookie) {
		in->isn = p->seq - 1;
		in->maxend = p->seq + SFW_COOKIE_WINDOW;
		in->tcp_flags |= SFW_WING_MAXEND_KNOWN;
		out->tcp_flags = SFW_WING_TRACKED | SFW_WING_SEEN_ACK | SFW_WING_SEQ_KNOWN;
		out->isn = p->ack - 1;
		out->seq_end = p->ack;
		out->ack = p->seq;
		out->window = SFW_COOKIE_WINDOW;
		out->maxwin = SFW_COOKIE_WINDOW;
	}
	sfw_tcp_windows(in, out, p);
	sfw_tcp_record(in, out, p);
}

#endif
