/* Red team rvconf: can the configuration path make the firewall fail
 * open? Each finding as a test that fails on main (426e41e). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "shell/shell.h"
#include "grammar.h"
#include "match.h"
#include <arpa/inet.h>

TestSuite(rvconf, .init = suite_setup, .fini = suite_teardown);

static char pin_dir[64], conf_dir[64];

/* The fixture's maps pinned where the CLI looks for them (SFW_PIN_ROOT),
 * and a configuration directory of the test's own (SFW_CONF_DIR). */
static void cli_env(void)
{
	static const char *const maps[] = { SFW_STR(SFW_MAP_CONFIG), SFW_STR(SFW_MAP_SESSIONS) };
	char path[256];

	strcpy(pin_dir, "/sys/fs/bpf/rvconf-XXXXXX");
	cr_assert_not_null(mkdtemp(pin_dir), "mkdtemp %s: %s", pin_dir, strerror(errno));
	strcpy(conf_dir, "/tmp/rvconf-XXXXXX");
	cr_assert_not_null(mkdtemp(conf_dir));
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_dir, maps[i]);
		cr_assert_eq(bpf_obj_pin(fx_map_fd(false, maps[i]), path), 0, "pin %s: %s", path,
			     strerror(errno));
	}
	setenv("SFW_PIN_ROOT", pin_dir, 1);
	setenv("SFW_CONF_DIR", conf_dir, 1);
}

static void cli_env_end(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", pin_dir, conf_dir);
	cr_assert_eq(system(cmd), 0);
}

static void store(const char *text)
{
	char path[256];
	FILE *f;

	cr_assert_eq(sfw_conf_active_path(path, sizeof(path)), 0);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

static const char *const permit_all = "set security policies default-policy permit-all\n";
static const char *const deny_all = "set security policies default-policy deny-all\n";

/* rvconf F1 (medium; fail open by a race of two operators):
 * `set security policies default-policy permit-all` checks that the stored
 * configuration does not say deny-all (cli/config/cmd_flow_settings.c
 * sfw_cmd_set_default_policy: sfw_conf_failed(), stored_denies()) BEFORE
 * it takes the lock (update_config: sfw_lock()), and writes permit-all
 * after it without checking again. A commit of a deny-all file that holds
 * the lock in between (another shell's `commit`, a `rollback`, the
 * commit confirmed timer) is overwritten: the stored file says deny-all,
 * its digest is in the config map (`show security flow status`: in sync,
 * JSON configuration-differs false), and the datapath permits every flow
 * no policy refuses. Reproduced with real commands (strace delaying the
 * set's flock by 3 s, `sfw commit deny.conf` meanwhile). Here the child
 * plays the commit: it holds the lock the commit holds, and stores and
 * applies deny-all under it. */
Test(rvconf, f1_runtime_permit_all_overwrites_a_deny_all_committed_meanwhile)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP, .sport = 40000,
			     .dport = 80, .tcp_flags = SFW_TCP_SYN };
	char *argv[] = { "set", "security", "policies", "default-policy", "permit-all", NULL };
	struct sfw_config cfg;
	int ready[2], st = 0, rc;
	pid_t pid;
	char c;

	cli_env();
	commit(permit_all);
	store(permit_all);
	cr_assert_eq(pipe(ready), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		int fd = open(pin_dir, O_RDONLY | O_DIRECTORY);

		if (fd < 0 || flock(fd, LOCK_EX) || write(ready[1], "x", 1) != 1)
			_exit(1);
		usleep(500 * 1000);   /* the set is waiting for the lock by now */
		store(deny_all);
		commit(deny_all);
		_exit(0);
	}
	cr_assert_eq(read(ready[0], &c, 1), 1);
	rc = sfw_main_argv(&sfw_root, 5, argv);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && !WEXITSTATUS(st), "the committing child failed");
	cr_assert_eq(fx_config(&cfg), 0);
	cli_env_end();
	cr_expect_neq(rc, 0, "set default-policy permit-all succeeded over a stored deny-all");
	cr_expect_eq(cfg.default_policy, SFW_POLICY_DENY_ALL,
		     "the stored file says deny-all, the datapath runs permit-all");
	cr_expect_eq(fx_xdp(&s), FX_XDP_DROP, "a flow no policy permits passed");
}

