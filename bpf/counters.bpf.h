/* Per-interface, per-CPU counters: plain adds, no atomics, on the hot path. */
#ifndef SFW_COUNTERS_BPF_H
#define SFW_COUNTERS_BPF_H

#include "maps.bpf.h"

/* The interface's counters, at the slot the loader gave it on attach
 * (include/iface.h): two array indexes, no hash, for every interface
 * index but large ones. One key variable throughout: this is inlined into
 * frames near the 512-byte stack limit. */
static __always_inline struct sfw_iface_stats *sfw_stats(__u32 ifindex)
{
	struct sfw_iface_info *info;
	__u32 k = ifindex, *slot;

	if (k < SFW_IFINDEX_DIRECT) {
		slot = bpf_map_lookup_elem(&SFW_MAP_IFACE_SLOTS, &k);
		k = slot ? *slot : 0;
	} else {
		/* struct sfw_iface_key is the ifindex alone */
		info = bpf_map_lookup_elem(&SFW_MAP_IFACES, &k);
		k = info ? info->slot : 0;
	}
	return k ? bpf_map_lookup_elem(&SFW_MAP_IFACE_STATS, &k) : NULL;
}

/* The loader gives the slot on attach; a miss means a program attached
 * behind our back, and there is nowhere to count. */
static __always_inline void sfw_count(struct sfw_iface_stats *st, __u32 id, __u64 n)
{
	if (st && id < SFW_CNT_COUNT)
		st->c[id] += n;
}

#endif
