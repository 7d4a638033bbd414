/* The session table: one entry per connection, found from either direction
 * with a single lookup because the key is normalised (lower address/port
 * pair first) and the value records which side opened it. */
#ifndef SFW_SESSION_H
#define SFW_SESSION_H

#include "sfw_types.h"
#include "net_consts.h"
#ifndef __BPF__
#include <stdbool.h>
#endif

#define SFW_DEFAULT_MAX_SESSIONS 1048576

enum sfw_family {
	SFW_FAMILY_INET = 4,
	SFW_FAMILY_INET6 = 6,
};

/* An address as 16 bytes; IPv4 uses the first four, the rest stay zero so
 * that keys compare and hash as plain bytes. */
union sfw_addr {
	__be32 v4;
	__be32 v6[4];
	__u8 bytes[16];
};

struct sfw_session_key {
	union sfw_addr addr_lo;
	union sfw_addr addr_hi;
	__be16 port_lo;     /* ICMP echo: identifier on the requester's side */
	__be16 port_hi;
	__u8 proto;
	__u8 family;        /* enum sfw_family */
	__u16 pad;          /* always zero: part of the hashed key */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_session_key) == 40, "session key ABI");

/* TCP states, with the names `show ... extensive` prints. */
#define SFW_TCP_STATE_LIST(X)          \
	X(NONE,        "NONE")         \
	X(SYN_SENT,    "SYN_SENT")     \
	X(SYN_RECV,    "SYN_RECV")     \
	X(ESTABLISHED, "ESTABLISHED")  \
	X(FIN_WAIT,    "FIN_WAIT")     \
	X(CLOSE_WAIT,  "CLOSE_WAIT")   \
	X(TIME_WAIT,   "TIME_WAIT")    \
	X(CLOSED,      "CLOSED")

enum sfw_tcp_state {
#define SFW_X(name, label) SFW_TCP_##name,
	SFW_TCP_STATE_LIST(SFW_X)
#undef SFW_X
	SFW_TCP_STATE_COUNT
};

/* Session states as Junos names them in `Session State:` and summary. */
enum sfw_session_state {
	SFW_SESS_VALID = 0,
	SFW_SESS_INVALIDATED = 1,  /* ended (RST, clear), not yet removed */
};

/* Wings: In is the direction of the packet that opened the session. */
enum sfw_wing_dir {
	SFW_WING_IN = 0,
	SFW_WING_OUT = 1,
};

/* Per-wing TCP flags kept in sfw_wing.tcp_flags. */
#define SFW_WING_SEEN_SYN 0x01
#define SFW_WING_SEEN_FIN 0x02
#define SFW_WING_SEEN_RST 0x04
#define SFW_WING_FIN_ACKED 0x08   /* the other side acknowledged exactly our FIN */
/* `ack` holds an acknowledgement this wing sent, and the other wing's
 * `maxend` what it allowed (bpf/tcp_window.bpf.h) */
#define SFW_WING_SEEN_ACK 0x10
/* this wing's sequence space is known (seq_end, isn, maxwin: from its
 * SYN, the cookie it returned, or its first segment mid-stream): the
 * window checks hold the other wing to it. Never 0 as "unknown": every
 * value of a sequence number is a real one */
#define SFW_WING_TRACKED 0x20
/* the opener tried again from the same port with a later ISN while in
 * SYN_SENT: fin_seq holds the end of its first SYN, prev_syn_len that
 * SYN's length and ack its window scale, as the first attempt's SYN-ACK
 * may still come (bpf/tcp_window.bpf.h) */
#define SFW_WING_PREV_SYN 0x40
/* a FIN of this wing passed the window checks but was not at its
 * sequence end as sfw saw it (bpf/tcp_window.bpf.h, sfw_tcp_fin_flags):
 * fin_seq holds it, and it counts as the close only once the other side
 * acknowledges exactly that (a real FIN that overtook the wing's last
 * data) */
#define SFW_WING_FIN_PENDING 0x80

struct sfw_wing {
	__u64 packets;
	__u64 bytes;          /* layer 3 length, as Junos and conntrack count */
	__u32 ifindex;        /* 0 until a packet of this wing was seen */
	__u32 seq_end;        /* highest sequence end sent (TCP) */
	__u32 fin_seq;        /* sequence number of this wing's FIN (SEEN_FIN,
			       * FIN_PENDING) */
	__u32 ack;            /* highest acknowledgement sent (that passed the checks) */
	__u32 maxend;         /* highest sequence the other side lets us send */
	__u32 maxwin;         /* largest window we advertised, scaled */
	__u16 prev_syn_len;   /* SFW_WING_PREV_SYN: 1 + the first SYN's data */
	__u8 wscale;          /* window scale from the SYN, 0xf = none */
	__u8 tcp_flags;       /* SFW_WING_* */
	__u32 isn;            /* this wing's SYN's sequence number; picked up
			       * mid-stream: where sfw first saw it (TCP) */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_wing) == 48, "wing ABI");

