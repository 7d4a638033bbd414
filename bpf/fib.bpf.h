/* FIB queries about a packet's flow, in either direction: where its
 * destination is routed (new sessions) and where a reply to its source
 * would go (the spoofing screen, a transit packet from the host's own
 * address). */
#ifndef SFW_FIB_BPF_H
#define SFW_FIB_BPF_H

#include "parse.bpf.h"
#include "zone_bind.bpf.h"

/* What policy routing reads of the frame's IP header beside the tuple,
 * as struct bpf_fib_lookup's flowinfo word holds it: IPv4's ToS (the
 * union's tos byte, the rest 0: little-endian), IPv6's traffic class and
 * flow label. `ip rule tos` and `ip -6 rule tos|flowlabel` route by them,
 * so a query without them may name another egress, and another zone,
 * than the packet then takes (docs/security.md "Routes and zone pairs").
 * Read from the frame, not kept in struct sfw_pkt: the packet is 80
 * bytes of the call chain's 512 and has no room for the flow label; no
 * rewrite of ours changes these bits. 0 for a header not there, which
 * the parser that made p has read. */
static __always_inline __u32 sfw_fib_flowinfo(void *data, void *end, const struct sfw_pkt *p)
{
	__be32 *w;

	if (p->l3_off > SFW_L3_OFF_MAX)
		return 0;
	w = data + p->l3_off;
	if ((void *)(w + 1) > end)
		return 0;
	if (p->family == SFW_FAMILY_INET)
		return ((__u8 *)w)[1];
	return *w & bpf_htonl(SFW_IPV6_FLOWINFO_MASK);
}

/* The ports the kernel's flow dissector gives the packet, which its route
 * lookup reads, as struct bpf_fib_lookup holds them: the source in the low
 * half, the destination in the high one (network order each; the query
 * words' little-endian layout). p's own where they are the kernel's
 * (sfw_routed_by_ports); the first four bytes of UDP-Lite's, DCCP's and
 * ESP's header (ESP's SPI) and AH's SPI, read from the frame, as sfw's
 * tuple has no ports for them (an SPI differs by direction:
 * proto_ports_offset); none for ICMP, any other protocol, or a fragment
 * or a packet behind an IPv6 Fragment header (p->frag_hdr), unless
 * `whole`: the datagram netfilter's defragmentation would reassemble from
 * a first fragment, or make of an atomic one (sfw_xdp_frag_route_ok). Read within
 * the IP packet only, as the kernel reads it once padding is trimmed. */
static __always_inline __u32 sfw_fib_ports(void *data, void *end, const struct sfw_pkt *p,
					   bool whole)
{
	__u32 off = p->l4_off & 0x3fff;   /* as the parser bounds it */
	__u32 *w;

	if (p->frag == SFW_FRAG_LATER || ((p->frag || p->frag_hdr) && !whole))
		return 0;
	switch (p->proto) {
	case SFW_IPPROTO_TCP:
	case SFW_IPPROTO_UDP:
	case SFW_IPPROTO_SCTP:
		return p->sport | (__u32)p->dport << 16;   /* p's, whole or not */
	case SFW_IPPROTO_AH:
		off += 4;
		break;
	case SFW_IPPROTO_UDPLITE:
	case SFW_IPPROTO_DCCP:
	case SFW_IPPROTO_ESP:
		break;
	default:
		return 0;
	}
	w = data + off;
	if ((void *)(w + 1) > end || off + 4 > (__u32)p->l3_off + p->l3_len)
		return 0;
	return *w;
}

/* The frame of an XDP or tc context, as sfw_fib_query takes it. */
#define SFW_FRAME(ctx) (void *)(long)(ctx)->data, (void *)(long)(ctx)->data_end

/* Fills fib for the packet's own direction, or for a reply to it, with
 * the frame's (data, end: SFW_FRAME) ToS or flow label
 * (sfw_fib_flowinfo); a reply is asked with the packet's own, as the
 * kernel's reverse-path check does, and the ports the kernel routes it by
 * (sfw_fib_ports). The length stays 0: the XDP lookup
 * checks a non-zero tot_len against the egress MTU and answers
 * FRAG_NEEDED before it fills in the egress ifindex (the kernel's
 * bpf_ipv4_fib_lookup and bpf_ipv6_fib_lookup), and a session's route
 * does not depend on the size of its first packet (docs/security.md,
 * "Routes and zone pairs"). */
