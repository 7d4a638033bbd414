/* Blind attacks on TCP sessions, as TCP conversations (the second red
 * team's findings 1, 2, 7, 10 and 11; docs/security.md, "TCP: resets,
 * handshakes and windows"): an acknowledgement is checked as Linux's
 * conntrack checks it before anything of its segment is recorded, so a
 * RST is exact only against numbers the endpoints really used; a SYN
 * restarts only TIME_WAIT (or CLOSED once it expired); blind packets
 * cannot desynchronise a handshake or the first answer of a connection
 * picked up without a SYN; a client that tries again from the same port
 * with a later ISN is let through, as conntrack does. */
#include <bpf/bpf.h>
#include "maps.h"
#include "tcp_conn.h"

TestSuite(blind, .init = suite_setup, .fini = suite_teardown);

/* ---- finding 1: acknowledgements ----------------------------------------- */

/* A segment in the window whose ACK acknowledges data the receiver never
 * sent is dropped (RFC 5961 section 5; conntrack's condition II), and its
 * ACK is not recorded: a RST at that value is not exact. */
Test(blind, ack_beyond_what_was_sent_dropped_and_not_recorded)
{
	struct conn k;
	const __u32 X = 0x42424242;

	conn_established(&k, 0, 0);
	cr_assert_eq(conn_forge(&k, true, ACK, k.c_next + 5000, X, 0), FX_XDP_DROP);
	cr_assert_eq(conn_forge(&k, true, ACK, k.c_next, k.s_next + 1, 0), FX_XDP_DROP,
		     "one byte on");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 2);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].ack, k.s_next);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].seq_end, k.c_next);
	conn_forge(&k, false, RST, X, 0, 0);
	conn_still_talking(&k, "RST at the planted ACK", 1);
}

/* An ACK further behind than max(the sender's largest window, 66000)
 * (conntrack's IV, MAXACKWINCONST) is dropped; within it, it passes. */
Test(blind, ack_older_than_the_largest_window_dropped)
{
	struct conn k;

	conn_established(&k, 0, 0);
	for (int i = 0; i < 70; i++) {
		cr_assert_eq(srv(&k, ACK | PSH, 1000), FX_XDP_PASS);
		cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	}
	cr_assert_eq(conn_forge(&k, true, ACK, k.c_next, k.s_next - 65000, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, ACK, k.c_next, k.s_next - 67000, 0), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].ack, k.s_next);
	conn_still_talking(&k, "after old ACKs", 1);
}

/* A blind sweep of the sequence space, every segment carrying ACK X, then
 * a RST at X from the other side, then a SYN: the attack of finding 1
 * (unscaled 64 KiB windows, and Linux's scale 7 with 3 MB windows). */
static void sweep_then_rst_at_x(__u8 scale, __u16 window, __u32 step)
{
	struct conn k;
	const __u32 X = 0x42424242;
	__u32 passed = 0;

	conn_established(&k, scale, window);
	for (__u64 seq = 7; seq < (1ull << 32); seq += step)
		passed += conn_forge(&k, true, ACK, (__u32)seq, X, 0) == FX_XDP_PASS;
	cr_assert_eq(passed, 0, "%u segments acknowledging nothing sent passed", passed);
	conn_forge(&k, false, RST, X, 0, 0);
	conn_forge(&k, true, SYN, 0x77777777, 0, 0);
	conn_still_talking(&k, "after the sweep", 1);
}

Test(blind, sweep_unscaled_cannot_end_the_connection)
{
	sweep_then_rst_at_x(0, 0, 120000);
}

Test(blind, sweep_scaled_cannot_end_the_connection)
{
	sweep_then_rst_at_x(7, 24000, 5000000);
}

/* The same from the client's side only: ACKs to move its seq_end, RSTs at
 * the same numbers. Without a valid ACK nothing moves. */
Test(blind, one_sided_sweep_cannot_end_the_connection)
{
	struct conn k;
	const __u32 step = 5000000;

	conn_established(&k, 7, 24000);
	for (__u32 ph = 0; ph < 4; ph++)
		for (__u64 seq = 7 + ph * (step / 4); seq < (1ull << 32); seq += step)
			conn_forge(&k, true, ACK, (__u32)seq, 0x1234, 1);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].seq_end, k.c_next);
	for (__u32 ph = 0; ph < 4; ph++)
		for (__u64 seq = 7 + ph * (step / 4); seq < (1ull << 32); seq += step)
			if ((__u32)seq + 1 != k.c_next && (__u32)seq + 1 != k.s_next)
				conn_forge(&k, true, RST, (__u32)seq + 1, 0, 0);
	conn_forge(&k, true, SYN, 0x77777777, 0, 0);
	conn_still_talking(&k, "after the one-sided sweep", 1);
}

