/* commit check, commit, rollback and show configuration. A commit is all
 * or nothing: the model is checked before anything is applied, the text is
 * on disk before the datapath takes it, and when anything fails after the
 * datapath took it, the previous configuration goes back in (or, when that
 * fails too, every new session is refused), and the sessions opened in
 * between that it does not permit are cleared: the datapath is never left
 * more permissive than the active file (docs/security.md). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "candidate.h"
#include "compile.h"
#include "conf_ops.h"
#include "grammar.h"
#include "json.h"
#include "loader.h"
#include "reap.h"

void sfw_conf_print_errors(const struct sfw_conf_errors *errs, FILE *err)
{
	for (int k = 0; k < errs->n; k++)
		fprintf(err, "%s\n", errs->msg[k]);
	if (errs->dropped)
		fprintf(err, "... and %d more errors\n", errs->dropped);
	fputs("error: configuration check-out failed\n", err);
}

/* A parse that failed: the configuration's errors, Junos style, or the one
 * line saying why there was nothing to parse (no such file, a directory,
 * too big, no memory). */
static void report(const struct sfw_conf_errors *errs, FILE *err)
{
	if (errs->n || errs->dropped)
		sfw_conf_print_errors(errs, err);
	else
		fprintf(err, "sfw: %s\n", sfw_last_error());
}

/* Is there an active file? None is the built-in configuration; a directory
 * that cannot be searched, or a path too long, is an error, never "none". */
static int find_active(bool *exists)
{
	char path[PATH_MAX];
	int err = sfw_conf_active_path(path, sizeof(path));

	if (err)
		return err;
	*exists = !access(path, F_OK);
	if (!*exists && errno != ENOENT)
		return sfw_fail(errno, "%s: %s", path, strerror(errno));
	return 0;
}

int sfw_conf_load_active(struct sfw_conf *conf, FILE *err)
{
	struct sfw_conf_errors errs = { 0 };
	bool exists = false;
	int rc;

	rc = find_active(&exists);
	/* no file at all: the built-in configuration is in force */
	if ((exists ? sfw_conf_init : sfw_conf_init_builtin)(conf)) {
		if (err)
			fprintf(err, "sfw: out of memory\n");
		return SFW_EXIT_FAIL;
	}
	if (!rc && exists)
		rc = sfw_conf_parse_file(conf, NULL, &errs);
	if (rc) {
		if (err)
			report(&errs, err);
		sfw_conf_free(conf);
	}
	sfw_conf_errors_free(&errs);
	return rc ? SFW_EXIT_FAIL : SFW_EXIT_OK;
}

int sfw_conf_check_run(const struct sfw_conf_env *env, const char *path)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err = sfw_conf_init(&conf);

	if (!err)
		err = sfw_conf_parse_file(&conf, path, &errs);
	if (err) {
		report(&errs, env->err);
	} else if ((err = sfw_conf_compile_check(&conf))) {
		fprintf(env->err, "sfw: configuration check fails: %s\n", sfw_last_error());
	} else {
		sfw_conf_print_warnings(&conf, env->err);
		fputs("configuration check succeeds\n", env->out);
	}
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	return err ? SFW_EXIT_FAIL : SFW_EXIT_OK;
}

/* The configuration in force before this command, to restore on failure
 * and to know what a session's policy index meant. A damaged active file
 * has no model (an empty one stands in for the session names); the
 * datapath failed closed on it, so that is what a restore gives back. */
static bool load_previous(struct sfw_conf *old)
{
	if (sfw_conf_load_active(old, NULL) == SFW_EXIT_OK)
		return false;
	sfw_conf_init(old);
	return true;
}

struct guard {
	const struct sfw_conf_env *env;
	struct sfw_conf *old;          /* in force before */
	const struct sfw_conf *conf;   /* the candidate, once the datapath got it */
	bool damaged;      /* the active file did not load: restore = fail closed */
	__u64 since_ns;    /* when the apply began (the datapath's coarse clock) */
	__u64 applied_ns;  /* when it returned: the datapath took the candidate
			    * somewhere between the two */
	__u64 until_ns;    /* when the restore began: from its second on, what
			    * opened may be the restored configuration's */
};

static int guarded_apply(const struct sfw_conf *conf, void *arg)
{
	struct guard *g = arg;
	int err;

	/* Under the store's lock now: what is in force is the active file as
	 * it is at this moment. Read when the command began, it may be what
	 * another commit replaced since, and a restore would put that back
	 * under a file that holds something else (the red team's rv33 F1). */
	sfw_conf_free(g->old);
	g->damaged = load_previous(g->old);
	g->since_ns = sfw_coarse_now_ns();
	g->conf = conf;
	err = g->env->apply(conf, g->env->apply_ctx);
	g->applied_ns = sfw_coarse_now_ns();
	return err;
}

