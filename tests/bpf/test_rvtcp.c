/* Red team rvtcp: blind TCP attacks (an off-path attacker who knows a
 * connection's addresses and ports, not its sequence numbers) against
 * sfw's TCP tracking (bpf/tcp_state.bpf.h, bpf/tcp_window.bpf.h). Each
 * test drives the real endpoints, then the attacker's packets, then the
 * real endpoints' next packets, and asserts the secure behaviour: the
 * real traffic still passes. The findings' tests failed on ec1bf4f. */
#include <bpf/bpf.h>
#include "maps.h"
#include "tcp_conn.h"

TestSuite(rvtcp, .init = suite_setup, .fini = suite_teardown);

/* ---- F1: no-syn-check, a blind SYN on an unverified pickup ------------- */

/* A connection picked up mid-stream under no-syn-check whose responder sfw
 * never sees (asymmetric routing: the server's segments go back by
 * another path, the set-up docs/security.md "Limits that remain" names).
 * One blind bare SYN from the opener's side (its 4-tuple only; an
 * internet attacker spoofing an internet client arrives on the same
 * interface, so the zone check holds) makes sfw_tcp_unverified start the
 * connection over: a new session in SYN_SENT on the attacker's ISN, in
 * which every real segment of the client is dropped (the opener sends
 * nothing but its SYN before the SYN-ACK) until tcp-initial-timeout. The
 * Linux server answers the SYN with a challenge ACK and changes nothing
 * (RFC 5961 section 4; tcp_validate_incoming). */
Test(rvtcp, f1_one_way_pickup_survives_a_blind_syn)
{
	struct conn k;
	__u64 id;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(&k, CLI4, SRV4);
	k.c.window = 502;
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS, "picked up (%d)", i);
		k.s_next += 1000;   /* the server's data, by the other path */
	}
	id = conn_session(&k).id;
	(void)conn_forge(&k, true, SYN, 0x12345678u, 0, 0);
	cr_expect_eq(conn_session(&k).id, id,
		     "the forger's SYN replaced the session (state %u, In ISN %#x)",
		     conn_session(&k).tcp_state, conn_session(&k).wing[SFW_WING_IN].isn);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS,
		     "the real client's next segment dropped after one blind SYN");
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS, "and the one after");
}

/* The same with both directions through sfw, in the time between the
 * first segment sfw picked up (after a restart of sfw without HA, every
 * live connection) and the responder's first answer: one blind SYN and
 * the server's answer, then everything after, is dropped. */
Test(rvtcp, f1_symmetric_pickup_survives_a_blind_syn_before_the_answer)
{
	struct conn k;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(&k, CLI4, SRV4);
	k.c.window = k.s.window = 502;
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	(void)conn_forge(&k, true, SYN, 0x12345678u, 0, 0);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS,
		     "the server's answer dropped after one blind SYN");
	conn_still_talking(&k, "after a blind SYN on a fresh pickup", 2);
}

/* F1's fix keeps the blind SYN (SFW_SESS_X_SYN_PENDING) for the
 * responder's SYN-ACK to confirm: a SYN-ACK from the responder's side
 * that does not acknowledge it exactly starts nothing over, and the kept
 * SYN is passed, not recorded on the opener's wing. */
Test(rvtcp, f1_kept_syn_needs_an_exact_synack)
{
	struct conn k;
	struct sfw_session before;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(&k, CLI4, SRV4);
	k.c.window = k.s.window = 502;
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	before = conn_session(&k);
	cr_assert_eq(conn_forge(&k, true, SYN, 0x12345678u, 0, 0), FX_XDP_PASS,
		     "passed, for the server to answer (a challenge ACK)");
	cr_assert(conn_session(&k).xflags & SFW_SESS_X_SYN_PENDING);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].seq_end, before.wing[SFW_WING_IN].seq_end,
		     "the opener's wing moved by the kept SYN");
	(void)conn_forge(&k, false, SYN | ACK, 0x2468ace0u, 0x12345678u + 2, 0);
	(void)conn_forge(&k, false, SYN | ACK, 0x2468ace0u, 0x12345678u, 0);
	cr_expect_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED,
		     "a SYN-ACK not acknowledging the kept SYN exactly started it over");
	cr_expect_eq(conn_session(&k).wing[SFW_WING_IN].isn, before.wing[SFW_WING_IN].isn);
	conn_still_talking(&k, "after SYN-ACKs that acknowledge the kept SYN wrongly", 2);
}

/* ---- F2: Fast Open, a blind SYN-ACK in SYN_RECV ------------------------ */