/* A SYN restarts a session only from TIME_WAIT, or from CLOSED once
 * tcp-rst-timeout ran: the third step of finding 1 (RST, then a SYN that
 * takes the flow over) needs the RST to be exact, and even then the
 * attacker's SYN cannot replace the session before it expires. */
Test(blind, syn_does_not_restart_a_reset_session_before_it_expires)
{
	struct conn k;
	__u64 id;

	conn_established(&k, 0, 0);
	id = conn_session(&k).id;
	cr_assert_eq(cli(&k, RST, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_CLOSED);
	cr_assert_eq(conn_forge(&k, true, SYN, 0x77777777, 0, 0), FX_XDP_DROP);
	cr_assert_eq(conn_forge(&k, false, SYN, 0x77777777, 0, 0), FX_XDP_DROP);
	cr_assert_eq(conn_session(&k).id, id);
	cr_assert_eq(fx_age(&k.c, 3), 0);
	cr_assert_eq(conn_forge(&k, true, SYN, 0x77777777, 0, 0), FX_XDP_PASS);
	cr_assert_neq(conn_session(&k).id, id);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_SYN_SENT);
}

/* ---- rv26 F4: FINs ----------------------------------------------------------- */

/* What a blind FIN that passed the window checks leaves: the state, the
 * idle timeout and the wing's close untouched (pending at most). */
static void fin_moved_nothing(const struct conn *k, bool client, const char *what)
{
	struct sfw_session s = conn_session(k);
	__u8 fl = s.wing[client ? SFW_WING_IN : SFW_WING_OUT].tcp_flags;

	cr_assert_eq(s.tcp_state, SFW_TCP_ESTABLISHED, "%s: state %u", what, s.tcp_state);
	cr_assert_eq(s.timeout_s, 1800, "%s: the idle timeout cut to %u s", what, s.timeout_s);
	cr_assert_not(fl & (SFW_WING_SEEN_FIN | SFW_WING_FIN_ACKED), "%s: taken for a close", what);
}

/* A lucky blind FIN ahead of what the client sent (a gap before it) is
 * passed, as the endpoint keeps it out of order, and is no close; the real
 * close after it still is, the server's acknowledgement of the real FIN
 * making it one (the planted sequence end puts the real FIN behind it). */
Test(blind, fin_ahead_of_the_data_is_no_close)
{
	struct conn k;
	__u64 id;

	conn_established(&k, 7, 24000);
	id = conn_session(&k).id;
	cr_assert_eq(conn_forge(&k, true, FIN | ACK, k.c_next + 100000, k.s_next, 0), FX_XDP_PASS);
	fin_moved_nothing(&k, true, "a FIN ahead");
	cr_assert_eq(conn_forge(&k, false, FIN | ACK, k.s_next + 200000, k.c_next, 0), FX_XDP_PASS);
	fin_moved_nothing(&k, false, "a FIN ahead");
	conn_forge(&k, true, SYN, 0x77777777, 0, 0);
	cr_assert_eq(conn_session(&k).id, id, "the SYN restarted it");
	conn_still_talking(&k, "after FINs ahead", 1);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	/* the client's close, acknowledged; the server's FIN, behind its
	 * own planted end, waits for the client's acknowledgement */
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_CLOSE_WAIT);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_TIME_WAIT);
	k.c_next += 100000;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_neq(conn_session(&k).id, id, "the real close: the port not reused");
}

/* A lucky blind FIN behind what the client sent (data after it) is no
 * close either, and the real acknowledgements that go past it do not
 * acknowledge it (only one of exactly it would: before, any at or past it
 * did, and the next real ACK took the session to CLOSE_WAIT). */
