/* Reading the pinned maps: what the CLI and the loader share. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"

int sfw_open_pin(const char *name, bool optional)
{
	char path[PATH_MAX];
	int fd;

	if (sfw_pin_path(path, sizeof(path), name))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	if (fd >= 0)
		return fd;
	if (errno == ENOENT && optional)
		return -ENOENT;
	if (errno == ENOENT)
		return sfw_fail(ENOENT, "sfw is not loaded (no %s): attach an interface first", path);
	return sfw_fail(errno, "cannot open %s: %s", path, strerror(errno));
}

int sfw_open_map(const char *name)
{
	return sfw_open_pin(name, false);
}

int sfw_percpu_zero(const char *map, __u32 lo, __u32 hi, size_t size, const char *what)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	void *zero;

	if (ncpu < 0)
		return sfw_fail(-ncpu, "cannot count CPUs");
	fd = sfw_open_map(map);
	if (fd < 0)
		return fd;
	/* the kernel lays per-CPU values out at 8-byte strides */
	zero = calloc((size_t)ncpu, (size + 7) & ~(size_t)7);
	if (!zero)
		err = sfw_fail(ENOMEM, "out of memory");
	for (__u32 i = lo; !err && i <= hi; i++)
		if (bpf_map_update_elem(fd, &i, zero, BPF_ANY))
			err = sfw_fail(errno, "cannot clear %s: %s", what, strerror(errno));
	free(zero);
	close(fd);
	return err;
}

static int cmp_iface(const void *a, const void *b)
{
	const struct sfw_iface_entry *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int sfw_list_ifaces(struct sfw_iface_entry *out, int max)
{
	struct sfw_iface_key key, next;
	int fd = sfw_open_map(SFW_STR(SFW_MAP_IFACES));
	int n = 0, err;

	if (fd < 0)
		return fd;
	err = bpf_map_get_next_key(fd, NULL, &next);
	while (!err && n < max) {
		key = next;
		if (!bpf_map_lookup_elem(fd, &key, &out[n].info)) {
			out[n].ifindex = key.ifindex;
			n++;
		}
		err = bpf_map_get_next_key(fd, &key, &next);
	}
	close(fd);
	qsort(out, n, sizeof(*out), cmp_iface);
	return n;
}

/* Per-CPU values are laid out at 8-byte strides; the struct is all __u64,
 * so its size already is one. */
SFW_STATIC_ASSERT(sizeof(struct sfw_iface_stats) % 8 == 0, "per-CPU stride");

int sfw_iface_counters_read(int fd, __u32 slot, struct sfw_iface_stats *out)
{
	__u32 key = slot;
	struct sfw_iface_stats *pc;
	int ncpu, err = 0;

	memset(out, 0, sizeof(*out));
	if (!slot)
		return -ENOENT;
	ncpu = libbpf_num_possible_cpus();
	pc = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*pc)) : NULL;
	if (!pc)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, pc)) {
		err = -errno;
		goto out;
	}
	for (int cpu = 0; cpu < ncpu; cpu++)
		for (int i = 0; i < SFW_CNT_COUNT; i++)
			out->c[i] += pc[cpu].c[i];
out:
	free(pc);
	return err;
}

int sfw_iface_counters_zero(int fd, __u32 slot)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_iface_stats *pc;
	int err = 0;

	if (!slot)
		return -ENOENT;
	pc = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*pc)) : NULL;
	if (!pc)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &slot, pc, BPF_EXIST))
		err = -errno;
	free(pc);
	return err;
}

int sfw_iface_counters_bind(int slots_fd, int stats_fd, __u32 ifindex, __u32 slot)
{
	int err = ifindex < SFW_IFINDEX_DIRECT ? sfw_iface_counters_zero(stats_fd, slot) : -ERANGE;

	if (!err && bpf_map_update_elem(slots_fd, &ifindex, &slot, BPF_ANY))
		err = -errno;
	return err;
}

__u32 sfw_iface_slot_of(int ifaces_fd, __u32 ifindex)
{
	struct sfw_iface_key key = { .ifindex = ifindex };
	struct sfw_iface_info info;

	return bpf_map_lookup_elem(ifaces_fd, &key, &info) ? 0 : info.slot;
}

int sfw_read_iface_stats(__u32 ifindex, struct sfw_iface_stats *out)
{
	int ifaces_fd = sfw_open_map(SFW_STR(SFW_MAP_IFACES));
	int fd = ifaces_fd < 0 ? ifaces_fd : sfw_open_map(SFW_STR(SFW_MAP_IFACE_STATS)), err;

	if (fd < 0) {
		if (ifaces_fd >= 0)
			close(ifaces_fd);
		return fd;
	}
	err = sfw_iface_counters_read(fd, sfw_iface_slot_of(ifaces_fd, ifindex), out);
	close(fd);
	close(ifaces_fd);
	if (err == -ENOMEM)
		return sfw_fail(ENOMEM, "out of memory");
	if (err)
		return sfw_fail(-err, "no counters for interface index %u", ifindex);
	return 0;
}
