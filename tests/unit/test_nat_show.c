/* show security nat source rule R|all and summary: exact Junos layouts
 * (docs/junos-layouts.md: colons at column 29, Action's block at 32,
 * ranges as the low address in 16 columns), text and JSON, from a model
 * parsed from a string and counters filled by hand. */
#include <errno.h>
#include "nat_show.h"
#include "policy_test_conf.h"
#include "test_conf.h"
#include "err.h"

/* Two source rule-sets (RS2's rule configured between RS's two, so ids
 * and positions differ) and a destination rule, which no source show
 * lists. */
#define NAT_TEST_CONF \
	"set security zones security-zone trust interfaces veth0\n" \
	"set security zones security-zone untrust interfaces veth1\n" \
	"set security zones security-zone dmz interfaces veth2\n" \
	"set security nat source rule-set RS from zone trust\n" \
	"set security nat source rule-set RS to zone untrust\n" \
	"set security nat source rule-set RS2 from zone dmz\n" \
	"set security nat source rule-set RS2 to zone untrust\n" \
	"set security nat source rule-set RS rule keep match source-address 198.51.100.7/32\n" \
	"set security nat source rule-set RS rule keep then source-nat off\n" \
	"set security nat source rule-set RS2 rule dmz-out match source-address 192.0.2.128/25\n" \
	"set security nat source rule-set RS2 rule dmz-out match destination-port 443\n" \
	"set security nat source rule-set RS2 rule dmz-out then source-nat interface\n" \
	"set security nat source rule-set RS rule masq match source-address 198.51.100.0/24\n" \
	"set security nat source rule-set RS rule masq match destination-address 203.0.113.0/24\n" \
	"set security nat source rule-set RS rule masq match destination-address 192.0.2.0/25\n" \
	"set security nat source rule-set RS rule masq then source-nat interface\n" \
	"set security nat destination pool D address 192.0.2.10/32\n" \
	"set security nat destination rule-set DR from zone untrust\n" \
	"set security nat destination rule-set DR rule web match destination-address 203.0.113.1/32\n" \
	"set security nat destination rule-set DR rule web then destination-nat pool D\n"

static struct sfw_conf conf;
static struct sfw_nat_rules rules;
static struct cap out;

static void setup(void)
{
	conf_test_parse_ok(&conf, NAT_TEST_CONF);
	cap_open(&out);
}

static void teardown(void)
{
	cap_free(&out);
	sfw_nat_rules_free(&rules);
	sfw_conf_free(&conf);
}

TestSuite(nat_show, .init = setup, .fini = teardown);

/* Counters as the command reads them: id-based, so each rule differs. */
static void build(const char *name)
{
	cr_assert_eq(sfw_nat_rules_build(&conf, name, &rules), 0, "%s", sfw_last_error());
	for (int k = 0; k < rules.n; k++) {
		rules.v[k].st.n[SFW_NAT_RC_HITS] = rules.v[k].id * 10 + 3;
		rules.v[k].st.n[SFW_NAT_RC_SUCCESS] = rules.v[k].id * 10 + 1;
		rules.v[k].sessions = rules.v[k].id;
	}
}

static const char *const keep_text =
	"source NAT rule: keep\n"
	"  Rule set                   : RS\n"
	"  Rule Id                    : 1\n"
	"  Rule position              : 1\n"
	"  From zone                  : trust\n"
	"  To zone                    : untrust\n"
	"  Match\n"
	"    Source addresses         : 198.51.100.7    - 198.51.100.7\n"
	"    Destination addresses    : 0.0.0.0         - 255.255.255.255\n"
	"  Action                        : off\n"
	"  Translation hits           : 13\n"
	"    Successful sessions      : 11\n"
	"  Number of sessions         : 1\n";

static const char *const masq_text =
	"source NAT rule: masq\n"
	"  Rule set                   : RS\n"
	"  Rule Id                    : 3\n"
	"  Rule position              : 2\n"
	"  From zone                  : trust\n"
	"  To zone                    : untrust\n"
	"  Match\n"
	"    Source addresses         : 198.51.100.0    - 198.51.100.255\n"
	"    Destination addresses    : 203.0.113.0     - 203.0.113.255\n"
	"                             : 192.0.2.0       - 192.0.2.127\n"
	"  Action                        : interface\n"
	"    Persistent NAT type         : N/A\n"
	"    Persistent NAT mapping type : address-port-mapping\n"
	"    Inactivity timeout          : 0\n"
	"    Max session number          : 0\n"
	"    Persistent NAT block session: disabled\n"
	"  Translation hits           : 33\n"
	"    Successful sessions      : 31\n"
	"  Number of sessions         : 3\n";

