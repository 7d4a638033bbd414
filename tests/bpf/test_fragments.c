/* Fragments get the verdict of their datagram (docs/security.md
 * "Fragments"): the first fragment is decided like any first packet and
 * remembered; later fragments follow its session, counted on its wing,
 * or are dropped as Fragments without first fragment. Tiny first
 * fragments and later fragments overlapping the L4 header are dropped as
 * Tiny or overlapping fragments. Datagrams are cut by pb_fragment() as a
 * sending stack would cut them. */
#include <bpf/bpf.h>
#include "frag.h"
#include "maps.h"
#include "suite.h"

TestSuite(fragments, .init = suite_setup, .fini = suite_teardown);

#define NFRAG 8
#define HOST_SENT NULL   /* fx_tc options: sent by the host itself */

/* A UDP datagram of `payload` bytes, client to server. */
static struct pb_spec udp_dgram(bool v6, __u16 payload)
{
	return (struct pb_spec){
		.src = v6 ? CLI6 : CLI4, .dst = v6 ? SRV6 : SRV4, .proto = SFW_IPPROTO_UDP,
		.sport = 30000, .dport = 53, .payload = payload, .ip_id = 0x1234,
		.frag_id = 0x89abcdef,
	};
}

/* An echo request as `ping -s size` sends it (the frames a test run
 * takes keep size under PB_MAX). */
static struct pb_spec ping_dgram(bool v6, __u16 size)
{
	return (struct pb_spec){
		.src = v6 ? CLI6 : CLI4, .dst = v6 ? SRV6 : SRV4,
		.proto = v6 ? SFW_IPPROTO_ICMP6 : SFW_IPPROTO_ICMP,
		.icmp_type = v6 ? SFW_ICMPV6_ECHO_REQUEST : SFW_ICMP_ECHO, .icmp_id = 4242,
		.icmp_seq = 1, .payload = size, .ip_id = 0x4321, .frag_id = 0x01020304,
	};
}

/* Cuts as a 1500-byte MTU would: 1480 bytes of payload per IPv4
 * fragment, 1448 per IPv6 one (40 + 8 of fragment header, rounded). */
static int cut(const struct pb_spec *s, struct pb_pkt *f)
{
	int n = pb_fragment(s, pb_is_v6(s) ? 1448 : 1480, f, NFRAG);

	cr_assert_gt(n, 1, "the datagram must need fragments: %d", n);
	return n;
}

static int xdp_pkt(const struct pb_pkt *p) { return fx_xdp_frame(p->data, p->len); }
static int tc_pkt(const struct pb_pkt *p) { return fx_tc_frame(p->data, p->len, HOST_SENT); }

static __u64 l3_bytes(const struct pb_pkt *f, int from, int n)
{
	__u64 b = 0;

	for (int i = from; i < n; i++)
		b += f[i].l3_len;
	return b;
}

static int frag_map_fd(void)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_FRAGS));

	cr_assert_geq(fd, 0, "no fragment map");
	return fd;
}

static int frag_entries(void)
{
	struct sfw_frag_key k, next;
	int fd = frag_map_fd(), n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

/* Moves every remembered datagram past its timeout. */
static void expire_datagrams(void)
{
	struct sfw_frag_key k, next;
	struct sfw_frag v;
	int fd = frag_map_fd();
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		cr_assert_eq(bpf_map_lookup_elem(fd, &k, &v), 0);
		v.expires_ns = 1;
		cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
	}
}

/* ---- later fragments without their first -------------------------------- */

/* Whatever the policy: no first fragment, no way through, at either hook. */
static void later_alone(bool v6, enum sfw_default_policy policy)
{
	struct pb_spec s = udp_dgram(v6, 3000);
	struct pb_pkt f[NFRAG];
	int n = cut(&s, f);

	cr_assert_eq(fx_set_policy(policy), 0);
	for (int i = 1; i < n; i++) {
		cr_assert_eq(xdp_pkt(&f[i]), FX_XDP_DROP, "XDP passed fragment %d alone", i);
		cr_assert_eq(tc_pkt(&f[i]), FX_TC_SHOT, "tc passed fragment %d alone", i);
	}
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 2 * (n - 1));
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 0);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), 0);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(frag_entries(), 0);
}

