/* Source NAT of datagrams their sender fragmented (docs/nat.md
 * "Fragments"), in BPF_PROG_TEST_RUN on tests/bpf/nat_fixture.h's veth
 * pair: fa (trust) where clients send from, fb (untrust, 203.0.113.1,
 * what source-nat interface translates to) toward the servers. A
 * client's fragments go up to the stack untranslated and leave
 * translated by tc egress; a reply's are translated in XDP, its first
 * fragment address and port, its later ones by their datagram's record.
 * The datagrams are reassembled here and their L4 checksums recomputed
 * by code that shares nothing with the datapath (tests/lib/pktbuild.c,
 * sum16). */
#include <arpa/inet.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "frag.h"
#include "loader.h"
#include "reap.h"

TestSuite(nat_frag, .init = nat_setup, .fini = suite_teardown);


static int tc_forwarded(const struct pb_pkt *in, struct pb_pkt *out)
{
	return tc_at(out_if, in_if, in, out);
}

/* The client's fragments of a big datagram, sent through XDP on fa and
 * tc egress on fb: each leaves from fb's address, the first with the
 * session's port; n fragments. */
static int client_sends(const struct pb_spec *big, struct pb_pkt *tx)
{
	struct pb_pkt fr[4], up;
	int n = pb_fragment(big, NAT_FRAG_BYTES, fr, 4);

	cr_assert_eq(n, 3);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(xdp_at(in_if, &fr[i], &up), FX_XDP_PASS, "fragment %d up", i);
		cr_assert_eq(memcmp(up.data, fr[i].data, fr[i].len), 0,
			     "fragment %d goes up as sent", i);
		cr_assert_eq(tc_forwarded(&up, &tx[i]), FX_TC_OK, "fragment %d leaves", i);
		cr_assert_eq(addr_at(&tx[i], 12), a4(FB_ADDR), "fragment %d from fb", i);
	}
	return n;
}

/* A session opened by a small datagram, then a 1,200-byte one the client
 * fragmented itself (DF clear, a smaller MTU on its side): every fragment
 * leaves translated, and the datagram reassembles with a right UDP
 * checksum over the translated addresses and port. Before: the first
 * fragment was refused at XDP under Incoming NAT errors. */
Test(nat_frag, client_fragmented_datagram_leaves_translated)
{
	const char *far = "203.0.113.9";   /* no neighbour: the stack routes */
	struct pb_spec u = udp(CLIENT_A, far, 44100, 53), big = u;
	struct pb_pkt in, up, out, tx[4];
	__u8 dgram[4096];
	__u32 len;
	__u16 pp;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	cr_assert_eq(tc_forwarded(&up, &out), FX_TC_OK);
	pp = port_at(&out, 0);
	big.payload = 1200;
	big.ip_id = 301;
	cr_assert_eq(client_sends(&big, tx), 3);
	cr_assert_eq(port_at(&tx[0], 0), pp, "the session's port");
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_UDP, dgram, &len), 0xffff,
		     "the reassembled UDP checksum");
	cr_assert_eq(len, 8 + 1200);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 0);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 4);
}

/* The client's first packet is a first fragment (a big first datagram):
 * it opens the session, reserves its port and goes up; its later
 * fragments follow. */
Test(nat_frag, first_fragment_opens_a_translated_session)
{
	struct pb_spec big = udp(CLIENT_A, "203.0.113.9", 44200, 4500);
	struct pb_pkt tx[4];
	struct sfw_session sess;
	__u8 dgram[4096];
	__u32 len;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	big.payload = 1200;
	big.ip_id = 302;
	cr_assert_eq(client_sends(&big, tx), 3);
	GET_SESSION(&big, &sess);
	cr_assert(sess.flags & SFW_SESS_F_NAT);
	cr_assert_eq(sess.nat.src, a4(FB_ADDR));
	cr_assert_eq(port_at(&tx[0], 0), ntohs(sess.nat.sport));
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, 3, "every fragment on the In wing");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1, "one port held");
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_UDP, dgram, &len), 0xffff);
}

