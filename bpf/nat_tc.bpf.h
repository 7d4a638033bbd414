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

/* Translates p, forwarded through the stack, when it is the In wing of a
 * NAT session. 0: sent (translated or not NAT's), -1: to be dropped under
 * Incoming NAT errors. A global function: verified once. */
__noinline int sfw_tc_nat(struct __sk_buff *skb, const struct sfw_pkt *p)
{
	const struct sfw_nat_rw *rw;
	struct sfw_session_key k;
	struct sfw_session *s;
	__u32 zero = 0, l3, l4, csum;
	__u64 udp0;
	bool lo;

	if (!skb || !p)
		return 0;
	lo = sfw_make_key(p, &k);
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &k);
	if (!s || SFW_SESS_IS_ALIAS(s) || !(s->flags & SFW_SESS_F_NAT) ||
	    sfw_wing_of(s, lo) != SFW_WING_IN)
		return 0;
	if (!sfw_nat_rewritable(p) || !sfw_nat_plan(s, SFW_WING_IN, &k))
		return -1;
	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!rw)
		return -1;
	l3 = p->l3_off & 0x7f;
	l4 = p->l4_off & 0xff;
	if (p->proto == SFW_IPPROTO_ICMP) {
		/* no pseudo-header in ICMPv4: only the identifier counts */
		csum = l4 + 2;
		if (sfw_tc_nat_field(skb, l3 + 12, 4, l3 + 10, 0, 0, p->src.v4, rw->src.v4) ||
		    sfw_tc_nat_field(skb, l3 + 16, 4, l3 + 10, 0, 0, p->dst.v4, rw->dst.v4))
			return -1;
		return sfw_tc_nat_field(skb, l4 + 4, 2, 0, csum, 0,
					p->icmp_kind == SFW_ICMPK_ECHO_REQUEST ? p->sport : p->dport,
					sfw_nat_echo_id(p, rw));
	}
	csum = l4 + (p->proto == SFW_IPPROTO_TCP ? 16 : 6);
	/* a UDP checksum of 0 (none) stays 0 */
	udp0 = p->proto == SFW_IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	if (sfw_tc_nat_field(skb, l3 + 12, 4, l3 + 10, csum, udp0 | BPF_F_PSEUDO_HDR,
			     p->src.v4, rw->src.v4) ||
	    sfw_tc_nat_field(skb, l3 + 16, 4, l3 + 10, csum, udp0 | BPF_F_PSEUDO_HDR,
			     p->dst.v4, rw->dst.v4) ||
	    sfw_tc_nat_field(skb, l4, 2, 0, csum, udp0, p->sport, rw->sport))
		return -1;
	return sfw_tc_nat_field(skb, l4 + 2, 2, 0, csum, udp0, p->dport, rw->dport);
}

#endif
