/* What every map sfw pins under the pin root looks like to this build: its
 * map type, key size and value size, from the same structs the programs
 * declare them with (bpf/maps.bpf.h and the others), so the table follows any change of
 * layout. sfw_open_pin (loader/maps.c) compares a pin with its row before
 * anyone reads it: a pin of another layout (made by another sfw version
 * and kept over an upgrade, or planted under the name) would have readers
 * copy its values into buffers sized for ours. tests/bpf/test_load.c
 * checks that a load pins exactly these, as listed.
 *
 * X(name, map type, key size, value size). Value sizes as the kernel
 * reports them in bpf_map_info: per-CPU maps the size of one CPU's value
 * (unrounded); ring buffers have neither key nor value (0, 0).
 *
 * User space only (<linux/bpf.h>). The maps user space alone makes (the
 * cluster's, ha/ha.h; the exporter's status, cli/metrics) are checked by
 * their modules the same way, with layouts of their own types. */
#ifndef SFW_PIN_LAYOUT_H
#define SFW_PIN_LAYOUT_H

#include <linux/bpf.h>
#include "maps.h"
#include "config.h"
#include "counters.h"
#include "daemon.h"
#include "events.h"
#include "frag.h"
#include "host_ports.h"
#include "iface.h"
#include "ksweep.h"
#include "local_addr.h"
#include "nat.h"
#include "policy.h"
#include "ratelimit.h"
#include "sess_stats.h"
#include "session.h"

#define SFW_PIN_RING(X, name) X(name, BPF_MAP_TYPE_RINGBUF, 0, 0)

