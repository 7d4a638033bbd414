/* XDP forwarding: a transit packet of a permitted session leaves through
 * the egress interface the FIB names straight from XDP (MACs rewritten,
 * TTL or hop limit decremented, the IPv4 checksum fixed incrementally),
 * without the kernel stack and its per-packet sk_buff. Anything this path
 * does not handle goes up to the stack unchanged (XDP_PASS), which forwards
 * it as it would without sfw: an unresolved neighbour (the stack sends the
 * ARP/ND query), TTL about to expire (the stack sends Time Exceeded), a
 * packet over the egress MTU, VLAN-tagged frames, an egress that is not
 * attached or cannot take redirected frames. On only with
 * SFW_CFG_F_FORWARD (`sfw attach IFACE forward`, or
 * `sfw set security flow forwarding enable`). */
#ifndef SFW_FORWARD_BPF_H
#define SFW_FORWARD_BPF_H

#include "counters.bpf.h"
#include "parse.bpf.h"
#include "flow.bpf.h"
#include "route_cache.bpf.h"

#define SFW_AF_INET 2
#define SFW_AF_INET6 10

/* The egress devices XDP may redirect to, keyed by ifindex: the attached
 * interfaces whose driver takes redirected frames (the loader checks the
 * device's XDP features, see loader/forward.c). A miss makes
 * bpf_redirect_map() return XDP_PASS: the stack forwards instead. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SFW_MAX_IFACES);
	/* pinned by the loader itself (loader/progs.c): the kernel marks
	 * devmaps read-only to programs, and libbpf 1.1 then sees a flags
	 * mismatch and refuses to reuse the pin */
} SFW_MAP_TX_PORTS SEC(".maps");

/* IPv4 TTL minus one with the header checksum updated as RFC 1624 does
 * it: the TTL is the high byte of its 16-bit word, so the sum grows by
 * 0x0100 in network order, the end-around carry folded back in. */
static __always_inline void sfw_ip_decrease_ttl(struct iphdr *ip)
{
	__u32 check = ip->check;

	check += bpf_htons(0x0100);
	ip->check = (__u16)(check + (check >= 0xFFFF));
	ip->ttl--;
}

/* The route cache's key of the packet's FIB query from ingress (nat_to,
 * lo: sfw_forward_route's), as words (bpf/route_cache.bpf.h): every input
 * of the lookup, the same bits bpf_fib_lookup gets on a miss. The IPv4
 * addresses and ToS are read from the frame's header, a NAT reply's
 * already translated ahead of its route (sfw_xdp_flow); the ports the
 * kernel routes it by (sfw_fib_ports).
 * Returns false when the packet must go to the stack whatever the route:
 * its TTL or hop limit would reach 0 (the stack answers Time Exceeded).
 * The header is read at the fixed untagged offset, which the caller
 * checked, so the verifier sees constant offsets. */
static __always_inline bool sfw_fwd_key(__u64 *w, void *data, void *end, const struct sfw_pkt *p,
					const struct sfw_session_key *nat_to, bool lo, __u32 ingress)
{
	struct iphdr *ip = data + SFW_ETH_HLEN;
	struct ipv6hdr *ip6 = data + SFW_ETH_HLEN;
	__u32 ports = sfw_fib_ports(data, end, p, false);
	__be16 sport = (__be16)ports, dport = (__be16)(ports >> 16), nat_port = dport;
	__be32 dst;

	if (p->family == SFW_FAMILY_INET) {
		if ((void *)(ip + 1) > end || ip->ttl <= 1)
			return false;
		dst = ip->daddr;
		sfw_nat_route_dst(p, nat_to, lo, &dst, &nat_port);
		if (sfw_routed_by_ports(p))
			dport = nat_port;   /* a translated reply's port (ICMP's id is none) */
		w[0] = sfw_route_word0(SFW_AF_INET, p->proto, sport, dport);
		w[1] = ingress | (__u64)ip->tos << 32;
		w[2] = ip->saddr, w[3] = 0;
		w[4] = dst, w[5] = 0;
		return true;
	}
	if ((void *)(ip6 + 1) > end || ip6->hop_limit <= 1)
		return false;
	w[0] = sfw_route_word0(SFW_AF_INET6, p->proto, sport, dport);
	w[1] = ingress | (__u64)(*(__be32 *)ip6 & bpf_htonl(SFW_IPV6_FLOWINFO_MASK)) << 32;
	sfw_route_words6(&w[2], &p->src);
	sfw_route_words6(&w[4], &p->dst);
	return true;
}

/* The frame as it leaves: next hop's MACs, one hop less. Returns false,
 * having written nothing, if the headers are not there: sfw_fwd_key
 * checked the same bounds, but the verifier wants them again after the
 * helper calls in between (packet pointers are reloaded). */
