/* `| display xml` and `| display json` of the NAT shows
 * (cli/config/format_nat_junos.c, format_nat_dest_junos.c,
 * format_nat_static_junos.c): Junos's element trees
 * (docs/junos-layouts.md), byte for byte, from a model parsed from a
 * string and counters filled by hand; every XML reply
 * checked well-formed. */
#include <errno.h>
#include <stdlib.h>
#include "nat_show.h"
#include "policy_test_conf.h"
#include "test_conf.h"
#include "err.h"

#define DISPLAY_CONF \
	"set security zones security-zone trust interfaces veth0\n" \
	"set security zones security-zone untrust interfaces veth1\n" \
	"set security nat source pool P address 203.0.113.10/32 to 203.0.113.13/32\n" \
	"set security nat source pool P port range 2000 to 2999\n" \
	"set security nat source rule-set RS from zone trust\n" \
	"set security nat source rule-set RS to zone untrust\n" \
	"set security nat source rule-set RS rule keep match source-address 198.51.100.7/32\n" \
	"set security nat source rule-set RS rule keep then source-nat off\n" \
	"set security nat source rule-set RS rule out match source-address 198.51.100.0/24\n" \
	"set security nat source rule-set RS rule out match destination-port 443\n" \
	"set security nat source rule-set RS rule out then source-nat pool P\n" \
	"set security nat destination pool D address 192.0.2.10/32 port 80\n" \
	"set security nat destination rule-set DR from zone untrust\n" \
	"set security nat destination rule-set DR rule web match destination-address 203.0.113.1/32\n" \
	"set security nat destination rule-set DR rule web match destination-port 8080\n" \
	"set security nat destination rule-set DR rule web match protocol tcp\n" \
	"set security nat destination rule-set DR rule web then destination-nat pool D\n" \
	"set security nat static rule-set SR from zone untrust\n" \
	"set security nat static rule-set SR rule net match destination-address 203.0.113.130/30\n" \
	"set security nat static rule-set SR rule net then static-nat prefix 198.51.100.64/30\n" \
	"set security nat static rule-set SR rule host match destination-address 203.0.113.20/32\n" \
	"set security nat static rule-set SR rule host then static-nat prefix 198.51.100.20/32\n"

static struct sfw_conf conf;
static struct sfw_nat_rules rules;
static struct sfw_nat_pools pools;
static struct sfw_nat_dpools dpools;
static struct cap out;

static void setup(void)
{
	conf_test_parse_ok(&conf, DISPLAY_CONF);
	cap_open(&out);
}

static void teardown(void)
{
	cap_free(&out);
	sfw_nat_rules_free(&rules);
	sfw_nat_pools_free(&pools);
	sfw_nat_dpools_free(&dpools);
	sfw_conf_free(&conf);
}

TestSuite(nat_display, .init = setup, .fini = teardown);

/* Counters as the commands read them: id-based, so each row differs. */
static void build_type(int (*of)(const struct sfw_conf *, const char *, struct sfw_nat_rules *),
		       const char *name)
{
	cr_assert_eq(of(&conf, name, &rules), 0, "%s", sfw_last_error());
	for (int k = 0; k < rules.n; k++) {
		rules.v[k].st.n[SFW_NAT_RC_HITS] = rules.v[k].id * 10 + 3;
		rules.v[k].st.n[SFW_NAT_RC_SUCCESS] = rules.v[k].id * 10 + 1;
		rules.v[k].sessions = rules.v[k].id;
	}
}

static void build(bool dst, const char *name)
{
	build_type(dst ? sfw_nat_drules_build : sfw_nat_rules_build, name);
}

static void build_pools(void)
{
	cr_assert_eq(sfw_nat_pools_build(&conf, NULL, &pools), 0, "%s", sfw_last_error());
	cr_assert_eq(sfw_nat_dpools_build(&conf, NULL, &dpools), 0, "%s", sfw_last_error());
	pools.v[0].st.n[SFW_NAT_PC_HITS] = 7;
	pools.v[0].ports = 2;
	dpools.v[0].st.n[SFW_NAT_DPC_HITS] = 9;
}