Test(fragments, ipv4_later_alone_dropped_permit_all) { later_alone(false, SFW_POLICY_PERMIT_ALL); }
Test(fragments, ipv4_later_alone_dropped_deny_all) { later_alone(false, SFW_POLICY_DENY_ALL); }
Test(fragments, ipv6_later_alone_dropped_permit_all) { later_alone(true, SFW_POLICY_PERMIT_ALL); }
Test(fragments, ipv6_later_alone_dropped_deny_all) { later_alone(true, SFW_POLICY_DENY_ALL); }

/* Out of order: a later fragment before its first is dropped; the rest of
 * the datagram still follows the first once it comes. */
Test(fragments, later_before_first_dropped)
{
	struct pb_spec s = udp_dgram(false, 3000);
	struct pb_pkt f[NFRAG];
	int n = cut(&s, f);

	cr_assert_eq(xdp_pkt(&f[n - 1]), FX_XDP_DROP);
	cr_assert_eq(xdp_pkt(&f[0]), FX_XDP_PASS);
	for (int i = 1; i < n; i++)
		cr_assert_eq(xdp_pkt(&f[i]), FX_XDP_PASS, "fragment %d after its first", i);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), n);
}

/* ---- a permitted datagram ----------------------------------------------- */

/* Every fragment passes and counts on the In wing and the interface, as
 * the first fragment's direction does. */
static void datagram_in(const struct pb_spec *s)
{
	struct pb_pkt f[NFRAG];
	struct sfw_session sess;
	int n = cut(s, f);
	__u64 bytes = l3_bytes(f, 0, n);

	for (int i = 0; i < n; i++)
		cr_assert_eq(xdp_pkt(&f[i]), FX_XDP_PASS, "fragment %d of %d", i, n);
	GET_SESSION(s, &sess);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, n);
	cr_assert_eq(sess.wing[SFW_WING_IN].bytes, bytes);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, 0);
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), n);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_IN_PKTS), n);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_IN_BYTES), bytes);
	cr_assert_eq(fx_counter(SFW_CNT_IN_PERMITTED_BYTES), bytes);
	cr_assert_eq(fx_counter(SFW_CNT_IN_CONNECTIONS), 1, "one session for the datagram");
	cr_assert_eq(frag_entries(), 1);
}

Test(fragments, ipv4_udp_datagram_follows_first)
{
	struct pb_spec s = udp_dgram(false, 3000);

	datagram_in(&s);
}

Test(fragments, ipv6_udp_datagram_follows_first)
{
	struct pb_spec s = udp_dgram(true, 3000);

	datagram_in(&s);
}

Test(fragments, ipv4_ping_large_follows_first)
{
	struct pb_spec s = ping_dgram(false, 3000);

	datagram_in(&s);
	cr_assert_eq(fx_counter(SFW_CNT_IN_ICMP), 3, "every fragment of ICMP counts as ICMP");
}

Test(fragments, ipv6_ping_large_follows_first)
{
	struct pb_spec s = ping_dgram(true, 3000);

	datagram_in(&s);
}

/* The reply, fragmented too, follows the same session on the Out wing:
 * the ping's reply here, a large DNS answer below. */
static void reply_follows(const struct pb_spec *q)
{
	struct pb_spec a = pb_reverse(q);
	struct pb_pkt qf[NFRAG], af[NFRAG];
	struct sfw_session sess;
	int nq = cut(q, qf), na;

	a.ip_id = 0x7777;
	a.frag_id = 0x77777777;
	na = cut(&a, af);
	for (int i = 0; i < nq; i++)
		cr_assert_eq(xdp_pkt(&qf[i]), FX_XDP_PASS);
	for (int i = 0; i < na; i++)
		cr_assert_eq(xdp_pkt(&af[i]), FX_XDP_PASS, "reply fragment %d", i);
	GET_SESSION(q, &sess);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, nq);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, na);
	cr_assert_eq(sess.wing[SFW_WING_OUT].bytes, l3_bytes(af, 0, na));
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), nq + na);
}

Test(fragments, ipv4_ping_reply_follows_session)
{
	struct pb_spec q = ping_dgram(false, 3000);

	reply_follows(&q);
}

Test(fragments, ipv6_ping_reply_follows_session)
{
	struct pb_spec q = ping_dgram(true, 3000);

	reply_follows(&q);
}

