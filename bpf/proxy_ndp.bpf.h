/* proxy-ndp (docs/nat.md "Proxy ARP and NDP"): a neighbour solicitation
 * (RFC 4861 7.1.1) on an interface with a proxy-ndp range covering its
 * target becomes, in place, the advertisement the kernel's ndisc sends
 * for a proxied address (ndisc_recv_ns, RFC 4861 7.2.8: Solicited set,
 * Router and Override clear, the interface's MAC as the target's
 * link-layer address), and goes back out (XDP_TX). Anything else goes on
 * to sfw_xdp_flow untouched, judged as before: a DAD probe (from ::,
 * which the kernel does not answer for a proxied address either), a
 * solicitation that is not valid, not for a covered target, or for one
 * the host owns or would not forward. */
#ifndef SFW_PROXY_NDP_BPF_H
#define SFW_PROXY_NDP_BPF_H

#include "proxy_arp.bpf.h"
#include "reject.bpf.h"

#define SFW_NS_OFF (SFW_ETH_HLEN + SFW_IPV6_HLEN)   /* untagged, no extension header */
#define SFW_NS_LEN 24             /* type, code, checksum, reserved, target */
#define SFW_NA_LEN 32             /* the same and a target link-layer address option */
#define SFW_NS_MAX_LEN 128        /* longer ones (options sfw does not know) go to the stack */
#define SFW_ND_OPT_SLLA 1
#define SFW_ND_OPT_TLLA 2
#define SFW_NA_F_SOLICITED 0x40000000

/* Is the message (len bytes at msg, len a multiple of 8 up to
 * SFW_NS_MAX_LEN) made of options each at least 8 bytes and together
 * exactly filling it, its first source link-layer address option exactly
 * 8 (an Ethernet address)? ndisc_parse_options refuses anything else and
 * keeps the first of that option (a later one only warns), and
 * ndisc_recv_ns drops a solicitation whose first is another size (review
 * rvarp, F2; rvfix62, N1). */
static __always_inline bool sfw_ns_options_ok(__u8 *msg, void *end, __u32 len)
{
	__u32 off = SFW_NS_LEN;
	bool slla = false;

	for (int i = 0; i < (SFW_NS_MAX_LEN - SFW_NS_LEN) / 8; i++) {
		__u8 *o;

		if (off >= len)
			break;
		o = msg + (off & 0xff);
		if ((void *)(o + 2) > end || !o[1])
			return false;
		if (o[0] == SFW_ND_OPT_SLLA && !slla) {
			if (o[1] != 1)
				return false;
			slla = true;
		}
		off += o[1] * 8;
	}
	return off == len;
}

/* Does the ICMPv6 checksum of the len-byte message at msg (len a
 * multiple of 8 up to SFW_NS_MAX_LEN) hold, with p's addresses? */
static __always_inline bool sfw_ns_csum_ok(const struct sfw_pkt *p, __u8 *msg, void *end,
					   __u32 len)
{
	__u64 sum = sfw_pseudo_sum(p, SFW_IPPROTO_ICMP6, len);

	for (int i = 0; i < SFW_NS_MAX_LEN / 8; i++) {
		__u8 *c = msg + i * 8;

		if ((__u32)i * 8 >= len)
			break;
		if ((void *)(c + 8) > end)
			return false;
		sum += bpf_csum_diff(NULL, 0, (__be32 *)c, 8, 0);
	}
	return sfw_csum_fold(sum) == 0;
}

/* Is the solicitation's destination the target itself (a unicast probe)
 * or the target's solicited-node group, the one group the kernel joins
 * for a proxied address (pndisc_constructor)? */
static __always_inline bool sfw_ns_dst_ok(const struct sfw_pkt *p, const union sfw_addr *t)
{
	if (sfw_ip6_solicited_node(&p->dst))
		return p->dst.bytes[13] == t->bytes[13] && p->dst.bytes[14] == t->bytes[14] &&
		       p->dst.bytes[15] == t->bytes[15];
	return !((p->dst.v6[0] ^ t->v6[0]) | (p->dst.v6[1] ^ t->v6[1]) |
		 (p->dst.v6[2] ^ t->v6[2]) | (p->dst.v6[3] ^ t->v6[3]));
}

/* Would the host answer for t itself, or not forward to it? As
 * sfw_arp_not_hosts, for IPv6: true only when the FIB has a route. The
 * source stays :: (any): the lookup answers NOT_FWDED for a link-local
 * one (rt6_need_strict), the usual solicitor's. */
