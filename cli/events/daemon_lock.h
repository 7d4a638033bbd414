/* The session daemon's lock (cli/events/daemon_ctl.c): an flock on the directory
 * <pin root>/daemon. Who holds it, and who waits for it, comes from
 * /proc/locks without taking it: a command that only looks never holds
 * the lock, not even for a moment. */
#ifndef SFW_CLI_DAEMON_LOCK_H
#define SFW_CLI_DAEMON_LOCK_H

#include <stdbool.h>
#include <sys/types.h>

#define SFW_DAEMON_MAX_WAITERS 8

struct sfw_lock_users {
	pid_t holder;                               /* 0: free */
	pid_t waiters[SFW_DAEMON_MAX_WAITERS];      /* blocked in flock: daemons standing by */
	int n_waiters;
};

/* The lock's directory, created when `create`; -ENOENT without it (no
 * daemon ever ran here since the last detach all). */
int sfw_daemon_lock_open(bool create);
/* Takes it without waiting: true when ours (already ours included). */
bool sfw_daemon_lock_try(int fd);
/* Still the pin root's lock: not a directory removed (and perhaps made
 * anew) since fd was opened. */
bool sfw_daemon_lock_current(int fd);
void sfw_daemon_lock_users(int fd, struct sfw_lock_users *u);
/* Waits up to ms for `pid` to let go: 1 once the lock is ours, 0 once
 * another took it first (a daemon standing by), -1 when pid still holds
 * it. */
int sfw_daemon_lock_wait_gone(int fd, pid_t pid, long ms);
void sfw_sleep_ms(long ms);

#endif
