/* Sessions are bound to their zones (docs/security.md "Sessions are bound
 * to their zones", bpf/zone_bind.bpf.h): a packet matching a session's
 * wing is that wing's when it comes in by the wing's interface or another
 * interface of that interface's zone; from another zone it is refused
 * under Invalid zone received packet and changes nothing of the session.
 * The NAT fixture (tests/bpf/nat_fixture.h) with a second interface in
 * trust, fc (a veth), and no NAT rule: plain transit sessions from
 * CLIENT_A (trust) to SERVER1 (untrust), forwarded by XDP. The attack
 * itself is in tests/bpf/test_nat_review4.c (n6_*). */
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "policy_write.h"
#include "zone_layouts.h"

/* The suite's zones (fc beside fa in trust), and the other layouts its
 * tests commit: zone_layouts.h */
/* trust and dmz may reach the host */
#define TO_HOST "set security policies from-zone trust to-zone junos-host policy t match source-address any destination-address any application any\n" \
		"set security policies from-zone trust to-zone junos-host policy t then permit\n" \
		"set security policies from-zone dmz to-zone junos-host policy d match source-address any destination-address any application any\n" \
		"set security policies from-zone dmz to-zone junos-host policy d then permit\n"

/* untrust's clients may reach the host (a port it publishes); trust's its
 * DNS service */
#define PUBLISHED "set security policies from-zone untrust to-zone junos-host policy pub match source-address any destination-address any application any\n" \
		  "set security policies from-zone untrust to-zone junos-host policy pub then permit\n"
#define LAN_DNS "set security policies from-zone trust to-zone junos-host policy lan match source-address any destination-address any application junos-dns-udp\n" \
		"set security policies from-zone trust to-zone junos-host policy lan then permit\n"

static __u32 fc_if;

#define DENY_ALL "set security policies default-policy deny-all\n"
#define PLAIN "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n" \
	      "set security policies from-zone trust to-zone untrust policy out then permit\n" \
	      DENY_ALL
/* trust's clients behind fb's address */
#define SNAT "set security nat source rule-set RS from zone trust\n" \
	     "set security nat source rule-set RS to zone untrust\n" \
	     "set security nat source rule-set RS rule R1 match source-address 198.51.100.0/24\n" \
	     "set security nat source rule-set RS rule R1 then source-nat interface\n"

static void zone_setup(void)
{
	nat_setup();
	cr_assert_eq(system("ip link add fc type veth peer name fd && ip link set fc up && ip link set fd up"), 0);
	fc_if = if_nametoindex("fc");
	cr_assert(fc_if);
	cr_assert_eq(fx_add_counters(fc_if), 0);
	commit(ZONES_FC_TRUST PLAIN);
}

TestSuite(zone_bind, .init = zone_setup, .fini = suite_teardown);

/* A route change: addr behind fc, its neighbour resolved or not. */
static void route_by_fc(const char *addr, bool neigh)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "ip route add %s/32 dev fc", addr);
	cr_assert_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "ip neigh add %s lladdr 02:00:00:00:00:33 dev fc nud permanent",
		 addr);
	if (neigh)
		cr_assert_eq(system(cmd), 0);
}

/* sfw on all three interfaces, as tc sees them */
static void attach_all(void)
{
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(fx_mark_attached(fc_if), 0);
}

/* s built and run at egress's tc, forwarded from ingress (0: the host's
 * own). */
/* The session's wings as they stand: packets, bytes, interface. */
static struct sfw_session sess_of(const struct pb_spec *s)
{
	struct sfw_session v;

	cr_assert_eq(fx_session(s, &v), 0, "no session for the flow");
	return v;
}

/* ECMP or a route change inside the zone: the client's next packet comes
 * in by fc, trust's other interface. It passes, and the wing records
 * where its packets now come in (as Junos moves a session on a route
 * change); the reply wing is untouched. */
Test(zone_bind, other_interface_of_the_wings_zone_accepted_and_recorded)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41000, 53);
	struct pb_spec r = udp(SERVER1, CLIENT_A, 53, 41000);
	struct pb_pkt in, out;
	struct sfw_session v;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(run_at(fc_if, &u, &in, &out), FX_XDP_REDIRECT,
		     "the client's packet by trust's other interface");
	v = sess_of(&u);
	cr_expect_eq(v.wing[SFW_WING_IN].packets, 2);
	cr_expect_eq(v.wing[SFW_WING_IN].ifindex, fc_if, "the wing records where it comes in now");
	cr_expect_eq(v.wing[SFW_WING_OUT].ifindex, out_if);
	cr_expect_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT, "the reply");
	/* and back by fa: the zone still holds */
	cr_expect_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(sess_of(&u).wing[SFW_WING_IN].ifindex, in_if);
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE) +
		     fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE) +
		     fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* Each wing from the other's zone: the client's tuple from the WAN, the
 * server's from the inside (by either of trust's interfaces). Refused,
 * counted once, and the session neither counts nor refreshes. */
Test(zone_bind, wing_from_another_zone_refused_and_session_untouched)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41010, 53);
	struct pb_spec r = udp(SERVER1, CLIENT_A, 53, 41010);
	struct pb_pkt in, out;
	struct sfw_session before, after;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_age(&u, 5), 0);
	before = sess_of(&u);
	cr_expect_eq(run_at(out_if, &u, &in, &out), FX_XDP_DROP, "the client's tuple from the WAN");
	cr_expect_eq(run_at(in_if, &r, &in, &out), FX_XDP_DROP, "the server's tuple from fa");
	cr_expect_eq(run_at(fc_if, &r, &in, &out), FX_XDP_DROP, "the server's tuple from fc");
	after = sess_of(&u);
	cr_expect_eq(after.last_seen_s, before.last_seen_s, "refreshed by a refused packet");
	for (int w = 0; w < 2; w++) {
		cr_expect_eq(after.wing[w].packets, before.wing[w].packets, "wing %d counted", w);
		cr_expect_eq(after.wing[w].ifindex, before.wing[w].ifindex, "wing %d moved", w);
	}
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(outcomes_at(out_if), 2, "one outcome per packet");
	cr_expect_eq(outcomes_at(in_if), 2, "one outcome per packet");
	cr_expect_eq(outcomes_at(fc_if), 1, "one outcome per packet");
}

/* An ICMP error comes back from where the packet it quotes went: about
 * the client's packet, from a router on the WAN; about the server's, from
 * one inside. The same errors from the other zone are refused. */
