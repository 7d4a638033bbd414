/* Expiry: a session idle for longer than its timeout behaves as absent on
 * the next packet. Time is faked by moving the session's timestamps back
 * (fx_age), with small timeouts set through the config map so the test
 * does not depend on how long the machine has been up. */
#include <time.h>
#include "tcp_conn.h"

TestSuite(expiry, .init = suite_setup, .fini = suite_teardown);

#define AGE(spec, secs) cr_assert_eq(fx_age(spec, secs), 0, "could not age the session")

Test(expiry, udp_alive_within_timeout)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 5000, .dport = 53 };
	struct pb_spec back = pb_reverse(&udp);
	struct sfw_session s1, s2;

	cr_assert_eq(fx_set_timeout(SFW_TO_UDP, 5), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	GET_SESSION(&udp, &s1);
	cr_assert_eq(s1.timeout_s, 5);
	AGE(&udp, 4);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	GET_SESSION(&udp, &s2);
	cr_assert_eq(s2.id, s1.id);
	cr_assert_eq(s2.wing[SFW_WING_IN].packets, 2);
	cr_assert_gt(s2.last_seen_s, s2.created_s, "each packet refreshes last-seen");
	/* refreshed: another 4 s is again within the timeout */
	AGE(&udp, 4);
	cr_assert_eq(fx_xdp(&back), FX_XDP_PASS);
	GET_SESSION(&udp, &s2);
	cr_assert_eq(s2.id, s1.id);
}

/* After expiry the next packet opens a fresh session, whichever side
 * sends it: a late reply becomes the opener of its own session. */
Test(expiry, udp_expired_reopens)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 5000, .dport = 53 };
	struct pb_spec back = pb_reverse(&udp);
	struct sfw_session s1, s2;

	cr_assert_eq(fx_set_timeout(SFW_TO_UDP, 5), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	AGE(&udp, 6);
	GET_SESSION(&udp, &s1);   /* with the aged timestamps */
	cr_assert_eq(fx_xdp(&back), FX_XDP_PASS);
	GET_SESSION(&udp, &s2);
	cr_assert_neq(s2.id, s1.id);
	cr_assert_neq(s2.flags & SFW_SESS_F_OPENER_LO, s1.flags & SFW_SESS_F_OPENER_LO);
	cr_assert_eq(s2.wing[SFW_WING_IN].packets, 1);
	cr_assert_eq(s2.wing[SFW_WING_OUT].packets, 0);
	cr_assert_gt(s2.created_s, s1.created_s);
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(fx_counter(SFW_CNT_IN_CONNECTIONS), 2);
}

/* A mid-stream TCP packet after expiry is refused like any non-SYN first
 * packet; a new SYN opens a new session. */
Test(expiry, tcp_midstream_after_expiry_refused)
{
	struct conn k;
	struct sfw_session old, s;

	cr_assert_eq(fx_set_timeout(SFW_TO_TCP_ESTABLISHED, 10), 0);
	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK | PSH, 10), FX_XDP_PASS);
	old = conn_session(&k);
	AGE(&k.c, 11);
	cr_assert_eq(srv(&k, ACK | PSH, 10), FX_XDP_DROP);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_TCP_NO_SYN), 2);
	k.c_next += 1000;
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	s = conn_session(&k);
	cr_assert_neq(s.id, old.id);
	cr_assert_eq(s.tcp_state, SFW_TCP_SYN_SENT);
}

Test(expiry, tcp_within_timeout_continues)
{
	struct conn k;

	cr_assert_eq(fx_set_timeout(SFW_TO_TCP_ESTABLISHED, 10), 0);
	conn_init(&k, CLI6, SRV6);
	conn_handshake(&k, FX_XDP_PASS);
	AGE(&k.c, 9);
	cr_assert_eq(srv(&k, ACK | PSH, 10), FX_XDP_PASS);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_TCP_NO_SYN), 0);
}

/* An unanswered SYN lives for the initial timeout only. */
Test(expiry, tcp_initial_timeout)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).timeout_s, 20);
	AGE(&k.c, 21);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_TCP_NO_SYN), 1);
}

Test(expiry, time_wait_expires)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).timeout_s, 4);
	AGE(&k.c, 5);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_DROP);
}

