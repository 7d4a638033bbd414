/* security nat in the configuration language (docs/nat.md
 * "Configuration"): every statement form parses, prints back as canonical
 * set lines that parse to the same model, each check refuses what Junos
 * refuses with one FILE:LINE line; what the datapath does not translate yet
 * commit check warns of and a commit refuses before storing anything, and
 * source-nat interface commits. */
#include "test_conf.h"

#define NAT_ZONES CONF_BASE \
	"set security zones security-zone dmz interfaces veth2\n"

/* Every form, lists and `to` ranges included, kinds interleaved. */
static const char nat_config[] =
	NAT_ZONES
	"set security nat destination pool D1 address 192.0.2.20/32 port 8080\n"
	"set security nat source pool P1 address 203.0.113.1/32 to 203.0.113.10/32\n"
	"set security nat source pool P1 port range 2000 to 3000\n"
	"set security nat source pool P2 address 198.51.100.0/30\n"
	"set security nat source pool P2 port no-translation\n"
	"set security nat static rule-set SR from zone untrust\n"
	"set security nat static rule-set SR rule S1 match destination-address 203.0.113.64/29\n"
	"set security nat static rule-set SR rule S1 then static-nat prefix 192.0.2.64/29\n"
	"set security nat source rule-set RS from zone trust\n"
	"set security nat source rule-set RS to zone untrust\n"
	"set security nat source rule-set RS rule R1 match source-address [ 192.0.2.0/24 2001:db8::/32 ]\n"
	"set security nat source rule-set RS rule R1 match destination-address 0.0.0.0/0\n"
	"set security nat source rule-set RS rule R1 match destination-port 80 to 90\n"
	"set security nat source rule-set RS rule R1 then source-nat pool P1\n"
	"set security nat source rule-set RS rule R2 then source-nat interface\n"
	"set security nat source rule-set RS2 from zone dmz\n"
	"set security nat source rule-set RS2 to zone untrust\n"
	"set security nat source rule-set RS2 rule R3 then source-nat off\n"
	"set security nat destination rule-set DR from zone untrust\n"
	"set security nat destination rule-set DR rule W match destination-address 203.0.113.100/32\n"
	"set security nat destination rule-set DR rule W match destination-port 80\n"
	"set security nat destination rule-set DR rule W match protocol [ udp tcp ]\n"
	"set security nat destination rule-set DR rule W then destination-nat pool D1\n"
	"set security nat destination rule-set DR rule X match destination-address 203.0.113.101/32\n"
	"set security nat destination rule-set DR rule X then destination-nat off\n"
	"set security nat proxy-arp interface veth1 address 203.0.113.1/32 to 203.0.113.10/32\n"
	"set security nat proxy-ndp interface veth1 address 2001:db8::1/128\n";

static const char nat_printed[] =
	"set security zones security-zone trust interfaces veth0\n"
	"set security zones security-zone untrust interfaces veth1\n"
	"set security zones security-zone dmz interfaces veth2\n"
	"set security nat source pool P1 address 203.0.113.1/32 to 203.0.113.10/32\n"
	"set security nat source pool P1 port range 2000 to 3000\n"
	"set security nat source pool P2 address 198.51.100.0/30\n"
	"set security nat source pool P2 port no-translation\n"
	"set security nat destination pool D1 address 192.0.2.20/32 port 8080\n"
	"set security nat static rule-set SR from zone untrust\n"
	"set security nat source rule-set RS from zone trust\n"
	"set security nat source rule-set RS to zone untrust\n"
	"set security nat source rule-set RS2 from zone dmz\n"
	"set security nat source rule-set RS2 to zone untrust\n"
	"set security nat destination rule-set DR from zone untrust\n"
	"set security nat static rule-set SR rule S1 match destination-address 203.0.113.64/29\n"
	"set security nat static rule-set SR rule S1 then static-nat prefix 192.0.2.64/29\n"
	"set security nat source rule-set RS rule R1 match source-address 192.0.2.0/24\n"
	"set security nat source rule-set RS rule R1 match source-address 2001:db8::/32\n"
	"set security nat source rule-set RS rule R1 match destination-address 0.0.0.0/0\n"
	"set security nat source rule-set RS rule R1 match destination-port 80 to 90\n"
	"set security nat source rule-set RS rule R1 then source-nat pool P1\n"
	"set security nat source rule-set RS rule R2 then source-nat interface\n"
	"set security nat source rule-set RS2 rule R3 then source-nat off\n"
	"set security nat destination rule-set DR rule W match destination-address 203.0.113.100/32\n"
	"set security nat destination rule-set DR rule W match destination-port 80\n"
	"set security nat destination rule-set DR rule W match protocol tcp\n"
	"set security nat destination rule-set DR rule W match protocol udp\n"
	"set security nat destination rule-set DR rule W then destination-nat pool D1\n"
	"set security nat destination rule-set DR rule X match destination-address 203.0.113.101/32\n"
	"set security nat destination rule-set DR rule X then destination-nat off\n"
	"set security nat proxy-arp interface veth1 address 203.0.113.1/32 to 203.0.113.10/32\n"
	"set security nat proxy-ndp interface veth1 address 2001:db8::1/128\n";

