/* keepalived's hook (`sfw request chassis cluster role R`) and the attach
 * against the pins (cli/ha/cmd_cluster.c, cli/ha/role_record.c): the hook
 * records the role and decides whether sfw is attached under the pin
 * root's lock, the attach reads the record under it (review rv24,
 * finding 1); only nothing pinned is "not attached", a datapath that
 * cannot be read is said, by the hook and by the status (finding 2). Each
 * test has a private pin root, conf and run directory, removed with
 * everything in them afterwards. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "cluster_cmd.h"
#include "commands.h"
#include "err.h"
#include "grammar.h"
#include "loader.h"
#include "maps.h"
#include "role_record.h"
#include "tree.h"

static char root[64];
static char conf_dir[] = "/tmp/sfw-unit-hconf-XXXXXX";
static char run_dir[] = "/tmp/sfw-unit-hrun-XXXXXX";

static const char cluster_conf[] =
	"set chassis cluster cluster-id 9\n"
	"set chassis cluster node 0\n"
	"set chassis cluster redundancy-group 1 node 0 priority 200\n"
	"set chassis cluster redundancy-group 1 node 1 priority 100\n"
	"set chassis cluster redundancy-group 1 virtual-address 198.51.100.1/24 "
	"interface sfwtest0\n"
	"set chassis cluster fabric interface sfwtest1\n"
	"set chassis cluster fabric local-address 192.0.2.1\n"
	"set chassis cluster fabric peer-address 192.0.2.2\n";

static void setup(void)
{
	char path[600];
	FILE *f;

	snprintf(root, sizeof(root), "/sys/fs/bpf/sfw-unit-rolehook-%d", (int)getpid());
	cr_assert_eq(mkdir(root, 0700), 0, "mkdir %s: %s", root, strerror(errno));
	setenv("SFW_PIN_ROOT", root, 1);
	cr_assert_not_null(mkdtemp(conf_dir));
	cr_assert_not_null(mkdtemp(run_dir));
	setenv("SFW_CONF_DIR", conf_dir, 1);
	setenv("SFW_RUN_DIR", run_dir, 1);
	snprintf(path, sizeof(path), "%s/%s", conf_dir, SFW_HA_CONF_FILE);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(cluster_conf, f);
	fclose(f);
}

static void teardown(void)
{
	fx_remove_tree(AT_FDCWD, root);
	fx_remove_tree(AT_FDCWD, conf_dir);
	fx_remove_tree(AT_FDCWD, run_dir);
	unsetenv("SFW_PIN_ROOT");
	unsetenv("SFW_CONF_DIR");
	unsetenv("SFW_RUN_DIR");
}

TestSuite(ha_role_hook, .init = setup, .fini = teardown);

/* The session table of an older sfw (8 bytes shorter values), as an
 * upgrade leaves it before its `detach all`, its programs still attached. */
static void pin_old_sessions(void)
{
	char path[256];
	int fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, SFW_STR(SFW_MAP_SESSIONS),
				sizeof(struct sfw_session_key), sizeof(struct sfw_session) - 8,
				4, NULL);

	cr_assert_geq(fd, 0, "bpf_map_create: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", root, SFW_STR(SFW_MAP_SESSIONS));
	cr_assert_eq(bpf_obj_pin(fd, path), 0, "pin %s: %s", path, strerror(errno));
	close(fd);
}

/* A child that holds the pin root's flock, as an attach does from its
 * read of the record to its maps, for `ms`; then runs `then` (if any)
 * still holding it, and exits. Returns once it holds the lock. */
static pid_t hold_lock(int ms, void (*then)(void))
{
	int ready[2];
	pid_t pid;
	char c;

	cr_assert_eq(pipe(ready), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		int fd = open(root, O_RDONLY | O_DIRECTORY);
		struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

		if (fd < 0 || flock(fd, LOCK_EX) || write(ready[1], "x", 1) != 1)
			_exit(1);
		nanosleep(&t, NULL);
		if (then)
			then();
		_exit(0);
	}
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1, "the lock holder did not start");
	close(ready[0]);
	return pid;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The hook with `role`; its exit code, what it printed in *out and *err
 * (free both). */
