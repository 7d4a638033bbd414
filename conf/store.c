/* Commit storage: the active configuration file and its predecessors, as
 * Junos keeps rollback 0..49. The new file is written beside the active
 * one and renamed over it, so a reader (or a crash) sees the old file or
 * the new one, whole. Nothing is touched until the new text is safely on
 * disk: a commit that fails leaves the directory as it was. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "conf_int.h"
#include "err.h"

#define PATH_LEN 4096

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", path, strerror(errno));
	return 0;
}

static int write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t w = write(fd, text, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		text += w;
		len -= (size_t)w;
	}
	return 0;
}

/* DIR/.sfw.conf.XXXXXX holding text, synced; its name in tmp. */
static int write_temp(const char *dir, const char *text, size_t len, char *tmp)
{
	int fd, err;

	if (sfw_path(tmp, PATH_LEN, "%s/.%s.XXXXXX", dir, SFW_CONF_FILE))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return sfw_fail(errno, "cannot create a file in %s: %s", dir, strerror(errno));
	err = write_all(fd, text, len);
	if (!err && (fchmod(fd, 0644) || fsync(fd)))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (err) {
		unlink(tmp);
		return sfw_fail(-err, "cannot write %s: %s", tmp, strerror(-err));
	}
	return 0;
}

/* A copy of the active file for filesystems without hard links. */
static int copy_file(const char *from, const char *to)
{
	char tmp[PATH_LEN], dir[PATH_LEN];
	char *text = NULL;
	size_t len = 0;
	int err = conf_read_file(from, &text, &len);

	if (err)
		return err;   /* ENOENT: no active file to keep */
	err = sfw_path(dir, sizeof(dir), "%s/rollback", sfw_conf_dir());
	if (!err)
		err = write_temp(dir, text, len, tmp);
	if (!err && rename(tmp, to)) {
		err = sfw_fail(errno, "cannot rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
	}
	free(text);
	return err;
}

/* rollback n -> n+1 from the oldest down, then the active file -> 1 (by a
 * hard link: the active file stays in place until the rename replaces it). */
static int rotate(void)
{
	char from[PATH_LEN], to[PATH_LEN];
	int err;

	for (int n = SFW_CONF_ROLLBACK_MAX - 1; n >= 1; n--) {
		if ((err = sfw_conf_rollback_path(n, from, sizeof(from))) ||
		    (err = sfw_conf_rollback_path(n + 1, to, sizeof(to))))
			return err;
		if (rename(from, to) && errno != ENOENT)
			return sfw_fail(errno, "cannot rename %s: %s", from, strerror(errno));
	}
	if ((err = sfw_conf_rollback_path(0, from, sizeof(from))) ||
	    (err = sfw_conf_rollback_path(1, to, sizeof(to))))
		return err;
	if (unlink(to) && errno != ENOENT)
		return sfw_fail(errno, "cannot remove %s: %s", to, strerror(errno));
	if (!link(from, to) || errno == ENOENT)
		return 0;
	if (errno != EPERM && errno != EXDEV && errno != EOPNOTSUPP && errno != EMLINK)
		return sfw_fail(errno, "cannot link %s: %s", to, strerror(errno));
	err = copy_file(from, to);
	return err == -ENOENT ? 0 : err;
}

static int lock_dir(const char *dir)
{
	char path[PATH_LEN];
	int fd;

	if (sfw_path(path, sizeof(path), "%s/.lock", dir))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			int err = sfw_fail(errno, "cannot lock %s: %s", path, strerror(errno));

			close(fd);
			return err;
		}
	}
	return fd;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	fsync(fd);
	close(fd);
	return 0;
}

static int store_text(const char *text, size_t len)
{
	const char *dir = sfw_conf_dir();
	char sub[PATH_LEN], tmp[PATH_LEN], active[PATH_LEN];
	int lock, err;

	if ((err = sfw_path(sub, sizeof(sub), "%s/rollback", dir)) ||
	    (err = make_dir(dir)) || (err = make_dir(sub)) ||
	    (err = sfw_conf_active_path(active, sizeof(active))))
		return err;
	lock = lock_dir(dir);
	if (lock < 0)
		return lock;
	err = write_temp(dir, text, len, tmp);
	if (!err && (err = rotate()))
		unlink(tmp);
	if (!err && rename(tmp, active)) {
		err = sfw_fail(errno, "cannot rename %s to %s: %s", tmp, active, strerror(errno));
		unlink(tmp);
	}
	if (!err) {
		sync_dir(sub);
		sync_dir(dir);
	}
	close(lock);
	return err;
}

int sfw_conf_store(const struct sfw_conf *conf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	if (conf->source)
		return store_text(conf->source, conf->source_len);
	/* Built in memory rather than read: store its canonical form. */
	f = open_memstream(&text, &len);
	if (!f)
		return sfw_fail(errno, "cannot print the configuration: %s", strerror(errno));
	err = sfw_conf_print(conf, f);
	if (fclose(f) && !err)
		err = -EIO;
	if (!err)
		err = store_text(text, len);
	else
		err = sfw_fail(-err, "cannot print the configuration: %s", strerror(-err));
	free(text);
	return err;
}

int sfw_conf_load_rollback(struct sfw_conf *conf, int n, struct sfw_conf_errors *errs)
{
	char path[PATH_LEN];
	int err = sfw_conf_rollback_path(n, path, sizeof(path));

	if (err)
		return err;
	if (access(path, F_OK))
		return sfw_fail(errno, "rollback %d: %s: %s", n, path,
				errno == ENOENT ? "no such configuration" : strerror(errno));
	return sfw_conf_parse_file(conf, path, errs);
}

int sfw_conf_commit_file(const char *path, sfw_conf_apply_fn apply, void *ctx,
			 struct sfw_conf *out, struct sfw_conf_errors *errs)
{
	struct sfw_conf conf;
	int err = sfw_conf_init(&conf);

	if (!err)
		err = sfw_conf_parse_file(&conf, path, errs);
	if (!err && apply)
		err = apply(&conf, ctx);
	if (!err)
		err = sfw_conf_store(&conf);
	if (!err && out)
		*out = conf;
	else
		sfw_conf_free(&conf);
	return err;
}
