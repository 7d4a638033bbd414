/* The commit confirmed timer (confirm.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "conf.h"
#include "confirm.h"
#include "grammar.h"

void sfw_confirm_token(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(buf, len, "%d.%lld.%09ld", (int)getpid(), (long long)ts.tv_sec, ts.tv_nsec);
}

static unsigned minute_seconds(void)
{
	const char *s = getenv(SFW_CONFIRM_MINUTE_ENV);
	char *end;
	long v;

	if (!s)
		return 60;
	v = strtol(s, &end, 10);
	return *s && !*end && v >= 1 && v <= 60 ? (unsigned)v : 60;
}

/* A failed rollback is tried again every 10 s (a sixth of a minute, so
 * tests that shorten minutes shorten it too) for 5 minutes. */
#define CONFIRM_ATTEMPTS 31

static unsigned retry_seconds(void)
{
	unsigned s = minute_seconds() / 6;

	return s ? s : 1;
}

/* Nothing of the shell's: no terminal, no pipe its reader waits on. */
static void detach_fds(void)
{
	int nul = open("/dev/null", O_RDWR);

	for (int fd = 0; fd <= 2 && nul >= 0; fd++)
		dup2(nul, fd);
	closefrom(3);
}

static void sleep_until(const struct timespec *at)
{
	while (clock_nanosleep(CLOCK_BOOTTIME, TIMER_ABSTIME, at, NULL) == EINTR)
		;
}

static _Noreturn void timer_main(const char *token, unsigned minutes,
				 sfw_confirm_expire_fn expire)
{
	char pending[256];
	struct timespec at;
	int rc;

	detach_fds();
	/* the rollback goes ahead whoever holds configure exclusive (whose
	 * lock, if it was this shell's, went with detach_fds) */
	sfw_conf_exclusive_own(true);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	clock_gettime(CLOCK_BOOTTIME, &at);
	at.tv_sec += (time_t)minutes * minute_seconds();
	openlog("sfw", LOG_PID, LOG_USER);
	/* A rollback that fails (a full disk, a datapath that refused it) is
	 * tried again: given up, the configuration nobody confirmed would stay
	 * in force for good. */
	for (int attempt = 1;; attempt++) {
		sleep_until(&at);
		if (sfw_conf_confirm_pending(pending, sizeof(pending)) ||
		    strcmp(pending, token))
			_exit(0);   /* confirmed, or replaced by a newer commit confirmed */
		rc = expire(token, stdout, stderr);
		fflush(NULL);
		if (!rc)
			break;
		if (attempt == CONFIRM_ATTEMPTS) {
			syslog(LOG_ERR, "commit confirmed was not confirmed within %u minutes; "
			       "rolling back failed %d times, given up (see sfw show system "
			       "commit)", minutes, attempt);
			_exit(rc);
		}
		if (attempt == 1)
			syslog(LOG_ERR, "commit confirmed was not confirmed within %u minutes; "
			       "rolling back failed, trying again every %u s", minutes,
			       retry_seconds());
		at.tv_sec += retry_seconds();
	}
	syslog(LOG_WARNING, "commit confirmed was not confirmed within %u minutes; "
	       "rolled back to the previous configuration", minutes);
	_exit(0);
}

int sfw_confirm_spawn(const char *token, unsigned minutes, sfw_confirm_expire_fn expire,
		      FILE *err)
{
	pid_t pid;
	int st = 0;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(err, "sfw: cannot start the commit confirmed timer: %s\n", strerror(errno));
		return SFW_EXIT_FAIL;
	}
	if (!pid) {
		/* a session of its own: the terminal's hangup and the shell's
		 * death do not reach it */
		setsid();
		pid = fork();
		if (!pid)
			timer_main(token, minutes, expire);
		_exit(pid < 0);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(err, "sfw: cannot start the commit confirmed timer\n");
		return SFW_EXIT_FAIL;
	}
	return 0;
}
