/* sfw restore [wait SECONDS] [watch]: after a reboot, the recorded
 * interfaces attached again (restore.c), and with watch whenever one
 * comes back (restore_watch.c). */
#include <stdio.h>
#include "commands.h"
#include "restore.h"

int sfw_cmd_restore(const struct sfw_cmdline *cl)
{
	const struct sfw_restore_cmd_opts *o = SFW_OPTS(cl, struct sfw_restore_cmd_opts);

	if (!o->watch)
		return sfw_restore_once(cl, o, NULL);
	if (cl->json) {
		fprintf(cl->err, "sfw: restore watch prints a line as each interface comes "
			"back: no --json\n");
		return SFW_EXIT_USAGE;
	}
	return sfw_restore_watch(cl, o);
}