static __always_inline bool sfw_fwd_rewrite(void *data, void *end, const struct sfw_pkt *p,
					    const struct bpf_fib_lookup *fib)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + SFW_ETH_HLEN;
	struct ipv6hdr *ip6 = data + SFW_ETH_HLEN;

	if (p->family == SFW_FAMILY_INET) {
		if ((void *)(ip + 1) > end)
			return false;
		sfw_ip_decrease_ttl(ip);
	} else {
		if ((void *)(ip6 + 1) > end)
			return false;
		ip6->hop_limit--;
	}
	__builtin_memcpy(eth->h_dest, fib->dmac, 6);
	__builtin_memcpy(eth->h_source, fib->smac, 6);
	return true;
}

/* Transit output, counted on the egress interface here because a
 * redirected frame never reaches that interface's tc egress hook. */
static __always_inline void sfw_fwd_count(__u32 ifindex, __u64 bytes)
{
	struct sfw_iface_stats *st = sfw_stats(ifindex);

	sfw_count(st, SFW_CNT_OUT_PERMITTED_BYTES, bytes);
	sfw_count(st, SFW_CNT_TRANSIT_OUT_BYTES, bytes);
	sfw_count(st, SFW_CNT_TRANSIT_OUT_PKTS, 1);
}

/* sfw_forward_route's answer for a destination the FIB does not forward
 * to (the host's own address, a broadcast, no route): not an XDP action */
#define SFW_XDP_NOT_FWDED 0x100
/* sfw_forward_route's answer for an egress in another zone than the one
 * the session's other wing records: not an XDP action */
#define SFW_XDP_OTHER_ZONE 0x200

/* The route sfw_forward_route found, for sfw_forward_send to send the
 * same packet by on the same CPU, and its query's key (sfw_fwd_key):
 * per CPU, not pinned, kept out of the call chain's 512 bytes of stack. */
struct sfw_fwd_route {
	struct bpf_fib_lookup fib;
	__u64 key[SFW_ROUTE_QUERY_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_fwd_route);
	__uint(max_entries, 1);
} sfw_fwd_scratch SEC(".maps");

/* sfw_forward_route's (and sfw_xdp_route_first's) `how`: XDP forwards
 * the packet itself; a NAT reply's opener is its key's low side */
#define SFW_ROUTE_HOW_FORWARD 1
#define SFW_ROUTE_HOW_LO 2
#define SFW_ROUTE_HOW_TO_OPENER 4   /* the packet goes to the session's In wing */
/* The interface a session's other wing records (peer) and how, in one
 * argument: a global function takes five, and the packet's clock
 * reading is one of them (sfw_route_lookup). peer in the low word. */
#define SFW_ROUTE_PEER_HOW(peer, how) ((__u64)(how) << 32 | (__u32)(peer))
#define SFW_ROUTE_PEER(peer_how) ((__u32)(peer_how))
#define SFW_ROUTE_HOW(peer_how) ((__u32)((peer_how) >> 32))

/* Where XDP would send a transit packet: XDP_REDIRECT (sfw_forward_send
 * sends it by the route kept in sfw_fwd_scratch), XDP_PASS (the stack
 * takes it), or XDP_DROP when the route is a blackhole, unreachable or
 * prohibit one. A missing route reads as NOT_FWDED, like a local
 * address: answered SFW_XDP_NOT_FWDED, which the caller refuses (a
 * transit session's packet must not reach the host's services). nat_to:
 * a NAT session's key when the packet is its reply, whose route is the
 * translated destination's, the original opener (SFW_ROUTE_HOW_LO in
 * peer_how: the opener is the key's low side, as sfw_nat_plan takes it);
 * NULL for any other. peer_how: SFW_ROUTE_PEER_HOW. now: the packet's
 * clock (sfw_route_lookup). Asked before the session is touched, so that
 * a refused packet changes nothing of it (RV2-1). A global function: the
 * verifier checks it once on its own. */
__noinline int sfw_forward_route(struct xdp_md *ctx, const struct sfw_pkt *p, __u64 peer_how,
				 const struct sfw_session_key *nat_to, __u64 now)
{
	__u32 zero = 0, peer = SFW_ROUTE_PEER(peer_how);
	bool lo = SFW_ROUTE_HOW(peer_how) & SFW_ROUTE_HOW_LO;
	struct sfw_fwd_route *r = bpf_map_lookup_elem(&sfw_fwd_scratch, &zero);
	struct bpf_fib_lookup *fib;
	int rc;

	if (!ctx || !p || !r || p->multicast || p->l3_off != SFW_ETH_HLEN)
		return XDP_PASS;
	if (!sfw_fwd_key(r->key, (void *)(long)ctx->data, (void *)(long)ctx->data_end, p, nat_to,
			 lo, ctx->ingress_ifindex))
		return XDP_PASS;
	fib = &r->fib;
	/* the FIB checks tot_len against the egress MTU (16 bits, as before) */
	rc = sfw_route_lookup(ctx, fib, r->key, (__u16)p->l3_len, now);
	if (rc == BPF_FIB_LKUP_RET_BLACKHOLE || rc == BPF_FIB_LKUP_RET_UNREACHABLE ||
	    rc == BPF_FIB_LKUP_RET_PROHIBIT)
		return XDP_DROP;
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED)
		return SFW_XDP_NOT_FWDED;
	/* a session's packets leave by its other wing's zone only: a route
	 * that moved into another zone would carry them across a zone pair
	 * no policy judged (docs/security.md "Sessions are bound to their
	 * zones", review Z5), the stack's forwarding too when the neighbour
	 * is not resolved yet (RV2-7). One compare; the lookup only when
	 * they differ */
	if ((rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH) &&
	    !sfw_leaves_by_peer_zone(peer, fib->ifindex))
		return SFW_XDP_OTHER_ZONE;
	return rc == BPF_FIB_LKUP_RET_SUCCESS ? XDP_REDIRECT : XDP_PASS;   /* NO_NEIGH, ... */
}