/* A reply the server fragmented (a big DNS answer) to fb's address and
 * the session's port: XDP translates every fragment to the client (the
 * first address and port, the later ones by their record) and passes
 * them to the stack, which forwards fragments; the datagram reassembles
 * with a right checksum over the client's tuple. Before: the first
 * fragment was refused (Incoming NAT errors) and the later ones after it
 * (no record). */
Test(nat_frag, server_fragmented_reply_reaches_the_client)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 44300, 53);
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, 44300);
	struct pb_pkt in, out, fr[8], tx[8];
	struct sfw_session sess;
	__u8 dgram[4096];
	__u32 len;
	int n;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(port_at(&out, 0), 44300, "the client's own port kept");
	r.payload = 3000;   /* an EDNS answer's size: 6 fragments */
	r.ip_id = 303;
	n = pb_fragment(&r, NAT_FRAG_BYTES, fr, 8);
	cr_assert_eq(n, 6);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(xdp_at(out_if, &fr[i], &tx[i]), FX_XDP_PASS, "fragment %d up", i);
		cr_assert_eq(addr_at(&tx[i], 12), a4(SERVER1));
		cr_assert_eq(addr_at(&tx[i], 16), a4(CLIENT_A), "fragment %d to the client", i);
	}
	cr_assert_eq(port_at(&tx[0], 2), 44300);
	cr_assert_eq(nat_frag_csum(tx, n, SFW_IPPROTO_UDP, dgram, &len), 0xffff,
		     "the reassembled UDP checksum over the client's tuple");
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, (__u64)n, "every fragment on the Out wing");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_PERMITTED_PKTS), (__u64)n);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);
}

/* A big ping through source NAT, both ways fragmented: the request's
 * fragments leave translated (identifier and ICMP checksum in the
 * first), the reply's come back to the client with its identifier. */
Test(nat_frag, fragmented_echo_both_ways)
{
	struct pb_spec req = { .src = CLIENT_A, .dst = "203.0.113.9", .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_ECHO, .icmp_id = 777, .icmp_seq = 1,
			       .payload = 1200, .ip_id = 304 };
	struct pb_spec rep = req;
	struct pb_pkt tx[4], fr[4], back[4];
	struct sfw_session sess;
	__u8 dgram[4096];
	__u32 len;
	__u16 id;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(client_sends(&req, tx), 3);
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_ICMP, dgram, &len), 0xffff,
		     "the request's ICMP checksum");
	GET_SESSION(&req, &sess);
	id = ntohs(sess.nat.sport);
	cr_assert_eq(dgram[4] << 8 | dgram[5], id, "the translated identifier");

	rep.src = "203.0.113.9";
	rep.dst = FB_ADDR;
	rep.icmp_type = SFW_ICMP_ECHOREPLY;
	rep.icmp_id = id;
	rep.ip_id = 305;
	cr_assert_eq(pb_fragment(&rep, NAT_FRAG_BYTES, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(xdp_at(out_if, &fr[i], &back[i]), FX_XDP_PASS, "reply fragment %d", i);
		cr_assert_eq(addr_at(&back[i], 16), a4(CLIENT_A));
	}
	cr_assert_eq(nat_frag_csum(back, 3, SFW_IPPROTO_ICMP, dgram, &len), 0xffff,
		     "the reply's ICMP checksum");
	cr_assert_eq(dgram[4] << 8 | dgram[5], 777, "the client's identifier back");
}

/* A first fragment goes up to the stack even with XDP forwarding on
 * (XDP sends whole packets only): toward an egress sfw is not attached
 * to, where nothing would translate it, it is refused before its
 * session, alias and port are made (docs/nat.md "Fourth review", N10). */
