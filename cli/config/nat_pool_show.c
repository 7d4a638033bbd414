/* The source pools the shows print (nat_show.h): ids as the compiler
 * numbers them (conf/compile_nat.c: from 1 in configuration order), which
 * the commands replace with the ids the commits kept by name (the
 * datapath's counters' index: loader/nat_rule_ids.c); addresses and ports
 * as compiled. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "nat_show.h"
#include "values.h"

/* first..last of a pool (IPv4, host order): A/len's first address, to B
 * or the prefix's last, as compile_nat.c's prefix_range. */
static void pool_span(const struct sfw_conf_nat_pool *pl, __u32 *first, __u32 *last)
{
	__u32 mask = pl->address.len ? ~0u << (32 - pl->address.len) : 0;
	__u32 a = ntohl(pl->address.addr.v4) & mask;

	*first = a;
	*last = pl->has_to ? ntohl(pl->to.addr.v4) : a | ~mask;
}

int sfw_nat_pools_build(const struct sfw_conf *conf, const char *name,
			struct sfw_nat_pools *out)
{
	memset(out, 0, sizeof(*out));
	out->v = calloc((size_t)conf->n_nat_src_pools + 1, sizeof(*out->v));
	if (!out->v)
		return sfw_fail(ENOMEM, "out of memory");
	for (int k = 0; k < conf->n_nat_src_pools; k++) {
		const struct sfw_conf_nat_pool *pl = &conf->nat_src_pools[k];
		struct sfw_nat_pool_row *row;

		if (name && strcmp(pl->name, name))
			continue;
		row = &out->v[out->n++];
		row->pool = pl;
		row->id = (__u32)k + 1;
		pool_span(pl, &row->first, &row->last);
		row->n_addrs = (__u64)row->last - row->first + 1;
		row->port_lo = pl->no_translation ? 0 : pl->ports.set ? pl->ports.lo : SFW_NAT_PORT_LO;
		row->port_hi = pl->no_translation ? 0 : pl->ports.set ? pl->ports.hi : SFW_NAT_PORT_HI;
	}
	if (name && !out->n)
		return sfw_fail(ENOENT, "source NAT pool %s is not configured", SFW_Q(name));
	return 0;
}

void sfw_nat_pools_free(struct sfw_nat_pools *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void sfw_nat_pool_addrs(const struct sfw_nat_pool_row *row, char *lo, char *hi)
{
	struct in_addr a = { htonl(row->first) }, b = { htonl(row->last) };

	inet_ntop(AF_INET, &a, lo, 46);
	inet_ntop(AF_INET, &b, hi, 46);
}

/* `[lo, hi]` as Junos prints a pool's range; sfw's words for none. */
void sfw_nat_pool_ports(const struct sfw_nat_pool_row *row, char *buf, size_t n)
{
	if (row->port_lo)
		snprintf(buf, n, "[%u, %u]", row->port_lo, row->port_hi);
	else
		snprintf(buf, n, "no translation");
}

/* Ports a port-translation pool offers: its addresses times its range. */
__u64 sfw_nat_pool_capacity(const struct sfw_nat_pool_row *row)
{
	return row->port_lo ? row->n_addrs * ((__u64)row->port_hi - row->port_lo + 1) : 0;
}
