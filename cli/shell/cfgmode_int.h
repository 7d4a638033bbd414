/* Internals of configuration mode (cli/shell/cfgmode*.c, cfgcommit.c). */
#ifndef SFW_CLI_SHELL_CFGMODE_INT_H
#define SFW_CLI_SHELL_CFGMODE_INT_H

#include "cfgmode.h"
#include "syntax.h"

/* The caret under ws->w[word] (ws->n: the end) and why. SFW_EXIT_USAGE. */
int cfg_refuse(const struct sfw_exec *x, const struct sfw_words *ws, int word,
	       enum sfw_syntax_kind kind, const char *msg);
/* The level's words, then ws->w[from..to) (free the array, not the
 * words); NULL: out of memory (said). */
char **cfg_full_path(const struct sfw_cfgmode *m, const struct sfw_words *ws, int from,
		     int to, int *n);
/* The canonical text of the active configuration, or NULL (said why). */
char *cfg_active_text(void);
/* Out of configuration mode: the candidate, level and lock go. */
void cfg_leave(struct sfw_exec *x);
/* The prompt's `>` becomes `#` (mark) and back. */
void cfg_prompt_mark(struct sfw_exec *x, char mark);
/* Back n words of the level (up, top, exit). */
void cfg_level_drop(struct sfw_cfgmode *m, int n);

int cfg_do_show(struct sfw_exec *x, struct sfw_words *ws);
int cfg_do_commit(struct sfw_exec *x, struct sfw_words *ws);
int cfg_do_rollback(struct sfw_exec *x, struct sfw_words *ws);

#endif
