/* Configuration mode (cfgmode.h). The candidate lives in the shell; what
 * only reads it (show, commit) runs in a child as every command does
 * (run.h), and the shell takes the result: the child's exit code. */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include "cfgmode.h"
#include "commit_log.h"
#include "confirm.h"
#include "err.h"
#include "conf_ops.h"
#include "pipe.h"
#include "run.h"
#include "syntax.h"

#define CONFIRM_DEFAULT_MIN 10      /* Junos's `commit confirmed` default */

static void banner(const struct sfw_cfgmode *m);

bool sfw_cfgmode_word(const char *w, const char *word, size_t min)
{
	size_t len = strlen(w);

	return len >= min && !strncmp(w, word, len);
}

/* The prompt's `>` becomes `#` and back. */
static void prompt_mark(struct sfw_exec *x, char mark)
{
	size_t len = strlen(x->prompt);

	if (len >= 2)
		x->prompt[len - 2] = mark;
}

void sfw_cfgmode_banner(const struct sfw_exec *x)
{
	banner(x->cfg);
}

static void banner(const struct sfw_cfgmode *m)
{
	fputs("\n[edit", stdout);
	for (int k = 0; k < m->nlevel; k++)
		printf(" %s", m->level[k]);
	fputs("]\n", stdout);
}

/* Back n words of the level (up, top, exit). */
static void level_drop(struct sfw_cfgmode *m, int n)
{
	while (n-- > 0 && m->nlevel)
		free(m->level[--m->nlevel]);
}

/* The level's words, then ws->w[from..to): what set, delete and show
 * name. NULL: too many words (said). */
static char **full_path(const struct sfw_cfgmode *m, const struct sfw_words *ws, int from,
			int to, int *n)
{
	char **w = calloc((size_t)(m->nlevel + to - from + 1), sizeof(*w));

	if (!w) {
		fputs("error: out of memory\n", stderr);
		return NULL;
	}
	*n = 0;
	for (int k = 0; k < m->nlevel; k++)
		w[(*n)++] = m->level[k];
	for (int k = from; k < to; k++)
		w[(*n)++] = ws->w[k];
	return w;
}

/* The canonical text of the active configuration, or NULL (said why). */
static char *active_text(void)
{
	struct sfw_conf conf;
	struct sfw_cand c;
	int err;

	if (sfw_conf_load_active(&conf, stderr))
		return NULL;
	err = sfw_cand_from_conf(&c, &conf);
	sfw_conf_free(&conf);
	if (err) {
		fprintf(stderr, "error: cannot read the configuration: %s\n", strerror(-err));
		return NULL;
	}
	return c.text;
}

/* The lock of configure exclusive: its fd, or -1 (said why). */
static int take_exclusive(void)
{
	const struct passwd *pw = getpwuid(getuid());
	char who[128], holder[128];
	int fd;

	snprintf(who, sizeof(who), "%s (pid %d)\n", pw ? pw->pw_name : "user", (int)getpid());
	fd = sfw_conf_exclusive_take(who, holder, sizeof(holder));
	if (fd == -EBUSY)
		fprintf(stderr, "error: configuration database locked by:\n  %s\n", holder);
	else if (fd < 0)
		fprintf(stderr, "error: %s\n", sfw_last_error());
	return fd < 0 ? -1 : fd;
}

int sfw_cfgmode_enter(struct sfw_exec *x, bool exclusive)
{
	struct sfw_cfgmode *m = x->cfg ? x->cfg : calloc(1, sizeof(*m));
	int fd = exclusive ? take_exclusive() : -1;
	char *active = m && (!exclusive || fd >= 0) ? active_text() : NULL;

	if (!m || !active || !(m->cand.text = strdup(active))) {
		if (!m)
			fputs("error: out of memory\n", stderr);
		sfw_conf_exclusive_release(fd);
		free(active);
		if (m && m != x->cfg)
			free(m);
		return SFW_EXIT_FAIL;
	}
	m->exclusive_fd = fd;
	sfw_conf_exclusive_own(fd >= 0);
	if (fd >= 0)
		fputs("warning: uncommitted changes will be discarded on exit\n", stdout);
	m->cand.len = strlen(active);
	m->active = active;
	m->on = true;
	x->cfg = m;
	prompt_mark(x, '#');
	fputs("Entering configuration mode\n", stdout);
	banner(m);
	return SFW_EXIT_OK;
}