#define SFW_PIN_LAYOUT_LIST(X) \
	X(SFW_MAP_SESSIONS, BPF_MAP_TYPE_LRU_HASH, sizeof(struct sfw_session_key), \
	  sizeof(struct sfw_session)) \
	X(SFW_MAP_CONFIG, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct sfw_config)) \
	X(SFW_MAP_IFACE_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), \
	  sizeof(struct sfw_iface_stats)) \
	X(SFW_MAP_IFACE_SLOTS, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u32)) \
	X(SFW_MAP_IFACES, BPF_MAP_TYPE_HASH, sizeof(struct sfw_iface_key), \
	  sizeof(struct sfw_iface_info)) \
	X(SFW_MAP_ID_NEXT, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u64)) \
	X(SFW_MAP_ID_BLOCK, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(struct sfw_id_block)) \
	X(SFW_MAP_POL_ADDR, BPF_MAP_TYPE_LPM_TRIE, sizeof(struct sfw_addr_lpm_key), \
	  sizeof(struct sfw_rule_bits)) \
	X(SFW_MAP_POL_APP, BPF_MAP_TYPE_LPM_TRIE, sizeof(struct sfw_app_lpm_key), \
	  sizeof(struct sfw_rule_bits)) \
	X(SFW_MAP_RULES, BPF_MAP_TYPE_HASH, sizeof(struct sfw_rule_key), sizeof(struct sfw_rule)) \
	X(SFW_MAP_APP_CLASS, BPF_MAP_TYPE_LPM_TRIE, sizeof(struct sfw_app_lpm_key), \
	  sizeof(struct sfw_app_class)) \
	X(SFW_MAP_ZONES, BPF_MAP_TYPE_HASH, sizeof(struct sfw_zone_key), sizeof(__u32)) \
	X(SFW_MAP_ZONE_IFNAMES, BPF_MAP_TYPE_HASH, sizeof(struct sfw_zone_ifname_key), \
	  sizeof(__u32)) \
	X(SFW_MAP_POL_HITS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(__u64)) \
	X(SFW_MAP_NAMES, BPF_MAP_TYPE_HASH, sizeof(struct sfw_name_key), sizeof(struct sfw_name)) \
	X(SFW_MAP_TX_PORTS, BPF_MAP_TYPE_DEVMAP_HASH, sizeof(__u32), sizeof(__u32)) \
	X(SFW_MAP_LOCAL_ADDRS, BPF_MAP_TYPE_HASH, sizeof(struct sfw_local_addr_key), sizeof(__u32)) \
	X(SFW_MAP_FIB_GEN, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u64)) \
	X(SFW_MAP_HOST_PORTS, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u64)) \
	X(SFW_MAP_SCREENS, BPF_MAP_TYPE_HASH, sizeof(struct sfw_screen_key), \
	  sizeof(struct sfw_screen)) \
	X(SFW_MAP_SYN_RATE, BPF_MAP_TYPE_LRU_HASH, sizeof(struct sfw_syn_rate_key), \
	  sizeof(struct sfw_syn_rate)) \
	X(SFW_MAP_FRAGS, BPF_MAP_TYPE_LRU_HASH, sizeof(struct sfw_frag_key), sizeof(struct sfw_frag)) \
	X(SFW_MAP_NAT_FRAGS, BPF_MAP_TYPE_HASH, sizeof(struct sfw_frag_key), sizeof(struct sfw_frag)) \
	X(SFW_MAP_NAT_FRAG_QUOTA, BPF_MAP_TYPE_LRU_HASH, sizeof(struct sfw_frag_bucket), \
	  sizeof(struct sfw_frag_quota)) \
	X(SFW_MAP_TALLY, BPF_MAP_TYPE_HASH, sizeof(struct sfw_tally_key), sizeof(struct sfw_tally)) \
	X(SFW_MAP_NAT_LISTS, BPF_MAP_TYPE_HASH, sizeof(struct sfw_nat_list_key), \
	  sizeof(struct sfw_nat_list)) \
	X(SFW_MAP_NAT_ENTRIES, BPF_MAP_TYPE_HASH, sizeof(struct sfw_nat_entry_key), \
	  sizeof(struct sfw_nat_entry)) \
	X(SFW_MAP_NAT_POOLS, BPF_MAP_TYPE_HASH, sizeof(struct sfw_nat_pool_key), \
	  sizeof(struct sfw_nat_pool)) \
	X(SFW_MAP_NAT_PROXIES, BPF_MAP_TYPE_HASH, sizeof(struct sfw_nat_proxy_key), \
	  sizeof(struct sfw_nat_proxy)) \
	X(SFW_MAP_NAT_PROXY_NAMES, BPF_MAP_TYPE_HASH, sizeof(struct sfw_nat_proxy_name_key), \
	  sizeof(struct sfw_nat_proxy)) \
	X(SFW_MAP_NAT_PORTS, BPF_MAP_TYPE_HASH, sizeof(struct sfw_nat_port_key), \
	  sizeof(struct sfw_nat_port)) \
	X(SFW_MAP_NAT_RULE_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), \
	  sizeof(struct sfw_nat_rule_stats)) \
	X(SFW_MAP_NAT_POOL_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), \
	  sizeof(struct sfw_nat_pool_stats)) \
	X(SFW_MAP_NAT_DRULE_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), \
	  sizeof(struct sfw_nat_rule_stats)) \
	X(SFW_MAP_NAT_DPOOL_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), \
	  sizeof(struct sfw_nat_dpool_stats)) \
	X(SFW_MAP_NAT_SRULE_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), \
	  sizeof(struct sfw_nat_rule_stats)) \
	X(SFW_MAP_DAEMON, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct sfw_daemon_info)) \
	X(SFW_MAP_KSWEEP, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct sfw_ksweep)) \
	SFW_PIN_RING(X, SFW_MAP_WAKE) \
	SFW_PIN_RING(X, SFW_MAP_EVENTS) \
	SFW_PIN_RING(X, SFW_MAP_DENY_EVENTS) \
	SFW_PIN_RING(X, SFW_MAP_MON_EVENTS) \
	SFW_PIN_RING(X, SFW_MAP_SYNC_EVENTS) \
	X(SFW_MAP_EV_LOST, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(__u64)) \
	X(SFW_MAP_SYNC_LOST, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(__u64)) \
	X(SFW_MAP_SESS_STATS, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), \
	  sizeof(struct sfw_sess_stats)) \
	X(SFW_MAP_SESS_META, BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct sfw_sess_meta)) \
	X(SFW_MAP_RATE, BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(struct sfw_rate_bucket))

#endif
