/* Red team rvred2: a review of the rvred fixes (83f0848, 0af52d0), from an
 * attacker's side and a legitimate user's. Each test fails on the code it
 * was written against (0af52d0) and passes once the finding it names is
 * fixed. */
#include "commit.h"
#include "nat_fixture.h"
#include "zone_layouts.h"
#include "nat_errors.h"
#include "tcp_conn.h"

TestSuite(rvred2);
#define PLAIN_FX .init = suite_setup, .fini = suite_teardown

static __u32 fc_if;

/* fa in trust, fb in untrust, fc (a veth) in the zone the test commits;
 * attached: the interfaces the test marks */
static void fc_setup(void)
{
	nat_setup();
	fc_if = veth_fc_up();
}

/* ---- R1: tc compares the error's INGRESS, not its egress ------------- */

/* bpf/flow.bpf.h sfw_track: `tc && outcome == SFW_RELATED &&
 * !sfw_err_leaves_ok(f->ifindex)`. At tc f->ifindex is the egress only
 * for the host's own packet; for one forwarded from an interface sfw
 * does not watch (or an attached one without XDP's trace: IPsec
 * decapsulation) bpf/tc_egress.bpf.c sets f.ifindex = in_ifindex. So
 * the addressee's wing interface is compared with where the error came
 * in, which for any session between two zones is the OTHER wing's zone:
 * every such error is refused. Here a trust client behind fc (trust,
 * not attached) talks to a server on the WAN; its port unreachable about
 * the server's reply (the DNS client gone: the most common ICMP error
 * there is) comes in by fc and leaves by fb, the server's zone, and is
 * refused under Invalid zone. The same error from fa (attached, XDP's
 * check, which asks the route) passes. */
Test(rvred2, r1_forwarded_error_from_an_unwatched_interface_not_refused,
     .init = fc_setup, .fini = suite_teardown)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41600, 53);
	struct pb_spec r = udp(SERVER1, CLIENT_A, 53, 41600);
	struct pb_spec err = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3, .inner = &r };
	struct pb_pkt in, out;

	commit(ZONES_FC_TRUST TRUST_OUT_ONLY);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(tc_of(out_if, fc_if, &u), FX_TC_OK, "the client's query, forwarded from fc");
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT, "the server's answer");
	cr_assert_eq(run_at(in_if, &err, &in, &out), FX_XDP_PASS,
		     "control: the client's port unreachable by fa (trust, attached)");
	cr_expect_eq(tc_of(out_if, fc_if, &err), FX_TC_OK,
		     "the client's port unreachable, by fc (trust, unwatched), out of fb toward "
		     "the server's zone: refused");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 0);
}

/* The other side of R1: the check meant to hold a forwarded error to its
 * addressee's zone holds it to the ingress's. A session inside trust
 * (client by fa, server behind fc, both trust; fc not attached): an
 * error from behind fc about the client's packet, whose route to the
 * client has moved into untrust (fb), leaves by fb: ingress fc and the
 * addressee's wing fa are both trust, so it passes. The session's own
 * packet from behind fc along that route is refused (control). */
Test(rvred2, r1_forwarded_error_held_to_its_ingress_zone_not_its_egress,
     .init = fc_setup, .fini = suite_teardown)
{
	const char *srv = "192.0.2.50";   /* behind fc, trust */
	struct pb_spec u = udp(CLIENT_A, srv, 41610, 53);
	struct pb_spec r = udp(srv, CLIENT_A, 53, 41610);
	struct pb_spec err = { .src = srv, .dst = CLIENT_A, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3, .inner = &u };
	struct pb_pkt in, out;

	commit(ZONES_FC_TRUST
	       "set security policies from-zone trust to-zone trust policy in match source-address any destination-address any application any\n"
	       "set security policies from-zone trust to-zone trust policy in then permit\n"
	       "set security policies default-policy deny-all\n");
	cr_assert_eq(system("ip route add 192.0.2.50/32 dev fc && ip neigh add 192.0.2.50 "
			    "lladdr 02:00:00:00:00:55 dev fc nud permanent"), 0);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_neq(run_at(in_if, &u, &in, &out), FX_XDP_DROP, "the client's query, trust -> trust");
	/* the client's address now routes out of fb, in untrust */
	cr_assert_eq(system("ip route add " CLIENT_A "/32 dev fb"), 0);
	cr_assert_eq(tc_of(out_if, fc_if, &r), FX_TC_SHOT,
		     "control: the session's own reply into untrust is refused");
	cr_expect_eq(tc_of(out_if, fc_if, &err), FX_TC_SHOT,
		     "an error from behind fc (trust) about the client's packet left into untrust");
}

/* ---- R2: an error about a NAT session is never held to its zone ------- */

/* 0af52d0 holds an error about a PLAIN session to its addressee's zone
 * (sfw_xdp_error_egress_ok: `!f.nat`; sfw_err_to is set only on the
 * SFW_RELATED path). An error about a source NAT session's translated
 * packet (SFW_RELATED_NAT) is rewritten to the client and passed up as
 * before; the stack forwards it by the client's route, and fc's tc
 * egress takes it as judged (bpf/tc_judged.bpf.h sfw_tc_judged_error:
 * from where the quoted packet went, no egress compared). With the
 * client's route moved into dmz the session's own reply is refused
 * (rv14_nat_reply_*), the error from anyone on the WAN, up to 548 bytes
 * of its sender's choosing past the quoted headers, goes untrust -> dmz:
 * rvred F3 for NAT sessions, the common case at an Internet edge. */
