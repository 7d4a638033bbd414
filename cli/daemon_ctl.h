/* One session daemon per pin root (docs/events.md, "sfw daemon"): the lock
 * that says which process it is, the start by `attach` when none runs, the
 * stop by `detach all`, and the hand-over from an attach-started daemon to
 * one started on purpose. */
#ifndef SFW_CLI_DAEMON_CTL_H
#define SFW_CLI_DAEMON_CTL_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include "daemon.h"

/* Environment of a daemon attach starts: its origin, and the pipe it
 * reports readiness on ("ok", or its error line). */
#define SFW_DAEMON_AUTO_ENV "SFW_DAEMON_AUTO"
#define SFW_DAEMON_READY_ENV "SFW_DAEMON_READY_FD"

/* The pid holding the pin root's daemon lock, 0 when none does, or a
 * negative errno. */
int sfw_daemon_holder(pid_t *pid);

/* What the daemon published (include/daemon.h); -ENOENT without the map
 * (maps pinned by an older sfw). */
int sfw_daemon_info_read(struct sfw_daemon_info *out);

/* attach: start the daemon when none runs, and wait until it says it is
 * ready. 0, or a negative errno with a message. */
int sfw_daemon_ensure(void);

/* detach all: stop the daemon and wait for it to exit, then remove the
 * lock's directory. Returns its pid, 0 when none ran, or a negative errno
 * with a message. */
int sfw_daemon_stop(void);

/* The daemon itself: take the lock for `origin`. One started by attach
 * gives way to any other (asked to exit, waited for); any other running is
 * refused with a message naming it. Returns the lock's fd (held until
 * exit), -EALREADY for an attach-started one when another runs, or a
 * negative errno with a message. `took_over` gets the pid replaced. */
int sfw_daemon_acquire(enum sfw_daemon_origin origin, pid_t *took_over);

/* "attach", "hand", "systemd" (the status's words). */
const char *sfw_daemon_origin_name(__u32 origin);

/* What `sfw status` shows (cli/format_daemon.c). */
struct sfw_daemon_view {
	pid_t pid;                      /* the lock's holder; 0: none runs */
	bool have_info;                 /* info is that holder's */
	struct sfw_daemon_info info;
};
void sfw_daemon_view_read(struct sfw_daemon_view *v);
void sfw_daemon_text(FILE *f, const struct sfw_daemon_view *v);
struct sfw_json;
void sfw_daemon_json(struct sfw_json *j, const struct sfw_daemon_view *v);

#endif
