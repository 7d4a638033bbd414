/* Golden `| display xml` and `| display json` of show security flow
 * session (cli/session/format_junos.c): the element tree of real devices'
 * replies (tests/fixtures/junos/), from crafted sessions at a fixed clock. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "flow_fixture.h"
#include "protocols.h"

/* TCP over IPv4 with an application (junos-ssh), policy 4. */
static const struct uf_spec s_tcp = {
	.id = 217, .src = "192.0.2.10", .dst = "198.51.100.20", .sport = 61312,
	.dport = 22, .proto = SFW_IPPROTO_TCP, .if_in = 1, .if_out = UF_IF_GONE,
	.pkts_in = 7, .bytes_in = 1925, .pkts_out = 5, .bytes_out = 1865,
	.created_s = 900, .last_seen_s = 992, .timeout_s = 1800,
	.tcp_state = SFW_TCP_ESTABLISHED, .policy_id = 4,
};
/* UDP over IPv6 without an application, ended: Invalidated. */
static const struct uf_spec s_udp6 = {
	.id = 300, .src = "2001:db8:1::2", .dst = "2001:db8::1", .sport = 5353,
	.dport = 5354, .proto = SFW_IPPROTO_UDP, .if_in = UF_IF_GONE, .if_out = 1,
	.pkts_in = 1, .bytes_in = 80, .created_s = 990, .last_seen_s = 990,
	.timeout_s = 60, .state = SFW_SESS_INVALIDATED,
};

static int map_fd = -1;

static void setup(void)
{
	map_fd = uf_map(1024);
	cr_assert_geq(map_fd, 0, "bpf_map_create: %s", strerror(-map_fd));
}

static void teardown(void)
{
	close(map_fd);
	uf_names_free();
}

static const char *show(struct uf_out *o, const struct sfw_filter *f,
			enum sfw_view_kind view, enum sfw_display form)
{
	struct sfw_filter none = { 0 };

	uf_open(o, map_fd, false);
	o->ctx.display = form;
	cr_assert_eq(sfw_flow_show(&o->ctx, f ? f : &none, view), 0);
	return uf_text(o);
}

/* The expected text with every "@" replaced by sfw's release. */
static char *with_release(const char *tmpl)
{
	size_t n = strlen(tmpl) + 1, rl = strlen(sfw_release);
	char *out, *p;

	for (const char *t = tmpl; *t; t++)
		n += *t == '@' ? rl : 0;
	out = p = malloc(n);
	cr_assert(out);
	for (; *tmpl; tmpl++) {
		if (*tmpl == '@')
			p = stpcpy(p, sfw_release);
		else
			*p++ = *tmpl;
	}
	*p = 0;
	return out;
}

static void assert_out(const char *got, const char *tmpl)
{
	char *want = with_release(tmpl);

	cr_assert_str_eq(got, want);
	free(want);
}

TestSuite(flow_display, .init = setup, .fini = teardown);

static void add(const struct uf_spec *spec)
{
	cr_assert_eq(uf_add(map_fd, spec), 0);
}

/* Built-in policies under the names and indexes real replies carry
 * (`default-policy-logical-system-00/2`, `self-traffic-policy/1`), in XML
 * and in the JSON derived from it. */
Test(flow_display, builtin_policy_names)
{
	struct uf_spec host = s_tcp;
	struct sfw_filter f = { .mask = SFW_FLT_ID, .id = 300 };
	struct uf_out o;
	const char *got;

	host.policy_id = SFW_POLICY_ID_HOST_INBOUND;
	add(&host);
	add(&s_udp6);
	got = show(&o, &f, SFW_VIEW_BRIEF, SFW_DISPLAY_XML);
	cr_assert(strstr(got, "<policy>default-policy-logical-system-00/2</policy>\n"), "%s", got);
	uf_free(&o);
	f.id = 217;
	got = show(&o, &f, SFW_VIEW_BRIEF, SFW_DISPLAY_JSON);
	cr_assert(strstr(got, "\"policy\" : [\n"
				"            {\n"
				"                \"data\" : \"self-traffic-policy/1\"\n"), "%s", got);
	uf_free(&o);
}

/* The element tree of tests/fixtures/junos/flow-session-brief.xml, with
 * application-name/-value where flow-session-application.xml has them. */
