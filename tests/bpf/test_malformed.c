/* Malformed packets: every truncation of every header chain, and headers
 * whose lengths contradict each other, are dropped and counted as
 * malformed at both hooks, never passed and never opening a session.
 * Frames that are not IP pass untracked. */
#include "suite.h"

TestSuite(malformed, .init = suite_setup, .fini = suite_teardown);

static void put16(struct pb_pkt *p, __u32 at, __u16 v)
{
	p->data[at] = v >> 8;
	p->data[at + 1] = v & 0xff;
}

/* Cuts the frame at every length below its own (down to the shortest
 * frame a test run accepts) at both hooks. The whole frame must then
 * pass, proving the drops were the truncation's. */
static void truncate_everywhere(const struct pb_spec *s)
{
	struct pb_pkt p;
	int sessions = fx_session_count();
	__u64 mal = fx_counter(SFW_CNT_SFW_ERR_MALFORMED);
	__u64 ok = fx_counter(SFW_CNT_SFW_PERMITTED_PKTS);

	cr_assert_eq(pb_build(s, &p), 0);
	for (__u32 cut = FX_MIN_FRAME; cut < p.len; cut++) {
		cr_assert_eq(fx_xdp_frame(p.data, cut), FX_XDP_DROP,
			     "XDP: frame cut to %u of %u bytes not dropped", cut, p.len);
		cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), ++mal,
			     "XDP: cut to %u not counted as malformed", cut);
	}
	for (__u32 cut = FX_MIN_FRAME; cut < p.len; cut++) {
		int v = fx_tc_frame(p.data, cut, NULL);

		/* tc test runs refuse an untagged IP frame without a whole
		 * base IP header before the program runs */
		if (v == -EINVAL && cut < p.l3_off + (pb_is_v6(s) ? 40 : 20))
			continue;
		cr_assert_eq(v, FX_TC_SHOT, "tc: frame cut to %u of %u bytes: verdict %d",
			     cut, p.len, v);
		cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), ++mal,
			     "tc: cut to %u not counted as malformed", cut);
	}
	cr_assert_eq(fx_session_count(), sessions, "a truncated frame opened a session");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), ok);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_PASS, "the whole frame must pass");
}

Test(malformed, truncated_tcp4_options)
{
	truncate_everywhere(&(struct pb_spec){
		.src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP, .sport = 1, .dport = 2,
		.tcp_flags = SFW_TCP_SYN, .ip_opts = 8, .tcp_opts = 12, .payload = 3 });
}

Test(malformed, truncated_tcp6_qinq_extension_headers)
{
	truncate_everywhere(&(struct pb_spec){
		.nvlan = 2, .vlan_id = { 10, 20 },
		.src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_TCP, .sport = 1, .dport = 2,
		.tcp_flags = SFW_TCP_SYN, .n_ext = 4, .more_frags = true,
		.ext = { SFW_IPPROTO_HOPOPTS, SFW_IPPROTO_ROUTING, SFW_IPPROTO_DSTOPTS,
			 SFW_IPPROTO_FRAGMENT },
		/* a first fragment holds a multiple of 8 bytes (RFC 8200 4.5):
		 * 20 of TCP and 4 of payload */
		.ext_len8 = { 0, 2, 1 }, .payload = 4 });
}

Test(malformed, truncated_udp4_vlan)
{
	truncate_everywhere(&(struct pb_spec){
		.nvlan = 1, .vlan_id = { 7 },
		.src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP, .sport = 1, .dport = 2,
		.payload = 3 });
}

Test(malformed, truncated_udp6)
{
	truncate_everywhere(&(struct pb_spec){
		.src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP, .sport = 1, .dport = 2,
		.payload = 3 });
}

Test(malformed, truncated_sctp4)
{
	truncate_everywhere(&(struct pb_spec){
		.src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_SCTP, .sport = 1, .dport = 2,
		.payload = 3 });
}

Test(malformed, truncated_sctp6)
{
	truncate_everywhere(&(struct pb_spec){
		.src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_SCTP, .sport = 1, .dport = 2,
		.payload = 3 });
}

Test(malformed, truncated_icmp4_echo)
{
	truncate_everywhere(&(struct pb_spec){
		.src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_ICMP, .icmp_type = SFW_ICMP_ECHO,
		.icmp_id = 1, .payload = 3 });
}

Test(malformed, truncated_icmp6_echo)
{
	truncate_everywhere(&(struct pb_spec){
		.src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_ICMP6,
		.icmp_type = SFW_ICMPV6_ECHO_REQUEST, .icmp_id = 1, .payload = 3 });
}

/* With the quoted session live, so that the whole error passes. */
static void truncated_error(const struct pb_spec *quoted, const struct pb_spec *err)
{
	cr_assert_eq(fx_xdp(quoted), FX_XDP_PASS);
	truncate_everywhere(err);
}

Test(malformed, truncated_icmp4_error)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 1, .dport = 2, .payload = 3 };

	truncated_error(&udp, &(struct pb_spec){
		.src = SRV4, .dst = CLI4, .proto = SFW_IPPROTO_ICMP,
		.icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3, .inner = &udp });
}

