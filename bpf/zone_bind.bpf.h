/* Sessions are bound to their zones (docs/security.md "Sessions are bound
 * to their zones"): a packet with a session's tuple is that session's only
 * when it comes in by the interface its wing records, or by another
 * interface of that interface's zone. Junos keys a session's wings by the
 * zone as well; sfw's key is the tuple alone, so the binding is checked
 * on every packet that matches a wing, later fragments and ICMP errors
 * included. */
#ifndef SFW_ZONE_BIND_BPF_H
#define SFW_ZONE_BIND_BPF_H

#include "iface.h"
#include "policy.bpf.h"

/* Is interface b, which a packet came in by, in the zone of interface a,
 * a wing's, in the configuration in force? Both zones are looked up in
 * one generation, so a session opened before a commit renumbered the
 * zones is judged by the zones as they are now. Once zones are
 * configured, an interface in no zone (or a wing that records none: 0)
 * is in no one's; without any, every interface is in the one null zone,
 * as the policies take them (bpf/policy.bpf.h). The slow path,
 * taken only when the interfaces differ (ECMP or a route change inside
 * a zone, or a packet from elsewhere): a global function. */
__noinline int sfw_zone_same(__u32 a, __u32 b)
{
	const struct sfw_config *cfg = sfw_cfg_get();
	__u32 gen, za;

	if (!cfg || !b)
		return 0;
	if (!(cfg->flags & SFW_CFG_F_ZONES))
		return 1;
	gen = sfw_cfg_gen(cfg);
	za = sfw_zone_of(a, gen);
	return za != SFW_ZONE_NONE && za == sfw_zone_of(b, gen);
}

/* Are zones configured in the configuration in force? Without any, the
 * zone compare binds nothing (every interface is in the null zone). */
static __always_inline bool sfw_zones_on(void)
{
	const struct sfw_config *cfg = sfw_cfg_get();

	return cfg && (cfg->flags & SFW_CFG_F_ZONES);
}

/* Is wing dir of s the host's own: the In wing of its own (LOCAL)
 * session, the Out wing of a session to it? Its packets carry one of
 * the host's addresses as their source, by the session's key. */
static __always_inline bool sfw_wing_is_hosts(const struct sfw_session *s, __u32 dir)
{
	return !(s->flags & SFW_SESS_F_TRANSIT) &&
	       dir == ((s->flags & SFW_SESS_F_LOCAL) ? SFW_WING_IN : SFW_WING_OUT);
}

/* At tc: the interface a packet on wing dir of s is bound by (0: none),
 * given `ingress` (skb->ingress_ifindex, 0 for the host's own packet),
 * and what the wing is to record (f_ifindex: the ingress, or the
 * egress of the host's own packet, as the caller filled it in).
 * - The host's wing is bound by none: a forwarded IPv4 packet with the
 *   host's own address as its source is the host's own NAT's (a port
 *   published to a container behind an interface sfw does not watch:
 *   the stack drops local sources on input, accept_local aside), and
 *   records nothing then, so that errors about the host's answers still
 *   come back by its egress (review Z10).
 * - The host's own packet on anyone else's wing (a transit session's
 *   server tuple: a reject's TCP reset, a transparent proxy) passes as
 *   before but records nothing: the wing stays bound to the zone the
 *   session was judged for (review Z9). */
static __always_inline __u32 sfw_tc_bound_by(const struct sfw_session *s, __u32 dir,
					     __u32 ingress, __u32 *f_ifindex, __u8 family)
{
	bool hosts = sfw_wing_is_hosts(s, dir);

	if (hosts ? ingress : !ingress)
		*f_ifindex = s->wing[dir & 1].ifindex;
	/* IPv6 only: Linux forwards a packet whose source is one of its
	 * own addresses, so one on the host's wing may be anyone's behind
	 * that interface: bound by it (third review, RV2-6) */
	return hosts && family == SFW_FAMILY_INET ? 0 : ingress;
}

/* The session key of packet p, which came in by interface `ingress` (0:
 * the host's own): sfw_make_key, tagged with the ingress interface for a
 * broadcast or group destination (include/iface.h sfw_link_tag, shared
 * with the loader's attach, which refuses two interfaces of one tag).
 * Every lookup of a packet's own tuple builds its key here, or a tagged
 * session is missed where it must be found (a group datagram the stack
 * forwards out of the zone it came in by:
 * docs/nat.md "Third review: R2"). Returns sfw_make_key's answer. */
static __always_inline bool sfw_packet_key(const struct sfw_pkt *p, struct sfw_session_key *k,
					   __u32 ingress)
{
	bool lo = sfw_make_key(p, k);

	if (p->multicast)
		k->pad = sfw_link_tag(ingress);
	return lo;
}

/* May a session's packet leave by interface `egress`, given `peer`, the
 * interface its other wing records? By that interface, or another of its
 * zone (review Z5); peer 0 (a first packet, nothing recorded): yes. */
static __always_inline bool sfw_leaves_by_peer_zone(__u32 peer, __u32 egress)
{
	return !peer || peer == egress || sfw_zone_same(peer, egress);
}

/* May a packet that came in by interface `ingress` be one of wing dir of
 * s? 0: the host's own packet (tc, not forwarded), which comes in by no
 * interface and is bound by none. The established packet's cost is the
 * first compare. zones: another interface of the wing's zone will do
 * (false only where the call chain has no room for the lookup: a first
 * packet that lost the race to create its session, whose retransmission
 * finds the session). */
static __always_inline bool sfw_wing_from(const struct sfw_session *s, __u32 dir, __u32 ingress,
					  bool zones)
{
	__u32 w = s->wing[dir & 1].ifindex;

	return w == ingress || !ingress || (zones && sfw_zone_same(w, ingress));
}

#endif
