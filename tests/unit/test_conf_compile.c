/* The policy compiler without BPF: configuration text in, the exact map
 * entries out (conf/compile.h). The BPF tests (tests/bpf/test_policy.c...)
 * check what the datapath does with them. */
#include <arpa/inet.h>
#include <stdarg.h>
#include "test_conf.h"
#include "compile.h"
#include "protocols.h"

/* what every configuration without source NAT rule-sets compiles in:
 * its first packets walk no source list (include/config.h) */
#define NO_SNAT SFW_CFG_F_NAT_NO_SOURCE

static struct sfw_conf conf;
static struct sfw_compiled out;

static void fini(void)
{
	sfw_compiled_free(&out);
	sfw_conf_free(&conf);
}

TestSuite(conf_compile, .fini = fini);

static void compile(const char *text)
{
	int err;

	conf_test_parse_ok(&conf, text);
	err = sfw_conf_compile(&conf, &out);
	cr_assert_eq(err, 0, "compile: %s", sfw_last_error());
}

static struct sfw_rule_bits bits(int n, ...)
{
	struct sfw_rule_bits b = { 0 };
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		int bit = va_arg(ap, int);

		b.w[bit / 64] |= 1ULL << (bit % 64);
	}
	va_end(ap);
	return b;
}

/* The address entry of (list, dir, family, addr/len): asserts it is there
 * exactly once and carries want. */
static void assert_addr(__u16 list, __u8 dir, __u8 family, const char *addr, __u8 len,
			struct sfw_rule_bits want)
{
	struct sfw_addr_lpm_key k = {
		.prefixlen = SFW_ADDR_LPM_FIXED_BITS + len, .list = list, .dir = dir, .family = family,
	};
	int found = 0;

	if (addr)
		cr_assert_eq(inet_pton(family == SFW_FAMILY_INET ? AF_INET : AF_INET6, addr, k.addr), 1);
	for (int i = 0; i < out.n_addr; i++) {
		if (memcmp(&out.addr[i].k, &k, sizeof(k)))
			continue;
		found++;
		cr_assert(!memcmp(&out.addr[i].v, &want, sizeof(want)),
			  "%s/%u dir %u: rule bits %#llx, want %#llx", addr ? addr : "any", len, dir,
			  (unsigned long long)out.addr[i].v.w[0], (unsigned long long)want.w[0]);
	}
	cr_assert_eq(found, 1, "%s/%u dir %u family %u: %d entries", addr ? addr : "any", len,
		     dir, family, found);
}

/* The application entry of (list, proto, port/len over the port bits). */
static void assert_app(__u16 list, __u8 proto, __u16 port, __u8 port_len, struct sfw_rule_bits want)
{
	struct sfw_app_lpm_key k = {
		.prefixlen = SFW_APP_LPM_PROTO_BITS + port_len, .list = list, .proto = proto,
		.port = { port >> 8, port & 0xff },
	};
	int found = 0;

	for (int i = 0; i < out.n_app; i++) {
		if (memcmp(&out.app[i].k, &k, sizeof(k)))
			continue;
		found++;
		cr_assert(!memcmp(&out.app[i].v, &want, sizeof(want)), "port %u/%u: rule bits %#llx",
			  port, port_len, (unsigned long long)out.app[i].v.w[0]);
	}
	cr_assert_eq(found, 1, "proto %u port %u/%u: %d entries", proto, port, port_len, found);
}

static const struct sfw_cpl_class *class_of(__u8 proto, __u16 port, __u8 port_len)
{
	struct sfw_app_lpm_key k = {
		.prefixlen = SFW_APP_LPM_PROTO_BITS + port_len, .list = SFW_CLASS_LIST(0),
		.proto = proto, .port = { port >> 8, port & 0xff },
	};

	for (int i = 0; i < out.n_cls; i++)
		if (!memcmp(&out.cls[i].k, &k, sizeof(k)))
			return &out.cls[i];
	return NULL;
}