static void leave(struct sfw_exec *x)
{
	struct sfw_cfgmode *m = x->cfg;

	sfw_cand_free(&m->cand);
	free(m->active);
	m->active = NULL;
	level_drop(m, m->nlevel);
	m->nedits = 0;
	sfw_conf_exclusive_release(m->exclusive_fd);
	m->exclusive_fd = -1;
	sfw_conf_exclusive_own(false);
	m->on = false;
	prompt_mark(x, '>');
	fputs("Exiting configuration mode\n", stdout);
}

void sfw_cfgmode_free(struct sfw_exec *x)
{
	if (x->cfg && x->cfg->on) {
		sfw_cand_free(&x->cfg->cand);
		free(x->cfg->active);
		level_drop(x->cfg, x->cfg->nlevel);
	}
	free(x->cfg);
	x->cfg = NULL;
}

static bool changed(const struct sfw_cfgmode *m)
{
	return strcmp(m->cand.text ? m->cand.text : "", m->active ? m->active : "") != 0;
}

/* Junos's question: `[yes,no] (dflt)`; the answer is the next line read
 * (the terminal, or a script's next line). */
static bool ask(const char *question, bool dflt)
{
	char answer[64];
	size_t len;

	printf("%s [yes,no] (%s) ", question, dflt ? "yes" : "no");
	fflush(stdout);
	if (!fgets(answer, sizeof(answer), stdin)) {
		fputc('\n', stdout);
		return dflt;
	}
	answer[strcspn(answer, "\r\n")] = '\0';
	len = strlen(answer);
	if (!len)
		return dflt;
	return !strncmp(answer, "yes", len);
}

/* A word the line got wrong: the caret under it, and why. */
static int refuse(const struct sfw_exec *x, const struct sfw_words *ws, int word,
		  enum sfw_syntax_kind kind, const char *msg)
{
	struct sfw_syntax e = { .kind = kind, .word = word };

	snprintf(e.msg, sizeof(e.msg), "%s", msg);
	sfw_syntax_print(stderr, &e, ws, x->from == SFW_FROM_TERMINAL ? x->caret_col : -1,
			 NULL);
	return SFW_EXIT_USAGE;
}

/* The word a configuration error names ('word'), among the typed ones. */
static int named_word(const struct sfw_words *ws, const char *msg)
{
	const char *q = strchr(msg, '\''), *end = q ? strchr(q + 1, '\'') : NULL;

	for (int k = 1; end && k < ws->n; k++)
		if (strlen(ws->w[k]) == (size_t)(end - q - 1) && !strncmp(ws->w[k], q + 1, (size_t)(end - q - 1)))
			return k;
	return ws->n;
}

static int do_set(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_conf_errors errs = { 0 };
	char **w;
	int err, k, n;

	if (ws->n < 2)
		return refuse(x, ws, ws->n, SFW_SYN_INCOMPLETE, "");
	if (!(w = full_path(x->cfg, ws, 1, ws->n, &n)))
		return SFW_EXIT_FAIL;
	err = sfw_cand_set(&x->cfg->cand, w, n, &errs);
	free(w);
	for (k = 0; err == -EINVAL && k < errs.n; k++) {
		/* "candidate:LINE: message": the line is the one typed */
		const char *msg = strchr(errs.msg[k], ' ');

		msg = msg ? msg + 1 : errs.msg[k];
		refuse(x, ws, named_word(ws, msg), SFW_SYN_OTHER, msg);
	}
	sfw_conf_errors_free(&errs);
	if (err && err != -EINVAL)
		fprintf(stderr, "error: %s\n", strerror(-err));
	return err ? SFW_EXIT_USAGE : SFW_EXIT_OK;
}

static int do_delete(struct sfw_exec *x, struct sfw_words *ws)
{
	char **w;
	int r, n;

	if (ws->n == 1 && !ask("Delete everything under this level?", false))
		return SFW_EXIT_OK;
	if (!(w = full_path(x->cfg, ws, 1, ws->n, &n)))
		return SFW_EXIT_FAIL;
	r = sfw_cand_delete(&x->cfg->cand, w, n);
	free(w);
	if (r < 0) {
		fprintf(stderr, "error: %s\n", strerror(-r));
		return SFW_EXIT_FAIL;
	}
	if (!r)
		fputs("warning: statement not found\n", stdout);
	return SFW_EXIT_OK;
}

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
		return active_text();
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
		}
		ws->n -= take;
		ws->w[ws->n] = NULL;
	}
	return -1;
}

