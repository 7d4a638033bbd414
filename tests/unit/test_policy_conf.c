/* commit check, commit, rollback and show configuration through the
 * command layer (conf_ops.h), with an apply of the test's own: exact
 * messages, exit codes, and all-or-nothing storage. Each test has its own
 * SFW_CONF_DIR. */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "conf_ops.h"
#include "loader.h"
#include "grammar.h"
#include "policy_test_conf.h"
#include "test_conf.h"

static char dir[64];
static struct cap out, err;
static struct sfw_conf_env env;

/* What the fake datapath was given: each apply's policy count, in order;
 * how many times it was told to fail closed. fail_apply: how many of the
 * next applies it refuses. */
static int applied[8], n_applied, fail_apply, fail_nth, n_failed_closed;

static int fake_fail_closed(void)
{
	n_failed_closed++;
	return 0;
}

static int fake_apply(const struct sfw_conf *conf, void *ctx)
{
	if (n_applied < 8)
		applied[n_applied] = conf->n_policies;
	n_applied++;
	if (n_applied == fail_nth || (fail_apply && fail_apply--))
		return sfw_fail(EBUSY, "datapath refused");
	return 0;
}

static void setup(void)
{
	strcpy(dir, "/tmp/sfw-pconf-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	n_applied = fail_apply = fail_nth = n_failed_closed = 0;
	env = (struct sfw_conf_env){ .out = cap_open(&out), .err = cap_open(&err),
				     .apply = fake_apply, .fail_closed = fake_fail_closed,
				     .sessions_fd = -1 };
}

static void teardown(void)
{
	char cmd[96];

	cap_free(&out);
	cap_free(&err);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	unsetenv("SFW_CONF_DIR");
}

TestSuite(policy_conf, .init = setup, .fini = teardown);

static void write_at(const char *name, const char *text, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

static void assert_active(const char *want)
{
	char path[4096];
	char *got;

	cr_assert_eq(sfw_conf_active_path(path, sizeof(path)), 0);
	got = read_text(path);
	if (!want) {
		cr_assert_null(got, "no active file expected");
		return;
	}
	cr_assert_not_null(got, "active file missing");
	cr_assert_str_eq(got, want);
	free(got);
}

static const char *const one_policy =
	"set security zones security-zone trust interfaces veth0\n"
	"set security zones security-zone untrust interfaces veth1\n"
	"set security policies from-zone trust to-zone untrust policy p1 match "
	"source-address any destination-address any application any\n"
	"set security policies from-zone trust to-zone untrust policy p1 then permit\n";

Test(policy_conf, check_succeeds)
{
	char path[256];

	write_at("a.conf", POLICY_TEST_CONF, path, sizeof(path));
	cr_assert_eq(sfw_conf_check_run(&env, path), SFW_EXIT_OK);
	cr_assert_str_eq(cap_text(&out), "configuration check succeeds\n");
	cr_assert_str_eq(cap_text(&err), "");
	cr_assert_eq(n_applied, 0);
	assert_active(NULL);
}

Test(policy_conf, check_prints_every_error)
{
	char path[256], want[2048];

	write_at("bad.conf",
		 "set security zones security-zone trust interfaces veth0\n"
		 "set security address-book global address a1 198.51.100.300/24\n"
		 "set security zones security-zone junos-host interfaces veth1\n"
		 "set security policies from-zone trust to-zone dmz policy p match "
		 "source-address any destination-address any application any\n"
		 "set security policies from-zone trust to-zone dmz policy p then permit\n",
		 path, sizeof(path));
	cr_assert_eq(sfw_conf_check_run(&env, path), SFW_EXIT_FAIL);
	snprintf(want, sizeof(want),
		 "%1$s:2: bad prefix '198.51.100.300/24' after 'set security address-book global "
		 "address a1': expected an IPv4 or IPv6 prefix (address/length) or 'description'\n"
		 "%1$s:3: zone 'junos-host' is built in: policies name it without configuring it\n"
		 "%1$s:4: policy 'p' (from-zone trust to-zone dmz): undefined zone 'dmz' in "
		 "to-zone: expected a zone of 'set security zones security-zone'\n"
		 "error: configuration check-out failed\n", path);
	cr_assert_str_eq(cap_text(&err), want);
	cr_assert_str_eq(cap_text(&out), "");
}

Test(policy_conf, junos_host_policies_parse)
{
	struct sfw_conf conf;

	conf_test_parse_ok(&conf, POLICY_TEST_CONF);
	cr_assert_eq(conf.policies[2].to_zone.kind, SFW_CONF_REF_ZONE_HOST);
	cr_assert_eq(sfw_conf_zone_id(&conf.policies[2].to_zone), SFW_ZONE_HOST);
	cr_assert_eq(sfw_conf_zone_id(&conf.policies[2].from_zone), 2);
	cr_assert_eq(sfw_conf_zone_id(&conf.policies[0].from_zone), 1);
	sfw_conf_free(&conf);
}

Test(policy_conf, commit_applies_then_stores)
{
	char path[256];

	write_at("a.conf", POLICY_TEST_CONF, path, sizeof(path));
	cr_assert_eq(sfw_conf_commit_run(&env, path, false), SFW_EXIT_OK);
	cr_assert_str_eq(cap_text(&out), "commit complete\n");
	cr_assert_str_eq(cap_text(&err), "");
	cr_assert_eq(n_applied, 1);
	cr_assert_eq(applied[0], 4);
	assert_active(POLICY_TEST_CONF);
}

Test(policy_conf, bad_file_changes_nothing)
{
	char good[256], bad[256];

	write_at("good.conf", one_policy, good, sizeof(good));
	write_at("bad.conf", "set security zones security-zone trust interfaces veth0\nbogus\n",
		 bad, sizeof(bad));
	cr_assert_eq(sfw_conf_commit_run(&env, good, false), SFW_EXIT_OK);
	cr_assert_eq(sfw_conf_commit_run(&env, bad, false), SFW_EXIT_FAIL);
	cr_assert_eq(n_applied, 1, "a bad file reached the datapath");
	assert_active(one_policy);
	cr_assert(strstr(cap_text(&err), ":2: unknown word 'bogus'"));
	cr_assert(strstr(cap_text(&err), "error: configuration check-out failed\n"));
}

Test(policy_conf, refused_apply_stores_nothing)
{
	char path[256];

	write_at("a.conf", one_policy, path, sizeof(path));
	fail_apply = 1;
	cr_assert_eq(sfw_conf_commit_run(&env, path, false), SFW_EXIT_FAIL);
	cr_assert_str_eq(cap_text(&err), "sfw: commit failed: datapath refused\n");
	cr_assert_str_eq(cap_text(&out), "");
	cr_assert_eq(n_applied, 2, "the previous configuration was not put back");
	cr_assert_eq(applied[1], 0, "what went back is not the built-in configuration");
	cr_assert_eq(n_failed_closed, 0);
	assert_active(NULL);
}

/* Storage fails after the datapath took the new configuration: the
 * previous one goes back in, so the datapath matches the active file. */
Test(policy_conf, failed_store_restores_previous)
{
	char first[256], second[256];

	write_at("one.conf", one_policy, first, sizeof(first));
	write_at("two.conf", POLICY_TEST_CONF, second, sizeof(second));
	cr_assert_eq(sfw_conf_commit_run(&env, first, false), SFW_EXIT_OK);
	conf_test_block_history(dir);
	cr_assert_eq(sfw_conf_commit_run(&env, second, false), SFW_EXIT_FAIL);
	cr_assert_eq(n_applied, 3);
	cr_assert_eq(applied[1], 4, "the new configuration was applied");
	cr_assert_eq(applied[2], 1, "the previous configuration was not restored");
	assert_active(one_policy);
}

/* The previous configuration cannot go back in either (the red team's
 * case: it parses but does not fit the table, and the datapath was failing
 * closed on it): every new session refused, never the candidate left in
 * force over a file that does not hold it. */
Test(policy_conf, failed_restore_fails_closed)
{
	char first[256], second[256];

	write_at("one.conf", one_policy, first, sizeof(first));
	write_at("two.conf", POLICY_TEST_CONF, second, sizeof(second));
	cr_assert_eq(sfw_conf_commit_run(&env, first, false), SFW_EXIT_OK);
	conf_test_block_history(dir);
	fail_nth = 3;   /* 1: the first commit, 2: the candidate, 3: the restore */
	cr_assert_eq(sfw_conf_commit_run(&env, second, false), SFW_EXIT_FAIL);
	cr_assert_eq(n_applied, 3);
	cr_assert_eq(n_failed_closed, 1, "the datapath was left running the candidate");
	cr_assert(strstr(cap_text(&err), "sfw: restoring the previous configuration: datapath "
			 "refused\nsfw: every new session is refused until a commit succeeds\n"
			 "sfw: commit failed: cannot rename"), "%s", cap_text(&err));
	assert_active(one_policy);
}

/* The same over a damaged active file: the datapath was failing closed,
 * and that is what goes back, never the built-in permit-all. */
Test(policy_conf, failed_store_over_a_damaged_file_fails_closed)
{
	char good[256], active[256];

	write_at("sfw.conf", "set security policies frobnicate\n", active, sizeof(active));
	write_at("two.conf", POLICY_TEST_CONF, good, sizeof(good));
	conf_test_block_history(dir);
	cr_assert_eq(sfw_conf_commit_run(&env, good, false), SFW_EXIT_FAIL);
	cr_assert_eq(n_applied, 1, "only the new configuration goes to the datapath");
	cr_assert_eq(n_failed_closed, 1, "the datapath was not put back to failing closed");
	assert_active("set security policies frobnicate\n");
}

Test(policy_conf, rollback_restores_previous)
{
	char first[256], second[256], path[256];
	char *r1;

	write_at("one.conf", one_policy, first, sizeof(first));
	write_at("two.conf", POLICY_TEST_CONF, second, sizeof(second));
	cr_assert_eq(sfw_conf_commit_run(&env, first, false), SFW_EXIT_OK);
	cr_assert_eq(sfw_conf_commit_run(&env, second, false), SFW_EXIT_OK);
	cr_assert_eq(sfw_conf_rollback_run(&env, 1), SFW_EXIT_OK);
	cr_assert_str_eq(cap_text(&out), "commit complete\ncommit complete\ncommit complete\n");
	cr_assert_eq(n_applied, 3);
	cr_assert_eq(applied[2], 1);
	assert_active(one_policy);
	/* The configuration rolled back from is now rollback 1. */
	cr_assert_eq(sfw_conf_rollback_path(1, path, sizeof(path)), 0);
	r1 = read_text(path);
	cr_assert_str_eq(r1, POLICY_TEST_CONF);
	free(r1);
}

Test(policy_conf, missing_rollback_changes_nothing)
{
	char first[256], want[512];

	write_at("one.conf", one_policy, first, sizeof(first));
	cr_assert_eq(sfw_conf_commit_run(&env, first, false), SFW_EXIT_OK);
	cr_assert_eq(sfw_conf_rollback_run(&env, 5), SFW_EXIT_FAIL);
	snprintf(want, sizeof(want), "sfw: rollback 5: %s/rollback/sfw.conf.5: no such "
		 "configuration\n", dir);
	cr_assert_str_eq(cap_text(&err), want);
	cr_assert_eq(n_applied, 1);
	assert_active(one_policy);
}

Test(policy_conf, show_configuration)
{
	char path[256];
	struct sfw_conf conf;
	struct cap want;

	cr_assert_eq(sfw_conf_show_run(&env), SFW_EXIT_OK);
	cr_assert_str_eq(cap_text(&out), "", "nothing committed: nothing shown");
	cap_free(&out);
	env.out = cap_open(&out);
	write_at("a.conf", "# a comment\n" POLICY_TEST_CONF, path, sizeof(path));
	cr_assert_eq(sfw_conf_commit_run(&env, path, false), SFW_EXIT_OK);
	cap_free(&out);
	env.out = cap_open(&out);
	env.set_lines = true;         /* `| display set` */
	cr_assert_eq(sfw_conf_show_run(&env), SFW_EXIT_OK);
	conf_test_parse_ok(&conf, POLICY_TEST_CONF);
	sfw_conf_print(&conf, cap_open(&want));
	cr_assert_str_eq(cap_text(&out), cap_text(&want));
	cr_assert(strstr(cap_text(&out), "set security policies from-zone untrust to-zone "
			 "junos-host policy no-ssh then deny\n"));
	cap_free(&want);
	sfw_conf_free(&conf);
}

/* Bare `show configuration` is Junos's hierarchical form, as
 * configuration mode's `show` prints it (docs/junos-layouts.md). */
Test(policy_conf, show_configuration_braces)
{
	char path[256];

	write_at("a.conf", one_policy, path, sizeof(path));
	cr_assert_eq(sfw_conf_commit_run(&env, path, false), SFW_EXIT_OK);
	cap_free(&out);
	env.out = cap_open(&out);
	cr_assert_eq(sfw_conf_show_run(&env), SFW_EXIT_OK);
	cr_assert_str_eq(cap_text(&out),
		"security {\n"
		"    zones {\n"
		"        security-zone trust {\n"
		"            interfaces {\n"
		"                veth0;\n"
		"            }\n"
		"        }\n"
		"        security-zone untrust {\n"
		"            interfaces {\n"
		"                veth1;\n"
		"            }\n"
		"        }\n"
		"    }\n"
		"    policies {\n"
		"        from-zone trust to-zone untrust {\n"
		"            policy p1 {\n"
		"                match {\n"
		"                    source-address any;\n"
		"                    destination-address any;\n"
		"                    application any;\n"
		"                }\n"
		"                then {\n"
		"                    permit;\n"
		"                }\n"
		"            }\n"
		"        }\n"
		"    }\n"
		"}\n");
}

Test(policy_conf, show_configuration_json)
{
	char path[256];

	write_at("a.conf", one_policy, path, sizeof(path));
	cr_assert_eq(sfw_conf_commit_run(&env, path, false), SFW_EXIT_OK);
	cap_free(&out);
	env.out = cap_open(&out);
	env.json = true;
	cr_assert_eq(sfw_conf_show_run(&env), SFW_EXIT_OK);
	cr_assert_str_eq(cap_text(&out),
		"{\n"
		"  \"configuration\": [\n"
		"    \"set security zones security-zone trust interfaces veth0\",\n"
		"    \"set security zones security-zone untrust interfaces veth1\",\n"
		"    \"set security policies from-zone trust to-zone untrust policy p1 match "
		"source-address any\",\n"
		"    \"set security policies from-zone trust to-zone untrust policy p1 match "
		"destination-address any\",\n"
		"    \"set security policies from-zone trust to-zone untrust policy p1 match "
		"application any\",\n"
		"    \"set security policies from-zone trust to-zone untrust policy p1 then "
		"permit\"\n"
		"  ]\n"
		"}\n");
}

/* A configuration directory of over 512 bytes (fixed 512-byte buffers cut
 * it once, and the committed file was silently not there for show or
 * attach); one past PATH_MAX is refused in one line, never cut short. */
Test(policy_conf, long_configuration_directory)
{
	char deep[1024], path[1100], cmd[1200];
	struct sfw_conf conf;

	snprintf(deep, sizeof(deep), "%s/%0200d/%0200d/%0200d", dir, 1, 2, 3);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", deep);
	cr_assert_eq(system(cmd), 0);
	write_at("a.conf", one_policy, path, sizeof(path));
	setenv("SFW_CONF_DIR", deep, 1);
	cr_assert_gt(strlen(deep), 600);
	cr_assert_eq(sfw_conf_commit_run(&env, path, false), SFW_EXIT_OK);
	cr_assert_eq(sfw_conf_load_active(&conf, env.err), SFW_EXIT_OK);
	cr_assert_eq(conf.n_policies, 1, "the committed file was not read back");
	sfw_conf_free(&conf);
	assert_active(one_policy);

	{
		size_t n = 4200;
		char *huge = malloc(n + 1);

		memset(huge, 'd', n);
		huge[0] = '/';
		huge[n] = '\0';
		setenv("SFW_CONF_DIR", huge, 1);
		free(huge);
	}
	cr_assert_eq(sfw_conf_show_run(&env), SFW_EXIT_FAIL);
	cr_assert(strstr(cap_text(&err), "sfw: path too long: /ddd"), "%s", cap_text(&err));
	cr_assert(strstr(cap_text(&err), "... (4209 bytes, at most 4095)\n"), "%s", cap_text(&err));
	setenv("SFW_CONF_DIR", dir, 1);
}

/* What the commands printed on err since the last call; err starts over. */
static char *err_since(void)
{
	char *text = strdup(cap_text(&err));

	cr_assert_not_null(text);
	cap_free(&err);
	env.err = cap_open(&err);
	return text;
}

static void assert_err_since(const char *want, const char *what)
{
	char *got = err_since();

	cr_assert_str_eq(got, want, "%s", what);
	free(got);
}

/* A source limit without the ip spoofing screen: commit check, commit and
 * rollback print the one warning line and succeed; with the screen, or
 * without a source limit, nothing (docs/security.md "Limits that remain"). */
Test(policy_conf, spoofable_source_limit_warns_and_commits)
{
	static const char *const limited =
		"set security zones security-zone trust interfaces veth0\n"
		"set security zones security-zone trust screen lim\n"
		"set security screen ids-option lim limit-session source-ip-based 3\n";
	char path[256], other[256], line[512], *got;

	write_at("lim.conf", limited, path, sizeof(path));
	snprintf(line, sizeof(line), "%s:3: warning: zone 'trust': limit-session "
		 "source-ip-based counts source addresses that nothing verifies: a sender "
		 "that spoofs an address can use up its sessions; add 'set security screen "
		 "ids-option lim ip spoofing'\n", path);
	cr_assert_eq(sfw_conf_check_run(&env, path), SFW_EXIT_OK);
	assert_err_since(line, "commit check");
	cr_assert_eq(sfw_conf_commit_run(&env, path, false), SFW_EXIT_OK);
	assert_err_since(line, "commit");
	assert_active(limited);

	write_at("plain.conf", one_policy, other, sizeof(other));
	cr_assert_eq(sfw_conf_commit_run(&env, other, false), SFW_EXIT_OK);
	assert_err_since("", "a configuration without limits");
	cr_assert_eq(sfw_conf_rollback_run(&env, 1), SFW_EXIT_OK);
	got = err_since();
	cr_assert(strstr(got, ":3: warning: zone 'trust': limit-session source-ip-based") &&
		  !strchr(got, '\n')[1], "rollback: %s", got);
	free(got);

	write_at("guarded.conf", "set security zones security-zone trust screen lim\n"
		 "set security screen ids-option lim limit-session source-ip-based 3\n"
		 "set security screen ids-option lim ip spoofing\n", other, sizeof(other));
	cr_assert_eq(sfw_conf_check_run(&env, other), SFW_EXIT_OK);
	cr_assert_eq(sfw_conf_commit_run(&env, other, false), SFW_EXIT_OK);
	assert_err_since("", "the zone has ip spoofing");
	cr_assert_str_eq(cap_text(&out), "configuration check succeeds\ncommit complete\n"
			 "commit complete\ncommit complete\nconfiguration check succeeds\n"
			 "commit complete\n");
}

/* The configuration a failed commit puts back is the active file as it is
 * under the store's lock, not as it was when the command began: another
 * session's commit of Y lands while this one (of Z, which the datapath
 * refuses) waits for the lock; the restore must put Y in, the file's, not
 * X (the red team's rv33 F1: the datapath ran X under a file holding Y). */
Test(policy_conf, failed_commit_restores_what_the_file_holds)
{
	char first[256], second[256], third[256], lock[128], active[256], tmp[300];
	struct sfw_conf y;
	int fd, status;
	pid_t pid;
	static const char *const two_policies =
		"set security zones security-zone trust interfaces veth0\n"
		"set security zones security-zone untrust interfaces veth1\n"
		"set security policies from-zone trust to-zone untrust policy p1 match "
		"source-address any destination-address any application any\n"
		"set security policies from-zone trust to-zone untrust policy p1 then permit\n"
		"set security policies from-zone trust to-zone untrust policy p2 match "
		"source-address any destination-address any application any\n"
		"set security policies from-zone trust to-zone untrust policy p2 then permit\n";

	write_at("one.conf", one_policy, first, sizeof(first));          /* X: 1 policy */
	write_at("two.conf", POLICY_TEST_CONF, second, sizeof(second));  /* Y */
	write_at("three.conf", two_policies, third, sizeof(third));      /* Z: 2 policies */
	cr_assert_eq(sfw_conf_commit_run(&env, first, false), SFW_EXIT_OK);
	snprintf(lock, sizeof(lock), "%s/.lock", dir);   /* the other session's commit */
	fd = open(lock, O_RDWR | O_CREAT, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(flock(fd, LOCK_EX), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		close(fd);
		n_applied = 0;
		fail_apply = 1;   /* the datapath refuses Z */
		if (sfw_conf_commit_run(&env, third, false) != SFW_EXIT_FAIL)
			_exit(90);
		_exit(n_applied == 2 ? applied[1] : 91);   /* Z, then the restore */
	}
	usleep(300000);   /* the child has read X and waits for the lock */
	cr_assert_eq(sfw_conf_active_path(active, sizeof(active)), 0);
	snprintf(tmp, sizeof(tmp), "%s/.y", dir);
	cr_assert_eq(link(second, tmp), 0);
	cr_assert_eq(rename(tmp, active), 0);   /* what Y's commit leaves */
	close(fd);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	assert_active(POLICY_TEST_CONF);
	conf_test_parse_ok(&y, POLICY_TEST_CONF);
	cr_assert_eq(WEXITSTATUS(status), y.n_policies,
		     "the restore put %d policies in the datapath, the active file (Y) has %d",
		     WEXITSTATUS(status), y.n_policies);
	sfw_conf_free(&y);
}
