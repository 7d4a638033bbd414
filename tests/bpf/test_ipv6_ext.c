/* Red team rv23: the IPv6 extension header walk (bpf/parse.bpf.h
 * sfw_parse_ipv6) and the VLAN walk, through BPF_PROG_TEST_RUN only.
 * Findings first (R1-R3, each fixed in bpf/parse.bpf.h on this branch; R4,
 * fail-closed, in bpf/icmp_related.bpf.h),
 * then regression tests for what held. */
#include <bpf/bpf.h>
#include "suite.h"

TestSuite(ipv6_ext, .init = suite_setup, .fini = suite_teardown);

#define HOST_SENT NULL
#define DGRAM_ID 0x5eed0001

static void put16(struct pb_pkt *p, __u32 at, __u16 v)
{
	p->data[at] = v >> 8;
	p->data[at + 1] = v & 0xff;
}

/* The first fragment of a UDP datagram to port 53, 8 payload bytes. */
static struct pb_spec first6(void)
{
	return (struct pb_spec){ .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
				 .sport = 40000, .dport = 53, .payload = 8, .n_ext = 1,
				 .ext = { SFW_IPPROTO_FRAGMENT }, .more_frags = true,
				 .frag_id = DGRAM_ID };
}

/* A later fragment of that datagram at offset 16, 16 bytes. */
static struct pb_spec later6(void)
{
	return (struct pb_spec){ .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
				 .n_ext = 1, .ext = { SFW_IPPROTO_FRAGMENT },
				 .frag_id = DGRAM_ID, .frag_off = 16, .payload = 16 - 8 };
}

static struct pb_pkt build(const struct pb_spec *s)
{
	struct pb_pkt p;

	cr_assert_eq(pb_build(s, &p), 0);
	return p;
}

/* ---- R1: a Fragment header past the IPv6 payload length ------------------
 * sfw_parse_ipv6 read each extension header against the frame's end, not
 * the packet's (40 + payload length): bytes after it are link padding,
 * which the receiver trims (ipv6_rcv, pskb_trim_rcsum) before it walks
 * anything. Only the L4 header's offset was checked against the payload
 * length, after the walk; a later fragment returned from inside the walk,
 * unchecked. So a packet whose payload length is 0 (or ends inside the
 * Fragment header) with a Fragment header in its padding passed as a
 * later fragment of a permitted datagram, counted on its session and as
 * permitted, where the receiver throws it away as malformed. Fixed: every
 * extension header must fit the payload length (SFW_PKT_MALFORMED). */
static void later_past_payload(__u16 payload_len)
{
	struct pb_spec f = first6(), l = later6();
	struct pb_pkt fp = build(&f), lp = build(&l);
	struct sfw_session sess;

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	put16(&lp, lp.l3_off + 4, payload_len);
	cr_assert_eq(fx_xdp_frame(fp.data, fp.len), FX_XDP_PASS, "the first fragment");
	cr_assert_eq(fx_xdp_frame(lp.data, lp.len), FX_XDP_DROP,
		     "a Fragment header past the payload length (%u) passed", payload_len);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 1);
	GET_SESSION(&f, &sess);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, 1, "counted on the session");
}

Test(ipv6_ext, r1_later_fragment_header_in_the_padding_dropped) { later_past_payload(0); }
Test(ipv6_ext, r1_later_fragment_header_across_the_payload_end_dropped) { later_past_payload(4); }

/* The same at tc egress, the host's own datagram. */
Test(ipv6_ext, r1_later_fragment_header_in_the_padding_dropped_at_tc)
{
	struct pb_spec f = first6(), l = later6();
	struct pb_pkt fp = build(&f), lp = build(&l);

	put16(&lp, lp.l3_off + 4, 0);
	cr_assert_eq(fx_tc_frame(fp.data, fp.len, HOST_SENT), FX_TC_OK, "the first fragment");
	cr_assert_eq(fx_tc_frame(lp.data, lp.len, HOST_SENT), FX_TC_SHOT,
		     "a Fragment header past the payload length passed");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 1);
}

/* And a routing header in the padding is no header of the packet either:
 * malformed, not a source route (the counter names what was wrong). */
