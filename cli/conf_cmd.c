/* commit check, commit, rollback and show configuration. A commit is all
 * or nothing: the model is checked before anything is applied, and when
 * storing fails after the datapath took the new configuration, the
 * previous one is applied again, so the datapath and the active file never
 * disagree. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "conf_cmd.h"
#include "grammar.h"
#include "json.h"
#include "loader.h"

void sfw_conf_print_errors(const struct sfw_conf_errors *errs, FILE *err)
{
	for (int k = 0; k < errs->n; k++)
		fprintf(err, "%s\n", errs->msg[k]);
	if (errs->dropped)
		fprintf(err, "... and %d more errors\n", errs->dropped);
	fputs("error: configuration check-out failed\n", err);
}

/* The active file exists? (A missing one is the built-in configuration.) */
static bool have_active(void)
{
	char path[512];

	return !sfw_conf_active_path(path, sizeof(path)) && !access(path, F_OK);
}

int sfw_conf_load_active(struct sfw_conf *conf, FILE *err)
{
	struct sfw_conf_errors errs = { 0 };
	int rc = SFW_EXIT_OK;

	if (sfw_conf_init(conf)) {
		if (err)
			fprintf(err, "sfw: out of memory\n");
		return SFW_EXIT_FAIL;
	}
	if (have_active() && sfw_conf_parse_file(conf, NULL, &errs)) {
		if (err)
			sfw_conf_print_errors(&errs, err);
		sfw_conf_free(conf);
		rc = SFW_EXIT_FAIL;
	}
	sfw_conf_errors_free(&errs);
	return rc;
}

int sfw_conf_check_run(const struct sfw_conf_env *env, const char *path)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err = sfw_conf_init(&conf);

	if (!err)
		err = sfw_conf_parse_file(&conf, path, &errs);
	if (err)
		sfw_conf_print_errors(&errs, env->err);
	else
		fputs("configuration check succeeds\n", env->out);
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
	bool applied;
	bool damaged;      /* the active file did not load: restore = fail closed */
};

static int guarded_apply(const struct sfw_conf *conf, void *arg)
{
	struct guard *g = arg;
	int err = g->env->apply(conf, g->env->apply_ctx);

	g->applied = !err;
	return err;
}

/* A failure after the datapath took the new configuration: give it the
 * previous one back. */
static int failed(const struct sfw_conf_env *env, struct guard *g, int err,
		  const struct sfw_conf *old, const struct sfw_conf_errors *errs)
{
	char msg[512];

	/* A file that cannot be read has its reason in errs, the others in
	 * sfw_last_error(). */
	snprintf(msg, sizeof(msg), "%s", err != -EINVAL && errs->n ? errs->msg[0]
								  : sfw_last_error());
	if (g->applied && (g->damaged ? env->fail_closed && env->fail_closed()
				      : env->apply(old, env->apply_ctx)))
		fprintf(env->err, "sfw: restoring the previous configuration: %s\n",
			sfw_last_error());
	if (err == -EINVAL && errs->n)
		sfw_conf_print_errors(errs, env->err);
	else
		fprintf(env->err, "sfw: %s\nerror: commit failed\n", msg);
	return SFW_EXIT_FAIL;
}

static int reevaluate(const struct sfw_conf_env *env, const struct sfw_conf *conf,
		      const struct sfw_conf *old)
{
	struct sfw_reeval rv = { .conf = conf, .old = old, .ifname = env->ifname,
				 .ifname_arg = env->ifname_arg, .reaper = env->reaper };
	int err = env->sessions_fd < 0 ? 0 : sfw_reevaluate(env->sessions_fd, &rv);

	if (err) {
		fprintf(env->err, "sfw: re-evaluating sessions: %s\n", strerror(-err));
		return SFW_EXIT_FAIL;
	}
	fprintf(env->out, "%llu active sessions cleared\n", (unsigned long long)rv.cleared);
	return SFW_EXIT_OK;
}

int sfw_conf_commit_run(const struct sfw_conf_env *env, const char *path,
			bool reevaluate_sessions)
{
	struct sfw_conf_errors errs = { 0 };
	struct guard g = { env, false, false };
	struct sfw_conf old, conf;
	int err, rc = SFW_EXIT_OK;

	g.damaged = load_previous(&old);
	err = sfw_conf_commit_file(path, env->apply ? guarded_apply : NULL, &g, &conf, &errs);
	if (err) {
		rc = failed(env, &g, err, &old, &errs);
	} else {
		fputs("commit complete\n", env->out);
		if (reevaluate_sessions)
			rc = reevaluate(env, &conf, &old);
		sfw_conf_free(&conf);
	}
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&old);
	return rc;
}

int sfw_conf_rollback_run(const struct sfw_conf_env *env, int n)
{
	struct sfw_conf_errors errs = { 0 };
	struct guard g = { env, false, false };
	struct sfw_conf old, conf;
	int err, rc = SFW_EXIT_OK;

	g.damaged = load_previous(&old);
	err = sfw_conf_init(&conf);
	if (!err)
		err = sfw_conf_load_rollback(&conf, n, &errs);
	if (!err && env->apply)
		err = guarded_apply(&conf, &g);
	if (!err)
		err = sfw_conf_store(&conf);
	if (err)
		rc = failed(env, &g, err, &old, &errs);
	else
		fputs("commit complete\n", env->out);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	sfw_conf_free(&old);
	return rc;
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

int sfw_conf_show_run(const struct sfw_conf_env *env)
{
	struct sfw_conf conf;
	int rc = sfw_conf_load_active(&conf, env->err);

	if (rc)
		return rc;
	if (env->json)
		rc = show_json(&conf, env->out);
	else if (sfw_conf_print(&conf, env->out))
		rc = SFW_EXIT_FAIL;
	sfw_conf_free(&conf);
	return rc;
}
