/* show security nat source pool P|all, as text and JSON. Junos's
 * documented fields in its order (Pool name, Pool id, Routing instance,
 * Host address base, Port, Port overloading, Total addresses, Translation
 * hits), on the rule show's grid: colons at column 29
 * (docs/junos-layouts.md); then the address range table with Single and
 * Twin Ports (sfw has no twin ports: 0).
 *
 * Pool name                  : P
 * Pool id                    : 1
 * ...
 * Address range                             Single Ports   Twin Ports
 *     203.0.113.10 - 203.0.113.13                      2            0
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

static void pool_text(FILE *f, const struct sfw_nat_pool_row *row)
{
	char lo[46], hi[46], ports[32], range[100];

	sfw_nat_pool_addrs(row, lo, hi);
	sfw_nat_pool_ports(row, ports, sizeof(ports));
#define SFW_S(lab, key, v) line_str(f, lab, v);
#define SFW_N(lab, key, v) line_u64(f, lab, v);
	SFW_NAT_POOL_FIELD_LIST(SFW_S, SFW_N, SFW_NAT_FIELD_NONE)
#undef SFW_S
#undef SFW_N
#define SFW_X(name, label, json, junos) line_u64(f, label, row->st.n[SFW_NAT_PC_##name]);
	SFW_NAT_POOL_COUNTER_LIST(SFW_X)
#undef SFW_X
	fprintf(f, "%-41s%12s %12s\n", "Address range", "Single Ports", "Twin Ports");
	snprintf(range, sizeof(range), "    %s - %s", lo, hi);
	fprintf(f, "%-41s%12llu %12u\n", range, (unsigned long long)row->ports, 0u);
}

void sfw_show_nat_pools_text(const struct sfw_nat_pools *p, bool all, FILE *out)
{
	if (all)
		fprintf(out, "Total pools: %d\n", p->n);
	for (int k = 0; k < p->n; k++) {
		if (k)
			fputc('\n', out);
		pool_text(out, &p->v[k]);
	}
}

static void pool_json(struct sfw_json *j, const struct sfw_nat_pool_row *row)
{
	char lo[46], hi[46], ports[32];

	sfw_nat_pool_addrs(row, lo, hi);
	sfw_nat_pool_ports(row, ports, sizeof(ports));
	sfw_json_open(j, NULL, '{');
	SFW_NAT_POOL_FIELD_LIST(SFW_NAT_JSON_S, SFW_NAT_JSON_N, SFW_NAT_JSON_J)
#define SFW_X(name, label, json, junos) sfw_json_num(j, json, row->st.n[SFW_NAT_PC_##name]);
	SFW_NAT_POOL_COUNTER_LIST(SFW_X)
#undef SFW_X
	sfw_json_open(j, "source-pool-address-range", '[');
	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "address-range-low", lo);
	sfw_json_str(j, "address-range-high", hi);
	sfw_json_num(j, "single-port", row->ports);
	sfw_json_num(j, "twin-port", 0);
	sfw_json_close(j, '}');
	sfw_json_close(j, ']');
	sfw_json_close(j, '}');
}

void sfw_show_nat_pools_json(const struct sfw_nat_pools *p, bool all, FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_json j;

	sfw_ob_init(&ob, out);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "source-nat-pool-detail-information");
	if (all)
		sfw_json_num(&j, "total-source-pools", (__u64)p->n);
	sfw_json_open(&j, "source-nat-pool-info-entry", '[');
	for (int k = 0; k < p->n; k++)
		pool_json(&j, &p->v[k]);
	sfw_json_close(&j, ']');
	sfw_json_doc_end(&j);   /* flushes the buffer */
}
