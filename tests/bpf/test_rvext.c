/* Red team rvext: packet shapes that get past sfw's policy or its session
 * checks. Each test asserts the behaviour sfw should have and FAILS on
 * main d25f0e5 (the finding it names); the datapath is not changed here.
 * The fixture's namespace has forwarding off, so every destination is
 * the firewall itself (junos-host), as in tests/bpf/test_policy.c. */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "commit.h"

TestSuite(rvext, .init = suite_setup, .fini = suite_teardown);

/* The host terminates an IPv6-in-IPv6 / IPv4-in-IPv6 tunnel from anyone
 * on untrust (protocol 41 and 4 to junos-host), and nothing else: SNMP to
 * the host is refused. */
#define TUNNEL_ONLY \
	"set applications application tun6 protocol 41\n" \
	"set applications application tun4 protocol 4\n" \
	"set security zones security-zone untrust interfaces lo\n" \
	"set security policies from-zone untrust to-zone junos-host policy tun match source-address any destination-address any application [ tun6 tun4 ]\n" \
	"set security policies from-zone untrust to-zone junos-host policy tun then permit\n" \
	"set security policies default-policy deny-all\n"

/* outer = Ethernet | IPv6 (src, dst of inner's addresses for v6; given
 * text for v4 inners) | routing header of type rh_type, segments left 0,
 * next header nh | the inner IP packet (from its frame at inner->l3_off). */
static __u32 wrap_in_routing_header(const struct pb_pkt *inner, const char *osrc,
				    const char *odst, __u8 rh_type, __u8 nh, __u8 *out)
{
	__u32 in_len = inner->len - inner->l3_off, rh_len = 24, off = 0;
	__u8 *ip6, *rh;

	memcpy(out, inner->data, 12);                  /* MACs */
	out[12] = 0x86;
	out[13] = 0xdd;
	off = 14;
	ip6 = out + off;
	memset(ip6, 0, 40);
	ip6[0] = 0x60;
	ip6[4] = (rh_len + in_len) >> 8;
	ip6[5] = (rh_len + in_len) & 0xff;
	ip6[6] = SFW_IPPROTO_ROUTING;
	ip6[7] = 64;
	cr_assert_eq(inet_pton(AF_INET6, osrc, ip6 + 8), 1);
	cr_assert_eq(inet_pton(AF_INET6, odst, ip6 + 24), 1);
	off += 40;
	rh = out + off;
	memset(rh, 0, rh_len);
	rh[0] = nh;                                    /* next header: the inner packet */
	rh[1] = rh_len / 8 - 1;                        /* hdrlen */
	rh[2] = rh_type;                               /* 4: SRH (RFC 8754); 3: RPL (RFC 6554) */
	rh[3] = 0;                                     /* segments left: the route is done */
	memcpy(rh + 8, ip6 + 24, 16);                  /* segment list[0]: the last hop, us */
	off += rh_len;
	memcpy(out + off, inner->data + inner->l3_off, in_len);
	return off + in_len;
}

/* rvext F1 (policy bypass to the host, conditional: seg6_enabled or
 * rpl_seg_enabled on the interface and on `all`, which routers set and
 * docs/security.md "Source routing" counts on; bpf/parse.bpf.h
 * sfw_parse_ipv6). A routing header with segments left 0 passes as "a
 * finished route" and the chain's next header is taken as the L4
 * protocol: here 41 (IPv6) or 4 (IPv4). But Linux's ipv6_srh_rcv (type
 * 4) and ipv6_rpl_srh_rcv (type 3, next header IPv6) DECAPSULATE such a
 * packet at segments left 0: they pull the outer header and the routing
 * header and netif_rx() the inner packet on the SAME device, so it is
 * received a second time by a device sfw is attached to, never through
 * its native XDP hook (netif_rx runs the backlog, not the driver), and a
 * packet for the host is delivered with no policy at all (one forwarded
 * meets tc's judgement of packets without a trace, so this is the host's
 * services). No tunnel device is needed, unlike protocol 41 without a
 * routing header (decapsulated on an ip6tnl device sfw does not watch,
 * docs/security.md "Only where frames are Ethernet's").
 * Here: a policy lets only tunnel protocols reach the host; SNMP to the
 * host sent as itself is refused, sent inside SRH(segleft 0, nh 41), or
 * RPL(segleft 0, nh 41), or SRH(segleft 0, nh 4) it is passed. The
 * outer source is anyone (spoofed: the inner packet is all that counts).
 * Expected: such a routing header (a decapsulating one) is dropped as a
 * source route, or its inner packet judged; any of the three PASS here
 * is the finding. */
