/* The user-space policy lookup and `commit reevaluate`: which sessions a
 * new configuration keeps, decided as the datapath would decide their
 * first packet (zone pair, host-inbound services, global, default). */
#include <arpa/inet.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "coarse_clock.h"
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
	  .proto = TCP, .if_in = IF_TRUST, .if_out = IF_UNTRUST, .policy_id = 7920,   /* allow-web */
	  .sess_flags = SFW_SESS_F_TRANSIT },
	{ .id = 2, .src = "2001:db8:1::2", .dst = "2001:db8:2::5", .sport = 40002, .dport = 8080,
	  .proto = TCP, .if_in = IF_TRUST, .if_out = IF_UNTRUST2, .policy_id = 7920,
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
	struct uf_spec web = kept[0];

	web.policy_id = old.policies[0].index;   /* opened under old-web */
	cr_assert_not(keeps(&rv, &web));
	rv.old = NULL;
	cr_assert(keeps(&rv, &web), "without the old configuration only the verdict counts");
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

/* POLICY_TEST_CONF with one policy before the rest, `extra`, which
 * POLICY_TEST_CONF does not have (index 1740: conf/policy_ids.c). Numbered
 * by place, `extra` took allow-web's index (which kept[0] carries). */
#define EXTRA_INDEX 1740
#define EXTRA_FIRST_CONF                                                                  \
	"set security policies from-zone trust to-zone untrust policy extra match "       \
	"source-address any destination-address any application junos-http\n"           \
	"set security policies from-zone trust to-zone untrust policy extra then permit\n" \
	POLICY_TEST_CONF

/* A copy of base on its own source port, created in second `s`. */
static struct uf_spec at(const struct uf_spec *base, __u16 sport, __u64 s)
{
	struct uf_spec x = *base;

	x.sport = sport;
	x.created_s = s;
	return x;
}

/* The same, opened under `extra`. */
static struct uf_spec by_extra(const struct uf_spec *base, __u16 sport, __u64 s)
{
	struct uf_spec x = at(base, sport, s);

	x.policy_id = EXTRA_INDEX;
	return x;
}

/* A failed commit's clear of rv (its window) against a candidate that
 * numbers allow-web's index 4 `extra`: every session of keep stays, every
 * one of clear goes, and no other. */
static void check_window(struct sfw_reeval *rv, const struct uf_spec *keep, size_t nkeep,
			 const struct uf_spec *clear, size_t nclear)
{
	struct sfw_conf cand;
	int fd = uf_map(64);

	cr_assert_geq(fd, 0);
	conf_test_parse_ok(&cand, EXTRA_FIRST_CONF);
	cr_assert_str_eq(cand.policies[0].name, "extra");
	cr_assert_eq(cand.policies[0].index, EXTRA_INDEX);
	rv->conf = &conf;
	rv->old = &cand;
	rv->prior = &conf;
	rv->ifname = test_ifname;
	for (size_t i = 0; i < nkeep; i++)
		cr_assert_eq(uf_add(fd, &keep[i]), 0);
	for (size_t i = 0; i < nclear; i++)
		cr_assert_eq(uf_add(fd, &clear[i]), 0);
	cr_assert_eq(sfw_reevaluate(fd, rv), 0);
	for (size_t i = 0; i < nkeep; i++)
		cr_assert(uf_has(fd, &keep[i]), "session of second %llu cleared",
			  (unsigned long long)keep[i].created_s);
	for (size_t i = 0; i < nclear; i++)
		cr_assert_not(uf_has(fd, &clear[i]), "session of second %llu kept",
			      (unsigned long long)clear[i].created_s);
	cr_assert_eq(rv->cleared, nclear);
	sfw_conf_free(&cand);
	close(fd);
}

/* The failed commit's clear in whole seconds (reevaluate.c window_keeps):
 * the apply was in second 1000, the restore in 1003. */
Test(policy_match, reevaluate_window_seconds)
{
	struct sfw_reeval rv = { .since_ns = 1000 * UF_SEC + UF_SEC / 2,
				 .until_ns = 1003 * UF_SEC + UF_SEC / 4 };
	const struct uf_spec keep[] = {
		at(&kept[0], 41000, 1000),     /* the apply's second, before it: allow-web */
		at(&kept[0], 41003, 1003),     /* the restore's second, after it */
		at(&kept[0], 41004, 1004),     /* since the restore */
		at(&cleared[0], 40999, 999),   /* before the apply: not judged */
	};
	const struct uf_spec clear[] = {
		by_extra(&kept[0], 41001, 1001),   /* the candidate's, by `extra`: gone */
		at(&cleared[0], 41100, 1000),  /* the apply's second, refused */
		at(&cleared[0], 41104, 1004),  /* since the restore, refused */
	};

	check_window(&rv, keep, 4, clear, 3);
}

/* Red team 1205 F5: an apply may take seconds (a large configuration to
 * compile, a zone move's walk) before the datapath takes the candidate:
 * the previous configuration's sessions of all of them carry its policy
 * indexes, and are judged by its verdict, not by the candidate's table.
 * Applied from 1000 to 1002, restored at 1005. Red before: the session
 * of 1001, index 4 (`extra` in the candidate, by place then), was
 * cleared. */
Test(policy_match, reevaluate_window_spans_the_whole_apply)
{
	struct sfw_reeval rv = { .since_ns = 1000 * UF_SEC + UF_SEC / 2,
				 .applied_ns = 1002 * UF_SEC + UF_SEC / 4,
				 .until_ns = 1005 * UF_SEC };
	const struct uf_spec keep[] = {
		at(&kept[0], 41001, 1001),     /* during the apply: allow-web's */
		at(&kept[0], 41002, 1002),     /* the second it returned */
	};
	const struct uf_spec clear[] = {
		by_extra(&kept[0], 41003, 1003),   /* the candidate's, by `extra`: gone */
		at(&cleared[0], 41101, 1001),  /* during the apply, refused */
	};

	check_window(&rv, keep, 2, clear, 2);
}

/* Failing closed, the apply's second is judged by what was in force
 * before it; what came later by nothing at all. */
Test(policy_match, reevaluate_window_closed)
{
	struct sfw_conf none;
	struct sfw_reeval rv = { .conf = &none, .old = &conf, .prior = &conf,
				 .ifname = test_ifname, .since_ns = 1000 * UF_SEC };
	const struct uf_spec s[] = {
		at(&kept[0], 41000, 1000), at(&cleared[0], 41100, 1000),
		at(&kept[0], 41001, 1001),
	};
	int fd = uf_map(64);

	cr_assert_geq(fd, 0);
	cr_assert_eq(sfw_conf_init(&none), 0);
	for (size_t i = 0; i < 3; i++)
		cr_assert_eq(uf_add(fd, &s[i]), 0);
	cr_assert_eq(sfw_reevaluate(fd, &rv), 0);
	cr_assert_eq(rv.cleared, 2);
	cr_assert(uf_has(fd, &s[0]), "a permitted session of the apply's second cleared");
	cr_assert_not(uf_has(fd, &s[1]));
	cr_assert_not(uf_has(fd, &s[2]), "a session since the apply kept failing closed");
	sfw_conf_free(&none);
	close(fd);
}

/* The datapath of the failed commits below: the n-th apply after `armed`
 * writes `made` stamped with its second (the apply's own: the session may
 * as well be from just before it) and fails when n >= fail_from (0:
 * never). */
struct window_apply {
	bool armed;
	bool slow;   /* the first apply takes seconds: `made` in its second one */
	int n, fail_from, fd;
	struct uf_spec made[2];
};

static int window_apply(const struct sfw_conf *c, void *ctx)
{
	struct window_apply *w = ctx;
	struct timespec ts;

	if (!w->armed)
		return 0;
	if (w->slow && w->n == 0)
		coarse_next_second();
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	if (++w->n == 1) {
		for (int i = 0; i < 2; i++) {
			w->made[i].created_s = (__u64)ts.tv_sec;
			cr_assert_eq(uf_add(w->fd, &w->made[i]), 0);
		}
	}
	if (w->slow && w->n == 1)
		coarse_next_second();   /* the restore comes a second later */
	if (w->fail_from && w->n >= w->fail_from)
		return sfw_fail(EIO, "refused (test)");
	return 0;
}

static int closed_ok(void)
{
	return 0;
}

static void write_conf(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

/* POLICY_TEST_CONF committed, then a commit of `text` that fails after
 * its apply (the history blocked), through w. Returns what it said on
 * stderr (freed by the caller). */
static char *fail_commit(struct sfw_conf_env *env, struct window_apply *w,
			 const char *text)
{
	struct cap out, err;
	char path[128], *said;

	strcpy(dir, "/tmp/sfw-reeval-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	snprintf(path, sizeof(path), "%s/old.conf", dir);
	write_conf(path, POLICY_TEST_CONF);
	env->out = cap_open(&out);
	env->err = cap_open(&err);
	cr_assert_eq(sfw_conf_commit_run(env, path, false), SFW_EXIT_OK);
	conf_test_block_history(dir);
	snprintf(path, sizeof(path), "%s/new.conf", dir);
	write_conf(path, text);
	w->armed = true;
	cr_assert_eq(sfw_conf_commit_run(env, path, false), SFW_EXIT_FAIL);
	cap_text(&err);
	said = err.buf;
	cap_free(&out);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_assert_eq(system(path), 0);
	unsetenv("SFW_CONF_DIR");
	return said;
}

/* A commit of EXTRA_FIRST_CONF that fails after its apply, which writes a
 * session allow-web permits and one the policy refuses (in its second
 * second when slow): the restore's clear keeps the first, though its
 * index names in the failed candidate a policy the previous one does not
 * have, and ends the second. */
static void fail_commit_window(bool slow)
{
	struct window_apply w = { .made = { kept[0], cleared[0] }, .slow = slow };
	struct sfw_conf_env env = { .apply = window_apply, .apply_ctx = &w,
				    .ifname = test_ifname };
	char *said;

	w.fd = env.sessions_fd = uf_map(64);
	cr_assert_geq(w.fd, 0);
	said = fail_commit(&env, &w, EXTRA_FIRST_CONF);
	cr_assert_eq(w.n, 2, "apply and restore");
	cr_assert(strstr(said, "sfw: 1 sessions the failed commit opened were cleared\n"),
		  "%s", said);
	cr_assert(uf_has(w.fd, &w.made[0]), "a permitted session of the apply cleared");
	cr_assert_not(uf_has(w.fd, &w.made[1]), "a refused session of the apply kept");
	free(said);
	close(w.fd);
}

Test(policy_match, failed_commit_keeps_the_apply_seconds_sessions)
{
	fail_commit_window(false);
}

/* Red team 1205 F5 through the commit: an apply that takes seconds, the
 * previous configuration opening sessions in its second one (before the
 * datapath took the candidate), and the restore a second later. Red
 * before (the apply's end not recorded): the permitted one was judged by
 * the candidate's table and cleared. */
Test(policy_match, failed_commit_keeps_what_a_slow_apply_let_the_old_config_open)
{
	fail_commit_window(true);
}

/* The restore fails too, every new session is refused: the apply's
 * second still keeps what the previous configuration permits, and a
 * session the candidate opened after it is cleared even so. */
Test(policy_match, failed_commit_closed_keeps_the_apply_seconds_sessions)
{
	struct window_apply w = { .made = { kept[0], cleared[0] }, .fail_from = 2 };
	struct sfw_conf_env env = { .apply = window_apply, .apply_ctx = &w,
				    .fail_closed = closed_ok, .ifname = test_ifname };
	struct uf_spec later = at(&kept[1], 41200, 1000000000);
	char *said;

	w.fd = env.sessions_fd = uf_map(64);
	cr_assert_geq(w.fd, 0);
	cr_assert_eq(uf_add(w.fd, &later), 0);
	said = fail_commit(&env, &w, "set security policies default-policy permit-all\n");
	cr_assert(strstr(said, "every new session is refused until a commit succeeds\n"),
		  "%s", said);
	cr_assert(strstr(said, "sfw: 2 sessions the failed commit opened were cleared\n"),
		  "%s", said);
	cr_assert(uf_has(w.fd, &w.made[0]), "a permitted session of the apply's second cleared");
	cr_assert_not(uf_has(w.fd, &w.made[1]), "a refused session of the apply's second kept");
	cr_assert_not(uf_has(w.fd, &later), "a session since the apply kept failing closed");
	free(said);
	close(w.fd);
}
