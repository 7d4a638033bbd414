/* What the NAT writers of Junos's reply share (nat_junos.h). */
#include "nat_fields.h"
#include "nat_junos.h"

#define NS_HEAD "http://xml.juniper.net/junos/"
#define NS_TAIL "/junos-nat"

void sfw_nat_jx_begin(struct sfw_jx *x, struct sfw_obuf *ob, FILE *out,
		      enum sfw_display form, const char *top)
{
	char ns[128];

	snprintf(ns, sizeof(ns), NS_HEAD "%s" NS_TAIL, sfw_release);
	sfw_ob_init(ob, out);
	sfw_jx_begin(x, ob, form, sfw_release);
	sfw_jx_open(x, top, "xmlns", ns);
}

void sfw_nat_jx_end(struct sfw_jx *x, const char *top)
{
	sfw_jx_close(x, top);
	sfw_jx_end(x);
}

void sfw_nat_jx_ranges(struct sfw_jx *x, const char *entry, const char *lo_name,
		       const char *hi_name, const struct sfw_conf_prefixes *ps)
{
	char lo[46], hi[46];
	int k = 0;

	do {
		sfw_nat_range(ps->n ? &ps->v[k] : NULL, lo, hi);
		sfw_jx_open(x, entry, NULL, NULL);
		sfw_jx_leaf(x, lo_name, lo);
		sfw_jx_leaf(x, hi_name, hi);
		sfw_jx_close(x, entry);
	} while (++k < ps->n);
}

void sfw_nat_jx_dport(struct sfw_jx *x, const struct sfw_conf_nat_rule *r)
{
	if (!r->dport.set)
		return;
	sfw_jx_open(x, "destination-port-entry", NULL, NULL);
	sfw_jx_leaf_u64(x, "rule-destination-port-low", r->dport.lo);
	sfw_jx_leaf_u64(x, "rule-destination-port-high", r->dport.hi);
	sfw_jx_close(x, "destination-port-entry");
}

void sfw_nat_jx_totals(struct sfw_jx *x, const struct sfw_nat_rules *r,
		       const char *const names[5])
{
	int v4, v6;

	sfw_nat_prefix_totals(r, &v4, &v6);
	sfw_nat_jx_count(x, names[0], names[1], (__u64)r->n);
	sfw_jx_open(x, names[2], NULL, NULL);
	sfw_jx_leaf_u64(x, names[3], (__u64)v4);
	sfw_jx_leaf_u64(x, names[4], (__u64)v6);
	sfw_jx_close(x, names[2]);
}

void sfw_nat_jx_count(struct sfw_jx *x, const char *outer, const char *inner, __u64 n)
{
	sfw_jx_open(x, outer, NULL, NULL);
	sfw_jx_leaf_u64(x, inner, n);
	sfw_jx_close(x, outer);
}

void sfw_nat_jx_hits(struct sfw_jx *x, const struct sfw_nat_rule_row *row)
{
#define SFW_X(name, lab, key) sfw_jx_leaf_u64(x, key, row->st.n[SFW_NAT_RC_##name]);
	SFW_NAT_RULE_COUNTER_LIST(SFW_X)
#undef SFW_X
	sfw_jx_leaf_u64(x, SFW_NAT_SESSIONS_JSON, row->sessions);
}

void sfw_nat_jx_rules(const struct sfw_nat_rules *r, bool all, enum sfw_display form, FILE *out,
		      const char *top, const char *const totals[5], sfw_nat_jx_rule one)
{
	struct sfw_obuf ob;
	struct sfw_jx x;

	sfw_nat_jx_begin(&x, &ob, out, form, top);
	if (all)
		sfw_nat_jx_totals(&x, r, totals);
	for (int k = 0; k < r->n; k++)
		one(&x, &r->v[k]);
	sfw_nat_jx_end(&x, top);
}
