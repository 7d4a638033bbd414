/* Timing real commands as a user runs them: fork, exec, wait, wall time
 * from before the fork to after the reap (process start-up included, as
 * hyperfine would measure it). Output goes to /dev/null, or to a memory
 * file when the caller wants to read what the command said. */
#ifndef SFW_BENCH_RUNCMD_H
#define SFW_BENCH_RUNCMD_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

static inline double rc_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run argv with stdout on `out_fd`, stderr on `err_fd`. Returns the
 * seconds it took, or a negative value when it could not run or exited
 * non-zero. */
static inline double rc_run_fd(char *const argv[], int out_fd, int err_fd)
{
	double t0 = rc_now_s();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		dup2(out_fd, STDOUT_FILENO);
		dup2(err_fd, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return rc_now_s() - t0;
}

static inline double rc_run_null(char *const argv[])
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	double t = rc_run_fd(argv, fd, fd);

	close(fd);
	return t;
}

/* The last `len - 1` bytes of what `fd` holds, in `buf`. */
static inline void rc_tail(int fd, char *buf, size_t len)
{
	off_t size = lseek(fd, 0, SEEK_END);
	ssize_t n;

	size = size > (off_t)(len - 1) ? size - (off_t)(len - 1) : 0;
	n = pread(fd, buf, len - 1, size);
	buf[n > 0 ? n : 0] = '\0';
}

/* Keeps the last `len - 1` bytes read from `fd` (to its end) in `buf`,
 * so a listing of gigabytes costs no memory to check. */
static inline void rc_pipe_tail(int fd, char *buf, size_t len)
{
	static char chunk[1 << 16];
	size_t have = 0, keep = len - 1;
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR)) {
		size_t got = n > 0 ? (size_t)n : 0, from = got > keep ? got - keep : 0;

		got -= from;
		if (have + got > keep) {
			memmove(buf, buf + (have + got - keep), keep - got);
			have = keep - got;
		}
		memcpy(buf + have, chunk + from, got);
		have += got;
	}
	buf[have] = '\0';
}

/* Run argv; `buf` gets the end of its stdout (where listings print their
 * totals, read through a pipe as it comes), then its stderr (where
 * conntrack prints its counts). */
static inline double rc_run_capture(char *const argv[], char *buf, size_t len)
{
	int err = memfd_create("bench-err", MFD_CLOEXEC), out[2] = { -1, -1 };
	double t0 = rc_now_s(), t = -1;
	int status;
	pid_t pid = -1;

	buf[0] = '\0';
	if (err >= 0 && !pipe2(out, O_CLOEXEC))
		pid = fork();
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out[1] >= 0)
		close(out[1]);
	if (pid > 0) {
		rc_pipe_tail(out[0], buf, len / 2);
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status))
			t = rc_now_s() - t0;
		rc_tail(err, buf + strlen(buf), len - strlen(buf));
	}
	if (out[0] >= 0)
		close(out[0]);
	if (err >= 0)
		close(err);
	return t;
}

static inline int rc_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of `n` samples (sorts them). */
static inline double rc_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), rc_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
