/* ICMPv6 neighbour discovery and MLD pass untracked only when they are
 * what they claim: RFC 4861's checks for ND (hop limit 255, code 0,
 * length, sources and destinations), hop limit 1 and a link-local source
 * for MLD (RFC 2710, RFC 3810). Any other message of these types is
 * ordinary ICMPv6, under the policy like any (docs/security.md, "ICMPv6
 * neighbour discovery and MLD"). Every case runs under deny-all, where
 * the difference shows: plumbing passes untracked, the rest is refused.
 * ND between global addresses that the host would forward: test_forward.c. */
#include "suite.h"

static void nd_setup(void)
{
	suite_setup();
	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
}

TestSuite(nd, .init = nd_setup, .fini = suite_teardown);

#define LL_HOST "fe80::10"
#define LL_ROUTER "fe80::1"
#define SOLICITED "ff02::1:ff00:20"   /* solicited-node group of ...:20 */
#define ALL_NODES "ff02::1"
#define ALL_ROUTERS "ff02::2"
#define MLDV2_ROUTERS "ff02::16"

/* An ND or MLD message: `body` bytes after the 8-byte ICMPv6 header. */
static struct pb_spec msg(__u8 type, const char *src, const char *dst, __u8 hops, __u16 body)
{
	return (struct pb_spec){ .src = src, .dst = dst, .proto = SFW_IPPROTO_ICMP6,
				 .icmp_type = type, .ttl = hops, .payload = body };
}

struct link_case {
	const char *what;
	struct pb_spec s;
	__u8 code;
	__u16 flags;          /* the first 16 bits after the checksum (NA: R, S, O) */
	bool multicast_target;
	bool plumbing;        /* passes untracked; else refused by deny-all */
};

/* One case: what it is, the message, then any of code, flags,
 * multicast_target and plumbing by name. */
#define CASE(w, spec, ...) { .what = (w), .s = spec, __VA_ARGS__ }

static void check(const struct link_case *c)
{
	__u64 untracked = fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS);
	__u64 denied = fx_counter(SFW_CNT_ERR_POLICY_DENIED);
	struct pb_spec s = c->s;
	struct pb_pkt p;

	s.icmp_code = c->code;
	s.icmp_id = c->flags;
	cr_assert_eq(pb_build(&s, &p), 0, "%s", c->what);
	if (c->multicast_target)
		p.data[p.l4_off + 8] = 0xff;
	if (c->plumbing) {
		cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_PASS, "%s", c->what);
		cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), untracked + 1, "%s", c->what);
	} else {
		cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP, "%s", c->what);
		cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), denied + 1, "%s", c->what);
	}
	cr_assert_eq(fx_session_count(), 0, "%s", c->what);
}

