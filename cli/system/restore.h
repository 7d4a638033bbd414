/* sfw restore (cmd_restore.c): the restore itself (restore.c) and the
 * watch that follows it (restore_watch.c). */
#ifndef SFW_CLI_RESTORE_H
#define SFW_CLI_RESTORE_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include "attach_record.h"
#include "commands.h"

/* `attach NAME mode MODE [forward]` of the record's interface i, as
 * attach does it, its lines to out and err; only_recorded: restore
 * watch's (attached only if still recorded under the lock, with the
 * programs the other interfaces run). The attach's exit code. */
int sfw_restore_attach(const struct sfw_cmdline *cl, FILE *out, FILE *err,
		       const struct sfw_attach_record *r, int i, bool only_recorded);
/* Every recorded interface there attached, those not there yet waited
 * for o->wait_s. waiting: the mask to sleep with while waiting, under
 * which a stop signal ends the wait (restore watch blocks them but while
 * it waits); NULL: a plain sleep. The command's exit code. */
int sfw_restore_once(const struct sfw_cmdline *cl, const struct sfw_restore_cmd_opts *o,
		     const sigset_t *waiting);
/* The restore, then the watch until SIGTERM or SIGINT. */
int sfw_restore_watch(const struct sfw_cmdline *cl, const struct sfw_restore_cmd_opts *o);

#endif
