// SPDX-License-Identifier: GPL-2.0
/* XDP ingress: every packet arriving on an attached interface. */
#include "flow.bpf.h"
#include "frag.bpf.h"
#include "reject.bpf.h"
#include "fib.bpf.h"
#include "forward.bpf.h"
#include "screen.bpf.h"
#include "syncookie.bpf.h"
#include "nat_rewrite.bpf.h"
#include "proxy_arp.bpf.h"
#include "proxy_ndp.bpf.h"
#include "local_addr.bpf.h"
#include "host_route_cache.bpf.h"

/* sfw_xdp_route's answer: no egress to judge by */
#define SFW_ROUTE_NONE 0xffffffffu

/* sfw_xdp_route's answer for the lookup's rc, egress its fib.ifindex */
static __always_inline __u32 sfw_route_egress(int rc, __u32 egress)
{
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
	case BPF_FIB_LKUP_RET_NO_NEIGH:      /* the egress is known all the same */
		return egress ? egress : SFW_ROUTE_NONE;
	case BPF_FIB_LKUP_RET_NOT_FWDED:     /* local, broadcast, or no route at all */
	case BPF_FIB_LKUP_RET_FWD_DISABLED:  /* the stack cannot forward it */
		return 0;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return SFW_ROUTE_NONE;
	case BPF_FIB_LKUP_RET_UNSUPP_LWT:    /* answered before the egress is filled in */
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:   /* likewise; no length is asked about */
	default:                             /* NO_SRC_ADDR, errors: nothing to judge by */
		return SFW_ROUTE_NONE;
	}
}

/* sfw_route_egress for a packet of a session that may leave: 0 also for
 * a route that discards it (nothing leaves), so that SFW_ROUTE_NONE is
 * only a route the stack takes where no zone can be told (an encap
 * route's UNSUPP_LWT: sfw_route_to_wing_ok). */
static __always_inline __u32 sfw_route_leaves_by(int rc, __u32 egress)
{
	if (rc == BPF_FIB_LKUP_RET_BLACKHOLE || rc == BPF_FIB_LKUP_RET_UNREACHABLE ||
	    rc == BPF_FIB_LKUP_RET_PROHIBIT)
		return 0;
	return sfw_route_egress(rc, egress);
}

/* May a session's packet whose route leads out (sfw_route_leaves_by) go
 * on to the wing whose packets come in by peer? Into peer's zone; to no
 * egress (0), the stack's to answer. By a route that names no egress (an
 * encap route) toward the session's opener only (opener): its way back
 * was never asked to name one (the reverse-path check,
 * sfw_fib_src_unrouted, takes a client behind a tunnel; review rvred6,
 * G1), where the responder's route was asked when the session opened
 * and refused for it (review rv2, F2): a packet toward the responder an
 * encap route takes now was moved or marked onto it (review rvred5,
 * R5-2). */
static __always_inline bool sfw_route_to_wing_ok(__u32 out, __u32 peer, bool opener)
{
	if (out == SFW_ROUTE_NONE)
		return opener;
	return !out || sfw_leaves_by_peer_zone(peer, out);
}

/* Where will this new session's packets go? Returns the egress interface
 * for a forwarded (transit) session, 0 when the destination is this host
 * (or forwarding is off, so that it can only be), SFW_ROUTE_NONE when the
 * route discards it or names no egress we can judge. Asked once per new
 * session (and for neighbour discovery that may not be for this host),
 * never per packet. Every answer of the lookup is handled by name: the
 * zone pair must come from the real egress interface, never from a guess
 * (docs/security.md, "Routes and zone pairs"). A global function: the
 * lookup's 64 bytes of stack stay out of its callers' frames. */
/* The egress of p's route from where it came in, as sfw_xdp_route
 * answers, asked in the caller's fib (its frame, or bytes it shares). */
static __always_inline int sfw_xdp_lookup_in(struct xdp_md *ctx, const struct sfw_pkt *p,
					     struct bpf_fib_lookup *fib)
{
	__builtin_memset(fib, 0, sizeof(*fib));
	sfw_fib_query(fib, p, SFW_FRAME(ctx), ctx->ingress_ifindex, false);
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), BPF_FIB_LOOKUP_SKIP_NEIGH);
}

static __always_inline __u32 sfw_xdp_route_in(struct xdp_md *ctx, const struct sfw_pkt *p,
					      struct bpf_fib_lookup *fib)
{
	return sfw_route_egress(sfw_xdp_lookup_in(ctx, p, fib), fib->ifindex);
}

__noinline __u32 sfw_xdp_route(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	struct bpf_fib_lookup fib;

	if (!ctx || !p)
		return SFW_ROUTE_NONE;
	if (p->multicast)
		return 0;
	return sfw_xdp_route_in(ctx, p, &fib);
}

/* sfw_xdp_route for a first packet XDP will forward itself (forwarding
 * on, not a fragment: sfw_xdp_forwards), asked as its forwarding asks it
 * (sfw_forward_route): the frame's query words, with its length and
 * neighbour, the answer kept in the route cache, where the forwarding
 * that follows finds it: a new session pays one route lookup, not two
 * (docs/performance.md "One route lookup fewer"). Asked of the FIB, never
 * answered by the cache: the zone pair is judged by the route as it is.
 * The destination is p's, as destination NAT translated it ahead of the
 * frame. Over the egress MTU the lookup answers FRAG_NEEDED before it
 * names the egress: asked again without the length, as sfw_xdp_route
 * asks. A tagged frame, a group address or a TTL about to expire (which
 * XDP's forwarding leaves to the stack): as sfw_xdp_route asks. now: the
 * packet's clock. A global function: the query and its answer are
 * sfw_fwd_scratch's, off the call chain's 512 bytes. */
__noinline __u32 sfw_xdp_route_fwd(struct xdp_md *ctx, const struct sfw_pkt *p, __u64 now)
{
	__u32 zero = 0;
	struct sfw_fwd_route *r = bpf_map_lookup_elem(&sfw_fwd_scratch, &zero);
	int rc;

	if (!ctx || !p || !r)
		return SFW_ROUTE_NONE;
	if (p->multicast)
		return 0;
	/* sfw_xdp_route's query, in the scratch's bytes: a call more would
	 * not fit the call chain's 512 */
	if (p->l3_off != SFW_ETH_HLEN ||
	    !sfw_fwd_key(r->key, SFW_FRAME(ctx), p, NULL, false, ctx->ingress_ifindex))
		return sfw_xdp_route_in(ctx, p, &r->fib);
	if (p->family == SFW_FAMILY_INET)
		r->key[4] = p->dst.v4;
	rc = sfw_route_lookup_fresh(ctx, &r->fib, r->key, (__u16)p->l3_len, now);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		rc = sfw_route_ask(ctx, &r->fib, r->key, 0);
	return sfw_route_egress(rc, r->fib.ifindex);
}

/* May a first fragment's session be made for out_ifindex, the egress its
 * route names without ports (sfw_routed_by_ports: the stack routes each
 * fragment so, and an IPv6 atomic fragment)? Where netfilter's defragmentation runs (a conntrack rule
 * in this namespace, Docker's), the stack routes the datagram it
 * reassembles with its ports instead: that route must lead into the same
 * zone, or to the host as the other does, else a port rule would carry
 * the datagram into a zone no policy judged it for (review rvtos, F1).
 * A discarding route is the stack's to drop; one that names no egress
 * (an encap route) is refused, as a whole packet's is (review rv2, F2).
 * Asked of first fragments only, and only where the datagram has route
 * ports (sfw_fib_ports). A global function: its lookup's 64 bytes are
 * its own frame's. */
