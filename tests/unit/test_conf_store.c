/* Commit storage: the active file, rollback 1..49, atomic replacement, and
 * "a bad file changes nothing". Each test has its own SFW_CONF_DIR. */
#include "conf_store_test.h"

TestSuite(conf_store, .init = setup, .fini = teardown);

Test(conf_store, paths_follow_sfw_conf_dir)
{
	char path[256], want[256];

	cr_assert_str_eq(sfw_conf_dir(), dir);
	cr_assert_eq(sfw_conf_active_path(path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/sfw.conf", dir);
	cr_assert_str_eq(path, want);
	cr_assert_eq(sfw_conf_rollback_path(49, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/rollback/sfw.conf.49", dir);
	cr_assert_str_eq(path, want);
	cr_assert_eq(sfw_conf_rollback_path(50, path, sizeof(path)), -EINVAL);
	cr_assert_eq(sfw_conf_rollback_path(-1, path, sizeof(path)), -EINVAL);
	unsetenv("SFW_CONF_DIR");
	cr_assert_str_eq(sfw_conf_dir(), "/etc/sfw");
}

Test(conf_store, first_commit_creates_the_active_file_as_written)
{
	char text[128];

	config_text(text, sizeof(text), 1);
	commit_ok(text);
	assert_rollback(0, text);
	assert_rollback(1, NULL);
}

Test(conf_store, each_commit_pushes_the_previous_one_down)
{
	char text[4][128];

	for (int n = 0; n < 4; n++) {
		config_text(text[n], sizeof(text[n]), n);
		commit_ok(text[n]);
	}
	assert_rollback(0, text[3]);
	assert_rollback(1, text[2]);
	assert_rollback(2, text[1]);
	assert_rollback(3, text[0]);
	assert_rollback(4, NULL);
}

Test(conf_store, keeps_49_previous_configurations)
{
	char text[128], path[256];

	for (int n = 1; n <= 55; n++) {
		config_text(text, sizeof(text), n);
		commit_ok(text);
	}
	config_text(text, sizeof(text), 55);
	assert_rollback(0, text);
	config_text(text, sizeof(text), 54);
	assert_rollback(1, text);
	config_text(text, sizeof(text), 6);
	assert_rollback(49, text);
	snprintf(path, sizeof(path), "%s/rollback/sfw.conf.50", dir);
	cr_assert_neq(access(path, F_OK), 0, "nothing beyond rollback 49");
}

Test(conf_store, bad_file_changes_nothing)
{
	struct sfw_conf_errors errs = { 0 };
	char before[1024], after[1024], rb_before[1024], rb_after[1024], sub[128];
	char text[2][128];

	for (int n = 0; n < 2; n++) {
		config_text(text[n], sizeof(text[n]), n);
		commit_ok(text[n]);
	}
	snprintf(sub, sizeof(sub), "%s/rollback", dir);
	list_dir(dir, before, sizeof(before));
	list_dir(sub, rb_before, sizeof(rb_before));
	cr_assert_eq(commit_text("set security zones security-zone a interfaces veth0\n"
				 "set security zonez oops\n", &errs), -EINVAL);
	cr_assert_eq(errs.n, 1);
	cr_assert(strstr(errs.msg[0], ".in:2: unknown word 'zonez'"), "%s", errs.msg[0]);
	sfw_conf_errors_free(&errs);
	list_dir(dir, after, sizeof(after));
	list_dir(sub, rb_after, sizeof(rb_after));
	cr_assert_str_eq(before, after);
	cr_assert_str_eq(rb_before, rb_after);
	assert_rollback(0, text[1]);
	assert_rollback(1, text[0]);
	assert_rollback(2, NULL);
}

#define OPS(fn, arg) ((struct sfw_conf_commit_ops){ .apply = (fn), .ctx = (arg) })

static int refuse(const struct sfw_conf *conf, void *ctx)
{
	++*(int *)ctx;
	return -EBUSY;
}

static int accept_and_check(const struct sfw_conf *conf, void *ctx)
{
	++*(int *)ctx;
	cr_assert_eq(conf->n_zones, 1, "apply sees the parsed model");
	return 0;
}

Test(conf_store, failed_apply_changes_nothing)
{
	char text[2][128], path[128];
	struct sfw_conf conf;
	int calls = 0;

	config_text(text[0], sizeof(text[0]), 0);
	commit_ok(text[0]);
	config_text(text[1], sizeof(text[1]), 1);
	snprintf(path, sizeof(path), "%s.in", dir);
	write_file(path, text[1]);
	cr_assert_eq(sfw_conf_commit_file(path, &OPS(refuse, &calls), NULL, NULL), -EBUSY);
	cr_assert_eq(calls, 1);
	assert_rollback(0, text[0]);
	assert_rollback(1, NULL);
	cr_assert_eq(sfw_conf_commit_file(path, &OPS(accept_and_check, &calls), &conf, NULL), 0);
	cr_assert_eq(calls, 2);
	cr_assert_str_eq(conf.zones[0].name, "z1", "the model is handed back");
	sfw_conf_free(&conf);
	unlink(path);
	assert_rollback(0, text[1]);
	assert_rollback(1, text[0]);
}

Test(conf_store, invalid_file_is_never_applied)
{
	char path[128];
	int calls = 0;

	snprintf(path, sizeof(path), "%s.in", dir);
	write_file(path, "set security zones security-zone\n");
	cr_assert_eq(sfw_conf_commit_file(path, &OPS(refuse, &calls), NULL, NULL), -EINVAL);
	cr_assert_eq(calls, 0);
	unlink(path);
	assert_rollback(0, NULL);
}

Test(conf_store, unwritable_directory_changes_nothing)
{
	char text[128], bad[128];

	config_text(text, sizeof(text), 1);
	commit_ok(text);
	snprintf(bad, sizeof(bad), "%s/not-a-dir", dir);
	write_file(bad, "");
	setenv("SFW_CONF_DIR", bad, 1);
	cr_assert_lt(commit_text(text, NULL), 0);
	setenv("SFW_CONF_DIR", dir, 1);
	assert_rollback(0, text);
	assert_rollback(1, NULL);
}

Test(conf_store, no_temporary_files_left)
{
	char text[128], names[1024], sub[128];

	for (int n = 0; n < 3; n++) {
		config_text(text, sizeof(text), n);
		commit_ok(text);
	}
	list_dir(dir, names, sizeof(names));
	cr_assert_str_eq(names, ".;..;.lock;rollback;sfw.conf;");
	snprintf(sub, sizeof(sub), "%s/rollback", dir);
	list_dir(sub, names, sizeof(names));
	cr_assert_str_eq(names, ".;..;sfw.conf.1;sfw.conf.2;");
}

Test(conf_store, rollback_loads_a_previous_configuration_to_commit_again)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	char text[3][128];

	for (int n = 0; n < 2; n++) {
		config_text(text[n], sizeof(text[n]), n);
		commit_ok(text[n]);
	}
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_load_rollback(&conf, 1, &errs), 0);
	cr_assert_str_eq(conf.zones[0].name, "z0");
	cr_assert_str_eq(conf.source, text[0]);
	cr_assert_eq(sfw_conf_store(&conf), 0);
	sfw_conf_free(&conf);
	assert_rollback(0, text[0]);
	assert_rollback(1, text[1]);
	assert_rollback(2, text[0]);
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_load_rollback(&conf, 7, &errs), -ENOENT);
	/* Nothing to parse is not a configuration error: one line, errs empty. */
	cr_assert_eq(errs.n, 0);
	cr_assert(strstr(sfw_last_error(), "rollback 7: ") &&
		  strstr(sfw_last_error(), "no such configuration"), "%s", sfw_last_error());
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
}

Test(conf_store, model_without_source_is_stored_in_canonical_form)
{
	struct sfw_conf conf;

	conf_test_parse_ok(&conf, "set security zones security-zone trust interfaces [ a b ]\n");
	free(conf.source);
	conf.source = NULL;
	cr_assert_eq(sfw_conf_store(&conf), 0);
	sfw_conf_free(&conf);
	assert_rollback(0, "set security zones security-zone trust interfaces a\n"
			   "set security zones security-zone trust interfaces b\n");
}

/* Concurrent commits are serialised: every stored file is one whole
 * configuration, and no commit is lost from the history. */
Test(conf_store, concurrent_commits_never_mix)
{
	enum { WRITERS = 4, EACH = 8 };
	char text[128], *got;
	bool seen[WRITERS * 100] = { 0 };
	int status;

	for (int w = 0; w < WRITERS; w++) {
		pid_t pid = fork();

		cr_assert_geq(pid, 0);
		if (pid)
			continue;
		for (int n = 0; n < EACH; n++) {
			char path[128];

			config_text(text, sizeof(text), w * 100 + n);
			snprintf(path, sizeof(path), "%s.in%d", dir, w);
			write_file(path, text);
			if (sfw_conf_commit_file(path, NULL, NULL, NULL))
				_exit(1);
			unlink(path);
		}
		_exit(0);
	}
	for (int w = 0; w < WRITERS; w++) {
		cr_assert_gt(wait(&status), 0);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int n = 0; n < WRITERS * EACH; n++) {
		struct sfw_conf conf;
		int which;

		got = rollback_text(n);
		cr_assert_not_null(got, "rollback %d", n);
		cr_assert_eq(sscanf(got, "# commit %d", &which), 1);
		cr_assert_not(seen[which], "commit %d stored twice", which);
		seen[which] = true;
		cr_assert_eq(sfw_conf_init(&conf), 0);
		cr_assert_eq(sfw_conf_parse_buffer(&conf, "r", got, strlen(got), NULL), 0);
		sfw_conf_free(&conf);
		free(got);
	}
	assert_rollback(WRITERS * EACH, NULL);
}

/* The candidate is the active file before the history moves: a history
 * that cannot move puts the previous file back and leaves every entry
 * where it was. */
Test(conf_store, history_that_cannot_move_fails_the_commit_whole)
{
	char one[128], two[128], three[128], names[2048], sub[128];
	struct sfw_conf_errors errs = { 0 };

	config_text(one, sizeof(one), 1);
	config_text(two, sizeof(two), 2);
	config_text(three, sizeof(three), 3);
	commit_ok(one);
	commit_ok(two);
	conf_test_block_history(dir);
	cr_assert_neq(commit_text(three, &errs), 0);
	sfw_conf_errors_free(&errs);
	cr_assert(strstr(sfw_last_error(), "cannot rename"), "%s", sfw_last_error());
	assert_rollback(0, two);
	assert_rollback(1, one);
	snprintf(sub, sizeof(sub), "%s/rollback", dir);
	list_dir(sub, names, sizeof(names));
	cr_assert_null(strstr(names, ".previous"), "%s", names);
	cr_assert(strstr(names, ";sfw.conf.49;"), "rollback 49 was dropped: %s", names);
}

/* The next commit finishes the killed one's history: no configuration
 * drops out (rv33: .previous was thrown away). */
Test(conf_store, killed_commit_history_finished_by_the_next)
{
	char one[128], two[128], three[128], four[128];

	config_text(one, sizeof(one), 1);
	config_text(two, sizeof(two), 2);
	config_text(three, sizeof(three), 3);
	config_text(four, sizeof(four), 4);
	commit_ok(one);
	commit_ok(two);
	killed_after_rename(three);
	commit_ok(four);
	assert_rollback(0, four);
	assert_rollback(1, three);
	assert_rollback(2, two);
	assert_rollback(3, one);
	assert_rollback(4, NULL);
}

/* Killed before its rename: .kept is the active file, thrown away, the
 * history as it was. */
Test(conf_store, killed_before_the_rename_changes_no_history)
{
	char one[128], two[128], three[128], active[256], prev[256];

	config_text(one, sizeof(one), 1);
	config_text(two, sizeof(two), 2);
	config_text(three, sizeof(three), 3);
	commit_ok(one);
	commit_ok(two);
	cr_assert_eq(sfw_conf_active_path(active, sizeof(active)), 0);
	snprintf(prev, sizeof(prev), "%s/.kept", dir);
	cr_assert_eq(link(active, prev), 0);
	commit_ok(three);
	assert_rollback(1, two);
	assert_rollback(2, one);
	assert_rollback(3, NULL);
	cr_assert_neq(access(prev, F_OK), 0, ".kept left behind");
}

/* A history move that fails in the middle (rollback 5 immutable) undoes
 * every step before it and puts the previous file back (rv33). */
Test(conf_store, history_failing_in_the_middle_is_undone)
{
	char text[14][128], path[256], names[2048], before[2048], sub[128];
	struct sfw_conf_errors errs = { 0 };
	int err;

	for (int k = 1; k <= 12; k++) {
		config_text(text[k], sizeof(text[k]), k);
		commit_ok(text[k]);
	}
	snprintf(sub, sizeof(sub), "%s/rollback", dir);
	list_dir(sub, before, sizeof(before));
	cr_assert_eq(sfw_conf_rollback_path(5, path, sizeof(path)), 0);
	if (!set_immutable_at(path, true))
		cr_skip_test("this filesystem has no immutable flag");
	config_text(text[13], sizeof(text[13]), 13);
	err = commit_text(text[13], &errs);
	cr_assert(set_immutable_at(path, false));
	sfw_conf_errors_free(&errs);
	cr_assert_neq(err, 0);
	assert_rollback(0, text[12]);
	for (int n = 1; n <= 11; n++)
		assert_rollback(n, text[12 - n]);
	list_dir(sub, names, sizeof(names));
	cr_assert_str_eq(names, before);
}

/* rollback/ on a filesystem of its own: the file a failed commit puts back
 * is kept beside the active one, so the put-back is a rename on one
 * filesystem (rv33: it was kept in rollback/, and the failed candidate
 * stayed the stored configuration); a commit that succeeds copies it
 * into the history. */
Test(conf_store, rollback_on_another_filesystem)
{
	char one[128], two[128], three[128], four[128], sub[128], *active;
	struct sfw_conf_errors errs = { 0 };
	int err;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		cr_skip_test("no mount namespace here");
	snprintf(sub, sizeof(sub), "%s/rollback", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	cr_assert_eq(mount("tmpfs", sub, "tmpfs", 0, "size=1m"), 0, "%s", strerror(errno));
	config_text(one, sizeof(one), 1);
	config_text(two, sizeof(two), 2);
	config_text(three, sizeof(three), 3);
	config_text(four, sizeof(four), 4);
	commit_ok(one);
	commit_ok(two);
	commit_ok(three);
	assert_rollback(1, two);
	assert_rollback(2, one);
	conf_test_block_history(dir);
	err = commit_text(four, &errs);
	sfw_conf_errors_free(&errs);
	active = rollback_text(0);
	cr_assert_neq(err, 0);
	cr_assert_str_eq(active, three, "the failed commit left its candidate stored: %s",
			 sfw_last_error());
	free(active);
}

/* configure exclusive: while another holds the lock, commits fail and a
 * second take says who holds it; the holder (and its children, and the
 * commit confirmed timer) commit through it. */
Test(conf_store, configure_exclusive_lock)
{
	char holder[128];
	int fd = sfw_conf_exclusive_take("alice (pid 1)\n", holder, sizeof(holder));

	cr_assert_geq(fd, 0);
	cr_assert_eq(sfw_conf_exclusive_take("bob (pid 2)\n", holder, sizeof(holder)), -EBUSY);
	cr_assert_str_eq(holder, "alice (pid 1)");
	sfw_conf_exclusive_own(false);
	cr_assert_eq(commit_ops(CONF_BASE, NULL), -EBUSY);
	cr_assert(strstr(sfw_last_error(), "locked by alice (pid 1)"), "%s", sfw_last_error());
	cr_assert_null(rollback_text(0), "nothing stored");
	sfw_conf_exclusive_own(true);
	cr_assert_eq(commit_ops(CONF_BASE, NULL), 0);
	sfw_conf_exclusive_own(false);
	sfw_conf_exclusive_release(fd);
	cr_assert_eq(commit_ops(CONF_BASE "set security zones security-zone dmz\n", NULL), 0);
}