Test(nd, neighbour_discovery_as_rfc4861_describes_it)
{
	const struct link_case cases[] = {
		CASE("NS, hop limit 255", msg(135, CLI6, SOLICITED, 255, 16), .plumbing = true),
		CASE("NS, hop limit 64: forwarded by a router or forged",
		     msg(135, CLI6, SOLICITED, 64, 16)),
		CASE("NS, hop limit 254", msg(135, CLI6, SOLICITED, 254, 16)),
		CASE("NS, code 1", msg(135, CLI6, SOLICITED, 255, 16), .code = 1),
		CASE("NS, 16 bytes: shorter than the target it must carry",
		     msg(135, CLI6, SOLICITED, 255, 8)),
		CASE("NS for a multicast target", msg(135, CLI6, SOLICITED, 255, 16),
		     .multicast_target = true),
		CASE("NS from :: (duplicate address detection) to the solicited-node group",
		     msg(135, "::", SOLICITED, 255, 16), .plumbing = true),
		CASE("NS from :: to all nodes", msg(135, "::", ALL_NODES, 255, 16)),
		CASE("NS to a group beyond the link", msg(135, CLI6, "ff0e::1:ff00:20", 255, 16)),
		CASE("NS to a link-local address", msg(135, CLI6, LL_ROUTER, 255, 16),
		     .plumbing = true),
		CASE("NA, unsolicited, to all nodes", msg(136, LL_HOST, ALL_NODES, 255, 16),
		     .flags = 0x2000, .plumbing = true),
		CASE("NA, solicited, to a link-local address", msg(136, LL_HOST, LL_ROUTER, 255, 16),
		     .flags = 0x6000, .plumbing = true),
		CASE("NA, solicited, to a group", msg(136, LL_HOST, ALL_NODES, 255, 16),
		     .flags = 0x4000),
		CASE("RS from ::", msg(133, "::", ALL_ROUTERS, 255, 0), .plumbing = true),
		CASE("RS, hop limit 64", msg(133, LL_HOST, ALL_ROUTERS, 64, 0)),
		CASE("RA from a link-local router", msg(134, LL_ROUTER, ALL_NODES, 255, 8),
		     .plumbing = true),
		CASE("RA from a global address", msg(134, SRV6, ALL_NODES, 255, 8)),
		CASE("RA, 12 bytes", msg(134, LL_ROUTER, ALL_NODES, 255, 4)),
		CASE("redirect from a link-local router", msg(137, LL_ROUTER, LL_HOST, 255, 32),
		     .plumbing = true),
		CASE("redirect from a global address", msg(137, SRV6, LL_HOST, 255, 32)),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(&cases[i]);
}

Test(nd, mld_as_rfc2710_and_rfc3810_describe_it)
{
	const struct link_case cases[] = {
		CASE("MLDv2 report, link-local source, hop limit 1",
		     msg(143, LL_HOST, MLDV2_ROUTERS, 1, 20), .plumbing = true),
		CASE("MLDv2 report from :: (RFC 3810 5.2.13)", msg(143, "::", MLDV2_ROUTERS, 1, 20),
		     .plumbing = true),
		CASE("MLDv2 report from a global source", msg(143, CLI6, MLDV2_ROUTERS, 1, 20)),
		CASE("MLDv2 report, hop limit 2", msg(143, LL_HOST, MLDV2_ROUTERS, 2, 20)),
		CASE("MLDv2 report, off-link, to a unicast address", msg(143, CLI6, SRV6, 64, 20)),
		CASE("MLDv1 report", msg(131, LL_HOST, "ff02::1:3", 1, 16), .plumbing = true),
		CASE("MLDv1 report from :: (routers discard it, RFC 3590)",
		     msg(131, "::", "ff02::1:3", 1, 16)),
		CASE("MLD done", msg(132, LL_HOST, ALL_ROUTERS, 1, 16), .plumbing = true),
		CASE("MLD query from a link-local router", msg(130, LL_ROUTER, ALL_NODES, 1, 16),
		     .plumbing = true),
		CASE("MLD query from ::", msg(130, "::", ALL_NODES, 1, 16)),
		CASE("MLD query, hop limit 255", msg(130, LL_ROUTER, ALL_NODES, 255, 16)),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(&cases[i]);
}

/* Not plumbing is ordinary ICMPv6: a permitting policy lets it open a
 * session, as any ICMPv6 message. */
Test(nd, forged_nd_under_permit_is_ordinary_icmpv6)
{
	struct pb_spec ns = msg(135, CLI6, SRV6, 64, 16);

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&ns), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), 0);
}

/* What the host sends itself: its neighbour discovery (global addresses
 * too: tc sees it with its hop limit of 255, so the stack did not forward
 * it) passes untracked; a message that is not plumbing is self traffic. */
Test(nd, host_sent_at_tc)
{
	struct pb_spec na = msg(136, SRV6, CLI6, 255, 16);
	struct pb_spec mld = msg(143, LL_HOST, MLDV2_ROUTERS, 1, 20);
	struct pb_spec forged = msg(136, SRV6, CLI6, 64, 16);
	struct fx_tc_opts fwd = { .ingress_ifindex = 7 };   /* an interface sfw does not watch */

	cr_assert_eq(fx_tc(&na, NULL), FX_TC_OK);
	cr_assert_eq(fx_tc(&mld, NULL), FX_TC_OK);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), 2);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(fx_tc(&forged, NULL), FX_TC_OK, "self traffic");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_assert_eq(fx_session_count(), 1);
	na.dst = "2001:db8::11";   /* not the flow the forged one opened */
	cr_assert_eq(fx_tc(&na, &fwd), FX_TC_SHOT, "forwarded from elsewhere: under policy");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 1);
}
