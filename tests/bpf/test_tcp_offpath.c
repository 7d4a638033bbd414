/* Off-path attackers against TCP sessions (docs/security.md, "TCP: resets,
 * handshakes and windows"): a RST ends a session only at the exact next
 * sequence number (an inexact one in the window is passed for the
 * endpoint's challenge ACK and changes nothing, one outside is dropped);
 * before the handshake completes a RST or SYN-ACK must acknowledge the
 * SYN, and blind handshake segments record nothing; a SYN on a running
 * connection changes nothing; sessions opened without a SYN (no-syn-check,
 * SYN cookies) are window-tracked once their wings are known. */
#include "tcp_conn.h"
#include "commit.h"

TestSuite(offpath, .init = suite_setup, .fini = suite_teardown);

#define FAR 1000000000u    /* far outside any window */

/* The rest of a real handshake after the client's SYN, and data both ways. */
static void handshake_completes(struct conn *k)
{
	cr_assert_eq(srv(k, SYN | ACK, 0), FX_XDP_PASS, "the real SYN-ACK");
	cr_assert_eq(cli(k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(srv(k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(conn_session(k).tcp_state, SFW_TCP_ESTABLISHED);
}

static void assert_unchanged(const struct sfw_session *a, const struct sfw_session *b)
{
	cr_assert_eq(b->tcp_state, a->tcp_state, "tcp state %u, was %u", b->tcp_state,
		     a->tcp_state);
	cr_assert_eq(b->state, a->state);
	cr_assert_eq(b->timeout_s, a->timeout_s);
	cr_assert_eq(b->last_seen_s, a->last_seen_s, "the idle timer was refreshed");
	for (int d = 0; d < 2; d++) {
		cr_assert_eq(b->wing[d].seq_end, a->wing[d].seq_end, "wing %d seq_end", d);
		cr_assert_eq(b->wing[d].ack, a->wing[d].ack, "wing %d ack", d);
		cr_assert_eq(b->wing[d].maxend, a->wing[d].maxend, "wing %d maxend", d);
		cr_assert_eq(b->wing[d].maxwin, a->wing[d].maxwin, "wing %d maxwin", d);
		cr_assert_eq(b->wing[d].wscale, a->wing[d].wscale, "wing %d wscale", d);
		cr_assert_eq(b->wing[d].isn, a->wing[d].isn, "wing %d isn", d);
		cr_assert_eq(b->wing[d].tcp_flags, a->wing[d].tcp_flags, "wing %d flags", d);
	}
}

/* ---- RST on an established connection ------------------------------------ */

Test(offpath, inexact_rst_in_window_passes_and_changes_nothing)
{
	struct conn k;
	struct sfw_session before, after;

	conn_established(&k, 0, 0);
	cr_assert_eq(fx_age(&k.c, 100), 0);   /* so that a refreshed timer would show */
	before = conn_session(&k);
	cr_assert_eq(conn_forge(&k, true, RST, k.c_next + 1000, 0, 0), FX_XDP_PASS,
		     "the server must see it, to answer with a challenge ACK");
	cr_assert_eq(conn_forge(&k, false, RST | ACK, k.s_next + 1, k.c_next, 0), FX_XDP_PASS);
	after = conn_session(&k);
	assert_unchanged(&before, &after);
	cr_assert_eq(after.tcp_state, SFW_TCP_ESTABLISHED);
	cr_assert_eq(after.state, SFW_SESS_VALID);
	cr_assert_eq(after.wing[SFW_WING_IN].packets, before.wing[SFW_WING_IN].packets + 1);
	cr_assert_eq(after.wing[SFW_WING_OUT].packets, before.wing[SFW_WING_OUT].packets + 1);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 0);
	/* the challenge ACK, and the conversation goes on */
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 50), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 50), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED);
}

/* The sender's next sequence number: its stack's RST after its own data. */
Test(offpath, rst_at_the_senders_next_closes)
{
	struct conn k;

	conn_established(&k, 0, 0);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);   /* not acknowledged yet */
	cr_assert_eq(cli(&k, RST, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_CLOSED);
	cr_assert_eq(conn_session(&k).state, SFW_SESS_INVALIDATED);
}

/* What the receiver acknowledged: RCV.NXT as the receiver announced it. */
Test(offpath, rst_at_what_the_receiver_acknowledged_closes)
{
	struct conn k;
	__u32 acked;

	conn_established(&k, 0, 0);
	acked = k.c_next;
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, RST, acked, 0, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_CLOSED);
}

