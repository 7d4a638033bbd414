/* show security nat static rule R|all: exact layouts (docs/nat.md
 * "Static NAT": the destination rule's grid, colons at column 29, with
 * Junos's documented static lines), text and JSON, from a model parsed
 * from a string and counters filled by hand. */
#include <errno.h>
#include "nat_show.h"
#include "policy_test_conf.h"
#include "test_conf.h"
#include "err.h"

/* Two static rule-sets (SD's rule configured between SR's two, so ids
 * and positions differ) and a destination rule, which the static show
 * does not list. */
#define SNAT_CONF \
	"set security zones security-zone trust interfaces veth0\n" \
	"set security zones security-zone untrust interfaces veth1\n" \
	"set security zones security-zone dmz interfaces veth2\n" \
	"set security nat destination pool D address 192.0.2.10/32 port 80\n" \
	"set security nat destination rule-set DR from zone untrust\n" \
	"set security nat destination rule-set DR rule web match destination-address 203.0.113.1/32\n" \
	"set security nat destination rule-set DR rule web then destination-nat pool D\n" \
	"set security nat static rule-set SR from zone untrust\n" \
	"set security nat static rule-set SD from zone dmz\n" \
	"set security nat static rule-set SR rule net match destination-address 203.0.113.130/30\n" \
	"set security nat static rule-set SR rule net then static-nat prefix 198.51.100.0/30\n" \
	"set security nat static rule-set SD rule one match destination-address 192.0.2.200/32\n" \
	"set security nat static rule-set SD rule one then static-nat prefix 198.51.100.20/32\n" \
	"set security nat static rule-set SR rule host match destination-address 203.0.113.140/32\n" \
	"set security nat static rule-set SR rule host then static-nat prefix 198.51.100.40/32\n"

static struct sfw_conf conf;
static struct sfw_nat_rules rules;
static struct cap out;

static void setup(void)
{
	conf_test_parse_ok(&conf, SNAT_CONF);
	cap_open(&out);
}

static void teardown(void)
{
	cap_free(&out);
	sfw_nat_rules_free(&rules);
	sfw_conf_free(&conf);
}

TestSuite(nat_sshow, .init = setup, .fini = teardown);

static void build(const char *name)
{
	cr_assert_eq(sfw_nat_srules_build(&conf, name, &rules), 0, "%s", sfw_last_error());
	for (int k = 0; k < rules.n; k++) {
		rules.v[k].st.n[SFW_NAT_RC_HITS] = rules.v[k].id * 10 + 3;
		rules.v[k].st.n[SFW_NAT_RC_SUCCESS] = rules.v[k].id * 10 + 1;
		rules.v[k].sessions = rules.v[k].id;
	}
}

static const char *const net_text =
	"Static NAT rule: net\n"
	"  Rule set                   : SR\n"
	"  Rule Id                    : 1\n"
	"  Rule position              : 1\n"
	"  From zone                  : untrust\n"
	"  Destination addresses      : 203.0.113.128\n"
	"  Host addresses             : 198.51.100.0\n"
	"  Netmask                    : 30\n"
	"  Host routing-instance      : N/A\n"
	"  Translation hits           : 13\n"
	"    Successful sessions      : 11\n"
	"  Number of sessions         : 1\n";

static const char *const host_text =
	"Static NAT rule: host\n"
	"  Rule set                   : SR\n"
	"  Rule Id                    : 3\n"
	"  Rule position              : 2\n"
	"  From zone                  : untrust\n"
	"  Destination addresses      : 203.0.113.140\n"
	"  Host addresses             : 198.51.100.40\n"
	"  Netmask                    : 32\n"
	"  Host routing-instance      : N/A\n"
	"  Translation hits           : 33\n"
	"    Successful sessions      : 31\n"
	"  Number of sessions         : 3\n";

static const char *const one_text =
	"Static NAT rule: one\n"
	"  Rule set                   : SD\n"
	"  Rule Id                    : 2\n"
	"  Rule position              : 3\n"
	"  From zone                  : dmz\n"
	"  Destination addresses      : 192.0.2.200\n"
	"  Host addresses             : 198.51.100.20\n"
	"  Netmask                    : 32\n"
	"  Host routing-instance      : N/A\n"
	"  Translation hits           : 23\n"
	"    Successful sessions      : 21\n"
	"  Number of sessions         : 2\n";

/* rule all: the totals (two prefixes a rule), then every static rule in
 * evaluation order (SR's two, then SD's), ids in configuration order;
 * the match printed masked, as the datapath compares it. */
Test(nat_sshow, rule_all_layout)
{
	char want[4096];

	build(NULL);
	sfw_show_nat_srules_text(&rules, true, out.f);
	snprintf(want, sizeof(want), "Total static-nat rules: 3\n"
		 "Total referenced IPv4/IPv6 ip-prefixes: 6/0\n%s%s%s",
		 net_text, host_text, one_text);
	cr_assert_str_eq(cap_text(&out), want);
}

Test(nat_sshow, one_rule_layout)
{
	build("host");
	cr_assert_eq(rules.n, 1);
	sfw_show_nat_srules_text(&rules, false, out.f);
	cr_assert_str_eq(cap_text(&out), host_text);
}

/* A name no static rule has (a destination rule's is none) is an error
 * naming it. */
Test(nat_sshow, unknown_rule_is_an_error)
{
	cr_assert_eq(sfw_nat_srules_build(&conf, "nosuch", &rules), -ENOENT);
	cr_assert_str_eq(sfw_last_error(), "static NAT rule nosuch is not configured");
	cr_assert_eq(sfw_nat_srules_build(&conf, "web", &rules), -ENOENT);
}

Test(nat_sshow, rule_json)
{
	build("net");
	sfw_show_nat_srules_json(&rules, false, out.f);
	cr_assert_str_eq(cap_text(&out),
		"{\n"
		"  \"static-nat-rule-detail-information\": {\n"
		"    \"static-nat-rule-entry\": [\n"
		"      {\n"
		"        \"rule-name\": \"net\",\n"
		"        \"rule-set-name\": \"SR\",\n"
		"        \"rule-id\": 1,\n"
		"        \"rule-matching-position\": 1,\n"
		"        \"rule-from-context\": \"zone\",\n"
		"        \"rule-from-context-name\": \"untrust\",\n"
		"        \"rule-destination-address-prefix\": \"203.0.113.128\",\n"
		"        \"rule-host-address-prefix\": \"198.51.100.0\",\n"
		"        \"rule-address-netmask\": 30,\n"
		"        \"rule-host-routing-instance\": \"N/A\",\n"
		"        \"static-nat-rule-hits-entry\": {\n"
		"          \"rule-translation-hits\": 13,\n"
		"          \"succ-hits\": 11,\n"
		"          \"concurrent-hits\": 1\n"
		"        }\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
}

Test(nat_sshow, rule_all_json_totals)
{
	build(NULL);
	sfw_show_nat_srules_json(&rules, true, out.f);
	cr_assert(strstr(cap_text(&out), "\"total-static-nat-rules\": 3,\n"
		  "    \"total-referenced-ipv4-prefixes\": 6,\n"
		  "    \"total-referenced-ipv6-prefixes\": 0,\n"), "%s", cap_text(&out));
}
