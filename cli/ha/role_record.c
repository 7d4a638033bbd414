/* See role_record.h. The file is two lines, the role's name and the boot
 * id: "role secondary\nboot 0f1e...\n". Anything else is no record. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "err.h"
#include "event_ring.h"
#include "loader.h"
#include "role_record.h"

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
/* the longest valid file: both lines at their longest, and one byte more
 * to see a longer one is not */
#define RECORD_MAX (16 + SFW_BOOT_ID_LEN + 16)

static const char *const role_words[] = {
	[SFW_HA_NONE] = "disabled",
	[SFW_HA_PRIMARY] = "primary",
	[SFW_HA_SECONDARY] = "secondary",
};

static int this_boot(char *id, size_t len)
{
	FILE *f = fopen(BOOT_ID_PATH, "r");
	bool ok = f && fgets(id, (int)len, f);

	if (f)
		fclose(f);
	if (!ok)
		return sfw_fail(EIO, "cannot read the boot id (%s)", BOOT_ID_PATH);
	id[strcspn(id, "\n")] = '\0';
	return 0;
}

/* A record that could not be written goes, the old one with it: no
 * record is a secondary to the next attach (sfw_role_attach_silent), the
 * safe side, where a stale "primary" would answer beside the peer. */
static int fail_safe(int err, const char *path)
{
	const char *gone = "removed";

	if (unlink(path) && errno != ENOENT)
		gone = strerror(errno);
	return sfw_fail(err, "cannot record the cluster role in %s: %s (the old record: %s)",
			path, strerror(err), gone);
}

int sfw_role_record_write_at(const char *dir, const char *boot_id, enum sfw_ha_role role)
{
	char path[PATH_MAX], tmp[PATH_MAX], text[RECORD_MAX];
	int n, fd, err = 0;

	if (sfw_path(path, sizeof(path), "%s/%s", dir, SFW_ROLE_RECORD_FILE) ||
	    sfw_path(tmp, sizeof(tmp), "%s/.%s.%d", dir, SFW_ROLE_RECORD_FILE, (int)getpid()))
		return -ENAMETOOLONG;
	if ((unsigned)role > SFW_HA_SECONDARY || strlen(boot_id) >= SFW_BOOT_ID_LEN)
		return fail_safe(EINVAL, path);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return sfw_fail(errno, "cannot create %s: %s", dir, strerror(errno));
	n = snprintf(text, sizeof(text), "role %s\nboot %s\n", role_words[role], boot_id);
	/* the temporary name is predictable: whatever sits there (a stale
	 * file of a process of this pid, a link planted where the directory
	 * is writable by others) goes, and the file is made anew, never
	 * opened through a link (O_EXCL, O_NOFOLLOW); if something is there
	 * again, the write fails rather than follow it */
	unlink(tmp);
	errno = 0;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, (size_t)n) != n || fsync(fd))
		err = errno ? errno : EIO;
	if (fd >= 0 && close(fd) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		if (fd >= 0)   /* ours: never what another put there */
			unlink(tmp);
		return fail_safe(err, path);
	}
	return 0;
}

/* "role WORD\nboot ID\n" exactly: 0 with both pointing into text. */
static int parse(char *text, const char **word, const char **boot)
{
	char *end1 = strchr(text, '\n'), *line2, *end2;

	if (strncmp(text, "role ", 5) || !end1)
		return -EINVAL;
	*end1 = '\0';
	line2 = end1 + 1;
	end2 = strchr(line2, '\n');
	if (strncmp(line2, "boot ", 5) || !end2 || end2[1])
		return -EINVAL;
	*end2 = '\0';
	*word = text + 5;
	*boot = line2 + 5;
	return **boot ? 0 : -EINVAL;
}

int sfw_role_record_read_at(const char *dir, const char *boot_id, enum sfw_ha_role *role)
{
	char path[PATH_MAX], text[RECORD_MAX + 1];
	const char *word, *boot;
	struct stat st;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, SFW_ROLE_RECORD_FILE) >= (int)sizeof(path))
		return -ENOENT;
	/* a regular file only: never through a link, never waiting on a
	 * FIFO (every attach in a cluster reads this), nothing else */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -EINVAL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0 || n >= (ssize_t)sizeof(text) - 1 || memchr(text, '\0', (size_t)n))
		return -EINVAL;
	text[n] = '\0';
	if (parse(text, &word, &boot))
		return -EINVAL;
	for (int r = SFW_HA_NONE; r <= SFW_HA_SECONDARY; r++) {
		if (strcmp(word, role_words[r]))
			continue;
		if (strcmp(boot, boot_id))
			return -ESTALE;
		*role = (enum sfw_ha_role)r;
		return 0;
	}
	return -EINVAL;
}

int sfw_role_record_write(enum sfw_ha_role role)
{
	char boot[SFW_BOOT_ID_LEN];
	int err = this_boot(boot, sizeof(boot));

	return err ? err : sfw_role_record_write_at(sfw_run_dir(), boot, role);
}

int sfw_role_record_read(enum sfw_ha_role *role)
{
	char boot[SFW_BOOT_ID_LEN];

	if (this_boot(boot, sizeof(boot)))
		return -ENOENT;
	return sfw_role_record_read_at(sfw_run_dir(), boot, role);
}

bool sfw_role_in_cluster(void)
{
	char path[PATH_MAX];

	return !sfw_ha_conf_path(path, sizeof(path)) && !access(path, F_OK);
}

bool sfw_role_attach_silent(void)
{
	enum sfw_ha_role role;

	if (!sfw_role_in_cluster())
		return false;
	return sfw_role_record_read(&role) || role == SFW_HA_SECONDARY;
}

int sfw_role_lock_for_attach(bool *silent)
{
	int err = sfw_lock();

	if (!err)
		*silent = sfw_role_attach_silent();
	return err;
}