Test(fragments, ipv4_udp_reply_after_small_query)
{
	struct pb_spec q = udp_dgram(false, 40);
	struct pb_spec a = pb_reverse(&q);
	struct pb_pkt af[NFRAG];
	struct sfw_session sess;
	int n;

	a.payload = 3200;
	n = cut(&a, af);
	cr_assert_eq(fx_xdp(&q), FX_XDP_PASS);
	for (int i = 0; i < n; i++)
		cr_assert_eq(xdp_pkt(&af[i]), FX_XDP_PASS, "answer fragment %d", i);
	GET_SESSION(&q, &sess);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, n);
}

/* ---- a refused datagram ------------------------------------------------- */

Test(fragments, refused_first_then_later_dropped)
{
	struct pb_spec s = udp_dgram(false, 3000);
	struct pb_pkt f[NFRAG];
	int n = cut(&s, f);

	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
	for (int i = 0; i < n; i++)
		cr_assert_eq(xdp_pkt(&f[i]), FX_XDP_DROP, "fragment %d of a refused datagram", i);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 1, "the first fragment");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_NO_FIRST), n - 1, "the later ones");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 0);
	cr_assert_eq(frag_entries(), 0, "a refused datagram is not remembered");
}

/* A datagram is its identification: the later fragments of another
 * datagram of the same flow, whose first was never seen, find nothing. */
Test(fragments, other_datagram_id_not_followed)
{
	struct pb_spec s = udp_dgram(true, 3000);
	struct pb_pkt f[NFRAG], g[NFRAG];

	cut(&s, f);
	s.frag_id++;
	cut(&s, g);
	cr_assert_eq(xdp_pkt(&f[0]), FX_XDP_PASS);
	cr_assert_eq(xdp_pkt(&g[1]), FX_XDP_DROP, "another identification");
	cr_assert_eq(xdp_pkt(&f[1]), FX_XDP_PASS);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}

/* IPv4 identifies a datagram by its protocol too (RFC 791). */
Test(fragments, ipv4_other_protocol_not_followed)
{
	struct pb_spec s = udp_dgram(false, 3000);
	struct pb_spec o = s;
	struct pb_pkt f[NFRAG], g[NFRAG];

	o.proto = SFW_IPPROTO_GRE;
	cut(&s, f);
	cut(&o, g);
	cr_assert_eq(xdp_pkt(&f[0]), FX_XDP_PASS);
	cr_assert_eq(xdp_pkt(&g[1]), FX_XDP_DROP, "same id, another protocol");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}

/* The session ends (expires), or is replaced by a new one of the same
 * flow: the datagram's remaining fragments are dropped. */
Test(fragments, session_gone_later_dropped)
{
	struct pb_spec s = udp_dgram(false, 3000);
	struct pb_pkt f[NFRAG];

	cr_assert_eq(cut(&s, f), 3);
	cr_assert_eq(fx_set_timeout(SFW_TO_UDP, 5), 0);
	cr_assert_eq(xdp_pkt(&f[0]), FX_XDP_PASS);
	cr_assert_eq(xdp_pkt(&f[1]), FX_XDP_PASS);
	cr_assert_eq(fx_age(&s, 6), 0);
	cr_assert_eq(xdp_pkt(&f[2]), FX_XDP_DROP, "session expired");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}

Test(fragments, session_replaced_later_dropped)
{
	struct pb_spec s = udp_dgram(false, 3000);
	struct pb_spec small = udp_dgram(false, 10);
	struct pb_pkt f[NFRAG];

	cut(&s, f);
	cr_assert_eq(fx_set_timeout(SFW_TO_UDP, 5), 0);
	cr_assert_eq(xdp_pkt(&f[0]), FX_XDP_PASS);
	cr_assert_eq(fx_age(&s, 6), 0);
	cr_assert_eq(fx_xdp(&small), FX_XDP_PASS, "a new session of the same flow");
	cr_assert_eq(xdp_pkt(&f[1]), FX_XDP_DROP, "the datagram's session is gone");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}

/* Past the reassembly time the receiver keeps, the datagram is gone. */
Test(fragments, datagram_timeout_later_dropped)
{
	struct pb_spec s = udp_dgram(true, 3000);
	struct pb_pkt f[NFRAG];

	cut(&s, f);
	cr_assert_eq(xdp_pkt(&f[0]), FX_XDP_PASS);
	cr_assert_eq(xdp_pkt(&f[1]), FX_XDP_PASS);
	expire_datagrams();
	cr_assert_eq(xdp_pkt(&f[2]), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}

/* ---- tiny and overlapping fragments (RFC 1858, RFC 3128) ---------------- */

static void expect_tiny(const struct pb_pkt *p, const char *what)
{
	__u64 t = fx_counter(SFW_CNT_SFW_ERR_FRAG_TINY);

	cr_assert_eq(xdp_pkt(p), FX_XDP_DROP, "XDP passed %s", what);
	cr_assert_eq(tc_pkt(p), FX_TC_SHOT, "tc passed %s", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_TINY), t + 2, "%s not counted", what);
}