Test(ipv6_ext, r1_routing_header_in_the_padding_malformed)
{
	struct pb_spec s = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			     .sport = 40000, .dport = 53, .n_ext = 1,
			     .ext = { SFW_IPPROTO_ROUTING }, .ext_len8 = { 2 },
			     .segments_left = 1 };
	struct pb_pkt p = build(&s);

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	put16(&p, p.l3_off + 4, 0);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP);
	cr_assert_eq(fx_tc_frame(p.data, p.len, NULL), FX_TC_SHOT);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 2);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_SRC_ROUTE), 0);
}

/* ---- R2: a Fragment header inside a fragment -----------------------------
 * Fragment(id A, offset 0, M) | Fragment(id B, offset 16) | data: the walk
 * let the second header overwrite the first's datagram and took the
 * packet for a later fragment of B, following B's session. The receiver
 * takes it for the FIRST fragment of A (RFC 8200 4.5: it reassembles the
 * outer datagram first): a first fragment sfw passed without judging its
 * fragmentable part. The same with the inner header at offset 0: sfw
 * remembered B, where the receiver reassembles A. No sender nests
 * fragmentation (RFC 8200 4.1: a Fragment header occurs once); an atomic
 * fragment (offset 0, M clear) is no datagram and may sit beside one.
 * Fixed: a second Fragment header naming a datagram is malformed. */
static struct pb_pkt nested(__u16 inner_off, bool inner_more)
{
	struct pb_spec s = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			     .sport = 40000, .dport = 53, .payload = 8, .n_ext = 2,
			     .ext = { SFW_IPPROTO_FRAGMENT, SFW_IPPROTO_FRAGMENT },
			     .more_frags = true, .frag_id = DGRAM_ID };
	struct pb_pkt p = build(&s);
	__u32 inner = p.l3_off + 40 + 8;

	/* the builder writes both headers alike: the outer one becomes
	 * datagram A at offset 0 with M set, the inner one datagram B */
	put16(&p, p.l3_off + 40 + 2, 1);                    /* outer: offset 0, M */
	put16(&p, inner + 2, inner_off | (inner_more ? 1 : 0));
	p.data[inner + 7] ^= 0xff;                         /* B != A */
	return p;
}

Test(ipv6_ext, r2_fragment_header_inside_a_first_fragment_dropped)
{
	struct pb_spec f = first6();
	struct pb_pkt fp, np = nested(16, true);

	/* B's datagram, permitted: id of the inner header */
	f.frag_id = DGRAM_ID ^ 0xff;
	fp = build(&f);
	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp_frame(fp.data, fp.len), FX_XDP_PASS);
	cr_assert_eq(fx_xdp_frame(np.data, np.len), FX_XDP_DROP,
		     "A's first fragment passed as a later fragment of B");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 1);
	cr_assert_eq(fx_tc_frame(np.data, np.len, HOST_SENT), FX_TC_SHOT);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 2);
}

Test(ipv6_ext, r2_two_first_fragment_headers_dropped)
{
	struct pb_pkt np = nested(0, true);

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp_frame(np.data, np.len), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 1);
	cr_assert_eq(fx_session_count(), 0);
}

/* An atomic fragment header behind a first fragment's: the datagram is
 * the outer one, its L4 header judged; still passes. */
Test(ipv6_ext, r2_atomic_header_inside_a_first_fragment_passes)
{
	struct pb_pkt np = nested(0, false);

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp_frame(np.data, np.len), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 1);
}

/* ---- R3: a first fragment the receiver must discard ----------------------
 * RFC 8200 4.5: a fragment with M set whose fragmentable part is not a
 * multiple of 8 bytes is discarded (with a Parameter Problem); Linux's
 * ip6_frag_queue does so before queueing it. sfw judged it a first
 * fragment and remembered its datagram: its session and datagram record
 * stood for a first fragment the receiver never took, so later fragments
 * followed it while the receiver still waited for an offset-0 fragment
 * sfw would meet as a first fragment again only if it parsed as one.
 * Fixed: malformed, no session, no record. (IPv4 receivers trim such a
 * fragment instead, ip_frag_queue: IPv4 is left alone.) */
