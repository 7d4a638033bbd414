/* NAT rule ids, kept by (rule-set, rule) name, and pool ids, kept by pool
 * name, across commits (kept_ids.c says why), source and destination
 * apart: the datapath counts a rule's and a pool's first packets by id
 * and a session names its rules (nat.rule_id, dnat_rule_id) and its
 * source pool by id. The compiled configuration's rules and pools of
 * every type get their kept ids here, and their entries are rewritten to
 * carry them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "loader.h"
#include "nat_rule_ids.h"

/* Each kind (enum sfw_nat_ids_kind): its bound and words, whether it is
 * a pool kind, which rules (enum sfw_conf_nat_type) or pools (enum
 * sfw_nat_pool_kind) it takes, and the stages of the entries naming them
 * (a bit per enum sfw_nat_stage: static rules have two lists). */
#define STAGE(s) (1u << (s))
static const struct nat_kind {
	struct sfw_kept_kind k;
	bool pool;
	__u8 type, stages;
} kinds[SFW_NAT_IDS_KINDS] = {
	[SFW_NAT_IDS_RULES] = { { SFW_NAT_MAX_RULES, "source NAT rule", "rule" }, false,
				SFW_CONF_NAT_SOURCE, STAGE(SFW_NAT_SOURCE) },
	[SFW_NAT_IDS_POOLS] = { { SFW_NAT_MAX_POOLS, "source NAT pool", "pool" }, true,
				SFW_NAT_POOL_SOURCE, STAGE(SFW_NAT_SOURCE) },
	[SFW_NAT_IDS_DRULES] = { { SFW_NAT_MAX_RULES, "destination NAT rule", "rule" }, false,
				 SFW_CONF_NAT_DESTINATION, STAGE(SFW_NAT_DESTINATION) },
	[SFW_NAT_IDS_DPOOLS] = { { SFW_NAT_MAX_POOLS, "destination NAT pool", "pool" }, true,
				 SFW_NAT_POOL_DESTINATION, STAGE(SFW_NAT_DESTINATION) },
	[SFW_NAT_IDS_SRULES] = { { SFW_NAT_MAX_RULES, "static NAT rule", "rule" }, false,
				 SFW_CONF_NAT_STATIC,
				 STAGE(SFW_NAT_STATIC) | STAGE(SFW_NAT_STATIC_REVERSE) },
};

__u32 sfw_nat_ids_find(const struct sfw_nat_ids *t, const char *set, const char *rule)
{
	return sfw_kept_find(&t->rules, set, rule);
}

__u32 sfw_nat_pool_id_find(const struct sfw_nat_ids *t, const char *pool)
{
	return sfw_kept_find(&t->pools, "", pool);
}

__u32 sfw_nat_drule_id_find(const struct sfw_nat_ids *t, const char *set, const char *rule)
{
	return sfw_kept_find(&t->drules, set, rule);
}

__u32 sfw_nat_dpool_id_find(const struct sfw_nat_ids *t, const char *pool)
{
	return sfw_kept_find(&t->dpools, "", pool);
}

__u32 sfw_nat_srule_id_find(const struct sfw_nat_ids *t, const char *set, const char *rule)
{
	return sfw_kept_find(&t->srules, set, rule);
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

/* The compiler's id of c's i-th holder of kind k, or NULL: not one. */
static __u16 *id_of(struct sfw_compiled *c, const struct nat_kind *k, int i)
{
	if (k->pool)
		return c->nat_pools[i].k.kind == k->type ? &c->nat_pools[i].k.id : NULL;
	return c->nat_rules[i].type == k->type ? &c->nat_rules[i].id : NULL;
}

/* c's holders of kind k into w; how many. */
static int wants(struct sfw_compiled *c, const struct nat_kind *k, struct sfw_kept_want *w)
{
	int n = 0, all = k->pool ? c->n_nat_pools : c->n_nat_rules;

	for (int i = 0; i < all; i++)
		if (id_of(c, k, i))
			w[n++] = k->pool ? (struct sfw_kept_want){ "", c->nat_pools[i].name, 0 } :
				 (struct sfw_kept_want){ c->nat_rules[i].rule_set,
							 c->nat_rules[i].name, 0 };
	return n;
}

/* Kind k's compiler ids (configuration order) to the kept ones w, and
 * its entries' (by_old: SFW_KEPT_MAX + 1 zeroed slots). */
static void rewrite(struct sfw_compiled *c, const struct nat_kind *k,
		    const struct sfw_kept_want *w, __u16 *by_old)
{
	int all = k->pool ? c->n_nat_pools : c->n_nat_rules, j = 0;

	for (int i = 0; i < all; i++) {
		__u16 *id = id_of(c, k, i);

		if (!id)
			continue;
		if (*id <= SFW_KEPT_MAX)
			by_old[*id] = (__u16)w[j].id;
		*id = (__u16)w[j++].id;
	}
	for (int e = 0; e < c->n_nat_entries; e++) {
		struct sfw_nat_entry *v = &c->nat_entries[e].v;
		__u16 *id = k->pool ? &v->pool_id : &v->rule_id;

		if (!(k->stages & STAGE(c->nat_entries[e].k.list.stage)) ||
		    (k->pool && v->action != SFW_NAT_ACT_POOL))
			continue;
		*id = *id <= SFW_KEPT_MAX ? by_old[*id] : 0;
	}
}

int sfw_nat_ids_assign(struct sfw_nat_ids *t, struct sfw_compiled *c,
		       sfw_nat_ids_sessions_fn sessions, void *arg)
{
	int all = c->n_nat_rules + c->n_nat_pools + 1, n[SFW_NAT_IDS_KINDS] = { 0 };
	struct sfw_kept_want *w = calloc((size_t)all * SFW_NAT_IDS_KINDS, sizeof(*w));
	__u16 *by_old = calloc(SFW_NAT_IDS_KINDS * (SFW_KEPT_MAX + 1), sizeof(*by_old));
	int err = w && by_old ? 0 : sfw_fail(ENOMEM, "out of memory");

	for (int k = 0; k < SFW_NAT_IDS_KINDS && !err; k++) {
		struct ask a = { sessions, arg, (enum sfw_nat_ids_kind)k };

		n[k] = wants(c, &kinds[k], w + k * all);
		err = sfw_kept_pick(&t->kind[k], &kinds[k].k, w + k * all, n[k], ask_sessions, &a);
	}
	for (int k = 0; k < SFW_NAT_IDS_KINDS && !err; k++) {
		sfw_kept_give(&t->kind[k], w + k * all, n[k]);
		rewrite(c, &kinds[k], w + k * all, by_old + k * (SFW_KEPT_MAX + 1));
	}
	free(by_old);
	free(w);
	return err;
}
