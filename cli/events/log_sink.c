/* Log sinks and the live naming environment; see log_sink.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "log_sink.h"
#include "maps.h"
#include "policy.h"

static int open_syslog(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return sfw_fail(errno, "cannot create a socket: %s", strerror(errno));
	if (sfw_path(sa.sun_path, sizeof(sa.sun_path), "%s", path)) {
		close(fd);
		return -ENAMETOOLONG;   /* a cut name is another socket */
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = errno;

		close(fd);
		return sfw_fail(err, "cannot reach syslog at %s: %s", path, strerror(err));
	}
	return fd;
}

/* A directory on the way to a log file, as opened: it must be root's (or
 * ours), or its owner could put anything under it. The last one must also
 * be writable by nobody else unless sticky (/tmp), where others cannot
 * move what is ours. Directories above it may be writable by others (a
 * group-writable /var/log): the walk holds each one open and follows no
 * symbolic link, so what others can put in their place is a link (refused)
 * or a directory of their own (refused). */
static int check_dir(int fd, const char *name, bool last)
{
	struct stat st;

	if (fstat(fd, &st))
		return sfw_fail(errno, "cannot read %s: %s", name, strerror(errno));
	if ((st.st_uid && st.st_uid != geteuid()) ||
	    (last && (st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)))
		return sfw_fail(EPERM, "%s may be changed by another user (owner %u, mode %04o): "
				"refusing to write a log under it", name, (unsigned)st.st_uid,
				(unsigned)(st.st_mode & 07777));
	return 0;
}

/* One name of the walk, opened below fd as a directory and never followed
 * as a symbolic link; an fd or -errno (message set; path for messages). */
static int open_step(int fd, const char *name, const char *path)
{
	struct stat st;
	int next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (next >= 0)
		return next;
	if ((errno == ENOTDIR || errno == ELOOP) &&
	    !fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
		return sfw_fail(ELOOP, "%s: %s on the way is a symbolic link: refusing to follow "
				"it (give the real path)", path, name);
	return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
}

/* The directory part of an absolute path (dir, as given: nothing resolved
 * beforehand) opened from / down one name at a time, each checked as it
 * is opened; an fd or -errno. */
static int open_dir_walk(const char *dir, const char *path)
{
	char buf[PATH_MAX], *save = NULL, *c, *next_c;
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC), next, err;

	snprintf(buf, sizeof(buf), "%s", dir);
	c = strtok_r(buf, "/", &save);
	err = fd < 0 ? sfw_fail(errno, "cannot open /: %s", strerror(errno))
		     : check_dir(fd, "/", !c);
	for (; !err && c; c = next_c) {
		next_c = strtok_r(NULL, "/", &save);
		next = open_step(fd, c, path);
		close(fd);
		fd = next;
		err = fd < 0 ? fd : check_dir(fd, dir, !next_c);
	}
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

/* The directory of path, absolute: a relative path starts at the working
 * directory, whose name the kernel gives resolved. */
static int log_dir(const char *path, const char *base, char *dir, size_t len)
{
	char cwd[PATH_MAX];
	int n = (int)(base - path);

	if (path[0] == '/')
		return sfw_path(dir, len, "%.*s", n ? n : 1, path);
	if (!getcwd(cwd, sizeof(cwd)))
		return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
	return sfw_path(dir, len, "%s/%.*s", cwd, n, path);
}

/* Log files are written as root, so the path must not lead it into
 * another file: the directories are walked from / as above (no symbolic
 * link anywhere on the way), the last name is opened below the last
 * directory without following a link, and the file must be a regular one
 * of ours with no other name (a hard link into another file). Appended
 * to; created 0640; read too (a line already there, sfw_sinks_write). */
static int open_log_fd(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char dir[PATH_MAX];
	struct stat st;
	int dfd, fd;

	if (!*base)
		return sfw_fail(EISDIR, "%s: expected a file name", path);
	if (log_dir(path, base, dir, sizeof(dir)))
		return -ENAMETOOLONG;
	dfd = open_dir_walk(dir, path);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, base, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
		    O_NOCTTY | O_CLOEXEC, 0640);
	if (fd < 0)
		fd = sfw_fail(errno, errno == ELOOP ? "%s is a symbolic link: refusing to follow it"
			      : "cannot open %s: %s", path, strerror(errno));
	close(dfd);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1) {
		close(fd);
		return sfw_fail(EPERM, "%s is not a regular file of ours with one name: refusing "
				"to write a log into it", path);
	}
	fcntl(fd, F_SETFL, O_APPEND);   /* no O_NONBLOCK once it is a plain file */
	return fd;
}

/* The mark's layout, numbered: another one (an older sfw's) is not read. */
#define SFW_LOG_MARK_MAGIC 0x73666d03u   /* 03: the 208-byte event */

static __u64 file_end(int fd)
{
	struct stat st;

	return fd >= 0 && !fstat(fd, &st) ? (__u64)st.st_size : 0;
}

