/* The user-space policy lookup and `commit reevaluate`: which sessions a
 * new configuration keeps, decided as the datapath would decide their
 * first packet (zone pair, host-inbound services, global, default). */
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>
#include "conf_ops.h"
#include "flow_fixture.h"
#include "grammar.h"
#include "match.h"
#include "policy_test_conf.h"
#include "protocols.h"
#include "reevaluate.h"
#include "test_conf.h"

#define TCP SFW_IPPROTO_TCP
#define ICMP SFW_IPPROTO_ICMP
#define IF_TRUST 10       /* veth0 */
#define IF_UNTRUST 11     /* veth1 */
#define IF_UNTRUST2 12    /* veth2 */
#define IF_NOZONE 13      /* eth9: in no zone */

static struct sfw_conf conf;

static void setup(void)
{
	conf_test_parse_ok(&conf, POLICY_TEST_CONF);
}

static void teardown(void)
{
	sfw_conf_free(&conf);
}

TestSuite(policy_match, .init = setup, .fini = teardown);

static const char *test_ifname(__u32 ifindex, char *buf, void *arg)
{
	static const char *const names[] = { "veth0", "veth1", "veth2", "eth9" };

	return ifindex >= IF_TRUST && ifindex <= IF_NOZONE ? names[ifindex - IF_TRUST] : NULL;
}

static struct sfw_match_result lookup(int from, int to, const char *src, const char *dst,
				      __u8 proto, __u16 dport)
{
	struct sfw_match_pkt pkt = { .proto = proto, .dport = dport, .sport = 40000,
				     .icmp_type = 8, .icmp_code = 0 };
	struct sfw_match_result res;

	pkt.family = strchr(dst, ':') ? SFW_FAMILY_INET6 : SFW_FAMILY_INET;
	cr_assert_eq(inet_pton(pkt.family == SFW_FAMILY_INET ? AF_INET : AF_INET6, src,
			       &pkt.src), 1);
	cr_assert_eq(inet_pton(pkt.family == SFW_FAMILY_INET ? AF_INET : AF_INET6, dst,
			       &pkt.dst), 1);
	sfw_policy_match(&conf, from, to, &pkt, &res);
	return res;
}

static void expect(struct sfw_match_result r, enum sfw_match_source source,
		   enum sfw_conf_action action, const char *policy)
{
	cr_assert_eq(r.source, source);
	cr_assert_eq(r.action, action);
	if (policy)
		cr_assert_str_eq(r.policy ? r.policy->name : "(none)", policy);
	else
		cr_assert_null(r.policy, "matched %s", r.policy ? r.policy->name : "");
}

Test(policy_match, first_match_in_order)
{
	expect(lookup(1, 2, "198.51.100.2", "203.0.113.5", TCP, 80),
	       SFW_MATCH_ZONE_PAIR, SFW_CONF_ACTION_PERMIT, "allow-web");
	/* not in the address set: the next policy, reject */
	expect(lookup(1, 2, "198.51.100.2", "198.51.100.77", TCP, 80),
	       SFW_MATCH_ZONE_PAIR, SFW_CONF_ACTION_REJECT, "deny-rest");
	/* a policy earlier in the pair list wins over the global ping-all */
	expect(lookup(1, 2, "198.51.100.2", "203.0.113.5", ICMP, 0),
	       SFW_MATCH_ZONE_PAIR, SFW_CONF_ACTION_REJECT, "deny-rest");
}

Test(policy_match, port_range_edges_and_ipv6_member)
{
	expect(lookup(1, 2, "2001:db8:1::2", "2001:db8:2::5", TCP, 8000),
	       SFW_MATCH_ZONE_PAIR, SFW_CONF_ACTION_PERMIT, "allow-web");
	expect(lookup(1, 2, "2001:db8:1::2", "2001:db8:2::5", TCP, 8080),
	       SFW_MATCH_ZONE_PAIR, SFW_CONF_ACTION_PERMIT, "allow-web");
	expect(lookup(1, 2, "2001:db8:1::2", "2001:db8:2::5", TCP, 8081),
	       SFW_MATCH_ZONE_PAIR, SFW_CONF_ACTION_REJECT, "deny-rest");
	expect(lookup(1, 2, "2001:db8:1::2", "2001:db8:3::5", TCP, 80),
	       SFW_MATCH_ZONE_PAIR, SFW_CONF_ACTION_REJECT, "deny-rest");
}

Test(policy_match, junos_host_and_host_inbound)
{
	/* untrust's own junos-host policy: IPv4 only */
	expect(lookup(2, SFW_ZONE_HOST, "203.0.113.2", "203.0.113.1", TCP, 22),
	       SFW_MATCH_ZONE_PAIR, SFW_CONF_ACTION_DENY, "no-ssh");
	expect(lookup(2, SFW_ZONE_HOST, "2001:db8:2::2", "2001:db8:2::1", TCP, 22),
	       SFW_MATCH_DEFAULT, SFW_CONF_ACTION_DENY, NULL);
	/* trust allows ping to the host (system-services ping) */
	expect(lookup(1, SFW_ZONE_HOST, "198.51.100.2", "198.51.100.1", ICMP, 0),
	       SFW_MATCH_HOST_INBOUND, SFW_CONF_ACTION_PERMIT, NULL);
	expect(lookup(1, SFW_ZONE_HOST, "198.51.100.2", "198.51.100.1", TCP, 22),
	       SFW_MATCH_DEFAULT, SFW_CONF_ACTION_DENY, NULL);
}

