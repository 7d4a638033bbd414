/* Junos's `| refresh N` for any listing: the tree's `refresh N` on a show
 * command, and the shell's pipe (cli/shell/run.c). */
#ifndef SFW_CLI_REFRESH_H
#define SFW_CLI_REFRESH_H

#include <signal.h>
#include <stdio.h>
#include <linux/types.h>
#include "grammar.h"

/* Runs show(cl) under a "---(refreshed at <time>)---" header every
 * every_s seconds (0: every second) until interrupted (signals.h) or
 * until show fails; returns show's last exit code. */
int sfw_refresh(const struct sfw_cmdline *cl, __u32 every_s, sfw_cmd_fn show);

/* The same loop for a caller with its own signal handling: once(ctx)
 * under the header on out, until *stop is set or once fails. */
int sfw_refresh_each(FILE *out, __u32 every_s, int (*once)(void *ctx), void *ctx,
		     volatile sig_atomic_t *stop);

#endif
