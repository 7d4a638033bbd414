/* The shared candidate of plain `configure` (docs/cli.md "One candidate
 * for every shell"): DIR/.candidate, read and written only under the
 * store's lock (the one commits take), replaced whole by a rename so a
 * shell killed mid-write leaves the old text or the new. The file keeps
 * the active text it was edited from (its base) beside the candidate:
 * a candidate still equal to its base has no change of its own and
 * follows the active configuration when a commit elsewhere (a file
 * commit, a private one, commit confirmed's timer) replaces it.
 * Layout: "sfw-candidate BASELEN\n", the base, then the candidate. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "candidate.h"
#include "conf_int.h"
#include "err.h"

#define PATH_LEN 4096
#define MAGIC "sfw-candidate "

static int shared_path(char *buf, size_t len)
{
	return sfw_path(buf, len, "%s/.candidate", sfw_conf_dir());
}

int sfw_conf_lock(void)
{
	char path[PATH_LEN];
	int fd;

	if (mkdir(sfw_conf_dir(), 0755) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", sfw_conf_dir(), strerror(errno));
	if (sfw_path(path, sizeof(path), "%s/.lock", sfw_conf_dir()))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
	while (flock(fd, LOCK_EX))
		if (errno != EINTR) {
			int err = sfw_fail(errno, "cannot lock %s: %s", path, strerror(errno));

			close(fd);
			return err;
		}
	return fd;
}

void sfw_conf_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

void sfw_shared_free(struct sfw_shared *s)
{
	free(s->base);
	free(s->cand);
	s->base = s->cand = NULL;
}

static int resolve_clean(struct sfw_shared *s, const char *active)
{
	sfw_shared_free(s);
	s->base = strdup(active);
	s->cand = strdup(active);
	if (!s->base || !s->cand) {
		sfw_shared_free(s);
		return -ENOMEM;
	}
	return 0;
}

/* base and candidate out of the file's text; -EINVAL: not our layout. */
static int split(struct sfw_shared *s, const char *text, size_t len)
{
	char *end;
	unsigned long blen;

	if (len < strlen(MAGIC) || strncmp(text, MAGIC, strlen(MAGIC)))
		return -EINVAL;
	blen = strtoul(text + strlen(MAGIC), &end, 10);
	if (*end != '\n' || blen > len - (size_t)(end + 1 - text))
		return -EINVAL;
	end++;
	s->base = strndup(end, blen);
	s->cand = strndup(end + blen, len - (size_t)(end - text) - blen);
	if (!s->base || !s->cand) {
		sfw_shared_free(s);
		return -ENOMEM;
	}
	return 0;
}

int sfw_shared_read(struct sfw_shared *s, const char *active)
{
	char path[PATH_LEN], *text = NULL;
	size_t len = 0;
	int err;

	s->base = s->cand = NULL;
	if ((err = shared_path(path, sizeof(path))))
		return err;
	err = conf_read_file(path, &text, &len);
	if (err == -ENOENT)
		return resolve_clean(s, active);
	if (err)
		return sfw_fail(-err, "cannot read %s: %s", path, strerror(-err));
	err = split(s, text, len);
	free(text);
	if (err == -EINVAL)        /* not ours: the active text, as with none */
		return resolve_clean(s, active);
	if (err)
		return err;
	if (!strcmp(s->cand, s->base) || !strcmp(s->cand, active))
		return resolve_clean(s, active);
	return 0;
}

bool sfw_shared_changed(const struct sfw_shared *s)
{
	return strcmp(s->cand, s->base) != 0;
}

static int write_fd(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int sfw_shared_write(const struct sfw_shared *s)
{
	char path[PATH_LEN], tmp[PATH_LEN], head[64];
	int fd, err;

	if ((err = shared_path(path, sizeof(path))) ||
	    (err = sfw_path(tmp, sizeof(tmp), "%s.XXXXXX", path)))
		return err;
	if (!sfw_shared_changed(s))
		return sfw_shared_reset();
	fd = mkstemp(tmp);
	if (fd < 0)
		return sfw_fail(errno, "cannot create %s: %s", tmp, strerror(errno));
	snprintf(head, sizeof(head), MAGIC "%zu\n", strlen(s->base));
	err = write_fd(fd, head, strlen(head));
	if (!err)
		err = write_fd(fd, s->base, strlen(s->base));
	if (!err)
		err = write_fd(fd, s->cand, strlen(s->cand));
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		return sfw_fail(-err, "cannot write %s: %s", path, strerror(-err));
	}
	return 0;
}

int sfw_shared_reset(void)
{
	char path[PATH_LEN];
	int err = shared_path(path, sizeof(path));

	if (err)
		return err;
	if (unlink(path) && errno != ENOENT)
		return sfw_fail(errno, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

/* DIR/.editors/PID: who is in configuration mode, as `status` shows. */
static int editor_path(char *buf, size_t len, long pid)
{
	if (pid < 0)
		return sfw_path(buf, len, "%s/.editors", sfw_conf_dir());
	return sfw_path(buf, len, "%s/.editors/%ld", sfw_conf_dir(), pid);
}

int sfw_editor_enter(const char *line)
{
	char dir[PATH_LEN], path[PATH_LEN], tmp[PATH_LEN];
	int fd, err;

	if ((err = editor_path(dir, sizeof(dir), -1)) ||
	    (err = editor_path(path, sizeof(path), (long)getpid())) ||
	    (err = sfw_path(tmp, sizeof(tmp), "%s.tmp", path)))
		return err;
	if (mkdir(sfw_conf_dir(), 0755) && errno != EEXIST)
		return -errno;
	if (mkdir(dir, 0755) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", dir, strerror(errno));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return sfw_fail(errno, "cannot create %s: %s", tmp, strerror(errno));
	err = write_fd(fd, line, strlen(line));
	close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

void sfw_editor_leave(void)
{
	char path[PATH_LEN];

	if (!editor_path(path, sizeof(path), (long)getpid()))
		unlink(path);
}

/* A shell killed in configuration mode left its file: its pid is gone. */
static bool gone(long pid)
{
	return kill((pid_t)pid, 0) && errno == ESRCH;
}

int sfw_editor_list(FILE *f)
{
	char dir[PATH_LEN], path[PATH_LEN];
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (editor_path(dir, sizeof(dir), -1) || !(d = opendir(dir)))
		return 0;
	while ((e = readdir(d))) {
		char *end, *text = NULL;
		size_t len = 0;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0 || pid == (long)getpid() ||
		    editor_path(path, sizeof(path), pid))
			continue;
		if (gone(pid)) {
			unlink(path);
			continue;
		}
		if (conf_read_file(path, &text, &len))
			continue;
		if (!n++)
			fputs("Users currently editing the configuration:\n", f);
		fwrite(text, 1, len, f);
		free(text);
	}
	closedir(d);
	return n;
}

bool conf_shared_modified(void)
{
	struct sfw_shared s = { 0 };
	char path[PATH_LEN], *text = NULL;
	size_t len = 0;
	bool changed = false;

	if (shared_path(path, sizeof(path)) || conf_read_file(path, &text, &len))
		return false;
	if (!split(&s, text, len))
		changed = sfw_shared_changed(&s);
	sfw_shared_free(&s);
	free(text);
	return changed;
}
