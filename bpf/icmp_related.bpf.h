/* ICMP errors (unreachable, time exceeded, parameter problem, too big) are
 * about another packet whose headers they carry. They pass when that
 * packet belongs to a live session, as Linux conntrack's RELATED, and the
 * error goes back to that packet's sender (RFC 792 and RFC 4443 send it
 * to the source of the packet it is about; RFC 4890 lets a firewall drop
 * the rest). They never create a session of their own. */
#ifndef SFW_ICMP_RELATED_BPF_H
#define SFW_ICMP_RELATED_BPF_H

#include "session.bpf.h"
#include "nat.bpf.h"
#include "zone_bind.bpf.h"
#include "tcp_window.bpf.h"

/* The addressee of the ICMP error at hand, set by sfw_icmp_related_to for
 * every error it relates, a NAT session's too, else all 0: the interface
 * its wing's packets come in by, toward whose zone only the error may
 * leave (sfw_err_leaves_ok; reviews rvred F3, F4, rvred2, rvred3), and
 * whether that wing is the session's opener (XDP's route check:
 * sfw_route_leaves_by). Per CPU: one packet's, read back by the hook that
 * judged it. */
struct sfw_err_to {
	__u32 ifindex;
	__u32 opener;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_err_to);
	__uint(max_entries, 1);
} sfw_err_to SEC(".maps");

/* The error goes to wing w of session s (NULL: to no one known) */
static __always_inline void sfw_err_to_set(const struct sfw_session *s, __u32 w)
{
	__u32 zero = 0;
	struct sfw_err_to *to = bpf_map_lookup_elem(&sfw_err_to, &zero);

	if (!to)
		return;
	to->ifindex = s ? s->wing[w & 1].ifindex : 0;
	to->opener = s && (w & 1) == SFW_WING_IN;
}

/* May the ICMP error sfw_icmp_related_to judged leave by egress (0: not
 * known here, it may)? Toward its addressee's zone only: an error
 * forwarded, or the host's own, that a route (or a spoofed source) sends
 * into another zone would cross a zone pair no policy judged, carrying
 * up to a quote's worth of bytes its sender chose. */
static __always_inline bool sfw_err_leaves_ok(__u32 egress)
{
	__u32 zero = 0;
	struct sfw_err_to *to = bpf_map_lookup_elem(&sfw_err_to, &zero);

	return !to || !egress || sfw_leaves_by_peer_zone(to->ifindex, egress);
}

/* The extension headers of a quoted IPv6 packet, walked as sfw_parse_ipv6
 * walks a packet's (bounded by SFW_IPV6_EXT_MAX, each header inside the
 * quoted bytes, q_end), from off, where a header of type nh starts, to
 * the quoted L4 header: off << 8 | its protocol. -1: no flow to name, as
 * a quote too short for its ports: a chain that is cut off, longer than
 * sfw walks, or a routing header with hops left (such a packet never
 * passed sfw, SFW_PKT_SRC_ROUTE); a later fragment, which carries no L4
 * header (Linux conntrack finds no tuple in it either, get_l4proto).
 * Each hook runs it in a global function of its own (sfw_hook_quote_ext),
 * verified once, not once for every path into the error's judgement. */
static __always_inline int sfw_quote_ext(void *data, void *end, __u32 off, __u32 q_end, __u8 nh)
{
#pragma unroll
	for (int i = 0; i < SFW_IPV6_EXT_MAX; i++) {
		struct ipv6_rt_hdr *h = data + off;
		struct frag_hdr *fh = data + off;

		if (nh == SFW_IPPROTO_FRAGMENT) {
			if ((void *)(fh + 1) > end || off + sizeof(*fh) > q_end ||
			    (fh->frag_off & bpf_htons(SFW_IP6_OFFSET)))
				return -1;
			nh = fh->nexthdr;
			off += sizeof(*fh);
		} else if (nh == SFW_IPPROTO_HOPOPTS || nh == SFW_IPPROTO_ROUTING ||
			   nh == SFW_IPPROTO_DSTOPTS) {
			if ((void *)(h + 1) > end || off + sizeof(*h) > q_end ||
			    (nh == SFW_IPPROTO_ROUTING && h->segments_left))
				return -1;
			nh = h->nexthdr;
			off += (h->hdrlen + 1) * 8;
		} else {
			break;
		}
		off &= 0x3fff;
	}
	if (nh == SFW_IPPROTO_FRAGMENT || nh == SFW_IPPROTO_HOPOPTS ||
	    nh == SFW_IPPROTO_ROUTING || nh == SFW_IPPROTO_DSTOPTS || off > q_end)
		return -1;
	return (int)(off << 8 | nh);
}

