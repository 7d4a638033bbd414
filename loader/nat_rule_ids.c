/* Source NAT rule ids, kept by (rule-set, rule) name, and source pool
 * ids, kept by pool name, across commits (kept_ids.c says why): the
 * datapath counts a rule's and a pool's first packets by id and a session
 * names its rule and its pool by id. The compiled configuration's source
 * rules and pools get their kept ids here, and its source entries are
 * rewritten to carry them; destination pools keep the compiler's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "loader.h"
#include "nat_rule_ids.h"

static const struct sfw_kept_kind rule_kind = { SFW_NAT_MAX_RULES, "source NAT rule", "rule" };
static const struct sfw_kept_kind pool_kind = { SFW_NAT_MAX_POOLS, "source NAT pool", "pool" };

__u32 sfw_nat_ids_find(const struct sfw_nat_ids *t, const char *set, const char *rule)
{
	return sfw_kept_find(&t->rules, set, rule);
}

__u32 sfw_nat_pool_id_find(const struct sfw_nat_ids *t, const char *pool)
{
	return sfw_kept_find(&t->pools, "", pool);
}

/* sessions() asked for one kind */
struct ask {
	sfw_nat_ids_sessions_fn fn;
	void *arg;
	enum sfw_nat_ids_kind kind;
};

static int ask_sessions(void *arg, bool *used)
{
	const struct ask *a = arg;

	return a->fn ? a->fn(a->arg, a->kind, used) : 0;
}

static bool source_rule(const struct sfw_cpl_nat_rule *r)
{
	return r->type == SFW_CONF_NAT_SOURCE;
}

static bool source_pool(const struct sfw_cpl_nat_pool *p)
{
	return p->k.kind == SFW_NAT_POOL_SOURCE;
}

/* c's source rules into w, then its source pools from w + *nr. */
static void wants(const struct sfw_compiled *c, struct sfw_kept_want *w, int *nr, int *np)
{
	*nr = *np = 0;
	for (int k = 0; k < c->n_nat_rules; k++)
		if (source_rule(&c->nat_rules[k]))
			w[(*nr)++] = (struct sfw_kept_want){ c->nat_rules[k].rule_set,
							     c->nat_rules[k].name, 0 };
	for (int k = 0; k < c->n_nat_pools; k++)
		if (source_pool(&c->nat_pools[k]))
			w[*nr + (*np)++] = (struct sfw_kept_want){ "", c->nat_pools[k].name, 0 };
}

/* The compiler's ids (configuration order) to the kept ones; by_old:
 * 2 * (SFW_KEPT_MAX + 1) zeroed slots. */
static void rewrite(struct sfw_compiled *c, const struct sfw_kept_want *w, int nr, __u16 *by_old)
{
	__u16 *rule_by_old = by_old, *pool_by_old = by_old + SFW_KEPT_MAX + 1;
	int i = 0, j = nr;

	for (int k = 0; k < c->n_nat_rules; k++)
		if (source_rule(&c->nat_rules[k])) {
			if (c->nat_rules[k].id <= SFW_KEPT_MAX)
				rule_by_old[c->nat_rules[k].id] = (__u16)w[i].id;
			c->nat_rules[k].id = (__u16)w[i++].id;
		}
	for (int k = 0; k < c->n_nat_pools; k++)
		if (source_pool(&c->nat_pools[k])) {
			if (c->nat_pools[k].k.id <= SFW_KEPT_MAX)
				pool_by_old[c->nat_pools[k].k.id] = (__u16)w[j].id;
			c->nat_pools[k].k.id = (__u16)w[j++].id;
		}
	for (int e = 0; e < c->n_nat_entries; e++) {
		struct sfw_nat_entry *v = &c->nat_entries[e].v;

		if (c->nat_entries[e].k.list.stage != SFW_NAT_SOURCE)
			continue;
		v->rule_id = v->rule_id <= SFW_KEPT_MAX ? rule_by_old[v->rule_id] : 0;
		if (v->action == SFW_NAT_ACT_POOL)
			v->pool_id = v->pool_id <= SFW_KEPT_MAX ? pool_by_old[v->pool_id] : 0;
	}
}

int sfw_nat_ids_assign(struct sfw_nat_ids *t, struct sfw_compiled *c,
		       sfw_nat_ids_sessions_fn sessions, void *arg)
{
	struct sfw_kept_want *w = calloc((size_t)c->n_nat_rules + c->n_nat_pools + 1, sizeof(*w));
	__u16 *by_old = calloc(2 * (SFW_KEPT_MAX + 1), sizeof(*by_old));
	struct ask ar = { sessions, arg, SFW_NAT_IDS_RULES }, ap = { sessions, arg, SFW_NAT_IDS_POOLS };
	int nr = 0, np = 0, err = w && by_old ? 0 : sfw_fail(ENOMEM, "out of memory");

	if (!err) {
		wants(c, w, &nr, &np);
		err = sfw_kept_pick(&t->rules, &rule_kind, w, nr, ask_sessions, &ar);
	}
	err = err ? err : sfw_kept_pick(&t->pools, &pool_kind, w + nr, np, ask_sessions, &ap);
	if (!err) {
		sfw_kept_give(&t->rules, w, nr);
		sfw_kept_give(&t->pools, w + nr, np);
		rewrite(c, w, nr, by_old);
	}
	free(by_old);
	free(w);
	return err;
}
