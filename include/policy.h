/* Zones and security policies as the datapath sees them: compiled by
 * `sfw commit` from the Junos configuration, consulted only on the first
 * packet of a session.
 *
 * First match in a policy list without looping over its rules: each rule
 * list (a zone pair's policies, or the global policies) is a set of up to
 * SFW_MAX_RULES rules numbered in order. Three LPM tries answer, for the
 * packet's source address, destination address and (protocol, port), the
 * set of rules that match in that dimension, as a bitmap; the first bit set
 * in their intersection is the first matching rule. Cost per first packet:
 * three trie lookups and SFW_RULE_WORDS word ANDs per list, whatever the
 * number of rules.
 *
 * Every key carries the configuration generation, so a commit fills the
 * inactive generation and flips sfw_config.gen: the datapath never sees
 * half a configuration. */
#ifndef SFW_POLICY_H
#define SFW_POLICY_H

#include "sfw_types.h"

#define SFW_MAX_ZONES     64
#define SFW_ZONE_NONE      0
#define SFW_ZONE_HOST     63      /* junos-host: the firewall itself */
#define SFW_MAX_RULES   1024      /* per list */
#define SFW_RULE_WORDS  (SFW_MAX_RULES / 64)
#define SFW_MAX_POLICY_INDEX 8192

/* A list id: generation bit, then the zone pair (from * 64 + to), or the
 * global list, or the application classification's. The two take ids of
 * pairs that have no list of their own: junos-host to junos-host (the
 * host's traffic to itself never crosses sfw: `sfw commit` refuses a
 * policy for it, and never expands a global policy into it, review rv30
 * F2), and none to none (zone 0 names no zone). */
#define SFW_LIST_GLOBAL   0x0fff
#define SFW_LIST_GEN_SHIFT 12
#define SFW_LIST(gen, from, to) ((__u16)(((gen) << SFW_LIST_GEN_SHIFT) | ((from) * SFW_MAX_ZONES + (to))))
#define SFW_CLASS_LIST(gen) ((__u16)((gen) << SFW_LIST_GEN_SHIFT))
#define SFW_LIST_G(gen) ((__u16)(((gen) << SFW_LIST_GEN_SHIFT) | SFW_LIST_GLOBAL))
SFW_STATIC_ASSERT(SFW_LIST_GLOBAL == SFW_LIST(0, SFW_ZONE_HOST, SFW_ZONE_HOST),
		  "the global list takes junos-host to junos-host's id, which no policy has");
SFW_STATIC_ASSERT(SFW_CLASS_LIST(0) == SFW_LIST(0, SFW_ZONE_NONE, SFW_ZONE_NONE),
		  "the classification list takes none to none's id, which no policy has");

/* Built-in policy ids (Junos numbers user policies from 4), the names
 * Junos gives them in sessions and logs, and the index it prints after the
 * name (`self-traffic-policy/1`, `default-policy-logical-system-00/2`:
 * docs/junos-layouts.md): X(id, name, index). The datapath records the id;
 * name and index are looked up at show time. Junos names host-bound
 * traffic and what the host sends alike. */
#define SFW_BUILTIN_POLICY_LIST(X)                          \
	X(1, "default-policy-logical-system-00", 2)          \
	X(2, "self-traffic-policy", 1)                       \
	X(3, "self-traffic-policy", 1)
#define SFW_POLICY_ID_SELF_TRAFFIC 2   /* what the host itself sends */
#define SFW_POLICY_ID_HOST_INBOUND 3   /* a zone's host-inbound-traffic */

/* The index Junos prints for a policy id: a built-in's own, else the id
 * (a configured policy's Junos index). For show time only. */
static inline __u32 sfw_policy_index(__u32 id)
{
#define SFW_X(pid, name, index) if (id == (pid)) return (index);
	SFW_BUILTIN_POLICY_LIST(SFW_X)
#undef SFW_X
	return id;
}

struct sfw_rule_bits {
	__u64 w[SFW_RULE_WORDS];
};

enum sfw_addr_dir {
	SFW_DIR_SRC = 0,
	SFW_DIR_DST = 1,
};

/* LPM key over addresses: list, direction and family are always matched
 * in full (32 bits), then the address prefix. */
struct sfw_addr_lpm_key {
	__u32 prefixlen;
	__u16 list;
	__u8 dir;             /* enum sfw_addr_dir */
	__u8 family;          /* SFW_FAMILY_INET / _INET6 */
	__u8 addr[16];
};
#define SFW_ADDR_LPM_FIXED_BITS 32

/* LPM key over (protocol, port): list (16 bits), then protocol and a zero
 * byte (16), then the destination port, or ICMP type and code, in network
 * order (16). Prefix 16: any protocol; 32: any port of the protocol. */
struct sfw_app_lpm_key {
	__u32 prefixlen;
	__u16 list;
	__u8 proto;
	__u8 zero;
	__u8 port[2];
	__u8 pad[2];          /* beyond every prefix: never compared */
};
#define SFW_APP_LPM_LIST_BITS 16
#define SFW_APP_LPM_PROTO_BITS 32

/* What a rule does; key {list, bit}. */
struct sfw_rule_key {
	__u16 list;
	__u16 bit;
};

enum sfw_rule_action {
	SFW_ACTION_PERMIT = 1,
	SFW_ACTION_DENY = 2,
	SFW_ACTION_REJECT = 3,
};