static char *print_conf(const struct sfw_conf *conf)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	cr_assert_eq(sfw_conf_print(conf, f), 0);
	fclose(f);
	return text;
}

Test(conf_nat, every_form_parses_into_the_model)
{
	struct sfw_conf c;

	conf_test_parse_ok(&c, nat_config);
	cr_assert_eq(c.n_nat_src_pools, 2);
	cr_assert_eq(c.n_nat_dst_pools, 1);
	cr_assert_eq(c.n_nat_rule_sets, 4);
	cr_assert_eq(c.n_nat_rules, 6);
	cr_assert_eq(c.n_nat_proxies, 2);
	cr_assert(c.nat_src_pools[0].has_to && c.nat_src_pools[0].ports.set);
	cr_assert_eq(c.nat_src_pools[0].ports.lo, 2000);
	cr_assert_eq(c.nat_src_pools[0].ports.hi, 3000);
	cr_assert(c.nat_src_pools[1].no_translation);
	cr_assert_eq(c.nat_dst_pools[0].port, 8080);
	cr_assert_eq(c.nat_rules[1].src.n, 2);
	cr_assert_eq(c.nat_rules[1].then, SFW_CONF_NAT_THEN_POOL);
	cr_assert_eq(c.nat_rules[1].pool.kind, SFW_CONF_REF_NAT_POOL);
	cr_assert_eq(c.nat_rules[1].pool.idx, 0);
	cr_assert_eq(c.nat_rule_sets[1].from.idx, 0);
	cr_assert_eq(c.nat_rule_sets[1].to.idx, 1);
	cr_assert(c.nat_proxies[1].ndp);
	cr_assert(sfw_conf_has_nat(&c));
	sfw_conf_free(&c);
}

Test(conf_nat, prints_canonical_lines_that_parse_to_the_same_model)
{
	struct sfw_conf a, b;
	char *once, *twice;

	conf_test_parse_ok(&a, nat_config);
	once = print_conf(&a);
	cr_assert_str_eq(once, nat_printed);
	conf_test_parse_ok(&b, once);
	cr_assert(sfw_conf_equal(&a, &b), "parse(print(x)) differs from x");
	twice = print_conf(&b);
	cr_assert_str_eq(once, twice);
	free(once);
	free(twice);
	sfw_conf_free(&a);
	sfw_conf_free(&b);
}

Test(conf_nat, equal_sees_a_nat_difference)
{
	struct sfw_conf a, b;

	conf_test_parse_ok(&a, nat_config);
	conf_test_parse_ok(&b, NAT_ZONES);
	cr_assert_not(sfw_conf_equal(&a, &b));
	sfw_conf_free(&a);
	sfw_conf_free(&b);
}

/* A statement with an error adds nothing: the rule-set it would have
 * created is not reported again as incomplete. */
Test(conf_nat, a_bad_statement_adds_nothing)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source rule-set RS from zone trust bogus\n",
		    "t.conf:4: unexpected word 'bogus' after 'set security nat source rule-set RS "
		    "from zone trust': expected end of statement");
}

Test(conf_nat, unknown_words_name_the_choices)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source nothing\n"
		    "set security nat static pool S address 192.0.2.1/32\n"
		    "set security nat source rule-set RS rule R then static-nat prefix 192.0.2.0/24\n",
		    "t.conf:4: unknown word 'nothing' after 'set security nat source': expected "
		    "one of pool, rule-set",
		    "t.conf:5: unknown word 'pool' after 'set security nat static': expected "
		    "'rule-set'",
		    "t.conf:6: unknown word 'static-nat' after 'set security nat source rule-set RS "
		    "rule R then': expected 'source-nat'");
}

