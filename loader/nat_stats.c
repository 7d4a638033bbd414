/* Reading and clearing the NAT rules' counters (include/nat.h), source
 * destination or static, for the CLI: map reads only, no configuration. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"
#include "nat.h"

/* One rule's counters summed over the CPUs into *out; v: ncpu slots. */
static int read_one(int fd, __u32 id, struct sfw_nat_rule_stats *v, int ncpu,
		    struct sfw_nat_rule_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(fd, &id, v))
		return sfw_fail(errno, "no counters for NAT rule id %u", id);
	for (int i = 0; i < ncpu; i++)
		for (int c = 0; c < SFW_NAT_RC_COUNT; c++)
			out->n[c] += v[i].n[c];
	return 0;
}

static const char *rule_map(int type)
{
	static const char *const map[] = { SFW_STR(SFW_MAP_NAT_RULE_STATS),
					   SFW_STR(SFW_MAP_NAT_DRULE_STATS),
					   SFW_STR(SFW_MAP_NAT_SRULE_STATS) };

	return map[type >= 0 && type <= 2 ? type : 0];
}

int sfw_nat_rule_stats_read(int type, const __u32 *ids, int n, struct sfw_nat_rule_stats *out)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	struct sfw_nat_rule_stats *v;

	if (ncpu < 0)
		return sfw_fail(-ncpu, "cannot count CPUs");
	fd = sfw_open_map(rule_map(type));
	if (fd < 0)
		return fd;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		err = sfw_fail(ENOMEM, "out of memory");
	for (int k = 0; !err && k < n; k++)
		err = read_one(fd, ids[k], v, ncpu, &out[k]);
	free(v);
	close(fd);
	return err;
}

int sfw_nat_rule_stats_clear(int type, __u32 rule_id)
{
	return sfw_percpu_zero(rule_map(type), rule_id ? rule_id : 1,
			       rule_id ? rule_id : SFW_NAT_MAX_RULES,
			       sizeof(struct sfw_nat_rule_stats), "NAT rule counters");
}

/* clear security nat statistics: every rule id's and every pool id's,
 * of every type, the counters a commit zeroes for a new id
 * (loader/nat_rule_ids_maps.c). */
int sfw_nat_stats_clear(void)
{
	int err = sfw_nat_rule_stats_clear(0, 0);

	err = err ? err : sfw_nat_rule_stats_clear(1, 0);
	err = err ? err : sfw_nat_rule_stats_clear(2, 0);
	err = err ? err : sfw_nat_pool_stats_clear(0);
	return err ? err : sfw_nat_dpool_stats_clear(0);
}
