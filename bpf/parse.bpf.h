/* Packet parsing into struct sfw_pkt, shared by the XDP and tc programs.
 * Every read is bounds-checked against data_end; anything that does not
 * parse to the end of the headers it claims is MALFORMED (dropped and
 * counted by the caller), never guessed at. */
#ifndef SFW_PKT_BPF_H
#define SFW_PKT_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "counters.h"
#include "net_consts.h"
#include "protocols.h"
#include "session.h"

enum sfw_pkt_rc {
	SFW_PKT_OK,
	SFW_PKT_UNTRACKED,   /* not IP, neighbour discovery */
	SFW_PKT_FRAGMENT,    /* a later fragment: no L4 header, parsed to L3 */
	/* from here on the packet is dropped (sfw_parse_drop): one test of the
	 * result keeps a packet that parses on its way */
	SFW_PKT_MALFORMED,
	SFW_PKT_TINY_FRAG,   /* a first fragment without its whole L4 header */
	SFW_PKT_SRC_ROUTE,   /* names hops to visit (docs/security.md "Source routing") */
	SFW_PKT_ENCAP_IP,    /* IP inside PPPoE (docs/security.md "Only where frames are Ethernet's") */
	SFW_PKT_MPLS,        /* an MPLS label stack: refused as ENCAP_IP unless MPLS is in
			      * packet mode (sfw_mpls_passes) */
};

/* The counter a parse result that drops the packet is counted under. */
static __always_inline __u32 sfw_parse_drop(int rc)
{
	return rc == SFW_PKT_MALFORMED ? SFW_CNT_SFW_ERR_MALFORMED
	     : rc == SFW_PKT_TINY_FRAG ? SFW_CNT_SFW_ERR_FRAG_TINY
	     : rc == SFW_PKT_ENCAP_IP || rc == SFW_PKT_MPLS ? SFW_CNT_SFW_ERR_ENCAP_IP
	     : SFW_CNT_SFW_ERR_SRC_ROUTE;
}

/* Where a packet stands in its datagram (RFC 791, RFC 8200). An IPv6
 * atomic fragment (offset 0, M clear: RFC 6946) is a whole packet. */
enum sfw_frag_kind {
	SFW_FRAG_NONE,
	SFW_FRAG_FIRST,        /* offset 0, more to come: carries the L4 header */
	SFW_FRAG_LATER,        /* offset > 0 */
};

enum sfw_icmp_kind {
	SFW_ICMPK_NONE,
	SFW_ICMPK_ECHO_REQUEST,
	SFW_ICMPK_ECHO_REPLY,
	SFW_ICMPK_ERROR,       /* carries the headers of the packet it is about */
	SFW_ICMPK_OTHER,
	SFW_ICMPK_LINK,        /* ND or MLD: judged by sfw_icmp6_link */
	SFW_ICMPK_ANSWER,      /* the reply of a query other than echo (include/protocols.h) */
	SFW_ICMPK_QUERY,       /* its request */
};

/* Is ICMP kind k a reply (ECHO_REPLY, ANSWER: 2 and 6)? One test of its
 * bits, as the XDP flow function is at the edge of its stack. */
#define SFW_ICMPK_IS_REPLY(k) (((k) & 3) == 2)
_Static_assert(SFW_ICMPK_IS_REPLY(SFW_ICMPK_ECHO_REPLY) && SFW_ICMPK_IS_REPLY(SFW_ICMPK_ANSWER) &&
	       !SFW_ICMPK_IS_REPLY(SFW_ICMPK_NONE) && !SFW_ICMPK_IS_REPLY(SFW_ICMPK_ECHO_REQUEST) &&
	       !SFW_ICMPK_IS_REPLY(SFW_ICMPK_ERROR) && !SFW_ICMPK_IS_REPLY(SFW_ICMPK_OTHER) &&
	       !SFW_ICMPK_IS_REPLY(SFW_ICMPK_LINK) && !SFW_ICMPK_IS_REPLY(SFW_ICMPK_QUERY),
	       "reply kinds");

/* IPv6's traffic class and flow label in its header's first word (the
 * rest is the version), as routing reads them: network order, bpf_htonl() it */
#define SFW_IPV6_FLOWINFO_MASK 0x0FFFFFFF
/* The furthest an IP header the parser hands on starts: under two VLAN
 * tags (sfw_parse_eth), a bound the verifier wants before a packet
 * pointer moves by l3_off */
