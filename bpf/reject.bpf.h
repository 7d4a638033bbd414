/* `then reject`: answer a refused first packet from XDP instead of dropping
 * it silently, as Junos does: a TCP RST for TCP, an ICMP unreachable for
 * everything else. The frame is rewritten in place and sent back out the
 * interface it came in on (XDP_TX). Multicast and ICMP errors are never
 * answered (no error about an error, no reply storms). */
#ifndef SFW_REJECT_BPF_H
#define SFW_REJECT_BPF_H

#include "parse.bpf.h"

#define SFW_IPV4_HLEN 20
#define SFW_IPV6_HLEN 40
#define SFW_TCP_HLEN 20
#define SFW_ICMP_HLEN 8
/* The original packet quoted in an ICMP error: its IP header (at most 60
 * bytes for IPv4, the fixed 40 for IPv6) and the first 8 bytes after it. */
#define SFW_QUOTE_L4 8

static __always_inline __u16 sfw_csum_fold(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static __always_inline void sfw_swap_macs(struct ethhdr *eth)
{
	__u8 tmp[6];

	__builtin_memcpy(tmp, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, tmp, 6);
}

/* Pseudo-header sum for the L4 checksum of a reply from dst to src,
 * summed as raw 16-bit words like everything else here (the ones'
 * complement sum does not care about byte order if all terms agree). */
static __always_inline __u64 sfw_pseudo_sum(const struct sfw_pkt *p, __u8 proto, __u32 l4_len)
{
	__u64 sum = bpf_htons((__u16)l4_len) + bpf_htons((__u16)proto);

	/* IPv4 addresses fill only the first word; the rest are zero */
#pragma unroll
	for (int i = 0; i < 4; i++) {
		sum += (p->src.v6[i] & 0xffff) + (p->src.v6[i] >> 16);
		sum += (p->dst.v6[i] & 0xffff) + (p->dst.v6[i] >> 16);
	}
	return sum;
}

/* Writes a fresh IP header from the packet's destination back to its
 * source, carrying l4_len bytes of proto. */
static __always_inline void sfw_write_ip(void *ip, void *end, const struct sfw_pkt *p,
					 __u8 proto, __u32 l4_len)
{
	if (p->family == SFW_FAMILY_INET) {
		struct iphdr *h = ip;

		if ((void *)(h + 1) > end)
			return;   /* checked by the caller; the verifier wants it here */

		*(__u16 *)h = bpf_htons(0x4500);
		h->tot_len = bpf_htons((__u16)(SFW_IPV4_HLEN + l4_len));
		h->id = 0;
		h->frag_off = 0;
		h->ttl = 64;
		h->protocol = proto;
		h->check = 0;
		h->saddr = p->dst.v4;
		h->daddr = p->src.v4;
		h->check = sfw_csum_fold(bpf_csum_diff(NULL, 0, (__be32 *)h, SFW_IPV4_HLEN, 0));
	} else {
		struct ipv6hdr *h = ip;

		if ((void *)(h + 1) > end)
			return;

		*(__be32 *)h = bpf_htonl(0x60000000);
		h->payload_len = bpf_htons((__u16)l4_len);
		h->nexthdr = proto;
		h->hop_limit = 64;
		__builtin_memcpy(&h->saddr, &p->dst, 16);
		__builtin_memcpy(&h->daddr, &p->src, 16);
	}
}

static __always_inline int sfw_reject_tcp(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	__u32 l3_off = p->l3_off & 0x1f;   /* <= 22: two VLAN tags at most */
	__u32 iph = p->family == SFW_FAMILY_INET ? SFW_IPV4_HLEN : SFW_IPV6_HLEN;
	bool acked = p->tcp_flags & SFW_TCP_ACK;
	void *data, *end;
	struct tcphdr *th;
	__u64 sum;

	if (bpf_xdp_adjust_tail(ctx, (int)(l3_off + iph + SFW_TCP_HLEN) - (int)p->frame_len))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	th = data + l3_off + iph;
	/* the verifier learns nothing about data itself from a check on a
	 * variable offset, hence the fixed one for the Ethernet header */
	if ((void *)(th + 1) > end || data + sizeof(struct ethhdr) > end)
		return XDP_DROP;
	sfw_swap_macs(data);
	__builtin_memset(th, 0, sizeof(*th));
	th->source = p->dport;
	th->dest = p->sport;
	/* RFC 793 reset generation: take the sequence from an ACK, else
	 * acknowledge what the refused segment occupied */
	th->seq = acked ? bpf_htonl(p->ack) : 0;
	th->ack_seq = acked ? 0 : bpf_htonl(p->seq + sfw_tcp_payload(p) +
					    !!(p->tcp_flags & SFW_TCP_SYN) +
					    !!(p->tcp_flags & SFW_TCP_FIN));
	((__u8 *)th)[12] = 5 << 4;
	((__u8 *)th)[13] = acked ? SFW_TCP_RST : SFW_TCP_RST | SFW_TCP_ACK;
	sum = sfw_pseudo_sum(p, SFW_IPPROTO_TCP, SFW_TCP_HLEN);
	sum += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)th, SFW_TCP_HLEN, 0);
	th->check = sfw_csum_fold(sum);
	sfw_write_ip(data + l3_off, end, p, SFW_IPPROTO_TCP, SFW_TCP_HLEN);
	return XDP_TX;
}

