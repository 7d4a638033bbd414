/* Golden output of show security flow session: every layout, text and
 * JSON, from crafted sessions at a fixed clock (UF_NOW_NS = 1000 s). */
#define _GNU_SOURCE   /* F_GETPIPE_SZ */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "flow_fixture.h"
#include "protocols.h"
#include "session_walk.h"

/* TCP over IPv4, opened by the lower address; policy 4, junos-ssh. */
static const struct uf_spec s_tcp = {
	.id = 217, .src = "192.0.2.10", .dst = "198.51.100.20", .sport = 61312,
	.dport = 22, .proto = SFW_IPPROTO_TCP, .if_in = 1, .if_out = UF_IF_GONE,
	.pkts_in = 7, .bytes_in = 1925, .pkts_out = 5, .bytes_out = 1865,
	.created_s = 900, .last_seen_s = 992, .timeout_s = 1800,
	.tcp_state = SFW_TCP_ESTABLISHED, .policy_id = 4,
};
/* ICMP echo: the identifier in the In wing's source port. */
static const struct uf_spec s_icmp = {
	.id = 218, .src = "192.0.2.10", .dst = "198.51.100.20", .sport = 4711,
	.dport = 0, .proto = SFW_IPPROTO_ICMP, .if_in = 1, .if_out = UF_IF_GONE,
	.pkts_in = 3, .bytes_in = 252, .pkts_out = 3, .bytes_out = 252,
	.created_s = 900, .last_seen_s = 998, .timeout_s = 60,
};
/* UDP over IPv6, opened by the higher address (key's hi side). */
static const struct uf_spec s_udp6 = {
	.id = 300, .src = "2001:db8:1::2", .dst = "2001:db8::1", .sport = 5353,
	.dport = 53, .proto = SFW_IPPROTO_UDP, .if_in = UF_IF_GONE, .if_out = 1,
	.pkts_in = 1, .bytes_in = 80, .pkts_out = 1, .bytes_out = 120,
	.created_s = 990, .last_seen_s = 990, .timeout_s = 60,
};
/* GRE (no name in the port sense; shows ports 0), ended: Invalidated. */
static const struct uf_spec s_gre_dead = {
	.id = 400, .src = "192.0.2.1", .dst = "192.0.2.2", .proto = SFW_IPPROTO_GRE,
	.if_in = 1, .if_out = 1, .pkts_in = 1, .bytes_in = 100,
	.created_s = 100, .last_seen_s = 100, .timeout_s = 1800,
	.state = SFW_SESS_INVALIDATED,
};
/* Idle past its timeout: listed as Invalidated with Timeout 0; summaries
 * count it by its state (Valid), as the datapath's counters do, until the
 * sweeper removes it. */
static const struct uf_spec s_expired = {
	.id = 401, .src = "192.0.2.3", .dst = "192.0.2.4", .sport = 1000,
	.dport = 2000, .proto = SFW_IPPROTO_UDP, .if_in = 1, .if_out = 1,
	.created_s = 800, .last_seen_s = 900, .timeout_s = 60,
};
/* Multicast destination, protocol with no Junos name (253). */
static const struct uf_spec s_mcast = {
	.id = 402, .src = "192.0.2.5", .dst = "239.1.1.1", .proto = 253,
	.if_in = 1, .created_s = 999, .last_seen_s = 999, .timeout_s = 1800,
};

static const char brief_tcp[] =
	"Session ID: 217, Policy name: policy-4/4, Timeout: 1792, Valid\n"
	"  In: 192.0.2.10/61312 --> 198.51.100.20/22;tcp, Conn Tag: 0x0, If: lo, Pkts: 7, Bytes: 1925,\n"
	"  Out: 198.51.100.20/22 --> 192.0.2.10/61312;tcp, Conn Tag: 0x0, If: 9999, Pkts: 5, Bytes: 1865,\n";
static const char brief_icmp[] =
	"Session ID: 218, Policy name: default-policy-logical-system-00/2, Timeout: 58, Valid\n"
	"  In: 192.0.2.10/4711 --> 198.51.100.20/0;icmp, Conn Tag: 0x0, If: lo, Pkts: 3, Bytes: 252,\n"
	"  Out: 198.51.100.20/0 --> 192.0.2.10/4711;icmp, Conn Tag: 0x0, If: 9999, Pkts: 3, Bytes: 252,\n";

