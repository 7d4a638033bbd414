/* show interfaces flow-statistics: golden text and JSON from counters put
 * into a per-CPU map the test creates, read back by the collector; the
 * expected Junos lines are the reference's template with values filled in
 * (docs/junos-layouts.md, "show interfaces flow-statistics"), not derived from counters.h. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "iface.h"
#include "iface_stats.h"

#define IFX 7   /* a counter slot (include/iface.h) */

/* Kernel counters 5000000000 (past 32 bits), 4000, 30, 20; flow counter
 * number k (list order) is 101 * (k + 1), split over two CPUs. Traffic,
 * Local and Transit counters right-aligned in 21 columns after the colon,
 * as published `show interfaces extensive` output prints them. */
static const char golden_junos[] =
	"Physical interface: veth0, Enabled, Physical link is Up\n"
	"  Traffic statistics:\n"
	"   Input  bytes  :           5000000000\n"
	"   Output bytes  :                 4000\n"
	"   Input  packets:                   30\n"
	"   Output packets:                   20\n"
	"  Local statistics:\n"
	"   Input  bytes  :                  101\n"
	"   Output bytes  :                  202\n"
	"   Input  packets:                  303\n"
	"   Output packets:                  404\n"
	"  Transit statistics:\n"
	"   Input  bytes  :                  505\n"
	"   Output bytes  :                  606\n"
	"   Input  packets:                  707\n"
	"   Output packets:                  808\n"
	"    Security: Zone: trust\n"
	"    Allowed host-inbound traffic : http ping ssh\n"
	"    Flow Statistics :\n"
	"    Flow Input statistics :\n"
	"      Self packets :                     909\n"
	"      ICMP packets :                     1010\n"
	"      VPN packets :                      1111\n"
	"      Multicast packets :                1212\n"
	"      Bytes permitted by policy :        1313\n"
	"      Connections established :          1414\n"
	"    Flow Output statistics:\n"
	"      Multicast packets :                1515\n"
	"      Bytes permitted by policy :        1616\n"
	"    Flow error statistics (Packets dropped due to):\n"
	"      Address spoofing:                  1717\n"
	"      Authentication failed:             1818\n"
	"      Incoming NAT errors:               1919\n"
	"      Invalid zone received packet:      2020\n"
	"      Multiple user authentications:     2121\n"
	"      Multiple incoming NAT:             2222\n"
	"      No parent for a gate:              2323\n"
	"      No one interested in self packets: 2424\n"
	"      No minor session:                  2525\n"
	"      No more sessions:                  2626\n"
	"      No NAT gate:                       2727\n"
	"      No route present:                  2828\n"
	"      No SA for incoming SPI:            2929\n"
	"      No tunnel found:                   3030\n"
	"      No session for a gate:             3131\n"
	"      No zone or NULL zone binding       3232\n"
	"      Policy denied:                     3333\n"
	"      Security association not active:   3434\n"
	"      TCP sequence number out of window: 3535\n"
	"      Syn-attack protection:             3636\n"
	"      User authentication errors:        3737\n"
