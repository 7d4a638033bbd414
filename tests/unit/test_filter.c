/* Each filter alone, and together (AND), against crafted sessions. */
#include <criterion/criterion.h>
#include <string.h>
#include "filter.h"
#include "flow_fixture.h"
#include "protocols.h"

static const struct uf_spec tcp4 = {
	.id = 10, .src = "192.0.2.10", .dst = "198.51.100.20", .sport = 40000,
	.dport = 443, .proto = SFW_IPPROTO_TCP, .if_in = 3, .if_out = 4,
	.created_s = 1, .last_seen_s = 1, .timeout_s = 1800,
};
/* Opened by the key's hi side: In-wing fields must come out right. */
static const struct uf_spec udp6 = {
	.id = 11, .src = "2001:db8:1::9", .dst = "2001:db8::53", .sport = 5000,
	.dport = 53, .proto = SFW_IPPROTO_UDP, .if_in = 4, .if_out = 5,
	.created_s = 1, .last_seen_s = 1, .timeout_s = 60, .policy_id = 7,
};

static bool match(const struct sfw_filter *f, const struct uf_spec *s)
{
	struct sfw_session_key k;
	struct sfw_session v;
	struct sfw_view view;

	uf_build(s, &k, &v);
	sfw_view_build(&view, &k, &v, UF_NOW_NS);
	/* a walk asks the entry first and builds the view only then */
	cr_assert_eq(sfw_filter_entry(f, &k, &v) && sfw_filter_view(f, &view),
		     sfw_filter_match(f, &view));
	return sfw_filter_match(f, &view);
}

static struct sfw_prefix pfx(const char *s)
{
	struct sfw_value v;

	cr_assert_eq(sfw_parse_value(SFW_ARG_PREFIX, NULL, s, &v), 0);
	return v.pfx;
}

Test(filter, none_matches_all)
{
	struct sfw_filter f = { 0 };

	cr_assert(match(&f, &tcp4) && match(&f, &udp6));
}

Test(filter, protocol_family_id)
{
	struct sfw_filter f = { .mask = SFW_FLT_PROTO, .proto = SFW_IPPROTO_UDP };

	cr_assert(!match(&f, &tcp4) && match(&f, &udp6));
	f = (struct sfw_filter){ .mask = SFW_FLT_FAMILY, .family = SFW_FAMILY_INET };
	cr_assert(match(&f, &tcp4) && !match(&f, &udp6));
	f = (struct sfw_filter){ .mask = SFW_FLT_ID, .id = 11 };
	cr_assert(!match(&f, &tcp4) && match(&f, &udp6));
}

Test(filter, prefixes_look_at_the_in_wing)
{
	struct sfw_filter f = { .mask = SFW_FLT_SRC_PREFIX, .src = pfx("192.0.2.0/24") };

	cr_assert(match(&f, &tcp4) && !match(&f, &udp6));
	f.src = pfx("198.51.100.20");
	cr_assert(!match(&f, &tcp4));   /* the responder is not the source */
	f = (struct sfw_filter){ .mask = SFW_FLT_DST_PREFIX, .dst = pfx("2001:db8::/64") };
	cr_assert(!match(&f, &tcp4) && match(&f, &udp6));
	f.dst = pfx("2001:db8:1::/48");
	cr_assert(!match(&f, &udp6));
}

Test(filter, ports_look_at_the_in_wing)
{
	struct sfw_filter f = { .mask = SFW_FLT_SRC_PORT, .sport = 5000 };

	cr_assert(!match(&f, &tcp4) && match(&f, &udp6));
	f = (struct sfw_filter){ .mask = SFW_FLT_DST_PORT, .dport = 443 };
	cr_assert(match(&f, &tcp4) && !match(&f, &udp6));
	f.dport = 40000;
	cr_assert(!match(&f, &tcp4));
}

Test(filter, interface_either_wing)
{
	struct sfw_filter f = { .mask = SFW_FLT_IFACE, .ifindex = 4 };

	cr_assert(match(&f, &tcp4) && match(&f, &udp6));
	f.ifindex = 3;
	cr_assert(match(&f, &tcp4) && !match(&f, &udp6));
	f.ifindex = 9;
	cr_assert(!match(&f, &tcp4) && !match(&f, &udp6));
}