static const char extensive_tcp[] =
	"Session ID: 217, Status: Normal\n"
	"Flags: 0x0/0x0/0x0/0x1\n"
	"Policy name: policy-4/4\n"
	"Source NAT pool: Null, Application: junos-ssh/5\n"
	"Dynamic application: junos:UNKNOWN,\n"
	"Encryption:  Unknown\n"
	"Application traffic control rule-set: INVALID, Rule: INVALID\n"
	"Maximum timeout: 1800, Current timeout: 1792\n"
	"Session State: Valid\n"
	"Start time: 900, Duration: 100\n"
	"   In: 192.0.2.10/61312 --> 198.51.100.20/22;tcp,\n"
	"    Conn Tag: 0x0, Interface: lo,\n"
	"    Session token: 0x0, Flag: 0x0\n"
	"    Route: 0x0, Gateway: , Tunnel: 0\n"
	"    Port sequence: 0, FIN sequence: 0,\n"
	"    FIN state: 0,\n"
	"    Pkts: 7, Bytes: 1925\n"
	"   Out: 198.51.100.20/22 --> 192.0.2.10/61312;tcp,\n"
	"    Conn Tag: 0x0, Interface: 9999,\n"
	"    Session token: 0x0, Flag: 0x0\n"
	"    Route: 0x0, Gateway: , Tunnel: 0\n"
	"    Port sequence: 0, FIN sequence: 0,\n"
	"    FIN state: 0,\n"
	"    Pkts: 5, Bytes: 1865\n"
	"TCP state: ESTABLISHED\n";

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

static void add(const struct uf_spec *s)
{
	cr_assert_eq(uf_add(map_fd, s), 0);
}

/* Run show with `f` (NULL: no filter) and return the output. */
static const char *show(struct uf_out *o, const struct sfw_filter *f,
			enum sfw_view_kind view, bool json)
{
	struct sfw_filter none = { 0 };

	uf_open(o, map_fd, json);
	cr_assert_eq(sfw_flow_show(&o->ctx, f ? f : &none, view), 0);
	return uf_text(o);
}

/* The brief view of session `id` alone is `want`. */
static void assert_brief_of(__u64 id, const char *want)
{
	struct sfw_filter f = { .mask = SFW_FLT_ID, .id = id };
	struct uf_out o;

	cr_assert_str_eq(show(&o, &f, SFW_VIEW_BRIEF, false), want);
	uf_free(&o);
}

/* Two sessions print in hash order: accept either. */
static void assert_two(const char *got, const char *a, const char *b, const char *tail)
{
	char ab[4096], ba[4096];

	snprintf(ab, sizeof(ab), "%s\n%s%s", a, b, tail);
	snprintf(ba, sizeof(ba), "%s\n%s%s", b, a, tail);
	cr_assert(!strcmp(got, ab) || !strcmp(got, ba), "got:\n%s", got);
}

TestSuite(flow_show, .init = setup, .fini = teardown);

Test(flow_show, empty_table)
{
	struct uf_out o;

	cr_assert_str_eq(show(&o, NULL, SFW_VIEW_BRIEF, false), "Total sessions: 0\n");
	uf_free(&o);
}

Test(flow_show, brief_two_sessions_blank_line_between)
{
	struct uf_out o;

	add(&s_tcp);
	add(&s_icmp);
	assert_two(show(&o, NULL, SFW_VIEW_BRIEF, false), brief_tcp, brief_icmp,
		   "Total sessions: 2\n");
	uf_free(&o);
}

/* source-nat interface (docs/nat.md "Shows and logs"): the Out wing
 * carries the translated reply tuple, the pool is `interface`, and the
 * `nat` filter lists translated sessions only. */
