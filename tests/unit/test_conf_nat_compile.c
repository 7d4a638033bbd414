/* security nat compiled into include/nat.h's entries: exact pools, lists
 * in Junos's order of evaluation (static, destination, then after route
 * and policy static's reverse and source), entries in rule order with
 * masked addresses, from configuration text. */
#include <arpa/inet.h>
#include "compile.h"
#include "test_conf.h"

static const char nat_text[] =
	CONF_BASE
	"set security zones security-zone dmz interfaces veth2\n"
	"set security nat source pool P1 address 203.0.113.1/32 to 203.0.113.10/32\n"
	"set security nat source pool P1 port range 2000 to 3000\n"
	"set security nat source pool P2 address 198.51.100.0/30\n"
	"set security nat source pool P2 port no-translation\n"
	"set security nat source pool P3 address 203.0.113.20/32\n"
	"set security nat destination pool D1 address 192.0.2.20/32 port 8080\n"
	"set security nat source rule-set RS from zone trust\n"
	"set security nat source rule-set RS to zone untrust\n"
	"set security nat source rule-set RS rule R1 match source-address [ 192.0.2.7/24 2001:db8::/32 ]\n"
	"set security nat source rule-set RS rule R1 match destination-address 198.51.100.0/24\n"
	"set security nat source rule-set RS rule R1 match destination-port 80 to 90\n"
	"set security nat source rule-set RS rule R1 then source-nat pool P1\n"
	"set security nat source rule-set RS rule R2 then source-nat interface\n"
	"set security nat destination rule-set DR from zone untrust\n"
	"set security nat destination rule-set DR rule W match destination-address 203.0.113.100/32\n"
	"set security nat destination rule-set DR rule W match destination-port 80\n"
	"set security nat destination rule-set DR rule W match protocol [ udp tcp ]\n"
	"set security nat destination rule-set DR rule W then destination-nat pool D1\n"
	"set security nat static rule-set SR from zone untrust\n"
	"set security nat static rule-set SR rule S1 match destination-address 203.0.113.65/29\n"
	"set security nat static rule-set SR rule S1 then static-nat prefix 192.0.2.64/29\n"
	"set security nat proxy-arp interface veth1 address 203.0.113.1/32 to 203.0.113.10/32\n";

static union sfw_addr a4(const char *s)
{
	union sfw_addr a = { 0 };

	cr_assert_eq(inet_pton(AF_INET, s, &a.v4), 1);
	return a;
}

static void compile_text(const char *text, struct sfw_conf *conf, struct sfw_compiled *out)
{
	conf_test_parse_ok(conf, text);
	cr_assert_eq(sfw_conf_compile(conf, out), 0, "compile: %s", sfw_last_error());
}

static void assert_pool(const struct sfw_cpl_nat_pool *p, __u8 kind, __u16 id, const char *name,
			const struct sfw_nat_pool *want)
{
	cr_assert_eq(p->k.kind, kind);
	cr_assert_eq(p->k.id, id);
	cr_assert_str_eq(p->name, name);
	cr_assert_eq(memcmp(&p->v, want, sizeof(*want)), 0, "pool %s differs", name);
}

