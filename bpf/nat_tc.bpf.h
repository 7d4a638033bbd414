/* Source NAT at tc egress for a forwarded packet the stack routed
 * (docs/nat.md "XDP and tc"): XDP translates the In wing of a NAT session
 * only when it sends the frame itself; one it passes up goes as received,
 * since the kernel drops a packet that arrives from one of its own
 * addresses, and is translated here on its way out, where netfilter's
 * SNAT (POSTROUTING) does it. The checksum helpers also keep a packet
 * whose checksum is left to the device (CHECKSUM_PARTIAL) right. */
#ifndef SFW_NAT_TC_BPF_H
#define SFW_NAT_TC_BPF_H

#include "nat_rewrite.bpf.h"
#include "session.bpf.h"
#include "frag.bpf.h"
#include "policy.bpf.h"
#include "icmp_related.bpf.h"

/* sfw_tc_nat*'s answer: no session (sfw_tc_nat_miss decides) */
#define SFW_TC_NAT_MISS 1
/* sfw_tc_nat's answer: the packet is its host session's opener's, which
 * the stack forwards (docs/nat.md "Third review: R2") */
#define SFW_TC_NAT_HOST 2

/* The packet an ICMP error at tc quotes (sfw_tc_nat_icmp), kept for
 * sfw_tc_nat_miss when its session is gone: per-CPU memory, as tc's call
 * chain is at the edge of its 512 bytes (not pinned: per object). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_pkt);
	__uint(max_entries, 1);
} sfw_tc_quote SEC(".maps");

/* One field of size 4 or 2 at off from `from` to `to` (network order in
 * the low bytes), with the IPv4 header checksum at l3csum and the L4
 * checksum at l4csum (l4flags: BPF_F_PSEUDO_HDR, BPF_F_MARK_MANGLED_0)
 * following; an offset of 0: no such checksum. 0, or -1 on failure. */
static __always_inline int sfw_tc_nat_field(struct __sk_buff *skb, __u32 off, __u32 size,
					    __u32 l3csum, __u32 l4csum, __u64 l4flags,
					    __u32 from, __u32 to)
{
	if (from == to)
		return 0;
	if (l3csum && bpf_l3_csum_replace(skb, l3csum, from, to, size))
		return -1;
	if (l4csum && bpf_l4_csum_replace(skb, l4csum, from, to, l4flags | size))
		return -1;
	return bpf_skb_store_bytes(skb, off, &to, size, 0) ? -1 : 0;
}

/* A forwarded packet with no session here, from attached in_ifindex to
 * out_ifindex: would a source NAT rule translate it? Then it must not
 * leave untranslated (docs/nat.md "Open findings", 7): its session was
 * cleared, swept or evicted while it waited in the stack. Nor when it
 * comes from a destination pool's address and port toward its rule-set's
 * zone (sfw_nat_dest_serves): destination NAT's reply, whose session is
 * gone (docs/nat.md "Destination NAT"; a later fragment by the address
 * alone). A later
 * fragment without its datagram's record (sfw_tc_nat_frag: no ports to
 * match a rule by; out of order, or its first fragment never seen) is
 * refused when the zone pair has source NAT rules at all. Only on a miss, rare
 * on this path: XDP passed the packet as a session's. 1: refuse it. A
 * global function, apart from sfw_tc_nat: the call chain's 512 bytes. */
