/* A commit around the datapath's apply (docs/security.md "A configuration
 * that cannot be applied fails closed"): the candidate is on disk before
 * the datapath takes it, the signals that end a session wait from the
 * apply to the rename, a failure after the apply calls restore, and the
 * digest of the text in force tells a datapath that runs another text than
 * the stored file. Each test has its own SFW_CONF_DIR. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include "test_conf.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/sfw-commit-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
}

static void teardown(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s.link'", dir, dir);
	cr_assert_eq(system(cmd), 0);
	unsetenv("SFW_CONF_DIR");
}

TestSuite(conf_commit, .init = setup, .fini = teardown);

static const char *const old_text = "set security policies default-policy deny-all\n";
static const char *const new_text = "set security policies default-policy permit-all\n";

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

static char *active_text(void)
{
	char path[256];

	cr_assert_eq(sfw_conf_active_path(path, sizeof(path)), 0);
	return slurp(path);
}

/* Commits text; want: the result expected (1: any error). */
static void commit_text(const char *text, const struct sfw_conf_commit_ops *ops, int want)
{
	struct sfw_conf conf;
	int err;

	conf_test_parse_ok(&conf, text);
	err = sfw_conf_commit(&conf, ops);
	if (want == 1)
		cr_assert_lt(err, 0, "the commit succeeded");
	else
		cr_assert_eq(err, want, "%s", sfw_last_error());
	sfw_conf_free(&conf);
}

/* The candidate beside the active file (.sfw.conf.XXXXXX), or NULL. */
static char *staged_text(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512], *text = NULL;

	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, ".sfw.conf.", 10)) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			text = slurp(path);
		}
	if (d)
		closedir(d);
	return text;
}