/* Session flags. */
#define SFW_SESS_F_OPENER_LO 0x01  /* the In wing's source is the key's lo side */
#define SFW_SESS_F_LOCAL     0x02  /* opened by a packet the host sent (tc) */
#define SFW_SESS_F_TRANSIT   0x04  /* forwarded through the host, not to/from it */
#define SFW_SESS_F_LOG_CLOSE 0x08  /* log its close (policy `then log session-close`) */
#define SFW_SESS_F_SYNCED    0x10  /* loaded from the cluster peer's mirror (docs/ha.md) */
#define SFW_SESS_F_NAT       0x20  /* translated: sfw_session.nat says how (docs/nat.md) */
/* Not a session: the key a NAT session's replies carry (its Out wing),
 * pointing at the session's own key (sfw_session.owner) and id. Never
 * expires by itself (timeout_s SFW_NAT_ALIAS_TIMEOUT): it goes with its
 * session, whoever ends that (bpf/nat.bpf.h sfw_nat_release). Walks of
 * the table skip it (SFW_SESS_IS_ALIAS). */
#define SFW_SESS_F_NAT_ALIAS 0x40
#define SFW_NAT_ALIAS_TIMEOUT 0xffffffffu
/* with SFW_SESS_F_NAT: the In wing's destination is translated
 * (destination NAT, its rule in sfw_session.dnat_rule_id); the NAT block
 * says to what, and its source stays the client's (docs/nat.md
 * "Destination NAT") */
#define SFW_SESS_F_DNAT      0x80

/* sfw_session.xflags. With SFW_SESS_F_NAT: static NAT translated it
 * (docs/nat.md "Static NAT"), its rule in dnat_rule_id: inbound, its
 * destination (with SFW_SESS_F_DNAT, a destination NAT session in all
 * else); outbound, the static prefix's host's own flow, its source (a
 * source NAT session that reserved no port). */
#define SFW_SESS_X_STATIC    0x01
/* With SFW_SESS_F_SYNCED, TCP: the In (Out) wing's sequence numbers, once
 * picked up after a failover from whatever segment came first, are not
 * confirmed yet: a blind segment may have set them, so they neither end
 * the session (an exact RST) nor drop a segment (red team 1205 F2).
 * ha/replica.c sets both; the datapath only clears one, when the other
 * side acknowledges what sfw saw that wing send (bpf/tcp_state.bpf.h
 * sfw_tcp_failover), so a racing write of the byte can only leave a wing
 * unconfirmed a little longer. */
#define SFW_SESS_X_UNCONFIRMED_IN  0x02
#define SFW_SESS_X_UNCONFIRMED_OUT 0x04
#define SFW_SESS_X_UNCONFIRMED     (SFW_SESS_X_UNCONFIRMED_IN | SFW_SESS_X_UNCONFIRMED_OUT)
/* TCP, a connection picked up mid-stream whose responder is not verified
 * (bpf/tcp_state.bpf.h sfw_tcp_unverified): the opener sent a bare SYN,
 * kept in the Out wing, which is untracked until then (fin_seq its end,
 * prev_syn_len 1 + its data | its scale << 12); the
 * responder's SYN-ACK acknowledging it starts the connection over
 * (review rvtcp, F1). */
#define SFW_SESS_X_SYN_PENDING     0x08
/* With SFW_SESS_X_SYN_PENDING: the kept SYN came on the Out wing, from
 * the responder's side: a connection the other way, which needs a verdict
 * of its own; the In side's SYN-ACK acknowledging it ends the session,
 * and the next packet opens a new one (review rvf1, R1). */
#define SFW_SESS_X_SYN_PENDING_REV 0x10

/* sfw_session.tally: who ended the session, and the per-address counts of
 * the limit-session screens it holds (bpf/limit.bpf.h). Changed only with
 * atomic operations once the session is in the table: the one that ends
 * it (it first claims the session by its id, SFW_SESS_ID_DYING) sets
 * SFW_TALLY_ENDED, and whoever clears a count bit gives that count back,
 * so each is given back exactly once. */
#define SFW_TALLY_ENDED      0x01  /* set by the one that ends it */
#define SFW_TALLY_SRC        0x02  /* counted against its source address */
#define SFW_TALLY_DST        0x04  /* counted against its destination address */
#define SFW_TALLY_COUNTS     (SFW_TALLY_SRC | SFW_TALLY_DST)
#define SFW_TALLY_ZONE_SHIFT 8     /* bits 8-15: the zone's tally id (struct sfw_screen) */
/* What the session counters (include/sess_stats.h) count it under: set
 * when it is inserted, moved with compare-and-swap when its TCP state
 * changes, taken back by the one that claims SFW_TALLY_ENDED. */