Test(ipv6_ext, r3_first_fragment_not_a_multiple_of_8_dropped)
{
	struct pb_spec f = first6();
	struct pb_pkt fp;

	f.payload = 9;   /* 8 + 9: 17 bytes after the Fragment header */
	fp = build(&f);
	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp_frame(fp.data, fp.len), FX_XDP_DROP,
		     "a first fragment of 17 bytes passed");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 1);
	cr_assert_eq(fx_session_count(), 0, "it opened a session");
	cr_assert_eq(fx_tc_frame(fp.data, fp.len, HOST_SENT), FX_TC_SHOT);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 2);
}

/* The last fragment (M clear) may end anywhere; passes. */
Test(ipv6_ext, r3_last_fragment_of_any_length_follows)
{
	struct pb_spec f = first6(), l = later6();
	struct pb_pkt fp, lp;

	l.payload = 3;
	fp = build(&f);
	lp = build(&l);
	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp_frame(fp.data, fp.len), FX_XDP_PASS);
	cr_assert_eq(fx_xdp_frame(lp.data, lp.len), FX_XDP_PASS);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 2);
}

/* ---- R4 (fail-closed): errors quoting extension headers ---------------
 * sfw_parse_embedded (bpf/icmp_related.bpf.h) takes the quoted IPv6
 * header's next header for the protocol and reads ports right behind the
 * 40 bytes: it walks no extension header. An ICMPv6 error quoting a packet
 * of a live session that carried one (a Destination Options or Hop-by-Hop
 * header, the Fragment header of every fragment, a first fragment's
 * Packet Too Big or port unreachable) is keyed on protocol 60 or 44 and
 * ports 0, matches no session and is dropped as *No session*: path MTU
 * discovery fails for such flows. Not a way through: the error is dropped.
 * Fixed: sfw_quote_ext walks the quote's extension headers as
 * sfw_parse_ipv6 does (bounded, inside the quoted bytes), in a global
 * function of each hook. A quoted later fragment has no L4 header, a cut
 * or overlong chain no flow to name: dropped, as a quote too short. */
Test(ipv6_ext, r4_port_unreachable_quoting_destination_options_passes)
{
	struct pb_spec udp = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			       .sport = 40000, .dport = 53, .payload = 64, .n_ext = 1,
			       .ext = { SFW_IPPROTO_DSTOPTS } };
	struct pb_spec err = { .src = SRV6, .dst = CLI6, .proto = SFW_IPPROTO_ICMP6,
			       .icmp_type = SFW_ICMPV6_DEST_UNREACH, .icmp_code = 4,
			       .inner = &udp };

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	/* the host's own answer about the client's datagram, at tc */
	cr_assert_eq(fx_tc(&err, HOST_SENT), FX_TC_OK,
		     "port unreachable about a datagram with a Destination Options header");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 0);
}

#define RTR6 "2001:db8::1"

/* An ICMPv6 error from a router on the path (tc: the host's own, as a
 * router), to the quoted packet's sender. */
static struct pb_spec error6(const struct pb_spec *quoted, __u8 type, __u8 code)
{
	return (struct pb_spec){ .src = RTR6, .dst = quoted->src, .proto = SFW_IPPROTO_ICMP6,
				 .icmp_type = type, .icmp_code = code, .icmp_seq = 1280,
				 .inner = quoted };
}

/* Does the error frame pass: at XDP, or at tc as the host's own? */
static bool error_passes(const struct pb_pkt *e, bool tc)
{
	int rc = tc ? fx_tc_frame(e->data, e->len, HOST_SENT) : fx_xdp_frame(e->data, e->len);

	cr_assert(tc ? rc == FX_TC_OK || rc == FX_TC_SHOT : rc == FX_XDP_PASS || rc == FX_XDP_DROP,
		  "verdict %d", rc);
	return tc ? rc == FX_TC_OK : rc == FX_XDP_PASS;
}

/* The client's UDP datagram to port 53, 64 payload bytes, behind n
 * Destination Options headers. */
static struct pb_spec udp_dstopts(int n)
{
	struct pb_spec s = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			     .sport = 40000, .dport = 53, .payload = 64, .n_ext = n };

	for (int i = 0; i < n; i++)
		s.ext[i] = SFW_IPPROTO_DSTOPTS;
	return s;
}

