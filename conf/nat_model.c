/* security nat in the model: objects by name (through the model's
 * indexes, so a large configuration still reads in linear time,
 * docs/reliability.md), and whether a model has any. Life cycle, comparison
 * and printing: conf/nat_life.c, nat_equal.c, nat_print.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"
#include "err.h"

static const char *const type_words[] = { "source", "destination", "static" };

const char *conf_nat_type_word(enum sfw_conf_nat_type type)
{
	return type_words[type];
}

static const char *src_pool_key(const void *ctx, int i, char *buf)
{
	return ((const struct sfw_conf *)ctx)->nat_src_pools[i].name;
}

static const char *dst_pool_key(const void *ctx, int i, char *buf)
{
	return ((const struct sfw_conf *)ctx)->nat_dst_pools[i].name;
}

/* Rule-sets are named per NAT type, rules per rule-set. */
static const char *set_key(const void *ctx, int i, char *buf)
{
	const struct sfw_conf_nat_rule_set *s = &((const struct sfw_conf *)ctx)->nat_rule_sets[i];

	snprintf(buf, CONF_KEY_MAX, "%d %s", (int)s->type, s->name);
	return buf;
}

static const char *rule_key(const void *ctx, int i, char *buf)
{
	const struct sfw_conf_nat_rule *r = &((const struct sfw_conf *)ctx)->nat_rules[i];

	snprintf(buf, CONF_KEY_MAX, "%d %s", r->set, r->name);
	return buf;
}

static int find(const struct sfw_conf *c, struct conf_index *x,
		const char *(*key)(const void *, int, char *), int n, const char *want)
{
	struct conf_keys k = { key, c };
	char buf[CONF_KEY_MAX];

	if (x && !conf_index_sync(x, &k, n))
		return conf_index_find(x, &k, want);
	for (int i = 0; i < n; i++)
		if (!strcmp(key(c, i, buf), want))
			return i;
	return -1;
}

int conf_nat_pool_find(const struct sfw_conf *c, enum sfw_conf_nat_type type, const char *name)
{
	bool src = type == SFW_CONF_NAT_SOURCE;

	return find(c, !c->index ? NULL : src ? &c->index->nat_src_pools
					      : &c->index->nat_dst_pools,
		    src ? src_pool_key : dst_pool_key,
		    src ? c->n_nat_src_pools : c->n_nat_dst_pools, name);
}

struct sfw_conf_nat_pool *conf_nat_pool_get(struct conf_parser *p,
					    enum sfw_conf_nat_type type, const char *name)
{
	struct sfw_conf *c = p->conf;
	int k = conf_nat_pool_find(c, type, name);
	struct sfw_conf_nat_pool *pool;

	if (type == SFW_CONF_NAT_SOURCE)
		pool = k >= 0 ? &c->nat_src_pools[k] : CONF_PUSH(p, c, nat_src_pools);
	else
		pool = k >= 0 ? &c->nat_dst_pools[k] : CONF_PUSH(p, c, nat_dst_pools);
	if (pool && k < 0) {
		strcpy(pool->name, name);
		pool->line = p->line;
	}
	return pool;
}

struct sfw_conf_nat_rule_set *conf_nat_rule_set_get(struct conf_parser *p,
						    enum sfw_conf_nat_type type,
						    const char *name)
{
	struct sfw_conf *c = p->conf;
	char want[CONF_KEY_MAX];
	struct sfw_conf_nat_rule_set *s;
	int k;

	snprintf(want, sizeof(want), "%d %s", (int)type, name);
	k = find(c, c->index ? &c->index->nat_rule_sets : NULL, set_key, c->n_nat_rule_sets, want);
	if (k >= 0)
		return &c->nat_rule_sets[k];
	s = CONF_PUSH(p, c, nat_rule_sets);
	if (s) {
		strcpy(s->name, name);
		s->line = p->line;
		s->type = type;
	}
	return s;
}

struct sfw_conf_nat_rule *conf_nat_rule_get(struct conf_parser *p, int set, const char *name)
{
	struct sfw_conf *c = p->conf;
	char want[CONF_KEY_MAX];
	struct sfw_conf_nat_rule *r;
	int k;

	snprintf(want, sizeof(want), "%d %s", set, name);
	k = find(c, c->index ? &c->index->nat_rules : NULL, rule_key, c->n_nat_rules, want);
	if (k >= 0)
		return &c->nat_rules[k];
	r = CONF_PUSH(p, c, nat_rules);
	if (r) {
		strcpy(r->name, name);
		r->line = p->line;
		r->set = set;
	}
	return r;
}

bool sfw_conf_has_nat(const struct sfw_conf *c)
{
	return c->n_nat_src_pools || c->n_nat_dst_pools || c->n_nat_rule_sets ||
	       c->n_nat_rules || c->n_nat_proxies;
}

static bool has_v6(const struct sfw_conf_prefixes *l)
{
	for (int i = 0; i < l->n; i++)
		if (l->v[i].family == SFW_FAMILY_INET6)
			return true;
	return false;
}

/* The Junos word of rule r's type (its rule-set's). */
static const char *rule_type_word(const struct sfw_conf *c, const struct sfw_conf_nat_rule *r)
{
	return r->set >= 0 && r->set < c->n_nat_rule_sets ?
	       conf_nat_type_word(c->nat_rule_sets[r->set].type) : "source";
}

/* The first statement of each kind the datapath does not translate, in
 * the order docs/nat.md "Not built yet" lists them. */
int sfw_conf_nat_unbuilt(const struct sfw_conf *c, char *buf, size_t n)
{
	for (int i = 0; i < c->n_nat_src_pools; i++) {
		const struct sfw_conf_nat_pool *pl = &c->nat_src_pools[i];

		if (pl->address.family != SFW_FAMILY_INET)
			return snprintf(buf, n, "security nat source pool %s: NAT of IPv6 is not "
					"built yet", pl->name), pl->line;
	}
	/* destination and static NAT over IPv4 are built (docs/nat.md
	 * "Destination NAT", "Static NAT"); a static rule's prefix is of its
	 * destination-address's family (conf/check_nat.c), so the rules'
	 * IPv6 refusal below covers it */
	for (int i = 0; i < c->n_nat_dst_pools; i++) {
		const struct sfw_conf_nat_pool *pl = &c->nat_dst_pools[i];

		if (pl->address.family != SFW_FAMILY_INET)
			return snprintf(buf, n, "security nat destination pool %s: NAT of IPv6 is "
					"not built yet", pl->name), pl->line;
	}
	for (int i = 0; i < c->n_nat_rules; i++) {
		const struct sfw_conf_nat_rule *r = &c->nat_rules[i];

		if (has_v6(&r->src) || has_v6(&r->dst))
			return snprintf(buf, n, "security nat %s rule %s: NAT of IPv6 is not "
					"built yet", rule_type_word(c, r), r->name), r->line;
	}
	/* proxy-arp and proxy-ndp are built (bpf/proxy_arp.bpf.h,
	 * bpf/proxy_ndp.bpf.h); source, destination and static NAT left the
	 * preview switch after their reviews (docs/nat.md "What a commit
	 * takes") */
	return 0;
}

int sfw_conf_nat_refuse(const struct sfw_conf *c)
{
	char what[256];
	int line = sfw_conf_nat_unbuilt(c, what, sizeof(what));

	return line ? sfw_fail(EOPNOTSUPP, "%s:%d: %s: " SFW_CONF_NAT_REFUSED,
			       c->path ? c->path : "-", line, what) : 0;
}