Test(policy_match, global_zones_then_default)
{
	/* trust to trust: no pair policy; the global policy names trust */
	expect(lookup(1, 1, "198.51.100.2", "198.51.100.3", ICMP, 0),
	       SFW_MATCH_GLOBAL, SFW_CONF_ACTION_PERMIT, "ping-all");
	/* untrust to untrust: the global policy is for trust only */
	expect(lookup(2, 2, "203.0.113.2", "203.0.113.3", ICMP, 0),
	       SFW_MATCH_DEFAULT, SFW_CONF_ACTION_DENY, NULL);
	expect(lookup(SFW_ZONE_NONE, 2, "203.0.113.2", "203.0.113.3", ICMP, 0),
	       SFW_MATCH_NO_ZONE, SFW_CONF_ACTION_DENY, NULL);
}

Test(policy_match, default_permit_without_zones)
{
	sfw_conf_free(&conf);
	cr_assert_eq(sfw_conf_init_builtin(&conf), 0);
	expect(lookup(SFW_ZONE_NONE, SFW_ZONE_NONE, "198.51.100.2", "203.0.113.5", TCP, 22),
	       SFW_MATCH_DEFAULT, SFW_CONF_ACTION_PERMIT, NULL);
}

/* A configuration without a default-policy statement: Junos's deny-all. */
Test(policy_match, default_deny_when_a_configuration_says_nothing)
{
	sfw_conf_free(&conf);
	cr_assert_eq(sfw_conf_init(&conf), 0);
	expect(lookup(SFW_ZONE_NONE, SFW_ZONE_NONE, "198.51.100.2", "203.0.113.5", TCP, 22),
	       SFW_MATCH_DEFAULT, SFW_CONF_ACTION_DENY, NULL);
}

/* Sessions, by what the new configuration does with them. */
static const struct uf_spec kept[] = {
	{ .id = 1, .src = "198.51.100.2", .dst = "203.0.113.5", .sport = 40001, .dport = 80,
	  .proto = TCP, .if_in = IF_TRUST, .if_out = IF_UNTRUST, .policy_id = 4,
	  .sess_flags = SFW_SESS_F_TRANSIT },
	{ .id = 2, .src = "2001:db8:1::2", .dst = "2001:db8:2::5", .sport = 40002, .dport = 8080,
	  .proto = TCP, .if_in = IF_TRUST, .if_out = IF_UNTRUST2, .policy_id = 4,
	  .sess_flags = SFW_SESS_F_TRANSIT },
	{ .id = 3, .src = "198.51.100.2", .dst = "198.51.100.1", .sport = 7, .dport = 0,
	  .proto = ICMP, .if_in = IF_TRUST, .if_out = IF_TRUST, .policy_id = 3 },
	/* opened by the host itself: never policy-checked */
	{ .id = 4, .src = "203.0.113.1", .dst = "203.0.113.2", .sport = 40004, .dport = 22,
	  .proto = TCP, .if_in = IF_UNTRUST, .if_out = IF_UNTRUST, .policy_id = 2,
	  .sess_flags = SFW_SESS_F_LOCAL },
};
static const struct uf_spec cleared[] = {
	{ .id = 11, .src = "198.51.100.2", .dst = "203.0.113.5", .sport = 40011, .dport = 8081,
	  .proto = TCP, .if_in = IF_TRUST, .if_out = IF_UNTRUST, .sess_flags = SFW_SESS_F_TRANSIT },
	{ .id = 12, .src = "198.51.100.2", .dst = "203.0.113.5", .sport = 12, .dport = 0,
	  .proto = ICMP, .if_in = IF_TRUST, .if_out = IF_UNTRUST, .sess_flags = SFW_SESS_F_TRANSIT },
	{ .id = 13, .src = "203.0.113.2", .dst = "203.0.113.1", .sport = 40013, .dport = 22,
	  .proto = TCP, .if_in = IF_UNTRUST, .if_out = IF_UNTRUST },
	{ .id = 14, .src = "198.51.100.9", .dst = "203.0.113.5", .sport = 40014, .dport = 80,
	  .proto = TCP, .if_in = IF_NOZONE, .if_out = IF_UNTRUST, .sess_flags = SFW_SESS_F_TRANSIT },
};

static bool keeps(struct sfw_reeval *rv, const struct uf_spec *s)
{
	struct sfw_session_key k;
	struct sfw_session v;

	uf_build(s, &k, &v);
	return sfw_reeval_keeps(rv, &k, &v);
}