Test(blind, fin_behind_the_data_is_no_close_nor_acknowledged)
{
	struct conn k;
	__u64 id;

	conn_established(&k, 7, 24000);
	id = conn_session(&k).id;
	cr_assert_eq(conn_forge(&k, true, FIN | ACK, k.c_next - 1000, k.s_next, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, FIN | ACK, k.s_next - 1000, k.c_next, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after FINs behind", 1);
	fin_moved_nothing(&k, true, "a FIN behind, then real ACKs");
	fin_moved_nothing(&k, false, "a FIN behind, then real ACKs");
	conn_forge(&k, true, SYN, 0x77777777, 0, 0);
	conn_forge(&k, true, SYN, k.c_next, 0, 0);
	cr_assert_eq(conn_session(&k).id, id, "a SYN restarted it");
	conn_still_talking(&k, "after the SYNs", 1);
}

/* ---- finding 2: the handshake --------------------------------------------- */

/* In SYN_SENT the opener says nothing but its SYN (conntrack: invalid):
 * two blind ACKs 2^31 apart do not move what sfw knows of it. */
Test(blind, opener_acks_in_syn_sent_dropped)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, ACK, 0x9abcdef0, 0x11111111, 0), FX_XDP_DROP);
	cr_assert_eq(conn_forge(&k, true, ACK, 0x9abcdef0 + 0x80000000u, 0x11111111, 0),
		     FX_XDP_DROP);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].seq_end, k.c_next);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after blind ACKs in SYN_SENT", 1);
}

/* ...nor do they widen what a RST acknowledging the SYN may carry. */
Test(blind, opener_acks_then_rsts_at_them_do_not_close_syn_sent)
{
	struct conn k;
	const __u32 S1 = 0x9abcdef0, S2 = 0x9abcdef0 + 0x80000000u;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	conn_forge(&k, true, ACK, S1, 0, 0);
	conn_forge(&k, true, ACK, S2, 0, 0);
	cr_assert_eq(conn_forge(&k, false, RST | ACK, 0, S1, 0), FX_XDP_DROP);
	cr_assert_eq(conn_forge(&k, false, RST | ACK, 0, S2, 0), FX_XDP_DROP);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_SYN_SENT);
}

/* In SYN_RECV the responder's segments must acknowledge exactly the
 * opener's SYN: blind ones 2^31 apart are dropped, the real data flows. */
Test(blind, responder_acks_in_syn_recv_dropped)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, ACK, 0x9abcdef0, 0x1111, 0), FX_XDP_DROP);
	cr_assert_eq(conn_forge(&k, false, ACK, 0x9abcdef0 + 0x80000000u, 0x1111, 0), FX_XDP_DROP);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_OUT].seq_end, k.s_next);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after blind ACKs in SYN_RECV", 1);
}

/* A blind SYN from the responder's side is passed (a simultaneous open to
 * the endpoints) but not recorded: the opener's next blind ACK cannot
 * complete the handshake with the attacker's numbers. */
Test(blind, responder_syn_then_opener_acks_do_not_complete_the_handshake)
{
	struct conn k;
	const __u32 A = 0x12345678;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, SYN, A, 0, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, ACK, 0x40000000, A + 1, 0), FX_XDP_DROP);
	cr_assert_eq(conn_forge(&k, true, ACK, 0xc0000000, A + 1, 0), FX_XDP_DROP);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_SYN_SENT);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after a blind SYN and ACKs", 1);
}

/* ---- finding 11: RSTs in the handshake ------------------------------------ */

/* After a blind SYN from the responder's side, a RST of the opener's that
 * acknowledges that SYN but is not at the opener's next sequence number
 * does not close the attempt. */
Test(blind, opener_rst_acking_a_blind_syn_must_be_exact)
{
	struct conn k;
	const __u32 A = 0x12345678;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	conn_forge(&k, false, SYN, A, 0, 0);
	cr_assert_eq(conn_forge(&k, true, RST | ACK, 0xdeadbeef, A + 1, 0), FX_XDP_DROP);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_SYN_SENT);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after a blind SYN and RST", 1);
}

/* ---- finding 10: a new attempt from the same port --------------------------- */

/* A client that tries again from the same port with a later ISN (Linux's
 * ISNs grow with time) while its first attempt is in SYN_SENT: the new
 * SYN starts the opener's wing afresh, and its SYN-ACK completes. */
Test(blind, later_syn_in_syn_sent_is_a_new_attempt)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(fx_age(&k.c, 3), 0);
	k.c_next += 50000000;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS, "the new attempt");
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].isn, k.c_next - 1);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "the second attempt", 1);
	cr_assert_not(conn_session(&k).wing[SFW_WING_IN].tcp_flags & SFW_WING_PREV_SYN);
}

/* An earlier ISN is no new attempt: dropped, and the handshake goes on. */
Test(blind, earlier_syn_in_syn_sent_dropped)
{
	struct conn k;

	conn_init(&k, CLI6, SRV6);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, SYN, k.c_next - 0x40000000, 0, 0), FX_XDP_DROP);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after an earlier SYN", 1);
}

