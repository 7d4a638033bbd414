/* `refresh N`: the listing again and again, each under the time it was
 * taken, until interrupted. */
#include <time.h>
#include <unistd.h>
#include "refresh.h"
#include "signals.h"

int sfw_refresh_each(FILE *out, __u32 every_s, int (*once)(void *ctx), void *ctx,
		     volatile sig_atomic_t *stop)
{
	char when[64];
	int r = SFW_EXIT_OK;

	while (!*stop && r == SFW_EXIT_OK) {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", &tm);
		fprintf(out, "---(refreshed at %s)---\n", when);
		r = once(ctx);
		fflush(out);
		for (__u64 s = 0; s < (every_s ? every_s : 1) && !*stop; s++)
			sleep(1);
	}
	return r;
}

struct show_ctx {
	const struct sfw_cmdline *cl;
	sfw_cmd_fn show;
};

static int show_it(void *ctx)
{
	const struct show_ctx *s = ctx;

	return s->show(s->cl);
}

int sfw_refresh(const struct sfw_cmdline *cl, __u32 every_s, sfw_cmd_fn show)
{
	struct show_ctx s = { cl, show };

	sfw_catch_stop_signals();
	return sfw_refresh_each(cl->out, every_s, show_it, &s, &sfw_interrupted);
}