Test(flow_show, nat_session_shows_the_translation)
{
	struct sfw_filter nat = { .mask = SFW_FLT_NAT, .nat = true };
	struct sfw_session_key k;
	struct sfw_session s;
	struct uf_out o;

	add(&s_icmp);
	uf_build(&s_tcp, &k, &s);
	s.flags |= SFW_SESS_F_NAT;
	cr_assert_eq(inet_pton(AF_INET, "203.0.113.1", &s.nat.src), 1);
	cr_assert_eq(inet_pton(AF_INET, "198.51.100.20", &s.nat.dst), 1);
	s.nat.sport = htons(1024);
	s.nat.dport = htons(22);
	cr_assert_eq(bpf_map_update_elem(map_fd, &k, &s, BPF_ANY), 0);
	cr_assert_str_eq(show(&o, &nat, SFW_VIEW_BRIEF, false),
		"Session ID: 217, Policy name: policy-4/4, Timeout: 1792, Valid\n"
		"  In: 192.0.2.10/61312 --> 198.51.100.20/22;tcp, Conn Tag: 0x0, If: lo, Pkts: 7, Bytes: 1925,\n"
		"  Out: 198.51.100.20/22 --> 203.0.113.1/1024;tcp, Conn Tag: 0x0, If: 9999, Pkts: 5, Bytes: 1865,\n"
		"Total sessions: 1\n");
	uf_free(&o);
	cr_assert(strstr(show(&o, &nat, SFW_VIEW_EXTENSIVE, false),
			 "\nSource NAT pool: interface, Application: junos-ssh/5\n"), "%s", o.buf);
	uf_free(&o);
}

Test(flow_show, brief_ipv6_opened_by_high_side)
{
	struct uf_out o;

	add(&s_udp6);
	cr_assert_str_eq(show(&o, NULL, SFW_VIEW_BRIEF, false),
		"Session ID: 300, Policy name: default-policy-logical-system-00/2, Timeout: 50, Valid\n"
		"  In: 2001:db8:1::2/5353 --> 2001:db8::1/53;udp, Conn Tag: 0x0, If: 9999, Pkts: 1, Bytes: 80,\n"
		"  Out: 2001:db8::1/53 --> 2001:db8:1::2/5353;udp, Conn Tag: 0x0, If: lo, Pkts: 1, Bytes: 120,\n"
		"Total sessions: 1\n");
	uf_free(&o);
}

Test(flow_show, invalidated_and_unnamed_protocol)
{
	add(&s_gre_dead);
	add(&s_expired);
	add(&s_mcast);
	assert_brief_of(400,
		"Session ID: 400, Policy name: default-policy-logical-system-00/2, Timeout: 900, Invalidated\n"
		"  In: 192.0.2.1/0 --> 192.0.2.2/0;gre, Conn Tag: 0x0, If: lo, Pkts: 1, Bytes: 100,\n"
		"  Out: 192.0.2.2/0 --> 192.0.2.1/0;gre, Conn Tag: 0x0, If: lo, Pkts: 0, Bytes: 0,\n"
		"Total sessions: 1\n");
	assert_brief_of(401,
		"Session ID: 401, Policy name: default-policy-logical-system-00/2, Timeout: 0, Invalidated\n"
		"  In: 192.0.2.3/1000 --> 192.0.2.4/2000;udp, Conn Tag: 0x0, If: lo, Pkts: 0, Bytes: 0,\n"
		"  Out: 192.0.2.4/2000 --> 192.0.2.3/1000;udp, Conn Tag: 0x0, If: lo, Pkts: 0, Bytes: 0,\n"
		"Total sessions: 1\n");
	assert_brief_of(402,
		"Session ID: 402, Policy name: default-policy-logical-system-00/2, Timeout: 1799, Valid\n"
		"  In: 192.0.2.5/0 --> 239.1.1.1/0;253, Conn Tag: 0x0, If: lo, Pkts: 0, Bytes: 0,\n"
		"  Out: 239.1.1.1/0 --> 192.0.2.5/0;253, Conn Tag: 0x0, If: 0, Pkts: 0, Bytes: 0,\n"
		"Total sessions: 1\n");
}

/* The last second of a session's timeout (idle exactly 60 s at the
 * fixed clock) is one the datapath still takes packets in
 * (sfw_sess_expired_at): Timeout 0, yet Valid; a second later it is
 * Invalidated. Red when the view judged by the count alone. */
