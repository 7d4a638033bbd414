/* The packet builder itself: a known checksum, lengths and checksums of
 * every protocol it builds, and the layout of tags and headers. A wrong
 * builder would make the datapath tests prove nothing. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <criterion/criterion.h>
#include "net_consts.h"
#include "protocols.h"
#include "pktbuild.h"

static __u16 rd16(const struct pb_pkt *p, __u32 at)
{
	return (__u16)(p->data[at] << 8 | p->data[at + 1]);
}

/* The IPv4 header example worked through in RFC 1071 style texts. */
Test(pktbuild, known_ipv4_header_checksum)
{
	const __u8 hdr[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };

	cr_assert_eq(pb_csum(hdr, sizeof(hdr), 0), 0xb861);
}

static void build_and_verify(const struct pb_spec *s)
{
	struct pb_pkt p;

	cr_assert_eq(pb_build(s, &p), 0);
	cr_assert_eq(pb_verify_csums(&p, s), 0, "bad checksum, proto %u", s->proto);
	cr_assert_eq(p.len, p.l3_off + p.l3_len + s->trailer);
	if (pb_is_v6(s))
		cr_assert_eq(rd16(&p, p.l3_off + 4), p.l3_len - 40);
	else
		cr_assert_eq(rd16(&p, p.l3_off + 2), p.l3_len);
}

Test(pktbuild, checksums_every_protocol)
{
	const __u8 protos[] = { SFW_IPPROTO_TCP, SFW_IPPROTO_UDP, SFW_IPPROTO_SCTP,
				SFW_IPPROTO_GRE, SFW_IPPROTO_ESP, SFW_IPPROTO_AH };

	for (size_t i = 0; i < sizeof(protos); i++) {
		struct pb_spec s = { .src = "192.0.2.1", .dst = "198.51.100.2", .proto = protos[i],
				     .sport = 1234, .dport = 80, .tcp_flags = SFW_TCP_SYN,
				     .tcp_opts = 8, .ip_opts = 4, .payload = 33, .trailer = 3 };

		build_and_verify(&s);
		s.src = "2001:db8::1";
		s.dst = "2001:db8::2";
		s.ip_opts = 0;
		s.n_ext = 2;
		s.ext[0] = SFW_IPPROTO_HOPOPTS;
		s.ext[1] = SFW_IPPROTO_DSTOPTS;
		build_and_verify(&s);
	}
	build_and_verify(&(struct pb_spec){ .src = "192.0.2.1", .dst = "192.0.2.2",
		.proto = SFW_IPPROTO_ICMP, .icmp_type = SFW_ICMP_ECHO, .icmp_id = 1, .payload = 7 });
	build_and_verify(&(struct pb_spec){ .src = "2001:db8::1", .dst = "2001:db8::2",
		.proto = SFW_IPPROTO_ICMP6, .icmp_type = SFW_ICMPV6_ECHO_REQUEST, .payload = 7 });
}

/* The SCTP CRC32c covers the whole packet: one flipped bit breaks it. */
Test(pktbuild, sctp_crc_detects_corruption)
{
	struct pb_spec s = { .src = "192.0.2.1", .dst = "192.0.2.2", .proto = SFW_IPPROTO_SCTP,
			     .sport = 1, .dport = 2, .payload = 20 };
	struct pb_pkt p;

	cr_assert_eq(pb_build(&s, &p), 0);
	cr_assert_eq(pb_verify_csums(&p, &s), 0);
	p.data[p.hdr_end] ^= 1;
	cr_assert_eq(pb_verify_csums(&p, &s), -EBADMSG);
}

Test(pktbuild, icmp_error_quotes_inner_packet)
{
	struct pb_spec in = { .src = "192.0.2.1", .dst = "198.51.100.2", .proto = SFW_IPPROTO_UDP,
			      .sport = 7, .dport = 9, .payload = 100 };
	struct pb_spec err = { .src = "198.51.100.2", .dst = "192.0.2.1", .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3, .inner = &in,
			       .inner_quote = 28 };
	struct pb_pkt p, q;

	cr_assert_eq(pb_build(&err, &p), 0);
	cr_assert_eq(pb_build(&in, &q), 0);
	cr_assert_eq(p.l3_len, 20 + 8 + 28);
	cr_assert_eq(memcmp(p.data + p.hdr_end, q.data + q.l3_off, 28), 0);
	cr_assert_eq(pb_verify_csums(&p, &err), 0);
}