static int hook(const char *role, char **out, char **err)
{
	struct sfw_cmdline cl = { 0 };
	size_t olen = 0, elen = 0;
	int rc;

	cl.pos[0] = role;
	cl.npos = 1;
	cl.out = open_memstream(out, &olen);
	cl.err = open_memstream(err, &elen);
	rc = sfw_cmd_request_cluster_role(&cl);
	fclose(cl.out);
	fclose(cl.err);
	return rc;
}

/* Review rv24, finding 1: the hook and an attach were not ordered by the
 * lock: the hook wrote the record and decided "sfw is not attached"
 * without it, so a hook while an attach was between its read of the
 * record and the pinning of its maps was lost (both nodes answering proxy
 * ARP/NDP, or a primary silent; keepalived runs no hook again). Here a
 * process holds the lock, as that attach does: the hook waits for it. Red
 * before the fix: the hook returned after 0.002 s. */
Test(ha_role_hook, cluster_role_hook_waits_for_an_attach_holding_the_lock)
{
	struct timespec t0;
	char *out = NULL, *err = NULL;
	double took;
	pid_t pid = hold_lock(1000, NULL);
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = hook("secondary", &out, &err);
	took = seconds_since(&t0);
	waitpid(pid, NULL, 0);
	cr_expect_geq(took, 0.5, "the hook returned (exit %d) after %.3f s while an attach held "
		      "the lock", rc, took);
	/* then nothing was pinned: the record is all, and it says so */
	cr_expect_eq(rc, SFW_EXIT_OK, "%s", err);
	cr_expect(strstr(out, "node0: secondary recorded; sfw is not attached"), "%s", out);
	free(out);
	free(err);
}

/* The other half of finding 1: the attach reads the record once it holds
 * the lock (cli/system/cmd_attach.c goes through sfw_role_lock_for_attach).
 * A hook that holds the lock (as the fixed hook does while it records)
 * names this node primary while the attach waits: the attach answers
 * proxy ARP/NDP. Red with the read moved before sfw_lock(): silent. */
static void record_primary(void)
{
	if (sfw_role_record_write(SFW_HA_PRIMARY))
		_exit(1);
}

Test(ha_role_hook, an_attach_reads_the_record_once_it_holds_the_lock)
{
	bool silent = true;
	int status = -1;
	pid_t pid;

	cr_assert(sfw_role_attach_silent(), "a cluster, no record: silent");
	pid = hold_lock(300, record_primary);
	cr_assert_eq(sfw_role_lock_for_attach(&silent), 0, "%s", sfw_last_error());
	sfw_unlock();
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the hook's record failed");
	cr_expect_not(silent, "the attach made its maps from the record it read before the "
		      "hook named it primary");
}

/* Nothing pinned (keepalived's hook before the attach): the record is
 * all, said, exit 0. */
Test(ha_role_hook, the_hook_before_an_attach_records_the_role)
{
	enum sfw_ha_role got = SFW_HA_NONE;
	char *out = NULL, *err = NULL;
	int rc = hook("primary", &out, &err);

	cr_expect_eq(rc, SFW_EXIT_OK, "%s", err);
	cr_expect_str_eq(out, "node0: primary recorded; sfw is not attached: an attach starts "
			 "answering proxy-arp/ndp\n");
	cr_expect_eq(sfw_role_record_read(&got), 0);
	cr_expect_eq(got, SFW_HA_PRIMARY);
	free(out);
	free(err);
}

/* Review rv24, finding 2: only nothing pinned is "not attached". With a
 * sfw_sessions of another layout pinned (an upgrade before its `detach
 * all`, the old programs still answering) the hook said "sfw is not
 * attached" and exited 0: the node told to be secondary kept answering,
 * and keepalived heard all was well. Now: recorded (still right for the
 * next attach), then the layout's line, exit 1. Red before the fix. */