Test(zone_bind, icmp_error_only_from_where_the_quoted_packet_went)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41020, 53);
	struct pb_spec r = udp(SERVER1, CLIENT_A, 53, 41020);
	struct pb_spec to_client = { .src = "203.0.113.9", .dst = CLIENT_A,
				     .proto = SFW_IPPROTO_ICMP, .icmp_type = 11, .inner = &u };
	struct pb_spec to_server = { .src = "198.51.100.9", .dst = SERVER1,
				     .proto = SFW_IPPROTO_ICMP, .icmp_type = 11, .inner = &r };
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(run_at(out_if, &to_client, &in, &out), FX_XDP_PASS,
		     "time exceeded about the client's packet, from the WAN");
	cr_expect_eq(run_at(fc_if, &to_server, &in, &out), FX_XDP_PASS,
		     "time exceeded about the server's packet, from trust's other interface");
	cr_expect_eq(run_at(in_if, &to_client, &in, &out), FX_XDP_DROP,
		     "about the client's packet, from the inside");
	cr_expect_eq(run_at(out_if, &to_server, &in, &out), FX_XDP_DROP,
		     "about the server's packet, from the WAN");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(outcomes_at(in_if), 2, "one outcome per packet");
	cr_expect_eq(outcomes_at(out_if), 3, "one outcome per packet");
}

/* A later fragment has no ports: it follows its first fragment's record,
 * and is bound as that fragment's wing is. From trust's other interface
 * it passes; the same fragment from the WAN is refused. */
Test(zone_bind, later_fragment_bound_as_its_first)
{
	struct pb_spec big = udp(CLIENT_A, SERVER1, 41030, 53);
	struct pb_pkt fr[4], out;

	big.payload = 1200;
	big.ip_id = 4103;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	out = fr[0];
	cr_assert_eq(fx_xdp_frame_at(in_if, fr[0].data, fr[0].len, out.data, &out.len), FX_XDP_PASS);
	out = fr[1];
	cr_expect_eq(fx_xdp_frame_at(out_if, fr[1].data, fr[1].len, out.data, &out.len),
		     FX_XDP_DROP, "a later fragment of trust's datagram from the WAN");
	out = fr[1];
	cr_expect_eq(fx_xdp_frame_at(fc_if, fr[1].data, fr[1].len, out.data, &out.len),
		     FX_XDP_PASS, "from trust's other interface");
	out = fr[2];
	cr_expect_eq(fx_xdp_frame_at(in_if, fr[2].data, fr[2].len, out.data, &out.len),
		     FX_XDP_PASS);
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(outcomes_at(out_if), 1, "one outcome per packet");
	cr_expect_eq(sess_of(&big).wing[SFW_WING_IN].packets, 3);
}

/* The zones are those in force, whatever ids a commit gave them: a
 * session opened before a commit that renumbered the zones (dmz
 * declared first) still takes trust's other interface; once a commit
 * moves fc into untrust, fc is another zone. */
Test(zone_bind, zones_judged_as_the_commit_in_force_says)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41040, 53);
	struct pb_pkt in, out;

	__u64 id;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	id = sess_of(&u).id;
	commit("set security zones security-zone dmz\n"
	       ZONES_FC_TRUST PLAIN);
	/* by name no interface changed zone: the commit ends no session */
	cr_expect_eq(sess_of(&u).id, id, "the session ended by a renumbering");
	cr_expect_eq(run_at(fc_if, &u, &in, &out), FX_XDP_REDIRECT, "renumbered, still trust");
	cr_expect_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security zones security-zone untrust interfaces fc\n" PLAIN);
	cr_expect_eq(run_at(fc_if, &u, &in, &out), FX_XDP_DROP, "fc is untrust's now");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* The host's own packets come in by no interface: a session the host
 * opened (tc) binds its replies to where they come in, not its own
 * packets, which leave by whatever the route says. */
Test(zone_bind, host_session_replies_bound_host_packets_not)
{
	struct pb_spec q = udp(FB_ADDR, SERVER1, 41050, 53);
	struct pb_spec a = udp(SERVER1, FB_ADDR, 53, 41050);
	struct pb_pkt in, out;

	cr_assert_eq(tc_of(out_if, 0, &q), FX_TC_OK, "the host's query leaves by fb");
	cr_expect_eq(run_at(in_if, &a, &in, &out), FX_XDP_DROP, "the answer from the inside");
	cr_expect_eq(run_at(out_if, &a, &in, &out), FX_XDP_PASS, "the answer from the WAN");
	cr_expect_eq(tc_of(in_if, 0, &q), FX_TC_OK, "the host's own packet by another zone");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(sess_of(&q).wing[SFW_WING_OUT].ifindex, out_if, "where its replies come in");
}

/* A transit flow the stack forwards from an interface sfw does not watch
 * (fc here) opens at tc: its In wing comes in by fc, its replies by the
 * egress, fb; the reply passes at fb's XDP, the same tuple from the
 * inside does not. */
Test(zone_bind, tc_opened_transit_session_bound_as_its_packets_come_in)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41060, 53);
	struct pb_spec r = udp(SERVER1, CLIENT_A, 53, 41060);
	struct pb_pkt in, out;
	struct sfw_session v;

	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(tc_of(out_if, fc_if, &u), FX_TC_OK, "forwarded from fc");
	v = sess_of(&u);
	cr_expect_eq(v.wing[SFW_WING_IN].ifindex, fc_if, "the In wing comes in by fc");
	cr_expect_eq(v.wing[SFW_WING_OUT].ifindex, out_if, "its replies by fb");
	cr_expect_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT, "the reply at fb");
	cr_expect_eq(run_at(in_if, &r, &in, &out), FX_XDP_DROP, "the reply's tuple from the inside");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* Under source NAT an error about the translated packet (P:pp -> s:sp)
 * comes back from the WAN, as the replies do; the same error from the
 * inside (a host of trust who knows pp) is refused, not translated to the
 * client. */
Test(zone_bind, nat_error_about_the_translated_packet_only_from_the_wan)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41070, 53);
	struct pb_pkt in, out;
	struct pb_spec quoted, err;
	__u16 pp;

	commit(ZONES_FC_TRUST PLAIN SNAT);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	pp = port_at(&out, 0);
	quoted = udp(FB_ADDR, SERVER1, pp, 53);
	err = (struct pb_spec){ .src = SERVER1, .dst = FB_ADDR, .proto = SFW_IPPROTO_ICMP,
				.icmp_type = 3, .icmp_code = 3, .inner = &quoted };
	cr_expect_eq(run_at(in_if, &err, &in, &out), FX_XDP_DROP, "the error from the inside");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(run_at(out_if, &err, &in, &out), FX_XDP_PASS, "the error from the WAN");
	cr_expect_eq(addr_at(&out, 16), a4(CLIENT_A), "translated back to the client");
}

