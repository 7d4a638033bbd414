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

/* The walk's answer, as RFC 791 (and ip_options_compile) reads a list:
 * 0 none, else the counter the packet is dropped under. */
static __u32 model_ipv4_options(const __u8 *o, __u32 len)
{
	for (__u32 at = 0; at < len;) {
		if (o[at] == SFW_IPOPT_END)
			return 0;
		if (o[at] == SFW_IPOPT_NOOP) {
			at++;
			continue;
		}
		if (at + 2 > len || o[at + 1] < 2 || at + o[at + 1] > len)
			return SFW_CNT_SFW_ERR_MALFORMED;
		if (o[at] == SFW_IPOPT_LSRR || o[at] == SFW_IPOPT_SSRR)
			return SFW_CNT_SFW_ERR_SRC_ROUTE;
		at += o[at + 1];
	}
	return 0;
}

static __u32 sweep_rng = 0x2545f491;

static __u32 sweep_rnd(void)
{
	sweep_rng ^= sweep_rng << 13;
	sweep_rng ^= sweep_rng >> 17;
	sweep_rng ^= sweep_rng << 5;
	return sweep_rng;
}

/* An option list of 4 to 40 bytes: options of the usual kinds, now and
 * then a length that is wrong (0, 1, past the list), or bytes at random. */
static void sweep_options(__u8 *o, __u32 len)
{
	static const __u8 types[] = { 0, 1, 1, 7, 68, 148, 130, 131, 137, 25 };

	if (sweep_rnd() % 8 == 0) {
		for (__u32 k = 0; k < len; k++)
			o[k] = sweep_rnd() % 2 ? types[sweep_rnd() % sizeof(types)] : sweep_rnd();
		return;
	}
	for (__u32 at = 0; at < len;) {
		__u8 t = types[sweep_rnd() % sizeof(types)];
		__u32 room = len - at, l;

		if (t <= SFW_IPOPT_NOOP || room < 2) {
			o[at++] = t;
			continue;
		}
		l = sweep_rnd() % 16 ? 2 + sweep_rnd() % (room - 1) : sweep_rnd() % (room + 3);
		o[at] = t;
		o[at + 1] = l;
		for (__u32 k = 2; k < l && at + k < len; k++)
			o[at + k] = sweep_rnd();
		at += l < 2 ? 2 : l;
	}
}

/* Whatever the list, both hooks answer as the walk above: a source route
 * or a list that does not parse drops the packet under its counter, in a
 * whole packet, a first or a later fragment, behind VLAN tags, and with
 * a TCP, UDP, ICMP or GRE header that parses or not (the walk comes after
 * the rest of the parse, sfw_parse_options, and its answer first); any
 * other list never counts a source route, and an unfragmented UDP packet
 * with a good header passes under permit-all. */
Test(src_route, ipv4_option_lists_answered_as_rfc791_walks_them)
{
	static const __u8 protos[] = { SFW_IPPROTO_UDP, SFW_IPPROTO_TCP, SFW_IPPROTO_ICMP, 47 };
	int seen[3] = { 0 };

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	for (int i = 0; i < 4000; i++) {
		struct pb_spec s = { .src = CLI4, .dst = SRV4, .sport = 40000 + i % 64,
				     .dport = 53, .payload = sweep_rnd() % 24,
				     .proto = protos[sweep_rnd() % 4], .nvlan = sweep_rnd() % 3,
				     .ip_opts = 4 * (1 + sweep_rnd() % 10), .icmp_type = 8 };
		__u64 mal = fx_counter(SFW_CNT_SFW_ERR_MALFORMED);
		__u64 src = fx_counter(SFW_CNT_SFW_ERR_SRC_ROUTE);
		bool bad_l4 = sweep_rnd() % 4 == 0, whole = true;
		__u32 want, frag = sweep_rnd() % 4;
		struct pb_pkt p;
		int x, t;

		if (frag == 0) {
			s.more_frags = true;
			whole = false;
		} else if (frag == 1) {
			s.frag_off = 8 * (1 + sweep_rnd() % 100);
			s.more_frags = sweep_rnd() & 1;
			s.ip_id = i;
			whole = false;
		}
		cr_assert_eq(pb_build(&s, &p), 0);
		sweep_options(p.data + p.l3_off + 20, s.ip_opts);
		if (p.l3_len < 20u + s.ip_opts + 2)
			bad_l4 = false;   /* a later fragment of no bytes: nothing to cut */
		if (bad_l4) {   /* an IP length that ends inside the L4 header */
			__u32 tot = 20 + s.ip_opts + 2;

			p.data[p.l3_off + 2] = tot >> 8;
			p.data[p.l3_off + 3] = tot;
		}
		want = model_ipv4_options(p.data + p.l3_off + 20, s.ip_opts);
		x = fx_xdp_frame(p.data, p.len);
		t = fx_tc_frame(p.data, p.len, NULL);
		if (want) {
			cr_assert_eq(x, FX_XDP_DROP, "packet %d: XDP passed", i);
			cr_assert_eq(t, FX_TC_SHOT, "packet %d: tc passed", i);
			cr_assert_eq(fx_counter(want), (want == SFW_CNT_SFW_ERR_MALFORMED ? mal : src) + 2,
				     "packet %d: not counted under %u at both hooks", i, want);
		} else {
			cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_SRC_ROUTE), src,
				     "packet %d: counted as source routed", i);
			if (whole && !bad_l4 && s.proto == SFW_IPPROTO_UDP)
				cr_assert_eq(x, FX_XDP_PASS, "packet %d: dropped at XDP", i);
		}
		seen[want == SFW_CNT_SFW_ERR_SRC_ROUTE ? 2 : want ? 1 : 0]++;
	}
	/* the sweep reached all three answers, often */
	cr_assert(seen[0] > 500 && seen[1] > 500 && seen[2] > 500, "%d %d %d", seen[0], seen[1],
		  seen[2]);
}
