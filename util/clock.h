/* The clock of bpf_ktime_get_ns (CLOCK_MONOTONIC), for every deadline and
 * age user space compares with the datapath's or measures itself. */
#ifndef SFW_CLOCK_H
#define SFW_CLOCK_H

#include <linux/types.h>

__u64 sfw_mono_ns(void);

static inline __u64 sfw_mono_ms(void)
{
	return sfw_mono_ns() / 1000000;
}

#endif
