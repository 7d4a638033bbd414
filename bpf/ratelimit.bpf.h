/* Token buckets per CPU (include/ratelimit.h): what a flood can make sfw
 * emit, bounded. */
#ifndef SFW_RATELIMIT_BPF_H
#define SFW_RATELIMIT_BPF_H

#include "maps.bpf.h"
#include "net_consts.h"
#include "ratelimit.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_rate_bucket);
	__uint(max_entries, SFW_RATE_COUNT);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_RATE SEC(".maps");

/* One token of bucket `kind` at `rate` per second (one second's worth of
 * burst): 1 when taken, 0 when the bucket is empty (counted as suppressed
 * there). The credit is time: a full bucket holds one second, a token
 * costs a second divided by the rate. A global function: verified once;
 * called only where something would be emitted. */
__noinline int sfw_rate_take(__u32 kind, __u32 rate, __u64 now)
{
	struct sfw_rate_bucket *b = bpf_map_lookup_elem(&SFW_MAP_RATE, &kind);

	if (!b)
		return 0;
	if (rate < SFW_RATE_MIN)
		rate = SFW_RATE_MIN;   /* a config map from before the setting */
	if (sfw_credit_take(&b->stamp_ns, &b->credit_ns, SFW_NSEC_PER_SEC / rate,
			    SFW_NSEC_PER_SEC, now))
		return 1;
	b->suppressed++;
	return 0;
}

static __always_inline void sfw_rate_lost(__u32 kind)
{
	struct sfw_rate_bucket *b = bpf_map_lookup_elem(&SFW_MAP_RATE, &kind);

	if (b)
		b->lost++;
}

#endif
