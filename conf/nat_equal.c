/* Comparing the security nat of two models (sfw_conf_equal): the
 * round-trip test and "did the configuration change" both need it. */
#include <string.h>
#include "conf_int.h"

static bool prefixes_eq(const struct sfw_conf_prefixes *a, const struct sfw_conf_prefixes *b)
{
	if (a->n != b->n)
		return false;
	for (int k = 0; k < a->n; k++)
		if (!conf_prefix_equal(&a->v[k], &b->v[k]))
			return false;
	return true;
}

static bool ports_eq(const struct sfw_conf_port_range *a, const struct sfw_conf_port_range *b)
{
	return a->set == b->set && (!a->set || (a->lo == b->lo && a->hi == b->hi));
}

static bool opt_prefix_eq(bool set, const struct sfw_conf_prefix *a, const struct sfw_conf_prefix *b)
{
	return !set || conf_prefix_equal(a, b);
}

static bool pool_eq(const struct sfw_conf_nat_pool *a, const struct sfw_conf_nat_pool *b)
{
	return !strcmp(a->name, b->name) && a->has_address == b->has_address &&
	       a->has_to == b->has_to && opt_prefix_eq(a->has_address, &a->address, &b->address) &&
	       opt_prefix_eq(a->has_to, &a->to, &b->to) && ports_eq(&a->ports, &b->ports) &&
	       a->no_translation == b->no_translation && a->port == b->port;
}

static bool rule_set_eq(const struct sfw_conf_nat_rule_set *a, const struct sfw_conf_nat_rule_set *b)
{
	return !strcmp(a->name, b->name) && a->type == b->type &&
	       !strcmp(a->from.name, b->from.name) && !strcmp(a->to.name, b->to.name);
}

static bool rule_eq(const struct sfw_conf_nat_rule *a, const struct sfw_conf_nat_rule *b)
{
	return !strcmp(a->name, b->name) && a->set == b->set && prefixes_eq(&a->src, &b->src) &&
	       prefixes_eq(&a->dst, &b->dst) && ports_eq(&a->dport, &b->dport) &&
	       !memcmp(a->protos, b->protos, sizeof(a->protos)) && a->then == b->then &&
	       !strcmp(a->pool.name, b->pool.name) &&
	       opt_prefix_eq(a->then == SFW_CONF_NAT_THEN_PREFIX, &a->prefix, &b->prefix);
}

static bool proxy_eq(const struct sfw_conf_nat_proxy *a, const struct sfw_conf_nat_proxy *b)
{
	return !strcmp(a->ifname, b->ifname) && a->ndp == b->ndp && a->has_to == b->has_to &&
	       conf_prefix_equal(&a->address, &b->address) && opt_prefix_eq(a->has_to, &a->to, &b->to);
}

#define NAT_ARRAY_EQ(a, b, field, eq) do {                               \
		if ((a)->n_##field != (b)->n_##field)                    \
			return false;                                    \
		for (int k_ = 0; k_ < (a)->n_##field; k_++)              \
			if (!eq(&(a)->field[k_], &(b)->field[k_]))       \
				return false;                            \
	} while (0)

bool conf_nat_equal(const struct sfw_conf *a, const struct sfw_conf *b)
{
	NAT_ARRAY_EQ(a, b, nat_src_pools, pool_eq);
	NAT_ARRAY_EQ(a, b, nat_dst_pools, pool_eq);
	NAT_ARRAY_EQ(a, b, nat_rule_sets, rule_set_eq);
	NAT_ARRAY_EQ(a, b, nat_rules, rule_eq);
	NAT_ARRAY_EQ(a, b, nat_proxies, proxy_eq);
	return true;
}
