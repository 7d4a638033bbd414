/* Red team rvred5: a review of 63c0a86 (rvred4, F1: later fragments
 * leave into their session's zones only). Each test failed on 63c0a86
 * and passes with its finding's fix (docs/security.md "Fragments",
 * "Routes and zone pairs").
 *
 * The NAT fixture (tests/bpf/nat_fixture.h): fa in trust (clients),
 * fb in untrust toward SERVER1, fc in dmz; trust -> untrust permitted,
 * everything else denied (no NAT rule committed unless a test says so). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "zone_layouts.h"

#define TRUST_HOST "set security policies from-zone trust to-zone junos-host policy h match source-address any destination-address any application any\n" \
		   "set security policies from-zone trust to-zone junos-host policy h then permit\n"
#define SNAT_RS "set security nat source rule-set RS from zone trust\n" \
		"set security nat source rule-set RS to zone untrust\n" \
		NAT_R1_INTERFACE
/* literals: scripts/check-deps.py reads the shell commands with this
 * file's own definitions only */
#define SERVER1_ "203.0.113.2"   /* SERVER1 */
#define CLIENT_A_ "198.51.100.2" /* CLIENT_A */
#define CLIENT_B_ "198.51.100.3" /* CLIENT_B */
#define FAR "192.0.2.50"         /* no route in the main table */

static __u32 fc_if;

static void setup(void)
{
	fc_if = dmz_layout(false);
	sh("ip neigh add " CLIENT_A_ " lladdr 02:00:00:00:00:33 dev fc nud permanent && "
	   "ip neigh add " CLIENT_B_ " lladdr 02:00:00:00:00:33 dev fc nud permanent && "
	   "ip neigh add " FAR " lladdr 02:00:00:00:00:33 dev fc nud permanent");
}

TestSuite(rvred5, .init = setup, .fini = suite_teardown);

/* ToS 0x10 routes by table 101: every address below by fc (dmz) */
#define TOS_BY_FC "ip route add " SERVER1_ "/32 dev fc table 101 && " \
		  "ip route add " CLIENT_A_ "/32 dev fc table 101 && " \
		  "ip route add " CLIENT_B_ "/32 dev fc table 101 && " \
		  "ip route add " FAR "/32 dev fc table 101 && " \
		  "ip rule add tos 0x10 table 101"

static int xdp_of(__u32 ifindex, const struct pb_spec *s, struct pb_pkt *out)
{
	struct pb_pkt in;

	return run_at(ifindex, s, &in, out);
}

/* ---- R5-1: a host session's later fragments are asked no route ---------
 *
 * sfw_xdp_fragment asks the route of TRANSIT sessions' later fragments
 * only. A host session (to-zone junos-host: its first packet's route was
 * NOT_FWDED, e.g. no route in the main table) is not TRANSIT, so its In
 * wing's later fragments go up unasked. Its whole packets do not: once
 * the stack would forward them (sfw_xdp_host_in_routed) they are refused
 * at XDP and the session ended. A trust client permitted to the host
 * (any junos-host policy) sends a first fragment to FAR with ToS 0 (no
 * route: a host session), then later fragments with ToS 0x10, which
 * table 101 routes by fc: the stack forwards them into dmz. tc refuses
 * them only where fc is attached (SFW_TC_JUDGED_HOST); toward an
 * interface sfw is not attached to nothing does, and a trust -> dmz (or
 * trust -> anywhere) channel stays open for as long as the client renews
 * the record with a first fragment. Where fc is attached, XDP still
 * counted each on the session and refreshed it before tc refused it. */
static void host_session_later_fragment(bool attach_fc)
{
	struct pb_spec f0 = udp_frag(CLIENT_A, FAR, 45010, 53, 45010, 0, 0);
	struct pb_spec f1 = udp_frag(CLIENT_A, FAR, 45010, 53, 45010, 72, 0x10);
	struct pb_spec w = udp(CLIENT_A, FAR, 45010, 53);
	struct pb_pkt up, p;
	struct sfw_session s;

	commit(ZONES_FC_DMZ TRUST_OUT_ONLY TRUST_HOST);
	if (attach_fc)
		cr_assert_eq(fx_mark_attached(fc_if), 0);
	sh(TOS_BY_FC);
	cr_assert_eq(xdp_of(in_if, &f0, &up), FX_XDP_PASS, "the first: to the host");
	GET_SESSION(&w, &s);
	cr_assert_eq(s.flags & (SFW_SESS_F_TRANSIT | SFW_SESS_F_LOCAL), 0, "a host session");
	/* control: the same flow's whole packet, marked, is refused at XDP */
	w.sport = 45012;
	cr_assert_eq(xdp_of(in_if, &w, &up), FX_XDP_PASS, "control: another host session");
	w.tos = 0x10;
	cr_assert_eq(xdp_of(in_if, &w, &up), FX_XDP_DROP,
		     "control: a whole packet the stack forwards is refused");
	cr_expect_eq(xdp_of(in_if, &f1, &up), FX_XDP_DROP,
		     "XDP passed a host session's later fragment the stack forwards into dmz");
	if (attach_fc)
		cr_assert_eq(tc_at(fc_if, in_if, &up, &p), FX_TC_SHOT, "tc on fc refuses it");
	/* and, as a whole packet's refusal does, it ends the session: the
	 * next first fragment opens afresh, by its route and the policy */
	w.sport = 45010;
	w.tos = 0;
	ASSERT_NO_SESSION(&w);
}

Test(rvred5, r5_1_host_session_later_fragment_forwarded_to_an_unattached_interface)
{
	host_session_later_fragment(false);
}

