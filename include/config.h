/* Run-time settings, read by the datapath from a one-entry array map and
 * written by `sfw set ...` / the configuration commit. */
#ifndef SFW_CONFIG_H
#define SFW_CONFIG_H

#include "sfw_types.h"

/* Timeout classes: X(enum-suffix, default seconds, config word).
 * Defaults are Junos's (docs/junos-layouts.md, "Defaults Junos uses"). */
#define SFW_TIMEOUT_LIST(X)                          \
	X(TCP_INITIAL,     20, "tcp-initial-timeout")   \
	X(TCP_ESTABLISHED, 1800, "tcp-established-timeout") \
	X(TCP_HALF_CLOSED, 1800, "tcp-half-closed-timeout") \
	X(TCP_TIME_WAIT,    4, "time-wait-state-timeout") \
	X(TCP_CLOSED,       2, "tcp-rst-timeout")       \
	X(UDP,             60, "udp-timeout")           \
	X(ICMP,            60, "icmp-timeout")          \
	X(OTHER,         1800, "other-timeout")

enum sfw_timeout_class {
#define SFW_X(name, secs, word) SFW_TO_##name,
	SFW_TIMEOUT_LIST(SFW_X)
#undef SFW_X
	SFW_TO_COUNT
};

enum sfw_default_policy {
	SFW_POLICY_PERMIT_ALL = 0,
	SFW_POLICY_DENY_ALL = 1,
};

/* Policy ids stored in sessions. Junos numbers user policies from 4;
 * the low ids are the built-in ones. */
#define SFW_POLICY_ID_DEFAULT_PERMIT 1

#define SFW_CFG_F_NO_SYN_CHECK 0x01   /* a non-SYN first packet may open a TCP session */
#define SFW_CFG_F_ZONES        0x02   /* zones configured: zone-less interfaces drop */
#define SFW_CFG_F_POLICIES     0x04   /* a committed policy configuration is in force */
#define SFW_CFG_F_LOG_SESSIONS 0x08   /* log every session's create, close and deny */
#define SFW_CFG_F_MONITOR      0x10   /* `sfw monitor` is watching: events for every session */
#define SFW_CFG_F_SYN_COOKIE   0x80   /* past the SYN-flood threshold, answer SYNs to this host with cookies */
#define SFW_CFG_F_NO_SEQ_CHECK 0x40   /* no TCP sequence window check (no-sequence-check) */
#define SFW_CFG_F_FORWARD      0x20   /* XDP forwards transit packets itself (bpf/forward.bpf.h) */
/* The stored configuration is not in force (not applied yet, or it failed
 * to apply): every new session is refused until an apply succeeds, which
 * alone clears it (docs/security.md, "fails closed"). */
#define SFW_CFG_F_FAIL_CLOSED  0x100
#define SFW_CFG_F_LIMITS       0x200  /* a zone's screen has a limit-session limit */
/* This node is its cluster's primary: every session's create, TCP state
 * change and close goes to the mirror's ring (docs/ha.md). */
#define SFW_CFG_F_SYNC         0x400
/* Session logs in Junos's plain syslog form (`security log format
 * syslog`), not the structured one; read by the daemon only. */
#define SFW_CFG_F_LOG_SYSLOG   0x800
/* Source NAT rules were committed since attach: tc egress looks for NAT
 * sessions among forwarded packets (bpf/nat_tc.bpf.h). Kept by later
 * commits, as their sessions outlive the rules. */
#define SFW_CFG_F_NAT          0x1000
/* The generation in force has destination NAT rule-sets, static NAT
 * rule-sets (and source NAT's, SFW_CFG_F_NAT_NO_SOURCE below): a first
 * packet walks those lists only then, so a
 * configuration without them pays no list lookup (docs/nat.md "Static
 * NAT"). Written with the generation's flip, as every compiled flag. */
#define SFW_CFG_F_NAT_DEST     0x2000
#define SFW_CFG_F_NAT_STATIC   0x4000
/* This node is its cluster's secondary: it answers no proxy-arp or
 * proxy-ndp request, the primary does (docs/nat.md "Proxy ARP and NDP").
 * Set and cleared by the cluster's transitions (ha/transition.c). */
#define SFW_CFG_F_HA_SECONDARY 0x8000
/* security forwarding-options family mpls mode packet-based: MPLS frames
 * pass untracked, as Junos's packet mode forwards them; else they are
 * refused (docs/security.md "Only where frames are Ethernet's"). */
#define SFW_CFG_F_MPLS_PACKET  0x10000
/* Do MPLS frames pass untracked under these flags? In packet mode, and
 * never while the configuration fails closed: a failed apply keeps the
 * flags it found (loader/apply.c), which may be a candidate's. The
 * datapath's and `show security flow status`'s one answer. */
#define SFW_CFG_MPLS_PASSES(flags) \
	(((flags) & (SFW_CFG_F_MPLS_PACKET | SFW_CFG_F_FAIL_CLOSED)) == SFW_CFG_F_MPLS_PACKET)
/* The generation in force has no source NAT rule-sets: a first packet
 * walks no source list. Said the other way round from _NAT_DEST and
 * _NAT_STATIC, by its presence, so that flags an older sfw compiled
 * (pins an upgrade reuses: `attach` applies again only a changed text)
 * walk the lists, as that sfw did (review rv2, F3). */
#define SFW_CFG_F_NAT_NO_SOURCE 0x20000

/* SHA-256 of a configuration file's text */
#define SFW_CONF_DIGEST_LEN 32

struct sfw_config {
	__u32 timeout_s[SFW_TO_COUNT];
	__u32 default_policy;   /* enum sfw_default_policy */
	__u32 flags;            /* SFW_CFG_F_* */
	__u32 gen;              /* policy generation in force (0 or 1) */
	__u32 max_sessions;     /* new sessions refused beyond this many */
	__u32 session_limit;    /* the most the table holds with no LRU eviction */
	__u32 deny_log_rate;    /* DENY events logged per second and CPU (include/ratelimit.h) */
	__u32 reply_rate;       /* rejects and cookie SYN-ACKs per second and CPU */
	/* The host's ephemeral ports (net.ipv4.ip_local_port_range, read at
	 * commit and attach): source NAT allocates outside them, so no host
	 * socket and no NAT session share a tuple (docs/nat.md "Port
	 * allocation"). 0: none excluded. */
	__u16 nat_host_port_lo;
	__u16 nat_host_port_hi;
	/* The digest of the configuration text the maps were compiled from,
	 * written with the generation flip that put it in force; all zero:
	 * the built-in configuration. Compared with the stored file to tell a
	 * datapath that runs something else (a commit killed between its apply
	 * and its rename; docs/security.md "fails closed"). Not read by BPF. */
	__u8 conf_digest[SFW_CONF_DIGEST_LEN];
};
SFW_STATIC_ASSERT(sizeof(struct sfw_config) == 4 * SFW_TO_COUNT + 32 + SFW_CONF_DIGEST_LEN,
		  "config ABI");

/* Room the LRU table keeps beyond session_limit (loader/config.c
 * sfw_session_headroom, docs/design.md "Capacity"): the kernel's LRU hands
 * free nodes to each CPU in batches of up to SFW_LRU_LOCAL_FREE_TARGET and
 * evicts once the shared free list runs short, while other CPUs may hold
 * up to a batch each; so live sessions stay safe only with a batch per
 * possible CPU spare, and at least the floor below. */
#define SFW_LRU_LOCAL_FREE_TARGET 128
#define SFW_SESSION_HEADROOM_MIN  1024
#define SFW_SESSION_HEADROOM_DIV  16   /* and at least capacity / 16 */

#endif
