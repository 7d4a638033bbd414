/* The collector of show interfaces flow-statistics: per-CPU sums by counter
 * slot, clearing that zeroes one slot, zone names by
 * generation, and the kernel's 64-bit link counters over netlink. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "iface.h"
#include "iface_stats.h"
#include "policy.h"

static int map(enum bpf_map_type type, __u32 ksize, __u32 vsize)
{
	int fd = bpf_map_create(type, NULL, ksize, vsize, 16, NULL);

	cr_assert_geq(fd, 0, "creating a map: %s (root needed)", strerror(errno));
	return fd;
}

static int stats_map(void)
{
	return map(BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(struct sfw_iface_stats));
}

/* Counter `id` of slot `slot` is cpu + 1 on every CPU. */
static void put_every_cpu(int fd, __u32 slot, int id)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_iface_stats *pc = calloc((size_t)ncpu, sizeof(*pc));

	cr_assert(pc);
	for (int cpu = 0; cpu < ncpu; cpu++)
		pc[cpu].c[id] = (__u64)cpu + 1;
	cr_assert_eq(bpf_map_update_elem(fd, &slot, pc, BPF_ANY), 0);
	free(pc);
}

TestSuite(iface_collect);

Test(iface_collect, sums_every_cpu)
{
	int fd = stats_map(), ncpu = libbpf_num_possible_cpus();
	struct sfw_iface_stats st;

	put_every_cpu(fd, 3, SFW_CNT_ERR_POLICY_DENIED);
	cr_assert_eq(sfw_iface_counters_read(fd, 3, &st), 0);
	cr_assert_eq(st.c[SFW_CNT_ERR_POLICY_DENIED], (__u64)ncpu * (ncpu + 1) / 2);
	for (int i = 0; i < SFW_CNT_COUNT; i++)
		if (i != SFW_CNT_ERR_POLICY_DENIED)
			cr_assert_eq(st.c[i], 0, "counter %d", i);
	/* slot 0 is no interface's, even with counts in it */
	put_every_cpu(fd, 0, SFW_CNT_ERR_POLICY_DENIED);
	cr_assert_eq(sfw_iface_counters_read(fd, 0, &st), -ENOENT);
	cr_assert_eq(st.c[SFW_CNT_ERR_POLICY_DENIED], 0);
	cr_assert_eq(sfw_iface_counters_read(fd, 16, &st), -ENOENT, "past the array");
}

Test(iface_collect, zero_clears_one_slot_only)
{
	int fd = stats_map();
	struct sfw_iface_stats st;

	put_every_cpu(fd, 3, SFW_CNT_LOCAL_IN_PKTS);
	put_every_cpu(fd, 5, SFW_CNT_LOCAL_IN_PKTS);
	put_every_cpu(fd, 0, SFW_CNT_LOCAL_IN_PKTS);
	cr_assert_eq(sfw_iface_counters_zero(fd, 3), 0);
	cr_assert_eq(sfw_iface_counters_read(fd, 3, &st), 0);
	for (int i = 0; i < SFW_CNT_COUNT; i++)
		cr_assert_eq(st.c[i], 0, "counter %d", i);
	cr_assert_eq(sfw_iface_counters_read(fd, 5, &st), 0);
	cr_assert_neq(st.c[SFW_CNT_LOCAL_IN_PKTS], 0, "another interface's counters were cleared");
	cr_assert_eq(sfw_iface_counters_zero(fd, 0), -ENOENT, "slot 0 is no interface's");
	cr_assert_lt(sfw_iface_counters_zero(fd, 16), 0, "past the array");
}

/* An attached interface's slot comes from its sfw_ifaces entry. */
Test(iface_collect, slot_of_attached_only)
{
	int fd = map(BPF_MAP_TYPE_HASH, sizeof(struct sfw_iface_key), sizeof(struct sfw_iface_info));
	struct sfw_iface_key k = { .ifindex = 70000 };
	struct sfw_iface_info info = { .name = "big0", .slot = 4 };

	cr_assert_eq(bpf_map_update_elem(fd, &k, &info, BPF_ANY), 0);
	cr_assert_eq(sfw_iface_slot_of(fd, 70000), 4);
	cr_assert_eq(sfw_iface_slot_of(fd, 3), 0, "not attached");
}

static void put_zone(int fd, __u32 ifindex, __u32 gen, __u32 zone)
{
	struct sfw_zone_key k = { .ifindex = ifindex, .gen = gen };

	cr_assert_eq(bpf_map_update_elem(fd, &k, &zone, BPF_ANY), 0);
}

