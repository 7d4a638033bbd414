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
#include "cfgmode_int.h"
#include "commit_log.h"
#include "confirm.h"
#include "err.h"
#include "conf_ops.h"
#include "pipe.h"
#include "run.h"
#include "syntax.h"

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

/* Junos's refusals at entry: private and exclusive need a shared
 * candidate nobody changed (docs/cli.md "configure private"). */
static int entry_refused(enum sfw_cfg_form form, bool changed)
{
	if (form == SFW_CFG_SHARED || !changed)
		return 0;
	fprintf(stderr, "error: %s\n", form == SFW_CFG_PRIVATE ?
		"shared configuration database modified" : "configuration database modified");
	sfw_editor_list(stderr);
	return -EBUSY;
}

static int enter(struct sfw_exec *x, enum sfw_cfg_form form)
{
	struct sfw_cfgmode *m = x->cfg ? x->cfg : calloc(1, sizeof(*m));
	int fd = form == SFW_CFG_EXCLUSIVE ? take_exclusive() : -1;
	bool dirty = false;

	if (!m || (form == SFW_CFG_EXCLUSIVE && fd < 0) || cfg_shared_state(&dirty) ||
	    entry_refused(form, dirty)) {
		if (!m)
			fputs("error: out of memory\n", stderr);
		sfw_conf_exclusive_release(fd);
		if (m && m != x->cfg)
			free(m);
		return SFW_EXIT_FAIL;
	}
	m->form = form;
	m->exclusive_fd = fd;
	sfw_conf_exclusive_own(fd >= 0);
	if (form == SFW_CFG_PRIVATE) {
		m->active = cfg_active_text();
		m->cand.text = m->active ? strdup(m->active) : NULL;
	} else if (cfg_refresh(m) && !m->active) {
		/* a damaged shared candidate (said): in, so that rollback 0
		 * can discard it; what reads it is refused until then */
		m->active = cfg_active_text();
		m->cand.text = m->active ? strdup(m->active) : NULL;
	}
	if (!m->active || !m->cand.text) {
		sfw_cand_free(&m->cand);
		free(m->active);
		m->active = NULL;
		sfw_conf_exclusive_release(fd);
		sfw_conf_exclusive_own(false);
		if (m != x->cfg)
			free(m);
		return SFW_EXIT_FAIL;
	}
	m->cand.len = strlen(m->cand.text);
	m->on = true;
	m->edited = false;
	x->cfg = m;
	cfg_prompt_mark(x, '#');
	fputs("Entering configuration mode\n", stdout);
	sfw_editor_list(stdout);
	if (fd >= 0 || form == SFW_CFG_PRIVATE)
		fputs("warning: uncommitted changes will be discarded on exit\n", stdout);
	if (dirty && form == SFW_CFG_SHARED)
		fputs("The configuration has been changed but not committed\n", stdout);
	cfg_editor_enter();
	sfw_cfgmode_banner(x);
	return SFW_EXIT_OK;
}

int sfw_cfgmode_enter(struct sfw_exec *x, enum sfw_cfg_form form)
{
	if (x->cfg && x->cfg->active) {        /* `run configure` */
		fputs("error: already in configuration mode\n", stderr);
		return SFW_EXIT_USAGE;
	}
	return enter(x, form);
}

void sfw_cfgmode_free(struct sfw_exec *x)
{
	if (x->cfg && x->cfg->on) {
		sfw_editor_leave();
		cfg_shared_discard(x->cfg);
		sfw_cand_free(&x->cfg->cand);
		free(x->cfg->active);
		cfg_level_drop(x->cfg, x->cfg->nlevel);
	}
	free(x->cfg);
	x->cfg = NULL;
}