/* Sessions the candidate opened while it was in force and that what is in
 * force again (the previous configuration, or nothing at all when failing
 * closed) would not have: a failed commit leaves none behind. Those of
 * the apply's seconds (it may take more than one: a large configuration
 * to compile, a zone move's walk) may be the previous configuration's,
 * opened before the datapath took the candidate: they are judged by it
 * (prior), also when failing closed, like the older ones that stay (a
 * damaged file's empty stand-in permits none of them: its configuration
 * is not known). */
static void clear_window(struct guard *g, bool closed)
{
	const struct sfw_conf_env *env = g->env;
	struct sfw_conf none;
	struct sfw_reeval rv = { .conf = g->old, .old = g->conf, .prior = g->old,
				 .since_ns = g->since_ns, .applied_ns = g->applied_ns,
				 .until_ns = g->until_ns,
				 .ifname = env->ifname, .ifname_arg = env->ifname_arg,
				 .reaper = env->reaper };

	if (env->sessions_fd < 0 || sfw_conf_init(&none))
		return;
	none.default_policy = SFW_POLICY_DENY_ALL;
	if (closed)
		rv.conf = &none;
	if (sfw_reevaluate(env->sessions_fd, &rv))
		fprintf(env->err, "sfw: clearing the sessions the failed commit opened: %s\n",
			sfw_last_error());
	else if (rv.cleared)
		fprintf(env->err, "sfw: %llu sessions the failed commit opened were cleared\n",
			(unsigned long long)rv.cleared);
	sfw_conf_free(&none);
}

/* The commit failed after the datapath took the candidate: the previous
 * configuration goes back in; when it cannot (a damaged active file, or
 * its apply fails again), every new session is refused, never the
 * candidate left in force. */
static int restore(void *arg)
{
	struct guard *g = arg;
	const struct sfw_conf_env *env = g->env;
	bool closed = g->damaged;

	g->until_ns = sfw_coarse_now_ns();
	if (!closed && env->apply(g->old, env->apply_ctx)) {
		fprintf(env->err, "sfw: restoring the previous configuration: %s\n",
			sfw_last_error());
		closed = true;
	}
	if (closed && (!env->fail_closed || env->fail_closed()))
		fprintf(env->err, "sfw: refusing every new session failed too: %s\n",
			env->fail_closed ? sfw_last_error() : "not possible here");
	else if (closed && !g->damaged)
		fprintf(env->err, "sfw: every new session is refused until a commit succeeds\n");
	clear_window(g, closed);
	return 0;
}

static void guard_ops(struct guard *g, struct sfw_conf_commit_ops *ops)
{
	*ops = (struct sfw_conf_commit_ops){ .ctx = g, .arm = g->env->arm,
					     .if_armed = g->env->if_armed };
	if (g->env->apply) {
		ops->apply = guarded_apply;
		ops->restore = restore;
	}
}

/* One line for a failure: the configuration's errors (Junos style), the
 * reason a file could not be read, or why a valid configuration was not
 * committed. */
static int failed(const struct sfw_conf_env *env, bool valid,
		  const struct sfw_conf_errors *errs)
{
	if (!valid)
		report(errs, env->err);
	else
		fprintf(env->err, "sfw: commit failed: %s\n", sfw_last_error());
	return SFW_EXIT_FAIL;
}

/* security nat the datapath does not translate yet: refused before
 * anything is stored or applied, so what is in force stays and nothing
 * fails closed (docs/nat.md). */
static bool refuse_nat(const struct sfw_conf_env *env, const struct sfw_conf *conf)
{
	if (!sfw_conf_nat_refuse(conf))
		return false;
	fprintf(env->err, "sfw: %s\n", sfw_last_error());
	return true;
}

static int reevaluate(const struct sfw_conf_env *env, const struct sfw_conf *conf,
		      const struct sfw_conf *old)
{
	struct sfw_reeval rv = { .conf = conf, .old = old, .ifname = env->ifname,
				 .ifname_arg = env->ifname_arg, .reaper = env->reaper };
	int err;

	if (env->sessions_fd >= 0 && !env->reaper && env->no_reaper[0]) {
		fprintf(env->err, "sfw: re-evaluating sessions: %s\n", env->no_reaper);
		return SFW_EXIT_FAIL;
	}
	err = env->sessions_fd < 0 ? 0 : sfw_reevaluate(env->sessions_fd, &rv);
	if (err) {
		fprintf(env->err, "sfw: re-evaluating sessions: %s\n", strerror(-err));
		return SFW_EXIT_FAIL;
	}
	fprintf(env->out, "%llu active sessions cleared\n", (unsigned long long)rv.cleared);
	return SFW_EXIT_OK;
}