/* Well-formed XML: every element closed in order, one root, `&` only in
 * an entity, no `<` in text or `"` inside an attribute's quotes. */
static const char *xml_error(const char *s)
{
	const char *stack[32];
	size_t len[32];
	int depth = 0, roots = 0;

	while (*s) {
		if (*s == '&') {
			if (strncmp(s, "&lt;", 4) && strncmp(s, "&gt;", 4) && strncmp(s, "&amp;", 5) &&
			    strncmp(s, "&quot;", 6) && strncmp(s, "&apos;", 6))
				return "a bare &";
			s++;
			continue;
		}
		if (*s != '<') {
			s++;
			continue;
		}
		bool closing = s[1] == '/';
		const char *name = s + 1 + closing;
		size_t n = strcspn(name, " />");
		const char *end = strchr(name, '>');

		if (!n || !end || memchr(name, '<', (size_t)(end - name)))
			return "a broken tag";
		if (closing) {
			if (!depth || len[depth - 1] != n || strncmp(stack[depth - 1], name, n))
				return "a close that does not match";
			depth--;
		} else if (end[-1] != '/') {
			if (depth == 32)
				return "too deep";
			roots += !depth;
			stack[depth] = name;
			len[depth++] = n;
		}
		s = end + 1;
	}
	return depth ? "an element left open" : roots != 1 ? "not one root" : NULL;
}

/* The expected text with every "@" replaced by sfw's release. */
static char *with_release(const char *tmpl)
{
	size_t n = strlen(tmpl) + 1, rl = strlen(sfw_release);
	char *w, *p;

	for (const char *t = tmpl; *t; t++)
		n += *t == '@' ? rl : 0;
	w = p = malloc(n);
	cr_assert(w);
	for (; *tmpl; tmpl++) {
		if (*tmpl == '@')
			p = stpcpy(p, sfw_release);
		else
			*p++ = *tmpl;
	}
	*p = 0;
	return w;
}

static void assert_out(const char *tmpl)
{
	char *want = with_release(tmpl);
	const char *got = cap_text(&out), *bad;

	cr_assert_str_eq(got, want);
	free(want);
	if (!strncmp(got, "<rpc-reply", 10)) {
		bad = xml_error(got);
		cr_assert_null(bad, "%s:\n%s", bad, got);
	}
}

static void reopen(void)
{
	cap_free(&out);
	cap_open(&out);
}

#define HEAD "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/@/junos\">\n"
#define TAIL "    <cli>\n        <banner></banner>\n    </cli>\n</rpc-reply>\n"
#define NS "xmlns=\"http://xml.juniper.net/junos/@/junos-nat\""

