/* Printing the model back: canonical `set` lines, and parse(print(x)) == x. */
#include "test_conf.h"

/* Every statement form, deliberately out of canonical order and with
 * lists, several leaves per line and alternative spellings. */
static const char full_config[] =
	"set security zones security-zone trust interfaces [ veth0 veth2 ]\n"
	"set security zones security-zone trust host-inbound-traffic system-services [ ssh ping ]\n"
	"set security zones security-zone untrust interfaces veth1\n"
	"set security zones security-zone untrust screen untrust-screen\n"
	"set security zones security-zone untrust description \"the \\\"outside\\\"\"\n"
	"set security zones security-zone dmz\n"
	"set security screen ids-option untrust-screen tcp syn-flood attack-threshold 300 destination-threshold 2048\n"
	"set security screen ids-option untrust-screen ip spoofing\n"
	"set security screen ids-option bare tcp syn-flood\n"
	"set security address-book global address web 198.51.100.0/24\n"
	"set security address-book global address host 192.0.2.9\n"
	"set security address-book global address v6 2001:DB8:0:0::/64\n"
	"set security address-book global address web description \"web farm\"\n"
	"set security address-book global address-set webs address [ web v6 ]\n"
	"set security address-book global address-set all address-set webs\n"
	"set security address-book global address-set all address host\n"
	"set applications application my-web protocol tcp destination-port 8000-8080 inactivity-timeout 600\n"
	"set applications application dns-alt protocol udp source-port 0-65535 destination-port domain\n"
	"set applications application ping protocol icmp icmp-type echo-request icmp-code 0\n"
	"set applications application nd protocol icmp6 icmp6-type neighbor-solicit\n"
	"set applications application gre protocol 47 inactivity-timeout never\n"
	"set applications application junos-ssh inactivity-timeout 7200\n"
	"set applications application-set web-apps application [ junos-http junos-https my-web ]\n"
	"set applications application-set everything application-set web-apps\n"
	"set security policies from-zone trust to-zone untrust policy allow-web match source-address any destination-address all application web-apps\n"
	"set security policies from-zone trust to-zone untrust policy allow-web then permit\n"
	"set security policies from-zone trust to-zone untrust policy allow-web then log session-init session-close\n"
	"set security policies from-zone trust to-zone untrust policy allow-web then count\n"
	"set security policies from-zone untrust to-zone trust policy in match source-address any-ipv6 destination-address v6 application junos-ping6\n"
	"set security policies from-zone untrust to-zone trust policy in then permit\n"
	"set security policies global policy last match source-address any destination-address any application any from-zone any to-zone [ trust dmz ]\n"
	"set security policies global policy last then reject\n"
	"set security policies global policy last description \"catch all\"\n"
	"set security policies from-zone trust to-zone untrust policy no-telnet match source-address any destination-address any application junos-telnet\n"
	"set security policies from-zone trust to-zone untrust policy no-telnet then deny\n"
	"set security policies default-policy deny-all\n"
	"set services service-set svc_set_trust interface-service service-interface [ veth0 veth2 ]\n"
	"set services service-set svc_set_untrust interface-service service-interface veth1\n"
	"set security flow tcp-session tcp-initial-timeout 30\n"
	"set security flow tcp-session time-wait-state-timeout 6\n"
	"set security flow udp-timeout 90\n"
	"set security flow tcp-session no-syn-check\n"
	"set security flow tcp-session no-sequence-check\n"
	"set security flow session max-sessions 65536\n"
	"set security flow syn-flood-protection-mode syn-cookie\n";

