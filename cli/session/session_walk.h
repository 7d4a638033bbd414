/* Walking the session map: batched lookups, one callback per session, and
 * deletion of the sessions the callback asks to remove. */
#ifndef SFW_CLI_SESSION_WALK_H
#define SFW_CLI_SESSION_WALK_H

#include <stdbool.h>
#include "session.h"

struct sfw_reaper;

/* What the visit callback returns (or a negative errno to abort). */
enum sfw_walk_verdict {
	SFW_WALK_NEXT = 0,
	SFW_WALK_DELETE = 1,   /* remove this session, then go on */
	SFW_WALK_STOP = 2,     /* nothing more to see */
};

struct sfw_walk_ops {
	int (*visit)(const struct sfw_session_key *key,
		     const struct sfw_session *sess, void *arg);
	/* Called for each session this walk really removed (one that vanished
	 * before its deletion is not reported). May be NULL. */
	void (*deleted)(const struct sfw_session_key *key,
			const struct sfw_session *sess, void *arg);
	void *arg;
	/* When set, removals go through the session reaper (loader/reap.h),
	 * in both walks: each session is re-checked by id in the kernel, its
	 * end claimed, its counts given back and its CLOSE logged with
	 * `reason`. NULL: plain map deletes, only for a map that is not sfw's
	 * session table (tests); commands refuse to remove sessions without a
	 * reaper. */
	struct sfw_reaper *reaper;
	__u32 reason;         /* enum sfw_close_reason */
};

/* Visit every session of the map `fd`. Each callback sees a private copy,
 * so a session the datapath changes or removes meanwhile is never seen
 * half-written. Returns 0 or a negative errno. */
int sfw_walk_sessions(int fd, const struct sfw_walk_ops *ops);

/* Sessions in the table `fd`: the session counters (loader/sess_counts.h)
 * when they cover every session, else a walk. 0 or a negative errno. */
int sfw_sessions_in_use(int fd, __u64 *n);

/* Test hook: walk with get_next_key + lookup even when batches work. */
extern bool sfw_walk_no_batch;

/* Entries fetched per batch lookup. */
#define SFW_WALK_BATCH 4096

#endif
