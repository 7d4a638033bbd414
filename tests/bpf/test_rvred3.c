/* Red team rvred3: a read-only review after rvred2 (3175d75). ICMP errors
 * about NAT sessions that still left toward a zone other than their
 * addressee's, and a Fast Open RST. Each test fails on 3175d75 and
 * passes with its fix. */
#include "commit.h"
#include "nat_fixture.h"
#include "zone_layouts.h"
#include "nat_errors.h"
#include "tcp_conn.h"

TestSuite(rvred3);

/* 192.0.2.130/31 published as trust's 198.51.100.2/31 (CLIENT_A) */
#define STATIC_IN "set security nat static rule-set SR from zone untrust\n" \
		  "set security nat static rule-set SR rule S match destination-address 192.0.2.130/31\n" \
		  "set security nat static rule-set SR rule S then static-nat prefix 198.51.100.2/31\n" \
		  "set security policies from-zone untrust to-zone trust policy in match source-address any destination-address any application any\n" \
		  "set security policies from-zone untrust to-zone trust policy in then permit\n"

static __u32 fc_if;

static void fc_setup(void)
{
	nat_setup();
	fc_if = veth_fc_up();
}

#define FC_FX .init = fc_setup, .fini = suite_teardown

static void attach_all(bool fc)
{
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	if (fc)
		cr_assert_eq(fx_mark_attached(fc_if), 0);
}

/* F1a: the host's own error about a static NAT session's In wing as it
 * left (c:cp -> the host behind the rule), once the outside client's
 * route moved behind fc (dmz): sfw_icmp_related_nat answered NAT_REPLY
 * with no addressee's interface, and it left into dmz translated. */
Test(rvred3, f1a_hosts_error_about_a_static_nat_session_held_to_its_zone, FC_FX)
{
	struct pb_spec c = udp(SERVER1, "192.0.2.130", 41500, 53);
	struct pb_spec quoted = udp(SERVER1, CLIENT_A, 41500, 53);
	struct pb_spec err = { .src = "198.51.100.1", .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_TIME_EXCEEDED, .icmp_code = 0,
			       .inner = &quoted };
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ STATIC_IN);
	attach_all(true);
	cr_assert_eq(run_at(out_if, &c, &in, &out), FX_XDP_REDIRECT, "the published host reached");
	cr_assert_eq(tc_of(out_if, 0, &err), FX_TC_OK, "control: toward the client's zone");
	cr_assert_eq(system("ip route add " SERVER1 "/32 dev fc"), 0);
	cr_expect_eq(tc_of(fc_if, 0, &err), FX_TC_SHOT, "the host's error left into dmz");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* F1b: the host's own error about a source NAT session's reply as
 * delivered (s:sp -> c:cp), once the server's route moved behind fc. */
Test(rvred3, f1b_hosts_error_about_a_snat_reply_held_to_its_zone, FC_FX)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41640, 53);
	struct pb_spec quoted = udp(SERVER1, CLIENT_A, 53, 41640);
	struct pb_spec err = { .src = "198.51.100.1", .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_TIME_EXCEEDED, .icmp_code = 0,
			       .inner = &quoted };
	struct pb_spec r;
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ TRUST_OUT_ONLY SNAT);
	attach_all(true);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	r = udp(SERVER1, FB_ADDR, 53, port_at(&out, 0));
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT, "the reply");
	cr_assert_eq(system("ip route add " SERVER1 "/32 dev fc"), 0);
	cr_expect_eq(tc_of(fc_if, 0, &err), FX_TC_SHOT, "the host's error left into dmz");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* F2: an error about a source NAT session, translated back to the client
 * in XDP, toward an egress sfw is not attached to (fc: no tc to hold it)
 * once the client's route moved there: XDP asked no route for it. The
 * same error about a plain session was already refused (rvred F3). */
Test(rvred3, f2_translated_error_toward_an_unwatched_egress_refused_at_xdp, FC_FX)
{
	struct pb_spec quoted, err, r;
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ TRUST_OUT_ONLY SNAT);
	attach_all(false);
	snat_session_with_error(41660, &r, &quoted, &err);
	cr_assert_eq(run_at(out_if, &err, &in, &out), FX_XDP_PASS, "control: to the client's zone");
	route_client_behind_fc(CLIENT_A);
	cr_expect_eq(run_at(out_if, &err, &in, &out), FX_XDP_DROP,
		     "an error translated back to the client went up toward dmz");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* T1: in SYN_RECV (the SYN-ACK passed) a responder's RST that merely
 * acknowledges the opener's SYN, which with Fast Open data is any of
 * 1,400 numbers, closed the session; the opener, established, ignores
 * it (RFC 5961), and the connection died at tcp-rst-timeout. */
Test(rvred3, t1_blind_rst_in_syn_recv_does_not_close, .init = suite_setup,
     .fini = suite_teardown)
{
	struct conn k;
	__u32 isn;

	conn_init(&k, CLI4, SRV4);
	isn = k.c_next;
	cr_assert_eq(cli(&k, SYN, 1400), FX_XDP_PASS);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	conn_forge(&k, false, RST | ACK, 0x12345678, isn + 701, 0);
	cr_expect_eq(conn_session(&k).tcp_state, SFW_TCP_SYN_RECV,
		     "a blind RST acknowledging the Fast Open data closed the handshake");
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after a blind RST in SYN_RECV", 3);
}
