/* The pending commit confirmed in the store (conf/confirm_file.c): its
 * token, and the configuration its timer gives back, kept as a file of
 * its own whatever the rollback history does meanwhile (a commit killed in
 * its history's move, an entry deleted by hand: the red team's rv34, whose
 * timer rolled back to the configuration it was to undo, or to nothing). */
#include "conf_store_test.h"

TestSuite(conf_confirm, .init = setup, .fini = teardown);

#define BASE CONF_BASE
#define UNCONFIRMED CONF_BASE "set security zones security-zone unconfirmed\n"
#define ZONE(z) CONF_BASE "set security zones security-zone " z "\n"

/* What the timer does when it fires (cli/config/cmd_commit.c run_expired
 * without a datapath): the target, read before the store's lock, committed
 * if the token is still pending. */
static int timer_fires(const char *token)
{
	const struct sfw_conf_commit_ops ops = { .if_armed = token };
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err;

	cr_assert_eq(sfw_conf_init(&conf), 0);
	err = sfw_conf_load_confirm_target(&conf, &errs);
	if (!err)
		err = sfw_conf_commit(&conf, &ops);
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
	return err;
}

static int refuse_apply(const struct sfw_conf *conf, void *ctx)
{
	return -EBUSY;
}

static void assert_pending(const char *want)
{
	char token[64];

	cr_assert_eq(sfw_conf_confirm_pending(token, sizeof(token)), 0);
	cr_assert_str_eq(token, want);
}

/* The timer fired: the active file is base, the pending token gone. */
static void assert_rolled_back_to(const char *token, const char *base)
{
	cr_assert_eq(timer_fires(token), 0, "the timer's rollback failed: %s", sfw_last_error());
	assert_rollback(0, base);
	assert_pending("");
}

static void rename_slot(int from, int to)
{
	char a[256], b[256];

	cr_assert_eq(sfw_conf_rollback_path(from, a, sizeof(a)), 0);
	cr_assert_eq(sfw_conf_rollback_path(to, b, sizeof(b)), 0);
	cr_assert_eq(rename(a, b), 0, "%s -> %s: %s", a, b, strerror(errno));
}

Test(conf_confirm, token_and_the_rollback_it_allows)
{
	const struct sfw_conf_commit_ops arm = { .arm = "t1" }, arm3 = { .arm = "t3" };

	cr_assert_eq(commit_ops(BASE, NULL), 0);
	cr_assert_eq(commit_ops(ZONE("dmz"), &arm), 0);
	assert_pending("t1");
	/* another commit confirms: the timer's rollback is refused, nothing changes */
	cr_assert_eq(commit_ops(ZONE("dmz2"), NULL), 0);
	assert_pending("");
	cr_assert_eq(timer_fires("t1"), -ENOENT, "a target left after the confirmation");
	cr_assert_eq(commit_ops(BASE, &(struct sfw_conf_commit_ops){ .if_armed = "t1" }),
		     -ECANCELED);
	cr_assert(rollback_has(0, "dmz2"), "the confirmed configuration stays");
	/* not confirmed: the rollback goes ahead and the token goes */
	cr_assert_eq(commit_ops(ZONE("dmz3"), &arm3), 0);
	assert_rolled_back_to("t3", ZONE("dmz2"));
}

/* A commit confirmed while one is pending delays the rollback; its target
 * stays the configuration before the first. */
Test(conf_confirm, twice_keeps_the_first_target)
{
	const struct sfw_conf_commit_ops a = { .arm = "t1" }, b = { .arm = "t2" };

	cr_assert_eq(commit_ops(BASE, NULL), 0);
	cr_assert_eq(commit_ops(ZONE("dmz"), &a), 0);
	cr_assert_eq(commit_ops(ZONE("dmz2"), &b), 0);
	assert_pending("t2");
	cr_assert_eq(timer_fires("t1"), -ECANCELED, "the first timer rolled back");
	assert_rolled_back_to("t2", BASE);
}

/* The first commit is a commit confirmed: what was in force before it was
 * the built-in configuration (permit-all, as attach applies with no file
 * stored), and that is what the timer gives back; an empty file would be
 * Junos's deny-all, every new session refused (the red team's rv35 F1). */
