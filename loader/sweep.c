/* The sweeper: removes expired sessions in bounded steps. Each step is one
 * BPF_MAP_LOOKUP_BATCH of at most `chunk` sessions (the batch cursor keeps
 * our place in the table between steps) and one or more reaper runs on
 * the expired ones found; the kernel re-checks each before removing it.
 * Nothing here holds a lock the datapath or the CLI waits on for longer
 * than one bucket. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "net_consts.h"
#include "reap.h"

struct sfw_sweeper {
	int fd;
	struct sfw_reaper *reaper;
	__u32 cap;
	struct sfw_session_key *keys;
	struct sfw_session *vals;
	struct sfw_reap_entry *ents;
	__u32 cursor;
	bool started;           /* false: the next step starts a pass */
	__u64 pass_left;        /* this pass so far: sessions it kept */
	__u64 pass_expiry;      /* and the earliest time one can expire */
	struct sfw_sweep_stats st;
	/* sfw_sweeper_pick: the sessions to end instead of the expired */
	bool (*pick)(const struct sfw_session *s, void *arg);
	void *pick_arg;
	enum sfw_close_reason reason;
};

static int alloc_bufs(struct sfw_sweeper *sw, __u32 cap)
{
	free(sw->keys);
	free(sw->vals);
	free(sw->ents);
	sw->cap = cap;
	sw->keys = calloc(cap, sizeof(*sw->keys));
	sw->vals = calloc(cap, sizeof(*sw->vals));
	sw->ents = calloc(cap, sizeof(*sw->ents));
	return sw->keys && sw->vals && sw->ents ? 0 : sfw_fail(ENOMEM, "out of memory");
}

int sfw_sweeper_new(struct sfw_sweeper **out, int sessions_fd, struct sfw_reaper *r,
		    __u32 chunk)
{
	struct sfw_sweeper *sw = calloc(1, sizeof(*sw));

	if (!sw)
		return sfw_fail(ENOMEM, "out of memory");
	sw->fd = sessions_fd;
	sw->reaper = r;
	if (alloc_bufs(sw, chunk ? chunk : SFW_REAP_BATCH)) {
		sfw_sweeper_free(sw);
		return -ENOMEM;
	}
	*out = sw;
	return 0;
}

void sfw_sweeper_free(struct sfw_sweeper *sw)
{
	if (!sw)
		return;
	free(sw->keys);
	free(sw->vals);
	free(sw->ents);
	free(sw);
}

void sfw_sweeper_pick(struct sfw_sweeper *sw, bool (*pick)(const struct sfw_session *s, void *arg),
		      void *arg, enum sfw_close_reason reason)
{
	sw->pick = pick;
	sw->pick_arg = arg;
	sw->reason = reason;
}

const struct sfw_sweep_stats *sfw_sweep_stats(const struct sfw_sweeper *sw)
{
	return &sw->st;
}


/* Hands the batch's NAT aliases to the reaper, which removes those whose
 * session is gone (evicted without its release) with their port
 * reservations, and leaves the others (docs/nat.md "Open findings", 9).
 * After the sessions: one this batch ended has released its own. */
static int reap_aliases(struct sfw_sweeper *sw, __u32 count)
{
	__u32 n = 0;
	int r;

	for (__u32 i = 0; i < count; i++) {
		if (!SFW_SESS_IS_ALIAS(&sw->vals[i]))
			continue;
		memset(&sw->ents[n], 0, sizeof(sw->ents[n]));
		sw->ents[n].key = sw->keys[i];
		sw->ents[n].id = sw->vals[i].id;
		if (++n == SFW_REAP_BATCH || i + 1 == count) {
			r = sfw_reaper_run(sw->reaper, sw->ents, n, SFW_CLOSE_NONE, false);
			if (r < 0)
				return r;
			n = 0;
		}
	}
	return n ? sfw_reaper_run(sw->reaper, sw->ents, n, SFW_CLOSE_NONE, false) : 0;
}

/* Hands the expired sessions of this batch (or those sw->pick chooses) to
 * the reaper, at most SFW_REAP_BATCH per run; notes when the others can
 * expire. */
