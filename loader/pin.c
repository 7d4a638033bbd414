/* The pin root: where maps and links live between commands. */
#define _GNU_SOURCE   /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <limits.h>
#include <linux/magic.h>
#include "loader.h"
#include "maps.h"

static int lock_fd = -1;

/* SFW_PIN_ROOT in the environment moves everything (tests run beside a
 * live instance that way). */
const char *sfw_pin_root(void)
{
	const char *env = getenv("SFW_PIN_ROOT");

	return env && *env ? env : SFW_PIN_ROOT;
}

int sfw_pin_root_check(void)
{
	const char *root = sfw_pin_root();

	if (strlen(root) <= SFW_PIN_ROOT_MAX)
		return 0;
	return sfw_fail(ENAMETOOLONG, "pin root %s is %zu bytes long: at most %d",
			SFW_Q(root), strlen(root), SFW_PIN_ROOT_MAX);
}

int sfw_pin_path(char *buf, size_t len, const char *name)
{
	int err = sfw_pin_root_check();

	return err ? err : sfw_path(buf, len, "%s/%s", sfw_pin_root(), name);
}

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

/* Something mounted on path already (another device than its parent's)? */
static bool is_mountpoint(const char *path)
{
	struct stat here, up;
	char parent[PATH_MAX];

	snprintf(parent, sizeof(parent), "%s/..", path);
	return stat(path, &here) || stat(parent, &up) || here.st_dev != up.st_dev;
}

/* Is the directory st the root of the system's shared bpffs, the one at
 * SFW_BPFFS (or a bind mount of it, which has the same device and inode)?
 * Every BPF user pins there (systemd, tc, bpftool, other agents), and
 * sfw's names would land beside theirs with nothing to tell them apart:
 * `detach all` could not tell which sfw_* entries are its own, and the
 * pin root's lock would be a directory everyone shares. A bpffs mounted
 * for sfw alone on its pin root (mount -t bpf -o mode=0700 bpf
 * /sys/fs/bpf/sfw) is a mount root too, but one no one else pins in: it
 * is accepted, as it was before 5a65696, which refused every mount root.
 * Going by identity rather than by "a mount root whose parent is not on
 * bpffs" also accepts a private bpffs mounted elsewhere for sfw (by
 * SFW_PIN_ROOT, which only root sets). */
static bool is_shared_bpffs(const struct stat *st)
{
	struct stat shared;

	return !stat(SFW_BPFFS, &shared) && shared.st_dev == st->st_dev && shared.st_ino == st->st_ino;
}

/* The pin root must live on bpffs. sfw mounts bpffs in one place only, its
 * usual one (SFW_BPFFS), and only when nothing is mounted there: never over
 * a directory SFW_PIN_ROOT happens to name (docs/security.md). */
static int ensure_bpffs(const char *root, const char *parent)
{
	size_t n = strlen(SFW_BPFFS);

	if (is_bpffs(parent) || is_bpffs(root))
		return 0;
	if (!strncmp(root, SFW_BPFFS, n) && (root[n] == '/' || !root[n]) &&
	    !is_mountpoint(SFW_BPFFS) &&
	    mount("bpf", SFW_BPFFS, "bpf", 0, "mode=0700"))
		return sfw_fail(errno, "bpffs unavailable: cannot mount it on %s: %s",
				SFW_BPFFS, strerror(errno));
	if (!is_bpffs(parent) && !is_bpffs(root))
		return sfw_fail(ENOTSUP, "SFW_PIN_ROOT %s is not on a bpf filesystem: expected a "
				"directory under a bpffs mount such as %s", root, SFW_BPFFS);
	return 0;
}

/* The directory the root is in: root's, and if others may create names
 * in it, sticky (bpffs is 1777 unless mounted with mode=), so that no one
 * else can rename or remove the root once it is ours. */
static int check_parent(const char *root, const char *parent)
{
	struct stat st;

	if (stat(parent, &st))
		return sfw_fail(errno, "cannot read %s: %s", parent, strerror(errno));
	if (st.st_uid != geteuid() ||
	    ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)))
		return sfw_fail(EPERM, "SFW_PIN_ROOT %s is in %s, which another user may change "
				"(owner %u, mode %04o): expected a directory of ours, sticky if "
				"others may write it", root, parent, (unsigned)st.st_uid,
				(unsigned)(st.st_mode & 07777));
	return 0;
}

/* The root itself: a real directory (never a symbolic link to elsewhere)
 * on bpffs that only we may change, since every pin sfw trusts is in it. */
