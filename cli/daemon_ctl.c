/* See daemon_ctl.h. The lock is an flock on the directory
 * <pin root>/daemon: bpffs holds no regular files, but a directory takes
 * flock like any file, and the kernel drops the lock with its holder,
 * however that ends. Who holds it comes from /proc/locks, the kernel's own
 * answer, never from a pid file that a crash leaves behind. */
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
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "daemon_ctl.h"
#include "loader.h"
#include "maps.h"

#define STOP_WAIT_MS 10000      /* a daemon drains its ring and sinks first */
#define KILL_WAIT_MS 2000
#define READY_WAIT_MS 10000
#define POLL_MS 20

/* The lock's directory, created when `create`; -ENOENT without it (no
 * daemon ever ran here). */
static int lock_open(bool create)
{
	char path[300];
	int fd;

	snprintf(path, sizeof(path), "%s/daemon", sfw_pin_root());
	if (create && mkdir(path, 0700) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", path, strerror(errno));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? sfw_fail(errno, "cannot open %s: %s", path, strerror(errno)) : fd;
}

static bool try_lock(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB) == 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* True (and the lock ours) once the holder has let go, within `ms`. */
static bool wait_free(int fd, long ms)
{
	for (long t = 0; t <= ms; t += POLL_MS) {
		if (try_lock(fd))
			return true;
		sleep_ms(POLL_MS);
	}
	return false;
}

/* "1: FLOCK  ADVISORY  WRITE 4242 00:27:153751 0 EOF"; lines with "->"
 * are waiters, not holders. */
static pid_t lock_holder(int fd)
{
	unsigned int maj, min;
	unsigned long ino;
	struct stat st;
	char line[256];
	pid_t pid = 0;
	FILE *f;
	int p;

	if (fstat(fd, &st) || !(f = fopen("/proc/locks", "re")))
		return 0;
	while (!pid && fgets(line, sizeof(line), f)) {
		if (strstr(line, "->") || !strstr(line, "FLOCK"))
			continue;
		if (sscanf(line, "%*d: FLOCK %*s %*s %d %x:%x:%lu", &p, &maj, &min, &ino) == 4 &&
		    maj == major(st.st_dev) && min == minor(st.st_dev) && ino == st.st_ino)
			pid = p;
	}
	fclose(f);
	return pid;
}

int sfw_daemon_holder(pid_t *pid)
{
	int fd = lock_open(false);

	*pid = 0;
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	if (!try_lock(fd))
		*pid = lock_holder(fd);
	close(fd);   /* ours, if we took it: released */
	return 0;
}

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

const char *sfw_daemon_origin_name(__u32 origin)
{
	switch (origin) {
	case SFW_DAEMON_AUTO: return "attach";
	case SFW_DAEMON_HAND: return "hand";
	case SFW_DAEMON_SYSTEMD: return "systemd";
	default: return "unknown";
	}
}

/* The holder's published origin. A daemon publishes right after it takes
 * the lock, so a fresh one may need a moment. */
static __u32 holder_origin(pid_t pid)
{
	struct sfw_daemon_info info;

	for (long t = 0; t <= 2000; t += POLL_MS) {
		if (!sfw_daemon_info_read(&info) && (pid_t)info.pid == pid)
			return info.origin;
		sleep_ms(POLL_MS);
	}
	return SFW_DAEMON_NONE;
}

/* SIGTERM, then SIGKILL if it does not let go; true once the lock is
 * ours. */
static bool stop_holder(int fd, pid_t pid)
{
	if (kill(pid, SIGTERM) && errno != ESRCH)
		return false;
	if (wait_free(fd, STOP_WAIT_MS))
		return true;
	kill(pid, SIGKILL);
	return wait_free(fd, KILL_WAIT_MS);
}

int sfw_daemon_stop(void)
{
	int fd = lock_open(false), r = 0;
	char path[300];
	pid_t pid;

	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	if (!try_lock(fd)) {
		pid = lock_holder(fd);
		if (!pid || !stop_holder(fd, pid))
			r = sfw_fail(EBUSY, "the session daemon (pid %d) did not stop", (int)pid);
		else
			r = (int)pid;
	}
	/* the lock is ours: its directory goes with sfw's other pins */
	snprintf(path, sizeof(path), "%s/daemon", sfw_pin_root());
	if (r >= 0)
		rmdir(path);
	close(fd);
	return r;
}

int sfw_daemon_acquire(enum sfw_daemon_origin origin, pid_t *took_over)
{
	int fd = lock_open(true);
	__u32 theirs;
	pid_t pid;

	*took_over = 0;
	if (fd < 0 || try_lock(fd))
		return fd;
	if (origin == SFW_DAEMON_AUTO) {
		close(fd);
		return -EALREADY;
	}
	pid = lock_holder(fd);
	theirs = pid ? holder_origin(pid) : SFW_DAEMON_NONE;
	if (theirs == SFW_DAEMON_AUTO && stop_holder(fd, pid)) {
		*took_over = pid;
		return fd;
	}
	close(fd);
	return sfw_fail(EBUSY, "a session daemon already runs for %s (pid %d, started by %s): "
			"stop it first, or `sfw detach all`", sfw_pin_root(), (int)pid,
			sfw_daemon_origin_name(theirs));
}

/* In the child: a session of its own, no terminal, nothing of ours open
 * but the readiness pipe; then `sfw daemon` again, from the same binary
 * (/proc/self/exe is this very file, even if it was replaced since). */
static void exec_daemon(int ready_fd)
{
	char fdnum[16];
	int null = open("/dev/null", O_RDWR);

	setsid();
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	fcntl(ready_fd, F_SETFD, 0);
	snprintf(fdnum, sizeof(fdnum), "%d", ready_fd);
	setenv(SFW_DAEMON_READY_ENV, fdnum, 1);
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

int sfw_daemon_ensure(void)
{
	char msg[256];
	int fd = lock_open(true), p[2], err;
	pid_t pid;

	if (fd < 0)
		return fd;
	if (!try_lock(fd)) {
		close(fd);
		return 0;   /* one runs: ours, systemd's or one started by hand */
	}
	close(fd);
	if (pipe2(p, O_CLOEXEC))
		return sfw_fail(errno, "cannot start the session daemon: %s", strerror(errno));
	pid = fork();
	if (pid == 0)
		exec_daemon(p[1]);
	close(p[1]);
	err = pid < 0 ? -errno : read_ready(p[0], msg, sizeof(msg));
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, WNOHANG);   /* reaped if it already exited */
	if (pid < 0 || err)
		return sfw_fail(pid < 0 ? -err : ETIMEDOUT, "the session daemon did not start: %s",
				pid < 0 ? strerror(-err) : "no answer in 10 s");
	if (strcmp(msg, "ok"))
		return sfw_fail(EIO, "the session daemon did not start: %s",
				msg[0] ? msg : "it exited at once");
	return 0;
}

void sfw_daemon_view_read(struct sfw_daemon_view *v)
{
	memset(v, 0, sizeof(*v));
	if (sfw_daemon_holder(&v->pid) || !v->pid)
		return;
	v->have_info = !sfw_daemon_info_read(&v->info) && (pid_t)v->info.pid == v->pid;
}
