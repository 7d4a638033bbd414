/* show security policies [detail|hit-count], show security zones: exact
 * Junos layouts, text and JSON, from a model parsed from a string. */
#include "policy_show.h"
#include "policy_test_conf.h"
#include "test_conf.h"

static struct sfw_conf conf;
static struct cap out;

static void setup(void)
{
	conf_test_parse_ok(&conf, POLICY_TEST_CONF);
	cap_open(&out);
}

static void teardown(void)
{
	cap_free(&out);
	sfw_conf_free(&conf);
}

TestSuite(policy_cmd, .init = setup, .fini = teardown);

static const char *policies(const struct sfw_policy_sel *sel, bool detail, bool json)
{
	if (json)
		sfw_show_policies_json(&conf, sel, detail, out.f);
	else
		sfw_show_policies_text(&conf, sel, detail, out.f);
	return cap_text(&out);
}

Test(policy_cmd, brief_layout)
{
	struct sfw_policy_sel all = { 0 };

	cr_assert_str_eq(policies(&all, false, false),
		"Default policy: deny-all\n"
		"From zone: trust, To zone: untrust\n"
		"  Policy: allow-web, State: enabled, Index: 7920, Scope Policy: 0, Sequence number: 1\n"
		"    Source addresses: any\n"
		"    Destination addresses: servers\n"
		"    Applications: junos-http, my-web\n"
		"    Action: permit, log, count\n"
		"  Policy: deny-rest, State: enabled, Index: 4719, Scope Policy: 0, Sequence number: 2\n"
		"    Source addresses: any\n"
		"    Destination addresses: any\n"
		"    Applications: any\n"
		"    Action: reject\n"
		"From zone: untrust, To zone: junos-host\n"
		"  Policy: no-ssh, State: enabled, Index: 7348, Scope Policy: 0, Sequence number: 1\n"
		"    Source addresses: any-ipv4\n"
		"    Destination addresses: any\n"
		"    Applications: junos-ssh\n"
		"    Action: deny\n"
		"Global policies:\n"
		"  Policy: ping-all, State: enabled, Index: 3178, Scope Policy: 0, Sequence number: 1\n"
		"    From zones: trust\n"
		"    To zones: any\n"
		"    Source addresses: any\n"
		"    Destination addresses: any\n"
		"    Applications: junos-icmp-ping\n"
		"    Action: permit\n");
}

/* Sequence numbers count within the context, whatever is selected. */
Test(policy_cmd, policy_name_keeps_sequence_number)
{
	struct sfw_policy_sel sel = { .policy_name = "deny-rest" };

	cr_assert_str_eq(policies(&sel, false, false),
		"Default policy: deny-all\n"
		"From zone: trust, To zone: untrust\n"
		"  Policy: deny-rest, State: enabled, Index: 4719, Scope Policy: 0, Sequence number: 2\n"
		"    Source addresses: any\n"
		"    Destination addresses: any\n"
		"    Applications: any\n"
		"    Action: reject\n");
}

Test(policy_cmd, zone_pair_and_global_selection)
{
	struct sfw_policy_sel pair = { .from_zone = "untrust", .to_zone = "junos-host" };
	struct sfw_policy_sel global = { .global_only = true };
	struct sfw_policy_sel none = { .from_zone = "untrust", .to_zone = "trust" };
	const char *text = policies(&pair, false, false);

	cr_assert(strstr(text, "From zone: untrust, To zone: junos-host\n  Policy: no-ssh,"));
	cr_assert_null(strstr(text, "allow-web"));
	cr_assert_null(strstr(text, "Global policies"));
	cap_free(&out);
	cap_open(&out);
	text = policies(&global, false, false);
	cr_assert(strstr(text, "Default policy: deny-all\nGlobal policies:\n  Policy: ping-all,"));
	cr_assert_null(strstr(text, "From zone:"));
	cap_free(&out);
	cap_open(&out);
	cr_assert_str_eq(policies(&none, false, false), "Default policy: deny-all\n");
}

Test(policy_cmd, detail_layout)
{
	struct sfw_policy_sel sel = { .policy_name = "allow-web" };

	cr_assert_str_eq(policies(&sel, true, false),
		"Default policy: deny-all\n"
		"Policy: allow-web, action-type: permit, State: enabled, Index: 7920, Scope Policy: 0\n"
		"  Policy Type: Configured\n"
		"  Sequence number: 1\n"
		"  From zone: trust, To zone: untrust\n"
		"  Source addresses:\n"
		"    any-ipv4(global): 0.0.0.0/0\n"
		"    any-ipv6(global): ::/0\n"
		"  Destination addresses:\n"
		"    web-servers(global): 203.0.113.0/24\n"
		"    v6net(global): 2001:db8:2::/64\n"
		"  Application: junos-http\n"
		"    IP protocol: tcp, ALG: 0, Inactivity timeout: 1800\n"
		"      Source port range: [0-0]\n"
		"      Destination port range: [80-80]\n"
		"  Application: my-web\n"
		"    IP protocol: tcp, ALG: 0, Inactivity timeout: 600\n"
		"      Source port range: [0-0]\n"
		"      Destination port range: [8000-8080]\n"
		"  Per policy TCP Options: SYN check: No, SEQ check: No, Window scale: No\n"
		"  Session log: at-create, at-close\n");
}