Test(flow_show, the_last_second_is_still_valid)
{
	struct uf_spec last = s_expired, gone = s_expired;

	last.id = 403;
	last.last_seen_s = 1000 - 60;
	gone.id = 404;
	gone.sport = 1001;
	gone.last_seen_s = 1000 - 61;
	add(&last);
	add(&gone);
	assert_brief_of(403,
		"Session ID: 403, Policy name: default-policy-logical-system-00/2, Timeout: 0, Valid\n"
		"  In: 192.0.2.3/1000 --> 192.0.2.4/2000;udp, Conn Tag: 0x0, If: lo, Pkts: 0, Bytes: 0,\n"
		"  Out: 192.0.2.4/2000 --> 192.0.2.3/1000;udp, Conn Tag: 0x0, If: lo, Pkts: 0, Bytes: 0,\n"
		"Total sessions: 1\n");
	assert_brief_of(404,
		"Session ID: 404, Policy name: default-policy-logical-system-00/2, Timeout: 0, Invalidated\n"
		"  In: 192.0.2.3/1001 --> 192.0.2.4/2000;udp, Conn Tag: 0x0, If: lo, Pkts: 0, Bytes: 0,\n"
		"  Out: 192.0.2.4/2000 --> 192.0.2.3/1001;udp, Conn Tag: 0x0, If: lo, Pkts: 0, Bytes: 0,\n"
		"Total sessions: 1\n");
}

Test(flow_show, extensive_tcp)
{
	struct uf_out o;
	char want[4096];

	add(&s_tcp);
	snprintf(want, sizeof(want), "%sTotal sessions: 1\n", extensive_tcp);
	cr_assert_str_eq(show(&o, NULL, SFW_VIEW_EXTENSIVE, false), want);
	uf_free(&o);
}

Test(flow_show, extensive_tcp_tracking_fields)
{
	struct uf_spec s = s_tcp;
	struct uf_out o;
	const char *got;

	s.tcp_state = SFW_TCP_FIN_WAIT;
	s.seq_end[0] = 1000;
	s.fin_seq[0] = 999;
	s.wing_flags[0] = SFW_WING_SEEN_SYN | SFW_WING_SEEN_FIN;
	s.seq_end[1] = 5000;
	s.wing_flags[1] = SFW_WING_SEEN_SYN | SFW_WING_SEEN_RST;
	add(&s);
	got = show(&o, NULL, SFW_VIEW_EXTENSIVE, false);
	cr_assert(strstr(got, "   In: 192.0.2.10/61312 --> 198.51.100.20/22;tcp,\n"
			 "    Conn Tag: 0x0, Interface: lo,\n"
			 "    Session token: 0x0, Flag: 0x3\n"
			 "    Route: 0x0, Gateway: , Tunnel: 0\n"
			 "    Port sequence: 1000, FIN sequence: 999,\n"
			 "    FIN state: 1,\n"), "%s", got);
	cr_assert(strstr(got, "    Session token: 0x0, Flag: 0x5\n"
			 "    Route: 0x0, Gateway: , Tunnel: 0\n"
			 "    Port sequence: 5000, FIN sequence: 0,\n"
			 "    FIN state: 3,\n"), "%s", got);
	cr_assert(strstr(got, "TCP state: FIN_WAIT\nTotal sessions: 1\n"), "%s", got);
	uf_free(&o);
}

Test(flow_show, extensive_no_application_no_tcp_line)
{
	struct uf_spec s = s_udp6;
	struct uf_out o;
	const char *got;

	s.dport = 9999;
	add(&s);
	got = show(&o, NULL, SFW_VIEW_EXTENSIVE, false);
	cr_assert(strstr(got, "Policy name: default-policy-logical-system-00/2\n"
			 "Source NAT pool: Null\n"
			 "Dynamic application: junos:UNKNOWN,\n"), "%s", got);
	cr_assert_null(strstr(got, "TCP state"));
	cr_assert(strstr(got, "    Pkts: 1, Bytes: 120\nTotal sessions: 1\n"), "%s", got);
	uf_free(&o);
}

