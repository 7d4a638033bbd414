/* The datapath's signal to the sweeper (include/daemon.h): a first packet
 * refused for No more sessions wakes `sfw daemon` at once, so sessions
 * that expired while it slept stop blocking new ones (docs/design.md,
 * "Ageing"). Only on the refusal path, and at most one record per sweep
 * pass: a flood of refused packets costs each one a read of wake_armed. */
#ifndef SFW_WAKE_BPF_H
#define SFW_WAKE_BPF_H

#include "daemon_maps.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SFW_WAKE_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_WAKE SEC(".maps");

/* A global function: verified once, off the established path. The
 * compare-and-swap lets one CPU of many send the record; the daemon
 * re-arms after its pass. */
__noinline int sfw_wake_sweeper(__u64 now)
{
	__u32 zero = 0;
	struct sfw_daemon_info *d = bpf_map_lookup_elem(&SFW_MAP_DAEMON, &zero);

	if (!d || !d->wake_armed)
		return 0;
	if (__sync_val_compare_and_swap(&d->wake_armed, 1, 0) != 1)
		return 0;
	return bpf_ringbuf_output(&SFW_MAP_WAKE, &now, sizeof(now), BPF_RB_FORCE_WAKEUP) == 0;
}

#endif
