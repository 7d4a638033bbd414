/* `?` listings and tab completion (complete.h). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "complete.h"
#include "help.h"
#include "pipe.h"

static const struct {
	const char *word, *help;
} shell_words[] = {
	{ "configure", "Manipulate software configuration information" },
	{ "exit", "Exit the management session" },
	{ "quit", "Exit the management session" },
};

/* What may follow `configure` (Junos's `configure ?`, less the databases
 * sfw has no use for: batch, dynamic). */
static const struct {
	const char *word, *help;
} configure_words[] = {
	{ "exclusive", "Obtain exclusive lock (other users cannot make changes)" },
	{ "private", "Work in private database" },
};

#define NWORDS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ROWS 512

const char *sfw_shell_word(const struct sfw_node *root, const char *word)
{
	bool amb;
	size_t k;

	for (k = 0; k < NWORDS(shell_words); k++) {
		if (!strcmp(word, shell_words[k].word))
			return shell_words[k].word;
		/* abbreviated, where no tree word starts the same */
		if (*word && !strncmp(word, shell_words[k].word, strlen(word)) &&
		    !sfw_match_kid(root, word, &amb) && !amb)
			return shell_words[k].word;
	}
	return NULL;
}

struct rows {
	char *row[MAX_ROWS];
	int n;
	int help_col;          /* where help lines start: as the grammar's rows */
};

/* The word of a listing row ("  word   help"), its length. */
static size_t row_word(const char *row, const char **word)
{
	*word = row + 2;
	return strcspn(row + 2, " ");
}

static void add_row(struct rows *rs, const char *word, const char *help)
{
	char *row;

	if (rs->n == MAX_ROWS || asprintf(&row, "  %-*s%s", rs->help_col - 2, word, help) < 0)
		return;
	/* a long word still gets a blank before its help */
	if ((int)strlen(word) >= rs->help_col - 2) {
		free(row);
		if (asprintf(&row, "  %s %s", word, help) < 0)
			return;
	}
	rs->row[rs->n++] = row;
}

static void read_rows(struct rows *rs, char *listing)
{
	char *save = NULL, *line = strtok_r(listing, "\n", &save);

	rs->n = 0;
	rs->help_col = 26;
	for (line = strtok_r(NULL, "\n", &save); line && rs->n < MAX_ROWS;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *w;
		size_t len = row_word(line, &w);

		if (!rs->n && line[2 + len])
			rs->help_col = (int)(2 + len + strspn(line + 2 + len, " "));
		rs->row[rs->n++] = strdup(line);
	}
}

static int by_word(const void *a, const void *b)
{
	const char *ra = *(char *const *)a + 2, *rb = *(char *const *)b + 2;

	if ((*ra == '<') != (*rb == '<'))
		return *ra == '<' ? -1 : 1;
	return strcmp(ra, rb);
}

/* At the start of a line: the shell's words too, in order. */
static void shell_rows(struct rows *rs, const char *prefix)
{
	for (size_t k = 0; k < NWORDS(shell_words); k++)
		if (!strncmp(shell_words[k].word, prefix, strlen(prefix)))
			add_row(rs, shell_words[k].word, shell_words[k].help);
	qsort(rs->row, (size_t)rs->n, sizeof(rs->row[0]), by_word);
}

static bool has_row(const struct rows *rs, const char *word)
{
	for (int i = 0; i < rs->n; i++) {
		const char *w;
		size_t len = row_word(rs->row[i], &w);

		if (len == strlen(word) && !strncmp(w, word, len))
			return true;
	}
	return false;
}

static char *write_rows(struct rows *rs)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	int i;

	if (m) {
		fputs(rs->n ? "Possible completions:\n" : "No valid completions\n", m);
		for (i = 0; i < rs->n; i++)
			fprintf(m, "%s\n", rs->row[i]);
		fclose(m);
	}
	for (i = 0; i < rs->n; i++)
		free(rs->row[i]);
	return out;
}

