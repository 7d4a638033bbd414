/* `commit confirmed N` (docs/cli.md "Configuration mode"): the commit
 * leaves a token in the store's confirmation file and a timer process,
 * detached from the shell (its own session, no terminal, no pipe back),
 * rolls back to the configuration before it after N minutes unless any
 * other commit removed the token meanwhile. The timer is not the shell:
 * a remote operator whose session died (or who was locked out by the
 * commit itself) still gets the previous configuration back. */
#ifndef SFW_CLI_CONFIRM_H
#define SFW_CLI_CONFIRM_H

#include <stdio.h>

#define SFW_CONFIRM_MAX_MIN 65535
/* Test only: how many seconds a minute of `commit confirmed` lasts
 * (1..60; unset: 60), so tests see the rollback without waiting minutes. */
#define SFW_CONFIRM_MINUTE_ENV "SFW_TEST_MINUTE_SECONDS"

/* A token no other commit has: pid and time. */
void sfw_confirm_token(char *buf, size_t len);

/* The rollback the timer makes when it fires: to the pending target. */
typedef int (*sfw_confirm_expire_fn)(const char *token, FILE *out, FILE *err);
/* Start the timer for token: 0, or SFW_EXIT_FAIL with one line on err. */
int sfw_confirm_spawn(const char *token, unsigned minutes, sfw_confirm_expire_fn expire,
		      FILE *err);

/* Configuration mode's commit (cli/shell/): the candidate's text through
 * the lock, store and apply of `sfw commit FILE` (cmd_commit.c), so history
 * and rollback are shared. confirm_min > 0: commit confirmed. */
int sfw_commit_candidate(FILE *out, FILE *err, const char *text, size_t len,
			 unsigned confirm_min);
/* The timer's rollback (an sfw_confirm_expire_fn). */
int sfw_commit_expired(const char *token, FILE *out, FILE *err);

#endif
