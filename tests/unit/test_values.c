/* Value parsing: the edges of every type. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "apps.h"
#include "protocols.h"
#include "values.h"

static struct sfw_value v;

static bool parses(enum sfw_arg_type t, const char *word)
{
	return sfw_parse_value(t, NULL, word, &v) == 0;
}

Test(values, ports)
{
	cr_assert(parses(SFW_ARG_PORT, "0"));
	cr_assert(parses(SFW_ARG_PORT, "65535"));
	cr_assert_eq(v.num, 65535);
	cr_assert_not(parses(SFW_ARG_PORT, "65536"));
	cr_assert_not(parses(SFW_ARG_PORT, "70000"));
	cr_assert_not(parses(SFW_ARG_PORT, ""));
	cr_assert_not(parses(SFW_ARG_PORT, "+1"));
	cr_assert_not(parses(SFW_ARG_PORT, "0x10"));
	cr_assert_not(parses(SFW_ARG_PORT, "22 "));
	cr_assert_not(parses(SFW_ARG_PORT, "99999999999999999999999"));
}

Test(values, protocols)
{
	cr_assert(parses(SFW_ARG_PROTO, "tcp"));
	cr_assert_eq(v.num, 6);
	cr_assert(parses(SFW_ARG_PROTO, "icmp6"));
	cr_assert_eq(v.num, 58);
	cr_assert(parses(SFW_ARG_PROTO, "0"));
	cr_assert(parses(SFW_ARG_PROTO, "255"));
	cr_assert_not(parses(SFW_ARG_PROTO, "256"));
	cr_assert_not(parses(SFW_ARG_PROTO, "TCP"));
	cr_assert_not(parses(SFW_ARG_PROTO, "tc"));
	cr_assert_str_eq(sfw_proto_name(132), "sctp");
	cr_assert_null(sfw_proto_name(253));
}

Test(values, prefixes)
{
	cr_assert(parses(SFW_ARG_PREFIX, "198.51.100.0/24"));
	cr_assert_eq(v.pfx.family, SFW_FAMILY_INET);
	cr_assert_eq(v.pfx.len, 24);
	cr_assert(parses(SFW_ARG_PREFIX, "192.0.2.1"));
	cr_assert_eq(v.pfx.len, 32);
	cr_assert(parses(SFW_ARG_PREFIX, "0.0.0.0/0"));
	cr_assert(parses(SFW_ARG_PREFIX, "2001:db8::/32"));
	cr_assert_eq(v.pfx.family, SFW_FAMILY_INET6);
	cr_assert(parses(SFW_ARG_PREFIX, "::1"));
	cr_assert_eq(v.pfx.len, 128);
	cr_assert_not(parses(SFW_ARG_PREFIX, "300.1.1.1/33"));
	cr_assert_not(parses(SFW_ARG_PREFIX, "1.1.1.1/33"));
	cr_assert_not(parses(SFW_ARG_PREFIX, "1.1.1.1/"));
	cr_assert_not(parses(SFW_ARG_PREFIX, "/8"));
	cr_assert_not(parses(SFW_ARG_PREFIX, "2001:db8::/129"));
	cr_assert_not(parses(SFW_ARG_PREFIX, "host"));
}

Test(values, prefix_match)
{
	union sfw_addr a = { 0 };

	cr_assert(parses(SFW_ARG_PREFIX, "198.51.100.128/25"));
	a.bytes[0] = 198, a.bytes[1] = 51, a.bytes[2] = 100, a.bytes[3] = 200;
	cr_assert(sfw_prefix_match(&v.pfx, SFW_FAMILY_INET, &a));
	a.bytes[3] = 100;
	cr_assert_not(sfw_prefix_match(&v.pfx, SFW_FAMILY_INET, &a));
	cr_assert_not(sfw_prefix_match(&v.pfx, SFW_FAMILY_INET6, &a));
	cr_assert(parses(SFW_ARG_PREFIX, "0.0.0.0/0"));
	cr_assert(sfw_prefix_match(&v.pfx, SFW_FAMILY_INET, &a));
}

Test(values, session_identifiers)
{
	cr_assert(parses(SFW_ARG_ID, "1"));
	cr_assert(parses(SFW_ARG_ID, "4294967296"));
	cr_assert(parses(SFW_ARG_ID, "18446744073709551615"));
	cr_assert_not(parses(SFW_ARG_ID, "0"));
	cr_assert_not(parses(SFW_ARG_ID, "18446744073709551616"));
}

Test(values, choices_and_applications)
{
	static const char *const c[] = { "permit-all", "deny-all", NULL };

	cr_assert_eq(sfw_match_choice(c, "d"), 1);
	cr_assert_eq(sfw_match_choice(c, "permit-all"), 0);
	cr_assert_eq(sfw_match_choice(c, "x"), -1);
	cr_assert(parses(SFW_ARG_APP, "junos-https"));
	cr_assert(parses(SFW_ARG_APP, "https"));
	cr_assert(parses(SFW_ARG_APP, "dns"));
	cr_assert_not(parses(SFW_ARG_APP, "junos-"));
	cr_assert_not(parses(SFW_ARG_APP, "htt"));
	cr_assert_str_eq(sfw_app_classify(0, SFW_IPPROTO_TCP, 443)->name, "junos-https");
	cr_assert_str_eq(sfw_app_classify(0, SFW_IPPROTO_ICMP, 4711)->name, "junos-icmp-ping");
	cr_assert_null(sfw_app_classify(0, SFW_IPPROTO_UDP, 443));
	cr_assert_str_eq(sfw_app_classify(6, SFW_IPPROTO_UDP, 1)->name, "junos-http");
}

/* The whole predefined list names sessions by id and filters them; the
 * catch-alls and the list's later entries never claim a session by port. */