/* rule R: the entry of real SRX replies, its action and hits nested. */
Test(nat_display, source_rule_xml)
{
	build(false, "out");
	sfw_show_nat_rules_junos(&rules, false, SFW_DISPLAY_XML, out.f);
	assert_out(HEAD
		"    <source-nat-rule-detail-information " NS ">\n"
		"        <source-nat-rule-entry>\n"
		"            <rule-name>out</rule-name>\n"
		"            <rule-set-name>RS</rule-set-name>\n"
		"            <rule-id>2</rule-id>\n"
		"            <rule-matching-position>2</rule-matching-position>\n"
		"            <rule-from-context>zone</rule-from-context>\n"
		"            <rule-from-context-name>trust</rule-from-context-name>\n"
		"            <rule-to-context>zone</rule-to-context>\n"
		"            <rule-to-context-name>untrust</rule-to-context-name>\n"
		"            <source-address-range-entry>\n"
		"                <rule-source-address-low-range>198.51.100.0</rule-source-address-low-range>\n"
		"                <rule-source-address-high-range>198.51.100.255</rule-source-address-high-range>\n"
		"            </source-address-range-entry>\n"
		"            <destination-address-range-entry>\n"
		"                <rule-destination-address-low-range>0.0.0.0</rule-destination-address-low-range>\n"
		"                <rule-destination-address-high-range>255.255.255.255</rule-destination-address-high-range>\n"
		"            </destination-address-range-entry>\n"
		"            <destination-port-entry>\n"
		"                <rule-destination-port-low>443</rule-destination-port-low>\n"
		"                <rule-destination-port-high>443</rule-destination-port-high>\n"
		"            </destination-port-entry>\n"
		"            <source-nat-rule-action-entry>\n"
		"                <source-nat-rule-action>P</source-nat-rule-action>\n"
		"                <persistent-nat-type>N/A</persistent-nat-type>\n"
		"                <persistent-nat-mapping-type>address-port-mapping</persistent-nat-mapping-type>\n"
		"                <persistent-nat-timeout>0</persistent-nat-timeout>\n"
		"                <persistent-nat-max-session>0</persistent-nat-max-session>\n"
		"                <persistent-nat-block-session>disabled</persistent-nat-block-session>\n"
		"            </source-nat-rule-action-entry>\n"
		"            <source-nat-rule-hits-entry>\n"
		"                <rule-translation-hits>23</rule-translation-hits>\n"
		"                <succ-hits>21</succ-hits>\n"
		"                <concurrent-hits>2</concurrent-hits>\n"
		"            </source-nat-rule-hits-entry>\n"
		"        </source-nat-rule-entry>\n"
		"    </source-nat-rule-detail-information>\n"
		TAIL);
}

/* rule all: the two totals first; an `off` rule's action alone. */
Test(nat_display, source_rule_all_xml)
{
	const char *t;

	build(false, NULL);
	sfw_show_nat_rules_junos(&rules, true, SFW_DISPLAY_XML, out.f);
	t = cap_text(&out);
	cr_assert(strstr(t, "\">\n"
		"        <total-source-nat-rules>\n"
		"            <total-src-rules>2</total-src-rules>\n"
		"        </total-source-nat-rules>\n"
		"        <total-source-nat-rule-ref-addr-num>\n"
		"            <total-source-nat-rule-ref-addr-num-v4>2</total-source-nat-rule-ref-addr-num-v4>\n"
		"            <total-source-nat-rule-ref-addr-num-v6>0</total-source-nat-rule-ref-addr-num-v6>\n"
		"        </total-source-nat-rule-ref-addr-num>\n"
		"        <source-nat-rule-entry>\n"
		"            <rule-name>keep</rule-name>\n"), "%s", t);
	cr_assert(strstr(t,
		"            <source-nat-rule-action-entry>\n"
		"                <source-nat-rule-action>off</source-nat-rule-action>\n"
		"            </source-nat-rule-action-entry>\n"), "%s", t);
	cr_assert_null(xml_error(t), "%s", t);
}

/* The JSON Junos derives from the same tree: arrays of objects, leaves
 * under "data", the namespace under "attributes". */