/* Path MTU discovery for a fragmented flow: the Packet Too Big about its
 * first fragment quotes the Fragment header (offset 0) before the ports. */
static void too_big_about_a_first_fragment(bool tc)
{
	struct pb_spec f = first6();
	struct pb_spec err = error6(&f, SFW_ICMPV6_PKT_TOOBIG, 0);
	struct pb_pkt e = build(&err);

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&f), FX_XDP_PASS, "the first fragment");
	cr_assert(error_passes(&e, tc), "Packet Too Big about the first fragment");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 0);
	cr_assert_eq(fx_session_count(), 1, "an error never opens a session");
}

Test(ipv6_ext, r4_packet_too_big_quoting_a_first_fragment_passes)
{
	too_big_about_a_first_fragment(false);
}

Test(ipv6_ext, r4_packet_too_big_quoting_a_first_fragment_passes_at_tc)
{
	too_big_about_a_first_fragment(true);
}

/* Hop-by-Hop and Destination Options, 16 bytes each, then a Fragment
 * header (an atomic fragment): walked to the ports. */
Test(ipv6_ext, r4_time_exceeded_quoting_a_chain_passes)
{
	struct pb_spec udp = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			       .sport = 40000, .dport = 53, .payload = 64, .n_ext = 3,
			       .ext = { SFW_IPPROTO_HOPOPTS, SFW_IPPROTO_DSTOPTS,
					SFW_IPPROTO_FRAGMENT },
			       .ext_len8 = { 1, 1 } };
	struct pb_spec err = error6(&udp, SFW_ICMPV6_TIME_EXCEED, 0);
	struct pb_pkt e = build(&err);

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert(error_passes(&e, false), "time exceeded quoting HBH, DSTOPTS, Fragment");
}

/* A later fragment carries no L4 header: the bytes behind its Fragment
 * header are payload, here the session's very ports. An error quoting it
 * names no flow (as Linux conntrack finds no tuple in it): dropped as
 * *No session*. Red with a walk that reads on past a non-zero offset. */
static void error_about_a_later_fragment(bool tc)
{
	struct pb_spec f = first6(), l = later6();
	struct pb_spec err = error6(&l, SFW_ICMPV6_PKT_TOOBIG, 0);
	struct pb_pkt e = build(&err);
	/* the quote's payload: Ethernet, IPv6, ICMPv6, IPv6, Fragment */
	__u32 at = e.l4_off + 8 + 40 + 8;

	put16(&e, at, 40000);
	put16(&e, at + 2, 53);
	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&f), FX_XDP_PASS, "the first fragment");
	cr_assert_not(error_passes(&e, tc), "an error about a later fragment passed");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 1);
}

Test(ipv6_ext, r4_error_quoting_a_later_fragment_dropped)
{
	error_about_a_later_fragment(false);
}

Test(ipv6_ext, r4_error_quoting_a_later_fragment_dropped_at_tc)
{
	error_about_a_later_fragment(true);
}

/* SFW_IPV6_EXT_MAX headers are walked, one more is more than sfw walks
 * (sfw_parse_ipv6: malformed): the quote names no flow. The session is
 * the plain datagram's, the tuple the quote names. */
static void error_about_a_long_chain(bool tc)
{
	struct pb_spec udp = udp_dstopts(0);
	struct pb_spec max = udp_dstopts(SFW_IPV6_EXT_MAX), over = udp_dstopts(SFW_IPV6_EXT_MAX + 1);
	struct pb_spec emax = error6(&max, SFW_ICMPV6_DEST_UNREACH, 4);
	struct pb_spec eover = error6(&over, SFW_ICMPV6_DEST_UNREACH, 4);
	struct pb_pkt a = build(&emax), b = build(&eover);

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert(error_passes(&a, tc), "a quote with %d headers", SFW_IPV6_EXT_MAX);
	cr_assert_not(error_passes(&b, tc), "a quote with %d headers passed",
		      SFW_IPV6_EXT_MAX + 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 1);
}

