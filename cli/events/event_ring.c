/* See event_ring.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "libbpf_lazy.h"
#include "event_ring.h"
#include "lock_file.h"
#include "loader.h"
#include "maps.h"

const char *sfw_run_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("SFW_RUN_DIR"), *root = sfw_pin_root(), *base;

	if (env && *env)
		return env;
	if (!strcmp(root, SFW_PIN_ROOT))
		return "/run/sfw";
	base = strrchr(root, '/');
	snprintf(dir, sizeof(dir), "/run/sfw-%s", base ? base + 1 : root);
	return dir;
}

/* The run directory: the claimer's, written by nobody else, or a user could
 * plant lock files in it and hold them. */
static int check_run_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", dir, strerror(errno));
	/* not through a link: one a user made first would name a directory
	 * of root's of the user's choosing */
	if (lstat(dir, &st))
		return sfw_fail(errno, "cannot read %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return sfw_fail(EPERM, "%s is not a directory of root's alone: sfw keeps no "
				"lock there", dir);
	return 0;
}

/* Claims one at a time: two replacing the same stale lock file could each
 * remove the file the other had just made, and both hold one. Nobody but
 * root can make files here (check_run_dir), so it is never a planted one. */
static int claim_guard(const char *dir)
{
	char path[PATH_MAX];

	if (sfw_path(path, sizeof(path), "%s/.claim", dir))
		return -ENAMETOOLONG;
	return sfw_lock_file(path);
}

/* The pid holding an flock on the file st describes (/proc/locks), 0 none. */
static pid_t flock_holder(const struct stat *st)
{
	FILE *f = fopen("/proc/locks", "re");
	char line[256];
	pid_t pid = 0;

	while (f && !pid && fgets(line, sizeof(line), f)) {
		const char *s = strstr(line, "FLOCK");
		unsigned maj, min;
		unsigned long long ino;
		int p;

		if (s && !strstr(line, "->") &&
		    sscanf(s, "FLOCK %*s %*s %d %x:%x:%llu", &p, &maj, &min, &ino) == 4 &&
		    maj == major(st->st_dev) && min == minor(st->st_dev) && ino == st->st_ino)
			pid = p;
	}
	if (f)
		fclose(f);
	return pid;
}

/* The program a process runs, its name only ("sfw"; a binary replaced
 * since reads "sfw (deleted)"). */
static void program_of(const char *proc_exe, char *name, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink(proc_exe, exe, sizeof(exe) - 1);
	const char *base;

	name[0] = '\0';
	if (n <= 0)
		return;
	exe[n] = '\0';
	if (n > 10 && !strcmp(exe + n - 10, " (deleted)"))
		exe[n - 10] = '\0';
	base = strrchr(exe, '/');
	snprintf(name, len, "%s", base ? base + 1 : exe);
}

/* Is pid an sfw running as this one does: one from before an upgrade,
 * still reading the ring? Not a user's process that holds the lock while
 * running a set-user-ID program of root's (its /proc entry is root's then:
 * the red team's rv35 R1). */
static bool an_sfw(pid_t pid)
{
	char path[64], theirs[PATH_MAX], ours[PATH_MAX];
	struct stat proc;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (pid <= 0 || stat(path, &proc) || proc.st_uid != geteuid())
		return false;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	program_of(path, theirs, sizeof(theirs));
	program_of("/proc/self/exe", ours, sizeof(ours));
	return theirs[0] && !strcmp(theirs, ours);
}

/* A lock file others could open (an older sfw's 0644, a link) is replaced,
 * not restricted: who opened it before holds it still. One an sfw holds
 * is one from before, still reading: not replaced, or the ring would have
 * two readers. */
static int replace_stale(const char *path, const struct stat *st, const char *who)
{
	pid_t pid = flock_holder(st);
	struct stat now;

	if (an_sfw(pid))
		return sfw_fail(EWOULDBLOCK, "another %s is already reading its events (%s, "
				"pid %d)", who, path, (int)pid);
	if (!lstat(path, &now) && now.st_dev == st->st_dev && now.st_ino == st->st_ino &&
	    unlink(path))
		return sfw_fail(errno, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

/* The lock file, made (O_EXCL: never one another made meanwhile) or as
 * found: -EAGAIN to look again (a link, or gone meanwhile). */
static int open_lock(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd >= 0 || errno != EEXIST)
		return fd >= 0 ? fd : sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0)
		return fd;
	if (errno == ELOOP && unlink(path) && errno != ENOENT)
		return sfw_fail(errno, "cannot remove %s: %s", path, strerror(errno));
	return errno == ELOOP || errno == ENOENT ? -EAGAIN
						 : sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
}