Test(nat_display, source_rule_json)
{
	build(false, "keep");
	sfw_show_nat_rules_junos(&rules, false, SFW_DISPLAY_JSON, out.f);
	assert_out("{\n"
		"    \"source-nat-rule-detail-information\" : [\n"
		"    {\n"
		"        \"attributes\" : {\"xmlns\" : \"http://xml.juniper.net/junos/@/junos-nat\"},\n"
		"        \"source-nat-rule-entry\" : [\n"
		"        {\n"
		"            \"rule-name\" : [\n"
		"            {\n"
		"                \"data\" : \"keep\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-set-name\" : [\n"
		"            {\n"
		"                \"data\" : \"RS\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-id\" : [\n"
		"            {\n"
		"                \"data\" : \"1\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-matching-position\" : [\n"
		"            {\n"
		"                \"data\" : \"1\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-from-context\" : [\n"
		"            {\n"
		"                \"data\" : \"zone\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-from-context-name\" : [\n"
		"            {\n"
		"                \"data\" : \"trust\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-to-context\" : [\n"
		"            {\n"
		"                \"data\" : \"zone\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-to-context-name\" : [\n"
		"            {\n"
		"                \"data\" : \"untrust\"\n"
		"            }\n"
		"            ],\n"
		"            \"source-address-range-entry\" : [\n"
		"            {\n"
		"                \"rule-source-address-low-range\" : [\n"
		"                {\n"
		"                    \"data\" : \"198.51.100.7\"\n"
		"                }\n"
		"                ],\n"
		"                \"rule-source-address-high-range\" : [\n"
		"                {\n"
		"                    \"data\" : \"198.51.100.7\"\n"
		"                }\n"
		"                ]\n"
		"            }\n"
		"            ],\n"
		"            \"destination-address-range-entry\" : [\n"
		"            {\n"
		"                \"rule-destination-address-low-range\" : [\n"
		"                {\n"
		"                    \"data\" : \"0.0.0.0\"\n"
		"                }\n"
		"                ],\n"
		"                \"rule-destination-address-high-range\" : [\n"
		"                {\n"
		"                    \"data\" : \"255.255.255.255\"\n"
		"                }\n"
		"                ]\n"
		"            }\n"
		"            ],\n"
		"            \"source-nat-rule-action-entry\" : [\n"
		"            {\n"
		"                \"source-nat-rule-action\" : [\n"
		"                {\n"
		"                    \"data\" : \"off\"\n"
		"                }\n"
		"                ]\n"
		"            }\n"
		"            ],\n"
		"            \"source-nat-rule-hits-entry\" : [\n"
		"            {\n"
		"                \"rule-translation-hits\" : [\n"
		"                {\n"
		"                    \"data\" : \"13\"\n"
		"                }\n"
		"                ],\n"
		"                \"succ-hits\" : [\n"
		"                {\n"
		"                    \"data\" : \"11\"\n"
		"                }\n"
		"                ],\n"
		"                \"concurrent-hits\" : [\n"
		"                {\n"
		"                    \"data\" : \"1\"\n"
		"                }\n"
		"                ]\n"
		"            }\n"
		"            ]\n"
		"        }\n"
		"        ]\n"
		"    }\n"
		"    ]\n"
		"}\n");
}

/* pool all: Total pools, then each pool's entry with its range and sums. */
Test(nat_display, source_pool_xml)
{
	build_pools();
	sfw_show_nat_pools_junos(&pools, true, SFW_DISPLAY_XML, out.f);
	assert_out(HEAD
		"    <source-nat-pool-detail-information " NS ">\n"
		"        <total-source-nat-pools>\n"
		"            <total-source-pools>1</total-source-pools>\n"
		"        </total-source-nat-pools>\n"
		"        <source-nat-pool-info-entry>\n"
		"            <pool-name>P</pool-name>\n"
		"            <pool-id>1</pool-id>\n"
		"            <routing-instance-name>default</routing-instance-name>\n"
		"            <host-address-base>0.0.0.0</host-address-base>\n"
		"            <source-pool-port-translation>[2000, 2999]</source-pool-port-translation>\n"
		"            <port-overloading-factor>1</port-overloading-factor>\n"
		"            <total-pool-address>4</total-pool-address>\n"
		"            <address-pool-hits>7</address-pool-hits>\n"
		"            <source-pool-address-range>\n"
		"                <address-range-low>203.0.113.10</address-range-low>\n"
		"                <address-range-high>203.0.113.13</address-range-high>\n"
		"                <single-port>2</single-port>\n"
		"                <twin-port>0</twin-port>\n"
		"            </source-pool-address-range>\n"
		"            <source-pool-address-range-sum>\n"
		"                <single-port-sum>2</single-port-sum>\n"
		"                <twin-port-sum>0</twin-port-sum>\n"
		"            </source-pool-address-range-sum>\n"
		"        </source-nat-pool-info-entry>\n"
		"    </source-nat-pool-detail-information>\n"
		TAIL);
}

