/* The host's own addresses (include/local_addr.h): filled by the loader,
 * kept by the session daemon. tc egress asks it of a source (is this
 * packet the host's own? bpf/tc_judged.bpf.h), XDP of a host session's
 * destination (is the opener still talking to the host? sfw_xdp_host_in,
 * bpf/xdp_ingress.bpf.c). */
#ifndef SFW_LOCAL_ADDR_BPF_H
#define SFW_LOCAL_ADDR_BPF_H

#include "maps.bpf.h"
#include "local_addr.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_local_addr_key);
	__type(value, __u32);
	__uint(max_entries, SFW_MAX_LOCAL_ADDRS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_LOCAL_ADDRS SEC(".maps");

/* Is a (of family) one of the host's addresses, as the map says? */
static __always_inline bool sfw_local_addr_has(const union sfw_addr *a, __u8 family)
{
	struct sfw_local_addr_key k = {};

	k.family = family;
	if (family == SFW_FAMILY_INET)
		k.addr.v4 = a->v4;
	else
		__builtin_memcpy(&k.addr, a, sizeof(k.addr));
	return bpf_map_lookup_elem(&SFW_MAP_LOCAL_ADDRS, &k) != NULL;
}

#endif
