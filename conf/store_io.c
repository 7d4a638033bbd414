/* The store's file primitives (conf/store.c, conf/confirm_file.c): a file
 * is written beside its destination and synced, then renamed onto it, so
 * a reader or a crash sees the old file or the new one, whole. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "conf_int.h"
#include "err.h"


int conf_make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", path, strerror(errno));
	return 0;
}

int conf_write_all(int fd, const char *text, size_t len)
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

/* DIR/.NAME.XXXXXX holding text, synced; its name in tmp. */
static int write_temp(const char *dir, const char *name, const char *text, size_t len,
		      char *tmp)
{
	int fd, err;

	if (sfw_path(tmp, CONF_PATH_LEN, "%s/.%s.XXXXXX", dir, name))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return sfw_fail(errno, "cannot create a file in %s: %s", dir, strerror(errno));
	err = conf_write_all(fd, text, len);
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

int conf_write_temp(const char *dir, const char *text, size_t len, char *tmp)
{
	return write_temp(dir, SFW_CONF_FILE, text, len, tmp);
}

/* path written as its temporary name says: tmp_name for .NAME.XXXXXX. */
static int write_file(const char *path, const char *tmp_name, const char *text, size_t len)
{
	char tmp[CONF_PATH_LEN], dir[CONF_PATH_LEN];
	const char *slash = strrchr(path, '/');
	int err = slash ? sfw_path(dir, sizeof(dir), "%.*s", (int)(slash - path), path)
			: sfw_path(dir, sizeof(dir), ".");

	if (!err)
		err = write_temp(dir, tmp_name, text, len, tmp);
	if (!err && rename(tmp, path)) {
		err = sfw_fail(errno, "cannot rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
	}
	return err;
}

/* A copy, for filesystems without hard links and between filesystems:
 * written beside its destination, then renamed onto it. */
int conf_write_file(const char *path, const char *text, size_t len)
{
	return write_file(path, SFW_CONF_FILE, text, len);
}

int conf_write_own_file(const char *path, const char *text, size_t len)
{
	const char *slash = strrchr(path, '/');

	return write_file(path, slash ? slash + 1 : path, text, len);
}

int conf_copy_file(const char *from, const char *to)
{
	char *text = NULL;
	size_t len = 0;
	int err = conf_read_file(from, &text, &len);

	if (!err)   /* ENOENT: no active file to keep */
		err = conf_write_file(to, text, len);
	free(text);
	return err;
}

/* Does the file at a hold what the file at b holds (the same inode, or
 * the same bytes: .previous may be a copy)? */
bool conf_same_file(const char *a, const char *b)
{
	char *ta = NULL, *tb = NULL;
	size_t la = 0, lb = 0;
	struct stat sa, sb;
	bool same;

	if (!stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
		return true;
	same = !conf_read_file(a, &ta, &la) && !conf_read_file(b, &tb, &lb) && la == lb &&
	       !memcmp(ta, tb, la);
	free(ta);
	free(tb);
	return same;
}

int conf_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	fsync(fd);
	close(fd);
	return 0;
}