/* summary: the ssg- elements of real replies, the text's values. */
Test(nat_display, source_summary_xml)
{
	build_pools();
	build(false, "out");
	sfw_show_nat_summary_junos(&rules, &pools, SFW_DISPLAY_XML, out.f);
	assert_out(HEAD
		"    <ssg-source-nat-summary-information " NS ">\n"
		"        <ssg-total-source-pat-port-num>\n"
		"            <total-source-summary-pat-port-num>4000</total-source-summary-pat-port-num>\n"
		"        </ssg-total-source-pat-port-num>\n"
		"        <ssg-max-source-pat-port-num>\n"
		"            <max-source-pat-port-num>1048576</max-source-pat-port-num>\n"
		"        </ssg-max-source-pat-port-num>\n"
		"        <ssg-total-source-pool-num>\n"
		"            <total-source-summary-pools>1</total-source-summary-pools>\n"
		"        </ssg-total-source-pool-num>\n"
		"        <ssg-source-pool-entry>\n"
		"            <ssg-source-pool-name>P</ssg-source-pool-name>\n"
		"            <ssg-source-pool-address-range>203.0.113.10-203.0.113.13</ssg-source-pool-address-range>\n"
		"            <ssg-source-pool-routing-instance>default</ssg-source-pool-routing-instance>\n"
		"            <ssg-source-pool-pat>yes</ssg-source-pool-pat>\n"
		"            <ssg-source-pool-total-address>4</ssg-source-pool-total-address>\n"
		"        </ssg-source-pool-entry>\n"
		"        <ssg-total-source-rule-num>\n"
		"            <summary-total-source-rules>1</summary-total-source-rules>\n"
		"        </ssg-total-source-rule-num>\n"
		"        <ssg-source-rule-entry>\n"
		"            <ssg-source-rule-name>out</ssg-source-rule-name>\n"
		"            <ssg-source-rule-set-name>RS</ssg-source-rule-set-name>\n"
		"            <ssg-source-rule-action>P</ssg-source-rule-action>\n"
		"            <ssg-source-rule-context-from>trust</ssg-source-rule-context-from>\n"
		"            <ssg-source-rule-context-to>untrust</ssg-source-rule-context-to>\n"
		"        </ssg-source-rule-entry>\n"
		"    </ssg-source-nat-summary-information>\n"
		TAIL);
}

/* destination rule all: totals, then the flat entry (action and hits in
 * it, as real replies have them). */
Test(nat_display, destination_rule_xml)
{
	build(true, NULL);
	sfw_show_nat_drules_junos(&rules, true, SFW_DISPLAY_XML, out.f);
	assert_out(HEAD
		"    <destination-nat-rule-information " NS ">\n"
		"        <total-destination-nat-rules>\n"
		"            <total-dst-rules>1</total-dst-rules>\n"
		"        </total-destination-nat-rules>\n"
		"        <total-destination-nat-rule-ref-addr-num>\n"
		"            <total-destination-nat-rule-ref-addr-num-v4>1</total-destination-nat-rule-ref-addr-num-v4>\n"
		"            <total-destination-nat-rule-ref-addr-num-v6>0</total-destination-nat-rule-ref-addr-num-v6>\n"
		"        </total-destination-nat-rule-ref-addr-num>\n"
		"        <destination-nat-rule-entry>\n"
		"            <rule-name>web</rule-name>\n"
		"            <rule-set-name>DR</rule-set-name>\n"
		"            <rule-id>1</rule-id>\n"
		"            <rule-matching-position>1</rule-matching-position>\n"
		"            <rule-from-context>zone</rule-from-context>\n"
		"            <rule-from-context-name>untrust</rule-from-context-name>\n"
		"            <rule-destination-address-range-entry>\n"
		"                <rule-destination-address-low-range>203.0.113.1</rule-destination-address-low-range>\n"
		"                <rule-destination-address-high-range>203.0.113.1</rule-destination-address-high-range>\n"
		"            </rule-destination-address-range-entry>\n"
		"            <destination-port-entry>\n"
		"                <rule-destination-port-low>8080</rule-destination-port-low>\n"
		"                <rule-destination-port-high>8080</rule-destination-port-high>\n"
		"            </destination-port-entry>\n"
		"            <destination-nat-rule-action>D</destination-nat-rule-action>\n"
		"            <rule-translation-hits>13</rule-translation-hits>\n"
		"            <succ-hits>11</succ-hits>\n"
		"            <concurrent-hits>1</concurrent-hits>\n"
		"        </destination-nat-rule-entry>\n"
		"    </destination-nat-rule-information>\n"
		TAIL);
}

