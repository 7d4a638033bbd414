/* TCP state machine: handshake, both closing orders, simultaneous open and
 * close, RST, retransmitted SYN, restart after TIME_WAIT, and the first
 * packet rules (SYN required unless no-syn-check). */
#include "tcp_conn.h"

TestSuite(tcp, .init = suite_setup, .fini = suite_teardown);

static void assert_state(const struct conn *k, __u8 tcp_state, __u32 timeout)
{
	struct sfw_session s = conn_session(k);

	cr_assert_eq(s.tcp_state, tcp_state, "tcp state %u, expected %u", s.tcp_state, tcp_state);
	cr_assert_eq(s.timeout_s, timeout, "timeout %u, expected %u", s.timeout_s, timeout);
}

Test(tcp, handshake)
{
	struct conn k;
	struct sfw_session s;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_SYN_SENT, 20);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_SYN_RECV, 20);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_ESTABLISHED, 1800);
	s = conn_session(&k);
	cr_assert_eq(s.wing[SFW_WING_IN].tcp_flags & SFW_WING_SEEN_SYN, SFW_WING_SEEN_SYN);
	cr_assert_eq(s.wing[SFW_WING_OUT].tcp_flags & SFW_WING_SEEN_SYN, SFW_WING_SEEN_SYN);
	cr_assert_eq(s.wing[SFW_WING_IN].packets, 2);
	cr_assert_eq(s.wing[SFW_WING_OUT].packets, 1);
	cr_assert_eq(s.state, SFW_SESS_VALID);
	cr_assert_eq(fx_session_count(), 1);
}

/* What the sequence tracking records (the window check builds on it). */
Test(tcp, sequence_tracking)
{
	struct conn k;
	struct sfw_session s;

	conn_init(&k, CLI6, SRV6);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 300), FX_XDP_PASS);   /* crosses 2^32 */
	s = conn_session(&k);
	cr_assert_eq(s.wing[SFW_WING_IN].seq_end, k.c_next);
	cr_assert_eq(s.wing[SFW_WING_OUT].seq_end, k.s_next);
	cr_assert_eq(s.wing[SFW_WING_IN].ack, k.s_next - 300);
	cr_assert_eq(s.wing[SFW_WING_OUT].ack, k.c_next);
	cr_assert_eq(s.wing[SFW_WING_IN].maxwin, 65535);
	assert_state(&k, SFW_TCP_ESTABLISHED, 1800);
}

Test(tcp, client_closes_first)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_FIN_WAIT, 1800);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_CLOSE_WAIT, 1800);
	cr_assert(conn_session(&k).wing[SFW_WING_IN].tcp_flags & SFW_WING_FIN_ACKED);
	cr_assert_not(conn_session(&k).wing[SFW_WING_OUT].tcp_flags & SFW_WING_FIN_ACKED);
	cr_assert_eq(srv(&k, ACK | PSH, 50), FX_XDP_PASS);   /* half-closed: data still flows */
	assert_state(&k, SFW_TCP_CLOSE_WAIT, 1800);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	cr_assert_not(conn_session(&k).wing[SFW_WING_OUT].tcp_flags & SFW_WING_FIN_ACKED);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	cr_assert_eq(conn_session(&k).state, SFW_SESS_VALID);
	cr_assert(conn_session(&k).wing[SFW_WING_OUT].tcp_flags & SFW_WING_FIN_ACKED);
}

Test(tcp, server_closes_first)
{
	struct conn k;

	conn_init(&k, CLI6, SRV6);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_FIN_WAIT, 1800);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_CLOSE_WAIT, 1800);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
}

/* An ACK that does not cover the FIN leaves the side half-closing. */
Test(tcp, ack_below_fin_keeps_fin_wait)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 100), FX_XDP_PASS);
	k.c_next -= 51;              /* the server acknowledges half the data */
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_FIN_WAIT, 1800);
	cr_assert_not(conn_session(&k).wing[SFW_WING_IN].tcp_flags & SFW_WING_FIN_ACKED);
}

Test(tcp, simultaneous_close)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	k.c_next--;                  /* the server's FIN crosses: it has not seen ours */
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	k.c_next++;
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
}