Test(policy_match, reevaluate_decisions)
{
	struct sfw_reeval rv = { .conf = &conf, .old = &conf, .ifname = test_ifname };

	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		cr_assert(keeps(&rv, &kept[i]), "session %llu should be kept",
			  (unsigned long long)kept[i].id);
	for (size_t i = 0; i < sizeof(cleared) / sizeof(cleared[0]); i++)
		cr_assert_not(keeps(&rv, &cleared[i]), "session %llu should be cleared",
			      (unsigned long long)cleared[i].id);
}

/* Its policy is gone (by name and context), even though another policy
 * would now permit the same traffic. */
Test(policy_match, reevaluate_clears_removed_policy)
{
	struct sfw_conf old;
	struct sfw_reeval rv = { .conf = &conf, .old = &old, .ifname = test_ifname };

	conf_test_parse_ok(&old,
		"set security zones security-zone trust interfaces veth0\n"
		"set security zones security-zone untrust interfaces veth1\n"
		"set security policies from-zone trust to-zone untrust policy old-web match "
		"source-address any destination-address any application junos-http\n"
		"set security policies from-zone trust to-zone untrust policy old-web then permit\n");
	cr_assert_not(keeps(&rv, &kept[0]));
	rv.old = NULL;
	cr_assert(keeps(&rv, &kept[0]), "without the old configuration only the verdict counts");
	sfw_conf_free(&old);
}

static char dir[64];

static int accept_all(const struct sfw_conf *c, void *ctx)
{
	return 0;
}

/* Through the command: a real map, the count printed, the right ones gone. */
Test(policy_match, commit_reevaluate_walks_the_map)
{
	struct sfw_conf_env env = { .apply = accept_all, .ifname = test_ifname };
	struct cap out, err;
	char path[128];
	FILE *f;
	int fd = uf_map(64);

	cr_assert_geq(fd, 0);
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(uf_add(fd, &kept[i]), 0);
		cr_assert_eq(uf_add(fd, &cleared[i]), 0);
	}
	strcpy(dir, "/tmp/sfw-reeval-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	snprintf(path, sizeof(path), "%s/new.conf", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(POLICY_TEST_CONF, f);
	fclose(f);
	env.out = cap_open(&out);
	env.err = cap_open(&err);
	env.sessions_fd = fd;
	cr_assert_eq(sfw_conf_commit_run(&env, path, true), SFW_EXIT_OK);
	cr_assert_str_eq(cap_text(&out), "commit complete\n4 active sessions cleared\n");
	cr_assert_str_eq(cap_text(&err), "");
	for (size_t i = 0; i < 4; i++) {
		cr_assert(uf_has(fd, &kept[i]), "session %zu removed", i);
		cr_assert_not(uf_has(fd, &cleared[i]), "session %zu kept", i);
	}
	cap_free(&out);
	cap_free(&err);
	close(fd);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_assert_eq(system(path), 0);
	unsetenv("SFW_CONF_DIR");
}

/* A commit whose store fails after the apply clears what it opened in
 * between that the configuration back in force would not have opened
 * (cli/conf_ops.c clear_window), and only that: a session from before the
 * apply, kept by an earlier commit without reevaluate, stays, although
 * that configuration does not permit it either. */
Test(policy_match, failed_commit_clears_only_what_it_opened)
{
	struct sfw_conf_env env = { .apply = accept_all, .ifname = test_ifname };
	struct uf_spec before = cleared[0], since = cleared[1];
	char path[128];
	struct cap out, err;
	FILE *f;
	int fd = uf_map(64);

	cr_assert_geq(fd, 0);
	before.created_s = 1;                 /* long before the apply */
	since.created_s = 1000000000;         /* after it, whenever the test runs */
	cr_assert_eq(uf_add(fd, &before), 0);
	cr_assert_eq(uf_add(fd, &since), 0);
	strcpy(dir, "/tmp/sfw-reeval-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	snprintf(path, sizeof(path), "%s/old.conf", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(POLICY_TEST_CONF, f);
	fclose(f);
	env.out = cap_open(&out);
	env.err = cap_open(&err);
	env.sessions_fd = fd;
	cr_assert_eq(sfw_conf_commit_run(&env, path, false), SFW_EXIT_OK);
	conf_test_block_history(dir);
	snprintf(path, sizeof(path), "%s/new.conf", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("set security policies default-policy permit-all\n", f);
	fclose(f);
	cr_assert_eq(sfw_conf_commit_run(&env, path, false), SFW_EXIT_FAIL, "%s", cap_text(&err));
	cr_assert(strstr(cap_text(&err), "sfw: 1 sessions the failed commit opened were cleared\n"),
		  "%s", cap_text(&err));
	cr_assert(uf_has(fd, &before), "a session from before the failed commit was cleared");
	cr_assert_not(uf_has(fd, &since), "a session the failed commit opened was kept");
	cap_free(&out);
	cap_free(&err);
	close(fd);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_assert_eq(system(path), 0);
	unsetenv("SFW_CONF_DIR");
}
