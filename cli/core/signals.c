/* The one place signal handlers are installed (signals.h). */
#include <stddef.h>
#include "signals.h"

volatile sig_atomic_t sfw_interrupted;

/* what each signal sets: written before its handler is installed */
static volatile sig_atomic_t *flag_of[NSIG];

static void on_signal(int sig)
{
	*flag_of[sig] = sig;
}

void sfw_catch_signal(int sig, volatile sig_atomic_t *flag)
{
	struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART */

	flag_of[sig] = flag;
	sigaction(sig, &sa, NULL);
}

void sfw_catch_stop_signals(void)
{
	sfw_catch_signal(SIGINT, &sfw_interrupted);
	sfw_catch_signal(SIGTERM, &sfw_interrupted);
	signal(SIGPIPE, SIG_IGN);
}
