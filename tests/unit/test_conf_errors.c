/* Every error the configuration language reports, with its exact
 * FILE:LINE message: the offending word and what was expected. */
#include <sys/stat.h>
#include "maps.h"
#include "nat.h"
#include "test_conf.h"

#define ANY_MATCH "match source-address any destination-address any application any"
#define TU "set security policies from-zone trust to-zone untrust policy "

Test(conf_errors, unknown_first_word)
{
	CONF_ERRORS("sett security zones security-zone trust\n",
		"t.conf:1: unknown word 'sett': expected 'set'");
	CONF_ERRORS("delete security zones\n",
		"t.conf:1: unknown word 'delete': expected 'set'");
}

/* MPLS has packet mode only; IPv6 flow mode only (what sfw does) */
Test(conf_errors, forwarding_options_mpls_packet_based_only)
{
	CONF_ERRORS("set security forwarding-options family mpls mode flow-based\n"
		    "set security forwarding-options family inet mode flow-based\n"
		    "set security forwarding-options family mpls\n",
		"t.conf:1: unknown word 'flow-based' after 'set security forwarding-options "
		"family mpls mode': expected 'packet-based'",
		"t.conf:2: unknown word 'inet' after 'set security forwarding-options "
		"family': expected one of mpls, inet6",
		"t.conf:3: missing word after 'set security forwarding-options family mpls': "
		"expected 'mode'");
}

/* IPv6's modes but flow-based are refused, with why, not ignored */
Test(conf_errors, forwarding_options_inet6_flow_based_only)
{
	CONF_ERRORS("set security forwarding-options family inet6 mode drop\n"
		    "set security forwarding-options family inet6 mode packet-based\n"
		    "set security forwarding-options family inet6 mode\n",
		"t.conf:1: security forwarding-options family inet6 mode drop is not "
		"supported: sfw tracks IPv6 in flow mode (refuse IPv6 with a policy)",
		"t.conf:2: security forwarding-options family inet6 mode packet-based is not "
		"supported: sfw has no packet mode for IPv6, it tracks it in flow mode",
		"t.conf:3: missing word after 'set security forwarding-options family inet6 "
		"mode': expected one of flow-based, drop, packet-based");
}

Test(conf_errors, unknown_word_names_the_choices)
{
	CONF_ERRORS("set security zonez security-zone trust\n",
		"t.conf:1: unknown word 'zonez' after 'set security': expected one of "
		"address-book, flow, forwarding-options, log, nat, policies, screen, zones");
	CONF_ERRORS("set interfaces ge-0/0/0 unit 0\n",
		"t.conf:1: unknown word 'interfaces' after 'set': expected one of "
		"applications, security, services, system");
	CONF_ERRORS("set system host-name fw\n",
		"t.conf:1: unknown word 'host-name' after 'set system': expected 'services'");
	CONF_ERRORS(CONF_BASE TU "p then allow\n",
		"t.conf:3: unknown word 'allow' after 'set security policies from-zone trust "
		"to-zone untrust policy p then': expected one of count, deny, log, permit, reject");
}

/* show configuration prints a description as it is: a control character
 * in it would reach the operator's terminal as an escape sequence (review
 * rtuser L1). Tab is text. */
Test(conf_errors, control_characters_in_a_description)
{
	CONF_ERRORS("set security zones security-zone trust description \"a\033]0;x\007b\"\n",
		"t.conf:1: bad text 'a\\x1b]0;x\\x07b' after 'set security zones security-zone "
		"trust description': expected no control characters but tab");
	CONF_ERRORS("set security zones security-zone trust description \"del\177\"\n",
		"t.conf:1: bad text 'del\\x7f' after 'set security zones security-zone "
		"trust description': expected no control characters but tab");
	{
		struct sfw_conf conf;

		conf_test_parse_ok(&conf, "set security zones security-zone trust description "
				   "\"tab\there\"\n");
		sfw_conf_free(&conf);
	}
}

Test(conf_errors, missing_word)
{
	CONF_ERRORS("set security zones\n",
		"t.conf:1: missing word after 'set security zones': expected 'security-zone'");
	CONF_ERRORS("set security zones security-zone\n",
		"t.conf:1: missing word after 'set security zones security-zone': expected a zone name");
	CONF_ERRORS("set security address-book global address web\n",
		"t.conf:1: missing word after 'set security address-book global address web': "
		"expected an IPv4 or IPv6 prefix (address/length) or 'description'");
	CONF_ERRORS("set\n", "t.conf:1: missing word after 'set': expected one of "
		"applications, security, services, system");
}

Test(conf_errors, unexpected_trailing_word)
{
	CONF_ERRORS(CONF_BASE TU "p " ANY_MATCH "\n" TU "p then permit now\n",
		"t.conf:4: unexpected word 'now' after 'set security policies from-zone trust "
		"to-zone untrust policy p then permit': expected end of statement");
}