static bool ours_alone(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_uid == geteuid() && !(st->st_mode & 077) &&
	       st->st_nlink == 1;
}

/* The path names the inode st describes still. */
static bool still_named(const char *path, const struct stat *st)
{
	struct stat now;

	return !lstat(path, &now) && now.st_dev == st->st_dev && now.st_ino == st->st_ino;
}

/* Root's alone: any user who can open a lock file can flock it, even
 * read-only, and would keep the daemon (ageing, session logs) from ever
 * claiming its ring. */
static int claim(const char *path, const char *who)
{
	struct stat st;
	int fd, err;

	for (int tries = 0; tries < 8; tries++) {
		fd = open_lock(path);
		if (fd == -EAGAIN)
			continue;
		if (fd < 0)
			return fd;
		if (fstat(fd, &st)) {
			err = sfw_fail(errno, "cannot read %s: %s", path, strerror(errno));
			close(fd);
			return err;
		}
		if (!ours_alone(&st)) {
			close(fd);
			if ((err = replace_stale(path, &st, who)))
				return err;
			continue;
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			err = errno;
			close(fd);
			return sfw_fail(err, err == EWOULDBLOCK
					? "another %s is already reading its events (%s)"
					: "cannot lock %s", err == EWOULDBLOCK ? who : path, path);
		}
		if (still_named(path, &st))
			return fd;
		close(fd);
	}
	return sfw_fail(EAGAIN, "cannot claim %s: it keeps changing", path);
}

int sfw_ring_claim(const char *ring, const char *who)
{
	const char *dir = sfw_run_dir();
	char path[PATH_MAX];
	int guard, fd;

	if (sfw_path(path, sizeof(path), "%s/%s.lock", dir, ring))
		return -ENAMETOOLONG;
	if ((fd = check_run_dir(dir)))
		return fd;
	guard = claim_guard(dir);
	if (guard < 0)
		return guard;
	fd = claim(path, who);
	close(guard);
	return fd;
}

int sfw_ring_cursor_open(struct sfw_ring_cursor *c, int map_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	void *p;

	c->pos = NULL;
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return sfw_fail(errno, "cannot read the event ring: %s", strerror(errno));
	p = mmap(NULL, (size_t)getpagesize(), PROT_READ, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		return sfw_fail(errno, "cannot map the event ring: %s", strerror(errno));
	c->pos = p;
	c->id = info.id;
	return 0;
}

void sfw_ring_cursor_close(struct sfw_ring_cursor *c)
{
	if (c->pos)
		munmap((void *)c->pos, (size_t)getpagesize());
	c->pos = NULL;
}

int sfw_events_lost(enum sfw_ev_ring ring, __u64 *out)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 v[ncpu > 0 ? ncpu : 1];
	__u32 key = ring;
	int fd = sfw_open_map(SFW_STR(SFW_MAP_EV_LOST)), err = 0;

	*out = 0;
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &key, v))
		err = sfw_fail(errno, "cannot read lost events: %s", strerror(errno));
	for (int i = 0; !err && i < ncpu; i++)
		*out += v[i];
	close(fd);
	return err;
}

int sfw_rate_counts(enum sfw_rate_kind kind, __u64 *suppressed, __u64 *lost)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_rate_bucket *v = calloc(ncpu > 0 ? (size_t)ncpu : 1, sizeof(*v));
	__u32 key = kind;
	int fd = v ? sfw_open_map(SFW_STR(SFW_MAP_RATE)) : -ENOMEM, err = 0;

	*suppressed = *lost = 0;
	if (fd < 0) {
		free(v);
		return fd == -ENOMEM ? sfw_fail(ENOMEM, "out of memory") : fd;
	}
	if (bpf_map_lookup_elem(fd, &key, v))
		err = sfw_fail(errno, "cannot read the rate limits: %s", strerror(errno));
	for (int i = 0; !err && i < ncpu; i++) {
		*suppressed += v[i].suppressed;
		*lost += v[i].lost;
	}
	close(fd);
	free(v);
	return err;
}

int sfw_monitor_flag(bool on)
{
	struct sfw_config cfg;
	int err = sfw_lock();

	if (err)
		return err;
	err = sfw_config_read(&cfg);
	if (!err) {
		cfg.flags = on ? cfg.flags | SFW_CFG_F_MONITOR : cfg.flags & ~SFW_CFG_F_MONITOR;
		err = sfw_config_write(&cfg);
	}
	sfw_unlock();
	return err;
}