Test(rvred2, r2_error_about_a_nat_session_routed_into_another_zone_refused,
     .init = fc_setup, .fini = suite_teardown)
{
	struct pb_spec r, quoted, err;
	struct pb_pkt in, out, fwd;
	int x;

	commit(ZONES_FC_DMZ TRUST_OUT_ONLY SNAT);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(fx_mark_attached(fc_if), 0);
	snat_session_with_error(41620, &r, &quoted, &err);
	route_client_behind_fc(CLIENT_A);
	x = run_at(out_if, &r, &in, &out);
	cr_assert(x == FX_XDP_DROP || (x == FX_XDP_PASS && tc_at(fc_if, out_if, &out, &fwd) == FX_TC_SHOT),
		  "control: the NAT session's reply left into dmz (XDP %d)", x);
	x = run_at(out_if, &err, &in, &out);
	cr_assert(x != FX_XDP_PASS || addr_at(&out, 16) == a4(CLIENT_A), "not translated back");
	cr_expect(x == FX_XDP_DROP || (x == FX_XDP_PASS && tc_at(fc_if, out_if, &out, &fwd) == FX_TC_SHOT),
		  "an ICMP error from untrust about a NAT session was forwarded into dmz "
		  "(XDP %d, then fc's tc egress let it out)", x);
}

/* R3: the host's own error about a NAT session's client packet (its Time
 * Exceeded, its Fragmentation Needed: quoting up to 548 bytes of that
 * packet) passes as SFW_RELATED from the path's last line,
 * `return !ingress ? SFW_RELATED : ...` (bpf/icmp_related.bpf.h
 * sfw_icmp_related_to), which leaves sfw_err_to 0: sfw_err_leaves_ok
 * lets it out by any egress. With the client's route moved into dmz the
 * host's error about a plain session is refused (rvred F4's check:
 * control), the same error about a NAT session leaves into dmz. */
static void hosts_error_after_route_moved(bool nat)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, nat ? 41630 : 41631, 53);
	struct pb_spec err = { .src = "198.51.100.1", .dst = CLIENT_A, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_TIME_EXCEEDED, .icmp_code = 0, .inner = &u };
	struct pb_pkt in, out;

	if (nat)
		commit(ZONES_FC_DMZ TRUST_OUT_ONLY SNAT);
	else
		commit(ZONES_FC_DMZ TRUST_OUT_ONLY);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(fx_mark_attached(fc_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(system("ip route add " CLIENT_A "/32 dev fc"), 0);
	cr_expect_eq(tc_of(fc_if, 0, &err), FX_TC_SHOT,
		     "the host's Time Exceeded about a %s session's client packet left into dmz",
		     nat ? "NAT" : "plain");
	cr_expect_eq(fx_counter_at(fc_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

Test(rvred2, r3_control_hosts_error_about_a_plain_session_held_to_its_zone,
     .init = fc_setup, .fini = suite_teardown)
{
	hosts_error_after_route_moved(false);
}

Test(rvred2, r3_hosts_error_about_a_nat_session_held_to_its_zone,
     .init = fc_setup, .fini = suite_teardown)
{
	hosts_error_after_route_moved(true);
}

/* ---- T1: a same-port retry after an ICMP error waits up to 3 s -------- */

/* T1: a client bound to its port (rsh, NFS's reserved ports, an
 * application with a fixed source port) whose connect failed at once
 * (Linux aborts SYN-SENT on any Destination Unreachable: tcp_v4_err)
 * retries with a later ISN. created_s counts whole seconds and a new
 * attempt needs 2 of them (SFW_TCP_REATTEMPT_S): the retry and its first
 * retransmission may both be dropped, its second (3 s after it) passes.
 * The docs said "waits out once"; they now say up to 3 s. */
Test(rvred2, t1_same_port_retry_passes_within_three_seconds, PLAIN_FX)
{
	struct conn k;
	struct pb_spec unreach;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	unreach = (struct pb_spec){ .src = "192.0.2.254", .dst = CLI4, .proto = SFW_IPPROTO_ICMP,
				    .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 1,
				    .inner = &k.c };
	(void)fx_xdp(&unreach);   /* the connect fails: EHOSTUNREACH */
	/* the application's retry, a new ISN (later: Linux's are clocked) */
	k.c_next += 0x10000;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_DROP, "the immediate retry");
	k.c_next -= 1;
	/* one whole second on: may still be dropped (not judged) */
	cr_assert_eq(fx_age(&k.c, 1), 0);
	(void)cli(&k, SYN, 0);
	k.c_next -= 1;
	/* its second retransmission, 3 s after the retry */
	cr_assert_eq(fx_age(&k.c, 2), 0);
	cr_expect_eq(cli(&k, SYN, 0), FX_XDP_PASS, "the retry's second retransmission dropped");
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].isn, k.c_next - 1);
}
