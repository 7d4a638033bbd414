/* Review rvquota of the NAT fragment records' quota per sender (commit
 * 7e830df, docs/nat.md "Fragments", RVS-2): what a reviewer found, each
 * kept as a test, in tests/bpf/nat_fixture.h's veth pair (fa trust, the
 * clients; fb untrust, 203.0.113.1, the servers). */
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

TestSuite(rvquota, .init = nat_setup, .fini = suite_teardown);


/* RQ-1: a source NAT reply that its server fragmented is judged and
 * translated in XDP (record (server, public address, id)) and goes up to
 * the stack, whose tc egress toward the client records it again under
 * its translated identity (server, client, id): two new identities, two
 * tokens of the server's bucket. The documented 256 fragmented NAT
 * datagrams a second per sender is 128 for every server answering a
 * translated client; here 200 answers inside the first second (the
 * bucket starts full, 256) lose their tails from about the 129th.
 * Resolved by stating the quota in records: a pair's bucket gives
 * SFW_NAT_FRAG_PAIR_RATE records a second, and a source NAT reply takes
 * two (XDP's and tc's, both in the hash), so half as many such datagrams
 * pass at once, all of them. */
Test(rvquota, a_snat_reply_costs_its_server_one_token)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 46000, 53), r = udp(SERVER1, FB_ADDR, 53, 46000);
	struct pb_pkt in, out, fr[4], up, tx;
	__u32 n = SFW_NAT_FRAG_PAIR_RATE / 2, lost = 0, first_lost = 0;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	r.payload = 1200;
	for (__u32 id = 1; id <= n; id++) {
		r.ip_id = (__u16)id;
		cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
		cr_assert_eq(xdp_at(out_if, &fr[0], &up), FX_XDP_PASS, "first fragment %u", id);
		cr_assert_eq(addr_at(&up, 16), a4(CLIENT_A));
		cr_assert_eq(tc_at(in_if, out_if, &up, &tx), FX_TC_OK, "first fragment %u sent", id);
		if (xdp_at(out_if, &fr[1], &up) != FX_XDP_PASS ||
		    tc_at(in_if, out_if, &up, &tx) != FX_TC_OK) {
			if (!lost++)
				first_lost = id;
		}
	}
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED) +
		     fx_counter_at(in_if, SFW_CNT_SFW_NAT_FRAG_REFUSED), 0,
		     "records refused: %llu at XDP, %llu at tc",
		     (unsigned long long)fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED),
		     (unsigned long long)fx_counter_at(in_if, SFW_CNT_SFW_NAT_FRAG_REFUSED));
	cr_expect_eq(lost, 0, "%u of %u answers lost their tails, the first the %uth", lost, n,
		     first_lost);
}

/* Big answers of SERVER1 to CLIENT_B: first fragments only, as fast as
 * the test runs, id from 1. */
static void b_drains_server1(__u16 port, __u32 n)
{
	struct pb_spec u = udp(CLIENT_B, SERVER1, port, 53), r = udp(SERVER1, FB_ADDR, 53, port);
	struct pb_pkt in, out, fr[4], tx;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	r.payload = 1200;
	for (__u32 id = 1; id <= n; id++) {
		r.ip_id = (__u16)id;
		cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
		cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS);
	}
}

/* SERVER1's 1,200-byte answer r to CLIENT_A under IP id: its first
 * fragment translated to A, and its tail after it. */
static void a_answer_whole(struct pb_spec *r, __u16 id)
{
	struct pb_pkt fr[4], tx;
	int rc;

	r->payload = 1200;
	r->ip_id = id;
	cr_assert_eq(pb_fragment(r, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_A));
	rc = xdp_at(out_if, &fr[1], &tx);
	cr_expect_eq(rc, FX_XDP_PASS, "A's answer from SERVER1 lost its tail (rc %d, refused %llu)",
		     rc, (unsigned long long)fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED));
}

/* RQ-2: the quota is the sender's, shared by every session it is a party
 * to: one inside client that makes a popular server (a resolver) send it
 * a second's worth of fragmented answers (or the server, or anyone who
 * gets first fragments permitted under its address: RQ-3) leaves every
 * other client's fragmented answers from that server without their
 * tails. The review's attack (RVS-2) needed 550 a second for 30 s to deny
 * everyone; this denies one server's NAT datagrams to everyone with 256. */