__noinline int sfw_xdp_frag_route_ok(struct xdp_md *ctx, const struct sfw_pkt *p,
				     __u32 out_ifindex)
{
	struct bpf_fib_lookup fib = {};
	__u32 out, ports;
	int rc;

	if (!ctx || !p)
		return 0;
	ports = sfw_fib_ports(SFW_FRAME(ctx), p, true);
	if (!ports)
		return 1;   /* the same query: no ports either way */
	sfw_fib_query(&fib, p, SFW_FRAME(ctx), ctx->ingress_ifindex, false);
	fib.sport = (__be16)ports;
	fib.dport = (__be16)(ports >> 16);
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH);
	if (rc == BPF_FIB_LKUP_RET_BLACKHOLE || rc == BPF_FIB_LKUP_RET_UNREACHABLE ||
	    rc == BPF_FIB_LKUP_RET_PROHIBIT)
		return 1;
	/* any other answer without an egress (an encap route's UNSUPP_LWT)
	 * is a route the stack takes where no zone can be told: refused */
	out = sfw_route_egress(rc, fib.ifindex);
	if (out == SFW_ROUTE_NONE)
		return 0;
	if (!out || !out_ifindex)
		return out == out_ifindex;
	return sfw_leaves_by_peer_zone(out_ifindex, out);
}

/* Is ifindex an interface sfw is attached to? A global function: its key
 * stays out of sfw_xdp_flow's frame. */
__noinline int sfw_xdp_attached(__u32 ifindex)
{
	struct sfw_iface_key k = { .ifindex = ifindex };

	return ifindex && bpf_map_lookup_elem(&SFW_MAP_IFACES, &k);
}

/* May the In wing of a NAT session go up to the stack, untranslated?
 * Only toward an attached interface, whose tc egress translates it
 * (bpf/nat_tc.bpf.h). Toward any other egress (in a zone but not
 * attached: ppp0, a tunnel, an interface detached while its sessions
 * live, a route that moved) nothing would translate it, so it is refused
 * under Incoming NAT errors (docs/nat.md "Open findings", 2). A route
 * lookup only for packets the stack forwards anyway. An ICMP error about
 * a NAT session's reply likewise (finding 4): tc egress translates it,
 * or refuses what it cannot. So are a datagram's fragments, each routed
 * as it comes (docs/nat.md "Fragments"). A global function: off
 * sfw_xdp_flow's frame. */
__noinline int sfw_nat_pass_ok(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	__u32 out;

	if (!ctx || !p || !(sfw_nat_rewritable_first(p) || p->frag == SFW_FRAG_LATER ||
			    p->icmp_kind == SFW_ICMPK_ERROR))
		return 0;
	out = sfw_xdp_route(ctx, p);
	return out != SFW_ROUTE_NONE && sfw_xdp_attached(out);
}

/* Would the stack now forward p, the opener's packet in a host session
 * it did not just open? The session's zone pair was judged for the host
 * (its first packet met no route, or forwarding off: sfw_xdp_route
 * answered 0), so it may not be forwarded (docs/nat.md "Third review:
 * R2"). Refused here, before the stack: tc egress refuses what it
 * forwards as well, but not after the host's own NAT (an nftables
 * masquerade) wrote its source, which tc takes for self traffic (review
 * rv29, F1). Asked of every such packet: the destination is looked up
 * in the host's addresses (one hash lookup for SSH, BGP, DNS to the
 * host), the route only for a destination that is not one (the flows
 * R2 is about, a directed broadcast, an address the map lacks). A
 * discarding route is the stack's to drop. The answer "the host's" is
 * kept per query until the FIB generation changes, a second at most
 * (bpf/host_route_cache.bpf.h): the next packet of the flow takes it
 * from there. now: the packet's clock (sfw_flow's). A global function. */
__noinline int sfw_xdp_host_in_routed(struct xdp_md *ctx, const struct sfw_pkt *p, __u64 now)
{
	/* the key, then the lookup in the same bytes: the call chain's
	 * stack has no room for both */
	union {
		__u64 key[SFW_ROUTE_QUERY_WORDS];
		struct bpf_fib_lookup fib;
	} q;
	struct sfw_host_route_entry *e;
	__u64 gen = sfw_route_gen();   /* before the lookups: a change after them is newer */
	int rc;

	if (!ctx || !p || p->multicast)
		return 0;
	sfw_host_route_key(q.key, p, ctx->ingress_ifindex, sfw_fib_flowinfo(SFW_FRAME(ctx), p),
			   sfw_fib_ports(SFW_FRAME(ctx), p, false));
	e = sfw_host_route_entry(q.key);
	if (sfw_host_route_held(e, q.key, gen, now))
		return 0;
	sfw_host_route_take(e, q.key);
	/* an egress, or a route that names none, an encap route the stack
	 * forwards by (review rvred6, B1); a discarding one is the stack's */
	if (!sfw_local_addr_has(&p->dst, p->family)) {
		rc = sfw_xdp_lookup_in(ctx, p, &q.fib);
		if (sfw_route_leaves_by(rc, q.fib.ifindex))
			return 1;
	}
	sfw_host_route_keep(e, gen, now);
	return 0;
}

/* A host session's opener's packet (whole, or a later fragment) that the
 * stack would now forward ends the session, and is refused: the flow's
 * next packet opens afresh, by its route and the policy. k: the
 * session's key; now: the packet's clock. */
static __always_inline bool sfw_xdp_host_opener_stays(struct xdp_md *ctx, const struct sfw_pkt *p,
						      const struct sfw_session_key *k, __u64 now)
{
	if (!sfw_xdp_host_in_routed(ctx, p, now))
		return true;
	sfw_host_session_end(k, now);
	return false;
}

/* Is a transit first packet's source one the host routes nothing to, its
 * own address above all (sfw_fib_src_unrouted)? Refused under Address
 * spoofing, screen or not (docs/nat.md "Third review", R1). A global
 * function: the lookup's 64 bytes stay out of sfw_xdp_flow's frame. */
__noinline int sfw_xdp_src_unrouted(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	return !ctx || !p || sfw_fib_src_unrouted(ctx, p, ctx->ingress_ifindex);
}

/* A transit packet with Router Alert (p->ra): may the host take it? Linux
 * offers a forwarded packet with the option to the raw sockets that asked
 * for such packets (IP_ROUTER_ALERT, IPV6_ROUTER_ALERT: an RSVP daemon)
 * before it forwards it, and one that takes it ends its forwarding
 * (ip_forward's ip_call_ra_chain, ip6_forward's ip6_call_ra_chain): the
 * packet is then the host's, past its zone pair to junos-host. So it
 * must be permitted from the zone it came in from (ifindex) to
 * junos-host as well, by the policies a packet to the host is judged by
 * (the zone's host-inbound-traffic, policies to junos-host, the global
 * ones, the default policy) in generation gen: the outcome, permitted or
 * the denial's counter (Policy denied; No zone for an interface that has
 * none now). Without zones every interface is in the null zone, to
 * junos-host as to any other, and the global policies and the default
 * policy that judged the packet for its transit zone pair judge it for
 * the host alike: nothing more to ask. Asked of packets with Router Alert
 * only: a policy lookup more, off the path of every other packet (review
 * rvred8, O1; docs/security.md "Router Alert"). A global function: the
 * verdict's bytes stay off its callers' frames. */
__noinline __u32 sfw_xdp_ra_host(const struct sfw_pkt *p, __u32 ifindex, __u32 gen)
{
	const struct sfw_config *cfg = sfw_cfg_get();
	struct sfw_zone_pair z = { .to = SFW_ZONE_HOST, .gen = gen & 1 };
	struct sfw_verdict v = {};

	if (!p || !cfg)
		return SFW_CNT_ERR_POLICY_DENIED;   /* an array map always has entry 0 */
	if (!(cfg->flags & SFW_CFG_F_ZONES))
		return SFW_CNT_SFW_PERMITTED_PKTS;
	z.from = sfw_zone_of(ifindex, z.gen);
	sfw_policy_decide(&v, cfg, p, &z);
	return v.outcome;
}

