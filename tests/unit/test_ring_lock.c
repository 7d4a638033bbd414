/* The lock that says who reads an event ring (cli/events/event_ring.c):
 * root's alone, so that no other user can hold it and keep the daemon
 * (ageing, session logs) from ever starting. */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <criterion/criterion.h>
#include "err.h"
#include "event_ring.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/sfw-ring-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0755), 0);
	setenv("SFW_RUN_DIR", dir, 1);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	unsetenv("SFW_RUN_DIR");
}

TestSuite(ring_lock, .init = setup, .fini = teardown);

static void lock_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/ring.lock", dir);
}

/* A lock file as an older sfw left it: 0644, anyone may open it. */
static void make_stale(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY, 0644);

	cr_assert_geq(fd, 0);
	cr_assert_eq(fchmod(fd, 0644), 0);
	close(fd);
}

/* What user nobody gets opening the lock file read-only: 0 or an errno. */
static int nobody_opens(const char *path)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (!pid) {
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			_exit(errno);
		_exit(flock(fd, LOCK_EX | LOCK_NB) ? 101 : 0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_neq(WEXITSTATUS(status), 100, "cannot become nobody (root needed)");
	return WEXITSTATUS(status);
}

Test(ring_lock, no_other_user_can_hold_it)
{
	char path[128];
	struct stat st;
	int fd = sfw_ring_claim("ring", "sfw daemon");

	cr_assert_geq(fd, 0, "%s", strerror(-fd));
	lock_path(path, sizeof(path));
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	close(fd);
	cr_assert_eq(nobody_opens(path), EACCES, "user nobody opened the lock");
}

/* An older sfw made it 0644: claiming it takes that away. */
Test(ring_lock, a_readable_lock_from_before_is_restricted)
{
	char path[128];
	struct stat st;
	int fd;

	lock_path(path, sizeof(path));
	make_stale(path);
	cr_assert_eq(nobody_opens(path), 0, "the control: nobody holds a 0644 lock");
	fd = sfw_ring_claim("ring", "sfw daemon");
	cr_assert_geq(fd, 0, "%s", strerror(-fd));
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	close(fd);
	cr_assert_eq(nobody_opens(path), EACCES);
}

/* A symbolic link planted where the lock goes is not followed (it would
 * make sfw create or chmod a file of the planter's choosing): it is
 * replaced by a lock file of root's. */
Test(ring_lock, a_planted_symlink_is_replaced)
{
	char path[128], target[128];
	struct stat st;
	int fd;

	lock_path(path, sizeof(path));
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	cr_assert_eq(symlink(target, path), 0);
	fd = sfw_ring_claim("ring", "sfw daemon");
	cr_assert_geq(fd, 0, "%s", sfw_last_error());
	close(fd);
	cr_assert_neq(access(target, F_OK), 0, "the link's target was created");
	cr_assert_eq(lstat(path, &st), 0);
	cr_assert(S_ISREG(st.st_mode), "the lock is not a file of its own");
	cr_assert_eq(st.st_mode & 07777, 0600);
}

/* Held by one reader, refused to a second, with who holds it. */
Test(ring_lock, a_second_reader_is_refused)
{
	int fd = sfw_ring_claim("ring", "sfw daemon");

	cr_assert_geq(fd, 0);
	cr_assert_eq(sfw_ring_claim("ring", "sfw daemon"), -EWOULDBLOCK);
	close(fd);
	fd = sfw_ring_claim("ring", "sfw daemon");
	cr_assert_geq(fd, 0, "not free again once closed");
	close(fd);
}

/* A stale (0644) lock file with a holder: process hold runs as uid, holds
 * it until go is written, and says so on ready. */
static pid_t hold_stale(const char *path, uid_t uid, int ready, int go)
{
	pid_t pid = fork();
	char c;

	cr_assert_geq(pid, 0);
	if (!pid) {
		int lfd;

		if (uid && (setgid(uid) || setuid(uid)))
			_exit(100);
		lfd = open(path, O_RDONLY);
		if (lfd < 0 || flock(lfd, LOCK_EX | LOCK_NB))
			_exit(101);
		if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
			_exit(102);
		_exit(0);
	}
	return pid;
}

/* A user who opened the lock back when it was 0644 and holds it: the
 * claim replaces the file rather than wait for them (fchmod alone left
 * them holding it). */
Test(ring_lock, a_lock_held_from_before_is_replaced)
{
	char path[128];
	int fd, go[2], ready[2], status;
	pid_t pid;
	char c;

	lock_path(path, sizeof(path));
	make_stale(path);
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(ready), 0);
	pid = hold_stale(path, 65534, ready[1], go[0]);   /* nobody holds it until told */
	cr_assert_eq(read(ready[0], &c, 1), 1, "nobody could not hold the 0644 lock");
	fd = sfw_ring_claim("ring", "sfw daemon");
	cr_assert_eq(write(go[1], "g", 1), 1);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_geq(fd, 0, "the claim waited for nobody's hold: %s", sfw_last_error());
	close(fd);
	cr_assert_eq(nobody_opens(path), EACCES);
}