Test(ha_role_hook, cluster_role_hook_reports_a_datapath_of_another_layout)
{
	enum sfw_ha_role got = SFW_HA_NONE;
	char *out = NULL, *err = NULL;
	int rc;

	pin_old_sessions();
	rc = hook("secondary", &out, &err);
	cr_expect_neq(rc, SFW_EXIT_OK, "exit 0; said: %s", out);
	/* one line */
	cr_expect(!strncmp(err, "sfw: node0: secondary recorded, but not taken: ", 47) &&
		  strstr(err, "another layout") && strchr(err, '\n') == err + strlen(err) - 1,
		  "stderr: '%s'", err);
	cr_expect(!strstr(out, "not attached"), "stdout: '%s'", out);
	cr_expect_eq(sfw_role_record_read(&got), 0, "the role was not recorded");
	cr_expect_eq(got, SFW_HA_SECONDARY);
	free(out);
	free(err);
}

/* The status the same way: `Proxy ARP/NDP answers` said "no (sfw is not
 * attached)" for a datapath it could not read; now it says why it cannot
 * tell (and JSON: proxy-answers-error). Red before the fix. */
Test(ha_role_hook, status_says_why_it_cannot_tell_whether_the_datapath_answers)
{
	struct sfw_cmdline cl = { 0 };
	char *out = NULL;
	size_t len = 0;

	pin_old_sessions();
	cl.out = open_memstream(&out, &len);
	cl.err = cl.out;
	cr_assert_eq(sfw_cmd_show_cluster_status(&cl), SFW_EXIT_OK);
	fclose(cl.out);
	cr_expect(strstr(out, "Proxy ARP/NDP answers: unknown (the pinned map ") &&
		  strstr(out, "another layout"), "%s", out);
	cr_expect(!strstr(out, "not attached"), "%s", out);
	free(out);

	out = NULL;
	cl.json = true;
	cl.out = open_memstream(&out, &len);
	cl.err = cl.out;
	cr_assert_eq(sfw_cmd_show_cluster_status(&cl), SFW_EXIT_OK);
	fclose(cl.out);
	cr_expect(strstr(out, "\"proxy-answers\": false") || strstr(out, "\"proxy-answers\":false"),
		  "%s", out);
	cr_expect(strstr(out, "\"proxy-answers-error\"") && strstr(out, "another layout"), "%s",
		  out);
	free(out);
}

/* Nothing pinned, the status as before. */
Test(ha_role_hook, status_without_sfw_attached)
{
	struct sfw_cmdline cl = { 0 };
	char *out = NULL;
	size_t len = 0;

	cl.out = open_memstream(&out, &len);
	cl.err = cl.out;
	cr_assert_eq(sfw_cmd_show_cluster_status(&cl), SFW_EXIT_OK);
	fclose(cl.out);
	cr_expect(strstr(out, "Proxy ARP/NDP answers: no (sfw is not attached)\n"), "%s", out);
	free(out);
}

/* Review rv25, finding 1: the hook's "not taken" lines passed
 * sfw_last_error() to sfw_fail(), which formats into that same buffer
 * (util/err.c): vsnprintf over its own argument. glibc 2.36 printed
 * "sfw: node0: secondary recorded, but not taken: node0: secondary
 * recorded, but not taken: ok-NNN/sfw_sessions has another layout ...":
 * the layout line's start (the map's path) overwritten by the prefix.
 * Red on int24 96d4936; green since cli/ha/cmd_cluster.c copies the
 * line before it formats the next. Both branches: the record written,
 * and the record refused too (the run directory a file). */
