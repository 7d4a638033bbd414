/* Review of the kernel's own sweep (include/ksweep.h, bpf/reap.bpf.c,
 * commit 0dd5ccb). Each test plays "no daemon" (ks_dead_daemon) and arms
 * the timer on the fixture's maps with a 10 ms tick, as test_ksweep.c. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "commit.h"
#include "limit_conf.h"
#include "ksweep_fixture.h"

TestSuite(review_ksweep, .init = suite_setup, .fini = suite_teardown);

static struct pb_spec syn(const char *src, __u16 sport)
{
	return (struct pb_spec){ .src = src, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
				 .sport = sport, .dport = 80, .tcp_flags = SFW_TCP_SYN,
				 .seq = 1000 };
}

/* RK-1 (cost, an amplification). A walk follows every tick on which a
 * first packet was refused, whatever refused it and whether anything in
 * the table can have expired. A limit-session refusal is one packet of a
 * single source over its own source-ip-based limit: one SYN a second from
 * one client drives a walk of the whole table, in softirq, every second
 * (0.12-0.19 s per million live sessions, docs/design.md "With no
 * daemon"), for as long as it sends, though every session in the table
 * was seen a moment ago and none can expire before tcp-initial-timeout
 * (what the first walk could have noted: nothing to end till then). docs/design.md
 * speaks of "a flood that keeps the table full"; one packet a second
 * suffices. A walk learns when the first session it left can expire (the
 * daemon's sweeper keeps that: pass_expiry); one before then can end
 * nothing that was in the table, so a refusal then need not walk again. */
Test(review_ksweep, one_refused_syn_per_tick_walks_a_table_that_cannot_have_expired)
{
	char src[32];
	struct sfw_reaper *r;
	struct sfw_ksweep k0, k;
	struct pb_spec s;
	int table = 64, refusals = 5;

	ks_dead_daemon();
	limit("source-ip-based 1");
	for (int i = 0; i < table; i++) {
		snprintf(src, sizeof(src), "192.0.2.%d", 10 + i);
		s = syn(src, (__u16)(6000 + i));
		cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	}
	s = syn("198.51.100.7", 7000);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS, "the attacker's one session within its limit");
	cr_assert_eq(fx_session_count(), (__u64)table + 1);
	r = ks_arm_hold(KS_TICK_NS, SFW_KSWEEP_HOLD_MAX_NS);
	k0 = ks_wait_ticks(2);
	for (int i = 0; i < refusals; i++) {
		s = syn("198.51.100.7", (__u16)(7001 + i));
		cr_assert_eq(fx_xdp(&s), FX_XDP_DROP, "over its source limit");
		ks_wait_ticks(2);
	}
	k = ks_read();
	ks_stop(r);
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_SRC_LIMIT), (__u64)refusals);
	cr_assert_eq(k.removed, 0, "nothing had expired");
	cr_assert_leq(k.passes - k0.passes, 1,
		      "%llu walks of %llu entries each, for %d refused SYNs of one source over its "
		      "own limit, in a table where nothing had expired or could before the first "
		      "tcp-initial-timeout",
		      (unsigned long long)(k.passes - k0.passes),
		      (unsigned long long)((k.visited - k0.visited) /
					   (k.passes - k0.passes ? k.passes - k0.passes : 1)),
		      refusals);
}

/* The programs the timer keeps: every attach and reload arms it from a
 * newly loaded reaper object; the timer holds the last one's program
 * only (bpf_timer_set_callback puts the previous one). */
static int progs_on_map(__u32 map_id)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = {};
		__u32 maps[64], len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		info.nr_map_ids = 64;
		info.map_ids = (__u64)(unsigned long)maps;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    !strcmp(info.name, "sfw_ksweep_arm"))
			for (__u32 i = 0; i < info.nr_map_ids && i < 64; i++)
				n += maps[i] == map_id;
		close(fd);
	}
	return n;
}

Test(review_ksweep, arming_again_leaks_no_program)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi);
	struct sfw_reaper *r;

	cr_assert_eq(bpf_obj_get_info_by_fd(fx_map_fd(false, SFW_STR(SFW_MAP_KSWEEP)), &mi, &len),
		     0);
	for (int i = 0; i < 4; i++) {
		r = ks_arm(KS_TICK_NS);
		sfw_reaper_close(r);
		ks_wait_ticks(2);
	}
	cr_assert_eq(progs_on_map(mi.id), 1, "the timer holds one program");
	r = ks_arm(KS_TICK_NS);
	ks_stop(r);
	cr_assert_leq(progs_on_map(mi.id), 1);
}

/* Held: the timer dies with the last user of its map (docs/design.md "With
 * no daemon": `detach all` removes the pin, which cancels it). Armed on a
 * private sfw_ksweep that only the reaper's skeleton holds, it ends
 * nothing once that is closed. */
static int all_but_ksweep(const char *name, void *arg)
{
	return strcmp(name, SFW_STR(SFW_MAP_KSWEEP)) ? fx_map_fd_dup(name, arg) : -ENOENT;
}

Test(review_ksweep, timer_dies_with_its_maps_last_user)
{
	struct pb_spec a = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP, .sport = 5301,
			     .dport = 53 };
	struct sfw_reaper *r;

	ks_dead_daemon();
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(sfw_ksweep_open_fds(&r, all_but_ksweep, NULL), 0, "%s", sfw_last_error());
	cr_assert_eq(sfw_ksweep_arm(r, KS_TICK_NS, KS_HOLD_NS), 0, "%s", sfw_last_error());
	sfw_reaper_close(r);
	cr_assert_eq(fx_age(&a, 3600), 0);
	{
		struct sfw_daemon_info info = { 0 };   /* no daemon, signal cleared */
		__u32 zero = 0;

		cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_DAEMON)), &zero,
						 &info, BPF_ANY), 0);
	}
	nanosleep(&(struct timespec){ .tv_nsec = 200000000 }, NULL);
	cr_assert_eq(fx_session(&a, &(struct sfw_session){ 0 }), 0,
		     "a timer whose map has no user left ticked on");
}
