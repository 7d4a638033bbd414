/* A command in a child process, its output through the pipes (run.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "pager.h"
#include "refresh.h"
#include "run.h"

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	interrupted = 1;
}

struct child {
	pid_t pid;
	int fd;              /* its standard output */
};

static void run_child(const struct sfw_cmdline *cl, int out_fd, const struct sfw_run_opts *o)
{
	struct sfw_cmdline own = *cl;
	int r;

	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(out_fd, STDOUT_FILENO) < 0)
		_exit(SFW_EXIT_FAIL);
	close(out_fd);
	if (o->own_stdin) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0 && nul != STDIN_FILENO) {
			dup2(nul, STDIN_FILENO);
			close(nul);
		}
	}
	own.out = stdout;
	own.err = stderr;
	r = own.cmd->run(&own);
	fflush(NULL);
	_exit(r);
}

static int start(struct child *c, const struct sfw_cmdline *cl, const struct sfw_run_opts *o)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC)) {
		fprintf(stderr, "sfw: cannot run the command: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		fprintf(stderr, "sfw: cannot run the command: %s\n", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!c->pid) {
		close(fds[0]);
		run_child(cl, fds[1], o);
	}
	close(fds[1]);
	c->fd = fds[0];
	return 0;
}

/* Lines from the child into the pipeline, until it closes its output or
 * the sink stops. Returns false when stopped. */
static bool pump(struct child *c, struct sfw_pipeline *p, FILE *out)
{
	char buf[65536], *line = NULL;
	size_t len = 0, cap = 0;
	bool going = true;
	ssize_t r;

	while (going && (r = read(c->fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < r && going; i++) {
			if (len + 1 >= cap) {
				char *grown = realloc(line, cap ? 2 * cap : 256);

				if (!grown)
					break;
				line = grown;
				cap = cap ? 2 * cap : 256;
			}
			if (buf[i] != '\n') {
				line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			going = sfw_pipe_line(p, line, len);
			len = 0;
		}
		fflush(out);
	}
	if (going && len) {           /* a last line without its newline */
		line[len] = '\0';
		going = sfw_pipe_line(p, line, len);
	}
	free(line);
	return going;
}

/* Wait for the child; the exit code it gave. `stopped`: we ended it. */
static int finish(struct child *c, bool stopped)
{
	int st = 0;

	close(c->fd);
	if (stopped)
		kill(c->pid, SIGTERM);
	while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (stopped || WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGPIPE)
		return stopped ? SFW_EXIT_OK : SFW_EXIT_FAIL;
	fprintf(stderr, "sfw: the command ended on signal %d (%s)\n", WTERMSIG(st),
		strsignal(WTERMSIG(st)));
	return SFW_EXIT_FAIL;
}

static int run_once(const struct sfw_cmdline *cl, struct sfw_pipeline *p,
		    const struct sfw_run_opts *o, bool *stopped)
{
	struct sfw_pager pg;
	struct child c;
	int r;

	if (o->page && !p->no_more && !p->refresh) {
		sfw_pager_init(&pg, stdout, STDIN_FILENO);
		sfw_pipe_begin(p, sfw_pager_line, &pg);
	} else {
		sfw_pipe_begin(p, sfw_plain_line, stdout);
	}
	if (start(&c, cl, o))
		return SFW_EXIT_FAIL;
	*stopped = !pump(&c, p, stdout);
	r = finish(&c, *stopped);
	if (!*stopped)
		*stopped = !sfw_pipe_end(p);
	fflush(stdout);
	return r;
}

struct refreshing {
	const struct sfw_cmdline *cl;
	struct sfw_pipeline *p;
	const struct sfw_run_opts *o;
};

/* One run of a refresh; output gone (the sink stopped) ends the refresh
 * as ^C does. */
static int refresh_once(void *ctx)
{
	const struct refreshing *rf = ctx;
	bool stopped = false;
	int r = run_once(rf->cl, rf->p, rf->o, &stopped);

	if (stopped)
		interrupted = 1;
	return r;
}

/* The tree's `refresh N` loop (refresh.h) on the shell's own ^C flag, not
 * sfw_catch_stop_signals(): its SIGTERM handler would outlive the refresh
 * and pass to every child, which finish() ends with SIGTERM. */
static int run_refreshing(const struct sfw_cmdline *cl, struct sfw_pipeline *p,
			  const struct sfw_run_opts *o)
{
	struct refreshing rf = { cl, p, o };
	int r = sfw_refresh_each(stdout, p->refresh, refresh_once, &rf, &interrupted);

	/* ^C is how a refresh ends, and may have ended the command too */
	return interrupted ? SFW_EXIT_OK : r;
}

int sfw_run(const struct sfw_cmdline *cl, struct sfw_pipeline *p, const struct sfw_run_opts *o)
{
	struct sigaction sa = { .sa_handler = on_interrupt }, old;   /* no SA_RESTART */
	struct sfw_pipeline none = { 0 };
	bool stopped = false;
	int r;

	if (!p)
		p = &none;
	interrupted = 0;
	/* ^C ends the command (the child), not us */
	sigaction(SIGINT, &sa, &old);
	r = p->refresh ? run_refreshing(cl, p, o) : run_once(cl, p, o, &stopped);
	sigaction(SIGINT, &old, NULL);
	return r;
}
