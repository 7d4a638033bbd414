/* Datagrams in flight: a permitted first fragment's identity, pointing at
 * the session that permitted it, so that the datagram's later fragments
 * (which carry no ports) follow the same verdict (docs/security.md
 * "Fragments"). */
#ifndef SFW_FRAG_H
#define SFW_FRAG_H

#include "sfw_types.h"
#include "session.h"

/* Datagrams remembered at once. Linux keeps at most 4 MB of fragments
 * per namespace and family in reassembly (net.ipv4.ipfrag_high_thresh),
 * a few thousand datagrams; a firewall sees many receivers, so room for
 * sixteen times that many. An LRU: a flood of first fragments evicts
 * the oldest datagrams, never a session. */
#define SFW_MAX_FRAGS 65536

/* NAT datagrams remembered at once, apart from the rest (sfw_nat_frags,
 * and a clash's record): a NAT record sends later fragments to its own
 * client, so a flood of other first fragments must not evict it and let
 * a forged one take its datagram's tail (review rvclash, RVC-1). A plain
 * hash: full, a new NAT datagram is not remembered and its later
 * fragments are dropped (fail closed); the session daemon deletes the
 * expired every second (loader/frag_sweep.c). */
#define SFW_MAX_NAT_FRAGS 16384

/* How long after its first fragment a datagram's later fragments may
 * follow it: as long as the Linux receiver keeps an incomplete datagram
 * (net.ipv4.ipfrag_time 30 s; net.ipv6.ip6frag_time 60 s, the 60 s of
 * RFC 8200). Later than that the receiver has dropped the first fragment
 * and cannot reassemble, so the fragment is useless to it. */
#define SFW_FRAG_TIMEOUT_INET_S 30
#define SFW_FRAG_TIMEOUT_INET6_S 60

/* How long a NAT datagram's record (and a clash) lives: a datagram's
 * fragments come within milliseconds of each other (the clash window's
 * reasoning, below), and a record kept the 30 s of Linux's reassembly
 * held one of SFW_MAX_NAT_FRAGS for every NAT datagram of the last 30 s:
 * 546 fragmented NAT datagrams a second filled the hash (review rvsplit,
 * RVS-2). Two seconds, with the daemon's sweep a second behind, leave
 * room for about 5,000 a second. */
#define SFW_FRAG_NAT_TIMEOUT_S 2

/* NAT records the sessions of one opener may make, of those the ones
 * between it and one peer, and the sessions of one peer with any opener:
 * three token buckets (struct sfw_frag_bucket), each refilled at its
 * rate a second and holding one second's worth; every new NAT record
 * (and every one that renews a record's life) takes a token of each, XDP's and
 * tc's alike (a datagram XDP translated is recorded again at tc under
 * its translated identity: two records, two tokens). The opener is the
 * address that opened the sessions (the inside client of source NAT, the
 * outside client of a port forward or static NAT); the peer, the other
 * side. An opener holds at most about four seconds' worth at once
 * (burst, record lifetime, the sweep's second): 2,048 records, an eighth
 * of the hash, so that one peer of a NAT session (an outside server
 * answering a client, an outside client of a port forward) leaving
 * fragmented datagrams unfinished cannot fill it for everyone (review
 * rvsplit, RVS-2), and one peer at most half of that, so that it cannot
 * take all of its client's either; one peer, with all the clients it
 * has, at most 4,096, a quarter (review rvquota3, RQ3-2), which one client
 * (at its pair's rate, a quarter of the peer's) cannot spend alone. By
 * opener, pair and peer: not by sender alone, or
 * one client that makes a server send it fragments, or someone who spoofs
 * the server's address at a port forward, spent the server's bucket for
 * every client (review rvquota, RQ-2, RQ-3); not by pair alone, or one
 * client with many peers had a bucket for each (review rvquota2, RQ2-4).
 * A record refused is counted as `NAT fragment records refused` on the
 * interface; the datagram's later fragments are dropped (fail closed). */
