/* See daemon_ctl.h. The daemon is the process that holds the lock and has
 * published its figures with its own pid (include/daemon.h); whatever else
 * holds the lock is named as such and never taken for it. Attach never
 * takes the lock for the daemon it starts: the daemon takes it itself (so
 * /proc/locks names the daemon, not attach), and one that finds it taken
 * says "busy", so attach judges the holder again instead of trusting that
 * some daemon runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "libbpf_lazy.h"
#include "daemon_ctl.h"
#include "daemon_lock.h"
#include "loader.h"
#include "maps.h"
#include "build_id.h"
#include "clock.h"
#include "ksweep.h"
#include "reap.h"

#define STOP_WAIT_MS 10000      /* a daemon drains its ring and sinks first */
#define KILL_WAIT_MS 2000
#define STUCK_WAIT_MS 2000      /* a stale one: SIGTERM and SIGCONT, then SIGKILL */
#define GIVE_WAY_WAIT_MS 10000  /* an attach-started one lets go of its ring and lock */
#define TAKER_WAIT_MS 2000      /* ... and waits this long for the taker to take it */
#define READY_WAIT_MS 10000
#define PUBLISH_WAIT_MS 2000    /* a daemon publishes right after it takes the lock */
#define FOREIGN_WAIT_MS 3000    /* the lock held by no daemon: its time to let go */
#define POLL_MS 20
#define ROUNDS 50               /* of judging the holder, while the lock changes hands */

int sfw_daemon_info_read(struct sfw_daemon_info *out)
{
	int fd = sfw_open_map(SFW_STR(SFW_MAP_DAEMON)), err = 0;
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &zero, out))
		err = sfw_fail(errno, "cannot read the daemon's figures: %s", strerror(errno));
	close(fd);
	return err;
}

bool sfw_daemon_stale(const struct sfw_daemon_info *i, __u64 now_ns, __u64 *since_ns)
{
	*since_ns = 0;
	if (!i->pid || !i->last_pass_end_ns)
		return false;   /* nothing to judge by: a daemon of an older sfw */
	*since_ns = now_ns > i->last_pass_end_ns ? now_ns - i->last_pass_end_ns : 0;
	return *since_ns > sfw_daemon_stale_after_ns(i);
}

const char *sfw_daemon_origin_name(__u32 origin)
{
	switch (origin) {
	case SFW_DAEMON_AUTO: return "attach";
	case SFW_DAEMON_HAND: return "hand";
	case SFW_DAEMON_SYSTEMD: return "systemd";
	default: return "unknown";
	}
}

enum holder_kind {
	HOLDER_NONE,      /* free, or let go meanwhile */
	HOLDER_DAEMON,
	HOLDER_STALE,     /* a daemon that has not swept for too long */
	HOLDER_FOREIGN,   /* holds the lock, published nothing: no daemon */
};

/* What holds the lock, by what it published. A fresh daemon publishes
 * right after it takes the lock, so it gets a moment. Pins without the
 * figures map (an older sfw) hold a daemon of that version: not judged. */
static enum holder_kind holder_of(int fd, pid_t *pid, struct sfw_daemon_info *info)
{
	struct sfw_lock_users u;
	__u64 since;
	int err;

	for (long t = 0;; t += POLL_MS) {
		sfw_daemon_lock_users(fd, &u);
		*pid = u.holder;
		if (!u.holder)
			return HOLDER_NONE;
		err = sfw_daemon_info_read(info);
		if (err == -ENOENT)
			return HOLDER_DAEMON;
		if (!err && (pid_t)info->pid == u.holder)
			return sfw_daemon_stale(info, sfw_mono_ns(), &since) ? HOLDER_STALE : HOLDER_DAEMON;
		if (t >= PUBLISH_WAIT_MS)
			return HOLDER_FOREIGN;
		sfw_sleep_ms(POLL_MS);
	}
}

/* Signals the holder (SIGTERM comes with SIGCONT: a stopped process
 * handles nothing) and waits for it to let go, SIGKILL past `ms`. 1: the
 * lock is ours; 0: one standing by took it first; -1: it still holds. */
