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
	return p->seq + sfw_tcp_payload(p) + !!(p->tcp_flags & SFW_TCP_SYN) +
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
 * the first: blind SYNs that follow cannot push the real one out), its
 * window scale too (red team 1205 F1: a blind SYN without the option set
 * the connection's scale, and the real data was then out of window). The
 * scale waits in ack, which the opener's wing does not use before the
 * responder's SYN-ACK settles the attempt (a bare SYN acknowledges
 * nothing; SFW_WING_SEEN_ACK stays clear). */
static __always_inline void sfw_tcp_keep_prev_syn(struct sfw_wing *w)
{
	if (w->tcp_flags & SFW_WING_PREV_SYN)
		return;
	w->fin_seq = w->seq_end;
	w->prev_syn_len = (__u16)(w->seq_end - w->isn);
	w->ack = w->wscale;
	w->tcp_flags |= SFW_WING_PREV_SYN;
}

/* The first SYN of an opener that tried again, sent again: its own
 * retransmission, passed (its attempt is kept, nothing to record). */
static __always_inline bool sfw_tcp_prev_syn_again(const struct sfw_wing *w,
						   const struct sfw_pkt *p)
{
	return (w->tcp_flags & SFW_WING_PREV_SYN) && !(p->tcp_flags & SFW_TCP_ACK) &&
	       p->seq == w->fin_seq - w->prev_syn_len;
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
		w->wscale = (__u8)w->ack;
	}
	w->tcp_flags &= ~SFW_WING_PREV_SYN;
	w->prev_syn_len = 0;
	w->ack = 0;
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

/* What a FIN of wing w says, judged before its segment is recorded:
 * SEEN_FIN when it is the wing's close, FIN_PENDING when it may be, 0 when
 * it says nothing new. A FIN is the close when its segment starts at or
 * before the end of what the wing sent (seq_end, no gap before it) and
 * the FIN itself is at or after that end (nothing sent after it): the
 * sender's next sequence number as far as sfw knows it, the same
 * exactness a RST is held to (sfw_tcp_reset). Both halves count: an
 * in-window guess of a blind attacker lands anywhere in a window of
 * megabytes either side of seq_end, so it is ahead (a gap) or behind
 * (data sent after it), unless its sequence number is one of the
 * segment's length + 2 values in 2^32 (and its ACK passes too): as hard
 * as an exact RST, and with the same limit, that a blind segment which
 * passed the window checks moved seq_end (docs/security.md, "FINs and
 * port reuse"). A real FIN fails it only when
 * it overtook the wing's last data (reordering): then, and for any other
 * FIN that passed the window checks, it is pending, and the other side's
 * acknowledgement of exactly it makes it the close (sfw_tcp_fin_acked),
 * which the receiver sends only once it has everything before the FIN.
 * Asking the FIN to be contiguous alone would not do (half of the blind
 * guesses that pass are behind seq_end), nor a FIN ahead, even reordered,
 * to wait only for data that fills the gap (the real stream steps over
 * the attacker's guess). Linux's conntrack moves the state on any FIN in
 * the window (tcp_packet: new_state from the table, then tcp_in_window
 * only) and reopens TIME_WAIT on any SYN once a FIN moved it
 * (IP_CT_TCP_FLAG_CLOSE_INIT): rv26 F4 is its exposure too. Once a
 * wing's close is known its FIN is not learnt again, but for a session
 * loaded from the cluster peer (SEEN_FIN without numbers: ha/replica.c),
 * whose first FIN after the failover gives fin_seq back. */
static __always_inline __u8 sfw_tcp_fin_flags(const struct sfw_wing *w, const struct sfw_pkt *p,
					      __u32 end)
{
	__u8 fl = w->tcp_flags;

	if (!(p->tcp_flags & SFW_TCP_FIN))
		return 0;
	if (fl & SFW_WING_SEEN_FIN)
		return fl & SFW_WING_TRACKED ? 0 : SFW_WING_SEEN_FIN;
	if ((fl & SFW_WING_TRACKED) && !sfw_seq_after(p->seq, w->seq_end) &&
	    !sfw_seq_after(w->seq_end, end))
		return SFW_WING_SEEN_FIN;
	return SFW_WING_FIN_PENDING;
}

/* An acknowledgement of exactly wing w's FIN (fin_seq + 1: nothing
 * follows a FIN, and the receiver acknowledges it only once it has all
 * before it) marks it acknowledged, and makes a pending one the close.
 * One further on is no acknowledgement of it (before, any ACK at or past
 * fin_seq + 1 was: a blind FIN behind the real data was then acknowledged
 * by the next real ACK). */
static __always_inline void sfw_tcp_fin_acked(struct sfw_wing *w, const struct sfw_pkt *p)
{
	__u8 fl = w->tcp_flags;

	if (!(p->tcp_flags & SFW_TCP_ACK) || (fl & SFW_WING_FIN_ACKED) ||
	    !(fl & (SFW_WING_SEEN_FIN | SFW_WING_FIN_PENDING)) || p->ack != w->fin_seq + 1)
		return;
	w->tcp_flags = (fl & ~SFW_WING_FIN_PENDING) | SFW_WING_SEEN_FIN | SFW_WING_FIN_ACKED;
}

/* What a segment that passed the checks tells of its own wing w: how far
 * it sent, what it acknowledged, its SYN, and its FIN as fin (what
 * sfw_tcp_fin_flags made of it). */
static __always_inline void sfw_tcp_record_wing(struct sfw_wing *w, const struct sfw_pkt *p,
						__u32 end, __u8 fin)
{
	__u8 f = p->tcp_flags;
	__u8 add = SFW_WING_TRACKED | (f & SFW_TCP_ACK ? SFW_WING_SEEN_ACK : 0) |
		   (f & SFW_TCP_SYN ? SFW_WING_SEEN_SYN : 0) | fin;
	__u8 flags = (w->tcp_flags | add) & ~(fin & SFW_WING_SEEN_FIN ? SFW_WING_FIN_PENDING : 0);

	if (!(w->tcp_flags & SFW_WING_TRACKED) || sfw_seq_after(end, w->seq_end))
		w->seq_end = end;
	if ((f & SFW_TCP_ACK) &&
	    (!(w->tcp_flags & SFW_WING_SEEN_ACK) || sfw_seq_after(p->ack, w->ack)))
		w->ack = p->ack;
	if (f & SFW_TCP_SYN)
		w->isn = p->seq;
	if (fin)
		w->fin_seq = end - 1;
	/* written only when something changes: the other direction's CPU
	 * writes FIN_ACKED into the same byte */
	if (flags != w->tcp_flags)
		w->tcp_flags = flags;
}

/* A segment that passed the checks, from wing w: what it tells of w, and
 * of the FIN of the other wing it acknowledges. */
static __always_inline void sfw_tcp_record(struct sfw_wing *w, struct sfw_wing *peer,
					   const struct sfw_pkt *p, __u32 end)
{
	sfw_tcp_record_wing(w, p, end, sfw_tcp_fin_flags(w, p, end));
	sfw_tcp_fin_acked(peer, p);
}

#endif
