/* `refresh N`: the listing again and again, each under the time it was
 * taken, until interrupted. */
#include <time.h>
#include <unistd.h>
#include "refresh.h"
#include "signals.h"

int sfw_refresh(const struct sfw_cmdline *cl, __u32 every_s, sfw_cmd_fn show)
{
	char when[64];
	int r = SFW_EXIT_OK;

	sfw_catch_stop_signals();
	while (!sfw_interrupted && r == SFW_EXIT_OK) {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", &tm);
		fprintf(cl->out, "---(refreshed at %s)---\n", when);
		r = show(cl);
		fflush(cl->out);
		for (__u64 s = 0; s < (every_s ? every_s : 1) && !sfw_interrupted; s++)
			sleep(1);
	}
	return r;
}