Test(flow_show, session_identifier_found_and_unknown)
{
	struct sfw_filter f = { .mask = SFW_FLT_ID, .id = 217 };
	struct uf_out o;
	char want[4096];

	add(&s_tcp);
	add(&s_icmp);
	snprintf(want, sizeof(want), "%sTotal sessions: 1\n", extensive_tcp);
	cr_assert_str_eq(show(&o, &f, SFW_VIEW_EXTENSIVE, false), want);
	uf_free(&o);
	f.id = 12345;
	cr_assert_str_eq(show(&o, &f, SFW_VIEW_EXTENSIVE, false), "Total sessions: 0\n");
	uf_free(&o);
}

/* Configuration takes names of 63 characters: every view shows them whole. */
Test(flow_show, policy_name_of_63_characters_whole)
{
	struct sfw_filter id = { .mask = SFW_FLT_ID, .id = 217 };
	struct uf_out o;

	cr_assert_eq(uf_name(SFW_NAME_POLICY, 4, UF_LONG_POLICY), 0);
	add(&s_tcp);
	cr_assert(strstr(show(&o, NULL, SFW_VIEW_BRIEF, false),
			 "Session ID: 217, Policy name: " UF_LONG_POLICY "/4, Timeout: 1792, Valid\n"),
		  "%s", o.buf);
	uf_free(&o);
	cr_assert(strstr(show(&o, NULL, SFW_VIEW_EXTENSIVE, false),
			 "\nPolicy name: " UF_LONG_POLICY "/4\nSource NAT pool"), "%s", o.buf);
	uf_free(&o);
	cr_assert(strstr(show(&o, &id, SFW_VIEW_EXTENSIVE, false),
			 "\nPolicy name: " UF_LONG_POLICY "/4\nSource NAT pool"), "%s", o.buf);
	uf_free(&o);
	cr_assert(strstr(show(&o, NULL, SFW_VIEW_BRIEF, true),
			 "\"policy\": \"" UF_LONG_POLICY "\",\n"), "%s", o.buf);
	uf_free(&o);
}

Test(flow_show, extensive_two_sessions)
{
	struct uf_spec b = s_tcp;
	struct uf_out o;
	char a_txt[4096], b_txt[4096];
	char *p;

	b.id = 219;
	b.sport = 61313;
	add(&s_tcp);
	add(&b);
	snprintf(a_txt, sizeof(a_txt), "%s", extensive_tcp);
	snprintf(b_txt, sizeof(b_txt), "%s", extensive_tcp);
	/* The second block differs in its id and source port only. */
	p = strstr(b_txt, "217");
	memcpy(p, "219", 3);
	while ((p = strstr(b_txt, "61312")))
		memcpy(p, "61313", 5);
	assert_two(show(&o, NULL, SFW_VIEW_EXTENSIVE, false), a_txt, b_txt,
		   "Total sessions: 2\n");
	uf_free(&o);
}

static void add_summary_set(void)
{
	add(&s_tcp);
	add(&s_icmp);
	add(&s_gre_dead);
	add(&s_expired);
	add(&s_mcast);
}

Test(flow_show, summary_unfiltered)
{
	struct sfw_filter none = { 0 };
	struct uf_out o;

	add_summary_set();
	uf_open(&o, map_fd, false);
	o.ctx.failed_sessions = 7;
	cr_assert_eq(sfw_flow_show(&o.ctx, &none, SFW_VIEW_SUMMARY), 0);
	cr_assert_str_eq(uf_text(&o),
		"Unicast-sessions: 4\n"
		"Multicast-sessions: 1\n"
		"Services-offload-sessions: 0\n"
		"Failed-sessions: 7\n"
		"Sessions-in-drop-flow: 0\n"
		"Sessions-in-use: 5\n"
		"  Valid sessions: 4\n"
		"  Pending sessions: 0\n"
		"  Invalidated sessions: 1\n"
		"  Sessions in other states: 0\n"
		"Maximum-sessions: 1024\n");
	uf_free(&o);
}