Test(filter, application_policy_service_set)
{
	struct sfw_filter f = { .mask = SFW_FLT_APP, .app = "junos-https" };

	cr_assert(match(&f, &tcp4) && !match(&f, &udp6));
	f.app = "dns";
	cr_assert(!match(&f, &tcp4) && match(&f, &udp6));
	f = (struct sfw_filter){ .mask = SFW_FLT_POLICY,
				 .policy = "default-policy-logical-system-00" };
	cr_assert(match(&f, &tcp4) && !match(&f, &udp6));
	f.policy = "7";
	cr_assert(!match(&f, &tcp4) && match(&f, &udp6));
	f.policy = "policy-7";
	cr_assert(match(&f, &udp6));
	f = (struct sfw_filter){ .mask = SFW_FLT_SERVICE_SET, .service_set = "default" };
	cr_assert(match(&f, &tcp4));
	f.service_set = "other";
	cr_assert(!match(&f, &tcp4));
}

/* policy-id is the index sessions print: Junos's for the built-ins
 * (default policy 2, self traffic 1), not sfw's id for them. */
Test(filter, policy_id)
{
	struct sfw_filter f = { .mask = SFW_FLT_POLICY_ID, .policy_id = 7 };

	cr_assert(!match(&f, &tcp4) && match(&f, &udp6));
	f.policy_id = 2;
	cr_assert(match(&f, &tcp4) && !match(&f, &udp6));
	f.policy_id = SFW_POLICY_ID_DEFAULT_PERMIT;
	cr_assert(!match(&f, &tcp4) && !match(&f, &udp6));
}

/* Host-bound sessions (host-inbound-traffic) and those the host opens
 * are Junos's self-traffic-policy, index 1, by name and by number. */
Test(filter, self_traffic_policy)
{
	struct uf_spec in = tcp4, out = tcp4;
	struct sfw_filter f = { .mask = SFW_FLT_POLICY, .policy = "self-traffic-policy" };

	in.policy_id = SFW_POLICY_ID_HOST_INBOUND;
	out.policy_id = SFW_POLICY_ID_SELF_TRAFFIC;
	cr_assert(match(&f, &in) && match(&f, &out) && !match(&f, &tcp4));
	f.policy = "1";
	cr_assert(match(&f, &in) && match(&f, &out) && !match(&f, &tcp4));
	f = (struct sfw_filter){ .mask = SFW_FLT_POLICY_ID, .policy_id = 1 };
	cr_assert(match(&f, &in) && match(&f, &out) && !match(&f, &tcp4));
}

/* sfw tags no session: conn-tag 0 is every session, any other none. */
Test(filter, conn_tag_is_zero)
{
	struct sfw_filter f = { .mask = SFW_FLT_CONN_TAG, .conn_tag = 0 };

	cr_assert(match(&f, &tcp4) && match(&f, &udp6));
	f.conn_tag = 1;
	cr_assert(!match(&f, &tcp4) && !match(&f, &udp6));
}

/* `nat`: translated sessions only (SFW_SESS_F_NAT). */
Test(filter, nat_matches_translated_sessions_only)
{
	struct sfw_filter f = { .mask = SFW_FLT_NAT, .nat = true };
	struct sfw_session_key k;
	struct sfw_session v;
	struct sfw_view view;

	cr_assert(!match(&f, &tcp4) && !match(&f, &udp6));
	uf_build(&tcp4, &k, &v);
	v.flags |= SFW_SESS_F_NAT;
	sfw_view_build(&view, &k, &v, UF_NOW_NS);
	cr_assert(sfw_filter_match(&f, &view));
}

/* A 63-character policy name matches whole, and only whole. */
Test(filter, policy_name_of_63_characters, .fini = uf_names_free)
{
	char cut[sizeof(UF_LONG_POLICY)];
	struct sfw_filter f = { .mask = SFW_FLT_POLICY, .policy = UF_LONG_POLICY };

	cr_assert_eq(uf_name(SFW_NAME_POLICY, 7, UF_LONG_POLICY), 0);
	cr_assert(match(&f, &udp6) && !match(&f, &tcp4));
	memcpy(cut, UF_LONG_POLICY, sizeof(cut));
	cut[sizeof(cut) - 2] = '\0';   /* one character short */
	f.policy = cut;
	cr_assert(!match(&f, &udp6));
}

Test(filter, all_given_filters_must_match)
{
	struct sfw_filter f = {
		.mask = SFW_FLT_PROTO | SFW_FLT_DST_PORT | SFW_FLT_SRC_PREFIX,
		.proto = SFW_IPPROTO_TCP, .dport = 443, .src = pfx("192.0.2.0/24"),
	};

	cr_assert(match(&f, &tcp4));
	f.dport = 80;
	cr_assert(!match(&f, &tcp4));
}
