/* Review 52: an independent review of two changes.
 *
 * 1. rvdaemon F1 (d795fbd): a refused source NAT allocation ends the
 *    first expired holder it met (sfw_nat_note_expired, sfw_nat_reclaim
 *    through sfw_retire) and tries once more. Checked here: exactly one
 *    outcome per packet, the reclaimed session's counts, alias, port,
 *    limit-session count and close log given back exactly once, nothing
 *    leaked by the retry, and a live holder (TCP in SYN_SENT, inside its
 *    timeout) never taken.
 * 2. diffpol F1/F2 (99cbd3a, 881eebf): match-policies from junos-host
 *    answers self traffic; a deny or reject from junos-host is refused,
 *    whatever way it names junos-host, and what is enforced (to-zone
 *    junos-host) or harmless (a permit with count/log) stays accepted. */
#define _GNU_SOURCE
#include <stdio.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "tally.h"
#include "events.h"
#include "match.h"
#include "policy_show.h"
#include "sess_counts.h"

TestSuite(review52_nat, .init = nat_setup, .fini = suite_teardown);
TestSuite(review52_pol, .init = suite_setup, .fini = suite_teardown);

#define R52_POOL "203.0.113.10"

static struct sfw_sess_totals totals(void)
{
	struct sfw_sess_totals t;

	cr_assert_eq(sfw_sess_totals_read(fx_map_fd(false, SFW_STR(SFW_MAP_SESS_STATS)), &t), 0);
	return t;
}

static __u64 closed_sum(const struct sfw_sess_totals *t)
{
	__u64 n = 0;

	for (int i = 0; i < SFW_SESS_CLOSE_SLOTS; i++)
		n += t->closed[i];
	return n;
}

struct r52_evs {
	int create, close;
	struct sfw_session_key close_key;
	__u8 close_reason;
};

static int r52_on_event(void *ctx, void *data, size_t len)
{
	struct r52_evs *ev = ctx;
	const struct sfw_event *e = data;

	if (len != sizeof(*e))
		return 0;
	ev->create += e->type == SFW_EV_CREATE;
	if (e->type == SFW_EV_CLOSE) {
		ev->close++;
		ev->close_key = e->key;
		ev->close_reason = e->reason;
	}
	return 0;
}

static struct r52_evs r52_drain(void)
{
	struct r52_evs ev = { 0 };
	struct ring_buffer *rb =
		ring_buffer__new(fx_map_fd(false, SFW_STR(SFW_MAP_EVENTS)), r52_on_event, &ev, NULL);

	cr_assert_not_null(rb);
	cr_assert_geq(ring_buffer__consume(rb), 0);
	ring_buffer__free(rb);
	return ev;
}

static void log_sessions(void)
{
	struct sfw_config cfg;

	cr_assert_eq(fx_config(&cfg), 0);
	cfg.flags |= SFW_CFG_F_LOG_SESSIONS;
	cr_assert_eq(fx_set_config(&cfg), 0);
}

/* One port, its holder expired: the next client's first packet ends it
 * once (one close counted, one close logged, its alias and reservation
 * gone) and takes the port; one outcome per packet, no Incoming NAT
 * error, the session counters agree with the table. */