/* destination pool P: the entry of real replies, in JSON. */
Test(nat_display, destination_pool_json)
{
	build_pools();
	sfw_show_nat_dpools_junos(&dpools, false, SFW_DISPLAY_JSON, out.f);
	assert_out("{\n"
		"    \"destination-nat-pool-information\" : [\n"
		"    {\n"
		"        \"attributes\" : {\"xmlns\" : \"http://xml.juniper.net/junos/@/junos-nat\"},\n"
		"        \"destination-nat-pool-entry\" : [\n"
		"        {\n"
		"            \"pool-name\" : [\n"
		"            {\n"
		"                \"data\" : \"D\"\n"
		"            }\n"
		"            ],\n"
		"            \"pool-id\" : [\n"
		"            {\n"
		"                \"data\" : \"1\"\n"
		"            }\n"
		"            ],\n"
		"            \"routing-instance-name\" : [\n"
		"            {\n"
		"                \"data\" : \"default\"\n"
		"            }\n"
		"            ],\n"
		"            \"total-pool-address\" : [\n"
		"            {\n"
		"                \"data\" : \"1\"\n"
		"            }\n"
		"            ],\n"
		"            \"address-pool-hits\" : [\n"
		"            {\n"
		"                \"data\" : \"9\"\n"
		"            }\n"
		"            ],\n"
		"            \"pool-address-range\" : [\n"
		"            {\n"
		"                \"address-range-low\" : [\n"
		"                {\n"
		"                    \"data\" : \"192.0.2.10\"\n"
		"                }\n"
		"                ],\n"
		"                \"address-range-high\" : [\n"
		"                {\n"
		"                    \"data\" : \"192.0.2.10\"\n"
		"                }\n"
		"                ],\n"
		"                \"address-port\" : [\n"
		"                {\n"
		"                    \"data\" : \"80\"\n"
		"                }\n"
		"                ]\n"
		"            }\n"
		"            ]\n"
		"        }\n"
		"        ]\n"
		"    }\n"
		"    ]\n"
		"}\n");
}

