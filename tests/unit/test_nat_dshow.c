/* show security nat destination rule R|all, pool P|all and summary:
 * exact layouts (docs/nat.md "Operational commands": the source shows'
 * grid, colons at column 29; no To zone and no Match header, as Junos
 * prints a destination rule), text and JSON, from a model parsed from a
 * string and counters filled by hand. */
#include <errno.h>
#include "nat_show.h"
#include "policy_test_conf.h"
#include "test_conf.h"
#include "err.h"

/* Two destination rule-sets (DR2's rule configured between DR's two, so
 * ids and positions differ), two pools (E without a port) and a source
 * rule, which no destination show lists. */
#define DNAT_CONF \
	"set security zones security-zone trust interfaces veth0\n" \
	"set security zones security-zone untrust interfaces veth1\n" \
	"set security zones security-zone dmz interfaces veth2\n" \
	"set security nat source rule-set RS from zone trust\n" \
	"set security nat source rule-set RS to zone untrust\n" \
	"set security nat source rule-set RS rule masq match source-address 198.51.100.0/24\n" \
	"set security nat source rule-set RS rule masq then source-nat interface\n" \
	"set security nat destination pool D address 192.0.2.10/32 port 80\n" \
	"set security nat destination pool E address 192.0.2.11/32\n" \
	"set security nat destination rule-set DR from zone untrust\n" \
	"set security nat destination rule-set DR2 from zone dmz\n" \
	"set security nat destination rule-set DR rule off1 match destination-address 203.0.113.1/32\n" \
	"set security nat destination rule-set DR rule off1 match destination-port 25\n" \
	"set security nat destination rule-set DR rule off1 match protocol tcp\n" \
	"set security nat destination rule-set DR rule off1 then destination-nat off\n" \
	"set security nat destination rule-set DR2 rule any2 match source-address 192.0.2.128/25\n" \
	"set security nat destination rule-set DR2 rule any2 match destination-address 198.51.100.5/32\n" \
	"set security nat destination rule-set DR2 rule any2 then destination-nat pool E\n" \
	"set security nat destination rule-set DR rule web match destination-address 203.0.113.1/32\n" \
	"set security nat destination rule-set DR rule web match destination-port 8080\n" \
	"set security nat destination rule-set DR rule web match protocol tcp\n" \
	"set security nat destination rule-set DR rule web then destination-nat pool D\n"

static struct sfw_conf conf;
static struct sfw_nat_rules rules;
static struct sfw_nat_dpools pools;
static struct cap out;

static void setup(void)
{
	conf_test_parse_ok(&conf, DNAT_CONF);
	cap_open(&out);
}

static void teardown(void)
{
	cap_free(&out);
	sfw_nat_rules_free(&rules);
	sfw_nat_dpools_free(&pools);
	sfw_conf_free(&conf);
}

TestSuite(nat_dshow, .init = setup, .fini = teardown);

/* Counters as the command reads them: id-based, so each rule differs. */
static void build(const char *name)
{
	cr_assert_eq(sfw_nat_drules_build(&conf, name, &rules), 0, "%s", sfw_last_error());
	for (int k = 0; k < rules.n; k++) {
		rules.v[k].st.n[SFW_NAT_RC_HITS] = rules.v[k].id * 10 + 3;
		rules.v[k].st.n[SFW_NAT_RC_SUCCESS] = rules.v[k].id * 10 + 1;
		rules.v[k].sessions = rules.v[k].id;
	}
}

static void build_pools(const char *name)
{
	cr_assert_eq(sfw_nat_dpools_build(&conf, name, &pools), 0, "%s", sfw_last_error());
	for (int k = 0; k < pools.n; k++)
		pools.v[k].st.n[SFW_NAT_DPC_HITS] = 7 + (__u64)k;
}

static const char *const off1_text =
	"Destination NAT rule: off1\n"
	"  Rule set                   : DR\n"
	"  Rule Id                    : 1\n"
	"  Rule position              : 1\n"
	"  From zone                  : untrust\n"
	"    Destination addresses    : 203.0.113.1     - 203.0.113.1\n"
	"    Destination port         : 25              - 25\n"
	"    IP protocol              : tcp\n"
	"  Action                     : off\n"
	"  Translation hits           : 13\n"
	"    Successful sessions      : 11\n"
	"  Number of sessions         : 1\n";