/* A run directory others may write (SFW_RUN_DIR pointed at a shared
 * one): they could plant and hold the lock file whatever its mode. */
Test(ring_lock, a_run_dir_others_may_write_is_refused)
{
	cr_assert_eq(chmod(dir, 01777), 0);
	cr_assert_eq(sfw_ring_claim("ring", "sfw daemon"), -EPERM);
	cr_assert(strstr(sfw_last_error(), "root's alone"), "%s", sfw_last_error());
	cr_assert_eq(chmod(dir, 0755), 0);
	cr_assert_geq(sfw_ring_claim("ring", "sfw daemon"), 0, "%s", sfw_last_error());
}

/* The same file held by a process of root's: an sfw from before the
 * upgrade, still reading the ring. Replaced, the ring would have two
 * readers (double ageing, session logs split between them). */
Test(ring_lock, a_stale_lock_root_holds_is_not_taken_over)
{
	char path[128], c;
	int fd, go[2], ready[2], status;
	pid_t pid;

	lock_path(path, sizeof(path));
	make_stale(path);
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(ready), 0);
	pid = hold_stale(path, 0, ready[1], go[0]);
	cr_assert_eq(read(ready[0], &c, 1), 1);
	fd = sfw_ring_claim("ring", "sfw daemon");
	cr_assert_eq(write(go[1], "g", 1), 1);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_eq(fd, -EWOULDBLOCK, "a second reader beside the running one");
	cr_assert(strstr(sfw_last_error(), "already reading"), "%s", sfw_last_error());
	fd = sfw_ring_claim("ring", "sfw daemon");
	cr_assert_geq(fd, 0, "once it ended: %s", sfw_last_error());
	close(fd);
}

/* Two claimers at once, a stale lock file between them: one holds the
 * ring, never both (each removed the file the other had just made: 2 of
 * 3000 rounds on the code before the claims took turns). */