Test(flow_show, summary_filtered)
{
	struct sfw_filter f = { .mask = SFW_FLT_PROTO, .proto = SFW_IPPROTO_UDP };
	struct uf_out o;

	add_summary_set();
	cr_assert_str_eq(show(&o, &f, SFW_VIEW_SUMMARY, false),
		"Valid sessions: 1\n"
		"Pending sessions: 0\n"
		"Invalidated sessions: 0\n"
		"Sessions in other states: 0\n"
		"Total sessions: 1\n");
	uf_free(&o);
}

Test(flow_show, json_list)
{
	struct sfw_filter f = { .mask = SFW_FLT_PROTO, .proto = SFW_IPPROTO_ICMP };
	struct uf_out o;

	add(&s_tcp);
	add(&s_icmp);
	cr_assert_str_eq(show(&o, &f, SFW_VIEW_BRIEF, true),
		"{\n"
		"  \"flow-session-information\": {\n"
		"    \"flow-session\": [\n"
		"      {\n"
		"        \"session-identifier\": 218,\n"
		"        \"status\": \"Normal\",\n"
		"        \"policy\": \"default-policy-logical-system-00\",\n"
		"        \"policy-index\": 2,\n"
		"        \"application-name\": \"junos-icmp-ping\",\n"
		"        \"configured-timeout\": 60,\n"
		"        \"timeout\": 58,\n"
		"        \"sess-state\": \"Valid\",\n"
		"        \"start-time\": 900,\n"
		"        \"duration\": 100,\n"
		"        \"flow-information\": [\n"
		"          {\n"
		"            \"direction\": \"In\",\n"
		"            \"source-address\": \"192.0.2.10\",\n"
		"            \"source-port\": 4711,\n"
		"            \"destination-address\": \"198.51.100.20\",\n"
		"            \"destination-port\": 0,\n"
		"            \"protocol\": \"icmp\",\n"
		"            \"protocol-number\": 1,\n"
		"            \"interface-name\": \"lo\",\n"
		"            \"pkt-cnt\": 3,\n"
		"            \"byte-cnt\": 252\n"
		"          },\n"
		"          {\n"
		"            \"direction\": \"Out\",\n"
		"            \"source-address\": \"198.51.100.20\",\n"
		"            \"source-port\": 0,\n"
		"            \"destination-address\": \"192.0.2.10\",\n"
		"            \"destination-port\": 4711,\n"
		"            \"protocol\": \"icmp\",\n"
		"            \"protocol-number\": 1,\n"
		"            \"interface-name\": \"9999\",\n"
		"            \"pkt-cnt\": 3,\n"
		"            \"byte-cnt\": 252\n"
		"          }\n"
		"        ]\n"
		"      }\n"
		"    ],\n"
		"    \"displayed-session-count\": 1\n"
		"  }\n"
		"}\n");
	uf_free(&o);
}

Test(flow_show, json_empty_list)
{
	struct uf_out o;

	cr_assert_str_eq(show(&o, NULL, SFW_VIEW_BRIEF, true),
		"{\n"
		"  \"flow-session-information\": {\n"
		"    \"flow-session\": [],\n"
		"    \"displayed-session-count\": 0\n"
		"  }\n"
		"}\n");
	uf_free(&o);
}

Test(flow_show, json_extensive_tcp_extras)
{
	struct sfw_filter f = { .mask = SFW_FLT_ID, .id = 217 };
	struct uf_out o;
	const char *got;

	add(&s_tcp);
	got = show(&o, &f, SFW_VIEW_EXTENSIVE, true);
	cr_assert(strstr(got, "        \"application-name\": \"junos-ssh\",\n"), "%s", got);
	cr_assert(strstr(got, "        \"tcp-state\": \"ESTABLISHED\",\n"
			 "        \"synced-from-peer\": false,\n"
			 "        \"flow-information\": [\n"), "%s", got);
	cr_assert(strstr(got, "            \"byte-cnt\": 1925,\n"
			 "            \"port-sequence\": 0,\n"
			 "            \"fin-sequence\": 0,\n"
			 "            \"fin-state\": 0\n"), "%s", got);
	uf_free(&o);
}