/* May a transit session's packet that goes up to the stack be forwarded
 * where the route leads now? Only into the zone its other wing records
 * (peer), as XDP's own forwarding judges it (sfw_forward_route): the stack
 * would follow a route that moved into another zone (review Z5; RV2-8,
 * RV2-9). A destination the FIB does not forward to, or a discard
 * route, is the stack's to answer; a route that names no egress (an
 * encap route), only toward the opener (sfw_route_to_wing_ok: opener, the
 * wing it goes to is the session's In wing). A lookup per packet the
 * stack forwards (XDP forwarding off, fragments, a neighbour to resolve),
 * which it looks up again itself. A NAT reply is sfw_xdp_egress_nat's.
 * A global function. */
__noinline int sfw_xdp_egress_ok(struct xdp_md *ctx, const struct sfw_pkt *p, __u32 peer,
				 int opener)
{
	struct bpf_fib_lookup fib;
	int rc;

	if (!ctx || !p)
		return 0;
	if (p->multicast)
		return 1;
	rc = sfw_xdp_lookup_in(ctx, p, &fib);
	return sfw_route_to_wing_ok(sfw_route_leaves_by(rc, fib.ifindex), peer, opener);
}

/* Where a packet XDP translated (an ICMP error translated back,
 * sfw_nat_icmp_rewrite; a later fragment, sfw_nat_frag_rewrite) is
 * routed: to the address planned in sfw_nat_rw_scratch, not p's. Its
 * egress as sfw_route_leaves_by answers: 0 when the FIB forwards it
 * nowhere or discards it, SFW_ROUTE_NONE for a route that names no
 * egress. A global function: its lookup's frame is its own. */
__noinline __u32 sfw_xdp_translated_egress(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	struct bpf_fib_lookup fib = {};
	struct sfw_nat_rw *rw;
	__u32 zero = 0;

	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!ctx || !p || !rw)
		return SFW_ROUTE_NONE;
	sfw_fib_query(&fib, p, SFW_FRAME(ctx), ctx->ingress_ifindex, false);
	fib.ipv4_dst = rw->dst.v4;   /* NAT is IPv4's only */
	return sfw_route_leaves_by(bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH),
				   fib.ifindex);
}

/* May a packet the stack forwards leave where its route leads, peer being
 * the interface of the wing it goes to (opener: the session's In wing)?
 * As sfw_xdp_egress_ok judges it; nat: XDP translated it, and it goes
 * where sfw_xdp_translated_egress says, where no tc may see it again on
 * an egress sfw is not attached to (review rvred3, F2). */
static __always_inline int sfw_xdp_leaves_ok(struct xdp_md *ctx, const struct sfw_pkt *p,
					     __u32 peer, int nat, bool opener)
{
	if (!nat)
		return sfw_xdp_egress_ok(ctx, p, peer, opener);
	return sfw_route_to_wing_ok(sfw_xdp_translated_egress(ctx, p), peer, opener);
}

/* May an ICMP error (sfw_icmp_related_to named its addressee's
 * interface) be forwarded where the route leads? Into that interface's
 * zone only (sfw_xdp_leaves_ok; nat: translated back); an error for the
 * host, or one no route forwards, is the stack's to answer. A global
 * function. */
__noinline int sfw_xdp_error_egress_ok(struct xdp_md *ctx, const struct sfw_pkt *p, int nat)
{
	__u32 zero = 0;
	struct sfw_err_to *to = bpf_map_lookup_elem(&sfw_err_to, &zero);

	if (!ctx || !p || !to || !to->ifindex)
		return 1;
	return sfw_xdp_leaves_ok(ctx, p, to->ifindex, nat, to->opener);
}

/* Where the stack sends a NAT session's reply that goes up to it: by the
 * translated destination, the client (nat_to, lo: as sfw_forward_route
 * takes them), which sfw_nat_rewrite writes before the stack routes it;
 * the untranslated one is the firewall's own address, which tells
 * nothing (RV14-Z1). SFW_XDP_NOT_FWDED when the client's address is the
 * host's (R1 b): refused under Incoming NAT before the session is
 * touched, its TCP state included (RV14-T1), and so when forwarding is
 * off on the ingress, which hides that; SFW_XDP_OTHER_ZONE for an
 * egress in another zone than peer's; XDP_PASS for any other answer,
 * the stack's to forward or drop. One lookup, its 64 bytes on this
 * frame: the call chain's deepest, in place of sfw_xdp_egress_ok's and
 * sfw_xdp_route's. A global function. */
__noinline int sfw_xdp_egress_nat(struct xdp_md *ctx, const struct sfw_pkt *p, __u32 peer,
				  const struct sfw_session_key *nat_to, bool lo)
{
	struct bpf_fib_lookup fib = {};
	int rc;

	if (!ctx || !p || !nat_to || p->family != SFW_FAMILY_INET)
		return XDP_DROP;   /* a NAT reply is IPv4's, and judged */
	sfw_fib_query(&fib, p, SFW_FRAME(ctx), ctx->ingress_ifindex, false);
	sfw_fib_nat_dst(&fib, p, nat_to, lo);
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH);
	/* FWD_DISABLED (forwarding off on the ingress) is answered before
	 * the FIB is asked, so it cannot tell the host's address from any
	 * other: the stack forwards nothing in by that device, and would
	 * only deliver it to the host if it were */
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED || rc == BPF_FIB_LKUP_RET_FWD_DISABLED)
		return SFW_XDP_NOT_FWDED;
	if ((rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH) && fib.ifindex &&
	    !sfw_leaves_by_peer_zone(peer, fib.ifindex))
		return SFW_XDP_OTHER_ZONE;
	return XDP_PASS;
}

/* Where a transit session's matched packet leaves, peer (in peer_how:
 * SFW_ROUTE_PEER_HOW) being the interface its other wing records:
 * sfw_forward_route's answer when XDP forwards it (how, nat_to, now: as
 * sfw_forward_route takes them), and for one that goes up to the stack,
 * a NAT reply's by sfw_xdp_egress_nat, any other's SFW_XDP_OTHER_ZONE
 * unless sfw_xdp_egress_ok. A global function: off sfw_xdp_flow's
 * frame, at the edge of the call chain's 512 bytes. */
__noinline int sfw_xdp_route_first(struct xdp_md *ctx, const struct sfw_pkt *p, __u64 peer_how,
				   const struct sfw_session_key *nat_to, __u64 now)
{
	__u32 peer = SFW_ROUTE_PEER(peer_how), how = SFW_ROUTE_HOW(peer_how);
	int act = XDP_PASS;

	if (!ctx || !p)
		return XDP_DROP;
	if (how & SFW_ROUTE_HOW_FORWARD)
		act = sfw_forward_route(ctx, p, peer_how, nat_to, now);
	if (act != XDP_PASS || p->frag == SFW_FRAG_LATER)
		return act;
	if (nat_to)
		return sfw_xdp_egress_nat(ctx, p, peer, nat_to, how & SFW_ROUTE_HOW_LO);
	return peer && !sfw_xdp_egress_ok(ctx, p, peer, how & SFW_ROUTE_HOW_TO_OPENER) ?
	       SFW_XDP_OTHER_ZONE : XDP_PASS;
}

/* Destination NAT's In wing as sfw_nat_plan planned it (rw): the frame
 * rewritten to the server's address and port, and p with it, so that
 * the route looked up next (XDP's forwarding reads the frame's header;
 * the stack's check, p) is the server's. Returns the rewrite's outcome.
 * A global function. */
__noinline __u32 sfw_xdp_dnat_rewrite(struct xdp_md *ctx, struct sfw_pkt *p)
{
	const struct sfw_nat_rw *rw;
	__u32 zero = 0, outcome;

	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!ctx || !p || !rw)
		return SFW_CNT_ERR_INCOMING_NAT;
	outcome = sfw_nat_rewrite(ctx, p);
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS) {
		p->dst = rw->dst;
		p->dport = rw->dport;
	}
	return outcome;
}

/* A later packet of destination NAT session s's In wing (key k): the
 * frame and p rewritten to the server (sfw_xdp_dnat_rewrite) before its
 * route is looked up, so both see the server, as the first packet's did.
 * Before the session counts it: one refused next is dropped, never sent
 * half-judged. Returns the rewrite's outcome. A global function. */