Test(flow_display, xml_brief_session)
{
	struct sfw_filter f = { .mask = SFW_FLT_ID, .id = 217 };
	struct uf_out o;

	add(&s_tcp);
	add(&s_udp6);
	assert_out(show(&o, &f, SFW_VIEW_BRIEF, SFW_DISPLAY_XML),
		"<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/@/junos\">\n"
		"    <flow-session-information xmlns=\"http://xml.juniper.net/junos/@/junos-flow\">\n"
		"        <flow-session junos:style=\"brief\">\n"
		"            <session-identifier>217</session-identifier>\n"
		"            <status>Normal</status>\n"
		"            <session-flag>0x0/0x0/0x0/0x1</session-flag>\n"
		"            <policy>policy-4/4</policy>\n"
		"            <nat-source-pool-name>Null</nat-source-pool-name>\n"
		"            <application-name>junos-ssh</application-name>\n"
		"            <application-value>5</application-value>\n"
		"            <dynamic-application-name>junos:UNKNOWN</dynamic-application-name>\n"
		"            <encryption-traffic-name> Unknown</encryption-traffic-name>\n"
		"            <application-traffic-control-rule-set-name>INVALID</application-traffic-control-rule-set-name>\n"
		"            <application-traffic-control-rule-name>INVALID</application-traffic-control-rule-name>\n"
		"            <configured-timeout>1800</configured-timeout>\n"
		"            <timeout>1792</timeout>\n"
		"            <sess-state>Valid</sess-state>\n"
		"            <start-time>900</start-time>\n"
		"            <duration>100</duration>\n"
		"            <flow-information junos:style=\"brief\">\n"
		"                <direction>In</direction>\n"
		"                <source-address>192.0.2.10</source-address>\n"
		"                <source-port>61312</source-port>\n"
		"                <destination-address>198.51.100.20</destination-address>\n"
		"                <destination-port>22</destination-port>\n"
		"                <protocol>tcp</protocol>\n"
		"                <conn-tag>0x0</conn-tag>\n"
		"                <interface-name>lo</interface-name>\n"
		"                <session-token>0x0</session-token>\n"
		"                <flag>0x0</flag>\n"
		"                <route>0x0</route>\n"
		"                <tunnel-information>0</tunnel-information>\n"
		"                <port-sequence>0</port-sequence>\n"
		"                <fin-sequence>0</fin-sequence>\n"
		"                <fin-state>0</fin-state>\n"
		"                <pkt-cnt>7</pkt-cnt>\n"
		"                <byte-cnt>1925</byte-cnt>\n"
		"            </flow-information>\n"
		"            <flow-information junos:style=\"brief\">\n"
		"                <direction>Out</direction>\n"
		"                <source-address>198.51.100.20</source-address>\n"
		"                <source-port>22</source-port>\n"
		"                <destination-address>192.0.2.10</destination-address>\n"
		"                <destination-port>61312</destination-port>\n"
		"                <protocol>tcp</protocol>\n"
		"                <conn-tag>0x0</conn-tag>\n"
		"                <interface-name>9999</interface-name>\n"
		"                <session-token>0x0</session-token>\n"
		"                <flag>0x0</flag>\n"
		"                <route>0x0</route>\n"
		"                <tunnel-information>0</tunnel-information>\n"
		"                <port-sequence>0</port-sequence>\n"
		"                <fin-sequence>0</fin-sequence>\n"
		"                <fin-state>0</fin-state>\n"
		"                <pkt-cnt>5</pkt-cnt>\n"
		"                <byte-cnt>1865</byte-cnt>\n"
		"            </flow-information>\n"
		"        </flow-session>\n"
		"        <displayed-session-count>1</displayed-session-count>\n"
		"    </flow-session-information>\n"
		"    <cli>\n"
		"        <banner></banner>\n"
		"    </cli>\n"
		"</rpc-reply>\n");
	uf_free(&o);
}

/* extensive: the same elements, junos:style "extensive"; no application:
 * no application-name or -value */
Test(flow_display, json_extensive_session)
{
	static const char head[] =
		"{\n"
		"    \"flow-session-information\" : [\n"
		"    {\n"
		"        \"attributes\" : {\"xmlns\" : \"http://xml.juniper.net/junos/";
	struct sfw_filter f = { .mask = SFW_FLT_ID, .id = 300 };
	struct uf_out o;
	const char *got;

	add(&s_udp6);
	got = show(&o, &f, SFW_VIEW_EXTENSIVE, SFW_DISPLAY_JSON);
	cr_assert(!strncmp(got, head, sizeof(head) - 1), "%s", got);
	cr_assert(strstr(got,
		"        \"flow-session\" : [\n"
		"        {\n"
		"            \"attributes\" : {\"junos:style\" : \"extensive\"},\n"
		"            \"session-identifier\" : [\n"
		"            {\n"
		"                \"data\" : \"300\"\n"
		"            }\n"
		"            ],\n"
		"            \"status\" : [\n"), "%s", got);
	cr_assert(strstr(got,
		"            \"sess-state\" : [\n"
		"            {\n"
		"                \"data\" : \"Invalidated\"\n"
		"            }\n"
		"            ],\n"), "%s", got);
	/* the two wings: one array of two objects */
	cr_assert(strstr(got,
		"                \"byte-cnt\" : [\n"
		"                {\n"
		"                    \"data\" : \"80\"\n"
		"                }\n"
		"                ]\n"
		"            },\n"
		"            {\n"
		"                \"attributes\" : {\"junos:style\" : \"extensive\"},\n"
		"                \"direction\" : [\n"
		"                {\n"
		"                    \"data\" : \"Out\"\n"), "%s", got);
	cr_assert_null(strstr(got, "\"application-name\""));
	cr_assert_null(strstr(got, "\"application-value\""));
	cr_assert(strstr(got,
		"        ],\n"
		"        \"displayed-session-count\" : [\n"
		"        {\n"
		"            \"data\" : \"1\"\n"
		"        }\n"
		"        ]\n"
		"    }\n"
		"    ]\n"
		"}\n"), "%s", got);
	uf_free(&o);
}

