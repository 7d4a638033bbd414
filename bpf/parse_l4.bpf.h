/* Layer 4 of sfw_parse: the ports (or ICMP identifier) a session is keyed
 * on, and the TCP fields the state machine needs. Included by parse.bpf.h. */
#ifndef SFW_PARSE_L4_BPF_H
#define SFW_PARSE_L4_BPF_H

/* The window scale option of a SYN (RFC 7323), 0xf when absent: what
 * the sequence window check needs to read later windows. Options are
 * walked a bounded number of steps; a SYN carries five or six. */
#define SFW_TCP_OPT_STEPS 10
static __always_inline __u8 sfw_tcp_wscale(void *data, void *end, __u32 off, __u32 opt_end)
{
#pragma unroll
	for (int i = 0; i < SFW_TCP_OPT_STEPS; i++) {
		__u8 *o = data + (off & 0x3fff);   /* bounded below MAX_PACKET_OFF */

		if (off + 1 > opt_end || (void *)(o + 1) > end || o[0] == 0)
			break;
		if (o[0] == 1) {   /* NOP */
			off++;
			continue;
		}
		if (off + 2 > opt_end || (void *)(o + 3) > end || o[1] < 2)
			break;
		if (o[0] == 3 && o[1] == 3 && off + 3 <= opt_end)
			return o[2] > 14 ? 14 : o[2];
		off += o[1];
	}
	return 0xf;
}

static __always_inline void sfw_tcp_syn_options(void *data, void *end, struct sfw_pkt *p)
{
	__u32 opt = p->l4_off + 20, opt_end = p->l3_off + p->hdr_len;

	if (p->proto == SFW_IPPROTO_TCP && (p->tcp_flags & SFW_TCP_SYN) && opt_end > opt)
		p->wscale = sfw_tcp_wscale(data, end, opt, opt_end);
}

static __always_inline int sfw_parse_tcp(void *data, void *end, struct sfw_pkt *p)
{
	struct tcphdr *th = data + p->l4_off;
	__u32 doff, l3_end = p->l3_off + p->l3_len;

	if ((void *)(th + 1) > end)
		return SFW_PARSE_MALFORMED;
	doff = th->doff * 4;
	if (doff < sizeof(*th) || p->l4_off + doff > l3_end)
		return SFW_PARSE_MALFORMED;
	p->sport = th->source;
	p->dport = th->dest;
	p->tcp_flags = ((__u8 *)th)[13];
	p->seq = bpf_ntohl(th->seq);
	p->ack = bpf_ntohl(th->ack_seq);
	p->window = bpf_ntohs(th->window);
	p->hdr_len = p->l4_off - p->l3_off + doff;
	p->payload_len = l3_end - (p->l4_off + doff);
	/* the SYN's options are read later (sfw_tcp_syn_options), inside the
	 * flow functions the verifier checks once, not once per parse path */
	p->wscale = 0xf;
	return SFW_PARSE_OK;
}

/* UDP and SCTP both start with source and destination port. */
static __always_inline int sfw_parse_ports(void *data, void *end, struct sfw_pkt *p,
					   __u32 hdr_len)
{
	__be16 *ports = data + p->l4_off;

	if ((void *)(ports + 2) > end || p->l4_off + hdr_len > p->l3_off + p->l3_len)
		return SFW_PARSE_MALFORMED;
	p->sport = ports[0];
	p->dport = ports[1];
	p->hdr_len = p->l4_off - p->l3_off + hdr_len;
	return SFW_PARSE_OK;
}

/* ICMP and ICMPv6 share a layout for what we read: type, code, checksum,
 * then identifier and sequence for echo. Echo is keyed on the identifier:
 * the requester's "port" is the identifier, the responder's is 0. */
static __always_inline int sfw_parse_icmp(void *data, void *end, struct sfw_pkt *p)
{
	struct icmphdr *ic = data + p->l4_off;
	bool v6 = p->proto == SFW_IPPROTO_ICMP6;
	__u8 type;

	if ((void *)(ic + 1) > end || p->l4_off + sizeof(*ic) > p->l3_off + p->l3_len)
		return SFW_PARSE_MALFORMED;
	type = ic->type;
	p->icmp_type = type;
	p->icmp_code = ic->code;
	p->hdr_len = p->l4_off - p->l3_off + sizeof(*ic);
	if (type == (v6 ? SFW_ICMPV6_ECHO_REQUEST : SFW_ICMP_ECHO)) {
		p->icmp_kind = SFW_ICMPK_ECHO_REQUEST;
		p->sport = ic->un.echo.id;
	} else if (type == (v6 ? SFW_ICMPV6_ECHO_REPLY : SFW_ICMP_ECHOREPLY)) {
		p->icmp_kind = SFW_ICMPK_ECHO_REPLY;
		p->dport = ic->un.echo.id;
	} else if (v6 ? (type >= SFW_ICMPV6_DEST_UNREACH && type <= SFW_ICMPV6_PARAMPROB)
		      : (type == SFW_ICMP_DEST_UNREACH || type == SFW_ICMP_TIME_EXCEEDED ||
			 type == SFW_ICMP_PARAMETERPROB)) {
		p->icmp_kind = SFW_ICMPK_ERROR;
	} else if (v6 && ((type >= SFW_ICMPV6_MLD_FIRST && type <= SFW_ICMPV6_ND_LAST) ||
			  type == SFW_ICMPV6_MLD2_REPORT)) {
		/* Neighbour discovery and MLD are IPv6's ARP: link-local
		 * plumbing the host needs before any session can exist. */
		return SFW_PARSE_UNTRACKED;
	} else {
		p->icmp_kind = SFW_ICMPK_OTHER;
	}
	return SFW_PARSE_OK;
}

static __always_inline int sfw_parse_l4(void *data, void *end, struct sfw_pkt *p)
{
	switch (p->proto) {
	case SFW_IPPROTO_TCP:
		return sfw_parse_tcp(data, end, p);
	case SFW_IPPROTO_UDP:
		return sfw_parse_ports(data, end, p, 8);
	case SFW_IPPROTO_SCTP:
		return sfw_parse_ports(data, end, p, 12);
	case SFW_IPPROTO_ICMP:
	case SFW_IPPROTO_ICMP6:
		return sfw_parse_icmp(data, end, p);
	default:
		/* GRE, ESP, AH, ...: keyed on addresses and protocol alone */
		p->hdr_len = p->l4_off - p->l3_off;
		return SFW_PARSE_OK;
	}
}

#endif