Test(conf_nat, port_range_out_of_range_or_reversed)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source pool P address 203.0.113.1/32\n"
		    "set security nat source pool P port range 1023 to 2000\n"
		    "set security nat source pool P port range 3000 to 2000\n",
		    "t.conf:5: bad port '1023' after 'set security nat source pool P port range': "
		    "expected a number from 1024 to 65535",
		    "t.conf:6: pool 'P': port range 3000 to 2000 is reversed: expected LOW to HIGH");
}

Test(conf_nat, pool_with_no_translation_and_a_range)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source pool P address 203.0.113.1/32\n"
		    "set security nat source pool P port no-translation\n"
		    "set security nat source pool P port range 2000 to 3000\n",
		    "t.conf:6: source pool 'P' has both 'port no-translation' and 'port range': "
		    "expected one of them");
}

Test(conf_nat, pools_need_an_address)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source pool P port range 2000 to 3000\n"
		    "set security nat destination pool D\n",
		    "t.conf:4: source pool 'P' has no address: expected 'set security nat source "
		    "pool P address A/32'",
		    "t.conf:5: destination pool 'D' has no address: expected 'set security nat "
		    "destination pool D address A/32'");
}

Test(conf_nat, pool_to_below_address_or_of_another_family)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source pool P address 203.0.113.10/32 to 203.0.113.1/32\n"
		    "set security nat source pool Q address 198.51.100.1/32 to 2001:db8::1/128\n",
		    "t.conf:4: source pool 'P': the 'to' address is below the first address: "
		    "expected A to B with B not below A",
		    "t.conf:5: source pool 'Q': address and 'to' address are of different families");
}

Test(conf_nat, a_second_pool_address_is_refused)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source pool P address 203.0.113.1/32\n"
		    "set security nat source pool P address 203.0.113.2/32\n",
		    "t.conf:5: pool 'P' is given a second address: it was set at line 4");
}

Test(conf_nat, destination_pool_is_one_host)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat destination pool D address 192.0.2.0/24\n",
		    "t.conf:4: destination pool 'D': address has length /24: expected one host "
		    "address (/32 or /128)");
}

Test(conf_nat, overlapping_source_pools)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source pool A address 203.0.113.8/29\n"
		    "set security nat source pool B address 203.0.113.1/32 to 203.0.113.8/32\n"
		    "set security nat source pool C address 203.0.113.16/32 to 203.0.113.20/32\n"
		    "set security nat source pool V6 address 2001:db8::/126\n",
		    "t.conf:5: source pool 'B' overlaps source pool 'A' (line 4): an address "
		    "belongs to one pool");
}

Test(conf_nat, unknown_pool_and_zone)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source rule-set RS from zone trust\n"
		    "set security nat source rule-set RS to zone outside\n"
		    "set security nat source rule-set RS rule R then source-nat pool nope\n"
		    "set security nat destination pool nope2 address 192.0.2.1/32\n"
		    "set security nat destination rule-set DR from zone inside\n"
		    "set security nat destination rule-set DR rule W match destination-address 203.0.113.1/32\n"
		    "set security nat destination rule-set DR rule W then destination-nat pool nope\n",
		    "t.conf:5: source rule-set 'RS': undefined zone 'outside'",
		    "t.conf:6: source rule 'R' of rule-set 'RS': undefined source pool 'nope'",
		    "t.conf:8: destination rule-set 'DR': undefined zone 'inside'",
		    "t.conf:10: destination rule 'W' of rule-set 'DR': undefined destination pool "
		    "'nope'");
}

Test(conf_nat, rule_sets_need_their_zones)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source rule-set RS rule R then source-nat interface\n"
		    "set security nat destination rule-set DR rule W then destination-nat off\n"
		    "set security nat destination rule-set DR rule W match destination-address 192.0.2.1/32\n",
		    "t.conf:4: source rule-set 'RS' has no from zone: expected 'set security nat "
		    "source rule-set RS from zone ZONE'",
		    "t.conf:4: source rule-set 'RS' has no to zone: expected 'set security nat "
		    "source rule-set RS to zone ZONE'",
		    "t.conf:5: destination rule-set 'DR' has no from zone: expected 'set security "
		    "nat destination rule-set DR from zone ZONE'");
}