Test(policy_cmd, detail_global_and_icmp)
{
	struct sfw_policy_sel sel = { .global_only = true };

	cr_assert_str_eq(policies(&sel, true, false),
		"Default policy: deny-all\n"
		"Policy: ping-all, action-type: permit, State: enabled, Index: 3178, Scope Policy: 0\n"
		"  Policy Type: Configured\n"
		"  Sequence number: 1\n"
		"  From zones: trust\n"
		"  To zones: any\n"
		"  Source addresses:\n"
		"    any-ipv4(global): 0.0.0.0/0\n"
		"    any-ipv6(global): ::/0\n"
		"  Destination addresses:\n"
		"    any-ipv4(global): 0.0.0.0/0\n"
		"    any-ipv6(global): ::/0\n"
		"  Application: junos-icmp-ping\n"
		"    IP protocol: icmp, ALG: 0, Inactivity timeout: 60\n"
		"      ICMP Information: type=8, code=255\n"
		"  Per policy TCP Options: SYN check: No, SEQ check: No, Window scale: No\n");
}

/* A configured flow timeout is what an application without its own gets. */
Test(policy_cmd, detail_timeout_follows_flow_setting)
{
	struct sfw_policy_sel sel = { .policy_name = "no-ssh" };

	sfw_conf_free(&conf);
	conf_test_parse_ok(&conf, POLICY_TEST_CONF
			   "set security flow tcp-session tcp-established-timeout 900\n");
	cr_assert(strstr(policies(&sel, true, false),
			 "  Application: junos-ssh\n"
			 "    IP protocol: tcp, ALG: 0, Inactivity timeout: 900\n"));
}

Test(policy_cmd, empty_configuration)
{
	struct sfw_policy_sel all = { 0 };

	sfw_conf_free(&conf);
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_str_eq(policies(&all, false, false), "Default policy: deny-all\n");
}

Test(policy_cmd, builtin_configuration)
{
	struct sfw_policy_sel all = { 0 };

	sfw_conf_free(&conf);
	cr_assert_eq(sfw_conf_init_builtin(&conf), 0);
	cr_assert_str_eq(policies(&all, false, false), "Default policy: permit-all\n");
}

