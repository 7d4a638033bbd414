/* The maps of ageing that every object declares, so the datapath's load
 * pins them and the reaper (bpf/reap.bpf.c) finds them: what the daemon
 * publishes, and the kernel's own sweep (include/ksweep.h). */
#ifndef SFW_DAEMON_MAPS_BPF_H
#define SFW_DAEMON_MAPS_BPF_H

#include "maps.bpf.h"
#include "daemon.h"
#include "ksweep.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_daemon_info);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_DAEMON SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_ksweep);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_KSWEEP SEC(".maps");

#endif