Test(review52_nat, reclaim_counts_and_logs_once_and_leaks_nothing)
{
	struct pb_spec s1 = udp(CLIENT_A, SERVER1, 40001, 53);
	struct pb_spec s2 = udp(CLIENT_B, SERVER2, 40002, 53);
	struct sfw_sess_totals t0, t1;
	struct sfw_session_key k1;
	struct r52_evs ev;
	struct pb_pkt in, out;

	commit_pool("set security nat source pool P address " R52_POOL "/32\n"
		    "set security nat source pool P port range 3000 to 3000\n");
	log_sessions();
	cr_assert_eq(run_at(in_if, &s1, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(port_at(&out, 0), 3000);
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_DROP, "the pool is full");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	(void)r52_drain();
	t0 = totals();
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1);
	cr_assert_eq(fx_session_count(), 2, "s1 and its alias");

	cr_assert_eq(fx_age(&s1, 3600), 0);
	nat_age_holders(3600);
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &s2, R52_POOL, 3000, SERVER2, 53);
	ASSERT_NO_SESSION(&s1);
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1, "one reservation, s2's");
	cr_assert_eq(fx_session_count(), 2, "s2 and its alias, s1's alias gone");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1, "no second NAT error");
	cr_assert_eq(outcomes_at(in_if), 3, "one outcome per packet");
	t1 = totals();
	cr_assert_eq(t1.created - t0.created, 1);
	cr_assert_eq(closed_sum(&t1) - closed_sum(&t0), 1, "s1's end counted once");
	cr_assert_eq(t1.total, t0.total, "one ended, one made");
	ev = r52_drain();
	cr_assert_eq(ev.close, 1, "s1's close logged once (%d)", ev.close);
	cr_assert_eq(ev.create, 1);
	/* logged under s1's key (t->ek, which sfw_nat_release's use of the
	 * same scratch must not overwrite), as aged out */
	cr_assert(fx_key(&s1, &k1));
	cr_assert_eq(memcmp(&ev.close_key, &k1, sizeof(k1)), 0, "the close names s1");
	cr_assert_eq(ev.close_reason, SFW_CLOSE_IDLE);
}

/* After a reclaim the port's new holder is live: later first packets
 * meet it, are refused as one Incoming NAT error each, reclaim nothing
 * and leak nothing (no reservation, alias or session of theirs). */
Test(review52_nat, live_holder_after_reclaim_refuses_without_leak)
{
	struct pb_spec s1 = udp(CLIENT_A, SERVER1, 40001, 53);
	struct pb_spec s2 = udp(CLIENT_B, SERVER2, 40002, 53);
	struct pb_spec s3 = udp(CLIENT_B, SERVER2, 40003, 53);
	struct pb_pkt in, out;

	commit_pool("set security nat source pool P address " R52_POOL "/32\n"
		    "set security nat source pool P port range 3000 to 3000\n");
	cr_assert_eq(run_at(in_if, &s1, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_age(&s1, 3600), 0);
	nat_age_holders(3600);
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_REDIRECT);
	nat_age_holders(3600);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(run_at(in_if, &s3, &in, &out), FX_XDP_DROP, "s2 is live");
	ASSERT_NO_SESSION(&s3);
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_REDIRECT, "s2 untouched");
	assert_tuple(&out, &s2, R52_POOL, 3000, SERVER2, 53);
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1);
	cr_assert_eq(fx_session_count(), 2);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 3);
	cr_assert_eq(outcomes_at(in_if), 6, "one outcome per packet");
}

/* TCP: a SYN_SENT holder inside its (short) timeout is live however old
 * its reservation; past it, it is reclaimed. */
Test(review52_nat, tcp_syn_sent_holder_live_until_its_own_timeout)
{
	struct pb_spec s1 = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
			      .sport = 40001, .dport = 80, .tcp_flags = SFW_TCP_SYN, .seq = 1000 };
	struct pb_spec s2 = udp(CLIENT_B, SERVER2, 40002, 53);
	struct pb_spec s3 = { .src = CLIENT_B, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
			      .sport = 40003, .dport = 80, .tcp_flags = SFW_TCP_SYN, .seq = 1000 };
	struct sfw_session s;
	struct pb_pkt in, out;

	commit_pool("set security nat source pool P address " R52_POOL "/32\n"
		    "set security nat source pool P port range 3000 to 3000\n");
	cr_assert_eq(run_at(in_if, &s1, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_session(&s1, &s), 0);
	cr_assert_gt(s.timeout_s, 2);
	/* a UDP flow: another protocol, its own ports (no conflict) */
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_REDIRECT);
	/* idle just inside its timeout */
	cr_assert_eq(fx_age(&s1, (__s64)s.timeout_s - 2), 0);
	nat_age_holders(3600);
	cr_assert_eq(run_at(in_if, &s3, &in, &out), FX_XDP_DROP, "s1 is live");
	cr_assert_eq(fx_session(&s1, &s), 0, "s1 kept");
	cr_assert_eq(fx_age(&s1, 10), 0);
	cr_assert_eq(run_at(in_if, &s3, &in, &out), FX_XDP_REDIRECT, "s1 expired: reclaimed");
	ASSERT_NO_SESSION(&s1);
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 2);
}