/* Blind SYNs with later ISNs pass (to the server, as new attempts) but
 * cannot keep out the SYN-ACK of the real one: sfw keeps the first
 * attempt's SYN and goes back to it when that is what the server answers. */
/* The client's SYN, then a blind one with a later ISN (a new attempt to
 * sfw) and its options as k->c has them: the client's ISN. */
static __u32 syn_then_blind_later_syn(struct conn *k)
{
	__u32 isn = k->c_next;

	cr_assert_eq(cli(k, SYN, 0), FX_XDP_PASS);
	/* a later SYN is a new attempt only once the first is old */
	cr_assert_eq(fx_age(&k->c, 3), 0);
	cr_assert_eq(conn_forge(k, true, SYN, isn + 0x40000000, 0, 0), FX_XDP_PASS);
	return isn;
}

/* The real SYN-ACK settles on the client's attempt (isn) and the
 * connection goes on. */
static void real_synack_completes(struct conn *k, __u32 isn, const char *what)
{
	cr_assert_eq(srv(k, SYN | ACK, 0), FX_XDP_PASS, "%s: the real SYN-ACK", what);
	cr_assert_eq(conn_session(k).wing[SFW_WING_IN].isn, isn, "%s", what);
	cr_assert_eq(conn_session(k).wing[SFW_WING_IN].seq_end, isn + 1, "%s", what);
	cr_assert_eq(cli(k, ACK, 0), FX_XDP_PASS, "%s", what);
	conn_still_talking(k, what, 1);
}

Test(blind, blind_later_syns_do_not_keep_the_real_synack_out)
{
	struct conn k;
	__u32 isn;

	conn_init(&k, CLI4, SRV4);
	isn = syn_then_blind_later_syn(&k);
	cr_assert_eq(conn_forge(&k, true, SYN, isn + 0x7fff0000, 0, 0), FX_XDP_PASS);
	real_synack_completes(&k, isn, "after blind later SYNs");
}

/* Red team 1205 F1: a blind later SYN without the window scale option
 * set the opener's scale for the whole connection (the real SYN-ACK then
 * settled on the first attempt's numbers, not its scale): the server's
 * data, held to the client's raw window unscaled, was dropped past the
 * first segment. The first attempt's scale is kept with its numbers. Red
 * before: segment 1 dropped, the In wing's scale 0xf. */
Test(blind, blind_later_syn_keeps_the_real_window_scale)
{
	struct conn k;
	__u32 isn;

	conn_init(&k, CLI4, SRV4);
	k.c.tcp_opts = k.s.tcp_opts = 8;
	k.c.tcp_wscale = k.s.tcp_wscale = 7 + 1;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	isn = k.c_next - 1;
	cr_assert_eq(fx_age(&k.c, 3), 0);
	k.c.tcp_opts = 0;   /* the forger's SYN has no scale option */
	cr_assert_eq(conn_forge(&k, true, SYN, isn + 0x40000000, 0, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS, "the real SYN-ACK");
	k.s.tcp_opts = 0;
	k.c.window = k.s.window = 502;   /* 64,256 bytes at scale 7 */
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].wscale, 7, "the forger's scale kept");
	for (int i = 0; i < 4; i++)
		cr_assert_eq(srv(&k, ACK | PSH, 1448), FX_XDP_PASS, "server segment %d dropped", i);
}

/* The client's own first SYN sent again after a blind later one (its
 * SYN-ACK lost beyond sfw) passes: its attempt is the one kept. Red
 * before: dropped as out of window, so the connect timed out. */
Test(blind, first_syn_retransmitted_after_a_blind_later_one_passes)
{
	struct conn k;
	__u32 isn;

	conn_init(&k, CLI4, SRV4);
	isn = syn_then_blind_later_syn(&k);
	k.c_next = isn;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS, "the client's SYN retransmitted");
	real_synack_completes(&k, isn, "after the first SYN again");
}

/* ---- finding 7: no-syn-check ---------------------------------------------- */

/* The responder's first segment of a connection picked up mid-stream is
 * adopted only when its ACK acknowledges what the opener sent: a blind
 * one is dropped and the real server's segments are tracked. */
