/* The rewrite of a NAT session's packet in XDP (docs/nat.md "Translation
 * and checksums"): addresses and ports as sfw_nat_plan planned them, the
 * IPv4 header checksum and the TCP or UDP checksum (whose pseudo-header
 * holds the addresses) updated incrementally, never recomputed. XDP has
 * no bpf_l3/l4_csum_replace (tc only): RFC 1624's HC' = ~(~HC + ~m + m')
 * over the 16-bit words that change. Ones' complement sums are the same
 * in either byte order, so the words are summed as they lie in memory. */
#ifndef SFW_NAT_REWRITE_BPF_H
#define SFW_NAT_REWRITE_BPF_H

#include "nat.bpf.h"
#include "counters.bpf.h"

/* The deepest headers parse.bpf.h hands on: two VLAN tags, IPv4 options. */
#define SFW_NAT_MAX_L3_OFF 64
#define SFW_NAT_MAX_L4_OFF 128

static __always_inline __u32 sfw_csum_word(__u32 sum, __u16 from, __u16 to)
{
	return sum + (__u16)~from + to;
}

static __always_inline __u32 sfw_csum_word4(__u32 sum, __be32 from, __be32 to)
{
	sum = sfw_csum_word(sum, (__u16)from, (__u16)to);
	return sfw_csum_word(sum, (__u16)(from >> 16), (__u16)(to >> 16));
}

/* The checksum field after the changes summed in delta (from 0). */
static __always_inline __u16 sfw_csum_apply(__u16 check, __u32 delta)
{
	__u32 sum = (__u16)~check + delta;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Rewrites the packet to the planned tuple. Returns the outcome:
 * Permitted, or Incoming NAT errors for what this step does not
 * translate (fragments, IPv6, headers past the bounds) rather than let it
 * leave untranslated. A global function: verified once. */
__noinline __u32 sfw_nat_rewrite(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	__u32 zero = 0, l3, l4, ip_delta, l4_delta;
	const struct sfw_nat_rw *rw;
	void *data, *end;
	struct iphdr *ip;
	__u16 *l4check, *ports;

	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!ctx || !p || !rw || p->family != SFW_FAMILY_INET || p->frag ||
	    (p->proto != SFW_IPPROTO_TCP && p->proto != SFW_IPPROTO_UDP))
		return SFW_CNT_ERR_INCOMING_NAT;
	l3 = p->l3_off;
	l4 = p->l4_off;
	if (l3 > SFW_NAT_MAX_L3_OFF || l4 > SFW_NAT_MAX_L4_OFF)
		return SFW_CNT_ERR_INCOMING_NAT;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	ip = data + l3;
	if ((void *)(ip + 1) > end)
		return SFW_CNT_ERR_INCOMING_NAT;
	ports = data + l4;
	if ((void *)(ports + 2) > end)
		return SFW_CNT_ERR_INCOMING_NAT;
	/* TCP's checksum at 16, UDP's at 6 */
	l4check = data + l4 + (p->proto == SFW_IPPROTO_TCP ? 16 : 6);
	if ((void *)(l4check + 1) > end)
		return SFW_CNT_ERR_INCOMING_NAT;
	ip_delta = sfw_csum_word4(0, ip->saddr, rw->src.v4);
	ip_delta = sfw_csum_word4(ip_delta, ip->daddr, rw->dst.v4);
	/* the pseudo-header's addresses, then the ports */
	l4_delta = sfw_csum_word(ip_delta, ports[0], rw->sport);
	l4_delta = sfw_csum_word(l4_delta, ports[1], rw->dport);
	ip->check = sfw_csum_apply(ip->check, ip_delta);
	/* a UDP checksum of 0 is none (IPv4) and stays so; one that comes to
	 * 0 is sent as 0xffff (RFC 768) */
	if (p->proto == SFW_IPPROTO_TCP || *l4check) {
		__u16 c = sfw_csum_apply(*l4check, l4_delta);

		*l4check = (p->proto == SFW_IPPROTO_UDP && !c) ? 0xffff : c;
	}
	ip->saddr = rw->src.v4;
	ip->daddr = rw->dst.v4;
	ports[0] = rw->sport;
	ports[1] = rw->dport;
	return SFW_CNT_SFW_PERMITTED_PKTS;
}

#endif
