/* NAT as the datapath will see it: the compiled form of `security nat`
 * (conf/compile_nat.c), one definition for BPF and user space. The design
 * of the translation itself (sessions found from both wings, checksums,
 * port allocation) is docs/nat.md; a commit refuses what the datapath
 * does not translate yet (docs/nat.md "What a commit takes").
 *
 * Rule lists are tried in Junos's order of evaluation, one stage after
 * the other: static NAT and destination NAT on the packet as received
 * (keyed by the ingress zone), then route lookup and policy on the
 * translated destination, then static NAT's reverse direction and source
 * NAT (keyed by the egress zone, and for source NAT by the zone pair).
 * Within a list, entries are tried from index 0, first match wins: a rule
 * with several addresses or protocols is several consecutive entries. */
#ifndef SFW_NAT_H
#define SFW_NAT_H

#include "sfw_types.h"
#include "maps.h"
#include "session.h"

/* The stages, in evaluation order: X(NAME, value, Junos word). */
#define SFW_NAT_STAGE_LIST(X)                                  \
	X(STATIC, 0, "static")              /* on the destination */ \
	X(DESTINATION, 1, "destination")                         \
	X(STATIC_REVERSE, 2, "static")      /* on the source */      \
	X(SOURCE, 3, "source")
enum sfw_nat_stage {
#define SFW_X(name, v, word) SFW_NAT_##name = v,
	SFW_NAT_STAGE_LIST(SFW_X)
#undef SFW_X
	SFW_NAT_STAGES
};

/* What a matching entry does: X(NAME, value, Junos words). */
#define SFW_NAT_ACTION_LIST(X)                                 \
	X(OFF, 0, "off")              /* no translation; later stages still run */ \
	X(INTERFACE, 1, "interface")  /* source: the egress interface's address */ \
	X(POOL, 2, "pool")            /* source or destination pool pool_id */ \
	X(PREFIX, 3, "prefix")        /* static: xlate's prefix, host bits kept */
enum sfw_nat_action {
#define SFW_X(name, v, word) SFW_NAT_ACT_##name = v,
	SFW_NAT_ACTION_LIST(SFW_X)
#undef SFW_X
};

/* A rule list: its stage and zone context. Static and destination lists
 * have the ingress zone in from_zone; static reverse lists the egress
 * zone in to_zone; source lists both. The other is SFW_ZONE_NONE. */
struct sfw_nat_list_key {
	__u8 stage;           /* enum sfw_nat_stage */
	__u8 from_zone;
	__u8 to_zone;
	/* the configuration generation (include/policy.h): the compiler
	 * leaves 0, the writer sets the inactive one, so a commit flips NAT
	 * with the policy (loader/policy_write.c) */
	__u8 gen;
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_list_key) == 4, "NAT list key ABI");

struct sfw_nat_list {
	__u32 n_entries;      /* entries 0 .. n_entries - 1 */
};

/* The datapath's bound on one list: a bounded loop over its entries. */
#define SFW_NAT_MAX_ENTRIES 256

struct sfw_nat_entry_key {
	struct sfw_nat_list_key list;
	__u32 idx;
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_entry_key) == 8, "NAT entry key ABI");

#define SFW_NAT_E_PROTO  0x01 /* proto must match */
#define SFW_NAT_E_DPORT  0x02 /* the destination port must be in dport_lo..hi */

/* One match and its action. Addresses are masked to their length and in
 * network order; ports in host order. family 0 matches either family
 * (both prefixes are `any`). */
struct sfw_nat_entry {
	union sfw_addr src;
	union sfw_addr dst;
	union sfw_addr xlate;  /* PREFIX: the prefix translated to (masked) */
	__u8 family;           /* enum sfw_family, or 0 */
	__u8 src_len, dst_len;
	__u8 action;           /* enum sfw_nat_action */
	__u8 flags;            /* SFW_NAT_E_* */
	__u8 proto;
	__u16 dport_lo, dport_hi;
	__u16 rule_id;         /* per Junos type, from 1 (source, destination: kept by name, loader/nat_rule_ids.c) */
	__u16 pool_id;         /* POOL: per pool kind, from 1 (kept by name, loader/nat_rule_ids.c) */
	__u16 pad;             /* always zero */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_entry) == 64, "NAT entry ABI");

/* Pools: source and destination pools are numbered apart, as Junos names
 * them apart. */
enum sfw_nat_pool_kind {
	SFW_NAT_POOL_SOURCE = 0,
	SFW_NAT_POOL_DESTINATION = 1,
};

struct sfw_nat_pool_key {
	__u8 kind;            /* enum sfw_nat_pool_kind */
	__u8 gen;             /* as in struct sfw_nat_list_key */
	__u16 id;
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_pool_key) == 4, "NAT pool key ABI");