static const char *name_of(__u32 kind, __u32 id)
{
	for (int i = 0; i < out.n_names; i++)
		if (out.names[i].k.kind == kind && out.names[i].k.id == id)
			return out.names[i].v.name;
	return NULL;
}

Test(conf_compile, zone_pair_rule_list)
{
	const __u16 list = SFW_LIST(0, 1, 2);

	compile(CONF_BASE
		"set security address-book global address web 198.51.100.0/24\n"
		"set security policies from-zone trust to-zone untrust policy web match "
		"source-address any destination-address web application junos-http\n"
		"set security policies from-zone trust to-zone untrust policy web then log session-init\n"
		"set security policies from-zone trust to-zone untrust policy web then permit\n"
		"set security policies from-zone trust to-zone untrust policy rest match "
		"source-address any destination-address any application any\n"
		"set security policies from-zone trust to-zone untrust policy rest then deny\n");

	cr_assert_eq(out.n_rules, 2);
	cr_assert_eq(out.rules[0].k.list, list);
	cr_assert_eq(out.rules[0].k.bit, 0);
	cr_assert_eq(out.rules[0].v.policy_id, conf.policies[0].index);
	cr_assert_eq(out.rules[0].v.action, SFW_ACTION_PERMIT);
	cr_assert_eq(out.rules[0].v.flags, SFW_RULE_LOG_INIT);
	cr_assert_eq(out.rules[1].k.list, list);
	cr_assert_eq(out.rules[1].k.bit, 1);
	cr_assert_eq(out.rules[1].v.policy_id, conf.policies[1].index);
	cr_assert_eq(out.rules[1].v.action, SFW_ACTION_DENY);

	/* any source: both families from /0, both rules; the destination /24
	 * carries the catch-all's bit too (its /0 covers it) */
	cr_assert_eq(out.n_addr, 5);
	assert_addr(list, SFW_DIR_SRC, SFW_FAMILY_INET, NULL, 0, bits(2, 0, 1));
	assert_addr(list, SFW_DIR_SRC, SFW_FAMILY_INET6, NULL, 0, bits(2, 0, 1));
	assert_addr(list, SFW_DIR_DST, SFW_FAMILY_INET, "198.51.100.0", 24, bits(2, 0, 1));
	assert_addr(list, SFW_DIR_DST, SFW_FAMILY_INET, NULL, 0, bits(1, 1));
	assert_addr(list, SFW_DIR_DST, SFW_FAMILY_INET6, NULL, 0, bits(1, 1));

	/* application any is every protocol (a /0 after the list bits) */
	cr_assert_eq(out.n_app, 2);
	assert_app(list, SFW_IPPROTO_TCP, 80, 16, bits(2, 0, 1));
	for (int i = 0; i < out.n_app; i++)
		if (out.app[i].k.prefixlen == SFW_APP_LPM_LIST_BITS) {
			struct sfw_rule_bits want = bits(1, 1);

			cr_assert_eq(out.app[i].k.proto, 0);
			cr_assert(!memcmp(&out.app[i].v, &want, sizeof(want)));
		}

	cr_assert_eq(out.n_zifs, 2);
	cr_assert_str_eq(out.zifs[0].ifname, "veth0");
	cr_assert_eq(out.zifs[0].zone, 1);
	cr_assert_str_eq(out.zifs[1].ifname, "veth1");
	cr_assert_eq(out.zifs[1].zone, 2);

	cr_assert_str_eq(name_of(SFW_NAME_ZONE, SFW_ZONE_HOST), "junos-host");
	cr_assert_str_eq(name_of(SFW_NAME_ZONE, 1), "trust");
	cr_assert_str_eq(name_of(SFW_NAME_ZONE, 2), "untrust");
	cr_assert_str_eq(name_of(SFW_NAME_POLICY, conf.policies[0].index), "web");
	cr_assert_str_eq(name_of(SFW_NAME_POLICY, conf.policies[1].index), "rest");
	cr_assert_str_eq(name_of(SFW_NAME_APP, 6), "junos-http");

	cr_assert_eq(out.n_screens, 0);
	cr_assert_eq(out.flow.flags, SFW_CFG_F_ZONES | SFW_CFG_F_POLICIES | NO_SNAT);
	/* no default-policy statement: Junos's default */
	cr_assert_eq(out.flow.default_policy, SFW_POLICY_DENY_ALL);
}