static const char *const web_text =
	"Destination NAT rule: web\n"
	"  Rule set                   : DR\n"
	"  Rule Id                    : 3\n"
	"  Rule position              : 2\n"
	"  From zone                  : untrust\n"
	"    Destination addresses    : 203.0.113.1     - 203.0.113.1\n"
	"    Destination port         : 8080            - 8080\n"
	"    IP protocol              : tcp\n"
	"  Action                     : D\n"
	"  Translation hits           : 33\n"
	"    Successful sessions      : 31\n"
	"  Number of sessions         : 3\n";

static const char *const any2_text =
	"Destination NAT rule: any2\n"
	"  Rule set                   : DR2\n"
	"  Rule Id                    : 2\n"
	"  Rule position              : 3\n"
	"  From zone                  : dmz\n"
	"    Source addresses         : 192.0.2.128     - 192.0.2.255\n"
	"    Destination addresses    : 198.51.100.5    - 198.51.100.5\n"
	"  Action                     : E\n"
	"  Translation hits           : 23\n"
	"    Successful sessions      : 21\n"
	"  Number of sessions         : 2\n";

static const char *const pools_text =
	"Total destination-nat pools: 2\n"
	"Pool name                    : D\n"
	"Pool id                      : 1\n"
	"Routing instance             : default\n"
	"Total addresses              : 1\n"
	"Translation hits             : 7\n"
	"Address range                            Port\n"
	"    192.0.2.10 - 192.0.2.10              80\n"
	"\n"
	"Pool name                    : E\n"
	"Pool id                      : 2\n"
	"Routing instance             : default\n"
	"Total addresses              : 1\n"
	"Translation hits             : 8\n"
	"Address range                            Port\n"
	"    192.0.2.11 - 192.0.2.11              0\n";

static const char *const summary_text =
	"Total pools: 2\n"
	"Pool                 Address                  Routing              Port  Total\n"
	"Name                 Range                    Instance                   Address\n"
	"D                    192.0.2.10-192.0.2.10    default              80    1\n"
	"E                    192.0.2.11-192.0.2.11    default              0     1\n"
	"\n"
	"Total rules: 3\n"
	"Rule name : off1\n"
	"    Rule set  : DR\n"
	"    Action    : off\n"
	"    From      : untrust\n"
	"Rule name : web\n"
	"    Rule set  : DR\n"
	"    Action    : D\n"
	"    From      : untrust\n"
	"Rule name : any2\n"
	"    Rule set  : DR2\n"
	"    Action    : E\n"
	"    From      : dmz\n";

/* rule all: the totals, then every destination rule in evaluation order
 * (DR's two, then DR2's), ids in configuration order; no source rule. */
Test(nat_dshow, rule_all_layout)
{
	char want[4096];

	build(NULL);
	sfw_show_nat_drules_text(&rules, true, out.f);
	snprintf(want, sizeof(want), "Total destination-nat rules: 3\n"
		 "Total referenced IPv4/IPv6 ip-prefixes: 4/0\n%s%s%s",
		 off1_text, web_text, any2_text);
	cr_assert_str_eq(cap_text(&out), want);
}

Test(nat_dshow, one_rule_layout)
{
	build("web");
	cr_assert_eq(rules.n, 1);
	sfw_show_nat_drules_text(&rules, false, out.f);
	cr_assert_str_eq(cap_text(&out), web_text);
}

/* A name no destination rule has (a source rule's is none) is an error
 * naming it; so is a pool's. */
Test(nat_dshow, unknown_rule_or_pool_is_an_error)
{
	cr_assert_eq(sfw_nat_drules_build(&conf, "nosuch", &rules), -ENOENT);
	cr_assert_str_eq(sfw_last_error(), "destination NAT rule nosuch is not configured");
	cr_assert_eq(sfw_nat_drules_build(&conf, "masq", &rules), -ENOENT);
	sfw_nat_rules_free(&rules);
	cr_assert_eq(sfw_nat_dpools_build(&conf, "P", &pools), -ENOENT);
	cr_assert_str_eq(sfw_last_error(), "destination NAT pool P is not configured");
}