Test(malformed, truncated_icmp6_error)
{
	struct pb_spec tcp = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_TCP,
			       .sport = 1, .dport = 2, .tcp_flags = SFW_TCP_SYN };

	truncated_error(&tcp, &(struct pb_spec){
		.src = SRV6, .dst = CLI6, .proto = SFW_IPPROTO_ICMP6,
		.icmp_type = SFW_ICMPV6_DEST_UNREACH, .icmp_code = 4, .inner = &tcp });
}

Test(malformed, truncated_gre4)
{
	truncate_everywhere(&(struct pb_spec){
		.src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_GRE, .payload = 3 });
}

Test(malformed, truncated_esp6)
{
	truncate_everywhere(&(struct pb_spec){
		.src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_ESP, .payload = 3 });
}

Test(malformed, truncated_ah4)
{
	truncate_everywhere(&(struct pb_spec){
		.src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_AH, .payload = 3 });
}

/* A later fragment follows its first one whole, but not cut short. */
Test(malformed, truncated_ipv4_later_fragment)
{
	struct pb_spec first = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				 .ip_id = 3, .more_frags = true, .payload = 1472 };
	struct pb_spec later = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				 .ip_id = 3, .frag_off = 1480, .payload = 3 };

	cr_assert_eq(fx_xdp(&first), FX_XDP_PASS);
	truncate_everywhere(&later);
}

/* Runs a frame whose headers disagree at both hooks. */
static void expect_malformed(const struct pb_pkt *p, const char *what)
{
	cr_assert_eq(fx_xdp_frame(p->data, p->len), FX_XDP_DROP, "XDP passed %s", what);
	cr_assert_eq(fx_tc_frame(p->data, p->len, NULL), FX_TC_SHOT, "tc passed %s", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 2, "%s not counted", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 0);
	cr_assert_eq(fx_session_count(), 0, "%s opened a session", what);
}

static struct pb_pkt tcp4(__u16 payload)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
			     .sport = 1, .dport = 2, .tcp_flags = SFW_TCP_SYN, .payload = payload };
	struct pb_pkt p;

	cr_assert_eq(pb_build(&s, &p), 0);
	return p;
}

Test(malformed, ipv4_ihl_below_5)
{
	struct pb_pkt p = tcp4(20);

	p.data[p.l3_off] = 0x44;
	expect_malformed(&p, "IHL 4");
}

Test(malformed, ipv4_total_length_below_header)
{
	struct pb_pkt p = tcp4(20);

	put16(&p, p.l3_off + 2, 19);
	expect_malformed(&p, "total length 19");
}

Test(malformed, ipv4_ihl_beyond_total_length)
{
	struct pb_pkt p = tcp4(0);

	p.data[p.l3_off] = 0x4f;   /* 60-byte header in a 40-byte packet */
	expect_malformed(&p, "IHL beyond the total length");
}

Test(malformed, ipv4_total_length_beyond_frame)
{
	struct pb_pkt p = tcp4(20);

	put16(&p, p.l3_off + 2, p.l3_len + 1);
	expect_malformed(&p, "total length beyond the frame");
}

/* A length field of 0 is a BIG TCP packet's (bpf/parse.bpf.h sfw_big_len)
 * only on a GSO packet in tc longer than the field could say: on the wire,
 * and on a GSO packet that would fit, it stays malformed. */
static void expect_big_length_malformed(const struct pb_pkt *p, const char *what)
{
	const struct fx_tc_opts gso = { .gso_segs = 2, .gso_size = 1000 };

	expect_malformed(p, what);
	cr_assert_eq(fx_tc_frame(p->data, p->len, &gso), FX_TC_SHOT, "tc GSO passed %s", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 2 + gso.gso_segs, "%s not counted (%llu)", what, (unsigned long long)fx_counter(SFW_CNT_SFW_ERR_MALFORMED));
	cr_assert_eq(fx_session_count(), 0, "%s opened a session", what);
}

Test(malformed, big_length_ipv4_zero_total_length)
{
	struct pb_pkt p = tcp4(2000);

	put16(&p, p.l3_off + 2, 0);
	expect_big_length_malformed(&p, "total length 0 under 64 KiB");
}

Test(malformed, ipv4_header_with_version_6)
{
	struct pb_pkt p = tcp4(20);

	p.data[p.l3_off] = 0x65;
	expect_malformed(&p, "version 6 under the IPv4 ethertype");
}

Test(malformed, ipv6_ethertype_carrying_ipv4)
{
	struct pb_spec s = { .ethertype = SFW_ETH_P_IPV6, .src = CLI4, .dst = SRV4,
			     .proto = SFW_IPPROTO_UDP, .sport = 1, .dport = 2, .payload = 40 };
	struct pb_pkt p;

	cr_assert_eq(pb_build(&s, &p), 0);
	expect_malformed(&p, "IPv4 under the IPv6 ethertype");
}

Test(malformed, tcp_data_offset_below_5)
{
	struct pb_pkt p = tcp4(20);

	p.data[p.l4_off + 12] = 4 << 4;
	expect_malformed(&p, "TCP data offset 4");
}