static __always_inline bool sfw_ns_not_hosts(struct xdp_md *ctx, const union sfw_addr *t)
{
	struct bpf_fib_lookup fib = {};

	fib.family = 10;   /* AF_INET6 */
	__builtin_memcpy(fib.ipv6_dst, t, 16);
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

/* Writes the advertisement (SFW_NA_LEN bytes after the IPv6 header) of
 * t from src to the solicitor (p->src, at smac) with mac, into a frame
 * already cut to its size: every byte of it, the checksum last. */
static __always_inline int sfw_na_write(struct xdp_md *ctx, const struct sfw_pkt *p,
					const union sfw_addr *t, const union sfw_addr *src,
					const __u8 *smac, const __u8 *mac)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = data + SFW_ETH_HLEN;
	__u8 *na = data + SFW_NS_OFF;
	__u64 sum;

	if ((void *)(na + SFW_NA_LEN) > end)
		return XDP_DROP;
	__builtin_memcpy(eth->h_dest, smac, SFW_ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, SFW_ETH_ALEN);
	*(__be32 *)ip6 = bpf_htonl(0x60000000);
	ip6->payload_len = bpf_htons(SFW_NA_LEN);
	ip6->nexthdr = SFW_IPPROTO_ICMP6;
	ip6->hop_limit = SFW_ND_HOP_LIMIT;
	__builtin_memcpy(&ip6->saddr, src, 16);
	__builtin_memcpy(&ip6->daddr, &p->src, 16);
	*(__be32 *)na = bpf_htonl((__u32)SFW_ICMPV6_ND_NA << 24);   /* code 0, checksum 0 */
	*(__be32 *)(na + 4) = bpf_htonl(SFW_NA_F_SOLICITED);
	__builtin_memcpy(na + 8, t, 16);
	na[24] = SFW_ND_OPT_TLLA;
	na[25] = 1;
	__builtin_memcpy(na + 26, mac, SFW_ETH_ALEN);
	sum = bpf_htons(SFW_NA_LEN) + bpf_htons(SFW_IPPROTO_ICMP6);
	sum += bpf_csum_diff(NULL, 0, (__be32 *)&ip6->saddr, 32, 0);
	sum += bpf_csum_diff(NULL, 0, (__be32 *)na, SFW_NA_LEN, 0);
	*(__u16 *)(na + 2) = sfw_csum_fold(sum);
	return XDP_TX;
}

/* Is this parsed neighbour solicitation one proxy-ndp answers: untagged,
 * no extension header, valid (sfw_nd_valid: hop limit 255, code 0, a
 * target that is no group), not a DAD probe nor from a martian source,
 * its options well formed and its checksum right? */
static __always_inline bool sfw_ns_askable(const struct sfw_pkt *p, void *data, void *end)
{
	struct ipv6hdr *ip6 = data + SFW_ETH_HLEN;
	__u8 *msg = data + SFW_NS_OFF;
	__u32 len = p->l3_len - SFW_IPV6_HLEN;

	if (p->l3_off != SFW_ETH_HLEN || p->l4_off != SFW_NS_OFF || (void *)(msg + SFW_NS_LEN) > end)
		return false;
	if (!sfw_nd_valid(data, end, p, (struct icmphdr *)msg, ip6->hop_limit))
		return false;
	if (sfw_addr_martian(&p->src, SFW_FAMILY_INET6))
		return false;   /* :: (DAD), ::1, a group */
	if (len > SFW_NS_MAX_LEN || (len & 7))
		return false;
	return sfw_ns_options_ok(msg, end, len) && sfw_ns_csum_ok(p, msg, end, len);
}

/* A neighbour solicitation (sfw_parse_packet's SFW_ICMPK_LINK of type
 * NS): XDP_TX when proxy-ndp answers it, turned into the advertisement;
 * XDP_PASS, the frame untouched, when it does not (sfw_xdp_flow then
 * judges it as any ND message); XDP_DROP when the frame could not be
 * resized or was cut short after it was (never, as sized). A global
 * function: its lookup and addresses stay off the entry point's frame. */
__noinline int sfw_xdp_proxy_ndp(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	const struct sfw_config *cfg = sfw_cfg_get();
	const struct sfw_nat_proxy *e;
	union sfw_addr target;
	__u8 smac[SFW_ETH_ALEN];
	struct ethhdr *eth;
	void *data, *end;

	if (!ctx || !p || !cfg || !sfw_proxy_answers(cfg))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	if (!sfw_ns_askable(p, data, end) || (void *)((__u8 *)data + SFW_NS_OFF + SFW_NS_LEN) > end)
		return XDP_PASS;
	__builtin_memcpy(&target, (__u8 *)data + SFW_NS_OFF + 8, 16);
	e = sfw_proxy_find(ctx->ingress_ifindex, sfw_cfg_gen(cfg), SFW_FAMILY_INET6, &target);
	/* the answer goes to the frame's sender: never to a group MAC */
	if (!e || !sfw_ns_dst_ok(p, &target) || !sfw_arp_to_us(eth, e->mac) ||
	    (eth->h_source[0] & 1) || !sfw_ns_not_hosts(ctx, &target))
		return XDP_PASS;
	__builtin_memcpy(smac, eth->h_source, SFW_ETH_ALEN);
	if (bpf_xdp_adjust_tail(ctx, (int)(SFW_NS_OFF + SFW_NA_LEN) - (int)(end - data)))
		return XDP_PASS;   /* no room to grow: nothing written yet */
	/* from the interface's link-local (RFC 4861 7.2.4), the target when
	 * the loader found none (include/nat.h) */
	return sfw_na_write(ctx, p, &target, sfw_ip6_unspecified(&e->src) ? &target : &e->src,
			    smac, e->mac);
}

#endif