Test(nat_frag, first_fragment_toward_an_unattached_egress_makes_nothing)
{
	struct pb_spec big = udp(CLIENT_A, "203.0.113.9", 44600, 53);
	struct pb_pkt fr[4], up;

	cr_assert_eq(fx_mark_attached(in_if), 0);   /* fb not: nothing translates there */
	big.payload = 1200;
	big.ip_id = 310;
	cr_assert_eq(pb_fragment(&big, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(in_if, &fr[0], &up), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(fx_session_count(), 0, "no session and no alias");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0, "no port reserved");
}

/* A reply's later fragment whose first was never seen (out of order, or
 * forged) finds no record: dropped, never passed up to the host as
 * addressed to fb. */
Test(nat_frag, reply_later_fragment_without_its_first_dropped)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 44400, 53);
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, 44400);
	struct pb_pkt in, out, fr[4];

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	r.payload = 1200;
	r.ip_id = 306;
	cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[1], &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}

/* The In wing's later fragment goes up only toward an attached
 * interface, whose tc egress translates it: once the route leads out of
 * an interface sfw is not attached to, it is refused under Incoming NAT
 * errors and not counted on the session. */
Test(nat_frag, client_later_fragment_toward_an_unattached_egress_refused)
{
	struct pb_spec big = udp(CLIENT_A, "203.0.113.9", 44500, 53);
	struct pb_pkt fr[4], up;
	struct sfw_session sess;
	struct sfw_iface_key fb = { 0 };

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	big.payload = 1200;
	big.ip_id = 307;
	cr_assert_eq(pb_fragment(&big, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(in_if, &fr[0], &up), FX_XDP_PASS);
	/* fb detached meanwhile: nothing would translate there */
	fb.ifindex = out_if;
	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, SFW_STR(SFW_MAP_IFACES)), &fb), 0);
	cr_assert_eq(xdp_at(in_if, &fr[1], &up), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	GET_SESSION(&big, &sess);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, 1, "the refused fragment taken back");
}

/* Two clients' sessions with one server through fb's address, and the
 * server's fragmented answers to both under one IP id (its counter
 * wrapped, random ids, or a first fragment forged by someone who knows a
 * client's port): a NAT record sends its datagram's later fragments to
 * its own client, so the second first fragment must not take the first
 * answer's tail. Both datagrams' later fragments are dropped, as Linux's
 * reassembly drops overlapping datagrams (review rvfrag F1: A's tail
 * went to B). */
Test(nat_frag, colliding_replies_misdeliver_nothing)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 45200, 53), ub = udp(CLIENT_B, SERVER1, 45201, 53);
	struct pb_spec ra = udp(SERVER1, FB_ADDR, 53, 45200), rb = udp(SERVER1, FB_ADDR, 53, 45201);
	struct pb_pkt fa_[4], fb_[4], tx;

	two_answers_one_id(&ua, &ub, &ra, &rb, 902, fa_, fb_);
	cr_assert_eq(xdp_at(out_if, &fa_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_A));
	cr_assert_eq(xdp_at(out_if, &fb_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_B));
	cr_assert_eq(xdp_at(out_if, &fa_[1], &tx), FX_XDP_DROP, "A's tail, to %08x",
		     ntohl(addr_at(&tx, 16)));
	cr_assert_eq(xdp_at(out_if, &fb_[1], &tx), FX_XDP_DROP, "B's tail");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_TINY), 2);
	/* a third first fragment under the identity changes nothing until
	 * it expires */
	cr_assert_eq(xdp_at(out_if, &fa_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(xdp_at(out_if, &fa_[2], &tx), FX_XDP_DROP);
}

/* The host's own answer (its resolver's, on a session the host opened
 * from fb's address) and a NAT answer's first fragment under the same
 * id from the same server: the host's later fragment is neither
 * rewritten to the LAN client nor passed (review rvfrag F1). */
Test(nat_frag, a_nat_record_takes_no_host_datagrams_tail)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 45600, 53), hq = udp(FB_ADDR, SERVER1, 33333, 53);
	struct pb_spec hr = udp(SERVER1, FB_ADDR, 53, 33333), ra = udp(SERVER1, FB_ADDR, 53, 45600);
	struct pb_pkt in, out, fh[4], fa_[4], tx;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &ua, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(pb_build(&hq, &in), 0);
	cr_assert_eq(tc_at(out_if, 0, &in, &out), FX_TC_OK, "the host's own query");
	hr.payload = ra.payload = 1200;
	hr.ip_id = ra.ip_id = 906;
	cr_assert_eq(pb_fragment(&hr, NAT_FRAG_BYTES, fh, 4), 3);
	cr_assert_eq(pb_fragment(&ra, NAT_FRAG_BYTES, fa_, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fh[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(FB_ADDR));
	cr_assert_eq(xdp_at(out_if, &fa_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(xdp_at(out_if, &fh[1], &tx), FX_XDP_DROP, "the host's tail, to %08x",
		     ntohl(addr_at(&tx, 16)));
	cr_assert_eq(addr_at(&tx, 16), a4(FB_ADDR), "not rewritten");
}

/* Client query u translated (its session opened), and its server's
 * 1,200-byte answer under IP id, cut in three fragments into fr. */
static void answer_in_three(const struct pb_spec *u, __u16 id, struct pb_pkt fr[4])
{
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, u->sport);
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, u, &in, &out), FX_XDP_REDIRECT);
	r.payload = 1200;
	r.ip_id = id;
	cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
}