Test(conf_errors, bad_prefix)
{
	CONF_ERRORS("set security address-book global address a 300.1.1.1/33\n"
		    "set security address-book global address b 10.0.0.0/33\n"
		    "set security address-book global address c 2001:db8::/129\n"
		    "set security address-book global address d 10.0.0.0/\n"
		    "set security address-book global address e web.example.com\n",
		"t.conf:1: bad prefix '300.1.1.1/33' after 'set security address-book global "
		"address a': expected an IPv4 or IPv6 prefix (address/length) or 'description'",
		"t.conf:2: bad prefix '10.0.0.0/33' after 'set security address-book global "
		"address b': expected an IPv4 or IPv6 prefix (address/length) or 'description'",
		"t.conf:3: bad prefix '2001:db8::/129' after 'set security address-book global "
		"address c': expected an IPv4 or IPv6 prefix (address/length) or 'description'",
		"t.conf:4: bad prefix '10.0.0.0/' after 'set security address-book global "
		"address d': expected an IPv4 or IPv6 prefix (address/length) or 'description'",
		"t.conf:5: bad prefix 'web.example.com' after 'set security address-book global "
		"address e': expected an IPv4 or IPv6 prefix (address/length) or 'description'");
}

Test(conf_errors, address_given_two_prefixes)
{
	CONF_ERRORS("set security address-book global address a 192.0.2.0/24\n"
		    "set security address-book global address a 192.0.2.0/24\n"
		    "set security address-book global address a 192.0.3.0/24\n",
		"t.conf:3: address 'a' is given a second prefix '192.0.3.0/24': it was set at line 1");
}

Test(conf_errors, port_out_of_range)
{
	CONF_ERRORS("set applications application a protocol tcp destination-port 70000\n"
		    "set applications application b protocol tcp destination-port 90-80\n"
		    "set applications application c protocol udp source-port 1-65536\n"
		    "set applications application d protocol udp destination-port\n",
		"t.conf:1: bad destination-port '70000' after 'set applications application a "
		"protocol tcp destination-port': expected a port 0-65535 (or a Junos port name) "
		"or a range lo-hi with lo <= hi",
		"t.conf:2: bad destination-port '90-80' after 'set applications application b "
		"protocol tcp destination-port': expected a port 0-65535 (or a Junos port name) "
		"or a range lo-hi with lo <= hi",
		"t.conf:3: bad source-port '1-65536' after 'set applications application c "
		"protocol udp source-port': expected a port 0-65535 (or a Junos port name) "
		"or a range lo-hi with lo <= hi",
		"t.conf:4: missing word after 'set applications application d protocol udp "
		"destination-port': expected a port 0-65535 or a range lo-hi");
}

Test(conf_errors, application_values)
{
	CONF_ERRORS("set applications application a protocol tcpp\n"
		    "set applications application b protocol icmp icmp-type echo\n"
		    "set applications application c protocol tcp inactivity-timeout 2\n"
		    "set applications application d protocol tcp term t1\n",
		"t.conf:1: bad protocol 'tcpp' after 'set applications application a protocol': "
		"expected a protocol name (tcp, udp, icmp, icmp6, ...) or number 0-255",
		"t.conf:2: bad ICMP type 'echo' after 'set applications application b protocol "
		"icmp icmp-type': expected a number from 0 to 255 or a type name such as echo-request",
		"t.conf:3: bad inactivity-timeout '2' after 'set applications application c "
		"protocol tcp inactivity-timeout': expected a number from 4 to 86400",
		"t.conf:4: unknown word 'term' after 'set applications application d protocol "
		"tcp': expected one of description, destination-port, icmp-code, icmp-type, "
		"icmp6-code, icmp6-type, inactivity-timeout, protocol, source-port");
}

Test(conf_errors, incomplete_or_inconsistent_application)
{
	CONF_ERRORS("set applications application a destination-port 80\n"
		    "set applications application b protocol icmp destination-port 80\n"
		    "set applications application c protocol tcp icmp-type 8\n"
		    "set applications application d protocol icmp icmp6-type 128\n",
		"t.conf:1: application 'a' has no protocol: expected 'set applications "
		"application a protocol PROTOCOL'",
		"t.conf:2: application 'b': ports need protocol tcp, udp or sctp, not protocol 1",
		"t.conf:3: application 'c': icmp-type/icmp-code needs protocol icmp",
		"t.conf:4: application 'd': icmp6-type/icmp6-code needs protocol icmp6");
}

Test(conf_errors, reserved_and_predefined_application_names)
{
	CONF_ERRORS("set applications application junos-mine protocol tcp\n"
		    "set applications application junos-http protocol udp\n"
		    "set applications application-set any application junos-http\n",
		"t.conf:1: bad application name 'junos-mine' after 'set applications "
		"application': expected a name not starting with junos-, which Junos reserves "
		"for its predefined applications",
		"t.conf:2: unknown word 'protocol' after 'set applications application "
		"junos-http': expected 'inactivity-timeout'",
		"t.conf:3: bad application-set name 'any' after 'set applications "
		"application-set': expected a name that is not any and does not start with junos-");
}

