/* See event_ring.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "libbpf_lazy.h"
#include "event_ring.h"
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

int sfw_ring_claim(const char *ring, const char *who)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	if (mkdir(sfw_run_dir(), 0755) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", sfw_run_dir(), strerror(errno));
	if (sfw_path(path, sizeof(path), "%s/%s.lock", sfw_run_dir(), ring))
		return -ENAMETOOLONG;
	/* Root's alone: any user who can open a lock file can flock it, even
	 * read-only, and would keep the daemon (ageing, session logs) from
	 * ever claiming its ring. One that others could open (left by an older
	 * sfw, 0644) is replaced, not restricted: who opened it then holds it
	 * still. */
	if (!lstat(path, &st) && (st.st_uid != geteuid() || (st.st_mode & 077)) && unlink(path))
		return sfw_fail(errno, "cannot remove %s: %s", path, strerror(errno));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
	if (fchmod(fd, 0600)) {   /* a umask of 0: 0600 asked is 0600 made, but be sure */
		int err = sfw_fail(errno, "cannot restrict %s: %s", path, strerror(errno));

		close(fd);
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = errno;

		close(fd);
		return sfw_fail(err, err == EWOULDBLOCK
				? "another %s is already reading its events (%s)"
				: "cannot lock %s", err == EWOULDBLOCK ? who : path, path);
	}
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
