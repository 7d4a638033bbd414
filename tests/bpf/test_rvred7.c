/* Review rvred7 of d507c7b (rvred6: a route naming no egress, an encap
 * route, is refused toward the responder only; `opener` says which way a
 * packet goes). The test failed on d507c7b and passes with its fix. The
 * review's S1 (a source behind an encap route into another zone) is a
 * known gap: docs/security.md "Routes and zone pairs".
 *
 * The NAT fixture (tests/bpf/nat_fixture.h): fa in trust (clients),
 * fb in untrust toward SERVER1, fc in dmz; trust -> untrust permitted,
 * everything else denied (no NAT rule committed, but NAT was: tc looks
 * at ICMP errors' quotes, bpf/nat_tc.bpf.h sfw_tc_nat_icmp). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "zone_layouts.h"

/* literals: scripts/check-deps.py reads the shell commands with this
 * file's own definitions only */
#define SERVER1_ "203.0.113.2"   /* SERVER1 */

static __u32 fc_if;

static void setup(void)
{
	fc_if = dmz_layout(true);
}

TestSuite(rvred7, .init = setup, .fini = suite_teardown);

/* SERVER1 by ToS: 0x10 an encap route out of fc (dmz), 0x08 a plain
 * route out of fc (dmz); ToS 0 by fb (untrust), its own zone */
#define TOS_ENCAP_SERVER "ip route add " SERVER1_ "/32 encap ip6 dst fc00::9 dev fc table 101 && " \
			 "ip rule add tos 0x10 table 101"
#define TOS_PLAIN_SERVER "ip route add " SERVER1_ "/32 dev fc table 102 && " \
			 "ip rule add tos 0x08 table 102"

/* The second of err's n fragments, its ToS tos, coming in on fb: XDP's
 * verdict */
static int later_in_at_fb(struct pb_spec err, __u8 tos, int n)
{
	struct pb_pkt fr[4], up;

	err.tos = tos;
	cr_assert_eq(pb_fragment(&err, 512, fr, 4), n);
	up = fr[1];
	return fx_xdp_frame_at(out_if, fr[1].data, fr[1].len, up.data, &up.len);
}

/* ---- Q1: a later fragment of a quote record is judged as going to the
 * opener when it goes to the responder --------------------------------
 *
 * sfw_xdp_fragment passes `dir == SFW_WING_OUT` as opener, dir being the
 * record's wing (d->dir). For a session's own datagram that is right:
 * its fragments go to the other wing (sfw_frag_to_wing: d->dir ^ 1).
 * But tc's record of an ICMP error the stack fragmented
 * (SFW_FRAG_REC_QUOTE, bpf/nat_tc.bpf.h) names the wing of the packet
 * the error quotes, whose sender the error goes TO (sfw_frag_to_wing:
 * d->dir, and f.peer_ifindex is that wing's). So `opener` is inverted
 * there: an error to the responder (it quotes the responder's reply)
 * is taken as going to the opener, and an encap route toward the
 * responder passes. Nothing else stops it at XDP: a non-NAT record is
 * followed there whether XDP or tc wrote it (sfw_frag_follow).
 *
 * CLIENT_A (trust) opens a UDP flow to SERVER1 (untrust). The client's
 * large port unreachable about the server's reply, to SERVER1, is
 * fragmented by the stack: tc on fb records its datagram (quote, d->dir
 * the Out wing). A later fragment of that datagram, sent in on fb (the
 * wing it comes from, as sfw_frag_follow binds it) with ToS 0x10, is
 * routed by an encap route out of fc into dmz: untrust -> dmz, which no
 * policy permits and which a plain route into dmz (ToS 0x08) is refused
 * for. On 1e1620f it was refused as well (every encap route was). Now
 * no later fragment of such a record is followed at XDP: the stack
 * makes them, and they leave by tc, which still sends them. */
Test(rvred7, q1_quote_record_later_fragment_to_the_responder_by_an_encap_route_refused)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 46100, 53);
	struct pb_spec quoted = udp(SERVER1, CLIENT_A, 53, 46100);
	struct pb_spec err = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &quoted,
			       .ip_id = 0x7a01 };
	struct pb_pkt in, up, out, fr[4];
	int n;

	nat_xdp_forwarding(false);
	sh(TOS_ENCAP_SERVER " && " TOS_PLAIN_SERVER);
	cr_assert_neq(run_at(in_if, &u, &in, &up), FX_XDP_DROP, "the first: trust -> untrust");
	quoted.payload = 1000;
	n = pb_fragment(&err, 512, fr, 4);
	cr_assert_geq(n, 2);
	/* the stack's fragments of the client's error, leaving by fb */
	cr_assert_eq(tc_at(out_if, in_if, &fr[0], &out), FX_TC_OK, "the first fragment sent");
	/* the stack's later fragment leaves by tc; one coming in is forged,
	 * whatever its route: fb's own, a plain one or an encap one into
	 * dmz (toward the responder) */
	cr_assert_eq(tc_at(out_if, in_if, &fr[1], &out), FX_TC_OK, "its later fragment sent");
	cr_expect_eq(later_in_at_fb(err, 0, n), FX_XDP_DROP,
		     "a later fragment of the stack's error came in and passed");
	cr_assert_eq(later_in_at_fb(err, 0x08, n), FX_XDP_DROP,
		     "by a plain route into dmz, refused");
	cr_expect_eq(later_in_at_fb(err, 0x10, n), FX_XDP_DROP,
		     "a later fragment of an error to the responder passed by an encap route into "
		     "dmz: taken as going to the opener");
}