Test(conf_errors, undefined_address_in_policy)
{
	CONF_ERRORS(CONF_BASE
		TU "p match source-address nope destination-address any application any\n"
		TU "p then permit\n",
		"t.conf:3: policy 'p' (from-zone trust to-zone untrust): undefined address "
		"'nope' in source-address: expected an address or address-set of the global "
		"address book, or any");
	CONF_ERRORS(CONF_BASE
		TU "p match source-address any destination-address [ any gone ] application any\n"
		TU "p then permit\n",
		"t.conf:3: policy 'p' (from-zone trust to-zone untrust): undefined address "
		"'gone' in destination-address: expected an address or address-set of the "
		"global address book, or any");
}

Test(conf_errors, undefined_application_in_policy)
{
	CONF_ERRORS(CONF_BASE
		TU "p match source-address any destination-address any application junos-htp\n"
		TU "p then permit\n",
		"t.conf:3: policy 'p' (from-zone trust to-zone untrust): undefined application "
		"'junos-htp': expected an application or application-set (predefined junos-* "
		"or configured)");
}

Test(conf_errors, undefined_set_members)
{
	CONF_ERRORS("set security address-book global address-set s address nope\n"
		    "set security address-book global address-set s address-set none\n"
		    "set applications application-set t application nope\n"
		    "set applications application-set t application-set none\n",
		"t.conf:1: address-set 's': undefined address 'nope'",
		"t.conf:2: address-set 's': undefined address-set 'none'",
		"t.conf:3: application-set 't': undefined application 'nope'",
		"t.conf:4: application-set 't': undefined application-set 'none'");
}

Test(conf_errors, policy_with_unknown_zone)
{
	CONF_ERRORS(CONF_BASE
		"set security policies from-zone trust to-zone dmz policy p " ANY_MATCH "\n"
		"set security policies from-zone trust to-zone dmz policy p then permit\n"
		"set security policies from-zone lan to-zone lan policy q " ANY_MATCH "\n"
		"set security policies from-zone lan to-zone lan policy q then permit\n",
		"t.conf:3: policy 'p' (from-zone trust to-zone dmz): undefined zone 'dmz' in "
		"to-zone: expected a zone of 'set security zones security-zone'",
		"t.conf:5: policy 'q' (from-zone lan to-zone lan): undefined zone 'lan' in "
		"from-zone: expected a zone of 'set security zones security-zone'");
	CONF_ERRORS(CONF_BASE
		"set security policies global policy g " ANY_MATCH " from-zone dmz\n"
		"set security policies global policy g then deny\n",
		"t.conf:3: policy 'g' (global policies): undefined zone 'dmz' in match "
		"from-zone: expected a zone of 'set security zones security-zone'");
}

Test(conf_errors, zone_match_only_in_global_policies)
{
	CONF_ERRORS(CONF_BASE TU "p match from-zone trust\n",
		"t.conf:3: unknown word 'from-zone' after 'set security policies from-zone "
		"trust to-zone untrust policy p match': expected one of application, "
		"destination-address, source-address");
}

Test(conf_errors, duplicate_policy_name_in_zone_pair)
{
	CONF_ERRORS(CONF_BASE
		TU "p " ANY_MATCH "\n"
		TU "p then permit\n"
		TU "q " ANY_MATCH "\n"
		TU "q then deny\n"
		TU "p then count\n",
		"t.conf:7: duplicate policy name 'p' in from-zone trust to-zone untrust: "
		"already defined at line 3, before policy 'q' (line 5)");
	CONF_ERRORS(CONF_BASE
		"set security policies global policy g " ANY_MATCH "\n"
		"set security policies global policy h " ANY_MATCH "\n"
		"set security policies global policy g then deny\n"
		"set security policies global policy h then deny\n",
		"t.conf:3: policy 'g' (global policies): missing 'then': expected permit, deny or reject",
		"t.conf:5: duplicate policy name 'g' in global policies: already defined at "
		"line 3, before policy 'h' (line 4)");
}

Test(conf_errors, conflicting_policy_action)
{
	CONF_ERRORS(CONF_BASE
		TU "p " ANY_MATCH "\n"
		TU "p then permit\n"
		TU "p then permit\n"
		TU "p then deny\n",
		"t.conf:6: conflicting action 'deny' for policy 'p' in from-zone trust to-zone "
		"untrust: it was 'then permit' at line 5");
}

Test(conf_errors, missing_policy_parts)
{
	CONF_ERRORS(CONF_BASE
		TU "p match source-address any\n"
		TU "p then permit\n",
		"t.conf:3: policy 'p' (from-zone trust to-zone untrust): missing match "
		"destination-address, application: expected source-address, "
		"destination-address and application in every policy (a name or any)");
	CONF_ERRORS(CONF_BASE TU "p " ANY_MATCH "\n",
		"t.conf:3: policy 'p' (from-zone trust to-zone untrust): missing 'then': "
		"expected permit, deny or reject");
}

Test(conf_errors, interface_in_two_zones)
{
	CONF_ERRORS(CONF_BASE
		"set security zones security-zone dmz interfaces [ veth2 veth0 ]\n",
		"t.conf:3: interface 'veth0' is in zone 'trust' (line 1) and in zone 'dmz': "
		"an interface belongs to one zone");
}