/* The session cleared between the answer's first and later fragments:
 * the later one is dropped, never passed up to fb's own address. */
Test(nat_frag, reply_later_fragment_after_clear_dropped)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 45300, 53);
	struct pb_pkt fr[4], tx;

	answer_in_three(&u, 903, fr);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS);
	nat_evict(&u);
	cr_assert_eq(xdp_at(out_if, &fr[1], &tx), FX_XDP_DROP);
}

/* Each wing's later fragments from its own zone only: the answer's
 * forged on the LAN side, the client's on the WAN side, are dropped. */
Test(nat_frag, later_fragments_from_the_other_zone_dropped)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 45400, 53), r = udp(SERVER1, FB_ADDR, 53, 45400);
	struct pb_spec big = udp(CLIENT_A, "203.0.113.9", 45500, 53);
	struct pb_pkt in, out, fr[4], tx;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	r.payload = big.payload = 1200;
	r.ip_id = 904;
	big.ip_id = 905;
	cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS);
	cr_assert_eq(xdp_at(in_if, &fr[1], &tx), FX_XDP_DROP, "the answer's tail from the LAN");
	cr_assert_eq(pb_fragment(&big, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(in_if, &fr[0], &tx), FX_XDP_PASS);
	cr_assert_eq(xdp_at(out_if, &fr[1], &tx), FX_XDP_DROP, "the client's tail from the WAN");
}

/* Moves the record of key (src, dst, id, UDP) back by secs, as if that
 * much time had passed since it was written. */
static void frag_age(const char *src, const char *dst, __u16 id, __u32 secs)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_FRAGS));
	struct sfw_frag_key k = { .proto = SFW_IPPROTO_UDP, .family = SFW_FAMILY_INET };
	struct sfw_frag v;

	k.src.v4 = a4(src);
	k.dst.v4 = a4(dst);
	k.id = htons(id);
	if (bpf_map_lookup_elem(fd, &k, &v))
		fd = fx_map_fd(false, SFW_STR(SFW_MAP_FRAGS));
	cr_assert_eq(bpf_map_lookup_elem(fd, &k, &v), 0, "no record to age");
	v.expires_ns -= (__u64)secs * 1000000000ULL;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
}

/* A clash holds an identity for SFW_FRAG_CLASH_S, as a record does:
 * a server that reuses the id 3 s after a collision (random ids) gets its
 * new answer through whole, and a forger cannot keep the identity dead
 * for 30 s with one pair of first fragments (review rvclash, RVC-2). */
