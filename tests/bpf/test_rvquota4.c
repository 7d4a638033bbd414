/* Review rvquota4 of the NAT fragment records' quota (commit fe1d8e0,
 * docs/nat.md "Fragments"): what a reviewer found, each kept as a test,
 * in tests/bpf/nat_fixture.h's veth pair (fa trust, the clients; fb
 * untrust, 203.0.113.1, the servers). */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "frag.h"
#include "loader.h"
#include "reap.h"

TestSuite(rvquota4, .init = nat_setup, .fini = suite_teardown);

#define FRAG_BYTES 512

/* The one record of the NAT hash: its key and value. */
static void only_nat_record(int fd, struct sfw_frag_key *k, struct sfw_frag *v)
{
	cr_assert_eq(bpf_map_get_next_key(fd, NULL, k), 0);
	cr_assert_eq(bpf_map_lookup_elem(fd, k, v), 0);
}

/* RQ4-1: a NAT record the quota refuses leaves the older record under
 * its identity in place (sfw_frag_put_nat returns before its update, and
 * only sfw_frags' record was deleted), against include/frag.h's "A record
 * refused (quota, full hash) is not made, nor left to an older one".
 * Before the quota only a full hash refused, and that path deletes the
 * older record (RVS-3). A NAT record is "young" all its life (2 s, the
 * clash window), so the older one is a clash or replaced, except the one
 * sfw_frag_remember explicitly dates by the plain life: a NAT record an
 * sfw of before the 2 s life pinned (30 s; RQ-5, RQ2-3), over 2 s old,
 * is neither young nor expired. Across such an upgrade, SERVER1's answer
 * to client B under the identity of its earlier answer to client A (one
 * IP ID counter towards FB_ADDR, both clients behind it), refused
 * because B's pair is spent, gets its tail translated to client A. */
Test(rvquota4, a_refused_record_leaves_no_older_one_to_follow)
{
	struct pb_spec ua = udp(CLIENT_A, SERVER1, 48500, 53), ub = udp(CLIENT_B, SERVER1, 48501, 53);
	struct pb_spec ra = udp(SERVER1, FB_ADDR, 53, 0), rb = udp(SERVER1, FB_ADDR, 53, 0);
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_FRAGS));
	struct pb_pkt in, out, fr[4], tx;
	struct sfw_frag_key k;
	struct sfw_frag v;
	int rc;

	cr_assert_eq(run_at(in_if, &ua, &in, &out), FX_XDP_REDIRECT);
	ra.dport = port_at(&out, 0);
	cr_assert_eq(run_at(in_if, &ub, &in, &out), FX_XDP_REDIRECT);
	rb.dport = port_at(&out, 0);
	ra.payload = rb.payload = 1200;
	/* A's answer, as an sfw that kept NAT records 30 s pinned it 5 s ago */
	ra.ip_id = 7;
	cr_assert_eq(pb_fragment(&ra, FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS);
	only_nat_record(fd, &k, &v);
	v.expires_ns = sfw_coarse_now_ns() + 25ULL * 1000000000ULL;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
	/* B's pair spent */
	for (__u32 id = 1000; id < 1000 + 2 * SFW_NAT_FRAG_PAIR_RATE; id++) {
		rb.ip_id = (__u16)id;
		cr_assert_eq(pb_fragment(&rb, FRAG_BYTES, fr, 4), 3);
		cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS);
	}
	cr_assert_gt(fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED), 0);
	/* B's answer under A's identity: its record refused */
	rb.ip_id = 7;
	cr_assert_eq(pb_fragment(&rb, FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx, 16), a4(CLIENT_B));
	rc = xdp_at(out_if, &fr[1], &tx);
	cr_expect(!((rc == FX_XDP_PASS || rc == FX_XDP_REDIRECT) && addr_at(&tx, 16) == a4(CLIENT_A)),
		  "B's answer's tail went to client A (rc %d): the refused record left A's", rc);
}