Test(tcp, simultaneous_open)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	/* passed, recorded only once the SYN-ACKs show each side saw the
	 * other's SYN (docs/security.md) */
	cr_assert_eq(srv(&k, SYN, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_SYN_SENT, 20);
	k.c_next--;
	cr_assert_eq(cli(&k, SYN | ACK, 0), FX_XDP_PASS);
	k.s_next--;
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_SYN_RECV, 20);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_ESTABLISHED, 1800);
	cr_assert_eq(fx_session_count(), 1);
}

static void rst_closes(bool from_client)
{
	struct conn k;
	struct sfw_session s;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(conn_send(&k, from_client, RST | ACK, 0), FX_XDP_PASS,
		     "the RST itself must reach the peer");
	assert_state(&k, SFW_TCP_CLOSED, 2);
	s = conn_session(&k);
	cr_assert_eq(s.state, SFW_SESS_INVALIDATED);
	cr_assert(s.wing[from_client ? SFW_WING_IN : SFW_WING_OUT].tcp_flags & SFW_WING_SEEN_RST);
}

Test(tcp, rst_from_server) { rst_closes(false); }
Test(tcp, rst_from_client) { rst_closes(true); }

/* A closed port answers the SYN with RST: the attempt ends at once. */
Test(tcp, rst_answering_syn)
{
	struct conn k;

	conn_init(&k, CLI6, SRV6);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, RST | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_CLOSED, 2);
	cr_assert_eq(conn_session(&k).state, SFW_SESS_INVALIDATED);
}

Test(tcp, retransmitted_syn_keeps_session)
{
	struct conn k;
	struct sfw_session s1, s2;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	s1 = conn_session(&k);
	k.c_next--;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	s2 = conn_session(&k);
	cr_assert_eq(s2.id, s1.id);
	cr_assert_eq(s2.tcp_state, SFW_TCP_SYN_SENT);
	cr_assert_eq(s2.wing[SFW_WING_IN].packets, 2);
	cr_assert_eq(s2.created_s, s1.created_s);
	cr_assert_eq(fx_session_count(), 1);
}

/* Port reuse: a SYN on a finished connection starts a new session; after
 * a RST only once tcp-rst-timeout has run (until then a SYN cannot take
 * over a flow whose RST the server may never have seen). */
static void syn_restarts(bool rst)
{
	struct conn k;
	struct sfw_session old, s;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	if (rst) {
		cr_assert_eq(srv(&k, RST, 0), FX_XDP_PASS);
		old = conn_session(&k);
		cr_assert_eq(fx_age(&k.c, 1), 0);
		k.c_next += 100000;
		cr_assert_eq(cli(&k, SYN, 0), FX_XDP_DROP, "restarted within tcp-rst-timeout");
		cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
		cr_assert_eq(conn_session(&k).id, old.id);
		cr_assert_eq(fx_age(&k.c, 2), 0);
	} else {
		cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
		cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
		cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
		assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	}
	old = conn_session(&k);
	k.c_next += 100000;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	s = conn_session(&k);
	cr_assert_neq(s.id, old.id, "a restarted connection is a new session");
	cr_assert_neq(s.id, 0);
	cr_assert_eq(s.tcp_state, SFW_TCP_SYN_SENT);
	cr_assert_eq(s.state, SFW_SESS_VALID);
	cr_assert_eq(s.timeout_s, 20);
	cr_assert_eq(s.wing[SFW_WING_IN].packets, 1);
	cr_assert_eq(s.wing[SFW_WING_OUT].packets, 0);
	cr_assert_eq(s.wing[SFW_WING_OUT].tcp_flags, 0, "the old wing state is gone");
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(fx_counter(SFW_CNT_IN_CONNECTIONS), 2);
}

Test(tcp, syn_after_time_wait_restarts) { syn_restarts(false); }
Test(tcp, syn_after_rst_restarts) { syn_restarts(true); }

/* ---- closes and port reuse (rv26 F4) ------------------------------------ */

/* Both FINs acknowledged exactly (sfw_tcp_finished): a SYN may start over. */
static void assert_both_fins_acked(const struct conn *k)
{
	struct sfw_session s = conn_session(k);

	cr_assert(s.wing[SFW_WING_IN].tcp_flags & SFW_WING_FIN_ACKED, "the client's FIN");
	cr_assert(s.wing[SFW_WING_OUT].tcp_flags & SFW_WING_FIN_ACKED, "the server's FIN");
}

/* The client reuses its port: a bare SYN with a later ISN restarts the
 * connection as a new session. */
