/* proxy-arp (docs/nat.md "Proxy ARP and NDP"): an ARP request on an
 * interface with a proxy range covering its target becomes, in place, the
 * reply the interface would send if the address were its own, and goes
 * back out (XDP_TX). Anything else ARP (a reply, a gratuitous request, a
 * probe, a target not covered, a frame that does not parse) goes up to
 * the stack untouched, as every frame that is not IP does. */
#ifndef SFW_PROXY_ARP_BPF_H
#define SFW_PROXY_ARP_BPF_H

#include "fib.bpf.h"
#include "local_addr.bpf.h"
#include "parse.bpf.h"
#include "policy.bpf.h"

/* ARP for IPv4 over Ethernet (RFC 826): the only kind answered. */
struct sfw_arp4 {
	__be16 hrd;
	__be16 pro;
	__u8 hln;
	__u8 pln;
	__be16 op;
	__u8 sha[SFW_ETH_ALEN];
	__u8 spa[4];
	__u8 tha[SFW_ETH_ALEN];
	__u8 tpa[4];
} __attribute__((packed));

/* a (IPv6, network order) as a number's two halves, host order. */
static __always_inline void sfw_addr6_halves(const union sfw_addr *a, __u64 *hi, __u64 *lo)
{
	*hi = (__u64)bpf_ntohl(a->v6[0]) << 32 | bpf_ntohl(a->v6[1]);
	*lo = (__u64)bpf_ntohl(a->v6[2]) << 32 | bpf_ntohl(a->v6[3]);
}

/* Does a (IPv6) lie in first..last of e? A global function: its
 * compares' branches are verified once, not again for every entry the
 * lookup below tries (inlined, they took the verifier past its
 * million instructions). */
__noinline int sfw_proxy_covers6(const struct sfw_nat_proxy *e, const union sfw_addr *a)
{
	__u64 ah, al, fh, fl, lh, ll;

	if (!e || !a)
		return 0;
	sfw_addr6_halves(a, &ah, &al);
	sfw_addr6_halves(&e->first, &fh, &fl);
	sfw_addr6_halves(&e->last, &lh, &ll);
	return (ah > fh || (ah == fh && al >= fl)) && (ah < lh || (ah == lh && al <= ll));
}

/* Does a (network order) lie in first..last of entry e of family? */
static __always_inline bool sfw_proxy_covers(const struct sfw_nat_proxy *e, __u8 family,
					     const union sfw_addr *a)
{
	if (e->family != family)
		return false;
	if (family == SFW_FAMILY_INET)
		return bpf_ntohl(a->v4) >= bpf_ntohl(e->first.v4) &&
		       bpf_ntohl(a->v4) <= bpf_ntohl(e->last.v4);
	return sfw_proxy_covers6(e, a);
}

/* The proxy entry of ifindex, generation gen, whose range of family
 * covers a, or NULL. An interface's ranges are numbered from 0 without a
 * gap (loader/nat_proxy_write.c), proxy-arp's and proxy-ndp's together. */
static __always_inline const struct sfw_nat_proxy *sfw_proxy_find(__u32 ifindex, __u32 gen,
								   __u8 family,
								   const union sfw_addr *a)
{
	struct sfw_nat_proxy_key k = { .ifindex = ifindex, .gen = (__u8)gen };

	for (int i = 0; i < SFW_NAT_MAX_PROXIES; i++) {
		const struct sfw_nat_proxy *e;

		k.idx = (__u16)i;
		e = bpf_map_lookup_elem(&SFW_MAP_NAT_PROXIES, &k);
		if (!e)
			return NULL;
		if (sfw_proxy_covers(e, family, a))
			return e;
	}
	return NULL;
}

/* Does this node answer for proxied addresses at all? Not while it is
 * its cluster's secondary (SFW_CFG_F_HA_SECONDARY, docs/ha.md): the
 * primary holds the NAT sessions, and two answers would leave a
 * neighbour's cache at whichever came last. */
static __always_inline bool sfw_proxy_answers(const struct sfw_config *cfg)
{
	return !(cfg->flags & SFW_CFG_F_HA_SECONDARY);
}

/* Is the request one to answer at all: Ethernet and IPv4 addresses, a
 * request, neither a probe (sender 0.0.0.0: RFC 5227) nor an
 * announcement (sender = target)? Probes go to the stack, which does not
 * answer them for proxied addresses either (arp_process). */
static __always_inline bool sfw_arp_askable(const struct sfw_arp4 *a, __u32 spa, __u32 tpa)
{
	return a->hrd == bpf_htons(SFW_ARPHRD_ETHER) && a->pro == bpf_htons(SFW_ETH_P_IP) &&
	       a->hln == SFW_ETH_ALEN && a->pln == 4 && a->op == bpf_htons(SFW_ARPOP_REQUEST) &&
	       spa && spa != tpa;
}

