/* One command line, from bash's argv or typed in the shell: the pipes
 * split off and parsed, the command parsed by the word tree, run with its
 * output through the pipes. Errors are printed as the line's origin wants
 * them: bash gets sfw's one line, a terminal Junos's caret, a script
 * Junos's `error: ...` line. */
#ifndef SFW_CLI_SHELL_EXEC_H
#define SFW_CLI_SHELL_EXEC_H

#include "grammar.h"
#include "words.h"

enum sfw_exec_from {
	SFW_FROM_ARGV,       /* sfw show ... '| match x' */
	SFW_FROM_TERMINAL,   /* the interactive shell */
	SFW_FROM_SCRIPT,     /* sfw cli < commands */
};

struct sfw_cfgmode;

struct sfw_exec {
	const struct sfw_node *root;
	enum sfw_exec_from from;
	int caret_col;       /* terminal: the prompt's width */
	bool quit;           /* set by exit or quit */
	char prompt[320];    /* `user@host> `; `#` in configuration mode */
	struct sfw_cfgmode *cfg;   /* configuration mode (cfgmode.h); NULL: never entered */
};

/* Run the words; the command's exit code (SFW_EXIT_USAGE for a line the
 * grammar refuses). */
int sfw_exec_words(struct sfw_exec *x, struct sfw_words *ws);

#endif
