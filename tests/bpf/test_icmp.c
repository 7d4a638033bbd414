/* ICMP: echo replies need the request's session; errors pass when the
 * packet they quote belongs to a live session and they go back to its
 * sender, and never open one. Neighbour discovery and MLD: test_nd.c. */
#include "suite.h"
#include "tcp_conn.h"

TestSuite(icmp, .init = suite_setup, .fini = suite_teardown);

static struct pb_spec echo(const char *src, const char *dst, bool v6, __u16 id)
{
	return (struct pb_spec){
		.src = src, .dst = dst, .proto = v6 ? SFW_IPPROTO_ICMP6 : SFW_IPPROTO_ICMP,
		.icmp_type = v6 ? SFW_ICMPV6_ECHO_REQUEST : SFW_ICMP_ECHO,
		.icmp_id = id, .icmp_seq = 1, .payload = 56,
	};
}

static void reply_without_request(bool v6)
{
	struct pb_spec req = echo(v6 ? CLI6 : CLI4, v6 ? SRV6 : SRV4, v6, 7);
	struct pb_spec rep = pb_reverse(&req);

	cr_assert_eq(fx_xdp(&rep), FX_XDP_DROP);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 0);
	cr_assert_eq(fx_counter(SFW_CNT_IN_ICMP), 1);
}

Test(icmp, echo_reply_without_session_v4) { reply_without_request(false); }
Test(icmp, echo_reply_without_session_v6) { reply_without_request(true); }

/* A reply answers one request: another identifier has no session. */
Test(icmp, echo_reply_other_identifier_dropped)
{
	struct pb_spec req = echo(CLI4, SRV4, false, 7);
	struct pb_spec rep = pb_reverse(&req);

	cr_assert_eq(fx_xdp(&req), FX_XDP_PASS);
	rep.icmp_id = 8;
	cr_assert_eq(fx_xdp(&rep), FX_XDP_DROP);
	rep.icmp_id = 7;
	cr_assert_eq(fx_xdp(&rep), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 1);
}

/* An error from a router on the path, quoting the packet it is about. */
static struct pb_spec error_about(const struct pb_spec *quoted, const char *from, bool v6,
				  __u8 type, __u8 code)
{
	return (struct pb_spec){
		.src = from, .dst = quoted->src, .proto = v6 ? SFW_IPPROTO_ICMP6 : SFW_IPPROTO_ICMP,
		.icmp_type = type, .icmp_code = code, .inner = quoted,
	};
}

Test(icmp, port_unreachable_about_live_udp_passes)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 33434, .dport = 53, .payload = 20 };
	struct pb_spec err = error_about(&udp, SRV4, false, SFW_ICMP_DEST_UNREACH, 3);
	struct sfw_session s;

	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&err), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 1, "an error never opens a session");
	GET_SESSION(&udp, &s);
	cr_assert_eq(s.wing[SFW_WING_IN].packets, 1);
}

/* RFC 792 quotes only the IP header and 8 bytes: enough for the ports. */
Test(icmp, time_exceeded_minimal_quote_passes)
{
	struct pb_spec tcp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
			       .sport = 40000, .dport = 80, .tcp_flags = SFW_TCP_SYN,
			       .ip_opts = 8 };
	struct pb_spec err = error_about(&tcp, OTH4, false, SFW_ICMP_TIME_EXCEEDED, 0);

	err.inner_quote = 20 + 8 + 8;
	cr_assert_eq(fx_xdp(&tcp), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&err), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 1);
}

/* The quoted packet may be either direction of the session. */
Test(icmp, error_about_reply_direction_passes)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 5000, .dport = 53 };
	struct pb_spec back = pb_reverse(&udp);
	struct pb_spec err = error_about(&back, OTH4, false, SFW_ICMP_DEST_UNREACH, 1);

	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&err), FX_XDP_PASS);
}