/* What a commit parses: a file, a text in memory, an entry of the
 * history (rollback N), or the pending commit confirmed's target. */
struct source {
	const char *path;                 /* file (NULL: the active one) */
	const char *name, *text;          /* or text, when name is set */
	size_t len;
	bool history;                     /* or history entry n */
	int n;
	bool confirm_target;              /* or the target */
};

static int parse_source(struct sfw_conf *conf, const struct source *src,
			struct sfw_conf_errors *errs)
{
	if (src->history)
		return sfw_conf_load_rollback(conf, src->n, errs);
	if (src->confirm_target)
		return sfw_conf_load_confirm_target(conf, errs);
	if (src->name)
		return sfw_conf_parse_buffer(conf, src->name, src->text, src->len, errs);
	return sfw_conf_parse_file(conf, src->path, errs);
}

static int commit_source(const struct sfw_conf_env *env, const struct source *src,
			 bool reevaluate_sessions)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf_commit_ops ops;
	struct sfw_conf old, conf;
	struct guard g = { .env = env, .old = &old };
	int err = sfw_conf_init(&conf), rc = SFW_EXIT_OK;
	bool valid, refused;

	g.damaged = load_previous(&old);
	guard_ops(&g, &ops);
	if (!err)
		err = parse_source(&conf, src, &errs);
	valid = !err;
	refused = valid && refuse_nat(env, &conf);
	if (valid && !refused)
		sfw_conf_print_warnings(&conf, env->err);
	/* what the compile refuses, before anything is stored: stored with
	 * nothing attached, it failed closed at the next attach */
	if (!err && !refused)
		err = sfw_conf_compile_check(&conf);
	if (!err && !refused)
		err = sfw_conf_commit(&conf, &ops);
	if (refused)
		rc = SFW_EXIT_FAIL;
	else if (err) {
		rc = failed(env, valid, &errs);
	} else {
		if (env->arm)
			fprintf(env->out, "commit confirmed will be automatically rolled back in %u "
				"minutes unless confirmed\n", env->confirm_min);
		fputs("commit complete\n", env->out);
		if (reevaluate_sessions)
			rc = reevaluate(env, &conf, &old);
	}
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&old);
	return rc;
}

int sfw_conf_commit_run(const struct sfw_conf_env *env, const char *path,
			bool reevaluate_sessions)
{
	const struct source src = { .path = path };

	return commit_source(env, &src, reevaluate_sessions);
}

int sfw_conf_commit_text_run(const struct sfw_conf_env *env, const char *name,
			     const char *text, size_t len)
{
	const struct source src = { .name = name, .text = text, .len = len };

	return commit_source(env, &src, false);
}

int sfw_conf_rollback_run(const struct sfw_conf_env *env, int n)
{
	const struct source src = { .history = true, .n = n };

	return commit_source(env, &src, false);
}

int sfw_conf_confirm_rollback_run(const struct sfw_conf_env *env)
{
	const struct source src = { .confirm_target = true };

	return commit_source(env, &src, false);
}

/* JSON: the same set lines as an array. */
static int show_json(const struct sfw_conf *conf, FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_json j;
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return SFW_EXIT_FAIL;
	sfw_conf_print(conf, mem);
	fclose(mem);
	sfw_ob_init(&ob, out);
	sfw_json_init(&j, &ob);
	sfw_json_open(&j, NULL, '{');
	sfw_json_open(&j, "configuration", '[');
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		sfw_json_str(&j, NULL, line);
	sfw_json_close(&j, ']');
	sfw_json_close(&j, '}');
	free(text);
	return SFW_EXIT_OK;
}

/* The braces through configuration mode's own renderer, from the same
 * set lines: one hierarchical form in sfw. */
static int show_braces(const struct sfw_conf *conf, FILE *out)
{
	struct sfw_cand c = { 0 };
	int rc = sfw_cand_from_conf(&c, conf) || sfw_cand_show(c.text, NULL, 0, out) ?
		 SFW_EXIT_FAIL : SFW_EXIT_OK;

	sfw_cand_free(&c);
	return rc;
}

int sfw_conf_show_run(const struct sfw_conf_env *env)
{
	struct sfw_conf conf;
	int rc = sfw_conf_load_active(&conf, env->err);

	if (rc)
		return rc;
	if (env->json)
		rc = show_json(&conf, env->out);
	else if (!env->set_lines)
		rc = show_braces(&conf, env->out);
	else if (sfw_conf_print(&conf, env->out))
		rc = SFW_EXIT_FAIL;
	sfw_conf_free(&conf);
	return rc;
}
