/* Configuration mode's commands that read the candidate in a child, as
 * every shell command runs (run.h): show with its pipes, commit (and its
 * check); and rollback, which loads a stored configuration (cfgmode.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cfgmode.h"
#include "compile.h"
#include "cfgmode_int.h"
#include "commit_log.h"
#include "confirm.h"
#include "conf_ops.h"
#include "err.h"
#include "pipe.h"
#include "run.h"
#include "syntax.h"

#define CONFIRM_DEFAULT_MIN 10      /* Junos's `commit confirmed` default */

/* What a child reads (it inherits the shell's memory). */
static struct {
	const char *text, *old;
	char *const *path;
	int npath;
	bool compare, display_set;
	unsigned confirm_min;
	const char *comment;
} job;

static int show_child(const struct sfw_cmdline *cl)
{
	if (job.compare)
		return sfw_cand_compare(job.old, job.text, cl->out) ? SFW_EXIT_FAIL : SFW_EXIT_OK;
	if (job.display_set) {
		struct sfw_cand c = { 0 };
		int r = sfw_cand_from_text(&c, job.text, strlen(job.text), NULL);

		/* a path: its lines are the ones that start with it */
		for (char *line = c.text, *nl; !r && line && *line; line = nl ? nl + 1 : NULL) {
			bool under = true;
			char *s = line + 4;

			nl = strchr(line, '\n');
			for (int k = 0; under && k < job.npath; k++) {
				size_t len = strlen(job.path[k]);

				under = !strncmp(s, job.path[k], len) && (s[len] == ' ' || s[len] == '\n');
				s += len + 1;
			}
			if (under)
				fprintf(cl->out, "%.*s\n", (int)(nl ? nl - line : (long)strlen(line)), line);
		}
		sfw_cand_free(&c);
		return r ? SFW_EXIT_FAIL : SFW_EXIT_OK;
	}
	return sfw_cand_show(job.text, job.path, job.npath, cl->out) ? SFW_EXIT_FAIL : SFW_EXIT_OK;
}

/* The candidate after the lines saying who commits, how and why. */
static int commit_child(const struct sfw_cmdline *cl)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r;

	if (!f)
		return SFW_EXIT_FAIL;
	sfw_commit_log_header(f, job.confirm_min, job.comment);
	fputs(job.text, f);
	if (fclose(f))
		return SFW_EXIT_FAIL;
	r = sfw_commit_candidate(cl->out, cl->err, text, len, job.confirm_min);
	free(text);
	return r;
}

/* The child runs fn; its output goes through p (NULL: none). */
static int in_child(const struct sfw_exec *x, sfw_cmd_fn fn, struct sfw_pipeline *p)
{
	static struct sfw_node node;
	struct sfw_run_opts o = { .page = x->from == SFW_FROM_TERMINAL, .own_stdin = true };
	struct sfw_cmdline cl = { .cmd = &node, .out = stdout, .err = stderr };

	node.run = fn;
	snprintf(cl.path, sizeof(cl.path), "show");
	return sfw_run(&cl, p, &o);
}

/* A stored configuration's canonical text (rollback n; 0: the active one),
 * or NULL (said why). */
static char *stored_text(int n)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	struct sfw_cand c = { 0 };
	int err = sfw_conf_init(&conf);

	if (!n) {
		sfw_conf_free(&conf);
		return cfg_active_text();
	}
	if (!err)
		err = sfw_conf_load_rollback(&conf, n, &errs);
	if (!err)
		err = sfw_cand_from_conf(&c, &conf);
	if (err == -EINVAL)
		sfw_conf_print_errors(&errs, stderr);
	else if (err)
		fprintf(stderr, "error: %s\n", sfw_last_error());
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	return err ? NULL : c.text;
}

static int rollback_number(const char *s, int *n)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > SFW_CONF_ROLLBACK_MAX)
		return -1;
	*n = (int)v;
	return 0;
}

/* `| compare [rollback N]` and `| display set` are configuration mode's
 * own stages: taken out of the line, the rest go to the pipeline. */