Test(pktbuild, qinq_tags_and_offsets)
{
	struct pb_spec s = { .nvlan = 2, .vlan_id = { 100, 200 }, .src = "2001:db8::1",
			     .dst = "2001:db8::2", .proto = SFW_IPPROTO_TCP, .n_ext = 1,
			     .ext = { SFW_IPPROTO_FRAGMENT }, .more_frags = true };
	struct pb_pkt p;

	cr_assert_eq(pb_build(&s, &p), 0);
	cr_assert_eq(rd16(&p, 12), SFW_ETH_P_8021AD);
	cr_assert_eq(rd16(&p, 14), 100);
	cr_assert_eq(rd16(&p, 16), SFW_ETH_P_8021Q);
	cr_assert_eq(rd16(&p, 18), 200);
	cr_assert_eq(rd16(&p, 20), SFW_ETH_P_IPV6);
	cr_assert_eq(p.l3_off, 22);
	cr_assert_eq(p.data[p.l3_off + 6], SFW_IPPROTO_FRAGMENT);
	cr_assert_eq(p.l4_off, 22 + 40 + 8);
	cr_assert_eq(p.data[p.l3_off + 40], SFW_IPPROTO_TCP);
	cr_assert_eq(rd16(&p, p.l3_off + 42), 1, "offset 0, more fragments");
	cr_assert_eq(p.hdr_end, p.l4_off + 20);
}

Test(pktbuild, reverse_swaps_and_answers_echo)
{
	struct pb_spec s = { .src = "192.0.2.1", .dst = "192.0.2.2", .proto = SFW_IPPROTO_ICMP,
			     .icmp_type = SFW_ICMP_ECHO, .icmp_id = 5 };
	struct pb_spec r = pb_reverse(&s);

	cr_assert_str_eq(r.src, s.dst);
	cr_assert_str_eq(r.dst, s.src);
	cr_assert_eq(r.icmp_type, SFW_ICMP_ECHOREPLY);
	cr_assert_eq(r.icmp_id, 5);
	cr_assert_eq(pb_reverse(&r).icmp_type, SFW_ICMP_ECHO);
}

Test(pktbuild, rejects_bad_specs)
{
	struct pb_pkt p;

	cr_assert_eq(pb_build(&(struct pb_spec){ .src = "192.0.2.1", .dst = "2001:db8::1" }, &p),
		     -EINVAL, "mixed families");
	cr_assert_eq(pb_build(&(struct pb_spec){ .src = "192.0.2.1", .dst = "192.0.2.2",
						 .ip_opts = 3 }, &p), -EINVAL);
	cr_assert_eq(pb_build(&(struct pb_spec){ .src = "192.0.2.1", .dst = "192.0.2.2",
						 .payload = PB_MAX }, &p), -EINVAL);
	cr_assert_eq(pb_build(&(struct pb_spec){ .src = "192.0.2.300", .dst = "192.0.2.2" }, &p),
		     -EINVAL);
}

/* Fragments carry the datagram's bytes in order, with the headers a
 * sending stack writes: IPv4 offset and MF with a valid header checksum,
 * or an IPv6 fragment header after the unfragmentable part. */