Test(conf_errors, interface_in_two_service_sets)
{
	CONF_ERRORS("set services service-set a interface-service service-interface veth0\n"
		    "set services service-set b interface-service service-interface veth0\n"
		    "set services service-set c\n",
		"t.conf:2: interface 'veth0' is in service-set 'a' and in service-set 'b': an "
		"interface belongs to one service set",
		"t.conf:3: service-set 'c' has no interface: expected 'interface-service "
		"service-interface IFACE'");
}

Test(conf_errors, bad_interface_name)
{
	CONF_ERRORS("set security zones security-zone trust interfaces ge-0/0/0.0\n"
		    "set security zones security-zone trust interfaces averyveryverylongname\n",
		"t.conf:1: bad interface name 'ge-0/0/0.0' after 'set security zones "
		"security-zone trust interfaces': expected a Linux interface name (1 to 15 "
		"characters, no '/', ':', spaces or control characters)",
		"t.conf:2: bad interface name 'averyveryverylongname' after 'set security zones "
		"security-zone trust interfaces': expected a Linux interface name (1 to 15 "
		"characters, no '/', ':', spaces or control characters)");
}

Test(conf_errors, bad_name)
{
	CONF_ERRORS("set security zones security-zone -trust\n"
		    "set security zones security-zone \"two words\"\n",
		"t.conf:1: bad name '-trust' after 'set security zones security-zone': "
		"expected 1 to 63 letters, digits or - _ . / : @ +, starting with a letter, digit or _",
		"t.conf:2: bad name 'two words' after 'set security zones security-zone': "
		"expected 1 to 63 letters, digits or - _ . / : @ +, starting with a letter, digit or _");
}

Test(conf_errors, set_cycles)
{
	CONF_ERRORS("set security address-book global address a 192.0.2.1\n"
		    "set security address-book global address-set s1 address a\n"
		    "set security address-book global address-set s1 address-set s2\n"
		    "set security address-book global address-set s2 address-set s3\n"
		    "set security address-book global address-set s3 address-set s1\n"
		    "set applications application-set self application-set self\n",
		"t.conf:5: address-set 's1' contains itself: s1 -> s2 -> s3 -> s1",
		"t.conf:6: application-set 'self' contains itself: self -> self");
}

Test(conf_errors, empty_sets_and_address_without_prefix)
{
	CONF_ERRORS("set security address-book global address a description \"no prefix\"\n"
		    "set security address-book global address-set s description empty\n"
		    "set applications application-set t description empty\n",
		"t.conf:1: address 'a' has no prefix: expected 'set security address-book "
		"global address a PREFIX'",
		"t.conf:2: address-set 's' has no members: expected 'address' or 'address-set' statements",
		"t.conf:3: application-set 't' has no members: expected 'application' or "
		"'application-set' statements");
}

Test(conf_errors, reserved_address_names_and_clashes)
{
	CONF_ERRORS("set security address-book global address any 192.0.2.0/24\n"
		    "set security address-book global address x 192.0.2.0/24\n"
		    "set security address-book global address-set x address any\n",
		"t.conf:1: address name 'any' is reserved: expected another name",
		"t.conf:2: address 'x' has the name of an address-set: expected distinct names");
}

Test(conf_errors, undefined_screen)
{
	CONF_ERRORS("set security zones security-zone untrust screen untrust-screen\n",
		"t.conf:1: zone 'untrust': undefined screen 'untrust-screen': expected a "
		"'set security screen ids-option untrust-screen' statement");
}

Test(conf_errors, flow_and_screen_values)
{
	CONF_ERRORS("set security flow tcp-session tcp-initial-timeout 2\n"
		    "set security flow tcp-initial-timeout 20\n"
		    "set security flow udp-timeout 0\n"
		    "set security flow syn-flood-protection-mode syn-magic\n"
		    "set security screen ids-option s tcp syn-flood attack-threshold 0\n"
		    "set security screen ids-option s tcp syn-flood source-threshold 3\n"
		    "set security flow session max-sessions lots\n"
		    "set security screen ids-option s limit-session source-ip-based 0\n"
		    "set security screen ids-option s limit-session destination-ip-based 8000001\n"
		    "set security screen ids-option s limit-session\n"
		    "set security screen ids-option s limit-session source-ip-based\n"
		    "set security flow deny-log-rate 0\n"
		    "set security flow reply-rate 1000001\n",
		"t.conf:1: bad timeout '2' after 'set security flow tcp-session "
		"tcp-initial-timeout': expected a number from 4 to 300",
		"t.conf:2: unknown word 'tcp-initial-timeout' after 'set security flow': "
		"expected one of session, syn-flood-protection-mode, tcp-session, deny-log-rate, "
		"reply-rate, udp-timeout, icmp-timeout, other-timeout",
		"t.conf:3: bad timeout '0' after 'set security flow udp-timeout': expected a "
		"number from 1 to 86400",
		"t.conf:4: unknown word 'syn-magic' after 'set security flow "
		"syn-flood-protection-mode': expected one of syn-cookie, syn-proxy",
		"t.conf:5: bad attack-threshold '0' after 'set security screen ids-option s tcp "
		"syn-flood attack-threshold': expected a number from 1 to 1000000",
		"t.conf:6: bad source-threshold '3' after 'set security screen ids-option s tcp "
		"syn-flood source-threshold': expected a number from 4 to 1000000",
		"t.conf:7: bad session count 'lots' after 'set security flow session "
		"max-sessions': expected a number from 1 to 1073741824",
		"t.conf:8: bad source-ip-based '0' after 'set security screen ids-option s "
		"limit-session source-ip-based': expected a number from 1 to 8000000",
		"t.conf:9: bad destination-ip-based '8000001' after 'set security screen "
		"ids-option s limit-session destination-ip-based': expected a number from 1 "
		"to 8000000",
		"t.conf:10: missing word after 'set security screen ids-option s limit-session': "
		"expected one of destination-ip-based, source-ip-based",
		"t.conf:11: missing word after 'set security screen ids-option s limit-session "
		"source-ip-based': expected a number from 1 to 8000000",
		"t.conf:12: bad deny-log-rate '0' after 'set security flow deny-log-rate': "
		"expected a number from 1 to 1000000",
		"t.conf:13: bad reply-rate '1000001' after 'set security flow reply-rate': "
		"expected a number from 1 to 1000000");
}

