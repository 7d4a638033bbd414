/* Command lines as words: the shell's typed line and bash's argv alike.
 * Junos quoting: double quotes group a word (a backslash inside them
 * escapes the next character); an unquoted `|` is a word of its own and
 * starts a pipe (cli/shell/pipe.h), with or without blanks around it. */
#ifndef SFW_CLI_SHELL_WORDS_H
#define SFW_CLI_SHELL_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#define SFW_LINE_MAX 4096          /* bytes in one command line */
#define SFW_LINE_WORDS 128         /* words in one command line, pipes included */

struct sfw_words {
	int n;
	char *w[SFW_LINE_WORDS + 1];     /* NULL after the last */
	int col[SFW_LINE_WORDS];         /* where each word starts in the line */
	bool bar[SFW_LINE_WORDS];        /* an unquoted `|`: a pipe starts */
	bool quoted[SFW_LINE_WORDS];     /* typed with quotes: a `?` in it is text */
	int len;                         /* the line's length: where "missing" points */
	bool open;                       /* partial: the last word is still open */
	char buf[SFW_LINE_MAX + 2 * SFW_LINE_WORDS];
};

/* Split `line`. `partial` (completion, `?`): an unterminated quote ends the
 * line instead of failing, and `open` says whether the last word is still
 * being typed (no blank after it). Returns 0, or -1 with one line in err. */
int sfw_words_split(const char *line, bool partial, struct sfw_words *ws, char *err,
		    size_t errlen);

/* bash's argv: words before the first one starting with `|` are taken as
 * they are (they were quoted by bash already); a word starting with `|`
 * is split like a typed line (`'| match tcp | count'`); a word after it
 * not starting with `|` is one word (`'|' match 'a b'`). Columns count as
 * if the words were joined by one blank. */
int sfw_words_from_argv(int argc, char **argv, struct sfw_words *ws, char *err,
			size_t errlen);

/* The first pipe bar at or after `from`, or ws->n. */
int sfw_words_bar(const struct sfw_words *ws, int from);

#endif