__noinline int sfw_tc_nat_miss(const struct sfw_pkt *p, __u32 in_ifindex, __u32 out_ifindex)
{
	const struct sfw_config *cfg;
	struct sfw_nat_list_key lk;
	__u32 zero = 0, gen, rule, out_zone;
	__be32 to = 0;

	cfg = bpf_map_lookup_elem(&SFW_MAP_CONFIG, &zero);
	if (!p || !cfg)
		return 1;
	/* an ICMP error whose quoted packet's session is gone (cleared or
	 * evicted while the error waited in the stack): would a source NAT
	 * rule translate the client's packet the quoted reply answers? Then
	 * the quote names a private tuple, and the error is refused */
	if (p->icmp_kind == SFW_ICMPK_ERROR) {
		p = bpf_map_lookup_elem(&sfw_tc_quote, &zero);
		if (!p)
			return 1;
	}
	gen = sfw_cfg_gen(cfg);
	out_zone = sfw_zone_of(out_ifindex, gen);
	/* destination NAT's reply (or an error about its In wing, by the
	 * packet the quote answers) whose session, entry and alias, is gone:
	 * from a pool's address and port toward the rule-set's zone it would
	 * leave from the server's private address */
	if ((cfg->flags & SFW_CFG_F_NAT_DEST) && sfw_nat_dest_serves(p, out_zone, gen))
		return 1;
	/* static NAT's host toward the rule-set's zone: its own flow, or
	 * the reply of a session translated to it, leaves from its static
	 * address or not at all (docs/nat.md "Static NAT") */
	if ((cfg->flags & SFW_CFG_F_NAT_STATIC) && p->frag != SFW_FRAG_LATER &&
	    sfw_nat_static_rule(p, SFW_NAT_STATIC_REVERSE, out_zone, gen, &to))
		return 1;
	if (p->frag == SFW_FRAG_LATER) {
		__builtin_memset(&lk, 0, sizeof(lk));
		lk.stage = SFW_NAT_STATIC_REVERSE;
		lk.to_zone = (__u8)out_zone;
		lk.gen = (__u8)gen;
		if (bpf_map_lookup_elem(&SFW_MAP_NAT_LISTS, &lk))
			return 1;
		lk.stage = SFW_NAT_SOURCE;
		lk.from_zone = (__u8)sfw_zone_of(in_ifindex, gen);
		return bpf_map_lookup_elem(&SFW_MAP_NAT_LISTS, &lk) != NULL;
	}
	rule = sfw_nat_source_rule(p, sfw_zone_of(in_ifindex, gen), out_zone, gen);
	return rule && SFW_NAT_ACTION_OF(rule) != SFW_NAT_ACT_OFF;
}

/* sfw_tc_nat_icmp's quote in met alias a (its key k, replaced by the
 * session's): destination NAT's In wing as it left, c:cp -> s:sp, about
 * which the server or a router on its side (forwarded), or the host (its
 * Fragmentation Needed toward the server), tells the client. It leaves
 * as nf_nat_icmp_reply_translation sends it, from P and quoting what the
 * client sent, c:cp -> P:pp (sfw_nat_icmp_mangle, the reply's way: the
 * outer source, the quoted destination), so path-MTU discovery works
 * through port forwarding (docs/nat.md "ICMP errors"): 1, with P:pp in
 * *to and *port. An orphan (its session gone while the error waited in
 * the stack) is refused, -1, as sfw_tc_dnat_reply refuses one; so is an
 * expired session's. Anything else on an alias (the server's side
 * quoted) goes as it is: 0. */
static __always_inline int sfw_tc_dnat_quote(struct sfw_session *a, const struct sfw_pkt *in,
					     struct sfw_session_key *k, __be32 *to, __be16 *port)
{
	const struct sfw_session *s = sfw_nat_follow(a, k);
	bool lo;

	if (!s)
		return -1;
	if (!(s->flags & SFW_SESS_F_DNAT) || in->src.v4 != s->nat.src ||
	    in->sport != s->nat.sport)
		return 0;
	if (sfw_expired(s, bpf_ktime_get_coarse_ns()))
		return -1;
	lo = s->flags & SFW_SESS_F_OPENER_LO;
	*to = lo ? k->addr_hi.v4 : k->addr_lo.v4;
	*port = lo ? k->port_hi : k->port_lo;
	return 1;
}

/* An ICMP error leaving by tc egress, forwarded (the client's port
 * unreachable about a late reply) or the host's own (Fragmentation
 * Needed, TTL exceeded while it routed a reply to the client): when it
 * quotes a NAT session's reply as the client got it, s:sp -> c:cp, it
 * leaves as nf_nat_icmp_reply_translation sends it, from P and quoting
 * what the server sent, s:sp -> P:pp (sfw_nat_icmp_mangle; docs/nat.md
 * "Open findings", 4 and 5), so path-MTU discovery works through NAT and
 * no private tuple leaves; destination NAT's In wing as it left likewise
 * (sfw_tc_dnat_quote). 0: sent (translated, or no NAT reply's); -1:
 * one that cannot be translated (a fragment, a short or ICMP quote), or
 * whose session has expired: refused, never sent as it is;
 * SFW_TC_NAT_MISS: the quoted packet's session is gone (sfw_tc_nat_miss
 * decides by the packet the quote answers). */