Test(conf_nat_compile, pools_numbered_per_kind_with_ranges_and_ports)
{
	struct sfw_conf c;
	struct sfw_compiled out;

	compile_text(nat_text, &c, &out);
	cr_assert_eq(out.n_nat_pools, 4);
	assert_pool(&out.nat_pools[0], SFW_NAT_POOL_SOURCE, 1, "P1", &(struct sfw_nat_pool){
		.first = a4("203.0.113.1"), .last = a4("203.0.113.10"), .family = SFW_FAMILY_INET,
		.port_lo = 2000, .port_hi = 3000, .n_addrs = 10 });
	assert_pool(&out.nat_pools[1], SFW_NAT_POOL_SOURCE, 2, "P2", &(struct sfw_nat_pool){
		.first = a4("198.51.100.0"), .last = a4("198.51.100.3"), .family = SFW_FAMILY_INET,
		.flags = SFW_NAT_POOL_NO_PORT_XLATE, .n_addrs = 4 });
	assert_pool(&out.nat_pools[2], SFW_NAT_POOL_SOURCE, 3, "P3", &(struct sfw_nat_pool){
		.first = a4("203.0.113.20"), .last = a4("203.0.113.20"), .family = SFW_FAMILY_INET,
		.port_lo = SFW_NAT_PORT_LO, .port_hi = SFW_NAT_PORT_HI, .n_addrs = 1 });
	assert_pool(&out.nat_pools[3], SFW_NAT_POOL_DESTINATION, 1, "D1", &(struct sfw_nat_pool){
		.first = a4("192.0.2.20"), .last = a4("192.0.2.20"), .family = SFW_FAMILY_INET,
		.port_lo = 8080, .port_hi = 8080, .n_addrs = 1 });
	cr_assert_eq(out.n_nat_proxies, 1);
	cr_assert_str_eq(out.nat_proxies[0].ifname, "veth1");
	cr_assert_eq(memcmp(&out.nat_proxies[0].v, &(struct sfw_nat_proxy){
		.first = a4("203.0.113.1"), .last = a4("203.0.113.10"),
		.family = SFW_FAMILY_INET }, sizeof(struct sfw_nat_proxy)), 0);
	sfw_compiled_free(&out);
	sfw_conf_free(&c);
}

static void assert_list(const struct sfw_cpl_nat_list *l, __u8 stage, __u8 from, __u8 to, __u32 n)
{
	cr_assert_eq(l->k.stage, stage);
	cr_assert_eq(l->k.from_zone, from, "stage %u from %u", stage, l->k.from_zone);
	cr_assert_eq(l->k.to_zone, to, "stage %u to %u", stage, l->k.to_zone);
	cr_assert_eq(l->v.n_entries, n, "stage %u: %u entries", stage, l->v.n_entries);
}

static void assert_entry(const struct sfw_cpl_nat_entry *e, const struct sfw_nat_list_key *list,
			 __u32 idx, const struct sfw_nat_entry *want)
{
	cr_assert_eq(memcmp(&e->k.list, list, sizeof(*list)), 0, "entry %u: another list", idx);
	cr_assert_eq(e->k.idx, idx);
	cr_assert_eq(memcmp(&e->v, want, sizeof(*want)), 0,
		     "entry %u of stage %u differs (rule %u action %u)", idx, list->stage,
		     e->v.rule_id, e->v.action);
}

