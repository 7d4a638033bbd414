/* The destination pools the shows print (nat_show.h): ids as the
 * compiler numbers them (conf/compile_nat.c: from 1 in configuration
 * order), which the commands replace with the ids the commits kept by
 * name (loader/nat_rule_ids.c). A destination pool is one host address
 * (conf/check_nat.c) and a port, or none. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "nat_show.h"
#include "values.h"

int sfw_nat_dpools_build(const struct sfw_conf *conf, const char *name,
			 struct sfw_nat_dpools *out)
{
	memset(out, 0, sizeof(*out));
	out->v = calloc((size_t)conf->n_nat_dst_pools + 1, sizeof(*out->v));
	if (!out->v)
		return sfw_fail(ENOMEM, "out of memory");
	for (int k = 0; k < conf->n_nat_dst_pools; k++) {
		const struct sfw_conf_nat_pool *pl = &conf->nat_dst_pools[k];
		struct sfw_nat_dpool_row *row;

		if (name && strcmp(pl->name, name))
			continue;
		row = &out->v[out->n++];
		row->pool = pl;
		row->id = (__u32)k + 1;
		row->addr = ntohl(pl->address.addr.v4);
		row->port = pl->port;
	}
	if (name && !out->n)
		return sfw_fail(ENOENT, "destination NAT pool %s is not configured", SFW_Q(name));
	return 0;
}

void sfw_nat_dpools_free(struct sfw_nat_dpools *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void sfw_nat_dpool_addr(const struct sfw_nat_dpool_row *row, char *addr)
{
	struct in_addr a = { htonl(row->addr) };

	inet_ntop(AF_INET, &a, addr, 46);
}
