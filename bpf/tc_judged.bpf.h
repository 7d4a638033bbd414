/* Was a packet that tc egress sees forwarded from an attached interface
 * judged at that interface's XDP hook (docs/security.md "Threat model")?
 * An attached skb_iif is no proof: the stack re-injects packets XDP never
 * saw with skb_iif unchanged (IPsec tunnel-mode decapsulation under
 * policy-based xfrm: xfrm_input hands the inner packet to the same
 * device; native XDP runs before it), and tc is the only hook that sees
 * them (review rv26, F1). Every packet XDP passes for the stack to forward
 * left a trace XDP itself wrote: its session, its datagram's record (a
 * later fragment), the session its quote names (an ICMP error). Looked
 * for here with reads only: no counting, no timer; the one write is a
 * judged first fragment's datagram record, for the fragments the stack
 * cut (an IPv4 packet XDP saw whole) or re-cut under a new
 * identification (IPv6) (sfw_tc_judged_flow). A packet
 * without a trace goes the way of a packet from an interface sfw does
 * not watch (bpf/tc_egress.bpf.c sfw_tc_flow), unless its source is one
 * of the host's own addresses (sfw_tc_src_own, SFW_MAP_LOCAL_ADDRS).
 * Only this path pays for it: packets XDP redirects never reach tc. */
#ifndef SFW_TC_JUDGED_BPF_H
#define SFW_TC_JUDGED_BPF_H

#include "nat_tc.bpf.h"
#include "fib.bpf.h"
#include "local_addr.bpf.h"

/* sfw_tc_judged's answers */
#define SFW_TC_UNJUDGED 0
#define SFW_TC_JUDGED 1
/* the In wing of a host session (sfw_sess_for_host), which the stack now
 * forwards: judged for the host only (docs/nat.md "Third review: R2") */
#define SFW_TC_JUDGED_HOST 2
/* an ICMP error leaving by another zone than its addressee's (the quoted
 * packet's sender's), or a later fragment by another than its session's
 * other wing's: refused as Invalid zone (review rvred2, R1, R2; rvred4,
 * F1) */
#define SFW_TC_JUDGED_ZONE 3

/* May a packet of wing dir of live session s have come in by in_ifindex,
 * as XDP binds it (bpf/zone_bind.bpf.h)? The host's own wing excepted:
 * its packets are the host's, which no XDP hook judges, and the stack
 * forwards them with the skb_iif of where it took them from (xfrm
 * transforms a forwarded skb in place: the outer ESP packet to a peer
 * carries the inside interface's index, on the peer's host session). */
static __always_inline int sfw_tc_judged_wing(const struct sfw_session *s, __u32 dir,
					      __u32 in_ifindex)
{
	return sfw_wing_is_hosts(s, dir) || sfw_wing_from(s, dir, in_ifindex, true) ?
	       SFW_TC_JUDGED : SFW_TC_UNJUDGED;
}

/* A whole packet or a first fragment: its own session (through an alias,
 * the session it stands for: destination NAT's In wing that XDP
 * translated, its reply that tc translates), live, from its wing's zone;
 * leaving by out_ifindex (0: its datagram recorded already, by
 * sfw_tc_nat). */
static __always_inline int sfw_tc_judged_flow(const struct sfw_pkt *p, __u32 in_ifindex,
					      __u32 out_ifindex, __u64 now)
{
	struct sfw_session_key k;
	struct sfw_session *s;
	bool lo = sfw_packet_key(p, &k, in_ifindex), alias;
	__u32 dir;
	int rc;

	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &k);
	if (!s)
		return SFW_TC_UNJUDGED;
	alias = SFW_SESS_IS_ALIAS(s);
	if (alias) {
		s = sfw_nat_owner(s);
		if (!s)
			return SFW_TC_UNJUDGED;
		dir = sfw_nat_is_reply(s, p) ? SFW_WING_OUT : SFW_WING_IN;
	} else {
		dir = sfw_wing_of(s, lo);
	}
	if (sfw_expired(s, now))
		return SFW_TC_UNJUDGED;
	rc = sfw_sess_for_host(s->flags) && dir == SFW_WING_IN ? SFW_TC_JUDGED_HOST :
	     sfw_tc_judged_wing(s, dir, in_ifindex);
	/* a first fragment XDP never saw as one: its later fragments
	 * follow the record written here. The stack re-cuts an IPv6
	 * datagram it reassembled (defrag on: any conntrack rule, sfw's own
	 * cluster table) under a NEW identification (ipv6_select_ident:
	 * review rv27, F3), and cuts an IPv4 packet XDP judged whole for a
	 * smaller egress MTU (DF clear), or the host a tunnel's outer packet
	 * on a host session: no record at XDP (review rv28, F1). One
	 * frags-map write per first fragment on this path. Not through an
	 * alias: the record names a session's own key, and sfw_tc_nat
	 * records destination NAT's In wing (NAT committed). */
	if (rc && p->frag == SFW_FRAG_FIRST && !alias && out_ifindex)
		sfw_frag_record(p, &k, (lo ? SFW_FRAG_REC_SRC_LO : 0) | SFW_FRAG_REC_AT(out_ifindex));
	return rc;
}

