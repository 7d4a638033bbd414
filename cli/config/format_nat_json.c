/* show security nat source rule R|all and summary --json, and show
 * security nat destination|static rule R|all --json, keyed by Junos's XML
 * element names (source-nat-rule-detail-information,
 * source-nat-rule-entry, rule-translation-hits, ...; destination-nat-...
 * and static-nat-... for the other types); docs/nat.md lists them.
 * Counts are numbers, as sfw's other JSON has them. */
#include "json.h"
#include "nat_fields.h"
#include "nat_show.h"
#include "values.h"

static void range_list(struct sfw_json *j, const char *list, const char *lo_key,
		       const char *hi_key, const struct sfw_conf_prefixes *ps)
{
	char lo[46], hi[46];
	int k = 0;

	sfw_json_open(j, list, '[');
	do {
		sfw_nat_range(ps->n ? &ps->v[k] : NULL, lo, hi);
		sfw_json_open(j, NULL, '{');
		sfw_json_str(j, lo_key, lo);
		sfw_json_str(j, hi_key, hi);
		sfw_json_close(j, '}');
	} while (++k < ps->n);
	sfw_json_close(j, ']');
}

static void action_json(struct sfw_json *j, const struct sfw_conf_nat_rule *r)
{
	sfw_json_open(j, "source-nat-rule-action-entry", '{');
	sfw_json_str(j, "source-nat-rule-action", sfw_nat_action_word(r));
	if (r->then != SFW_CONF_NAT_THEN_OFF) {
		SFW_NAT_PERSIST_FIELD_LIST(SFW_NAT_JSON_S, SFW_NAT_JSON_N, SFW_NAT_JSON_J)
	}
	sfw_json_close(j, '}');
}

static void hits_json(struct sfw_json *j, const struct sfw_nat_rule_row *row, const char *entry)
{
	sfw_json_open(j, entry, '{');
#define SFW_X(name, lab, key) sfw_json_num(j, key, row->st.n[SFW_NAT_RC_##name]);
	SFW_NAT_RULE_COUNTER_LIST(SFW_X)
#undef SFW_X
	sfw_json_num(j, SFW_NAT_SESSIONS_JSON, row->sessions);
	sfw_json_close(j, '}');
}

static void rule_json(struct sfw_json *j, const struct sfw_nat_rule_row *row)
{
	const struct sfw_conf_nat_rule *r = row->rule;

	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "rule-name", r->name);
	SFW_NAT_RULE_FIELD_LIST(SFW_NAT_JSON_S, SFW_NAT_JSON_N, SFW_NAT_JSON_J)
	range_list(j, "source-address-range-entry", "rule-source-address-low-range",
		   "rule-source-address-high-range", &r->src);
	range_list(j, "destination-address-range-entry", "rule-destination-address-low-range",
		   "rule-destination-address-high-range", &r->dst);
	if (r->dport.set) {
		sfw_json_num(j, "rule-destination-port-low", r->dport.lo);
		sfw_json_num(j, "rule-destination-port-high", r->dport.hi);
	}
	action_json(j, r);
	hits_json(j, row, "source-nat-rule-hits-entry");
	sfw_json_close(j, '}');
}

/* A destination rule: its match (source addresses only when it has
 * them), its pool or `off`, its counters. */
static void drule_json(struct sfw_json *j, const struct sfw_nat_rule_row *row)
{
	const struct sfw_conf_nat_rule *r = row->rule;

	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "rule-name", r->name);
	SFW_NAT_DRULE_FIELD_LIST(SFW_NAT_JSON_S, SFW_NAT_JSON_N, SFW_NAT_JSON_J)
	if (r->src.n)
		range_list(j, "source-address-range-entry", "rule-source-address-low-range",
			   "rule-source-address-high-range", &r->src);
	range_list(j, "destination-address-range-entry", "rule-destination-address-low-range",
		   "rule-destination-address-high-range", &r->dst);
	if (r->dport.set) {
		sfw_json_num(j, "rule-destination-port-low", r->dport.lo);
		sfw_json_num(j, "rule-destination-port-high", r->dport.hi);
	}
	sfw_json_open(j, "destination-nat-rule-action-entry", '{');
	sfw_json_str(j, "destination-nat-rule-action", sfw_nat_action_word(r));
	sfw_json_close(j, '}');
	hits_json(j, row, "destination-nat-rule-hits-entry");
	sfw_json_close(j, '}');
}

/* A static rule: its match and host prefix, its counters. */
static void srule_json(struct sfw_json *j, const struct sfw_nat_rule_row *row)
{
	char dst[46], host[46];

	sfw_nat_static_addrs(row->rule, dst, host);
	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "rule-name", row->rule->name);
	SFW_NAT_SRULE_FIELD_LIST(SFW_NAT_JSON_S, SFW_NAT_JSON_N, SFW_NAT_JSON_J)
	hits_json(j, row, "static-nat-rule-hits-entry");
	sfw_json_close(j, '}');
}