static int do_show(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_words *own = malloc(sizeof(*own));
	struct sfw_pipeline p = { 0 };
	struct sfw_syntax e;
	int bar, bad, rollback = 0, r;
	bool compare = false, set = false;
	char *old = NULL, **path = NULL;

	if (!own)
		return SFW_EXIT_FAIL;
	memcpy(own, ws, sizeof(*own));
	for (int k = 0; k < ws->n; k++)
		own->w[k] = own->buf + (ws->w[k] - ws->buf);
	bad = own_stages(own, &rollback, &compare, &set);
	if (bad >= 0) {
		r = refuse(x, own, bad, SFW_SYN_OTHER, "syntax error");
		goto out;
	}
	bar = sfw_words_bar(own, 0);
	if (bar < own->n && sfw_pipe_parse(&p, own, bar, &e)) {
		sfw_syntax_print(stderr, &e, own, x->from == SFW_FROM_TERMINAL ? x->caret_col : -1,
				 NULL);
		r = SFW_EXIT_USAGE;
		goto out;
	}
	if (compare && !(old = rollback ? stored_text(rollback) : strdup(x->cfg->active))) {
		r = SFW_EXIT_FAIL;
		goto out;
	}
	job.text = x->cfg->cand.text ? x->cfg->cand.text : "";
	job.old = old;
	if (!(path = full_path(x->cfg, own, 1, bar, &job.npath))) {
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
static int commit_check(const struct sfw_cfgmode *m)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err = sfw_conf_init(&conf);

	if (!err)
		err = sfw_conf_parse_buffer(&conf, "candidate", m->cand.text, m->cand.len, &errs);
	if (err == -EINVAL)
		sfw_conf_print_errors(&errs, stderr);
	else if (err)
		fprintf(stderr, "error: %s\n", sfw_last_error());
	else
		fputs("configuration check succeeds\n", stdout);
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
		refuse(x, ws, k + 1, SFW_SYN_OTHER, "invalid value: expected a number of minutes "
		       "1..65535");
		return -1;
	}
	*min = (unsigned)v;
	return k + 2;
}

static int do_commit(struct sfw_exec *x, struct sfw_words *ws)
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
				return refuse(x, ws, k + 1, SFW_SYN_OTHER, "invalid value: a "
					      "comment of up to 511 characters expected");
			k += 2;
		} else if (!quit && sfw_cfgmode_word(ws->w[k], "and-quit", 1)) {
			quit = true;
			k++;
		} else {
			return refuse(x, ws, k, k + 1 == ws->n && sfw_cfgmode_word(ws->w[k],
				      "comment", 3) ? SFW_SYN_INCOMPLETE : SFW_SYN_UNKNOWN, "");
		}
	}
	job.text = m->cand.text ? m->cand.text : "";
	job.confirm_min = min;
	job.comment = comment;
	r = in_child(x, commit_child, NULL);
	if (r)
		return r;
	free(m->active);
	m->active = strdup(job.text);
	if (quit)
		leave(x);
	return SFW_EXIT_OK;
}

static int do_rollback(struct sfw_exec *x, struct sfw_words *ws)
{
	int n = 0;
	char *text;

	if (ws->n > 2)
		return refuse(x, ws, 2, SFW_SYN_UNKNOWN, "");
	if (ws->n == 2 && rollback_number(ws->w[1], &n))
		return refuse(x, ws, 1, SFW_SYN_OTHER, "invalid value: expected a rollback number 0..49");
	text = stored_text(n);
	if (!text)
		return SFW_EXIT_FAIL;
	sfw_cand_free(&x->cfg->cand);
	x->cfg->cand.text = text;
	x->cfg->cand.len = strlen(text);
	fputs("load complete\n", stdout);
	return SFW_EXIT_OK;
}

static int do_exit(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_cfgmode *m = x->cfg;

	if (ws->n > 2 || (ws->n == 2 && !sfw_cfgmode_word(ws->w[1], "configuration-mode", 1)))
		return refuse(x, ws, ws->n > 2 ? 2 : 1, SFW_SYN_UNKNOWN, "");
	/* under an `edit`: back to where it was */
	if (ws->n == 1 && m->nlevel) {
		level_drop(m, m->nedits ? m->edits[--m->nedits] : m->nlevel);
		return SFW_EXIT_OK;
	}
	if (changed(x->cfg)) {
		fputs("The configuration has been changed but not committed\n", stdout);
		if (!ask("Exit with uncommitted changes?", true))
			return SFW_EXIT_OK;
	}
	leave(x);
	return SFW_EXIT_OK;
}