/* A later fragment: the record XDP (or tc, translating its first) wrote
 * of its datagram, unexpired, on the session it names, as sfw_frag_follow
 * takes it, nothing before the first fragment's L4 header's end, from
 * its record's wing's zone as XDP binds it (a fragment XDP never saw,
 * the attached skb_iif of a decapsulated packet, from another zone was
 * translated and sent on its record alone: review rvtcfrag, RVT-1). The
 * record of an ICMP error the stack fragmented names the wing of the
 * packet it quotes (sfw_tc_nat_icmp): bound as the error's first
 * fragment is, to where that packet went (sfw_error_wing; unbound, a
 * forged error's tail followed the record its refused first fragment
 * left: review rvfix). Leaving by out_ifindex into the zone of the wing
 * it goes to only (sfw_frag_leaves_ok): SFW_TC_JUDGED_ZONE otherwise. */
static __always_inline int sfw_tc_judged_frag(const struct sfw_pkt *p, __u32 in_ifindex,
					      __u32 out_ifindex, __u64 now)
{
	struct sfw_frag_key fk;
	struct sfw_session *s;
	struct sfw_frag *d;
	int rc;

	sfw_frag_key_of(p, &fk);
	d = sfw_frag_find(&fk);
	if (!d || now > d->expires_ns || d->clash || p->frag_off < d->l4_end)
		return SFW_TC_UNJUDGED;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &d->sess);
	if (!s || s->id != d->sess_id || sfw_expired(s, now))
		return SFW_TC_UNJUDGED;
	if (sfw_sess_for_host(s->flags) && d->dir == SFW_WING_IN)
		return SFW_TC_JUDGED_HOST;
	rc = sfw_tc_judged_wing(s, d->quote ? sfw_error_wing(s, d->dir) : d->dir, in_ifindex);
	return rc && !sfw_frag_leaves_ok(s, d, in_ifindex, out_ifindex) ? SFW_TC_JUDGED_ZONE : rc;
}

/* An ICMP error: about a packet of a live session, sent to that packet's
 * source, from where that packet went, as sfw_icmp_related found it. The
 * quote as it stands here: XDP translated an error about a source NAT
 * session's translated packet back to the client (the session's own
 * tuple then), and tc's NAT (sfw_tc_nat_icmp, before this) one about a
 * NAT session's reply to quote the alias's tuple; a quote met through an
 * alias is the translated In wing's packet when it is from the session's
 * translated source, else its reply. The quote is parsed into
 * sfw_tc_quote, whose packet sfw_tc_nat_miss has read by then. */
static __always_inline int sfw_tc_judged_error(struct __sk_buff *skb, const struct sfw_pkt *p,
					       __u32 in_ifindex, __u64 now)
{
	struct sfw_session_key k;
	struct sfw_session *s;
	struct sfw_pkt *in;
	__u32 zero = 0, dir;
	bool lo;

	in = bpf_map_lookup_elem(&sfw_tc_quote, &zero);
	if (!in)
		return SFW_TC_UNJUDGED;
	__builtin_memset(in, 0, sizeof(*in));
	if (sfw_parse_embedded(skb, (void *)(long)skb->data, (void *)(long)skb->data_end, p, in))
		return SFW_TC_UNJUDGED;
	if (in->src.v6[0] != p->dst.v6[0] || in->src.v6[1] != p->dst.v6[1] ||
	    in->src.v6[2] != p->dst.v6[2] || in->src.v6[3] != p->dst.v6[3])
		return SFW_TC_UNJUDGED;
	/* untagged, as sfw_icmp_related_to keys it for a forwarded error */
	lo = sfw_packet_key(in, &k, 0);
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &k);
	if (!s)
		return SFW_TC_UNJUDGED;
	if (SFW_SESS_IS_ALIAS(s)) {
		s = sfw_nat_owner(s);
		if (!s)
			return SFW_TC_UNJUDGED;
		dir = in->src.v4 == s->nat.src && in->sport == s->nat.sport ?
		      SFW_WING_IN : SFW_WING_OUT;
	} else {
		dir = sfw_wing_of(s, lo);
	}
	if (sfw_expired(s, now))
		return SFW_TC_UNJUDGED;
	/* to the quoted packet's sender, toward its zone only: XDP's route
	 * guess is not the stack's (it routes a forwarded error by the
	 * quote), and an error about a NAT session was never asked */
	if (!sfw_leaves_by_peer_zone(s->wing[dir & 1].ifindex, skb->ifindex))
		return SFW_TC_JUDGED_ZONE;
	return sfw_tc_judged_wing(s, sfw_error_wing(s, dir), in_ifindex);
}