/* destination pool all in XML, and the summary. */
Test(nat_display, destination_pool_and_summary_xml)
{
	build_pools();
	sfw_show_nat_dpools_junos(&dpools, true, SFW_DISPLAY_XML, out.f);
	assert_out(HEAD
		"    <destination-nat-pool-information " NS ">\n"
		"        <total-destination-nat-pools>\n"
		"            <total-destination-pools>1</total-destination-pools>\n"
		"        </total-destination-nat-pools>\n"
		"        <destination-nat-pool-entry>\n"
		"            <pool-name>D</pool-name>\n"
		"            <pool-id>1</pool-id>\n"
		"            <routing-instance-name>default</routing-instance-name>\n"
		"            <total-pool-address>1</total-pool-address>\n"
		"            <address-pool-hits>9</address-pool-hits>\n"
		"            <pool-address-range>\n"
		"                <address-range-low>192.0.2.10</address-range-low>\n"
		"                <address-range-high>192.0.2.10</address-range-high>\n"
		"                <address-port>80</address-port>\n"
		"            </pool-address-range>\n"
		"        </destination-nat-pool-entry>\n"
		"    </destination-nat-pool-information>\n"
		TAIL);
	reopen();
	build(true, NULL);
	sfw_show_nat_dsummary_junos(&rules, &dpools, SFW_DISPLAY_XML, out.f);
	assert_out(HEAD
		"    <destination-nat-summary-information " NS ">\n"
		"        <ssg-total-destination-pool-num>\n"
		"            <total-destination-summary-pools>1</total-destination-summary-pools>\n"
		"        </ssg-total-destination-pool-num>\n"
		"        <ssg-destination-pool-entry>\n"
		"            <ssg-destination-pool-name>D</ssg-destination-pool-name>\n"
		"            <ssg-destination-pool-address-range>192.0.2.10-192.0.2.10</ssg-destination-pool-address-range>\n"
		"            <ssg-destination-pool-routing-instance>default</ssg-destination-pool-routing-instance>\n"
		"            <ssg-destination-pool-port>80</ssg-destination-pool-port>\n"
		"            <ssg-destination-pool-total-address>1</ssg-destination-pool-total-address>\n"
		"        </ssg-destination-pool-entry>\n"
		"        <ssg-total-destination-rule-num>\n"
		"            <summary-total-destination-rules>1</summary-total-destination-rules>\n"
		"        </ssg-total-destination-rule-num>\n"
		"        <ssg-destination-rule-entry>\n"
		"            <ssg-destination-rule-name>web</ssg-destination-rule-name>\n"
		"            <ssg-destination-rule-set-name>DR</ssg-destination-rule-set-name>\n"
		"            <ssg-destination-rule-action>D</ssg-destination-rule-action>\n"
		"            <ssg-destination-rule-context-from>untrust</ssg-destination-rule-context-from>\n"
		"        </ssg-destination-rule-entry>\n"
		"    </destination-nat-summary-information>\n"
		TAIL);
}

/* static rule all: the totals (a rule's match and host prefix), then
 * the flat entry of real replies, its match and host prefix masked. */
Test(nat_display, static_rule_all_xml)
{
	build_type(sfw_nat_srules_build, NULL);
	sfw_show_nat_srules_junos(&rules, true, SFW_DISPLAY_XML, out.f);
	assert_out(HEAD
		"    <static-nat-rule-information " NS ">\n"
		"        <total-static-nat-rules>\n"
		"            <total-rules>2</total-rules>\n"
		"        </total-static-nat-rules>\n"
		"        <total-static-nat-rule-ref-addr-num>\n"
		"            <total-static-nat-rule-ref-addr-num-v4>4</total-static-nat-rule-ref-addr-num-v4>\n"
		"            <total-static-nat-rule-ref-addr-num-v6>0</total-static-nat-rule-ref-addr-num-v6>\n"
		"        </total-static-nat-rule-ref-addr-num>\n"
		"        <static-nat-rule-entry>\n"
		"            <rule-name>net</rule-name>\n"
		"            <rule-set-name>SR</rule-set-name>\n"
		"            <rule-id>1</rule-id>\n"
		"            <rule-matching-position>1</rule-matching-position>\n"
		"            <rule-from-context>zone</rule-from-context>\n"
		"            <rule-from-context-name>untrust</rule-from-context-name>\n"
		"            <rule-destination-address-prefix>203.0.113.128</rule-destination-address-prefix>\n"
		"            <rule-host-address-prefix>198.51.100.64</rule-host-address-prefix>\n"
		"            <rule-address-netmask>30</rule-address-netmask>\n"
		"            <rule-host-routing-instance>N/A</rule-host-routing-instance>\n"
		"            <rule-translation-hits>13</rule-translation-hits>\n"
		"            <succ-hits>11</succ-hits>\n"
		"            <concurrent-hits>1</concurrent-hits>\n"
		"        </static-nat-rule-entry>\n"
		"        <static-nat-rule-entry>\n"
		"            <rule-name>host</rule-name>\n"
		"            <rule-set-name>SR</rule-set-name>\n"
		"            <rule-id>2</rule-id>\n"
		"            <rule-matching-position>2</rule-matching-position>\n"
		"            <rule-from-context>zone</rule-from-context>\n"
		"            <rule-from-context-name>untrust</rule-from-context-name>\n"
		"            <rule-destination-address-prefix>203.0.113.20</rule-destination-address-prefix>\n"
		"            <rule-host-address-prefix>198.51.100.20</rule-host-address-prefix>\n"
		"            <rule-address-netmask>32</rule-address-netmask>\n"
		"            <rule-host-routing-instance>N/A</rule-host-routing-instance>\n"
		"            <rule-translation-hits>23</rule-translation-hits>\n"
		"            <succ-hits>21</succ-hits>\n"
		"            <concurrent-hits>2</concurrent-hits>\n"
		"        </static-nat-rule-entry>\n"
		"    </static-nat-rule-information>\n"
		TAIL);
}