Test(conf_nat, one_rule_set_per_context)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source rule-set A from zone trust\n"
		    "set security nat source rule-set A to zone untrust\n"
		    "set security nat source rule-set A rule R1 then source-nat interface\n"
		    "set security nat source rule-set B from zone trust\n"
		    "set security nat source rule-set B to zone dmz\n"
		    "set security nat source rule-set B rule R2 then source-nat interface\n"
		    "set security nat source rule-set C from zone trust\n"
		    "set security nat source rule-set C to zone untrust\n"
		    "set security nat source rule-set C rule R3 then source-nat interface\n",
		    "t.conf:10: source rule-set 'C' has the context of rule-set 'A' (line 4): one "
		    "rule-set per from zone and to zone");
}

Test(conf_nat, rules_need_an_action_and_a_destination)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source rule-set RS from zone trust\n"
		    "set security nat source rule-set RS to zone untrust\n"
		    "set security nat source rule-set RS rule R match source-address 192.0.2.0/24\n"
		    "set security nat destination rule-set DR from zone untrust\n"
		    "set security nat destination rule-set DR rule W then destination-nat off\n",
		    "t.conf:6: source rule 'R' of rule-set 'RS' has no action: expected 'then "
		    "source-nat ...'",
		    "t.conf:8: destination rule 'W' of rule-set 'DR' has no destination-address: "
		    "expected 'match destination-address PREFIX'");
}

Test(conf_nat, rule_names_repeated_across_rule_sets)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source rule-set A from zone trust\n"
		    "set security nat source rule-set A to zone untrust\n"
		    "set security nat source rule-set A rule R then source-nat interface\n"
		    "set security nat source rule-set B from zone dmz\n"
		    "set security nat source rule-set B to zone untrust\n"
		    "set security nat source rule-set B rule R then source-nat off\n"
		    "set security nat destination rule-set DR from zone untrust\n"
		    "set security nat destination rule-set DR rule R match destination-address 192.0.2.1/32\n"
		    "set security nat destination rule-set DR rule R then destination-nat off\n",
		    "t.conf:9: source rule 'R' is in rule-set 'B' and in rule-set 'A' (line 6): a "
		    "rule name is used once");
}

Test(conf_nat, static_prefixes_of_different_lengths)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat static rule-set SR from zone untrust\n"
		    "set security nat static rule-set SR rule S match destination-address 203.0.113.0/24\n"
		    "set security nat static rule-set SR rule S then static-nat prefix 192.0.2.0/25\n"
		    "set security nat static rule-set SR rule T match destination-address [ 203.0.113.1/32 203.0.113.2/32 ]\n"
		    "set security nat static rule-set SR rule T then static-nat prefix 192.0.2.200/32\n",
		    "t.conf:6: static rule 'S' of rule-set 'SR': static-nat prefix /25 and "
		    "destination-address /24 differ: expected prefixes of one family and length",
		    "t.conf:7: static rule 'T' of rule-set 'SR': static-nat matches one "
		    "destination-address, not 2");
}

/* Static NAT maps one address to one, both ways: two static rules
 * (of one rule-set or of two) that match an address, or translate to
 * one, are refused at commit check; disjoint ones and another family's
 * are not. */
Test(conf_nat, overlapping_static_prefixes)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat static rule-set SR from zone untrust\n"
		    "set security nat static rule-set SR rule S1 match destination-address 203.0.113.64/29\n"
		    "set security nat static rule-set SR rule S1 then static-nat prefix 192.0.2.64/29\n"
		    "set security nat static rule-set SR rule S2 match destination-address 203.0.113.70/32\n"
		    "set security nat static rule-set SR rule S2 then static-nat prefix 192.0.2.1/32\n"
		    "set security nat static rule-set SD from zone dmz\n"
		    "set security nat static rule-set SD rule S3 match destination-address 203.0.113.128/30\n"
		    "set security nat static rule-set SD rule S3 then static-nat prefix 192.0.2.64/30\n"
		    "set security nat static rule-set SD rule S4 match destination-address 203.0.113.132/30\n"
		    "set security nat static rule-set SD rule S4 then static-nat prefix 192.0.2.128/30\n",
		    "t.conf:7: static rule 'S2' of rule-set 'SR': its destination-address overlaps "
		    "that of static rule 'S1' (line 5): static NAT maps one address to one",
		    "t.conf:11: static rule 'S3' of rule-set 'SD': its static-nat prefix overlaps "
		    "that of static rule 'S1' (line 6): static NAT maps one address to one");
}

/* A source pool's address inside a static rule's destination-address
 * (docs/nat.md "Sixth review", RV6-1): static NAT forwards every port
 * of it, and a pool's session there would take the static host's
 * traffic on its tuple. Refused at commit check, one line per pool; a
 * pool beside the prefix and another family's are not. */
