/* What every command shares: the one place an error becomes a message
 * and an exit code, the check that sfw is loaded, and the datapath's
 * clock. */
#ifndef SFW_CLI_REPORT_H
#define SFW_CLI_REPORT_H

#include <linux/types.h>
#include "grammar.h"

/* Print "sfw: <sfw_last_error()>" and return SFW_EXIT_FAIL. */
int sfw_report(const struct sfw_cmdline *cl);

/* 0 when the pinned maps exist, else "sfw is not loaded" as a negative
 * errno: commands that take the lock check it first, as sfw_lock() would
 * create an empty pin root. */
int sfw_require_loaded(void);

#endif
