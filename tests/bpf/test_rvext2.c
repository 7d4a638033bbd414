/* Review rvext2 of 5f48866 (red team rvext F1, F2). Tests named find_*
 * assert the behaviour sfw should have and FAIL on 5f48866 (the finding
 * they name); tests named held_* are probes of what the change got
 * right, and pass. The datapath is not changed here. */
#include <bpf/bpf.h>
#include "maps.h"
#include "tcp_conn.h"

TestSuite(rvext2, .init = suite_setup, .fini = suite_teardown);

/* As test_tcp_blind.c client_confirmed_first(): after a failover the
 * client is confirmed, the server's wing picked up but not confirmed. */
static void client_confirmed_first(struct conn *k, __u32 *c, __u32 *s)
{
	conn_established(k, 7, 500);
	conn_load_synced_copy(k);
	*c = k->c_next;
	*s = k->s_next;
	cr_assert_eq(conn_forge(k, true, ACK | PSH, *c, *s, 100), FX_XDP_PASS);
	*c += 100;
	cr_assert_eq(conn_forge(k, false, ACK | PSH, *s - 3000, *c, 1000), FX_XDP_PASS);
	cr_assert_eq(conn_session(k).xflags & SFW_SESS_X_UNCONFIRMED,
		     SFW_SESS_X_UNCONFIRMED_OUT);
}

/* FINDING (medium, the rvext F2 plant on the path the fix does not
 * cover; bpf/tcp_state.bpf.h sfw_tcp_track -> sfw_tcp_unsynced ->
 * sfw_tcp_failover). While either wing of a session loaded from the
 * cluster peer is unconfirmed, every segment without SYN or RST goes to
 * sfw_tcp_failover, not sfw_tcp_update, so the new "no ACK: refused"
 * check is never reached. There, a segment of the CONFIRMED wing "fits"
 * on the window check alone when ACK is clear (sfw_tcp_ack_ok returns
 * true without ACK), and sfw_tcp_record_wing makes its end the wing's
 * seq_end. sfw_tcp_reset trusts that wing (tracked, its own bit clear)
 * and both wings are tracked, so a RST at the planted end is exact and
 * CLOSES the session. With ACK set and a guessed acknowledgement the
 * same segment fails sfw_tcp_ack_ok and records nothing (control below),
 * which is exactly F2's asymmetry. Expected: the no-ACK segment records
 * nothing (or is dropped) and the RST at its end closes nothing. */
Test(rvext2, find_failover_confirmed_wing_segment_without_ack_plants_rst_end)
{
	struct conn k;
	__u32 c, s, x;
	int v;

	client_confirmed_first(&k, &c, &s);
	x = c + 5000;
	/* control: with ACK and a wrong acknowledgement, nothing is recorded */
	conn_forge(&k, true, ACK | PSH, x, 0x13371337, 1);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].seq_end, c, "control moved the end");
	/* the same blind segment with ACK clear */
	v = conn_forge(&k, true, PSH, x, 0, 1);
	cr_expect_eq(conn_session(&k).wing[SFW_WING_IN].seq_end, c,
		     "a blind segment without ACK (verdict %d) moved the confirmed client's "
		     "sequence end from %u to %u", v, c,
		     conn_session(&k).wing[SFW_WING_IN].seq_end);
	conn_forge(&k, true, RST, x + 1, 0, 0);
	cr_expect_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED,
		     "a RST at the blind segment's end closed the failed-over session (state %u)",
		     conn_session(&k).tcp_state);
}

/* ---- routing headers: probes of what held ---------------------------- */

static struct pb_spec udp6_chain(int n, const __u8 *ext, const __u8 *len8)
{
	struct pb_spec s = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			     .sport = 40200, .dport = 53, .payload = 16 };

	s.n_ext = n;
	for (int i = 0; i < n; i++) {
		s.ext[i] = ext[i];
		s.ext_len8[i] = len8[i];
	}
	return s;
}

/* the routing header's next header byte set to nh (at rh, from l3) */
static void patch_rh(struct pb_pkt *p, __u32 rh, __u8 nh, __u8 type)
{
	p->data[p->l3_off + rh] = nh;
	if (type)
		p->data[p->l3_off + rh + 2] = type;
}

/* A finished routing header over IPv6 behind hop-by-hop and destination
 * options, and behind a first fragment's header: dropped at both hooks. */
