/* One command line through pipes, grammar and run (exec.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cfgmode.h"
#include "complete.h"
#include "exec.h"
#include "pipe.h"
#include "run.h"
#include "syntax.h"

/* A one-line error as the line's origin wants it. */
static void say(const struct sfw_exec *x, const char *fmt, ...)
{
	va_list ap;

	fputs(x->from == SFW_FROM_ARGV ? "sfw: " : "error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int refuse(const struct sfw_exec *x, const struct sfw_syntax *e,
		  const struct sfw_words *ws)
{
	struct sfw_syntax again;
	char *listing = NULL;

	if (x->from == SFW_FROM_ARGV) {
		fprintf(stderr, "sfw: %s\n", e->msg);
		return SFW_EXIT_USAGE;
	}
	if (e->kind == SFW_SYN_AMBIGUOUS && e->word < ws->n)
		listing = sfw_complete_listing(x->root, ws, e->word, ws->w[e->word], &again);
	sfw_syntax_print(stderr, e, ws, x->from == SFW_FROM_TERMINAL ? x->caret_col : -1,
			 listing);
	free(listing);
	return SFW_EXIT_USAGE;
}

/* `?` as the last word after a bar (from bash, or a script): the pipe
 * words there. The tree answers a `?` in the command's words itself. A
 * quoted word is text: `| match "https?"` is a pattern, and ran nothing
 * as a help request (review rtuser L3). */
static bool pipe_help(struct sfw_exec *x, const struct sfw_words *ws, int bar, int *r)
{
	const char *last = ws->w[ws->n - 1];
	size_t len = strlen(last);
	struct sfw_syntax e;
	char prefix[SFW_LINE_MAX], *listing;

	if (ws->n - 1 < bar || ws->bar[ws->n - 1] || ws->quoted[ws->n - 1] || !len ||
	    last[len - 1] != '?')
		return false;
	snprintf(prefix, sizeof(prefix), "%.*s", (int)len - 1, last);
	listing = sfw_complete_listing(x->root, ws, ws->n - 1, prefix, &e);
	if (listing)
		fputs(listing, stdout);
	*r = listing ? SFW_EXIT_OK : refuse(x, &e, ws);
	free(listing);
	return true;
}

/* `configure ?` (or `configure p?`) from a script or bash: its listing,
 * as the terminal's `?` key shows it. */
static bool configure_help(struct sfw_exec *x, const struct sfw_words *ws)
{
	size_t len = strlen(ws->w[1]);
	char prefix[SFW_LINE_MAX], *listing;
	struct sfw_syntax e;

	if (!len || ws->quoted[1] || ws->w[1][len - 1] != '?')
		return false;
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(len - 1), ws->w[1]);
	listing = sfw_complete_listing(x->root, ws, 1, prefix, &e);
	if (listing)
		fputs(listing, stdout);
	free(listing);
	return true;
}

static int parse_command(struct sfw_exec *x, struct sfw_words *ws, int bar,
			 struct sfw_cmdline *cl)
{
	char *words[SFW_LINE_WORDS + 2];
	struct sfw_syntax e;
	int nw, r;

	if (!bar) {      /* `| count` alone */
		e.kind = SFW_SYN_UNKNOWN;
		e.word = 0;
		snprintf(e.msg, sizeof(e.msg), "missing command before '|'");
		return refuse(x, &e, ws);
	}
	for (nw = 0; nw < bar; nw++)
		words[nw] = ws->w[nw];
	r = sfw_syntax_parse(x->root, words, nw, cl, stdout, &e);
	if (r == SFW_PARSE_ERROR) {
		if (e.word >= bar)        /* the command ends too early: at the bar */
			e.word = bar;
		return refuse(x, &e, ws);
	}
	return r == SFW_PARSE_HELP ? -1 : 0;
}

/* Configuration mode: `run` takes an operational command, the rest is
 * the mode's own. */