Test(conf_nat, source_pool_inside_a_static_address_refused)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat static rule-set SR from zone untrust\n"
		    "set security nat static rule-set SR rule S1 match destination-address 203.0.113.64/29\n"
		    "set security nat static rule-set SR rule S1 then static-nat prefix 192.0.2.64/29\n"
		    "set security nat source pool P1 address 203.0.113.60/32 to 203.0.113.64/32\n"
		    "set security nat source pool P2 address 203.0.113.72/32\n"
		    "set security nat source pool P3 address 2001:db8::/126\n"
		    "set security nat source pool P4 address 203.0.113.70/31\n",
		    "t.conf:7: source pool 'P1' overlaps the destination-address of static rule "
		    "'S1' (line 5): static NAT forwards every port of that address to its host",
		    "t.conf:10: source pool 'P4' overlaps the destination-address of static rule "
		    "'S1' (line 5): static NAT forwards every port of that address to its host");
}

Test(conf_nat, proxy_interface_and_family)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat proxy-arp interface eth9 address 203.0.113.1/32\n"
		    "set security nat proxy-arp interface veth1 address 2001:db8::1/128\n"
		    "set security nat proxy-ndp interface veth1 address 2001:db8::9/128 to 2001:db8::1/128\n",
		    "t.conf:4: proxy-arp interface 'eth9': the interface is in no zone: expected "
		    "an interface of a security zone",
		    "t.conf:5: proxy-arp interface 'veth1': expected an IPv4 address",
		    "t.conf:6: proxy-ndp interface 'veth1': the 'to' address is below the first "
		    "address: expected A to B with B not below A");
}

Test(conf_nat, commit_check_warns_once)
{
	struct sfw_conf c;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	conf_test_parse_ok(&c, nat_config);
	cr_assert_eq(sfw_conf_print_warnings(&c, f), 1);
	fclose(f);
	cr_assert_str_eq(text, "t.conf:14: warning: security nat source rule R1: "
			 "NAT of IPv6 is not built yet, and commit refuses it (docs/nat.md)\n");
	free(text);
	sfw_conf_free(&c);
}

Test(conf_nat, no_warning_without_nat)
{
	struct sfw_conf c;
	FILE *f = fopen("/dev/null", "w");

	conf_test_parse_ok(&c, NAT_ZONES);
	cr_assert_eq(sfw_conf_print_warnings(&c, f), 0);
	cr_assert_eq(sfw_conf_nat_refuse(&c), 0);
	fclose(f);
	sfw_conf_free(&c);
}

static int applied;

static int count_apply(const struct sfw_conf *conf, void *ctx)
{
	applied++;
	return 0;
}

/* The refusal comes before the text is staged: nothing applied, the
 * active file as it was, no rollback made. */
Test(conf_nat, commit_refuses_before_storing_or_applying)
{
	char dir[] = "/tmp/sfw-nat-XXXXXX", path[256], cmd[300];
	struct sfw_conf_commit_ops ops = { .apply = count_apply };
	struct sfw_conf c;

	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	conf_test_parse_ok(&c, nat_config);
	applied = 0;
	cr_assert_eq(sfw_conf_commit(&c, &ops), -EOPNOTSUPP);
	cr_assert_str_eq(sfw_last_error(), "t.conf:14: security nat source rule R1: "
			 "NAT of IPv6 is not built yet: remove it to commit (docs/nat.md)");
	cr_assert_eq(applied, 0);
	cr_assert_eq(sfw_conf_active_path(path, sizeof(path)), 0);
	cr_assert_neq(access(path, F_OK), 0, "a refused commit stored %s", path);
	cr_assert_eq(sfw_conf_store(&c), -EOPNOTSUPP);
	cr_assert_neq(access(path, F_OK), 0);
	sfw_conf_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	unsetenv("SFW_CONF_DIR");
}

#define NAT_IFACE NAT_ZONES \
	"set security nat source rule-set RS from zone trust\n" \
	"set security nat source rule-set RS to zone untrust\n" \
	"set security nat source rule-set RS rule R1 match source-address 192.0.2.0/24\n" \
	"set security nat source rule-set RS rule R1 then source-nat interface\n" \
	"set security nat source rule-set RS rule R2 then source-nat off\n"

/* What the datapath translates (source-nat interface, off, IPv4) commits:
 * no warning, applied once. */
