/* Where and why the grammar refused a line (syntax.h). The grammar names
 * the word in its message; which word it was (for the caret) comes from
 * asking it again, one word more each time, for the help after them: the
 * first prefix it refuses ends at the word at fault. */
#include <stdlib.h>
#include <string.h>
#include "syntax.h"

/* sfw_parse() with both streams in memory; the error stream's first line
 * lands in msg (without "sfw: "). */
static int parse_quiet(const struct sfw_node *root, char **words, int n,
		       struct sfw_cmdline *cl, FILE *out, char *msg, size_t msglen)
{
	char *ebuf = NULL, *obuf = NULL;
	size_t elen = 0, olen = 0;
	FILE *err = open_memstream(&ebuf, &elen), *o = out;
	int r;

	if (!o)
		o = open_memstream(&obuf, &olen);
	if (!err || !o) {
		snprintf(msg, msglen, "out of memory");
		r = SFW_PARSE_ERROR;
	} else {
		r = sfw_parse(root, n, words, cl, o, err);
		fflush(err);
		if (msg) {
			const char *m = strncmp(ebuf, "sfw: ", 5) ? ebuf : ebuf + 5;

			snprintf(msg, msglen, "%.*s", (int)strcspn(m, "\n"), m);
		}
	}
	if (err)
		fclose(err);
	if (o && o != out)
		fclose(o);
	free(ebuf);
	free(obuf);
	return r;
}

/* The first word whose prefix of the line the grammar refuses, or n. */
static int bad_word(const struct sfw_node *root, char **words, int n)
{
	char *probe[SFW_LINE_WORDS + 1];
	struct sfw_cmdline cl;
	int k;

	for (k = 0; k < n && k < SFW_LINE_WORDS; k++) {
		probe[k] = words[k];
		probe[k + 1] = "?";
		if (parse_quiet(root, probe, k + 2, &cl, NULL, NULL, 0) == SFW_PARSE_ERROR)
			return k;
	}
	return n;
}

static enum sfw_syntax_kind kind_of(const char *msg)
{
	if (!strncmp(msg, "unknown word", 12))
		return SFW_SYN_UNKNOWN;
	if (!strncmp(msg, "ambiguous word", 14))
		return SFW_SYN_AMBIGUOUS;
	if (!strncmp(msg, "incomplete command", 18) || !strncmp(msg, "missing command", 15))
		return SFW_SYN_INCOMPLETE;
	return SFW_SYN_OTHER;
}

int sfw_syntax_parse(const struct sfw_node *root, char **words, int n,
		     struct sfw_cmdline *cl, FILE *out, struct sfw_syntax *e)
{
	int r = parse_quiet(root, words, n, cl, out, e->msg, sizeof(e->msg));

	if (r != SFW_PARSE_ERROR)
		return r;
	e->kind = kind_of(e->msg);
	e->word = e->kind == SFW_SYN_INCOMPLETE ? n : bad_word(root, words, n);
	/* a word the grammar took but cannot complete (a value missing) */
	if (e->kind != SFW_SYN_OTHER && e->word == n && e->kind != SFW_SYN_INCOMPLETE)
		e->kind = SFW_SYN_OTHER;
	return r;
}

static const char *junos_words(const struct sfw_syntax *e)
{
	switch (e->kind) {
	case SFW_SYN_UNKNOWN:
		return e->word ? "syntax error, expecting <command>" : "unknown command";
	case SFW_SYN_INCOMPLETE:
		return "syntax error, expecting <command>";
	default:
		return NULL;
	}
}

void sfw_syntax_print(FILE *f, const struct sfw_syntax *e, const struct sfw_words *ws,
		      int caret_col, const char *listing)
{
	const char *word = e->word < ws->n ? ws->w[e->word] : NULL;
	const char *junos = junos_words(e);

	if (caret_col >= 0) {
		fprintf(f, "%*s^\n", caret_col + (word ? ws->col[e->word] : ws->len), "");
		if (junos)
			fprintf(f, "%s.\n", junos);
		else if (e->kind == SFW_SYN_AMBIGUOUS)
			fprintf(f, "'%s' is ambiguous.\n%s", word, listing ? listing : "");
		else
			fprintf(f, "%s\n", e->msg);
		return;
	}
	if (junos)
		fprintf(f, word ? "error: %s: %s\n" : "error: %s.\n", junos, word);
	else if (e->kind == SFW_SYN_AMBIGUOUS)
		fprintf(f, "error: '%s' is ambiguous.\n", word);
	else
		fprintf(f, "error: %s\n", e->msg);
}
