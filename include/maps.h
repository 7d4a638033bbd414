/* Map names: each written once. The loader pins maps by these names under
 * SFW_PIN_ROOT, and the CLI opens the same pins. */
#ifndef SFW_MAPS_H
#define SFW_MAPS_H

#define SFW_PIN_ROOT "/sys/fs/bpf/sfw"
/* The one place sfw mounts bpffs (when nothing is mounted there yet). */
#define SFW_BPFFS "/sys/fs/bpf"

/* Every map sfw pins is named sfw_* and pinned under its own name:
 * `detach all` removes exactly those, never a foreign pin that shares the
 * root (loader/detach_all.c). */

#define SFW_MAP_SESSIONS   sfw_sessions
#define SFW_MAP_CONFIG     sfw_config
#define SFW_MAP_IFACE_STATS sfw_iface_stats
#define SFW_MAP_IFACES     sfw_ifaces
#define SFW_MAP_IFACE_SLOTS sfw_iface_slots   /* ifindex -> counter slot (include/iface.h) */
#define SFW_MAP_ID_NEXT    sfw_id_next
#define SFW_MAP_ID_BLOCK   sfw_id_block
#define SFW_MAP_POL_ADDR   sfw_pol_addr
#define SFW_MAP_POL_APP    sfw_pol_app
#define SFW_MAP_RULES      sfw_rules
#define SFW_MAP_APP_CLASS  sfw_app_class
#define SFW_MAP_ZONES      sfw_zones
#define SFW_MAP_ZONE_IFNAMES sfw_zone_ifnames  /* the zones' interfaces by name (include/policy.h) */
#define SFW_MAP_POL_HITS   sfw_pol_hits
#define SFW_MAP_NAMES      sfw_names
#define SFW_MAP_TX_PORTS   sfw_tx_ports   /* XDP forwarding: egress devices */
#define SFW_MAP_FIB_GEN    sfw_fib_gen    /* XDP forwarding: the route cache's generation */
#define SFW_MAP_SCREENS    sfw_screens
#define SFW_MAP_SYN_RATE   sfw_syn_rate
#define SFW_MAP_FRAGS      sfw_frags      /* datagrams in flight (include/frag.h) */
#define SFW_MAP_NAT_FRAGS  sfw_nat_frags  /* NAT's, which no flood evicts (include/frag.h) */
#define SFW_MAP_NAT_FRAG_QUOTA sfw_nat_frag_quota /* NAT records an opener and a pair may make (include/frag.h) */
#define SFW_MAP_TALLY      sfw_tally      /* limit-session: sessions per address */
#define SFW_MAP_NAT_LISTS  sfw_nat_lists  /* include/nat.h, per generation */
#define SFW_MAP_NAT_ENTRIES sfw_nat_entries
#define SFW_MAP_NAT_POOLS  sfw_nat_pools
#define SFW_MAP_NAT_PROXIES sfw_nat_proxies
#define SFW_MAP_NAT_PROXY_NAMES sfw_nat_proxy_names  /* by interface name (include/nat.h) */
#define SFW_MAP_NAT_PORTS  sfw_nat_ports  /* port reservations (docs/nat.md) */
#define SFW_MAP_NAT_RULE_STATS sfw_nat_rule_stats  /* per source NAT rule (include/nat.h) */
#define SFW_MAP_NAT_POOL_STATS sfw_nat_pool_stats  /* per source pool (include/nat.h) */
#define SFW_MAP_NAT_DRULE_STATS sfw_nat_drule_stats  /* per destination NAT rule */
#define SFW_MAP_NAT_DPOOL_STATS sfw_nat_dpool_stats  /* per destination pool */
#define SFW_MAP_NAT_SRULE_STATS sfw_nat_srule_stats  /* per static NAT rule */
#define SFW_MAP_METRICS    sfw_metrics    /* the exporter's state (cli/metrics/metrics_int.h) */
#define SFW_MAP_LOCAL_ADDRS sfw_local_addrs  /* the host's own addresses (include/local_addr.h) */
#define SFW_MAP_HOST_PORTS sfw_host_ports  /* ports NAT leaves to the host (include/host_ports.h) */

#define SFW_STR_(x) #x
#define SFW_STR(x) SFW_STR_(x)

#define SFW_MAX_IFACES 256
/* Policy tries: prefixes x lists, both generations. */
#define SFW_MAX_POL_PREFIXES 262144
#define SFW_MAX_NAMES 65536
/* Interfaces bound to zones by name: a configuration may name more than
 * exist (SFW_MAX_IFACES), one per host of a fleet (conf/check.c refuses
 * more). The map holds both generations' names and a tag each (the commit
 * that wrote them, include/policy.h); not preallocated, so room unused
 * costs nothing. */
#define SFW_MAX_ZONE_IFACES_NAMED 16384
#define SFW_MAX_ZONE_IFNAMES (2 * (SFW_MAX_ZONE_IFACES_NAMED + 1))
/* The zones map's entries (ifindex -> zone), both generations: a
 * generation holds one per name an interface here bears, so as many as
 * names, which a follow may reach without a commit (interfaces named that
 * come later). Until zonecap it held 2 x SFW_MAX_IFACES: a follow past
 * 256 left the next commit no room (E2BIG). Not preallocated: an entry
 * costs only once written (the buckets, 16 bytes each, always). An older
 * sfw's pin (512, preallocated) is kept over an upgrade until `detach
 * all` (loader/progs.c), and a follow leaves a generation at half of it
 * (loader/zone_ifnames.c). */
#define SFW_MAX_ZONE_BINDINGS (2 * SFW_MAX_ZONE_IFACES_NAMED)

#endif