/* A session to the host: the client's packets come in by fa (trust); the
 * host's answers leave by whatever its route says. Into the client's
 * zone (fc, trust's other interface) they pass, and an error about one
 * (the client's port unreachable) comes back from that zone, as the
 * wing records it; into another zone (fb, untrust) they are refused:
 * the session's packets cross only the zone pair its policy judged, or
 * a client spoofed from the WAN's addresses would have the host answer
 * the WAN (review Z5). */
Test(zone_bind, error_about_the_hosts_answer_from_where_it_left)
{
	struct pb_spec q = udp("192.0.2.99", FB_ADDR, 41080, 53);
	struct pb_spec a = udp(FB_ADDR, "192.0.2.99", 53, 41080);
	struct pb_spec err = { .src = "192.0.2.99", .dst = FB_ADDR, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &a };
	struct pb_pkt in, out;

	commit(ZONES_FC_TRUST LAN_DNS DENY_ALL);
	cr_assert_eq(system("ip route add 192.0.2.0/24 dev fc"), 0);
	cr_assert_eq(run_at(in_if, &q, &in, &out), FX_XDP_PASS);
	cr_expect_eq(tc_of(out_if, 0, &a), FX_TC_SHOT, "the host's answer into untrust");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(tc_of(fc_if, 0, &a), FX_TC_OK, "the host's answer by fc, trust's");
	cr_expect_eq(run_at(fc_if, &err, &in, &out), FX_XDP_PASS, "the error about it, by fc");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE), 0);
	cr_expect_eq(run_at(out_if, &err, &in, &out), FX_XDP_DROP, "the same error from the WAN");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 2);
}

/* Without any zone configured every interface is in the one null zone,
 * as the policies take them (permit-all between any two): a wing's
 * packets by another interface are the wing's, as before zones bound
 * anything (asymmetric routes of a zoneless set-up keep working). */
Test(zone_bind, no_zones_configured_no_boundary)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41090, 53);
	struct pb_pkt in, out;

	commit("set security policies default-policy permit-all\n");
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT, "the In wing by fb");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 0);
	cr_expect_eq(sess_of(&u).wing[SFW_WING_IN].packets, 2);
}

/* Red-team review of the binding (docs/security.md, second review, Z1): a
 * tuple every zone shares by protocol -- DHCP's DISCOVER, 0.0.0.0:68 ->
 * 255.255.255.255:67 -- opens a host session from the first zone that
 * sends it; a client of another zone that may reach the host's DHCP
 * server then meets that session and is refused under Invalid zone, as
 * long as the first zone keeps it alive (int9 let it through). */
Test(zone_bind, rv_dhcp_discover_from_a_second_zone_not_refused)
{
	struct pb_spec d = udp("0.0.0.0", "255.255.255.255", 68, 67);
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ TO_HOST DENY_ALL);
	cr_assert_eq(run_at(in_if, &d, &in, &out), FX_XDP_PASS, "trust's DISCOVER, to the host");
	cr_expect_eq(run_at(fc_if, &d, &in, &out), FX_XDP_PASS, "dmz's DISCOVER, to the host");
	cr_expect_eq(run_at(in_if, &d, &in, &out), FX_XDP_PASS, "trust's again, on its own session");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE) +
		     fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* The same for a link-local hello every link's router sends from the
 * same address (OSPFv3: fe80::1 -> ff02::5, protocol 89), and only
 * where a zone may reach the host: untrust's (no policy to the host) is
 * refused by policy, on its own session key, not let in on trust's. */
Test(zone_bind, link_local_hello_from_two_zones_each_its_own)
{
	struct pb_spec h = { .src = "fe80::1", .dst = "ff02::5", .proto = 89, .payload = 20 };
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ TO_HOST DENY_ALL);
	cr_assert_eq(run_at(in_if, &h, &in, &out), FX_XDP_PASS, "trust's hello");
	cr_expect_eq(run_at(fc_if, &h, &in, &out), FX_XDP_PASS, "dmz's hello");
	cr_expect_eq(run_at(out_if, &h, &in, &out), FX_XDP_DROP, "untrust's hello");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE) +
		     fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE) +
		     fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* Review Z2: a commit that moves the interface a wing records into
 * another zone would hand the session to that zone (sfw_zone_same
 * compares the zone of the wing's interface as it is now): fa, where
 * trust's client opened the flow, moves to untrust, and the client's
 * tuple from the WAN (fb) would be the session's again, N6 after a
 * commit. The commit ends the sessions with a wing on fa instead (as
 * Junos, whose sessions are keyed by zone, leaves them to the old one),
 * and only those: fc's session stays. The tuple from the WAN is then a
 * first packet from untrust to untrust, which no policy permits. */
Test(zone_bind, rv_commit_moving_the_wings_interface_does_not_hand_it_over)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41100, 53);
	struct pb_spec kept = udp(CLIENT_A, SERVER1, 41101, 53);
	struct pb_pkt in, out;
	struct sfw_session v;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(fc_if, &kept, &in, &out), FX_XDP_REDIRECT);
	commit(ZONES_FA_UNTRUST PLAIN);
	cr_expect_neq(fx_session(&u, &v), 0, "the session on fa outlived its zone");
	cr_expect_eq(sess_of(&kept).wing[SFW_WING_IN].ifindex, fc_if, "fc's session ended");
	cr_expect_eq(run_at(out_if, &u, &in, &out), FX_XDP_DROP,
		     "the trust client's tuple from the WAN");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_expect_eq(run_at(fc_if, &kept, &in, &out), FX_XDP_REDIRECT, "fc's session");
}

/* What a packet by fa meets while the commit that moves fa out of trust
 * ends its sessions (loader/zone_moves.c): taken when the commit opens
 * the session table for its walk. */
static struct {
	struct pb_spec fresh, onto;   /* a new flow; another wing's tuple */
	int fresh_verdict, onto_verdict;
	bool taken;
} window;

