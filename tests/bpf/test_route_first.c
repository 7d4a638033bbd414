/* The route judged before the session is touched (docs/security.md
 * "Sessions are bound to their zones", RV2-1 to RV2-3; sfw_hook_route):
 * the checks the change made that test_zone_bind.c's rv2_* tests leave
 * out. tc's one check before accounting for a packet the stack forwards
 * from an unwatched interface; the TCP restart (sfw_tcp_restarts), judged
 * as the first packet it is and nothing else with it; a NAT reply's route,
 * looked up on its client's address (the session's key), not the alias's.
 * The NAT fixture (tests/bpf/nat_fixture.h) with a third interface, fc (a
 * veth), in trust or dmz as each test commits. */
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "tcp_conn.h"

#define RF_FC_TRUST "set security zones security-zone trust interfaces fa\n" \
		    "set security zones security-zone trust interfaces fc\n" \
		    "set security zones security-zone untrust interfaces fb\n"
#define RF_FC_DMZ "set security zones security-zone trust interfaces fa\n" \
		  "set security zones security-zone dmz interfaces fc\n" \
		  "set security zones security-zone untrust interfaces fb\n"
#define RF_OUT "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n" \
	       "set security policies from-zone trust to-zone untrust policy out then permit\n" \
	       "set security policies default-policy deny-all\n"
#define RF_TO_DMZ "set security policies from-zone trust to-zone dmz policy d match source-address any destination-address any application any\n" \
		  "set security policies from-zone trust to-zone dmz policy d then permit\n"
#define RF_SNAT "set security nat source rule-set RS from zone trust\n" \
		"set security nat source rule-set RS to zone untrust\n" \
		"set security nat source rule-set RS rule R1 match source-address 198.51.100.0/24\n" \
		"set security nat source rule-set RS rule R1 then source-nat interface\n"
#define FC_PEER_MAC "02:00:00:00:00:33"

static __u32 fc_if;

static void rf_setup(void)
{
	nat_setup();
	cr_assert_eq(system("ip link add fc type veth peer name fd && ip link set fc up && ip link set fd up"), 0);
	fc_if = if_nametoindex("fc");
	cr_assert(fc_if);
	cr_assert_eq(fx_add_counters(fc_if), 0);
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, "sfw_tx_ports"), &fc_if, &fc_if, BPF_ANY), 0);
}

TestSuite(route_first, .init = rf_setup, .fini = suite_teardown);

/* addr's route moved behind fc, its neighbour resolved */
static void route_by_fc(const char *addr)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "ip route add %s/32 dev fc && "
		 "ip neigh add %s lladdr " FC_PEER_MAC " dev fc nud permanent", addr, addr);
	cr_assert_eq(system(cmd), 0);
}

static struct sfw_session sess_of(const struct pb_spec *s)
{
	struct sfw_session v;

	cr_assert_eq(fx_session(s, &v), 0, "no session for the flow");
	return v;
}

/* One segment of k's connection: the client's at fa's XDP, the
 * server's at fb's (conn_send's numbers, the fixture's interfaces). */
static int seg(struct conn *k, bool client, __u8 flags, __u16 payload)
{
	struct pb_spec *sp = client ? &k->c : &k->s;
	__u32 *next = client ? &k->c_next : &k->s_next;
	struct pb_pkt in, out;

	sp->tcp_flags = flags;
	sp->seq = *next;
	sp->ack = flags & SFW_TCP_ACK ? (client ? k->s_next : k->c_next) : 0;
	sp->payload = payload;
	*next += payload + !!(flags & SFW_TCP_SYN) + !!(flags & SFW_TCP_FIN);
	return run_at(client ? in_if : out_if, sp, &in, &out);
}

/* k from CLIENT_A to SERVER1:80 from sport, handshaken and closed both
 * ways: TIME_WAIT */