static void read_ends(struct sfw_log_sinks *s)
{
	for (int k = 0; k < SFW_SINK_FILES; k++)
		s->end[k] = file_end(s->fd[k]);
}

int sfw_sinks_open(struct sfw_log_sinks *s, const struct sfw_log_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->syslog_fd = s->fd[SFW_SINK_FILE] = s->fd[SFW_SINK_JSON] = -1;
	s->stdout_text = o->stdout_text;
	s->scratch = malloc(sizeof(*s->scratch));
	if (!s->scratch)
		return sfw_fail(ENOMEM, "out of memory");
	if (o->syslog) {
		s->syslog = true;
		s->syslog_path = o->syslog_path ? o->syslog_path : "/dev/log";
		s->syslog_fd = open_syslog(s->syslog_path);
		/* optional: a syslog that is not there yet, never a bad name */
		if (s->syslog_fd < 0 && (!o->syslog_optional || s->syslog_fd == -ENAMETOOLONG)) {
			int err = s->syslog_fd;

			sfw_sinks_close(s);
			return err;
		}
	}
	if (o->file && (s->fd[SFW_SINK_FILE] = open_log_fd(o->file)) < 0)
		goto fail;
	if (o->json_file && !strcmp(o->json_file, "-")) {
		s->fd[SFW_SINK_JSON] = STDOUT_FILENO;
		s->json_is_stdout = true;
	} else if (o->json_file && (s->fd[SFW_SINK_JSON] = open_log_fd(o->json_file)) < 0) {
		goto fail;
	}
	read_ends(s);
	return 0;
fail:
	sfw_sinks_close(s);
	return -EIO;
}

int sfw_sinks_mark(struct sfw_log_sinks *s, const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct sfw_log_mark *m;

	if (fd < 0)
		return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
	m = ftruncate(fd, sizeof(*m)) ? MAP_FAILED
		: mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		int err = errno;

		close(fd);
		return sfw_fail(err, "cannot map %s: %s", path, strerror(err));
	}
	close(fd);   /* the mapping holds the file */
	free(s->prev);
	s->prev = NULL;
	if (m->magic == SFW_LOG_MARK_MAGIC && m->writing && (s->prev = malloc(sizeof(*m))))
		memcpy(s->prev, m, sizeof(*m));
	m->magic = SFW_LOG_MARK_MAGIC;
	s->mark = m;
	return 0;
}

void sfw_sinks_unmark(struct sfw_log_sinks *s)
{
	if (!s->mark)
		return;
	/* a record the last daemon was writing and this one never met (it
	 * stopped before reading that ring) is still for the next one */
	if (s->prev)
		memcpy(s->mark, s->prev, sizeof(*s->mark));
	else
		__atomic_store_n(&s->mark->writing, 0, __ATOMIC_RELEASE);
	munmap(s->mark, sizeof(*s->mark));
	s->mark = NULL;
}

/* The record the last daemon was writing when it stopped, met again at
 * the head of its ring: a log file already holding its line where it went
 * (at that very offset: an equal line before it is another event's) gets
 * it no second time. */
static void skip_written(struct sfw_log_sinks *s, const struct sfw_event *e,
			 const struct sfw_ring_at *at, bool skip[SFW_SINK_FILES])
{
	const struct sfw_log_mark *p = s->prev;
	char buf[SFW_LOG_LINE_MAX];

	if (!p || !at || p->at.ring != at->ring || p->at.pos != at->pos ||
	    memcmp(&p->ev, e, sizeof(*e)))
		return;
	for (int k = 0; k < SFW_SINK_FILES; k++) {
		__u32 n = p->line[k].len;

		skip[k] = s->fd[k] >= 0 && n && n <= sizeof(buf) &&
			  pread(s->fd[k], buf, n, (off_t)p->line[k].off) == (ssize_t)n &&
			  !memcmp(buf, p->line[k].text, n);
	}
	free(s->prev);
	s->prev = NULL;
}