Test(blind, no_syn_check_blind_first_responder_segment_dropped)
{
	struct conn k;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(&k, CLI4, SRV4);
	k.c.window = k.s.window = 502;
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, ACK, k.s_next + 0x70000000u, k.c_next, 0), FX_XDP_DROP,
		     "beyond what the opener allowed");
	/* a lucky one inside it (the scale assumed mid-stream makes it 8 MB) */
	cr_assert_eq(conn_forge(&k, false, ACK, k.s_next + 1000, 0x5555, 0), FX_XDP_DROP,
		     "acknowledging nothing the opener sent");
	cr_assert_eq(conn_forge(&k, false, ACK, k.s_next + 1000, k.c_next + 1, 0), FX_XDP_DROP,
		     "acknowledging beyond what the opener sent");
	cr_assert_not(conn_session(&k).wing[SFW_WING_OUT].tcp_flags & SFW_WING_TRACKED);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS, "the real server's first segment");
	cr_assert(conn_session(&k).wing[SFW_WING_OUT].tcp_flags & SFW_WING_TRACKED);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_OUT].seq_end, k.s_next);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, ACK, k.s_next + 0x70000000u, k.c_next, 0), FX_XDP_DROP,
		     "tracked now");
}

/* Red team 1205 F3: under no-syn-check a forged bare ACK opens a session
 * with the forger's numbers (the server's RST to it is not exact for an
 * untracked responder, so it stays). The real client connecting later
 * from that port must not meet it: its SYN is kept, and the server's
 * SYN-ACK to it starts the connection over on the real numbers, as
 * conntrack resyncs (in place since review rvtcp F1: the SYN alone no
 * longer replaces the session). Red before: the SYN passed unrecorded
 * and every server segment failed adoption against the forged numbers. */
Test(blind, no_syn_check_forged_ack_does_not_poison_the_real_connection)
{
	struct conn k;
	__u32 cisn;

	conn_f3_planted(&k, CLI4, SRV4);
	cr_assert_eq(conn_forge(&k, false, RST, 0x66666666u, 0, 0), FX_XDP_PASS,
		     "the server's RST to the forged ACK");
	cisn = k.c_next;
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].isn, cisn,
		     "the connection started over on the real SYN");
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED);
	cr_assert_eq(cli(&k, ACK | PSH, 200), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 1000), FX_XDP_PASS, "the server's answer");
	conn_still_talking(&k, "after a forged ACK before the connection", 1);
}

/* Once the responder answered as the opener's numbers say (tracked), a
 * blind SYN on the picked-up connection is only one more SYN on a
 * synchronized connection: it starts nothing over. */
Test(blind, no_syn_check_verified_pickup_is_not_restarted_by_a_syn)
{
	struct conn k;
	__u64 id;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);
	id = conn_session(&k).id;
	cr_assert_eq(conn_forge(&k, true, SYN, 0x12345678u, 0, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).id, id, "a verified connection started over");
	conn_still_talking(&k, "after a blind SYN", 1);
}

/* ---- what must keep working ------------------------------------------------ */

/* k's session failed over, and the client's data picked its wing up. */
static void failed_over_client_first(struct conn *k)
{
	conn_established(k, 7, 500);
	conn_load_synced_copy(k);
	cr_assert_eq(cli(k, ACK | PSH, 100), FX_XDP_PASS);
}

/* A session loaded from the cluster peer knows no sequence numbers: each
 * wing is picked up from its first segment after a failover (the
 * server's here acknowledges more than the client's first one sent: it
 * was a retransmission), and the window is tracked from then on. */
Test(blind, session_loaded_without_numbers_picks_up_both_wings)
{
	struct conn k;

	conn_established(&k, 7, 500);
	conn_load_synced_copy(&k);
	cr_assert_eq(conn_forge(&k, true, ACK | PSH, k.c_next - 200, k.s_next, 100), FX_XDP_PASS,
		     "a retransmission first");
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS, "the server's answer");
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS, "the client's next");
	cr_assert(conn_session(&k).wing[SFW_WING_IN].tcp_flags &
		  conn_session(&k).wing[SFW_WING_OUT].tcp_flags & SFW_WING_TRACKED);
	conn_still_talking(&k, "after a failover", 1);
	cr_assert_eq(conn_session(&k).xflags & SFW_SESS_X_UNCONFIRMED, 0,
		     "each side acknowledged what the other sent: both confirmed");
	cr_assert_eq(conn_forge(&k, true, ACK, k.c_next + 0x40000000u, k.s_next, 10), FX_XDP_DROP,
		     "tracked again");
}

/* Red team 1205 F2: after a failover, a blind server-side ACK was taken
 * as the server's numbers, and a RST at them was then exact. Until the
 * client acknowledges what sfw saw the server send, no RST is exact
 * against them, and the real segments pick the wing up again. */