Test(offpath, rst_out_of_window_dropped_and_counted)
{
	struct conn k;
	struct sfw_session before, after;

	conn_established(&k, 0, 0);
	cr_assert_eq(fx_age(&k.c, 100), 0);   /* so that a refreshed timer would show */
	before = conn_session(&k);
	cr_assert_eq(conn_forge(&k, true, RST, k.c_next + FAR, 0, 0), FX_XDP_DROP);
	cr_assert_eq(conn_forge(&k, false, RST | ACK, k.s_next - FAR, k.c_next, 0), FX_XDP_DROP);
	after = conn_session(&k);
	assert_unchanged(&before, &after);
	cr_assert_eq(after.wing[SFW_WING_IN].packets, before.wing[SFW_WING_IN].packets);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 2);
}

/* ---- the handshake ----------------------------------------------------- */

/* RFC 9293 3.10.7.3: in SYN-SENT a RST counts only if it acknowledges the
 * SYN; the opener's own can only be at its next sequence number. */
Test(offpath, rst_in_syn_sent_must_acknowledge_the_syn)
{
	struct conn k;
	struct sfw_session s;

	conn_init(&k, CLI6, SRV6);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, RST | ACK, 0, k.c_next + 1, 0), FX_XDP_DROP,
		     "wrong ACK");
	cr_assert_eq(conn_forge(&k, false, RST | ACK, 0, k.c_next - 1, 0), FX_XDP_DROP,
		     "ACK of the ISN");
	cr_assert_eq(conn_forge(&k, false, RST, k.c_next, 0, 0), FX_XDP_DROP, "no ACK");
	cr_assert_eq(conn_forge(&k, true, RST, k.c_next + 5, 0, 0), FX_XDP_DROP, "opener, inexact");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 4);
	s = conn_session(&k);
	cr_assert_eq(s.tcp_state, SFW_TCP_SYN_SENT);
	cr_assert_eq(s.state, SFW_SESS_VALID);
	cr_assert_eq(s.wing[SFW_WING_OUT].packets, 0);
	cr_assert_eq(s.wing[SFW_WING_OUT].tcp_flags, 0);
	cr_assert_eq(conn_forge(&k, false, RST | ACK, 0, k.c_next, 0), FX_XDP_PASS,
		     "the right ACK");
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_CLOSED);
}

Test(offpath, blind_synack_dropped_records_nothing_real_one_completes)
{
	struct conn k;
	struct sfw_session s;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	k.s.tcp_opts = 8;
	k.s.tcp_wscale = 14 + 1;
	cr_assert_eq(conn_forge(&k, false, SYN | ACK, 0x12345678, 0xdeadbeef, 0), FX_XDP_DROP);
	cr_assert_eq(conn_forge(&k, false, SYN | ACK, 0x12345678, k.c_next - 1, 0), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 2);
	s = conn_session(&k);
	cr_assert_eq(s.tcp_state, SFW_TCP_SYN_SENT);
	cr_assert_eq(s.wing[SFW_WING_OUT].packets, 0);
	cr_assert_eq(s.wing[SFW_WING_OUT].tcp_flags, 0);
	cr_assert_eq(s.wing[SFW_WING_OUT].seq_end, 0);
	cr_assert_eq(s.wing[SFW_WING_OUT].wscale, 0);
	cr_assert_eq(s.wing[SFW_WING_OUT].maxwin, 0);
	cr_assert_eq(s.wing[SFW_WING_IN].maxend, 0);
	k.s.tcp_opts = 0;
	k.s.tcp_wscale = 0;
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_SYN_RECV);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);
	s = conn_session(&k);
	cr_assert_eq(s.tcp_state, SFW_TCP_ESTABLISHED);
	cr_assert_eq(s.wing[SFW_WING_OUT].isn, 0xfffffff0);
	cr_assert_eq(s.wing[SFW_WING_OUT].wscale, 0xf, "no scale option in the real SYN-ACK");
}

/* A blind SYN from the responder's side (a simultaneous open as far as sfw
 * can tell) must not keep the real SYN-ACK out: that one proves it saw
 * the SYN, and starts the responder's wing afresh. */
Test(offpath, blind_syn_from_responder_side_does_not_block_handshake)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, SYN, 0x12345678, 0, 0), FX_XDP_PASS);
	handshake_completes(&k);
}

/* ...nor the server's RST for a closed port: it acknowledges the SYN. */
Test(offpath, rst_acknowledging_the_syn_closes_after_a_blind_syn)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, SYN, 0x12345678, 0, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_SYN_SENT);
	cr_assert_eq(conn_forge(&k, false, RST | ACK, 0, k.c_next, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_CLOSED);
}

/* A SYN claiming to be the opener's with an earlier ISN is not recorded:
 * otherwise the real SYN-ACK would not acknowledge the SYN sfw knows (a
 * later one is a new attempt: blind/later_syn_in_syn_sent_*). */