Test(rvquota, one_client_spends_a_servers_quota_for_every_client)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 46100, 53), ra = udp(SERVER1, FB_ADDR, 53, 46100);
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &ua, &in, &out), FX_XDP_REDIRECT);
	b_drains_server1(46101, 2 * SFW_NAT_FRAG_OPENER_RATE);
	/* none of B's ids: under one identity they would clash */
	a_answer_whole(&ra, 4000);
}

/* RQ-3: with a UDP port forward beside source NAT, anyone outside can
 * have first fragments permitted under any source address it spoofs
 * (the port forward opens a session for each), and each takes a token of
 * that address's bucket: spoofing SERVER1, 256 first fragments a second
 * toward the forwarded port deny every translated client SERVER1's
 * fragmented answers. No session, no port guessed, no reply needed. */
Test(rvquota, a_spoofed_port_forward_client_spends_the_servers_quota)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 46200, 53), ra = udp(SERVER1, FB_ADDR, 53, 46200);
	struct pb_spec sp = udp(SERVER1, FB_ADDR, 53, 8080);
	struct pb_pkt in, out, fr[4], tx;
	int rc;

	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE
	       NAT_FORWARD_8080_TO_B);
	host_ports(50000, 60999);
	cr_assert_eq(run_at(in_if, &ua, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(port_at(&out, 0), 46200);
	/* the spoofer: SERVER1:53 -> the port forward, first fragments */
	sp.payload = 1200;
	for (__u32 id = 1; id <= 2 * SFW_NAT_FRAG_OPENER_RATE; id++) {
		sp.ip_id = (__u16)(1000 + id);
		cr_assert_eq(pb_fragment(&sp, NAT_FRAG_BYTES, fr, 4), 3);
		rc = xdp_at(out_if, &fr[0], &tx);
		cr_assert(rc == FX_XDP_PASS || rc == FX_XDP_REDIRECT, "spoofed first fragment %u: %d",
			  id, rc);
	}
	a_answer_whole(&ra, 7);
}

/* RQ-4: `NAT fragment records refused` counts "NAT datagrams whose first
 * fragment passed but whose record was refused" (docs/cli.md). A source
 * NAT reply's first fragment is recorded at XDP, then at tc egress twice
 * (sfw_tc_nat, then sfw_tc_judged_flow, which was free while the first
 * record held the identity): one datagram refused counts 3. (Since the
 * fix tc's records take no token: the pair drained is A's own.) */
/* A's pair drained (the bucket refills with the coarse clock: a datagram
 * after a tick may find a token, so the tests drain right before it). */
static void drain_a(struct pb_spec *ra, __u16 first_id)
{
	struct pb_pkt fr[4], up;
	__u64 before = fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED);

	ra->payload = 1200;
	for (__u32 id = 0; id < 2 * SFW_NAT_FRAG_OPENER_RATE; id++) {
		ra->ip_id = (__u16)(first_id + id);
		cr_assert_eq(pb_fragment(ra, NAT_FRAG_BYTES, fr, 4), 3);
		cr_assert_eq(xdp_at(out_if, &fr[0], &up), FX_XDP_PASS);
	}
	cr_assert_gt(fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED), before,
		     "A's pair drained");
}

/* Every quota bucket held empty for a minute: its stamp ahead of the
 * clock adds no credit until then. The pair's bucket refills a token
 * every 1/SFW_NAT_FRAG_PAIR_RATE s (about 4 ms), less than a slow run
 * takes between XDP's record and tc's; CI saw tc's take one (stop 59). */
static void hold_quota_empty(void)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_FRAG_QUOTA));
	struct sfw_frag_bucket k, next, *prev = NULL;
	struct sfw_frag_quota q = { .stamp_ns = sfw_coarse_now_ns() + 60 * 1000000000ULL };
	int held = 0;

	cr_assert_geq(fd, 0);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		cr_assert_eq(bpf_map_update_elem(fd, &k, &q, BPF_EXIST), 0);
		held++;
	}
	cr_assert_gt(held, 0, "no quota bucket to hold");
}

