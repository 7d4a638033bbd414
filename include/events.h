/* Session events: what the datapath (and the session reaper) hands to user
 * space through BPF ring buffers when a session is created, closed or a
 * first packet is denied. Never one per packet: only where a policy's
 * `then log session-init|session-close` or a global setting asks, or while
 * `sfw monitor` is watching. */
#ifndef SFW_EVENTS_H
#define SFW_EVENTS_H

#include "sfw_types.h"
#include "session.h"

#define SFW_MAP_EVENTS      sfw_events       /* ring: events for the log (sfw daemon) */
#define SFW_MAP_DENY_EVENTS sfw_deny_events  /* ring: DENY events for the log, rate-limited */
#define SFW_MAP_MON_EVENTS  sfw_mon_events   /* ring: events for sfw monitor */
#define SFW_MAP_SYNC_EVENTS sfw_sync_events  /* ring: session changes for the cluster mirror */
#define SFW_MAP_SYNC_LOST   sfw_sync_lost    /* per-CPU: mirror events the full ring refused */
#define SFW_MAP_EV_LOST     sfw_ev_lost      /* per-CPU: events a full ring refused */
#define SFW_MAP_REAP_KEYS   sfw_reap_keys    /* sessions handed to the reaper */

/* Ring sizes (bytes, a power of two of pages). The log ring holds about
 * 21,000 events: bursts of session setups while the daemon writes to a
 * slow sink. The monitor is a person watching: a smaller ring will do. */
#define SFW_EVENTS_RING_BYTES     (4u << 20)
#define SFW_MON_EVENTS_RING_BYTES (1u << 20)
/* Denies have their own ring, so a flood of them never takes the room of
 * a CREATE or CLOSE: 2 MiB (about 10,000 events) covers a daemon stalled
 * for seconds at the default deny-log-rate. */
#define SFW_DENY_EVENTS_RING_BYTES (2u << 20)
/* The cluster mirror's ring (docs/ha.md): every create, TCP state change
 * and close while this node is the cluster's primary, about 21,000
 * events: a burst of setups while the daemon writes them into conntrack. */
#define SFW_SYNC_EVENTS_RING_BYTES (4u << 20)

/* Indexes of sfw_ev_lost. */
enum sfw_ev_ring {
	SFW_RING_LOG = 0,
	SFW_RING_MONITOR = 1,
	SFW_RING_COUNT
};

enum sfw_event_type {
	SFW_EV_CREATE = 1,
	SFW_EV_CLOSE = 2,
	SFW_EV_DENY = 3,
	SFW_EV_UPDATE = 4,    /* a TCP state change: for the cluster mirror only */
};

/* Why a session ended: X(id, Junos reason text, JSON/short word). */
#define SFW_CLOSE_REASON_LIST(X)                            \
	X(NONE,       "unset",              "unset")        \
	X(TCP_FIN,    "TCP FIN",            "tcp-fin")      \
	X(TCP_RST,    "TCP RST",            "tcp-rst")      \
	X(IDLE,       "idle Timeout",       "idle-timeout") \
	X(CLEAR,      "CLI",                "clear")        \
	X(POLICY,     "policy delete",      "policy")       \
	X(TABLE_FULL, "session table full", "table-full")

enum sfw_close_reason {
#define SFW_X(id, text, word) SFW_CLOSE_##id,
	SFW_CLOSE_REASON_LIST(SFW_X)
#undef SFW_X
	SFW_CLOSE_COUNT
};

/* Event flags. */
#define SFW_EV_F_LOG     0x01   /* a policy or the global setting asked: log it */
#define SFW_EV_F_MONITOR 0x02   /* sent while a monitor was watching */
#define SFW_EV_F_SYNC    0x04   /* for the cluster mirror (SFW_CFG_F_SYNC) */

/* One event. `sess` is the session as it was (for CLOSE: its final
 * counters; for CREATE: after its first packet). A DENY has no session:
 * `sess` then carries the policy, the interfaces (In: arrival, Out: where
 * the route pointed), the opener side and the one packet, id 0. */
struct sfw_event {
	__u8 type;            /* enum sfw_event_type */
	__u8 reason;          /* enum sfw_close_reason (CLOSE) */
	__u8 flags;           /* SFW_EV_F_* */
	__u8 pad[5];
	__u64 time_ns;        /* bpf_ktime_get_coarse_ns() when it happened */
	struct sfw_session_key key;
	struct sfw_session sess;
};
SFW_STATIC_ASSERT(sizeof(struct sfw_event) == 208, "event ABI");

#ifndef __BPF__
/* A ring record as an event, or NULL. The datapath writes every record
 * whole, so one of another size is another sfw's (a datapath still pinned
 * from before an upgrade: its 240- or 216-byte events had the NAT block or
 * the times elsewhere),
 * whose fields would be read at the wrong places: skipped, not logged. */
static inline const struct sfw_event *sfw_event_of(const void *data, size_t len)
{
	return len == sizeof(struct sfw_event) ? (const struct sfw_event *)data : NULL;
}
#endif

/* The reaper (bpf/reap.bpf.c, a syscall program run with
 * BPF_PROG_TEST_RUN) removes sessions that user space found: the sweeper's
 * expired ones, `clear`'s and `commit reevaluate`'s. It re-checks each
 * session in the kernel (same id; for the sweeper, still expired) so a
 * session the datapath re-created meanwhile is never removed, and emits
 * the CLOSE events into the same ring as the datapath. User space fills
 * the batch in the object's global data (mmapped, private to each loaded
 * instance), runs the program, and reads back what was removed. */
#define SFW_REAP_BATCH 1024

struct sfw_reap_entry {
	struct sfw_session_key key;
	__u64 id;             /* the session seen; 0: whatever is there */
	__u32 removed;        /* out: 1 when this run removed it */
	__u32 pad;
	struct sfw_session sess;   /* out: the session as removed */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_reap_entry) == 208, "reap entry ABI");

/* The reaper's context (BPF_PROG_TEST_RUN ctx_in). */
struct sfw_reap_ctx {
	__u64 now_ns;         /* CLOCK_MONOTONIC_COARSE */
};

#endif