#define SFW_L3_OFF_MAX (SFW_ETH_HLEN + 4 * SFW_VLAN_MAX_DEPTH)

struct sfw_pkt {
	union sfw_addr src;
	union sfw_addr dst;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 family;
	__u8 tcp_flags;
	__u8 icmp_kind;       /* enum sfw_icmp_kind */
	__u8 multicast;
	__u8 icmp_type;       /* ICMP/ICMPv6: what policies match on */
	__u8 icmp_code;
	__u8 frag;            /* enum sfw_frag_kind */
	/* offsets, header and payload sizes fit 16 bits (a frame is at
	 * most 64 KiB): packed, the packet is 80 bytes, the entry point's
	 * whole stack frame in the call chain's 512 */
	__u16 l3_off;         /* offset of the IP header in the frame */
	__u16 l4_off;
	__u16 hdr_len;        /* IP + L4 header bytes (GSO segment accounting) */
	__u16 window;
	__u16 frag_off;       /* fragments: offset in bytes */
	__u16 frag_start;     /* fragments: where the fragmentable part starts, from l3_off
			       * (IPv4: after the options; IPv6: after the Fragment header),
			       * the origin of every fragment's offset */
	__u8 wscale;          /* SYN: the window scale option, 0xf when absent */
	/* IPv4 options, or an IPv6 hop-by-hop header right after the fixed
	 * header, to walk (sfw_parse_options) */
	__u8 ip_opts;
	/* an IPv6 Fragment header was walked, an atomic fragment's too (a
	 * whole packet to sfw): the kernel's flow dissector reads no ports
	 * behind one (sfw_routed_by_ports) */
	__u8 frag_hdr;
	/* it carries Router Alert (IPv4 option 148, IPv6 hop-by-hop option
	 * 5), or options sfw did not walk to their end: the stack offers it
	 * to the host's Router Alert sockets before forwarding it, so a
	 * transit packet must be the host's to take too (sfw_xdp_ra_host).
	 * Read for IPv6 at XDP only; in the struct's padding */
	__u8 ra;
	__u32 l3_len;         /* IP total length (BIG TCP: above 64 KiB): the bytes a wing counts */
	__u32 seq;            /* TCP, host order */
	__u32 ack;
	__u32 frame_len;      /* the whole frame as handed to the program */
	__u32 frag_id;        /* fragments: IPv4 (16 bits) or IPv6 identification, as sent */
};

/* Are p's own ports, its tuple's, the ones the kernel routes it by?
 * TCP's, UDP's and SCTP's, a whole packet's: its flow dissector, which
 * port rules (`ip rule sport|dport`) and the layer-4 multipath hash read,
 * reads no layer-4 header of a fragment, the first included, nor behind
 * any IPv6 Fragment header, an atomic fragment's too (without
 * FLOW_DISSECTOR_F_PARSE_1ST_FRAG: fib4_rules_early_flow_dissect,
 * fib_multipath_hash; review rv3, R1), and ICMP has no ports there: an echo's id in
 * sfw's tuple is sfw's own. Other protocols' route ports, which sfw's
 * tuple has none of: sfw_fib_ports (docs/security.md "Routes and zone
 * pairs"). */
static __always_inline bool sfw_routed_by_ports(const struct sfw_pkt *p)
{
	return !p->frag && !p->frag_hdr &&
	       (p->proto == SFW_IPPROTO_TCP || p->proto == SFW_IPPROTO_UDP ||
		p->proto == SFW_IPPROTO_SCTP);
}

/* Skips up to SFW_VLAN_MAX_DEPTH VLAN tags; returns the inner ethertype
 * (network order) and advances *off, or 0 when the frame is short or
 * deeper-tagged than we parse. */
static __always_inline __be16 sfw_parse_eth(void *data, void *end, __u32 *off)
{
	struct ethhdr *eth = data;
	__be16 proto;

	if ((void *)(eth + 1) > end)
		return 0;
	proto = eth->h_proto;
	*off = sizeof(*eth);
#pragma unroll
	for (int i = 0; i < SFW_VLAN_MAX_DEPTH; i++) {
		struct vlan_hdr *vh = data + *off;

		if (proto != bpf_htons(SFW_ETH_P_8021Q) &&
		    proto != bpf_htons(SFW_ETH_P_8021AD))
			return proto;
		if ((void *)(vh + 1) > end)
			return 0;
		proto = vh->h_vlan_encapsulated_proto;
		*off += sizeof(*vh);
	}
	if (proto == bpf_htons(SFW_ETH_P_8021Q) || proto == bpf_htons(SFW_ETH_P_8021AD))
		return 0;
	return proto;
}

