/* The maps, defined once for both programs. All are pinned by name under
 * SFW_PIN_ROOT, so the XDP and tc objects share them and a reload reuses
 * them (no session is lost). */
#ifndef SFW_MAPS_BPF_H
#define SFW_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "maps.h"
#include "session.h"
#include "config.h"
#include "counters.h"
#include "iface.h"
#include "policy.h"
#include "nat.h"

/* max_entries is set by the loader before load (--max-sessions). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct sfw_session_key);
	__type(value, struct sfw_session);
	__uint(max_entries, SFW_DEFAULT_MAX_SESSIONS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_SESSIONS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_config);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_CONFIG SEC(".maps");

/* Indexed by slot (include/iface.h); slot 0 is never given out. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_iface_stats);
	__uint(max_entries, SFW_MAX_IFACES + 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_IFACE_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, SFW_IFINDEX_DIRECT);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_IFACE_SLOTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_iface_key);
	__type(value, struct sfw_iface_info);
	__uint(max_entries, SFW_MAX_IFACES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_IFACES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_ID_NEXT SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_id_block);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_ID_BLOCK SEC(".maps");

/* Zones and policies (include/policy.h), written by `sfw commit`. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct sfw_addr_lpm_key);
	__type(value, struct sfw_rule_bits);
	__uint(max_entries, SFW_MAX_POL_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_POL_ADDR SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct sfw_app_lpm_key);
	__type(value, struct sfw_rule_bits);
	__uint(max_entries, SFW_MAX_POL_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_POL_APP SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_rule_key);
	__type(value, struct sfw_rule);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_RULES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct sfw_app_lpm_key);
	__type(value, struct sfw_app_class);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_APP_CLASS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_zone_key);
	__type(value, __u32);
	__uint(max_entries, SFW_MAX_ZONE_BINDINGS);   /* include/maps.h */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_ZONES SEC(".maps");

/* Not read by the programs: pinned with the maps it computes SFW_MAP_ZONES
 * from (include/policy.h struct sfw_zone_ifname_key). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_zone_ifname_key);
	__type(value, __u32);
	__uint(max_entries, SFW_MAX_ZONE_IFNAMES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_ZONE_IFNAMES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SFW_MAX_POLICY_INDEX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_POL_HITS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_name_key);
	__type(value, struct sfw_name);
	__uint(max_entries, SFW_MAX_NAMES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAMES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_screen_key);
	__type(value, struct sfw_screen);
	__uint(max_entries, 2 * SFW_MAX_ZONES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_SCREENS SEC(".maps");

/* LRU: under a flood of spoofed sources the oldest rates go first. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct sfw_syn_rate_key);
	__type(value, struct sfw_syn_rate);
	__uint(max_entries, 65536);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_SYN_RATE SEC(".maps");

/* NAT (include/nat.h, docs/nat.md): the compiled rules, written by
 * `sfw commit` into the inactive generation like the policy maps, and the
 * port reservations the datapath makes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_nat_list_key);
	__type(value, struct sfw_nat_list);
	__uint(max_entries, SFW_NAT_MAX_LISTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_LISTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_nat_entry_key);
	__type(value, struct sfw_nat_entry);
	__uint(max_entries, SFW_NAT_MAX_ALL);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_ENTRIES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_nat_pool_key);
	__type(value, struct sfw_nat_pool);
	__uint(max_entries, SFW_NAT_MAX_POOLS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_POOLS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_nat_proxy_key);
	__type(value, struct sfw_nat_proxy);
	__uint(max_entries, 2 * SFW_NAT_MAX_PROXY_RANGES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_PROXIES SEC(".maps");

/* Not read by the programs: pinned with the maps it computes
 * SFW_MAP_NAT_PROXIES from (include/nat.h struct sfw_nat_proxy_name_key). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_nat_proxy_name_key);
	__type(value, struct sfw_nat_proxy);
	__uint(max_entries, 2 * SFW_NAT_MAX_PROXY_RANGES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_PROXY_NAMES SEC(".maps");

/* Not preallocated: a NAT session holds one, plain sessions none. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_nat_port_key);
	__type(value, struct sfw_nat_port);
	__uint(max_entries, SFW_NAT_MAX_PORTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_PORTS SEC(".maps");

/* Source NAT rules' counters (include/nat.h), index rule_id: written on
 * first packets only. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_nat_rule_stats);
	__uint(max_entries, SFW_NAT_MAX_RULES + 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_RULE_STATS SEC(".maps");

/* Source pools' counters (include/nat.h), index pool id: first packets. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_nat_pool_stats);
	__uint(max_entries, SFW_NAT_MAX_POOLS + 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_POOL_STATS SEC(".maps");

/* Destination NAT rules' and pools' counters, index their ids (include/nat.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_nat_rule_stats);
	__uint(max_entries, SFW_NAT_MAX_RULES + 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_DRULE_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_nat_dpool_stats);
	__uint(max_entries, SFW_NAT_MAX_POOLS + 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_DPOOL_STATS SEC(".maps");

/* Static NAT rules' counters, index their ids (include/nat.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_nat_rule_stats);
	__uint(max_entries, SFW_NAT_MAX_RULES + 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_SRULE_STATS SEC(".maps");

/* Scratch space (not pinned: per object): 0 builds a new session,
 * SFW_SCRATCH_OLD keeps the copy of one being removed. */
#define SFW_SCRATCH_OLD 1
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_session);
	__uint(max_entries, 2);
} sfw_scratch SEC(".maps");

/* The table's element count (kernel 6.6+), for max-sessions. */
extern __s64 bpf_map_sum_elem_count(const struct bpf_map *map) __ksym;

#endif