Test(flow_display, empty_table_both_forms)
{
	struct uf_out o;

	assert_out(show(&o, NULL, SFW_VIEW_BRIEF, SFW_DISPLAY_XML),
		"<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/@/junos\">\n"
		"    <flow-session-information xmlns=\"http://xml.juniper.net/junos/@/junos-flow\">\n"
		"        <displayed-session-count>0</displayed-session-count>\n"
		"    </flow-session-information>\n"
		"    <cli>\n"
		"        <banner></banner>\n"
		"    </cli>\n"
		"</rpc-reply>\n");
	uf_free(&o);
	assert_out(show(&o, NULL, SFW_VIEW_BRIEF, SFW_DISPLAY_JSON),
		"{\n"
		"    \"flow-session-information\" : [\n"
		"    {\n"
		"        \"attributes\" : {\"xmlns\" : \"http://xml.juniper.net/junos/@/junos-flow\"},\n"
		"        \"displayed-session-count\" : [\n"
		"        {\n"
		"            \"data\" : \"0\"\n"
		"        }\n"
		"        ]\n"
		"    }\n"
		"    ]\n"
		"}\n");
	uf_free(&o);
}

/* tests/fixtures/junos/flow-session-summary.xml's shape */
Test(flow_display, xml_summary_whole_table)
{
	struct uf_out o;

	add(&s_tcp);
	add(&s_udp6);
	assert_out(show(&o, NULL, SFW_VIEW_SUMMARY, SFW_DISPLAY_XML),
		"<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/@/junos\">\n"
		"    <flow-session-information xmlns=\"http://xml.juniper.net/junos/@/junos-flow\">\n"
		"    </flow-session-information>\n"
		"    <flow-session-summary-information xmlns=\"http://xml.juniper.net/junos/@/junos-flow\">\n"
		"        <active-unicast-sessions>2</active-unicast-sessions>\n"
		"        <active-multicast-sessions>0</active-multicast-sessions>\n"
		"        <failed-sessions>0</failed-sessions>\n"
		"        <active-sessions>2</active-sessions>\n"
		"        <active-session-valid>1</active-session-valid>\n"
		"        <active-session-pending>0</active-session-pending>\n"
		"        <active-session-invalidated>1</active-session-invalidated>\n"
		"        <active-session-other>0</active-session-other>\n"
		"        <max-sessions>1024</max-sessions>\n"
		"    </flow-session-summary-information>\n"
		"    <flow-session-information xmlns=\"http://xml.juniper.net/junos/@/junos-flow\">\n"
		"    </flow-session-information>\n"
		"    <cli>\n"
		"        <banner></banner>\n"
		"    </cli>\n"
		"</rpc-reply>\n");
	uf_free(&o);
}

/* tests/fixtures/junos/flow-session-summary-filtered.xml's shape */
Test(flow_display, json_summary_filtered)
{
	struct sfw_filter f = { .mask = SFW_FLT_ID, .id = 300 };
	struct uf_out o;

	add(&s_tcp);
	add(&s_udp6);
	assert_out(show(&o, &f, SFW_VIEW_SUMMARY, SFW_DISPLAY_JSON),
		"{\n"
		"    \"security-flow-information\" : [\n"
		"    {\n"
		"        \"flow-session-information\" : [\n"
		"        {\n"
		"            \"displayed-session-valid\" : [\n"
		"            {\n"
		"                \"data\" : \"0\"\n"
		"            }\n"
		"            ],\n"
		"            \"displayed-session-pending\" : [\n"
		"            {\n"
		"                \"data\" : \"0\"\n"
		"            }\n"
		"            ],\n"
		"            \"displayed-session-invalidated\" : [\n"
		"            {\n"
		"                \"data\" : \"1\"\n"
		"            }\n"
		"            ],\n"
		"            \"displayed-session-other\" : [\n"
		"            {\n"
		"                \"data\" : \"0\"\n"
		"            }\n"
		"            ],\n"
		"            \"displayed-session-count\" : [\n"
		"            {\n"
		"                \"data\" : \"1\"\n"
		"            }\n"
		"            ]\n"
		"        }\n"
		"        ]\n"
		"    }\n"
		"    ]\n"
		"}\n");
	uf_free(&o);
}