/* static rule R in JSON: no totals, the same entry. */
Test(nat_display, static_rule_json)
{
	build_type(sfw_nat_srules_build, "host");
	sfw_show_nat_srules_junos(&rules, false, SFW_DISPLAY_JSON, out.f);
	assert_out("{\n"
		"    \"static-nat-rule-information\" : [\n"
		"    {\n"
		"        \"attributes\" : {\"xmlns\" : \"http://xml.juniper.net/junos/@/junos-nat\"},\n"
		"        \"static-nat-rule-entry\" : [\n"
		"        {\n"
		"            \"rule-name\" : [\n"
		"            {\n"
		"                \"data\" : \"host\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-set-name\" : [\n"
		"            {\n"
		"                \"data\" : \"SR\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-id\" : [\n"
		"            {\n"
		"                \"data\" : \"2\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-matching-position\" : [\n"
		"            {\n"
		"                \"data\" : \"2\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-from-context\" : [\n"
		"            {\n"
		"                \"data\" : \"zone\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-from-context-name\" : [\n"
		"            {\n"
		"                \"data\" : \"untrust\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-destination-address-prefix\" : [\n"
		"            {\n"
		"                \"data\" : \"203.0.113.20\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-host-address-prefix\" : [\n"
		"            {\n"
		"                \"data\" : \"198.51.100.20\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-address-netmask\" : [\n"
		"            {\n"
		"                \"data\" : \"32\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-host-routing-instance\" : [\n"
		"            {\n"
		"                \"data\" : \"N/A\"\n"
		"            }\n"
		"            ],\n"
		"            \"rule-translation-hits\" : [\n"
		"            {\n"
		"                \"data\" : \"23\"\n"
		"            }\n"
		"            ],\n"
		"            \"succ-hits\" : [\n"
		"            {\n"
		"                \"data\" : \"21\"\n"
		"            }\n"
		"            ],\n"
		"            \"concurrent-hits\" : [\n"
		"            {\n"
		"                \"data\" : \"2\"\n"
		"            }\n"
		"            ]\n"
		"        }\n"
		"        ]\n"
		"    }\n"
		"    ]\n"
		"}\n");
}

/* The checker itself: it refuses what a writer's slip would produce. */
Test(nat_display, xml_checker_refuses_broken_replies)
{
	cr_assert_null(xml_error("<a x=\"1\">\n    <b>t&amp;</b>\n</a>\n"));
	cr_assert_not_null(xml_error("<a>\n    <b>t</a>\n</b>\n"));
	cr_assert_not_null(xml_error("<a>\n    <b>t</b>\n"));
	cr_assert_not_null(xml_error("<a>x & y</a>"));
	cr_assert_not_null(xml_error("<a></a><b></b>"));
}