static bool changed(struct sfw_cfgmode *m)
{
	cfg_refresh(m);
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

/* The word a configuration error names ('word'), among the typed ones. */
static int named_word(const struct sfw_words *ws, const char *msg)
{
	const char *q = strchr(msg, '\''), *end = q ? strchr(q + 1, '\'') : NULL;

	for (int k = 1; end && k < ws->n; k++)
		if (strlen(ws->w[k]) == (size_t)(end - q - 1) && !strncmp(ws->w[k], q + 1, (size_t)(end - q - 1)))
			return k;
	return ws->n;
}

struct set_args {
	char *const *w;
	int n;
	struct sfw_conf_errors *errs;
};

static int set_fn(struct sfw_cand *c, void *arg)
{
	const struct set_args *a = arg;

	return sfw_cand_set(c, a->w, a->n, a->errs);
}

static int delete_fn(struct sfw_cand *c, void *arg)
{
	const struct set_args *a = arg;

	return sfw_cand_delete(c, a->w, a->n);
}

static int do_set(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_conf_errors errs = { 0 };
	struct set_args a = { .errs = &errs };
	char **w;
	int err, k, n;

	if (ws->n < 2)
		return cfg_refuse(x, ws, ws->n, SFW_SYN_INCOMPLETE, "");
	if (!(w = cfg_full_path(x->cfg, ws, 1, ws->n, &n)))
		return SFW_EXIT_FAIL;
	a.w = w;
	a.n = n;
	err = cfg_edit(x->cfg, set_fn, &a);
	free(w);
	if (err == -EBUSY || err == -EIO) {
		sfw_conf_errors_free(&errs);
		return SFW_EXIT_FAIL;
	}
	for (k = 0; err == -EINVAL && k < errs.n; k++) {
		/* "candidate:LINE: message": the line is the one typed */
		const char *msg = strchr(errs.msg[k], ' ');

		msg = msg ? msg + 1 : errs.msg[k];
		cfg_refuse(x, ws, named_word(ws, msg), SFW_SYN_OTHER, msg);
	}
	sfw_conf_errors_free(&errs);
	if (err && err != -EINVAL)
		fprintf(stderr, "error: %s\n", strerror(-err));
	return err ? SFW_EXIT_USAGE : SFW_EXIT_OK;
}

static int do_delete(struct sfw_exec *x, struct sfw_words *ws)
{
	struct set_args a = { 0 };
	char **w;
	int r, n;

	if (ws->n == 1 && !ask("Delete everything under this level?", false))
		return SFW_EXIT_OK;
	if (!(w = cfg_full_path(x->cfg, ws, 1, ws->n, &n)))
		return SFW_EXIT_FAIL;
	a.w = w;
	a.n = n;
	r = cfg_edit(x->cfg, delete_fn, &a);
	free(w);
	if (r == -EBUSY || r == -EIO)
		return SFW_EXIT_FAIL;
	if (r < 0) {
		fprintf(stderr, "error: %s\n", strerror(-r));
		return SFW_EXIT_FAIL;
	}
	if (!r)
		fputs("warning: statement not found\n", stdout);
	return SFW_EXIT_OK;
}

static int do_exit(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_cfgmode *m = x->cfg;

	if (ws->n > 2 || (ws->n == 2 && !sfw_cfgmode_word(ws->w[1], "configuration-mode", 1)))
		return cfg_refuse(x, ws, ws->n > 2 ? 2 : 1, SFW_SYN_UNKNOWN, "");
	/* under an `edit`: back to where it was */
	if (ws->n == 1 && m->nlevel) {
		cfg_level_drop(m, m->nedits ? m->edits[--m->nedits] : m->nlevel);
		return SFW_EXIT_OK;
	}
	if (changed(x->cfg)) {
		fputs("The configuration has been changed but not committed\n", stdout);
		/* a script's next line is no answer about other shells' changes */
		if ((x->from == SFW_FROM_TERMINAL || m->edited) &&
		    !ask("Exit with uncommitted changes?", true))
			return SFW_EXIT_OK;
	}
	cfg_leave(x);
	return SFW_EXIT_OK;
}

static int do_edit(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_cfgmode *m = x->cfg;
	int k;

	if (ws->n < 2)
		return cfg_refuse(x, ws, ws->n, SFW_SYN_INCOMPLETE, "");
	if (m->nlevel + ws->n - 1 > SFW_CFG_LEVEL_MAX || m->nedits == SFW_CFG_LEVEL_MAX)
		return cfg_refuse(x, ws, 1, SFW_SYN_OTHER, "too deep: expected a shorter path");
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
		return cfg_refuse(x, ws, 2, SFW_SYN_UNKNOWN, "");
	if (ws->n == 2 && ((n = strtol(ws->w[1], &end, 10)) < 1 || *end || n > SFW_CFG_LEVEL_MAX))
		return cfg_refuse(x, ws, 1, SFW_SYN_OTHER, "invalid value: expected a number of levels");
	if (!m->nlevel) {
		fputs("warning: already at the top of the configuration\n", stdout);
		return SFW_EXIT_OK;
	}
	while (n-- > 0 && m->nlevel)
		cfg_level_drop(m, sfw_cand_last_level(m->level, m->nlevel));
	m->nedits = 0;
	return SFW_EXIT_OK;
}

static int do_top(struct sfw_exec *x, struct sfw_words *ws)
{
	if (ws->n > 1)
		return cfg_refuse(x, ws, 1, SFW_SYN_UNKNOWN, "");
	cfg_level_drop(x->cfg, x->cfg->nlevel);
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
	{ "commit", 2, cfg_do_commit, "Commit current set of changes" },
	{ "delete", 1, do_delete, "Delete a data element" },
	{ "edit", 2, do_edit, "Edit a sub-element" },
	{ "exit", 2, do_exit, "Exit from this level" },
	{ "quit", 1, do_exit, "Quit from this level" },
	{ "rollback", 2, cfg_do_rollback, "Roll back to previous committed configuration" },
	{ "run", 2, NULL, "Run an operational-mode command" },
	{ "set", 2, do_set, "Set a parameter" },
	{ "show", 2, cfg_do_show, "Show a parameter" },
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
		cfg_refuse(x, ws, 0, SFW_SYN_UNKNOWN, "");
	else if (strcmp(commands[k].word, "show") && sfw_words_bar(ws, 0) < ws->n)
		cfg_refuse(x, ws, sfw_words_bar(ws, 0), SFW_SYN_OTHER,
		       "pipes follow 'show' only");
	else
		r = commands[k].fn(x, ws);
	fflush(stderr);
	if (x->cfg->on)
		sfw_cfgmode_banner(x);
	return r;
}
