/* The shared candidate of plain `configure` (conf/shared.c, docs/cli.md
 * "One candidate for every shell"): what a reader gets, what a write
 * keeps, a read-modify-write under the store's lock that loses no
 * change when processes race, the list of who edits, and the private
 * commit refused while the shared candidate has changes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "candidate.h"
#include "test_conf.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/sfw-shared-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	unsetenv("SFW_CONF_DIR");
	sfw_conf_private_commit(false);
	sfw_conf_shared_commit(false);
}

TestSuite(conf_shared, .init = setup, .fini = teardown);

static void store(const char *base, const char *cand)
{
	struct sfw_shared s = { .base = (char *)base, .cand = (char *)cand };

	cr_assert_eq(sfw_shared_write(&s), 0, "%s", sfw_last_error());
}

static bool file_exists(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/.candidate", dir);
	return access(path, F_OK) == 0;
}

/* The file as sfw_shared_write lays it out: header (lengths, SHA-256 of
 * base and candidate), base, candidate; or any text. */
static void raw(const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/.candidate", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

static void laid_out(const char *base, const char *cand)
{
	char both[256], text[512];
	__u8 d[SFW_CONF_DIGEST_LEN];
	int n = snprintf(text, sizeof(text), "sfw-candidate %zu %zu ", strlen(base), strlen(cand));

	snprintf(both, sizeof(both), "%s%s", base, cand);
	cr_assert_eq(sfw_conf_digest(both, strlen(both), d), 0);
	for (int k = 0; k < SFW_CONF_DIGEST_LEN; k++)
		n += snprintf(text + n, sizeof(text) - n, "%02x", d[k]);
	snprintf(text + n, sizeof(text) - n, "\n%s%s", base, cand);
	raw(text);
}

static void refused(const char *what)
{
	struct sfw_shared s;

	cr_assert_eq(sfw_shared_read(&s, "C\n"), -EBADMSG, "%s read", what);
	cr_assert(strstr(sfw_last_error(), "damaged") && strstr(sfw_last_error(), "rollback 0"),
		  "%s: %s", what, sfw_last_error());
}

/* None stored: the active text, no change. */
Test(conf_shared, none_stored_reads_the_active_text)
{
	struct sfw_shared s;

	cr_assert_eq(sfw_shared_read(&s, "A\n"), 0);
	cr_assert_str_eq(s.cand, "A\n");
	cr_assert_not(sfw_shared_changed(&s));
	sfw_shared_free(&s);
}

/* A change survives, whole, whatever was committed since. */
Test(conf_shared, a_change_is_kept_whole)
{
	struct sfw_shared s;

	store("A\n", "A\nB\n");
	cr_assert(file_exists());
	cr_assert_eq(sfw_shared_read(&s, "A\n"), 0);
	cr_assert_str_eq(s.base, "A\n");
	cr_assert_str_eq(s.cand, "A\nB\n");
	cr_assert(sfw_shared_changed(&s));
	sfw_shared_free(&s);
	cr_assert_eq(sfw_shared_read(&s, "C\n"), 0, "a commit elsewhere keeps the change");
	cr_assert_str_eq(s.cand, "A\nB\n");
	sfw_shared_free(&s);
}

/* Committed: a candidate equal to the active text has nothing left. */
Test(conf_shared, committed_candidate_is_clean)
{
	struct sfw_shared s;

	store("A\n", "A\nB\n");
	cr_assert_eq(sfw_shared_read(&s, "A\nB\n"), 0);
	cr_assert_not(sfw_shared_changed(&s));
	cr_assert_str_eq(s.cand, "A\nB\n");
	sfw_shared_free(&s);
}

/* A candidate without a change of its own follows the active text (a
 * commit confirmed's timer); writing one removes the file. */
Test(conf_shared, unchanged_candidate_follows_the_active_text)
{
	struct sfw_shared s;

	laid_out("A\n", "A\n");
	cr_assert_eq(sfw_shared_read(&s, "C\n"), 0, "%s", sfw_last_error());
	cr_assert_str_eq(s.cand, "C\n");
	cr_assert_not(sfw_shared_changed(&s));
	sfw_shared_free(&s);
	store("A\n", "A\n");
	cr_assert_not(file_exists(), "a candidate without changes is not stored");
}

/* A file cut short (even at a line boundary), grown, with a wrong
 * checksum or a header of another layout is refused, never read as a
 * smaller candidate or as none (a firewall losing its deny-all). */
Test(conf_shared, damaged_file_is_refused)
{
	char path[128];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/.candidate", dir);
	store("A\n", "A\nB\nC\n");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(truncate(path, st.st_size - 2), 0);   /* "C\n" lost */
	refused("cut short");
	laid_out("A\n", "A\nB\n");
	f = fopen(path, "a");
	cr_assert_not_null(f);
	fputs("C\n", f);
	fclose(f);
	refused("grown");
	raw("sfw-candidate 2 4 0000000000000000000000000000000000000000000000000000000000000000\nA\nA\nB\n");
	refused("wrong checksum");
	raw("sfw-candidate 2\nA\nA\nB\n");
	refused("an older layout");
	raw("something else\n");
	refused("unknown header");
}

/* Another user's file (a world-writable store), one writable by others
 * or a link is not trusted. */
Test(conf_shared, untrusted_file_is_refused)
{
	char path[128], other[160];

	snprintf(path, sizeof(path), "%s/.candidate", dir);
	store("A\n", "A\nB\n");
	cr_assert_eq(chmod(path, 0666), 0);
	refused("world-writable");
	cr_assert_eq(chmod(path, 0600), 0);
	cr_assert_eq(chown(path, 65534, 65534), 0);
	refused("another user's");
	snprintf(other, sizeof(other), "%s/elsewhere", dir);
	cr_assert_eq(rename(path, other), 0);
	cr_assert_eq(chown(other, 0, 0), 0);
	cr_assert_eq(symlink(other, path), 0);
	refused("a link");
}

/* A file commit (sfw commit FILE, sfw rollback) waits for the shared
 * candidate's changes; the shell's commit of it goes ahead and resets it. */
Test(conf_shared, file_commit_waits_for_the_shared_candidate)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;

	store("A\n", "A\nB\n");
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_parse_buffer(&conf, "t", CONF_BASE, strlen(CONF_BASE), &errs), 0);
	cr_assert_eq(sfw_conf_commit(&conf, NULL), -EBUSY);
	cr_assert(strstr(sfw_last_error(), "shared candidate has uncommitted changes"), "%s",
		  sfw_last_error());
	cr_assert(file_exists());
	raw("sfw-candidate 2\nA\nA\n");
	cr_assert_eq(sfw_conf_commit(&conf, NULL), -EBADMSG, "a damaged one: refused too");
	store("A\n", "A\nB\n");
	sfw_conf_shared_commit(true);
	cr_assert_eq(sfw_conf_commit(&conf, NULL), 0, "%s", sfw_last_error());
	cr_assert_not(file_exists(), "committed: nothing left pending");
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
}