/* A later fragment carries no L4 header: the bytes behind its IP header
 * are payload, here the session's very ports. An error quoting it names
 * no flow (Linux conntrack finds no tuple in it, get_l4proto), as the
 * IPv6 quote of one (tests/bpf/test_ipv6_ext.c r4_*): dropped. It had been
 * keyed on those payload bytes, and an error about a NAT session's later
 * fragment would have had them rewritten as its port. */
Test(icmp, error_quoting_a_later_fragment_dropped_v4)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 40000, .dport = 53, .payload = 64 };
	struct pb_spec later = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				 .ip_id = 77, .frag_off = 16, .payload = 8 };
	struct pb_spec err = error_about(&later, SRV4, false, SFW_ICMP_DEST_UNREACH, 3);
	struct pb_pkt e;
	__u8 *q;

	cr_assert_eq(pb_build(&err, &e), 0);
	q = e.data + e.l4_off + 8 + 20;   /* the quoted fragment's payload */
	q[0] = 40000 >> 8, q[1] = 40000 & 0xff, q[2] = 0, q[3] = 53;
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_eq(fx_xdp_frame(e.data, e.len), FX_XDP_DROP,
		     "an error about a later fragment passed");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 1);
}

Test(icmp, error_about_no_session_dropped)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 5000, .dport = 53 };
	struct pb_spec other = udp;
	struct pb_spec err = error_about(&other, SRV4, false, SFW_ICMP_DEST_UNREACH, 3);

	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	other.sport = 5001;   /* same hosts, another flow */
	cr_assert_eq(fx_xdp(&err), FX_XDP_DROP);
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 1);
}

Test(icmp, v6_packet_too_big_about_live_tcp_passes)
{
	struct pb_spec tcp = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_TCP,
			       .sport = 40000, .dport = 443, .tcp_flags = SFW_TCP_SYN,
			       .payload = 1200 };
	struct pb_spec err = error_about(&tcp, "2001:db8:ffff::1", true, SFW_ICMPV6_PKT_TOOBIG, 0);
	struct pb_spec stray = tcp;

	err.inner_quote = 1232 - 48;   /* what fits the minimum MTU */
	cr_assert_eq(fx_xdp(&tcp), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&err), FX_XDP_PASS);
	stray.dport = 444;
	err.inner = &stray;
	cr_assert_eq(fx_xdp(&err), FX_XDP_DROP);
	cr_assert_eq(fx_session_count(), 1);
}

/* Errors about a ping (traceroute with ICMP) are keyed on its identifier. */
Test(icmp, v6_time_exceeded_about_echo)
{
	struct pb_spec req = echo(CLI6, SRV6, true, 99);
	struct pb_spec err = error_about(&req, "2001:db8:ffff::1", true, SFW_ICMPV6_TIME_EXCEED, 0);
	struct pb_spec other = req;

	cr_assert_eq(fx_xdp(&req), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&err), FX_XDP_PASS);
	other.icmp_id = 100;
	err.inner = &other;
	cr_assert_eq(fx_xdp(&err), FX_XDP_DROP);
	cr_assert_eq(fx_session_count(), 1);
}

Test(icmp, v4_unreachable_about_echo)
{
	struct pb_spec req = echo(CLI4, SRV4, false, 3);
	struct pb_spec err = error_about(&req, OTH4, false, SFW_ICMP_DEST_UNREACH, 1);

	cr_assert_eq(fx_xdp(&req), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&err), FX_XDP_PASS);
}

/* A quote too short to name the ports cannot be matched to a session. */
Test(icmp, error_with_short_quote_dropped)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 5000, .dport = 53 };
	struct pb_spec err = error_about(&udp, SRV4, false, SFW_ICMP_DEST_UNREACH, 3);

	err.inner_quote = 20 + 2;
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&err), FX_XDP_DROP);
	cr_assert_eq(fx_session_count(), 1);
}