__noinline __u32 sfw_xdp_dnat_in(struct xdp_md *ctx, struct sfw_pkt *p,
				 const struct sfw_session *s, const struct sfw_session_key *k)
{
	if (!ctx || !p || !s || !k || !sfw_nat_plan(s, SFW_WING_IN, k))
		return SFW_CNT_ERR_INCOMING_NAT;
	return sfw_xdp_dnat_rewrite(ctx, p);
}

/* XDP's say on where a matched packet leaves (sfw_track), decided before
 * its session counts it or moves, so that a packet refused for its route
 * changes nothing of it (RV2-1, RV2-2): a transit session's packet by
 * XDP's own forwarding (the route kept for sfw_forward_send), or up to
 * the stack into its other wing's zone only. A NAT session's reply is
 * routed as translated. A TCP restart is judged as the first packet it
 * is. */
static __always_inline __u32 sfw_hook_route(void *ctx, struct sfw_pkt *p,
					    struct sfw_flow *f, const struct sfw_session *s,
					    __u32 dir, __u32 ingress)
{
	bool nat_reply = (s->flags & SFW_SESS_F_NAT) && f->via_alias;
	__u32 dnat;
	int act;

	if (!(s->flags & SFW_SESS_F_TRANSIT) || sfw_tcp_restarts(s, p))
		return SFW_CNT_SFW_PERMITTED_PKTS;
	/* destination NAT's In wing is routed, and leaves, as translated */
	if ((s->flags & SFW_SESS_F_DNAT) && dir == SFW_WING_IN) {
		dnat = sfw_xdp_dnat_in(ctx, p, s, &f->key);
		if (dnat != SFW_CNT_SFW_PERMITTED_PKTS)
			return dnat;
	}
	/* with Router Alert, the host's to take too, judged as its first
	 * packet was, after destination NAT (sfw_xdp_ra_host); refused, it
	 * changes nothing of the session */
	if (p->ra) {
		dnat = sfw_xdp_ra_host(p, ingress, sfw_cfg_gen(f->cfg));
		if (dnat != SFW_CNT_SFW_PERMITTED_PKTS)
			return dnat;
	}
	act = sfw_xdp_route_first(ctx, p,
				  SFW_ROUTE_PEER_HOW(s->wing[(dir ^ 1) & 1].ifindex,
				  (sfw_xdp_forwards(p, f->cfg, s->flags) ? SFW_ROUTE_HOW_FORWARD : 0) |
				  (s->flags & SFW_SESS_F_OPENER_LO ? SFW_ROUTE_HOW_LO : 0) |
				  (dir == SFW_WING_OUT ? SFW_ROUTE_HOW_TO_OPENER : 0)),
				  nat_reply ? &f->key : NULL, f->now);
	f->route = act == XDP_REDIRECT ? SFW_FLOW_ROUTE_SEND : SFW_FLOW_ROUTE_STACK;
	return sfw_route_refusal(act, nat_reply);
}

/* Would the stack forward a translated reply, addressed now to its
 * client (sfw_nat_plan's rw)? Not when that address is the host's own
 * (the lookup answers NOT_FWDED): delivered to the host's services, past
 * the policies to the host (docs/nat.md "Third review", R1). A martian
 * client (a broadcast or group, which the FIB has no entry for) never
 * gets a NAT session: sfw_xdp_src_unrouted refused its first packet
 * ("Fourth review", N1). Any other answer is the stack's to forward or
 * drop: an encap route's UNSUPP_LWT is a route (N4). Asked of a
 * session's first reply that goes up to the stack with no route decided
 * before its session (route-first judges the others: sfw_xdp_egress_nat,
 * sfw_forward_route); XDP's own forwarding judges every reply it looks
 * up (sfw_xdp_forward). A global function. */
__noinline int sfw_xdp_reply_routed(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	struct bpf_fib_lookup fib = {};
	const struct sfw_nat_rw *rw;
	__u32 zero = 0;
	int rc;

	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!ctx || !p || !rw || p->family != SFW_FAMILY_INET)
		return 0;
	fib.family = 2;   /* AF_INET: NAT is IPv4's only */
	fib.l4_protocol = p->proto;
	if (sfw_routed_by_ports(p)) {
		fib.sport = rw->sport;
		fib.dport = rw->dport;
	}
	fib.ipv4_src = rw->src.v4;
	fib.ipv4_dst = rw->dst.v4;
	fib.flowinfo = sfw_fib_flowinfo(SFW_FRAME(ctx), p);
	fib.ifindex = ctx->ingress_ifindex;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH);
	return rc >= 0 && rc != BPF_FIB_LKUP_RET_NOT_FWDED;
}

/* source-nat interface: the address the egress interface sends from
 * toward the packet's destination, as the kernel picks it for a route
 * (BPF_FIB_LOOKUP_SRC: the route's preferred source, else the egress
 * device's primary address), which is what masquerade uses too. 0: none.
 * Asked only for first packets a source NAT rule translates. */
__noinline __be32 sfw_nat_iface_addr(struct xdp_md *ctx, const struct sfw_pkt *p)
{
	struct bpf_fib_lookup fib = {};
	int rc;

	if (!ctx || !p || p->family != SFW_FAMILY_INET)
		return 0;
	sfw_fib_query(&fib, p, SFW_FRAME(ctx), ctx->ingress_ifindex, false);
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib),
			    BPF_FIB_LOOKUP_SKIP_NEIGH | BPF_FIB_LOOKUP_SRC);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return 0;
	return fib.ipv4_src;
}

/* What a source pool translates p to (SFW_NAT_TO; 0: none): the address
 * of the pool's range the client's address hashes to, so that all of one
 * client's sessions leave from one address (Junos's address-persistent,
 * docs/nat.md "Source pools"), and the pool's ports, as the commit
 * compiled them. The pool of the generation the rule was found in. */
static __always_inline __u64 sfw_xdp_pool_to(const struct sfw_pkt *p, __u32 rule, __u32 gen)
{
	struct sfw_nat_pool_key k = { .kind = SFW_NAT_POOL_SOURCE, .gen = (__u8)gen,
				      .id = (__u16)SFW_NAT_POOL_OF(rule) };
	const struct sfw_nat_pool *pl = bpf_map_lookup_elem(&SFW_MAP_NAT_POOLS, &k);
	__u32 h = p->src.v4 * 0x9e3779b1u;
	__be32 addr;

	if (!pl || pl->family != SFW_FAMILY_INET || !pl->n_addrs)
		return 0;
	h ^= h >> 15;
	addr = bpf_htonl(bpf_ntohl(pl->first.v4) + h % pl->n_addrs);
	if (pl->flags & SFW_NAT_POOL_NO_PORT_XLATE)
		return SFW_NAT_TO(addr, 0, 0);
	return SFW_NAT_TO(addr, pl->port_lo, pl->port_hi);
}

/* The rule of a permitted transit first packet's source stage: static
 * NAT's reverse first, as on Junos (its lists only when the generation
 * has them: sfw_config's flags), whose static host's own flow leaves
 * from its static address, its ports kept (sfw_create reserves none);
 * else the zone pair's source NAT rule (likewise: SFW_CFG_F_NAT_NO_SOURCE).
 * The rule's answer in the high
 * word, a static rule's address in the low one (none for what no
 * rewrite translates, which the caller refuses): no pointer into
 * sfw_xdp_flow's frame, which is at the chain's 512. A global
 * function. */
__noinline __u64 sfw_xdp_out_rule(const struct sfw_pkt *p, __u32 from, __u32 to_zone, __u32 gen)
{
	const struct sfw_config *cfg = sfw_cfg_get();
	__be32 addr = 0;
	__u32 rule = 0;
	bool flipped;

	if (!p || !cfg)
		return 0;   /* an array map always has entry 0 */
	flipped = sfw_cfg_gen(cfg) != gen;
	/* a generation flipped since the packet's policy (a commit in
	 * between) is walked whatever the new flags say: its lists are the
	 * ones it was judged with (docs/nat.md "Sixth review", RV6-2) */
	if (flipped || (cfg->flags & SFW_CFG_F_NAT_STATIC))
		rule = sfw_nat_static_rule(p, SFW_NAT_STATIC_REVERSE, to_zone, gen, &addr);
	if (rule)
		return (__u64)rule << 32 | addr;
	if (!flipped && (cfg->flags & SFW_CFG_F_NAT_NO_SOURCE))
		return 0;
	return (__u64)sfw_nat_source_rule(p, from, to_zone, gen) << 32;
}