#define SFW_RULE_LOG_INIT  0x01
#define SFW_RULE_LOG_CLOSE 0x02
#define SFW_RULE_COUNT     0x04

struct sfw_rule {
	__u32 policy_id;      /* Junos policy index */
	__u8 action;          /* enum sfw_rule_action */
	__u8 flags;           /* SFW_RULE_* */
	__u16 pad;
};

/* Application classification (most specific configured application for a
 * protocol and port), in the same key shape with list = generation. */
struct sfw_app_class {
	__u16 app_id;
	__u16 pad;
	__u32 timeout_s;      /* 0: the protocol's timeout */
};

/* Screens (Junos ids-option) bound to a zone, per generation; checked on
 * first packets arriving from that zone. */
#define SFW_SCREEN_IP_SPOOFING 0x01
#define SFW_SCREEN_SYN_FLOOD   0x02
#define SFW_SCREEN_LIMIT_SRC   0x04   /* limit-session source-ip-based */
#define SFW_SCREEN_LIMIT_DST   0x08   /* limit-session destination-ip-based */

struct sfw_screen_key {
	__u32 zone;
	__u32 gen;
};

struct sfw_screen {
	__u16 flags;                  /* SFW_SCREEN_* */
	/* The zone's key in the limit tallies (1-255), kept by zone name
	 * across commits (SFW_NAME_TALLY): zone ids follow configuration
	 * order, so a commit that adds a zone renumbers the others while
	 * their sessions hold counts (bpf/limit.bpf.h). 0: pins written by
	 * an older sfw, the zone id stands in. */
	__u8 tally_id;
	__u8 pad;
	__u32 syn_attack_threshold;   /* SYNs per second to one destination */
	__u32 syn_source_threshold;   /* SYNs per second from one source */
	__u32 syn_destination_threshold; /* SYNs per second to one destination, any port */
	__u32 limit_src;              /* concurrent sessions from one source address */
	__u32 limit_dst;              /* concurrent sessions to one destination address */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_screen) == 24, "screen ABI");

/* SYN rates per address and second (the syn-flood screen). */
struct sfw_syn_rate_key {
	__u8 addr[16];
	__u8 family;
	__u8 dir;             /* enum sfw_addr_dir: counted as source or destination */
	__u16 pad;
};

struct sfw_syn_rate {
	__u64 second;         /* the second being counted (coarse clock) */
	__u32 count;
	__u32 pad;
};

/* Interface to zone binding, per generation: what the datapath reads. */
struct sfw_zone_key {
	__u32 ifindex;
	__u32 gen;
};

/* The same binding as the configuration says it, by interface name, per
 * generation (SFW_MAP_ZONE_IFNAMES; value: the zone id). The zones map's
 * entries of a generation are computed from these at commit and again
 * whenever an interface comes, goes or is renamed (loader/zone_ifnames.c):
 * an index outlives its interface, and a later interface may take it.
 * User space alone reads it. A generation's tag, its key's name empty
 * (SFW_ZONE_IFNAME_TAG), holds the first 4 bytes of the digest of the text
 * that wrote its names (sfw_config.conf_digest): names an sfw that kept
 * none left behind are not the configuration in force (review rv36, F1). */
#define SFW_ZONE_IFNAME_TAG ""
#define SFW_ZONE_IFNAME_LEN 16   /* IFNAMSIZ: the configuration takes 15 characters */
struct sfw_zone_ifname_key {
	char ifname[SFW_ZONE_IFNAME_LEN];
	__u32 gen;
};
SFW_STATIC_ASSERT(sizeof(struct sfw_zone_ifname_key) == 20, "zone interface name key ABI");

/* Names the CLI prints for ids the datapath stores. */
enum sfw_name_kind {
	SFW_NAME_POLICY = 1,
	SFW_NAME_APP = 2,
	SFW_NAME_ZONE = 3,
	SFW_NAME_TALLY = 4,   /* a limited zone's tally id (struct sfw_screen) */
	/* a source NAT rule's id (include/nat.h): its rule-set and its name,
	 * kept across commits (loader/nat_rule_ids.c) */
	SFW_NAME_NAT_RULE_SET = 5,
	SFW_NAME_NAT_RULE = 6,
	/* a source NAT pool's id (include/nat.h), kept across commits too */
	SFW_NAME_NAT_POOL = 7,
	/* a destination NAT rule's id (sfw_session.dnat_rule_id): its
	 * rule-set and its name; a destination pool's id; kept as the
	 * source ones are */
	SFW_NAME_NAT_DRULE_SET = 8,
	SFW_NAME_NAT_DRULE = 9,
	SFW_NAME_NAT_DPOOL = 10,
	/* a static NAT rule's id (sfw_session.dnat_rule_id of a static
	 * session, SFW_SESS_X_STATIC): its rule-set and its name */
	SFW_NAME_NAT_SRULE_SET = 11,
	SFW_NAME_NAT_SRULE = 12,
};

struct sfw_name_key {
	__u32 kind;           /* enum sfw_name_kind */
	__u32 id;
};

#define SFW_NAME_LEN 64
struct sfw_name {
	char name[SFW_NAME_LEN];
};

SFW_STATIC_ASSERT(sizeof(struct sfw_addr_lpm_key) == 24, "addr lpm key ABI");
SFW_STATIC_ASSERT(sizeof(struct sfw_app_lpm_key) == 12, "app lpm key ABI");
SFW_STATIC_ASSERT(sizeof(struct sfw_rule_bits) == 128, "rule bits ABI");

#endif