Test(nat_dshow, rule_json)
{
	build("web");
	sfw_show_nat_drules_json(&rules, false, out.f);
	cr_assert_str_eq(cap_text(&out),
		"{\n"
		"  \"destination-nat-rule-detail-information\": {\n"
		"    \"destination-nat-rule-entry\": [\n"
		"      {\n"
		"        \"rule-name\": \"web\",\n"
		"        \"rule-set-name\": \"DR\",\n"
		"        \"rule-id\": 3,\n"
		"        \"rule-matching-position\": 2,\n"
		"        \"rule-from-context\": \"zone\",\n"
		"        \"rule-from-context-name\": \"untrust\",\n"
		"        \"destination-address-range-entry\": [\n"
		"          {\n"
		"            \"rule-destination-address-low-range\": \"203.0.113.1\",\n"
		"            \"rule-destination-address-high-range\": \"203.0.113.1\"\n"
		"          }\n"
		"        ],\n"
		"        \"rule-destination-port-low\": 8080,\n"
		"        \"rule-destination-port-high\": 8080,\n"
		"        \"destination-nat-rule-action-entry\": {\n"
		"          \"destination-nat-rule-action\": \"D\"\n"
		"        },\n"
		"        \"destination-nat-rule-hits-entry\": {\n"
		"          \"rule-translation-hits\": 33,\n"
		"          \"succ-hits\": 31,\n"
		"          \"concurrent-hits\": 3\n"
		"        }\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
}

Test(nat_dshow, pool_all_layout)
{
	build_pools(NULL);
	sfw_show_nat_dpools_text(&pools, true, out.f);
	cr_assert_str_eq(cap_text(&out), pools_text);
}

Test(nat_dshow, pool_json)
{
	build_pools("D");
	cr_assert_eq(pools.n, 1);
	sfw_show_nat_dpools_json(&pools, false, out.f);
	cr_assert_str_eq(cap_text(&out),
		"{\n"
		"  \"destination-nat-pool-detail-information\": {\n"
		"    \"destination-nat-pool-info-entry\": [\n"
		"      {\n"
		"        \"pool-name\": \"D\",\n"
		"        \"pool-id\": 1,\n"
		"        \"routing-instance-name\": \"default\",\n"
		"        \"total-pool-address\": 1,\n"
		"        \"pool-translation-hits\": 7,\n"
		"        \"destination-pool-address-range\": [\n"
		"          {\n"
		"            \"address-range-low\": \"192.0.2.10\",\n"
		"            \"address-range-high\": \"192.0.2.10\",\n"
		"            \"port\": 80\n"
		"          }\n"
		"        ]\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
}

Test(nat_dshow, summary_layout_and_json)
{
	build(NULL);
	build_pools(NULL);
	sfw_show_nat_dsummary_text(&rules, &pools, out.f);
	cr_assert_str_eq(cap_text(&out), summary_text);
	cap_free(&out);
	cap_open(&out);
	sfw_nat_rules_free(&rules);
	build("any2");
	sfw_nat_dpools_free(&pools);
	build_pools("E");
	sfw_show_nat_dsummary_json(&rules, &pools, out.f);
	cr_assert_str_eq(cap_text(&out),
		"{\n"
		"  \"destination-nat-summary-information\": {\n"
		"    \"total-pools\": 1,\n"
		"    \"destination-nat-pool-summary\": [\n"
		"      {\n"
		"        \"pool-name\": \"E\",\n"
		"        \"destination-pool-address-range-low\": \"192.0.2.11\",\n"
		"        \"destination-pool-address-range-high\": \"192.0.2.11\",\n"
		"        \"routing-instance-name\": \"default\",\n"
		"        \"destination-pool-port\": 0,\n"
		"        \"total-pool-address\": 1\n"
		"      }\n"
		"    ],\n"
		"    \"total-rules\": 1,\n"
		"    \"destination-nat-rule-summary\": [\n"
		"      {\n"
		"        \"rule-name\": \"any2\",\n"
		"        \"rule-set-name\": \"DR2\",\n"
		"        \"rule-action\": \"E\",\n"
		"        \"rule-from-context-name\": \"dmz\"\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
}