/* Sums the quoted packet word by word: its length is only known at run
 * time, and bpf_csum_diff wants a constant bound the packet may not have. */
static __always_inline __u64 sfw_sum_quote(void *q, void *end, __u32 len)
{
	__u64 sum = 0;

#pragma unroll
	for (int i = 0; i < (60 + SFW_QUOTE_L4) / 4; i++) {
		__u32 *w = q + i * 4;

		if (i * 4 >= len || (void *)(w + 1) > end)
			break;
		sum += (*w & 0xffff) + (*w >> 16);
	}
	return sum;
}

/* ICMP destination unreachable quoting the refused packet: port
 * unreachable for UDP, administratively prohibited for the rest. */
static __always_inline int sfw_reject_icmp(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	bool v4 = p->family == SFW_FAMILY_INET;
	__u32 l3_off = p->l3_off & 0x1f;
	__u32 iph = v4 ? SFW_IPV4_HLEN : SFW_IPV6_HLEN;
	__u32 grow = iph + SFW_ICMP_HLEN;
	__u32 quote = ((p->l4_off - p->l3_off) + SFW_QUOTE_L4) & 0x7c;
	bool udp = p->proto == SFW_IPPROTO_UDP;
	__u8 *icmp, *data, *end;
	__u64 sum;

	if (quote > 60 + SFW_QUOTE_L4)
		quote = 60 + SFW_QUOTE_L4;   /* what sfw_sum_quote covers */
	if (quote > (p->l3_len & ~3u))
		quote = p->l3_len & ~3u;
	if (bpf_xdp_adjust_head(ctx, -(int)grow))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	/* the link headers move to the new front; the old IP packet stays
	 * where it is and becomes the quote */
	if (data + grow + 22 > end)
		return XDP_DROP;
	__builtin_memcpy(data, data + grow, 22);
	if (bpf_xdp_adjust_tail(ctx, (int)(l3_off + grow + quote) - (int)(p->frame_len + grow)))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	icmp = data + l3_off + iph;
	if ((void *)(icmp + SFW_ICMP_HLEN) > (void *)end || data + sizeof(struct ethhdr) > end)
		return XDP_DROP;
	sfw_swap_macs((void *)data);
	*(__u64 *)icmp = 0;
	icmp[0] = v4 ? SFW_ICMP_DEST_UNREACH : SFW_ICMPV6_DEST_UNREACH;
	icmp[1] = v4 ? (udp ? 3 : 13) : (udp ? 4 : 1);
	sum = v4 ? 0 : sfw_pseudo_sum(p, SFW_IPPROTO_ICMP6, SFW_ICMP_HLEN + quote);
	sum += (icmp[0] | icmp[1] << 8);
	sum += sfw_sum_quote(icmp + SFW_ICMP_HLEN, end, quote);
	*(__u16 *)(icmp + 2) = sfw_csum_fold(sum);
	sfw_write_ip(data + l3_off, end, p, v4 ? SFW_IPPROTO_ICMP : SFW_IPPROTO_ICMP6,
		     SFW_ICMP_HLEN + quote);
	return XDP_TX;
}

/* Is an answer due at all? Never to multicast, never about an error. */
static __always_inline bool sfw_reject_due(const struct sfw_pkt *p)
{
	return !p->multicast && p->icmp_kind != SFW_ICMPK_ERROR;
}

/* XDP_TX with the answer, or XDP_DROP where none is due or possible. A
 * global function: the verifier checks it once on its own instead of at
 * every call site's state, and its stack does not add to the caller's
 * inlined frame. Rejects are rare; the call costs nothing on other paths. */
__noinline int sfw_reject(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	if (!ctx || !p || !sfw_reject_due(p))
		return XDP_DROP;
	return p->proto == SFW_IPPROTO_TCP ? sfw_reject_tcp(ctx, p) : sfw_reject_icmp(ctx, p);
}

#endif
