/* show security nat static rule R|all, as text and JSON. No capture of
 * a device exists: Junos's documented static fields (Destination
 * addresses, Host addresses, Netmask, Host routing-instance) on the
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
#include "json.h"
#include "nat_fields.h"
#include "nat_show.h"
#include "values.h"

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

/* The rule's match and its prefix, masked (a static rule has one each,
 * of one length: conf/check_nat.c), as text. */
static void addrs(const struct sfw_conf_nat_rule *r, char *dst, char *host)
{
	char hi[46];

	sfw_nat_range(r->dst.n ? &r->dst.v[0] : NULL, dst, hi);
	sfw_nat_range(&r->prefix, host, hi);
}

static void srule_text(FILE *f, const struct sfw_nat_rule_row *row)
{
	char dst[46], host[46];

	addrs(row->rule, dst, host);
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

/* Each rule references two prefixes, its match and its host prefix. */
static void totals(const struct sfw_nat_rules *r, int *v4, int *v6)
{
	*v4 = *v6 = 0;
	for (int k = 0; k < r->n; k++) {
		if (r->v[k].rule->prefix.family == SFW_FAMILY_INET6)
			*v6 += 2;
		else
			*v4 += 2;
	}
}

void sfw_show_nat_srules_text(const struct sfw_nat_rules *r, bool all, FILE *out)
{
	int v4, v6;

	if (all) {
		totals(r, &v4, &v6);
		fprintf(out, "Total static-nat rules: %d\n", r->n);
		fprintf(out, "Total referenced IPv4/IPv6 ip-prefixes: %d/%d\n", v4, v6);
	}
	for (int k = 0; k < r->n; k++)
		srule_text(out, &r->v[k]);
}

static void srule_json(struct sfw_json *j, const struct sfw_nat_rule_row *row)
{
	char dst[46], host[46];

	addrs(row->rule, dst, host);
	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "rule-name", row->rule->name);
	SFW_NAT_SRULE_FIELD_LIST(SFW_NAT_JSON_S, SFW_NAT_JSON_N, SFW_NAT_JSON_J)
	sfw_json_open(j, "static-nat-rule-hits-entry", '{');
#define SFW_X(name, lab, key) sfw_json_num(j, key, row->st.n[SFW_NAT_RC_##name]);
	SFW_NAT_RULE_COUNTER_LIST(SFW_X)
#undef SFW_X
	sfw_json_num(j, SFW_NAT_SESSIONS_JSON, row->sessions);
	sfw_json_close(j, '}');
	sfw_json_close(j, '}');
}

void sfw_show_nat_srules_json(const struct sfw_nat_rules *r, bool all, FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_json j;
	int v4, v6;

	sfw_ob_init(&ob, out);
	sfw_json_init(&j, &ob);
	sfw_json_open(&j, NULL, '{');
	sfw_json_open(&j, "static-nat-rule-detail-information", '{');
	if (all) {
		totals(r, &v4, &v6);
		sfw_json_num(&j, "total-static-nat-rules", (__u64)r->n);
		sfw_json_num(&j, "total-referenced-ipv4-prefixes", (__u64)v4);
		sfw_json_num(&j, "total-referenced-ipv6-prefixes", (__u64)v6);
	}
	sfw_json_open(&j, "static-nat-rule-entry", '[');
	for (int k = 0; k < r->n; k++)
		srule_json(&j, &r->v[k]);
	sfw_json_close(&j, ']');
	/* the outer close flushes the buffer */
	sfw_json_close(&j, '}');
	sfw_json_close(&j, '}');
}