Test(conf_confirm, first_commit_rolls_back_to_what_was_in_force)
{
	const struct sfw_conf_commit_ops a = { .arm = "t1" };
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	char active[256];

	cr_assert_eq(commit_ops(ZONE("dmz"), &a), 0);
	cr_assert_eq(timer_fires("t1"), 0, "the timer's rollback failed: %s", sfw_last_error());
	cr_assert_eq(sfw_conf_active_path(active, sizeof(active)), 0);
	if (access(active, F_OK))
		return;   /* no file: the built-in configuration, as before */
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_parse_file(&conf, active, &errs), 0);
	cr_assert_eq(conf.default_policy, SFW_POLICY_PERMIT_ALL,
		     "the timer rolled back to default-policy deny-all; permit-all (the "
		     "built-in configuration) was in force before the commit confirmed");
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
}

/* A commit confirmed that fails leaves the token and target as they were:
 * none, or the pending one's. */
Test(conf_confirm, failed_commit_confirmed_arms_nothing)
{
	const struct sfw_conf_commit_ops refused = { .arm = "t1", .apply = refuse_apply },
					 a = { .arm = "t1" }, b = { .arm = "t2", .apply = refuse_apply };
	char target[256];

	cr_assert_eq(commit_ops(BASE, NULL), 0);
	cr_assert_neq(commit_ops(ZONE("dmz"), &refused), 0);
	assert_pending("");
	snprintf(target, sizeof(target), "%s/.confirm-target", dir);
	cr_assert_neq(access(target, F_OK), 0, "a failed commit confirmed left a target");
	cr_assert_eq(commit_ops(ZONE("dmz"), &a), 0);
	cr_assert_neq(commit_ops(ZONE("dmz2"), &b), 0);
	assert_pending("t1");
	assert_rolled_back_to("t1", BASE);
}

/* A commit whose rename onto the active file fails leaves the pending
 * commit confirmed's target as it was. */
Test(conf_confirm, failed_switch_keeps_the_target)
{
	const struct sfw_conf_commit_ops arm = { .arm = "t1" };
	int err;

	cr_assert_eq(commit_ops(BASE, NULL), 0);
	cr_assert_eq(commit_ops(ZONE("dmz"), &arm), 0);
	if (!set_immutable(true))
		cr_skip_test("this filesystem has no immutable flag");
	err = commit_ops(ZONE("dmz2"), NULL);
	cr_assert(set_immutable(false));
	cr_assert_neq(err, 0, "the rename onto an immutable file succeeded");
	cr_assert(rollback_has(0, "dmz"));
	cr_assert_not(rollback_has(1, "dmz"), "rollback 1 became the unconfirmed configuration");
	assert_pending("t1");
	assert_rolled_back_to("t1", BASE);
}

/* A commit killed after its rename while a commit confirmed is pending:
 * the timer's target is the configuration before the confirmed one,
 * before the next commit and after it finished the killed one's history. */
Test(conf_confirm, killed_commit_keeps_the_target)
{
	const struct sfw_conf_commit_ops arm = { .arm = "t1" }, arm2 = { .arm = "t2" };

	cr_assert_eq(commit_ops(BASE, NULL), 0);
	cr_assert_eq(commit_ops(ZONE("dmz"), &arm), 0);
	killed_after_rename(ZONE("dmz2"));
	cr_assert_eq(commit_ops(ZONE("dmz3"), &arm2), 0);
	assert_pending("t2");
	cr_assert(rollback_has(1, "dmz2"));
	cr_assert(rollback_has(2, "dmz"));
	assert_rolled_back_to("t2", BASE);
}

/* Killed in the middle of its history's move (rollback 1 moved to 2,
 * .previous not yet to 1): the timer read rollback 1 before the lock under
 * which the move is finished, found nothing, and failed every attempt. */
Test(conf_confirm, killed_mid_move_the_timer_still_rolls_back)
{
	const struct sfw_conf_commit_ops arm = { .arm = "t1" };

	cr_assert_eq(commit_ops(BASE, NULL), 0);
	cr_assert_eq(commit_ops(UNCONFIRMED, &arm), 0);
	killed_after_rename(ZONE("yyy"));
	rename_slot(1, 2);
	assert_rolled_back_to("t1", BASE);
}

