/* TCP connection tracking: the state machine over both wings, in the shape
 * of Linux's nf_conntrack_proto_tcp but with Junos's timeouts. Sequence
 * window enforcement is a separate check (see the flow-statistics issue);
 * here we record what it and `show ... extensive` need. */
#ifndef SFW_TCP_STATE_BPF_H
#define SFW_TCP_STATE_BPF_H

#include "session.bpf.h"

enum sfw_tcp_verdict {
	SFW_TCP_OK,
	SFW_TCP_RESTART,   /* a new SYN on a finished connection: start over */
	SFW_TCP_OUT_OF_WINDOW,
};

static __always_inline __u32 sfw_tcp_timeout_class(__u8 state)
{
	switch (state) {
	case SFW_TCP_ESTABLISHED:
		return SFW_TO_TCP_ESTABLISHED;
	case SFW_TCP_FIN_WAIT:
	case SFW_TCP_CLOSE_WAIT:
		return SFW_TO_TCP_HALF_CLOSED;
	case SFW_TCP_TIME_WAIT:
		return SFW_TO_TCP_TIME_WAIT;
	case SFW_TCP_CLOSED:
		return SFW_TO_TCP_CLOSED;
	default:
		return SFW_TO_TCP_INITIAL;
	}
}

/* Sequence arithmetic modulo 2^32. */
static __always_inline bool sfw_seq_after_eq(__u32 a, __u32 b)
{
	return (__s32)(a - b) >= 0;
}

static __always_inline void sfw_tcp_record(struct sfw_wing *w, const struct sfw_pkt *p)
{
	__u32 end = p->seq + p->payload_len +
		    !!(p->tcp_flags & SFW_TCP_SYN) + !!(p->tcp_flags & SFW_TCP_FIN);

	if (!w->seq_end || sfw_seq_after_eq(end, w->seq_end))
		w->seq_end = end;
	if (p->tcp_flags & SFW_TCP_ACK)
		w->ack = p->ack;
	w->window = p->window;
	if (p->tcp_flags & SFW_TCP_FIN)
		w->fin_seq = p->seq + p->payload_len;
}

/* The next state, given the current one, the sender's wing and the flags. */
static __always_inline __u8 sfw_tcp_next(__u8 st, __u32 dir, const struct sfw_pkt *p,
					 const struct sfw_wing *w, const struct sfw_wing *peer)
{
	__u8 f = p->tcp_flags;
	bool syn = f & SFW_TCP_SYN, ack = f & SFW_TCP_ACK, fin = f & SFW_TCP_FIN;

	if (f & SFW_TCP_RST)
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
 * than the receiver's largest window behind what was already sent. Only
 * once both sides' SYNs were seen: a session joined mid-stream
 * (no-syn-check) has no windows to hold it to. */
static __always_inline bool sfw_tcp_in_window(const struct sfw_wing *w,
					      const struct sfw_wing *peer,
					      const struct sfw_pkt *p)
{
	__u32 end = p->seq + p->payload_len + !!(p->tcp_flags & SFW_TCP_SYN) +
		    !!(p->tcp_flags & SFW_TCP_FIN);

	if (!(w->tcp_flags & SFW_WING_SEEN_SYN) || !(peer->tcp_flags & SFW_WING_SEEN_SYN))
		return true;
	if (w->maxend && !sfw_seq_after_eq(w->maxend, p->seq))
		return false;
	if (w->seq_end && peer->maxwin && !sfw_seq_after_eq(end, w->seq_end - peer->maxwin - 1))
		return false;
	return true;
}

/* What this segment tells about windows: how far the other side may now
 * send (our ack plus our window), and our largest window. */
static __always_inline void sfw_tcp_windows(struct sfw_wing *w, struct sfw_wing *peer,
					    const struct sfw_pkt *p)
{
	__u32 win = sfw_tcp_win(w, peer, p);

	if (p->tcp_flags & SFW_TCP_SYN)
		w->wscale = p->wscale;
	if (win > w->maxwin)
		w->maxwin = win;
	if ((p->tcp_flags & SFW_TCP_ACK) &&
	    (!peer->maxend || sfw_seq_after_eq(p->ack + win, peer->maxend)))
		peer->maxend = p->ack + win;
}

static __always_inline int sfw_tcp_track(struct sfw_session *s, __u32 dir,
					 const struct sfw_pkt *p, const struct sfw_config *cfg)
{
	struct sfw_wing *w = &s->wing[dir & 1];
	struct sfw_wing *peer = &s->wing[(dir & 1) ^ 1];
	__u8 f = p->tcp_flags;
	__u8 st = s->tcp_state, next;

	if ((f & (SFW_TCP_SYN | SFW_TCP_ACK | SFW_TCP_RST)) == SFW_TCP_SYN &&
	    (st == SFW_TCP_TIME_WAIT || st == SFW_TCP_CLOSED))
		return SFW_TCP_RESTART;
	if (!(cfg->flags & SFW_CFG_F_NO_SEQ_CHECK) && !sfw_tcp_in_window(w, peer, p))
		return SFW_TCP_OUT_OF_WINDOW;   /* nothing of it is recorded */
	next = sfw_tcp_next(st, dir, p, w, peer);
	sfw_tcp_windows(w, peer, p);
	sfw_tcp_record(w, p);
	if (f & SFW_TCP_SYN)
		w->tcp_flags |= SFW_WING_SEEN_SYN;
	if (f & SFW_TCP_FIN)
		w->tcp_flags |= SFW_WING_SEEN_FIN;
	if (f & SFW_TCP_RST)
		w->tcp_flags |= SFW_WING_SEEN_RST;
	if (next != st) {
		s->tcp_state = next;
		s->timeout_s = next == SFW_TCP_ESTABLISHED && s->app_timeout_s
			? s->app_timeout_s : sfw_timeout(cfg, sfw_tcp_timeout_class(next));
		if (next == SFW_TCP_CLOSED)
			s->state = SFW_SESS_INVALIDATED;
	}
	return SFW_TCP_OK;
}

#endif