/* Is the source of packet p, forwarded from an attached interface
 * without XDP's trace (or refused there by a NAT rule's miss), one of the
 * host's own addresses? Then it is the host's own packet, judged as self
 * traffic (review rv27, F1): an outer header the host wrote. A tunnel's
 * encapsulation of a forwarded flow (IPsec tunnel mode under
 * policy-based xfrm transforms the skb in place), and the host's own NAT
 * of one (an nftables masquerade), leave with skb_iif still the LAN's;
 * XDP judged the inner packet on the LAN. (Device tunnels, GRE, IPIP,
 * SIT, VXLAN, geneve, WireGuard, send through iptunnel_xmit or
 * udp_tunnel_xmit_skb, which clear skb_iif: their outer packets are the
 * host's already; tests/e2e/test_tc_judged_tunnel.sh.) Not limited to
 * tunnelling protocols: the UDP encaps run on any port (WireGuard, fou,
 * ESP-in-UDP behind NAT), and a list would refuse the next one.
 *
 * Exact: the source must be in SFW_MAP_LOCAL_ADDRS, the addresses of the
 * namespace's interfaces (loopback and non-preferred ones too: a GRE
 * `local` on a loopback address). A FIB lookup alone answered NOT_FWDED
 * for a broadcast and a source with no route as for a local address, and
 * IPv6 (IPv4 with rp_filter off) forwards a decapsulated packet from such
 * a source: an IPsec tunnel peer's inner packets from one passed as self
 * traffic. A packet that gets here unseen by XDP is a decapsulated one,
 * so what still passes is a peer's inner packet, inside its policy
 * selectors, from the host's own (IPv6) address: blind, the replies are
 * the host's. Fail closed: an address missing from the map (empty before
 * the loader filled it, full, not yet added by the daemon, or the host's
 * only through a local route: AnyIP) is judged by in_ifindex's zone, as a
 * LAN client's packet: a legitimate tunnel is refused under a narrow
 * policy, never let past one. The reply's FIB lookup (as
 * sfw_fib_src_unrouted's: a local route answers NOT_FWDED) still follows
 * a hit: an address removed while no daemon kept the map, routed
 * elsewhere since, is no longer the host's; FWD_DISABLED (forwarding off
 * on the egress alone, answered before any lookup) leaves the map's word
 * standing (review rv28, F2). docs/security.md
 * "Threat model". A global function: its lookup's frame is its own, and
 * only this path pays. */
__noinline int sfw_tc_src_own(struct __sk_buff *skb, const struct sfw_pkt *p)
{
	struct bpf_fib_lookup fib = {};
	long rc;

	if (!skb || !p || sfw_addr_martian(&p->src, p->family) ||
	    !sfw_local_addr_has(&p->src, p->family))
		return 0;
	/* the map's word, unless the FIB now routes the address elsewhere;
	 * FWD_DISABLED answers before any lookup (forwarding off on the
	 * egress alone, which the kernel still forwards through: review
	 * rv28, F2), so it leaves the map's word standing */
	sfw_fib_query(&fib, p, SFW_FRAME(skb), skb->ifindex, true);
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH);
	return rc == BPF_FIB_LKUP_RET_NOT_FWDED || rc == BPF_FIB_LKUP_RET_FWD_DISABLED;
}

/* Packet p, forwarded from attached interface in_ifindex, after tc's NAT
 * took it (p as parsed: the tuple XDP keyed; recorded: sfw_tc_nat met its
 * session and recorded its datagram, were it a first fragment):
 * SFW_TC_JUDGED, SFW_TC_JUDGED_HOST, SFW_TC_JUDGED_ZONE or SFW_TC_UNJUDGED. A global
 * function: verified once, and its frame is its own. */
__noinline int sfw_tc_judged(struct __sk_buff *skb, const struct sfw_pkt *p, __u32 in_ifindex,
			     bool recorded)
{
	__u64 now = bpf_ktime_get_coarse_ns();

	if (!skb || !p)
		return SFW_TC_UNJUDGED;
	if (p->frag == SFW_FRAG_LATER)
		return sfw_tc_judged_frag(p, in_ifindex, skb->ifindex, now);
	if (p->icmp_kind == SFW_ICMPK_ERROR)
		return sfw_tc_judged_error(skb, p, in_ifindex, now);
	return sfw_tc_judged_flow(p, in_ifindex, recorded ? 0 : skb->ifindex, now);
}

#endif
