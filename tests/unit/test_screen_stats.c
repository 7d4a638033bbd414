/* show security screen statistics zone Z: golden text and JSON (the
 * Junos layout: header "Statistics" at column 45, values at 47), and the
 * collector's sum over exactly the zone's interfaces of the generation in
 * force, from maps the test creates. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "counters.h"
#include "iface.h"
#include "policy.h"
#include "screen_stats.h"

static char *render(const struct sfw_screen_report *r, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert(f);
	sfw_screen_stats_print(f, json, r);
	fclose(f);
	return buf;
}

Test(screen_stats, golden_text)
{
	struct sfw_screen_report r = { .zone = "untrust", .n = { 12345678901ULL, 7, 8, 9 } };
	char *out = render(&r, false);

	cr_assert_str_eq(out,
		"Screen statistics:\n"
		"\n"
		"IDS attack type                              Statistics\n"
		"  SYN flood                                    12345678901\n"
		"  IP spoofing                                  7\n"
		"  Source session limit                         8\n"
		"  Destination session limit                    9\n");
	free(out);
}

Test(screen_stats, golden_json)
{
	struct sfw_screen_report r = { .zone = "untrust", .n = { 3, 0, 4, 5 } };
	char *out = render(&r, true);

	cr_assert_str_eq(out,
		"{\n"
		"  \"screen-statistics-information\": {\n"
		"    \"zone-name\": \"untrust\",\n"
		"    \"screen-statistics\": {\n"
		"      \"syn-flood\": 3,\n"
		"      \"ip-spoofing\": 0,\n"
		"      \"source-session-limit\": 4,\n"
		"      \"destination-session-limit\": 5\n"
		"    }\n"
		"  }\n"
		"}\n");
	free(out);
}

static int make_map(enum bpf_map_type type, const char *name, __u32 ksz, __u32 vsz)
{
	int fd = bpf_map_create(type, name, ksz, vsz, 16, NULL);

	cr_assert_geq(fd, 0, "creating %s: %s (root needed)", name, strerror(errno));
	return fd;
}

static void bind_zone(int fd, __u32 ifindex, __u32 gen, __u32 zone)
{
	struct sfw_zone_key k = { .ifindex = ifindex, .gen = gen };

	cr_assert_eq(bpf_map_update_elem(fd, &k, &zone, BPF_ANY), 0);
}

/* syn on the first CPU, spoof on the last (both on one CPU when only
 * one): the collector sums CPUs. Other counters are set to catch a
 * collector reading the wrong index. */
/* The interface attached, its counters at a slot of their own. */
static void put_counters(int ifaces_fd, int fd, __u32 ifindex, __u64 syn, __u64 spoof)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_iface_stats *pc = calloc((size_t)ncpu, sizeof(*pc));
	struct sfw_iface_key k = { .ifindex = ifindex };
	struct sfw_iface_info info = { .slot = ifindex + 2 };
	__u32 slot = info.slot;

	cr_assert(pc);
	for (int i = 0; i < SFW_CNT_COUNT; i++)
		pc[0].c[i] = 1000;
	pc[0].c[SFW_CNT_ERR_SYN_ATTACK] = syn;
	pc[0].c[SFW_CNT_ERR_ADDRESS_SPOOFING] = 0;
	pc[ncpu - 1].c[SFW_CNT_ERR_ADDRESS_SPOOFING] += spoof;
	pc[0].c[SFW_CNT_SCREEN_SRC_LIMIT] = syn + 1;
	pc[0].c[SFW_CNT_SCREEN_DST_LIMIT] = 0;
	pc[ncpu - 1].c[SFW_CNT_SCREEN_DST_LIMIT] += spoof + 2;
	cr_assert_eq(bpf_map_update_elem(fd, &slot, pc, BPF_ANY), 0);
	cr_assert_eq(bpf_map_update_elem(ifaces_fd, &k, &info, BPF_ANY), 0);
	free(pc);
}

Test(screen_stats, collect_sums_the_zones_interfaces)
{
	int zones = make_map(BPF_MAP_TYPE_HASH, "ut_zones", sizeof(struct sfw_zone_key), 4);
	int stats = make_map(BPF_MAP_TYPE_PERCPU_ARRAY, "ut_stats", sizeof(__u32),
			     sizeof(struct sfw_iface_stats));
	int ifaces = make_map(BPF_MAP_TYPE_HASH, "ut_ifaces", sizeof(struct sfw_iface_key),
			      sizeof(struct sfw_iface_info));
	struct sfw_screen_report r = { .zone = "trust" };

	bind_zone(zones, 3, 0, 1);
	bind_zone(zones, 4, 0, 1);
	bind_zone(zones, 5, 0, 2);      /* another zone */
	bind_zone(zones, 6, 1, 1);      /* zone 1 of the other generation */
	bind_zone(zones, 7, 0, 1);      /* bound, not attached: no counters */
	put_counters(ifaces, stats, 3, 10, 1);
	put_counters(ifaces, stats, 4, 20, 2);
	put_counters(ifaces, stats, 5, 400, 400);
	put_counters(ifaces, stats, 6, 800, 800);
	cr_assert_eq(sfw_screen_stats_collect(zones, ifaces, stats, 0, 1, &r), 0);
	cr_assert_eq(r.n[SFW_SCREEN_STAT_ERR_SYN_ATTACK], 30);
	cr_assert_eq(r.n[SFW_SCREEN_STAT_ERR_ADDRESS_SPOOFING], 3);
	cr_assert_eq(r.n[SFW_SCREEN_STAT_SCREEN_SRC_LIMIT], 11 + 21);
	cr_assert_eq(r.n[SFW_SCREEN_STAT_SCREEN_DST_LIMIT], 3 + 4);
	cr_assert_eq(sfw_screen_stats_collect(zones, ifaces, stats, 1, 1, &r), 0);
	cr_assert_eq(r.n[SFW_SCREEN_STAT_ERR_SYN_ATTACK], 800);
	cr_assert_eq(sfw_screen_stats_collect(zones, ifaces, stats, 0, 9, &r), 0);
	for (int i = 0; i < SFW_SCREEN_STAT_COUNT; i++)
		cr_assert_eq(r.n[i], 0, "a zone without interfaces counts 0");
	close(zones);
	close(ifaces);
	close(stats);
}