/* F1's control: with the deny-all committed before the set looks, the set
 * is refused and deny-all stays. */
Test(rvconf, f1_control_permit_all_over_a_stored_deny_all_refused)
{
	char *argv[] = { "set", "security", "policies", "default-policy", "permit-all", NULL };
	struct sfw_config cfg;
	int rc;

	cli_env();
	store(deny_all);
	commit(deny_all);
	rc = sfw_main_argv(&sfw_root, 5, argv);
	cr_assert_eq(fx_config(&cfg), 0);
	cli_env_end();
	cr_expect_neq(rc, 0);
	cr_expect_eq(cfg.default_policy, SFW_POLICY_DENY_ALL);
}

/* rvconf F2 (high; fail open by configuration): without zones, a global
 * policy whose `match from-zone` or `match to-zone` names junos-host (the
 * one zone name a zone-less configuration accepts: conf/check_policy.c
 * resolve_zone) makes conf/compile.c compile_global_policies take the
 * "restricted" path, which expands EVERY global policy into zone pair
 * lists instead of the global list: pairs f, t in 1..n_zones and
 * junos-host, junos-host to junos-host skipped. With n_zones == 0 that is
 * no pair at all, so no global policy reaches the datapath; the global
 * list is empty and every first packet (zone none to none, or none to
 * junos-host: bpf/xdp_ingress.bpf.c) falls to the default policy. A
 * global deny ahead of a permit-all default, the usual zone-less idiom,
 * denies nothing once any global policy mentions junos-host; `show
 * security match-policies` (conf/match.c) still says deny. */
static const char *const no_ssh =
	"set security policies global policy no-ssh match source-address any "
	"destination-address any application junos-ssh\n"
	"set security policies global policy no-ssh then deny\n";
static const char *const host_ping =
	"set security policies global policy host-ping match source-address any "
	"destination-address any application junos-ping to-zone junos-host\n"
	"set security policies global policy host-ping then permit\n";

static int ssh_syn(__u16 sport)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP, .sport = sport,
			     .dport = 22, .tcp_flags = SFW_TCP_SYN };

	return fx_xdp(&s);
}

Test(rvconf, f2_control_zoneless_global_deny_holds)
{
	char text[1024];

	snprintf(text, sizeof(text), "%s%s", no_ssh, permit_all);
	commit(text);
	cr_assert_eq(ssh_syn(40022), FX_XDP_DROP, "global policy no-ssh denies ssh");
}

Test(rvconf, f2_zoneless_global_deny_vanishes_once_a_global_names_junos_host)
{
	char text[2048];
	struct sfw_conf_errors errs = { 0 };
	struct sfw_match_result res;
	struct sfw_match_pkt pkt = { .family = SFW_FAMILY_INET, .proto = SFW_IPPROTO_TCP,
				     .sport = 40023, .dport = 22 };
	struct sfw_conf conf;

	snprintf(text, sizeof(text), "%s%s%s", no_ssh, host_ping, permit_all);
	/* what the CLI's matcher says of it: deny, by no-ssh */
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_parse_buffer(&conf, "t.conf", text, strlen(text), &errs), 0);
	inet_pton(AF_INET, CLI4, &pkt.src);
	inet_pton(AF_INET, SRV4, &pkt.dst);
	sfw_policy_match(&conf, SFW_ZONE_NONE, SFW_ZONE_HOST, &pkt, &res);
	cr_expect_eq(res.action, SFW_CONF_ACTION_DENY, "the matcher says deny");
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	commit(text);
	cr_expect_eq(ssh_syn(40023), FX_XDP_DROP,
		     "global policy no-ssh denies ssh (the datapath: default permit-all)");
	cr_expect_eq(fx_session_count(), 0, "no session opened under the default policy");
}