Test(nat_frag, a_clash_gives_way_to_a_new_datagram_seconds_later)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 45210, 53), ub = udp(CLIENT_B, SERVER1, 45211, 53);
	struct pb_spec ra = udp(SERVER1, FB_ADDR, 53, 45210), rb = udp(SERVER1, FB_ADDR, 53, 45211);
	struct pb_pkt fa_[4], fb_[4], tx;
	int rc;

	two_answers_one_id(&ua, &ub, &ra, &rb, 903, fa_, fb_);
	cr_assert_eq(xdp_at(out_if, &fa_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(xdp_at(out_if, &fb_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(xdp_at(out_if, &fa_[1], &tx), FX_XDP_DROP, "the clash");
	/* 3 s on (SFW_FRAG_CLASH_S is 2): A's next answer under the same id */
	frag_age(SERVER1, FB_ADDR, 903, 3);
	cr_assert_eq(xdp_at(out_if, &fa_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_A));
	rc = xdp_at(out_if, &fa_[1], &tx);
	cr_assert_eq(rc, FX_XDP_PASS, "A's new datagram's tail refused (rc %d, Tiny %llu)", rc,
		     (unsigned long long)fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_TINY));
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_A));
}

/* A flood of first fragments (any permitted session's: here an inside
 * client's own outbound datagrams, as many as the LRU of plain records
 * holds) between a NAT answer's first and later fragments evicted the
 * answer's record; a first fragment forged under its identity then made
 * a clean record, and the answer's tail went to the forger's client
 * (review rvclash, RVC-1). NAT records live apart, where nothing evicts
 * them: the forged one is a clash. */
Test(nat_frag, a_flood_of_first_fragments_evicts_no_nat_record)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 45200, 53), ub = udp(CLIENT_B, SERVER1, 45201, 53);
	struct pb_spec ra = udp(SERVER1, FB_ADDR, 53, 45200), rb = udp(SERVER1, FB_ADDR, 53, 45201);
	struct pb_spec fl = udp(CLIENT_B, SERVER2, 45300, 53);
	struct pb_pkt fa_[4], fb_[4], ff[4], tx;
	int rc;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	two_answers_one_id(&ua, &ub, &ra, &rb, 902, fa_, fb_);
	cr_assert_eq(xdp_at(out_if, &fa_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_A));
	/* B floods first fragments of its own datagrams */
	fl.payload = 600;
	for (__u32 id = 0; id < SFW_MAX_FRAGS; id++) {
		fl.ip_id = (__u16)id;
		cr_assert_eq(pb_fragment(&fl, NAT_FRAG_BYTES, ff, 4), 2);
		rc = xdp_at(in_if, &ff[0], &tx);
		cr_assert_eq(rc, FX_XDP_PASS, "flood %u: %d", id, rc);
	}
	/* the forged answer's first fragment, B's port, A's identity */
	cr_assert_eq(xdp_at(out_if, &fb_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_B));
	rc = xdp_at(out_if, &fa_[1], &tx);
	cr_assert_eq(rc, FX_XDP_DROP, "A's later fragment went to %s (rc %d)",
		     addr_at(&tx, 16) == a4(CLIENT_B) ? "CLIENT_B" : "?", rc);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_TINY), 1, "a clash");
}

/* The NAT records' hash full (a flood of NAT datagrams, or a daemon that
 * did not delete the expired): a new NAT datagram is not recorded and its
 * later fragments are dropped, not sent by an older record; once the
 * expired are deleted (the daemon's sfw_nat_frags_expire, every second)
 * one is recorded again. */
