/* show security match-policies: its grammar (every option, abbreviated,
 * addresses without a length, none missing) and its layouts, text and
 * JSON, for each outcome of the lookup on the shared test configuration. */
#include <arpa/inet.h>
#include "commands.h"
#include "flow_fixture.h"
#include "match.h"
#include "policy_show.h"
#include "policy_test_conf.h"
#include "protocols.h"
#include "test_conf.h"

#define Z_TRUST 1
#define Z_UNTRUST 2
#define Z_DMZ 3           /* only with DMZ_CONF */
#define DMZ_CONF POLICY_TEST_CONF "set security zones security-zone dmz interfaces veth3\n"
#define LINE "show security match-policies from-zone trust to-zone untrust " \
	"source-ip 198.51.100.2 destination-ip 203.0.113.5 source-port 40000 " \
	"destination-port 80 protocol tcp"

static struct sfw_conf conf;
static struct cap out;
static struct sfw_cmdline cl;
static struct uf_parse p;

static void setup(void)
{
	conf_test_parse_ok(&conf, POLICY_TEST_CONF);
	cap_open(&out);
}

static void teardown(void)
{
	cap_free(&out);
	sfw_conf_free(&conf);
	uf_parse_free(&p);
}

TestSuite(match_policies, .init = setup, .fini = teardown);