Test(offpath, opener_syn_with_another_isn_dropped)
{
	struct conn k;

	conn_init(&k, CLI6, SRV6);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, SYN, k.c_next - 0x40000000, 0, 0), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
	handshake_completes(&k);
}

/* The responder says nothing before its SYN: a blind ACK there would set
 * how far the opener may send. */
Test(offpath, responder_segment_before_its_syn_dropped)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, false, ACK | PSH, 0x1234, 0x80000000, 10), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].maxend, 0);
	handshake_completes(&k);
}

/* RFC 5961 section 4: a SYN on a synchronized connection is the endpoint's
 * to answer (challenge ACK); it must not change what sfw knows (here: a
 * window scale of 14 instead of 7). */
Test(offpath, syn_on_established_connection_changes_nothing)
{
	struct conn k;
	struct sfw_session before, after;

	conn_init(&k, CLI4, SRV4);
	k.c.tcp_opts = k.s.tcp_opts = 8;
	k.c.tcp_wscale = k.s.tcp_wscale = 7 + 1;
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(fx_age(&k.c, 100), 0);
	before = conn_session(&k);
	k.s.tcp_wscale = k.c.tcp_wscale = 14 + 1;
	cr_assert_eq(conn_forge(&k, false, SYN | ACK, k.s_next + 10, k.c_next, 0), FX_XDP_PASS);
	cr_assert_eq(conn_forge(&k, true, SYN, k.c_next + 10, 0, 0), FX_XDP_PASS);
	after = conn_session(&k);
	assert_unchanged(&before, &after);
	cr_assert_eq(conn_forge(&k, true, SYN, k.c_next + FAR, 0, 0), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
}

/* ---- sessions opened without a SYN --------------------------------------- */

/* A client segment at an offset from its next sequence number. */
static int at(struct conn *k, bool from_client, __s64 offset, __u16 payload)
{
	__u32 next = from_client ? k->c_next : k->s_next;
	__u32 peer = from_client ? k->s_next : k->c_next;

	return conn_forge(k, from_client, ACK, (__u32)(next + offset), peer, payload);
}

Test(offpath, no_syn_check_session_window_tracked_once_both_sides_seen)
{
	struct conn k;
	struct sfw_session s;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(&k, CLI4, SRV4);
	k.c.window = k.s.window = 502;   /* Linux's 64 KiB at its usual scale, 7 */
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);   /* learns the server's side */
	s = conn_session(&k);
	cr_assert(s.wing[SFW_WING_IN].tcp_flags & SFW_WING_TRACKED);
	cr_assert(s.wing[SFW_WING_OUT].tcp_flags & SFW_WING_TRACKED);
	cr_assert_eq(at(&k, true, FAR, 100), FX_XDP_DROP);
	cr_assert_eq(at(&k, false, FAR, 100), FX_XDP_DROP);
	cr_assert_eq(at(&k, true, -(__s64)FAR, 100), FX_XDP_DROP);
	cr_assert_eq(conn_forge(&k, true, RST, k.c_next + FAR, 0, 0), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 4);
	cr_assert_eq(conn_forge(&k, true, RST, k.c_next + 1000, 0, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED, "inexact RST");
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);
}

/* The scale of a connection joined mid-stream is unknown: sfw assumes the
 * largest (14). A connection scaling by 7 with raw windows of 1000 (128000
 * bytes) keeps every real segment; twice the raw window shifted by 14 is
 * still out. */
