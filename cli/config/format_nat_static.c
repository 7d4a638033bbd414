/* show security nat static rule R|all, as text (sfw's JSON:
 * format_nat_json.c; Junos's reply: format_nat_static_junos.c). No
 * capture of a device's text exists: Junos's documented static fields
 * (Destination addresses, Host addresses, Netmask, Host
 * routing-instance) on the
 * destination rule's grid (colons at column 29, docs/nat.md "Static
 * NAT"), the rule's lines first as the destination show has them, its
 * counters last.
 *
 * Total static-nat rules: 1
 * Total referenced IPv4/IPv6 ip-prefixes: 2/0
 * Static NAT rule: S
 *   Rule set                   : SR
 *   ...
 *   Destination addresses      : 192.0.2.128
 *   Host addresses             : 198.51.100.0
 *   Netmask                    : 30
 *   Host routing-instance      : N/A
 *   Translation hits           : 3
 *     Successful sessions      : 3
 *   Number of sessions         : 1
 */
#include "nat_fields.h"
#include "nat_show.h"

#define NAT_COLON 29

static void line_str(FILE *f, int indent, const char *name, const char *v)
{
	fprintf(f, "%*s%-*s: %s\n", indent, "", NAT_COLON - indent, name, v);
}

static void line_u64(FILE *f, int indent, const char *name, __u64 v)
{
	fprintf(f, "%*s%-*s: %llu\n", indent, "", NAT_COLON - indent, name,
		(unsigned long long)v);
}

static void srule_text(FILE *f, const struct sfw_nat_rule_row *row)
{
	char dst[46], host[46];

	sfw_nat_static_addrs(row->rule, dst, host);
	fprintf(f, "Static NAT rule: %s\n", row->rule->name);
#define SFW_S(lab, key, v) line_str(f, 2, lab, v);
#define SFW_N(lab, key, v) line_u64(f, 2, lab, v);
	SFW_NAT_SRULE_FIELD_LIST(SFW_S, SFW_N, SFW_NAT_FIELD_NONE)
#undef SFW_S
#undef SFW_N
#define SFW_X(name, lab, json) \
	line_u64(f, SFW_NAT_RC_##name == SFW_NAT_RC_HITS ? 2 : 4, lab, row->st.n[SFW_NAT_RC_##name]);
	SFW_NAT_RULE_COUNTER_LIST(SFW_X)
#undef SFW_X
	line_u64(f, 2, SFW_NAT_SESSIONS_LABEL, row->sessions);
}

void sfw_show_nat_srules_text(const struct sfw_nat_rules *r, bool all, FILE *out)
{
	int v4, v6;

	if (all) {
		sfw_nat_prefix_totals(r, &v4, &v6);
		fprintf(out, "Total static-nat rules: %d\n", r->n);
		fprintf(out, "Total referenced IPv4/IPv6 ip-prefixes: %d/%d\n", v4, v6);
	}
	for (int k = 0; k < r->n; k++)
		srule_text(out, &r->v[k]);
}
