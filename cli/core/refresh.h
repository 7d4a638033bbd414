/* Junos's `| refresh N` for any listing. */
#ifndef SFW_CLI_REFRESH_H
#define SFW_CLI_REFRESH_H

#include <linux/types.h>
#include "grammar.h"

/* Runs show(cl) under a "---(refreshed at <time>)---" header every
 * every_s seconds (0: every second) until interrupted (signals.h) or
 * until show fails; returns show's last exit code. */
int sfw_refresh(const struct sfw_cmdline *cl, __u32 every_s, sfw_cmd_fn show);

#endif