/* Each hook's global function running sfw_quote_ext on its frame (ctx):
 * off, q_end and nh as there (bpf/xdp_ingress.bpf.c, bpf/tc_egress.bpf.c). */
static __always_inline int sfw_hook_quote_ext(void *ctx, __u32 off, __u32 q_end, __u8 nh);

/* Fills the embedded packet's addresses, protocol and ports into *in.
 * ctx: the hook's, for the quoted IPv6 packet's extension headers. */
static __always_inline int sfw_parse_embedded(void *ctx, void *data, void *end,
					      const struct sfw_pkt *p, struct sfw_pkt *in)
{
	/* masked: the verifier needs a bounded offset into the packet */
	__u32 off = (p->l4_off + sizeof(struct icmphdr)) & 0x3fff;
	/* the quote ends with the IP packet; bytes after it are link padding */
	__u32 l3_end = p->l3_off + p->l3_len;
	__u8 *l4;

	if (p->family == SFW_FAMILY_INET) {
		struct iphdr *ip = data + off;

		/* a later fragment has no L4 header to name its flow by (as
		 * sfw_quote_ext answers for IPv6) */
		if ((void *)(ip + 1) > end || off + sizeof(*ip) > l3_end || ip->ihl < 5 ||
		    (ip->frag_off & bpf_htons(SFW_IP_OFFSET)))
			return -1;
		in->src.v4 = ip->saddr;
		in->dst.v4 = ip->daddr;
		in->multicast = (bpf_ntohl(ip->daddr) >> 28) == 0xe || ip->daddr == 0xffffffff;
		in->proto = ip->protocol;
		off += (ip->ihl * 4) & 0x3c;
	} else {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > end || off + sizeof(*ip6) > l3_end)
			return -1;
		__builtin_memcpy(&in->src, &ip6->saddr, 16);
		__builtin_memcpy(&in->dst, &ip6->daddr, 16);
		in->multicast = ip6->daddr.in6_u.u6_addr8[0] == 0xff;
		in->proto = ip6->nexthdr;
		off += sizeof(*ip6);
		if (in->proto == SFW_IPPROTO_FRAGMENT || in->proto == SFW_IPPROTO_HOPOPTS ||
		    in->proto == SFW_IPPROTO_ROUTING || in->proto == SFW_IPPROTO_DSTOPTS) {
			/* the quoted packet's own length bounds its headers too */
			__u32 q_end = off + bpf_ntohs(ip6->payload_len);
			int l4 = sfw_hook_quote_ext(ctx, off, q_end < l3_end ? q_end : l3_end,
						    in->proto);

			if (l4 < 0)
				return -1;
			in->proto = l4 & 0xff;
			off = (l4 >> 8) & 0x3fff;
		}
	}
	in->family = p->family;
	l4 = data + (off & 0xffff);
	if ((void *)(l4 + 8) > end || (off & 0xffff) + 8 > l3_end)
		return -1;
	if (sfw_proto_icmp(in->family, in->proto)) {
		/* only a query's request can be about a session: keyed as
		 * sfw_parse_icmp keys it, its id and its kind */
		bool v6 = in->proto == SFW_IPPROTO_ICMP6;
		unsigned int q = sfw_icmp_query(l4[0], v6);

		if (SFW_ICMP_ROLE(q) != SFW_ICMP_ROLE_REQUEST)
			return -1;
		in->sport = *(__be16 *)(l4 + 4);
		in->dport = bpf_htons(sfw_icmp_key_tag(SFW_ICMP_REQ(q), l4[1], v6));
		in->icmp_kind = SFW_ICMPK_QUERY;   /* a request (sfw_icmp_fits_wing) */
	} else if (in->proto == SFW_IPPROTO_TCP || in->proto == SFW_IPPROTO_UDP ||
		   in->proto == SFW_IPPROTO_SCTP) {
		in->sport = *(__be16 *)l4;
		in->dport = *(__be16 *)(l4 + 2);
		if (in->proto == SFW_IPPROTO_TCP)
			in->seq = bpf_ntohl(*(__be32 *)(l4 + 4));
	}
	return 0;
}