Test(ha_role_hook, not_taken_lines_keep_the_layout_line_whole)
{
	char *out = NULL, *err = NULL, want[256], file[600];
	FILE *f;

	pin_old_sessions();
	snprintf(want, sizeof(want), "not taken: the pinned map %s/%s has another layout", root,
		 SFW_STR(SFW_MAP_SESSIONS));
	hook("secondary", &out, &err);
	cr_expect(strstr(err, want), "stderr: '%s'", err);
	free(out);
	free(err);

	/* the record refused: a file where the run directory's record
	 * would go under */
	snprintf(file, sizeof(file), "%s/not-a-dir", run_dir);
	f = fopen(file, "w");
	cr_assert_not_null(f);
	fclose(f);
	setenv("SFW_RUN_DIR", file, 1);
	out = err = NULL;
	snprintf(want, sizeof(want), "the role is not taken: the pinned map %s/%s has another "
		 "layout", root, SFW_STR(SFW_MAP_SESSIONS));
	hook("secondary", &out, &err);
	setenv("SFW_RUN_DIR", run_dir, 1);
	cr_expect(strstr(err, "cannot record the cluster role") && strstr(err, want),
		  "stderr: '%s'", err);
	free(out);
	free(err);
}

/* Review rv25, finding 2: keepalived runs notify_stop (the hook's `stop`,
 * `role secondary`) with a 1 s budget, then SIGKILLs its process group
 * (keepalived's send_instance_notifies: system_call_script(...,
 * child_killed_thread, NULL, TIMER_HZ, ...)). Since the lock, the hook
 * writes the record only once it holds the lock: a command holding it
 * longer than that (an attach, a commit, a clear of a large table) and the
 * record stays `primary` for this boot, so the next attach (`detach all`,
 * attach) answers proxy ARP/NDP beside the peer that took over. Before the
 * lock the record was written first and survived the kill. Here: record
 * primary, a holder for 3 s, the hook killed after 1 s: the record must
 * say secondary. Red on int24 96d4936 (primary); green with the record
 * also written before sfw_lock() (and again under it). */