static const char *const dmz_text =
	"source NAT rule: dmz-out\n"
	"  Rule set                   : RS2\n"
	"  Rule Id                    : 2\n"
	"  Rule position              : 3\n"
	"  From zone                  : dmz\n"
	"  To zone                    : untrust\n"
	"  Match\n"
	"    Source addresses         : 192.0.2.128     - 192.0.2.255\n"
	"    Destination addresses    : 0.0.0.0         - 255.255.255.255\n"
	"    Destination port         : 443             - 443\n"
	"  Action                        : interface\n"
	"    Persistent NAT type         : N/A\n"
	"    Persistent NAT mapping type : address-port-mapping\n"
	"    Inactivity timeout          : 0\n"
	"    Max session number          : 0\n"
	"    Persistent NAT block session: disabled\n"
	"  Translation hits           : 23\n"
	"    Successful sessions      : 21\n"
	"  Number of sessions         : 2\n";

/* rule all: the totals, then every source rule in evaluation order (RS's
 * two, then RS2's), ids in configuration order; no destination rule. */
Test(nat_show, rule_all_layout)
{
	char want[4096];

	build(NULL);
	sfw_show_nat_rules_text(&rules, true, out.f);
	snprintf(want, sizeof(want), "Total rules: 3\n"
		 "Total referenced IPv4/IPv6 ip-prefixes: 5/0\n%s%s%s",
		 keep_text, masq_text, dmz_text);
	cr_assert_str_eq(cap_text(&out), want);
}

/* rule R: that rule alone, without the totals. */
Test(nat_show, one_rule_layout)
{
	build("masq");
	cr_assert_eq(rules.n, 1);
	sfw_show_nat_rules_text(&rules, false, out.f);
	cr_assert_str_eq(cap_text(&out), masq_text);
}

/* A name no source rule has (a destination rule's is none) is an error
 * naming it. */
Test(nat_show, unknown_rule_is_an_error)
{
	cr_assert_eq(sfw_nat_rules_build(&conf, "nosuch", &rules), -ENOENT);
	cr_assert_str_eq(sfw_last_error(), "source NAT rule nosuch is not configured");
	cr_assert_eq(sfw_nat_rules_build(&conf, "web", &rules), -ENOENT);
}

/* The grid, checked line by line: every label's colon at 29, Action's
 * block at 32, as the reference device prints them. */
Test(nat_show, label_columns)
{
	const char *t, *line;
	bool in_action = false;

	build(NULL);
	sfw_show_nat_rules_text(&rules, true, out.f);
	t = cap_text(&out);
	for (line = t; *line; line = strchr(line, '\n') + 1) {
		const char *colon = strchr(line, ':');
		const char *nl = strchr(line, '\n');

		if (!strncmp(line, "  Action", 8))
			in_action = true;
		else if (!strncmp(line, "  ", 2) && line[2] != ' ')
			in_action = false;
		if (!colon || colon > nl || line[0] != ' ')
			continue;
		cr_assert_eq(colon - line, in_action ? 32 : 29, "%.*s", (int)(nl - line), line);
	}
}

Test(nat_show, summary_layout)
{
	build(NULL);
	sfw_show_nat_summary_text(&rules, &(struct sfw_nat_pools){ 0 }, out.f);
	cr_assert_str_eq(cap_text(&out),
		"Total port number usage for port translation pool: 0\n"
		"Maximum port number for port translation pool: 1048576\n"
		"Total pools: 0\n"
		"Pool                 Address                  Routing              PAT  Total\n"
		"Name                 Range                    Instance                  Address\n"
		"\n"
		"Total rules: 3\n"
		"Rule name : keep\n"
		"    Rule set  : RS\n"
		"    Action    : off\n"
		"    From      : trust                 To : untrust\n"
		"Rule name : masq\n"
		"    Rule set  : RS\n"
		"    Action    : interface\n"
		"    From      : trust                 To : untrust\n"
		"Rule name : dmz-out\n"
		"    Rule set  : RS2\n"
		"    Action    : interface\n"
		"    From      : dmz                   To : untrust\n");
}