static int own_stages(struct sfw_words *ws, int *rollback, bool *compare, bool *set)
{
	int k = sfw_words_bar(ws, 0);

	while (k < ws->n) {
		int next = sfw_words_bar(ws, k + 1), take = 0;

		if (k + 1 < next && sfw_cfgmode_word(ws->w[k + 1], "compare", 3)) {
			*compare = true;
			take = 2;
			if (k + 3 < ws->n && !ws->bar[k + 2] && sfw_cfgmode_word(ws->w[k + 2], "rollback", 1)) {
				if (rollback_number(ws->w[k + 3], rollback))
					return k + 3;
				take = 4;
			}
		} else if (k + 2 < next && sfw_cfgmode_word(ws->w[k + 1], "display", 1) &&
			   sfw_cfgmode_word(ws->w[k + 2], "set", 1)) {
			*set = true;
			take = 3;
		}
		if (take && k + take != next)
			return k + take;
		if (!take) {
			k = next;
			continue;
		}
		for (int j = k; j + take < ws->n; j++) {
			ws->w[j] = ws->w[j + take];
			ws->col[j] = ws->col[j + take];
			ws->bar[j] = ws->bar[j + take];
			ws->quoted[j] = ws->quoted[j + take];
		}
		ws->n -= take;
		ws->w[ws->n] = NULL;
	}
	return -1;
}

int cfg_do_show(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_words *own = malloc(sizeof(*own));
	struct sfw_pipeline p = { 0 };
	struct sfw_syntax e;
	int bar, bad, rollback = 0, r;
	bool compare = false, set = false;
	char *old = NULL, **path = NULL;

	if (!own || cfg_refresh(x->cfg)) {
		free(own);
		return SFW_EXIT_FAIL;
	}
	memcpy(own, ws, sizeof(*own));
	for (int k = 0; k < ws->n; k++)
		own->w[k] = own->buf + (ws->w[k] - ws->buf);
	bad = own_stages(own, &rollback, &compare, &set);
	if (bad >= 0) {
		r = cfg_refuse(x, own, bad, SFW_SYN_OTHER, "syntax error");
		goto out;
	}
	bar = sfw_words_bar(own, 0);
	if (bar < own->n && sfw_pipe_parse(&p, own, bar, &e)) {
		sfw_syntax_print(stderr, &e, own, x->from == SFW_FROM_TERMINAL ? x->caret_col : -1,
				 NULL);
		r = SFW_EXIT_USAGE;
		goto out;
	}
	/* the mode's show prints the candidate as text or set lines only:
	 * json and xml were taken and ignored (review rtuser L2) */
	if (p.display == SFW_DISPLAY_JSON || p.display == SFW_DISPLAY_XML) {
		fprintf(stderr, "error: '| display %s' is not available for 'show' in "
			"configuration mode\n", p.display == SFW_DISPLAY_XML ? "xml" : "json");
		r = SFW_EXIT_USAGE;
		goto out;
	}
	if (compare && !(old = rollback ? stored_text(rollback) : strdup(x->cfg->active))) {
		r = SFW_EXIT_FAIL;
		goto out;
	}
	job.text = x->cfg->cand.text ? x->cfg->cand.text : "";
	job.old = old;
	if (!(path = cfg_full_path(x->cfg, own, 1, bar, &job.npath))) {
		r = SFW_EXIT_FAIL;
		goto out;
	}
	job.path = path;
	job.compare = compare;
	job.display_set = set;
	r = in_child(x, show_child, &p);
out:
	sfw_pipe_free(&p);
	free(path);
	free(old);
	free(own);
	return r;
}

/* commit check: the whole candidate, every check, nothing stored. */
static int commit_check(struct sfw_cfgmode *m)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err = cfg_refresh(m) ? -EIO : sfw_conf_init(&conf);

	if (err)
		return SFW_EXIT_FAIL;

	if (!err)
		err = sfw_conf_parse_buffer(&conf, "candidate", m->cand.text, m->cand.len, &errs);
	if (err == -EINVAL)
		sfw_conf_print_errors(&errs, stderr);
	else if (err)
		fprintf(stderr, "error: %s\n", sfw_last_error());
	else if ((err = sfw_conf_compile_check(&conf)))
		fprintf(stderr, "error: configuration check fails: %s\n", sfw_last_error());
	else {
		sfw_conf_print_warnings(&conf, stderr);   /* as sfw commit check */
		fputs("configuration check succeeds\n", stdout);
	}
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	return err ? SFW_EXIT_FAIL : SFW_EXIT_OK;
}