static void assert_port_reused(struct conn *k)
{
	__u64 old = conn_session(k).id;

	k->c_next += 100000;
	cr_assert_eq(cli(k, SYN, 0), FX_XDP_PASS, "the new SYN");
	cr_assert_neq(conn_session(k).id, old, "the SYN did not start a new session");
	assert_state(k, SFW_TCP_SYN_SENT, 20);
	cr_assert_eq(srv(k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(k, ACK, 0), FX_XDP_PASS);
	assert_state(k, SFW_TCP_ESTABLISHED, 1800);
}

/* The client closes, the server answers with its own FIN, and the
 * client's final ACK (which sfw saw) acknowledges it: TIME_WAIT, both
 * FINs acknowledged, and the client may reuse the port at once. */
Test(tcp, close_with_its_final_ack_then_port_reuse)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 300), FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_FIN_WAIT, 1800);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	assert_both_fins_acked(&k);
	assert_port_reused(&k);
}

/* Without the final ACK sfw has not seen the server's FIN acknowledged:
 * a bare SYN is one more SYN on a synchronized connection (out of its
 * window here: dropped), and the port is free once TIME_WAIT ran out. A
 * blind attacker's SYN after forged FINs meets the same. */
Test(tcp, close_without_its_final_ack_restarts_only_after_time_wait)
{
	struct conn k;
	__u64 old;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	old = conn_session(&k).id;
	k.c_next += 100000;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_DROP, "restarted without the final ACK");
	cr_assert_eq(conn_session(&k).id, old);
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	cr_assert_eq(fx_age(&k.c, 5), 0);
	k.c_next--;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS, "the SYN once TIME_WAIT expired");
	cr_assert_neq(conn_session(&k).id, old);
	assert_state(&k, SFW_TCP_SYN_SENT, 20);
}

/* The server closes first; the client half-closes later, after more
 * data; its final ACK is the server's. */
Test(tcp, half_close_then_port_reuse)
{
	struct conn k;

	conn_init(&k, CLI6, SRV6);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(srv(&k, FIN | ACK | PSH, 200), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_CLOSE_WAIT, 1800);
	cr_assert_eq(cli(&k, ACK | PSH, 500), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	assert_both_fins_acked(&k);
	assert_port_reused(&k);
}

/* Both FINs cross; each side acknowledges the other's. */
Test(tcp, simultaneous_close_then_port_reuse)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	k.c_next--;
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	k.c_next++;
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	assert_both_fins_acked(&k);
	assert_port_reused(&k);
}

/* A FIN sent again (its ACK lost beyond sfw) changes nothing; the close
 * goes on. */
Test(tcp, retransmitted_fins_then_port_reuse)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK | PSH, 100), FX_XDP_PASS);
	k.c_next -= 101;
	cr_assert_eq(cli(&k, FIN | ACK | PSH, 100), FX_XDP_PASS, "the FIN again");
	assert_state(&k, SFW_TCP_FIN_WAIT, 1800);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	k.s_next--;
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS, "the server's FIN again");
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	assert_both_fins_acked(&k);
	assert_port_reused(&k);
}

/* The client's FIN overtakes its last data segment. Ahead of what sfw
 * saw of the client it is not taken for the close (a blind FIN would be
 * too): it waits, and the server's acknowledgement of exactly it, sent
 * once the data came, makes it the close. */
Test(tcp, fin_reordered_before_the_last_data)
{
	struct conn k;
	struct sfw_session s;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	k.c_next += 100;             /* the last data segment is late */
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS, "the early FIN");
	assert_state(&k, SFW_TCP_ESTABLISHED, 1800);
	s = conn_session(&k);
	cr_assert(s.wing[SFW_WING_IN].tcp_flags & SFW_WING_FIN_PENDING);
	cr_assert_not(s.wing[SFW_WING_IN].tcp_flags & SFW_WING_SEEN_FIN);
	k.c_next -= 101;
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS, "the late data");
	k.c_next++;
	assert_state(&k, SFW_TCP_ESTABLISHED, 1800);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS, "the server has it all, FIN included");
	assert_state(&k, SFW_TCP_CLOSE_WAIT, 1800);
	s = conn_session(&k);
	cr_assert_eq(s.wing[SFW_WING_IN].tcp_flags & (SFW_WING_SEEN_FIN | SFW_WING_FIN_ACKED |
						      SFW_WING_FIN_PENDING),
		     SFW_WING_SEEN_FIN | SFW_WING_FIN_ACKED);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	assert_both_fins_acked(&k);
	assert_port_reused(&k);
}