/* The lookup of one IPv4 packet between two zones, laid out. */
static const char *lookup(int from, int to, const char *src, const char *dst, __u8 proto,
			  __u16 dport, bool json)
{
	struct sfw_match_pkt pkt = { .family = SFW_FAMILY_INET, .proto = proto, .sport = 40000,
				     .dport = dport, .icmp_type = 8 };
	struct sfw_match_result res;

	inet_pton(AF_INET, src, &pkt.src);
	inet_pton(AF_INET, dst, &pkt.dst);
	sfw_policy_match(&conf, from, to, &pkt, &res);
	if (json)
		sfw_show_match_json(&conf, "from", "to", &res, out.f);
	else
		sfw_show_match_text(&conf, &res, out.f);
	return cap_text(&out);
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The configured policy: the detail block without its Scope Policy. */
Test(match_policies, configured_policy_layout)
{
	cr_assert_str_eq(lookup(Z_TRUST, Z_UNTRUST, "198.51.100.2", "203.0.113.5",
				SFW_IPPROTO_TCP, 8080, false),
		"Policy: allow-web, action-type: permit, State: enabled, Index: 7920\n"
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

/* The first match wins: outside allow-web's servers, deny-rest (2nd). */
Test(match_policies, first_match_and_its_sequence_number)
{
	const char *got = lookup(Z_TRUST, Z_UNTRUST, "198.51.100.2", "192.0.2.9",
				 SFW_IPPROTO_TCP, 80, false);

	cr_assert(starts(got, "Policy: deny-rest, action-type: reject, State: enabled, "
			 "Index: 4719\n  Policy Type: Configured\n  Sequence number: 2\n"), "%s", got);
}

Test(match_policies, global_policy_shows_its_zones)
{
	const char *got;

	sfw_conf_free(&conf);
	conf_test_parse_ok(&conf, DMZ_CONF);
	got = lookup(Z_TRUST, Z_DMZ, "198.51.100.2", "192.0.2.9", SFW_IPPROTO_ICMP, 0, false);
	cr_assert(starts(got, "Policy: ping-all, action-type: permit, State: enabled, Index: 3178\n"
			 "  Policy Type: Configured\n  Sequence number: 1\n"
			 "  From zones: trust\n  To zones: any\n"), "%s", got);
}

/* No policy: the default policy's head line, with the default's word. */
Test(match_policies, default_policy)
{
	cr_assert_str_eq(lookup(Z_UNTRUST, Z_TRUST, "203.0.113.5", "198.51.100.2",
				SFW_IPPROTO_TCP, 80, false),
		"Policy: Default-Policy, action-type: deny-all, State: enabled, Index: 2\n");
}

/* Towards junos-host, the zone's host-inbound services (trust: ping). */
Test(match_policies, host_inbound_traffic)
{
	cr_assert_str_eq(lookup(Z_TRUST, SFW_ZONE_HOST, "198.51.100.2", "198.51.100.1",
				SFW_IPPROTO_ICMP, 0, false),
		"Policy: self-traffic-policy, action-type: permit, State: enabled, Index: 1\n");
}

/* From junos-host: the host's own traffic, which the datapath opens
 * without a policy lookup (review diffpol, F1): self-traffic-policy, not
 * the default policy's deny-all. */
Test(match_policies, from_junos_host_is_self_traffic)
{
	cr_assert_str_eq(lookup(SFW_ZONE_HOST, Z_UNTRUST, "203.0.113.1", "203.0.113.5",
				SFW_IPPROTO_TCP, 22, false),
		"Policy: self-traffic-policy, action-type: permit, State: enabled, Index: 1\n");
}

Test(match_policies, json_configured)
{
	const char *got = lookup(Z_TRUST, Z_UNTRUST, "198.51.100.2", "203.0.113.5",
				 SFW_IPPROTO_TCP, 80, true);

	cr_assert(starts(got, "{\n"
			   "  \"security-match-policies\": {\n"
			   "    \"context-information\": {\n"
			   "      \"source-zone-name\": \"from\",\n"
			   "      \"destination-zone-name\": \"to\"\n"
			   "    },\n"
			   "    \"policy-type\": \"configured\",\n"
			   "    \"policy-information\": {\n"
			   "      \"policy-name\": \"allow-web\",\n"
			   "      \"policy-state\": \"enabled\",\n"
			   "      \"policy-identifier\": 7920,\n"
			   "      \"scope-policy-identifier\": 0,\n"
			   "      \"policy-sequence-number\": 1,\n"), "%s", got);
	cr_assert(strstr(got, "\"address-name\": \"web-servers\",\n"), "%s", got);
}

Test(match_policies, json_default)
{
	cr_assert_str_eq(lookup(Z_UNTRUST, Z_TRUST, "203.0.113.5", "198.51.100.2",
				SFW_IPPROTO_TCP, 80, true),
		"{\n"
		"  \"security-match-policies\": {\n"
		"    \"context-information\": {\n"
		"      \"source-zone-name\": \"from\",\n"
		"      \"destination-zone-name\": \"to\"\n"
		"    },\n"
		"    \"policy-type\": \"default\",\n"
		"    \"policy-information\": {\n"
		"      \"policy-name\": \"Default-Policy\",\n"
		"      \"policy-state\": \"enabled\",\n"
		"      \"policy-identifier\": 2,\n"
		"      \"policy-action\": {\n"
		"        \"action-type\": \"deny-all\"\n"
		"      }\n"
		"    }\n"
		"  }\n"
		"}\n");
}

/* Every option lands in its member; words abbreviate; any order. */
Test(match_policies, grammar_options)
{
	const struct sfw_match_policies_opts *o = SFW_OPTS(&cl, struct sfw_match_policies_opts);
	char want[INET6_ADDRSTRLEN];

	cr_assert_eq(uf_parse_line("sh sec match-p prot udp destination-p 53 from trust "
				   "to untrust source-i 2001:db8:1::2 destination-i 2001:db8:2::2 "
				   "source-p 5353", &cl, &p), 0, "%s", p.err);
	cr_assert_eq(o->given, SFW_MP_ALL);
	cr_assert_str_eq(o->from_zone, "trust");
	cr_assert_str_eq(o->to_zone, "untrust");
	cr_assert_eq(o->proto, SFW_IPPROTO_UDP);
	cr_assert_eq(o->sport, 5353);
	cr_assert_eq(o->dport, 53);
	cr_assert_eq(o->src.family, SFW_FAMILY_INET6);
	cr_assert_eq(o->src.len, 128);
	inet_ntop(AF_INET6, &o->dst.addr, want, sizeof(want));
	cr_assert_str_eq(want, "2001:db8:2::2");
}

/* An address, not a prefix. */
Test(match_policies, grammar_address_without_length)
{
	cr_assert_eq(uf_parse_line(LINE " source-ip 198.51.100.0/24", &cl, &p), SFW_PARSE_ERROR);
	uf_parse_free(&p);
	cr_assert_eq(uf_parse_line("show security match-policies source-ip 198.51.100.0/24",
				   &cl, &p), SFW_PARSE_ERROR);
	cr_assert_str_eq(p.err, "sfw: invalid value '198.51.100.0/24' for 'source-ip'; "
			 "expected an IPv4 or IPv6 address\n");
}

/* Junos needs every option: the first missing one is named, exit 2,
 * before any configuration is read. */
Test(match_policies, every_option_required)
{
	char *err = NULL;
	size_t len = 0;

	cr_assert_eq(uf_parse_line("show security match-policies from-zone trust to-zone untrust "
				   "source-ip 198.51.100.2 source-port 1 destination-port 2 "
				   "protocol tcp", &cl, &p), 0, "%s", p.err);
	cl.err = open_memstream(&err, &len);
	cr_assert_eq(cl.cmd->run(&cl), SFW_EXIT_USAGE);
	fclose(cl.err);
	cr_assert_str_eq(err, "sfw: 'match-policies' needs 'destination-ip'\n");
	free(err);
}