static const char full_canonical[] =
	"set security zones security-zone trust host-inbound-traffic system-services ssh\n"
	"set security zones security-zone trust host-inbound-traffic system-services ping\n"
	"set security zones security-zone trust interfaces veth0\n"
	"set security zones security-zone trust interfaces veth2\n"
	"set security zones security-zone untrust description \"the \\\"outside\\\"\"\n"
	"set security zones security-zone untrust screen untrust-screen\n"
	"set security zones security-zone untrust interfaces veth1\n"
	"set security zones security-zone dmz\n"
	"set security screen ids-option untrust-screen tcp syn-flood attack-threshold 300\n"
	"set security screen ids-option untrust-screen tcp syn-flood destination-threshold 2048\n"
	"set security screen ids-option untrust-screen ip spoofing\n"
	"set security screen ids-option bare tcp syn-flood\n"
	"set security address-book global address web description \"web farm\"\n"
	"set security address-book global address web 198.51.100.0/24\n"
	"set security address-book global address host 192.0.2.9/32\n"
	"set security address-book global address v6 2001:db8::/64\n"
	"set security address-book global address-set webs address web\n"
	"set security address-book global address-set webs address v6\n"
	"set security address-book global address-set all address host\n"
	"set security address-book global address-set all address-set webs\n"
	"set applications application junos-ssh inactivity-timeout 7200\n"
	"set applications application my-web protocol tcp\n"
	"set applications application my-web destination-port 8000-8080\n"
	"set applications application my-web inactivity-timeout 600\n"
	"set applications application dns-alt protocol udp\n"
	"set applications application dns-alt source-port 0-65535\n"
	"set applications application dns-alt destination-port 53\n"
	"set applications application ping protocol icmp\n"
	"set applications application ping icmp-type 8\n"
	"set applications application ping icmp-code 0\n"
	"set applications application nd protocol icmp6\n"
	"set applications application nd icmp6-type 135\n"
	"set applications application gre protocol gre\n"
	"set applications application gre inactivity-timeout never\n"
	"set applications application-set web-apps application junos-http\n"
	"set applications application-set web-apps application junos-https\n"
	"set applications application-set web-apps application my-web\n"
	"set applications application-set everything application-set web-apps\n"
	"set security policies from-zone trust to-zone untrust policy allow-web match source-address any\n"
	"set security policies from-zone trust to-zone untrust policy allow-web match destination-address all\n"
	"set security policies from-zone trust to-zone untrust policy allow-web match application web-apps\n"
	"set security policies from-zone trust to-zone untrust policy allow-web then permit\n"
	"set security policies from-zone trust to-zone untrust policy allow-web then log session-init\n"
	"set security policies from-zone trust to-zone untrust policy allow-web then log session-close\n"
	"set security policies from-zone trust to-zone untrust policy allow-web then count\n"
	"set security policies from-zone untrust to-zone trust policy in match source-address any-ipv6\n"
	"set security policies from-zone untrust to-zone trust policy in match destination-address v6\n"
	"set security policies from-zone untrust to-zone trust policy in match application junos-ping6\n"
	"set security policies from-zone untrust to-zone trust policy in then permit\n"
	"set security policies global policy last description \"catch all\"\n"
	"set security policies global policy last match source-address any\n"
	"set security policies global policy last match destination-address any\n"
	"set security policies global policy last match application any\n"
	"set security policies global policy last match from-zone any\n"
	"set security policies global policy last match to-zone trust\n"
	"set security policies global policy last match to-zone dmz\n"
	"set security policies global policy last then reject\n"
	"set security policies from-zone trust to-zone untrust policy no-telnet match source-address any\n"
	"set security policies from-zone trust to-zone untrust policy no-telnet match destination-address any\n"
	"set security policies from-zone trust to-zone untrust policy no-telnet match application junos-telnet\n"
	"set security policies from-zone trust to-zone untrust policy no-telnet then deny\n"
	"set security policies default-policy deny-all\n"
	"set services service-set svc_set_trust interface-service service-interface veth0\n"
	"set services service-set svc_set_trust interface-service service-interface veth2\n"
	"set services service-set svc_set_untrust interface-service service-interface veth1\n"
	"set security flow tcp-session tcp-initial-timeout 30\n"
	"set security flow tcp-session time-wait-state session-timeout 6\n"
	"set security flow udp-timeout 90\n"
	"set security flow tcp-session no-syn-check\n"
	"set security flow tcp-session no-sequence-check\n"
	"set security flow session max-sessions 65536\n"
	"set security flow syn-flood-protection-mode syn-cookie\n";

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

/* parse(text) = x; parse(print(x)) must equal x, and print again the same. */
static void round_trip(const char *text)
{
	struct sfw_conf a, b;
	char *once, *twice;

	conf_test_parse_ok(&a, text);
	once = print_conf(&a);
	conf_test_parse_ok(&b, once);
	cr_assert(sfw_conf_equal(&a, &b), "parse(print(x)) differs from x:\n%s", once);
	twice = print_conf(&b);
	cr_assert_str_eq(once, twice, "printing is not stable");
	for (int k = 0; k < a.n_policies; k++)
		cr_assert_eq(a.policies[k].index, b.policies[k].index);
	free(once);
	free(twice);
	sfw_conf_free(&a);
	sfw_conf_free(&b);
}

Test(conf_print, canonical_set_lines)
{
	struct sfw_conf conf;
	char *text;

	conf_test_parse_ok(&conf, full_config);
	text = print_conf(&conf);
	cr_assert_str_eq(text, full_canonical);
	free(text);
	sfw_conf_free(&conf);
}

Test(conf_print, empty_configuration_prints_nothing)
{
	struct sfw_conf conf;
	char *text;

	conf_test_parse_ok(&conf, "# only a comment\n");
	text = print_conf(&conf);
	cr_assert_str_eq(text, "");
	free(text);
	sfw_conf_free(&conf);
}

