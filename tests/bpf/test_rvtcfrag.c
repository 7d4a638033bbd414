/* Review rvtcfrag of the NAT fragment path at tc egress and its interplay
 * with XDP (docs/nat.md "Fragments"; bpf/nat_tc.bpf.h, bpf/tc_egress.bpf.c,
 * bpf/tc_judged.bpf.h): what a reviewer found, each kept as a test that
 * asserts the behaviour the documents promise, in tests/bpf/nat_fixture.h's
 * veth pair (fa trust, the clients; fb untrust, 203.0.113.1, the
 * servers). */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "frag.h"

TestSuite(rvtcfrag, .init = nat_setup, .fini = suite_teardown);

/* A third attached interface, fc, in zone dmz; its index. */
static __u32 dmz_up(const char *more)
{
	char text[4096];
	__u32 fc;

	fc = veth_fc_up();
	snprintf(text, sizeof(text), NAT_HEAD_TEXT NAT_R1_INTERFACE
		 "set security zones security-zone dmz interfaces fc\n%s", more);
	commit(text);
	host_ports(50000, 60999);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(fx_mark_attached(fc), 0);
	return fc;
}

/* RVT-1: a later fragment that tc egress sees forwarded from an attached
 * interface, but that XDP never saw (the stack re-injects a decapsulated
 * IPsec packet with skb_iif unchanged: bpf/tc_judged.bpf.h, review rv26
 * F1), is translated by sfw_tc_nat_frag and passed by
 * sfw_tc_judged_frag on its datagram's record alone: neither binds it to
 * the zone of its record's wing. A whole packet (or first fragment) of the
 * same session from the same interface is judged from that interface's
 * zone and refused (sfw_tc_judged_flow's sfw_tc_judged_wing, then
 * sfw_track's sfw_wing_from); at XDP the same later fragment is refused
 * too (sfw_frag_follow's sfw_wing_from,
 * nat_frag/later_fragments_from_the_other_zone_dropped). Here a tunnel
 * peer in dmz forges the second fragment of client A's datagram to
 * SERVER1 (A's address, its id): it leaves fb translated, from the
 * firewall's address, into A's datagram's reassembly at SERVER1. */
Test(rvtcfrag, a_later_fragment_xdp_never_saw_is_bound_to_its_wing_zone)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 47100, 53), big = u;
	struct pb_pkt in, out, fr[4], up, tx;
	__u32 fc = dmz_up("");
	__u64 sent;
	int rc;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	/* the same tuple, whole, from dmz without XDP's trace: refused */
	cr_assert_eq(tc_at(out_if, fc, &in, &tx), FX_TC_SHOT, "a whole packet from dmz");
	big.payload = 1200;
	big.ip_id = 4711;
	cr_assert_eq(pb_fragment(&big, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(xdp_at(in_if, &fr[0], &up), FX_XDP_PASS);
	cr_assert_eq(tc_at(out_if, in_if, &up, &tx), FX_TC_OK, "the first fragment leaves");
	cr_assert_eq(addr_at(&tx, 12), a4(FB_ADDR));
	/* at XDP, from another zone: refused */
	cr_assert_eq(xdp_at(out_if, &fr[1], &up), FX_XDP_DROP, "the tail from the WAN at XDP");
	/* at tc, from dmz, never seen by XDP */
	sent = fx_counter_at(out_if, SFW_CNT_TRANSIT_OUT_PKTS);
	rc = tc_at(out_if, fc, &fr[1], &tx);
	cr_expect_eq(rc, FX_TC_SHOT,
		     "a later fragment from dmz that XDP never saw left fb (rc %d), from %s", rc,
		     addr_at(&tx, 12) == a4(FB_ADDR) ? "the firewall's address, translated" :
						       "another address");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_TRANSIT_OUT_PKTS), sent,
		     "the forged fragment counted as transit output on fb");
	/* the honest tail still follows */
	cr_assert_eq(xdp_at(in_if, &fr[1], &up), FX_XDP_PASS);
	cr_assert_eq(tc_at(out_if, in_if, &up, &tx), FX_TC_OK, "A's own second fragment");
}

/* RVT-2: a port forward's reply that came in by an interface sfw is not
 * attached to (fa here), fragmented, is judged at tc (sfw_tc_flow's
 * unattached path): sfw_tc_nat, through sfw_tc_dnat_reply, translates
 * its first fragment and asks for its datagram's record, and
 * sfw_tc_flow's last sfw_frag_record asks again. When the quota refuses
 * the first, it refuses the second, and one datagram counts two `NAT
 * fragment records refused`, against docs/nat.md "Fragments": "tc asks
 * for a datagram's record once (it asked twice, in sfw_tc_nat and again
 * in sfw_tc_judged, which counted one refusal twice: RQ-4)". The
 * forward's pair (SERVER1 with CLIENT_B) is spent by its answers'
 * records (SFW_NAT_FRAG_PAIR_RATE a second, a second's worth held), then
 * each refused answer must count one. */
