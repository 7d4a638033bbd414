/* Review rvdaemon: state the datapath fills and only the session daemon
 * empties. With the daemon dead (killed, crashed, never restarted), a
 * burst of traffic must not leave sfw refusing legitimate new traffic for
 * good: whatever a packet can fill, a later packet, or the kernel's own
 * sweep (include/ksweep.h), must take back once what filled it has
 * expired. Each test here plays "no daemon": nothing but packets (and,
 * for F0 and F2, the kernel's sweep, armed as `attach` arms it) runs
 * between the burst and the legitimate first packet, and the burst's
 * sessions are aged past their timeouts as time would (fx_age; NAT
 * holders by nat_age_holders). */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "limit_conf.h"
#include "ksweep_fixture.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "tally.h"

TestSuite(rvdaemon_nat, .init = nat_setup, .fini = suite_teardown);
TestSuite(rvdaemon, .init = suite_setup, .fini = suite_teardown);

#define RVD_POOL "203.0.113.10"

/* F1. A source pool's ports are held by reservations (sfw_nat_ports, a
 * plain hash) that only an ending session gives back. An expired NAT
 * session is ended by the sweeper, or by a first packet of its own flow;
 * a port's allocation that met its reservation took it over only when
 * the holder was gone from the table (evicted), never when it was there
 * expired. So with no daemon, a burst of as many flows as the pool has
 * ports (a LAN host, a scan) held every port for good: every new client
 * was refused as Incoming NAT error. A first packet now ends an expired
 * holder it meets (sfw_retire: its counts, alias and close log with it)
 * and takes the port; a live holder is never taken. */
Test(rvdaemon_nat, expired_holders_give_their_pool_ports_without_a_daemon)
{
	struct pb_spec s1 = udp(CLIENT_A, SERVER1, 40001, 53);
	struct pb_spec s2 = udp(CLIENT_A, SERVER1, 40002, 53);
	struct pb_spec s3 = udp(CLIENT_B, SERVER2, 40003, 53);
	struct pb_spec s4 = udp(CLIENT_B, SERVER2, 40004, 53);
	struct pb_spec s5 = udp(CLIENT_B, SERVER2, 40005, 53);
	struct pb_pkt in, out;
	__u16 p1, p3, p4;

	commit_pool("set security nat source pool P address " RVD_POOL "/32\n"
		    "set security nat source pool P port range 3000 to 3001\n");
	cr_assert_eq(run_at(in_if, &s1, &in, &out), FX_XDP_REDIRECT);
	p1 = port_at(&out, 0);
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &s3, &in, &out), FX_XDP_DROP, "the pool is full");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);

	/* the burst's sessions expire; no daemon sweeps them */
	cr_assert_eq(fx_age(&s1, 3600), 0);
	cr_assert_eq(fx_age(&s2, 3600), 0);
	nat_age_holders(3600);

	cr_assert_eq(run_at(in_if, &s3, &in, &out), FX_XDP_REDIRECT,
		     "an expired holder keeps its port for good without a daemon");
	p3 = port_at(&out, 0);
	assert_tuple(&out, &s3, RVD_POOL, p3, SERVER2, 53);
	cr_assert(p3 == 3000 || p3 == 3001, "port %u", p3);
	if (p3 == p1)
		ASSERT_NO_SESSION(&s1);
	else
		ASSERT_NO_SESSION(&s2);
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 2);
	cr_assert_eq(fx_session_count(), 4, "the new session, the other expired one, their aliases");

	cr_assert_eq(run_at(in_if, &s4, &in, &out), FX_XDP_REDIRECT, "the other expired holder");
	p4 = port_at(&out, 0);
	cr_assert_neq(p4, p3);
	ASSERT_NO_SESSION(&s1);
	ASSERT_NO_SESSION(&s2);
	cr_assert_eq(fx_session_count(), 4, "two live sessions and their aliases, nothing stale");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 2);

	/* live holders are never taken, however old their reservations */
	nat_age_holders(3600);
	cr_assert_eq(run_at(in_if, &s5, &in, &out), FX_XDP_DROP, "both ports held by live sessions");
	ASSERT_NO_SESSION(&s5);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 2);
	cr_assert_eq(run_at(in_if, &s3, &in, &out), FX_XDP_REDIRECT, "s3 still translated");
	assert_tuple(&out, &s3, RVD_POOL, p3, SERVER2, 53);
	cr_assert_eq(outcomes_at(in_if), 7, "one outcome per packet");
}