/* sfw_icmp_related's answers */
#define SFW_RELATED_NONE 0
#define SFW_RELATED      1
#define SFW_RELATED_NAT  2   /* about a translated packet: to translate back */
#define SFW_RELATED_NAT_REPLY 3   /* about a NAT session's reply as the client got it
				   * (destination NAT's: its In wing as it left):
				   * tc egress translates it (bpf/nat_tc.bpf.h) */
#define SFW_RELATED_HOST_IN 4   /* from an interface, about a host session's
				 * opener's packet: the host took that packet
				 * (docs/nat.md "Third review: R2") */
#define SFW_RELATED_ZONE 5   /* about a session's packet, but from another zone
			      * than its wing's (bpf/zone_bind.bpf.h) */
#define SFW_RELATED_WINDOW 6   /* about a TCP segment its wing cannot have sent
				* unacknowledged (sfw_icmp_tcp_seq_ok) */

/* Could wing dir of TCP session s have sent the quoted segment (sequence
 * number seq) and not yet had it acknowledged? An error is about a
 * segment that went no further, so nothing after it was acknowledged and
 * the wing has sent at most a window past it: seq within the peer's
 * largest window (at least conntrack's 66,000, as acknowledgements are
 * held to) before the wing's end, and not after it (pf's bound; RFC 5927
 * 4.1: Linux's tcp_v4_err checks SND.UNA..SND.NXT, an endpoint that does
 * not is reset or throttled by a blind error quoting a guessed tuple).
 * Any until both wings are tracked and confirmed after a failover (a
 * wing's numbers may be a forger's until then: RT47-5), or with
 * no-sequence-check. */
static __always_inline bool sfw_icmp_tcp_seq_ok(const struct sfw_session *s, __u32 dir, __u32 seq)
{
	const struct sfw_wing *w = &s->wing[dir & 1], *peer = &s->wing[(dir & 1) ^ 1];
	__u32 zero = 0, win = peer->maxwin > SFW_TCP_MAXACKWIN_MIN ? peer->maxwin
								  : SFW_TCP_MAXACKWIN_MIN;
	const struct sfw_config *cfg = bpf_map_lookup_elem(&SFW_MAP_CONFIG, &zero);

	if (!cfg || (cfg->flags & SFW_CFG_F_NO_SEQ_CHECK) ||
	    !(w->tcp_flags & peer->tcp_flags & SFW_WING_TRACKED) ||
	    (s->xflags & SFW_SESS_X_UNCONFIRMED))
		return true;
	return !sfw_seq_after(seq, w->seq_end) && w->seq_end - seq <= win;
}

/* The wing whose interface an error about a packet of wing dir comes
 * back by: where that packet went. A forwarded packet went toward the
 * other wing's side, whose packets come in by that wing's interface; a
 * packet the host sent (the In wing of its own session, the Out wing of
 * a session to it) left by the interface its own wing records (tc
 * records the egress). */
static __always_inline __u32 sfw_error_wing(const struct sfw_session *s, __u32 dir)
{
	return sfw_wing_is_hosts(s, dir) ? dir : dir ^ 1;
}

/* An error about a translated packet goes back to addr:port, planned for
 * sfw_nat_icmp_rewrite (rw->dst, rw->dport): SFW_RELATED_NAT. */
static __always_inline __u32 sfw_icmp_back_to(__be32 addr, __be16 port)
{
	struct sfw_nat_rw *rw;
	__u32 zero = 0;

	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!rw)
		return SFW_RELATED_NONE;
	rw->dst = (union sfw_addr){ .v4 = addr };
	rw->dport = port;
	return SFW_RELATED_NAT;
}

