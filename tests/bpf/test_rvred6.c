/* Red team rvred6: a review of 63c0a86 (rvred4, F1) and 1e1620f (rvred5:
 * R5-1, R5-2, R5-3). Each test failed on 1e1620f and passes with its
 * finding's fix (docs/security.md "Routes and zone pairs"). The review's
 * B2 (a NAT reply marked onto an encap route into another zone) is left
 * open there, as the price of G1's fix: toward the opener an encap route
 * is taken on trust.
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
/* literals: scripts/check-deps.py reads the shell commands with this
 * file's own definitions only */
#define SERVER1_ "203.0.113.2"   /* SERVER1 */
#define CLIENT_A_ "198.51.100.2" /* CLIENT_A */
#define FAR "192.0.2.50"         /* no route in the main table */

static __u32 fc_if;

static void setup(void)
{
	fc_if = dmz_layout(true);
	sh("ip neigh add " CLIENT_A_ " lladdr 02:00:00:00:00:33 dev fc nud permanent && "
	   "ip neigh add " FAR " lladdr 02:00:00:00:00:33 dev fc nud permanent");
}

TestSuite(rvred6, .init = setup, .fini = suite_teardown);

static int xdp_of(__u32 ifindex, const struct pb_spec *s, struct pb_pkt *out)
{
	struct pb_pkt in;

	return run_at(ifindex, s, &in, out);
}

/* ---- B1: a host session's In wing by an encap route -------------------
 *
 * R5-2 made sfw_xdp_egress_ok refuse UNSUPP_LWT for transit sessions, but
 * a host session's opener's packets are asked by sfw_xdp_host_in_routed,
 * which took sfw_route_egress's SFW_ROUTE_NONE (UNSUPP_LWT included) for
 * "the host's" (and cached it). A trust client permitted to the host
 * sends to FAR (no route: a host session), then marks ToS 0x10, which
 * table 101 routes by an encap route out of fc (dmz): the stack forwards
 * it into dmz; tc on fc sees only the host's outer packet. Whole packets
 * and later fragments (R5-1's new check) alike. */
#define TOS_ENCAP_FAR "ip route add " FAR "/32 encap ip6 dst fc00::9 dev fc table 101 && " \
		      "ip rule add tos 0x10 table 101"
#define TOS_PLAIN_FAR "ip route add " FAR "/32 dev fc table 102 && " \
		      "ip rule add tos 0x08 table 102"

Test(rvred6, b1_host_session_whole_packet_by_an_encap_route_refused)
{
	struct pb_spec w = udp(CLIENT_A, FAR, 46010, 53);
	struct pb_pkt up;
	struct sfw_session s;

	commit(ZONES_FC_DMZ TRUST_OUT_ONLY TRUST_HOST);
	sh(TOS_ENCAP_FAR " && " TOS_PLAIN_FAR);
	cr_assert_eq(xdp_of(in_if, &w, &up), FX_XDP_PASS, "the first: to the host");
	GET_SESSION(&w, &s);
	cr_assert_eq(s.flags & (SFW_SESS_F_TRANSIT | SFW_SESS_F_LOCAL), 0, "a host session");
	/* control: a plain route into dmz is refused (and ends the session) */
	w.sport = 46011;
	w.tos = 0;
	cr_assert_eq(xdp_of(in_if, &w, &up), FX_XDP_PASS, "control: another host session");
	w.tos = 0x08;
	cr_assert_eq(xdp_of(in_if, &w, &up), FX_XDP_DROP, "control: by a plain route, refused");
	/* the encap route */
	w.sport = 46010;
	w.tos = 0x10;
	cr_expect_eq(xdp_of(in_if, &w, &up), FX_XDP_DROP,
		     "XDP passed a host session's packet the stack sends by an encap route");
}

Test(rvred6, b1_host_session_later_fragment_by_an_encap_route_refused)
{
	struct pb_spec f0 = udp_frag(CLIENT_A, FAR, 46020, 53, 46020, 0, 0);
	struct pb_spec f1 = udp_frag(CLIENT_A, FAR, 46020, 53, 46020, 72, 0x10);
	struct pb_spec w = udp(CLIENT_A, FAR, 46020, 53);
	struct pb_pkt up;
	struct sfw_session s;

	commit(ZONES_FC_DMZ TRUST_OUT_ONLY TRUST_HOST);
	sh(TOS_ENCAP_FAR);
	cr_assert_eq(xdp_of(in_if, &f0, &up), FX_XDP_PASS, "the first: to the host");
	GET_SESSION(&w, &s);
	cr_assert_eq(s.flags & (SFW_SESS_F_TRANSIT | SFW_SESS_F_LOCAL), 0, "a host session");
	cr_expect_eq(xdp_of(in_if, &f1, &up), FX_XDP_DROP,
		     "XDP passed a host session's later fragment the stack sends by an encap route");
}

/* ---- G1 (regression of R5-2): replies to a client behind an encap route
 *
 * The first packet's reverse-path check (sfw_fib_src_unrouted) accepts a
 * source whose route is an encap route (UNSUPP_LWT), as it must for a
 * flow-based tunnel (collect_md: every return route is `encap ip ...`),
 * MPLS or SRv6 L3VPN. The session's first packet is routed by a plain
 * route and is never asked the reply's route. Since R5-2, every reply
 * the stack forwards (XDP forwarding off, or on: UNSUPP_LWT is XDP_PASS
 * there) is refused as Invalid zone by sfw_xdp_egress_ok, and so is
 * every ICMP error to the client (sfw_xdp_error_egress_ok): the session
 * opened and no answer ever came back. On 63c0a86 they passed; now an
 * encap route toward the opener passes again (sfw_route_to_wing_ok). */
#define CLIENT_BY_ENCAP "ip route add " CLIENT_A_ "/32 encap ip6 dst fc00::9 dev fa"

static void reply_to_a_client_behind_an_encap_route(bool forward)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 46040 + forward, 53);
	struct pb_spec r = udp(SERVER1, CLIENT_A, 53, 46040 + forward);
	struct pb_pkt up;
	struct sfw_session s;

	nat_xdp_forwarding(forward);
	sh(CLIENT_BY_ENCAP);
	cr_assert_neq(xdp_of(in_if, &u, &up), FX_XDP_DROP, "the first: by fb, its source routed");
	GET_SESSION(&u, &s);
	cr_expect_neq(xdp_of(out_if, &r, &up), FX_XDP_DROP,
		      "the reply to a client behind an encap route (its own zone's fa) was refused");
}

Test(rvred6, g1_reply_to_a_client_behind_an_encap_route_passes)
{
	reply_to_a_client_behind_an_encap_route(false);
}

Test(rvred6, g1_reply_to_a_client_behind_an_encap_route_passes_xdp_forwarding)
{
	reply_to_a_client_behind_an_encap_route(true);
}

Test(rvred6, g1_error_to_a_client_behind_an_encap_route_passes)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 46050, 53);
	struct pb_spec e = { .src = "203.0.113.9", .dst = CLIENT_A, .proto = SFW_IPPROTO_ICMP,
			     .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 4, .inner = &u };
	struct pb_pkt up;

	nat_xdp_forwarding(false);
	sh(CLIENT_BY_ENCAP);
	cr_assert_neq(xdp_of(in_if, &u, &up), FX_XDP_DROP, "the first: by fb");
	cr_expect_neq(xdp_of(out_if, &e, &up), FX_XDP_DROP,
		      "a router's frag-needed to a client behind an encap route was refused");
}