__noinline int sfw_tc_nat_icmp(struct __sk_buff *skb, const struct sfw_pkt *p)
{
	struct sfw_session_key k;
	struct sfw_session *s;
	struct sfw_pkt *in;
	void *data, *end;
	__u32 zero = 0;
	union sfw_addr a;
	__be16 port;
	__be32 to;
	bool lo;
	int rc;

	in = bpf_map_lookup_elem(&sfw_tc_quote, &zero);
	if (!skb || !p || !in)
		return -1;
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	/* a fragment about a NAT reply is refused by sfw_nat_icmp_mangle;
	 * one about anything else goes as XDP judged it (docs/nat.md
	 * "Second review", F4) */
	__builtin_memset(in, 0, sizeof(*in));
	if (sfw_parse_embedded(skb, data, end, p, in))
		return 0;   /* about no session's packet: XDP judged it */
	lo = sfw_make_key(in, &k);
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &k);
	if (!s) {
		/* gone: sfw_tc_nat_miss judges the packet the quote answers */
		a = in->src;
		in->src = in->dst;
		in->dst = a;
		port = in->sport;
		in->sport = in->dport;
		in->dport = port;
		return SFW_TC_NAT_MISS;
	}
	if (SFW_SESS_IS_ALIAS(s)) {
		rc = sfw_tc_dnat_quote(s, in, &k, &to, &port);
		if (rc <= 0)
			return rc;
	} else if (!(s->flags & SFW_SESS_F_NAT)) {
		/* the stack fragmented it: its later fragments follow the
		 * quoted session's record, as a plain session's do (F4) */
		if (p->frag == SFW_FRAG_FIRST)
			sfw_frag_record(p, &k, (lo ? SFW_FRAG_REC_SRC_LO : 0) |
					SFW_FRAG_REC_QUOTE | SFW_FRAG_REC_AT(skb->ifindex));
		return 0;
	} else {
		/* destination NAT's key quotes only the client's and the
		 * public tuple: nothing private to translate */
		if (sfw_wing_of(s, lo) != SFW_WING_OUT || (s->flags & SFW_SESS_F_DNAT))
			return 0;
		if (sfw_expired(s, bpf_ktime_get_coarse_ns()))
			return -1;
		to = s->nat.src;
		port = s->nat.sport;
	}
	return sfw_nat_icmp_mangle(data, end, p, true, to, port);
}


/* A later fragment the stack forwards (it fragmented the datagram toward
 * a smaller MTU, or its sender did): it carries no ports, so it follows
 * its datagram's record (bpf/frag.bpf.h), which XDP or tc wrote of its
 * first fragment. Of the wing tc translates (source NAT's In wing,
 * destination and static NAT's reply: the other's sfw_nat_xdp_wing) it
 * gets the addresses its first fragment got, with the IPv4 header
 * checksum (the L4 checksum, which covers the whole datagram, was
 * updated in the first fragment); refused (-1) when that session is gone
 * or replaced, the record expired, or the fragment starts inside the L4
 * header. 0: sent (no NAT datagram's, or one XDP translated),
 * SFW_TC_NAT_MISS: no record (sfw_tc_nat_miss decides),
 * SFW_TC_NAT_HOST: a host session's In wing. A global function. */