/* A SYN cut into 8-byte fragments: the first holds no TCP flags. */
Test(fragments, tiny_tcp_first_fragment)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP, .sport = 1025,
			     .dport = 22, .tcp_flags = SFW_TCP_SYN, .ip_id = 9 };
	struct pb_pkt f[NFRAG];
	int n = pb_fragment(&s, 8, f, NFRAG);

	cr_assert_eq(n, 3);
	expect_tiny(&f[0], "an 8-byte TCP first fragment");
	expect_tiny(&f[1], "a TCP fragment at offset 8 (RFC 1858)");
	expect_tiny(&f[2], "a TCP fragment at offset 16");
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 0);
}

/* The TCP options belong to the header: 24 of 32 bytes are not enough. */
Test(fragments, tiny_tcp6_first_fragment_without_options)
{
	struct pb_spec s = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_TCP, .sport = 1025,
			     .dport = 22, .tcp_flags = SFW_TCP_SYN, .tcp_opts = 12, .payload = 100 };
	struct pb_pkt f[NFRAG];

	cr_assert_gt(pb_fragment(&s, 24, f, NFRAG), 1);
	expect_tiny(&f[0], "a TCP first fragment cut inside its options");
	cr_assert_eq(fx_session_count(), 0);
}

/* The whole header is enough: 8 bytes hold a UDP or ICMP header. */
Test(fragments, eight_byte_udp_first_fragment_not_tiny)
{
	struct pb_spec s = udp_dgram(false, 40);
	struct pb_pkt f[NFRAG];
	int n = pb_fragment(&s, 8, f, NFRAG);

	for (int i = 0; i < n; i++)
		cr_assert_eq(xdp_pkt(&f[i]), FX_XDP_PASS, "fragment %d", i);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_TINY), 0);
}

/* A later fragment starting inside the first one's TCP header (options
 * included) would rewrite it in reassembly: dropped, even with a first. */
Test(fragments, overlapping_tcp_header_dropped)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP, .sport = 1025,
			     .dport = 22, .tcp_flags = SFW_TCP_SYN, .tcp_opts = 12, .payload = 100,
			     .ip_id = 11 };
	struct pb_spec over = s;
	struct pb_pkt f[NFRAG], o;
	int n = pb_fragment(&s, 40, f, NFRAG);

	over.frag_off = 24;   /* inside the 32-byte header */
	over.more_frags = true;
	over.payload = 16;
	cr_assert_eq(pb_build(&over, &o), 0);
	cr_assert_eq(xdp_pkt(&f[0]), FX_XDP_PASS, "the first fragment holds the header");
	expect_tiny(&o, "a fragment over the TCP options");
	for (int i = 1; i < n; i++)
		cr_assert_eq(xdp_pkt(&f[i]), FX_XDP_PASS, "fragment %d", i);
}

/* IPv6 offsets count from the end of the Fragment header: with a
 * Destination Options header after it, the first fragment's UDP header
 * sits at [8, 16) of the fragmentable part, and a later fragment at
 * offset 8 would rewrite its ports (the red team's v6_overlap_dstopts).
 * The attacker also picks the later fragment's next header: a Destination
 * Options one (60) names no L4 header at all. Dropped either way; a
 * fragment starting after the UDP header follows the datagram. */
