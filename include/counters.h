/* Per-interface counters: the one list behind the BPF counter ids, the text
 * labels of `show interfaces flow-statistics` and its JSON keys.
 *
 * X(ID, group, label, json-key). Within a group, list order is print order;
 * the flow error group follows the Junos reference exactly. Every packet the
 * programs see ends in exactly one "outcome" counter (marked O below in the
 * group name): permitted, passed untracked, or one drop reason. */
#ifndef SFW_COUNTERS_H
#define SFW_COUNTERS_H

#include "sfw_types.h"

enum sfw_counter_group {
	SFW_GRP_LOCAL,      /* to/from this host */
	SFW_GRP_TRANSIT,    /* forwarded through this host */
	SFW_GRP_FLOW_IN,
	SFW_GRP_FLOW_OUT,
	SFW_GRP_FLOW_ERR,   /* Junos drop reasons: each an outcome */
	SFW_GRP_SFW,        /* sfw's own lines, printed after the Junos ones */
};

#define SFW_COUNTER_LIST(X) \
	X(LOCAL_IN_BYTES,    SFW_GRP_LOCAL, "Input  bytes  :", "input-bytes") \
	X(LOCAL_OUT_BYTES,   SFW_GRP_LOCAL, "Output bytes  :", "output-bytes") \
	X(LOCAL_IN_PKTS,     SFW_GRP_LOCAL, "Input  packets:", "input-packets") \
	X(LOCAL_OUT_PKTS,    SFW_GRP_LOCAL, "Output packets:", "output-packets") \
	X(TRANSIT_IN_BYTES,  SFW_GRP_TRANSIT, "Input  bytes  :", "input-bytes") \
	X(TRANSIT_OUT_BYTES, SFW_GRP_TRANSIT, "Output bytes  :", "output-bytes") \
	X(TRANSIT_IN_PKTS,   SFW_GRP_TRANSIT, "Input  packets:", "input-packets") \
	X(TRANSIT_OUT_PKTS,  SFW_GRP_TRANSIT, "Output packets:", "output-packets") \
	X(IN_SELF,           SFW_GRP_FLOW_IN, "Self packets :", "self-packets") \
	X(IN_ICMP,           SFW_GRP_FLOW_IN, "ICMP packets :", "icmp-packets") \
	X(IN_VPN,            SFW_GRP_FLOW_IN, "VPN packets :", "vpn-packets") \
	X(IN_MULTICAST,      SFW_GRP_FLOW_IN, "Multicast packets :", "multicast-packets") \
	X(IN_PERMITTED_BYTES, SFW_GRP_FLOW_IN, "Bytes permitted by policy :", "bytes-permitted-by-policy") \
	X(IN_CONNECTIONS,    SFW_GRP_FLOW_IN, "Connections established :", "connections-established") \
	X(OUT_MULTICAST,     SFW_GRP_FLOW_OUT, "Multicast packets :", "multicast-packets") \
	X(OUT_PERMITTED_BYTES, SFW_GRP_FLOW_OUT, "Bytes permitted by policy :", "bytes-permitted-by-policy") \
	X(ERR_ADDRESS_SPOOFING, SFW_GRP_FLOW_ERR, "Address spoofing:", "address-spoofing") \
	X(ERR_AUTH_FAILED,   SFW_GRP_FLOW_ERR, "Authentication failed:", "authentication-failed") \
	X(ERR_INCOMING_NAT,  SFW_GRP_FLOW_ERR, "Incoming NAT errors:", "incoming-nat-errors") \
	X(ERR_INVALID_ZONE,  SFW_GRP_FLOW_ERR, "Invalid zone received packet:", "invalid-zone-received-packet") \
	X(ERR_MULTI_USER_AUTH, SFW_GRP_FLOW_ERR, "Multiple user authentications:", "multiple-user-authentications") \
	X(ERR_MULTI_INCOMING_NAT, SFW_GRP_FLOW_ERR, "Multiple incoming NAT:", "multiple-incoming-nat") \
	X(ERR_NO_PARENT_GATE, SFW_GRP_FLOW_ERR, "No parent for a gate:", "no-parent-for-a-gate") \
	X(ERR_NO_SELF_INTEREST, SFW_GRP_FLOW_ERR, "No one interested in self packets:", "no-one-interested-in-self-packets") \
	X(ERR_NO_MINOR_SESSION, SFW_GRP_FLOW_ERR, "No minor session:", "no-minor-session") \
	X(ERR_NO_MORE_SESSIONS, SFW_GRP_FLOW_ERR, "No more sessions:", "no-more-sessions") \
	X(ERR_NO_NAT_GATE,   SFW_GRP_FLOW_ERR, "No NAT gate:", "no-nat-gate") \
	X(ERR_NO_ROUTE,      SFW_GRP_FLOW_ERR, "No route present:", "no-route-present") \
	X(ERR_NO_SA,         SFW_GRP_FLOW_ERR, "No SA for incoming SPI:", "no-sa-for-incoming-spi") \
	X(ERR_NO_TUNNEL,     SFW_GRP_FLOW_ERR, "No tunnel found:", "no-tunnel-found") \
	X(ERR_NO_SESSION_GATE, SFW_GRP_FLOW_ERR, "No session for a gate:", "no-session-for-a-gate") \
	X(ERR_NO_ZONE,       SFW_GRP_FLOW_ERR, "No zone or NULL zone binding", "no-zone-or-null-zone-binding") \
	X(ERR_POLICY_DENIED, SFW_GRP_FLOW_ERR, "Policy denied:", "policy-denied") \
	X(ERR_SA_INACTIVE,   SFW_GRP_FLOW_ERR, "Security association not active:", "security-association-not-active") \
	X(ERR_TCP_SEQ_WINDOW, SFW_GRP_FLOW_ERR, "TCP sequence number out of window:", "tcp-sequence-number-out-of-window") \
	X(ERR_SYN_ATTACK,    SFW_GRP_FLOW_ERR, "Syn-attack protection:", "syn-attack-protection") \
	X(ERR_USER_AUTH,     SFW_GRP_FLOW_ERR, "User authentication errors:", "user-authentication-errors") \
	X(SFW_PERMITTED_PKTS, SFW_GRP_SFW, "Packets permitted:", "packets-permitted") \
	X(SFW_UNTRACKED_PKTS, SFW_GRP_SFW, "Packets passed untracked:", "packets-passed-untracked") \
	X(SFW_PROXY_ARP,     SFW_GRP_SFW, "Proxy ARP answered:", "proxy-arp-answered") \
	X(SFW_ERR_MALFORMED, SFW_GRP_SFW, "Malformed packets:", "malformed-packets") \
	X(SFW_ERR_SRC_ROUTE, SFW_GRP_SFW, "Source-routed packets:", "source-routed-packets") \
	X(SFW_ERR_ENCAP_IP,  SFW_GRP_SFW, "Encapsulated IP refused:", "encapsulated-ip-refused") \
	X(SFW_ERR_TCP_NO_SYN, SFW_GRP_SFW, "TCP first packet not SYN:", "tcp-first-packet-not-syn") \
	X(SFW_ERR_NO_SESSION, SFW_GRP_SFW, "Reply without session:", "reply-without-session") \
	X(SFW_ERR_FRAG_NO_FIRST, SFW_GRP_SFW, "Fragments without first fragment:", "fragments-without-first-fragment") \
	X(SFW_ERR_FRAG_TINY, SFW_GRP_SFW, "Tiny or overlapping fragments:", "tiny-or-overlapping-fragments") \
	X(SCREEN_SRC_LIMIT,  SFW_GRP_SFW, "Source session limit:", "source-session-limit") \
	X(SCREEN_DST_LIMIT,  SFW_GRP_SFW, "Destination session limit:", "destination-session-limit") \
	X(SFW_FAILED_SESSIONS, SFW_GRP_SFW, "Failed sessions:", "failed-sessions") \
	X(SFW_REPLIES_SUPPRESSED, SFW_GRP_SFW, "Replies suppressed:", "replies-suppressed") \
	X(SFW_PROXY_NDP,     SFW_GRP_SFW, "Proxy NDP answered:", "proxy-ndp-answered") \
	X(SFW_NAT_FRAG_REFUSED, SFW_GRP_SFW, "NAT fragment records refused:", \
	  "nat-fragment-records-refused")

