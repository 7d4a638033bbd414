/* Layer 4 of sfw_parse_packet: the ports (or ICMP identifier) a session is keyed
 * on, and the TCP fields the state machine needs. Included by parse.bpf.h. */
#ifndef SFW_PKT_L4_BPF_H
#define SFW_PKT_L4_BPF_H

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
		return SFW_PKT_MALFORMED;
	doff = th->doff * 4;
	if (doff < sizeof(*th) || p->l4_off + doff > l3_end)
		return SFW_PKT_MALFORMED;
	p->sport = th->source;
	p->dport = th->dest;
	p->tcp_flags = ((__u8 *)th)[13];
	p->seq = bpf_ntohl(th->seq);
	p->ack = bpf_ntohl(th->ack_seq);
	p->window = bpf_ntohs(th->window);
	p->hdr_len = p->l4_off - p->l3_off + doff;
	/* the SYN's options are read later (sfw_tcp_syn_options), inside the
	 * flow functions the verifier checks once, not once per parse path */
	p->wscale = 0xf;
	return SFW_PKT_OK;
}

/* UDP and SCTP both start with source and destination port. */
static __always_inline int sfw_parse_ports(void *data, void *end, struct sfw_pkt *p,
					   __u32 hdr_len)
{
	__be16 *ports = data + p->l4_off;

	if ((void *)(ports + 2) > end || p->l4_off + hdr_len > p->l3_off + p->l3_len)
		return SFW_PKT_MALFORMED;
	p->sport = ports[0];
	p->dport = ports[1];
	p->hdr_len = p->l4_off - p->l3_off + hdr_len;
	return SFW_PKT_OK;
}

static __always_inline bool sfw_ip6_link_local(const union sfw_addr *a)
{
	return a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

static __always_inline bool sfw_ip6_unspecified(const union sfw_addr *a)
{
	return !(a->v6[0] | a->v6[1] | a->v6[2] | a->v6[3]);
}

/* ff02::1:ff00:0/104, where a node without an address asks (RFC 4861 7.1.1) */
static __always_inline bool sfw_ip6_solicited_node(const union sfw_addr *a)
{
	return a->v6[0] == bpf_htonl(0xff020000) && !a->v6[1] && a->v6[2] == bpf_htonl(1) &&
	       a->bytes[12] == 0xff;
}

/* The shortest message of each neighbour discovery type (RFC 4861 6.1, 7.1, 8.1). */
static __always_inline __u32 sfw_nd_min_len(__u8 type)
{
	switch (type) {
	case SFW_ICMPV6_ND_RS:
		return 8;
	case SFW_ICMPV6_ND_RA:
		return 16;
	case SFW_ICMPV6_ND_REDIRECT:
		return 40;
	default:
		return 24;
	}
}

/* Is this neighbour discovery message what it claims: the cheap validity
 * checks of RFC 4861 (hop limit 255, code 0, length, a link-local source
 * for RA and redirect, a solicited-node destination for a solicitation
 * from ::, solicited advertisements and targets never multicast) and a
 * multicast destination of link scope only. */
static __always_inline bool sfw_nd_valid(void *data, void *end, const struct sfw_pkt *p,
					 const struct icmphdr *ic, __u8 hop_limit)
{
	__u8 type = ic->type, *target = (__u8 *)(ic + 1);

	if (hop_limit != SFW_ND_HOP_LIMIT || ic->code ||
	    p->l3_off + p->l3_len < p->l4_off + sfw_nd_min_len(type))
		return false;
	if ((type == SFW_ICMPV6_ND_RA || type == SFW_ICMPV6_ND_REDIRECT) &&
	    !sfw_ip6_link_local(&p->src))
		return false;
	if (p->multicast && (p->dst.bytes[1] & 0x0f) != 2)
		return false;
	if (type == SFW_ICMPV6_ND_NS && sfw_ip6_unspecified(&p->src) &&
	    !sfw_ip6_solicited_node(&p->dst))
		return false;
	if (type == SFW_ICMPV6_ND_NA && p->multicast && (((__u8 *)ic)[4] & 0x40))
		return false;   /* the Solicited flag answers one node, never a group */
	if (type == SFW_ICMPV6_ND_NS || type == SFW_ICMPV6_ND_NA)
		return (void *)(target + 1) <= end && target[0] != 0xff;
	return true;
}

/* The kind of ICMP query message (not an error) of request type req:
 * echo's own kinds (NAT translates echo alone), or any other query's. */
static __always_inline __u8 sfw_icmp_query_kind(enum sfw_icmp_role role, __u8 req, bool v6)
{
	bool echo = req == (v6 ? SFW_ICMPV6_ECHO_REQUEST : SFW_ICMP_ECHO);

	if (role == SFW_ICMP_ROLE_REQUEST)
		return echo ? SFW_ICMPK_ECHO_REQUEST : SFW_ICMPK_QUERY;
	return echo ? SFW_ICMPK_ECHO_REPLY : SFW_ICMPK_ANSWER;
}

/* ICMP and ICMPv6 share a layout for what we read: type, code, checksum,
 * then identifier and sequence for the queries (node information: its
 * qtype, as conntrack keys it). A query is keyed as a port pair: the
 * requester's "port" is the identifier, the responder's the request's
 * kind (sfw_icmp_key_tag: 0 for echo), so a request and its reply share a
 * key and no kind finds another's session; a type that is no query has
 * no requester port, only its kind (docs/security.md "ICMP sessions"). */
static __always_inline int sfw_parse_icmp(void *data, void *end, struct sfw_pkt *p)
{
	struct icmphdr *ic = data + p->l4_off;
	bool v6 = p->proto == SFW_IPPROTO_ICMP6;
	enum sfw_icmp_role role;
	unsigned int q;
	__be16 tag;
	__u8 type, req;

	if ((void *)(ic + 1) > end || p->l4_off + sizeof(*ic) > p->l3_off + p->l3_len)
		return SFW_PKT_MALFORMED;
	type = ic->type;
	p->icmp_type = type;
	p->icmp_code = ic->code;
	p->hdr_len = p->l4_off - p->l3_off + sizeof(*ic);
	/* every ICMPv6 type below 128 is an error (RFC 4443 2.1), the
	 * unassigned and reserved ones too: Linux hands them to the quoted
	 * flow's socket as errors. Taken for one-way messages, type 0's
	 * key was an echo's with identifier 0, and rode a ping's session
	 * both ways (red team rtnet F1). */
	if (v6 ? type < SFW_ICMPV6_INFO_MIN
	       : (type == SFW_ICMP_DEST_UNREACH || type == SFW_ICMP_TIME_EXCEEDED ||
		  type == SFW_ICMP_PARAMETERPROB)) {
		p->icmp_kind = SFW_ICMPK_ERROR;
		return SFW_PKT_OK;
	}
	q = sfw_icmp_query(type, v6);
	role = SFW_ICMP_ROLE(q);
	req = SFW_ICMP_REQ(q);
	tag = bpf_htons(sfw_icmp_key_tag(req, ic->code, v6));
	p->sport = role == SFW_ICMP_ROLE_REQUEST ? ic->un.echo.id :
		   role == SFW_ICMP_ROLE_REPLY ? tag : 0;
	p->dport = role == SFW_ICMP_ROLE_REPLY ? ic->un.echo.id : tag;
	if (role != SFW_ICMP_ROLE_NONE)
		p->icmp_kind = sfw_icmp_query_kind(role, req, v6);
	else if (v6 && ((type >= SFW_ICMPV6_MLD_QUERY && type <= SFW_ICMPV6_ND_REDIRECT) ||
			type == SFW_ICMPV6_MLD2_REPORT))
		/* judged later, by the flow functions the verifier checks
		 * once, not once per parse path */
		p->icmp_kind = SFW_ICMPK_LINK;
	else
		p->icmp_kind = SFW_ICMPK_OTHER;
	return SFW_PKT_OK;
}

/* ICMP is protocol 1 under IPv4 and ICMPv6 58 under IPv6. The other
 * pairing is no ICMP to the receiving stack (it hands it to raw sockets
 * alone), so it is keyed and judged as any other protocol: taken for the
 * other version's error, it passed as related to the session its "quote"
 * named, past every policy (review rvred, F1). */
static __always_inline bool sfw_proto_icmp(__u8 family, __u8 proto)
{
	return proto == (family == SFW_FAMILY_INET ? SFW_IPPROTO_ICMP : SFW_IPPROTO_ICMP6);
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
		if (sfw_proto_icmp(p->family, p->proto))
			return sfw_parse_icmp(data, end, p);
		break;   /* the other version's number: any protocol */
	}
	/* GRE, ESP, AH, ...: keyed on addresses and protocol alone */
	p->hdr_len = p->l4_off - p->l3_off;
	return SFW_PKT_OK;
}