Test(conf_nat, source_nat_interface_commits)
{
	char dir[] = "/tmp/sfw-nat-XXXXXX", cmd[300];
	struct sfw_conf_commit_ops ops = { .apply = count_apply };
	FILE *f = fopen("/dev/null", "w");
	struct sfw_conf c;

	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	conf_test_parse_ok(&c, NAT_IFACE);
	cr_assert_eq(sfw_conf_print_warnings(&c, f), 0);
	fclose(f);
	applied = 0;
	cr_assert_eq(sfw_conf_commit(&c, &ops), 0, "%s", sfw_last_error());
	cr_assert_eq(applied, 1);
	sfw_conf_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	unsetenv("SFW_CONF_DIR");
}

/* Source pools are built (docs/nat.md "Source pools"): a pool with a
 * range, one with no-translation and a rule translating to each commit,
 * with no warning, applied once. */
Test(conf_nat, source_nat_pools_commit)
{
	char dir[] = "/tmp/sfw-nat-XXXXXX", cmd[300];
	struct sfw_conf_commit_ops ops = { .apply = count_apply };
	FILE *f = fopen("/dev/null", "w");
	struct sfw_conf c;

	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	conf_test_parse_ok(&c, NAT_IFACE
			   "set security nat source pool P address 203.0.113.9/32 to 203.0.113.12/32\n"
			   "set security nat source pool P port range 2000 to 2999\n"
			   "set security nat source pool Q address 203.0.113.20/32\n"
			   "set security nat source pool Q port no-translation\n"
			   "set security nat source rule-set RS rule R3 match source-address 192.0.2.0/25\n"
			   "set security nat source rule-set RS rule R3 then source-nat pool P\n"
			   "set security nat source rule-set RS rule R4 then source-nat pool Q\n");
	cr_assert_eq(sfw_conf_print_warnings(&c, f), 0);
	fclose(f);
	applied = 0;
	cr_assert_eq(sfw_conf_commit(&c, &ops), 0, "%s", sfw_last_error());
	cr_assert_eq(applied, 1);
	sfw_conf_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	unsetenv("SFW_CONF_DIR");
}

/* Destination NAT over IPv4 is built (docs/nat.md "Destination NAT"): a
 * destination pool with and without a port, a rule-set translating to
 * each and one `off` commit, with no warning, applied once. */
Test(conf_nat, destination_nat_commits)
{
	char dir[] = "/tmp/sfw-nat-XXXXXX", cmd[300];
	struct sfw_conf_commit_ops ops = { .apply = count_apply };
	FILE *f = fopen("/dev/null", "w");
	struct sfw_conf c;

	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	conf_test_parse_ok(&c, NAT_ZONES
			   "set security nat destination pool D1 address 192.0.2.20/32 port 8080\n"
			   "set security nat destination pool D2 address 192.0.2.21/32\n"
			   "set security nat destination rule-set DR from zone untrust\n"
			   "set security nat destination rule-set DR rule W match destination-address 203.0.113.100/32\n"
			   "set security nat destination rule-set DR rule W match destination-port 80\n"
			   "set security nat destination rule-set DR rule W match protocol tcp\n"
			   "set security nat destination rule-set DR rule W then destination-nat pool D1\n"
			   "set security nat destination rule-set DR rule X match destination-address 203.0.113.101/32\n"
			   "set security nat destination rule-set DR rule X then destination-nat pool D2\n"
			   "set security nat destination rule-set DR rule Y match destination-address 203.0.113.102/32\n"
			   "set security nat destination rule-set DR rule Y then destination-nat off\n");
	cr_assert_eq(sfw_conf_print_warnings(&c, f), 0);
	fclose(f);
	applied = 0;
	cr_assert_eq(sfw_conf_commit(&c, &ops), 0, "%s", sfw_last_error());
	cr_assert_eq(applied, 1);
	sfw_conf_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	unsetenv("SFW_CONF_DIR");
}

/* Static NAT over IPv4 (docs/nat.md "Static NAT") commits, as source and
 * destination NAT do: no warning, applied once. */