/* Every setting is enforced or refused (docs/security.md): these Junos
 * statements would be accepted and then do nothing, or less than they say. */
Test(conf_errors, settings_sfw_does_not_enforce_are_refused)
{
	CONF_ERRORS("set security screen ids-option s tcp syn-flood timeout 20\n"
		    "set security screen ids-option s tcp syn-flood attack-threshold 200 alarm-threshold 512\n"
		    "set security flow syn-flood-protection-mode syn-proxy\n"
		    "set security zones security-zone trust host-inbound-traffic system-services dhcp\n"
		    "set applications application a protocol tcp destination-port 80 source-port 1024-65535\n"
		    "set applications application b protocol icmp icmp-code 3\n"
		    "set applications application c protocol icmp6 icmp6-code 0\n",
		"t.conf:1: syn-flood timeout is not supported: sfw keeps no SYN-proxy queue for "
		"half-open connections to time out of (tcp-session tcp-initial-timeout ages them)",
		"t.conf:2: syn-flood alarm-threshold is not supported: sfw raises no screen alarms "
		"(its SYN flood drops are counted: show security screen statistics)",
		"t.conf:3: syn-flood-protection-mode syn-proxy is not supported: sfw has no SYN proxy "
		"(syn-cookie answers for this host's own services; unset, SYNs past the screen's "
		"thresholds are dropped)",
		"t.conf:4: bad system service 'dhcp' after 'set security zones security-zone trust "
		"host-inbound-traffic system-services': expected a service sfw opens on the host: "
		"all, any-service, ssh, telnet, ping, http, https, dns, ntp, ftp, traceroute",
		"t.conf:5: application 'a': source-port 1024-65535 is not supported: policies match "
		"the destination port alone (remove it, or give 0-65535)",
		"t.conf:6: application 'b': icmp-code without icmp-type is not supported: a code is "
		"matched within its type",
		"t.conf:7: application 'c': icmp6-code without icmp6-type is not supported: a code "
		"is matched within its type");
	/* what is enforced stays accepted: the full source range, a code in its type */
	struct sfw_conf conf;

	conf_test_parse_ok(&conf, "set applications application a protocol udp destination-port 53 source-port 0-65535\n"
		"set applications application b protocol icmp icmp-type 3 icmp-code 3\n"
		"set security screen ids-option s tcp syn-flood attack-threshold 200 source-threshold 1024 destination-threshold 2048\n"
		"set security flow syn-flood-protection-mode syn-cookie\n");
	sfw_conf_free(&conf);
}

Test(conf_errors, lexical_errors)
{
	CONF_ERRORS("set security zones security-zone trust description \"open\n"
		    "set security zones security-zone trust interfaces [ veth0\n"
		    "set security zones security-zone trust interfaces [ ]\n"
		    "set security zones security-zone trust description x\"y\"\n",
		"t.conf:1: unterminated quoted string \"open: expected a closing '\"'",
		"t.conf:2: missing ']' after 'set security zones security-zone trust "
		"interfaces [ veth0': expected an interface name or ']'",
		"t.conf:3: empty list after 'set security zones security-zone trust "
		"interfaces [': expected an interface name",
		"t.conf:4: unexpected '\"' after 'x': expected a space before a quoted string");
}

Test(conf_errors, nul_byte)
{
	struct sfw_conf conf;
	struct sfw_conf_errors errs = { 0 };
	static const char text[] = "set security zones security-zone a\nset\0x\n";

	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_parse_buffer(&conf, "t.conf", text, sizeof(text) - 1, &errs),
		     -EINVAL);
	cr_assert_eq(errs.n, 1);
	cr_assert_str_eq(errs.msg[0], "t.conf:2: the line holds a NUL byte: expected text");
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
}