Test(rvtcfrag, an_unattached_replys_refusal_counts_once)
{
	struct pb_spec u = udp(SERVER1, FB_ADDR, 40100, 8080), r = udp(CLIENT_B, SERVER1, 80, 40100);
	struct pb_pkt in, out, fr[4], tx;
	__u64 before, d, max = 0;
	__u32 refused = 0;

	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE NAT_FORWARD_8080_TO_B);
	host_ports(50000, 60999);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* fa is not */
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_B));
	r.payload = 1200;
	for (__u32 id = 1; id <= 2 * SFW_NAT_FRAG_PAIR_RATE; id++) {
		r.ip_id = (__u16)id;
		cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
		before = fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED);
		cr_assert_eq(tc_at(out_if, in_if, &fr[0], &tx), FX_TC_OK, "answer %u's first", id);
		cr_assert_eq(addr_at(&tx, 12), a4(FB_ADDR));
		d = fx_counter_at(out_if, SFW_CNT_SFW_NAT_FRAG_REFUSED) - before;
		refused += d > 0;
		if (d > max)
			max = d;
	}
	cr_assert_gt(refused, 0, "the pair was never spent");
	cr_expect_eq(max, 1, "one refused answer counted %llu refusals (%u answers refused)",
		     (unsigned long long)max, refused);
}

/* Static rule S of tests/bpf/test_nat_static.c: 192.0.2.130/31 to
 * 198.51.100.2/31 from untrust, untrust to trust permitted, and fc a
 * second interface of untrust sfw is not attached to (another uplink). */
#define STATIC_A2 "192.0.2.130"
#define STATIC_IN_POLICY                                                                     \
	"set security policies from-zone untrust to-zone trust policy in match source-address " \
	"any destination-address any application any\n"                                         \
	"set security policies from-zone untrust to-zone trust policy in then permit\n"
#define STATIC_RULE_S                                                                         \
	"set security nat static rule-set SR from zone untrust\n"                                 \
	"set security nat static rule-set SR rule S match destination-address 192.0.2.130/31\n"  \
	"set security nat static rule-set SR rule S then static-nat prefix 198.51.100.2/31\n"

/* RVT-3: the In wing of a static (or destination) NAT session that comes
 * in by an interface sfw is not attached to, the stack routing its
 * public destination inward, is judged at tc (sfw_tc_flow's unattached
 * path) and translated there by sfw_tc_nat, whole packets and first
 * fragments alike ("leaves translated as on the forwarded path, or not
 * at all; so do the later fragments of its datagram": bpf/tc_egress.bpf.c,
 * docs/nat.md "Second review", F1). Its later fragments follow the
 * record tc wrote (sfw_frag_follow), and sfw_tc_nat_frag takes that
 * record's wing for XDP's (sfw_nat_xdp_wing: destination and static
 * NAT's In wing), returns 0, and they leave as received: to the public
 * address A2, never translated to the inside host B2, while their first
 * fragment went to B2. */
Test(rvtcfrag, a_static_in_wings_later_fragments_from_an_unattached_ingress_translated)
{
	struct pb_spec u = udp(SERVER1, STATIC_A2, 40300, 53), big = u;
	struct pb_pkt in, out, fr[4];
	__u32 fc;
	int rc;

	fc = veth_fc_up();
	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE
	       "set security zones security-zone untrust interfaces fc\n"
	       STATIC_IN_POLICY STATIC_RULE_S);
	host_ports(50000, 60999);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* fc is not */
	/* the session, opened through fb's XDP */
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_A));
	/* the same flow by fc: whole packets translated at tc */
	cr_assert_eq(tc_at(in_if, fc, &in, &out), FX_TC_OK, "a whole packet by fc");
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_A), "a whole packet by fc to the inside host");
	big.payload = 1200;
	big.ip_id = 5150;
	cr_assert_eq(pb_fragment(&big, NAT_FRAG_BYTES, fr, 4), 3);
	cr_assert_eq(tc_at(in_if, fc, &fr[0], &out), FX_TC_OK, "the first fragment by fc");
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_A), "the first fragment to the inside host");
	for (int i = 1; i < 3; i++) {
		rc = tc_at(in_if, fc, &fr[i], &out);
		cr_expect(rc != FX_TC_OK || addr_at(&out, 16) == a4(CLIENT_A),
			  "fragment %d left fa untranslated, to the static address %s", i,
			  addr_at(&out, 16) == a4(STATIC_A2) ? STATIC_A2 : "(other)");
	}
}
