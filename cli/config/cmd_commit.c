/* sfw commit [check] [FILE] [reevaluate], sfw rollback [N], sfw show
 * configuration: the live environment around conf_ops.c. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include "apply.h"
#include "commands.h"
#include "conf_ops.h"
#include "confirm.h"
#include "loader.h"
#include "maps.h"
#include "reap.h"
#include "report.h"

/* Commands that change the configuration take the same lock as attach and
 * detach: a commit must not interleave with another commit or with an
 * attach that applies the active file. */
static int live_env(struct sfw_conf_env *env, const struct sfw_cmdline *cl)
{
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SESSIONS), true);

	*env = (struct sfw_conf_env){ .out = cl->out, .err = cl->err, .json = cl->json,
				      .sessions_fd = fd };
	/* Not loaded: there is no datapath to apply to; the stored file is
	 * applied when sfw is attached (sfw_conf_apply_active). Only that:
	 * a session table that cannot be opened (another layout, no access),
	 * or none pinned beside running programs, left the programs on the
	 * older configuration while the commit said it was complete (review
	 * rtuser F1): refused, nothing stored. */
	if (fd == -ENOENT && sfw_links_pinned())
		return sfw_fail(ENOENT, "sfw is attached (%s/links) but its session table is not "
				"pinned, so no configuration can reach its programs; nothing "
				"committed: run `sfw detach all`, then attach again", sfw_pin_root());
	if (fd < 0 && fd != -ENOENT) {
		char why[256];

		snprintf(why, sizeof(why), "%s", sfw_last_error());
		return sfw_fail(-fd, "%s; nothing committed", why);
	}
	if (fd >= 0) {
		env->apply = sfw_conf_apply;
		env->fail_closed = sfw_conf_fail_closed;
	}
	/* re-evaluation removes sessions only through the reaper (the end
	 * claim, the limit-session counts, the session counters, the CLOSE
	 * "policy delete"): without it, reevaluate is refused, saying why */
	if (fd >= 0 && sfw_reaper_open(&env->reaper)) {
		env->reaper = NULL;
		snprintf(env->no_reaper, sizeof(env->no_reaper), "%s", sfw_last_error());
	}
	return 0;
}

/* Nothing loaded, no pin root: a commit only stores the file, and makes
 * no pin root (nor mounts bpffs) to take the lock in. */
static bool pin_root_exists(void)
{
	struct stat st;

	return !stat(sfw_pin_root(), &st);
}

/* Stored without the lock: an attach that ran meanwhile may have applied
 * the file this commit replaced. Once it is done (the lock), the stored
 * file is applied again. */
static int apply_if_attached_meanwhile(const struct sfw_cmdline *cl)
{
	int fd, rc = 0;

	if (!pin_root_exists() || sfw_lock())
		return 0;   /* still nothing to apply to */
	fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));
	if (fd >= 0 && sfw_conf_apply_active())
		rc = sfw_report(cl);
	if (fd >= 0)
		close(fd);
	sfw_unlock();
	return rc;
}

typedef int (*locked_fn)(const struct sfw_conf_env *env, const struct sfw_cmdline *cl,
			 const void *arg);

static int with_lock(const struct sfw_cmdline *cl, locked_fn run, const void *arg)
{
	bool locked = pin_root_exists();
	struct sfw_conf_env env;
	int rc;

	if (locked && sfw_lock())
		return sfw_report(cl);
	if (live_env(&env, cl)) {
		rc = sfw_report(cl);
		if (locked)
			sfw_unlock();
		return rc;
	}
	rc = run(&env, cl, arg);
	if (!rc && !env.apply)
		fprintf(cl->err, "sfw: note: sfw is not attached; the configuration "
			"applies at the next attach\n");
	if (env.sessions_fd >= 0)
		close(env.sessions_fd);
	sfw_reaper_close(env.reaper);
	if (locked)
		sfw_unlock();
	else if (!rc)
		rc = apply_if_attached_meanwhile(cl);
	return rc;
}

static int one_file(const struct sfw_cmdline *cl, const char **path)
{
	if (cl->npos > 1) {
		fprintf(cl->err, "sfw: unknown word '%s' after '%s'; expected one file\n",
			SFW_Q(cl->pos[1]), SFW_Q(cl->pos[0]));
		return SFW_EXIT_USAGE;
	}
	if (cl->npos && !*cl->pos[0]) {
		fprintf(cl->err, "sfw: empty file name; expected a configuration file\n");
		return SFW_EXIT_USAGE;
	}
	*path = cl->npos ? cl->pos[0] : NULL;
	return 0;
}