__noinline int sfw_tc_nat_frag(struct __sk_buff *skb, const struct sfw_pkt *p)
{
	const struct sfw_nat_rw *rw;
	struct sfw_session *s;
	struct sfw_frag_key fk;
	struct sfw_frag *d;
	__u32 zero = 0, l3, tc_dir;
	__u64 now;

	if (!skb || !p)
		return -1;
	sfw_frag_key_of(p, &fk);
	d = sfw_frag_find(&fk);
	if (!d)
		return SFW_TC_NAT_MISS;
	if (d->clash)
		return -1;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &d->sess);
	/* a later fragment of a host session's opener, ahead of its first
	 * or after it (that one ends the session and forgets the record) */
	if (s && sfw_sess_for_host(s->flags) && d->dir == SFW_WING_IN && s->id == d->sess_id)
		return SFW_TC_NAT_HOST;
	if (!d->nat && !(s && (s->flags & SFW_SESS_F_NAT)))
		return 0;
	/* a NAT datagram whose session is gone: nothing to translate by,
	 * and nothing to send untranslated (review rvfrag2, I1) */
	if (!s)
		return -1;
	/* the wing XDP translates (a source NAT reply, a port forward's In
	 * wing), translated there before the stack fragmented it or
	 * fragment by fragment: nothing to translate. Destination and
	 * static NAT's In wing that came in by an interface sfw is not
	 * attached to still holds the public destination (its record is
	 * kept under it): translated here, as tc translated its first
	 * fragment (sfw_tc_nat; review rvtcfrag, RVT-3) */
	tc_dir = sfw_nat_xdp_wing(s->flags) ^ 1;
	if (d->nat && d->dir != tc_dir) {
		/* source or static NAT's reply still to the public address
		 * came in where XDP is not: never sent untranslated (review
		 * rvfix) */
		if (d->dir == SFW_WING_OUT)
			return p->dst.v4 == s->nat.src ? -1 : 0;
		if (p->dst.v4 == s->nat.dst)
			return 0;
		tc_dir = SFW_WING_IN;
	}
	now = bpf_ktime_get_coarse_ns();
	if (SFW_SESS_IS_ALIAS(s) || !(s->flags & SFW_SESS_F_NAT) || s->id != d->sess_id ||
	    sfw_expired(s, now) || now > d->expires_ns || d->dir != tc_dir ||
	    p->family != SFW_FAMILY_INET || p->l3_off > SFW_NAT_MAX_L3_OFF ||
	    p->frag_off < d->l4_end || !sfw_nat_plan(s, tc_dir, &d->sess))
		return -1;
	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!rw)
		return -1;
	l3 = p->l3_off & 0x7f;
	if (sfw_tc_nat_field(skb, l3 + 12, 4, l3 + 10, 0, 0, p->src.v4, rw->src.v4) ||
	    sfw_tc_nat_field(skb, l3 + 16, 4, l3 + 10, 0, 0, p->dst.v4, rw->dst.v4))
		return -1;
	return 0;
}

/* The rewrite of sfw_tc_nat: p, a whole packet or a first fragment, of
 * wing dir of NAT session s at key k (the In wing; destination NAT's
 * reply, the Out wing). 0, or -1 when it cannot be made. */
static __always_inline int sfw_tc_nat_rewrite(struct __sk_buff *skb, const struct sfw_pkt *p,
					      const struct sfw_session *s,
					      const struct sfw_session_key *k, __u32 dir)
{
	const struct sfw_nat_rw *rw;
	__u32 zero = 0, l3, l4, csum;
	__u64 udp0;

	if (!sfw_nat_rewritable_l4(p) || !sfw_nat_plan(s, dir, k))
		return -1;
	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!rw)
		return -1;
	l3 = p->l3_off & 0x7f;
	l4 = p->l4_off & 0xff;
	if (p->proto == SFW_IPPROTO_ICMP) {
		/* no pseudo-header in ICMPv4: only the identifier counts */
		csum = l4 + 2;
		return sfw_tc_nat_field(skb, l3 + 12, 4, l3 + 10, 0, 0, p->src.v4, rw->src.v4) ||
		       sfw_tc_nat_field(skb, l3 + 16, 4, l3 + 10, 0, 0, p->dst.v4, rw->dst.v4) ||
		       sfw_tc_nat_field(skb, l4 + 4, 2, 0, csum, 0,
					p->icmp_kind == SFW_ICMPK_ECHO_REQUEST ? p->sport : p->dport,
					sfw_nat_echo_id(p, rw)) ? -1 : 0;
	}
	csum = l4 + (p->proto == SFW_IPPROTO_TCP ? 16 : 6);
	/* a UDP checksum of 0 (none) stays 0 */
	udp0 = p->proto == SFW_IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	return sfw_tc_nat_field(skb, l3 + 12, 4, l3 + 10, csum, udp0 | BPF_F_PSEUDO_HDR,
				p->src.v4, rw->src.v4) ||
	       sfw_tc_nat_field(skb, l3 + 16, 4, l3 + 10, csum, udp0 | BPF_F_PSEUDO_HDR,
				p->dst.v4, rw->dst.v4) ||
	       sfw_tc_nat_field(skb, l4, 2, 0, csum, udp0, p->sport, rw->sport) ||
	       sfw_tc_nat_field(skb, l4 + 2, 2, 0, csum, udp0, p->dport, rw->dport) ? -1 : 0;
}

