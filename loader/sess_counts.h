/* The session counters (include/sess_stats.h) as user space reads them:
 * summed over CPUs, for the summary, `sfw status` and the metrics, which
 * then never walk the table; and the upgrade step that counts the
 * sessions a table held before it had counters. */
#ifndef SFW_LOADER_SESS_COUNTS_H
#define SFW_LOADER_SESS_COUNTS_H

#include <stdbool.h>
#include <linux/types.h>
#include "sess_stats.h"

struct sfw_sess_totals {
	__u64 active[2][256];                /* by family (SFW_SESS_FAM) and protocol */
	__u64 tcp[SFW_SESS_TCP_SLOTS];       /* by enum sfw_tcp_state */
	__u64 total;                         /* every session in the table */
	__u64 invalidated;
	__u64 multicast;
	__u64 created;
	__u64 closed[SFW_SESS_CLOSE_SLOTS];  /* by enum sfw_close_reason */
	bool partial;                        /* some sessions may be missing */
};

/* Sums a per-CPU counters map (the pinned one, or a test's). A figure
 * read while CPUs change it may be momentarily below zero: it reads 0.
 * 0 or a negative errno. */
int sfw_sess_totals_read(int stats_fd, struct sfw_sess_totals *out);
/* The pinned counters, with `partial` from the pinned meta map. -ENOENT
 * (and no message) when sfw is not loaded or was loaded by a version
 * without counters: the caller walks the table instead. */
int sfw_sess_totals_live(struct sfw_sess_totals *out);

/* Does the pinned datapath keep session counters? Then every removal must
 * go through the reaper (loader/reap.h), which takes sessions back. */
bool sfw_sess_counters_pinned(void);

/* Called by the load that made the counters: a session table that was
 * already pinned may hold sessions they miss (loader/sess_adopt.c). */
int sfw_sess_mark_partial(void);
/* When the counters are partial and no older program can still be
 * adding uncounted sessions (the caller knows: every interface now runs
 * this load's programs), counts the sessions they miss and clears the
 * mark. 0 (nothing to do, or done) or a negative errno. */
int sfw_sess_adopt(void);

#endif
