/* `?` and tab in configuration mode (cfgcomplete.h). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "candidate.h"
#include "cfgcomplete.h"
#include "cfgmode.h"
#include "complete.h"

#define MAX_ROWS 128
#define HELP_COL 26

struct rows {
	char *word[MAX_ROWS];          /* each its own copy */
	const char *help[MAX_ROWS];
	int n;
	char *owned;          /* the parser's answer the helps may point into */
};

static void add(struct rows *rs, const char *prefix, const char *word, size_t len,
		const char *help)
{
	if (rs->n == MAX_ROWS || len < strlen(prefix) || strncmp(word, prefix, strlen(prefix)))
		return;
	rs->word[rs->n] = strndup(word, len);
	if (rs->word[rs->n])
		rs->help[rs->n++] = help;
}

/* The parser's "expected ...": "one of a, b" gives words, 'w' a keyword,
 * anything else a value (`<value>` with the answer as its help). */
static void add_expected(struct rows *rs, const char *prefix, char *exp)
{
	const char *q, *end;

	rs->owned = exp;
	if (!strncmp(exp, "one of ", 7)) {
		for (q = exp + 7; *q; q = end + strspn(end, ", ")) {
			end = q + strcspn(q, ", ");
			add(rs, prefix, q, (size_t)(end - q), "");
		}
		return;
	}
	if (*exp != '\'' || strchr(exp + 1, '\'') != exp + strlen(exp) - 1)
		add(rs, "", "<value>", 7, exp);
	for (q = strchr(exp, '\''); q && (end = strchr(q + 1, '\'')); q = strchr(end + 1, '\''))
		add(rs, prefix, q + 1, (size_t)(end - q - 1), "");
}

/* Rows for the line; 1: the rest is an operational command (*rest). */
static int rows_for(const struct sfw_exec *x, const char *text, struct sfw_words *ws,
		    struct rows *rs, const char **rest)
{
	const struct sfw_cfgmode *m = x->cfg;
	const char *prefix, *cmd, *help;
	char err[256], *path[SFW_CFG_LEVEL_MAX + SFW_LINE_WORDS];
	int typed, n = 0;

	if (sfw_words_split(text, true, ws, err, sizeof(err)))
		return -1;
	typed = ws->open ? ws->n - 1 : ws->n;
	prefix = ws->open ? ws->w[ws->n - 1] : "";
	if (!typed) {
		for (size_t k = 0; (cmd = sfw_cfgmode_command(k, &help)); k++)
			add(rs, prefix, cmd, strlen(cmd), help);
		return 0;
	}
	cmd = sfw_cfgmode_match(ws->w[0]);
	if (cmd && !strcmp(cmd, "run")) {
		*rest = text + ws->col[0] + strcspn(text + ws->col[0], " \t");
		*rest += strspn(*rest, " \t");
		return 1;
	}
	if (!cmd || (strcmp(cmd, "set") && strcmp(cmd, "delete") && strcmp(cmd, "edit") &&
		     strcmp(cmd, "show")) || sfw_words_bar(ws, 0) < ws->n)
		return 0;
	for (int k = 0; k < m->nlevel; k++)
		path[n++] = m->level[k];
	for (int k = 1; k < typed; k++)
		path[n++] = ws->w[k];
	add_expected(rs, prefix, sfw_cand_expected(path, n) ?: strdup("one of "));
	return 0;
}

static void rows_free(struct rows *rs)
{
	for (int k = 0; k < rs->n; k++)
		free(rs->word[k]);
	free(rs->owned);
}

char *sfw_cfgmode_listing(const struct sfw_exec *x, const char *text, struct sfw_words *ws,
			  struct sfw_syntax *e)
{
	struct rows rs = { .n = 0 };
	const char *rest = NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	int r = rows_for(x, text, ws, &rs, &rest);

	if (r == 1)
		return sfw_complete_text(x->root, rest, ws, e);
	f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	if (!rs.n)
		fputs("No valid completions\n", f);
	else
		fputs("Possible completions:\n", f);
	for (int k = 0; k < rs.n; k++) {
		if (!rs.help[k][0])
			fprintf(f, "  %s\n", rs.word[k]);
		else if ((int)strlen(rs.word[k]) >= HELP_COL - 2)
			fprintf(f, "  %s %s\n", rs.word[k], rs.help[k]);
		else
			fprintf(f, "  %-*s%s\n", HELP_COL - 2, rs.word[k], rs.help[k]);
	}
	fclose(f);
	rows_free(&rs);
	return out;
}

char **sfw_cfgmode_words(const struct sfw_exec *x, const char *text, struct sfw_words *ws,
			 struct sfw_syntax *e)
{
	struct rows rs = { .n = 0 };
	const char *rest = NULL;
	char **words;
	int r = rows_for(x, text, ws, &rs, &rest), n = 0;

	if (r == 1)
		return sfw_complete_words(x->root, rest, ws, e);
	words = calloc((size_t)rs.n + 1, sizeof(*words));
	for (int k = 0; words && k < rs.n; k++)
		if (rs.word[k][0] != '<')
			words[n++] = strdup(rs.word[k]);
	rows_free(&rs);
	return words;
}