static int probing_map_fd(const char *name, void *arg)
{
	struct pb_pkt in, out;

	if (!window.taken && !strcmp(name, SFW_STR(SFW_MAP_SESSIONS))) {
		window.taken = true;
		window.fresh_verdict = run_at(in_if, &window.fresh, &in, &out);
		window.onto_verdict = run_at(in_if, &window.onto, &in, &out);
	}
	return fixture_map_fd(name, arg);
}

/* Until the flip the old configuration is in force, where fa is still
 * trust's: a flow it opened after the walk went past, or a trust wing it
 * took over from fc, would be untrust's after the flip. So the commit
 * first takes fa out of every zone in the configuration in force: fa
 * opens nothing and takes no other interface's wing until the flip. */
Test(zone_bind, commit_moving_an_interface_takes_it_out_of_its_zone_while_ending)
{
	struct pb_spec w = udp(CLIENT_A, SERVER1, 41102, 53);
	struct sfw_policy_fds f = fds();
	struct pb_pkt in, out;
	struct sfw_session v;

	window.fresh = udp(CLIENT_A, SERVER1, 41103, 53);
	window.onto = w;
	cr_assert_eq(run_at(fc_if, &w, &in, &out), FX_XDP_REDIRECT);
	f.map_fd = probing_map_fd;
	cr_assert_eq(commit_into(ZONES_FA_UNTRUST PLAIN,
				 &f), 0, "%s", sfw_last_error());
	cr_assert(window.taken, "the commit ended no session");
	cr_expect_eq(window.fresh_verdict, FX_XDP_DROP, "a new flow by fa meanwhile");
	cr_expect_eq(window.onto_verdict, FX_XDP_DROP, "fc's wing taken by fa meanwhile");
	cr_expect_neq(fx_session(&window.fresh, &v), 0, "fa's new flow outlived the commit");
	cr_expect_eq(sess_of(&w).wing[SFW_WING_IN].ifindex, fc_if, "fc's wing moved or ended");
}

static int no_session_table(const char *name, void *arg)
{
	return strcmp(name, SFW_STR(SFW_MAP_SESSIONS)) ? fixture_map_fd(name, arg) : -ENOENT;
}

/* A commit that cannot end the sessions it should is refused, whole:
 * fa is trust's again, and its session takes trust's other interface. */
Test(zone_bind, commit_that_cannot_end_the_moved_sessions_changes_nothing)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41104, 53);
	struct sfw_policy_fds f = fds();
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	f.map_fd = no_session_table;
	cr_expect_neq(commit_into(ZONES_FA_UNTRUST PLAIN,
				  &f), 0, "the commit went through");
	cr_expect_eq(run_at(fc_if, &u, &in, &out), FX_XDP_REDIRECT, "by fc, trust as before");
	cr_expect_eq(run_at(out_if, &u, &in, &out), FX_XDP_DROP, "from the WAN");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* Review Z3: the client's error about a NAT session's reply as delivered
 * (its port unreachable) passes the zone check (the In wing's zone,
 * sfw_error_wing), then sfw_icmp_related_to still asks for the In wing's
 * very interface: by trust's other interface (ECMP inside the zone,
 * where the client's own packets pass) it is dropped as no session. */
Test(zone_bind, rv_nat_clients_error_about_the_reply_by_the_zones_other_interface)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41110, 53);
	struct pb_spec quoted = udp(SERVER1, CLIENT_A, 53, 41110);
	struct pb_spec err = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &quoted };
	struct pb_pkt in, out;

	commit(ZONES_FC_TRUST PLAIN SNAT);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates */
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(run_at(fc_if, &err, &in, &out), FX_XDP_PASS,
		     "the client's error by trust's other interface");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_SFW_ERR_NO_SESSION), 0);
	cr_expect_eq(run_at(in_if, &err, &in, &out), FX_XDP_PASS, "and by fa");
}

/* Review Z9: the host's own packets are bound by none, and still record
 * their egress on whatever wing they match. One with a transit session's
 * server tuple (a tcp-reset reject in the forward chain, a transparent
 * proxy answering for the server) moves the server's wing onto the
 * client's interface: from then on the server's tuple is taken from the
 * inside (N6's second variant) and the real server's packets from the
 * WAN are refused. */
Test(zone_bind, rv_hosts_own_packet_does_not_move_a_transit_wing)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41120, 53);
	struct pb_spec r = udp(SERVER1, CLIENT_A, 53, 41120);
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(tc_of(in_if, 0, &r), FX_TC_OK,
		     "the host's own packet with the server's tuple, out of fa");
	cr_expect_eq(sess_of(&u).wing[SFW_WING_OUT].ifindex, out_if,
		     "the server's wing still comes in by fb");
	cr_expect_eq(run_at(in_if, &r, &in, &out), FX_XDP_DROP, "the server's tuple from the inside");
	cr_expect_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT, "the server's own, from the WAN");
}

/* Review Z5: only the ingress is bound. A route change that moves a
 * trust -> untrust session's destination behind dmz's interface is
 * followed: the client's next packet leaves into dmz, a zone pair no
 * policy judged (XDP's own forwarding compares the FIB's egress with
 * nothing; the stack's path is not looked at either). */
Test(zone_bind, rv_route_moved_into_another_zone_not_followed)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41130, 53);
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ PLAIN);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	route_by_fc(SERVER1, true);
	cr_expect_eq(run_at(in_if, &u, &in, &out), FX_XDP_DROP,
		     "the trust -> untrust session's packet routed into dmz");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* The same route change into another interface of the session's own
 * zone (fc moved into untrust beside fb) is followed: the zone pair its
 * policy judged still holds. */
Test(zone_bind, route_moved_inside_the_zone_followed)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41135, 53);
	struct pb_pkt in, out;

	commit(ZONES_FC_UNTRUST PLAIN);
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, "sfw_tx_ports"), &fc_if, &fc_if,
					 BPF_ANY), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	route_by_fc(SERVER1, true);
	cr_expect_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT, "on toward fc, untrust's");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* Review Z1, the lever: transit first packets are refused only for
 * sources nothing routes to, so a host of dmz may open trust's client's
 * tuple (a fixed-port flow: WireGuard, IKE, NTP) toward the Internet
 * where dmz -> untrust permits it. The client's own packets from trust
 * then meet a session bound to dmz and are refused for as long as the
 * spoofer keeps it alive (int9 merged them; Junos keys by zone and keeps
 * both). Fixed by a zone-level reverse-path check on transit first
 * packets: a source that routes back by another zone is refused under
 * Address spoofing (bpf/fib.bpf.h sfw_fib_src_unrouted). */
