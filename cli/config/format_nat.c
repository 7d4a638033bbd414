/* show security nat source rule R|all and summary, and show security nat
 * destination rule R|all, as text. Junos's grid
 * (docs/junos-layouts.md): labels end in a colon at column 29 at either
 * indent; Action and its persistent-NAT lines at column 32; ranges are the
 * low address in 16 columns, `- `, the high one.
 *
 * source NAT rule: r1
 *   Rule set                   : rs1
 *   Rule Id                    : 1
 *   ...
 *   Action                        : interface
 *     Persistent NAT type         : N/A
 *   Translation hits           : 3
 *     Successful sessions      : 3
 *   Number of sessions         : 1
 */
#include <string.h>
#include "nat_fields.h"
#include "nat_show.h"
#include "values.h"

#define NAT_COLON 29         /* the grid's colon */
#define NAT_ACTION_COLON 32  /* Action's block */

static void label(FILE *f, int indent, int colon, const char *name)
{
	fprintf(f, "%*s%-*s: ", indent, "", colon - indent, name);
}

static void line_str(FILE *f, int indent, int colon, const char *name, const char *v)
{
	label(f, indent, colon, name);
	fprintf(f, "%s\n", v);
}

static void line_u64(FILE *f, int indent, int colon, const char *name, __u64 v)
{
	label(f, indent, colon, name);
	fprintf(f, "%llu\n", (unsigned long long)v);
}

/* A list of prefixes as ranges, one a line: the first after the label,
 * the others on continuation lines (as extra from-zones are). `any` when
 * none. */
static void ranges(FILE *f, const char *name, const struct sfw_conf_prefixes *ps)
{
	char lo[46], hi[46];
	int k = 0;

	do {
		sfw_nat_range(ps->n ? &ps->v[k] : NULL, lo, hi);
		if (k)
			fprintf(f, "%*s: ", NAT_COLON, "");
		else
			label(f, 4, NAT_COLON, name);
		fprintf(f, "%-16s- %s\n", lo, hi);
	} while (++k < ps->n);
}

static void protocols(FILE *f, const struct sfw_conf_nat_rule *r)
{
	bool first = true;

	for (int p = 0; p < 256; p++) {
		const char *n = sfw_proto_name((__u8)p);

		if (!(r->protos[p / 64] & (1ull << (p % 64))))
			continue;
		if (first)
			label(f, 4, NAT_COLON, "IP protocol");
		else
			fprintf(f, "%*s: ", NAT_COLON, "");
		if (n)
			fprintf(f, "%s\n", n);
		else
			fprintf(f, "%d\n", p);
		first = false;
	}
}

static void match(FILE *f, const struct sfw_conf_nat_rule *r)
{
	fprintf(f, "  Match\n");
	ranges(f, "Source addresses", &r->src);
	ranges(f, "Destination addresses", &r->dst);
	if (r->dport.set) {
		label(f, 4, NAT_COLON, "Destination port");
		fprintf(f, "%-16u- %u\n", r->dport.lo, r->dport.hi);
	}
	protocols(f, r);
}

static void action(FILE *f, const struct sfw_conf_nat_rule *r)
{
	line_str(f, 2, NAT_ACTION_COLON, "Action", sfw_nat_action_word(r));
	if (r->then == SFW_CONF_NAT_THEN_OFF)
		return;
#define SFW_S(lab, key, v) line_str(f, 4, NAT_ACTION_COLON, lab, v);
#define SFW_N(lab, key, v) line_u64(f, 4, NAT_ACTION_COLON, lab, v);
	SFW_NAT_PERSIST_FIELD_LIST(SFW_S, SFW_N, SFW_NAT_FIELD_NONE)
#undef SFW_S
#undef SFW_N
}