Test(blind, failover_forged_ack_then_rst_does_not_end_the_session)
{
	struct conn k;
	__u32 x;

	failed_over_client_first(&k);
	x = k.s_next + 0x40000000u;
	cr_assert_eq(conn_forge(&k, false, ACK, x, 0x55555555, 0), FX_XDP_PASS,
		     "picked up: unknown");
	conn_forge(&k, false, RST, x, 0, 0);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED, "the forger's RST");
	conn_still_talking(&k, "after a forged ACK and RST", 1);
	cr_assert_eq(conn_session(&k).xflags & SFW_SESS_X_UNCONFIRMED, 0);
	conn_forge(&k, false, RST, x, 0, 0);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED, "once confirmed");
}

/* The other half of F2: a forged ACK far ahead of the server's numbers
 * held every real segment of the server out of the window, for good. */
Test(blind, failover_forged_ack_far_ahead_does_not_hold_the_server_out)
{
	struct conn k;

	conn_established(&k, 7, 500);
	conn_load_synced_copy(&k);
	cr_assert_eq(conn_forge(&k, false, ACK, k.s_next + 0x70000000u, 0x55555555, 0),
		     FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	conn_still_talking(&k, "after a forged ACK far ahead", 1);
	conn_still_talking(&k, "and on", 1);
	cr_assert_eq(conn_forge(&k, false, ACK | PSH, k.s_next + 0x70000000u, k.c_next, 10),
		     FX_XDP_DROP, "confirmed: the forger's numbers are out of the window");
}

/* A forged FIN at the numbers its own ACK planted (in the window: the
 * forger guessed it) was the server's close: the session went to FIN_WAIT
 * and its short timeout. An unconfirmed wing's FIN is only pending. */
Test(blind, failover_forged_fin_is_not_the_close)
{
	struct conn k;
	__u32 x;

	failed_over_client_first(&k);
	x = k.s_next + 1000;
	cr_assert_eq(conn_forge(&k, false, ACK, x, k.c_next, 0), FX_XDP_PASS);
	conn_forge(&k, false, FIN | ACK, x, k.c_next, 0);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED, "the forger's FIN");
	conn_still_talking(&k, "after a forged FIN", 1);
}

/* Nor do a forger's numbers keep the real endpoints' RST from each
 * other: a forged ACK far behind set how far the client may send; the
 * client's RST, which sfw cannot judge exact yet, still reaches the
 * server (the session then lasts out its timeout). */
Test(blind, failover_real_rst_is_passed_whatever_a_forger_planted)
{
	struct conn k;

	conn_established(&k, 7, 500);
	conn_load_synced_copy(&k);
	cr_assert_eq(conn_forge(&k, false, ACK, k.s_next, k.c_next - 0x40000000u, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, RST, 0), FX_XDP_PASS, "the client's RST");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 0);
}

/* Review RV48-1: two forged server segments, at S and nearly 2^31 on,
 * stretched the server's picked-up span over half the sequence space; the
 * client's real ACK fell in it half the time and confirmed the forger's
 * end, and his RST there was exact. An acknowledgement confirms only
 * within the acker's window of the end. */
Test(blind, failover_stretched_span_is_not_confirmed_by_the_real_ack)
{
	struct conn k;
	__u32 x;

	conn_established(&k, 7, 500);
	conn_load_synced_copy(&k);
	x = k.s_next - 0x40000000u;
	cr_assert_eq(conn_forge(&k, false, ACK, x, 0x55555555, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, ACK, x + 0x7ffffff0u, 0x55555555, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS, "the client's real ACK");
	cr_assert_neq(conn_session(&k).xflags & SFW_SESS_X_UNCONFIRMED_OUT, 0,
		      "the forger's span confirmed");
	conn_forge(&k, false, RST, x + 0x7ffffff0u, 0, 0);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED, "the forger's RST");
	conn_still_talking(&k, "after a stretched span", 1);
}

/* After a failover, the client's data, then the server sending again
 * what the client's lost ACKs acknowledged: the client is confirmed, the
 * server's wing picked up 3000 bytes behind. c, s: where each sends next. */
static void client_confirmed_first(struct conn *k, __u32 *c, __u32 *s)
{
	conn_established(k, 7, 500);
	conn_load_synced_copy(k);
	*c = k->c_next;
	*s = k->s_next;
	cr_assert_eq(conn_forge(k, true, ACK | PSH, *c, *s, 100), FX_XDP_PASS);
	*c += 100;
	cr_assert_eq(conn_forge(k, false, ACK | PSH, *s - 3000, *c, 1000), FX_XDP_PASS,
		     "the server sends again");
	cr_assert_eq(conn_session(k).xflags & SFW_SESS_X_UNCONFIRMED,
		     SFW_SESS_X_UNCONFIRMED_OUT);
}

