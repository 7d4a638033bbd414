/* The shared candidate of plain `configure` (conf/shared.c, docs/cli.md
 * "One candidate for every shell"): what a reader gets, what a write
 * keeps, a read-modify-write under the store's lock that loses no
 * change when processes race, the list of who edits, and the private
 * commit refused while the shared candidate has changes. */
#define _GNU_SOURCE
#include <signal.h>
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
 * file commit, a private one, commit confirmed's timer); writing one
 * removes the file. */
Test(conf_shared, unchanged_candidate_follows_the_active_text)
{
	struct sfw_shared s;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/.candidate", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("sfw-candidate 2\nA\nA\n", f);
	fclose(f);
	cr_assert_eq(sfw_shared_read(&s, "C\n"), 0);
	cr_assert_str_eq(s.cand, "C\n");
	cr_assert_not(sfw_shared_changed(&s));
	sfw_shared_free(&s);
	store("A\n", "A\n");
	cr_assert_not(file_exists(), "a candidate without changes is not stored");
}

/* A file not in our layout (cut short, foreign): the active text. */
Test(conf_shared, damaged_file_reads_as_none)
{
	struct sfw_shared s;
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/.candidate", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("sfw-candidate 99\nA\n", f);
	fclose(f);
	cr_assert_eq(sfw_shared_read(&s, "C\n"), 0);
	cr_assert_str_eq(s.cand, "C\n");
	sfw_shared_free(&s);
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
