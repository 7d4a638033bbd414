/* Commands that run until stopped (the daemon, monitor, refresh) stop
 * cleanly on SIGINT or SIGTERM: the handler only records the signal, and
 * is installed without SA_RESTART, so a blocking wait returns EINTR and
 * the loop looks at the flag. */
#ifndef SFW_CLI_SIGNALS_H
#define SFW_CLI_SIGNALS_H

#include <signal.h>

/* The signal that asked to stop; 0 while none did. */
extern volatile sig_atomic_t sfw_interrupted;

/* SIGINT and SIGTERM set sfw_interrupted; SIGPIPE is ignored (a reader
 * gone is a write error, not the end of the process). */
void sfw_catch_stop_signals(void);
/* `sig` sets *flag to sig (the daemon's SIGUSR1: give way). */
void sfw_catch_signal(int sig, volatile sig_atomic_t *flag);

#endif