/* The grammar's listing, or NULL with *e. */
static char *ask(const struct sfw_node *root, const struct sfw_words *ws, int n,
		 const char *prefix, struct sfw_syntax *e)
{
	char *buf = NULL, *probe[SFW_LINE_WORDS + 2], last[SFW_LINE_MAX + 2];
	int bar = sfw_words_bar(ws, 0), r, k;
	struct sfw_cmdline cl;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	if (bar < n) {
		r = sfw_pipe_help(m, ws, bar, n, prefix, e) ? SFW_PARSE_ERROR : SFW_PARSE_HELP;
	} else {
		for (k = 0; k < n; k++)
			probe[k] = ws->w[k];
		snprintf(last, sizeof(last), "%s?", prefix);
		probe[n] = last;
		r = sfw_syntax_parse(root, probe, n + 1, &cl, m, e);
	}
	fclose(m);
	if (r != SFW_PARSE_HELP) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* After `configure`: its forms, and Enter for the shared one. */
static char *configure_listing(const char *prefix)
{
	struct rows rs = { .n = 0, .help_col = 26 };

	if (!*prefix)
		add_row(&rs, "<[Enter]>", "Execute this command");
	for (size_t k = 0; k < NWORDS(configure_words); k++)
		if (!strncmp(configure_words[k].word, prefix, strlen(prefix)))
			add_row(&rs, configure_words[k].word, configure_words[k].help);
	return write_rows(&rs);
}

char *sfw_complete_listing(const struct sfw_node *root, const struct sfw_words *ws, int n,
			   const char *prefix, struct sfw_syntax *e)
{
	bool in_pipe = sfw_words_bar(ws, 0) < n;
	const char *shell_word = n == 1 && !in_pipe ? sfw_shell_word(root, ws->w[0]) : NULL;
	char *listing;
	struct rows rs;

	if (shell_word && !strcmp(shell_word, "configure"))
		return configure_listing(prefix);
	listing = ask(root, ws, n, prefix, e);
	if (!listing)
		return NULL;
	read_rows(&rs, listing);
	free(listing);
	if (!n)
		shell_rows(&rs, prefix);
	if (!in_pipe && !*prefix && has_row(&rs, "<[Enter]>"))
		add_row(&rs, "|", "Pipe through a command");
	return write_rows(&rs);
}

/* Split the text before the cursor: the words typed and the one being typed. */
static int typed(const char *text, struct sfw_words *ws, struct sfw_syntax *e,
		 const char **prefix)
{
	if (sfw_words_split(text, true, ws, e->msg, sizeof(e->msg))) {
		e->kind = SFW_SYN_OTHER;
		e->word = ws->n;
		return -1;
	}
	*prefix = ws->open ? ws->w[ws->n - 1] : "";
	return ws->open ? ws->n - 1 : ws->n;
}

char *sfw_complete_text(const struct sfw_node *root, const char *text, struct sfw_words *ws,
			struct sfw_syntax *e)
{
	const char *prefix;
	int n = typed(text, ws, e, &prefix);

	return n < 0 ? NULL : sfw_complete_listing(root, ws, n, prefix, e);
}

char **sfw_complete_words(const struct sfw_node *root, const char *text, struct sfw_words *ws,
			  struct sfw_syntax *e)
{
	const char *prefix;
	int n = typed(text, ws, e, &prefix), i, got = 0;
	char *listing = n < 0 ? NULL : sfw_complete_listing(root, ws, n, prefix, e);
	char **words;
	struct rows rs;

	if (!listing)
		return NULL;
	read_rows(&rs, listing);
	free(listing);
	words = calloc((size_t)rs.n + 1, sizeof(*words));
	for (i = 0; i < rs.n; i++) {
		const char *w;
		size_t len = row_word(rs.row[i], &w);

		if (words && *w != '<' && *w != '|' && !strncmp(w, prefix, strlen(prefix)))
			words[got++] = strndup(w, len);
		free(rs.row[i]);
	}
	return words;
}

void sfw_complete_free(char **words)
{
	for (int i = 0; words && words[i]; i++)
		free(words[i]);
	free(words);
}
