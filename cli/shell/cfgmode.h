/* Configuration mode (`configure`, docs/cli.md "Configuration mode"): the
 * `user@host# ` prompt and a candidate configuration (shared by every
 * shell in plain `configure`, as on Junos; a copy in `configure private`),
 * edited by `set` and `delete`, seen by `show` and `show | compare`, put
 * in force by `commit` through the store and lock `sfw commit FILE` uses.
 * `run` (operational commands) is the caller's (exec.c). */
#ifndef SFW_CLI_SHELL_CFGMODE_H
#define SFW_CLI_SHELL_CFGMODE_H

#include <stdbool.h>
#include "candidate.h"
#include "exec.h"

#define SFW_CFG_LEVEL_MAX 32

/* Junos's three forms of `configure` (docs/cli.md "One candidate for
 * every shell"): shared edits the one candidate every such shell edits,
 * exclusive the same one with the lock, private a copy of its own. */
enum sfw_cfg_form { SFW_CFG_SHARED, SFW_CFG_EXCLUSIVE, SFW_CFG_PRIVATE };

struct sfw_cfgmode {
	bool on;
	enum sfw_cfg_form form;
	struct sfw_cand cand;
	char *active;        /* the committed text the candidate is compared with */
	/* `edit`: the level (path words) set, delete and show start from, and
	 * how many words each edit added (what `exit` takes back) */
	char *level[SFW_CFG_LEVEL_MAX];
	int nlevel;
	int edits[SFW_CFG_LEVEL_MAX], nedits;
	int exclusive_fd;    /* configure exclusive: the lock; -1: none */
	bool edited;         /* this shell changed the candidate since entry or its commit */
};

/* `configure [exclusive | private]`: shared and exclusive edit the shared
 * candidate; exclusive: no other session changes or commits it until this
 * one leaves configuration mode; private: a copy of the active
 * configuration. */
int sfw_cfgmode_enter(struct sfw_exec *x, enum sfw_cfg_form form);
/* One line typed in configuration mode (not `run`). */
int sfw_cfgmode_exec(struct sfw_exec *x, struct sfw_words *ws);
void sfw_cfgmode_free(struct sfw_exec *x);
/* The blank line and `[edit LEVEL]` Junos prints after each command. */
void sfw_cfgmode_banner(const struct sfw_exec *x);

/* The mode's command k (NULL past the last) and its help line. */
const char *sfw_cfgmode_command(size_t k, const char **help);
/* The command w names (maybe abbreviated), or NULL. */
const char *sfw_cfgmode_match(const char *w);

/* Is w a prefix of `word`, at least min characters long? */
bool sfw_cfgmode_word(const char *w, const char *word, size_t min);

#endif
