/* Running a parsed command with its output through pipes and the pager.
 * The command runs in a child process: whatever it does (a crash, a
 * handler's leftover state, signals it catches) ends with it, and the
 * shell goes on. Its standard output comes back line by line. */
#ifndef SFW_CLI_SHELL_RUN_H
#define SFW_CLI_SHELL_RUN_H

#include <stdbool.h>
#include "grammar.h"
#include "pipe.h"

struct sfw_run_opts {
	bool page;           /* the interactive shell on a terminal */
	bool own_stdin;      /* the command reads /dev/null, not the shell's input */
};

/* Run cl (parsed; `display json|xml` already in cl->display or --json) through p (NULL:
 * no pipes). Returns the command's exit code; a command ended by a signal
 * is one line on stderr and SFW_EXIT_FAIL. `refresh N` runs it again every
 * N seconds until ^C. */
int sfw_run(const struct sfw_cmdline *cl, struct sfw_pipeline *p, const struct sfw_run_opts *o);

#endif