/* N processes append a line each, M times, under the store's lock: every
 * line is there (without the lock they overwrite one another). */
#define RACERS 4
#define ROUNDS 50
Test(conf_shared, racing_writers_lose_nothing)
{
	struct sfw_shared s;
	int status;

	for (int k = 0; k < RACERS; k++) {
		if (fork())
			continue;
		for (int j = 0; j < ROUNDS; j++) {
			int lock = sfw_conf_lock();
			char *more;

			if (lock < 0 || sfw_shared_read(&s, "A\n") ||
			    asprintf(&more, "%sp%dr%d\n", s.cand, k, j) < 0)
				_exit(1);
			free(s.cand);
			s.cand = more;
			if (sfw_shared_write(&s))
				_exit(1);
			sfw_shared_free(&s);
			sfw_conf_unlock(lock);
		}
		_exit(0);
	}
	for (int k = 0; k < RACERS; k++) {
		cr_assert_neq(wait(&status), -1);
		cr_assert(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	cr_assert_eq(sfw_shared_read(&s, "A\n"), 0);
	for (int k = 0; k < RACERS; k++)
		for (int j = 0; j < ROUNDS; j++) {
			char line[32];

			snprintf(line, sizeof(line), "\np%dr%d\n", k, j);
			cr_assert(strstr(s.cand, line), "lost %s", line + 1);
		}
	sfw_shared_free(&s);
}

/* configure private: its commit is refused while the shared candidate
 * has changes; without changes (or once committed) it goes through. */
Test(conf_shared, private_commit_waits_for_the_shared_candidate)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;

	store("A\n", "A\nB\n");
	sfw_conf_private_commit(true);
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_parse_buffer(&conf, "t", CONF_BASE, strlen(CONF_BASE), &errs), 0);
	cr_assert_eq(sfw_conf_commit(&conf, NULL), -EBUSY);
	cr_assert(strstr(sfw_last_error(), "shared configuration database modified"), "%s",
		  sfw_last_error());
	cr_assert_eq(sfw_shared_reset(), 0);
	cr_assert_eq(sfw_conf_commit(&conf, NULL), 0, "%s", sfw_last_error());
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
}