Test(rvquota, one_refused_datagram_counts_once)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 46300, 53), ra = udp(SERVER1, FB_ADDR, 53, 46300);
	struct pb_pkt in, out, fr[4], up, tx;
	__u64 at_xdp, at_tc;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &ua, &in, &out), FX_XDP_REDIRECT);
	drain_a(&ra, 10000);
	hold_quota_empty();
	at_xdp = fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED);
	at_tc = fx_counter_at(in_if, SFW_CNT_SFW_NAT_FRAG_REFUSED);
	ra.ip_id = 9;
	cr_assert_eq(pb_fragment(&ra, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &up), FX_XDP_PASS);
	cr_assert_eq(tc_at(in_if, out_if, &up, &tx), FX_TC_OK);
	at_xdp = fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED) - at_xdp;
	at_tc = fx_counter_at(in_if, SFW_CNT_SFW_NAT_FRAG_REFUSED) - at_tc;
	/* since the fix, a count of records: XDP's and tc's once each */
	cr_expect_eq(at_xdp, 1, "XDP's record counted %llu times", (unsigned long long)at_xdp);
	cr_expect_eq(at_tc, 1, "tc's record counted %llu times", (unsigned long long)at_tc);
}

/* RQ-5: the clash window is now read as "expiry less the record's own
 * life", the life of a NAT record 2 s. A NAT record written before the
 * upgrade (pinned sfw_nat_frags kept: the layout did not change) expires
 * 30 s after it was written, so for its remaining 30 s it reads as
 * written within SFW_FRAG_CLASH_S: another session's answer reusing the
 * identity 3 s later is taken for a clash and loses its tail (the
 * behaviour a_clash_gives_way_to_a_new_datagram_seconds_later pins for
 * records written by this version). Fails closed; transient. */
Test(rvquota, a_record_from_before_the_upgrade_is_no_clash_3_s_later)
{
	struct pb_spec ub = udp(CLIENT_B, SERVER1, 46401, 53), rb = udp(SERVER1, FB_ADDR, 53, 46401);
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_FRAGS));
	struct sfw_frag_key k = { .proto = SFW_IPPROTO_UDP, .family = SFW_FAMILY_INET };
	struct sfw_frag v = { .nat = 1, .sess_id = 0x5eed, .sender = 1, .l4_end = 8 };
	struct pb_pkt in, out, fr[4], tx;
	int rc;

	cr_assert_eq(run_at(in_if, &ub, &in, &out), FX_XDP_REDIRECT);
	/* another client's answer under id 931, recorded 3 s ago by 7e830d's
	 * parent: 30 s of life */
	k.src.v4 = a4(SERVER1);
	k.dst.v4 = a4(FB_ADDR);
	k.id = htons(931);
	v.expires_ns = sfw_coarse_now_ns() + 27 * 1000000000ULL;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST), 0);
	rb.payload = 1200;
	rb.ip_id = 931;
	cr_assert_eq(pb_fragment(&rb, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS);
	rc = xdp_at(out_if, &fr[1], &tx);
	cr_expect_eq(rc, FX_XDP_PASS, "B's answer taken for a clash with a record 3 s old (rc %d, "
		     "tiny or overlapping %llu)", rc,
		     (unsigned long long)fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_TINY));
}

/* Sound (passes): a clash with a NAT record the hash holds takes no
 * token, so a sender whose bucket is spent still cannot take another
 * client's tail with a forged first fragment under its identity. */
Test(rvquota, a_spent_bucket_still_marks_a_clash)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 46500, 53), ra = udp(SERVER1, FB_ADDR, 53, 46500);
	struct pb_spec rb = udp(SERVER1, FB_ADDR, 53, 46501);
	struct pb_pkt in, out, fa_[4], fb_[4], tx;

	cr_assert_eq(run_at(in_if, &ua, &in, &out), FX_XDP_REDIRECT);
	ra.payload = rb.payload = 1200;
	ra.ip_id = rb.ip_id = 60000;
	cr_assert_eq(pb_fragment(&ra, NAT_FRAG_BYTES, fa_, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fa_[0], &tx), FX_XDP_PASS);
	b_drains_server1(46501, 2 * SFW_NAT_FRAG_OPENER_RATE);
	cr_assert_geq(fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED), 200);
	cr_assert_eq(pb_fragment(&rb, NAT_FRAG_BYTES, fb_, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fb_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_B));
	cr_assert_eq(xdp_at(out_if, &fa_[1], &tx), FX_XDP_DROP, "A's tail went on");
	cr_assert_eq(xdp_at(out_if, &fb_[1], &tx), FX_XDP_DROP, "B took A's tail");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_TINY), 2, "a clash");
}