Test(policy_cmd, json_policy)
{
	struct sfw_policy_sel sel = { .policy_name = "no-ssh" };

	cr_assert_str_eq(policies(&sel, false, true),
		"{\n"
		"  \"security-policies\": {\n"
		"    \"default-policy\": {\n"
		"      \"default-action\": \"deny-all\"\n"
		"    },\n"
		"    \"security-context\": [\n"
		"      {\n"
		"        \"context-information\": {\n"
		"          \"source-zone-name\": \"untrust\",\n"
		"          \"destination-zone-name\": \"junos-host\"\n"
		"        },\n"
		"        \"policies\": [\n"
		"          {\n"
		"            \"policy-information\": {\n"
		"              \"policy-name\": \"no-ssh\",\n"
		"              \"policy-state\": \"enabled\",\n"
		"              \"policy-identifier\": 7348,\n"
		"              \"scope-policy-identifier\": 0,\n"
		"              \"policy-sequence-number\": 1,\n"
		"              \"source-addresses\": [\n"
		"                {\n"
		"                  \"address-name\": \"any-ipv4\"\n"
		"                }\n"
		"              ],\n"
		"              \"destination-addresses\": [\n"
		"                {\n"
		"                  \"address-name\": \"any\"\n"
		"                }\n"
		"              ],\n"
		"              \"applications\": [\n"
		"                {\n"
		"                  \"application-name\": \"junos-ssh\"\n"
		"                }\n"
		"              ],\n"
		"              \"policy-action\": {\n"
		"                \"action-type\": \"deny\",\n"
		"                \"session-init\": false,\n"
		"                \"session-close\": false,\n"
		"                \"count\": false\n"
		"              }\n"
		"            }\n"
		"          }\n"
		"        ]\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
}

Test(policy_cmd, json_detail_resolves_and_contexts_close)
{
	struct sfw_policy_sel all = { 0 };
	const char *text = policies(&all, true, true);

	cr_assert(strstr(text,
		"              \"destination-addresses\": [\n"
		"                {\n"
		"                  \"address-name\": \"web-servers\",\n"
		"                  \"prefix\": \"203.0.113.0/24\"\n"
		"                },\n"
		"                {\n"
		"                  \"address-name\": \"v6net\",\n"
		"                  \"prefix\": \"2001:db8:2::/64\"\n"
		"                }\n"
		"              ],\n"), "%s", text);
	cr_assert(strstr(text,
		"                  \"application-name\": \"my-web\",\n"
		"                  \"protocol\": \"tcp\",\n"
		"                  \"inactivity-timeout\": 600,\n"
		"                  \"source-port-range\": {\n"
		"                    \"low\": 0,\n"
		"                    \"high\": 0\n"
		"                  },\n"
		"                  \"destination-port-range\": {\n"
		"                    \"low\": 8000,\n"
		"                    \"high\": 8080\n"), "%s", text);
	cr_assert(strstr(text, "\"global-context\": true"));
	/* Three contexts, and the last one closed before the document. */
	int n = 0;
	for (const char *t = text; (t = strstr(t, "\"context-information\"")); t++)
		n++;
	cr_assert_eq(n, 3);
	const char *end = "        ]\n      }\n    ]\n  }\n}\n";
	cr_assert_str_eq(text + strlen(text) - strlen(end), end);
}

static const char *zones(const char *zone, bool json)
{
	sfw_show_zones(&conf, zone, json, out.f);
	return cap_text(&out);
}

Test(policy_cmd, zones_layout)
{
	cr_assert_str_eq(zones(NULL, false),
		"Security zone: trust\n"
		"  Zone ID: 1\n"
		"  Send reset for non-SYN session TCP packets: Off\n"
		"  Policy configurable: Yes\n"
		"  Interfaces bound: 1\n"
		"  Interfaces:\n"
		"    veth0\n"
		"\n"
		"Security zone: untrust\n"
		"  Zone ID: 2\n"
		"  Send reset for non-SYN session TCP packets: Off\n"
		"  Policy configurable: Yes\n"
		"  Interfaces bound: 2\n"
		"  Interfaces:\n"
		"    veth1\n"
		"    veth2\n"
		"\n"
		"Security zone: junos-host\n"
		"  Zone ID: 63\n"
		"  Send reset for non-SYN session TCP packets: Off\n"
		"  Policy configurable: Yes\n"
		"  Interfaces bound: 0\n"
		"  Interfaces:\n");
}

Test(policy_cmd, one_zone_json)
{
	cr_assert_str_eq(zones("untrust", true),
		"{\n"
		"  \"zones-information\": {\n"
		"    \"zones-security\": [\n"
		"      {\n"
		"        \"zones-security-zonename\": \"untrust\",\n"
		"        \"zones-security-zone-id\": 2,\n"
		"        \"zones-security-send-reset\": \"Off\",\n"
		"        \"zones-security-policy-configurable\": \"Yes\",\n"
		"        \"zones-security-interfaces-bound\": 2,\n"
		"        \"zones-security-interfaces\": [\n"
		"          {\n"
		"            \"zones-security-interface-name\": \"veth1\"\n"
		"          },\n"
		"          {\n"
		"            \"zones-security-interface-name\": \"veth2\"\n"
		"          }\n"
		"        ]\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
}

Test(policy_cmd, unknown_zone_shows_nothing)
{
	cr_assert_str_eq(zones("dmz", false), "");
}

/* Hit counts: index % 100 + 1, so every row shows its own policy's count
 * (the indexes, conf/policy_ids.c: allow-web 7920, deny-rest 4719, no-ssh
 * 7348, ping-all 3178). */
static int fake_hits(__u32 index, __u64 *hits)
{
	*hits = index % 100 + 1;
	return 0;
}

static int broken_hits(__u32 index, __u64 *hits)
{
	*hits = 0;
	return -ENOENT;
}

Test(policy_cmd, hit_count_layout)
{
	struct sfw_policy_sel all = { 0 };

	cr_assert_eq(sfw_show_hit_count(&conf, &all, fake_hits, false, out.f), 0);
	cr_assert_str_eq(cap_text(&out),
		"Logical system: root-logical-system\n"
		" Index   From zone        To zone           Name           Policy count  Action\n"
		" 1       trust            untrust           allow-web      21            Permit\n"
		" 2       trust            untrust           deny-rest      20            Reject\n"
		" 3       untrust          junos-host        no-ssh         49            Deny\n"
		" 4       trust            any               ping-all       79            Permit\n"
		"\n"
		"Number of policy: 4\n");
}

Test(policy_cmd, hit_count_json_filtered)
{
	struct sfw_policy_sel sel = { .from_zone = "trust", .to_zone = "untrust",
				      .policy_name = "deny-rest" };

	cr_assert_eq(sfw_show_hit_count(&conf, &sel, fake_hits, true, out.f), 0);
	cr_assert_str_eq(cap_text(&out),
		"{\n"
		"  \"policy-hit-count\": {\n"
		"    \"logical-system-name\": \"root-logical-system\",\n"
		"    \"policy-hit-count-entry\": [\n"
		"      {\n"
		"        \"policy-hit-count-index\": 1,\n"
		"        \"policy-hit-count-from-zone\": \"trust\",\n"
		"        \"policy-hit-count-to-zone\": \"untrust\",\n"
		"        \"policy-hit-count-policy-name\": \"deny-rest\",\n"
		"        \"policy-hit-count-count\": 20,\n"
		"        \"policy-hit-count-action\": \"reject\"\n"
		"      }\n"
		"    ],\n"
		"    \"number-of-policy\": 1\n"
		"  }\n"
		"}\n");
}

Test(policy_cmd, hit_count_error_is_returned)
{
	struct sfw_policy_sel all = { 0 };

	cr_assert_eq(sfw_show_hit_count(&conf, &all, broken_hits, false, out.f), -ENOENT);
}