static void conn_to_time_wait(struct conn *k, __u16 sport)
{
	conn_init(k, CLIENT_A, SERVER1);
	k->c.sport = k->s.dport = sport;
	cr_assert_eq(seg(k, true, SYN, 0), FX_XDP_REDIRECT, "SYN");
	cr_assert_eq(seg(k, false, SYN | ACK, 0), FX_XDP_REDIRECT, "SYN-ACK");
	cr_assert_eq(seg(k, true, ACK, 0), FX_XDP_REDIRECT, "ACK");
	cr_assert_eq(seg(k, true, FIN | ACK, 0), FX_XDP_REDIRECT, "the client's FIN");
	cr_assert_eq(seg(k, false, FIN | ACK, 0), FX_XDP_REDIRECT, "the server's FIN");
	cr_assert_eq(seg(k, true, ACK, 0), FX_XDP_REDIRECT, "the last ACK");
	cr_assert_eq(sess_of(&k->c).tcp_state, SFW_TCP_TIME_WAIT);
}

/* The session of k untouched since before: counts, refresh, TCP state */
static void untouched(const struct sfw_session *before, const struct conn *k, const char *what)
{
	struct sfw_session after = sess_of(&k->c);

	cr_expect_eq(after.id, before->id, "%s: the session replaced", what);
	cr_expect_eq(after.tcp_state, before->tcp_state, "%s: moved the TCP state", what);
	cr_expect_eq(after.last_seen_s, before->last_seen_s, "%s: refreshed the session", what);
	for (int w = 0; w < 2; w++)
		cr_expect_eq(after.wing[w].packets, before->wing[w].packets,
			     "%s: counted on wing %d", what, w);
}

/* 1. tc: a transit TCP connection the stack forwards from fc, which sfw
 * does not watch, opened at fb's tc (In wing fc, Out wing fb). The route
 * to SERVER1 then leads out of fa: trust, not untrust, the zone its other
 * wing records. The client's segments forwarded that way are refused at
 * fa's tc before they count: the session neither counts them nor is
 * refreshed, and the RST leaves it ESTABLISHED (sfw_hook_route at tc,
 * RV2-3 for forwarded packets). */
Test(route_first, tc_forwarded_packet_into_another_zone_changes_nothing)
{
	struct conn k;
	struct sfw_session before;
	struct pb_pkt p, out;

	commit(RF_FC_TRUST RF_OUT);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	conn_init(&k, CLIENT_A, SERVER1);
	k.c.sport = k.s.dport = 41300;
	k.c.tcp_flags = SYN, k.c.seq = k.c_next++;
	cr_assert_eq(pb_build(&k.c, &p), 0);
	cr_assert_eq(tc_at(out_if, fc_if, &p, &out), FX_TC_OK, "SYN forwarded from fc out of fb");
	cr_assert_eq(seg(&k, false, SYN | ACK, 0), FX_XDP_REDIRECT, "SYN-ACK at fb");
	k.c.tcp_flags = ACK, k.c.seq = k.c_next, k.c.ack = k.s_next;
	cr_assert_eq(pb_build(&k.c, &p), 0);
	cr_assert_eq(tc_at(out_if, fc_if, &p, &out), FX_TC_OK, "ACK forwarded from fc out of fb");
	cr_assert_eq(sess_of(&k.c).tcp_state, SFW_TCP_ESTABLISHED);
	cr_assert_eq(sess_of(&k.c).wing[SFW_WING_IN].ifindex, fc_if);
	cr_assert_eq(fx_age(&k.c, 5), 0);
	before = sess_of(&k.c);
	k.c.tcp_flags = ACK | PSH, k.c.payload = 100;
	cr_assert_eq(pb_build(&k.c, &p), 0);
	cr_expect_eq(tc_at(in_if, fc_if, &p, &out), FX_TC_SHOT, "data forwarded from fc out of fa");
	untouched(&before, &k, "refused data");
	k.c.tcp_flags = RST | ACK, k.c.payload = 0;
	cr_assert_eq(pb_build(&k.c, &p), 0);
	cr_expect_eq(tc_at(in_if, fc_if, &p, &out), FX_TC_SHOT, "a RST forwarded from fc out of fa");
	untouched(&before, &k, "refused RST");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 2);
	cr_expect_eq(outcomes_at(in_if), 2, "one outcome per packet");
	/* still the connection it was: the server's next segment passes */
	cr_expect_eq(seg(&k, false, ACK, 0), FX_XDP_REDIRECT, "the server's ACK after");
}

