/* What the event consumers share: one consumer per ring (a ring buffer's
 * read position is shared by every reader, so two would steal each
 * other's events), the lost-event counters, and the monitor flag. */
#ifndef SFW_CLI_EVENT_RING_H
#define SFW_CLI_EVENT_RING_H

#include <stdbool.h>
#include <linux/types.h>
#include "events.h"
#include "ratelimit.h"

/* Runtime directory for locks: $SFW_RUN_DIR, else /run/sfw, or
 * /run/sfw-<pin root's last name> beside a moved pin root. */
const char *sfw_run_dir(void);
/* Become the one consumer of a ring (SFW_STR(SFW_MAP_EVENTS) ...): returns
 * the lock's fd (hold it while consuming) or a negative errno with a
 * message naming who holds it. */
int sfw_ring_claim(const char *ring, const char *who);
/* A ring's consumer position, where libbpf keeps it (the map's first
 * page, mapped read-only here too): while a record's callback runs, the
 * record's own position (libbpf moves past it when the callback
 * returns). With the ring map's id, a record's place (log_sink.h). */
struct sfw_ring_cursor {
	const volatile unsigned long *pos;   /* NULL: not mapped */
	__u32 id;
};
int sfw_ring_cursor_open(struct sfw_ring_cursor *c, int map_fd);
void sfw_ring_cursor_close(struct sfw_ring_cursor *c);
/* Events a full ring refused, summed over CPUs. */
int sfw_events_lost(enum sfw_ev_ring ring, __u64 *out);
/* A rate bucket's counts summed over CPUs (include/ratelimit.h): events
 * it suppressed, and (deny log) those a full ring then refused. */
int sfw_rate_counts(enum sfw_rate_kind kind, __u64 *suppressed, __u64 *lost);
/* Set or clear SFW_CFG_F_MONITOR (events for every session). */
int sfw_monitor_flag(bool on);

#endif