Test(zone_bind, rv_spoofed_opener_from_another_zone_does_not_lock_out_the_client)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 51820, 51820);
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ PLAIN
	       "set security policies from-zone dmz to-zone untrust policy d match source-address any destination-address any application any\n"
	       "set security policies from-zone dmz to-zone untrust policy d then permit\n");
	cr_expect_eq(run_at(fc_if, &u, &in, &out), FX_XDP_DROP,
		     "dmz spoofs the client's tuple: its source routes back by trust");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_ADDRESS_SPOOFING), 1);
	cr_expect_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT, "the client itself, from trust");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* Review Z10: a port the host publishes by netfilter DNAT to a container
 * or VM behind an interface sfw does not watch (docker0, virbr0; fc
 * here). The client's SYN opens a session to the host at XDP (the
 * destination is the host's address there); the container's answer,
 * translated back by the stack, leaves by fb with the host's address as
 * its source and skb->ingress_ifindex = fc. It is the host's answer, on
 * the host's own wing, but tc takes it as forwarded from fc and binds it
 * to the Out wing's zone (the client's, untrust): refused, so every
 * published port is dead (int9 passed it). */
Test(zone_bind, rv_hosts_dnat_answer_from_a_container_not_refused)
{
	struct pb_spec q = udp("192.0.2.99", FB_ADDR, 41140, 8080);
	struct pb_spec a = udp(FB_ADDR, "192.0.2.99", 8080, 41140);
	struct pb_pkt in, out;

	commit(ZONES_FC_TRUST PUBLISHED DENY_ALL);
	cr_assert_eq(run_at(out_if, &q, &in, &out), FX_XDP_PASS, "the client's datagram to the host");
	cr_expect_eq(tc_of(out_if, fc_if, &a), FX_TC_OK,
		     "the container's answer, translated back by the host, out of fb");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* The binding's third review (RV2; docs/security.md "Sessions are bound
 * to their zones"). */
/* RV2-1: a packet XDP refuses because its route now leaves into another
 * zone (review Z5) is refused in sfw_xdp_forward, after sfw_account
 * counted it on the session and refreshed it: a flow whose route moved
 * stays alive on packets that never leave, and the session's counts
 * (show, the close log, accounting) include refused packets. */
Test(zone_bind, rv2_packet_refused_for_its_route_counts_and_refreshes_nothing)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41200, 53);
	struct pb_pkt in, out;
	struct sfw_session before, after;

	commit(ZONES_FC_DMZ PLAIN);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	route_by_fc(SERVER1, true);
	cr_assert_eq(fx_age(&u, 5), 0);
	before = sess_of(&u);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_DROP, "routed into dmz: refused");
	after = sess_of(&u);
	cr_expect_eq(after.wing[SFW_WING_IN].packets, before.wing[SFW_WING_IN].packets,
		     "the refused packet counted on the session");
	cr_expect_eq(after.wing[SFW_WING_IN].bytes, before.wing[SFW_WING_IN].bytes);
	cr_expect_eq(after.last_seen_s, before.last_seen_s, "refreshed by a refused packet");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(outcomes_at(in_if), 2, "one outcome per packet");
}

/* RV2-1, the stack's forwarding: with XDP forwarding off the route is
 * judged by sfw_xdp_egress_ok, before the session is touched as well. */
Test(zone_bind, rv2_packet_the_stack_would_route_into_another_zone_changes_nothing)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41202, 53);
	struct pb_pkt in, out;
	struct sfw_session before, after;

	commit(ZONES_FC_DMZ PLAIN);
	nat_xdp_forwarding(false);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_PASS);
	route_by_fc(SERVER1, true);
	cr_assert_eq(fx_age(&u, 5), 0);
	before = sess_of(&u);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_DROP, "routed into dmz: refused");
	after = sess_of(&u);
	cr_expect_eq(after.wing[SFW_WING_IN].packets, before.wing[SFW_WING_IN].packets,
		     "the refused packet counted on the session");
	cr_expect_eq(after.last_seen_s, before.last_seen_s, "refreshed by a refused packet");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* RV2-1, no route: a transit packet whose destination became one of the
 * host's own addresses is refused as "No route present" (the FIB's
 * NOT_FWDED) before the session is touched. */
Test(zone_bind, rv2_packet_refused_as_no_route_changes_nothing)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41204, 53);
	struct pb_pkt in, out;
	struct sfw_session before, after;

	commit(ZONES_FC_DMZ PLAIN);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(system("ip addr add " SERVER1 "/32 dev fb"), 0);
	cr_assert_eq(fx_age(&u, 5), 0);
	before = sess_of(&u);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_DROP, "to the host's own address now");
	after = sess_of(&u);
	cr_expect_eq(after.wing[SFW_WING_IN].packets, before.wing[SFW_WING_IN].packets,
		     "the refused packet counted on the session");
	cr_expect_eq(after.last_seen_s, before.last_seen_s, "refreshed by a refused packet");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_NO_ROUTE), 1);
}

/* RV2-2: the same for TCP: the client's RST, refused for its route into
 * another zone, has already moved the session's TCP state (sfw_tcp_track
 * in sfw_account) -- the connection is closed on the firewall although
 * the RST never left; the server's next segment then meets a CLOSED
 * session. A FIN likewise starts the close. */
Test(zone_bind, rv2_rst_refused_for_its_route_does_not_close_the_session)
{
	struct pb_spec c = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
			     .sport = 41210, .dport = 80 };
	struct pb_spec s = pb_reverse(&c);
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ PLAIN);
	c.tcp_flags = SFW_TCP_SYN, c.seq = 1000;
	cr_assert_eq(run_at(in_if, &c, &in, &out), FX_XDP_REDIRECT, "SYN");
	s.tcp_flags = SFW_TCP_SYN | SFW_TCP_ACK, s.seq = 5000, s.ack = 1001;
	cr_assert_eq(run_at(out_if, &s, &in, &out), FX_XDP_REDIRECT, "SYN-ACK");
	c.tcp_flags = SFW_TCP_ACK, c.seq = 1001, c.ack = 5001;
	cr_assert_eq(run_at(in_if, &c, &in, &out), FX_XDP_REDIRECT, "ACK");
	cr_assert_eq(sess_of(&c).tcp_state, SFW_TCP_ESTABLISHED);
	route_by_fc(SERVER1, true);
	c.tcp_flags = SFW_TCP_RST | SFW_TCP_ACK;
	cr_assert_eq(run_at(in_if, &c, &in, &out), FX_XDP_DROP, "the RST, routed into dmz");
	cr_expect_eq(sess_of(&c).tcp_state, SFW_TCP_ESTABLISHED,
		     "a refused RST closed the session");
	cr_expect_eq(sess_of(&c).wing[SFW_WING_IN].packets, 2);
}