static int check_root(const char *root, const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		return sfw_fail(ELOOP, "SFW_PIN_ROOT %s is a symbolic link: expected a directory",
				root);
	if (!S_ISDIR(st->st_mode))
		return sfw_fail(ENOTDIR, "SFW_PIN_ROOT %s is not a directory", root);
	if (!is_bpffs(root))
		return sfw_fail(ENOTSUP, "SFW_PIN_ROOT %s is not on a bpf filesystem: expected a "
				"directory under a bpffs mount such as %s", root, SFW_BPFFS);
	if (is_shared_bpffs(st))
		return sfw_fail(EINVAL, "SFW_PIN_ROOT %s is the root of the shared bpf filesystem "
				"(%s), where every BPF user pins: expected a directory of sfw's own "
				"under it, such as %s", root, SFW_BPFFS, SFW_PIN_ROOT);
	if (st->st_uid != geteuid() || (st->st_mode & (S_IWGRP | S_IWOTH)))
		return sfw_fail(EPERM, "SFW_PIN_ROOT %s may be changed by another user (owner %u, "
				"mode %04o): expected ours, writable by us alone", root,
				(unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
	return 0;
}

/* Another user made the root before us (anyone may create names on a 1777
 * bpffs, and pins do not outlive a reboot): a directory of ours, made
 * beside it under a name of its own, takes the name in one rename, so the
 * name is never free for the squatter to take again. Over an empty
 * directory a plain rename does it (the kernel checks it is empty in the
 * same step); over a link or a file, an exchange, then the squatter's
 * entry is removed. 1: taken back; 0: raced, look again; -errno: refused. */
static int take_back(const char *root, const char *parent, const struct stat *st)
{
	char tmp[PATH_MAX];
	int err = 0;

	/* no dot: bpffs refuses names with one */
	if (sfw_path(tmp, sizeof(tmp), "%s/sfw-take-XXXXXX", parent))
		return -ENAMETOOLONG;
	if (!mkdtemp(tmp))
		return sfw_fail(errno, "cannot create a directory in %s: %s", parent, strerror(errno));
	if (S_ISDIR(st->st_mode) ? rename(tmp, root)
				 : renameat2(AT_FDCWD, tmp, AT_FDCWD, root, RENAME_EXCHANGE)) {
		err = errno;
		rmdir(tmp);
		if (err == ENOTEMPTY || err == EEXIST)
			return sfw_fail(ENOTEMPTY, "SFW_PIN_ROOT %s was created by another user (uid "
					"%u) and holds files: refusing to use or remove it; look at "
					"what it holds, remove it and attach again", root,
					(unsigned)st->st_uid);
		return err == ENOTDIR || err == EISDIR || err == ENOENT ? 0
			: sfw_fail(err, "cannot take back %s: %s", root, strerror(err));
	}
	if (!S_ISDIR(st->st_mode) && unlink(tmp) && errno != ENOENT)
		return sfw_fail(errno, "cannot remove %s: %s", tmp, strerror(errno));
	return 1;
}

/* The root, made if missing, taken back from a squatter, then checked. A
 * squatter racing us gets a few tries, never an endless loop. */
static int make_root(const char *root, const char *parent)
{
	struct stat st;
	int err = check_parent(root, parent);

	for (int tries = 0; !err && tries < 8; tries++) {
		if (mkdir(root, 0700) && errno != EEXIST)
			return sfw_fail(errno, "cannot create %s: %s", root, strerror(errno));
		if (lstat(root, &st)) {
			if (errno == ENOENT)
				continue;
			return sfw_fail(errno, "cannot read %s: %s", root, strerror(errno));
		}
		if (st.st_uid == geteuid())
			return check_root(root, &st);
		err = take_back(root, parent, &st);
		err = err > 0 ? 0 : err < 0 ? err : 0;
	}
	return err ? err : sfw_fail(EAGAIN, "SFW_PIN_ROOT %s keeps being re-created by another "
				    "user: refusing it", root);
}

int sfw_ensure_pin_root(void)
{
	const char *root = sfw_pin_root();
	char parent[PATH_MAX], links[PATH_MAX];
	char *slash;
	int err;

	if (geteuid() != 0)
		return sfw_fail(EPERM, "must be run as root");
	err = sfw_pin_root_check();
	if (err)
		return err;
	if (root[0] != '/' || strlen(root) + sizeof("/links") > sizeof(links))
		return sfw_fail(EINVAL, "SFW_PIN_ROOT %s: expected an absolute path", root);
	snprintf(parent, sizeof(parent), "%s", root);
	slash = strrchr(parent, '/');
	*(slash == parent ? slash + 1 : slash) = '\0';
	err = ensure_bpffs(root, parent);
	if (err)
		return err;
	err = make_root(root, parent);
	if (err)
		return err;
	snprintf(links, sizeof(links), "%s/links", root);
	if (mkdir(links, 0700) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", links, strerror(errno));
	return 0;
}

int sfw_lock(void)
{
	int err = sfw_ensure_pin_root();

	if (err)
		return err;
	lock_fd = open(sfw_pin_root(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock_fd < 0)
		return sfw_fail(errno, "cannot open %s: %s", sfw_pin_root(), strerror(errno));
	if (flock(lock_fd, LOCK_EX)) {
		err = sfw_fail(errno, "cannot lock %s: %s", sfw_pin_root(), strerror(errno));
		close(lock_fd);
		lock_fd = -1;
	}
	return err;
}

int sfw_lock_try(void)
{
	int fd = open(sfw_pin_root(), O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

	if (fd < 0)
		return sfw_fail(errno, "cannot open %s: %s", sfw_pin_root(), strerror(errno));
	if (!flock(fd, LOCK_EX | LOCK_NB))
		return fd;
	/* a signal is a busy lock too: tried again as one */
	err = errno == EWOULDBLOCK || errno == EINTR ? -EWOULDBLOCK :
	      sfw_fail(errno, "cannot lock %s: %s", sfw_pin_root(), strerror(errno));
	close(fd);
	return err;
}

void sfw_unlock(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}
