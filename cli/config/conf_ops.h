/* The configuration commands (commit check, commit, rollback, show
 * configuration) as functions of an environment: where output goes, what
 * applies a configuration to the datapath and which session map to
 * re-evaluate. The command handlers fill it from the live system; tests
 * fill it with an apply of their own and a map they created. */
#ifndef SFW_CLI_CONF_OPS_H
#define SFW_CLI_CONF_OPS_H

#include <stdbool.h>
#include <stdio.h>
#include "conf.h"
#include "reevaluate.h"

struct sfw_conf_env {
	FILE *out, *err;
	bool json;
	bool set_lines;               /* show: `| display set`, not the braces */
	sfw_conf_apply_fn apply;      /* NULL: store only (sfw not loaded) */
	void *apply_ctx;
	/* What "the previous configuration" is when the active file is
	 * damaged: every new session refused (sfw_conf_fail_closed). NULL:
	 * nothing to do. */
	int (*fail_closed)(void);
	int sessions_fd;              /* for reevaluate; -1: none */
	/* reevaluate removes through the reaper; NULL: plain deletes, for a
	 * test's own map only: the live table has a reaper, or no_reaper says
	 * why not and reevaluate is refused */
	struct sfw_reaper *reaper;
	char no_reaper[160];
	sfw_reeval_ifname_fn ifname;  /* NULL: the system's names */
	void *ifname_arg;
	const char *arm, *if_armed;   /* commit confirmed (sfw_conf_commit_ops) */
	unsigned confirm_min;         /* with arm: said before `commit complete` */
};

/* Each returns an exit code (SFW_EXIT_*). Errors are printed on env->err,
 * the configuration's as "FILE:LINE: message", one a line. */
int sfw_conf_check_run(const struct sfw_conf_env *env, const char *path);
/* path NULL: the active file. reevaluate: clear the sessions the new
 * configuration no longer permits and say how many. */
int sfw_conf_commit_run(const struct sfw_conf_env *env, const char *path,
			bool reevaluate);
/* The same for a text in memory (configuration mode's candidate); errors
 * name it `name`. */
int sfw_conf_commit_text_run(const struct sfw_conf_env *env, const char *name,
			     const char *text, size_t len);
int sfw_conf_rollback_run(const struct sfw_conf_env *env, int n);
/* The commit confirmed timer's rollback: the pending target
 * (sfw_conf_load_confirm_target), committed if env->if_armed is still the
 * pending token. */
int sfw_conf_confirm_rollback_run(const struct sfw_conf_env *env);
/* Junos's hierarchical (brace) form, as configuration mode's `show`;
 * set_lines: the set lines (`| display set`); json: sfw's array of them. */
int sfw_conf_show_run(const struct sfw_conf_env *env);

/* The active configuration, or an empty one (built-in defaults) when none
 * was committed. Prints the errors of a damaged active file on err (if not
 * NULL) and returns SFW_EXIT_FAIL; conf is then freed. */
int sfw_conf_load_active(struct sfw_conf *conf, FILE *err);

/* Print collected errors, then Junos's closing line. */
void sfw_conf_print_errors(const struct sfw_conf_errors *errs, FILE *err);

#endif