#define SFW_TALLY_COUNTED    0x08  /* in the session counters */
#define SFW_TALLY_MCAST      0x10  /* counted as multicast */
#define SFW_TALLY_INVAL      0x20  /* counted as Invalidated */
#define SFW_TALLY_TCP_SHIFT  16    /* bits 16-19: the TCP state it is counted in */
#define SFW_TALLY_TCP_MASK   (0xfu << SFW_TALLY_TCP_SHIFT)

/* Set in a session's id by the one that claims its end (bpf/session.bpf.h
 * sfw_claim): the datapath replacing a finished session, or a reaper
 * removing one; a compare-and-swap on the id the claimant saw, so memory
 * since given to another session is never claimed. Ids stay far below it. */
#define SFW_SESS_ID_DYING (1ULL << 63)

/* How a NAT session's In wing is translated (docs/nat.md "Sessions: the
 * In wing and the Out wing"): its packets leave as src:sport -> dst:dport;
 * replies come back to those and are translated to the original tuple,
 * read from the session's key. NAT is IPv4's only (docs/nat.md), so the
 * addresses are one word each: every session carries this block, and
 * union sfw_addr's 16 bytes would cost each 24 more (docs/performance.md
 * "Memory per session"). */
struct sfw_sess_nat {
	__be32 src;
	__be32 dst;
	__be16 sport;
	__be16 dport;
	__u16 pool_id;        /* source pool; 0: source-nat interface */
	__u16 rule_id;        /* source NAT rule (include/nat.h); destination
			       * NAT's is sfw_session.dnat_rule_id */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_sess_nat) == 16, "session NAT block ABI");

/* The key of the NAT session an alias (SFW_SESS_F_NAT_ALIAS) or a port
 * reservation (include/nat.h) stands for, IPv4 as every NAT session's
 * is: the key's addresses one word each; its family SFW_FAMILY_INET and
 * the addresses' other words zero when sfw_nat_owner_unpack unpacks it. */
struct sfw_nat_owner {
	__be32 addr_lo;
	__be32 addr_hi;
	__be16 port_lo;
	__be16 port_hi;
	__u8 proto;
	__u8 zero;
	__u16 pad;            /* the key's (a multicast session's link tag) */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_nat_owner) == 16, "NAT owner ABI");

static inline void sfw_nat_owner_pack(struct sfw_nat_owner *o,
					const struct sfw_session_key *k)
{
	o->addr_lo = k->addr_lo.v4;
	o->addr_hi = k->addr_hi.v4;
	o->port_lo = k->port_lo;
	o->port_hi = k->port_hi;
	o->proto = k->proto;
	o->zero = 0;
	o->pad = k->pad;
}

/* The whole key, as sfw_packet_key builds an IPv4 packet's. */
static inline void sfw_nat_owner_unpack(struct sfw_session_key *k,
				       const struct sfw_nat_owner *o)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->addr_lo.v4 = o->addr_lo;
	k->addr_hi.v4 = o->addr_hi;
	k->port_lo = o->port_lo;
	k->port_hi = o->port_hi;
	k->proto = o->proto;
	k->family = SFW_FAMILY_INET;
	k->pad = o->pad;
}

struct sfw_session {
	__u64 id;             /* unique, never reused, 1.. (| SFW_SESS_ID_DYING) */
	/* Whole seconds of the datapath's coarse CLOCK_MONOTONIC
	 * (sfw_secs): every timeout is in seconds, and 32 bits last 136
	 * years of uptime; 8 bytes less per session than nanoseconds. */
	__u32 created_s;
	__u32 last_seen_s;
	__u32 timeout_s;      /* idle timeout in force for the current state */
	__u32 policy_id;      /* Junos policy index; built-in ids in config.h, policy.h */
	__u32 app_timeout_s;  /* the application's inactivity timeout, 0: none */
	__u16 app_id;         /* 0: no named application */
	__u8 state;           /* enum sfw_session_state */
	__u8 tcp_state;       /* enum sfw_tcp_state */
	__u8 flags;           /* SFW_SESS_F_* */
	__u8 xflags;          /* SFW_SESS_X_*: what flags has no room for */
	/* SFW_SESS_F_DNAT: its destination NAT rule (include/nat.h), apart
	 * from nat.rule_id (source NAT's, which the shows count sessions
	 * by), in what was padding: the session does not grow; with
	 * SFW_SESS_X_STATIC its static NAT rule instead, either way */
	__u16 dnat_rule_id;
	__u32 tally;          /* SFW_TALLY_* */
	struct sfw_wing wing[2];  /* indexed by enum sfw_wing_dir */
	union {
		struct sfw_sess_nat nat;        /* SFW_SESS_F_NAT */
		struct sfw_nat_owner owner;     /* SFW_SESS_F_NAT_ALIAS: the session's key */
	};
};
SFW_STATIC_ASSERT(sizeof(struct sfw_session) == 152, "session ABI");