static int make_go(int fd, pid_t pid, int sig, long ms)
{
	int w;

	kill(pid, sig);
	if (sig == SIGTERM)
		kill(pid, SIGCONT);
	w = sfw_daemon_lock_wait_gone(fd, pid, ms);
	if (w >= 0)
		return w;
	kill(pid, SIGKILL);
	return sfw_daemon_lock_wait_gone(fd, pid, KILL_WAIT_MS);
}

static int foreign(pid_t pid)
{
	char who[64];

	if (pid)
		snprintf(who, sizeof(who), "pid %d", (int)pid);
	else
		snprintf(who, sizeof(who), "a process of another pid namespace");
	return sfw_fail(EBUSY, "the session daemon lock %s/daemon is held by %s, which is no "
			"session daemon: none started (closes are not logged until one runs)",
			sfw_pin_root(), who);
}

/* ---- detach all ------------------------------------------------------ */

/* 0 once the lock is ours; -EAGAIN to look again (one standing by took
 * over, or the holder let go meanwhile); -ETIMEDOUT: it would not stop. */
static int stop_round(int fd, pid_t *first)
{
	struct sfw_lock_users u;
	int w;

	sfw_daemon_lock_users(fd, &u);
	/* those standing by first: they would take over from the one stopped */
	for (int i = 0; i < u.n_waiters; i++)
		kill(u.waiters[i], SIGTERM);
	if (sfw_daemon_lock_try(fd))
		return 0;
	if (!u.holder) {
		sfw_sleep_ms(POLL_MS);
		return -EAGAIN;
	}
	if (!*first)
		*first = u.holder;
	w = make_go(fd, u.holder, SIGTERM, STOP_WAIT_MS);
	return w == 1 ? 0 : w == 0 ? -EAGAIN : -ETIMEDOUT;
}

int sfw_daemon_stop(void)
{
	int fd = sfw_daemon_lock_open(false), r = -EAGAIN;
	char path[300];
	pid_t first = 0;

	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	for (int round = 0; round < ROUNDS && r == -EAGAIN; round++)
		r = stop_round(fd, &first);
	if (r) {
		close(fd);
		return sfw_fail(EBUSY, "the session daemon (pid %d) did not stop", (int)first);
	}
	/* the lock is ours: its directory goes with sfw's other pins, before
	 * the lock is let go, so one still standing by finds it gone */
	snprintf(path, sizeof(path), "%s/daemon", sfw_pin_root());
	rmdir(path);
	close(fd);
	return (int)first;
}

/* ---- attach ------------------------------------------------------------ */

/* In the child: a session of its own, no terminal, nothing of ours open
 * but the readiness pipe; then `sfw daemon` again, from the same binary
 * (/proc/self/exe is this very file, even if it was replaced since). */
static void exec_daemon(int ready_fd)
{
	char num[16];
	int null = open("/dev/null", O_RDWR);
	sigset_t none;

	/* a mask outlives exec: the daemon of an attach made while SIGTERM
	 * was blocked (restore watch blocks it but while it waits) could not
	 * be stopped */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	fcntl(ready_fd, F_SETFD, 0);
	snprintf(num, sizeof(num), "%d", ready_fd);
	setenv(SFW_DAEMON_READY_ENV, num, 1);
	setenv(SFW_DAEMON_AUTO_ENV, "1", 1);
	execl("/proc/self/exe", "sfw", "daemon", (char *)NULL);
	_exit(127);
}

