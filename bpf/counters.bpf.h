/* Per-interface, per-CPU counters: plain adds, no atomics, on the hot path. */
#ifndef SFW_COUNTERS_BPF_H
#define SFW_COUNTERS_BPF_H

#include "maps.bpf.h"

static __always_inline struct sfw_iface_stats *sfw_stats(__u32 ifindex)
{
	struct sfw_iface_key k = { .ifindex = ifindex };

	return bpf_map_lookup_elem(&SFW_MAP_IFACE_STATS, &k);
}

/* The loader creates the entry on attach; a miss means a program attached
 * behind our back, and there is nowhere to count. */
static __always_inline void sfw_count(struct sfw_iface_stats *st, __u32 id, __u64 n)
{
	if (st && id < SFW_CNT_COUNT)
		st->c[id] += n;
}

#endif