/* Junos's own catch-all names (commit check refused them before the
 * full predefined list): one protocol-wide entry per protocol. */
Test(conf_compile, predefined_catch_alls)
{
	const __u16 list = SFW_LIST_GLOBAL;

	compile("set security policies global policy any-of match source-address any "
		"destination-address any application [ junos-ping junos-pingv6 junos-tcp-any "
		"junos-udp-any junos-icmp-all junos-icmp6-all ]\n"
		"set security policies global policy any-of then permit\n");
	cr_assert_eq(out.n_app, 4);
	assert_app(list, SFW_IPPROTO_ICMP, 0, 0, bits(1, 0));
	assert_app(list, SFW_IPPROTO_ICMP6, 0, 0, bits(1, 0));
	assert_app(list, SFW_IPPROTO_TCP, 0, 0, bits(1, 0));
	assert_app(list, SFW_IPPROTO_UDP, 0, 0, bits(1, 0));
}

/* Ranges as aligned blocks (5190-5193: 5190/15, 5192/15) and an ICMPv6
 * type with its code (type then code over the port bits). */
Test(conf_compile, predefined_ranges_and_icmp_codes)
{
	const __u16 list = SFW_LIST_GLOBAL;

	compile("set security policies global policy p match source-address any "
		"destination-address any application [ junos-aol junos-icmp6-dst-unreach-port ]\n"
		"set security policies global policy p then permit\n");
	cr_assert_eq(out.n_app, 3);
	assert_app(list, SFW_IPPROTO_TCP, 5190, 15, bits(1, 0));
	assert_app(list, SFW_IPPROTO_TCP, 5192, 15, bits(1, 0));
	assert_app(list, SFW_IPPROTO_ICMP6, 1 << 8 | 4, 16, bits(1, 0));
}

/* Predefined application-sets, named by a policy and inside a user set. */
Test(conf_compile, predefined_application_sets)
{
	const __u16 list = SFW_LIST_GLOBAL;

	compile("set applications application-set mine application-set junos-routing-inbound\n"
		"set security policies global policy files match source-address any "
		"destination-address any application junos-cifs\n"
		"set security policies global policy files then permit\n"
		"set security policies global policy routing match source-address any "
		"destination-address any application mine\n"
		"set security policies global policy routing then permit\n");
	cr_assert_eq(out.n_app, 6);
	assert_app(list, SFW_IPPROTO_TCP, 139, 16, bits(1, 0));
	assert_app(list, SFW_IPPROTO_TCP, 445, 16, bits(1, 0));
	assert_app(list, SFW_IPPROTO_TCP, 179, 16, bits(1, 1));
	assert_app(list, SFW_IPPROTO_UDP, 520, 16, bits(1, 1));
	assert_app(list, SFW_IPPROTO_TCP, 646, 16, bits(1, 1));
	assert_app(list, SFW_IPPROTO_UDP, 646, 16, bits(1, 1));
}