static int configuring(struct sfw_exec *x, struct sfw_words *ws)
{
	int r;

	if (!sfw_cfgmode_word(ws->w[0], "run", 2) || ws->bar[0])
		return sfw_cfgmode_exec(x, ws);
	if (ws->n == 1) {
		struct sfw_syntax e = { .kind = SFW_SYN_INCOMPLETE, .word = 1 };

		refuse(x, &e, ws);
		sfw_cfgmode_banner(x);
		return SFW_EXIT_USAGE;
	}
	for (int k = 0; k + 1 < ws->n; k++) {
		ws->w[k] = ws->w[k + 1];
		ws->col[k] = ws->col[k + 1];
		ws->bar[k] = ws->bar[k + 1];
		ws->quoted[k] = ws->quoted[k + 1];
	}
	ws->w[--ws->n] = NULL;
	x->cfg->on = false;       /* the operational words, for this line */
	r = sfw_exec_words(x, ws);
	x->cfg->on = true;
	x->quit = false;          /* `run exit` does not end the shell */
	fflush(stderr);
	sfw_cfgmode_banner(x);
	return r;
}

int sfw_exec_words(struct sfw_exec *x, struct sfw_words *ws)
{
	struct sfw_run_opts o = { .page = x->from == SFW_FROM_TERMINAL,
				  .own_stdin = x->from != SFW_FROM_ARGV };
	int bar = sfw_words_bar(ws, 0), r;
	struct sfw_pipeline p = { 0 };
	struct sfw_cmdline cl;
	struct sfw_syntax e;
	const char *word;

	if (!ws->n)
		return SFW_EXIT_OK;
	if (x->cfg && x->cfg->on)
		return configuring(x, ws);
	word = x->from != SFW_FROM_ARGV && (ws->n == 1 || ws->n == 2) ?
	       sfw_shell_word(x->root, ws->w[0]) : NULL;
	if (word && !strcmp(word, "configure")) {
		if (ws->n == 2 && configure_help(x, ws))
			return SFW_EXIT_OK;
		if (ws->n == 1)
			return sfw_cfgmode_enter(x, SFW_CFG_SHARED);
		if (sfw_cfgmode_word(ws->w[1], "exclusive", 1))
			return sfw_cfgmode_enter(x, SFW_CFG_EXCLUSIVE);
		if (sfw_cfgmode_word(ws->w[1], "private", 1))
			return sfw_cfgmode_enter(x, SFW_CFG_PRIVATE);
		e = (struct sfw_syntax){ .kind = SFW_SYN_UNKNOWN, .word = 1 };
		return refuse(x, &e, ws);
	}
	if (word && ws->n == 2)
		word = NULL;      /* `exit now`: the tree says what is wrong */
	if (word) {
		x->quit = true;
		return SFW_EXIT_OK;
	}
	if (bar < ws->n && pipe_help(x, ws, bar, &r))
		return r;
	if (bar < ws->n && sfw_pipe_parse(&p, ws, bar, &e)) {
		sfw_pipe_free(&p);
		return refuse(x, &e, ws);
	}
	r = parse_command(x, ws, bar, &cl);
	if (r) {
		sfw_pipe_free(&p);
		return r < 0 ? SFW_EXIT_OK : r;
	}
	/* Junos's reply where the command has its shape; else json is sfw's */
	if (p.display == SFW_DISPLAY_SET && (cl.cmd->flags & SFW_N_DISPLAY_SET))
		cl.display = p.display;
	else if (p.display && p.display != SFW_DISPLAY_SET && (cl.cmd->flags & SFW_N_DISPLAY))
		cl.display = p.display;
	else if (p.display == SFW_DISPLAY_JSON)
		cl.json = true;
	if ((p.display == SFW_DISPLAY_XML || p.display == SFW_DISPLAY_SET) && !cl.display) {
		say(x, "'| display %s' is not available for '%s'",
		    p.display == SFW_DISPLAY_XML ? "xml" : "set", cl.path);
		r = SFW_EXIT_USAGE;
	} else if (p.refresh && strncmp(cl.path, "show ", 5)) {
		say(x, "'refresh' works with show commands only");
		r = SFW_EXIT_USAGE;
	} else {
		r = sfw_run(&cl, &p, &o);
	}
	sfw_pipe_free(&p);
	return r;
}