Test(ha_role_hook, a_hook_killed_while_it_waits_for_the_lock_leaves_its_record)
{
	struct timespec second = { .tv_sec = 1 };
	enum sfw_ha_role got = SFW_HA_NONE;
	pid_t holder, child;

	cr_assert_eq(sfw_role_record_write(SFW_HA_PRIMARY), 0, "%s", sfw_last_error());
	holder = hold_lock(3000, NULL);
	child = fork();
	cr_assert_geq(child, 0);
	if (!child) {
		char *out = NULL, *err = NULL;

		_exit(hook("secondary", &out, &err));
	}
	nanosleep(&second, NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	waitpid(holder, NULL, 0);
	cr_assert_eq(sfw_role_record_read(&got), 0, "no record");
	cr_expect_eq(got, SFW_HA_SECONDARY, "keepalived's stop hook, killed while it waited for "
		     "the lock, left the record %s", sfw_ha_role_name(got));
}

/* Review rv25, finding 3: the hook that can take neither the lock nor
 * the record said only the lock's reason, so keepalived's log hid that
 * the next attach would not start in the role it named (and why). The
 * lock refused: a pin root others may change (mode 0770, check_root in
 * loader/pin.c); the record refused: the run directory a file. The one
 * line must say both, the record first, exit non-zero. Red on 3bf3c90:
 * the line was the pin root's alone. */
Test(ha_role_hook, a_hook_refused_the_lock_and_the_record_says_both)
{
	char *out = NULL, *err = NULL, file[600];
	const char *rec, *lock;
	FILE *f;
	int rc;

	cr_assert_eq(chmod(root, 0770), 0, "chmod %s: %s", root, strerror(errno));
	snprintf(file, sizeof(file), "%s/not-a-dir", run_dir);
	f = fopen(file, "w");
	cr_assert_not_null(f);
	fclose(f);
	setenv("SFW_RUN_DIR", file, 1);
	rc = hook("secondary", &out, &err);
	setenv("SFW_RUN_DIR", run_dir, 1);
	cr_expect_neq(rc, SFW_EXIT_OK, "exit 0; said: '%s'", out);
	rec = strstr(err, "cannot record the cluster role in ");
	lock = strstr(err, "may be changed by another user");
	cr_expect(rec && strstr(rec, "Not a directory"), "the record's reason: '%s'", err);
	cr_expect(lock && rec < lock, "the lock's reason, after the record's: '%s'", err);
	cr_expect(strstr(err, "not taken, the pin root cannot be locked: "), "the role not taken: "
		  "'%s'", err);
	cr_expect(!strncmp(err, "sfw: ", 5) && strchr(err, '\n') == err + strlen(err) - 1,
		  "one line: '%s'", err);
	free(out);
	free(err);
}

/* The lock refused alone: the record is written (the next attach starts
 * in it), and the line says so beside the lock's reason. */
Test(ha_role_hook, a_hook_refused_the_lock_says_the_role_was_recorded)
{
	enum sfw_ha_role got = SFW_HA_NONE;
	char *out = NULL, *err = NULL;
	int rc;

	cr_assert_eq(chmod(root, 0770), 0, "chmod %s: %s", root, strerror(errno));
	rc = hook("primary", &out, &err);
	cr_expect_neq(rc, SFW_EXIT_OK, "exit 0; said: '%s'", out);
	cr_expect(strstr(err, "sfw: node0: primary recorded, but not taken, the pin root cannot be "
			  "locked: ") == err &&
		  strstr(err, "may be changed by another user") &&
		  strchr(err, '\n') == err + strlen(err) - 1, "stderr: '%s'", err);
	cr_expect_eq(sfw_role_record_read(&got), 0, "the role was not recorded");
	cr_expect_eq(got, SFW_HA_PRIMARY);
	free(out);
	free(err);
}

/* Review rv25 (the lead's finding after F6): an attach that made the
 * maps anew restored the proxy answering of the recorded role, not the
 * role: the control map stayed empty (`disabled` in the status), so a
 * re-attached secondary's daemon loaded nothing the peer sent and a
 * primary mirrored nothing until keepalived's next transition. Now the
 * attach takes the recorded role once its maps are made, under its lock
 * (sfw_cluster_restore_role, called by cli/system/cmd_attach.c last).
 * These tests make the maps as that attach does (sfw_progs_load under the
 * private pin root, silent as the record says), in a network namespace of
 * their own: a role turns on the cluster's nftables table, whose notrack
 * rules would reach the host's traffic otherwise. */
static struct sfw_progs *made_maps(void)
{
	struct sfw_attach_opts o = { .max_sessions = 64 };
	struct sfw_progs *p = NULL;
	bool fresh = false;

	cr_assert_eq(unshare(CLONE_NEWNET), 0, "unshare: %s", strerror(errno));
	cr_assert_eq(sfw_role_lock_for_attach(&o.ha_secondary), 0, "%s", sfw_last_error());
	cr_assert_eq(sfw_progs_load(&p, &o, &fresh), 0, "%s", sfw_last_error());
	cr_assert(fresh, "the maps were there already");
	return p;
}

/* A session daemon as far as a transition sees one: after `ms` it
 * publishes its pid and `role` in the cluster's figures, as the worker
 * does once it acts in a role (ha/worker.c), then lives until killed. */
static pid_t fake_daemon(enum sfw_ha_role role, int ms)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (!pid) {
		struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
		struct sfw_ha_stats st = { .pid = (__u32)getpid(), .role = role };
		char path[256];
		__u32 zero = 0;
		int fd;

		nanosleep(&t, NULL);
		snprintf(path, sizeof(path), "%s/%s", root, SFW_STR(SFW_MAP_CLUSTER_STATS));
		fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, SFW_STR(SFW_MAP_CLUSTER_STATS),
				    sizeof(__u32), sizeof(st), 1, NULL);
		if (fd < 0 || bpf_map_update_elem(fd, &zero, &st, BPF_ANY) || bpf_obj_pin(fd, path))
			_exit(1);
		pause();
		_exit(0);
	}
	return pid;
}

/* The restore after made_maps(), its printed line in *out (free it). */
static int restore(char **out)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	int rc = sfw_cluster_restore_role(f);

	fclose(f);
	sfw_unlock();
	return rc;
}

