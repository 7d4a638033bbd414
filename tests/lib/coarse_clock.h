/* The sessions' clock (the coarse monotonic one, include/session.h
 * sfw_secs) for tests that must know which second their packets or
 * sessions fall in. */
#ifndef SFW_TEST_COARSE_CLOCK_H
#define SFW_TEST_COARSE_CLOCK_H

#include <time.h>

/* Sleeps into the coarse clock's next second, 20 ms past its start. */
static inline void coarse_next_second(void)
{
	struct timespec ts, nap = { 0, 0 };

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	nap.tv_nsec = 1000000000L - ts.tv_nsec + 20000000L;
	if (nap.tv_nsec >= 1000000000L) {
		nap.tv_sec = 1;
		nap.tv_nsec -= 1000000000L;
	}
	nanosleep(&nap, NULL);
}

/* Waits, when need be, for a second with at least half of it left. */
static inline void coarse_half_a_second_ahead(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	if (ts.tv_nsec >= 500000000L)
		coarse_next_second();
}

#endif
