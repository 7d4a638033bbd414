/* Splitting command lines into words (words.h). */
#include <stdio.h>
#include <string.h>
#include "words.h"

struct splitter {
	struct sfw_words *ws;
	size_t used;                /* bytes of ws->buf taken */
	char *err;
	size_t errlen;
};

static int fail(struct splitter *s, const char *msg, int col)
{
	snprintf(s->err, s->errlen, "%s (column %d)", msg, col + 1);
	return -1;
}

/* A new word at column `col`: its text goes to ws->buf from s->used on. */
static int start_word(struct splitter *s, int col, bool bar)
{
	struct sfw_words *ws = s->ws;

	if (ws->n == SFW_LINE_WORDS)
		return fail(s, "too many words", col);
	ws->w[ws->n] = ws->buf + s->used;
	ws->col[ws->n] = col;
	ws->bar[ws->n] = bar;
	ws->quoted[ws->n] = false;
	ws->n++;
	ws->w[ws->n] = NULL;
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One word from line[i]; returns the index after it, or -1. */
static int take_word(struct splitter *s, const char *line, int i, bool partial)
{
	char *out = s->ws->buf + s->used;
	bool quoted = false;
	int start = i;

	if (start_word(s, i, false))
		return -1;
	for (; line[i] && (quoted || (!blank(line[i]) && line[i] != '|')); i++) {
		if (line[i] == '"') {
			quoted = !quoted;
			s->ws->quoted[s->ws->n - 1] = true;
			continue;
		}
		if (quoted && line[i] == '\\' && line[i + 1])
			i++;
		*out++ = line[i];
	}
	if (quoted && !partial)
		return fail(s, "missing closing quote", start);
	*out++ = '\0';
	s->used = (size_t)(out - s->ws->buf);
	s->ws->open = !line[i];
	return i;
}

static int split_at(struct splitter *s, const char *line, int base, bool partial)
{
	size_t len = strlen(line);
	int i = 0;

	if (s->used + len + 2 * SFW_LINE_WORDS > sizeof(s->ws->buf))
		return fail(s, "command line too long", base + SFW_LINE_MAX);
	while (line[i]) {
		if (blank(line[i])) {
			i++;
			s->ws->open = false;
			continue;
		}
		if (line[i] == '|') {
			if (start_word(s, base + i, true))
				return -1;
			memcpy(s->ws->buf + s->used, "|", 2);
			s->used += 2;
			s->ws->open = false;
			i++;
			continue;
		}
		i = take_word(s, line, i, partial);
		if (i < 0)
			return -1;
		s->ws->col[s->ws->n - 1] += base;
	}
	return 0;
}

static void init(struct splitter *s, struct sfw_words *ws, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	ws->n = 0;
	ws->w[0] = NULL;
	ws->open = false;
	ws->len = 0;
	s->ws = ws;
	s->err = err;
	s->errlen = errlen;
	err[0] = '\0';
}

int sfw_words_split(const char *line, bool partial, struct sfw_words *ws, char *err,
		    size_t errlen)
{
	struct splitter s;

	init(&s, ws, err, errlen);
	if (strlen(line) > SFW_LINE_MAX) {
		snprintf(err, errlen, "command line too long (at most %d bytes)", SFW_LINE_MAX);
		return -1;
	}
	ws->len = (int)strlen(line);
	return split_at(&s, line, 0, partial);
}

/* A word taken as it is (bash has quoted it). */
static int take_verbatim(struct splitter *s, const char *word, int col)
{
	size_t len = strlen(word);

	if (s->used + len + 1 + 2 * SFW_LINE_WORDS > sizeof(s->ws->buf))
		return fail(s, "command line too long", col);
	if (start_word(s, col, false))
		return -1;
	memcpy(s->ws->buf + s->used, word, len + 1);
	s->used += len + 1;
	return 0;
}

int sfw_words_from_argv(int argc, char **argv, struct sfw_words *ws, char *err,
			size_t errlen)
{
	struct splitter s;
	int i, col = 0;

	init(&s, ws, err, errlen);
	for (i = 0; i < argc; i++) {
		if (argv[i][0] == '|' ? split_at(&s, argv[i], col, false)
				      : take_verbatim(&s, argv[i], col))
			return -1;
		col += (int)strlen(argv[i]) + 1;
	}
	ws->len = col ? col - 1 : 0;
	return 0;
}

int sfw_words_bar(const struct sfw_words *ws, int from)
{
	while (from < ws->n && !ws->bar[from])
		from++;
	return from;
}