Test(flow_show, json_summary_unfiltered_and_filtered)
{
	struct sfw_filter f = { .mask = SFW_FLT_FAMILY, .family = SFW_FAMILY_INET6 };
	struct uf_out o;

	add_summary_set();
	add(&s_udp6);
	cr_assert_str_eq(show(&o, NULL, SFW_VIEW_SUMMARY, true),
		"{\n"
		"  \"flow-session-summary-information\": {\n"
		"    \"active-unicast-sessions\": 5,\n"
		"    \"active-multicast-sessions\": 1,\n"
		"    \"active-services-offload-sessions\": 0,\n"
		"    \"failed-sessions\": 0,\n"
		"    \"active-drop-sessions\": 0,\n"
		"    \"active-sessions\": 6,\n"
		"    \"active-session-valid\": 5,\n"
		"    \"active-session-pending\": 0,\n"
		"    \"active-session-invalidated\": 1,\n"
		"    \"active-session-other\": 0,\n"
		"    \"max-sessions\": 1024\n"
		"  }\n"
		"}\n");
	uf_free(&o);
	cr_assert_str_eq(show(&o, &f, SFW_VIEW_SUMMARY, true),
		"{\n"
		"  \"flow-session-summary-information\": {\n"
		"    \"active-sessions\": 1,\n"
		"    \"active-session-valid\": 1,\n"
		"    \"active-session-pending\": 0,\n"
		"    \"active-session-invalidated\": 0,\n"
		"    \"active-session-other\": 0\n"
		"  }\n"
		"}\n");
	uf_free(&o);
}

/* The portable walk prints exactly what the batched one prints. */
Test(flow_show, fallback_walk_same_output)
{
	struct uf_out a, b;
	char *batched;

	add_summary_set();
	add(&s_udp6);
	batched = strdup(show(&a, NULL, SFW_VIEW_EXTENSIVE, false));
	sfw_walk_no_batch = true;
	cr_assert_str_eq(show(&b, NULL, SFW_VIEW_EXTENSIVE, false), batched);
	sfw_walk_no_batch = false;
	free(batched);
	uf_free(&a);
	uf_free(&b);
}

/* More sessions than one batch holds: every one is listed once. */
Test(flow_show, many_sessions_span_batches)
{
	const int n = SFW_WALK_BATCH * 2 + 123;
	struct sfw_filter none = { 0 };
	struct uf_out o;
	int fd, i;

	fd = uf_map((__u32)n);
	cr_assert_geq(fd, 0);
	for (i = 0; i < n; i++) {
		struct uf_spec s = s_tcp;

		s.id = (__u64)i + 1;
		s.sport = (__u16)(1024 + i % 60000);
		s.dport = (__u16)(1 + i / 60000);
		cr_assert_eq(uf_add(fd, &s), 0);
	}
	uf_open(&o, fd, false);
	cr_assert_eq(sfw_flow_show(&o.ctx, &none, SFW_VIEW_SUMMARY), 0);
	cr_assert(strstr(uf_text(&o), "Sessions-in-use: 8315\n"), "%s", uf_text(&o));
	uf_free(&o);
	close(fd);
}

/* A listing written into a pipe gets a 1 MiB pipe buffer (cli/core/obuf.h
 * sfw_ob_widen_pipe); the summary, a few lines, leaves the pipe as it is. */
static int pipe_size_after(enum sfw_view_kind view)
{
	struct sfw_filter none = { 0 };
	struct sfw_flow_ctx ctx;
	int p[2], size;
	FILE *f;

	cr_assert_eq(pipe(p), 0);
	cr_assert_gt(fcntl(p[1], F_SETPIPE_SZ, 65536), 0);
	f = fdopen(p[1], "w");
	cr_assert(f);
	sfw_flow_ctx_init(&ctx, map_fd, f, false);
	ctx.now_ns = UF_NOW_NS;
	cr_assert_eq(sfw_flow_show(&ctx, &none, view), 0);
	size = fcntl(p[0], F_GETPIPE_SZ);
	fclose(f);
	close(p[0]);
	return size;
}

Test(flow_show, a_listing_into_a_pipe_widens_it)
{
	add(&s_tcp);
	cr_assert_eq(pipe_size_after(SFW_VIEW_BRIEF), SFW_OBUF_PIPE_SIZE);
	cr_assert_eq(pipe_size_after(SFW_VIEW_SUMMARY), 65536);
}