/* An entry of the table that is no session of its own (SFW_SESS_F_NAT_ALIAS):
 * every walk that shows, counts, mirrors or ends sessions skips it. */
#define SFW_SESS_IS_ALIAS(s) (((s)->flags & SFW_SESS_F_NAT_ALIAS) != 0)

/* A session's clock: whole seconds of the coarse CLOCK_MONOTONIC the
 * datapath reads (bpf_ktime_get_coarse_ns) and user space reads
 * (sfw_coarse_now_ns). */
static inline __u32 sfw_secs(__u64 now_ns)
{
	return (__u32)(now_ns / SFW_NSEC_PER_SEC);
}

/* Whole seconds from then_s to now_s; 0 when now is not later (the
 * datapath may stamp a session after a clock read). */
static inline __u32 sfw_secs_since(__u32 then_s, __u32 now_s)
{
	return now_s > then_s ? now_s - then_s : 0;
}

/* Idle longer than its timeout at now_s? Whole seconds both: it was
 * last seen within second last_seen_s, so once now_s is past it by more
 * than the timeout it has been idle longer than that, and at most a
 * second longer; never early. Another CPU may have stamped last_seen_s
 * after a clock read before: later, so fresh, never "idle for ages".
 * The datapath's rule (bpf/session.bpf.h sfw_expired), the sweeper's and
 * the shows'. (In 32 bits: the XDP call chain's frames are at their 512
 * bytes, and 64-bit forms of it spilled a register more.) */
static inline bool sfw_sess_expired_at(const struct sfw_session *s, __u32 now_s)
{
	return now_s > s->last_seen_s && now_s - s->last_seen_s > s->timeout_s;
}

/* Whole seconds left at now_s before sfw_sess_expired_at says yes,
 * counting the current one: 0 once expired, 1 in its last second (idle
 * exactly its timeout), the timeout + 1 in the second of its last packet
 * (or of a stamp after the clock read). The HA mirror gives it to the
 * replica's conntrack entry, which so never ends a session before the
 * datapath does; the shows count down to 0 one second earlier, as Junos
 * does. */
static inline __u32 sfw_sess_remaining_at(const struct sfw_session *s, __u32 now_s)
{
	__u32 left;

	if (sfw_sess_expired_at(s, now_s))
		return 0;
	left = s->timeout_s - sfw_secs_since(s->last_seen_s, now_s);
	return left < 0xffffffffu ? left + 1 : left;
}

/* The last_seen_s that leaves a session of timeout_s with left_s seconds
 * at now_s as sfw_sess_remaining_at counts them: its inverse, for the HA
 * replica, whose peer's entry says what the session has left there. Left
 * 0 (not said), more than a fresh session has, or a timeout of never:
 * stamped now. Idle longer than this clock has run (a node booted since):
 * stamped 0, the furthest back a stamp goes, so it lives at most that much
 * longer than on the peer; never in the future, which would never expire
 * (red team r47 RT47-1). */
static inline __u32 sfw_sess_last_seen_for(__u32 timeout_s, __u32 left_s, __u32 now_s)
{
	__u32 idle;

	if (!left_s || timeout_s == 0xffffffffu || left_s > timeout_s + 1)
		return now_s;
	idle = timeout_s + 1 - left_s;
	return idle < now_s ? now_s - idle : 0;
}

/* The first nanosecond of the coarse clock at which sfw_sess_expired_at
 * says yes (for the sweeper's next pass). */
static inline __u64 sfw_sess_expiry_ns(const struct sfw_session *s)
{
	return ((__u64)s->last_seen_s + s->timeout_s + 1) * SFW_NSEC_PER_SEC;
}

/* Concurrent sessions per address (limit-session): one entry per address,
 * direction and zone while it has counted sessions. The value repeats its
 * key so that a CPU can tell it still holds the entry it looked up
 * (bpf/limit.bpf.h). */
struct sfw_tally_key {
	__u8 addr[16];
	__u8 family;
	__u8 dir;             /* enum sfw_addr_dir (include/policy.h) */
	__u8 zone;
	__u8 pad;
};

struct sfw_tally {
	struct sfw_tally_key key;
	__s32 count;
};
SFW_STATIC_ASSERT(sizeof(struct sfw_tally_key) == 20, "tally key ABI");
SFW_STATIC_ASSERT(sizeof(struct sfw_tally) == 24, "tally ABI");

/* Session ids come from a shared counter in blocks, so CPUs rarely touch
 * the shared cache line: one atomic add per SFW_ID_BLOCK sessions. */
#define SFW_ID_BLOCK 256

struct sfw_id_block {
	__u64 next;
	__u64 end;
};

#endif
