/* The Junos operator's shell: `sfw cli`, and `sfw` with no words when its
 * input is a terminal. On a terminal: the `user@host> ` prompt, line
 * editing and history (libedit), `?` and tab from the word tree, paging.
 * Otherwise it reads one command a line (a script piped in), prints each
 * one's output, and exits with the worst exit code of them. */
#ifndef SFW_CLI_SHELL_SHELL_H
#define SFW_CLI_SHELL_SHELL_H

#include "grammar.h"

/* bash's words (without the program name): a one-shot command, its pipes
 * given as words starting with `|`; `cli` alone, or no word with input and
 * output on a terminal: the shell. `cli` is outside the word tree, as `--version` is: in the
 * tree it would make `cl` ambiguous, and Junos's `cl` is `clear`. */
int sfw_main_argv(const struct sfw_node *root, int argc, char **argv);

/* The shell on the tree `root`. */
int sfw_shell_main(const struct sfw_node *root);

#endif
