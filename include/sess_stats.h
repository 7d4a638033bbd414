/* Session counters the datapath keeps as it creates sessions, changes
 * their TCP state and ends them, so that the summary, `sfw status` and
 * the Prometheus metrics read how many sessions there are without walking
 * the table (docs/design.md, "Session counters").
 *
 * Per CPU, as signed deltas: a session created on one CPU may end on
 * another, so one CPU's figure can go below zero; the sum over CPUs is
 * exact. What a session is counted under is recorded in its tally word
 * (SFW_TALLY_COUNTED and the bits beside it, include/session.h), changed
 * only with atomic operations, so whoever ends it takes back exactly what
 * was added for it. */
#ifndef SFW_SESS_STATS_H
#define SFW_SESS_STATS_H

#include "sfw_types.h"
#include "session.h"
#include "events.h"

#define SFW_MAP_SESS_STATS sfw_sess_stats   /* per-CPU array[1]: struct sfw_sess_stats */
#define SFW_MAP_SESS_META  sfw_sess_meta    /* array[1]: struct sfw_sess_meta */

/* Room for the lists they are indexed by: growing either keeps the
 * layout, so pinned counters survive an upgrade that adds a state or a
 * close reason. */
#define SFW_SESS_TCP_SLOTS   16
#define SFW_SESS_CLOSE_SLOTS 16
SFW_STATIC_ASSERT(SFW_TCP_STATE_COUNT <= SFW_SESS_TCP_SLOTS, "TCP states fit");
SFW_STATIC_ASSERT(SFW_CLOSE_COUNT <= SFW_SESS_CLOSE_SLOTS, "close reasons fit");

/* Family index of `active`: 0 IPv4, 1 IPv6. */
#define SFW_SESS_FAM(family) ((family) == SFW_FAMILY_INET6 ? 1 : 0)

struct sfw_sess_stats {
	__s64 active[2][256];               /* by family and IP protocol */
	__s64 tcp[SFW_SESS_TCP_SLOTS];      /* TCP sessions by enum sfw_tcp_state */
	__s64 invalidated;                  /* state Invalidated, not yet removed */
	__s64 multicast;                    /* to a multicast address */
	__u64 created;
	__u64 closed[SFW_SESS_CLOSE_SLOTS]; /* by enum sfw_close_reason */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_sess_stats) == 4376, "session counters ABI");

/* Whether the counters cover every session in the table. They do from the
 * table's creation on; counters created beside a table that already held
 * sessions (an upgrade from a version without them) cover them once `sfw
 * reload` has counted the ones already there (loader/sess_adopt.c).
 * Until then readers walk the table. */
struct sfw_sess_meta {
	__u32 partial;        /* 1: some sessions may not be counted */
	__u32 pad;
};

#endif
