/* Source-routed packets are dropped at both hooks as Source-routed packets
 * (docs/security.md "Source routing"): an IPv4 LSRR or SSRR option, or an
 * IPv6 routing header with segments left, names hops the packet is still
 * to visit, so the address sfw judges it by is not where it ends up. Under
 * permit-all too: no session may open on an address the packet only
 * passes through. Other options, and a routing header with nothing left
 * to do, are packets like any other. */
#include "suite.h"

TestSuite(src_route, .init = suite_setup, .fini = suite_teardown);

static struct pb_spec udp4(void)
{
	return (struct pb_spec){ .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				 .sport = 40100, .dport = 53, .payload = 14 };
}

static struct pb_spec udp6(void)
{
	return (struct pb_spec){ .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
				 .sport = 40101, .dport = 53, .payload = 14, .n_ext = 1,
				 .ext = { SFW_IPPROTO_ROUTING }, .ext_len8 = { 2 } };
}

/* Dropped at XDP (received) and at tc (sent by the host), no session. */
static void expect_dropped(const struct pb_spec *s, const char *what)
{
	struct pb_pkt p;

	cr_assert_eq(pb_build(s, &p), 0, "%s: cannot build", what);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP, "XDP passed %s", what);
	cr_assert_eq(fx_tc_frame(p.data, p.len, NULL), FX_TC_SHOT, "tc passed %s", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_SRC_ROUTE), 2, "%s not counted", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 0, "%s counted malformed", what);
	cr_assert_eq(fx_session_count(), 0, "%s opened a session", what);
}

Test(src_route, ipv4_loose_source_route_dropped)
{
	struct pb_spec s = udp4();

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	s.ip_opts = 8;
	s.ip_opt_first = SFW_IPOPT_LSRR;
	expect_dropped(&s, "an LSRR option");
}

Test(src_route, ipv4_strict_source_route_dropped)
{
	struct pb_spec s = udp4();

	s.ip_opts = 8;
	s.ip_opt_first = SFW_IPOPT_SSRR;
	expect_dropped(&s, "an SSRR option");
}

/* Behind other options: a Router Alert, then the route. */
Test(src_route, ipv4_source_route_after_other_options_dropped)
{
	struct pb_spec s = udp4();
	struct pb_pkt p;

	s.ip_opts = 12;
	cr_assert_eq(pb_build(&s, &p), 0);
	memcpy(p.data + p.l3_off + 24, (__u8[]){ SFW_IPOPT_LSRR, 7, 4, 192, 0, 2, 1, 1 }, 8);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_SRC_ROUTE), 1);
}

/* The route is the answer whatever follows it: a source-routed packet
 * whose UDP header does not fit its IP length is counted as source
 * routed, not as malformed, at both hooks (the options are walked after
 * the rest of the parse, sfw_parse_options, and their answer comes
 * first, as when they were walked first). */
Test(src_route, ipv4_source_route_wins_over_a_bad_l4_header)
{
	struct pb_spec s = udp4();
	struct pb_pkt p;

	s.ip_opts = 8;
	s.ip_opt_first = SFW_IPOPT_LSRR;
	cr_assert_eq(pb_build(&s, &p), 0);
	/* IP length: the header and options, and half a UDP header */
	p.data[p.l3_off + 2] = 0;
	p.data[p.l3_off + 3] = 20 + 8 + 4;
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP);
	cr_assert_eq(fx_tc_frame(p.data, p.len, NULL), FX_TC_SHOT);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_SRC_ROUTE), 2, "not counted as source routed");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 0, "counted as malformed");
}

/* Options that route nothing are packets like any other. */
Test(src_route, ipv4_other_options_pass)
{
	struct pb_spec s = udp4();
	struct pb_pkt p;

	s.ip_opts = 40;
	cr_assert_eq(pb_build(&s, &p), 0);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_PASS);
	/* Record Route (7) is no source route */
	memcpy(p.data + p.l3_off + 24, (__u8[]){ 7, 7, 4, 0, 0, 0, 0 }, 7);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_PASS);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 2);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_SRC_ROUTE), 0);
}

/* An option list that does not parse could hide a route from sfw that a
 * receiver finds: malformed (Linux drops these too). */
Test(src_route, ipv4_options_that_do_not_parse_malformed)
{
	static const __u8 bad[][2] = {
		{ 7, 0 },     /* length below 2 */
		{ 7, 1 },
		{ 7, 12 },    /* past the 8 bytes of options */
	};
	struct pb_spec s = udp4();
	struct pb_pkt p;

	s.ip_opts = 8;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(pb_build(&s, &p), 0);
		memcpy(p.data + p.l3_off + 20, bad[i], 2);
		cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP, "option %zu passed", i);
	}
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 3);
}

/* A later fragment carries the route too (LSRR is copied into every
 * fragment, RFC 791): it is dropped as one, whatever its datagram. */
Test(src_route, ipv4_later_fragment_with_source_route_dropped)
{
	struct pb_spec s = udp4();

	s.ip_opts = 8;
	s.ip_opt_first = SFW_IPOPT_LSRR;
	s.frag_off = 1480;
	s.ip_id = 7;
	expect_dropped(&s, "a later fragment with an LSRR option");
}

/* The red team's SRH: segments left 1, through the firewall on to the
 * server. */
Test(src_route, ipv6_routing_header_with_segments_left_dropped)
{
	struct pb_spec s = udp6();

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	s.segments_left = 1;
	expect_dropped(&s, "a routing header with a segment left");
}

/* Behind a Hop-by-Hop header, and before a Fragment header (where every
 * fragment carries it, later ones too). */
Test(src_route, ipv6_routing_header_deeper_in_the_chain_dropped)
{
	struct pb_spec s = udp6();

	s.n_ext = 3;
	s.ext[0] = SFW_IPPROTO_HOPOPTS;
	s.ext[1] = SFW_IPPROTO_ROUTING;
	s.ext[2] = SFW_IPPROTO_FRAGMENT;
	s.ext_len8[1] = 2;
	s.segments_left = 2;
	s.frag_off = 1448;
	expect_dropped(&s, "a later fragment behind a routing header with segments left");
}

/* Segments left 0: the routing is done, the destination is the last hop. */
Test(src_route, ipv6_routing_header_with_nothing_left_passes)
{
	struct pb_spec s = udp6();
	struct pb_pkt p;

	cr_assert_eq(pb_build(&s, &p), 0);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_PASS);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_SRC_ROUTE), 0);
	cr_assert_eq(fx_session_count(), 1);
}