#define SFW_NAT_POOL_NO_PORT_XLATE 0x01  /* port no-translation */

/* Junos's port range for source pools that give none. */
#define SFW_NAT_PORT_LO 1024
#define SFW_NAT_PORT_HI 65535

/* Addresses first..last (network order). A source pool allocates ports
 * port_lo..port_hi per address and protocol (none with NO_PORT_XLATE); a
 * destination pool translates to first, and to port_lo unless it is 0. */
struct sfw_nat_pool {
	union sfw_addr first;
	union sfw_addr last;
	__u8 family;          /* enum sfw_family */
	__u8 flags;           /* SFW_NAT_POOL_* */
	__u16 port_lo, port_hi;
	__u16 pad;
	__u32 n_addrs;        /* last - first + 1, at most 0xffffffff */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_pool) == 44, "NAT pool ABI");

/* proxy-arp / proxy-ndp: an attached interface answers ARP or neighbour
 * solicitations for first..last (keyed by its ifindex, which only the
 * loader knows, and which follows the interface's name: struct
 * sfw_nat_proxy_name_key), with its MAC and (proxy-ndp) its link-local
 * address, which the loader reads then too: XDP has no way to ask a device's
 * addresses, and a broadcast request does not carry them
 * (bpf/proxy_arp.bpf.h, bpf/proxy_ndp.bpf.h). */
struct sfw_nat_proxy {
	union sfw_addr first;
	union sfw_addr last;
	__u8 family;
	__u8 pad;
	__u8 mac[6];
	union sfw_addr src;   /* an advertisement's source; :: when it had none */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_proxy) == 56, "NAT proxy ABI");

/* An interface's proxy ranges, numbered from 0 per interface and
 * generation (at most SFW_NAT_MAX_PROXIES each). */
struct sfw_nat_proxy_key {
	__u32 ifindex;
	__u16 idx;
	__u8 gen;             /* as in struct sfw_nat_list_key */
	__u8 pad;             /* always zero */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_proxy_key) == 8, "NAT proxy key ABI");
#define SFW_NAT_MAX_PROXIES 64
/* Ranges a configuration may hold in all (conf/check_nat.c): each of the
 * maps holds two generations of them. Kept by name whether or not the
 * interface is here (one configuration for a fleet), so the bound is the
 * configuration's, not the host's. */
#define SFW_NAT_MAX_PROXY_RANGES (SFW_MAX_IFACES * SFW_NAT_MAX_PROXIES)

/* The ranges of SFW_MAP_NAT_PROXIES by interface name (user space alone
 * reads them): its entries, by index, are computed from them at commit
 * and again whenever interfaces come, go or are renamed, as the zones'
 * are (include/policy.h struct sfw_zone_ifname_key): an index reused by
 * another interface must not answer for the old one's pool addresses.
 * The value's mac and src are zero here; the entry's are read then. */
struct sfw_nat_proxy_name_key {
	char ifname[16];      /* IFNAMSIZ: the configuration takes 15 characters */
	__u16 idx;            /* as in struct sfw_nat_proxy_key */
	__u8 gen;
	__u8 pad;             /* always zero */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_proxy_name_key) == 20, "NAT proxy name key ABI");

/* Map sizes: lists are per stage and zone pair; entries are bounded per
 * list by SFW_NAT_MAX_ENTRIES and in all by SFW_NAT_MAX_ALL (both
 * generations). */
#define SFW_NAT_MAX_LISTS   4096
#define SFW_NAT_MAX_ALL     65536
#define SFW_NAT_MAX_POOLS   4096

/* Port reservations (docs/nat.md "Port allocation"): who holds port
 * `port` of address `addr` for protocol `proto`. The key is the translated
 * side of the session as the reply carries it. */
struct sfw_nat_port_key {
	union sfw_addr addr;
	__be16 port;
	__u8 proto;
	__u8 family;
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_port_key) == 20, "NAT port key ABI");

struct sfw_nat_port {
	__u64 sess_id;                 /* the holder's session id */
	__u32 since_s;                 /* taken at: the holder's created_s */
	__u32 pad;
	struct sfw_nat_owner owner;    /* its key */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_port) == 32, "NAT port ABI");

/* A port is taken, and its alias inserted, before the holder's session
 * is: a holder the session table does not hold yet may be a first
 * packet still on its way on another CPU. Until this long after its
 * session's creation, neither its reservation nor its alias is taken
 * over, reaped or deleted as stale (two sessions would share a port, or
 * the first would lose its replies: docs/nat.md "Reclaim"). One XDP run
 * takes microseconds; a second covers a vCPU stopped mid-run. Counted in
 * the sessions' whole seconds: young while the clock has moved on by no
 * more than this, one to two seconds of real time. */
#define SFW_NAT_TAKEOVER_S 1u