Test(conf_print, round_trip_full)
{
	round_trip(full_config);
}

Test(conf_print, round_trip_canonical_is_a_fixed_point)
{
	round_trip(full_canonical);
}

Test(conf_print, round_trip_keeps_policy_indexes_of_interleaved_pairs)
{
	round_trip(CONF_BASE
		"set security policies from-zone untrust to-zone trust policy a match source-address any destination-address any application any\n"
		"set security policies from-zone untrust to-zone trust policy a then deny\n"
		"set security policies global policy g match source-address any destination-address any application any\n"
		"set security policies global policy g then deny\n"
		"set security policies from-zone trust to-zone untrust policy b match source-address any destination-address any application any\n"
		"set security policies from-zone trust to-zone untrust policy b then permit\n"
		"set security policies from-zone untrust to-zone trust policy c match source-address any destination-address any application any\n"
		"set security policies from-zone untrust to-zone trust policy c then permit\n");
}

Test(conf_print, round_trip_every_flow_timeout)
{
	round_trip("set security flow tcp-session tcp-initial-timeout 4\n"
		   "set security flow tcp-session tcp-established-timeout 86400\n"
		   "set security flow tcp-session tcp-half-closed-timeout 1\n"
		   "set security flow tcp-session time-wait-state session-timeout 600\n"
		   "set security flow tcp-session tcp-rst-timeout 2\n"
		   "set security flow udp-timeout 61\n"
		   "set security flow icmp-timeout 62\n"
		   "set security flow other-timeout 63\n"
		   "set security flow syn-flood-protection-mode syn-cookie\n"
		   "set security screen ids-option s tcp syn-flood attack-threshold 2 destination-threshold 4 source-threshold 5\n"
		   "set security policies default-policy permit-all\n");
}

Test(conf_print, round_trip_mpls_packet_mode)
{
	round_trip("set security forwarding-options family mpls mode packet-based\n");
	round_trip("set security forwarding-options family inet6 mode flow-based\n");
}

Test(conf_print, round_trip_rate_limits)
{
	round_trip("set security flow deny-log-rate 1\n"
		   "set security flow reply-rate 1000000\n");
}

Test(conf_print, round_trip_prometheus)
{
	static const char *const forms[] = {
		"set system services prometheus\n",
		"set system services prometheus address 192.0.2.1\n",
		"set system services prometheus port 9100\n",
		"set system services prometheus address 2001:db8::1\n"
		"set system services prometheus port 65535\n",
	};
	struct sfw_conf c;
	char *text;

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		round_trip(forms[i]);
	/* the statement alone is a presence: printed only without a value */
	conf_test_parse_ok(&c, "set system services prometheus\n"
			       "set system services prometheus port 9100\n");
	text = print_conf(&c);
	cr_assert_str_eq(text, "set system services prometheus port 9100\n");
	free(text);
	sfw_conf_free(&c);
}

Test(conf_print, round_trip_limit_session)
{
	round_trip("set security zones security-zone untrust interfaces veth1\n"
		   "set security zones security-zone untrust screen lim\n"
		   "set security screen ids-option lim limit-session destination-ip-based 8000000\n"
		   "set security screen ids-option lim limit-session source-ip-based 3\n"
		   "set security screen ids-option lim ip spoofing\n"
		   "set security screen ids-option dst-only limit-session destination-ip-based 1\n");
}

/* base with line k replaced by alt[k]: each differs from base in one thing. */
static const char *const base_lines[] = {
	"set security zones security-zone trust interfaces veth0\n",
	"set security address-book global address a 192.0.2.0/24\n",
	"set applications application a protocol tcp destination-port 80\n",
	"set security policies from-zone trust to-zone trust policy p match source-address a destination-address any application any\n",
	"set security policies from-zone trust to-zone trust policy p then permit\n",
	"set security policies default-policy deny-all\n",
	"set security flow udp-timeout 60\n",
	"set services service-set s interface-service service-interface veth0\n",
	"set security screen ids-option s ip spoofing\n",
	"set security screen ids-option t limit-session source-ip-based 3\n",
	"set security screen ids-option u limit-session destination-ip-based 3\n",
	"set security flow deny-log-rate 10\n",
	"set security flow reply-rate 10\n",
	"set system services prometheus address 127.0.0.1\n",
	"set system services prometheus port 9660\n",
};
static const char *const alt_lines[] = {
	"set security zones security-zone trust interfaces veth1\n",
	"set security address-book global address a 192.0.2.0/25\n",
	"set applications application a protocol tcp destination-port 81\n",
	"set security policies from-zone trust to-zone trust policy p match source-address a destination-address a application any\n",
	"set security policies from-zone trust to-zone trust policy p then deny\n",
	"set security policies default-policy permit-all\n",
	"set security flow udp-timeout 61\n",
	"set services service-set s interface-service service-interface veth9\n",
	"set security screen ids-option s tcp syn-flood\n",
	"set security screen ids-option t limit-session source-ip-based 4\n",
	"set security screen ids-option u limit-session destination-ip-based 4\n",
	"set security flow deny-log-rate 11\n",
	"set security flow reply-rate 11\n",
	"set system services prometheus address ::1\n",
	"set system services prometheus port 9661\n",
};
#define N_LINES (sizeof(base_lines) / sizeof(base_lines[0]))

