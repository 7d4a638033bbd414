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

/* The translated identifier of an ICMP echo (parse_l4.bpf.h keys a
 * request's id as its source port, a reply's as its destination port). */
static __always_inline __be16 sfw_nat_echo_id(const struct sfw_pkt *p,
					      const struct sfw_nat_rw *rw)
{
	return p->icmp_kind == SFW_ICMPK_ECHO_REQUEST ? rw->sport : rw->dport;
}

/* The IPv4 header's addresses to rw's, its checksum with them. Returns
 * the change's sum, which the L4 pseudo-header shares. */
static __always_inline __u32 sfw_nat_ip_rewrite(struct iphdr *ip, const struct sfw_nat_rw *rw)
{
	__u32 delta = sfw_csum_word4(0, ip->saddr, rw->src.v4);

	delta = sfw_csum_word4(delta, ip->daddr, rw->dst.v4);
	ip->check = sfw_csum_apply(ip->check, delta);
	ip->saddr = rw->src.v4;
	ip->daddr = rw->dst.v4;
	return delta;
}

/* Rewrites the packet, whole or a first fragment, to the planned tuple.
 * Returns the outcome: Permitted, or Incoming NAT errors for what is not
 * translated (sfw_nat_rewritable_first). A global function: verified
 * once. */
__noinline __u32 sfw_nat_rewrite(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	__u32 zero = 0, ip_delta, l4_delta;
	const struct sfw_nat_rw *rw;
	void *data, *end;
	struct iphdr *ip;
	__u16 *l4check, *ports;

	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!ctx || !p || !rw || !sfw_nat_rewritable_first(p))
		return SFW_CNT_ERR_INCOMING_NAT;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	ip = data + (p->l3_off & 0x7f);
	if ((void *)(ip + 1) > end)
		return SFW_CNT_ERR_INCOMING_NAT;
	ports = data + (p->l4_off & 0xff);
	if ((void *)(ports + 4) > end)
		return SFW_CNT_ERR_INCOMING_NAT;
	ip_delta = sfw_nat_ip_rewrite(ip, rw);
	if (p->proto == SFW_IPPROTO_ICMP) {
		/* no pseudo-header: only the identifier (word 2) counts */
		__be16 id = sfw_nat_echo_id(p, rw);

		ports[1] = sfw_csum_apply(ports[1], sfw_csum_word(0, ports[2], id));
		ports[2] = id;
		return SFW_CNT_SFW_PERMITTED_PKTS;
	}
	/* TCP's checksum at 16, UDP's at 6 */
	l4check = (void *)ports + (p->proto == SFW_IPPROTO_TCP ? 16 : 6);
	if ((void *)(l4check + 1) > end)
		return SFW_CNT_ERR_INCOMING_NAT;
	/* the pseudo-header's addresses, then the ports */
	l4_delta = sfw_csum_word(ip_delta, ports[0], rw->sport);
	l4_delta = sfw_csum_word(l4_delta, ports[1], rw->dport);
	/* a UDP checksum of 0 is none (IPv4) and stays so; one that comes to
	 * 0 is sent as 0xffff (RFC 768) */
	if (p->proto == SFW_IPPROTO_TCP || *l4check) {
		__u16 c = sfw_csum_apply(*l4check, l4_delta);

		*l4check = (p->proto == SFW_IPPROTO_UDP && !c) ? 0xffff : c;
	}
	ports[0] = rw->sport;
	ports[1] = rw->dport;
	return SFW_CNT_SFW_PERMITTED_PKTS;
}

/* A later fragment of wing dir (sfw_nat_xdp_wing's) of the NAT session
 * at k, its datagram's record naming it (sfw_frag_follow): translated as
 * its first fragment was (sfw_nat_plan), the addresses and the IPv4
 * header checksum only, the L4 checksum over the whole datagram having
 * been updated in the first fragment. A global function. */
__noinline __u32 sfw_nat_frag_rewrite(struct xdp_md *ctx, const struct sfw_pkt *p,
				      const struct sfw_session_key *k, __u32 dir)
{
	const struct sfw_session *s;
	const struct sfw_nat_rw *rw;
	struct iphdr *ip;
	__u32 zero = 0;
	void *end;

	if (!ctx || !p || !k || p->family != SFW_FAMILY_INET || p->l3_off > SFW_NAT_MAX_L3_OFF)
		return SFW_CNT_ERR_INCOMING_NAT;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, k);
	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!s || !rw || SFW_SESS_IS_ALIAS(s) || !sfw_nat_plan(s, dir & 1, k))
		return SFW_CNT_ERR_INCOMING_NAT;
	ip = (void *)(long)ctx->data + (p->l3_off & 0x7f);
	end = (void *)(long)ctx->data_end;
	if ((void *)(ip + 1) > end)
		return SFW_CNT_ERR_INCOMING_NAT;
	sfw_nat_ip_rewrite(ip, rw);
	return SFW_CNT_SFW_PERMITTED_PKTS;
}

/* The 16-bit word at p (2-aligned in the frame, read as it lies). */
#define SFW_W16(p) (*(__u16 *)(p))