Test(conf_errors, all_errors_reported_in_line_order)
{
	CONF_ERRORS(CONF_BASE
		TU "p match source-address nope destination-address any application any\n"
		"set security zonez x\n"
		TU "p then permit\n"
		"set security address-book global address bad 1.2.3.4/40\n",
		"t.conf:3: policy 'p' (from-zone trust to-zone untrust): undefined address "
		"'nope' in source-address: expected an address or address-set of the global "
		"address book, or any",
		"t.conf:4: unknown word 'zonez' after 'set security': expected one of "
		"address-book, flow, forwarding-options, log, nat, policies, screen, zones",
		"t.conf:6: bad prefix '1.2.3.4/40' after 'set security address-book global "
		"address bad': expected an IPv4 or IPv6 prefix (address/length) or 'description'");
}

/* Nothing to parse: one line in sfw_last_error(), no configuration error
 * (errs stays empty), and an errno that is never -EINVAL (which means
 * "errors listed"). */
static void expect_unreadable(const char *path, int code, const char *msg)
{
	struct sfw_conf conf;
	struct sfw_conf_errors errs = { 0 };

	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_parse_file(&conf, path, &errs), code, "%s", path);
	cr_assert_eq(errs.n, 0, "%s: %s", path, errs.n ? errs.msg[0] : "");
	cr_assert_str_eq(sfw_last_error(), msg);
	sfw_conf_free(&conf);
}

Test(conf_errors, unreadable_file)
{
	expect_unreadable("/nonexistent/sfw.conf", -ENOENT,
			  "/nonexistent/sfw.conf: cannot read: No such file or directory");
	expect_unreadable("/tmp", -EISDIR,
			  "/tmp: cannot read: a directory, expected a regular file");
	expect_unreadable("/dev/zero", -ENODEV,
			  "/dev/zero: cannot read: a character device, expected a regular file");
	expect_unreadable("", -ENOENT, "cannot read a configuration: the file name is empty");
}

/* A FIFO is refused at once: opening it for reading would wait for a
 * writer, forever, while commit holds the configuration lock. The test
 * runs in a child with an alarm, so a regression fails instead of hanging. */
Test(conf_errors, fifo_refused_without_blocking, .timeout = 10)
{
	char path[64] = "/tmp/sfw-fifo-XXXXXX";

	cr_assert_not_null(mkdtemp(path));
	strcat(path, "/f");
	cr_assert_eq(mkfifo(path, 0600), 0);
	{
		char want[128];

		snprintf(want, sizeof(want), "%s: cannot read: a FIFO, expected a regular file", path);
		expect_unreadable(path, -ENODEV, want);
	}
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

Test(conf_errors, too_big_file)
{
	char path[] = "/tmp/sfw-big-XXXXXX", want[160];
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (16 << 20) + 1), 0);
	close(fd);
	snprintf(want, sizeof(want), "%s: cannot read: 16777217 bytes, more than a "
		 "configuration may have (16777216)", path);
	expect_unreadable(path, -EFBIG, want);
	unlink(path);
}

Test(conf_errors, failed_statement_adds_no_object)
{
	struct sfw_conf conf;
	struct sfw_conf_errors errs;

	cr_assert_eq(conf_test_parse(&conf, &errs,
		"set applications application a protocol tcpp\n"
		"set security zones security-zone z interfaces bad/name\n"
		"set security policies global policy g then allow\n"), -EINVAL);
	cr_assert_eq(errs.n, 3, "one error per mistake, no follow-on errors");
	cr_assert_lt(sfw_conf_find_app(&conf, "a"), 0);
	cr_assert_eq(conf.n_zones, 0);
	cr_assert_eq(conf.n_policies, 0);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
}

Test(conf_errors, error_list_is_bounded)
{
	struct sfw_conf conf;
	struct sfw_conf_errors errs;
	size_t n = SFW_CONF_ERRORS_MAX + 100;
	char *text = malloc(n * 4 + 1);

	for (size_t k = 0; k < n; k++)
		memcpy(text + 4 * k, "bad\n", 4);
	text[n * 4] = '\0';
	cr_assert_eq(conf_test_parse(&conf, &errs, text), -EINVAL);
	cr_assert_eq(errs.n, SFW_CONF_ERRORS_MAX);
	cr_assert_eq(errs.dropped, 100);
	cr_assert_str_eq(errs.msg[999], "t.conf:1000: unknown word 'bad': expected 'set'");
	free(text);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
}

/* Control characters Linux allows in a name (all but white space) are
 * refused too: they would reach the operator's terminal raw. */