/* Sends the packet sfw_forward_route answered XDP_REDIRECT for, by the
 * route it kept: XDP_REDIRECT, or XDP_PASS when the egress takes no
 * redirected frames (the stack forwards it then, by the same route). The
 * redirect happens after we return, so the frame may still be rewritten;
 * on a miss nothing is sent. A global function. */
__noinline int sfw_forward_send(struct xdp_md *ctx, const struct sfw_pkt *p, __u64 bytes)
{
	const struct sfw_fwd_route *r;
	const struct bpf_fib_lookup *fib;
	__u32 zero = 0;

	r = bpf_map_lookup_elem(&sfw_fwd_scratch, &zero);
	if (!ctx || !p || !r)
		return XDP_PASS;
	fib = &r->fib;
	if (bpf_redirect_map(&SFW_MAP_TX_PORTS, fib->ifindex, XDP_PASS) != XDP_REDIRECT ||
	    !sfw_fwd_rewrite((void *)(long)ctx->data, (void *)(long)ctx->data_end, p, fib))
		return XDP_PASS;
	sfw_fwd_count(fib->ifindex, bytes);
	return XDP_REDIRECT;
}

/* The outcome of a transit packet refused for its route (act:
 * sfw_forward_route's answer), SFW_CNT_SFW_PERMITTED_PKTS for any other:
 * a blackhole's "No route present"; a packet the FIB no longer forwards
 * (its destination became one of the host's own addresses: a WAN
 * renumbered by DHCP, an address moved onto the firewall; or it lost its
 * route) would reach the host's services past the policies to the host
 * up there: a translated reply under Incoming NAT errors (docs/nat.md
 * "Third review", R1), any other as the route it lacks ("Fourth review",
 * N3); an egress in another zone, Invalid zone (review Z5). */
static __always_inline __u32 sfw_route_refusal(int act, bool nat_reply)
{
	if (act == XDP_DROP)
		return SFW_CNT_ERR_NO_ROUTE;
	if (act == SFW_XDP_OTHER_ZONE)
		return SFW_CNT_ERR_INVALID_ZONE;
	if (act == SFW_XDP_NOT_FWDED)
		return nat_reply ? SFW_CNT_ERR_INCOMING_NAT : SFW_CNT_ERR_NO_ROUTE;
	return SFW_CNT_SFW_PERMITTED_PKTS;
}

/* May XDP forward this session's packet itself? Fragments, first and
 * later alike, go to the stack: one path for the whole datagram,
 * whichever fragment carries the ports XDP's FIB query would hash a
 * multipath route on, and the stack reassembles (netfilter's
 * defragmentation) or refragments when it has to. */
static __always_inline bool sfw_xdp_forwards(const struct sfw_pkt *p, const struct sfw_config *cfg,
					     __u8 sess_flags)
{
	return (cfg->flags & SFW_CFG_F_FORWARD) && (sess_flags & SFW_SESS_F_TRANSIT) && !p->frag;
}

/* The hook, for a permitted packet whose route was not decided before
 * its session (a first packet, one that joined another CPU's new
 * session): the XDP action, with *outcome turned into the refusal's
 * counter on a drop (sfw_route_refusal). */
static __always_inline int sfw_xdp_forward(struct xdp_md *ctx, const struct sfw_pkt *p,
					   const struct sfw_flow *f, __u32 *outcome)
{
	int act;

	if (!sfw_xdp_forwards(p, f->cfg, f->sess_flags))
		return XDP_PASS;
	act = sfw_forward_route(ctx, p, SFW_ROUTE_PEER_HOW(f->peer_ifindex, 0), NULL, f->now);
	if (act == XDP_REDIRECT)
		return sfw_forward_send(ctx, p, f->bytes);
	*outcome = sfw_route_refusal(act, f->nat == SFW_FLOW_NAT_PLAN && f->via_alias);
	return *outcome == SFW_CNT_SFW_PERMITTED_PKTS ? act : XDP_DROP;
}

#endif
