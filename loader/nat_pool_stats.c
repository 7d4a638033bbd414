/* Reading and clearing the source and destination pools' counters and
 * reading the ports in use (include/nat.h) for the CLI: maps only, no
 * configuration. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"
#include "nat.h"

/* Id's n counters in per-CPU map `map`, summed over the CPUs. */
static int read_sum(const char *map, __u32 id, __u64 *out, int n)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	__u64 *v;

	memset(out, 0, sizeof(*out) * n);
	if (ncpu < 0)
		return sfw_fail(-ncpu, "cannot count CPUs");
	fd = sfw_open_map(map);
	if (fd < 0)
		return fd;
	v = calloc((size_t)ncpu * n, sizeof(*v));
	if (!v)
		err = sfw_fail(ENOMEM, "out of memory");
	else if (bpf_map_lookup_elem(fd, &id, v))
		err = sfw_fail(errno, "no counters for NAT pool id %u", id);
	for (int i = 0; !err && i < ncpu; i++)
		for (int c = 0; c < n; c++)
			out[c] += v[i * n + c];
	free(v);
	close(fd);
	return err;
}

int sfw_nat_pool_stats_read(__u32 id, struct sfw_nat_pool_stats *out)
{
	return read_sum(SFW_STR(SFW_MAP_NAT_POOL_STATS), id, out->n, SFW_NAT_PC_COUNT);
}

int sfw_nat_dpool_stats_read(__u32 id, struct sfw_nat_dpool_stats *out)
{
	return read_sum(SFW_STR(SFW_MAP_NAT_DPOOL_STATS), id, out->n, SFW_NAT_DPC_COUNT);
}

/* Zeroes one pool id's counters, or every id's for 0. */
int sfw_nat_pool_stats_clear(__u32 id)
{
	return sfw_percpu_zero(SFW_STR(SFW_MAP_NAT_POOL_STATS), id ? id : 1,
			       id ? id : SFW_NAT_MAX_POOLS, sizeof(struct sfw_nat_pool_stats),
			       "NAT pool counters");
}

int sfw_nat_dpool_stats_clear(__u32 id)
{
	return sfw_percpu_zero(SFW_STR(SFW_MAP_NAT_DPOOL_STATS), id ? id : 1,
			       id ? id : SFW_NAT_MAX_POOLS, sizeof(struct sfw_nat_dpool_stats),
			       "destination NAT pool counters");
}

/* Reservations (one per translated session) of addresses first..last,
 * IPv4, host order: one walk of the reservation map, at show time. */
int sfw_nat_ports_held(__u32 first, __u32 last, __u64 *n)
{
	struct sfw_nat_port_key k, next;
	int fd = sfw_open_map(SFW_STR(SFW_MAP_NAT_PORTS));
	void *prev = NULL;

	*n = 0;
	if (fd < 0)
		return fd;
	for (; !bpf_map_get_next_key(fd, prev, &next); prev = &k) {
		__u32 a = ntohl(next.addr.v4);

		if (next.family == SFW_FAMILY_INET && a >= first && a <= last)
			++*n;
		k = next;
	}
	close(fd);
	return 0;
}
