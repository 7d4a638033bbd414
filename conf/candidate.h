/* The candidate configuration of configuration mode (`configure`): the
 * active configuration's canonical `set` lines, edited one `set` or
 * `delete` at a time, shown in Junos's hierarchical form and compared
 * with the active configuration in Junos's `show | compare` layout
 * (docs/cli.md "Configuration mode"). The text is what `commit` stores. */
#ifndef SFW_CONF_CANDIDATE_H
#define SFW_CONF_CANDIDATE_H

#include <stdbool.h>
#include <stdio.h>
#include "conf.h"

struct sfw_cand {
	char *text;          /* canonical set lines (sfw_conf_print's form) */
	size_t len;
};

/* The candidate of a configuration (its printed form): 0 or -ENOMEM. */
int sfw_cand_from_conf(struct sfw_cand *c, const struct sfw_conf *conf);
/* The candidate of a stored text (rollback n): parsed without the checks
 * that span statements, then printed. 0, or -EINVAL with errs. */
int sfw_cand_from_text(struct sfw_cand *c, const char *text, size_t len,
		       struct sfw_conf_errors *errs);
void sfw_cand_free(struct sfw_cand *c);

/* `set w[0] ... w[n-1]` (the words after `set`, unquoted as typed): the
 * statement must parse; names it uses may be defined later (commit check
 * says what is missing). 0 and the candidate is the new canonical text;
 * -EINVAL with the statement's errors (each "candidate:LINE: message") and
 * the candidate unchanged; -ENOMEM. */
int sfw_cand_set(struct sfw_cand *c, char *const *w, int n, struct sfw_conf_errors *errs);
/* `delete w[0] ...`: every statement at or under that path goes. Returns
 * how many lines went (0: Junos's "statement not found"), or -ENOMEM. */
int sfw_cand_delete(struct sfw_cand *c, char *const *w, int n);

/* Junos's hierarchical form of set lines (`show`), 4 spaces a level;
 * only what is under path w[0..n) when n > 0 (nothing printed: not
 * there). 0 or -EIO / -ENOMEM. */
int sfw_cand_show(const char *text, char *const *w, int n, FILE *f);
/* `show | compare`: what changes from `old` to `new`, one `[edit PATH]`
 * header per changed container, then its removed (`-`) and added (`+`)
 * statements, a new or removed container as its whole block. Nothing
 * when they are equal. */
int sfw_cand_compare(const char *old, const char *new, FILE *f);

/* What the configuration language takes after `set w[0..n)`, as its
 * error message says it ("one of a, b, c", "'to-zone'", "a zone name"):
 * what `?` and tab offer in configuration mode. NULL: nothing known.
 * The caller frees it. */
char *sfw_cand_expected(char *const *w, int n);

/* How many of path w[0..n) make its last level (`edit`, `up`): 4 for
 * `from-zone A to-zone B`, 2 for a named object (`policy P`), else 1. */
int sfw_cand_last_level(char *const *w, int n);

/* A word as the set-line lexer reads it back: quoted when it holds a
 * blank, a quote, a backslash, a comment sign or a bracket (a lone `[` or
 * `]` stays a list bracket), or is empty. */
void sfw_cand_put_word(FILE *f, const char *w);

/* The store's lock (the one every commit takes): its fd, or -errno (said
 * why). Around every read-modify-write of the shared candidate. */
int sfw_conf_lock(void);
void sfw_conf_unlock(int fd);

/* The one candidate every plain `configure` edits (docs/cli.md "One
 * candidate for every shell"), under sfw_conf_lock: base is the active
 * text it was edited from, cand the candidate. A candidate without a
 * change of its own (none stored, or equal to its base or to active) is
 * the active text. */
struct sfw_shared {
	char *base, *cand;
};
/* 0 (s filled: free it), -ENOMEM, or -errno said. */
int sfw_shared_read(struct sfw_shared *s, const char *active);
/* Has the candidate changes nobody committed? */
bool sfw_shared_changed(const struct sfw_shared *s);
/* Stored whole by a rename (a candidate without changes: removed). */
int sfw_shared_write(const struct sfw_shared *s);
/* The changes go: the candidate is the active configuration again. */
int sfw_shared_reset(void);
void sfw_shared_free(struct sfw_shared *s);

/* Who is in configuration mode (DIR/.editors/PID, one per shell): this
 * process enters with its line (Junos's `status` line), leaves; the list
 * prints the others still alive under Junos's "Users currently editing
 * the configuration:" and returns how many. */
int sfw_editor_enter(const char *line);
void sfw_editor_leave(void);
int sfw_editor_list(FILE *f);

#endif