/* The reclaimed session's limit-session count goes back with it, and the
 * new client's is taken once. */
Test(review52_nat, reclaim_gives_back_the_limit_count)
{
	struct pb_spec s1 = udp(CLIENT_A, SERVER1, 40001, 53);
	struct pb_spec s2 = udp(CLIENT_B, SERVER2, 40002, 53);
	struct pb_pkt in, out;

	commit(NAT_HEAD_TEXT
	       "set security screen ids-option lim limit-session source-ip-based 5\n"
	       "set security zones security-zone trust screen lim\n"
	       "set security nat source pool P address " R52_POOL "/32\n"
	       "set security nat source pool P port range 3000 to 3000\n"
	       "set security nat source rule-set RS rule R1 match source-address 198.51.100.0/24\n"
	       "set security nat source rule-set RS rule R1 then source-nat pool P\n");
	cr_assert_eq(run_at(in_if, &s1, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(tally(CLIENT_A, SFW_DIR_SRC), 1);
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_DROP);
	cr_assert_eq(tally(CLIENT_B, SFW_DIR_SRC), 0, "a refused session holds nothing");
	cr_assert_eq(fx_age(&s1, 3600), 0);
	nat_age_holders(3600);
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(tally(CLIENT_A, SFW_DIR_SRC), 0, "s1's count back");
	cr_assert_eq(tally(CLIENT_B, SFW_DIR_SRC), 1);
	cr_assert_eq(tally_entries(), 1);
}

/* ---- policies from junos-host -------------------------------------------- */

#define R52_ZONES                                                                              \
	"set security zones security-zone trust interfaces lo\n"                               \
	"set security zones security-zone untrust\n"
#define R52_ANY "match source-address any destination-address any application any"

static int r52_parse(const char *text, char *msg, size_t len)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err;

	cr_assert_eq(sfw_conf_init(&conf), 0);
	err = sfw_conf_parse_buffer(&conf, "t.conf", text, strlen(text), &errs);
	snprintf(msg, len, "%s", errs.n ? errs.msg[0] : "");
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	return err;
}

static const char *const r52_refused[] = {
	/* a global policy naming junos-host beside another zone */
	R52_ZONES
	"set security policies global policy g " R52_ANY " from-zone trust\n"
	"set security policies global policy g match from-zone junos-host\n"
	"set security policies global policy g then deny\n",
	/* junos-host last of three */
	R52_ZONES
	"set security policies global policy g " R52_ANY " from-zone trust\n"
	"set security policies global policy g match from-zone untrust\n"
	"set security policies global policy g match from-zone junos-host\n"
	"set security policies global policy g match to-zone untrust\n"
	"set security policies global policy g then reject\n",
	/* by address and application sets */
	R52_ZONES
	"set security address-book global address a 192.0.2.0/24\n"
	"set security address-book global address-set as address a\n"
	"set applications application-set ss application junos-dns-udp\n"
	"set security policies from-zone junos-host to-zone untrust policy p match "
	"source-address as destination-address any application ss\n"
	"set security policies from-zone junos-host to-zone untrust policy p then reject\n",
	/* zone-less: only junos-host named */
	"set security policies global policy g " R52_ANY " from-zone junos-host\n"
	"set security policies global policy g then deny\n",
	/* a deny with count and log */
	R52_ZONES
	"set security policies from-zone junos-host to-zone trust policy p " R52_ANY "\n"
	"set security policies from-zone junos-host to-zone trust policy p then deny\n"
	"set security policies from-zone junos-host to-zone trust policy p then log session-init\n"
	"set security policies from-zone junos-host to-zone trust policy p then count\n",
};

Test(review52_pol, deny_from_junos_host_refused_every_way)
{
	char msg[512];

	for (size_t i = 0; i < sizeof(r52_refused) / sizeof(r52_refused[0]); i++) {
		cr_expect_neq(r52_parse(r52_refused[i], msg, sizeof(msg)), 0,
			      "config %zu accepted", i);
		cr_expect(strstr(msg, "junos-host"), "config %zu: %s", i, msg);
	}
}

