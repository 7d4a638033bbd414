/* The session reaper (bpf/reap.bpf.c) and the sweeper built on it: every
 * removal of sessions from user space goes through the reaper, which
 * re-checks each session in the kernel and logs its CLOSE event into the
 * datapath's ring buffer. */
#ifndef SFW_LOADER_REAP_H
#define SFW_LOADER_REAP_H

#include <stdbool.h>
#include <linux/types.h>
#include "events.h"

struct sfw_reaper;

/* Loads the reaper on the pinned maps. Needs sfw loaded. */
int sfw_reaper_open(struct sfw_reaper **out);
/* The same on maps found by map_fd(name, arg) (tests hand in theirs); a
 * map it has no fd for is created private and empty. */
int sfw_reaper_open_fds(struct sfw_reaper **out, int (*map_fd)(const char *name, void *arg),
			void *arg);
void sfw_reaper_close(struct sfw_reaper *r);

/* CLOCK_MONOTONIC_COARSE in ns: the datapath's clock
 * (bpf_ktime_get_coarse_ns). */
__u64 sfw_coarse_now_ns(void);

/* Removes up to SFW_REAP_BATCH sessions: for each entry its key and the id
 * seen (0: any). reason SFW_CLOSE_NONE takes the reason from each
 * session's TCP state (sweeper); expired_only keeps sessions that are no
 * longer expired. On return each entry's `removed` and `sess` say what was
 * removed. Returns the number removed or a negative errno. */
int sfw_reaper_run(struct sfw_reaper *r, struct sfw_reap_entry *ents, __u32 n,
		   enum sfw_close_reason reason, bool expired_only);
/* Counts the entries' sessions that the session counters miss
 * (loader/sess_adopt.c); `removed` marks each one counted. Returns how
 * many, or a negative errno. */
int sfw_reaper_adopt(struct sfw_reaper *r, struct sfw_reap_entry *ents, __u32 n);

/* The reaper with the kernel sweep's program, for sfw_ksweep_arm: on the
 * pinned maps, or on map_fd's. */
int sfw_ksweep_open(struct sfw_reaper **out);
int sfw_ksweep_open_fds(struct sfw_reaper **out, int (*map_fd)(const char *name, void *arg),
			void *arg);
/* Arms the kernel's own sweep (include/ksweep.h) on the reaper's maps:
 * a tick every period_ns that ends expired sessions whenever no daemon
 * sweeps, a walk held at most hold_max_ns after the last; period 0 stops
 * it. The timer outlives the reaper while its map has a user (the pin). */
int sfw_ksweep_arm(struct sfw_reaper *r, __u64 period_ns, __u64 hold_max_ns);
/* attach and reload: arms it on the pinned maps, every SFW_KSWEEP_PERIOD_MS. */
int sfw_ksweep_start(void);

/* The sweeper: walks the session table in bounded steps (one batch lookup
 * of at most `chunk` sessions, then the removal of the expired ones among
 * them), so neither the datapath nor a CLI command ever waits long for
 * it. */
struct sfw_sweep_stats {
	__u64 visited;
	__u64 removed;
	__u64 passes;        /* complete walks of the table */
	/* of the last complete pass: the sessions it left, and the earliest
	 * time one of them can expire (datapath clock; UINT64_MAX: none) */
	__u64 last_sessions;
	__u64 next_expiry_ns;
};

struct sfw_sweeper;

int sfw_sweeper_new(struct sfw_sweeper **out, int sessions_fd, struct sfw_reaper *r,
		    __u32 chunk);
void sfw_sweeper_free(struct sfw_sweeper *sw);
/* The walk ends the sessions pick(s, arg) chooses, whatever their age,
 * with reason, instead of the expired ones (zone_moves.c). */
void sfw_sweeper_pick(struct sfw_sweeper *sw, bool (*pick)(const struct sfw_session *s, void *arg),
		      void *arg, enum sfw_close_reason reason);
/* One step at time now_ns (CLOCK_MONOTONIC). Returns 1 when this step
 * finished a pass over the table (the next starts from the beginning),
 * 0 when there is more, or a negative errno. */
int sfw_sweep_step(struct sfw_sweeper *sw, __u64 now_ns);
/* Whole passes until done: returns sessions removed or a negative errno. */
int sfw_sweep_all(struct sfw_sweeper *sw, __u64 now_ns);
const struct sfw_sweep_stats *sfw_sweep_stats(const struct sfw_sweeper *sw);

/* The sweeper's pace (docs/design.md, "Ageing"): how long to wait after a
 * pass, from how full the table is and what the pass saw. */
struct sfw_sweep_pace {
	__u64 sessions;          /* left in the table by the last pass */
	__u64 max_sessions;      /* the limit in force; 0: none known */
	__u64 pass_ns;           /* how long the last pass took */
	__u64 until_expiry_ns;   /* until the first session left can expire */
	__u32 base_ms;           /* sweep-interval: the wait at an empty table */
	bool pressure;           /* the datapath refused a session since */
};
#define SFW_SWEEP_INTERVAL_MS 1000   /* base_ms by default */
#define SFW_SWEEP_MIN_MS 10          /* the shortest wait, whatever happens */
__u32 sfw_sweep_wait_ms(const struct sfw_sweep_pace *p);

#endif
