/* The TCP sequence window check: segments beyond what the receiver allowed
 * or far behind what was sent are dropped and counted as "TCP sequence
 * number out of window", with nothing of them recorded; in-window traffic,
 * retransmissions and window scaling pass; no-sequence-check turns it off. */
#include "tcp_conn.h"

TestSuite(window, .init = suite_setup, .fini = suite_teardown);

/* A connection whose sides advertise `window` scaled by `shift` (0: no
 * window scale option at all). */
static void scaled_conn(struct conn *k, __u16 window, __u8 shift)
{
	conn_init(k, CLI4, SRV4);
	k->c.window = k->s.window = window;
	k->c.tcp_opts = k->s.tcp_opts = 8;
	k->c.tcp_wscale = k->s.tcp_wscale = shift ? shift + 1 : 0;
	conn_handshake(k, FX_XDP_PASS);
	/* the window of the SYN-ACK is never scaled: the server's first
	 * plain ACK is what opens the scaled window */
	cr_assert_eq(srv(k, ACK, 0), FX_XDP_PASS);
}

/* A client segment at an offset from the next expected sequence number. */
static int cli_at(struct conn *k, __s64 offset, __u16 payload)
{
	__u32 saved = k->c_next;
	int rc;

	k->c_next = (__u32)(saved + offset);
	rc = cli(k, ACK, payload);
	k->c_next = saved + (rc == FX_XDP_PASS && offset == 0 ? payload : 0);
	return rc;
}

Test(window, in_window_data_flows)
{
	struct conn k;

	scaled_conn(&k, 1000, 7);
	for (int i = 0; i < 20; i++) {
		cr_assert_eq(cli(&k, ACK | PSH, 1000), FX_XDP_PASS);
		cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	}
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 0);
}

Test(window, segment_far_ahead_dropped_and_not_recorded)
{
	struct conn k;
	struct sfw_session before, after;

	scaled_conn(&k, 1000, 7);
	before = conn_session(&k);
	cr_assert_eq(cli_at(&k, 1000000000, 100), FX_XDP_DROP);
	after = conn_session(&k);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
	cr_assert_eq(after.wing[SFW_WING_IN].packets, before.wing[SFW_WING_IN].packets);
	cr_assert_eq(after.wing[SFW_WING_IN].seq_end, before.wing[SFW_WING_IN].seq_end);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS, "the connection goes on");
}

Test(window, segment_far_behind_dropped)
{
	struct conn k;

	scaled_conn(&k, 1000, 7);
	cr_assert_eq(cli_at(&k, -1000000000, 100), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
}

/* The client's SYN offered scaling: its 1000-byte raw window is 128000
 * bytes for the server to fill. */
Test(window, client_syn_scale_applies_to_what_the_server_sends)
{
	struct conn k;

	scaled_conn(&k, 1000, 7);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	k.s_next += 50000;
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 0);
}

Test(window, retransmission_passes)
{
	struct conn k;

	scaled_conn(&k, 1000, 7);
	cr_assert_eq(cli(&k, ACK | PSH, 500), FX_XDP_PASS);
	cr_assert_eq(cli_at(&k, -500, 500), FX_XDP_PASS, "the same segment again");
}

/* 1000 bytes of window: scaled by 2^7 the client may send 5000 bytes ahead;
 * unscaled it may not. */
Test(window, scaling_decides_how_far_ahead)
{
	struct conn scaled, plain;

	scaled_conn(&scaled, 1000, 7);
	cr_assert_eq(cli_at(&scaled, 5000, 100), FX_XDP_PASS);
	fx_teardown();
	cr_assert_eq(fx_setup(), 0);
	scaled_conn(&plain, 1000, 0);
	cr_assert_eq(cli_at(&plain, 5000, 100), FX_XDP_DROP);
}

Test(window, no_sequence_check_lets_it_pass)
{
	struct conn k;
	struct sfw_config cfg;

	scaled_conn(&k, 1000, 7);
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags | SFW_CFG_F_NO_SEQ_CHECK), 0);
	cr_assert_eq(cli_at(&k, 1000000000, 100), FX_XDP_PASS);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 0);
}

Test(window, joined_midstream_is_not_checked)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	cr_assert_eq(cli(&k, ACK, 100), FX_XDP_PASS);
	cr_assert_eq(cli_at(&k, 1000000000, 100), FX_XDP_PASS);
}

/* 0 is a sequence number like any other, not "not known yet": a window
 * that ends exactly at 2^32 (the receiver's ACK + window == 0 mod 2^32)
 * still bounds the sender. */
Test(window, window_ending_at_zero_still_bounds)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	k.s.window = 65535;
	k.c_next = 0u - 65535u - 1u;   /* after the SYN: the server's ACK + 65535 is 0 */
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].maxend, 0, "the window ends at 0");
	cr_assert_eq(cli_at(&k, 1000000000, 100), FX_XDP_DROP, "1 GB past the window");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS, "the connection goes on");
}

/* ... and a sender whose data ends at 0 is still held to what is behind. */
Test(window, sequence_end_at_zero_still_bounds)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	k.c_next = 0u - 101u;          /* after the SYN and 100 bytes: 0 */
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].seq_end, 0, "the data ends at 0");
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli_at(&k, -1000000000, 100), FX_XDP_DROP, "1 GB behind");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
}