/* The IP length of a BIG TCP packet (a GSO packet above 64 KiB, which the
 * kernel builds with a length field of 0: IPv4 tot_len, IPv6 payload_len)
 * is the rest of the frame; hdr is the IP header's own length (IPv6: 40,
 * the payload length not counting it). Only a GSO packet in tc (big) may
 * say 0, and only when it is longer than the field could say: a wire
 * packet with a 0 length stays malformed. Returns the length, or 0. */
static __always_inline __u32 sfw_big_len(bool big, __u32 pkt_len, __u32 l3_off, __u32 hdr)
{
	if (!big || pkt_len < l3_off || pkt_len - l3_off - hdr <= 0xffff)
		return 0;
	return pkt_len - l3_off;
}

/* The TCP payload's bytes (sfw_parse_tcp set hdr_len). */
static __always_inline __u32 sfw_tcp_payload(const struct sfw_pkt *p)
{
	return p->l3_len - p->hdr_len;
}

static __always_inline int sfw_parse_ipv4(void *data, void *end, __u32 pkt_len, bool big,
					  struct sfw_pkt *p)
{
	struct iphdr *ip = data + p->l3_off;
	__u32 ihl, tot, frag;

	if ((void *)(ip + 1) > end || ip->version != 4)
		return SFW_PKT_MALFORMED;
	ihl = ip->ihl * 4;
	tot = bpf_ntohs(ip->tot_len);
	if (!tot)
		tot = sfw_big_len(big, pkt_len, p->l3_off, 0);
	if (ihl < sizeof(*ip) || tot < ihl || p->l3_off + tot > pkt_len)
		return SFW_PKT_MALFORMED;
	p->family = SFW_FAMILY_INET;
	p->proto = ip->protocol;
	p->src.v4 = ip->saddr;
	p->dst.v4 = ip->daddr;
	p->l3_len = tot;
	p->l4_off = p->l3_off + ihl;
	p->multicast = (bpf_ntohl(ip->daddr) >> 28) == 0xe || ip->daddr == 0xffffffff;
	frag = bpf_ntohs(ip->frag_off);
	if (frag & (SFW_IP_OFFSET | SFW_IP_MF)) {
		p->frag_id = ip->id;
		p->frag_off = (frag & SFW_IP_OFFSET) * 8;
		p->frag_start = ihl;
		p->frag = p->frag_off ? SFW_FRAG_LATER : SFW_FRAG_FIRST;
	}
	/* walked apart, once the rest is parsed: sfw_parse_options */
	p->ip_opts = ihl > sizeof(*ip);
	return p->frag == SFW_FRAG_LATER ? SFW_PKT_FRAGMENT : SFW_PKT_OK;
}

/* Walks the common IPv6 extension headers (bounded) to the L4 header. */
static __always_inline int sfw_parse_ipv6(void *data, void *end, __u32 pkt_len, bool big,
					  struct sfw_pkt *p)
{
	struct ipv6hdr *ip6 = data + p->l3_off;
	__u32 off, frag, l3_end;
	__u8 nh;