/* The counters: hits at 2, what they became at 4 (Junos's nesting). */
static void counters(FILE *f, const struct sfw_nat_rule_row *row)
{
#define SFW_X(name, lab, json) \
	line_u64(f, SFW_NAT_RC_##name == SFW_NAT_RC_HITS ? 2 : 4, NAT_COLON, lab, \
		 row->st.n[SFW_NAT_RC_##name]);
	SFW_NAT_RULE_COUNTER_LIST(SFW_X)
#undef SFW_X
	line_u64(f, 2, NAT_COLON, SFW_NAT_SESSIONS_LABEL, row->sessions);
}

static void rule_text(FILE *f, const struct sfw_nat_rule_row *row)
{
	fprintf(f, "source NAT rule: %s\n", row->rule->name);
#define SFW_S(lab, key, v) line_str(f, 2, NAT_COLON, lab, v);
#define SFW_N(lab, key, v) line_u64(f, 2, NAT_COLON, lab, v);
	SFW_NAT_RULE_FIELD_LIST(SFW_S, SFW_N, SFW_NAT_FIELD_NONE)
#undef SFW_S
#undef SFW_N
	match(f, row->rule);
	action(f, row->rule);
	counters(f, row);
}

/* A destination rule: no To zone and no Match header (Junos's layout);
 * its match lines at 4, Action on the grid's colon. */
static void drule_text(FILE *f, const struct sfw_nat_rule_row *row)
{
	const struct sfw_conf_nat_rule *r = row->rule;

	fprintf(f, "Destination NAT rule: %s\n", r->name);
#define SFW_S(lab, key, v) line_str(f, 2, NAT_COLON, lab, v);
#define SFW_N(lab, key, v) line_u64(f, 2, NAT_COLON, lab, v);
	SFW_NAT_DRULE_FIELD_LIST(SFW_S, SFW_N, SFW_NAT_FIELD_NONE)
#undef SFW_S
#undef SFW_N
	if (r->src.n)
		ranges(f, "Source addresses", &r->src);
	ranges(f, "Destination addresses", &r->dst);
	if (r->dport.set) {
		label(f, 4, NAT_COLON, "Destination port");
		fprintf(f, "%-16u- %u\n", r->dport.lo, r->dport.hi);
	}
	protocols(f, r);
	line_str(f, 2, NAT_COLON, "Action", sfw_nat_action_word(r));
	counters(f, row);
}

void sfw_show_nat_drules_text(const struct sfw_nat_rules *r, bool all, FILE *out)
{
	int v4, v6;

	if (all) {
		sfw_nat_prefix_totals(r, &v4, &v6);
		fprintf(out, "Total destination-nat rules: %d\n", r->n);
		fprintf(out, "Total referenced IPv4/IPv6 ip-prefixes: %d/%d\n", v4, v6);
	}
	for (int k = 0; k < r->n; k++)
		drule_text(out, &r->v[k]);
}

void sfw_show_nat_rules_text(const struct sfw_nat_rules *r, bool all, FILE *out)
{
	int v4, v6;

	if (all) {
		sfw_nat_prefix_totals(r, &v4, &v6);
		fprintf(out, "Total rules: %d\n", r->n);
		fprintf(out, "Total referenced IPv4/IPv6 ip-prefixes: %d/%d\n", v4, v6);
	}
	for (int k = 0; k < r->n; k++)
		rule_text(out, &r->v[k]);
}

/* Pools are not built: the totals are 0 and the table has its header
 * only. The rule part: labels in 10 columns, the from-zone in 22. */
/* Usage: the ports the port-translation pools offer; maximum: the most
 * reservations the datapath holds at once (SFW_NAT_MAX_PORTS). */
static void pool_table(const struct sfw_nat_pools *p, FILE *out)
{
	__u64 usage = 0;

	for (int k = 0; k < p->n; k++)
		usage += sfw_nat_pool_capacity(&p->v[k]);
	fprintf(out, "Total port number usage for port translation pool: %llu\n",
		(unsigned long long)usage);
	fprintf(out, "Maximum port number for port translation pool: %llu\n",
		(unsigned long long)SFW_NAT_MAX_PORTS);
	fprintf(out, "Total pools: %d\n", p->n);
	fprintf(out, "%-21s%-25s%-21s%-5s%s\n", "Pool", "Address", "Routing", "PAT", "Total");
	fprintf(out, "%-21s%-25s%-21s%-5s%s\n", "Name", "Range", "Instance", "", "Address");
	for (int k = 0; k < p->n; k++) {
		const struct sfw_nat_pool_row *row = &p->v[k];
		char lo[46], hi[46], range[100];

		sfw_nat_pool_addrs(row, lo, hi);
		snprintf(range, sizeof(range), "%s-%s", lo, hi);
		fprintf(out, "%-20s %-24s %-20s %-4s %llu\n", row->pool->name, range, "default",
			row->port_lo ? "yes" : "no", (unsigned long long)row->n_addrs);
	}
}

void sfw_show_nat_summary_text(const struct sfw_nat_rules *r, const struct sfw_nat_pools *p,
			       FILE *out)
{
	pool_table(p, out);
	fprintf(out, "\nTotal rules: %d\n", r->n);
	for (int k = 0; k < r->n; k++) {
		const struct sfw_nat_rule_row *row = &r->v[k];

		fprintf(out, "Rule name : %s\n", row->rule->name);
		fprintf(out, "    %-10s: %s\n", "Rule set", row->set->name);
		fprintf(out, "    %-10s: %s\n", "Action", sfw_nat_action_word(row->rule));
		fprintf(out, "    %-10s: %-21s To : %s\n", "From", row->set->from.name,
			row->set->to.name);
	}
}