/* What the daemon said on the pipe before closing it, or "" at EOF. */
static int read_ready(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	ssize_t r;

	while (n < len - 1) {
		if (poll(&p, 1, READY_WAIT_MS) <= 0)
			return -ETIMEDOUT;
		r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Starts the daemon; -EAGAIN when it found the lock taken ("busy"). */
static int start_daemon(void)
{
	char msg[4096];   /* the daemon's line whole: it may name two paths */
	int p[2], err;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return sfw_fail(errno, "cannot start the session daemon: %s", strerror(errno));
	pid = fork();
	err = pid < 0 ? -errno : 0;
	if (pid == 0)
		exec_daemon(p[1]);
	close(p[1]);
	if (!err)
		err = read_ready(p[0], msg, sizeof(msg));
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, WNOHANG);   /* reaped if it already exited */
	if (err)
		return sfw_fail(pid < 0 ? -err : ETIMEDOUT, "the session daemon did not start: %s",
				pid < 0 ? strerror(-err) : "no answer in 10 s");
	if (!strcmp(msg, SFW_DAEMON_BUSY))
		return -EAGAIN;
	if (strcmp(msg, "ok"))
		return sfw_fail(EIO, "the session daemon did not start: %s",
				msg[0] ? msg : "it exited at once");
	return 0;
}

/* Stops the daemon that holds the lock (SIGTERM, SIGKILL past ms) and
 * starts this binary's in its place; -EAGAIN when one standing by took
 * over. what: the holder, for the message. */
static int replace_holder(int fd, pid_t pid, long ms, const char *what)
{
	int w = make_go(fd, pid, SIGTERM, ms);

	if (w < 0)
		return sfw_fail(EBUSY, "the %s session daemon (pid %d) did not stop, even "
				"with SIGKILL", what, (int)pid);
	if (w == 1)
		flock(fd, LOCK_UN);   /* the daemon started takes it itself */
	return w == 1 ? start_daemon() : -EAGAIN;
}

/* A daemon that has not swept for too long: stopped (SIGSTOP, a frozen
 * cgroup) or stuck. Replaced; -EAGAIN when one standing by took over. */
static int replace_stale(int fd, pid_t pid, const struct sfw_daemon_info *info)
{
	__u64 since;

	sfw_daemon_stale(info, sfw_mono_ns(), &since);
	fprintf(stderr, "sfw: note: the session daemon (pid %d, started by %s) has not swept "
		"for %llu s: replacing it\n", (int)pid, sfw_daemon_origin_name(info->origin),
		(unsigned long long)(since / 1000000000ull));
	return replace_holder(fd, pid, STUCK_WAIT_MS, "stale");
}

/* ---- an upgrade ------------------------------------------------------ */

/* Are two executables one build: the same GNU build ID, which two copies
 * of a build share and a rebuild that changed anything does not? Not
 * when either has none or cannot be read. */
static bool same_build(const char *a, const char *b)
{
	unsigned char ida[SFW_BUILD_ID_MAX], idb[SFW_BUILD_ID_MAX];
	int na = sfw_build_id(a, ida), nb = sfw_build_id(b, idb);

	return na > 0 && na == nb && !memcmp(ida, idb, (size_t)na);
}

/* Does pid run another build than this process: an sfw the package
 * replaced since it started, deleted or not? The same file (device and
 * inode, since the old file's path may name the new one by now) is the
 * same build; another file is too when its build ID is ours (a copy:
 * `make install` beside the tree's, a container's; else reloads from
 * each would replace each other's daemon every time: review rvdex F1).
 * false when it cannot be told (the process gone meanwhile). exe: the
 * path it runs. */
static bool runs_other_binary(pid_t pid, char *exe, size_t len)
{
	struct stat theirs, ours;
	char path[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (stat(path, &theirs) || stat("/proc/self/exe", &ours))
		return false;
	if (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino)
		return false;
	if (same_build(path, "/proc/self/exe"))
		return false;
	n = readlink(path, exe, len - 1);
	exe[n > 0 ? n : 0] = '\0';
	return true;
}

/* Is pid an `sfw daemon` (its second argument), not some other process
 * blocked on the lock? */
static bool is_daemon_cmd(pid_t pid)
{
	char path[32], args[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, args, sizeof(args) - 1);
	close(fd);
	if (n <= 0)
		return false;
	args[n] = '\0';
	n = (ssize_t)strlen(args) + 1;
	return n < (ssize_t)sizeof(args) && !strcmp(args + n, "daemon");
}

/* Attach-started daemons standing by that run another binary: one takes
 * back over, old code and all, when the holder stops. Left to do so (an
 * old sweeper beats none), and said: the reload or attach after that
 * replaces it. */
static void note_old_standbys(int fd)
{
	struct sfw_lock_users u;
	char exe[256];

	sfw_daemon_lock_users(fd, &u);
	for (int i = 0; i < u.n_waiters; i++)
		if (is_daemon_cmd(u.waiters[i]) &&
		    runs_other_binary(u.waiters[i], exe, sizeof(exe)))
			fprintf(stderr, "sfw: note: the session daemon standing by (pid %d) runs "
				"another sfw binary (%s): when it takes back over, `sfw reload` "
				"replaces it\n", (int)u.waiters[i], exe);
}

/* The daemon that holds the lock runs another binary than this one (the
 * package upgraded under it): its follow and sweep are the old version's
 * until it stops (review rv43z F1). One attach started is stopped and
 * this binary's started in its place; one started by hand or by systemd
 * is the operator's, who is told. 0, -EAGAIN to judge again (one standing
 * by took over), or a negative errno with a message. */
static int renew(int fd, pid_t pid, const struct sfw_daemon_info *info)
{
	char exe[256];

	note_old_standbys(fd);
	if (!runs_other_binary(pid, exe, sizeof(exe)))
		return 0;
	if (info->origin != SFW_DAEMON_AUTO) {
		fprintf(stderr, "sfw: warning: the session daemon (pid %d, started by %s) runs "
			"another sfw binary (%s): restart it to run this one\n", (int)pid,
			sfw_daemon_origin_name(info->origin), exe);
		return 0;
	}
	fprintf(stderr, "sfw: note: the session daemon (pid %d, started by attach) runs another "
		"sfw binary (%s): replacing it\n", (int)pid, exe);
	return replace_holder(fd, pid, STOP_WAIT_MS, "other binary's");
}

/* One look at the lock: 0 when a daemon runs (started now or before),
 * -EAGAIN to look again, or a negative errno with a message. */
static int ensure_round(int fd, pid_t *pid)
{
	struct sfw_daemon_info info;

	switch (holder_of(fd, pid, &info)) {
	case HOLDER_NONE:
		return start_daemon();
	case HOLDER_DAEMON:   /* ours, systemd's or one started by hand */
		return renew(fd, *pid, &info);
	case HOLDER_STALE:
		return replace_stale(fd, *pid, &info);
	case HOLDER_FOREIGN:
		break;
	}
	return -EAGAIN;
}

static int daemon_ensure(void)
{
	__u64 deadline = sfw_mono_ns() + FOREIGN_WAIT_MS * 1000000ull;
	int fd = sfw_daemon_lock_open(true), r;
	pid_t pid = 0;

	if (fd < 0)
		return fd;
	while ((r = ensure_round(fd, &pid)) == -EAGAIN) {
		if (sfw_mono_ns() > deadline) {
			r = pid ? foreign(pid) : sfw_fail(EBUSY, "the session daemon lock %s/daemon "
				"keeps changing hands: no session daemon started", sfw_pin_root());
			break;
		}
		sfw_sleep_ms(POLL_MS);
	}
	close(fd);
	return r;
}

/* First the sweep that needs no daemon (include/ksweep.h): the daemon
 * may fail to start here, or die later. Pins an older sfw made (an
 * upgrade not yet reloaded, whose attach loads nothing) have no map for
 * it: ageing then needs the daemon, as it did, which a warning says
 * (review ksweep). */
int sfw_daemon_ensure(void)
{
	int k = sfw_ksweep_start(), r;

	if (k == -ENOENT) {
		fprintf(stderr, "sfw: warning: %s\n", sfw_last_error());
		k = 0;
	}
	r = daemon_ensure();
	return r < 0 ? r : k;
}

/* ---- the daemon ------------------------------------------------------- */

/* The holder, asked to go: an attach-started one gives way (SIGUSR1), a
 * stale one is stopped. 0 with the lock ours, -EAGAIN to judge again. */
static int take_from(int fd, pid_t pid, int sig, long ms, pid_t *took_over)
{
	int w = make_go(fd, pid, sig, ms);

	if (w == 1)
		*took_over = pid;
	return w == 1 ? 0 : w == 0 ? -EAGAIN
		: sfw_fail(EBUSY, "the session daemon (pid %d) did not let go of its lock",
			   (int)pid);
}

static int acquire_round(int fd, enum sfw_daemon_origin origin, pid_t *took_over,
			 bool *stale)
{
	struct sfw_daemon_info info;
	pid_t pid;

	if (sfw_daemon_lock_try(fd))
		return 0;
	if (origin == SFW_DAEMON_AUTO)
		return -EALREADY;
	switch (holder_of(fd, &pid, &info)) {
	case HOLDER_NONE:
		return -EAGAIN;
	case HOLDER_STALE:
		*stale = true;
		return take_from(fd, pid, SIGTERM, STUCK_WAIT_MS, took_over);
	case HOLDER_FOREIGN:
		return foreign(pid);
	case HOLDER_DAEMON:
		break;
	}
	if (info.origin == SFW_DAEMON_AUTO)
		return take_from(fd, pid, SIGUSR1, GIVE_WAY_WAIT_MS, took_over);
	return sfw_fail(EBUSY, "a session daemon already runs for %s (pid %d, started by %s): "
			"stop it first, or `sfw detach all`", sfw_pin_root(), (int)pid,
			sfw_daemon_origin_name(info.origin));
}

int sfw_daemon_acquire(enum sfw_daemon_origin origin, pid_t *took_over, bool *stale)
{
	int fd = sfw_daemon_lock_open(true), r = -EAGAIN;

	*took_over = 0;
	*stale = false;
	if (fd < 0)
		return fd;
	for (int round = 0; round < ROUNDS && r == -EAGAIN; round++)
		r = acquire_round(fd, origin, took_over, stale);
	if (r == -EAGAIN)
		r = sfw_fail(EBUSY, "the session daemon lock %s/daemon keeps changing hands",
			     sfw_pin_root());
	if (r) {
		close(fd);
		return r;
	}
	return fd;
}

static bool attached(void)
{
	int fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

int sfw_daemon_standby(int *out, volatile sig_atomic_t *stop)
{
	int fd = sfw_daemon_lock_open(false), err;
	struct sfw_lock_users u;

	*out = -1;
	if (fd < 0)
		return fd == -ENOENT ? 1 : fd;
	/* the one given way to takes the lock within its poll; should it
	 * never (it died first), the lock is taken back at once */
	for (long t = 0; t < TAKER_WAIT_MS && !*stop; t += POLL_MS) {
		sfw_daemon_lock_users(fd, &u);
		if (u.holder && u.holder != getpid())
			break;
		sfw_sleep_ms(POLL_MS);
	}
	while (!*stop && flock(fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		err = errno;
		close(fd);
		return sfw_fail(err, "waiting for the session daemon lock: %s", strerror(err));
	}
	/* stopped (detach all stops those standing by), or the lock of a
	 * pin root that is gone */
	if (*stop || !sfw_daemon_lock_current(fd) || !attached()) {
		close(fd);
		return 1;
	}
	*out = fd;
	return 0;
}

/* ---- sfw status -------------------------------------------------------- */

static void ksweep_read(struct sfw_daemon_view *v)
{
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_KSWEEP), true);
	__u32 zero = 0;
	__u64 now;

	if (fd < 0)
		return;
	if (!bpf_map_lookup_elem(fd, &zero, &v->ksweep))
		v->ksweep_armed = v->ksweep.period_ns != 0;
	close(fd);
	now = sfw_mono_ns();
	if (v->ksweep.last_pass_end_ns && now > v->ksweep.last_pass_end_ns)
		v->since_walk_ns = now - v->ksweep.last_pass_end_ns;
}

void sfw_daemon_view_read(struct sfw_daemon_view *v)
{
	struct sfw_lock_users u;
	int fd, err;

	memset(v, 0, sizeof(*v));
	ksweep_read(v);
	fd = sfw_daemon_lock_open(false);
	if (fd < 0)
		return;
	sfw_daemon_lock_users(fd, &u);
	close(fd);
	v->standby = u.n_waiters ? u.waiters[0] : 0;
	if (!u.holder)
		return;
	err = sfw_daemon_info_read(&v->info);
	if (err == -ENOENT) {
		v->pid = u.holder;   /* pins of an older sfw: a daemon without figures */
		return;
	}
	if (err || (pid_t)v->info.pid != u.holder) {
		memset(&v->info, 0, sizeof(v->info));
		v->holder = u.holder;
		return;
	}
	v->pid = u.holder;
	v->have_info = true;
	v->stale = sfw_daemon_stale(&v->info, sfw_mono_ns(), &v->since_pass_ns);
}