static void fragments_reassemble(const struct pb_spec *s, __u16 bytes, int want)
{
	struct pb_pkt whole, f[8];
	bool v6 = pb_is_v6(s);
	__u32 data = 0;
	int n = pb_fragment(s, bytes, f, 8);

	cr_assert_eq(pb_build(s, &whole), 0);
	cr_assert_eq(n, want);
	for (int i = 0; i < n; i++) {
		const __u8 *ip = f[i].data + f[i].l3_off;
		__u32 len = f[i].len - f[i].l4_off;
		__u16 fo = v6 ? rd16(&f[i], f[i].l4_off - 6) : rd16(&f[i], f[i].l3_off + 6);
		bool more = v6 ? fo & 1 : fo & SFW_IP_MF;

		cr_assert_eq(v6 ? fo & 0xfff8 : (fo & SFW_IP_OFFSET) * 8, data, "offset of %d", i);
		cr_assert_eq(more, i + 1 < n, "more fragments flag of %d", i);
		cr_assert_eq(f[i].l3_len, f[i].len - f[i].l3_off);
		if (v6) {
			cr_assert_eq(rd16(&f[i], f[i].l3_off + 4), f[i].l3_len - 40);
			cr_assert_eq(rd16(&f[i], f[i].l4_off - 4), 0x89ab, "identification");
			cr_assert_eq(rd16(&f[i], f[i].l4_off - 2), 0xcdef);
		} else {
			cr_assert_eq(rd16(&f[i], f[i].l3_off + 2), f[i].l3_len);
			cr_assert_eq(rd16(&f[i], f[i].l3_off + 4), 0x1234, "identification");
			cr_assert_eq(pb_csum(ip, 20, 0), 0, "header checksum of %d", i);
		}
		cr_assert_arr_eq(f[i].data + f[i].l4_off, whole.data + whole.l4_off + data, len);
		data += len;
	}
	cr_assert_eq(data, whole.l3_off + whole.l3_len - whole.l4_off, "every byte once");
}

Test(pktbuild, ipv4_fragments)
{
	fragments_reassemble(&(struct pb_spec){ .src = "192.0.2.1", .dst = "192.0.2.2",
		.proto = SFW_IPPROTO_UDP, .sport = 1, .dport = 2, .payload = 3000,
		.ip_id = 0x1234 }, 1480, 3);
}

Test(pktbuild, ipv6_fragments_after_extension_header)
{
	struct pb_spec s = { .src = "2001:db8::1", .dst = "2001:db8::2", .proto = SFW_IPPROTO_TCP,
			     .n_ext = 1, .ext = { SFW_IPPROTO_HOPOPTS }, .payload = 100,
			     .frag_id = 0x89abcdef };
	struct pb_pkt f[8];

	fragments_reassemble(&s, 48, 3);
	cr_assert_eq(pb_fragment(&s, 48, f, 8), 3);
	cr_assert_eq(f[0].data[f[0].l3_off + 6], SFW_IPPROTO_HOPOPTS);
	cr_assert_eq(f[0].data[f[0].l3_off + 40], SFW_IPPROTO_FRAGMENT, "after hop-by-hop");
	cr_assert_eq(f[0].data[f[0].l3_off + 48], SFW_IPPROTO_TCP, "what the fragments carry");
}

Test(pktbuild, fragment_rejects_bad_requests)
{
	struct pb_spec s = { .src = "192.0.2.1", .dst = "192.0.2.2", .proto = SFW_IPPROTO_UDP,
			     .payload = 100 };
	struct pb_pkt f[2];

	cr_assert_eq(pb_fragment(&s, 12, f, 2), -EINVAL, "not a multiple of 8");
	cr_assert_eq(pb_fragment(&s, 8, f, 2), -EINVAL, "more fragments than room");
	s.more_frags = true;
	cr_assert_eq(pb_fragment(&s, 64, f, 2), -EINVAL, "already a fragment");
}

/* ToS, traffic class and flow label where the headers keep them (what
 * policy routing reads: tests/bpf/test_route_judged.c), IPv4's checksum
 * over its ToS. */
Test(pktbuild, tos_and_flow_label_in_place)
{
	struct pb_spec v4 = { .src = "198.51.100.2", .dst = "203.0.113.2",
			      .proto = SFW_IPPROTO_UDP, .tos = 0xb8 };
	struct pb_spec v6 = { .src = "2001:db8:1::2", .dst = "2001:db8:2::2",
			      .proto = SFW_IPPROTO_UDP, .tos = 0xb8, .flow_label = 0xabcde };
	struct pb_pkt p;

	build_and_verify(&v4);
	cr_assert_eq(pb_build(&v4, &p), 0);
	cr_assert_eq(p.data[p.l3_off + 1], 0xb8);
	cr_assert_eq(pb_build(&v6, &p), 0);
	cr_assert_eq(rd16(&p, p.l3_off) << 16 | rd16(&p, p.l3_off + 2), 0x6b8abcde);
	v6.flow_label = 0x100000;
	cr_assert_eq(pb_build(&v6, &p), -EINVAL, "a flow label is 20 bits");
}