/* The ICMP error rewrite, both ways (docs/nat.md "ICMP errors"), on the
 * frame between data and end. From outside (!reply), about a translated
 * packet P:pp -> s:sp, sent to P: back to the client addr:port, as the
 * outer destination, the quoted source address and port (an echo's
 * identifier). About a NAT session's reply as the client got it (reply),
 * s:sp -> c:cp: out as the server's packet was, addr:port = P:pp, as the
 * outer source, the quoted destination address and port (TCP and UDP
 * only: an echo reply's error relates to no session). Either way the
 * outer and quoted IPv4 header checksums, the quoted L4 checksum when the
 * quote holds it (a TCP quote of 8 bytes does not; a UDP checksum of 0
 * stays 0), incrementally as nf_nat_icmp_reply_translation's manip of the
 * inner packet does, and the ICMP checksum for every quoted word changed.
 * IPv4 only. 0, or -1: not translated (the frame is then untouched). */
static __always_inline int sfw_nat_icmp_mangle(void *data, void *end, const struct sfw_pkt *p,
					       bool reply, __be32 addr, __be16 to)
{
	__u32 l3_end, in_l4, odelta, idelta, l4delta, icdelta;
	__u32 ao = reply ? 12 : 16;   /* the outer address changed */
	__u32 qo = reply ? 16 : 12;   /* the quoted one */
	struct iphdr *ip, *in;
	__u8 *l4, *ic, *pt;
	__u16 old_check, old_l4check;
	__u32 pcheck;   /* the quoted L4 checksum's offset in it; 0: none */
	__u16 *c;
	__be16 port;

	if (p->family != SFW_FAMILY_INET || p->frag || p->l3_off > SFW_NAT_MAX_L3_OFF ||
	    p->l4_off > SFW_NAT_MAX_L4_OFF)
		return -1;
	l3_end = p->l3_off + p->l3_len;
	ip = data + (p->l3_off & 0x7f);
	ic = data + (p->l4_off & 0xff);
	in = (void *)(ic + 8);
	if ((void *)(ip + 1) > end || (void *)(in + 1) > end)
		return -1;
	in_l4 = (p->l4_off & 0xff) + 8 + ((in->ihl * 4) & 0x3c);
	l4 = data + in_l4;
	if ((void *)(l4 + 8) > end || in_l4 + 8 > l3_end)
		return -1;
	if (in->protocol == SFW_IPPROTO_ICMP) {
		if (reply)
			return -1;
		pt = l4 + 4;    /* the echo's identifier */
		pcheck = 2;
	} else {
		pt = l4 + (reply ? 2 : 0);
		pcheck = in->protocol == SFW_IPPROTO_TCP ? 16 :
			 in->protocol == SFW_IPPROTO_UDP ? 6 : 0;
		if (reply && !pcheck)
			return -1;
	}
	/* the outer address: the IPv4 header checksum only (ICMPv4 has no
	 * pseudo-header) */
	odelta = sfw_csum_word4(0, *(__be32 *)((__u8 *)ip + ao), addr);
	ip->check = sfw_csum_apply(ip->check, odelta);
	*(__be32 *)((__u8 *)ip + ao) = addr;
	/* the quoted address: the quoted header's checksum */
	idelta = sfw_csum_word4(0, *(__be32 *)((__u8 *)in + qo), addr);
	old_check = in->check;
	in->check = sfw_csum_apply(in->check, idelta);
	icdelta = sfw_csum_word(idelta, old_check, in->check);
	*(__be32 *)((__u8 *)in + qo) = addr;
	/* the quoted port, or echo identifier (no pseudo-header in ICMP) */
	port = SFW_W16(pt);
	l4delta = sfw_csum_word(in->protocol == SFW_IPPROTO_ICMP ? 0 : idelta, port, to);
	SFW_W16(pt) = to;
	icdelta = sfw_csum_word(icdelta, port, to);
	c = (__u16 *)(l4 + (pcheck & 0x1e));
	if (pcheck && (void *)(c + 1) <= end && in_l4 + pcheck + 2 <= l3_end) {
		old_l4check = *c;
		if (in->protocol != SFW_IPPROTO_UDP || old_l4check) {
			*c = sfw_csum_apply(old_l4check, l4delta);
			if (in->protocol == SFW_IPPROTO_UDP && !*c)
				*c = 0xffff;
			icdelta = sfw_csum_word(icdelta, old_l4check, *c);
		}
	}
	SFW_W16(ic + 2) = sfw_csum_apply(SFW_W16(ic + 2), icdelta);
	return 0;
}

/* An ICMP error from outside about a translated packet: back to the
 * client sfw_icmp_related_nat planned (rw->dst, rw->dport). A global
 * function. */
__noinline __u32 sfw_nat_icmp_rewrite(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	const struct sfw_nat_rw *rw;
	__u32 zero = 0;

	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!ctx || !p || !rw)
		return SFW_CNT_ERR_INCOMING_NAT;
	if (sfw_nat_icmp_mangle((void *)(long)ctx->data, (void *)(long)ctx->data_end, p, false,
				rw->dst.v4, rw->dport))
		return SFW_CNT_ERR_INCOMING_NAT;
	return SFW_CNT_SFW_PERMITTED_PKTS;
}

#endif
