/* The shared candidate of plain `configure` (docs/cli.md "One candidate
 * for every shell"): DIR/.candidate, read and written only under the
 * store's lock (the one commits take), replaced whole by a rename so a
 * shell killed mid-write leaves the old text or the new. The file keeps
 * the active text it was edited from (its base) beside the candidate:
 * a candidate still equal to its base has no change of its own and
 * follows the active configuration when a commit elsewhere (a file
 * commit, a private one, commit confirmed's timer) replaces it.
 * Layout: "sfw-candidate BASELEN CANDLEN SHA256\n", the base, then the
 * candidate; the digest is of both. A file that is not whole, not in this
 * layout, not this user's or writable by others is refused, never read
 * as a smaller candidate or as none (docs/cli.md "A damaged shared
 * candidate"): 'rollback 0' replaces it. */
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
#include "lock_file.h"

#define PATH_LEN 4096
#define MAGIC "sfw-candidate "
#define HEX_LEN (2 * SFW_CONF_DIGEST_LEN)

static int shared_path(char *buf, size_t len)
{
	return sfw_path(buf, len, "%s/.candidate", sfw_conf_dir());
}

/* Temporary files of a writer killed before its rename: every writer
 * holds the lock, so under it they are all stale. */
static void remove_stale(void)
{
	DIR *d = opendir(sfw_conf_dir());
	struct dirent *e;
	char path[PATH_LEN];

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, ".candidate.", strlen(".candidate.")) &&
		    !sfw_path(path, sizeof(path), "%s/%s", sfw_conf_dir(), e->d_name))
			unlink(path);
	if (d)
		closedir(d);
}

int sfw_conf_lock(void)
{
	char path[PATH_LEN];
	int fd = conf_make_dir(sfw_conf_dir());

	if (fd)
		return fd;
	if (sfw_path(path, sizeof(path), "%s/.lock", sfw_conf_dir()))
		return -ENAMETOOLONG;
	fd = sfw_lock_file(path);
	if (fd >= 0)
		remove_stale();
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

static void hex(const __u8 *d, char *out)
{
	for (int k = 0; k < SFW_CONF_DIGEST_LEN; k++)
		sprintf(out + 2 * k, "%02x", d[k]);
}

/* The header of base + cand, "" when the digest cannot be computed. */
static void header(char *buf, size_t len, const char *base, const char *cand)
{
	size_t blen = strlen(base), clen = strlen(cand);
	char *both = malloc(blen + clen + 1), h[HEX_LEN + 1];
	__u8 d[SFW_CONF_DIGEST_LEN];

	buf[0] = '\0';
	if (!both)
		return;
	memcpy(both, base, blen);
	memcpy(both + blen, cand, clen + 1);
	if (!sfw_conf_digest(both, blen + clen, d)) {
		hex(d, h);
		snprintf(buf, len, MAGIC "%zu %zu %s\n", blen, clen, h);
	}
	free(both);
}

/* base and candidate out of the file's text: 0, -ENOMEM, or -EBADMSG
 * (why in *why): not whole, or not our layout. */
static int split(struct sfw_shared *s, const char *text, size_t len, const char **why)
{
	char *end, h[HEX_LEN + 1];
	unsigned long blen, clen;
	__u8 d[SFW_CONF_DIGEST_LEN];
	size_t hlen;

	*why = "not an sfw candidate";
	if (memchr(text, '\0', len) || len < strlen(MAGIC) || strncmp(text, MAGIC, strlen(MAGIC)))
		return -EBADMSG;
	blen = strtoul(text + strlen(MAGIC), &end, 10);
	if (*end != ' ')
		return -EBADMSG;
	clen = strtoul(end + 1, &end, 10);
	if (*end != ' ' || strspn(end + 1, "0123456789abcdef") != HEX_LEN || end[1 + HEX_LEN] != '\n')
		return -EBADMSG;
	hlen = (size_t)(end + 2 + HEX_LEN - text);
	*why = "cut short or grown";
	if (blen > len || clen > len || hlen + blen + clen != len)
		return -EBADMSG;
	*why = "its checksum does not match";
	if (sfw_conf_digest(text + hlen, blen + clen, d))
		return -EBADMSG;
	hex(d, h);
	if (strncmp(h, end + 1, HEX_LEN))
		return -EBADMSG;
	s->base = strndup(text + hlen, blen);
	s->cand = strndup(text + hlen + blen, clen);
	if (!s->base || !s->cand) {
		sfw_shared_free(s);
		return -ENOMEM;
	}
	return 0;
}

/* The file, only when it is this user's regular file, writable by nobody
 * else (another user may write in a sticky directory: docs/cli.md).
 * -ENOENT none; -EBADMSG refused (why in *why). */
static int read_owned(const char *path, char **text, size_t *len, const char **why)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY), err;

	if (fd < 0 && errno == ELOOP) {
		*why = "a symbolic link";
		return -EBADMSG;
	}
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : sfw_fail(errno, "cannot read %s: %s", path,
							      strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022)) {
		close(fd);
		*why = "not a file of this user's, or writable by others";
		return -EBADMSG;
	}
	err = conf_read_fd(fd, path, text, len);
	close(fd);
	return err;
}