static int run_commit(const struct sfw_conf_env *env, const struct sfw_cmdline *cl,
		      const void *arg)
{
	const char *path = cl->npos ? cl->pos[0] : NULL;
	bool reeval = SFW_OPTS(cl, struct sfw_commit_opts)->mode == SFW_COMMIT_REEVALUATE;

	return sfw_conf_commit_run(env, path, reeval);
}

int sfw_cmd_commit(const struct sfw_cmdline *cl)
{
	struct sfw_conf_env env = { .out = cl->out, .err = cl->err, .sessions_fd = -1 };
	const char *path;
	int rc = one_file(cl, &path);

	if (rc)
		return rc;
	if (SFW_OPTS(cl, struct sfw_commit_opts)->mode == SFW_COMMIT_CHECK)
		return sfw_conf_check_run(&env, path);
	return with_lock(cl, run_commit, NULL);
}

static int rollback_number(const struct sfw_cmdline *cl, int *n)
{
	char *end;
	long v;

	*n = 1;
	if (!cl->npos)
		return 0;
	v = strtol(cl->pos[0], &end, 10);
	if (cl->npos > 1 || !*cl->pos[0] || *end || v < 0 || v > SFW_CONF_ROLLBACK_MAX) {
		fprintf(cl->err, "sfw: invalid value '%s' for 'rollback'; expected a "
			"rollback number 0..%d\n", SFW_Q(cl->pos[cl->npos > 1]), SFW_CONF_ROLLBACK_MAX);
		return SFW_EXIT_USAGE;
	}
	*n = (int)v;
	return 0;
}

static int run_rollback(const struct sfw_conf_env *env, const struct sfw_cmdline *cl,
			const void *arg)
{
	int n;

	rollback_number(cl, &n);
	return sfw_conf_rollback_run(env, n);
}

int sfw_cmd_rollback(const struct sfw_cmdline *cl)
{
	int n, rc = rollback_number(cl, &n);

	return rc ? rc : with_lock(cl, run_rollback, NULL);
}

int sfw_cmd_show_configuration(const struct sfw_cmdline *cl)
{
	struct sfw_conf_env env = { .out = cl->out, .err = cl->err, .json = cl->json,
				    .set_lines = cl->display == SFW_DISPLAY_SET,
				    .sessions_fd = -1 };

	return sfw_conf_show_run(&env);
}

struct candidate {
	const char *text;
	size_t len;
	const char *arm;
	unsigned confirm_min;
};

static int run_candidate(const struct sfw_conf_env *env, const struct sfw_cmdline *cl,
			 const void *arg)
{
	const struct candidate *c = arg;
	struct sfw_conf_env own = *env;

	own.arm = c->arm;
	own.confirm_min = c->confirm_min;
	return sfw_conf_commit_text_run(&own, "candidate", c->text, c->len);
}

int sfw_commit_candidate(FILE *out, FILE *err, const char *text, size_t len,
			 unsigned confirm_min)
{
	struct sfw_cmdline cl = { .out = out, .err = err };
	struct candidate c = { .text = text, .len = len, .confirm_min = confirm_min };
	char token[128];
	int rc;

	/* the timer first: a commit that fails leaves its token nowhere, and
	 * the timer then finds nothing to roll back */
	if (confirm_min) {
		sfw_confirm_token(token, sizeof(token));
		c.arm = token;
		rc = sfw_confirm_spawn(token, confirm_min, sfw_commit_expired, err);
		if (rc)
			return rc;
	}
	return with_lock(&cl, run_candidate, &c);
}

/* The timer's rollback: the configuration before the confirmed commits,
 * unless a commit confirmed them meanwhile (the store checks the token
 * under its lock). */
static int run_expired(const struct sfw_conf_env *env, const struct sfw_cmdline *cl,
		       const void *token)
{
	struct sfw_conf_env own = *env;

	own.if_armed = token;
	return sfw_conf_confirm_rollback_run(&own);
}

int sfw_commit_expired(const char *token, FILE *out, FILE *err)
{
	struct sfw_cmdline cl = { .out = out, .err = err };

	return with_lock(&cl, run_expired, token);
}
