/* A NAT session's reply that tc egress judges itself (it came in by an
 * interface sfw is not attached to, so XDP never saw it), fragmented:
 * the datagram tc records names the session's key, whose sides are not
 * the alias's the reply was found by (docs/nat.md "Fragments"), in
 * tests/bpf/nat_fixture.h's veth pair, fa not attached. */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "frag.h"

TestSuite(tc_frag_alias, .init = nat_setup, .fini = suite_teardown);

/* The port forward FB_ADDR:8080 -> CLIENT_B:80, asked by SERVER1. Its
 * reply CLIENT_B -> SERVER1 is the alias's hi side, and SERVER1 is the
 * session key's hi side too (FB_ADDR sorts below it): read by the
 * alias's sides, the reply's record would be of the In wing. tc
 * translates the first fragment and records it on the Out wing
 * (sfw_tc_dnat_reply); a second record on the In wing made the datagram
 * a clash, and its tail was dropped. */
Test(tc_frag_alias, port_forward_reply_fragments_from_an_unattached_ingress_leave_translated)
{
	struct pb_spec u = udp(SERVER1, FB_ADDR, 40000, 8080), r = udp(CLIENT_B, SERVER1, 80, 40000);
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_FRAGS));
	struct pb_pkt in, out, fr[4], tx[4];
	struct sfw_frag_key k;
	struct sfw_frag v;
	__u8 dgram[4096];
	__u32 len;

	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE NAT_FORWARD_8080_TO_B);
	host_ports(50000, 60999);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* fa is not */
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_B));
	r.payload = 1200;
	r.ip_id = 21;
	cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(tc_at(out_if, in_if, &fr[0], &tx[0]), FX_TC_OK);
	cr_assert_eq(bpf_map_get_next_key(fd, NULL, &k), 0);
	cr_assert_eq(bpf_map_lookup_elem(fd, &k, &v), 0);
	cr_expect_eq(v.dir, SFW_WING_OUT, "the reply's datagram recorded on the In wing");
	cr_expect_eq(v.clash, 0, "the reply's datagram recorded as a clash");
	for (int i = 1; i < 3; i++)
		cr_assert_eq(tc_at(out_if, in_if, &fr[i], &tx[i]), FX_TC_OK, "fragment %d sent", i);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(addr_at(&tx[i], 12), a4(FB_ADDR), "fragment %d from the public address", i);
		cr_assert_eq(addr_at(&tx[i], 16), a4(SERVER1), "fragment %d to the client", i);
	}
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_UDP, dgram, &len), 0xffff,
		     "the datagram's UDP checksum");
}