Test(malformed, tcp_data_offset_beyond_packet)
{
	struct pb_pkt p = tcp4(20);

	p.data[p.l4_off + 12] = 15 << 4;   /* 60-byte header, 40 bytes there */
	expect_malformed(&p, "TCP data offset beyond the packet");
}

/* The IP length ends inside the L4 header, though the frame goes on:
 * the bytes after the IP packet are padding, not header. */
static void l4_cut_by_ip_length(__u8 proto, __u32 keep)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = proto, .sport = 1, .dport = 2,
			     .tcp_flags = SFW_TCP_SYN, .icmp_type = SFW_ICMP_ECHO, .payload = 40 };
	struct pb_pkt p;

	cr_assert_eq(pb_build(&s, &p), 0);
	put16(&p, p.l3_off + 2, 20 + keep);
	expect_malformed(&p, "an L4 header cut by the IP length");
}

Test(malformed, tcp_cut_by_ip_length) { l4_cut_by_ip_length(SFW_IPPROTO_TCP, 19); }
Test(malformed, udp_cut_by_ip_length) { l4_cut_by_ip_length(SFW_IPPROTO_UDP, 7); }
Test(malformed, sctp_cut_by_ip_length) { l4_cut_by_ip_length(SFW_IPPROTO_SCTP, 11); }
Test(malformed, icmp_cut_by_ip_length) { l4_cut_by_ip_length(SFW_IPPROTO_ICMP, 7); }

static struct pb_pkt tcp6_ext(__u8 n_ext)
{
	struct pb_spec s = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_TCP,
			     .sport = 1, .dport = 2, .tcp_flags = SFW_TCP_SYN, .n_ext = n_ext };
	struct pb_pkt p;

	for (int i = 0; i < n_ext; i++)
		s.ext[i] = SFW_IPPROTO_DSTOPTS;
	cr_assert_eq(pb_build(&s, &p), 0);
	return p;
}

Test(malformed, ipv6_payload_length_beyond_frame)
{
	struct pb_pkt p = tcp6_ext(0);

	put16(&p, p.l3_off + 4, p.l3_len - 40 + 1);
	expect_malformed(&p, "payload length beyond the frame");
}

Test(malformed, big_length_ipv6_zero_payload_length)
{
	struct pb_pkt p = tcp6_ext(0);

	put16(&p, p.l3_off + 4, 0);
	expect_big_length_malformed(&p, "payload length 0 under 64 KiB");
}

Test(malformed, ipv6_extension_header_beyond_payload)
{
	struct pb_pkt p = tcp6_ext(1);

	p.data[p.l3_off + 40 + 1] = 10;   /* 88 bytes claimed, 28 left */
	expect_malformed(&p, "an extension header beyond the payload");
}

Test(malformed, ipv6_payload_ends_after_extension_headers)
{
	struct pb_pkt p = tcp6_ext(2);

	put16(&p, p.l3_off + 4, 16);   /* the TCP header is outside the packet */
	expect_malformed(&p, "a payload length without room for TCP");
}

/* sfw walks six extension headers (SFW_IPV6_EXT_MAX); a seventh is more
 * than it will guess about. Six must still pass. */
Test(malformed, ipv6_too_many_extension_headers)
{
	struct pb_pkt six = tcp6_ext(SFW_IPV6_EXT_MAX), seven = tcp6_ext(SFW_IPV6_EXT_MAX + 1);

	cr_assert_eq(fx_xdp_frame(six.data, six.len), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(fx_xdp_frame(seven.data, seven.len), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 1);
	cr_assert_eq(fx_session_count(), 1);
}

Test(malformed, three_vlan_tags)
{
	struct pb_spec s = { .nvlan = 3, .vlan_id = { 1, 2, 3 }, .src = CLI4, .dst = SRV4,
			     .proto = SFW_IPPROTO_UDP, .sport = 1, .dport = 2 };
	struct pb_pkt p;

	cr_assert_eq(pb_build(&s, &p), 0);
	expect_malformed(&p, "three VLAN tags");
}

/* Not IP: passes without a session at both hooks. */
static void expect_untracked(const struct pb_spec *s)
{
	struct pb_pkt p;

	cr_assert_eq(pb_build(s, &p), 0);
	cr_assert_eq(fx_xdp_frame(p.data, p.len), FX_XDP_PASS);
	cr_assert_eq(fx_tc_frame(p.data, p.len, NULL), FX_TC_OK);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), 2);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 0);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 0);
	cr_assert_eq(fx_session_count(), 0);
}

Test(malformed, arp_untracked)
{
	expect_untracked(&(struct pb_spec){ .ethertype = PB_ETH_P_ARP, .src = CLI4, .dst = SRV4 });
}

Test(malformed, arp_in_vlan_untracked)
{
	expect_untracked(&(struct pb_spec){ .nvlan = 1, .vlan_id = { 5 },
					    .ethertype = PB_ETH_P_ARP, .src = CLI4, .dst = SRV4 });
}

Test(malformed, lldp_untracked)
{
	expect_untracked(&(struct pb_spec){ .ethertype = 0x88cc, .src = CLI4, .dst = SRV4,
					    .proto = 253 });
}