/* 2. A bare SYN that restarts a TIME_WAIT connection whose route moved
 * into dmz is the first packet of a new session (sfw_tcp_restarts): its
 * route is not the old session's to judge. With trust -> dmz permitted it
 * opens toward fc; its Out wing records fc. */
Test(route_first, tcp_restart_after_a_route_change_opens_by_the_new_route)
{
	struct conn k;
	__u64 id;

	commit(RF_FC_DMZ RF_OUT RF_TO_DMZ);
	conn_to_time_wait(&k, 41310);
	id = sess_of(&k.c).id;
	route_by_fc(SERVER1);
	k.c_next += 100000;   /* a new incarnation's ISN */
	cr_expect_eq(seg(&k, true, SYN, 0), FX_XDP_REDIRECT, "the restarting SYN, toward dmz");
	cr_expect_neq(sess_of(&k.c).id, id, "the old session took the SYN");
	cr_expect_eq(sess_of(&k.c).tcp_state, SFW_TCP_SYN_SENT);
	cr_expect_eq(sess_of(&k.c).wing[SFW_WING_OUT].ifindex, fc_if, "its replies by fc");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* The same restart (bare, and with data: sfw_tcp_syn restarts on flags
 * alone) without a trust -> dmz policy: judged by policy, as a first
 * packet, and denied; not refused for the old session's zone. */
Test(route_first, tcp_restart_after_a_route_change_judged_by_policy)
{
	struct conn k;

	commit(RF_FC_DMZ RF_OUT);
	conn_to_time_wait(&k, 41320);
	route_by_fc(SERVER1);
	k.c_next += 100000;
	cr_expect_eq(seg(&k, true, SYN, 0), FX_XDP_DROP, "the restarting SYN, toward dmz");
	k.c_next -= 1;
	cr_expect_eq(seg(&k, true, SYN, 20), FX_XDP_DROP, "a restarting SYN with data");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 2, "judged by policy");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* What does not restart a connection keeps the route check before the
 * session: on TIME_WAIT a SYN-ACK (either side's), on ESTABLISHED a bare
 * SYN and one with data -- each refused for the route into dmz, and the
 * session neither counts it, nor is refreshed, nor moves. */
Test(route_first, tcp_non_restart_syns_keep_the_route_check)
{
	struct conn tw, est;
	struct sfw_session before;

	commit(RF_FC_DMZ RF_OUT RF_TO_DMZ);
	conn_to_time_wait(&tw, 41330);
	conn_init(&est, CLIENT_A, SERVER1);
	est.c.sport = est.s.dport = 41331;
	cr_assert_eq(seg(&est, true, SYN, 0), FX_XDP_REDIRECT);
	cr_assert_eq(seg(&est, false, SYN | ACK, 0), FX_XDP_REDIRECT);
	cr_assert_eq(seg(&est, true, ACK, 0), FX_XDP_REDIRECT);
	cr_assert_eq(sess_of(&est.c).tcp_state, SFW_TCP_ESTABLISHED);
	route_by_fc(SERVER1);
	/* older, not expired: TIME_WAIT lasts 4 s */
	cr_assert_eq(fx_age(&tw.c, 1), 0);
	cr_assert_eq(fx_age(&est.c, 1), 0);

	before = sess_of(&tw.c);
	tw.c_next += 100000;
	cr_expect_eq(seg(&tw, true, SYN | ACK, 0), FX_XDP_DROP, "a SYN-ACK on TIME_WAIT");
	untouched(&before, &tw, "SYN-ACK on TIME_WAIT");

	before = sess_of(&est.c);
	est.c_next -= 1;   /* the SYN's own number again */
	cr_expect_eq(seg(&est, true, SYN, 0), FX_XDP_DROP, "a SYN on ESTABLISHED");
	untouched(&before, &est, "SYN on ESTABLISHED");
	est.c_next -= 1;
	cr_expect_eq(seg(&est, true, SYN, 20), FX_XDP_DROP, "a SYN with data on ESTABLISHED");
	untouched(&before, &est, "SYN with data on ESTABLISHED");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 3, "refused for the route");
	cr_expect_eq(outcomes_at(in_if), 3 + 4 + 2, "one outcome per packet");
}

/* 3. A NAT reply arrives for the alias (FB_ADDR:port), the host's own
 * address; XDP routes it by where it goes once translated, the client's
 * address from the session's key (opener low or high in the key: both
 * clients). A route change for the client inside trust (behind fc) is
 * followed: the reply leaves toward fc's neighbour. */
Test(route_first, nat_reply_routed_on_the_clients_address)
{
	const char *clients[] = { CLIENT_A, CLIENT_B };

	commit(RF_FC_TRUST RF_OUT RF_SNAT);
	for (int i = 0; i < 2; i++) {
		struct pb_spec u = udp(clients[i], SERVER1, 41340, 53);
		struct pb_spec r;
		struct pb_pkt in, out;
		static const __u8 fc_peer[6] = { 2, 0, 0, 0, 0, 0x33 };

		cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT, "%s's datagram", clients[i]);
		r = udp(SERVER1, FB_ADDR, 53, port_at(&out, 0));
		cr_expect_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT, "the reply to %s", clients[i]);
		cr_expect_eq(addr_at(&out, 16), a4(clients[i]), "translated to %s", clients[i]);
		route_by_fc(clients[i]);
		cr_expect_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT,
			     "the reply to %s, routed behind fc (trust)", clients[i]);
		cr_expect_eq(memcmp(out.data, fc_peer, 6), 0, "not sent to fc's neighbour");
		cr_expect_eq(sess_of(&u).wing[SFW_WING_OUT].packets, 2);
	}
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_SFW_PERMITTED_PKTS), 4);
}