Test(conf_nat, static_nat_commits)
{
	char dir[] = "/tmp/sfw-nat-XXXXXX", cmd[300];
	struct sfw_conf_commit_ops ops = { .apply = count_apply };
	FILE *f = fopen("/dev/null", "w");
	struct sfw_conf c;

	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	conf_test_parse_ok(&c, NAT_ZONES
			   "set security nat static rule-set SR from zone untrust\n"
			   "set security nat static rule-set SR rule S1 match destination-address 203.0.113.64/29\n"
			   "set security nat static rule-set SR rule S1 then static-nat prefix 192.0.2.64/29\n"
			   "set security nat static rule-set SR rule S2 match destination-address 203.0.113.99/32\n"
			   "set security nat static rule-set SR rule S2 then static-nat prefix 192.0.2.99/32\n");
	cr_assert_eq(sfw_conf_print_warnings(&c, f), 0);
	fclose(f);
	applied = 0;
	cr_assert_eq(sfw_conf_commit(&c, &ops), 0, "%s", sfw_last_error());
	cr_assert_eq(applied, 1);
	sfw_conf_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	unsetenv("SFW_CONF_DIR");
}

/* Every NAT type commits together with nothing in the environment (the
 * preview switch that held each back until its review is gone, docs/nat.md
 * "What a commit takes"). */
#define NAT_DEST_RULE \
	"set security nat destination pool D address 192.0.2.80/32 port 8080\n" \
	"set security nat destination rule-set DS from zone untrust\n" \
	"set security nat destination rule-set DS rule D1 match destination-address 203.0.113.1/32\n" \
	"set security nat destination rule-set DS rule D1 match destination-port 80\n" \
	"set security nat destination rule-set DS rule D1 then destination-nat pool D\n"
#define NAT_STATIC_RULE \
	"set security nat static rule-set SR from zone untrust\n" \
	"set security nat static rule-set SR rule S1 match destination-address 203.0.113.64/29\n" \
	"set security nat static rule-set SR rule S1 then static-nat prefix 192.0.2.64/29\n"

Test(conf_nat, every_type_commits_without_a_switch)
{
	struct sfw_conf c;

	unsetenv("SFW_NAT_PREVIEW");
	conf_test_parse_ok(&c, NAT_IFACE NAT_DEST_RULE NAT_STATIC_RULE);
	cr_assert_eq(sfw_conf_nat_refuse(&c), 0, "%s", sfw_last_error());
	sfw_conf_free(&c);
}

/* Each kind not built yet is refused alone, in one line naming it. */
static void refused_alone(const char *extra, const char *want)
{
	char text[4096];
	struct sfw_conf c;

	snprintf(text, sizeof(text), "%s%s", NAT_IFACE, extra);
	conf_test_parse_ok(&c, text);
	cr_assert_eq(sfw_conf_nat_refuse(&c), -EOPNOTSUPP, "%s", extra);
	cr_assert_str_eq(sfw_last_error(), want);
	sfw_conf_free(&c);
}

Test(conf_nat, each_unbuilt_kind_refused_in_one_line)
{
	refused_alone("set security nat source pool P address 2001:db8::9/128\n",
		      "t.conf:9: security nat source pool P: NAT of IPv6 is not built yet: "
		      "remove it to commit (docs/nat.md)");
	refused_alone("set security nat destination pool D address 2001:db8::9/128\n",
		      "t.conf:9: security nat destination pool D: NAT of IPv6 is not built "
		      "yet: remove it to commit (docs/nat.md)");
	refused_alone("set security nat destination rule-set DR from zone untrust\n"
		      "set security nat destination rule-set DR rule W match destination-address 2001:db8::1/128\n"
		      "set security nat destination rule-set DR rule W then destination-nat off\n",
		      "t.conf:10: security nat destination rule W: NAT of IPv6 is not built yet: "
		      "remove it to commit (docs/nat.md)");
	refused_alone("set security nat static rule-set SR from zone untrust\n"
		      "set security nat static rule-set SR rule S match destination-address 2001:db8::/64\n"
		      "set security nat static rule-set SR rule S then static-nat prefix 2001:db8:1::/64\n",
		      "t.conf:10: security nat static rule S: NAT of IPv6 is not built yet: "
		      "remove it to commit (docs/nat.md)");
	refused_alone("set security nat source rule-set RS rule R3 match source-address 2001:db8::/32\n"
		      "set security nat source rule-set RS rule R3 then source-nat interface\n",
		      "t.conf:9: security nat source rule R3: NAT of IPv6 is not built yet: "
		      "remove it to commit (docs/nat.md)");
}

/* proxy-arp and proxy-ndp are built (bpf/proxy_arp.bpf.h,
 * bpf/proxy_ndp.bpf.h): alone, without the preview switch (they translate
 * nothing), and beside source NAT with it, a commit takes them with no
 * warning, applied once. */
