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