/* The source NAT of a permitted transit first packet (docs/nat.md): the
 * rule's answer (0: no rule; `off` too) and what to translate to (*to,
 * SFW_NAT_TO; 0: none). A rule that translates to nothing (no interface
 * address, a pool gone, a packet no rewrite translates) is the caller's
 * Incoming NAT errors: refused rather than sent untranslated, and before
 * any port is reserved. Static NAT's reverse goes first
 * (sfw_xdp_out_rule). */
static __always_inline __u32 sfw_xdp_snat(struct xdp_md *ctx, const struct sfw_pkt *p,
					  const struct sfw_zone_pair *z, __u64 *to)
{
	__u64 out = sfw_xdp_out_rule(p, z->from, z->to, z->gen);
	__u32 rule = (__u32)(out >> 32);

	*to = 0;
	/* static: its address, ports kept (or none, refused by the caller) */
	if (SFW_NAT_ACTION_OF(rule) == SFW_NAT_ACT_PREFIX) {
		*to = SFW_NAT_TO((__be32)out, 0, 0);
		return rule;
	}
	if (!rule || SFW_NAT_ACTION_OF(rule) == SFW_NAT_ACT_OFF)
		return rule;
	/* what no rewrite could translate (GRE, ESP, SCTP) is refused
	 * before a port is reserved for it (docs/nat.md "Third review",
	 * R3); a first fragment is translated at tc (sfw_nat_pass_ok) */
	if (!sfw_nat_rewritable_first(p))
		return rule;
	if (SFW_NAT_ACTION_OF(rule) == SFW_NAT_ACT_INTERFACE)
		*to = sfw_nat_iface_addr(ctx, p);
	else if (SFW_NAT_ACTION_OF(rule) == SFW_NAT_ACT_POOL)
		*to = sfw_xdp_pool_to(p, rule, z->gen);
	return rule;
}

/* sfw_xdp_dnat's answer beside the rule's (bpf/nat.bpf.h SFW_NAT_HIT):
 * the rule translates, but this packet cannot be */
#define SFW_NAT_REFUSED 0x40000000u

/* Static, then destination NAT of a first packet from zone `from` in
 * generation gen (docs/nat.md "Static NAT", "Destination NAT"), before
 * the route lookup so that the route and the policy see the translated
 * destination, as on Junos; each type's lists only when the generation
 * has them (flags: sfw_config's). Static: the zone's rule whose prefix
 * holds the destination translates it to its own prefix, host bits
 * kept, the port as it is. Destination: the zone's first matching rule;
 * `off` stops there untranslated; a pool translates p's destination to
 * its address, and its port to the pool's when it has one (ICMP echo
 * keeps its identifier). p only: the frame follows once the session is
 * made (sfw_xdp_open). Returns the rule's answer when p was translated
 * (a static rule's: action SFW_NAT_ACT_PREFIX), 0 when not,
 * SFW_NAT_REFUSED for a rule that cannot translate it (its pool gone, a
 * fragment, a protocol no rewrite translates): refused, never sent on
 * untranslated. Unicast only: a group's or broadcast's destination is
 * the link's. A global function. */
__noinline __u32 sfw_xdp_dnat(struct sfw_pkt *p, __u32 from, __u32 gen, __u32 flags)
{
	struct sfw_nat_pool_key k = { .kind = SFW_NAT_POOL_DESTINATION, .gen = (__u8)gen };
	const struct sfw_nat_pool *pl;
	__u32 rule = 0;

	if (!p || p->multicast)
		return 0;
	/* a match translates p's destination in place */
	if (flags & SFW_CFG_F_NAT_STATIC)
		rule = sfw_nat_static_rule(p, SFW_NAT_STATIC, from, gen, &p->dst.v4);
	if (rule) {
		/* a hit: the rule matched a first packet, whatever refuses it next */
		sfw_nat_scount(SFW_NAT_RULE_OF(rule), SFW_NAT_RC_HITS);
		return sfw_nat_rewritable_first(p) ? rule : SFW_NAT_REFUSED;
	}
	if (!(flags & SFW_CFG_F_NAT_DEST))
		return 0;
	rule = sfw_nat_dest_rule(p, from, gen);
	/* a hit: the rule matched a first packet, whatever refuses it next */
	sfw_nat_dcount(SFW_NAT_RULE_OF(rule), SFW_NAT_RC_HITS);
	sfw_nat_dpool_count(rule, SFW_NAT_DPC_HITS);
	if (!rule || SFW_NAT_ACTION_OF(rule) != SFW_NAT_ACT_POOL)
		return 0;
	k.id = (__u16)SFW_NAT_POOL_OF(rule);
	pl = bpf_map_lookup_elem(&SFW_MAP_NAT_POOLS, &k);
	if (!pl || pl->family != SFW_FAMILY_INET || !sfw_nat_rewritable_first(p))
		return SFW_NAT_REFUSED;
	p->dst.v4 = pl->first.v4;
	if (pl->port_lo && p->proto != SFW_IPPROTO_ICMP)
		p->dport = bpf_htons(pl->port_lo);
	return rule;
}

static __always_inline void sfw_count_input(struct sfw_iface_stats *st, const struct sfw_pkt *p,
					    const struct sfw_flow *f)
{
	bool transit = f->sess_flags & SFW_SESS_F_TRANSIT;

	sfw_count(st, SFW_CNT_IN_PERMITTED_BYTES, f->bytes);
	sfw_count(st, transit ? SFW_CNT_TRANSIT_IN_PKTS : SFW_CNT_LOCAL_IN_PKTS, 1);
	sfw_count(st, transit ? SFW_CNT_TRANSIT_IN_BYTES : SFW_CNT_LOCAL_IN_BYTES, f->bytes);
	if (!transit)
		sfw_count(st, SFW_CNT_IN_SELF, 1);
	if (p->multicast)
		sfw_count(st, SFW_CNT_IN_MULTICAST, 1);
	if (p->proto == SFW_IPPROTO_ESP || p->proto == SFW_IPPROTO_AH)
		sfw_count(st, SFW_CNT_IN_VPN, 1);
	if (f->created)
		sfw_count(st, SFW_CNT_IN_CONNECTIONS, 1);
}

/* Where the race tests play another CPU or a commit, in the middle of a
 * first packet's decision (tests/bpf/xdp_race.bpf.c builds this program
 * with it defined): nothing at all in sfw itself. */
#ifndef SFW_RACE_POINT
#define SFW_RACE_POINT() do { } while (0)
#endif

/* A first packet the protocol lets open a session: destination NAT,
 * route, zones, policy, source NAT, then the session. Returns the outcome
 * counter. */
static __always_inline __u32 sfw_xdp_decide(struct xdp_md *ctx, struct sfw_pkt *p,
					    struct sfw_flow *f)
{
	struct sfw_zone_pair z = { .gen = sfw_cfg_gen(f->cfg) };
	struct sfw_verdict v = {};
	__u32 nat_rule = 0, out_ifindex, ra;
	__u64 nat_to = 0;
	bool cookie;
	int screened;

