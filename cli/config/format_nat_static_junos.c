/* `| display xml` and `| display json` of show security nat static rule
 * R|all: Junos's reply (junos_out.h), the fields from nat_fields.h's
 * list as the text and sfw's JSON print them. The entry follows a real
 * SRX reply (12.1X46; flat, as the destination rule's: the counters sit
 * in the entry itself); the totals are named as a reader of SRX replies
 * names the count and, by analogy with the source replies', the prefixes
 * (docs/junos-layouts.md says which). Elements of what sfw's static NAT
 * lacks (a source-address match, mapped ports) are left out. */
#include "nat_fields.h"
#include "nat_junos.h"

static void rule(struct sfw_jx *x, const struct sfw_nat_rule_row *row)
{
	char dst[46], host[46];

	sfw_nat_static_addrs(row->rule, dst, host);
	sfw_jx_open(x, "static-nat-rule-entry", NULL, NULL);
	sfw_jx_leaf(x, "rule-name", row->rule->name);
	SFW_NAT_SRULE_FIELD_LIST(SFW_NAT_JX_S, SFW_NAT_JX_N, SFW_NAT_JX_J)
	sfw_nat_jx_hits(x, row);
	sfw_jx_close(x, "static-nat-rule-entry");
}

void sfw_show_nat_srules_junos(const struct sfw_nat_rules *r, bool all, enum sfw_display form,
			       FILE *out)
{
	static const char *const totals[5] = {
		"total-static-nat-rules", "total-rules", "total-static-nat-rule-ref-addr-num",
		"total-static-nat-rule-ref-addr-num-v4", "total-static-nat-rule-ref-addr-num-v6",
	};

	sfw_nat_jx_rules(r, all, form, out, "static-nat-rule-information", totals, rule);
}
