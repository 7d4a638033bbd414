/* The fragment records' maps (bpf/frag.bpf.h), apart: the kernel's own
 * sweep (bpf/reap.bpf.c) ends expired NAT records without the datapath's
 * code. */
#ifndef SFW_FRAG_MAPS_BPF_H
#define SFW_FRAG_MAPS_BPF_H

#include "maps.bpf.h"
#include "frag.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct sfw_frag_key);
	__type(value, struct sfw_frag);
	__uint(max_entries, SFW_MAX_FRAGS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_FRAGS SEC(".maps");

/* NAT datagrams (and clashes), apart: no flood of other first fragments
 * evicts them (include/frag.h SFW_MAX_NAT_FRAGS). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_frag_key);
	__type(value, struct sfw_frag);
	__uint(max_entries, SFW_MAX_NAT_FRAGS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_FRAGS SEC(".maps");

#endif