Test(ipv6_ext, r4_error_quoting_a_chain_longer_than_walked_dropped)
{
	error_about_a_long_chain(false);
}

Test(ipv6_ext, r4_error_quoting_a_chain_longer_than_walked_dropped_at_tc)
{
	error_about_a_long_chain(true);
}

/* A quote cut inside its Destination Options header, or inside the UDP
 * header behind it, is too short to name the flow, as a plain quote cut
 * before its ports: dropped. Cut right after the ports: passes. */
Test(ipv6_ext, r4_error_quoting_a_truncated_chain_dropped)
{
	struct pb_spec udp = udp_dstopts(1);
	struct pb_spec err = error6(&udp, SFW_ICMPV6_DEST_UNREACH, 4);
	struct pb_pkt e;

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	err.inner_quote = 40 + 4;
	e = build(&err);
	cr_assert_not(error_passes(&e, false), "a quote cut inside its DSTOPTS header");
	err.inner_quote = 40 + 8 + 4;
	e = build(&err);
	cr_assert_not(error_passes(&e, false), "a quote cut inside its UDP header");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 2);
	err.inner_quote = 40 + 8 + 8;
	e = build(&err);
	cr_assert(error_passes(&e, false), "a quote of the headers and the ports");
}

/* The quoted packet's payload length bounds its chain as the frame's does
 * the packet's (R1): a Destination Options header past it is no header of
 * that packet, whatever bytes the error carries behind. */
Test(ipv6_ext, r4_error_quoting_a_header_past_its_payload_length_dropped)
{
	struct pb_spec udp = udp_dstopts(1);
	struct pb_spec err = error6(&udp, SFW_ICMPV6_DEST_UNREACH, 4);
	struct pb_pkt e = build(&err);

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	/* the quoted IPv6 header's payload length: 4 bytes */
	put16(&e, e.l4_off + 8 + 4, 4);
	cr_assert_not(error_passes(&e, false), "a header past the quote's payload length");
}

/* A forged chain names only its own tuple: Destination Options before
 * the ports of a flow no session has, from the client's address to the
 * server's, is dropped at XDP and tc, while the live flow's passes. */
static void error_about_no_session(bool tc)
{
	struct pb_spec udp = udp_dstopts(1), other = udp_dstopts(2);
	struct pb_spec err = error6(&other, SFW_ICMPV6_DEST_UNREACH, 4);
	struct pb_pkt e;

	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	other.sport = 40001;
	e = build(&err);
	cr_assert_not(error_passes(&e, tc), "an error about another flow passed");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 1);
	other.sport = 40000;
	e = build(&err);
	cr_assert(error_passes(&e, tc), "the same error about the live flow");
	cr_assert_eq(fx_session_count(), 1);
}

Test(ipv6_ext, r4_error_quoting_a_chain_of_no_session_dropped)
{
	error_about_no_session(false);
}

Test(ipv6_ext, r4_error_quoting_a_chain_of_no_session_dropped_at_tc)
{
	error_about_no_session(true);
}

/* A routing header with hops left names a destination that is not the
 * packet's end: such a packet never passed sfw (a source route), and an
 * error quoting one names no session's packet. */
Test(ipv6_ext, r4_error_quoting_a_source_route_dropped)
{
	struct pb_spec udp = udp_dstopts(0), routed = udp_dstopts(0);
	struct pb_spec err = error6(&routed, SFW_ICMPV6_DEST_UNREACH, 4);
	struct pb_pkt e;

	routed.n_ext = 1;
	routed.ext[0] = SFW_IPPROTO_ROUTING;
	routed.ext_len8[0] = 2;
	routed.segments_left = 1;
	e = build(&err);
	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_not(error_passes(&e, false), "an error quoting a source route passed");
	routed.segments_left = 0;
	e = build(&err);
	cr_assert(error_passes(&e, false), "the same quote, no hops left");
}

/* ---- what held: regression tests -------------------------------------- */

/* A routing header with segments left behind the Fragment header (in the
 * fragmentable part, where only the first fragment carries it). */
