/* SYN cookies for the firewall's own services under a SYN flood
 * (`set security flow syn-flood-protection-mode syn-cookie`): past the
 * screen's threshold a SYN to this host is answered from XDP with a
 * SYN-ACK whose sequence number is the kernel's own cookie, so no state is
 * kept for it; the ACK that returns the cookie opens the session and goes
 * up to the stack, whose listener accepts it as a cookie ACK (this needs
 * net.ipv4.tcp_syncookies=2, since XDP keeps the listener's queue from ever
 * overflowing). Transit traffic would need a full SYN proxy: its SYNs are
 * dropped past the threshold instead. */
#ifndef SFW_SYNCOOKIE_BPF_H
#define SFW_SYNCOOKIE_BPF_H

#include "reject.bpf.h"

#define SFW_TCP_MSS_OPT 4

/* The SYN's own headers, as the cookie helpers want them: fixed-size
 * headers at verified offsets. The masks bound the offsets for the
 * verifier; an offset they would change is refused, never masked into
 * another place in the packet (an IPv6 SYN behind extension headers longer
 * than 255 bytes had its cookie made from bytes of those headers). */
static __always_inline int sfw_syn_headers(struct xdp_md *ctx, const struct sfw_pkt *p,
					   void **ip, struct tcphdr **th)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 l3 = p->l3_off & 0x1f, l4 = p->l4_off & 0x3fff;

	if (l3 != p->l3_off || l4 != p->l4_off)
		return -1;
	*ip = data + l3;
	*th = data + l4;
	if ((void *)(*th + 1) > end || *ip + SFW_IPV6_HLEN > end)
		return -1;
	return 0;
}

/* The kernel's cookie for this SYN (MSS << 32 | cookie), or negative. The
 * helper wants the whole TCP header with its options (th_len == doff * 4,
 * so that it can read the MSS option), and the verifier a constant size:
 * one call per possible header length. */
static __always_inline __s64 sfw_gen_cookie(void *ip, struct tcphdr *th, void *end, bool v4)
{
	__u32 thl = th->doff * 4;

#define SFW_COOKIE_FOR(n)                                                        \
	if (thl == (n)) {                                                        \
		if ((void *)th + (n) > end)                                      \
			return -1;                                               \
		return v4 ? bpf_tcp_raw_gen_syncookie_ipv4(ip, th, (n))          \
			  : bpf_tcp_raw_gen_syncookie_ipv6(ip, th, (n));         \
	}
	SFW_COOKIE_FOR(20) SFW_COOKIE_FOR(24) SFW_COOKIE_FOR(28) SFW_COOKIE_FOR(32)
	SFW_COOKIE_FOR(36) SFW_COOKIE_FOR(40) SFW_COOKIE_FOR(44) SFW_COOKIE_FOR(48)
	SFW_COOKIE_FOR(52) SFW_COOKIE_FOR(56) SFW_COOKIE_FOR(60)
#undef SFW_COOKIE_FOR
	return -1;
}

/* Answers the SYN with a cookie SYN-ACK (XDP_TX), or XDP_DROP. */
__noinline int sfw_send_syncookie(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	struct tcphdr *th;
	void *ip, *data, *end;
	__u32 l3_off, iph;
	__s64 ck;
	__u64 sum;
	__u8 *opt;

	if (!ctx || !p || sfw_syn_headers(ctx, p, &ip, &th))
		return XDP_DROP;
	ck = sfw_gen_cookie(ip, th, (void *)(long)ctx->data_end, p->family == SFW_FAMILY_INET);
	if (ck < 0)
		return XDP_DROP;
	l3_off = p->l3_off & 0x1f;
	iph = p->family == SFW_FAMILY_INET ? SFW_IPV4_HLEN : SFW_IPV6_HLEN;
	if (bpf_xdp_adjust_tail(ctx, (int)(l3_off + iph + SFW_TCP_HLEN + SFW_TCP_MSS_OPT) -
				     (int)p->frame_len))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	th = data + l3_off + iph;
	opt = (__u8 *)(th + 1);
	if ((void *)(opt + SFW_TCP_MSS_OPT) > end || data + sizeof(struct ethhdr) > end)
		return XDP_DROP;
	sfw_swap_macs(data);
	__builtin_memset(th, 0, sizeof(*th));
	th->source = p->dport;
	th->dest = p->sport;
	th->seq = bpf_htonl((__u32)ck);
	th->ack_seq = bpf_htonl(p->seq + 1);
	((__u8 *)th)[12] = 6 << 4;
	((__u8 *)th)[13] = SFW_TCP_SYN | SFW_TCP_ACK;
	th->window = bpf_htons(65535);
	/* the MSS the cookie encodes: the client must not send more */
	opt[0] = 2;
	opt[1] = SFW_TCP_MSS_OPT;
	opt[2] = (__u8)((ck >> 32) >> 8);
	opt[3] = (__u8)(ck >> 32);
	sum = sfw_pseudo_sum(p, SFW_IPPROTO_TCP, SFW_TCP_HLEN + SFW_TCP_MSS_OPT);
	sum += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)th, SFW_TCP_HLEN + SFW_TCP_MSS_OPT, 0);
	th->check = sfw_csum_fold(sum);
	sfw_write_ip(data + l3_off, end, p, SFW_IPPROTO_TCP, SFW_TCP_HLEN + SFW_TCP_MSS_OPT);
	return XDP_TX;
}

/* Is this bare ACK the answer to one of our cookie SYN-ACKs? */
__noinline int sfw_syncookie_ok(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	struct tcphdr *th;
	void *ip;

	if (!ctx || !p || sfw_syn_headers(ctx, p, &ip, &th))
		return 0;
	return (p->family == SFW_FAMILY_INET ? bpf_tcp_raw_check_syncookie_ipv4(ip, th)
					     : bpf_tcp_raw_check_syncookie_ipv6(ip, th)) == 0;
}

#endif