/* RT47-2: the client, confirmed early, sends its last segments before
 * the server is confirmed; they fail the checks against the server's
 * stale numbers (they acknowledge data sfw never saw) and were passed
 * unrecorded, so once the server was confirmed its cumulative ACK of
 * them was beyond what sfw knew the client sent: dropped, and every
 * one after it, a stalled upload. What follows on from the wing's end
 * still moves it. */
Test(blind, failover_tail_passed_before_confirmation_is_acknowledged)
{
	struct conn k;
	__u32 c, s;

	client_confirmed_first(&k, &c, &s);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(conn_forge(&k, true, ACK | PSH, c + i * 1000, s, 1000), FX_XDP_PASS,
			     "the client's tail, %d", i);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(conn_forge(&k, false, ACK, s, c, 0), FX_XDP_PASS,
			     "duplicate ACK %d", i);
	cr_assert_eq(conn_forge(&k, true, ACK | PSH, c, s, 1000), FX_XDP_PASS, "fast retransmit");
	cr_assert_eq(conn_forge(&k, false, ACK, s, c + 4000, 0), FX_XDP_PASS, "the cumulative ACK");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 0);
}

/* Review RV48-4: the same, the client's last segment carrying its FIN:
 * the FIN was not recorded, and the close stopped at CLOSE_WAIT, the
 * tuple held for that state's timeout. */
Test(blind, failover_fin_passed_before_confirmation_closes)
{
	struct conn k;
	__u32 c, s;

	client_confirmed_first(&k, &c, &s);
	cr_assert_eq(conn_forge(&k, true, ACK | PSH, c, s, 1000), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, FIN | ACK, c + 1000, s, 1000), FX_XDP_PASS, "the FIN");
	cr_assert_eq(conn_forge(&k, false, ACK, s, c + 2001, 0), FX_XDP_PASS, "its ACK");
	cr_assert_eq(conn_forge(&k, false, FIN | ACK, s, c + 2001, 0), FX_XDP_PASS, "the server's");
	cr_assert_eq(conn_forge(&k, true, ACK, c + 2001, s + 1, 0), FX_XDP_PASS, "the last ACK");
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_TIME_WAIT);
}

/* Review RV48-3: the client's ACK of the server's data was lost; its next
 * segment is a keepalive probe, which confirms the server; the server's
 * answers, one past what the client sent, fail the checks and were passed
 * before the confirmation was looked at: the client stayed unconfirmed. */
Test(blind, failover_probe_answer_confirms_the_prober)
{
	struct conn k;

	conn_established(&k, 7, 500);
	conn_load_synced_copy(&k);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, ACK, k.c_next - 1, k.s_next, 0), FX_XDP_PASS, "probe");
	cr_assert_eq(conn_forge(&k, false, ACK, k.s_next, k.c_next, 0), FX_XDP_PASS, "answer");
	cr_assert_eq(conn_session(&k).xflags & SFW_SESS_X_UNCONFIRMED, 0);
}

/* RT47-6: while the server's wing is unconfirmed, a client segment that
 * fails the checks against it is passed, and refreshes nothing: else a
 * forger's kept the session alive. */
Test(blind, failover_segment_failing_against_an_unconfirmed_wing_refreshes_nothing)
{
	struct sfw_session_key key;
	struct sfw_session s;
	struct conn k;

	failed_over_client_first(&k);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS, "confirms the client");
	cr_assert_eq(conn_forge(&k, false, ACK, k.s_next + 0x40000000u, k.c_next, 0), FX_XDP_PASS,
		     "the server picked up again, far ahead");
	s = conn_session(&k);
	cr_assert_eq(s.xflags & SFW_SESS_X_UNCONFIRMED, SFW_SESS_X_UNCONFIRMED_OUT);
	s.last_seen_s -= 10;
	fx_key(&k.c, &key);
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &key, &s,
					 BPF_EXIST), 0);
	cr_assert_eq(conn_forge(&k, true, ACK | PSH, k.c_next + 0x40000000u, k.s_next, 10),
		     FX_XDP_PASS, "passed");
	cr_assert_eq(conn_session(&k).last_seen_s, s.last_seen_s, "and refreshed the session");
}

