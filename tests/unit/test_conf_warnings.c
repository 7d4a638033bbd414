/* Configuration warnings (sfw_conf_print_warnings): printed exactly when a
 * zone's screen limits sessions per source address without the ip
 * spoofing screen, and never otherwise (docs/security.md "Limits that
 * remain"). The commands' side (commit, commit check, rollback print them
 * and succeed) is tests/unit/test_policy_conf.c. */
#include "test_conf.h"

static struct sfw_conf conf;
static char *text;

static void fini(void)
{
	free(text);
	sfw_conf_free(&conf);
}

TestSuite(conf_warnings, .fini = fini);

/* The warnings of a configuration text; *n how many were counted. */
static const char *warnings(const char *conf_text, int *n)
{
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert(f);
	conf_test_parse_ok(&conf, conf_text);
	*n = sfw_conf_print_warnings(&conf, f);
	fclose(f);
	return text;
}

#define WARN_LIM(line, zone, screen)                                                   \
	"t.conf:" #line ": warning: zone '" zone "': limit-session source-ip-based "     \
	"counts source addresses that nothing verifies: a sender that spoofs an "         \
	"address can use up its sessions; add 'set security screen ids-option " screen \
	" ip spoofing'\n"

Test(conf_warnings, source_limit_without_spoofing_screen_warns_once)
{
	int n;

	cr_assert_str_eq(warnings(CONF_BASE
				  "set security zones security-zone trust screen lim\n"
				  "set security screen ids-option lim limit-session source-ip-based 3\n",
				  &n),
			 WARN_LIM(4, "trust", "lim"));
	cr_assert_eq(n, 1);
}

Test(conf_warnings, spoofing_screen_silences_it)
{
	int n;

	cr_assert_str_eq(warnings(CONF_BASE
				  "set security zones security-zone trust screen lim\n"
				  "set security screen ids-option lim limit-session source-ip-based 3\n"
				  "set security screen ids-option lim ip spoofing\n",
				  &n),
			 "");
	cr_assert_eq(n, 0);
}

/* A destination limit counts the address the attacker sends to: spoofing
 * the source changes nothing it could do with its own address. */
Test(conf_warnings, destination_limit_alone_is_silent)
{
	int n;

	cr_assert_str_eq(warnings(CONF_BASE
				  "set security zones security-zone trust screen lim\n"
				  "set security screen ids-option lim limit-session "
				  "destination-ip-based 3\n",
				  &n),
			 "");
	cr_assert_eq(n, 0);
}

/* A screen no zone uses limits nothing; zones without a screen neither. */
Test(conf_warnings, unbound_screen_and_plain_zones_are_silent)
{
	int n;

	cr_assert_str_eq(warnings(CONF_BASE
				  "set security screen ids-option lim limit-session source-ip-based 3\n",
				  &n),
			 "");
	cr_assert_eq(n, 0);
	sfw_conf_free(&conf);
	free(text);
	text = NULL;
	cr_assert_str_eq(warnings("", &n), "");
	cr_assert_eq(n, 0);
}

/* One line per zone, at the line that set the limit (the last one, whose
 * value is the one in force). */
Test(conf_warnings, each_zone_sharing_the_screen_warns)
{
	int n;

	cr_assert_str_eq(warnings(CONF_BASE
				  "set security screen ids-option lim limit-session source-ip-based 3\n"
				  "set security zones security-zone trust screen lim\n"
				  "set security zones security-zone untrust screen lim\n"
				  "set security screen ids-option guard ip spoofing\n"
				  "set security screen ids-option guard limit-session source-ip-based 9\n"
				  "set security screen ids-option lim limit-session source-ip-based 4\n"
				  "set security zones security-zone dmz screen guard\n",
				  &n),
			 WARN_LIM(8, "trust", "lim") WARN_LIM(8, "untrust", "lim"));
	cr_assert_eq(n, 2);
}

