/* The session limit a table of a given capacity gets on a host with a
 * given number of possible CPUs (loader/config.c, docs/design.md
 * "Capacity, max-sessions and the LRU"): what the kernel's LRU can hold on
 * other CPUs' local lists is never counted as room. */
#include <criterion/criterion.h>
#include "loader.h"

/* The kernel's batch per CPU (target_free): capacity / cpus / 2 in [1, 128]. */
static __u32 kernel_batch(__u32 cap, __u32 cpus)
{
	__u32 b = cap / cpus / 2;

	return b < 1 ? 1 : b > 128 ? 128 : b;
}

Test(session_limit, two_cpus)
{
	/* a batch per CPU is far below the floors: capacity / 16, 1024 */
	cr_assert_eq(sfw_session_limit(1048576, 2), 1048576 - 65536);
	cr_assert_eq(sfw_session_limit(65536, 2), 65536 - 4096);
	cr_assert_eq(sfw_session_limit(4096, 2), 4096 - 1024);
}

Test(session_limit, sixty_four_cpus)
{
	/* 64 batches of 128 (plus 2 per CPU for racing first packets and
	 * updates) exceed capacity / 16 below 133,120 sessions */
	cr_assert_eq(sfw_session_headroom(65536, 64), 64 * (128 + 2));
	cr_assert_eq(sfw_session_limit(65536, 64), 65536 - 8320);
	cr_assert_eq(sfw_session_limit(16384, 64), 16384 - 8320);
	/* a small table: the kernel's batch shrinks to 4096 / 64 / 2 = 32 */
	cr_assert_eq(sfw_session_limit(4096, 64), 4096 - 64 * (32 + 2));
	/* a large one: capacity / 16 is more than the batches */
	cr_assert_eq(sfw_session_limit(1048576, 64), 1048576 - 65536);
}

/* Whatever the host: the table never holds more than the LRU can keep
 * without evicting, the CPUs' batches and racing inserts included. */
Test(session_limit, never_reaches_the_eviction_point)
{
	static const __u32 cpus[] = { 1, 2, 4, 8, 64, 256, 1024 };
	static const __u32 caps[] = { 1024, 4096, 16384, 65536, 131072, 1048576, 16777216 };

	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++)
		for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
			__u32 n = cpus[i], cap = caps[k], lim = sfw_session_limit(cap, n);
			__u64 evict_at = (__u64)cap - (__u64)n * kernel_batch(cap, n);

			if (lim == 1)
				continue;   /* a table too small to hold anything safely */
			cr_assert_leq((__u64)lim + 2 * n, evict_at, "%u CPUs, capacity %u: limit %u",
				      n, cap, lim);
		}
}