/* The same with two commit confirmed in a row: the position the timer
 * read (rollback 2) already held the first unconfirmed configuration. */
Test(conf_confirm, killed_mid_move_stacked_rolls_back_before_both)
{
	const struct sfw_conf_commit_ops a = { .arm = "t1" }, b = { .arm = "t2" };

	cr_assert_eq(commit_ops(BASE, NULL), 0);
	cr_assert_eq(commit_ops(UNCONFIRMED, &a), 0);
	cr_assert_eq(commit_ops(UNCONFIRMED "set security zones security-zone second\n", &b), 0);
	killed_after_rename(ZONE("yyy"));
	rename_slot(2, 3);
	rename_slot(1, 2);
	assert_rolled_back_to("t2", BASE);
}

/* A commit killed after its history moved and before it confirmed the
 * pending one (the directory syncs between): the history moved one under
 * the pending position. */
Test(conf_confirm, killed_before_confirming_rolls_back_to_the_target)
{
	const struct sfw_conf_commit_ops a = { .arm = "t1" };
	char token[256], target[256], *saved_token, *saved_target;

	cr_assert_eq(commit_ops(BASE, NULL), 0);
	cr_assert_eq(commit_ops(UNCONFIRMED, &a), 0);
	snprintf(token, sizeof(token), "%s/.confirm", dir);
	snprintf(target, sizeof(target), "%s/.confirm-target", dir);
	saved_token = read_text(token);
	saved_target = read_text(target);
	cr_assert_not_null(saved_token);
	cr_assert_eq(commit_ops(ZONE("yyy"), NULL), 0);
	write_file(token, saved_token);   /* as if killed before it confirmed */
	if (saved_target)   /* an sfw that kept no target file */
		write_file(target, saved_target);
	free(saved_token);
	free(saved_target);
	assert_rolled_back_to("t1", BASE);
}

/* A gap in the history below the target (a file deleted by hand): the
 * history moves into the gap, the target stays where it was, and the
 * position the pending commit confirmed counted moved past it. */
Test(conf_confirm, gap_below_the_target)
{
	const struct sfw_conf_commit_ops a = { .arm = "t1" }, b = { .arm = "t2" },
					 c = { .arm = "t3" };
	char path[256];

	cr_assert_eq(commit_ops(ZONE("older"), NULL), 0);
	cr_assert_eq(commit_ops(BASE, NULL), 0);
	cr_assert_eq(commit_ops(UNCONFIRMED, &a), 0);
	cr_assert_eq(commit_ops(ZONE("two"), &b), 0);
	cr_assert_eq(sfw_conf_rollback_path(1, path, sizeof(path)), 0);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(commit_ops(ZONE("three"), &c), 0);
	assert_rolled_back_to("t3", BASE);
}

/* A commit of the text already active, killed in its history's move: its
 * .previous holds the active text, which is no sign that it was killed
 * before its rename (rv34 F4); the move is finished before the history is
 * read, so `rollback 1` finds the entry it moved. */
Test(conf_confirm, same_text_killed_mid_move_is_finished_before_a_rollback)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;

	cr_assert_eq(commit_ops(ZONE("one"), NULL), 0);
	cr_assert_eq(commit_ops(ZONE("two"), NULL), 0);
	killed_after_rename(ZONE("two"));
	rename_slot(1, 2);
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_load_rollback(&conf, 1, &errs), 0, "%s", sfw_last_error());
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
	assert_rollback(1, ZONE("two"));
	assert_rollback(2, ZONE("one"));
	assert_rollback(3, NULL);
}

/* rollback/ on another filesystem: .previous is copied to rollback 1 as
 * .copying, then removed. Killed between the two, the next commit took it
 * for a move not begun and moved the history a second time; killed before
 * the copy landed, the copy is made. */