	if ((void *)(ip6 + 1) > end || ip6->version != 6)
		return SFW_PKT_MALFORMED;
	p->l3_len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	if (!ip6->payload_len)
		p->l3_len = sfw_big_len(big, pkt_len, p->l3_off, sizeof(*ip6)) ? : sizeof(*ip6);
	if (p->l3_off + p->l3_len > pkt_len)
		return SFW_PKT_MALFORMED;
	/* bytes after it are link padding, which the receiver trims before
	 * it walks a header: no header of the packet is read there */
	l3_end = p->l3_off + p->l3_len;
	p->family = SFW_FAMILY_INET6;
	__builtin_memcpy(&p->src, &ip6->saddr, 16);
	__builtin_memcpy(&p->dst, &ip6->daddr, 16);
	p->multicast = ip6->daddr.in6_u.u6_addr8[0] == 0xff;
	nh = ip6->nexthdr;
	off = p->l3_off + sizeof(*ip6);
#pragma unroll
	for (int i = 0; i < SFW_IPV6_EXT_MAX; i++) {
		struct ipv6_opt_hdr *h = data + off;
		struct frag_hdr *fh = data + off;

		if (nh == SFW_IPPROTO_FRAGMENT) {
			if ((void *)(fh + 1) > end || off + sizeof(*fh) > l3_end)
				return SFW_PKT_MALFORMED;
			p->frag_hdr = 1;
			nh = fh->nexthdr;
			off += sizeof(*fh);
			frag = bpf_ntohs(fh->frag_off);
			if (frag & (SFW_IP6_OFFSET | SFW_IP6_MF)) {
				/* one datagram a packet (RFC 8200 4.1): behind a
				 * first fragment's header, a second one would make
				 * the receiver's first fragment of the outer
				 * datagram our later fragment of the inner one */
				if (p->frag != SFW_FRAG_NONE)
					return SFW_PKT_MALFORMED;
				/* RFC 8200 4.5: a fragment with more to come holds
				 * a multiple of 8 bytes, or the receiver discards
				 * it (ip6_frag_queue): no datagram to remember */
				if ((frag & SFW_IP6_MF) && ((l3_end - off) & 7))
					return SFW_PKT_MALFORMED;
				p->frag_id = fh->identification;
				p->frag_off = frag & SFW_IP6_OFFSET;
				p->frag_start = off - p->l3_off;
				p->frag = p->frag_off ? SFW_FRAG_LATER : SFW_FRAG_FIRST;
			}
			if (p->frag == SFW_FRAG_LATER) {
				p->proto = nh;
				return SFW_PKT_FRAGMENT;
			}
		} else if (nh == SFW_IPPROTO_HOPOPTS || nh == SFW_IPPROTO_ROUTING ||
			   nh == SFW_IPPROTO_DSTOPTS) {
			struct ipv6_rt_hdr *rt = data + off;

			if ((void *)(rt + 1) > end || off + sizeof(*rt) > l3_end)
				return SFW_PKT_MALFORMED;
			/* the stack reads hop-by-hop options (Router Alert
			 * among them) only right after the fixed header
			 * (ip6_rcv_core): walked apart, sfw_parse_options */
			if (i == 0 && nh == SFW_IPPROTO_HOPOPTS)
				p->ip_opts = 1;
			/* RFC 8200 4.4: hops still to visit, as IPv4's source
			 * routes; or, finished, an IP packet inside, which Linux
			 * unwraps and receives again where XDP never sees it
			 * (ipv6_srh_rcv, ipv6_rpl_srh_rcv: red team rvext F1) */
			if (nh == SFW_IPPROTO_ROUTING &&
			    (rt->segments_left || h->nexthdr == SFW_IPPROTO_IPIP ||
			     h->nexthdr == SFW_IPPROTO_IPV6))
				return SFW_PKT_SRC_ROUTE;
			nh = h->nexthdr;
			off += (h->hdrlen + 1) * 8;
		} else {
			break;
		}
		/* keeps the offset provably small for the verifier */
		off &= 0x3fff;
	}
	if (nh == SFW_IPPROTO_FRAGMENT || nh == SFW_IPPROTO_HOPOPTS ||
	    nh == SFW_IPPROTO_ROUTING || nh == SFW_IPPROTO_DSTOPTS)
		return SFW_PKT_MALFORMED;   /* more headers than we walk */
	if (off > l3_end)
		return SFW_PKT_MALFORMED;
	p->proto = nh;
	p->l4_off = off;
	return SFW_PKT_OK;
}

#include "parse_l4.bpf.h"

/* The L4 header bytes every packet of a protocol starts with: what a
 * first fragment must hold at least, and what no later fragment may
 * start inside (docs/security.md "Fragments"). 0: keyed on addresses. */
static __always_inline __u32 sfw_l4_min_len(__u8 proto)
{
	switch (proto) {
	case SFW_IPPROTO_TCP:
		return 20;
	case SFW_IPPROTO_SCTP:
		return 12;
	case SFW_IPPROTO_UDP:
	case SFW_IPPROTO_ICMP:
	case SFW_IPPROTO_ICMP6:
		return 8;
	default:
		return 0;
	}
}

/* RFC 1858 and RFC 3128 (RFC 7112 for IPv6): a first fragment must carry
 * the whole L4 header (for TCP, its options too), or the fields a session
 * is decided on could be rewritten by a later fragment. */