#define RACE_ROUNDS 3000
Test(ring_lock, two_claims_racing_on_a_stale_lock_never_both_hold)
{
	char path[128];
	int both = 0;

	lock_path(path, sizeof(path));
	for (int round = 0; round < RACE_ROUNDS; round++) {
		int start[2], res[2], go[2], fd, status, won = 0;
		pid_t pid[2];
		char c;

		unlink(path);
		make_stale(path);
		cr_assert(!pipe(start) && !pipe(res) && !pipe(go));
		for (int k = 0; k < 2; k++) {
			pid[k] = fork();
			cr_assert_geq(pid[k], 0);
			if (!pid[k]) {
				if (read(start[0], &c, 1) != 1)
					_exit(100);
				fd = sfw_ring_claim("ring", "sfw daemon");
				c = fd >= 0 ? '1' : '0';
				if (write(res[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
					_exit(101);
				_exit(0);
			}
		}
		cr_assert_eq(write(start[1], "ss", 2), 2);
		for (int k = 0; k < 2; k++) {
			cr_assert_eq(read(res[0], &c, 1), 1);
			won += c == '1';
		}
		cr_assert_eq(write(go[1], "gg", 2), 2);
		for (int k = 0; k < 2; k++)
			cr_assert_eq(waitpid(pid[k], &status, 0), pid[k]);
		both += won == 2;
		for (int k = 0; k < 2; k++) {
			close(start[k]);
			close(res[k]);
			close(go[k]);
		}
	}
	cr_assert_eq(both, 0, "both claimers held the ring in %d of %d rounds", both,
		     RACE_ROUNDS);
}

/* The euid of pid, from /proc/PID/status ("Uid: real effective ..."). */
static int euid_of(pid_t pid)
{
	char path[64], line[256];
	int r, e = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %d %d", &r, &e) == 2)
			break;
	if (f)
		fclose(f);
	return e;
}

/* A lock file others can open (an older sfw's 0644 one, which
 * a_lock_held_from_before_is_replaced is about): user nobody opens and
 * flocks it, then execs a set-user-ID root program that waits for input
 * (passwd asking for the current password) with the fd still open. The
 * flock's pid in /proc/locks is that process, /proc/PID is root's (a
 * directory's owner is the euid), so replace_stale takes it for "an sfw
 * from before" and the daemon was refused as long as nobody liked (the
 * red team's rv35 R1): only a process running sfw as this one is counts. */
#define SUID_PROG "/usr/bin/passwd"
Test(ring_lock, a_user_holding_a_stale_lock_through_a_setuid_program_is_no_sfw)
{
	char path[128];
	int fd, in[2], ready[2], status;
	pid_t pid;
	char c;
	struct stat st;

	if (stat(SUID_PROG, &st) || !(st.st_mode & S_ISUID) || st.st_uid)
		cr_skip_test(SUID_PROG " is not set-user-ID root here");
	lock_path(path, sizeof(path));
	make_stale(path);
	cr_assert_eq(pipe(in), 0);
	cr_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		int lfd, nul;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		lfd = open(path, O_RDONLY);   /* no O_CLOEXEC: passwd inherits it */
		if (lfd < 0 || flock(lfd, LOCK_EX | LOCK_NB))
			_exit(101);
		dup2(in[0], 0);
		close(in[1]);
		nul = open("/dev/null", O_WRONLY);   /* its prompt is nobody's business */
		if (nul >= 0 && (dup2(nul, 1) < 0 || dup2(nul, 2) < 0))
			_exit(104);
		if (write(ready[1], "r", 1) != 1)
			_exit(102);
		execl(SUID_PROG, SUID_PROG, (char *)NULL);
		_exit(103);
	}
	close(in[0]);
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1, "nobody could not hold the 0644 lock");
	for (int k = 0; k < 100 && euid_of(pid) != 0; k++)
		usleep(20000);
	cr_assert_eq(euid_of(pid), 0, "the set-user-ID program did not start");
	fd = sfw_ring_claim("ring", "sfw daemon");
	kill(pid, SIGKILL);
	close(in[1]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert_geq(fd, 0, "user nobody keeps the daemon from its ring: %s", sfw_last_error());
	close(fd);
}

/* SFW_RUN_DIR names a symbolic link (a user made it first in a
 * world-writable /tmp, where the e2e tests put their run directories):
 * root made its files in the directory the link names (rv35 R2). */
Test(ring_lock, a_run_dir_that_is_a_symlink_is_refused)
{
	char victim[128], link_path[128], made[160];
	int fd;

	snprintf(victim, sizeof(victim), "%s/victim", dir);
	snprintf(link_path, sizeof(link_path), "%s/run", dir);
	cr_assert_eq(mkdir(victim, 0755), 0);
	cr_assert_eq(symlink(victim, link_path), 0);
	setenv("SFW_RUN_DIR", link_path, 1);
	fd = sfw_ring_claim("ring", "sfw daemon");
	if (fd >= 0)
		close(fd);
	snprintf(made, sizeof(made), "%s/ring.lock", victim);
	cr_assert_neq(access(made, F_OK), 0, "root made %s through the link", made);
	snprintf(made, sizeof(made), "%s/.claim", victim);
	cr_assert_neq(access(made, F_OK), 0, "root made %s through the link", made);
}