/* Bytes after the IP packet are link padding, not a quote: an error whose
 * own length ends after the ICMP header is about nothing. */
Test(icmp, quote_in_link_padding_ignored)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 5000, .dport = 53 };
	struct pb_spec err = error_about(&udp, SRV4, false, SFW_ICMP_DEST_UNREACH, 3);
	struct pb_pkt p;

	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_eq(pb_build(&err, &p), 0);
	p.data[p.l3_off + 2] = 0;
	p.data[p.l3_off + 3] = 20 + 8;   /* IP and ICMP headers only */
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 1, "only the UDP packet passed");
}

/* An error about a live session is for the packet's sender alone: sent to
 * anyone else it is a message smuggled under the session's name. */
static void error_to_another_host(bool v6)
{
	struct pb_spec udp = { .src = v6 ? CLI6 : CLI4, .dst = v6 ? SRV6 : SRV4,
			       .proto = SFW_IPPROTO_UDP, .sport = 5000, .dport = 53 };
	struct pb_spec err = error_about(&udp, udp.dst, v6,
					 v6 ? SFW_ICMPV6_DEST_UNREACH : SFW_ICMP_DEST_UNREACH, 3);
	struct sfw_session s;

	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	err.dst = v6 ? "2001:db8::30" : OTH4;
	cr_assert_eq(fx_xdp(&err), FX_XDP_DROP, "an error to a host that sent nothing");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 1);
	err.dst = udp.src;
	cr_assert_eq(fx_xdp(&err), FX_XDP_PASS, "the same error to the sender");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 2);
	cr_assert_eq(fx_session_count(), 1);
	GET_SESSION(&udp, &s);
	cr_assert_eq(s.wing[SFW_WING_IN].packets, 1, "errors are not counted on the session");
}

Test(icmp, error_to_another_host_dropped_v4) { error_to_another_host(false); }
Test(icmp, error_to_another_host_dropped_v6) { error_to_another_host(true); }

/* An error quoting TCP is about a segment its sender may still have
 * unacknowledged: within the receiver's largest window (at least 66,000)
 * before the sender's end, not after it. A blind one quoting a guessed
 * tuple with any other number is refused (RFC 5927; pf's bound). */
static void tcp_error_quote(bool v6, __u32 flags, __s64 shift, int want)
{
	const char *router = v6 ? "2001:db8:ffff::1" : OTH4;
	struct conn k;
	struct pb_spec quoted, err;

	cr_assert_eq(fx_set_flags(flags), 0);
	conn_init(&k, v6 ? CLI6 : CLI4, v6 ? SRV6 : SRV4);
	cr_assert_eq(cli(&k, SFW_TCP_SYN, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, SFW_TCP_SYN | SFW_TCP_ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, SFW_TCP_ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, SFW_TCP_ACK | SFW_TCP_PSH, 1200), FX_XDP_PASS);
	quoted = k.c;   /* the segment just sent, its sequence number moved */
	quoted.seq = (__u32)(k.c.seq + shift);
	err = error_about(&quoted, router, v6, v6 ? SFW_ICMPV6_PKT_TOOBIG : SFW_ICMP_DEST_UNREACH,
			  v6 ? 0 : 4);
	cr_assert_eq(fx_xdp(&err), want, "quoted sequence number %+lld from the segment's",
		     (long long)shift);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), want == FX_XDP_DROP);
	cr_assert_eq(fx_session_count(), 1);
}