static __always_inline bool sfw_frag_tiny(void *data, void *end, const struct sfw_pkt *p)
{
	struct tcphdr *th = data + p->l4_off;
	__u32 need = sfw_l4_min_len(p->proto);

	if (p->proto == SFW_IPPROTO_TCP && (void *)(th + 1) <= end && th->doff > 5)
		need = th->doff * 4;
	return p->l4_off + need > p->l3_off + p->l3_len;
}

/* n bytes (1 or 2) of the frame at offset off into to, by the hook's
 * helper (tc: the caller is tc egress, a constant): the walk of the
 * options never adds an offset it tracks to a packet pointer, which
 * would make the verifier tell every offset apart, step by step. */
static __always_inline long sfw_opt_read(void *ctx, bool tc, __u32 off, __u8 *to, __u32 n)
{
	return tc ? bpf_skb_load_bytes(ctx, off, to, n) : bpf_xdp_load_bytes(ctx, off, to, n);
}

/* RFC 791 source routes: LSRR (131) and SSRR (137) list hops the packet
 * is to visit, and the host its destination names sends it on to the next
 * one: an address no policy was asked about. Options that do not parse
 * are malformed (Linux drops them too, ip_options_compile). Only packets
 * with options come here; each option takes a byte at least, so
 * SFW_IPV4_OPT_MAX steps walk them all. Bytes past linear (the frame's
 * directly readable part) are never read, as the packet's own reads
 * would not. */
static __always_inline int sfw_ipv4_options(void *ctx, bool tc, __u32 linear, __u32 off,
					    __u32 opt_end, __u8 *ra)
{
	for (int i = 0; i < SFW_IPV4_OPT_MAX; i++) {
		__u8 o[2] = {};

		if (off >= opt_end || off + 1 > linear || sfw_opt_read(ctx, tc, off, o, 1) ||
		    o[0] == SFW_IPOPT_END)
			return SFW_PKT_OK;
		/* Router Alert, whatever its value (Linux takes 0 only:
		 * ip_options_compile); the walk goes on for a source route */
		if (o[0] == SFW_IPOPT_RA)
			*ra = 1;
		if (o[0] == SFW_IPOPT_NOOP) {
			off++;
			continue;
		}
		if (off + 2 > opt_end || off + 2 > linear || sfw_opt_read(ctx, tc, off, o, 2) ||
		    o[1] < 2 || off + o[1] > opt_end)
			return SFW_PKT_MALFORMED;
		if (o[0] == SFW_IPOPT_LSRR || o[0] == SFW_IPOPT_SSRR)
			return SFW_PKT_SRC_ROUTE;
		off += o[1];
	}
	return SFW_PKT_OK;
}

/* Does the IPv6 hop-by-hop header at off (right after the fixed header,
 * its bounds checked by the parse) carry Router Alert (RFC 2711, option
 * 5), which the stack offers to the host's IPV6_ROUTER_ALERT sockets
 * before it forwards the packet (ip6_forward, ip6_call_ra_chain)? Its
 * options are walked as Linux walks them (ip6_parse_tlv): Pad1 a byte,
 * any other option its type, length and data. A list the walk cannot
 * finish (one not to be read to its end, longer than
 * SFW_IPV6_HBH_OPT_MAX options; Linux drops one that does not parse) is
 * taken to carry one: the answer is a host-inbound check more, never a
 * packet let through unasked. Only packets with a hop-by-hop header come
 * here (p->ip_opts), at XDP only (ctx an xdp_md). */
static __always_inline __u8 sfw_ipv6_hbh_ra(void *ctx, __u32 linear, __u32 off)
{
	__u8 o[2] = {};
	__u32 end;

	if (off + 2 > linear || sfw_opt_read(ctx, false, off, o, 2))
		return 1;
	end = off + (o[1] + 1) * 8;
	off += 2;
	for (int i = 0; i < SFW_IPV6_HBH_OPT_MAX; i++) {
		if (off >= end)
			return 0;
		if (off + 1 > linear || sfw_opt_read(ctx, false, off, o, 1))
			return 1;
		if (o[0] == SFW_IPV6_TLV_RA)
			return 1;
		if (o[0] == SFW_IPV6_TLV_PAD1) {
			off++;
			continue;
		}
		if (off + 2 > end || off + 2 > linear || sfw_opt_read(ctx, false, off, o, 2))
			return 1;
		off += o[1] + 2;
	}
	return off < end;
}

