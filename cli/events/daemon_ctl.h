/* One session daemon per pin root (docs/events.md, "sfw daemon"): the lock
 * that says which process it is (cli/events/daemon_lock.h), the start by `attach`
 * when none runs and the replacement of one that is stuck, the stop by
 * `detach all`, and the hand-over between an attach-started daemon and one
 * started on purpose, which it gives way to and takes back over from. */
#ifndef SFW_CLI_DAEMON_CTL_H
#define SFW_CLI_DAEMON_CTL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "daemon.h"
#include "ksweep.h"

/* Environment of a daemon attach starts: its origin, and the pipe it
 * reports readiness on ("ok", SFW_DAEMON_BUSY when the lock was taken
 * when it looked, or its error line). */
#define SFW_DAEMON_AUTO_ENV "SFW_DAEMON_AUTO"
#define SFW_DAEMON_READY_ENV "SFW_DAEMON_READY_FD"
#define SFW_DAEMON_BUSY "busy"

/* What the daemon published (include/daemon.h); -ENOENT without the map
 * (maps pinned by an older sfw). */
int sfw_daemon_info_read(struct sfw_daemon_info *out);

/* Has the daemon that published info not swept for too long
 * (SFW_DAEMON_STALE_GRACE_MS)? *since_ns: since its last pass ended. */
bool sfw_daemon_stale(const struct sfw_daemon_info *info, __u64 now_ns, __u64 *since_ns);

/* attach and reload: start the daemon when none runs (and replace one
 * that is stale, or one attach started from another sfw binary: an
 * upgrade's), and wait until it says it is ready. 0, or a negative errno
 * with a message (the lock held by something that is no daemon, a daemon
 * that could not start). */
int sfw_daemon_ensure(void);

/* detach all: stop the daemon and those standing by, wait for them to
 * exit, then remove the lock's directory. Returns the daemon's pid, 0
 * when none ran, or a negative errno with a message. */
int sfw_daemon_stop(void);

/* The daemon itself: take the lock for `origin`. One started by attach
 * gives way to any other (asked, then waited for: it stands by); a stale
 * one is replaced; any other running is refused with a message naming it.
 * Returns the lock's fd (held until exit), -EALREADY for an
 * attach-started one when another runs, or a negative errno with a
 * message. `took_over` gets the pid replaced, `stale` whether it was
 * replaced for that. */
int sfw_daemon_acquire(enum sfw_daemon_origin origin, pid_t *took_over, bool *stale);

/* An attach-started daemon that gave way (SIGUSR1, having let go of
 * everything): waits until the daemon it gave way to has the lock, then
 * until that one lets go. 0 with the lock in *fd; 1 when it should exit
 * instead (*stop set by a signal, or sfw detached meanwhile); or a
 * negative errno. */
int sfw_daemon_standby(int *fd, volatile sig_atomic_t *stop);

/* "attach", "hand", "systemd" (the status's words). */
const char *sfw_daemon_origin_name(__u32 origin);

/* What `sfw status` shows (cli/events/format_daemon.c), read without taking the
 * lock: the daemon is the process that published its figures and holds
 * the lock, never whatever else may hold it. */
struct sfw_daemon_view {
	pid_t pid;                      /* the daemon; 0: none runs */
	pid_t holder;                   /* without a daemon: what holds its lock (0: nothing) */
	pid_t standby;                  /* a daemon waiting to take back over; 0: none */
	bool have_info;                 /* info is the daemon's */
	bool stale;                     /* it has not swept for too long */
	__u64 since_pass_ns;            /* since its last pass ended */
	struct sfw_daemon_info info;
	/* the kernel's own sweep (include/ksweep.h): armed when the pin
	 * holds a period; the timer field reads as zeros */
	bool ksweep_armed;
	__u64 since_walk_ns;            /* since its last walk ended; 0: none */
	struct sfw_ksweep ksweep;
};
void sfw_daemon_view_read(struct sfw_daemon_view *v);
void sfw_daemon_text(FILE *f, const struct sfw_daemon_view *v);
void sfw_ksweep_text(FILE *f, const struct sfw_daemon_view *v);
struct sfw_json;
void sfw_daemon_json(struct sfw_json *j, const struct sfw_daemon_view *v);
void sfw_ksweep_json(struct sfw_json *j, const struct sfw_daemon_view *v);

#endif