/* How sfw_icmp6_link judges an ND or MLD message. */
enum sfw_link_verdict {
	SFW_LINK_NO,         /* not what it claims: ordinary ICMPv6 */
	SFW_LINK_YES,        /* the link's own: pass untracked */
	SFW_LINK_IF_LOCAL,   /* valid ND between global addresses: the link's
			      * own only if for this host, not forwarded */
};

/* Neighbour discovery (RFC 4861) and MLD (RFC 2710, RFC 3810 5.1.14,
 * 5.2.13) are the link's plumbing, needed before any session can exist:
 * they pass untracked, but only when they are what they claim, messages
 * that stay on the link. Any other message of these types is ordinary
 * ICMPv6 under policy (docs/security.md, "ICMPv6 neighbour discovery and
 * MLD"); p->icmp_kind says so on return. Called by the flow functions
 * for SFW_ICMPK_LINK. */
static __always_inline __u32 sfw_icmp6_link(void *data, void *end, struct sfw_pkt *p)
{
	/* masked: the verifier needs bounded offsets into the packet */
	struct ipv6hdr *ip6 = data + (p->l3_off & 0xff);
	struct icmphdr *ic = data + (p->l4_off & 0x3fff);
	__u8 type = p->icmp_type;

	p->icmp_kind = SFW_ICMPK_OTHER;
	if ((void *)(ip6 + 1) > end || (void *)(ic + 1) > end)
		return SFW_LINK_NO;
	if (type < SFW_ICMPV6_ND_RS || type > SFW_ICMPV6_ND_REDIRECT) {
		/* MLD: hop limit 1, a link-local source; an MLDv2 report
		 * also from :: (a node still checking its address) */
		if (ip6->hop_limit == SFW_MLD_HOP_LIMIT && (sfw_ip6_link_local(&p->src) ||
		    (type == SFW_ICMPV6_MLD2_REPORT && sfw_ip6_unspecified(&p->src))))
			return SFW_LINK_YES;
		return SFW_LINK_NO;
	}
	if (!sfw_nd_valid(data, end, p, ic, ip6->hop_limit))
		return SFW_LINK_NO;
	/* a router never forwards from a link-local or unspecified source,
	 * nor to a link-local address or a link-scope group */
	if (sfw_ip6_link_local(&p->src) || sfw_ip6_unspecified(&p->src) || p->multicast ||
	    sfw_ip6_link_local(&p->dst))
		return SFW_LINK_YES;
	return SFW_LINK_IF_LOCAL;
}

#endif