/* The quote names a NAT session's translated tuple (its alias a): is the
 * session live? Then the error goes back to the original client, planned
 * for sfw_nat_icmp_rewrite: rw->dst and rw->dport are the client's
 * address and port (docs/nat.md "ICMP errors"). Destination NAT's: the
 * In wing as it left, c:cp -> s:sp, which leaves for the client as the
 * reply does, translated at tc (SFW_RELATED_NAT_REPLY). */
static __always_inline __u32 sfw_icmp_related_nat(const struct sfw_session *a,
						  const struct sfw_pkt *in, __u64 now,
						  __u32 ingress)
{
	const struct sfw_session *s = sfw_nat_owner(a);
	bool lo;

	if (!s || sfw_expired(s, now))
		return SFW_RELATED_NONE;
	/* about the translated packet, P:pp -> s:sp (destination NAT's
	 * c:cp -> s:sp); the server's side of the alias quoted is no packet
	 * of the client's (docs/nat.md "Open findings", 8) */
	if (in->src.v4 != s->nat.src || in->sport != s->nat.sport)
		return SFW_RELATED_NONE;
	/* the client's segment, translated: its numbers are the In wing's */
	if (in->proto == SFW_IPPROTO_TCP && !sfw_icmp_tcp_seq_ok(s, SFW_WING_IN, in->seq))
		return SFW_RELATED_WINDOW;
	/* it comes back the way the replies do: from the Out wing's zone */
	if (!sfw_wing_from(s, SFW_WING_OUT, ingress, true))
		return SFW_RELATED_ZONE;
	/* to the client, toward its zone only (review rvred3, F1) */
	sfw_err_to_set(s, SFW_WING_IN);
	if (s->flags & SFW_SESS_F_DNAT)
		return SFW_RELATED_NAT_REPLY;
	lo = s->flags & SFW_SESS_F_OPENER_LO;
	return sfw_icmp_back_to(lo ? a->owner.addr_lo : a->owner.addr_hi,
				lo ? a->owner.port_lo : a->owner.port_hi);
}

/* The session the quoted packet in (already checked to be about the
 * error's destination) belongs to: SFW_RELATED, SFW_RELATED_NAT,
 * SFW_RELATED_NAT_REPLY, SFW_RELATED_HOST_IN, SFW_RELATED_ZONE or
 * SFW_RELATED_NONE. ingress: the interface the error came in by, 0 when it is the host's own (tc, not forwarded);
 * hosts_nat: forwarded, but from the host's own address (its NAT's). A
 * global function: its key stays off the caller's frame, which is at the
 * edge of the call chain's 512 bytes. */