Test(conf_confirm, copy_killed_before_removing_its_source_moves_once)
{
	char copying[256], *one;

	cr_assert_eq(commit_ops(ZONE("one"), NULL), 0);
	cr_assert_eq(commit_ops(ZONE("two"), NULL), 0);
	cr_assert_eq(commit_ops(ZONE("three"), NULL), 0);
	one = rollback_text(1);
	snprintf(copying, sizeof(copying), "%s/.copying", dir);
	write_file(copying, one);   /* the copy of rollback 1 landed, its source stayed */
	free(one);
	cr_assert_eq(commit_ops(ZONE("four"), NULL), 0);
	assert_rollback(1, ZONE("three"));
	assert_rollback(2, ZONE("two"));
	assert_rollback(3, ZONE("one"));
	assert_rollback(4, NULL);
	cr_assert_neq(access(copying, F_OK), 0, ".copying left behind");
}

Test(conf_confirm, copy_killed_before_it_landed_is_made)
{
	char copying[256], path[256];

	cr_assert_eq(commit_ops(ZONE("one"), NULL), 0);
	cr_assert_eq(commit_ops(ZONE("two"), NULL), 0);
	killed_after_rename(ZONE("three"));   /* .previous = two */
	rename_slot(1, 2);
	snprintf(copying, sizeof(copying), "%s/.copying", dir);
	snprintf(path, sizeof(path), "%s/.previous", dir);
	cr_assert_eq(rename(path, copying), 0);
	cr_assert_eq(sfw_conf_recover(), 0, "%s", sfw_last_error());
	assert_rollback(0, ZONE("three"));
	assert_rollback(1, ZONE("two"));
	assert_rollback(2, ZONE("one"));
	assert_rollback(3, NULL);
	cr_assert_neq(access(copying, F_OK), 0, ".copying left behind");
}

/* An upgrade with a commit confirmed pending: the older sfw's token
 * file says "TOKEN DEPTH" and there is no .confirm-target. The first
 * commit confirmed of the new sfw finds a token pending, so it keeps no
 * target; its timer then fails every attempt (no configuration to roll
 * back to) and the configuration nobody confirmed stays in force (rv35
 * F2). Stacked on it, as on the pending one it is: rollback DEPTH. */
Test(conf_confirm, a_token_an_older_sfw_left_pending_gets_a_target)
{
	const struct sfw_conf_commit_ops b = { .arm = "t2" };
	char token[256];
	int err;

	cr_assert_eq(commit_ops(BASE, NULL), 0);
	cr_assert_eq(commit_ops(UNCONFIRMED, NULL), 0);
	snprintf(token, sizeof(token), "%s/.confirm", dir);
	write_file(token, "1234.1700000000.000000001 1\n");   /* an older sfw's commit confirmed */
	cr_assert_eq(commit_ops(ZONE("dmz"), &b), 0);
	err = timer_fires("t2");
	cr_assert_eq(err, 0, "the new timer's rollback failed: %s; \"%s\" stays in force",
		     sfw_last_error(), "dmz");
	cr_assert_not(rollback_has(0, "dmz"), "the unconfirmed configuration stays");
	cr_assert_not(rollback_has(0, "unconfirmed"),
		      "not back to the configuration before the first confirmed commit");
}

/* rollback 1 holds what .previous holds because the text was
 * committed twice in a row (allowed), not because a copy landed: a commit
 * killed after its first history step (2 -> 3) is taken for a finished
 * copy, .previous is dropped and the gap at 2 stays (rollback 2: no such
 * configuration) until some later commit fills it (rv35 F3). */
Test(conf_confirm, rollback_1_holding_the_same_text_is_no_finished_copy)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err;

	cr_assert_eq(commit_ops(ZONE("one"), NULL), 0);
	cr_assert_eq(commit_ops(ZONE("two"), NULL), 0);
	cr_assert_eq(commit_ops(ZONE("two"), NULL), 0);   /* 1 = two, 2 = one */
	killed_after_rename(ZONE("three"));            /* .previous = two */
	rename_slot(2, 3);                             /* the move's first step */
	cr_assert_eq(sfw_conf_recover(), 0, "%s", sfw_last_error());
	cr_assert_eq(sfw_conf_init(&conf), 0);
	err = sfw_conf_load_rollback(&conf, 2, &errs);
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
	cr_assert_eq(err, 0, "after recovery: %s", sfw_last_error());
	assert_rollback(1, ZONE("two"));
	assert_rollback(3, ZONE("one"));
}