/* All of it, or counted as failed; the file's end is read again then. */
static void put_line(struct sfw_log_sinks *s, int k, int fd, const char *line, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = write(fd, line + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	if (done < n)
		s->failed++;
	if (k >= 0)
		s->end[k] = done < n ? file_end(fd) : s->end[k] + n;
}

/* The line of sink k formatted into the mark (or scratch), with its
 * newline, and the offset it goes to. */
static __u32 format_line(struct sfw_log_sinks *s, struct sfw_log_mark *m, int k,
			 const struct sfw_event *e, const struct sfw_log_env *env)
{
	char *t = m->line[k].text;
	int n = k == SFW_SINK_JSON ? sfw_log_json(t, SFW_LOG_LINE_MAX - 1, e, env)
		: env->form == SFW_LOG_SYSLOG ? sfw_log_syslog_plain(t, SFW_LOG_LINE_MAX - 1, e, env)
		: sfw_log_syslog(t, SFW_LOG_LINE_MAX - 1, e, env);

	t[n] = '\n';
	m->line[k].off = s->end[k];
	return m->line[k].len = (__u32)n + 1;
}

void sfw_sinks_write(struct sfw_log_sinks *s, const struct sfw_event *e,
		     const struct sfw_log_env *env, const struct sfw_ring_at *at)
{
	struct sfw_log_mark *m = s->mark && at ? s->mark : s->scratch;
	bool skip[SFW_SINK_FILES] = { false, false }, json = s->fd[SFW_SINK_JSON] >= 0;
	__u32 n, nj = 0;

	skip_written(s, e, at, skip);
	/* a SIGKILL may come between any two stores: the mark is valid
	 * (writing) only once all of it is */
	__atomic_store_n(&m->writing, 0, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (at)
		m->at = *at;
	memcpy(&m->ev, e, sizeof(*e));
	n = format_line(s, m, SFW_SINK_FILE, e, env);
	if (s->fd[SFW_SINK_FILE] < 0)
		m->line[SFW_SINK_FILE].len = 0;
	m->line[SFW_SINK_JSON].len = 0;
	if (json)
		nj = format_line(s, m, SFW_SINK_JSON, e, env);
	__atomic_store_n(&m->writing, 1, __ATOMIC_RELEASE);

	/* MSG_DONTWAIT: a syslog daemon that stops reading loses lines,
	 * it never stops us; one that went away is reconnected later */
	if (s->syslog && (s->syslog_fd < 0 ||
			  send(s->syslog_fd, m->line[SFW_SINK_FILE].text, n - 1, MSG_DONTWAIT) < 0)) {
		s->failed++;
		if (s->syslog_fd >= 0 && errno != EAGAIN && errno != ENOBUFS) {
			close(s->syslog_fd);
			s->syslog_fd = -1;
		}
	}
	if (s->fd[SFW_SINK_FILE] >= 0 && !skip[SFW_SINK_FILE])
		put_line(s, SFW_SINK_FILE, s->fd[SFW_SINK_FILE], m->line[SFW_SINK_FILE].text, n);
	if (s->stdout_text)
		put_line(s, -1, STDOUT_FILENO, m->line[SFW_SINK_FILE].text, n);
	if (json && !skip[SFW_SINK_JSON])
		put_line(s, SFW_SINK_JSON, s->fd[SFW_SINK_JSON], m->line[SFW_SINK_JSON].text, nj);
	s->written++;
}

void sfw_sinks_retry(struct sfw_log_sinks *s)
{
	if (s->syslog && s->syslog_fd < 0)
		s->syslog_fd = open_syslog(s->syslog_path);
	read_ends(s);
}

void sfw_sinks_close(struct sfw_log_sinks *s)
{
	if (s->syslog_fd >= 0)
		close(s->syslog_fd);
	for (int k = 0; k < SFW_SINK_FILES; k++)
		if (s->fd[k] >= 0 && !(k == SFW_SINK_JSON && s->json_is_stdout))
			close(s->fd[k]);
	if (s->mark)
		munmap(s->mark, sizeof(*s->mark));
	free(s->prev);
	free(s->scratch);
	memset(s, 0, sizeof(*s));
	s->syslog_fd = s->fd[SFW_SINK_FILE] = s->fd[SFW_SINK_JSON] = -1;
}

static const char *live_ifname(__u32 ifindex, char *buf, void *arg)
{
	return ifindex ? if_indextoname(ifindex, buf) : NULL;
}

static bool live_name(__u32 kind, __u32 id, char *buf, size_t len, void *arg)
{
	return sfw_name_lookup(kind, id, buf, len);
}

/* The zone of an interface in the generation now in force. */
static bool live_zone(__u32 ifindex, char *buf, size_t len, void *arg)
{
	static int fd = -1;
	struct sfw_config cfg;
	struct sfw_zone_key k = { .ifindex = ifindex };
	__u32 zone;

	if (fd < 0)
		fd = sfw_open_map(SFW_STR(SFW_MAP_ZONES));
	if (fd < 0 || sfw_config_read(&cfg))
		return false;
	k.gen = cfg.gen & 1;
	if (bpf_map_lookup_elem(fd, &k, &zone))
		return false;
	return sfw_name_lookup(SFW_NAME_ZONE, zone, buf, len);
}

void sfw_log_env_clock(struct sfw_log_env *env)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	env->realtime_offset_ns = ((__s64)rt.tv_sec - mono.tv_sec) * 1000000000ll +
				  ((__s64)rt.tv_nsec - mono.tv_nsec);
}

void sfw_log_env_live(struct sfw_log_env *env)
{
	static char host[256];

	memset(env, 0, sizeof(*env));
	if (gethostname(host, sizeof(host) - 1))
		snprintf(host, sizeof(host), "-");
	env->hostname = host;
	env->ifname = live_ifname;
	env->name = live_name;
	env->zone = live_zone;
	sfw_log_env_clock(env);
}