	z.from = sfw_zone_of(f->ifindex, z.gen);
	/* a generation without static or destination rules walks nothing */
	if (f->cfg->flags & (SFW_CFG_F_NAT_STATIC | SFW_CFG_F_NAT_DEST))
		nat_rule = sfw_xdp_dnat(p, z.from, z.gen, f->cfg->flags);
	if (nat_rule & SFW_NAT_REFUSED)
		return SFW_CNT_ERR_INCOMING_NAT;
	f->dnat = nat_rule != 0;
	f->dnat_rule = (__u16)SFW_NAT_RULE_OF(nat_rule);
	f->dnat_static = SFW_NAT_ACTION_OF(nat_rule) == SFW_NAT_ACT_PREFIX;
	nat_rule = 0;
	out_ifindex = (f->cfg->flags & SFW_CFG_F_FORWARD) && !p->frag ?
		      sfw_xdp_route_fwd(ctx, p, f->now) : sfw_xdp_route(ctx, p);
	if (out_ifindex == SFW_ROUTE_NONE)
		return SFW_CNT_ERR_NO_ROUTE;
	/* port forwarding to the host itself: its replies would leave by tc
	 * from the host's own sockets, which nothing translates yet
	 * (docs/nat.md "Destination NAT") */
	if (f->dnat && !out_ifindex)
		return SFW_CNT_ERR_INCOMING_NAT;
	if (out_ifindex && sfw_xdp_src_unrouted(ctx, p))
		return SFW_CNT_ERR_ADDRESS_SPOOFING;
	z.to = out_ifindex ? sfw_zone_of(out_ifindex, z.gen) : SFW_ZONE_HOST;
	screened = sfw_screen_check(ctx, p, z.from, z.gen, f->now);
	/* cookies only for this host's own services (no SYN proxy) */
	cookie = screened == SFW_CNT_ERR_SYN_ATTACK && !out_ifindex &&
		 (f->cfg->flags & SFW_CFG_F_SYN_COOKIE);
	if (screened && !cookie)
		return screened;
	SFW_RACE_POINT();
	sfw_policy_decide(&v, f->cfg, p, &z);
	/* A SYN the policy refuses gets no cookie, or under a flood every
	 * port would look open. It counts as Policy denied, not Syn-attack
	 * protection: in cookie mode the screen refuses nothing (it answers
	 * for the listener), and this SYN would be refused flood or not,
	 * with the deny logged and a reject answered as usual. */
	if (v.outcome != SFW_CNT_SFW_PERMITTED_PKTS) {
		sfw_log_deny(f, &v, f->ifindex, out_ifindex ? out_ifindex : f->ifindex);
		f->reject = v.action == SFW_ACTION_REJECT && sfw_reject_due(p);
		return v.outcome;
	}
	if (cookie) {
		f->syncookie = true;
		return screened;
	}
	/* a transit packet with Router Alert: permitted to junos-host too,
	 * or no session (sfw_xdp_ra_host) */
	if (p->ra && out_ifindex) {
		ra = sfw_xdp_ra_host(p, f->ifindex, z.gen);
		if (ra != SFW_CNT_SFW_PERMITTED_PKTS)
			return ra;
	}
	/* a permitted fragment (an atomic one too): the route of the datagram
	 * reassembled, too */
	if ((p->frag || p->frag_hdr) && !sfw_xdp_frag_route_ok(ctx, p, out_ifindex))
		return SFW_CNT_ERR_INVALID_ZONE;
	if (out_ifindex) {
		nat_rule = sfw_xdp_snat(ctx, p, &z, &nat_to);
		/* a hit: the rule matched a permitted first packet, whatever
		 * refuses it next (natshow review, RV-3); its pool's too */
		sfw_nat_out_count(nat_rule, SFW_NAT_RC_HITS);
		sfw_nat_pool_count(nat_rule, SFW_NAT_PC_HITS);
		/* both NATs at once (a source rule translating a destination
		 * NAT session): its In wing would leave from the host's own
		 * address to a destination that was the host's, which neither
		 * the stack's path nor tc's rewrite takes; refused, not built
		 * (docs/nat.md "Destination NAT") */
		if (f->dnat && nat_rule && SFW_NAT_ACTION_OF(nat_rule) != SFW_NAT_ACT_OFF)
			return SFW_CNT_ERR_INCOMING_NAT;
		/* the stack forwarding (a fragment always), an In wing toward
		 * an egress nothing translates at is refused (sfw_nat_pass_ok):
		 * refused here, before its session, alias and port are made
		 * (docs/nat.md "Fourth review", N10); the rule's hit without
		 * success */
		if ((nat_rule && SFW_NAT_ACTION_OF(nat_rule) != SFW_NAT_ACT_OFF && !nat_to) ||
		    (nat_to && (!(f->cfg->flags & SFW_CFG_F_FORWARD) || p->frag) &&
		     !sfw_xdp_attached(out_ifindex)))
			return SFW_CNT_ERR_INCOMING_NAT;
	}
	return sfw_create(ctx, p, f, out_ifindex ? SFW_SESS_F_TRANSIT : 0,
			  out_ifindex ? out_ifindex : f->ifindex, &v,
			  f->cfg->flags & SFW_CFG_F_LIMITS ? sfw_limit_of(z.from, z.gen) : 0,
			  nat_to, nat_rule);
}

/* sfw_xdp_decide, and the frame after it: a first packet that made or
 * joined a destination NAT session is rewritten from that session's NAT
 * block (sfw_nat_plan: sfw_create's, or sfw_account's for one that lost
 * the race to create it) once it is in (XDP's forwarding reads the
 * frame's header, the stack routes it by it), p with it: also when this
 * CPU's own walk, under a commit that changed the rules meanwhile, did
 * not translate it (it would go up addressed to the host's own address,
 * to a host socket on that port) or translated it elsewhere. Else p is
 * the frame's again when destination NAT translated it but it is
 * refused or joined a session without destination NAT, for the reject
 * that may answer it. */
static __always_inline __u32 sfw_xdp_open(struct xdp_md *ctx, struct sfw_pkt *p,
					  struct sfw_flow *f)
{
	__u32 outcome = sfw_xdp_decide(ctx, p, f);
	bool lo = f->src_lo;

	/* its In wing: a session found by the packet's own tuple */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && f->nat == SFW_FLOW_NAT_PLAN &&
	    (f->sess_flags & SFW_SESS_F_DNAT))
		return sfw_xdp_dnat_rewrite(ctx, p);
	if (!f->dnat)
		return outcome;
	p->dst = lo ? f->key.addr_hi : f->key.addr_lo;
	p->dport = lo ? f->key.port_hi : f->key.port_lo;
	return outcome;
}

/* Everything after parsing. A global function: the verifier checks it once
 * for every parse outcome together, instead of once per parse path (the
 * packet's family, protocol and ICMP kind are constants there, which kept
 * states from merging and multiplied verification many times over). */