/* The same FIN overtaking the data, its segment carrying the server's
 * FIN's acknowledgement too: the server closed first. */
Test(tcp, second_fin_reordered_before_the_last_data)
{
	struct conn k;

	conn_init(&k, CLI6, SRV6);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_FIN_WAIT, 1800);
	k.c_next += 50;
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS, "the early FIN");
	assert_state(&k, SFW_TCP_CLOSE_WAIT, 1800);
	k.c_next -= 51;
	cr_assert_eq(cli(&k, ACK | PSH, 50), FX_XDP_PASS, "the late data");
	k.c_next++;
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_TIME_WAIT, 4);
	assert_both_fins_acked(&k);
	assert_port_reused(&k);
}

/* A RST after the FINs (an abortive close, or data after close) closes
 * exactly: CLOSED, and a SYN restarts once tcp-rst-timeout ran. */
Test(tcp, rst_after_fin_then_port_reuse)
{
	struct conn k;
	__u64 old;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_CLOSE_WAIT, 1800);
	cr_assert_eq(srv(&k, RST | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_CLOSED, 2);
	old = conn_session(&k).id;
	k.c_next += 100000;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_DROP, "restarted within tcp-rst-timeout");
	cr_assert_eq(conn_session(&k).id, old);
	cr_assert_eq(fx_age(&k.c, 3), 0);
	k.c_next--;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_neq(conn_session(&k).id, old);
	assert_state(&k, SFW_TCP_SYN_SENT, 20);
}

static void first_packet_refused(__u8 flags)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, flags, 10), FX_XDP_DROP, "flags %#x opened a session", flags);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_TCP_NO_SYN), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 0);
}

Test(tcp, first_ack_refused) { first_packet_refused(ACK); }
Test(tcp, first_ack_psh_refused) { first_packet_refused(ACK | PSH); }
Test(tcp, first_synack_refused) { first_packet_refused(SYN | ACK); }
Test(tcp, first_fin_refused) { first_packet_refused(FIN | ACK); }
Test(tcp, first_rst_refused) { first_packet_refused(RST); }
Test(tcp, first_syn_rst_refused) { first_packet_refused(SYN | RST); }
Test(tcp, first_no_flags_refused) { first_packet_refused(0); }
Test(tcp, first_syn_fin_refused) { first_packet_refused(SYN | FIN); }

/* no-syn-check joins connections already running (after a restart). */
Test(tcp, no_syn_check_joins_midstream)
{
	struct conn k;
	struct sfw_session s;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(&k, CLI6, SRV6);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	s = conn_session(&k);
	cr_assert_eq(s.tcp_state, SFW_TCP_ESTABLISHED);
	cr_assert_eq(s.timeout_s, 1800);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_OUT].packets, 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_TCP_NO_SYN), 0);
}

/* ...but a lone RST or a SYN with FIN never opens anything. */
static void no_syn_check_refused(__u8 flags)
{
	struct conn k;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, flags, 0), FX_XDP_DROP, "flags %#x opened a session", flags);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_TCP_NO_SYN), 1);
}

Test(tcp, no_syn_check_still_refuses_rst) { no_syn_check_refused(RST); }
Test(tcp, no_syn_check_still_refuses_syn_fin) { no_syn_check_refused(SYN | FIN); }
Test(tcp, no_syn_check_still_refuses_syn_fin_ack) { no_syn_check_refused(SYN | FIN | ACK); }

/* Timeouts are read from the config map at each transition. */
Test(tcp, timeouts_follow_config)
{
	struct conn k;

	cr_assert_eq(fx_set_timeout(SFW_TO_TCP_INITIAL, 7), 0);
	cr_assert_eq(fx_set_timeout(SFW_TO_TCP_ESTABLISHED, 300), 0);
	cr_assert_eq(fx_set_timeout(SFW_TO_TCP_HALF_CLOSED, 30), 0);
	cr_assert_eq(fx_set_timeout(SFW_TO_TCP_TIME_WAIT, 9), 0);
	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_SYN_SENT, 7);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_ESTABLISHED, 300);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_FIN_WAIT, 30);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	assert_state(&k, SFW_TCP_TIME_WAIT, 9);
}
