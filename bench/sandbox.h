/* A sandbox for the benchmarks that touch nf_conntrack and the session
 * map: the work runs in a child in its own network and mount namespaces,
 * so its conntrack entries, interfaces and bpffs pins vanish with it
 * whatever way it ends (even SIGKILL). The conntrack limits it raises are
 * global (init namespace only), so the parent sets them before the fork
 * and puts them back after the child is gone, failure or not.
 *
 * The Makefile builds each bench/NAME.c on its own, so the helpers the
 * benchmarks share live in headers as static functions. */
#ifndef SFW_BENCH_SANDBOX_H
#define SFW_BENCH_SANDBOX_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define CT_MAX_PATH "/proc/sys/net/netfilter/nf_conntrack_max"
#define CT_HASHSIZE_PATH "/sys/module/nf_conntrack/parameters/hashsize"
#define CT_COUNT_PATH "/proc/sys/net/netfilter/nf_conntrack_count"

static inline long sb_read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static inline int sb_write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	fprintf(f, "%ld\n", v);
	err = fclose(f) ? -errno : 0;
	return err;
}

struct sb_limits {
	long ct_max, hashsize;
};

/* Raise nf_conntrack_max and the hash size to hold `entries`; `saved`
 * gets what was there. The conntrack module must be loaded: it is, when
 * the sysctl exists; otherwise modprobe it through `conntrack -C`. */
static inline int sb_raise_limits(long entries, struct sb_limits *saved)
{
	if (access(CT_MAX_PATH, F_OK) && system("conntrack -C >/dev/null 2>&1") < 0)
		return -errno;
	saved->ct_max = sb_read_long(CT_MAX_PATH);
	saved->hashsize = sb_read_long(CT_HASHSIZE_PATH);
	if (saved->ct_max < 0 || saved->hashsize < 0) {
		fprintf(stderr, "bench: nf_conntrack is not available on this kernel\n");
		return -ENOENT;
	}
	/* Headroom over `entries`: the table must never refuse an entry. */
	if (saved->ct_max < entries + entries / 8 &&
	    sb_write_long(CT_MAX_PATH, entries + entries / 8))
		return -errno;
	/* One bucket per entry, as sfw's map has; conntrack's default is far
	 * smaller and its chains would make the walk unfairly slow. */
	if (saved->hashsize < entries && sb_write_long(CT_HASHSIZE_PATH, entries))
		return -errno;
	return 0;
}

static inline void sb_restore_limits(const struct sb_limits *saved)
{
	if (saved->hashsize > 0 && sb_read_long(CT_HASHSIZE_PATH) != saved->hashsize &&
	    sb_write_long(CT_HASHSIZE_PATH, saved->hashsize))
		fprintf(stderr, "bench: cannot restore %s to %ld\n", CT_HASHSIZE_PATH,
			saved->hashsize);
	if (saved->ct_max > 0 && sb_read_long(CT_MAX_PATH) != saved->ct_max &&
	    sb_write_long(CT_MAX_PATH, saved->ct_max))
		fprintf(stderr, "bench: cannot restore %s to %ld\n", CT_MAX_PATH, saved->ct_max);
}

/* In the child: private network and mount namespaces, a private bpffs on
 * /sys/fs/bpf, loopback up. */
static inline int sb_enter(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);   /* never outlive the supervisor */
	if (unshare(CLONE_NEWNET | CLONE_NEWNS)) {
		perror("bench: unshare");
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
		perror("bench: private bpffs");
		return -1;
	}
	if (system("ip link set lo up")) {
		fprintf(stderr, "bench: cannot bring lo up\n");
		return -1;
	}
	return 0;
}

static pid_t sb_child;

static void sb_forward(int sig)
{
	if (sb_child > 0)
		kill(sb_child, sig);
}

/* Run `work(arg)` in the sandbox with limits raised for `entries`
 * conntrack entries; returns its exit status (0 on success). */
static inline int sb_run(long entries, int (*work)(void *), void *arg)
{
	struct sb_limits saved = { -1, -1 };
	int status = 1;

	if (geteuid()) {
		fprintf(stderr, "bench: must run as root\n");
		return 1;
	}
	signal(SIGINT, sb_forward);
	signal(SIGTERM, sb_forward);
	signal(SIGHUP, sb_forward);
	fflush(NULL);
	if (!sb_raise_limits(entries, &saved)) {
		sb_child = fork();
		if (sb_child == 0) {
			/* the parent's forwarding handlers would swallow the
			 * signals here (sb_child is 0): a SIGTERM from timeout(1)
			 * must end the work, the parent then restores the limits */
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
			int rc = sb_enter() ? 1 : work(arg);

			fflush(NULL);
			_exit(rc);
		}
		while (sb_child > 0 && waitpid(sb_child, &status, 0) < 0 && errno == EINTR)
			;
		if (sb_child < 0)
			perror("bench: fork");
		status = sb_child > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	sb_restore_limits(&saved);
	return status;
}

#endif