static void proxy_commits(const char *proxy)
{
	char dir[] = "/tmp/sfw-nat-XXXXXX", cmd[300], text[4096];
	struct sfw_conf_commit_ops ops = { .apply = count_apply };
	struct sfw_conf c;

	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	for (int with_rules = 0; with_rules < 2; with_rules++) {
		FILE *f = fopen("/dev/null", "w");

		snprintf(text, sizeof(text), "%s%s", with_rules ? NAT_IFACE : NAT_ZONES, proxy);
		conf_test_parse_ok(&c, text);
		cr_assert_eq(sfw_conf_print_warnings(&c, f), 0);
		fclose(f);
		applied = 0;
		cr_assert_eq(sfw_conf_commit(&c, &ops), 0, "%s", sfw_last_error());
		cr_assert_eq(applied, 1);
		sfw_conf_free(&c);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	unsetenv("SFW_CONF_DIR");
}

Test(conf_nat, proxy_arp_commits)
{
	proxy_commits("set security nat proxy-arp interface veth1 address 203.0.113.9/32 to 203.0.113.12/32\n"
		      "set security nat proxy-arp interface veth0 address 192.0.2.9/32\n");
}

/* proxy-ndp alone, a /64 and a range wider than 2^64 among them (the
 * datapath compares, it never walks a range), and beside proxy-arp. */
Test(conf_nat, proxy_ndp_commits)
{
	proxy_commits("set security nat proxy-ndp interface veth1 address 2001:db8:2::10/128 to 2001:db8:2::13/128\n"
		      "set security nat proxy-ndp interface veth1 address 2001:db8:3::/64\n"
		      "set security nat proxy-ndp interface veth0 address 2001:db8:4::/64 to 2001:db8:ffff::1/128\n");
	proxy_commits("set security nat proxy-arp interface veth1 address 203.0.113.9/32\n"
		      "set security nat proxy-ndp interface veth1 address 2001:db8:2::10/128\n");
}

/* Configuration mode's candidate is parsed without the checks and printed
 * (conf/candidate.c): incomplete NAT objects print as statements that
 * read back to the same model, each once. */
Test(conf_nat, incomplete_objects_print_back_for_the_candidate)
{
	static const char text[] =
		"set security nat source pool P\n"
		"set security nat destination pool D\n"
		"set security nat source rule-set RS\n"
		"set security nat source rule-set RS rule R match protocol tcp\n"
		"set security nat source rule-set RS rule Q\n"
		"set security nat static rule-set SR rule S then static-nat prefix 192.0.2.0/24\n";
	static const char want[] =
		"set security nat source pool P\n"
		"set security nat destination pool D\n"
		"set security nat source rule-set RS\n"
		"set security nat static rule-set SR\n"
		"set security nat source rule-set RS rule R match protocol tcp\n"
		"set security nat source rule-set RS rule Q\n"
		"set security nat static rule-set SR rule S then static-nat prefix 192.0.2.0/24\n";
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf a, b;
	char *once, *twice;

	cr_assert_eq(sfw_conf_init(&a), 0);
	cr_assert_eq(sfw_conf_parse_statements(&a, "candidate", text, strlen(text), &errs), 0);
	once = print_conf(&a);
	cr_assert_str_eq(once, want);
	cr_assert_eq(sfw_conf_init(&b), 0);
	cr_assert_eq(sfw_conf_parse_statements(&b, "candidate", once, strlen(once), &errs), 0);
	cr_assert(sfw_conf_equal(&a, &b));
	twice = print_conf(&b);
	cr_assert_str_eq(once, twice);
	free(once);
	free(twice);
	sfw_conf_free(&a);
	sfw_conf_free(&b);
	sfw_conf_errors_free(&errs);
}

/* sfw compiles one from and one to zone per rule-set: a second, different
 * one is refused, never put in the first's place (which left the first
 * zone's flows untranslated); the same one again is the same statement. */
Test(conf_nat, a_rule_sets_second_zone_is_refused)
{
	CONF_ERRORS(NAT_ZONES
		    "set security nat source rule-set RS from zone trust\n"
		    "set security nat source rule-set RS from zone trust\n"
		    "set security nat source rule-set RS from zone untrust\n"
		    "set security nat source rule-set RS to zone untrust\n"
		    "set security nat source rule-set RS to zone trust\n",
		    "t.conf:6: a rule-set takes one from zone: 'trust' was set at line 5 "
		    "(several are not supported yet)",
		    "t.conf:8: a rule-set takes one to zone: 'untrust' was set at line 7 "
		    "(several are not supported yet)");
}
