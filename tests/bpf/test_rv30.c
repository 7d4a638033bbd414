/* Red team rv30: findings on main (1b5b15d), each as a test that shows
 * it. They failed on main and were committed disabled (`.disabled = true`,
 * the comment names the finding); enabled with their fixes (stop 35). notes/rv30.md says what each one
 * means. Suite rv30: a veth pair in the fixture's private namespace, fa
 * (zone trust) where clients send from and fb (zone untrust) toward the
 * servers, with static neighbours so that XDP forwards (as
 * tests/bpf/test_rv28.c's rv28_fwd). */
#define _GNU_SOURCE
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"

#define SRV_FWD "203.0.113.20"

static void rv30_setup(void)
{
	veth_pair_up("ip neigh add " CLIENT_A " lladdr 02:00:00:00:00:11 dev fa nud permanent && "
		     "ip neigh add " SRV_FWD " lladdr 02:00:00:00:00:22 dev fb nud permanent && "
		     "sysctl -qw net.ipv4.ip_forward=1");
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
}

TestSuite(rv30, .init = rv30_setup, .fini = suite_teardown);

#define ZONES "set security zones security-zone trust interfaces fa\n" \
	      "set security zones security-zone untrust interfaces fb\n"

/* A global deny limited by zones ahead of a global permit-all: the Junos
 * idiom "block this everywhere, then allow the rest". from and to: the
 * deny's `match from-zone` and `match to-zone`. */
static void commit_block_then_allow(const char *from, const char *to)
{
	char text[1024];

	snprintf(text, sizeof(text), ZONES
		 "set security policies global policy block match source-address any "
		 "destination-address any application junos-ssh from-zone %s to-zone %s\n"
		 "set security policies global policy block then deny\n"
		 "set security policies global policy allow match source-address any "
		 "destination-address any application any\n"
		 "set security policies global policy allow then permit\n"
		 "set security policies default-policy deny-all\n", from, to);
	commit(text);
}

static int ssh_syn_from_trust(void)
{
	struct pb_spec syn = { .src = CLIENT_A, .dst = SRV_FWD, .proto = SFW_IPPROTO_TCP,
			       .sport = 40022, .dport = 22, .tcp_flags = SFW_TCP_SYN };
	struct pb_pkt in, out;

	return run_at(in_if, &syn, &in, &out);
}

/* The control: the deny names its zones, and holds. */
Test(rv30, f1_control_global_deny_naming_its_zones_refuses)
{
	commit_block_then_allow("trust", "untrust");
	cr_assert_eq(ssh_syn_from_trust(), FX_XDP_DROP, "policy block denies ssh trust to untrust");
	cr_assert_eq(fx_session_count(), 0);
}

/* rv30 F1 (high; fail-open by configuration): a global policy's `match
 * from-zone any` (or `to-zone any`), which the parser accepts and the
 * CLI's matcher (conf/match.c zone_listed: "empty or `any` match all",
 * `show security match-policies`) takes for every zone, is compiled into
 * no zone pair at all: conf/compile.c's in_zone_list compares zone_id()
 * of the reference, and zone_id() of `any` is SFW_ZONE_NONE (0), which
 * no zone pair's id (1..63) equals. A global deny written "from any zone
 * to untrust" vanishes from the datapath, and the global permit after it
 * passes what it was to block; the commit says nothing. Seen red on main
 * (1b5b15d) with .disabled = false: the SYN is redirected (4), a session
 * opened under policy allow. */
Test(rv30, f1_global_deny_from_zone_any_compiled_into_no_zone_pair)
{
	commit_block_then_allow("any", "untrust");
	cr_expect_eq(ssh_syn_from_trust(), FX_XDP_DROP,
		     "policy block (from-zone any to-zone untrust) denies ssh trust to untrust");
	cr_expect_eq(fx_session_count(), 0, "no session under policy allow");
}

