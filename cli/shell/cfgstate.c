/* Configuration mode's state (cfgmode_int.h): the prompt, the level and
 * its banner, leaving, and the caret for a refused line. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cfgmode.h"
#include "cfgmode_int.h"
#include "conf_ops.h"
#include "syntax.h"

static void banner(const struct sfw_cfgmode *m);

bool sfw_cfgmode_word(const char *w, const char *word, size_t min)
{
	size_t len = strlen(w);

	return len >= min && !strncmp(w, word, len);
}

/* The prompt's `>` becomes `#` and back. */
void cfg_prompt_mark(struct sfw_exec *x, char mark)
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
void cfg_level_drop(struct sfw_cfgmode *m, int n)
{
	while (n-- > 0 && m->nlevel)
		free(m->level[--m->nlevel]);
}

/* The level's words, then ws->w[from..to): what set, delete and show
 * name. NULL: too many words (said). */
char **cfg_full_path(const struct sfw_cfgmode *m, const struct sfw_words *ws, int from,
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

void cfg_leave(struct sfw_exec *x)
{
	struct sfw_cfgmode *m = x->cfg;

	sfw_editor_leave();
	cfg_shared_discard(m);     /* configure exclusive's changes go with it */
	sfw_cand_free(&m->cand);
	free(m->active);
	m->active = NULL;
	cfg_level_drop(m, m->nlevel);
	m->nedits = 0;
	sfw_conf_exclusive_release(m->exclusive_fd);
	m->exclusive_fd = -1;
	sfw_conf_exclusive_own(false);
	m->on = false;
	cfg_prompt_mark(x, '>');
	fputs("Exiting configuration mode\n", stdout);
}

/* A word the line got wrong: the caret under it, and why. */
int cfg_refuse(const struct sfw_exec *x, const struct sfw_words *ws, int word,
		  enum sfw_syntax_kind kind, const char *msg)
{
	struct sfw_syntax e = { .kind = kind, .word = word };

	snprintf(e.msg, sizeof(e.msg), "%s", msg);
	sfw_syntax_print(stderr, &e, ws, x->from == SFW_FROM_TERMINAL ? x->caret_col : -1,
			 NULL);
	return SFW_EXIT_USAGE;
}