/* An ICMP error (ICMPv6 below 128; IPv4 3, 11, 12) is judged by the flow
 * it quotes and never by a policy: an application of one matches nothing,
 * and says so (reviews after red team rtnet F1). Queries are silent. */
Test(conf_warnings, icmp_error_type_application_warns)
{
	int n;

	cr_assert_str_eq(warnings("set applications application t0 protocol icmp6 icmp6-type 0\n"
				  "set applications application echo protocol icmp6 icmp6-type 128\n"
				  "set applications application t100 protocol icmp6 icmp6-type 100\n"
				  "set applications application unreach protocol icmp icmp-type 3\n"
				  "set applications application ts protocol icmp icmp-type 13\n",
				  &n),
			 "t.conf:1: warning: application 't0': ICMPv6 type 0 is an error message, "
			 "which passes only about a live session it quotes: a policy with this "
			 "application matches nothing\n"
			 "t.conf:3: warning: application 't100': ICMPv6 type 100 is an error message, "
			 "which passes only about a live session it quotes: a policy with this "
			 "application matches nothing\n"
			 "t.conf:4: warning: application 'unreach': ICMP type 3 is an error message, "
			 "which passes only about a live session it quotes: a policy with this "
			 "application matches nothing\n");
	cr_assert_eq(n, 3);
}

/* The host's own traffic is opened without a policy lookup, so a permit
 * from junos-host (kept: it says what the datapath does) never logs or
 * counts: its `then log` and `then count` say so (review review52). A
 * permit from another zone, and one to junos-host, are silent. */
Test(conf_warnings, log_or_count_from_junos_host_warns)
{
	int n;

	cr_assert_str_eq(
		warnings(CONF_BASE
			 "set security policies from-zone junos-host to-zone untrust policy out "
			 "match source-address any destination-address any application any\n"
			 "set security policies from-zone junos-host to-zone untrust policy out "
			 "then permit\n"
			 "set security policies from-zone junos-host to-zone untrust policy out "
			 "then count\n"
			 "set security policies global policy g match source-address any "
			 "destination-address any application any from-zone trust\n"
			 "set security policies global policy g match from-zone junos-host\n"
			 "set security policies global policy g then permit\n"
			 "set security policies global policy g then log session-close\n"
			 "set security policies from-zone trust to-zone junos-host policy in "
			 "match source-address any destination-address any application any\n"
			 "set security policies from-zone trust to-zone junos-host policy in "
			 "then permit\n"
			 "set security policies from-zone trust to-zone junos-host policy in "
			 "then log session-init\n"
			 "set security policies from-zone junos-host to-zone untrust policy quiet "
			 "match source-address any destination-address any application any\n"
			 "set security policies from-zone junos-host to-zone untrust policy quiet "
			 "then permit\n",
			 &n),
		"t.conf:4: warning: policy 'out' (from-zone junos-host to-zone untrust): traffic "
		"from junos-host is the host's own, opened without a policy lookup: its 'then "
		"count' logs and counts nothing\n"
		"t.conf:8: warning: policy 'g' (global policies): traffic from junos-host is the host's "
		"own, opened without a policy lookup: its 'then log' logs and counts nothing\n");
	cr_assert_eq(n, 2);
}

/* MPLS in packet mode: its frames pass untracked, the IP in them with
 * them (docs/security.md "Only where frames are Ethernet's"). */
Test(conf_warnings, mpls_packet_mode_warns)
{
	int n;

	cr_assert_str_eq(warnings(CONF_BASE
				  "set security forwarding-options family mpls mode packet-based\n",
				  &n),
			 "t.conf:3: warning: forwarding-options family mpls mode packet-based: "
			 "MPLS frames pass untracked, and the IP they carry is forwarded or "
			 "delivered to this host with no session, policy or screen wherever the "
			 "kernel's MPLS input is on (net.mpls.platform_labels, "
			 "net.mpls.conf.IFACE.input)\n");
	cr_assert_eq(n, 1);
}
