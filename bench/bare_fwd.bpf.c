// SPDX-License-Identifier: GPL-2.0
/* The fastest this machine forwards in XDP: a bare forwarder with no
 * state, the limit sfw's forwarding is measured against (issue 15, item
 * 1; bench/forwarding.c). Per packet: parse Ethernet and IPv4 or IPv6,
 * bpf_fib_lookup, rewrite the MACs, decrement the TTL (IPv4 header
 * checksum updated incrementally, RFC 1624) or the hop limit, and
 * bpf_redirect to the FIB's egress. No session, no counter, no policy:
 * what sfw adds on top of this is the firewall's own time. Anything it
 * cannot forward (no neighbour yet, TTL about to expire, IP options,
 * VLAN tags) goes to the stack, as sfw does. Kept free of sfw's headers
 * so that it is a baseline, not a copy. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86DD
#define FAMILY_INET 2      /* AF_INET, as bpf_fib_lookup wants it */
#define FAMILY_INET6 10    /* AF_INET6 */

static __always_inline int redirect(struct bpf_fib_lookup *fib, struct ethhdr *eth)
{
	__builtin_memcpy(eth->h_dest, fib->dmac, 6);
	__builtin_memcpy(eth->h_source, fib->smac, 6);
	return bpf_redirect(fib->ifindex, 0);
}

static __always_inline int fwd4(struct xdp_md *ctx, struct bpf_fib_lookup *fib)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	__u32 check;

	if ((void *)(ip + 1) > end || ip->ihl != 5 || ip->ttl <= 1)
		return XDP_PASS;
	fib->family = FAMILY_INET;
	fib->tos = ip->tos;
	fib->l4_protocol = ip->protocol;
	fib->tot_len = bpf_ntohs(ip->tot_len);
	fib->ipv4_src = ip->saddr;
	fib->ipv4_dst = ip->daddr;
	if (bpf_fib_lookup(ctx, fib, sizeof(*fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	data = (void *)(long)ctx->data, end = (void *)(long)ctx->data_end;
	ip = data + sizeof(struct ethhdr);
	if ((void *)(ip + 1) > end)
		return XDP_PASS;
	check = ip->check + bpf_htons(0x0100);
	ip->check = (__u16)(check + (check >= 0xFFFF));
	ip->ttl--;
	return redirect(fib, data);
}

static __always_inline int fwd6(struct xdp_md *ctx, struct bpf_fib_lookup *fib)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);

	if ((void *)(ip6 + 1) > end || ip6->hop_limit <= 1)
		return XDP_PASS;
	fib->family = FAMILY_INET6;
	fib->flowinfo = *(__be32 *)ip6 & bpf_htonl(0x0FFFFFFF);
	fib->l4_protocol = ip6->nexthdr;
	fib->tot_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	__builtin_memcpy(fib->ipv6_src, &ip6->saddr, 16);
	__builtin_memcpy(fib->ipv6_dst, &ip6->daddr, 16);
	if (bpf_fib_lookup(ctx, fib, sizeof(*fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	data = (void *)(long)ctx->data, end = (void *)(long)ctx->data_end;
	ip6 = data + sizeof(struct ethhdr);
	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	ip6->hop_limit--;
	return redirect(fib, data);
}

SEC("xdp")
int bare_fwd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib = { .ifindex = ctx->ingress_ifindex };
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IPV4))
		return fwd4(ctx, &fib);
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return fwd6(ctx, &fib);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