static void put_name(int fd, __u32 id, const char *name)
{
	struct sfw_name_key k = { .kind = SFW_NAME_ZONE, .id = id };
	struct sfw_name v = {};

	snprintf(v.name, sizeof(v.name), "%s", name);
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
}

Test(iface_collect, zone_by_generation)
{
	int zones = map(BPF_MAP_TYPE_HASH, sizeof(struct sfw_zone_key), sizeof(__u32));
	int names = map(BPF_MAP_TYPE_HASH, sizeof(struct sfw_name_key), sizeof(struct sfw_name));
	char buf[SFW_NAME_LEN];
	const char *z;

	put_zone(zones, 3, 1, 5);
	put_zone(zones, 4, 1, 7);
	put_zone(zones, 6, 1, SFW_ZONE_NONE);
	put_name(names, 5, "untrust");
	/* a policy of the same id is not a zone */
	{
		struct sfw_name_key pk = { .kind = SFW_NAME_POLICY, .id = 7 };
		struct sfw_name pv = { .name = "allow-ssh" };

		cr_assert_eq(bpf_map_update_elem(names, &pk, &pv, BPF_ANY), 0);
	}
	z = sfw_iface_zone(zones, names, 1, 3, buf, sizeof(buf));
	cr_assert(z && !strcmp(z, "untrust"), "%s", z ? z : "(null)");
	cr_assert_null(sfw_iface_zone(zones, names, 0, 3, buf, sizeof(buf)),
		       "the inactive generation's binding must not show");
	z = sfw_iface_zone(zones, names, 1, 4, buf, sizeof(buf));
	cr_assert(z && !strcmp(z, "zone-7"), "%s", z ? z : "(null)");
	cr_assert_null(sfw_iface_zone(zones, names, 1, 6, buf, sizeof(buf)));
	cr_assert_null(sfw_iface_zone(zones, names, 1, 8, buf, sizeof(buf)));
	cr_assert_null(sfw_iface_zone(-1, names, 1, 3, buf, sizeof(buf)), "no zone map yet");
	z = sfw_iface_zone(zones, -1, 1, 3, buf, sizeof(buf));
	cr_assert(z && !strcmp(z, "zone-5"));
}

/* A map of another value size (an ABI change) reads as no zone, not as a
 * buffer overrun. */
Test(iface_collect, zone_map_of_other_shape)
{
	int zones = map(BPF_MAP_TYPE_HASH, sizeof(struct sfw_zone_key), 64);
	struct sfw_zone_key k = { .ifindex = 3, .gen = 0 };
	char v[64] = { 5 }, buf[SFW_NAME_LEN];

	cr_assert_eq(bpf_map_update_elem(zones, &k, v, BPF_ANY), 0);
	cr_assert_null(sfw_iface_zone(zones, -1, 0, 3, buf, sizeof(buf)));
}

static __u64 sysfs_counter(const char *ifname, const char *name)
{
	char path[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", ifname, name);
	f = fopen(path, "r");
	cr_assert(f, "%s", path);
	cr_assert_eq(fscanf(f, "%llu", &v), 1);
	fclose(f);
	return v;
}

/* Netlink agrees with sysfs (read around it, so traffic in between only
 * widens the window), and sees the datagram we send over lo. */
Test(iface_collect, link_counters_over_netlink)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	unsigned int lo = if_nametoindex("lo");
	struct sfw_link_stats a, b;
	__u64 before, after;

	cr_assert(lo);
	cr_assert_eq(sfw_link_stats_read(lo, &a), 0);
	cr_assert_str_eq(a.name, "lo");
	cr_assert(a.admin_up);
	cr_assert_eq(sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	close(s);
	before = sysfs_counter("lo", "rx_packets");
	cr_assert_eq(sfw_link_stats_read(lo, &b), 0);
	after = sysfs_counter("lo", "rx_packets");
	cr_assert_gt(b.rx_packets, a.rx_packets, "the datagram over lo");
	cr_assert(before <= b.rx_packets && b.rx_packets <= after);
	cr_assert_geq(b.tx_bytes, a.tx_bytes + 29, "one IPv4 UDP datagram at least");
}

Test(iface_collect, link_gone)
{
	struct sfw_link_stats l;

	cr_assert_eq(sfw_link_stats_read(0x7ffffff0, &l), -ENODEV);
}
