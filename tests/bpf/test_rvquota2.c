/* Review rvquota2 of the NAT fragment records' quota per pair (commit
 * ddb51be, docs/nat.md "Fragments"): what a reviewer found, each kept as
 * a test, in tests/bpf/nat_fixture.h's veth pair (fa trust, the clients;
 * fb untrust, 203.0.113.1, the servers), both interfaces attached, as a
 * router's are: a NAT first fragment goes up to the stack (XDP forwards
 * no fragment) and leaves through tc egress. */
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

TestSuite(rvquota2, .init = nat_setup, .fini = suite_teardown);


/* SERVER2's 1,200-byte answer to CLIENT_A under id 7, through XDP and tc
 * egress as the stack forwards it: its tail must reach A. */
static void another_pair_answers_whole(void)
{
	struct pb_spec u = udp(CLIENT_A, SERVER2, 47999, 53), r = udp(SERVER2, FB_ADDR, 53, 47999);
	struct pb_pkt in, out, fr[4], up, tx;
	int rc;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	r.payload = 1200;
	r.ip_id = 7;
	cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &up), FX_XDP_PASS);
	cr_assert_eq(addr_at(&up, 16), a4(CLIENT_A));
	cr_assert_eq(tc_at(in_if, out_if, &up, &tx), FX_TC_OK);
	rc = xdp_at(out_if, &fr[1], &up);
	cr_expect_eq(rc, FX_XDP_PASS, "another pair's answer lost its tail (rc %d; records %d of "
		     "%u, refused %llu at XDP, %llu at tc)", rc,
		     map_count(SFW_STR(SFW_MAP_NAT_FRAGS)), SFW_MAX_NAT_FRAGS,
		     (unsigned long long)fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED),
		     (unsigned long long)fx_counter_at(in_if, SFW_CNT_SFW_NAT_FRAG_REFUSED));
}

/* RQ2-1: only XDP's record takes a token; tc's record of the same
 * datagram under its translated identity takes none, and is made whether
 * or not XDP's was refused. One outside server with one session (a
 * client asked it one question) answers with first fragments only, as
 * fast as it can: XDP refuses all but its pair's quota, and tc egress
 * toward the client records every one of them (server, client, id), a
 * NAT record of 2 s that no later fragment can ever use (XDP dropped the
 * tails, finding no record of its own). The hash fills, as before
 * 7e830df (review rvsplit, RVS-2): every other pair's NAT datagrams lose
 * their tails. With the daemon's sweep, about 5,500-8,200 first
 * fragments a second (28-byte IPv4 packets would do) keep it full.
 * nat_frag/one_peer_cannot_fill_the_nat_records runs XDP alone, and so
 * cannot see this. Passes at 7e830df (tc charged by source). */
Test(rvquota2, one_server_fills_the_nat_records_through_tc)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 47000, 53), r = udp(SERVER1, FB_ADDR, 53, 47000);
	struct pb_pkt in, out, fr[4], up, tx;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	r.payload = 1200;
	for (__u32 id = 1; id <= SFW_MAX_NAT_FRAGS; id++) {
		r.ip_id = (__u16)id;
		cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
		cr_assert_eq(xdp_at(out_if, &fr[0], &up), FX_XDP_PASS, "first fragment %u", id);
		cr_assert_eq(tc_at(in_if, out_if, &up, &tx), FX_TC_OK, "first fragment %u sent", id);
	}
	cr_assert_gt(fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED), 0,
		     "the server's pair's quota spent at XDP");
	another_pair_answers_whole();
}

/* RQ2-2: the same without any session of the victim's: at a UDP port
 * forward, one outside host (its own address, nothing spoofed) sends
 * first fragments to the forwarded port. XDP translates each to the
 * server, records it under (host, public address, id) while its pair's
 * quota lasts, and passes it up; tc egress toward the server records it
 * again under (host, server, id), uncharged, for every one. */
Test(rvquota2, one_port_forward_client_fills_the_nat_records_through_tc)
{
	struct pb_spec sp = udp(SERVER1, FB_ADDR, 40000, 8080);
	struct pb_pkt fr[4], up, tx;
	int rc;

	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE
	       NAT_FORWARD_8080_TO_B);
	host_ports(50000, 60999);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	sp.payload = 1200;
	for (__u32 id = 1; id <= SFW_MAX_NAT_FRAGS; id++) {
		sp.ip_id = (__u16)id;
		cr_assert_eq(pb_fragment(&sp, NAT_FRAG_BYTES, fr, 4), 3);
		rc = xdp_at(out_if, &fr[0], &up);
		cr_assert_eq(rc, FX_XDP_PASS, "first fragment %u: %d", id, rc);
		cr_assert_eq(addr_at(&up, 16), a4(CLIENT_B), "translated to the server");
		cr_assert_eq(tc_at(in_if, out_if, &up, &tx), FX_TC_OK, "first fragment %u sent", id);
	}
	cr_assert_gt(fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED), 0,
		     "the forward client's pair's quota spent at XDP");
	another_pair_answers_whole();
}

/* RQ2-3: the RQ-5 fix takes every record whose expiry is more than a
 * life ahead for a datagram done, of unknown age. But a record the
 * previous sfw wrote half a second before the upgrade is one with 29.5 s
 * to go: by that sfw's own window (and by this one's, had it written
 * it), a clash for another session's first fragment under its identity.
 * Taken for done, it is replaced by the newcomer's clean record, and the
 * datagram's tail goes to the newcomer's client: the misdelivery the
 * clash exists to prevent (review rvfrag F1, rvclash RVC-1), failing
 * open, where RQ-5 failed closed. The old record's write time is known:
 * its expiry less the old life (30 s). Passes at 7e830df. */
Test(rvquota2, a_record_from_before_the_upgrade_still_clashes)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 47100, 53), ub = udp(CLIENT_B, SERVER1, 47101, 53);
	struct pb_spec ra = udp(SERVER1, FB_ADDR, 53, 47100), rb = udp(SERVER1, FB_ADDR, 53, 47101);
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_FRAGS));
	struct sfw_frag_key k = { .proto = SFW_IPPROTO_UDP, .family = SFW_FAMILY_INET };
	struct pb_pkt fa_[4], fb_[4], tx;
	struct sfw_frag v;
	int rc;

	two_answers_one_id(&ua, &ub, &ra, &rb, 941, fa_, fb_);
	/* A's answer's first fragment, recorded by the sfw before the
	 * upgrade half a second ago: 30 s of life, 29.5 s to go */
	cr_assert_eq(xdp_at(out_if, &fa_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_A));
	k.src.v4 = a4(SERVER1);
	k.dst.v4 = a4(FB_ADDR);
	k.id = htons(941);
	cr_assert_eq(bpf_map_lookup_elem(fd, &k, &v), 0);
	v.expires_ns = sfw_coarse_now_ns() + 29500000000ULL;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
	/* B's (or a forger's on B's session) under the same identity */
	cr_assert_eq(xdp_at(out_if, &fb_[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_B));
	rc = xdp_at(out_if, &fa_[1], &tx);
	cr_expect(rc == FX_XDP_DROP || addr_at(&tx, 16) != a4(CLIENT_B),
		  "A's tail went to CLIENT_B (rc %d)", rc);
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_TINY), 1, "a clash");
}

/* RQ2-4 (a pair's bucket bounds a pair, not a party: one inside client
 * talking to 64 outside addresses filled the hash with a bucket for each)
 * is tested as it was found, with the bound the opener's bucket keeps, by
 * rvquota3/one_client_with_64_servers_is_held_to_its_opener_bucket. */