/* Would the kernel answer the sender at all? Not a martian sender
 * address, nor one of the host's own (its proxy path asks ip_route_input,
 * which refuses both, fib_validate_source the latter unless accept_local;
 * the FIB lookup below does not check the source: review rvarp, F1), nor
 * a group sender MAC, which would make the reply a broadcast or multicast
 * one the whole segment takes (RFC 1812 3.3.2). Asked of covered requests
 * only. */
static __always_inline bool sfw_arp_sender_ok(const struct sfw_arp4 *a, __u32 spa)
{
	union sfw_addr s = { .v4 = spa };

	return !(a->sha[0] & 1) && !sfw_addr_martian(&s, SFW_FAMILY_INET) &&
	       !sfw_local_addr_has(&s, SFW_FAMILY_INET);
}

/* Is the frame addressed to the interface (mac), a group or the
 * broadcast? A unicast frame for another station (a promiscuous port) is
 * not the host's to answer: the kernel drops it (PACKET_OTHERHOST). */
static __always_inline bool sfw_arp_to_us(const struct ethhdr *eth, const __u8 *mac)
{
	__u8 diff = 0;

#pragma unroll
	for (int i = 0; i < SFW_ETH_ALEN; i++)
		diff |= eth->h_dest[i] ^ mac[i];
	return (eth->h_dest[0] & 1) || !diff;
}

/* Would the host answer for tpa itself? The FIB says so (NOT_FWDED: a
 * local address, or a broadcast, or no route at all), and then the
 * kernel's own answer stands, with its arp_ignore and arp_announce, and
 * the requester's neighbour entry it learns. FWD_DISABLED comes before
 * the FIB is asked, so it cannot tell; with forwarding off no NAT reply
 * is forwarded anyway (sfw_xdp_egress_nat). Every other answer is a
 * route, a discard one included (a pool's blackhole route that keeps its
 * unanswered traffic from looping upstream): answered. Asked of covered
 * requests only. */
static __always_inline bool sfw_arp_not_hosts(struct xdp_md *ctx, __u32 spa, __u32 tpa)
{
	struct bpf_fib_lookup fib = {};

	fib.family = 2;   /* AF_INET */
	fib.ipv4_src = spa;
	fib.ipv4_dst = tpa;
	fib.ifindex = ctx->ingress_ifindex;
	switch (bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH)) {
	case BPF_FIB_LKUP_RET_SUCCESS:
	case BPF_FIB_LKUP_RET_NO_NEIGH:
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return true;
	default:   /* NOT_FWDED, FWD_DISABLED, errors */
		return false;
	}
}

/* The request a, from eth, turned into its reply for mac, as the kernel
 * writes one (arp_send_dst): to the requester's hardware address, the
 * target's address now the sender's. */
static __always_inline void sfw_arp_answer(struct ethhdr *eth, struct sfw_arp4 *a,
					   const __u8 *mac)
{
	__u8 ip[4];

	__builtin_memcpy(a->tha, a->sha, SFW_ETH_ALEN);
	__builtin_memcpy(eth->h_dest, a->sha, SFW_ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, SFW_ETH_ALEN);
	__builtin_memcpy(a->sha, mac, SFW_ETH_ALEN);
	__builtin_memcpy(ip, a->spa, 4);
	__builtin_memcpy(a->spa, a->tpa, 4);
	__builtin_memcpy(a->tpa, ip, 4);
	a->op = bpf_htons(SFW_ARPOP_REPLY);
}

/* A frame that is not IP (sfw_parse_packet's SFW_PKT_UNTRACKED): XDP_TX
 * when it was an ARP request proxy-arp answers, turned into the answer,
 * else XDP_PASS, the frame untouched. A global function: the lookup's 64
 * bytes stay off the entry point's frame. */
__noinline int sfw_xdp_proxy_arp(struct xdp_md *ctx)
{
	const struct sfw_config *cfg = sfw_cfg_get();
	const struct sfw_nat_proxy *e;
	union sfw_addr target = {};
	struct sfw_arp4 *a;
	struct ethhdr *eth;
	void *data, *end;
	__u32 spa, tpa;

	if (!ctx || !cfg || !sfw_proxy_answers(cfg))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	/* untagged only: a tagged frame is another broadcast domain, the
	 * kernel's fb.<vid> (or nothing), whose addresses are not fb's */
	a = data + sizeof(*eth);
	if ((void *)(a + 1) > end || eth->h_proto != bpf_htons(SFW_ETH_P_ARP))
		return XDP_PASS;
	__builtin_memcpy(&tpa, a->tpa, 4);
	__builtin_memcpy(&spa, a->spa, 4);
	if (!sfw_arp_askable(a, spa, tpa))
		return XDP_PASS;
	target.v4 = tpa;
	e = sfw_proxy_find(ctx->ingress_ifindex, sfw_cfg_gen(cfg), SFW_FAMILY_INET, &target);
	if (!e || !sfw_arp_to_us(eth, e->mac) || !sfw_arp_sender_ok(a, spa) ||
	    !sfw_arp_not_hosts(ctx, spa, tpa))
		return XDP_PASS;
	sfw_arp_answer(eth, a, e->mac);
	return XDP_TX;
}

#endif