Test(conf_errors, control_characters_in_interface_names)
{
	CONF_ERRORS("set security zones security-zone a interfaces \"a\x01" "b\"\n"
		    "set security zones security-zone a interfaces \"\x1b[31m\"\n"
		    "set security zones security-zone a interfaces \"v\vt\"\n"
		    "set security zones security-zone a interfaces \"c\rr\"\n"
		    "set security zones security-zone a interfaces \"d\x7f\"\n",
		"t.conf:1: bad interface name 'a\\x01b' after 'set security zones security-zone "
		"a interfaces': expected a Linux interface name (1 to 15 characters, no '/', "
		"':', spaces or control characters)",
		"t.conf:2: bad interface name '\\x1b[31m' after 'set security zones security-zone "
		"a interfaces': expected a Linux interface name (1 to 15 characters, no '/', "
		"':', spaces or control characters)",
		"t.conf:3: bad interface name 'v\\x0bt' after 'set security zones security-zone "
		"a interfaces': expected a Linux interface name (1 to 15 characters, no '/', "
		"':', spaces or control characters)",
		"t.conf:4: bad interface name 'c\\x0dr' after 'set security zones security-zone "
		"a interfaces': expected a Linux interface name (1 to 15 characters, no '/', "
		"':', spaces or control characters)",
		"t.conf:5: bad interface name 'd\\x7f' after 'set security zones security-zone "
		"a interfaces': expected a Linux interface name (1 to 15 characters, no '/', "
		"':', spaces or control characters)");
}

/* A UTF-8 byte-order mark at the start of the file (some editors write
 * one) is skipped; anywhere else it is shown as the bytes it is, not as an
 * invisible character before a word that looks right. */
Test(conf_errors, byte_order_mark)
{
	struct sfw_conf conf;

	conf_test_parse_ok(&conf, "\xef\xbb\xbfset security zones security-zone a interfaces v0\n");
	cr_assert_eq(conf.n_zones, 1);
	cr_assert_eq(conf.zones[0].line, 1);
	sfw_conf_free(&conf);
	CONF_ERRORS("set security zones security-zone a interfaces v0\n"
		    "\xef\xbb\xbfset security zones security-zone b interfaces v1\n",
		    "t.conf:2: unknown word '\\xef\\xbb\\xbfset': expected 'set'");
}

/* An error quotes at most 64 characters of a word, however long the word:
 * a 100 kB word gives a line of a few hundred bytes. */
static char *with_long_word(const char *head, const char *tail)
{
	size_t n = 100000, h = strlen(head);
	char *text = malloc(h + n + strlen(tail) + 1);

	cr_assert_not_null(text);
	memcpy(text, head, h);
	memset(text + h, 'x', n);
	strcpy(text + h + n, tail);
	return text;
}

static void expect_short_error(const char *head, const char *tail, const char *want)
{
	char *text = with_long_word(head, tail);
	struct sfw_conf conf;
	struct sfw_conf_errors errs;

	cr_assert_eq(conf_test_parse(&conf, &errs, text), -EINVAL);
	cr_assert_eq(errs.n, 1);
	cr_assert_str_eq(errs.msg[0], want);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	free(text);
}

#define X64 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

Test(conf_errors, long_words_quoted_short)
{
	expect_short_error("set security zones security-zone ", "\n",
		"t.conf:1: bad name '" X64 "...' after 'set security zones security-zone': "
		"expected 1 to 63 letters, digits or - _ . / : @ +, starting with a letter, "
		"digit or _");
	expect_short_error("", "\n", "t.conf:1: unknown word '" X64 "...': expected 'set'");
	expect_short_error("set security zones security-zone a description \"", "\" more\n",
		"t.conf:1: unexpected word 'more' after 'set security zones security-zone a "
		"description \"" X64 "...\"': expected end of statement");
}

Test(conf_errors, prometheus_address_and_port)
{
	CONF_ERRORS("set system services ssh\n",
		"t.conf:1: unknown word 'ssh' after 'set system services': expected 'prometheus'");
	CONF_ERRORS("set system services prometheus address 192.0.2.0/24\n",
		"t.conf:1: bad address '192.0.2.0/24' after 'set system services prometheus "
		"address': expected an IPv4 or IPv6 address to listen on");
	CONF_ERRORS("set system services prometheus address localhost\n",
		"t.conf:1: bad address 'localhost' after 'set system services prometheus "
		"address': expected an IPv4 or IPv6 address to listen on");
	CONF_ERRORS("set system services prometheus address\n",
		"t.conf:1: missing word after 'set system services prometheus address': "
		"expected an IPv4 or IPv6 address");
	CONF_ERRORS("set system services prometheus port 0\n",
		"t.conf:1: bad port '0' after 'set system services prometheus port': "
		"expected a number from 1 to 65535");
	CONF_ERRORS("set system services prometheus port 65536\n",
		"t.conf:1: bad port '65536' after 'set system services prometheus port': "
		"expected a number from 1 to 65535");
	CONF_ERRORS("set system services prometheus port 9660 address ::1\n",
		"t.conf:1: unexpected word 'address' after 'set system services prometheus port "
		"9660': expected end of statement");
	CONF_ERRORS("set system services prometheus tls\n",
		"t.conf:1: unknown word 'tls' after 'set system services prometheus': expected "
		"one of address, port");
}

/* junos-host to junos-host: its list id is the global list's, so such a
 * policy once judged every zone pair (review rv30, F2). */
Test(conf_errors, host_to_host_policy_refused)
{
	CONF_ERRORS(CONF_BASE "set security policies from-zone junos-host to-zone junos-host "
		    "policy self " ANY_MATCH "\n"
		    "set security policies from-zone junos-host to-zone junos-host policy self "
		    "then permit\n",
		"t.conf:3: policy 'self' (from-zone junos-host to-zone junos-host): the host's "
		"traffic to itself never crosses sfw: expected a zone other than junos-host on "
		"one side");
}