/* RT47-3: a connection only keepalives keep alive after a failover. A
 * probe is sent at one before the sender's next sequence number, with no
 * data, and its answer acknowledges one past it: the prober was never
 * confirmed, and the session stayed liberal for good. */
Test(blind, failover_keepalives_alone_confirm_both_wings)
{
	struct conn k;

	conn_established(&k, 7, 500);
	conn_load_synced_copy(&k);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(conn_forge(&k, true, ACK, k.c_next - 1, k.s_next, 0), FX_XDP_PASS);
		cr_assert_eq(conn_forge(&k, false, ACK, k.s_next, k.c_next, 0), FX_XDP_PASS);
	}
	cr_assert_eq(conn_session(&k).xflags & SFW_SESS_X_UNCONFIRMED, 0);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(conn_forge(&k, true, ACK, k.c_next - 1, k.s_next, 0), FX_XDP_PASS);
		cr_assert_eq(conn_forge(&k, false, ACK, k.s_next, k.c_next, 0), FX_XDP_PASS,
			     "the probe's answer, confirmed");
	}
	conn_still_talking(&k, "after keepalives", 1);
}

/* RT47-5: an ICMP error about a real segment is not judged against
 * numbers a forger may have set before the wings were confirmed (a
 * fragmentation-needed dropped: a path-MTU black hole). */
Test(blind, failover_icmp_error_about_a_real_segment_passes)
{
	struct pb_spec quoted, err;
	struct conn k;

	conn_established(&k, 7, 500);
	conn_load_synced_copy(&k);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 1200), FX_XDP_PASS);
	quoted = k.c;
	cr_assert_eq(conn_forge(&k, true, ACK, k.c_next + 0x40000000u, k.s_next, 0), FX_XDP_PASS,
		     "the forger's");
	err = (struct pb_spec){ .src = OTH4, .dst = quoted.src, .proto = SFW_IPPROTO_ICMP,
				.icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 4,
				.inner = &quoted };
	cr_assert_eq(fx_xdp(&err), FX_XDP_PASS, "fragmentation needed, about the real one");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 0);
}

/* Confirmed wings are held to everything a tracked one is: the real
 * RST, exact, ends the session. */
Test(blind, failover_confirmed_session_ends_with_an_exact_rst)
{
	struct conn k;

	failed_over_client_first(&k);
	conn_still_talking(&k, "after a failover", 1);
	cr_assert_eq(srv(&k, RST, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_CLOSED);
}

/* 0 is a sequence number like any other: a window ending at 0 still bounds. */
Test(blind, window_ending_at_zero_still_bounds)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	k.c_next = 0u - 65535u - 1u;   /* the server's ack + 65535 == 0 */
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, ACK | PSH, k.c_next + 1000000000u, k.s_next, 10),
		     FX_XDP_DROP);
}

/* Keepalives, a zero-window probe, a SYN-ACK retransmitted after the
 * handshake, then the client's RST. */
Test(blind, keepalive_probe_and_late_synack_pass)
{
	struct conn k;

	conn_established(&k, 0, 0);
	cr_assert_eq(conn_forge(&k, true, ACK, k.c_next - 1, k.s_next, 0), FX_XDP_PASS,
		     "keepalive");
	cr_assert_eq(conn_forge(&k, true, ACK, k.c_next - 1, k.s_next, 1), FX_XDP_PASS,
		     "keepalive+1");
	k.s.window = 0;
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS, "zero window");
	cr_assert_eq(conn_forge(&k, true, ACK, k.c_next, k.s_next, 1), FX_XDP_PASS, "window probe");
	k.s.window = 65535;
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, SYN | ACK, 0xfffffff0, 1001, 0), FX_XDP_PASS,
		     "SYN-ACK retransmitted after the handshake");
	cr_assert_eq(cli(&k, RST, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_CLOSED);
}

/* TCP Fast Open: data on the SYN, acknowledged with it or refused and
 * sent again. */
Test(blind, fast_open_data_acked_or_resent)
{
	struct conn k;
	__u32 isn;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 100), FX_XDP_PASS);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "fast open, data acknowledged", 1);

	conn_init(&k, CLI6, SRV6);
	isn = k.c_next;
	cr_assert_eq(cli(&k, SYN, 100), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, SYN | ACK, k.s_next, isn + 1, 0), FX_XDP_PASS);
	k.s_next++;
	cr_assert_eq(conn_forge(&k, true, ACK | PSH, isn + 1, k.s_next, 100), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED);
}