;
static const char golden_json_junos[] =
	"{\n"
	"  \"interface-information\": {\n"
	"    \"physical-interface\": [\n"
	"      {\n"
	"        \"name\": \"veth0\",\n"
	"        \"admin-status\": \"up\",\n"
	"        \"oper-status\": \"up\",\n"
	"        \"traffic-statistics\": {\n"
	"          \"input-bytes\": 5000000000,\n"
	"          \"output-bytes\": 4000,\n"
	"          \"input-packets\": 30,\n"
	"          \"output-packets\": 20\n"
	"        },\n"
	"        \"local-statistics\": {\n"
	"          \"input-bytes\": 101,\n"
	"          \"output-bytes\": 202,\n"
	"          \"input-packets\": 303,\n"
	"          \"output-packets\": 404\n"
	"        },\n"
	"        \"transit-statistics\": {\n"
	"          \"input-bytes\": 505,\n"
	"          \"output-bytes\": 606,\n"
	"          \"input-packets\": 707,\n"
	"          \"output-packets\": 808\n"
	"        },\n"
	"        \"zone\": \"trust\",\n"
	"        \"allowed-host-inbound-traffic\": [\n"
	"          \"http\",\n"
	"          \"ping\",\n"
	"          \"ssh\"\n"
	"        ],\n"
	"        \"flow-input-statistics\": {\n"
	"          \"self-packets\": 909,\n"
	"          \"icmp-packets\": 1010,\n"
	"          \"vpn-packets\": 1111,\n"
	"          \"multicast-packets\": 1212,\n"
	"          \"bytes-permitted-by-policy\": 1313,\n"
	"          \"connections-established\": 1414\n"
	"        },\n"
	"        \"flow-output-statistics\": {\n"
	"          \"multicast-packets\": 1515,\n"
	"          \"bytes-permitted-by-policy\": 1616\n"
	"        },\n"
	"        \"flow-error-statistics\": {\n"
	"          \"address-spoofing\": 1717,\n"
	"          \"authentication-failed\": 1818,\n"
	"          \"incoming-nat-errors\": 1919,\n"
	"          \"invalid-zone-received-packet\": 2020,\n"
	"          \"multiple-user-authentications\": 2121,\n"
	"          \"multiple-incoming-nat\": 2222,\n"
	"          \"no-parent-for-a-gate\": 2323,\n"
	"          \"no-one-interested-in-self-packets\": 2424,\n"
	"          \"no-minor-session\": 2525,\n"
	"          \"no-more-sessions\": 2626,\n"
	"          \"no-nat-gate\": 2727,\n"
	"          \"no-route-present\": 2828,\n"
	"          \"no-sa-for-incoming-spi\": 2929,\n"
	"          \"no-tunnel-found\": 3030,\n"
	"          \"no-session-for-a-gate\": 3131,\n"
	"          \"no-zone-or-null-zone-binding\": 3232,\n"
	"          \"policy-denied\": 3333,\n"
	"          \"security-association-not-active\": 3434,\n"
	"          \"tcp-sequence-number-out-of-window\": 3535,\n"
	"          \"syn-attack-protection\": 3636,\n"
	"          \"user-authentication-errors\": 3737"
;

static const char *const sfw_labels[SFW_CNT_COUNT] = {
#define SFW_X(id, grp, label, key) [SFW_CNT_##id] = grp == SFW_GRP_SFW ? label : NULL,
	SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
};
static const char *const sfw_keys[SFW_CNT_COUNT] = {
#define SFW_X(id, grp, label, key) [SFW_CNT_##id] = grp == SFW_GRP_SFW ? key : NULL,
	SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
};

static int stats_map(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "ut_iface_stats",
				sizeof(__u32), sizeof(struct sfw_iface_stats), 8, NULL);

	cr_assert_geq(fd, 0, "creating the counter map: %s (root needed)", strerror(errno));
	return fd;
}

/* Counter k is k + 1 on the first CPU and 100 * (k + 1) on the last (all
 * on the one CPU when there is only one): the collector must sum them. */
static void put_counters(int fd, __u32 slot)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_iface_stats *pc = calloc((size_t)ncpu, sizeof(*pc));

	cr_assert(pc);
	for (int i = 0; i < SFW_CNT_COUNT; i++) {
		pc[0].c[i] += (__u64)(i + 1);
		pc[ncpu - 1].c[i] += 100ULL * (__u64)(i + 1);
	}
	cr_assert_eq(bpf_map_update_elem(fd, &slot, pc, BPF_ANY), 0);
	free(pc);
}

static struct sfw_iface_report report_from_map(int fd)
{
	struct sfw_iface_report r = {
		.link = { .name = "veth0", .admin_up = true, .link_up = true,
			  .rx_bytes = 5000000000ULL, .tx_bytes = 4000, .rx_packets = 30,
			  .tx_packets = 20 },
		.zone = "trust",
		.host_inbound = { "http", "ping", "ssh" }, .n_host_inbound = 3,
	};

	cr_assert_eq(sfw_iface_counters_read(fd, IFX, &r.flow), 0);
	return r;
}

static char *render(const struct sfw_iface_report *r, int n, bool json)
{
	struct sfw_iface_out out;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	sfw_iface_out_begin(&out, f, json);
	for (int i = 0; i < n; i++)
		sfw_iface_out_one(&out, &r[i]);
	sfw_iface_out_end(&out);
	fclose(f);
	return buf;
}

/* sfw's own lines after the Junos ones: the same column rule, with printf
 * (not the formatter's padding) as the second opinion. */
