/* The kernel's own sweep (include/ksweep.h) on the fixture's maps: armed
 * with a short tick, its figures read, and stopped before the test ends,
 * so no later check of expired sessions meets a sweep it did not ask
 * for. */
#ifndef SFW_TEST_KSWEEP_FIXTURE_H
#define SFW_TEST_KSWEEP_FIXTURE_H

#include <bpf/bpf.h>
#include <time.h>
#include <criterion/criterion.h>
#include "bpf_fixture.h"
#include "clock.h"
#include "ksweep.h"
#include "loader.h"
#include "reap.h"

#define KS_TICK_NS 10000000ull   /* 10 ms */
#define KS_HOLD_NS 30000000ull   /* a walk's hold at most: three ticks */

static inline struct sfw_ksweep ks_read(void)
{
	struct sfw_ksweep k;
	__u32 zero = 0;

	cr_assert_eq(bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_KSWEEP)), &zero, &k), 0);
	return k;
}

static inline struct sfw_reaper *ks_arm_hold(__u64 tick_ns, __u64 hold_ns)
{
	struct sfw_reaper *r;

	cr_assert_eq(sfw_ksweep_open_fds(&r, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	cr_assert_eq(sfw_ksweep_arm(r, tick_ns, hold_ns), 0, "%s", sfw_last_error());
	return r;
}

/* A short hold: tests age sessions behind the walk's back (fx_age), as
 * a state change or an HA update may, and wait for the walk after. */
static inline struct sfw_reaper *ks_arm(__u64 tick_ns)
{
	return ks_arm_hold(tick_ns, KS_HOLD_NS);
}

static inline void ks_stop(struct sfw_reaper *r)
{
	cr_assert_eq(sfw_ksweep_arm(r, 0, 0), 0, "%s", sfw_last_error());
	sfw_reaper_close(r);
}

/* Waits (at most 5 s) until the timer has ticked n more times; returns
 * its figures then. Two ticks after a change: one may have begun before
 * it. */
static inline struct sfw_ksweep ks_wait_ticks(__u64 n)
{
	struct sfw_ksweep k = ks_read();
	__u64 want = k.ticks + n;

	for (int i = 0; i < 500 && k.ticks < want; i++) {
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
		k = ks_read();
	}
	cr_assert_geq(k.ticks, want, "the kernel's sweep did not tick");
	return k;
}

/* What a daemon killed with SIGKILL leaves: its figures, stale (its last
 * pass long ago), and the datapath's signal armed after that pass. */
static inline void ks_dead_daemon(void)
{
	struct sfw_daemon_info info = { .pid = 99999, .interval_ms = 1000, .wake_armed = 1,
					.last_pass_end_ns = sfw_mono_ns() - 60000000000ull };
	__u32 zero = 0;

	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_DAEMON)), &zero, &info,
					 BPF_ANY), 0);
}

#endif