Test(icmp, error_quoting_tcp_segment_sent_passes_v4) { tcp_error_quote(false, 0, 0, FX_XDP_PASS); }
Test(icmp, error_quoting_tcp_segment_sent_passes_v6) { tcp_error_quote(true, 0, 0, FX_XDP_PASS); }
Test(icmp, error_quoting_tcp_a_window_back_passes) { tcp_error_quote(false, 0, -60000, FX_XDP_PASS); }
Test(icmp, error_quoting_tcp_past_the_end_dropped_v4) { tcp_error_quote(false, 0, 1201, FX_XDP_DROP); }
Test(icmp, error_quoting_tcp_past_the_end_dropped_v6) { tcp_error_quote(true, 0, 1201, FX_XDP_DROP); }
Test(icmp, error_quoting_tcp_far_back_dropped) { tcp_error_quote(false, 0, -2000000, FX_XDP_DROP); }
Test(icmp, error_quoting_tcp_any_with_no_sequence_check)
{
	tcp_error_quote(false, SFW_CFG_F_NO_SEQ_CHECK, 1000000, FX_XDP_PASS);
}


/* Every ICMPv6 type below 128 is an error (RFC 4443 2.1), and Linux hands
 * an unassigned one to the quoted flow's socket as such. Taken for
 * one-way messages, type 0 code 0 was keyed as an echo with identifier 0
 * (its key tag, 0, is echo's): it rode a permitted ping's session past
 * policy, and an echo reply rode a permitted type 0's session back (red
 * team rtnet F1). Now each is judged as an error: it passes about a live
 * flow, to that flow's source, and opens nothing. */
static const __u8 v6_unassigned_errors[] = { 0, 5, 100, 127 };

Test(icmp, v6_unassigned_error_types_about_a_live_flow_pass)
{
	struct pb_spec udp = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			       .sport = 40000, .dport = 53, .payload = 20 };
	struct pb_spec stray = udp;

	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	stray.sport = 40001;
	for (unsigned i = 0; i < sizeof(v6_unassigned_errors); i++) {
		__u8 t = v6_unassigned_errors[i];
		struct pb_spec err = error_about(&udp, "2001:db8:ffff::1", true, t, 0);

		cr_assert_eq(fx_xdp(&err), FX_XDP_PASS, "type %u about the live flow", t);
		err.inner = &stray;
		cr_assert_eq(fx_xdp(&err), FX_XDP_DROP, "type %u about no flow", t);
	}
	cr_assert_eq(fx_session_count(), 1, "an error opens nothing");
}

/* Under permit-all (the suite's policy), none opens a session of its own,
 * whatever follows it. */
Test(icmp, v6_unassigned_error_types_open_nothing)
{
	for (unsigned i = 0; i < sizeof(v6_unassigned_errors); i++) {
		__u8 t = v6_unassigned_errors[i];
		struct pb_spec msg = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_ICMP6,
				       .icmp_type = t, .payload = 56 };

		cr_assert_eq(fx_xdp(&msg), FX_XDP_DROP, "type %u alone", t);
		cr_assert_eq(fx_xdp(&msg), FX_XDP_DROP, "type %u again", t);
	}
	cr_assert_eq(fx_session_count(), 0);
}

/* Type 0's key was a ping's with identifier 0, in both directions. */
static struct pb_spec v6_type_0(void)
{
	return (struct pb_spec){ .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_ICMP6,
				 .icmp_type = 0, .payload = 8 };
}

Test(icmp, v6_type_0_rides_no_ping)
{
	struct pb_spec ping = echo(CLI6, SRV6, true, 0);
	struct pb_spec t0 = v6_type_0();

	cr_assert_eq(fx_xdp(&ping), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&t0), FX_XDP_DROP, "type 0 rode the ping's session");
	cr_assert_eq(fx_session_count(), 1);
}

Test(icmp, v6_echo_reply_rides_no_type_0)
{
	struct pb_spec t0 = v6_type_0();
	struct pb_spec reply = pb_reverse(&t0);

	reply.icmp_type = SFW_ICMPV6_ECHO_REPLY;
	reply.icmp_id = 0;
	cr_assert_eq(fx_xdp(&t0), FX_XDP_DROP, "type 0 opened a session");
	cr_assert_eq(fx_xdp(&reply), FX_XDP_DROP, "an echo reply with id 0 rode type 0's session");
	cr_assert_eq(fx_session_count(), 0);
}