static void sfw_tail_text(char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "    sfw statistics:\n");

	for (int i = 0; i < SFW_CNT_COUNT; i++)
		if (sfw_labels[i])
			n += (size_t)snprintf(buf + n, len - n, "      %-35s%llu\n", sfw_labels[i],
					      101ULL * (__u64)(i + 1));
}

static void sfw_tail_json(char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "\n        },\n        \"sfw-statistics\": {");
	bool first = true;

	for (int i = 0; i < SFW_CNT_COUNT; i++) {
		if (!sfw_keys[i])
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s\n          \"%s\": %llu",
				      first ? "" : ",", sfw_keys[i], 101ULL * (__u64)(i + 1));
		first = false;
	}
	snprintf(buf + n, len - n, "\n        }\n      }\n    ]\n  }\n}\n");
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

TestSuite(iface_format);

Test(iface_format, text_golden)
{
	int fd = stats_map();
	struct sfw_iface_report r;
	char want[8192], tail[2048];
	char *got;

	put_counters(fd, IFX);
	r = report_from_map(fd);
	got = render(&r, 1, false);
	sfw_tail_text(tail, sizeof(tail));
	snprintf(want, sizeof(want), "%s%s", golden_junos, tail);
	cr_assert_str_eq(got, want);
	free(got);
}

Test(iface_format, json_golden)
{
	int fd = stats_map();
	struct sfw_iface_report r;
	char want[16384], tail[2048];
	char *got;

	put_counters(fd, IFX);
	r = report_from_map(fd);
	got = render(&r, 1, true);
	sfw_tail_json(tail, sizeof(tail));
	snprintf(want, sizeof(want), "%s%s", golden_json_junos, tail);
	cr_assert_str_eq(got, want);
	free(got);
}

/* No zone prints Null; an interface down and disabled says so. */
Test(iface_format, null_zone_disabled_down)
{
	struct sfw_iface_report r = { .link = { .name = "veth9" } };
	char *txt = render(&r, 1, false), *js = render(&r, 1, true);

	cr_assert(starts(txt, "Physical interface: veth9, Disabled, Physical link is Down\n"), "%s", txt);
	cr_assert(strstr(txt, "\n    Security: Zone: Null\n    Flow Statistics :\n"), "%s", txt);
	cr_assert(strstr(js, "\"admin-status\": \"down\",\n        \"oper-status\": \"down\","));
	cr_assert(strstr(js, "\"zone\": \"Null\",\n        \"allowed-host-inbound-traffic\": [],\n"
			 "        \"flow-input-statistics\""), "%s", js);
	r.link.admin_up = true;
	free(txt);
	txt = render(&r, 1, false);
	cr_assert(starts(txt, "Physical interface: veth9, Enabled, Physical link is Down\n"), "%s", txt);
	free(txt);
	free(js);
}

/* Several interfaces: text blocks separated by one blank line, JSON one
 * document with one array element each, in the order given. */
Test(iface_format, several_interfaces)
{
	struct sfw_iface_report r[2] = {
		{ .link = { .name = "veth0", .admin_up = true, .link_up = true } },
		{ .link = { .name = "veth1" }, .zone = "untrust" },
	};
	char *a = render(&r[0], 1, false), *b = render(&r[1], 1, false);
	char *both = render(r, 2, false), *js = render(r, 2, true);
	char want[16384];
	const char *p0, *p1;

	snprintf(want, sizeof(want), "%s\n%s", a, b);
	cr_assert_str_eq(both, want);
	cr_assert_null(strstr(js, "\n\n"));
	p0 = strstr(js, "\"name\": \"veth0\"");
	p1 = strstr(js, "\"name\": \"veth1\"");
	cr_assert(p0 && p1 && p0 < p1);
	cr_assert(strstr(p1, "\"zone\": \"untrust\""));
	cr_assert(strstr(js, "      },\n      {\n        \"name\": \"veth1\""));
	free(a);
	free(b);
	free(both);
	free(js);
}

/* Nothing attached: no text at all, an empty JSON list. */
Test(iface_format, no_interfaces)
{
	char *txt = render(NULL, 0, false), *js = render(NULL, 0, true);

	cr_assert_str_eq(txt, "");
	cr_assert_str_eq(js, "{\n  \"interface-information\": {\n    \"physical-interface\": []\n  }\n}\n");
	free(txt);
	free(js);
}