Test(rvext2, held_decapsulating_routing_header_anywhere_in_the_chain_dropped)
{
	const __u8 e1[] = { SFW_IPPROTO_HOPOPTS, SFW_IPPROTO_DSTOPTS, SFW_IPPROTO_ROUTING };
	const __u8 l1[] = { 0, 0, 2 };
	const __u8 e2[] = { SFW_IPPROTO_FRAGMENT, SFW_IPPROTO_ROUTING };
	const __u8 l2[] = { 0, 2 };
	struct pb_spec s;
	struct pb_pkt p;

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	s = udp6_chain(3, e1, l1);
	cr_assert_eq(pb_build(&s, &p), 0);
	patch_rh(&p, 40 + 8 + 8, 41, 4);
	cr_expect_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP, "HBH, DST, SRH(41) passed XDP");
	cr_expect_eq(fx_tc_frame(p.data, p.len, NULL), FX_TC_SHOT, "HBH, DST, SRH(41) passed tc");
	s = udp6_chain(2, e2, l2);
	s.more_frags = true;
	cr_assert_eq(pb_build(&s, &p), 0);
	patch_rh(&p, 40 + 8, 4, 4);
	cr_expect_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP, "FRAG(first), SRH(4) passed XDP");
	cr_expect_eq(fx_counter(SFW_CNT_SFW_ERR_SRC_ROUTE), 3);
	cr_expect_eq(fx_session_count(), 0);
}

/* Mobile IPv6 (RFC 6275) type 2 routing header, segments left 0, over
 * TCP: a packet like any other. */
Test(rvext2, held_finished_type2_routing_header_over_tcp_passes)
{
	const __u8 e[] = { SFW_IPPROTO_ROUTING };
	const __u8 l[] = { 2 };
	struct pb_spec s = udp6_chain(1, e, l);
	struct pb_pkt p;

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	s.proto = SFW_IPPROTO_TCP;
	s.sport = 40201;
	s.dport = 80;
	s.tcp_flags = SFW_TCP_SYN;
	s.seq = 1000;
	s.payload = 0;
	cr_assert_eq(pb_build(&s, &p), 0);
	patch_rh(&p, 40, SFW_IPPROTO_TCP, 2);
	cr_expect_eq(fx_xdp_frame(p.data, p.len), FX_XDP_PASS, "type 2 RH over TCP dropped");
	cr_expect_eq(fx_session_count(), 1);
}

/* FINDING (medium, pre-existing, the same class; sfw_tcp_failover's
 * "fits"). Right after a failover, once the client's real segment picked
 * its wing up and before the server's wing is tracked, sfw_tcp_seq_ok
 * has no bound (the server's wing neither tracked nor SEEN_ACK) and
 * sfw_tcp_ack_ok none either (peer untracked), so ANY client-side segment
 * "fits", with or without ACK, and its end becomes the client's seq_end.
 * The server's next real ACK then confirms the client's wing (it
 * acknowledges inside the planted span, and the planted end is within
 * the server's window of it: sfw_tcp_acks_span), seq_end stays at the
 * planted value (sfw_tcp_confirm only moves it forward), and a RST there
 * is exact: the session closes. Blind odds: one packet in 2^32 / window
 * per guess, F2's. with_ack: the same with ACK set and a made-up
 * acknowledgement, which the rvext fix does not touch at all. */
static void failover_plant_before_server_tracked(__u8 flags)
{
	struct conn k;
	__u32 x;

	conn_established(&k, 7, 500);
	conn_load_synced_copy(&k);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS, "the client's real segment");
	x = k.c_next + 5000;
	conn_forge(&k, true, flags, x, 0x13371337, 1);
	/* an unconfirmed wing's numbers are picked up again from what
	 * comes (sfw_tcp_failover): the plant may stand while the wing is
	 * unconfirmed, when no RST is exact against it, and must not once
	 * the server confirms the client (sfw_tcp_confirm) */
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS, "the server's real segment");
	cr_expect(conn_session(&k).wing[SFW_WING_IN].seq_end == k.c_next ||
		  (conn_session(&k).xflags & SFW_SESS_X_UNCONFIRMED_IN),
		  "a blind client segment (flags %#x) left the client confirmed at %u, not %u",
		  flags, conn_session(&k).wing[SFW_WING_IN].seq_end, k.c_next);
	conn_forge(&k, true, RST, x + 1, 0, 0);
	cr_expect_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED,
		     "a RST at the blind segment's end closed the failed-over session (state %u, "
		     "xflags %#x)", conn_session(&k).tcp_state, conn_session(&k).xflags);
}

Test(rvext2, find_failover_plant_before_other_wing_tracked_without_ack)
{
	failover_plant_before_server_tracked(PSH);
}

Test(rvext2, find_failover_plant_before_other_wing_tracked_with_ack)
{
	failover_plant_before_server_tracked(ACK | PSH);
}