__noinline int sfw_xdp_flow(struct xdp_md *ctx, struct sfw_pkt *p, struct sfw_iface_stats *st)
{
	struct sfw_flow f = {};
	void *data, *end;
	__u32 outcome;
	int act = XDP_PASS;

	if (!ctx || !p)
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	sfw_tcp_syn_options(data, end, p);
	f.cfg = sfw_cfg_get();
	if (!f.cfg)
		return XDP_ABORTED;   /* an array map always has entry 0 */
	f.now = bpf_ktime_get_coarse_ns();
	f.pkts = 1;
	f.bytes = p->l3_len;
	f.ifindex = ctx->ingress_ifindex;
	if (p->icmp_kind == SFW_ICMPK_LINK) {
		__u32 link = sfw_icmp6_link(data, end, p);

		/* with Router Alert to a unicast address off the link, ND
		 * or MLD is offered to the host's Router Alert sockets before
		 * the stack drops it for its hop limit or link-local source
		 * (ip6_forward): ordinary ICMPv6 under policy, which judges
		 * it as the host's (the FIB forwards nothing from a
		 * link-local source), review rvra F1 */
		if (link == SFW_LINK_YES && p->ra && !p->multicast && !sfw_ip6_link_local(&p->dst))
			link = SFW_LINK_NO;
		/* valid ND between global addresses is the link's own only
		 * when it ends here: the host would forward any other */
		if (link == SFW_LINK_YES || (link == SFW_LINK_IF_LOCAL && !sfw_xdp_route(ctx, p))) {
			sfw_count(st, SFW_CNT_SFW_UNTRACKED_PKTS, 1);
			return XDP_PASS;
		}
	}
	outcome = sfw_track(ctx, data, end, p, &f, f.ifindex, false);
	/* the ACK returning one of our cookies opens the session it stands for */
	if (outcome == SFW_CNT_SFW_ERR_TCP_NO_SYN && (f.cfg->flags & SFW_CFG_F_SYN_COOKIE) &&
	    (p->tcp_flags & (SFW_TCP_SYN | SFW_TCP_ACK | SFW_TCP_RST)) == SFW_TCP_ACK &&
	    sfw_syncookie_ok(ctx, p)) {
		outcome = SFW_OUTCOME_CREATE;
		f.cookie = true;
	}
	if (outcome == SFW_OUTCOME_CREATE)
		outcome = sfw_xdp_open(ctx, p, &f);
	/* an ICMP error with Router Alert, about a session's packet: the
	 * host's to take too when the stack forwards it, and one the host
	 * receives is the host's anyway. No stack sends one (an error
	 * echoes no Router Alert: ip_options_echo), so it is judged as the
	 * host's without its route asked (sfw_xdp_ra_host) */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && p->ra && p->icmp_kind == SFW_ICMPK_ERROR)
		outcome = sfw_xdp_ra_host(p, f.ifindex, sfw_cfg_gen(f.cfg));
	/* the common established case first: a transit session's packet
	 * whose route sfw_hook_route decided for XDP to send (never a
	 * fragment: sfw_xdp_forwards), without NAT (f.nat 0: no rewrite, no
	 * ICMP error) and in no host session (TRANSIT): none of the checks
	 * below applies to it, and it skips their dozen compares */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && f.route == SFW_FLOW_ROUTE_SEND && !f.nat &&
	    (f.sess_flags & SFW_SESS_F_TRANSIT)) {
		act = sfw_forward_send(ctx, p, f.bytes);
		sfw_count(st, outcome, 1);
		sfw_count_input(st, p, &f);
		return act;
	}
	/* the host's own packets never come in from the wire: one in a host
	 * session's Out wing is another's, which the stack forwards to the
	 * opener if its route now says so, past a zone pair never judged
	 * for it (docs/nat.md "Third review: R2"); so is an error about the
	 * opener's packet, which the host took. The route is asked only for
	 * such packets, which no real host session has. */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS &&
	    (sfw_flow_meets_host(&f, p, SFW_WING_OUT) || f.nat == SFW_FLOW_HOST_ERR) &&
	    sfw_xdp_route(ctx, p))
		outcome = SFW_CNT_ERR_INVALID_ZONE;
	/* and one in its In wing that the stack would now forward ends it:
	 * the flow's next packet opens afresh, by its route and the policy */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && sfw_flow_meets_host(&f, p, SFW_WING_IN) &&
	    !sfw_xdp_host_opener_stays(ctx, p, &f.key, f.now))
		outcome = SFW_CNT_ERR_INVALID_ZONE;
	/* a reply is translated before forwarding: its route (and whether it
	 * is the host's at all) is the translated destination's */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && f.nat == SFW_FLOW_NAT_PLAN && f.via_alias &&
	    !(f.sess_flags & SFW_SESS_F_DNAT))
		outcome = sfw_nat_rewrite(ctx, p);
	/* so is an ICMP error about a translated packet, to the client */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && f.nat == SFW_FLOW_NAT_ICMP)
		outcome = sfw_nat_icmp_rewrite(ctx, p);
	/* by the route decided before the session was touched, or (a first
	 * packet, one that joined another CPU's new session) decided now */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS)
		act = f.route == SFW_FLOW_ROUTE_SEND ? sfw_forward_send(ctx, p, f.bytes) :
		      f.route ? XDP_PASS : sfw_xdp_forward(ctx, p, &f, &outcome);
	/* up to the stack, which forwards it: into its session's zone only
	 * (a later fragment follows its first, which was judged here; the
	 * packet that created the session was judged by this very query) */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && act == XDP_PASS && !f.route && !f.created &&
	    (f.sess_flags & SFW_SESS_F_TRANSIT) && f.peer_ifindex && p->frag != SFW_FRAG_LATER &&
	    !sfw_xdp_egress_ok(ctx, p, f.peer_ifindex,
			       sfw_flow_sender_lo(&f) != !!(f.sess_flags & SFW_SESS_F_OPENER_LO)))
		outcome = SFW_CNT_ERR_INVALID_ZONE;
	/* an ICMP error the stack forwards, translated back or not: toward
	 * its addressee's zone only (review rvred, F3; rvred3, F2) */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && p->icmp_kind == SFW_ICMPK_ERROR &&
	    (!f.nat || f.nat == SFW_FLOW_NAT_ICMP) && act == XDP_PASS &&
	    !sfw_xdp_error_egress_ok(ctx, p, f.nat == SFW_FLOW_NAT_ICMP))
		outcome = SFW_CNT_ERR_INVALID_ZONE;
	/* a session's first reply the stack takes: never to the host's own
	 * address (sfw_xdp_reply_routed). Route-first refuses that before
	 * the session is touched (sfw_xdp_egress_nat, RV14-T1); this is for
	 * a reply whose route was not decided there (f.route 0: a NAT
	 * session without SFW_SESS_F_TRANSIT, which none has today), so that
	 * such a one would be refused, not delivered to the host */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && f.nat == SFW_FLOW_NAT_PLAN && !f.route &&
	    f.via_alias == SFW_ALIAS_FIRST && act == XDP_PASS && !sfw_xdp_reply_routed(ctx, p))
		outcome = SFW_CNT_ERR_INCOMING_NAT;
	/* the In wing: translated here when XDP sends it; one the stack
	 * routes goes up as received, since the stack drops a packet from
	 * its own address, and tc egress translates it (docs/nat.md "XDP and
	 * tc") */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && f.nat == SFW_FLOW_NAT_PLAN && !f.via_alias &&
	    !(f.sess_flags & SFW_SESS_F_DNAT))
		outcome = act == XDP_REDIRECT ? sfw_nat_rewrite(ctx, p) :
			  sfw_nat_pass_ok(ctx, p) ? outcome : SFW_CNT_ERR_INCOMING_NAT;
	/* destination NAT's reply leaves from the public address, the
	 * host's own: translated here when XDP sends it; one the stack
	 * routes goes up as received, as the source NAT In wing does, and
	 * tc egress translates it (its In wing was translated before its
	 * route: sfw_xdp_open, sfw_xdp_dnat_in) */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && f.nat == SFW_FLOW_NAT_PLAN && f.via_alias &&
	    (f.sess_flags & SFW_SESS_F_DNAT))
		outcome = act == XDP_REDIRECT ? sfw_nat_rewrite(ctx, p) :
			  sfw_nat_pass_ok(ctx, p) ? outcome : SFW_CNT_ERR_INCOMING_NAT;
	/* an error about a NAT session's reply (the client's port
	 * unreachable), or about destination NAT's In wing from the
	 * server's side, goes up as received, as errors do, and leaves
	 * translated by tc egress (docs/nat.md "ICMP errors") */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && f.nat == SFW_FLOW_NAT_ICMP_REPLY)
		outcome = act == XDP_PASS && sfw_nat_pass_ok(ctx, p) ? outcome :
			  SFW_CNT_ERR_INCOMING_NAT;
	/* a reply refused after sfw_account counted it (sess_flags: it
	 * did; a route refused before it did not): taken back, so the
	 * session's first reply stays to be judged (docs/nat.md "Fourth
	 * review", N2) */
	if (outcome == SFW_CNT_ERR_INCOMING_NAT && f.via_alias && f.sess_flags)
		sfw_unaccount(&f.key, SFW_WING_OUT, f.pkts, f.bytes);
	/* a reply's record names the session's key, whose sides are not
	 * the alias's: its wing is the Out wing, whatever f.src_lo says;
	 * destination NAT's In wing is recorded by the destination its later
	 * fragments come to, which p no longer holds (sfw_xdp_dnat_rewrite) */
	if (p->frag == SFW_FRAG_FIRST && outcome == SFW_CNT_SFW_PERMITTED_PKTS) {
		if (f.nat == SFW_FLOW_NAT_PLAN && !f.via_alias && (f.sess_flags & SFW_SESS_F_DNAT))
			p->dst = f.src_lo ? f.key.addr_hi : f.key.addr_lo;
		sfw_frag_record(p, &f.key,
				(sfw_flow_sender_lo(&f) ? SFW_FRAG_REC_SRC_LO : 0) |
				SFW_FRAG_REC_SENDER | SFW_FRAG_REC_AT(f.ifindex));
	}
	sfw_count(st, outcome, 1);
	if (outcome != SFW_CNT_SFW_PERMITTED_PKTS) {
		if (outcome == SFW_CNT_ERR_NO_MORE_SESSIONS)
			sfw_count(st, SFW_CNT_SFW_FAILED_SESSIONS, 1);
		if (!f.syncookie && !f.reject)
			return XDP_DROP;
		/* answers to spoofed sources at line rate would make sfw a
		 * reflector: past reply-rate the packet is only dropped (its
		 * outcome stays the reason it was refused for) */
		if (!sfw_rate_take(SFW_RATE_REPLY, f.cfg->reply_rate, f.now)) {
			sfw_count(st, SFW_CNT_SFW_REPLIES_SUPPRESSED, 1);
			return XDP_DROP;
		}
		return f.syncookie ? sfw_send_syncookie(ctx, p) : sfw_reject(ctx, p);
	}
	sfw_count_input(st, p, &f);
	return act;
}