/* RV2-3: at tc, the host's answer into another zone than the client's
 * (review Z5) is refused after sfw_account: the host's wing counted it
 * and recorded its egress (fb, untrust), so an error about that answer
 * is then taken from the WAN -- the zone the answer was refused for --
 * and the wing no longer says where the answers really leave. */
Test(zone_bind, rv2_hosts_answer_refused_at_tc_changes_no_session_state)
{
	struct pb_spec q = udp("192.0.2.99", FB_ADDR, 41220, 53);
	struct pb_spec a = udp(FB_ADDR, "192.0.2.99", 53, 41220);
	struct pb_spec err = { .src = "192.0.2.99", .dst = FB_ADDR, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &a };
	struct pb_pkt in, out;
	struct sfw_session before, after;

	commit(ZONES_FC_TRUST LAN_DNS DENY_ALL);
	cr_assert_eq(run_at(in_if, &q, &in, &out), FX_XDP_PASS);
	cr_assert_eq(fx_age(&q, 5), 0);
	before = sess_of(&q);
	cr_assert_eq(tc_of(out_if, 0, &a), FX_TC_SHOT, "the host's answer into untrust");
	after = sess_of(&q);
	cr_expect_eq(after.wing[SFW_WING_OUT].packets, before.wing[SFW_WING_OUT].packets,
		     "the refused answer counted on the host's wing");
	cr_expect_eq(after.wing[SFW_WING_OUT].ifindex, before.wing[SFW_WING_OUT].ifindex,
		     "the refused answer's egress recorded");
	cr_expect_eq(after.last_seen_s, before.last_seen_s, "refreshed by a refused answer");
	cr_expect_eq(run_at(out_if, &err, &in, &out), FX_XDP_DROP,
		     "an error about the refused answer, from the WAN");
}

/* RV2-4: the zone tag in a broadcast/multicast session's key (review Z1,
 * key.pad) is the zone's id at creation, and a commit renumbers ids (a
 * zone declared earlier). trust's DISCOVER session then carries the id
 * dmz has now: dmz's DISCOVER meets it and is refused under Invalid zone
 * (the wing records fa, trust's) until it expires -- and since refused
 * packets do not refresh it while trust's now go to a new key, dmz's
 * DHCP (or an OSPFv3 adjacency: dead interval < the session's timeout)
 * is down after an unrelated commit. */