Test(ipv6_ext, routing_header_behind_a_first_fragment_header_dropped)
{
	struct pb_spec s = first6();
	struct pb_pkt p;

	s.n_ext = 2;
	s.ext[1] = SFW_IPPROTO_ROUTING;
	s.ext_len8[1] = 2;
	s.segments_left = 1;
	s.payload = 0;
	p = build(&s);
	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_SRC_ROUTE), 1);
	cr_assert_eq(fx_session_count(), 0);
}

/* A first fragment cut inside the chain after its Fragment header: the
 * headers naming the L4 header are in the next fragment. Malformed; the
 * same as an atomic fragment. */
Test(ipv6_ext, first_fragment_ending_inside_its_extension_chain_dropped)
{
	struct pb_spec s = first6();
	struct pb_pkt p;

	s.n_ext = 3;
	s.ext[1] = SFW_IPPROTO_DSTOPTS;
	s.ext[2] = SFW_IPPROTO_ROUTING;
	s.payload = 0;
	p = build(&s);
	/* the packet ends after the Destination Options header: its next
	 * header, the routing header, is in a later fragment */
	put16(&p, p.l3_off + 4, 8 + 8);
	p.len = p.l3_off + 40 + 16;
	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP);
	cr_assert_eq(fx_tc_frame(p.data, p.len, HOST_SENT), FX_TC_SHOT);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 2);
	cr_assert_eq(fx_session_count(), 0);
}

/* ICMPv6 echo behind Hop-by-Hop, Destination Options and an atomic
 * fragment, in 802.1ad + 802.1Q: the same session as the plain echo, and
 * judged by the same policy (deny-all drops both). */
Test(ipv6_ext, icmp6_behind_extension_headers_in_qinq_is_the_plain_echo)
{
	struct pb_spec plain = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_ICMP6,
				 .icmp_type = SFW_ICMPV6_ECHO_REQUEST, .icmp_id = 77,
				 .icmp_seq = 1 };
	struct pb_spec ext = plain;
	struct sfw_session a, b;

	ext.nvlan = 2;
	ext.vlan_id[0] = 100;
	ext.vlan_id[1] = 200;
	ext.n_ext = 3;
	ext.ext[0] = SFW_IPPROTO_HOPOPTS;
	ext.ext[1] = SFW_IPPROTO_DSTOPTS;
	ext.ext[2] = SFW_IPPROTO_FRAGMENT;
	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
	cr_assert_eq(fx_xdp(&ext), FX_XDP_DROP);
	cr_assert_eq(fx_xdp(&plain), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 2);
	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&ext), FX_XDP_PASS);
	GET_SESSION(&plain, &a);
	cr_assert_eq(fx_xdp(&plain), FX_XDP_PASS);
	GET_SESSION(&ext, &b);
	cr_assert_eq(a.id, b.id);
	cr_assert_eq(fx_session_count(), 1);
}

/* 0x88a8 over 0x88a8 over 0x8100: one tag more than the parser walks,
 * whatever the TPIDs; two 802.1ad tags walk. */
Test(ipv6_ext, vlan_stacks_by_tpid)
{
	struct pb_spec two = { .nvlan = 2, .vlan_tpid = { 0x88a8, 0x88a8 }, .vlan_id = { 1, 2 },
			       .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			       .sport = 1, .dport = 2 };
	struct pb_spec three = two;
	struct pb_pkt p;

	three.nvlan = 3;
	three.vlan_tpid[2] = 0x8100;
	three.vlan_id[2] = 3;
	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&two), FX_XDP_PASS);
	p = build(&three);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 1);
}

/* No Next Header (59) behind a Destination Options header, AH and ESP:
 * protocols keyed on addresses, denied under deny-all as any other. */
Test(ipv6_ext, no_next_header_ah_esp_under_deny_all_dropped)
{
	__u8 protos[] = { 59, 51, 50 };

	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
	for (unsigned i = 0; i < sizeof(protos); i++) {
		struct pb_spec s = { .src = CLI6, .dst = SRV6, .proto = protos[i],
				     .n_ext = 1, .ext = { SFW_IPPROTO_DSTOPTS }, .payload = 16 };

		cr_assert_eq(fx_xdp(&s), FX_XDP_DROP, "protocol %u passed", protos[i]);
	}
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 3);
	cr_assert_eq(fx_session_count(), 0);
}