/* 8000-8080 is three aligned blocks: 8000-8063, 8064-8079, 8080. */
Test(conf_compile, application_port_range_as_prefixes)
{
	const __u16 list = SFW_LIST_GLOBAL;
	const struct sfw_cpl_class *c;
	int user = 0;

	compile("set applications application alt-web protocol tcp destination-port 8000-8080 "
		"inactivity-timeout 600\n"
		"set security policies global policy alt match source-address any "
		"destination-address any application alt-web\n"
		"set security policies global policy alt then permit\n");

	cr_assert_eq(out.n_rules, 1);
	cr_assert_eq(out.rules[0].k.list, list);
	cr_assert_eq(out.n_app, 3);
	assert_app(list, SFW_IPPROTO_TCP, 8000, 10, bits(1, 0));
	assert_app(list, SFW_IPPROTO_TCP, 8064, 12, bits(1, 0));
	assert_app(list, SFW_IPPROTO_TCP, 8080, 16, bits(1, 0));

	/* classification: the same three prefixes name the application */
	for (int i = 0; i < out.n_cls; i++)
		if (out.cls[i].v.app_id == SFW_CONF_APP_ID_USER) {
			user++;
			cr_assert_eq(out.cls[i].v.timeout_s, 600);
		}
	cr_assert_eq(user, 3);
	c = class_of(SFW_IPPROTO_TCP, 8064, 12);
	cr_assert(c && c->v.app_id == SFW_CONF_APP_ID_USER);
	cr_assert_str_eq(name_of(SFW_NAME_APP, SFW_CONF_APP_ID_USER), "alt-web");
	cr_assert_eq(out.flow.flags, SFW_CFG_F_POLICIES | NO_SNAT);
}

/* An application on a predefined one's port: the predefined one keeps the
 * classification, and the entry is there once. */
Test(conf_compile, class_first_definition_wins)
{
	const struct sfw_cpl_class *c;

	compile("set applications application my-web protocol tcp destination-port 80\n");
	c = class_of(SFW_IPPROTO_TCP, 80, 16);
	cr_assert_not_null(c);
	cr_assert_eq(c->v.app_id, 6, "junos-http/6 keeps tcp/80, got id %u", c->v.app_id);
	for (int i = 0; i < out.n_cls; i++)
		for (int j = i + 1; j < out.n_cls; j++)
			cr_assert(memcmp(&out.cls[i].k, &out.cls[j].k, sizeof(out.cls[i].k)),
				  "entries %d and %d have one key", i, j);
}

Test(conf_compile, zone_screens_resolved)
{
	compile("set security screen ids-option guard ip spoofing\n"
		"set security screen ids-option guard tcp syn-flood attack-threshold 5\n"
		"set security screen ids-option lim limit-session source-ip-based 3\n"
		"set security zones security-zone trust interfaces veth0\n"
		"set security zones security-zone trust screen guard\n"
		"set security zones security-zone dmz\n"
		"set security zones security-zone guest screen lim\n");

	cr_assert_eq(out.n_screens, 2);
	cr_assert_eq(out.screens[0].zone, 1);
	cr_assert_eq(out.screens[0].v.flags, SFW_SCREEN_IP_SPOOFING | SFW_SCREEN_SYN_FLOOD);
	cr_assert_eq(out.screens[0].v.syn_attack_threshold, 5);
	cr_assert_eq(out.screens[0].v.syn_source_threshold, SFW_CONF_SYN_SOURCE_DEFAULT);
	cr_assert_eq(out.screens[0].v.syn_destination_threshold, SFW_CONF_SYN_DESTINATION_DEFAULT);
	cr_assert_eq(out.screens[0].v.limit_src, 0);
	cr_assert_eq(out.screens[0].v.tally_id, 0, "the writer assigns tally ids");
	cr_assert_eq(out.screens[1].zone, 3);
	cr_assert_eq(out.screens[1].v.flags, SFW_SCREEN_LIMIT_SRC);
	cr_assert_eq(out.screens[1].v.limit_src, 3);
	cr_assert_eq(out.screens[1].v.limit_dst, 0);
	cr_assert_eq(out.screens[1].v.syn_attack_threshold, SFW_CONF_SYN_ATTACK_DEFAULT);
	cr_assert_eq(out.flow.flags, SFW_CFG_F_ZONES | SFW_CFG_F_LIMITS | NO_SNAT);
}