static const char *const r52_accepted[] = {
	/* to junos-host: enforced by XDP */
	R52_ZONES
	"set security policies from-zone untrust to-zone junos-host policy p " R52_ANY "\n"
	"set security policies from-zone untrust to-zone junos-host policy p then deny\n",
	R52_ZONES
	"set security policies global policy g " R52_ANY " to-zone junos-host\n"
	"set security policies global policy g then reject\n",
	/* any is no zone */
	R52_ZONES
	"set security policies global policy g " R52_ANY " from-zone any\n"
	"set security policies global policy g then deny\n",
	/* no zone list */
	R52_ZONES
	"set security policies global policy g " R52_ANY "\n"
	"set security policies global policy g then deny\n",
	/* a permit from junos-host with count and log */
	R52_ZONES
	"set security policies from-zone junos-host to-zone trust policy p " R52_ANY "\n"
	"set security policies from-zone junos-host to-zone trust policy p then permit\n"
	"set security policies from-zone junos-host to-zone trust policy p then log session-init\n"
	"set security policies from-zone junos-host to-zone trust policy p then count\n",
};

Test(review52_pol, enforced_or_harmless_stay_accepted)
{
	char msg[512];

	for (size_t i = 0; i < sizeof(r52_accepted) / sizeof(r52_accepted[0]); i++)
		cr_expect_eq(r52_parse(r52_accepted[i], msg, sizeof(msg)), 0, "config %zu: %s", i,
			     msg);
}

/* Text and JSON say the same of a flow from junos-host, deny-all default
 * and a deny to junos-host beside it. */
Test(review52_pol, match_from_junos_host_text_and_json_agree)
{
	static const char *const text = R52_ZONES
		"set security policies from-zone untrust to-zone junos-host policy p " R52_ANY "\n"
		"set security policies from-zone untrust to-zone junos-host policy p then deny\n"
		"set security policies default-policy deny-all\n";
	struct sfw_conf_errors errs = { 0 };
	struct sfw_match_pkt pkt = { .family = SFW_FAMILY_INET, .proto = SFW_IPPROTO_TCP,
				     .sport = 40000, .dport = 22 };
	struct sfw_match_result res;
	struct sfw_conf conf;
	char *tbuf = NULL, *jbuf = NULL;
	size_t tlen = 0, jlen = 0;
	FILE *f;

	inet_pton(AF_INET, "192.0.2.1", &pkt.src);
	inet_pton(AF_INET, "198.51.100.9", &pkt.dst);
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_parse_buffer(&conf, "t.conf", text, strlen(text), &errs), 0);
	sfw_conf_errors_free(&errs);
	sfw_policy_match(&conf, SFW_ZONE_HOST, SFW_ZONE_NONE, &pkt, &res);
	cr_assert_eq(res.action, SFW_CONF_ACTION_PERMIT);
	cr_assert_null(res.policy);
	sfw_policy_match(&conf, SFW_ZONE_HOST, 2, &pkt, &res);
	cr_assert_eq(res.action, SFW_CONF_ACTION_PERMIT);
	f = open_memstream(&tbuf, &tlen);
	sfw_show_match_text(&conf, &res, f);
	fclose(f);
	f = open_memstream(&jbuf, &jlen);
	sfw_show_match_json(&conf, "junos-host", "untrust", &res, f);
	fclose(f);
	cr_expect(strstr(tbuf, "self-traffic-policy") && strstr(tbuf, "permit"), "%s", tbuf);
	cr_expect(strstr(jbuf, "\"self-traffic\""), "%s", jbuf);
	cr_expect(strstr(jbuf, "\"self-traffic-policy\"") && strstr(jbuf, "\"permit\""), "%s",
		  jbuf);
	/* the deny to junos-host is still the matcher's answer that way */
	sfw_policy_match(&conf, 2, SFW_ZONE_HOST, &pkt, &res);
	cr_expect_eq(res.action, SFW_CONF_ACTION_DENY);
	free(tbuf);
	free(jbuf);
	sfw_conf_free(&conf);
}