/* `confirmed [N]` at ws->w[k]: the minutes, and where the next word is;
 * -1 refused (said). */
static int confirmed_minutes(const struct sfw_exec *x, const struct sfw_words *ws, int k,
			     unsigned *min)
{
	char *end;
	long v;

	*min = CONFIRM_DEFAULT_MIN;
	if (k + 1 >= ws->n || !(*ws->w[k + 1] >= '0' && *ws->w[k + 1] <= '9'))
		return k + 1;
	v = strtol(ws->w[k + 1], &end, 10);
	if (*end || v < 1 || v > SFW_CONFIRM_MAX_MIN) {
		cfg_refuse(x, ws, k + 1, SFW_SYN_OTHER, "invalid value: expected a number of minutes "
		       "1..65535");
		return -1;
	}
	*min = (unsigned)v;
	return k + 2;
}

int cfg_do_commit(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_cfgmode *m = x->cfg;
	const char *comment = NULL;
	bool quit = false;
	unsigned min = 0;
	int r, k = 1;

	if (ws->n == 2 && sfw_cfgmode_word(ws->w[1], "check", 2))
		return commit_check(m);
	while (k < ws->n) {
		if (!min && sfw_cfgmode_word(ws->w[k], "confirmed", 2)) {
			if ((k = confirmed_minutes(x, ws, k, &min)) < 0)
				return SFW_EXIT_USAGE;
		} else if (!comment && k + 1 < ws->n && sfw_cfgmode_word(ws->w[k], "comment", 3)) {
			comment = ws->w[k + 1];
			if (strlen(comment) >= SFW_COMMIT_COMMENT_MAX)
				return cfg_refuse(x, ws, k + 1, SFW_SYN_OTHER, "invalid value: a "
					      "comment of up to 511 characters expected");
			k += 2;
		} else if (!quit && sfw_cfgmode_word(ws->w[k], "and-quit", 1)) {
			quit = true;
			k++;
		} else {
			return cfg_refuse(x, ws, k, k + 1 == ws->n && sfw_cfgmode_word(ws->w[k],
				      "comment", 3) ? SFW_SYN_INCOMPLETE : SFW_SYN_UNKNOWN, "");
		}
	}
	if (cfg_refresh(m))
		return SFW_EXIT_FAIL;
	job.text = m->cand.text ? m->cand.text : "";
	job.confirm_min = min;
	job.comment = comment;
	/* configure private: Junos merges a private copy into a configuration
	 * another session committed since; sfw refuses it (docs/cli.md
	 * "configure private"), checked with the shared candidate's under the
	 * commit's lock */
	cfg_commit_guard(m, job.text);
	r = in_child(x, commit_child, NULL);
	cfg_commit_guard(NULL, NULL);
	if (r)
		return r;
	free(m->active);
	m->active = strdup(job.text);
	m->edited = false;
	if (quit)
		cfg_leave(x);
	return SFW_EXIT_OK;
}

static int load_fn(struct sfw_cand *c, void *arg)
{
	char *text = strdup(arg);

	if (!text)
		return -ENOMEM;
	sfw_cand_free(c);
	c->text = text;
	c->len = strlen(text);
	return 0;
}

int cfg_do_rollback(struct sfw_exec *x, struct sfw_words *ws)
{
	int n = 0;
	char *text;

	if (ws->n > 2)
		return cfg_refuse(x, ws, 2, SFW_SYN_UNKNOWN, "");
	if (ws->n == 2 && rollback_number(ws->w[1], &n))
		return cfg_refuse(x, ws, 1, SFW_SYN_OTHER, "invalid value: expected a rollback number 0..49");
	text = stored_text(n);
	if (!text || cfg_edit_replace(x->cfg, load_fn, text) < 0) {
		free(text);
		return SFW_EXIT_FAIL;
	}
	free(text);
	fputs("load complete\n", stdout);
	return SFW_EXIT_OK;
}