/* rv30 F1, the same by `to-zone any`. */
Test(rv30, f1_global_deny_to_zone_any_compiled_into_no_zone_pair)
{
	commit_block_then_allow("trust", "any");
	cr_expect_eq(ssh_syn_from_trust(), FX_XDP_DROP,
		     "policy block (from-zone trust to-zone any) denies ssh trust to untrust");
	cr_expect_eq(fx_session_count(), 0, "no session under policy allow");
}

/* rv30 F2 (high; fail-open by configuration): the global list's id,
 * SFW_LIST_GLOBAL (0x0fff), is also the zone pair list id of junos-host
 * to junos-host, SFW_LIST(gen, 63, 63) = 63 * 64 + 63 (include/policy.h).
 * conf/compile.c writes a `from-zone junos-host to-zone junos-host`
 * policy (a zone pair's, or a global one limited to those zones, or to
 * lists that name junos-host on both sides) into that list, and the
 * datapath tries it second for every zone pair (bpf/policy.bpf.h,
 * sfw_policy_decide: SFW_LIST_G after the pair's own list): a policy
 * meant for the host's traffic to itself judges every flow between any
 * two zones that its own pair's policies do not match, before the
 * default policy. `from-zone junos-host to-zone junos-host ... then
 * permit` permits everything everywhere. Seen red on main (1b5b15d) with
 * .disabled = false: the SYN trust to untrust (no policy for that pair,
 * default deny-all) is redirected (4), a session opened under policy
 * self. */
static void commit_host_to_host(const char *policy_lines)
{
	char text[2048];

	snprintf(text, sizeof(text), ZONES "%s"
		 "set security policies default-policy deny-all\n", policy_lines);
	commit(text);
}

/* The control: trust to untrust has no policy; default deny-all. */
Test(rv30, f2_control_no_policy_for_the_pair_refused)
{
	commit_host_to_host("set security policies from-zone trust to-zone junos-host policy "
			    "mgmt match source-address any destination-address any application any\n"
			    "set security policies from-zone trust to-zone junos-host policy mgmt then permit\n");
	cr_assert_eq(ssh_syn_from_trust(), FX_XDP_DROP, "no policy trust to untrust: default deny");
	cr_assert_eq(fx_session_count(), 0);
}

/* Fixed: `sfw commit` refuses a junos-host to junos-host policy
 * (conf/check_policy.c; conf_errors/host_to_host_policy_refused), so the
 * trust to untrust SYN meets the last good configuration: the control's. */
Test(rv30, f2_zone_policy_junos_host_to_junos_host_judges_every_pair)
{
	const char *text = ZONES
		"set security policies from-zone junos-host to-zone junos-host policy "
		"self match source-address any destination-address any application any\n"
		"set security policies from-zone junos-host to-zone junos-host policy self "
		"then permit\n"
		"set security policies default-policy deny-all\n";
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;

	commit_host_to_host("");
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_expect_neq(sfw_conf_parse_buffer(&conf, "t.conf", text, strlen(text), &errs), 0,
		      "a junos-host to junos-host policy was taken");
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	cr_expect_eq(ssh_syn_from_trust(), FX_XDP_DROP,
		     "policy self (junos-host to junos-host) permits trust to untrust");
	cr_expect_eq(fx_session_count(), 0, "no session under policy self");
}

/* rv30 F2 by a global policy whose zone lists name junos-host on both
 * sides among others (management both ways): it is written into the
 * pair lists it names and into (junos-host, junos-host), the global list. */
Test(rv30, f2_global_naming_junos_host_both_sides_judges_every_pair)
{
	commit_host_to_host("set security policies global policy mgmt match source-address any "
			    "destination-address any application junos-ssh from-zone [ untrust junos-host ] "
			    "to-zone [ trust junos-host ]\n"
			    "set security policies global policy mgmt then permit\n");
	cr_expect_eq(ssh_syn_from_trust(), FX_XDP_DROP,
		     "policy mgmt (untrust or host to trust or host) permits trust to untrust");
	cr_expect_eq(fx_session_count(), 0, "no session under policy mgmt");
}
