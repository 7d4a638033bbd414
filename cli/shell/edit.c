/* libedit for the shell (edit.h). */
#include <errno.h>
#include <histedit.h>
#include <stdlib.h>
#include <string.h>
#include "cfgcomplete.h"
#include "cfgmode.h"
#include "complete.h"
#include "edit.h"
#include "err.h"
#include "lazylib.h"

/* libedit, loaded when the shell starts on a terminal (util/lazylib.h):
 * commands run from the command line never map it. */
#define EDITLINE_FNS(X) X(el_, init) X(el_, end) X(el_, gets) X(el_, get) X(el_, set) \
	X(el_, line) X(el_, cursor) X(el_, insertstr) X(el_, deletestr) \
	X(, history) X(, history_init) X(, history_end)
static struct { EDITLINE_FNS(SFW_LAZY_FN) } editline;
static struct sfw_lazylib editline_lib = SFW_LAZYLIB("libedit.so.2", editline, EDITLINE_FNS);

struct edit {
	struct sfw_exec *x;
	const char *prompt;
	struct sfw_words ws;        /* scratch for `?` and tab */
};

static struct edit *edit_of(EditLine *el)
{
	void *e = NULL;

	editline.get(el, EL_CLIENTDATA, &e);
	return e;
}

static char *prompt_of(EditLine *el)
{
	return (char *)edit_of(el)->prompt;
}

static bool configuring(const struct edit *ed)
{
	return ed->x->cfg && ed->x->cfg->on;
}

/* The text before the cursor; false inside a quoted string. */
static bool before_cursor(EditLine *el, char *text, size_t len)
{
	const LineInfo *li = editline.line(el);
	size_t n = (size_t)(li->cursor - li->buffer);
	int quotes = 0;

	if (n >= len)
		n = len - 1;
	memcpy(text, li->buffer, n);
	text[n] = '\0';
	for (size_t i = 0; i < n; i++)
		quotes += text[i] == '"' && (!i || text[i - 1] != '\\');
	return !(quotes & 1);
}

/* A word before the cursor is wrong: Junos's caret under it. */
static void show_error(struct edit *ed, const struct sfw_syntax *e)
{
	sfw_syntax_print(stdout, e, &ed->ws, ed->x->caret_col, NULL);
}

static unsigned char on_help(EditLine *el, int ch)
{
	struct edit *ed = edit_of(el);
	char text[SFW_LINE_MAX + 1], *listing;
	struct sfw_syntax e;

	if (!before_cursor(el, text, sizeof(text))) {   /* a `?` in a pattern */
		editline.insertstr(el, "?");
		return CC_REFRESH;
	}
	fputs("?\n", stdout);
	listing = configuring(ed) ? sfw_cfgmode_listing(ed->x, text, &ed->ws, &e) :
		  sfw_complete_text(ed->x->root, text, &ed->ws, &e);
	if (listing)
		fputs(listing, stdout);
	else
		show_error(ed, &e);
	free(listing);
	fflush(stdout);
	return CC_REDISPLAY;
}

/* The longest start all the words share. */
static size_t common_len(char **words)
{
	size_t len = strlen(words[0]);

	for (int i = 1; words[i]; i++) {
		size_t k = 0;

		while (k < len && words[i][k] == words[0][k])
			k++;
		len = k;
	}
	return len;
}

static unsigned char on_tab(EditLine *el, int ch)
{
	struct edit *ed = edit_of(el);
	char text[SFW_LINE_MAX + 1], **words, *listing;
	size_t typed, common;
	struct sfw_syntax e;
	int n;

	if (!before_cursor(el, text, sizeof(text)))
		return CC_ERROR;
	words = configuring(ed) ? sfw_cfgmode_words(ed->x, text, &ed->ws, &e) :
		sfw_complete_words(ed->x->root, text, &ed->ws, &e);
	if (!words || !words[0]) {
		sfw_complete_free(words);
		return CC_ERROR;
	}
	typed = ed->ws.open ? strlen(ed->ws.w[ed->ws.n - 1]) : 0;
	common = common_len(words);
	for (n = 0; words[n]; n++)
		;
	if (common > typed || n == 1) {
		char add[SFW_LINE_MAX + 2];

		snprintf(add, sizeof(add), "%.*s%s", (int)(common - typed), words[0] + typed,
			 n == 1 ? " " : "");
		editline.insertstr(el, add);
		sfw_complete_free(words);
		return CC_REFRESH;
	}
	sfw_complete_free(words);
	/* several words share no more: list them, as `?` would */
	fputc('\n', stdout);
	listing = configuring(ed) ? sfw_cfgmode_listing(ed->x, text, &ed->ws, &e) :
		  sfw_complete_text(ed->x->root, text, &ed->ws, &e);
	if (listing)
		fputs(listing, stdout);
	free(listing);
	fflush(stdout);
	return CC_REDISPLAY;
}

