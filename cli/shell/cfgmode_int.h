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

/* The shared candidate (cfgshared.c). Shared and exclusive forms only;
 * private: nothing to do (fn runs on its own copy). */
typedef int (*cfg_edit_fn)(struct sfw_cand *c, void *arg);
/* The candidate and active text read again from the store. 0 or -errno (said). */
int cfg_refresh(struct sfw_cfgmode *m);
/* fn on the candidate under the store's lock, read fresh and written back
 * when fn returns >= 0; fn's result, or -errno (said). -EBUSY: another
 * session holds configure exclusive. */
int cfg_edit(struct sfw_cfgmode *m, cfg_edit_fn fn, void *arg);
/* Does the shared candidate hold uncommitted changes? 0 or -errno (said). */
int cfg_shared_state(bool *changed);
/* cfg_edit for a fn that replaces the candidate whole (rollback): it
 * goes ahead over a damaged shared candidate. */
int cfg_edit_replace(struct sfw_cfgmode *m, cfg_edit_fn fn, void *arg);
/* The commits this process (and its children) make next are of m's
 * candidate, text: the store checks under its lock that it is still
 * current (cfgshared.c). NULL: none. */
void cfg_commit_guard(const struct sfw_cfgmode *m, const char *text);
/* configure exclusive's exit: its uncommitted changes go. */
int cfg_shared_discard(const struct sfw_cfgmode *m);
/* This shell into the list of who edits (Junos's `status` line). */
int cfg_editor_enter(void);

int cfg_do_show(struct sfw_exec *x, struct sfw_words *ws);
int cfg_do_commit(struct sfw_exec *x, struct sfw_words *ws);
int cfg_do_rollback(struct sfw_exec *x, struct sfw_words *ws);

#endif
