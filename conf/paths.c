/* Where configurations live: SFW_CONF_DIR (or the default), the active
 * file and its rollbacks, and whether one is stored at all. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "conf.h"
#include "err.h"

#define PATH_LEN 4096

const char *sfw_conf_dir(void)
{
	const char *dir = getenv("SFW_CONF_DIR");

	return dir && *dir ? dir : SFW_CONF_DEFAULT_DIR;
}

int sfw_conf_rollback_path(int n, char *buf, size_t len)
{
	if (n < 0 || n > SFW_CONF_ROLLBACK_MAX)
		return sfw_fail(EINVAL, "rollback %d: expected 0 to %d", n, SFW_CONF_ROLLBACK_MAX);
	if (n)
		return sfw_path(buf, len, "%s/rollback/%s.%d", sfw_conf_dir(), SFW_CONF_FILE, n);
	return sfw_path(buf, len, "%s/%s", sfw_conf_dir(), SFW_CONF_FILE);
}

int sfw_conf_active_path(char *buf, size_t len)
{
	return sfw_conf_rollback_path(0, buf, len);
}

/* A configuration directory that is there but is no directory (a
 * symbolic link to nothing: a filesystem not mounted yet, a removed
 * target) stands for a stored configuration that cannot be read: it fails
 * closed, never permit-all. Only an absent directory, or a real one without
 * the file, holds none. */
bool sfw_conf_stored(void)
{
	char path[PATH_LEN];
	struct stat st;

	if (sfw_conf_active_path(path, sizeof(path)))
		return true;
	if (!lstat(path, &st) || (errno != ENOENT && errno != ENOTDIR))
		return true;
	if (lstat(sfw_conf_dir(), &st))
		return false;
	return stat(sfw_conf_dir(), &st) || !S_ISDIR(st.st_mode);
}