#define SFW_NAT_FRAG_OPENER_RATE (SFW_MAX_NAT_FRAGS / 32)
#define SFW_NAT_FRAG_PAIR_RATE (SFW_NAT_FRAG_OPENER_RATE / 2)
#define SFW_NAT_FRAG_PEER_RATE (SFW_NAT_FRAG_OPENER_RATE * 2)

/* Buckets at once: an LRU, so a bucket evicted by many others starts
 * again full; 4,096 openers, each its eighth, could fill the hash
 * anyway. */
#define SFW_MAX_NAT_FRAG_BUCKETS 8192

/* How long after a NAT datagram's first fragment another session's
 * first fragment under the same identity is a clash (struct sfw_frag's
 * clash) rather than a new datagram: a datagram's fragments come within
 * milliseconds, so a forged first fragment must come within that window
 * to take another's tail, while a sender whose 16-bit identification
 * wrapped reuses it seconds later at the soonest below 32,768 datagrams a
 * second to one destination. */
#define SFW_FRAG_CLASH_S 2

/* A datagram: RFC 791 identifies it by addresses, protocol and
 * identification, RFC 8200 by addresses and identification (proto 0). */
struct sfw_frag_key {
	union sfw_addr src;
	union sfw_addr dst;
	__u32 id;           /* as sent: IPv4 16 bits (network order), IPv6 32 */
	__u8 proto;
	__u8 family;        /* enum sfw_family */
	__u16 pad;          /* always zero: part of the hashed key */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_frag_key) == 40, "fragment key ABI");

struct sfw_frag {
	struct sfw_session_key sess;  /* the session the first fragment was permitted by */
	__u64 sess_id;      /* and which one: a session replaced since ends the datagram */
	__u64 expires_ns;   /* bpf_ktime_get_coarse_ns() clock */
	__u8 dir;           /* enum sfw_wing_dir: the wing its fragments count on */
	__u8 nat;           /* a NAT session's In wing: tc egress translates its later
			     * fragments (bpf/nat_tc.bpf.h), refused once the session is gone */
	__u16 l4_end;       /* where the L4 header ends in the fragmentable part (IPv6:
			     * extension headers after the Fragment header included):
			     * no later fragment may start before it */
	/* fragmented by its sender, its first fragment judged at XDP: its
	 * later fragments follow a NAT record at XDP too (a record tc wrote
	 * is of a datagram the stack fragmented, whose later fragments come
	 * from the stack only: docs/nat.md "Fragments") */
	__u8 sender;
	/* first fragments of two sessions (or wings) met under this
	 * identity before it expired, one of them NAT's: their later
	 * fragments follow neither, as Linux's reassembly drops such
	 * overlapping datagrams whole, and none is sent to the other's
	 * client (review rvfrag F1). Kept, unextended, for SFW_FRAG_CLASH_S:
	 * a first fragment after that is a new datagram's. */
	__u8 clash;
	/* the record of an ICMP error the stack fragmented: it names the
	 * session and wing of the packet the error quotes, not the error's
	 * own, so its later fragments are bound at tc to the zone the
	 * error's wing comes from (bpf/tc_judged.bpf.h) */
	__u8 quote;
	/* its first fragment carried Router Alert, and was judged with it
	 * (sfw_xdp_ra_host): a later fragment with Router Alert follows a
	 * datagram of a transit session only then (sfw_frag_follow) */
	__u8 ra;
};
SFW_STATIC_ASSERT(sizeof(struct sfw_frag) == 64, "fragment ABI");

/* A NAT record quota's bucket: an opener's (peer all zero), a peer's
 * (opener all zero) or the one of an opener and a peer. */
struct sfw_frag_bucket {
	union sfw_addr opener;
	union sfw_addr peer;
	__u8 family;        /* enum sfw_family */
	__u8 pad[3];        /* always zero: part of the hashed key */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_frag_bucket) == 36, "fragment bucket ABI");

/* Its bucket: time credit, as include/ratelimit.h's (sfw_credit_take);
 * shared by the CPUs, and a race between two of them loses a token or
 * gives one, never more. */
struct sfw_frag_quota {
	__u64 stamp_ns;
	__u64 credit_ns;
};
SFW_STATIC_ASSERT(sizeof(struct sfw_frag_quota) == 16, "fragment quota ABI");

#endif