Test(zone_bind, rv2_broadcast_session_tag_survives_a_renumbering_commit)
{
	struct pb_spec d = udp("0.0.0.0", "255.255.255.255", 68, 67);
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ TO_HOST DENY_ALL);
	cr_assert_eq(run_at(in_if, &d, &in, &out), FX_XDP_PASS, "trust's DISCOVER");
	commit("set security zones security-zone dmz interfaces fc\n"
	       "set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n" TO_HOST DENY_ALL);
	cr_expect_eq(run_at(fc_if, &d, &in, &out), FX_XDP_PASS, "dmz's DISCOVER after the commit");
	cr_expect_eq(run_at(in_if, &d, &in, &out), FX_XDP_PASS, "trust's after the commit");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE) +
		     fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* RV2-5: review Z10's fix covers the container's answers, not its ICMP
 * errors: a UDP port the host publishes by DNAT to a container behind
 * an unwatched interface (fc) -- the container's port unreachable about
 * the client's datagram, translated back by the stack, leaves by fb with
 * skb->ingress_ifindex = fc. sfw_icmp_related binds it by the raw
 * ingress (no sfw_tc_bound_by on the error path) to the Out wing's zone
 * (the client's, untrust): refused at tc, Invalid zone (int9 passed it).
 * The client waits for its timeout instead of learning the port is shut. */
Test(zone_bind, rv2_hosts_dnat_error_from_a_container_not_refused)
{
	struct pb_spec q = udp("192.0.2.99", FB_ADDR, 41230, 8080);
	struct pb_spec err = { .src = FB_ADDR, .dst = "192.0.2.99", .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &q };
	struct pb_pkt in, out;

	commit(ZONES_FC_TRUST PUBLISHED DENY_ALL);
	cr_assert_eq(run_at(out_if, &q, &in, &out), FX_XDP_PASS, "the client's datagram to the host");
	cr_expect_eq(tc_of(out_if, fc_if, &err), FX_TC_OK,
		     "the container's port unreachable, translated back, out of fb");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* The other side of RV2-5's fix: an error forwarded from behind fc that
 * is not the host's own NAT's (its source is not the address the client
 * wrote to) is bound by where it came in, as before: refused. */
Test(zone_bind, forged_error_from_behind_an_unwatched_interface_refused)
{
	struct pb_spec q = udp("192.0.2.99", FB_ADDR, 41235, 8080);
	struct pb_spec err = { .src = "198.51.100.50", .dst = "192.0.2.99", .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &q };
	struct pb_pkt in, out;

	commit(ZONES_FC_TRUST PUBLISHED DENY_ALL);
	cr_assert_eq(run_at(out_if, &q, &in, &out), FX_XDP_PASS, "the client's datagram to the host");
	cr_expect_eq(tc_of(out_if, fc_if, &err), FX_TC_SHOT,
		     "a container's own error about the client's datagram, out of fb");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* RV2-6: review Z10's fix binds a forwarded packet on the host's wing by
 * none, on the premise that the stack drops a packet arriving with one
 * of the host's own addresses as its source (so only the host's own NAT
 * makes one). True for IPv4 (fib_validate_source); IPv6 has no such
 * check: Linux 6.18 forwards a datagram whose source is the router's own
 * address (checked with three namespaces, the reviewer's notes). So on IPv6 any
 * host behind an interface sfw does not watch (a container, a VM on
 * virbr0) injects packets as the firewall into sessions to it (here a
 * DNS answer to an untrust client's query) or the firewall's own
 * sessions, from a zone the session was never judged for, past the
 * zone binding. */
Test(zone_bind, rv2_ipv6_spoof_of_the_hosts_address_from_an_unwatched_interface_refused)
{
	struct pb_spec q = udp("2001:db8:b::99", "2001:db8:b::1", 41240, 53);
	struct pb_spec a = udp("2001:db8:b::1", "2001:db8:b::99", 53, 41240);
	struct pb_pkt in, out;

	cr_assert_eq(system("ip -6 addr add 2001:db8:b::1/64 dev fb nodad && "
			    "ip -6 neigh add 2001:db8:b::99 lladdr 02:00:00:00:00:99 dev fb nud permanent"), 0);
	commit(ZONES_FC_TRUST
	       "set security policies from-zone untrust to-zone junos-host policy dns match source-address any destination-address any application any\n"
	       "set security policies from-zone untrust to-zone junos-host policy dns then permit\n" DENY_ALL);
	cr_assert_eq(run_at(out_if, &q, &in, &out), FX_XDP_PASS, "the client's query to the host");
	cr_expect_eq(tc_of(out_if, fc_if, &a), FX_TC_SHOT,
		     "a forged answer from behind fc (trust), forwarded by the stack to fb");
}

/* The frame run at XDP on fa went up to the stack (XDP_PASS), which
 * forwards it out of fc: its fate at fc's tc egress (ingress fa,
 * attached). Refused at one hook or the other is what the binding asks. */
static int stack_forwarded_at(__u32 egress, const struct pb_pkt *frame)
{
	struct pb_pkt out;

	return tc_at(egress, in_if, frame, &out);
}

/* u again by fa, after its route moved behind fc (dmz): refused by XDP,
 * or passed up and refused at fc's tc egress. */
static void refused_into_dmz(const struct pb_spec *u)
{
	struct pb_pkt up, in, out;
	int r = run_at(in_if, u, &in, &out);

	cr_assert_eq(pb_build(u, &up), 0);
	cr_expect(r == FX_XDP_DROP || (r == FX_XDP_PASS && stack_forwarded_at(fc_if, &up) == FX_TC_SHOT),
		  "the trust -> untrust session's packet left into dmz by the stack (XDP %d)", r);
}

/* RV2-7: review Z5's egress binding is in sfw_forward (XDP's own
 * redirect) and at tc for the packets tc looks up (unwatched ingress,
 * the host's own). A packet XDP hands to the stack -- the route's
 * neighbour not resolved yet (NO_NEIGH), a fragment, XDP forwarding off
 * -- is forwarded by the stack into dmz, and tc egress lets a packet
 * forwarded from an attached interface through without a look: the
 * route moved into another zone is followed after all. Here the new
 * route's neighbour is not resolved. */
Test(zone_bind, rv2_route_moved_into_another_zone_not_followed_by_the_stack)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41250, 53);
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ PLAIN);
	attach_all();
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	route_by_fc(SERVER1, false);   /* no neighbour yet */
	refused_into_dmz(&u);
}

/* RV2-8: the same for a fragmented datagram with the neighbour resolved:
 * XDP never forwards fragments (sfw_xdp_forward: p->frag), so every
 * fragment goes up, and the stack forwards the datagram into dmz. */
Test(zone_bind, rv2_fragmented_datagram_not_routed_into_another_zone)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41260, 53);
	struct pb_spec big = u;
	struct pb_pkt fr[4], in, out;
	int r;

	commit(ZONES_FC_DMZ PLAIN);
	attach_all();
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	route_by_fc(SERVER1, true);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_DROP, "unfragmented: refused (Z5)");
	big.payload = 1200;
	big.ip_id = 4126;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	out = fr[0];
	r = fx_xdp_frame_at(in_if, fr[0].data, fr[0].len, out.data, &out.len);
	cr_expect(r == FX_XDP_DROP || (r == FX_XDP_PASS && stack_forwarded_at(fc_if, &fr[0]) == FX_TC_SHOT),
		  "the datagram's first fragment left into dmz by the stack (XDP %d)", r);
}

/* RV2-9: with XDP forwarding off (the stack forwards everything) the
 * egress binding is not there at all. */
Test(zone_bind, rv2_route_moved_into_another_zone_not_followed_without_xdp_forwarding)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41270, 53);
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ PLAIN);
	nat_xdp_forwarding(false);
	attach_all();
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_PASS);
	route_by_fc(SERVER1, true);
	refused_into_dmz(&u);
}

/* r, a reply by fb, again after the client's route moved behind fc
 * (dmz): refused by XDP, or passed up and refused at fc's tc egress. */
static void reply_refused_into_dmz(const struct pb_spec *r, const char *what)
{
	struct pb_pkt in, out, fwd;
	int x;

	route_by_fc(CLIENT_A, true);
	x = run_at(out_if, r, &in, &out);
	cr_expect(x == FX_XDP_DROP || (x == FX_XDP_PASS && tc_at(fc_if, out_if, &out, &fwd) == FX_TC_SHOT),
		  "%s left into dmz by the stack (XDP %d)", what, x);
}

/* RV14-Z1's control: a plain session's reply the stack would route into
 * another zone is refused (sfw_xdp_egress_ok reads its own destination,
 * the client's). Passes on int14: only the NAT reply is let through. */
Test(zone_bind, rv14_plain_reply_the_stack_would_route_into_another_zone_refused)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41282, 53);
	struct pb_spec r = udp(SERVER1, CLIENT_A, 53, 41282);
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ PLAIN);
	nat_xdp_forwarding(false);
	attach_all();
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_PASS);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_PASS, "the first reply, to the client");
	reply_refused_into_dmz(&r, "the plain session's reply");
}

/* RV14-Z1 (review 14): RV2-9's binding for a source NAT session's reply.
 * With XDP forwarding off (or a fragment) the reply goes up to the stack
 * after sfw_nat_rewrite, and sfw_xdp_route_first asks sfw_xdp_egress_ok
 * of the packet as parsed (p, untranslated): its destination is fb's own
 * address, the lookup answers NOT_FWDED and the route passes. The stack
 * then forwards the translated reply by the client's route, which has
 * moved behind fc (dmz), and fc's tc egress lets a packet forwarded from
 * an attached interface through: untrust -> dmz, a zone pair no policy
 * judged. (The same on ac2daa5: the old post-NAT check read p too.)
 * Refused, as a plain session's reply is: sfw_xdp_egress_nat routes it
 * as translated. */