Test(nat_frag, a_full_nat_record_map_fails_closed_until_swept)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 45700, 53), r = udp(SERVER1, FB_ADDR, 53, 45700);
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_FRAGS));
	struct sfw_frag_key k = { .proto = SFW_IPPROTO_UDP, .family = SFW_FAMILY_INET };
	struct sfw_frag v = { .nat = 1, .expires_ns = 1 };   /* long expired */
	struct pb_pkt in, out, fr[4], tx;

	k.src.v4 = a4("192.0.2.99");
	for (__u32 i = 0; i < SFW_MAX_NAT_FRAGS; i++) {
		k.id = i;
		cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0, "record %u", i);
	}
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	r.payload = 1200;
	r.ip_id = 911;
	cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS, "the first fragment is judged");
	cr_assert_eq(xdp_at(out_if, &fr[1], &tx), FX_XDP_DROP, "no record: its tail dropped");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED), 1, "the refusal counted");

	/* a live record stays; the expired go */
	k.id = 0;
	v.expires_ns = sfw_coarse_now_ns() + 30 * 1000000000ULL;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
	cr_assert_eq(sfw_nat_frags_expire(fd, sfw_coarse_now_ns()), SFW_MAX_NAT_FRAGS - 1);
	cr_assert_eq(bpf_map_lookup_elem(fd, &k, &v), 0, "the live record kept");
	r.ip_id = 912;
	cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS);
	cr_assert_eq(xdp_at(out_if, &fr[1], &tx), FX_XDP_PASS, "recorded again");
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_A));
}

/* One peer of a NAT session left fragmented datagrams unfinished as fast
 * as it could, a first fragment each and never a tail: its records filled
 * sfw_nat_frags, and every client's NAT datagram lost its tail until they
 * expired (review rvsplit, RVS-2). A client and one peer make at most
 * their quota (SFW_NAT_FRAG_PAIR_RATE a second, a second's worth at once,
 * half the client's own); the rest
 * are refused and counted, and another server's answer still comes
 * through whole. */
Test(nat_frag, one_peer_cannot_fill_the_nat_records)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 45800, 53), ub = udp(CLIENT_A, SERVER2, 45801, 53);
	struct pb_spec ra = udp(SERVER1, FB_ADDR, 53, 45800), rb = udp(SERVER2, FB_ADDR, 53, 45801);
	struct pb_pkt in, out, fa_[4], fb_[4], tx;
	__u64 refused;
	int rc;

	cr_assert_eq(run_at(in_if, &ua, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &ub, &in, &out), FX_XDP_REDIRECT);
	ra.payload = rb.payload = 1200;
	for (__u32 id = 0; id < SFW_MAX_NAT_FRAGS; id++) {
		ra.ip_id = (__u16)id;
		cr_assert_eq(pb_fragment(&ra, NAT_FRAG_BYTES, fa_, 4), 3);
		cr_assert_eq(xdp_at(out_if, &fa_[0], &tx), FX_XDP_PASS, "first fragment %u", id);
	}
	rb.ip_id = 7;
	cr_assert_eq(pb_fragment(&rb, NAT_FRAG_BYTES, fb_, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fb_[0], &tx), FX_XDP_PASS);
	rc = xdp_at(out_if, &fb_[1], &tx);
	cr_assert_eq(rc, FX_XDP_PASS, "the other answer's tail (rc %d, no first %llu)", rc,
		     (unsigned long long)fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_NO_FIRST));
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_A));
	/* the other server's record made; of the peer's, a second's burst
	 * and what the loop's seconds refilled */
	refused = fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED);
	cr_assert_geq(refused, SFW_MAX_NAT_FRAGS - 8 * SFW_NAT_FRAG_PAIR_RATE,
		      "one peer made %llu of %u records",
		      (unsigned long long)(SFW_MAX_NAT_FRAGS - refused), SFW_MAX_NAT_FRAGS);
}

/* A NAT record lives SFW_FRAG_NAT_TIMEOUT_S (2 s), not the 30 s of
 * reassembly: a datagram's fragments come within milliseconds, and 30 s
 * of records filled the hash at 546 fragmented NAT datagrams a second
 * (RVS-2). A tail 3 s behind its first fragment is dropped. */
Test(nat_frag, a_nat_record_lives_two_seconds)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 45810, 53);
	struct pb_pkt fr[4], tx;

	answer_in_three(&u, 921, fr);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS);
	cr_assert_eq(xdp_at(out_if, &fr[1], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_A));
	frag_age(SERVER1, FB_ADDR, 921, 3);
	cr_assert_eq(xdp_at(out_if, &fr[2], &tx), FX_XDP_DROP, "3 s late");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}