/* trust 1, untrust 2, dmz 3. */
Test(conf_nat_compile, lists_in_evaluation_order_with_exact_entries)
{
	struct sfw_conf c;
	struct sfw_compiled out;
	const struct sfw_cpl_nat_entry *e;

	compile_text(nat_text, &c, &out);
	cr_assert_eq(out.n_nat_lists, 4);
	assert_list(&out.nat_lists[0], SFW_NAT_STATIC, 2, 0, 1);
	assert_list(&out.nat_lists[1], SFW_NAT_DESTINATION, 2, 0, 2);
	assert_list(&out.nat_lists[2], SFW_NAT_STATIC_REVERSE, 0, 2, 1);
	assert_list(&out.nat_lists[3], SFW_NAT_SOURCE, 1, 2, 2);
	cr_assert_eq(out.n_nat_entries, 6);
	e = out.nat_entries;
	/* static: 203.0.113.65/29 masked to .64, to 192.0.2.64/29 */
	assert_entry(&e[0], &out.nat_lists[0].k, 0, &(struct sfw_nat_entry){
		.dst = a4("203.0.113.64"), .xlate = a4("192.0.2.64"), .family = SFW_FAMILY_INET,
		.dst_len = 29, .action = SFW_NAT_ACT_PREFIX, .rule_id = 1 });
	/* destination: one entry per protocol, in protocol order */
	assert_entry(&e[1], &out.nat_lists[1].k, 0, &(struct sfw_nat_entry){
		.dst = a4("203.0.113.100"), .family = SFW_FAMILY_INET, .dst_len = 32,
		.action = SFW_NAT_ACT_POOL, .flags = SFW_NAT_E_PROTO | SFW_NAT_E_DPORT,
		.proto = 6, .dport_lo = 80, .dport_hi = 80, .rule_id = 1, .pool_id = 1 });
	assert_entry(&e[2], &out.nat_lists[1].k, 1, &(struct sfw_nat_entry){
		.dst = a4("203.0.113.100"), .family = SFW_FAMILY_INET, .dst_len = 32,
		.action = SFW_NAT_ACT_POOL, .flags = SFW_NAT_E_PROTO | SFW_NAT_E_DPORT,
		.proto = 17, .dport_lo = 80, .dport_hi = 80, .rule_id = 1, .pool_id = 1 });
	/* static's reverse direction: the inside prefix's sources, out */
	assert_entry(&e[3], &out.nat_lists[2].k, 0, &(struct sfw_nat_entry){
		.src = a4("192.0.2.64"), .xlate = a4("203.0.113.64"), .family = SFW_FAMILY_INET,
		.src_len = 29, .action = SFW_NAT_ACT_PREFIX, .rule_id = 1 });
	/* source: R1's IPv6 source cannot meet its IPv4 destination: no entry */
	assert_entry(&e[4], &out.nat_lists[3].k, 0, &(struct sfw_nat_entry){
		.src = a4("192.0.2.0"), .dst = a4("198.51.100.0"), .family = SFW_FAMILY_INET,
		.src_len = 24, .dst_len = 24, .action = SFW_NAT_ACT_POOL, .flags = SFW_NAT_E_DPORT,
		.dport_lo = 80, .dport_hi = 90, .rule_id = 1, .pool_id = 1 });
	assert_entry(&e[5], &out.nat_lists[3].k, 1, &(struct sfw_nat_entry){
		.action = SFW_NAT_ACT_INTERFACE, .rule_id = 2 });
	sfw_compiled_free(&out);
	sfw_conf_free(&c);
}

Test(conf_nat_compile, rules_numbered_per_type_with_names)
{
	static const struct { __u8 type; __u16 id; const char *name, *set; } want[] = {
		{ SFW_CONF_NAT_SOURCE, 1, "R1", "RS" }, { SFW_CONF_NAT_SOURCE, 2, "R2", "RS" },
		{ SFW_CONF_NAT_DESTINATION, 1, "W", "DR" }, { SFW_CONF_NAT_STATIC, 1, "S1", "SR" },
	};
	struct sfw_conf c;
	struct sfw_compiled out;

	compile_text(nat_text, &c, &out);
	cr_assert_eq(out.n_nat_rules, 4);
	for (int k = 0; k < 4; k++) {
		cr_assert_eq(out.nat_rules[k].type, want[k].type);
		cr_assert_eq(out.nat_rules[k].id, want[k].id);
		cr_assert_str_eq(out.nat_rules[k].name, want[k].name);
		cr_assert_str_eq(out.nat_rules[k].rule_set, want[k].set);
	}
	sfw_compiled_free(&out);
	sfw_conf_free(&c);
}

/* Rules of two rule-sets written interleaved still fill their own lists
 * in their own order. */
Test(conf_nat_compile, interleaved_rule_sets_keep_their_rule_order)
{
	struct sfw_conf c;
	struct sfw_compiled out;

	compile_text(CONF_BASE
		     "set security zones security-zone dmz interfaces veth2\n"
		     "set security nat source rule-set A from zone trust\n"
		     "set security nat source rule-set A to zone untrust\n"
		     "set security nat source rule-set B from zone dmz\n"
		     "set security nat source rule-set B to zone untrust\n"
		     "set security nat source rule-set B rule b1 then source-nat off\n"
		     "set security nat source rule-set A rule a1 then source-nat interface\n"
		     "set security nat source rule-set B rule b2 then source-nat interface\n"
		     "set security nat source rule-set A rule a2 then source-nat off\n",
		     &c, &out);
	cr_assert_eq(out.n_nat_lists, 2);
	assert_list(&out.nat_lists[0], SFW_NAT_SOURCE, 1, 2, 2);
	assert_list(&out.nat_lists[1], SFW_NAT_SOURCE, 3, 2, 2);
	cr_assert_eq(out.nat_entries[0].v.rule_id, 2);   /* a1: the second source rule written */
	cr_assert_eq(out.nat_entries[0].v.action, SFW_NAT_ACT_INTERFACE);
	cr_assert_eq(out.nat_entries[1].v.rule_id, 4);   /* a2 */
	cr_assert_eq(out.nat_entries[2].v.rule_id, 1);   /* b1 */
	cr_assert_eq(out.nat_entries[3].v.rule_id, 3);   /* b2 */
	cr_assert_eq(out.nat_entries[3].k.idx, 1);
	sfw_compiled_free(&out);
	sfw_conf_free(&c);
}