__noinline __u32 sfw_icmp_related_to(const struct sfw_pkt *in, __u64 now, __u32 ingress,
				     bool hosts_nat, __u32 link)
{
	struct sfw_session_key key;
	struct sfw_session *s;
	bool key_lo;
	__u32 w;

	sfw_err_to_set(NULL, 0);
	if (!in)
		return SFW_RELATED_NONE;
	key_lo = sfw_packet_key(in, &key, link);
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &key);
	if (s && SFW_SESS_IS_ALIAS(s))
		return sfw_icmp_related_nat(s, in, now, ingress);
	if (!s || sfw_expired(s, now))
		return SFW_RELATED_NONE;
	/* a quoted request of another direction than the session's is
	 * none of its packets (sfw_icmp_fits_wing) */
	if (!sfw_icmp_fits_wing(in, sfw_wing_of(s, key_lo)))
		return SFW_RELATED_NONE;
	if (in->proto == SFW_IPPROTO_TCP && !sfw_icmp_tcp_seq_ok(s, sfw_wing_of(s, key_lo), in->seq))
		return SFW_RELATED_WINDOW;
	/* an error comes back from where the packet it quotes went
	 * (bpf/zone_bind.bpf.h) */
	w = sfw_error_wing(s, sfw_wing_of(s, key_lo));
	if (!sfw_wing_from(s, w, hosts_nat && sfw_wing_is_hosts(s, w) ? 0 : ingress, true))
		return SFW_RELATED_ZONE;
	if (ingress && sfw_sess_for_host(s->flags) && sfw_wing_of(s, key_lo) == SFW_WING_IN)
		return SFW_RELATED_HOST_IN;
	if (!(s->flags & SFW_SESS_F_NAT)) {
		sfw_err_to_set(s, sfw_wing_of(s, key_lo));
		return SFW_RELATED;
	}
	/* destination NAT's key is the client's tuple, c:cp <-> P:pp: an
	 * error from the client's side about the reply as translated,
	 * P:pp -> c:cp, goes back to the server, s:sp (docs/nat.md "ICMP
	 * errors"); the client's own packet, c:cp -> P:pp, is never the
	 * host's to forward (its In wing is translated before the stack) */
	if (s->flags & SFW_SESS_F_DNAT) {
		if (sfw_wing_of(s, key_lo) != SFW_WING_OUT)
			return SFW_RELATED_NONE;
		sfw_err_to_set(s, SFW_WING_OUT);   /* to the server */
		return sfw_icmp_back_to(s->nat.dst, s->nat.dport);
	}
	/* about a NAT session's reply as delivered, s:sp -> c:cp (the
	 * client's port unreachable, the host's Fragmentation Needed): it
	 * must leave quoting what the server sent (docs/nat.md "Open
	 * findings", 4 and 5). Only the host's own, or one from where the
	 * client's packets come in: from anywhere else (the WAN) it would
	 * have the firewall confirm a private tuple and send errors from P
	 * ("Second review", F3). With zones, the check above bound it to
	 * the client's zone, any of its interfaces (review Z3) */
	if (sfw_wing_of(s, key_lo) == SFW_WING_OUT) {
		if (ingress && ingress != s->wing[SFW_WING_IN].ifindex && !sfw_zones_on())
			return SFW_RELATED_NONE;
		sfw_err_to_set(s, SFW_WING_OUT);   /* to the server */
		return SFW_RELATED_NAT_REPLY;
	}
	/* about a NAT session's untranslated client packet, sent to the
	 * client: only the host, which forwards that packet, says so; from
	 * anywhere else errors come through the alias (docs/nat.md "Open
	 * findings", 1) */
	if (ingress)
		return SFW_RELATED_NONE;
	sfw_err_to_set(s, SFW_WING_IN);   /* to the client (rvred2, R3) */
	return SFW_RELATED;
}

/* ingress: the interface the error came in by, 0: the host's own (tc,
 * not forwarded); tc: the caller is tc egress (a constant); egress: the
 * interface the host's own error leaves by; ctx: the hook's. */
static __always_inline __u32 sfw_icmp_related(void *ctx, void *data, void *end,
					      const struct sfw_pkt *p, __u64 now, __u32 ingress,
					      bool tc, __u32 egress)
{
	struct sfw_pkt in = {};

	if (sfw_parse_embedded(ctx, data, end, p, &in))
		return SFW_RELATED_NONE;
	/* to anyone else it is a message smuggled under a session's name:
	 * IPv4 addresses are zero past their first word, so one comparison
	 * fits both families */
	if (in.src.v6[0] != p->dst.v6[0] || in.src.v6[1] != p->dst.v6[1] ||
	    in.src.v6[2] != p->dst.v6[2] || in.src.v6[3] != p->dst.v6[3])
		return SFW_RELATED_NONE;
	/* forwarded at tc from the host's own IPv4 address, the quoted
	 * packet's destination: the host's own NAT's error (a published
	 * container's port unreachable), bound as the host's wing is
	 * (sfw_tc_bound_by; RV2-5) */
	/* about a datagram to a group or broadcast, its session is the
	 * link's it came in by (sfw_link_tag): the host's own error leaves
	 * by that link (RV2-11); one from elsewhere has no way to tell it */
	return sfw_icmp_related_to(&in, now, ingress,
				   tc && ingress && p->family == SFW_FAMILY_INET &&
				   p->src.v4 == in.dst.v4,
				   tc && !ingress ? egress : 0);
}

#endif