Test(rvred5, r5_1_host_session_later_fragment_forwarded_into_an_attached_zone)
{
	host_session_later_fragment(true);
}

/* ---- R5-2: a route that names no egress passes the new check -----------
 *
 * sfw_xdp_leaves_ok (sfw_xdp_egress_ok, and the translated lookup) takes
 * SFW_ROUTE_NONE as "the stack drops it", but sfw_route_egress maps
 * UNSUPP_LWT (an encap route: MPLS, seg6, encap ip/ip6) to
 * SFW_ROUTE_NONE too, and the stack forwards by such a route, out of the
 * tunnel it names. First fragments are refused by such a route (review
 * rv2, F2: sfw_xdp_frag_route_ok; docs/security.md: UNSUPP_LWT "refused:
 * No route present"); the later ones pass. With table 101 holding an
 * encap route to SERVER1 by fc (dmz) under `ip rule tos 0x10`, a trust
 * client's later fragments marked 0x10 go up and leave encapsulated,
 * where tc sees only the host's outer packet. Whole packets of an
 * established session shared it, XDP forwarding on or off: its route
 * check (sfw_xdp_egress_ok) took UNSUPP_LWT for a discard route. */
#define TOS_ENCAP_BY_FC "ip route add " SERVER1_ "/32 encap ip6 dst fc00::9 dev fc table 101 && " \
			"ip rule add tos 0x10 table 101"

Test(rvred5, r5_2_later_fragment_by_an_encap_route_passes)
{
	struct pb_spec f0 = udp_frag(CLIENT_A, SERVER1, 45050, 53, 45050, 0, 0);
	struct pb_spec f1 = udp_frag(CLIENT_A, SERVER1, 45050, 53, 45050, 72, 0x10);
	struct pb_pkt up;

	cr_assert_eq(fx_mark_attached(fc_if), 0);
	sh(TOS_ENCAP_BY_FC);
	cr_assert_eq(xdp_of(in_if, &f0, &up), FX_XDP_PASS, "the first: by fb");
	cr_expect_eq(xdp_of(in_if, &f1, &up), FX_XDP_DROP,
		     "XDP passed a later fragment the stack sends by an encap route");
}

/* ---- R5-3: tc counts a later fragment its NAT then refuses -------------
 *
 * At tc, sfw_frag_follow counts a later fragment on its wing (and
 * refreshes the session) as soon as it passes the zone checks; sfw_tc_flow
 * then asks sfw_tc_nat_frag, which may refuse it (Incoming NAT errors):
 * source NAT's reply that came in by an interface sfw is not attached to
 * (fb detached while the session lives), still to the public address.
 * The refused fragment changed its session. */
Test(rvred5, r5_3_tc_refused_nat_later_fragment_counted_on_its_wing)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 45060, 53);
	struct pb_spec r0 = udp_frag(SERVER1, FB_ADDR, 53, 45060, 660, 0, 0);
	struct pb_spec r1 = udp_frag(SERVER1, FB_ADDR, 53, 45060, 660, 72, 0);
	struct sfw_iface_key k = { .ifindex = out_if };
	struct pb_pkt up, p;
	struct sfw_session s, t;

	commit(ZONES_FC_DMZ TRUST_OUT_ONLY SNAT_RS);
	host_ports(50000, 60999);
	cr_assert_eq(xdp_of(in_if, &u, &up), FX_XDP_REDIRECT);
	cr_assert_eq(xdp_of(out_if, &r0, &up), FX_XDP_PASS, "the reply's first fragment");
	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, "sfw_ifaces"), &k), 0);
	GET_SESSION(&u, &s);
	cr_assert_eq(pb_build(&r1, &p), 0);
	cr_assert_eq(tc_at(in_if, out_if, &p, &up), FX_TC_SHOT, "refused: never sent untranslated");
	GET_SESSION(&u, &t);
	cr_expect_eq(t.wing[SFW_WING_OUT].packets, s.wing[SFW_WING_OUT].packets,
		     "a refused later fragment was counted on the Out wing");
	cr_expect_eq(t.wing[SFW_WING_OUT].bytes, s.wing[SFW_WING_OUT].bytes,
		     "a refused later fragment's bytes were counted on the Out wing");
}

/* The same route for an established session's whole packet, marked 0x10:
 * XDP forwarding off (up to the stack) and on (XDP's route-first answers
 * XDP_PASS for UNSUPP_LWT, then asks the stack's check). */
static void whole_packet_by_an_encap_route(bool forward)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 45070 + forward, 53);
	struct pb_pkt up;

	cr_assert_eq(fx_mark_attached(fc_if), 0);
	if (forward) {
		struct sfw_config cfg;

		cr_assert_eq(fx_config(&cfg), 0);
		cfg.flags |= SFW_CFG_F_FORWARD;
		cr_assert_eq(fx_set_config(&cfg), 0);
	}
	sh(TOS_ENCAP_BY_FC);
	cr_assert_neq(xdp_of(in_if, &u, &up), FX_XDP_DROP, "the first: by fb");
	u.tos = 0x10;
	cr_expect_eq(xdp_of(in_if, &u, &up), FX_XDP_DROP,
		     "XDP passed a session's packet the stack sends by an encap route");
}

Test(rvred5, r5_2_whole_packet_by_an_encap_route_passes)
{
	whole_packet_by_an_encap_route(false);
}

Test(rvred5, r5_2_whole_packet_by_an_encap_route_passes_xdp_forwarding)
{
	whole_packet_by_an_encap_route(true);
}