Test(values, every_predefined_application_filters_and_names)
{
	const struct sfw_app *a;
	int id = -1;

	cr_assert(parses(SFW_ARG_APP, "junos-netbios-session"));
	cr_assert(parses(SFW_ARG_APP, "junos-tcp-any"));
	cr_assert(parses(SFW_ARG_APP, "pingv6"));
	for (int i = 0; i < sfw_app_count(); i++)
		if (!strcmp(sfw_app_at(i)->name, "junos-netbios-session"))
			id = sfw_app_at(i)->id;
	cr_assert_gt(id, 0);
	a = sfw_app_classify((__u16)id, SFW_IPPROTO_TCP, 139);
	cr_assert(a && !strcmp(a->name, "junos-netbios-session"));
	cr_assert_null(sfw_app_classify(0, SFW_IPPROTO_TCP, 139));
	cr_assert_null(sfw_app_classify(0, SFW_IPPROTO_TCP, 4711), "junos-tcp-any claims no session");
}

/* sfw_ip6_ntop writes what inet_ntop writes, for every pattern of zero
 * groups (the compression's cases), with IPv4-mapped and -compatible
 * tails, and random groups besides. */
Test(values, ip6_ntop_as_inet_ntop)
{
	const __u16 fill[] = { 1, 0xffff, 0x10, 0xabc, 0x2001 };
	char want[INET6_ADDRSTRLEN], got[INET6_ADDRSTRLEN];
	unsigned seed = 15;
	__u8 a[16];

	for (int mask = 0; mask < 256; mask++) {
		for (int f = 0; f < 5 * 2; f++) {
			for (int i = 0; i < 8; i++) {
				__u16 w = mask >> i & 1 ? 0 :
					  f < 5 ? fill[(f + i) % 5] : (__u16)(rand_r(&seed) | 1);

				a[2 * i] = (__u8)(w >> 8);
				a[2 * i + 1] = (__u8)w;
			}
			cr_assert_not_null(inet_ntop(AF_INET6, a, want, sizeof(want)));
			cr_assert_eq(sfw_ip6_ntop(a, got), got + strlen(got));
			cr_assert_str_eq(got, want, "zero groups %#x", mask);
		}
	}
}
