/* Configuration mode (`configure`, docs/cli.md "Configuration mode"): the
 * `user@host# ` prompt and a candidate configuration of this shell's own,
 * edited by `set` and `delete`, seen by `show` and `show | compare`, put
 * in force by `commit` through the store and lock `sfw commit FILE` uses.
 * `run` (operational commands) is the caller's (exec.c). */
#ifndef SFW_CLI_SHELL_CFGMODE_H
#define SFW_CLI_SHELL_CFGMODE_H

#include <stdbool.h>
#include "candidate.h"
#include "exec.h"

#define SFW_CFG_LEVEL_MAX 32

struct sfw_cfgmode {
	bool on;
	struct sfw_cand cand;
	char *active;        /* the committed text the candidate is compared with */
	/* `edit`: the level (path words) set, delete and show start from, and
	 * how many words each edit added (what `exit` takes back) */
	char *level[SFW_CFG_LEVEL_MAX];
	int nlevel;
	int edits[SFW_CFG_LEVEL_MAX], nedits;
	int exclusive_fd;    /* configure exclusive: the lock; -1: none */
};

/* `configure [exclusive]`: the candidate is a copy of the active
 * configuration; exclusive: no other session or `sfw commit` commits
 * until this one leaves configuration mode. */
int sfw_cfgmode_enter(struct sfw_exec *x, bool exclusive);
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