Test(expiry, echo_reply_after_expiry_dropped)
{
	struct pb_spec req = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_ICMP6,
			       .icmp_type = SFW_ICMPV6_ECHO_REQUEST, .icmp_id = 5 };
	struct pb_spec rep = pb_reverse(&req);

	cr_assert_eq(fx_set_timeout(SFW_TO_ICMP, 3), 0);
	cr_assert_eq(fx_xdp(&req), FX_XDP_PASS);
	AGE(&req, 4);
	cr_assert_eq(fx_xdp(&rep), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 1);
}

Test(expiry, icmp_error_about_expired_session_dropped)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 5000, .dport = 53 };
	struct pb_spec err = { .src = SRV4, .dst = CLI4, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3, .inner = &udp };

	cr_assert_eq(fx_set_timeout(SFW_TO_UDP, 3), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&err), FX_XDP_PASS);
	AGE(&udp, 4);
	cr_assert_eq(fx_xdp(&err), FX_XDP_DROP);
}

Test(expiry, other_protocol_timeout)
{
	struct pb_spec gre = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_GRE, .payload = 20 };
	struct sfw_session s1, s2;

	cr_assert_eq(fx_set_timeout(SFW_TO_OTHER, 6), 0);
	cr_assert_eq(fx_xdp(&gre), FX_XDP_PASS);
	GET_SESSION(&gre, &s1);
	cr_assert_eq(s1.timeout_s, 6);
	AGE(&gre, 7);
	cr_assert_eq(fx_xdp(&gre), FX_XDP_PASS);
	GET_SESSION(&gre, &s2);
	cr_assert_neq(s2.id, s1.id);
}

/* Expired sessions under deny-all cannot be revived by their traffic. */
Test(expiry, expired_under_deny_all_dropped)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 5000, .dport = 53 };

	cr_assert_eq(fx_set_timeout(SFW_TO_UDP, 3), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	AGE(&udp, 4);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 1);
}

/* CPUs read the clock before looking the session up, so a packet on one
 * CPU can find last-seen already stamped by another CPU a moment later
 * than its own reading. That session is fresh, not expired. */
Test(expiry, last_seen_ahead_of_clock_is_fresh)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 5000, .dport = 53 };
	struct pb_spec back = pb_reverse(&udp);
	struct sfw_session s1, s2;

	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	GET_SESSION(&udp, &s1);
	AGE(&udp, -1);
	cr_assert_eq(fx_xdp(&back), FX_XDP_PASS);
	GET_SESSION(&udp, &s2);
	cr_assert_eq(s2.id, s1.id, "a session stamped ahead of the clock was taken for expired");
	cr_assert_eq(s2.wing[SFW_WING_OUT].packets, 1);
}

/* The same race on TCP would drop a mid-stream packet as "no SYN". */
Test(expiry, tcp_last_seen_ahead_of_clock_passes)
{
	struct conn k;

	conn_init(&k, CLI6, SRV6);
	conn_handshake(&k, FX_XDP_PASS);
	AGE(&k.c, -1);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_TCP_NO_SYN), 0);
}

/* The machine's uptime in whole seconds (CLOCK_MONOTONIC, the datapath's
 * clock's base). */
static __s64 uptime_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* fx_age past the machine's uptime (a test on a freshly booted machine
 * ages a session by an hour): the timestamps cannot go back before boot,
 * so the fixture shrinks the timeout by the seconds it could not go back
 * instead. Here the timeout is longer than the uptime: aged by more than
 * it, the session has expired; by less, not. */
Test(expiry, aged_past_the_uptime_expires_alike)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 5010, .dport = 53 };
	__s64 timeout = uptime_s() + 1000;
	struct sfw_session s1, s2;

	cr_assert_eq(fx_set_timeout(SFW_TO_UDP, (__u32)timeout), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	GET_SESSION(&udp, &s1);
	AGE(&udp, timeout - 10);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	GET_SESSION(&udp, &s2);
	cr_expect_eq(s2.id, s1.id, "aged by less than its timeout, still the same session");
	AGE(&udp, timeout + 1);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	GET_SESSION(&udp, &s2);
	cr_expect_neq(s2.id, s1.id, "aged past its timeout and the uptime: expired, opened anew");
}
