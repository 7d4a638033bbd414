/* TCP windows: what a segment's numbers must satisfy before sfw records
 * anything of it, and what it records. The four conditions are those of
 * "Real Stateful TCP Packet Filtering in IP Filter" (van Rooij, 2001), as
 * Linux's conntrack implements them (nf_conntrack_proto_tcp.c,
 * tcp_in_window), SACK-free: I the segment starts within what the receiver
 * allowed, II its acknowledgement is of data the receiver sent, III it
 * ends no further back than the receiver's largest window, IV its
 * acknowledgement lags no further than the sender's largest window (at
 * least MAXACKWINCONST). docs/security.md, "TCP: resets, handshakes and
 * windows", says what each one stops.
 *
 * What a wing's fields hold, and when they are known (never 0 as
 * "unknown": every value of a sequence number is a real one):
 * - seq_end, isn, maxwin: once the wing is TRACKED (its SYN, the cookie it
 *   returned, or its first segment in a session picked up mid-stream);
 *   maxwin is then at least 1;
 * - ack: once the wing is SEEN_ACK, the highest acknowledgement it sent
 *   that passed II and IV;
 * - maxend: once the other wing is SEEN_ACK (every acknowledgement it
 *   records also sets this wing's maxend). */
#ifndef SFW_TCP_WINDOW_BPF_H
#define SFW_TCP_WINDOW_BPF_H

#include "session.bpf.h"

/* conntrack's MAXACKWINCONST: how far an acknowledgement may lag what it
 * acknowledges when the sender's largest window is smaller. */
#define SFW_TCP_MAXACKWIN_MIN 66000

/* Sequence arithmetic modulo 2^32. */
static __always_inline bool sfw_seq_after_eq(__u32 a, __u32 b)
{
	return (__s32)(a - b) >= 0;
}

static __always_inline bool sfw_seq_after(__u32 a, __u32 b)
{
	return (__s32)(a - b) > 0;
}

