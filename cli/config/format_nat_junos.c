/* `| display xml` and `| display json` of show security nat source rule
 * R|all, pool P|all and summary: Junos's reply (junos_out.h), its
 * element names and order those of real SRX replies
 * (docs/junos-layouts.md), the fields from nat_fields.h's lists, as the
 * text and sfw's JSON print them. Elements sfw has no value for
 * (failed-hits, source-pool-twin-port, source-pool-address-assignment,
 * src-nat-app-entry) are left out. */
#include "nat_fields.h"
#include "nat_junos.h"

static void action(struct sfw_jx *x, const struct sfw_conf_nat_rule *r)
{
	sfw_jx_open(x, "source-nat-rule-action-entry", NULL, NULL);
	sfw_jx_leaf(x, "source-nat-rule-action", sfw_nat_action_word(r));
	if (r->then != SFW_CONF_NAT_THEN_OFF) {
		SFW_NAT_PERSIST_FIELD_LIST(SFW_NAT_JX_S, SFW_NAT_JX_N, SFW_NAT_JX_J)
	}
	sfw_jx_close(x, "source-nat-rule-action-entry");
}

static void rule(struct sfw_jx *x, const struct sfw_nat_rule_row *row)
{
	const struct sfw_conf_nat_rule *r = row->rule;

	sfw_jx_open(x, "source-nat-rule-entry", NULL, NULL);
	sfw_jx_leaf(x, "rule-name", r->name);
	SFW_NAT_RULE_FIELD_LIST(SFW_NAT_JX_S, SFW_NAT_JX_N, SFW_NAT_JX_J)
	sfw_nat_jx_ranges(x, "source-address-range-entry", "rule-source-address-low-range",
			  "rule-source-address-high-range", &r->src);
	sfw_nat_jx_ranges(x, "destination-address-range-entry",
			  "rule-destination-address-low-range",
			  "rule-destination-address-high-range", &r->dst);
	sfw_nat_jx_dport(x, r);
	action(x, r);
	sfw_jx_open(x, "source-nat-rule-hits-entry", NULL, NULL);
	sfw_nat_jx_hits(x, row);
	sfw_jx_close(x, "source-nat-rule-hits-entry");
	sfw_jx_close(x, "source-nat-rule-entry");
}

void sfw_show_nat_rules_junos(const struct sfw_nat_rules *r, bool all, enum sfw_display form,
			      FILE *out)
{
	static const char *const totals[5] = {
		"total-source-nat-rules", "total-src-rules", "total-source-nat-rule-ref-addr-num",
		"total-source-nat-rule-ref-addr-num-v4", "total-source-nat-rule-ref-addr-num-v6",
	};

	sfw_nat_jx_rules(r, all, form, out, "source-nat-rule-detail-information", totals, rule);
}

/* A pool: its fields and counters, then its one address range with the
 * ports held (Single Ports), and the sums of the ranges. */
static void pool(struct sfw_jx *x, const struct sfw_nat_pool_row *row)
{
	char lo[46], hi[46], ports[32];

	sfw_nat_pool_addrs(row, lo, hi);
	sfw_nat_pool_ports(row, ports, sizeof(ports));
	sfw_jx_open(x, "source-nat-pool-info-entry", NULL, NULL);
	SFW_NAT_POOL_FIELD_LIST(SFW_NAT_JX_S, SFW_NAT_JX_N, SFW_NAT_JX_J)
#define SFW_X(name, label, json, junos) sfw_jx_leaf_u64(x, junos, row->st.n[SFW_NAT_PC_##name]);
	SFW_NAT_POOL_COUNTER_LIST(SFW_X)
#undef SFW_X
	sfw_jx_open(x, "source-pool-address-range", NULL, NULL);
	sfw_jx_leaf(x, "address-range-low", lo);
	sfw_jx_leaf(x, "address-range-high", hi);
	sfw_jx_leaf_u64(x, "single-port", row->ports);
	sfw_jx_leaf_u64(x, "twin-port", 0);
	sfw_jx_close(x, "source-pool-address-range");
	sfw_jx_open(x, "source-pool-address-range-sum", NULL, NULL);
	sfw_jx_leaf_u64(x, "single-port-sum", row->ports);
	sfw_jx_leaf_u64(x, "twin-port-sum", 0);
	sfw_jx_close(x, "source-pool-address-range-sum");
	sfw_jx_close(x, "source-nat-pool-info-entry");
}