/* Made at since_s, may its holder still be on its way? The sessions'
 * seconds (sfw_secs), compared across a wrap; a stamp after the clock
 * read (a future one) is young. */
static inline bool sfw_nat_young(__u32 since_s, __u32 now_s)
{
	return (__s32)(now_s - since_s) <= (__s32)SFW_NAT_TAKEOVER_S;
}

/* First ports tried per allocation: a bounded loop for the verifier
 * (docs/nat.md, Cilium's SNAT_COLLISION_RETRIES). */
#define SFW_NAT_PORT_TRIES 32
/* Reservations: one per NAT session, at most the session table's size. */
#define SFW_NAT_MAX_PORTS SFW_DEFAULT_MAX_SESSIONS

/* Per source NAT rule, counted by the datapath on first packets only
 * (bpf/nat.bpf.h sfw_nat_count), never on established traffic; shown by
 * `show security nat source rule` (docs/nat.md "Operational commands"):
 * X(NAME, Junos label, Junos XML/JSON name). Destination NAT rules have
 * the same counters, in a map of their own (SFW_MAP_NAT_DRULE_STATS,
 * indexed by destination rule id): a hit when the rule matches a first
 * packet (before the route and the policy, where Junos evaluates it),
 * a success when the session it translated is made. */
#define SFW_NAT_RULE_COUNTER_LIST(X)                                     \
	/* a first packet the rule matched, translated or not */           \
	X(HITS, "Translation hits", "rule-translation-hits")               \
	/* a session the rule made (translated, or `off`'s untranslated) */ \
	X(SUCCESS, "Successful sessions", "succ-hits")
enum sfw_nat_rule_counter {
#define SFW_X(name, label, json) SFW_NAT_RC_##name,
	SFW_NAT_RULE_COUNTER_LIST(SFW_X)
#undef SFW_X
	SFW_NAT_RC_COUNT
};

/* The shows' third count, not the datapath's: sessions alive now that
 * name the rule (sfw_sess_nat.rule_id), counted from the table. */
#define SFW_NAT_SESSIONS_LABEL "Number of sessions"
#define SFW_NAT_SESSIONS_JSON "concurrent-hits"

/* The counters' map (SFW_MAP_NAT_RULE_STATS): a per-CPU array indexed by
 * sfw_nat_entry.rule_id of source NAT rules, 1..SFW_NAT_MAX_RULES (a
 * commit refuses more); SFW_MAP_NAT_DRULE_STATS likewise for destination
 * NAT rules. */
struct sfw_nat_rule_stats {
	__u64 n[SFW_NAT_RC_COUNT];     /* enum sfw_nat_rule_counter */
};
#define SFW_NAT_MAX_RULES 4096

/* Per source pool, counted where its rule's are (bpf/nat.bpf.h
 * sfw_nat_pool_count: first packets only); shown by `show security nat
 * source pool` and the summary: X(NAME, Junos label, JSON name, Junos's
 * XML element: the reply of `| display xml`). */
#define SFW_NAT_POOL_COUNTER_LIST(X)                                     \
	/* a first packet a rule naming the pool matched */                \
	X(HITS, "Translation hits", "source-pool-translation-hits", "address-pool-hits")
enum sfw_nat_pool_counter {
#define SFW_X(name, label, json, junos) SFW_NAT_PC_##name,
	SFW_NAT_POOL_COUNTER_LIST(SFW_X)
#undef SFW_X
	SFW_NAT_PC_COUNT
};

/* Per destination pool (SFW_MAP_NAT_DPOOL_STATS), counted where its
 * rule's are: X(NAME, Junos label, JSON name, Junos's XML element). */
#define SFW_NAT_DPOOL_COUNTER_LIST(X)                                    \
	/* a first packet a destination rule naming the pool matched */    \
	X(HITS, "Translation hits", "pool-translation-hits", "address-pool-hits")
enum sfw_nat_dpool_counter {
#define SFW_X(name, label, json, junos) SFW_NAT_DPC_##name,
	SFW_NAT_DPOOL_COUNTER_LIST(SFW_X)
#undef SFW_X
	SFW_NAT_DPC_COUNT
};

struct sfw_nat_dpool_stats {
	__u64 n[SFW_NAT_DPC_COUNT];    /* enum sfw_nat_dpool_counter */
};

/* The pools' counters' map (SFW_MAP_NAT_POOL_STATS): a per-CPU array
 * indexed by source pool id, 1..SFW_NAT_MAX_POOLS. Destination pools
 * count in SFW_MAP_NAT_DPOOL_STATS, indexed by destination pool id, with
 * their own list (a hit: a first packet a rule naming the pool matched). */
struct sfw_nat_pool_stats {
	__u64 n[SFW_NAT_PC_COUNT];     /* enum sfw_nat_pool_counter */
};

#endif