static bool held(int sig)
{
	sigset_t now;

	cr_assert_eq(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	return sigismember(&now, sig);
}

struct seen {
	char *staged, *active;
	bool held[4];
	int applies, restores;
	int fail;          /* apply's return */
};

static const int signals[4] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static int look(const struct sfw_conf *conf, void *arg)
{
	struct seen *s = arg;

	s->applies++;
	free(s->staged);
	free(s->active);
	s->staged = staged_text();
	s->active = active_text();
	for (int i = 0; i < 4; i++)
		s->held[i] = held(signals[i]);
	return s->fail;
}

static int count_restore(void *arg)
{
	((struct seen *)arg)->restores++;
	return sfw_fail(EIO, "the restore's own message");
}

/* When the datapath takes the candidate it is already written in full
 * beside the active file, which is still the old one, and the signals
 * that end a session wait. Afterwards they are let through again. */
Test(conf_commit, candidate_on_disk_and_signals_held_while_applied)
{
	struct seen s = { 0 };
	struct sfw_conf_commit_ops ops = { .apply = look, .restore = count_restore, .ctx = &s };
	char *now;

	commit_text(old_text, NULL, 0);
	commit_text(new_text, &ops, 0);
	cr_assert_eq(s.applies, 1);
	cr_assert_str_eq(s.staged ? s.staged : "(none)", new_text, "not staged before the apply");
	cr_assert_str_eq(s.active ? s.active : "(none)", old_text, "renamed before the apply");
	for (int i = 0; i < 4; i++) {
		cr_assert(s.held[i], "signal %d not held during the apply", signals[i]);
		cr_assert_not(held(signals[i]), "signal %d still held after the commit", signals[i]);
	}
	cr_assert_eq(s.restores, 0);
	now = active_text();
	cr_assert_str_eq(now, new_text);
	cr_assert_null(staged_text(), "the candidate was left beside the active file");
	free(now);
	free(s.staged);
	free(s.active);
}

static volatile sig_atomic_t got_term;
static char *active_at_signal;

static void on_term(int sig)
{
	got_term = 1;
	active_at_signal = active_text();
}

static int signalled_apply(const struct sfw_conf *conf, void *arg)
{
	raise(SIGTERM);   /* a kill, Ctrl-C or hang-up while the datapath takes it */
	cr_assert_not(got_term, "SIGTERM was delivered in the middle of the commit");
	return 0;
}

/* A SIGTERM during the apply is delivered only once the file matches the
 * datapath: killed there, the commit used to leave permit-all in force
 * over a file that said deny-all. */
Test(conf_commit, signal_during_the_apply_waits_for_the_rename)
{
	struct sigaction sa = { .sa_handler = on_term }, old;
	struct sfw_conf_commit_ops ops = { .apply = signalled_apply };

	commit_text(old_text, NULL, 0);
	cr_assert_eq(sigaction(SIGTERM, &sa, &old), 0);
	commit_text(new_text, &ops, 0);
	sigaction(SIGTERM, &old, NULL);
	cr_assert(got_term, "SIGTERM was lost");
	cr_assert_str_eq(active_at_signal ? active_at_signal : "(none)", new_text,
			 "SIGTERM came before the rename");
	free(active_at_signal);
}

/* Storing fails after the apply: restore is called (inside the held
 * section), and the error is the store's, not the restore's. A refused
 * apply calls it too: the datapath may have flipped before failing. */
Test(conf_commit, failure_after_the_apply_restores)
{
	struct seen s = { 0 };
	struct sfw_conf_commit_ops ops = { .apply = look, .restore = count_restore, .ctx = &s };
	char *now;

	commit_text(old_text, NULL, 0);
	conf_test_block_history(dir);
	commit_text(new_text, &ops, 1);
	cr_assert(strstr(sfw_last_error(), "cannot rename"), "%s", sfw_last_error());
	cr_assert_eq(s.restores, 1);
	now = active_text();
	cr_assert_str_eq(now, old_text, "the active file was not put back");
	free(now);
	s.fail = -EBUSY;
	commit_text(new_text, &ops, -EBUSY);
	cr_assert_eq(s.restores, 2);
	now = active_text();
	cr_assert_str_eq(now, old_text);
	cr_assert_null(staged_text(), "the candidate was left beside the active file");
	free(now);
	free(s.staged);
	free(s.active);
}

/* A commit killed before its rename leaves its candidate behind: the next
 * commit removes it. */
Test(conf_commit, stale_candidates_removed)
{
	char stale[256];

	snprintf(stale, sizeof(stale), "%s/.sfw.conf.AbC123", dir);
	cr_assert_eq(close(open(stale, O_CREAT | O_WRONLY, 0600)), 0);
	commit_text(old_text, NULL, 0);
	cr_assert_neq(access(stale, F_OK), 0, "a stale candidate survived a commit");
}

static struct sfw_config digest_of(const char *text)
{
	struct sfw_config cfg = { 0 };

	if (text)
		cr_assert_eq(sfw_conf_digest(text, strlen(text), cfg.conf_digest), 0);
	return cfg;
}

/* The datapath's digest against the stored file: equal, another text, no
 * file (no claim), and the built-in configuration under a stored file. */
Test(conf_commit, digest_tells_the_datapath_from_the_file)
{
	struct sfw_config old_cfg = digest_of(old_text), new_cfg = digest_of(new_text),
			  none = digest_of(NULL);

	cr_assert_eq(sfw_conf_sync(&new_cfg), SFW_CONF_IN_SYNC, "no file makes no claim");
	commit_text(old_text, NULL, 0);
	cr_assert_eq(sfw_conf_sync(&old_cfg), SFW_CONF_IN_SYNC);
	cr_assert_eq(sfw_conf_sync(&new_cfg), SFW_CONF_DIFFERS);
	cr_assert_eq(sfw_conf_sync(&none), SFW_CONF_DIFFERS);
	cr_assert_neq(memcmp(old_cfg.conf_digest, new_cfg.conf_digest, SFW_CONF_DIGEST_LEN), 0);
}

/* A FIFO as the stored file (finding 6): every reader refuses it at once,
 * never waiting for a writer. The digest is one more reader. */
Test(conf_commit, fifo_as_the_stored_file_refused_without_blocking, .timeout = 10)
{
	struct sfw_config cfg = digest_of(old_text);
	char path[256];
	__u8 d[SFW_CONF_DIGEST_LEN];
	bool stored;

	cr_assert_eq(sfw_conf_active_path(path, sizeof(path)), 0);
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(sfw_conf_stored_digest(d, &stored), -ENODEV);
	cr_assert(stored);
	cr_assert(strstr(sfw_last_error(), "a FIFO, expected a regular file"), "%s",
		  sfw_last_error());
	cr_assert_lt(sfw_conf_sync(&cfg), 0);
}

/* A configuration directory that is a symbolic link to nothing (finding
 * 7: a filesystem not mounted yet) is a stored configuration that cannot
 * be read, never "none": it fails closed. No directory at all is none. */
Test(conf_commit, dangling_configuration_directory_is_stored)
{
	char link[96];

	snprintf(link, sizeof(link), "%s.link", dir);
	cr_assert_eq(symlink("/nonexistent-sfw-conf-dir", link), 0);
	setenv("SFW_CONF_DIR", link, 1);
	cr_assert(sfw_conf_stored(), "a dangling configuration directory reads as none");
	unlink(link);
	cr_assert_eq(close(open(link, O_CREAT | O_WRONLY, 0600)), 0);
	cr_assert(sfw_conf_stored(), "a file in the place of the directory reads as none");
	unlink(link);
	cr_assert_not(sfw_conf_stored(), "no directory at all reads as stored");
	setenv("SFW_CONF_DIR", dir, 1);
}