static int damaged(const char *path, const char *why)
{
	return sfw_fail(EBADMSG, "the shared candidate %s is damaged (%s): 'rollback 0' in "
			"configuration mode discards it", path, why);
}

/* The file's base and candidate: 0, -ENOENT none, -EBADMSG said, -errno. */
static int read_shared(struct sfw_shared *s, const char *path)
{
	char *text = NULL;
	const char *why = "";
	size_t len = 0;
	int err = read_owned(path, &text, &len, &why);

	if (!err)
		err = split(s, text, len, &why);
	free(text);
	return err == -EBADMSG ? damaged(path, why) : err;
}

int sfw_shared_read(struct sfw_shared *s, const char *active)
{
	char path[PATH_LEN];
	int err;

	s->base = s->cand = NULL;
	if ((err = shared_path(path, sizeof(path))))
		return err;
	err = read_shared(s, path);
	if (err == -ENOENT)
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

int sfw_shared_write(const struct sfw_shared *s)
{
	char path[PATH_LEN], tmp[PATH_LEN], head[128];
	int fd, err;

	if ((err = shared_path(path, sizeof(path))) ||
	    (err = sfw_path(tmp, sizeof(tmp), "%s.XXXXXX", path)))
		return err;
	if (!sfw_shared_changed(s))
		return sfw_shared_reset();
	fd = mkstemp(tmp);
	if (fd < 0)
		return sfw_fail(errno, "cannot create %s: %s", tmp, strerror(errno));
	header(head, sizeof(head), s->base, s->cand);
	err = head[0] ? conf_write_all(fd, head, strlen(head)) : -EIO;
	if (!err)
		err = conf_write_all(fd, s->base, strlen(s->base));
	if (!err)
		err = conf_write_all(fd, s->cand, strlen(s->cand));
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

/* DIR/.editors: this user's directory, writable by nobody else, never a
 * link (another user's could steer where root writes). */
static int editors_dir(const char *dir)
{
	struct stat st;

	if (mkdir(sfw_conf_dir(), 0755) && errno != EEXIST)
		return -errno;
	if (mkdir(dir, 0755) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", dir, strerror(errno));
	if (lstat(dir, &st))
		return sfw_fail(errno, "cannot read %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return sfw_fail(EPERM, "%s is not a directory of this user's, or is writable by "
				"others: not used", dir);
	return 0;
}

int sfw_editor_enter(const char *line)
{
	char dir[PATH_LEN], path[PATH_LEN], tmp[PATH_LEN];
	int fd, err;

	if ((err = editor_path(dir, sizeof(dir), -1)) ||
	    (err = editor_path(path, sizeof(path), (long)getpid())) ||
	    (err = sfw_path(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path)))
		return err;
	if ((err = editors_dir(dir)))
		return err;
	fd = mkstemp(tmp);      /* O_CREAT|O_EXCL: never a planted name */
	if (fd < 0)
		return sfw_fail(errno, "cannot create %s: %s", tmp, strerror(errno));
	err = conf_write_all(fd, line, strlen(line));
	if (!err && fchmod(fd, 0644))
		err = -errno;
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

		const char *why;

		if ((*end && strncmp(end, ".tmp.", 5)) || pid <= 0 || pid == (long)getpid() ||
		    sfw_path(path, sizeof(path), "%s/%s", dir, e->d_name))
			continue;
		if (gone(pid)) {         /* its file, or a temporary one a kill -9 left */
			unlink(path);
			continue;
		}
		if (*end || read_owned(path, &text, &len, &why))
			continue;
		if (!n++)
			fputs("Users currently editing the configuration:\n", f);
		fwrite(text, 1, len, f);
		free(text);
	}
	closedir(d);
	return n;
}

int conf_shared_pending(void)
{
	struct sfw_shared s = { 0 };
	char path[PATH_LEN];
	int err = shared_path(path, sizeof(path));

	if (!err)
		err = read_shared(&s, path);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	err = sfw_shared_changed(&s);
	sfw_shared_free(&s);
	return err;
}