/* ^C drops the line being typed, as on Junos, and leaves the shell be. */
static unsigned char on_interrupt(EditLine *el, int ch)
{
	const LineInfo *li = editline.line(el);

	editline.cursor(el, (int)(li->lastchar - li->cursor));
	editline.deletestr(el, (int)(li->lastchar - li->buffer));
	fputs("\n", stdout);
	return CC_REDISPLAY;
}

static EditLine *setup(struct edit *ed, History *h)
{
	EditLine *el = editline.init("sfw", stdin, stdout, stderr);

	if (!el)
		return NULL;
	editline.set(el, EL_CLIENTDATA, ed);
	editline.set(el, EL_PROMPT, prompt_of);
	editline.set(el, EL_EDITOR, "emacs");
	editline.set(el, EL_HIST, editline.history, h);
	editline.set(el, EL_SIGNAL, 1);
	editline.set(el, EL_ADDFN, "sfw-help", "List the possible completions", on_help);
	editline.set(el, EL_BIND, "?", "sfw-help", NULL);
	editline.set(el, EL_ADDFN, "sfw-complete", "Complete the word", on_tab);
	editline.set(el, EL_BIND, "^I", "sfw-complete", NULL);
	/* ^C reaches us as a key while editing (commands still get SIGINT) */
	editline.set(el, EL_SETTY, "-d", "-isig", NULL);
	editline.set(el, EL_ADDFN, "sfw-interrupt", "Drop the line", on_interrupt);
	editline.set(el, EL_BIND, "^C", "sfw-interrupt", NULL);
	return el;
}

/* One line typed: into the history, then run. One longer than a line
 * may be runs nothing: cut to fit, its head ran (a paste that meant
 * `... policy P then log session-init` deleted policy P: review rtuser
 * F2), where a script's is refused. */
static void take_line(struct edit *ed, History *h, const char *typed)
{
	char line[SFW_LINE_MAX + 1], err[256];
	size_t len = strcspn(typed, "\n");
	HistEvent ev;

	if (len > SFW_LINE_MAX) {
		fprintf(stderr, "error: command line too long (at most %d bytes)\n", SFW_LINE_MAX);
		return;
	}
	memcpy(line, typed, len);
	line[len] = '\0';
	if (line[strspn(line, " \t")])
		editline.history(h, &ev, H_ENTER, line);
	if (sfw_words_split(line, false, &ed->ws, err, sizeof(err))) {
		fprintf(stderr, "error: %s\n", err);
		return;
	}
	sfw_exec_words(ed->x, &ed->ws);
}

int sfw_edit_loop(struct sfw_exec *x, const char *prompt)
{
	struct edit *ed;
	History *h;
	EditLine *el = NULL;
	HistEvent ev;
	const char *line;
	int count;

	if (sfw_lazylib_load(&editline_lib)) {
		fprintf(stderr, "sfw: %s\n", sfw_last_error());
		return SFW_EXIT_FAIL;
	}
	ed = calloc(1, sizeof(*ed));
	h = editline.history_init();
	if (ed && h) {
		ed->x = x;
		ed->prompt = prompt;
		editline.history(h, &ev, H_SETSIZE, 1000);
		editline.history(h, &ev, H_SETUNIQUE, 1);
		el = setup(ed, h);
	}
	if (!el) {
		fprintf(stderr, "sfw: cannot set up line editing on this terminal\n");
		free(ed);
		if (h)
			editline.history_end(h);
		return SFW_EXIT_FAIL;
	}
	while (!x->quit) {
		line = editline.gets(el, &count);
		if (!line) {
			if (count < 0 && errno == EINTR)
				continue;
			fputc('\n', stdout);      /* ^D */
			break;
		}
		take_line(ed, h, line);
		fflush(stdout);
	}
	editline.end(el);
	editline.history_end(h);
	free(ed);
	return SFW_EXIT_OK;
}