Test(zone_bind, rv14_nat_reply_the_stack_would_route_into_another_zone_refused)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41280, 53);
	struct pb_spec r;
	struct pb_pkt in, out;
	struct sfw_session v;

	commit(ZONES_FC_DMZ PLAIN SNAT);
	nat_xdp_forwarding(false);
	attach_all();
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_PASS);
	v = sess_of(&u);
	cr_assert(v.flags & SFW_SESS_F_NAT, "no NAT session");
	r = udp(SERVER1, FB_ADDR, 53, ntohs(v.nat.sport));
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_PASS, "the first reply, to the client");
	reply_refused_into_dmz(&r, "the NAT session's reply");
}

/* RV2-10: the zone tag (review Z1) is put in the key by sfw_track only;
 * sfw_tc_nat (and sfw_tc_host_refuse, sfw_tc_nat_icmp) build the key of
 * a packet the stack forwards from an attached interface without it. A
 * datagram to a group that XDP let up to the host (trust -> junos-host)
 * and the stack then forwards into dmz (a multicast routing daemon,
 * smcroute/pimd) used to meet its host session there and be refused
 * (docs/nat.md "Third review: R2": never judged by the policy of the
 * zones it crosses); with the tag the lookup misses and it leaves into
 * dmz unjudged. */
Test(zone_bind, rv2_group_datagram_the_stack_forwards_still_refused)
{
	struct pb_spec g = udp(CLIENT_A, "239.1.1.1", 5000, 5000);
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ TO_HOST PLAIN SNAT);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(fc_if), 0);
	cr_assert_eq(run_at(in_if, &g, &in, &out), FX_XDP_PASS, "to the host, trust -> junos-host");
	cr_expect_eq(tc_of(fc_if, in_if, &g), FX_TC_SHOT,
		     "forwarded by the stack from fa into dmz");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* RV2-11 (notes N2): the ICMP error path looks the quoted packet up with
 * an untagged key (sfw_icmp_related_to). The host's own ICMPv6 Parameter
 * Problem about a client's multicast datagram (RFC 4443 lets it answer a
 * group for an unrecognised option of type 10xxxxxx) quotes a tagged
 * session and finds none: refused at tc as Reply without session, where
 * int10 found the session. */
Test(zone_bind, rv2_hosts_error_about_a_clients_group_datagram_finds_its_session)
{
	struct pb_spec q = udp("fe80::5", "ff02::1:2", 546, 547);
	struct pb_spec err = { .src = "fe80::1", .dst = "fe80::5", .proto = SFW_IPPROTO_ICMP6,
			       .icmp_type = 4, .icmp_code = 2, .inner = &q };
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ TO_HOST DENY_ALL);
	cr_assert_eq(run_at(in_if, &q, &in, &out), FX_XDP_PASS, "the client's datagram to the group");
	cr_expect_eq(tc_of(in_if, 0, &err), FX_TC_OK,
		     "the host's own Parameter Problem about it, out of fa");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_SFW_ERR_NO_SESSION), 0);
}

/* Review rv32b F3: the zones map is keyed by index, and a deleted
 * interface's index can be given to the next one. The zones of the
 * configuration in force are computed again from its names when
 * interfaces change (loader/zone_ifnames.c, the session daemon). */
static __u32 zone_in_force(__u32 ifindex)
{
	struct sfw_policy_fds f = fds();
	struct sfw_config cfg;
	struct sfw_zone_key k = { .ifindex = ifindex };
	__u32 zone;

	cr_assert_eq(fx_config(&cfg), 0);
	k.gen = cfg.gen & 1;
	return bpf_map_lookup_elem(f.zones, &k, &zone) ? SFW_ZONE_NONE : zone;
}

static void follow_links(void)
{
	struct sfw_policy_fds f = fds();
	struct sfw_config cfg;

	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_geq(sfw_zones_resolve(&f, cfg.gen & 1, true, cfg.conf_digest), 0, "%s", sfw_last_error());
}

/* fc deleted and fe, which no configuration names, made with its index:
 * fe is in no zone, its first packets are refused as such, and fc's
 * session (a wing on the index) ended rather than fe's now. */
Test(zone_bind, rv32b_reused_index_is_not_the_old_interfaces_zone)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41150, 53);
	/* a client behind fe (routed back by it: no spoofing) */
	struct pb_spec fresh = udp("192.0.2.7", SERVER1, 41151, 53);
	__u32 trust = zone_in_force(fc_if);
	struct pb_pkt in, out;
	struct sfw_session v;
	char cmd[160];

	cr_assert_neq(trust, SFW_ZONE_NONE);
	cr_assert_eq(run_at(fc_if, &u, &in, &out), FX_XDP_REDIRECT);
	snprintf(cmd, sizeof(cmd), "ip link del fc && ip link add fe index %u type veth peer "
		 "name ff && ip link set fe up && ip link set ff up && "
		 "ip route add 192.0.2.7/32 dev fe", fc_if);
	cr_assert_eq(system(cmd), 0);
	follow_links();
	cr_expect_eq(zone_in_force(fc_if), SFW_ZONE_NONE, "fe is in fc's zone");
	cr_expect_neq(fx_session(&u, &v), 0, "fc's session is fe's now");
	cr_expect_eq(run_at(fc_if, &fresh, &in, &out), FX_XDP_DROP, "a first packet by fe");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_NO_ZONE), 1);
	/* and fc made anew, another index: trust's, without a commit */
	cr_assert_eq(system("ip link add fc type veth peer name fd && ip link set fc up && "
			    "ip link set fd up"), 0);
	follow_links();
	cr_expect_eq(zone_in_force(if_nametoindex("fc")), trust, "the new fc is in no zone");
	cr_expect_eq(zone_in_force(fc_if), SFW_ZONE_NONE);
}

/* Renamed away from its name in the configuration, an interface leaves
 * its zone; renamed back, it comes back into it. Nothing else moves. */
Test(zone_bind, rv32b_renamed_interface_follows_its_name)
{
	__u32 trust = zone_in_force(fc_if), untrust = zone_in_force(out_if);

	cr_assert_eq(system("ip link set fc down && ip link set fc name fr"), 0);
	follow_links();
	cr_expect_eq(zone_in_force(fc_if), SFW_ZONE_NONE, "fr is still trust's");
	cr_expect_eq(zone_in_force(in_if), trust, "fa moved");
	cr_expect_eq(zone_in_force(out_if), untrust, "fb moved");
	cr_assert_eq(system("ip link set fr name fc && ip link set fc up"), 0);
	follow_links();
	cr_expect_eq(zone_in_force(fc_if), trust, "fc is no longer trust's");
}