Test(rvext, f1_routing_header_decapsulating_at_segments_left_0_bypasses_policy)
{
	struct pb_spec snmp6 = { .src = "2001:db8:66::6", .dst = SRV6, .proto = SFW_IPPROTO_UDP,
				 .sport = 40161, .dport = 161, .payload = 20 };
	struct pb_spec snmp4 = { .src = "192.0.2.66", .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				 .sport = 40162, .dport = 161, .payload = 20 };
	struct pb_pkt in6, in4;
	static __u8 frame[PB_MAX + 64];
	__u32 len;

	commit(TUNNEL_ONLY);
	cr_assert_eq(pb_build(&snmp6, &in6), 0);
	cr_assert_eq(pb_build(&snmp4, &in4), 0);
	/* control: SNMP to the host as itself is refused */
	cr_assert_eq(fx_xdp_frame(in6.data, in6.len), FX_XDP_DROP, "SNMP to the host passed");
	cr_assert_eq(fx_xdp_frame(in4.data, in4.len), FX_XDP_DROP, "SNMP to the host passed");
	cr_assert_eq(fx_session_count(), 0);

	len = wrap_in_routing_header(&in6, "2001:db8:77::7", SRV6, 4, 41, frame);
	cr_expect_eq(fx_xdp_frame(frame, len), FX_XDP_DROP,
		     "SRH (type 4, segments left 0, next header 41) carrying SNMP to the host passed");
	len = wrap_in_routing_header(&in6, "2001:db8:77::7", SRV6, 3, 41, frame);
	cr_expect_eq(fx_xdp_frame(frame, len), FX_XDP_DROP,
		     "RPL routing header (type 3, segments left 0, next header 41) carrying SNMP passed");
	len = wrap_in_routing_header(&in4, "2001:db8:77::7", SRV6, 4, 4, frame);
	cr_expect_eq(fx_xdp_frame(frame, len), FX_XDP_DROP,
		     "SRH (type 4, segments left 0, next header 4) carrying IPv4 SNMP to the host passed");
	cr_expect_eq(fx_session_count(), 0, "a session opened for the outer tunnel packet");
}

/* ---- TCP: segments without ACK on a synchronized connection -------------- */

#include "tcp_conn.h"

/* rvext F2 (medium: a blind attacker ends any TCP connection whose
 * addresses and ports it knows, with ~1,700 packets against Linux's
 * scaled windows; bpf/tcp_window.bpf.h sfw_tcp_ack_ok, "A segment without
 * ACK carries none to check", then sfw_tcp_record_wing). Red team 2's
 * finding 1 was closed by checking a segment's ACK before recording its
 * sequence end (bounds II and IV), which is what keeps a blind sweep from
 * planting the value a RST is then "exact" against. A segment with the
 * ACK flag clear skips II and IV altogether, passes on I and III alone
 * (sequence within the window: one guess in 2^32 / window), and its end is
 * recorded as the sender's SND.NXT. Every endpoint discards it (RFC 9293
 * 3.10.7.4, "fifth, check the ACK field: if the ACK bit is off drop the
 * segment"; Linux's tcp_rcv_established discards it), and Linux's
 * conntrack refuses it before its window check (tcp_error: no combination
 * of tcp_valid_flags lacks ACK but SYN and RST), so nothing but sfw's
 * state moves. A RST at the planted end
 * is then exact (sfw_tcp_reset: p->seq == w->seq_end) and the session is
 * CLOSED: after tcp-rst-timeout it expires and the endpoints' next
 * segments (no SYN) are dropped as No SYN. Expected: a segment without
 * ACK on a synchronized connection records nothing (or is dropped), and
 * a RST at its end closes nothing. */
Test(rvext, f2_segment_without_ack_plants_the_end_a_rst_is_exact_against)
{
	struct conn k;
	__u32 planted;
	int v;

	conn_established(&k, 0, 0);
	planted = k.c_next + 5000 + 1;
	v = conn_forge(&k, true, PSH, k.c_next + 5000, 0x13371337, 1);
	cr_expect_eq(conn_session(&k).wing[SFW_WING_IN].seq_end, k.c_next,
		     "a blind segment without ACK (verdict %d) moved the client's sequence end to %u",
		     v, conn_session(&k).wing[SFW_WING_IN].seq_end);
	conn_forge(&k, true, RST, planted, 0, 0);
	cr_expect_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED,
		     "a RST at the blind segment's end closed the session (state %u)",
		     conn_session(&k).tcp_state);
	cr_expect_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS, "the server's data dropped");
	cr_expect_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS, "the client's data dropped");
}

/* The same blind, as test_tcp_blind.c one_sided_sweep_cannot_end_the_connection
 * (which sends ACK with a wrong acknowledgement, dropped): Linux's scale 7
 * and 24000-byte raw windows (3 MB), one segment every 2.5 MB of sequence
 * space (~1,718) without ACK, then RSTs at each segment's end (~1,718):
 * about 3,400 packets of 54 to 60 bytes, well under a second at 10 Mbit/s. */
Test(rvext, f2_blind_sweep_without_ack_ends_the_connection)
{
	struct conn k;
	const __u32 step = 2500000;
	__u32 passed = 0, sent = 0;

	conn_established(&k, 7, 24000);
	for (__u64 seq = 7; seq < (1ull << 32); seq += step, sent++)
		passed += conn_forge(&k, true, PSH, (__u32)seq, 0, 1) == FX_XDP_PASS;
	for (__u64 seq = 7; seq < (1ull << 32); seq += step, sent++)
		if ((__u32)seq + 1 != k.c_next && (__u32)seq + 1 != k.s_next)
			conn_forge(&k, true, RST, (__u32)seq + 1, 0, 0);
	cr_expect_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED,
		     "%u blind packets (%u without ACK passed) closed the session: state %u",
		     sent, passed, conn_session(&k).tcp_state);
}