static void join_lines(char *out, size_t replace)
{
	out[0] = '\0';
	for (size_t k = 0; k < N_LINES; k++)
		strcat(out, k == replace ? alt_lines[k] : base_lines[k]);
}

Test(conf_print, equal_notices_each_kind_of_difference)
{
	struct sfw_conf base, other;
	char text[2048];

	join_lines(text, N_LINES);
	conf_test_parse_ok(&base, text);
	for (size_t k = 0; k < N_LINES; k++) {
		join_lines(text, k);
		conf_test_parse_ok(&other, text);
		cr_assert_not(sfw_conf_equal(&base, &other), "line %zu changed", k);
		sfw_conf_free(&other);
	}
	join_lines(text, N_LINES);
	conf_test_parse_ok(&other, text);
	cr_assert(sfw_conf_equal(&base, &other));
	sfw_conf_free(&other);
	sfw_conf_free(&base);
}

/* A predefined application-set the configuration names is not printed:
 * the configuration is what the operator wrote. */
Test(conf_print, predefined_application_set_not_printed)
{
	struct sfw_conf c;
	char *text;

	conf_test_parse_ok(&c, "set security policies global policy files match source-address "
			   "any destination-address any application junos-cifs\n"
			   "set security policies global policy files then permit\n");
	text = print_conf(&c);
	cr_assert_null(strstr(text, "application-set"), "%s", text);
	free(text);
	sfw_conf_free(&c);
	round_trip("set security policies global policy files match source-address any "
		   "destination-address any application junos-cifs\n"
		   "set security policies global policy files then permit\n");
}

Test(conf_print, names_of_actions_and_protocols)
{
	char buf[8];

	cr_assert_str_eq(sfw_conf_action_name(SFW_CONF_ACTION_REJECT), "reject");
	cr_assert_str_eq(sfw_conf_proto_name(6, buf, sizeof(buf)), "tcp");
	cr_assert_str_eq(sfw_conf_proto_name(58, buf, sizeof(buf)), "icmp6");
	cr_assert_str_eq(sfw_conf_proto_name(200, buf, sizeof(buf)), "200");
}

/* Linux allows '#', brackets, quotes, backslashes and non-ASCII bytes in an
 * interface name; `show configuration` must print them so they parse back
 * (quoted), and plain names stay unquoted. */
Test(conf_print, round_trip_interface_names_needing_quotes)
{
	static const char text[] =
		"set security zones security-zone a interfaces \"x#y\"\n"
		"set security zones security-zone a interfaces \"#lead\"\n"
		"set security zones security-zone a interfaces \"c[d\"\n"
		"set security zones security-zone a interfaces \"e]\"\n"
		"set security zones security-zone a interfaces \"[\"\n"
		"set security zones security-zone a interfaces \"f\\\"g\"\n"
		"set security zones security-zone a interfaces \"h\\\\i\"\n"
		"set security zones security-zone a interfaces \"\xc3\xbc" "0\"\n"
		"set services service-set s interface-service service-interface \"k]\"\n";
	struct sfw_conf conf;
	char *out;

	round_trip(text);
	conf_test_parse_ok(&conf, text);
	cr_assert_str_eq(conf.zones[0].interfaces.v[5].name, "f\"g");
	cr_assert_str_eq(conf.zones[0].interfaces.v[6].name, "h\\i");
	out = print_conf(&conf);
	cr_assert_str_eq(out,
		"set security zones security-zone a interfaces \"x#y\"\n"
		"set security zones security-zone a interfaces \"#lead\"\n"
		"set security zones security-zone a interfaces \"c[d\"\n"
		"set security zones security-zone a interfaces \"e]\"\n"
		"set security zones security-zone a interfaces \"[\"\n"
		"set security zones security-zone a interfaces \"f\\\"g\"\n"
		"set security zones security-zone a interfaces \"h\\\\i\"\n"
		"set security zones security-zone a interfaces \xc3\xbc" "0\n"
		"set services service-set s interface-service service-interface \"k]\"\n");
	free(out);
	sfw_conf_free(&conf);
}