/* What sfw_parse_packet answered (rc), once the IPv4 options it left
 * (p->ip_opts) are walked: a source route or a malformed option is the
 * answer, whatever the rest of the packet parsed to, as when the walk came
 * first. Each hook walks them in a global function of its own
 * (sfw_xdp_ip_options, sfw_tc_ip_options), verified once: inlined in the
 * parser, the walk was verified once for every path into it, three
 * quarters of each hook's verified instructions. linear: the frame's
 * directly readable bytes (data_end - data). */
static __always_inline int sfw_parse_options(void *ctx, bool tc, __u32 linear,
					     struct sfw_pkt *p, int rc)
{
	int opts;

	/* IPv6's hop-by-hop options are read for Router Alert, which
	 * only XDP asks about; they never change rc */
	if (p->family == SFW_FAMILY_INET6) {
		if (!tc && (rc == SFW_PKT_OK || rc == SFW_PKT_FRAGMENT))
			p->ra = sfw_ipv6_hbh_ra(ctx, linear, p->l3_off + sizeof(struct ipv6hdr));
		return rc;
	}
	opts = sfw_ipv4_options(ctx, tc, linear, p->l3_off + sizeof(struct iphdr), p->l4_off,
				&p->ra);
	return opts != SFW_PKT_OK ? opts : rc;
}

/* A frame that is not IP at the Ethernet layer but that the kernel may
 * turn into IP all the same: an MPLS label stack (mpls_router pops it
 * and routes what it carried), or a PPPoE session frame with a
 * network-layer PPP protocol (IPv4, IPv6, ...: the pppoe driver hands it
 * to a ppp device, which sfw cannot attach to). Passed untracked, that IP
 * would reach the host's services or be forwarded past every policy, so
 * it is refused (SFW_PKT_MPLS, SFW_PKT_ENCAP_IP); PPP's own negotiation (protocols
 * 0x8000 and up: LCP, NCPs, authentication, RFC 1661 section 2) and
 * PPPoE discovery are not IP and pass untracked. A protocol field
 * compressed to one byte (its low bit set, RFC 1661 section 6.5) is a
 * network-layer one. SFW_PKT_UNTRACKED for any other ethertype, and
 * SFW_PKT_MALFORMED for a PPPoE session frame too short to name its
 * protocol. */
static __always_inline int sfw_parse_not_ip(void *data, void *end, __be16 eth_proto,
					    __u32 l3_off)
{
	__u8 *ppp = data + (l3_off & 0xff) + SFW_PPPOE_HLEN;

	if (eth_proto == bpf_htons(SFW_ETH_P_MPLS_UC) || eth_proto == bpf_htons(SFW_ETH_P_MPLS_MC))
		return SFW_PKT_MPLS;
	if (eth_proto != bpf_htons(SFW_ETH_P_PPP_SES))
		return SFW_PKT_UNTRACKED;   /* ARP, LLDP, ...: not ours */
	if ((void *)(ppp + 2) > end)
		return SFW_PKT_MALFORMED;
	return (ppp[0] & 1) || ppp[0] < 0x80 ? SFW_PKT_ENCAP_IP : SFW_PKT_UNTRACKED;
}

/* Parses a frame; pkt_len is the frame's full length (XDP: data_end - data;
 * tc: skb->len, of which only the linear part is readable); big: a GSO
 * packet in tc, which may be a BIG TCP one (sfw_big_len). IPv4 options
 * are the caller's to walk next (sfw_parse_options). */
static __always_inline int sfw_parse_packet(void *data, void *end, __u32 pkt_len, bool big,
				     struct sfw_pkt *p)
{
	__u32 l3_off = 0;
	__be16 eth_proto = sfw_parse_eth(data, end, &l3_off);
	int rc;

	p->l3_off = l3_off;
	p->frame_len = pkt_len;
	if (!eth_proto)
		return SFW_PKT_MALFORMED;
	if (eth_proto == bpf_htons(SFW_ETH_P_IP))
		rc = sfw_parse_ipv4(data, end, pkt_len, big, p);
	else if (eth_proto == bpf_htons(SFW_ETH_P_IPV6))
		rc = sfw_parse_ipv6(data, end, pkt_len, big, p);
	else
		return sfw_parse_not_ip(data, end, eth_proto, l3_off);
	if (rc != SFW_PKT_OK)
		return rc;
	if (p->frag == SFW_FRAG_FIRST && sfw_frag_tiny(data, end, p))
		return SFW_PKT_TINY_FRAG;
	return sfw_parse_l4(data, end, p);
}

#endif