static struct pb_spec syn(const char *src, const char *dst, __u16 sport)
{
	return (struct pb_spec){ .src = src, .dst = dst, .proto = SFW_IPPROTO_TCP,
				 .sport = sport, .dport = 80, .tcp_flags = SFW_TCP_SYN,
				 .seq = 1000 };
}

/* F2. A limit-session count (sfw_tally, a plain hash) is given back
 * when its session ends; an expired session ends by a sweep, or by a
 * first packet of its own flow. destination-ip-based N: N SYNs to a
 * server from any sources, never answered, hold N SYN_SENT sessions for
 * tcp-initial-timeout; with no daemon they were never removed, and every
 * later client of that server was refused as Destination session limit
 * for good (source-ip-based: a spoofed source's likewise). The datapath
 * cannot find the sessions that hold an address's counts (the tally is
 * keyed by address, the table by flow); the kernel's own sweep
 * (include/ksweep.h) ends them, and gives the counts back, with no
 * daemon. */
Test(rvdaemon, expired_sessions_give_back_limit_counts_without_a_daemon)
{
	struct sfw_reaper *r;
	struct pb_spec s;

	ks_dead_daemon();
	r = ks_arm(KS_TICK_NS);
	limit("destination-ip-based 3");
	for (int i = 0; i < 3; i++) {
		s = syn("192.0.2.100", SRV4, (__u16)(7000 + i));
		cr_assert_eq(fx_xdp(&s), FX_XDP_PASS, "flood SYN %d", i);
		cr_assert_eq(fx_age(&s, 3600), 0);
	}
	cr_assert_eq(tally(SRV4, SFW_DIR_DST), 3);
	ks_wait_ticks(2);
	cr_assert_eq(tally(SRV4, SFW_DIR_DST), 3, "nothing refused yet: no walk");
	s = syn(CLI4, SRV4, 5000);
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP, "refused while expired sessions hold the counts");
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_DST_LIMIT), 1);
	ks_wait_ticks(2);
	ks_stop(r);
	cr_assert_eq(tally(SRV4, SFW_DIR_DST), 0, "the ended sessions' counts given back");
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS,
		     "expired sessions keep the server's counts for good without a daemon");
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_DST_LIMIT), 1);
}

/* F0. The table itself: max-sessions counts expired sessions until a
 * sweep removes them (bpf_map_sum_elem_count cannot tell them apart), and
 * a first packet replaces an expired session of its own flow only. A
 * burst of max-sessions permitted first packets (a UDP scan, SYNs without
 * the syn-flood screen) therefore refused every new flow for good once no
 * daemon ran: the original complaint. The kernel's own sweep ends them
 * within a tick. */
Test(rvdaemon, table_of_expired_sessions_refuses_for_good_without_a_daemon)
{
	struct sfw_reaper *r;
	struct sfw_config cfg;
	struct pb_spec s;

	ks_dead_daemon();
	r = ks_arm(KS_TICK_NS);
	cr_assert_eq(fx_config(&cfg), 0);
	cfg.max_sessions = 4;
	cr_assert_eq(fx_set_config(&cfg), 0);
	for (int i = 0; i < 4; i++) {
		s = syn("192.0.2.100", SRV4, (__u16)(7000 + i));
		cr_assert_eq(fx_xdp(&s), FX_XDP_PASS, "flood SYN %d", i);
		cr_assert_eq(fx_age(&s, 3600), 0);
	}
	s = syn(CLI4, SRV4, 5000);
	ks_wait_ticks(2);
	cr_assert_eq(fx_session_count(), 4, "nothing refused yet: no walk");
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP, "the table is full of expired sessions");
	ks_wait_ticks(2);
	ks_stop(r);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS,
		     "a table of expired sessions refuses for good without a daemon");
	cr_assert_eq(fx_session_count(), 1);
}