/* A forwarded packet on a NAT session's alias (its key k, replaced by
 * the session's): destination NAT's reply, which XDP passed up as the
 * server sent it (its translated source is the host's own address, which
 * the stack drops as a martian), leaves from the public address and
 * port; a first fragment too (the server's, or the stack's), its
 * datagram recorded for the later ones (sfw_tc_nat_frag translates
 * them). A reply of an expired session and one that cannot be rewritten
 * are refused. Destination NAT's In wing on its alias, translated
 * already (a first fragment of it recorded), goes as it is: 0. Source or
 * static NAT's tuple on its alias is the reply XDP translates, still to
 * the public address: one XDP never saw (an interface sfw is not
 * attached to, a decapsulated packet) is refused, never sent
 * untranslated (review rvfix). */
static __always_inline int sfw_tc_dnat_reply(struct __sk_buff *skb, const struct sfw_pkt *p,
					     struct sfw_session *a, struct sfw_session_key *k)
{
	const struct sfw_session *s = sfw_nat_follow(a, k);

	/* an orphan (its session evicted or cleared while the packet waited
	 * in the stack), whose reply would leave from the server's own
	 * address; any but destination NAT's (above) */
	if (!s || !(s->flags & SFW_SESS_F_DNAT))
		return -1;
	if (!sfw_nat_is_reply(s, p)) {
		/* destination NAT's In wing, translated in XDP, that the
		 * stack fragmented: its datagram is recorded for the later
		 * fragments (its source is the opener), as every session's
		 * first fragment is ("Second review", F2; docs/nat.md "Fifth
		 * review", RV5-3) */
		if (p->frag == SFW_FRAG_FIRST)
			sfw_frag_record(p, k, (s->flags & SFW_SESS_F_OPENER_LO ?
					 SFW_FRAG_REC_SRC_LO : 0) | SFW_FRAG_REC_AT(skb->ifindex));
		return 0;
	}
	if (sfw_expired(s, bpf_ktime_get_coarse_ns()) ||
	    sfw_tc_nat_rewrite(skb, p, s, k, SFW_WING_OUT))
		return -1;
	/* the record names the session's key, whose sides are not the
	 * alias's: the Out wing's sender is the side that did not open */
	if (p->frag == SFW_FRAG_FIRST)
		sfw_frag_record(p, k, (s->flags & SFW_SESS_F_OPENER_LO ? 0 : SFW_FRAG_REC_SRC_LO) |
				SFW_FRAG_REC_AT(skb->ifindex));
	return 0;
}

/* Translates p, forwarded through the stack, when it is the In wing of a
 * NAT session; a first fragment (the stack fragmented the datagram: its
 * L4 checksum covers the whole datagram, which an incremental update
 * keeps right) is translated too. The datagram of every session's first
 * fragment is recorded for the later ones (sfw_tc_nat_frag), a session
 * without NAT's too: without its record a later fragment is refused where
 * the zone pair has source NAT rules (docs/nat.md "Second review", F2).
 * 0: sent (translated or not NAT's), -1: to be dropped under Incoming NAT
 * errors (also a NAT session expired meanwhile, as the ICMP and fragment
 * paths judge it: F7), SFW_TC_NAT_MISS: no session (sfw_tc_nat_miss
 * decides), SFW_TC_NAT_HOST: the In wing of a host session. A global
 * function: verified once. */
__noinline int sfw_tc_nat(struct __sk_buff *skb, const struct sfw_pkt *p)
{
	struct sfw_session_key k;
	struct sfw_session *s;
	bool lo;

	if (!skb || !p)
		return 0;
	lo = sfw_packet_key(p, &k, skb->ingress_ifindex);
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &k);
	if (!s)
		return SFW_TC_NAT_MISS;
	if (SFW_SESS_IS_ALIAS(s))
		return sfw_tc_dnat_reply(skb, p, s, &k);
	/* opened to junos-host while the route led nowhere else, forwarded
	 * now: never judged by the policy of the zones it crosses */
	if (sfw_sess_for_host(s->flags) && sfw_wing_of(s, lo) == SFW_WING_IN)
		return SFW_TC_NAT_HOST;
	if ((s->flags & SFW_SESS_F_NAT) && sfw_wing_of(s, lo) == SFW_WING_IN &&
	    (sfw_expired(s, bpf_ktime_get_coarse_ns()) ||
	     sfw_tc_nat_rewrite(skb, p, s, &k, SFW_WING_IN)))
		return -1;
	if (p->frag == SFW_FRAG_FIRST)
		sfw_frag_record(p, &k, (lo ? SFW_FRAG_REC_SRC_LO : 0) | SFW_FRAG_REC_AT(skb->ifindex));
	return 0;
}

#endif
