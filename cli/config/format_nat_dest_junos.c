/* `| display xml` and `| display json` of show security nat destination
 * pool P|all, rule R|all and summary: Junos's reply (junos_out.h), the
 * fields from nat_fields.h's lists as the text and sfw's JSON print them.
 * The pool's and rule's entries follow real replies (flat: the rule's
 * action and counters sit in the entry itself); the totals, the port
 * range and the summary's children are named by analogy with the source
 * replies' (docs/junos-layouts.md says which). */
#include "nat_fields.h"
#include "nat_junos.h"

static void pool(struct sfw_jx *x, const struct sfw_nat_dpool_row *row)
{
	char a[46];

	sfw_nat_dpool_addr(row, a);
	sfw_jx_open(x, "destination-nat-pool-entry", NULL, NULL);
	SFW_NAT_DPOOL_FIELD_LIST(SFW_NAT_JX_S, SFW_NAT_JX_N, SFW_NAT_JX_J)
#define SFW_X(name, label, json, junos) sfw_jx_leaf_u64(x, junos, row->st.n[SFW_NAT_DPC_##name]);
	SFW_NAT_DPOOL_COUNTER_LIST(SFW_X)
#undef SFW_X
	sfw_jx_open(x, "pool-address-range", NULL, NULL);
	sfw_jx_leaf(x, "address-range-low", a);
	sfw_jx_leaf(x, "address-range-high", a);
	sfw_jx_leaf_u64(x, "address-port", row->port);
	sfw_jx_close(x, "pool-address-range");
	sfw_jx_close(x, "destination-nat-pool-entry");
}

void sfw_show_nat_dpools_junos(const struct sfw_nat_dpools *p, bool all, enum sfw_display form,
			       FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_jx x;

	sfw_nat_jx_begin(&x, &ob, out, form, "destination-nat-pool-information");
	if (all)
		sfw_nat_jx_count(&x, "total-destination-nat-pools", "total-destination-pools",
				 (__u64)p->n);
	for (int k = 0; k < p->n; k++)
		pool(&x, &p->v[k]);
	sfw_nat_jx_end(&x, "destination-nat-pool-information");
}

/* A rule: its match (source addresses only when it has them), its pool
 * or `off`, its counters. */
static void rule(struct sfw_jx *x, const struct sfw_nat_rule_row *row)
{
	const struct sfw_conf_nat_rule *r = row->rule;

	sfw_jx_open(x, "destination-nat-rule-entry", NULL, NULL);
	sfw_jx_leaf(x, "rule-name", r->name);
	SFW_NAT_DRULE_FIELD_LIST(SFW_NAT_JX_S, SFW_NAT_JX_N, SFW_NAT_JX_J)
	if (r->src.n)
		sfw_nat_jx_ranges(x, "rule-source-address-range-entry",
				  "rule-source-address-low-range", "rule-source-address-high-range",
				  &r->src);
	sfw_nat_jx_ranges(x, "rule-destination-address-range-entry",
			  "rule-destination-address-low-range",
			  "rule-destination-address-high-range", &r->dst);
	sfw_nat_jx_dport(x, r);
	sfw_jx_leaf(x, "destination-nat-rule-action", sfw_nat_action_word(r));
	sfw_nat_jx_hits(x, row);
	sfw_jx_close(x, "destination-nat-rule-entry");
}

void sfw_show_nat_drules_junos(const struct sfw_nat_rules *r, bool all, enum sfw_display form,
			       FILE *out)
{
	static const char *const totals[5] = {
		"total-destination-nat-rules", "total-dst-rules",
		"total-destination-nat-rule-ref-addr-num",
		"total-destination-nat-rule-ref-addr-num-v4",
		"total-destination-nat-rule-ref-addr-num-v6",
	};

	sfw_nat_jx_rules(r, all, form, out, "destination-nat-rule-information", totals, rule);
}

static void summary_pool(struct sfw_jx *x, const struct sfw_nat_dpool_row *row)
{
	char a[46], range[100];

	sfw_nat_dpool_addr(row, a);
	snprintf(range, sizeof(range), "%s-%s", a, a);
	sfw_jx_open(x, "ssg-destination-pool-entry", NULL, NULL);
	sfw_jx_leaf(x, "ssg-destination-pool-name", row->pool->name);
	sfw_jx_leaf(x, "ssg-destination-pool-address-range", range);
	sfw_jx_leaf(x, "ssg-destination-pool-routing-instance", "default");
	sfw_jx_leaf_u64(x, "ssg-destination-pool-port", row->port);
	sfw_jx_leaf_u64(x, "ssg-destination-pool-total-address", 1);
	sfw_jx_close(x, "ssg-destination-pool-entry");
}

static void summary_rule(struct sfw_jx *x, const struct sfw_nat_rule_row *row)
{
	sfw_jx_open(x, "ssg-destination-rule-entry", NULL, NULL);
	sfw_jx_leaf(x, "ssg-destination-rule-name", row->rule->name);
	sfw_jx_leaf(x, "ssg-destination-rule-set-name", row->set->name);
	sfw_jx_leaf(x, "ssg-destination-rule-action", sfw_nat_action_word(row->rule));
	sfw_jx_leaf(x, "ssg-destination-rule-context-from", row->set->from.name);
	sfw_jx_close(x, "ssg-destination-rule-entry");
}

void sfw_show_nat_dsummary_junos(const struct sfw_nat_rules *r, const struct sfw_nat_dpools *p,
				 enum sfw_display form, FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_jx x;

	sfw_nat_jx_begin(&x, &ob, out, form, "destination-nat-summary-information");
	sfw_nat_jx_count(&x, "ssg-total-destination-pool-num", "total-destination-summary-pools",
			 (__u64)p->n);
	for (int k = 0; k < p->n; k++)
		summary_pool(&x, &p->v[k]);
	sfw_nat_jx_count(&x, "ssg-total-destination-rule-num", "summary-total-destination-rules",
			 (__u64)r->n);
	for (int k = 0; k < r->n; k++)
		summary_rule(&x, &r->v[k]);
	sfw_nat_jx_end(&x, "destination-nat-summary-information");
}