/* The client's SYN carries 1000 bytes of Fast Open data; the server's
 * SYN-ACK acknowledges them. sfw_tcp_syn then takes any responder SYN-ACK
 * that acknowledges "the opener's SYN" (any of the 1001 values in
 * (ISN, ISN + 1 + 1000]) as a new answer and restarts the responder's
 * wing on the attacker's ISN: the real client's ACK and the server's data
 * are then held against the forger's numbers and dropped, until the
 * server's SYN-ACK retransmission (1 s) sets them back. Both Linux
 * endpoints (the client ESTABLISHED, the server's Fast Open child in
 * SYN_RECV) drop a SYN-ACK whose sequence number is not in their window
 * (tcp_validate_incoming: a duplicate ACK or a challenge ACK). */
Test(rvtcp, f2_fastopen_blind_synack_in_syn_recv_changes_nothing)
{
	struct conn k;
	__u32 cisn;

	conn_init(&k, CLI4, SRV4);
	cisn = k.c_next;
	cr_assert_eq(cli(&k, SYN, 1000), FX_XDP_PASS, "SYN with Fast Open data");
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS, "SYN-ACK of SYN and data");
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_SYN_RECV);
	/* the lucky one of about 2^32 / 1001 blind SYN-ACKs */
	(void)conn_forge(&k, false, SYN | ACK, 0x2468ace0u, cisn + 500, 0);
	cr_expect_neq(conn_session(&k).wing[SFW_WING_OUT].isn, 0x2468ace0u,
		      "the responder's wing restarted on the forger's ISN");
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS, "the client's ACK completing the handshake");
	conn_still_talking(&k, "after a blind SYN-ACK in SYN_RECV", 2);
}

/* With no-sequence-check as well (Junos' usual pair for asymmetric
 * routing) the replaced session lets the client's segments through
 * (sfw_tcp_refuse): only no-syn-check alone is exposed. */
Test(rvtcp, held_one_way_pickup_with_no_sequence_check)
{
	struct conn k;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK | SFW_CFG_F_NO_SEQ_CHECK), 0);
	conn_init(&k, CLI4, SRV4);
	k.c.window = 502;
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	(void)conn_forge(&k, true, SYN, 0x12345678u, 0, 0);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
}

/* ---- what held --------------------------------------------------------- */

/* A blind SYN-ACK in SYN_RECV without Fast Open: it must acknowledge
 * exactly ISN + 1, the 2^32 guess. A miss changes nothing. */
Test(rvtcp, held_blind_synack_in_syn_recv_without_fastopen)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, SYN | ACK, 0x2468ace0u, k.c_next + 1, 0), FX_XDP_DROP);
	cr_assert_eq(conn_forge(&k, false, SYN | ACK, 0x2468ace0u, k.c_next - 2, 0), FX_XDP_DROP);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after blind SYN-ACKs", 1);
}

/* RSTs, SYNs, SYN-ACKs and FINs with guessed numbers, at the edges of the
 * window and across the wrap (the server's numbers wrap at 2^32 in this
 * conversation), on a scaled connection with a zero window on one side:
 * nothing ends it. */
Test(rvtcp, held_blind_mix_around_a_zero_window_and_the_wrap)
{
	struct conn k;
	__u32 g[6];

	conn_established(&k, 7, 500);
	/* guesses far from both sides' real numbers (2^31 and 2^30 away:
	 * a blind attacker's), the server's being just past the wrap */
	g[0] = k.s_next + 0x80000000u;
	g[1] = k.c_next + 0x80000000u;
	g[2] = k.s_next + 0x40000000u;
	g[3] = k.s_next - 0x40000000u;
	g[4] = k.c_next + 0x40000000u;
	g[5] = k.c_next - 0x40000000u;
	k.c.window = 0;   /* the client's receive window closes */
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	for (unsigned i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		for (int side = 0; side < 2; side++) {
			(void)conn_forge(&k, side, RST, g[i], 0, 0);
			(void)conn_forge(&k, side, RST | ACK, g[i], g[i], 10);
			(void)conn_forge(&k, side, SYN, g[i], 0, 0);
			(void)conn_forge(&k, side, SYN | ACK, g[i], g[i] + 1, 0);
			(void)conn_forge(&k, side, FIN | ACK, g[i], g[i], 0);
			(void)conn_forge(&k, side, ACK, g[i], g[i], 0);
		}
	}
	/* the server's zero-window probe (one before its next number) */
	k.s_next -= 1;
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS, "window probe");
	k.s_next += 1;
	k.c.window = 500;
	conn_still_talking(&k, "after the blind mix", 2);
}
