/* A command line the grammar refuses: which word, and why, so the shell
 * can print it as Junos does (a caret under the word, then
 * `syntax error, expecting <command>.`) and bash gets sfw's one line. */
#ifndef SFW_CLI_SHELL_SYNTAX_H
#define SFW_CLI_SHELL_SYNTAX_H

#include <stdio.h>
#include "grammar.h"
#include "words.h"

enum sfw_syntax_kind {
	SFW_SYN_UNKNOWN,      /* no such word here */
	SFW_SYN_AMBIGUOUS,    /* the prefix of several words */
	SFW_SYN_INCOMPLETE,   /* the line ends where a word must follow */
	SFW_SYN_OTHER,        /* a bad value, a clash: sfw's message says it */
};

struct sfw_syntax {
	enum sfw_syntax_kind kind;
	int word;             /* index of the word at fault; the word count: the end */
	char msg[512];        /* sfw's one line, without "sfw: " */
};

/* sfw_parse() on words[0..n): 0 (cl is ready to run), SFW_PARSE_HELP
 * (`?` help printed on out) or SFW_PARSE_ERROR with *e filled. */
int sfw_syntax_parse(const struct sfw_node *root, char **words, int n,
		     struct sfw_cmdline *cl, FILE *out, struct sfw_syntax *e);

/* Print *e. With `caret_col` >= 0 (a terminal: the column where the words
 * start on screen) as Junos does on a terminal: the caret line, then its
 * message; else as Junos answers a script: `error: <message>: <word>`.
 * `listing` (may be NULL) is printed after an ambiguous word. */
void sfw_syntax_print(FILE *f, const struct sfw_syntax *e, const struct sfw_words *ws,
		      int caret_col, const char *listing);

#endif
