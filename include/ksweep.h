/* The kernel's own sweep (bpf/reap.bpf.c, docs/design.md "Ageing"): a BPF
 * timer, armed by `sfw attach`, that ends expired sessions whenever no
 * session daemon sweeps, so what only a sweep takes back (the table's
 * room, limit-session counts, NAT aliases) never waits for a daemon that
 * crashed, was killed or was never started. Its state lives in a pinned
 * array: a timer lives as long as its map has a user (the pin). */
#ifndef SFW_KSWEEP_H
#define SFW_KSWEEP_H

#include "sfw_types.h"
#include "daemon.h"
#ifndef __BPF__
#include <linux/bpf.h>   /* struct bpf_timer */
#endif

#define SFW_MAP_KSWEEP sfw_ksweep   /* array[1]: struct sfw_ksweep */
#define SFW_KSWEEP_PERIOD_MS 1000   /* a tick: how late a freed slot can come */
/* After a walk, refusals bring the next one no sooner than the first
 * session it left can expire, and no later than this: sessions made or
 * changed since may expire sooner, and wait for it at most. */
#define SFW_KSWEEP_HOLD_MAX_NS (10 * 1000000000ull)

/* The timer is the kernel's (never written from user space: an update
 * of the element would cancel it); the figures are the tick's. */
struct sfw_ksweep {
	struct bpf_timer timer;
	__u64 period_ns;        /* 0: disarmed */
	__u64 ticks;            /* every tick, daemon or not */
	__u64 passes;           /* walks of the table (no daemon, a refusal, no hold) */
	__u64 visited;          /* entries those walks met */
	__u64 removed;          /* expired sessions they ended */
	__u64 frags_removed;    /* expired NAT fragment records they deleted */
	__u64 last_pass_ns;     /* how long the last walk took */
	__u64 last_pass_end_ns; /* CLOCK_MONOTONIC when it ended; 0: none yet */
	__u64 hold_until_ns;    /* coarse clock: no walk before */
	__u64 hold_max_ns;      /* at most this after a walk (SFW_KSWEEP_HOLD_MAX_NS) */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_ksweep) == 96, "ksweep ABI");

/* How long a daemon may go without ending a pass before it counts as
 * stopped: the wait it chose, twice its last pass, and the grace. One
 * rule for `sfw status`, `sfw attach` (cli/events/daemon_ctl.c) and the
 * kernel's sweep. */
static inline __u64 sfw_daemon_stale_after_ns(const struct sfw_daemon_info *i)
{
	return ((__u64)i->interval_ms + SFW_DAEMON_STALE_GRACE_MS) * 1000000ull +
	       2 * i->last_pass_ns;
}

/* Whether a daemon sweeps the table at now (CLOCK_MONOTONIC): one
 * published itself (a clean exit clears it) and is not stale. A daemon of
 * an older sfw publishes no time to judge it by: it is taken at its
 * word. */
static inline int sfw_daemon_sweeping(const struct sfw_daemon_info *i, __u64 now_ns)
{
	if (!i->pid)
		return 0;
	if (!i->last_pass_end_ns || now_ns <= i->last_pass_end_ns)
		return 1;
	return now_ns - i->last_pass_end_ns <= sfw_daemon_stale_after_ns(i);
}

#endif