void sfw_show_nat_pools_junos(const struct sfw_nat_pools *p, bool all, enum sfw_display form,
			      FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_jx x;

	sfw_nat_jx_begin(&x, &ob, out, form, "source-nat-pool-detail-information");
	if (all)
		sfw_nat_jx_count(&x, "total-source-nat-pools", "total-source-pools", (__u64)p->n);
	for (int k = 0; k < p->n; k++)
		pool(&x, &p->v[k]);
	sfw_nat_jx_end(&x, "source-nat-pool-detail-information");
}

static void summary_pool(struct sfw_jx *x, const struct sfw_nat_pool_row *row)
{
	char lo[46], hi[46], range[100];

	sfw_nat_pool_addrs(row, lo, hi);
	snprintf(range, sizeof(range), "%s-%s", lo, hi);
	sfw_jx_open(x, "ssg-source-pool-entry", NULL, NULL);
	sfw_jx_leaf(x, "ssg-source-pool-name", row->pool->name);
	sfw_jx_leaf(x, "ssg-source-pool-address-range", range);
	sfw_jx_leaf(x, "ssg-source-pool-routing-instance", "default");
	sfw_jx_leaf(x, "ssg-source-pool-pat", row->port_lo ? "yes" : "no");
	sfw_jx_leaf_u64(x, "ssg-source-pool-total-address", row->n_addrs);
	sfw_jx_close(x, "ssg-source-pool-entry");
}

static void summary_rule(struct sfw_jx *x, const struct sfw_nat_rule_row *row)
{
	sfw_jx_open(x, "ssg-source-rule-entry", NULL, NULL);
	sfw_jx_leaf(x, "ssg-source-rule-name", row->rule->name);
	sfw_jx_leaf(x, "ssg-source-rule-set-name", row->set->name);
	sfw_jx_leaf(x, "ssg-source-rule-action", sfw_nat_action_word(row->rule));
	sfw_jx_leaf(x, "ssg-source-rule-context-from", row->set->from.name);
	sfw_jx_leaf(x, "ssg-source-rule-context-to", row->set->to.name);
	sfw_jx_close(x, "ssg-source-rule-entry");
}

/* The summary: the text's lines, in the ssg- elements real replies have. */
void sfw_show_nat_summary_junos(const struct sfw_nat_rules *r, const struct sfw_nat_pools *p,
				enum sfw_display form, FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_jx x;
	__u64 usage = 0;

	for (int k = 0; k < p->n; k++)
		usage += sfw_nat_pool_capacity(&p->v[k]);
	sfw_nat_jx_begin(&x, &ob, out, form, "ssg-source-nat-summary-information");
	sfw_nat_jx_count(&x, "ssg-total-source-pat-port-num", "total-source-summary-pat-port-num", usage);
	sfw_nat_jx_count(&x, "ssg-max-source-pat-port-num", "max-source-pat-port-num", SFW_NAT_MAX_PORTS);
	sfw_nat_jx_count(&x, "ssg-total-source-pool-num", "total-source-summary-pools", (__u64)p->n);
	for (int k = 0; k < p->n; k++)
		summary_pool(&x, &p->v[k]);
	sfw_nat_jx_count(&x, "ssg-total-source-rule-num", "summary-total-source-rules", (__u64)r->n);
	for (int k = 0; k < r->n; k++)
		summary_rule(&x, &r->v[k]);
	sfw_nat_jx_end(&x, "ssg-source-nat-summary-information");
}