enum sfw_counter {
#define SFW_X(id, grp, label, key) SFW_CNT_##id,
	SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
	SFW_CNT_COUNT
};

/* Is counter id (of group grp) a packet's outcome? Every Junos drop
 * reason and sfw's own lines, but for the three that are no outcome:
 * Failed sessions repeats No more sessions, Replies suppressed counts
 * answers not sent for packets already counted, NAT fragment records
 * refused first fragments that passed without a record for their tail
 * (include/frag.h). The drop reasons are the
 * outcomes less Packets permitted, Packets passed untracked, Proxy ARP
 * answered and Proxy NDP answered, an ARP request or neighbour
 * solicitation XDP turned into its answer (docs/nat.md "Proxy ARP and
 * NDP") (tests/bpf/test_conservation.c, the metrics' `reason` label). */
#define SFW_COUNTER_IS_OUTCOME(id, grp)                                          \
	((grp) == SFW_GRP_FLOW_ERR ||                                            \
	 ((grp) == SFW_GRP_SFW && (id) != SFW_CNT_SFW_FAILED_SESSIONS &&         \
	  (id) != SFW_CNT_SFW_REPLIES_SUPPRESSED && (id) != SFW_CNT_SFW_NAT_FRAG_REFUSED))

/* Is it a drop reason: an outcome other than permitted, passed untracked
 * or answered by proxy ARP or NDP? */
#define SFW_COUNTER_IS_DROP(id, grp)                                             \
	(SFW_COUNTER_IS_OUTCOME(id, grp) && (id) != SFW_CNT_SFW_PERMITTED_PKTS &&   \
	 (id) != SFW_CNT_SFW_UNTRACKED_PKTS && (id) != SFW_CNT_SFW_PROXY_ARP &&       \
	 (id) != SFW_CNT_SFW_PROXY_NDP)

/* Value of the per-CPU per-interface counter map. */
struct sfw_iface_stats {
	__u64 c[SFW_CNT_COUNT];
};

#endif
