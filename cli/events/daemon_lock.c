/* See daemon_lock.h. bpffs holds no regular files, but a directory takes
 * flock like any file, and the kernel drops the lock with its holder,
 * however that ends: never a pid file that a crash leaves behind. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "daemon_lock.h"
#include "loader.h"

#define POLL_MS 20

static void lock_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/daemon", sfw_pin_root());
}

int sfw_daemon_lock_open(bool create)
{
	char path[300];
	int fd;

	lock_path(path, sizeof(path));
	if (create && mkdir(path, 0700) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", path, strerror(errno));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? sfw_fail(errno, "cannot open %s: %s", path, strerror(errno)) : fd;
}

bool sfw_daemon_lock_try(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB) == 0;
}

bool sfw_daemon_lock_current(int fd)
{
	struct stat a, b;
	char path[300];

	lock_path(path, sizeof(path));
	return !fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

void sfw_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* "1: FLOCK  ADVISORY  WRITE 4242 00:27:153751 0 EOF" holds it;
 * "1: -> FLOCK  ADVISORY  WRITE 4243 00:27:153751 0 EOF" waits for it. */
void sfw_daemon_lock_users(int fd, struct sfw_lock_users *u)
{
	unsigned int maj, min;
	unsigned long ino;
	struct stat st;
	char line[256];
	bool waits;
	FILE *f;
	int p;

	memset(u, 0, sizeof(*u));
	if (fstat(fd, &st) || !(f = fopen("/proc/locks", "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		waits = strstr(line, "->") != NULL;
		if (!strstr(line, "FLOCK") ||
		    sscanf(strstr(line, "FLOCK"), "FLOCK %*s %*s %d %x:%x:%lu", &p, &maj, &min,
			   &ino) != 4 ||
		    maj != major(st.st_dev) || min != minor(st.st_dev) || ino != st.st_ino)
			continue;
		if (!waits)
			u->holder = p;
		else if (u->n_waiters < SFW_DAEMON_MAX_WAITERS)
			u->waiters[u->n_waiters++] = p;
	}
	fclose(f);
}

int sfw_daemon_lock_wait_gone(int fd, pid_t pid, long ms)
{
	struct sfw_lock_users u;

	for (long t = 0; t <= ms; t += POLL_MS) {
		if (sfw_daemon_lock_try(fd))
			return 1;
		sfw_daemon_lock_users(fd, &u);
		if (u.holder && u.holder != pid)
			return 0;
		sfw_sleep_ms(POLL_MS);
	}
	return -1;
}