static __always_inline void sfw_fib_query(struct bpf_fib_lookup *fib, const struct sfw_pkt *p,
					  void *data, void *end, __u32 ifindex, bool reply)
{
	const union sfw_addr *src = reply ? &p->dst : &p->src;
	const union sfw_addr *dst = reply ? &p->src : &p->dst;
	__u32 ports = sfw_fib_ports(data, end, p, false);

	fib->ifindex = ifindex;
	fib->l4_protocol = p->proto;
	fib->sport = (__be16)(reply ? ports >> 16 : ports);
	fib->dport = (__be16)(reply ? ports : ports >> 16);
	fib->flowinfo = sfw_fib_flowinfo(data, end, p);
	if (p->family == SFW_FAMILY_INET) {
		fib->family = 2;   /* AF_INET */
		fib->ipv4_src = src->v4;
		fib->ipv4_dst = dst->v4;
	} else {
		fib->family = 10;  /* AF_INET6 */
		__builtin_memcpy(fib->ipv6_src, src, 16);
		__builtin_memcpy(fib->ipv6_dst, dst, 16);
	}
}

/* A NAT session's reply is routed where it goes once translated: to its
 * opener, read from the session's key nat_to (lo: the opener is the
 * key's low side), not to the alias it came in for (the host's own
 * address, or a pool's): *dst and *dport. NULL: any other packet,
 * routed as it is (*dst and *dport left). NAT is IPv4's only. */
static __always_inline void sfw_nat_route_dst(const struct sfw_pkt *p,
					      const struct sfw_session_key *nat_to, bool lo,
					      __be32 *dst, __be16 *dport)
{
	if (nat_to && p->family == SFW_FAMILY_INET) {
		*dst = (lo ? nat_to->addr_lo : nat_to->addr_hi).v4;
		*dport = lo ? nat_to->port_lo : nat_to->port_hi;
	}
}

/* sfw_nat_route_dst into fib's query (its port where the kernel routes
 * by ports). */
static __always_inline void sfw_fib_nat_dst(struct bpf_fib_lookup *fib, const struct sfw_pkt *p,
					    const struct sfw_session_key *nat_to, bool lo)
{
	__be16 dport = fib->dport;

	sfw_nat_route_dst(p, nat_to, lo, &fib->ipv4_dst, &fib->dport);
	if (!sfw_routed_by_ports(p))
		fib->dport = dport;   /* the route's own (ICMP's id is none) */
}

/* Is a an address no unicast flow may have as its source: Linux's own
 * martian-source list (ip_route_input_slow, ip6_rcv_core), checked
 * before any lookup, because the FIB has no entry for these: with a
 * default route, bpf_fib_lookup answers SUCCESS for them (docs/nat.md
 * "Fourth review", N1). IPv4: 0.0.0.0/8, 127/8, 224/4, 255.255.255.255
 * (class E is not on it); IPv6: ::, ::1, ff00::/8. A reply to such a
 * source is delivered by the stack to the host's own sockets (a
 * broadcast, a group every interface joins). */
static __always_inline bool sfw_addr_martian(const union sfw_addr *a, __u8 family)
{
	__u8 top = a->bytes[0];

	if (family == SFW_FAMILY_INET)
		return top == 0 || top == 127 || (top & 0xf0) == 0xe0 || a->v4 == 0xffffffff;
	if (top == 0xff)
		return true;
	return !(a->v6[0] | a->v6[1] | a->v6[2]) &&
	       (a->v6[3] == 0 || a->v6[3] == bpf_htonl(1));
}

/* Would the host route nothing, as unicast, to this packet's source? True
 * for a martian source (sfw_addr_martian), one of the host's own
 * addresses (the FIB's local route), a subnet broadcast, or a source with
 * no route at all: the lookup answers the last three NOT_FWDED alike. A
 * transit first packet from such a source is refused (docs/nat.md "Third review", R1): from the host's own address,
 * its replies (through source NAT, translated back to that address) would
 * be delivered to the host's own services past the policies to the host.
 * A source routed back by another zone than the packet came in by is
 * one, too, once zones are configured (a zone-level reverse-path check):
 * a host of one zone could otherwise open another zone's client's tuple
 * (a fixed-port flow: IKE, WireGuard, NTP) and, the session bound to its
 * own zone, lock the real client out (docs/security.md "Sessions are
 * bound to their zones", review Z1); and the replies of such a session
 * would leave by a zone its other wing does not record, which XDP
 * refuses anyway: the reply leaves as a session's packet, by the zone
 * its other wing records (sfw_leaves_by_peer_zone). Another interface of the same zone
 * (asymmetric routing inside a zone) is strict rp_filter's judgement:
 * the ip-spoofing screen's. Looked up as the packet came in (iif:
 * in_ifindex), for first packets only; ctx is the hook's. */
static __always_inline bool sfw_fib_src_unrouted(struct xdp_md *ctx, const struct sfw_pkt *p,
						 __u32 in_ifindex)
{
	struct bpf_fib_lookup fib = {};
	int rc;

	if (sfw_addr_martian(&p->src, p->family))
		return true;
	sfw_fib_query(&fib, p, SFW_FRAME(ctx), in_ifindex, true);
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH);
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED)
		return true;
	return (rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH) &&
	       !sfw_leaves_by_peer_zone(in_ifindex, fib.ifindex);
}

#endif