/* The client's route moved into dmz: its NAT session's reply, XDP
 * forwarding it, is refused for the zone (Invalid zone, not Incoming NAT
 * errors: the route is the client's, not the host's own address), and
 * counts nothing on the session nor refreshes it. */
Test(route_first, nat_reply_routed_into_another_zone_refused_before_it_counts)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41350, 53);
	struct pb_spec r;
	struct pb_pkt in, out;
	struct sfw_session before, after;

	commit(RF_FC_DMZ RF_OUT RF_SNAT);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	r = udp(SERVER1, FB_ADDR, 53, port_at(&out, 0));
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT, "the first reply");
	route_by_fc(CLIENT_A);
	cr_assert_eq(fx_age(&u, 5), 0);
	before = sess_of(&u);
	cr_expect_eq(run_at(out_if, &r, &in, &out), FX_XDP_DROP, "the reply, routed into dmz");
	after = sess_of(&u);
	cr_expect_eq(after.wing[SFW_WING_OUT].packets, before.wing[SFW_WING_OUT].packets,
		     "the refused reply counted");
	cr_expect_eq(after.last_seen_s, before.last_seen_s, "refreshed by a refused reply");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);
}

/* The same reply when the stack forwards it (XDP forwarding off; fb
 * attached, its tc translates the In wing): judged by the client's
 * address as well, refused at XDP, or passed up and refused at fc's tc.
 * sfw_xdp_egress_ok judged it on the packet as it came in, addressed to
 * the alias (FB_ADDR, the host's own: no egress to judge), and the check
 * after the rewrite is skipped for a route judged first: the translated
 * reply went up into dmz (RV2-8, RV2-9 for NAT replies, from d7e8af3). */
Test(route_first, nat_reply_the_stack_forwards_into_another_zone_refused)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41360, 53);
	struct pb_spec r;
	struct pb_pkt in, out, fwd;
	struct sfw_config cfg;
	int v;

	commit(RF_FC_DMZ RF_OUT RF_SNAT);
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags & ~SFW_CFG_F_FORWARD), 0);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(fx_mark_attached(fc_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_PASS, "up untranslated: fb's tc translates");
	r = udp(SERVER1, FB_ADDR, 53, ntohs(sess_of(&u).nat.sport));
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_PASS, "the first reply");
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_A));
	route_by_fc(CLIENT_A);
	v = run_at(out_if, &r, &in, &out);
	cr_expect(v == FX_XDP_DROP || (v == FX_XDP_PASS && tc_at(fc_if, out_if, &out, &fwd) == FX_TC_SHOT),
		  "the reply left into dmz by the stack (XDP %d)", v);
	if (v == FX_XDP_DROP)
		cr_expect_eq(sess_of(&u).wing[SFW_WING_OUT].packets, 1, "the refused reply counted");
}