/* Who edits: this process is not listed to itself; a dead one drops out.
 * The other editor waits on a pipe: it ends with this test, pass or fail. */
Test(conf_shared, editors_alive_are_listed)
{
	char *text = NULL, c;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int fds[2], status;
	pid_t child;

	cr_assert_eq(pipe(fds), 0);
	child = fork();
	if (!child) {
		close(fds[1]);
		sfw_editor_enter("  bob terminal pts/9 (pid 2) on since then\n      [edit]\n");
		_exit(read(fds[0], &c, 1) < 0);
	}
	close(fds[0]);
	cr_assert_eq(sfw_editor_enter("  me\n"), 0);
	for (int k = 0; k < 200 && sfw_editor_list(f) == 0; k++)
		usleep(10000);
	fflush(f);
	cr_assert(strstr(text, "Users currently editing the configuration:\n  bob terminal"), "%s",
		  text);
	cr_assert_null(strstr(text, "  me\n"));
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	close(fds[1]);
	cr_assert_eq(sfw_editor_list(f), 0, "a killed shell leaves the list");
	fclose(f);
	free(text);
	sfw_editor_leave();
}

/* A writer killed with kill -9 leaves its temporary file: the next lock
 * removes .candidate.XXXXXX (every writer holds it), the list of who edits
 * a dead pid's .editors/PID.tmp.XXXXXX (a live one's stays). */
Test(conf_shared, stale_temporary_files_go)
{
	char tmp[100], dead_tmp[160], live_tmp[160];
	FILE *null = fopen("/dev/null", "w");
	pid_t child = fork();
	int lock;

	cr_assert_geq(child, 0);
	if (!child)
		_exit(0);
	cr_assert_eq(waitpid(child, NULL, 0), child);
	snprintf(tmp, sizeof(tmp), "%s/.candidate.Ab12Cd", dir);
	cr_assert_eq(close(open(tmp, O_CREAT | O_WRONLY, 0600)), 0);
	lock = sfw_conf_lock();
	cr_assert_geq(lock, 0);
	sfw_conf_unlock(lock);
	cr_assert_neq(access(tmp, F_OK), 0, "a dead writer's .candidate temp stays");
	snprintf(tmp, sizeof(tmp), "%s/.editors", dir);
	cr_assert_eq(mkdir(tmp, 0755), 0);
	snprintf(dead_tmp, sizeof(dead_tmp), "%s/%d.tmp.Ab12Cd", tmp, (int)child);
	snprintf(live_tmp, sizeof(live_tmp), "%s/1.tmp.Ab12Cd", tmp);
	cr_assert_eq(close(open(dead_tmp, O_CREAT | O_WRONLY, 0600)), 0);
	cr_assert_eq(close(open(live_tmp, O_CREAT | O_WRONLY, 0600)), 0);
	cr_assert_not_null(null);
	sfw_editor_list(null);
	fclose(null);
	cr_assert_neq(access(dead_tmp, F_OK), 0, "a dead shell's .editors temp stays");
	cr_assert_eq(access(live_tmp, F_OK), 0, "a live shell's .editors temp went");
}