Test(conf_compile, flow_settings_only_what_is_configured)
{
	compile("set security flow tcp-session tcp-initial-timeout 30\n"
		"set security flow tcp-session no-syn-check\n"
		"set security flow syn-flood-protection-mode syn-cookie\n"
		"set security flow session max-sessions 65536\n"
		"set security policies default-policy deny-all\n");

	cr_assert_eq(out.flow.timeout_s[SFW_TO_TCP_INITIAL], 30);
	cr_assert_eq(out.flow.timeout_s[SFW_TO_UDP], 0, "unset: the writer's default applies");
	cr_assert_eq(out.flow.max_sessions, 65536);
	cr_assert_eq(out.flow.default_policy, SFW_POLICY_DENY_ALL);
	cr_assert_eq(out.flow.flags, SFW_CFG_F_NO_SYN_CHECK | SFW_CFG_F_SYN_COOKIE | NO_SNAT);
	cr_assert_eq(out.n_rules + out.n_addr + out.n_app + out.n_zifs + out.n_screens, 0);
}

Test(conf_compile, mpls_packet_mode_is_a_flag)
{
	compile("set security forwarding-options family mpls mode packet-based\n");
	cr_assert_eq(out.flow.flags, SFW_CFG_F_MPLS_PACKET | NO_SNAT);
}

/* The flow settings carry the SHA-256 of the text compiled: the writer
 * flips it in with the generation (sfw_config.conf_digest), which is how a
 * datapath running another text than the stored file is told. Built in
 * memory without a text: all zero. */
Test(conf_compile, flow_carries_the_digest_of_its_text)
{
	static const char text[] = "set security policies default-policy deny-all\n";
	static const __u8 zero[SFW_CONF_DIGEST_LEN];
	__u8 want[SFW_CONF_DIGEST_LEN];

	compile(text);
	cr_assert_eq(sfw_conf_digest(text, sizeof(text) - 1, want), 0);
	cr_assert_arr_eq(out.flow.conf_digest, want, sizeof(want));
	sfw_compiled_free(&out);
	free(conf.source);
	conf.source = NULL;
	cr_assert_eq(sfw_conf_compile(&conf, &out), 0, "%s", sfw_last_error());
	cr_assert_arr_eq(out.flow.conf_digest, zero, sizeof(zero));
}

/* Past SFW_MAX_RULES in one zone pair: one line, and nothing half built. */
Test(conf_compile, too_many_rules_in_one_list)
{
	size_t cap = (SFW_MAX_RULES + 1) * 200, len = 0;
	char *text = malloc(cap);
	int err;

	cr_assert_not_null(text);
	for (int i = 0; i <= SFW_MAX_RULES; i++)
		len += snprintf(text + len, cap - len,
				"set security policies global policy p%d match source-address any "
				"destination-address any application any\n"
				"set security policies global policy p%d then permit\n", i, i);
	conf_test_parse_ok(&conf, text);
	free(text);
	err = sfw_conf_compile(&conf, &out);
	cr_assert_eq(err, -E2BIG);
	cr_assert_str_eq(sfw_last_error(), "more than 1024 policies in one zone pair");
	cr_assert_eq(out.n_rules + out.n_addr + out.n_app + out.n_cls + out.n_names, 0);
	cr_assert_null(out.rules);
}

/* security log format syslog: the daemon reads it from the flow flags. */
Test(conf_compile, log_format_flag)
{
	compile("set security log format syslog\n");
	cr_assert_eq(out.flow.flags & SFW_CFG_F_LOG_SYSLOG, SFW_CFG_F_LOG_SYSLOG);
	sfw_compiled_free(&out);
	sfw_conf_free(&conf);
	compile("set security log format sd-syslog\n");
	cr_assert_eq(out.flow.flags & SFW_CFG_F_LOG_SYSLOG, 0);
}