/* A later fragment: the verdict of its datagram (bpf/frag.bpf.h), counted
 * like the packets of its session. Apart from sfw_xdp_flow, whose stack
 * frame is at the edge of the 512 bytes the call chain may use. */
__noinline int sfw_xdp_fragment(struct xdp_md *ctx, const struct sfw_pkt *p,
				struct sfw_iface_stats *st)
{
	struct sfw_flow f = { .pkts = 1 };
	__u32 outcome, dir;
	int xlated = 0;

	if (!ctx || !p)
		return XDP_DROP;
	f.now = bpf_ktime_get_coarse_ns();
	f.bytes = p->l3_len;
	f.ifindex = ctx->ingress_ifindex;
	outcome = sfw_frag_follow(p, &f, 0, f.ifindex);
	dir = f.via_alias ? SFW_WING_OUT : SFW_WING_IN;
	/* a NAT session's datagram its sender fragmented: the wing XDP
	 * translates (source NAT's reply, destination and static NAT's In
	 * wing) is translated here as its first fragment was; the other goes
	 * up as received toward an attached interface, whose tc egress
	 * translates it (sfw_tc_nat_frag); refused where that cannot be */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && f.nat == SFW_FLOW_NAT_PLAN) {
		xlated = dir == sfw_nat_xdp_wing(f.sess_flags);
		outcome = xlated ? sfw_nat_frag_rewrite(ctx, p, &f.key, dir) :
			  sfw_nat_pass_ok(ctx, p) ? outcome : SFW_CNT_ERR_INCOMING_NAT;
	}
	/* into the zone of the wing it goes to only, as its first fragment:
	 * the stack routes each fragment by its own header, whose ToS,
	 * traffic class or flow label its sender picks (review rvred4, F1) */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && (f.sess_flags & SFW_SESS_F_TRANSIT) &&
	    f.peer_ifindex && !sfw_xdp_leaves_ok(ctx, p, f.peer_ifindex, xlated, dir == SFW_WING_OUT))
		outcome = SFW_CNT_ERR_INVALID_ZONE;
	/* a host session's opener's, for the host only: one the stack would
	 * forward ends it, as its whole packets do (review rvred5, R5-1) */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && sfw_sess_for_host(f.sess_flags) &&
	    dir == SFW_WING_IN && !sfw_xdp_host_opener_stays(ctx, p, &f.key, f.now))
		outcome = SFW_CNT_ERR_INVALID_ZONE;
	/* counted on the wing, and refreshing it, only once sent on */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS)
		sfw_frag_account(&f, dir);
	sfw_count(st, outcome, 1);
	if (outcome != SFW_CNT_SFW_PERMITTED_PKTS)
		return XDP_DROP;
	sfw_count_input(st, p, &f);
	return XDP_PASS;   /* the stack forwards fragments (bpf/forward.bpf.h) */
}

/* A packet's IPv4 options, or its IPv6 hop-by-hop options, walked once it
 * is parsed (rc: sfw_parse_packet's answer; p->ra set for Router Alert):
 * a global function, so that the walk is verified once, not once per
 * parse path (sfw_parse_options). */
__noinline int sfw_xdp_ip_options(struct xdp_md *ctx, struct sfw_pkt *p, int rc)
{
	if (!ctx || !p)
		return SFW_PKT_MALFORMED;
	return sfw_parse_options(ctx, false, ctx->data_end - ctx->data, p, rc);
}

/* An ICMPv6 error's quoted extension headers (sfw_quote_ext): a global
 * function, verified once; its frame is empty, where the error's
 * judgement already stands at the 512-byte chain's edge. */
__noinline int sfw_xdp_quote_ext(struct xdp_md *ctx, __u32 off, __u32 q_end, __u32 nh)
{
	if (!ctx)
		return -1;
	return sfw_quote_ext((void *)(long)ctx->data, (void *)(long)ctx->data_end,
			     off & 0x3fff, q_end, nh);
}

static __always_inline int sfw_hook_quote_ext(void *ctx, __u32 off, __u32 q_end, __u8 nh)
{
	return sfw_xdp_quote_ext(ctx, off, q_end, nh);
}

/* Parsing in a function of its own: the entry point's stack frame then
 * holds little more than the packet's struct sfw_pkt, which leaves room
 * in the 512-byte call chain for the flow functions below it. */
__noinline int sfw_xdp_parse(struct xdp_md *ctx, struct sfw_pkt *p)
{
	void *data, *end;
	int rc;

	if (!ctx || !p)
		return SFW_PKT_MALFORMED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	rc = sfw_parse_packet(data, end, end - data, false, p);
	if (rc == SFW_PKT_MPLS && sfw_mpls_passes())
		return SFW_PKT_UNTRACKED;
	return p->ip_opts ? sfw_xdp_ip_options(ctx, p, rc) : rc;
}

SEC("xdp")
int sfw_xdp_ingress(struct xdp_md *ctx)
{
	struct sfw_iface_stats *st = sfw_stats(ctx->ingress_ifindex);
	struct sfw_pkt p = {};
	int rc;

	rc = sfw_xdp_parse(ctx, &p);
	if (sfw_proto_icmp(p.family, p.proto))
		sfw_count(st, SFW_CNT_IN_ICMP, 1);
	if (rc >= SFW_PKT_MALFORMED) {
		sfw_count(st, sfw_parse_drop(rc), 1);
		return XDP_DROP;
	}
	if (rc == SFW_PKT_UNTRACKED) {
		rc = sfw_xdp_proxy_arp(ctx);
		sfw_count(st, rc == XDP_TX ? SFW_CNT_SFW_PROXY_ARP : SFW_CNT_SFW_UNTRACKED_PKTS, 1);
		return rc;
	}
	if (rc == SFW_PKT_FRAGMENT)
		return sfw_xdp_fragment(ctx, &p, st);
	if (p.icmp_kind == SFW_ICMPK_LINK && p.icmp_type == SFW_ICMPV6_ND_NS) {
		rc = sfw_xdp_proxy_ndp(ctx, &p);
		if (rc != XDP_PASS) {
			sfw_count(st, rc == XDP_TX ? SFW_CNT_SFW_PROXY_NDP : SFW_CNT_SFW_ERR_MALFORMED, 1);
			return rc;
		}
	}
	return sfw_xdp_flow(ctx, &p, st);
}

char LICENSE[] SEC("license") = "GPL";
