/* The life cycle of security nat's objects in the model: what conf/
 * model.c's truncate and free call (kept apart from the getters, which
 * grow the model's arrays through conf/model.c). */
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"

void conf_nat_free_rule(struct sfw_conf_nat_rule *r)
{
	free(r->src.v);
	free(r->dst.v);
	memset(&r->src, 0, sizeof(r->src));
	memset(&r->dst, 0, sizeof(r->dst));
}

static void pop_to(struct conf_index *x, int n)
{
	struct conf_keys none = { NULL, NULL };

	if (x->n > n)
		conf_index_sync(x, &none, n);
}

void conf_nat_index_pop(struct sfw_conf *c)
{
	struct conf_indexes *x = c->index;

	pop_to(&x->nat_src_pools, c->n_nat_src_pools);
	pop_to(&x->nat_dst_pools, c->n_nat_dst_pools);
	pop_to(&x->nat_rule_sets, c->n_nat_rule_sets);
	pop_to(&x->nat_rules, c->n_nat_rules);
}

void conf_nat_index_free(struct conf_indexes *x)
{
	conf_index_free(&x->nat_src_pools);
	conf_index_free(&x->nat_dst_pools);
	conf_index_free(&x->nat_rule_sets);
	conf_index_free(&x->nat_rules);
}