Test(conf_nat_compile, a_list_past_the_datapath_bound_is_refused)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct sfw_conf c;
	struct sfw_compiled out;

	fputs(CONF_BASE "set security nat source rule-set RS from zone trust\n"
	      "set security nat source rule-set RS to zone untrust\n"
	      "set security nat source rule-set RS rule R then source-nat interface\n", f);
	for (int k = 0; k < 17; k++)
		fprintf(f, "set security nat source rule-set RS rule R match source-address "
			"192.0.2.%d/32\n", k);
	for (int k = 0; k < 16; k++)
		fprintf(f, "set security nat source rule-set RS rule R match destination-address "
			"198.51.100.%d/32\n", k);
	fclose(f);
	conf_test_parse_ok(&c, text);
	cr_assert_eq(sfw_conf_compile(&c, &out), -E2BIG);
	cr_assert_str_eq(sfw_last_error(), "more than 256 NAT entries in one rule-set (a rule "
			 "counts once per address, address pair and protocol)");
	cr_assert_eq(out.n_nat_entries, 0);
	sfw_conf_free(&c);
	free(text);
}

/* Rule ids index the datapath's per-rule counters (include/nat.h): 4,096
 * source rules (16 zone pairs of 256) compile, one more is refused. */
static char *many_rules(int extra)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	fputs(CONF_BASE, f);
	for (int z = 0; z < 17; z++) {
		fprintf(f, "set security zones security-zone z%d interfaces vz%d\n", z, z);
		fprintf(f, "set security nat source rule-set S%d from zone z%d\n", z, z);
		fprintf(f, "set security nat source rule-set S%d to zone untrust\n", z);
		for (int r = 0; r < (z < 16 ? 256 : extra); r++)
			fprintf(f, "set security nat source rule-set S%d rule R%d-%d then "
				"source-nat interface\n", z, z, r);
	}
	fclose(f);
	return text;
}

Test(conf_nat_compile, rules_past_the_counters_bound_are_refused)
{
	struct sfw_conf c;
	struct sfw_compiled out;
	char *text = many_rules(0);

	compile_text(text, &c, &out);
	cr_assert_eq(out.n_nat_rules, SFW_NAT_MAX_RULES);
	cr_assert_eq(out.nat_rules[SFW_NAT_MAX_RULES - 1].id, SFW_NAT_MAX_RULES);
	sfw_compiled_free(&out);
	sfw_conf_free(&c);
	free(text);
	text = many_rules(1);
	conf_test_parse_ok(&c, text);
	cr_assert_eq(sfw_conf_compile(&c, &out), -E2BIG);
	cr_assert_str_eq(sfw_last_error(), "more than 4096 NAT rules of one type (source, "
			 "destination or static)");
	sfw_conf_free(&c);
	free(text);
}

Test(conf_nat_compile, no_nat_compiles_nothing)
{
	struct sfw_conf c;
	struct sfw_compiled out;

	compile_text(CONF_BASE, &c, &out);
	cr_assert_eq(out.n_nat_lists + out.n_nat_entries + out.n_nat_pools + out.n_nat_rules +
		     out.n_nat_proxies, 0);
	sfw_compiled_free(&out);
	sfw_conf_free(&c);
}