static int do_edit(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_cfgmode *m = x->cfg;
	int k;

	if (ws->n < 2)
		return refuse(x, ws, ws->n, SFW_SYN_INCOMPLETE, "");
	if (m->nlevel + ws->n - 1 > SFW_CFG_LEVEL_MAX || m->nedits == SFW_CFG_LEVEL_MAX)
		return refuse(x, ws, 1, SFW_SYN_OTHER, "too deep: expected a shorter path");
	for (k = 1; k < ws->n; k++)
		if (!(m->level[m->nlevel] = strdup(ws->w[k])))
			break;
		else
			m->nlevel++;
	m->edits[m->nedits++] = k - 1;
	return SFW_EXIT_OK;
}

/* `up [N]`: N levels up (a level is a node: `policy P` is one). */
static int do_up(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_cfgmode *m = x->cfg;
	long n = 1;
	char *end;

	if (ws->n > 2)
		return refuse(x, ws, 2, SFW_SYN_UNKNOWN, "");
	if (ws->n == 2 && ((n = strtol(ws->w[1], &end, 10)) < 1 || *end || n > SFW_CFG_LEVEL_MAX))
		return refuse(x, ws, 1, SFW_SYN_OTHER, "invalid value: expected a number of levels");
	if (!m->nlevel) {
		fputs("warning: already at the top of the configuration\n", stdout);
		return SFW_EXIT_OK;
	}
	while (n-- > 0 && m->nlevel)
		level_drop(m, sfw_cand_last_level(m->level, m->nlevel));
	m->nedits = 0;
	return SFW_EXIT_OK;
}

static int do_top(struct sfw_exec *x, struct sfw_words *ws)
{
	if (ws->n > 1)
		return refuse(x, ws, 1, SFW_SYN_UNKNOWN, "");
	level_drop(x->cfg, x->cfg->nlevel);
	x->cfg->nedits = 0;
	return SFW_EXIT_OK;
}

/* Junos's help lines; `run` is exec.c's. */
static const struct {
	const char *word;
	size_t min;          /* the shortest unique prefix */
	int (*fn)(struct sfw_exec *x, struct sfw_words *ws);
	const char *help;
} commands[] = {
	{ "commit", 2, do_commit, "Commit current set of changes" },
	{ "delete", 1, do_delete, "Delete a data element" },
	{ "edit", 2, do_edit, "Edit a sub-element" },
	{ "exit", 2, do_exit, "Exit from this level" },
	{ "quit", 1, do_exit, "Quit from this level" },
	{ "rollback", 2, do_rollback, "Roll back to previous committed configuration" },
	{ "run", 2, NULL, "Run an operational-mode command" },
	{ "set", 2, do_set, "Set a parameter" },
	{ "show", 2, do_show, "Show a parameter" },
	{ "top", 1, do_top, "Exit to top level of configuration" },
	{ "up", 1, do_up, "Exit one level of configuration" },
};

const char *sfw_cfgmode_command(size_t k, const char **help)
{
	if (k >= sizeof(commands) / sizeof(commands[0]))
		return NULL;
	*help = commands[k].help;
	return commands[k].word;
}

const char *sfw_cfgmode_match(const char *w)
{
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (sfw_cfgmode_word(w, commands[k].word, commands[k].min))
			return commands[k].word;
	return NULL;
}

int sfw_cfgmode_exec(struct sfw_exec *x, struct sfw_words *ws)
{
	int r = SFW_EXIT_USAGE;
	size_t k;

	if (!ws->n)
		return SFW_EXIT_OK;
	for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (commands[k].fn && sfw_cfgmode_word(ws->w[0], commands[k].word, commands[k].min))
			break;
	if (k == sizeof(commands) / sizeof(commands[0]))
		refuse(x, ws, 0, SFW_SYN_UNKNOWN, "");
	else if (strcmp(commands[k].word, "show") && sfw_words_bar(ws, 0) < ws->n)
		refuse(x, ws, sfw_words_bar(ws, 0), SFW_SYN_OTHER,
		       "pipes follow 'show' only");
	else
		r = commands[k].fn(x, ws);
	fflush(stderr);
	if (x->cfg->on)
		banner(x->cfg);
	return r;
}
