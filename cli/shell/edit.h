/* The terminal's side of the shell: libedit reads and edits the line,
 * keeps the history, and calls back for `?` (the possible completions,
 * then the line again) and tab (the rest of the word, or the choices). */
#ifndef SFW_CLI_SHELL_EDIT_H
#define SFW_CLI_SHELL_EDIT_H

#include "exec.h"

/* Prompt, read, run until exit, quit or end of input. Returns 0. */
int sfw_edit_loop(struct sfw_exec *x, const char *prompt);

#endif