Test(offpath, no_syn_check_assumes_the_largest_scale)
{
	struct conn k;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	conn_init(&k, CLI6, SRV6);
	k.c.window = k.s.window = 1000;
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(at(&k, true, 100000, 100), FX_XDP_PASS);
	cr_assert_eq(at(&k, false, 100000, 100), FX_XDP_PASS);
	cr_assert_eq(at(&k, true, 2 * (1000 << 14), 100), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
}

static __u32 be32_at(const __u8 *b)
{
	return (__u32)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

/* A session opened by the ACK returning a SYN cookie (bpf/syncookie.bpf.h)
 * is tracked from that packet: both sides' numbers are in it, and neither
 * scales (the cookie SYN-ACK carries no window scale option). */
Test(offpath, cookie_session_window_tracked_from_its_first_packet)
{
	struct pb_spec syn = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP, .sport = 30000,
			       .dport = 22, .tcp_flags = SFW_TCP_SYN, .seq = 5000 };
	struct pb_spec c, s;
	struct sfw_session sess;
	__u8 out[PB_MAX];
	__u32 len, cookie;

	commit("set security screen ids-option guard tcp syn-flood attack-threshold 1\n"
	       "set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust screen guard\n"
	       "set security flow syn-flood-protection-mode syn-cookie\n"
	       "set security policies default-policy permit-all\n");
	suite_early_in_second();
	cr_assert_eq(fx_xdp(&syn), FX_XDP_PASS, "under the threshold");
	syn.sport = 30001;
	cr_assert_eq(xdp_out(&syn, out, &len), 3 /* XDP_TX */);
	cookie = be32_at(out + 34 + 4);
	c = syn;
	c.tcp_flags = ACK, c.seq = 5001, c.ack = cookie + 1, c.window = 1000;
	cr_assert_eq(fx_xdp(&c), FX_XDP_PASS, "the cookie opens the session");
	GET_SESSION(&c, &sess);
	cr_assert_eq(sess.tcp_state, SFW_TCP_ESTABLISHED);
	cr_assert(sess.wing[SFW_WING_IN].tcp_flags & SFW_WING_TRACKED);
	cr_assert(sess.wing[SFW_WING_OUT].tcp_flags & SFW_WING_TRACKED);
	cr_assert_eq(sess.wing[SFW_WING_OUT].seq_end, cookie + 1);

	c.seq = 5001 + FAR;
	cr_assert_eq(fx_xdp(&c), FX_XDP_DROP, "the client's side, far ahead");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 1);
	c.seq = 5001, c.payload = 100;
	cr_assert_eq(fx_xdp(&c), FX_XDP_PASS);

	/* the server's answers leave through tc, as the host's own */
	s = pb_reverse(&c);
	s.tcp_flags = ACK, s.seq = cookie + 1, s.ack = 5101, s.payload = 100;
	cr_assert_eq(fx_tc(&s, NULL), FX_TC_OK);
	s.seq = cookie + 1 + FAR;
	cr_assert_eq(fx_tc(&s, NULL), FX_TC_SHOT, "the server's side, far ahead");
	/* no scaling: the client's raw window of 1000 is all the server has */
	s.seq = cookie + 101 + 5000;
	cr_assert_eq(fx_tc(&s, NULL), FX_TC_SHOT, "past the unscaled window");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), 3);
	c.seq = 5101, c.ack = cookie + 101, c.payload = 0;
	cr_assert_eq(fx_xdp(&c), FX_XDP_PASS);
}

/* no-syn-check, and a global policy permitting CLI4 -> SRV4 ("out") */
#define B3_OUT_ONLY                                                                  \
	"set security flow tcp-session no-syn-check\n"                              \
	"set security address-book global address cli " CLI4 "/32\n"                 \
	"set security address-book global address srv " SRV4 "/32\n"                 \
	"set security policies global policy out match "                            \
	"source-address cli destination-address srv application any\n"             \
	"set security policies global policy out then permit\n"

/* Review rvf1b, B3: under no-syn-check a SYN-ACK opens a session in its
 * own direction under that direction's policy, as any non-RST segment
 * does (a pickup: bpf/tcp_state.bpf.h sfw_tcp_init). A listener whose
 * R1 session was ended for a connection the other way
 * (sfw_tcp_end_for_reverse) sends its SYN-ACK again: where the policy
 * denies the listener's direction, it is dropped and opens nothing, and
 * the client's ACK opens a session under the client's own direction's
 * policy (the client its opener). */
Test(offpath, no_syn_check_synack_again_judged_by_its_own_direction)
{
	struct conn k;
	struct sfw_session s;
	__u64 id;
	__u32 sisn, cseq;

	commit(B3_OUT_ONLY
	       "set security policies global policy back match "
	       "source-address srv destination-address cli application any\n"
	       "set security policies global policy back then permit\n"
	       "set security policies default-policy deny-all\n");
	conn_init(&k, CLI4, SRV4);
	/* the server's side picked up first (policy back), R1's reverse
	 * restart: the client's SYN kept, the server's SYN-ACK ends it */
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);
	id = conn_session(&k).id;
	k.c_next += 0x01000000u;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	sisn = k.s_next;
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	/* now the server's direction is denied: its SYN-ACK again opens
	 * nothing (global policies: the fixture's destinations are the
	 * host) */
	commit(B3_OUT_ONLY "set security policies default-policy deny-all\n");
	k.s_next = sisn;
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_DROP, "the listener's direction is denied");
	cr_assert(fx_session(&k.c, &s) == -ENOENT || (s.id == id && s.timeout_s == 0),
		  "a session opened on it");
	cseq = k.c_next;
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS, "the client's ACK opens its own");
	s = conn_session(&k);
	cr_assert_neq(s.id, id);
	cr_assert_eq(s.wing[SFW_WING_IN].isn, cseq, "the client its opener");
	cr_assert_eq(cli(&k, ACK | PSH, 200), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 1000), FX_XDP_PASS, "the server's answer, a reply");
	conn_still_talking(&k, "the client's own session", 2);
}
