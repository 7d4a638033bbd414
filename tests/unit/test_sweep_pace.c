/* The sweeper's pace (loader/sweep.c, docs/design.md "Ageing"): the wait
 * after a pass, from how full the table is, when its sessions can expire,
 * how long a pass takes, and the datapath's pressure. */
#include <stdint.h>
#include <criterion/criterion.h>
#include "reap.h"

#define MS 1000000ull
#define NEVER UINT64_MAX

static __u32 wait_ms(__u64 sessions, __u64 max, __u64 pass_ns, __u64 until_ns, bool pressure)
{
	struct sfw_sweep_pace p = {
		.sessions = sessions, .max_sessions = max, .pass_ns = pass_ns,
		.until_expiry_ns = until_ns, .base_ms = 1000, .pressure = pressure,
	};

	return sfw_sweep_wait_ms(&p);
}

Test(sweep_pace, empty_table_waits_the_whole_interval)
{
	cr_assert_eq(wait_ms(0, 1000, 0, NEVER, false), 1000);
	cr_assert_eq(wait_ms(0, 0, 0, NEVER, false), 1000, "no limit known");
}

Test(sweep_pace, the_wait_shrinks_as_the_table_fills)
{
	__u32 last = UINT32_MAX;

	for (__u64 s = 0; s <= 1000; s += 25) {
		__u32 w = wait_ms(s, 1000, 0, 0, false);

		cr_assert_leq(w, last, "%llu sessions: %u ms after %u", (unsigned long long)s, w,
			      last);
		last = w;
	}
	/* room for 3/7 of the way to 7/8 full */
	cr_assert_eq(wait_ms(500, 1000, 0, 0, false), 428);
	cr_assert_eq(wait_ms(875, 1000, 0, 0, false), SFW_SWEEP_MIN_MS, "7/8 full");
}

Test(sweep_pace, near_full_with_expired_sessions_sweeps_back_to_back)
{
	cr_assert_eq(wait_ms(1000, 1000, 0, 0, false), SFW_SWEEP_MIN_MS);
	cr_assert_eq(wait_ms(900, 1000, 0, 3 * MS, false), SFW_SWEEP_MIN_MS);
}

/* A table full of live sessions: nothing can be found before the first
 * of them expires, so no pass before then (the interval at most). */
Test(sweep_pace, live_sessions_are_not_swept_for_nothing)
{
	cr_assert_eq(wait_ms(1000, 1000, 0, 300 * MS, false), 300);
	cr_assert_eq(wait_ms(1000, 1000, 0, 20000 * MS, false), 1000);
	cr_assert_eq(wait_ms(500, 1000, 0, 800 * MS, false), 800);
	cr_assert_eq(wait_ms(500, 1000, 0, 100 * MS, false), 428, "the fill's wait is longer");
}

Test(sweep_pace, pressure_sweeps_at_once)
{
	cr_assert_eq(wait_ms(1000, 1000, 0, 20000 * MS, true), SFW_SWEEP_MIN_MS);
	cr_assert_eq(wait_ms(1000, 1000, 40 * MS, NEVER, true), 40, "after a breath of one pass");
}

/* Sweeping takes at most half a CPU near full, a quarter below. */
Test(sweep_pace, cpu_share_is_bounded)
{
	cr_assert_eq(wait_ms(1000, 1000, 400 * MS, 0, false), 400);
	cr_assert_eq(wait_ms(100, 1000, 400 * MS, 0, false), 1200);
	cr_assert_eq(wait_ms(100, 1000, 400 * MS + 1, 0, false), 1203, "rounded up");
}

Test(sweep_pace, large_values_stay_in_range)
{
	struct sfw_sweep_pace p = {
		.sessions = 0, .max_sessions = 1ull << 32, .until_expiry_ns = NEVER,
		.base_ms = UINT32_MAX,
	};

	cr_assert_eq(sfw_sweep_wait_ms(&p), UINT32_MAX);
	p.pass_ns = NEVER / 2;
	cr_assert_eq(sfw_sweep_wait_ms(&p), UINT32_MAX);
	p.sessions = (1ull << 32) - 1;
	p.pass_ns = 0;
	p.until_expiry_ns = 0;
	cr_assert_eq(sfw_sweep_wait_ms(&p), SFW_SWEEP_MIN_MS);
}
