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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf_int.h"
#include "err.h"

static int confirm_file(char *buf, size_t len, const char *name)
{
	return sfw_path(buf, len, "%s/.confirm%s", sfw_conf_dir(), name);
}

/* The pending token, and (*depth) the rollback an sfw before the target
 * file counted to it: "TOKEN DEPTH" (0: none said). */
static int read_pending(char *buf, size_t len, int *depth)
{
	char path[CONF_PATH_LEN], *sp;
	int err = confirm_file(path, sizeof(path), ""), fd;
	ssize_t r;

	buf[0] = '\0';
	*depth = 0;
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
	buf[strcspn(buf, "\n")] = '\0';
	sp = strchr(buf, ' ');
	if (sp) {
		*sp++ = '\0';
		*depth = atoi(sp);
		if (*depth < 1 || *depth > SFW_CONF_ROLLBACK_MAX)
			*depth = 0;
	}
	return 0;
}

int sfw_conf_confirm_pending(char *buf, size_t len)
{
	int depth;

	return read_pending(buf, len, &depth);
}

/* Replaced whole (a temporary file renamed onto it): a commit killed while
 * writing leaves the old token or the new one. */
static int write_token(const char *token, int depth)
{
	char path[CONF_PATH_LEN], line[320];
	int err = confirm_file(path, sizeof(path), "");

	if (err)
		return err;
	if (depth)   /* put back as an sfw before the target file wrote it */
		snprintf(line, sizeof(line), "%s %d\n", token, depth);
	else
		snprintf(line, sizeof(line), "%s\n", token);
	return conf_write_file(path, line, strlen(line));
}

/* The built-in configuration's text: what is in force while no file is
 * stored (permit-all: an empty file would be Junos's deny-all). */
static int write_builtin(const char *target)
{
	struct sfw_conf conf;
	char *text;
	size_t len;
	int err = sfw_conf_init_builtin(&conf);

	if (err)
		return err;
	conf.default_policy_set = true;   /* said: a file that says nothing denies */
	err = conf_print_text(&conf, &text, &len);
	sfw_conf_free(&conf);
	if (err)
		return err;
	err = conf_write_file(target, text, len);
	free(text);
	return err;
}

/* from (the active file, or a history entry) as the configuration the timer
 * gives back: a hard link (a copy where links fail). No file: the
 * built-in configuration, which is what was in force. */
static int keep_target(const char *from)
{
	char target[CONF_PATH_LEN];
	int err = confirm_file(target, sizeof(target), "-target");

	if (err)
		return err;
	if (unlink(target) && errno != ENOENT)
		return sfw_fail(errno, "cannot remove %s: %s", target, strerror(errno));
	if (!link(from, target))
		return 0;
	if (errno == ENOENT)
		return write_builtin(target);
	return conf_copy_file(from, target);
}

/* The target, made when none is kept: the active file for a commit
 * confirmed that finds none pending; for one pending that an sfw before
 * the target file armed ("TOKEN DEPTH"), the rollback it counted to, so
 * its timer still has something to give back (the red team's rv35 F2). */
static int ensure_target(bool pending, int depth)
{
	char target[CONF_PATH_LEN], from[CONF_PATH_LEN];
	int err = confirm_file(target, sizeof(target), "-target");

	if (err || (pending && !access(target, F_OK)))
		return err;
	err = pending && depth ? sfw_conf_rollback_path(depth, from, sizeof(from))
			       : sfw_conf_active_path(from, sizeof(from));
	return err ? err : keep_target(from);
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
	err = read_pending(u->token, sizeof(u->token), &u->depth);
	if (err)
		return sfw_fail(-err, "cannot read the confirmation file: %s", strerror(-err));
	/* one pending already: this one delays its rollback, same target */
	if ((err = ensure_target(u->token[0], u->depth)))
		return err;
	err = write_token(ops->arm, 0);
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
		write_token(u->token, u->depth);
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