void sfw_nat_json_begin(struct sfw_obuf *ob, struct sfw_json *j, FILE *out, const char *top)
{
	sfw_ob_init(ob, out);
	sfw_json_init(j, ob);
	sfw_json_doc_begin(j, top);
}

/* `rule all|R` of any type: top, list and totals' names, one rule's writer. */
struct rules_json_names {
	const char *top, *list, *total;
};

static void rules_json(const struct sfw_nat_rules *r, bool all, FILE *out,
		       const struct rules_json_names *names,
		       void (*one)(struct sfw_json *, const struct sfw_nat_rule_row *))
{
	struct sfw_obuf ob;
	struct sfw_json j;
	int v4, v6;

	sfw_nat_json_begin(&ob, &j, out, names->top);
	if (all) {
		sfw_nat_prefix_totals(r, &v4, &v6);
		sfw_json_num(&j, names->total, (__u64)r->n);
		sfw_json_num(&j, "total-referenced-ipv4-prefixes", (__u64)v4);
		sfw_json_num(&j, "total-referenced-ipv6-prefixes", (__u64)v6);
	}
	sfw_json_open(&j, names->list, '[');
	for (int k = 0; k < r->n; k++)
		one(&j, &r->v[k]);
	sfw_json_close(&j, ']');
	sfw_json_doc_end(&j);
}

void sfw_show_nat_rules_json(const struct sfw_nat_rules *r, bool all, FILE *out)
{
	static const struct rules_json_names n = {
		"source-nat-rule-detail-information", "source-nat-rule-entry", "total-rules",
	};

	rules_json(r, all, out, &n, rule_json);
}

void sfw_show_nat_drules_json(const struct sfw_nat_rules *r, bool all, FILE *out)
{
	static const struct rules_json_names n = {
		"destination-nat-rule-detail-information", "destination-nat-rule-entry",
		"total-rules",
	};

	rules_json(r, all, out, &n, drule_json);
}

void sfw_show_nat_srules_json(const struct sfw_nat_rules *r, bool all, FILE *out)
{
	static const struct rules_json_names n = {
		"static-nat-rule-detail-information", "static-nat-rule-entry",
		"total-static-nat-rules",
	};

	rules_json(r, all, out, &n, srule_json);
}

static void pool_summary_json(struct sfw_json *j, const struct sfw_nat_pools *p)
{
	__u64 usage = 0;

	for (int k = 0; k < p->n; k++)
		usage += sfw_nat_pool_capacity(&p->v[k]);
	sfw_json_num(j, "total-port-usage", usage);
	sfw_json_num(j, "maximum-port-number", SFW_NAT_MAX_PORTS);
	sfw_json_num(j, "total-pools", (__u64)p->n);
	sfw_json_open(j, "source-nat-pool-summary", '[');
	for (int k = 0; k < p->n; k++) {
		const struct sfw_nat_pool_row *row = &p->v[k];
		char lo[46], hi[46];

		sfw_nat_pool_addrs(row, lo, hi);
		sfw_json_open(j, NULL, '{');
		sfw_json_str(j, "pool-name", row->pool->name);
		sfw_json_str(j, "source-pool-address-range-low", lo);
		sfw_json_str(j, "source-pool-address-range-high", hi);
		sfw_json_str(j, "routing-instance-name", "default");
		sfw_json_str(j, "source-pool-pat", row->port_lo ? "yes" : "no");
		sfw_json_num(j, "total-pool-address", row->n_addrs);
		sfw_json_close(j, '}');
	}
	sfw_json_close(j, ']');
}

void sfw_show_nat_summary_json(const struct sfw_nat_rules *r, const struct sfw_nat_pools *p,
			       FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_json j;

	sfw_nat_json_begin(&ob, &j, out, "source-nat-summary-information");
	pool_summary_json(&j, p);
	sfw_json_num(&j, "total-rules", (__u64)r->n);
	sfw_json_open(&j, "source-nat-rule-summary", '[');
	for (int k = 0; k < r->n; k++) {
		const struct sfw_nat_rule_row *row = &r->v[k];

		sfw_json_open(&j, NULL, '{');
		sfw_json_str(&j, "rule-name", row->rule->name);
		sfw_json_str(&j, "rule-set-name", row->set->name);
		sfw_json_str(&j, "rule-action", sfw_nat_action_word(row->rule));
		sfw_json_str(&j, "rule-from-context-name", row->set->from.name);
		sfw_json_str(&j, "rule-to-context-name", row->set->to.name);
		sfw_json_close(&j, '}');
	}
	sfw_json_close(&j, ']');
	sfw_json_doc_end(&j);
}