/* The sequence number after the segment: SYN and FIN take one each. */
static __always_inline __u32 sfw_tcp_end(const struct sfw_pkt *p)
{
	return p->seq + p->payload_len + !!(p->tcp_flags & SFW_TCP_SYN) +
	       !!(p->tcp_flags & SFW_TCP_FIN);
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

/* I and III: the segment against the receiver's windows, each bound once
 * it is known. */
static __always_inline bool sfw_tcp_seq_ok(const struct sfw_wing *w, const struct sfw_wing *peer,
					   const struct sfw_pkt *p, __u32 end)
{
	if ((peer->tcp_flags & SFW_WING_SEEN_ACK) && sfw_seq_after(p->seq, w->maxend))
		return false;
	if ((w->tcp_flags & peer->tcp_flags & SFW_WING_TRACKED) &&
	    !sfw_seq_after(end, w->seq_end - peer->maxwin - 1))
		return false;
	return true;
}

/* II and IV in one unsigned comparison: the acknowledgement is at most
 * `most` behind what the receiver sent, and never ahead of it. Before the
 * handshake completes nothing before the receiver's SYN can be
 * acknowledged either (RFC 9293 3.10.7.3: ISS < SEG.ACK =< SND.NXT); past
 * it that bound is conntrack's window alone (counting from the ISN would
 * wrap after 4 GB). A segment without ACK carries none to check. */
static __always_inline bool sfw_tcp_ack_ok(const struct sfw_wing *w, const struct sfw_wing *peer,
					   const struct sfw_pkt *p, bool handshake)
{
	__u32 most = w->maxwin > SFW_TCP_MAXACKWIN_MIN ? w->maxwin : SFW_TCP_MAXACKWIN_MIN;

	if (!(p->tcp_flags & SFW_TCP_ACK) || !(peer->tcp_flags & SFW_WING_TRACKED))
		return true;
	if (handshake && (peer->tcp_flags & SFW_WING_SEEN_SYN) &&
	    peer->seq_end - peer->isn - 1 < most)
		most = peer->seq_end - peer->isn - 1;
	return peer->seq_end - p->ack <= most;
}

/* Does the segment acknowledge the first SYN of an opener that tried
 * again (SFW_WING_PREV_SYN): ack in (its ISN, its end]? */
static __always_inline bool sfw_tcp_acks_prev_syn(const struct sfw_wing *w,
						  const struct sfw_pkt *p)
{
	return (p->tcp_flags & SFW_TCP_ACK) && (w->tcp_flags & SFW_WING_PREV_SYN) &&
	       (__u32)(w->fin_seq - p->ack) < w->prev_syn_len;
}

/* Does the segment acknowledge the SYN of wing w, which sent nothing else
 * yet (before the handshake completes, its seq_end is its SYN's own end:
 * ISN + 1 + the SYN's data, for TCP Fast Open), or the first SYN of an
 * opener that tried again? */
static __always_inline bool sfw_tcp_acks_syn(const struct sfw_wing *w, const struct sfw_pkt *p)
{
	return ((p->tcp_flags & SFW_TCP_ACK) && (w->tcp_flags & SFW_WING_SEEN_SYN) &&
		sfw_seq_after(p->ack, w->isn) && sfw_seq_after_eq(w->seq_end, p->ack)) ||
	       sfw_tcp_acks_prev_syn(w, p);
}

/* The opener tries again with a later SYN: its first one is kept (only
 * the first: blind SYNs that follow cannot push the real one out). */
static __always_inline void sfw_tcp_keep_prev_syn(struct sfw_wing *w)
{
	if (w->tcp_flags & SFW_WING_PREV_SYN)
		return;
	w->fin_seq = w->seq_end;
	w->prev_syn_len = (__u16)(w->seq_end - w->isn);
	w->tcp_flags |= SFW_WING_PREV_SYN;
}

/* The responder answered one of the opener's SYNs: the attempt it answered
 * is the one the connection goes on with. */
static __always_inline void sfw_tcp_settle_syn(struct sfw_wing *w, const struct sfw_pkt *p)
{
	if (!(w->tcp_flags & SFW_WING_PREV_SYN))
		return;
	if (sfw_tcp_acks_prev_syn(w, p)) {
		w->isn = w->fin_seq - w->prev_syn_len;
		w->seq_end = w->fin_seq;
	}
	w->tcp_flags &= ~SFW_WING_PREV_SYN;
	w->prev_syn_len = 0;
}

/* Forgets what sfw knew of wing w's sequence space, to learn it afresh
 * from the segment at hand (a SYN-ACK that proved it saw the other SYN, a
 * new SYN of the opener). The other wing's maxend came from w's
 * acknowledgements: it goes with them. */
static __always_inline void sfw_tcp_wing_restart(struct sfw_wing *w)
{
	w->tcp_flags &= ~(SFW_WING_TRACKED | SFW_WING_SEEN_ACK | SFW_WING_SEEN_SYN);
	w->maxwin = 0;
}

/* What this segment tells about windows: our largest window, and how far
 * the other side may now send (our acknowledgement plus our window; one
 * byte more for a zero window's probe). */
static __always_inline void sfw_tcp_windows(struct sfw_wing *w, struct sfw_wing *peer,
					    const struct sfw_pkt *p)
{
	__u32 win, maxend;

	if (p->tcp_flags & SFW_TCP_SYN)
		w->wscale = p->wscale;
	win = sfw_tcp_win(w, peer, p);
	if (win > w->maxwin || !w->maxwin)
		w->maxwin = win ? win : 1;
	if (!(p->tcp_flags & SFW_TCP_ACK))
		return;
	maxend = p->ack + (win ? win : 1);
	if (!(w->tcp_flags & SFW_WING_SEEN_ACK) || sfw_seq_after(maxend, peer->maxend))
		peer->maxend = maxend;
}

static __always_inline void sfw_tcp_record(struct sfw_wing *w, struct sfw_wing *peer,
					   const struct sfw_pkt *p, __u32 end)
{
	__u8 f = p->tcp_flags;
	__u8 add = SFW_WING_TRACKED | (f & SFW_TCP_ACK ? SFW_WING_SEEN_ACK : 0) |
		   (f & SFW_TCP_SYN ? SFW_WING_SEEN_SYN : 0) |
		   (f & SFW_TCP_FIN ? SFW_WING_SEEN_FIN : 0);

	if (!(w->tcp_flags & SFW_WING_TRACKED) || sfw_seq_after(end, w->seq_end))
		w->seq_end = end;
	if ((f & SFW_TCP_ACK) &&
	    (!(w->tcp_flags & SFW_WING_SEEN_ACK) || sfw_seq_after(p->ack, w->ack)))
		w->ack = p->ack;
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

#endif
