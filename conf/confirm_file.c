/* The pending `commit confirmed` (docs/cli.md "commit confirmed"): its
 * token in DIR/.confirm and the configuration its timer gives back in
 * DIR/.confirm-target. The target is a file of its own, not a place in the
 * rollback history: a history that moved under a position (a commit killed
 * in the middle of its move, an entry deleted by hand, a commit between
 * the timer's read and its lock) made the timer restore the configuration
 * it was to undo, or nothing at all (the red team's rv34). Both are
 * written under the store's lock before the commit's apply, so a commit
 * killed at any point after leaves its timer something to roll back to. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "conf_int.h"
#include "err.h"

static int confirm_file(char *buf, size_t len, const char *name)
{
	return sfw_path(buf, len, "%s/.confirm%s", sfw_conf_dir(), name);
}

int sfw_conf_confirm_pending(char *buf, size_t len)
{
	char path[CONF_PATH_LEN];
	int err = confirm_file(path, sizeof(path), ""), fd;
	ssize_t r;

	buf[0] = '\0';
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	buf[strcspn(buf, " \n")] = '\0';   /* an older sfw wrote "TOKEN DEPTH" */
	return 0;
}

/* Replaced whole (a temporary file renamed onto it): a commit killed while
 * writing leaves the old token or the new one. */
static int write_token(const char *token)
{
	char path[CONF_PATH_LEN], tmp[CONF_PATH_LEN], line[320];
	int err = confirm_file(path, sizeof(path), "");

	if (err)
		return err;
	snprintf(line, sizeof(line), "%s\n", token);
	err = conf_write_temp(sfw_conf_dir(), line, strlen(line), tmp);
	if (!err && rename(tmp, path)) {
		err = sfw_fail(errno, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
	}
	return err;
}

/* The active file, as the configuration the timer gives back: a hard link
 * (a copy where links fail). No active file (commit confirmed is the first
 * commit): an empty configuration, which is what was in force. */
static int keep_target(void)
{
	char active[CONF_PATH_LEN], target[CONF_PATH_LEN], tmp[CONF_PATH_LEN];
	int err;

	if ((err = sfw_conf_active_path(active, sizeof(active))) ||
	    (err = confirm_file(target, sizeof(target), "-target")))
		return err;
	if (unlink(target) && errno != ENOENT)
		return sfw_fail(errno, "cannot remove %s: %s", target, strerror(errno));
	if (!link(active, target))
		return 0;
	if (errno == ENOENT) {
		err = conf_write_temp(sfw_conf_dir(), "", 0, tmp);
		if (!err && rename(tmp, target)) {
			err = sfw_fail(errno, "cannot rename %s to %s: %s", tmp, target,
				       strerror(errno));
			unlink(tmp);
		}
		return err;
	}
	return conf_copy_file(active, target);
}

static void remove_pending(void)
{
	char path[CONF_PATH_LEN];

	/* the token first: a token without its target would roll back to nothing */
	if (!confirm_file(path, sizeof(path), ""))
		unlink(path);
	if (!confirm_file(path, sizeof(path), "-target"))
		unlink(path);
}

int conf_confirm_arm(const struct sfw_conf_commit_ops *ops, struct conf_confirm_undo *u)
{
	int err;

	u->armed = false;
	if (!ops || !ops->arm)
		return 0;
	err = sfw_conf_confirm_pending(u->token, sizeof(u->token));
	if (err)
		return sfw_fail(-err, "cannot read the confirmation file: %s", strerror(-err));
	/* one pending already: this one delays its rollback, same target */
	if (!u->token[0] && (err = keep_target()))
		return err;
	err = write_token(ops->arm);
	if (err && !u->token[0])
		remove_pending();
	u->armed = !err;
	return err;
}

void conf_confirm_undo(const struct conf_confirm_undo *u)
{
	if (!u->armed)
		return;
	if (u->token[0])
		write_token(u->token);
	else
		remove_pending();
}

void conf_confirm_done(const struct sfw_conf_commit_ops *ops)
{
	if (!ops || !ops->arm)
		remove_pending();
}

int sfw_conf_load_confirm_target(struct sfw_conf *conf, struct sfw_conf_errors *errs)
{
	char path[CONF_PATH_LEN];
	int err = confirm_file(path, sizeof(path), "-target");

	if (err)
		return err;
	if (access(path, F_OK))
		return sfw_fail(errno, "no configuration to roll back to: %s: %s", path,
				strerror(errno));
	return sfw_conf_parse_file(conf, path, errs);
}