/* A deny or reject from junos-host: the datapath asks no policy for the
 * host's own traffic, so it would deny nothing (review diffpol, F2); a
 * permit says what it does anyway and stays. */
Test(conf_errors, deny_from_junos_host_refused)
{
	CONF_ERRORS(CONF_BASE "set security policies from-zone junos-host to-zone untrust "
		    "policy no-dns " ANY_MATCH "\n"
		    "set security policies from-zone junos-host to-zone untrust policy no-dns "
		    "then deny\n",
		"t.conf:4: policy 'no-dns' (from-zone junos-host to-zone untrust): 'then deny' "
		"from junos-host would not be enforced: sfw does not filter the host's own "
		"traffic (self traffic is always permitted)");
	CONF_ERRORS(CONF_BASE "set security policies global policy g " ANY_MATCH
		    " from-zone [ trust junos-host ]\n"
		    "set security policies global policy g then reject\n",
		"t.conf:4: policy 'g' (global policies): 'then reject' from junos-host would "
		"not be enforced: sfw does not filter the host's own traffic (self traffic is "
		"always permitted)");
}

/* More interfaces bound to zones than the datapath's names map holds
 * (SFW_MAX_ZONE_IFACES_NAMED): refused by the check, as the commit would
 * refuse it, on the line of the first too many. */
static char *zone_ifaces_text(int n)
{
	size_t cap = (size_t)n * 64 + 64, len = 0;
	char *text = malloc(cap);

	cr_assert_not_null(text);
	text[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"set security zones security-zone z%d interfaces h%d\n",
					i % 2, i);
	return text;
}

Test(conf_errors, more_interfaces_bound_to_zones_than_the_datapath_holds)
{
	struct sfw_conf_errors errs;
	struct sfw_conf conf;
	char *text = zone_ifaces_text(SFW_MAX_ZONE_IFACES_NAMED);

	cr_assert_eq(conf_test_parse(&conf, &errs, text), 0, "%s", errs.n ? errs.msg[0] : "");
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
	free(text);
	text = zone_ifaces_text(SFW_MAX_ZONE_IFACES_NAMED + 1);
	cr_assert_neq(conf_test_parse(&conf, &errs, text), 0);
	cr_assert_eq(errs.n, 1);
	cr_assert(strstr(errs.msg[0], "more than 16384 interfaces bound to zones"), "%s",
		  errs.msg[0]);
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
	free(text);
}

/* More proxy-arp ranges than the datapath's maps hold: every range is kept
 * by name, whether its interface is on this host or not, and each map
 * holds two generations. The write refused them only once the other
 * generation was full: the second commit of a text the first took, and
 * commit check passed it. `ifaces` interfaces, `per` ranges on each. */
static char *proxy_ranges_text(int ifaces, int per)
{
	size_t cap = (size_t)ifaces * (per + 1) * 100 + 64, len = 0;
	char *text = malloc(cap);

	cr_assert_not_null(text);
	text[0] = '\0';
	for (int i = 0; i < ifaces; i++) {
		len += (size_t)snprintf(text + len, cap - len,
					"set security zones security-zone z interfaces h%d\n", i);
		for (int r = 0; r < per; r++)
			len += (size_t)snprintf(text + len, cap - len,
						"set security nat proxy-arp interface h%d address "
						"203.0.113.%d/32\n", i, r % 250 + 1);
	}
	return text;
}

static void expect_one_error(const char *text, const char *want)
{
	struct sfw_conf_errors errs;
	struct sfw_conf conf;

	cr_assert_neq(conf_test_parse(&conf, &errs, text), 0, "%s accepted", want);
	cr_assert_eq(errs.n, 1, "%d errors, the first: %s", errs.n, errs.n ? errs.msg[0] : "");
	cr_assert(strstr(errs.msg[0], want), "%s", errs.msg[0]);
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
}

static void expect_no_error(const char *text)
{
	struct sfw_conf_errors errs;
	struct sfw_conf conf;

	cr_assert_eq(conf_test_parse(&conf, &errs, text), 0, "%s", errs.n ? errs.msg[0] : "");
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
}

Test(conf_errors, more_proxy_ranges_than_the_datapath_holds)
{
	char *text = proxy_ranges_text(SFW_MAX_IFACES, SFW_NAT_MAX_PROXIES);

	expect_no_error(text);
	free(text);
	text = proxy_ranges_text(SFW_MAX_IFACES + 1, SFW_NAT_MAX_PROXIES);
	expect_one_error(text, "more than 16384 proxy-arp/ndp ranges");
	free(text);
}

Test(conf_errors, more_proxy_ranges_on_one_interface_than_the_datapath_holds)
{
	char *text = proxy_ranges_text(1, SFW_NAT_MAX_PROXIES + 1);

	expect_one_error(text, "more than 64 proxy-arp/ndp ranges on interface 'h0'");
	free(text);
}