static void dstopts_overlap(__u8 later_nh)
{
	struct pb_spec first = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
				 .sport = 40002, .dport = 53, .payload = 8, .n_ext = 2,
				 .ext = { SFW_IPPROTO_FRAGMENT, SFW_IPPROTO_DSTOPTS },
				 .more_frags = true, .frag_id = 0xc0ffee };
	struct pb_spec later = { .src = CLI6, .dst = SRV6, .proto = later_nh, .n_ext = 1,
				 .ext = { SFW_IPPROTO_FRAGMENT }, .frag_id = 0xc0ffee,
				 .frag_off = 8, .more_frags = true, .payload = 32 };
	struct pb_spec tail = later;
	struct pb_pkt f, o, t;

	tail.frag_off = 24;
	tail.more_frags = false;
	cr_assert_eq(pb_build(&first, &f), 0);
	cr_assert_eq(pb_build(&later, &o), 0);
	cr_assert_eq(pb_build(&tail, &t), 0);
	cr_assert_eq(xdp_pkt(&f), FX_XDP_PASS, "the first fragment holds the UDP header");
	cr_assert_eq(xdp_pkt(&o), FX_XDP_DROP, "a fragment over the UDP header passed");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_TINY), 1);
	cr_assert_eq(xdp_pkt(&t), FX_XDP_PASS, "the datagram's tail");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 2);
}

Test(fragments, ipv6_overlap_behind_destination_options_dropped)
{
	dstopts_overlap(SFW_IPPROTO_UDP);
}

Test(fragments, ipv6_overlap_with_a_later_next_header_of_no_l4_dropped)
{
	dstopts_overlap(SFW_IPPROTO_DSTOPTS);
}

/* ---- host-sent fragments through tc egress ------------------------------ */

Test(fragments, host_sent_datagram_at_tc)
{
	struct pb_spec s = udp_dgram(false, 3000);
	struct pb_spec a = pb_reverse(&s);
	struct pb_pkt f[NFRAG], af[NFRAG];
	struct sfw_session sess;
	int n = cut(&s, f), na;

	a.ip_id = 0x5555;
	na = cut(&a, af);
	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);   /* self traffic all the same */
	for (int i = 0; i < n; i++)
		cr_assert_eq(tc_pkt(&f[i]), FX_TC_OK, "host fragment %d", i);
	for (int i = 0; i < na; i++)
		cr_assert_eq(xdp_pkt(&af[i]), FX_XDP_PASS, "reply fragment %d", i);
	GET_SESSION(&s, &sess);
	cr_assert(sess.flags & SFW_SESS_F_LOCAL);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, n);
	cr_assert_eq(sess.wing[SFW_WING_IN].bytes, l3_bytes(f, 0, n));
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, na);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_OUT_PKTS), n);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_OUT_BYTES), l3_bytes(f, 0, n));
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), n + na);
}

/* A host-sent later fragment whose first was never sent: dropped. */
Test(fragments, host_sent_later_alone_dropped)
{
	struct pb_spec s = udp_dgram(true, 3000);
	struct pb_pkt f[NFRAG];

	cut(&s, f);
	cr_assert_eq(tc_pkt(&f[1]), FX_TC_SHOT);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}

/* Forwarded from an attached interface whose XDP hook never saw them
 * (bpf/tc_judged.bpf.h): the first fragment is judged here and records
 * its datagram; the later ones follow that record, only counted. */
Test(fragments, forwarded_fragments_only_counted_at_tc)
{
	struct fx_tc_opts fwd = { .ingress_ifindex = 5 };
	struct pb_spec s = udp_dgram(false, 3000);
	struct pb_pkt f[NFRAG];
	struct sfw_session v;
	int n = cut(&s, f);

	cr_assert_eq(fx_mark_attached(5), 0);
	for (int i = 0; i < n; i++)
		cr_assert_eq(fx_tc_frame(f[i].data, f[i].len, &fwd), FX_TC_OK);
	cr_assert_eq(fx_counter(SFW_CNT_TRANSIT_OUT_PKTS), n);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 0);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 1, "the first fragment's judgement");
	GET_SESSION(&s, &v);
	cr_assert_eq(v.wing[SFW_WING_IN].packets, 1);
}

/* ---- what is not a fragment --------------------------------------------- */

/* An IPv6 atomic fragment (offset 0, M clear: RFC 6946) is a whole packet,
 * and unfragmented packets never touch the fragment map. */
Test(fragments, atomic_and_unfragmented_not_remembered)
{
	struct pb_spec atomic = udp_dgram(true, 100);
	struct pb_spec plain = udp_dgram(false, 100);

	atomic.n_ext = 1;
	atomic.ext[0] = SFW_IPPROTO_FRAGMENT;
	cr_assert_eq(fx_xdp(&atomic), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&plain), FX_XDP_PASS);
	cr_assert_eq(fx_tc(&plain, HOST_SENT), FX_TC_OK);
	cr_assert_eq(fx_session_count(), 2);
	cr_assert_eq(frag_entries(), 0);
}
