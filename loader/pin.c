/* The pin root: where maps and links live between commands. */
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

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

/* The parent of the pin root must be bpffs; mount it if nothing is. */
static int ensure_bpffs(const char *root)
{
	char parent[256];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", root);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	if (is_bpffs(parent))
		return 0;
	if (mount("bpf", parent, "bpf", 0, "mode=0700"))
		return sfw_fail(errno, "bpffs unavailable: cannot mount it on %s: %s",
				parent, strerror(errno));
	return 0;
}

int sfw_ensure_pin_root(void)
{
	const char *root = sfw_pin_root();
	char links[300];
	int err;

	if (geteuid() != 0)
		return sfw_fail(EPERM, "must be run as root");
	err = ensure_bpffs(root);
	if (err)
		return err;
	snprintf(links, sizeof(links), "%s/links", root);
	if ((mkdir(root, 0700) && errno != EEXIST) || (mkdir(links, 0700) && errno != EEXIST))
		return sfw_fail(errno, "cannot create %s: %s", root, strerror(errno));
	if (!is_bpffs(root))
		return sfw_fail(ENOTSUP, "%s is not on bpffs", root);
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

void sfw_unlock(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}