/* The pool table's columns start at 0, 21, 46, 67, 72; `To : ` at 38. */
Test(nat_show, summary_columns)
{
	const char *t, *p;

	build("keep");
	sfw_show_nat_summary_text(&rules, &(struct sfw_nat_pools){ 0 }, out.f);
	t = cap_text(&out);
	p = strstr(t, "Pool ");
	cr_assert(p);
	cr_assert_eq(strstr(p, "Address") - p, 21);
	cr_assert_eq(strstr(p, "Routing") - p, 46);
	cr_assert_eq(strstr(p, "PAT") - p, 67);
	cr_assert_eq(strstr(p, "Total") - p, 72);
	p = strstr(t, "    From ");
	cr_assert(p);
	cr_assert_eq(strstr(p, "To : ") - p, 38);
}

Test(nat_show, rule_json)
{
	build("dmz-out");
	sfw_show_nat_rules_json(&rules, false, out.f);
	cr_assert_str_eq(cap_text(&out),
		"{\n"
		"  \"source-nat-rule-detail-information\": {\n"
		"    \"source-nat-rule-entry\": [\n"
		"      {\n"
		"        \"rule-name\": \"dmz-out\",\n"
		"        \"rule-set-name\": \"RS2\",\n"
		"        \"rule-id\": 2,\n"
		"        \"rule-matching-position\": 3,\n"
		"        \"rule-from-context\": \"zone\",\n"
		"        \"rule-from-context-name\": \"dmz\",\n"
		"        \"rule-to-context\": \"zone\",\n"
		"        \"rule-to-context-name\": \"untrust\",\n"
		"        \"source-address-range-entry\": [\n"
		"          {\n"
		"            \"rule-source-address-low-range\": \"192.0.2.128\",\n"
		"            \"rule-source-address-high-range\": \"192.0.2.255\"\n"
		"          }\n"
		"        ],\n"
		"        \"destination-address-range-entry\": [\n"
		"          {\n"
		"            \"rule-destination-address-low-range\": \"0.0.0.0\",\n"
		"            \"rule-destination-address-high-range\": \"255.255.255.255\"\n"
		"          }\n"
		"        ],\n"
		"        \"rule-destination-port-low\": 443,\n"
		"        \"rule-destination-port-high\": 443,\n"
		"        \"source-nat-rule-action-entry\": {\n"
		"          \"source-nat-rule-action\": \"interface\",\n"
		"          \"persistent-nat-type\": \"N/A\",\n"
		"          \"persistent-nat-mapping-type\": \"address-port-mapping\",\n"
		"          \"persistent-nat-timeout\": 0,\n"
		"          \"persistent-nat-max-session\": 0,\n"
		"          \"persistent-nat-block-session\": \"disabled\"\n"
		"        },\n"
		"        \"source-nat-rule-hits-entry\": {\n"
		"          \"rule-translation-hits\": 23,\n"
		"          \"succ-hits\": 21,\n"
		"          \"concurrent-hits\": 2\n"
		"        }\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
}

Test(nat_show, rule_all_json_totals_and_summary_json)
{
	const char *t;

	build(NULL);
	sfw_show_nat_rules_json(&rules, true, out.f);
	t = cap_text(&out);
	cr_assert(strstr(t, "    \"total-rules\": 3,\n"
			    "    \"total-referenced-ipv4-prefixes\": 5,\n"
			    "    \"total-referenced-ipv6-prefixes\": 0,\n"), "%s", t);
	cap_free(&out);
	cap_open(&out);
	sfw_show_nat_summary_json(&rules, &(struct sfw_nat_pools){ 0 }, out.f);
	cr_assert_str_eq(cap_text(&out),
		"{\n"
		"  \"source-nat-summary-information\": {\n"
		"    \"total-port-usage\": 0,\n"
		"    \"maximum-port-number\": 1048576,\n"
		"    \"total-pools\": 0,\n"
		"    \"source-nat-pool-summary\": [],\n"
		"    \"total-rules\": 3,\n"
		"    \"source-nat-rule-summary\": [\n"
		"      {\n"
		"        \"rule-name\": \"keep\",\n"
		"        \"rule-set-name\": \"RS\",\n"
		"        \"rule-action\": \"off\",\n"
		"        \"rule-from-context-name\": \"trust\",\n"
		"        \"rule-to-context-name\": \"untrust\"\n"
		"      },\n"
		"      {\n"
		"        \"rule-name\": \"masq\",\n"
		"        \"rule-set-name\": \"RS\",\n"
		"        \"rule-action\": \"interface\",\n"
		"        \"rule-from-context-name\": \"trust\",\n"
		"        \"rule-to-context-name\": \"untrust\"\n"
		"      },\n"
		"      {\n"
		"        \"rule-name\": \"dmz-out\",\n"
		"        \"rule-set-name\": \"RS2\",\n"
		"        \"rule-action\": \"interface\",\n"
		"        \"rule-from-context-name\": \"dmz\",\n"
		"        \"rule-to-context-name\": \"untrust\"\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
}

/* ---- review (natrv): tests that fail on natshow2 ---- */

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include "ct_codec.h"
#include "nfct_lib.h"
#include "protocols.h"

/* RV-4: an `off` rule's session names its rule (Number of sessions is
 * counted from it) and, being no NAT session, is mirrored to the cluster
 * peer (ha/mirror.c skips only SFW_SESS_F_NAT ones); the encoding
 * (ha/ct_codec.h) does not carry sfw_sess_nat.rule_id, so on the peer,
 * after a failover, the rule's Number of sessions misses every session
 * it holds. Encoded, through a ctnetlink message, and decoded: the rule
 * must come back. */
/* disabled while RV-4 is open (docs/nat.md "Operational commands"): it
 * fails until then */
Test(nat_show, rv_ha_mirror_keeps_an_off_sessions_rule, .disabled = true)
{
	_Alignas(struct nlmsghdr) char buf[8192] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct sfw_ha_session in = { 0 }, back = { 0 };
	struct nf_conntrack *ct, *parsed;
	struct nfgenmsg *nfg;

	cr_assert_eq(ha_nfct_load(), 0, "%s", sfw_last_error());
	ct = nfct_new();
	parsed = nfct_new();
	cr_assert(ct && parsed);
	cr_assert_eq(inet_pton(AF_INET, "198.51.100.7", &in.key.addr_lo), 1);
	cr_assert_eq(inet_pton(AF_INET, "203.0.113.2", &in.key.addr_hi), 1);
	in.key.port_lo = htons(40000);
	in.key.port_hi = htons(53);
	in.key.proto = SFW_IPPROTO_UDP;
	in.key.family = SFW_FAMILY_INET;
	in.sess.id = 77;
	in.sess.policy_id = 5;
	in.sess.timeout_s = 60;
	in.sess.flags = SFW_SESS_F_TRANSIT | SFW_SESS_F_OPENER_LO;
	in.sess.nat.rule_id = 1;   /* rule keep (source-nat off) made it */
	in.zone[0] = 1;
	in.zone[1] = 2;
	cr_assert_eq(sfw_ha_encode(&in, 4242, ct), 0, "%s", sfw_last_error());
	nlh->nlmsg_len = NLMSG_HDRLEN;
	nfg = (struct nfgenmsg *)(buf + nlh->nlmsg_len);
	nfg->nfgen_family = AF_INET;
	nlh->nlmsg_len += NLMSG_ALIGN(sizeof(*nfg));
	cr_assert_eq(nfct_nlmsg_build(nlh, ct), 0);
	cr_assert_eq(nfct_nlmsg_parse(nlh, parsed), 0);
	cr_assert_eq(sfw_ha_decode(parsed, &back), 0, "%s", sfw_last_error());
	cr_assert_eq(back.sess.id, 77, "the round trip itself works");
	cr_expect_eq(back.sess.nat.rule_id, 1, "the peer's copy names no rule (%u)",
		     back.sess.nat.rule_id);
	nfct_destroy(ct);
	nfct_destroy(parsed);
}

/* RV-5: `summary` pads the from-zone to 22 columns with no space after
 * it (format_nat.c "%-22sTo : "), so a from-zone of 22 characters or more
 * (names take 63) runs into `To`: "From      : <zone>To : untrust".
 * docs/junos-layouts.md: a field that overflows pushes the next one,
 * which still stands one space apart (the hit-count rule). */
Test(nat_show, rv_summary_long_from_zone_keeps_to_apart)
{
	static const char zone[] = "branch-office-lan-zone-7";   /* 24 characters */
	const char *t;

	sfw_conf_free(&conf);
	conf_test_parse_ok(&conf,
		"set security zones security-zone branch-office-lan-zone-7 interfaces veth0\n"
		"set security zones security-zone untrust interfaces veth1\n"
		"set security nat source rule-set RS from zone branch-office-lan-zone-7\n"
		"set security nat source rule-set RS to zone untrust\n"
		"set security nat source rule-set RS rule r1 match source-address 198.51.100.0/24\n"
		"set security nat source rule-set RS rule r1 then source-nat interface\n");
	cr_assert_eq(sfw_nat_rules_build(&conf, NULL, &rules), 0, "%s", sfw_last_error());
	sfw_show_nat_summary_text(&rules, &(struct sfw_nat_pools){ 0 }, out.f);
	t = cap_text(&out);
	cr_expect(strstr(t, "    From      : branch-office-lan-zone-7 To : untrust\n"),
		  "from-zone %s and To run together:\n%s", zone, t);
}

/* RV-6 (from the base, conf/parse_nat.c set_zone; met through the
 * show): `from zone trust` then `from zone dmz` in one source rule-set,
 * which on Junos gives the rule-set both zones (the show prints the
 * second as a continuation line, docs/junos-layouts.md), is taken by sfw
 * with the second replacing the first: the commit succeeds, trust's
 * traffic silently leaves the rule-set (sent untranslated), and the show
 * prints From zone: dmz alone. Either refused, or both zones shown. */
Test(nat_show, rv_rule_set_with_two_from_zones_is_refused_or_shows_both)
{
	struct sfw_conf_errors errs;
	const char *t;
	int err;

	sfw_conf_free(&conf);
	err = conf_test_parse(&conf, &errs,
		"set security zones security-zone trust interfaces veth0\n"
		"set security zones security-zone dmz interfaces veth2\n"
		"set security zones security-zone untrust interfaces veth1\n"
		"set security nat source rule-set RS from zone trust\n"
		"set security nat source rule-set RS from zone dmz\n"
		"set security nat source rule-set RS to zone untrust\n"
		"set security nat source rule-set RS rule r1 match source-address 198.51.100.0/24\n"
		"set security nat source rule-set RS rule r1 then source-nat interface\n");
	sfw_conf_errors_free(&errs);
	if (err)
		return;   /* refused: fine */
	cr_assert_eq(sfw_nat_rules_build(&conf, NULL, &rules), 0, "%s", sfw_last_error());
	sfw_show_nat_rules_text(&rules, false, out.f);
	t = cap_text(&out);
	cr_expect(strstr(t, "  From zone                  : trust\n"
			    "                             : dmz\n") ||
		  strstr(t, "  From zone                  : dmz\n"
			    "                             : trust\n"),
		  "committed, but the rule-set has one from-zone left:\n%s", t);
}

/* show security nat source pool (docs/nat.md "Source pools"): Junos's
 * documented fields on the rule show's grid, the address table with
 * Single and Twin Ports; Total pools for `all`; the summary's pool table
 * filled; JSON with the same values. */
#define POOL_CONF NAT_TEST_CONF \
	"set security nat source pool P address 203.0.113.10/32 to 203.0.113.13/32\n" \
	"set security nat source pool P port range 2000 to 2999\n" \
	"set security nat source pool Q address 198.51.100.64/30\n" \
	"set security nat source pool Q port no-translation\n"

static void pools_of(struct sfw_conf *c, const char *name, struct sfw_nat_pools *p)
{
	conf_test_parse_ok(c, POOL_CONF);
	cr_assert_eq(sfw_nat_pools_build(c, name, p), 0, "%s", sfw_last_error());
	for (int k = 0; k < p->n; k++) {
		p->v[k].st.n[SFW_NAT_PC_HITS] = 7 + k;
		p->v[k].ports = 2 * k + 2;
	}
}

Test(nat_show, pool_layout)
{
	struct sfw_nat_pools p;
	struct sfw_conf c;

	pools_of(&c, NULL, &p);
	sfw_show_nat_pools_text(&p, true, out.f);
	cr_assert_str_eq(cap_text(&out),
		"Total pools: 2\n"
		"Pool name                    : P\n"
		"Pool id                      : 1\n"
		"Routing instance             : default\n"
		"Host address base            : 0.0.0.0\n"
		"Port                         : [2000, 2999]\n"
		"Port overloading             : 1\n"
		"Total addresses              : 4\n"
		"Translation hits             : 7\n"
		"Address range                            Single Ports   Twin Ports\n"
		"    203.0.113.10 - 203.0.113.13                     2            0\n"
		"\n"
		"Pool name                    : Q\n"
		"Pool id                      : 2\n"
		"Routing instance             : default\n"
		"Host address base            : 0.0.0.0\n"
		"Port                         : no translation\n"
		"Port overloading             : 1\n"
		"Total addresses              : 4\n"
		"Translation hits             : 8\n"
		"Address range                            Single Ports   Twin Ports\n"
		"    198.51.100.64 - 198.51.100.67                   4            0\n");
	sfw_nat_pools_free(&p);
	sfw_conf_free(&c);
}

Test(nat_show, pool_by_name_and_unknown)
{
	struct sfw_nat_pools p;
	struct sfw_conf c;

	pools_of(&c, "Q", &p);
	cr_assert_eq(p.n, 1);
	cr_assert_eq(p.v[0].id, 2, "ids are the compiler's, not the show's");
	sfw_nat_pools_free(&p);
	cr_assert_eq(sfw_nat_pools_build(&c, "R", &p), -ENOENT);
	cr_assert_str_eq(sfw_last_error(), "source NAT pool R is not configured");
	sfw_nat_pools_free(&p);
	sfw_conf_free(&c);
}

Test(nat_show, pool_json_and_summary_pool_table)
{
	struct sfw_nat_pools p;
	struct sfw_conf c;

	pools_of(&c, "P", &p);
	sfw_show_nat_pools_json(&p, false, out.f);
	cr_assert_str_eq(cap_text(&out),
		"{\n"
		"  \"source-nat-pool-detail-information\": {\n"
		"    \"source-nat-pool-info-entry\": [\n"
		"      {\n"
		"        \"pool-name\": \"P\",\n"
		"        \"pool-id\": 1,\n"
		"        \"routing-instance-name\": \"default\",\n"
		"        \"host-address-base\": \"0.0.0.0\",\n"
		"        \"source-pool-port-translation\": \"[2000, 2999]\",\n"
		"        \"port-overloading-factor\": 1,\n"
		"        \"total-pool-address\": 4,\n"
		"        \"source-pool-translation-hits\": 7,\n"
		"        \"source-pool-address-range\": [\n"
		"          {\n"
		"            \"address-range-low\": \"203.0.113.10\",\n"
		"            \"address-range-high\": \"203.0.113.13\",\n"
		"            \"single-port\": 2,\n"
		"            \"twin-port\": 0\n"
		"          }\n"
		"        ]\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
	sfw_nat_pools_free(&p);
	cap_free(&out);
	cap_open(&out);
	cr_assert_eq(sfw_nat_pools_build(&c, NULL, &p), 0);
	build("keep");
	sfw_show_nat_summary_text(&rules, &p, out.f);
	cr_assert(strstr(cap_text(&out),
		"Total port number usage for port translation pool: 4000\n"
		"Maximum port number for port translation pool: "), "%s", cap_text(&out));
	cr_assert(strstr(cap_text(&out),
		"Total pools: 2\n"
		"Pool                 Address                  Routing              PAT  Total\n"
		"Name                 Range                    Instance                  Address\n"
		"P                    203.0.113.10-203.0.113.13 default              yes  4\n"
		"Q                    198.51.100.64-198.51.100.67 default              no   4\n"
		"\n"
		"Total rules: 1\n"), "%s", cap_text(&out));
	sfw_nat_pools_free(&p);
	sfw_conf_free(&c);
}
