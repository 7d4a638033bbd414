/* show security nat destination pool P|all and summary, as text and
 * JSON. Junos's documented pool fields in its order (Pool name, Pool id,
 * Routing instance, Total addresses, Translation hits) on the source
 * shows' grid (colons at column 29, docs/nat.md), then the address and
 * its port (0: the packet's port kept); the summary as the source one.
 *
 * Total destination-nat pools: 1
 * Pool name                  : D
 * ...
 * Address range                            Port
 *     192.0.2.10 - 192.0.2.10              80
 */
#include "json.h"
#include "nat_fields.h"
#include "nat_show.h"
#include "values.h"

#define NAT_COLON 29

static void line_str(FILE *f, const char *name, const char *v)
{
	fprintf(f, "%-*s: %s\n", NAT_COLON, name, v);
}

static void line_u64(FILE *f, const char *name, __u64 v)
{
	fprintf(f, "%-*s: %llu\n", NAT_COLON, name, (unsigned long long)v);
}

static void pool_text(FILE *f, const struct sfw_nat_dpool_row *row)
{
	char a[46], range[100];

	sfw_nat_dpool_addr(row, a);
#define SFW_S(lab, key, v) line_str(f, lab, v);
#define SFW_N(lab, key, v) line_u64(f, lab, v);
	SFW_NAT_DPOOL_FIELD_LIST(SFW_S, SFW_N, SFW_NAT_FIELD_NONE)
#undef SFW_S
#undef SFW_N
#define SFW_X(name, label, json, junos) line_u64(f, label, row->st.n[SFW_NAT_DPC_##name]);
	SFW_NAT_DPOOL_COUNTER_LIST(SFW_X)
#undef SFW_X
	fprintf(f, "%-41s%s\n", "Address range", "Port");
	snprintf(range, sizeof(range), "    %s - %s", a, a);
	fprintf(f, "%-41s%u\n", range, row->port);
}

void sfw_show_nat_dpools_text(const struct sfw_nat_dpools *p, bool all, FILE *out)
{
	if (all)
		fprintf(out, "Total destination-nat pools: %d\n", p->n);
	for (int k = 0; k < p->n; k++) {
		if (k)
			fputc('\n', out);
		pool_text(out, &p->v[k]);
	}
}

static void pool_json(struct sfw_json *j, const struct sfw_nat_dpool_row *row)
{
	char a[46];

	sfw_nat_dpool_addr(row, a);
	sfw_json_open(j, NULL, '{');
	SFW_NAT_DPOOL_FIELD_LIST(SFW_NAT_JSON_S, SFW_NAT_JSON_N, SFW_NAT_JSON_J)
#define SFW_X(name, label, json, junos) sfw_json_num(j, json, row->st.n[SFW_NAT_DPC_##name]);
	SFW_NAT_DPOOL_COUNTER_LIST(SFW_X)
#undef SFW_X
	sfw_json_open(j, "destination-pool-address-range", '[');
	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "address-range-low", a);
	sfw_json_str(j, "address-range-high", a);
	sfw_json_num(j, "port", row->port);
	sfw_json_close(j, '}');
	sfw_json_close(j, ']');
	sfw_json_close(j, '}');
}

void sfw_show_nat_dpools_json(const struct sfw_nat_dpools *p, bool all, FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_json j;

	sfw_nat_json_begin(&ob, &j, out, "destination-nat-pool-detail-information");
	if (all)
		sfw_json_num(&j, "total-destination-pools", (__u64)p->n);
	sfw_json_open(&j, "destination-nat-pool-info-entry", '[');
	for (int k = 0; k < p->n; k++)
		pool_json(&j, &p->v[k]);
	sfw_json_close(&j, ']');
	sfw_json_doc_end(&j);
}

/* The summary: the pool table (the source one's columns, Port for PAT),
 * then the rules, labels in 10 columns. */
void sfw_show_nat_dsummary_text(const struct sfw_nat_rules *r, const struct sfw_nat_dpools *p,
				FILE *out)
{
	fprintf(out, "Total pools: %d\n", p->n);
	fprintf(out, "%-21s%-25s%-21s%-6s%s\n", "Pool", "Address", "Routing", "Port", "Total");
	fprintf(out, "%-21s%-25s%-21s%-6s%s\n", "Name", "Range", "Instance", "", "Address");
	for (int k = 0; k < p->n; k++) {
		char a[46], range[100];

		sfw_nat_dpool_addr(&p->v[k], a);
		snprintf(range, sizeof(range), "%s-%s", a, a);
		fprintf(out, "%-20s %-24s %-20s %-5u %u\n", p->v[k].pool->name, range, "default",
			p->v[k].port, 1u);
	}
	fprintf(out, "\nTotal rules: %d\n", r->n);
	for (int k = 0; k < r->n; k++) {
		const struct sfw_nat_rule_row *row = &r->v[k];

		fprintf(out, "Rule name : %s\n", row->rule->name);
		fprintf(out, "    %-10s: %s\n", "Rule set", row->set->name);
		fprintf(out, "    %-10s: %s\n", "Action", sfw_nat_action_word(row->rule));
		fprintf(out, "    %-10s: %s\n", "From", row->set->from.name);
	}
}

void sfw_show_nat_dsummary_json(const struct sfw_nat_rules *r, const struct sfw_nat_dpools *p,
				FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_json j;

	sfw_nat_json_begin(&ob, &j, out, "destination-nat-summary-information");
	sfw_json_num(&j, "total-pools", (__u64)p->n);
	sfw_json_open(&j, "destination-nat-pool-summary", '[');
	for (int k = 0; k < p->n; k++) {
		char a[46];

		sfw_nat_dpool_addr(&p->v[k], a);
		sfw_json_open(&j, NULL, '{');
		sfw_json_str(&j, "pool-name", p->v[k].pool->name);
		sfw_json_str(&j, "destination-pool-address-range-low", a);
		sfw_json_str(&j, "destination-pool-address-range-high", a);
		sfw_json_str(&j, "routing-instance-name", "default");
		sfw_json_num(&j, "destination-pool-port", p->v[k].port);
		sfw_json_num(&j, "total-pool-address", 1);
		sfw_json_close(&j, '}');
	}
	sfw_json_close(&j, ']');
	sfw_json_num(&j, "total-rules", (__u64)r->n);
	sfw_json_open(&j, "destination-nat-rule-summary", '[');
	for (int k = 0; k < r->n; k++) {
		sfw_json_open(&j, NULL, '{');
		sfw_json_str(&j, "rule-name", r->v[k].rule->name);
		sfw_json_str(&j, "rule-set-name", r->v[k].set->name);
		sfw_json_str(&j, "rule-action", sfw_nat_action_word(r->v[k].rule));
		sfw_json_str(&j, "rule-from-context-name", r->v[k].set->from.name);
		sfw_json_close(&j, '}');
	}
	sfw_json_close(&j, ']');
	sfw_json_doc_end(&j);
}