static int reap_expired(struct sfw_sweeper *sw, __u32 count, __u64 now)
{
	__u32 n = 0, done = 0;
	int r;

	for (__u32 i = 0; i < count; i++) {
		const struct sfw_session *s = &sw->vals[i];
		__u64 at = sfw_sess_expiry_ns(s);

		/* a NAT alias ends with its session, never by its own timer
		 * (stale ones: reap_aliases) */
		if (SFW_SESS_IS_ALIAS(s))
			continue;
		if (sw->pick ? !sw->pick(s, sw->pick_arg) : !sfw_sess_expired_at(s, sfw_secs(now))) {
			sw->pass_left++;
			if (at < sw->pass_expiry)
				sw->pass_expiry = at;
			continue;
		}
		memset(&sw->ents[n], 0, sizeof(sw->ents[n]));
		sw->ents[n].key = sw->keys[i];
		sw->ents[n].id = sw->vals[i].id;
		n++;
	}
	while (done < n) {
		__u32 part = n - done < SFW_REAP_BATCH ? n - done : SFW_REAP_BATCH;

		r = sfw_reaper_run(sw->reaper, &sw->ents[done], part, sw->reason, !sw->pick);
		if (r < 0)
			return r;
		sw->st.removed += r;
		/* refreshed by a packet since we looked: still in the table */
		sw->pass_left += part - (__u32)r;
		done += part;
	}
	r = reap_aliases(sw, count);
	return r < 0 ? r : 0;
}

int sfw_sweep_step(struct sfw_sweeper *sw, __u64 now_ns)
{
	__u32 count = sw->cap, out = 0;
	int err, r;

	if (!sw->started) {
		sw->pass_left = 0;
		sw->pass_expiry = UINT64_MAX;
	}
	err = bpf_map_lookup_batch(sw->fd, sw->started ? &sw->cursor : NULL, &out, sw->keys,
				   sw->vals, &count, NULL);
	if (err == -ENOSPC && count == 0) {
		/* one hash bucket holds more sessions than the buffer */
		if (sw->cap >= (1u << 20))
			return sfw_fail(ENOSPC, "a hash bucket larger than %u sessions", sw->cap);
		return alloc_bufs(sw, sw->cap * 2);
	}
	if (err && err != -ENOENT)
		return sfw_fail(-err, "reading the session table: %s", strerror(-err));
	sw->st.visited += count;
	r = reap_expired(sw, count, now_ns);
	if (r < 0)
		return r;
	if (err == -ENOENT) {
		sw->started = false;
		sw->st.passes++;
		sw->st.last_sessions = sw->pass_left;
		sw->st.next_expiry_ns = sw->pass_expiry;
		return 1;
	}
	sw->cursor = out;
	sw->started = true;
	return 0;
}

int sfw_sweep_all(struct sfw_sweeper *sw, __u64 now_ns)
{
	__u64 before = sw->st.removed;
	int r;

	sw->started = false;
	while ((r = sfw_sweep_step(sw, now_ns)) == 0)
		;
	return r < 0 ? r : (int)(sw->st.removed - before);
}

/* Sweeping costs CPU in proportion to the table (docs/performance.md:
 * 0.39 s per million sessions) and finds nothing before a session can have
 * expired; a late sweep costs log lateness and, once the table is near
 * max-sessions, refused sessions. So:
 *  - below 7/8 of max-sessions the wait shrinks with the room left, from
 *    base_ms at an empty table towards none;
 *  - but never below the time until the first session seen can expire
 *    (bounded by base_ms): a table full of live sessions is not swept for
 *    nothing;
 *  - under pressure (a session refused since the last pass) and once
 *    something can have expired near max-sessions: passes back to back;
 *  - back to back still leaves a breath: SFW_SWEEP_MIN_MS, and as long as
 *    the last pass took (half a CPU at most), three times that below 7/8
 *    (a quarter). */
__u32 sfw_sweep_wait_ms(const struct sfw_sweep_pace *p)
{
	bool near_full = p->max_sessions && p->sessions * 8 >= p->max_sessions * 7;
	__u64 pass_ms = (p->pass_ns + 999999) / 1000000;
	__u64 floor = pass_ms * (near_full ? 1 : 3);
	__u64 expiry_ms = p->until_expiry_ns / 1000000, wait;

	if (floor < SFW_SWEEP_MIN_MS)
		floor = SFW_SWEEP_MIN_MS;
	if (p->pressure)
		return floor > UINT32_MAX ? UINT32_MAX : (__u32)floor;
	if (!p->max_sessions)
		wait = p->base_ms;
	else if (near_full)
		wait = 0;
	else
		wait = (__u64)((double)p->base_ms * (double)(p->max_sessions * 7 - p->sessions * 8) /
			       (double)(p->max_sessions * 7));
	if (expiry_ms > p->base_ms)
		expiry_ms = p->base_ms;
	if (wait < expiry_ms)
		wait = expiry_ms;
	if (wait < floor)
		wait = floor;
	return wait > UINT32_MAX ? UINT32_MAX : (__u32)wait;
}