static __u32 flags_now(void)
{
	struct sfw_config cfg;

	cr_assert_eq(sfw_config_read(&cfg), 0, "%s", sfw_last_error());
	return cfg.flags;
}

static enum sfw_ha_role role_now(void)
{
	struct sfw_ha_ctl ctl = { .role = SFW_HA_NONE };

	cr_assert_eq(sfw_ha_ctl_read(&ctl), 0, "no role taken");
	return (enum sfw_ha_role)ctl.role;
}

/* Red with the attach that only set the flag: no control map (no role
 * taken), no SFW_CFG_F_SYNC: nothing mirrored. */
Test(ha_role_hook, an_attach_that_made_the_maps_is_the_recorded_primary)
{
	struct sfw_progs *p;
	char *out = NULL;
	pid_t d;
	int rc;

	cr_assert_eq(sfw_role_record_write(SFW_HA_PRIMARY), 0, "%s", sfw_last_error());
	p = made_maps();
	cr_assert_not(flags_now() & SFW_CFG_F_HA_SECONDARY, "the attach made a primary silent");
	d = fake_daemon(SFW_HA_PRIMARY, 200);
	rc = restore(&out);
	kill(d, SIGKILL);
	waitpid(d, NULL, 0);
	cr_assert_eq(rc, 0, "%s", sfw_last_error());
	cr_expect_eq(role_now(), SFW_HA_PRIMARY, "the role %s", sfw_ha_role_name(role_now()));
	cr_expect(flags_now() & SFW_CFG_F_SYNC, "a primary that mirrors nothing");
	cr_expect_not(flags_now() & SFW_CFG_F_HA_SECONDARY, "a primary that answers nothing");
	cr_expect(!strncmp(out, "node0: primary (recorded this boot), 0 sessions loaded", 54) &&
		  !strstr(out, "no session daemon"), "said: '%s'", out);
	free(out);
	sfw_progs_close(p);
}

/* The secondary: the role taken (the daemon loads what the peer sends),
 * still silent. And the transition waits for the daemon the attach
 * started, which publishes its figures only once it acts in its first
 * role (ha/transition.c acknowledged): red before, when no figures
 * pinned counted as no daemon at once ('(no session daemon runs ...)',
 * the transition returned before the daemon loaded anything). */
Test(ha_role_hook, an_attach_that_made_the_maps_is_the_recorded_secondary)
{
	struct sfw_progs *p;
	char *out = NULL;
	pid_t d;
	int rc;

	cr_assert_eq(sfw_role_record_write(SFW_HA_SECONDARY), 0, "%s", sfw_last_error());
	p = made_maps();
	d = fake_daemon(SFW_HA_SECONDARY, 300);
	rc = restore(&out);
	kill(d, SIGKILL);
	waitpid(d, NULL, 0);
	cr_assert_eq(rc, 0, "%s", sfw_last_error());
	cr_expect_eq(role_now(), SFW_HA_SECONDARY, "the role %s", sfw_ha_role_name(role_now()));
	cr_expect(flags_now() & SFW_CFG_F_HA_SECONDARY, "a secondary that answers");
	cr_expect_not(flags_now() & SFW_CFG_F_SYNC, "a secondary that mirrors");
	cr_expect_str_eq(out, "node0: secondary (recorded this boot)\n");
	free(out);
	sfw_progs_close(p);
}

/* No record this boot: nothing taken, the attach's silence stays (a node
 * keepalived has not named yet). */
Test(ha_role_hook, an_attach_with_no_record_takes_no_role)
{
	struct sfw_ha_ctl ctl;
	struct sfw_progs *p = made_maps();
	char *out = NULL;

	cr_assert_eq(restore(&out), 0, "%s", sfw_last_error());
	cr_expect_str_eq(out, "");
	cr_expect_eq(sfw_ha_ctl_read(&ctl), -ENOENT, "a role was taken");
	cr_expect(flags_now() & SFW_CFG_F_HA_SECONDARY, "answers with no role named");
	free(out);
	sfw_progs_close(p);
}
