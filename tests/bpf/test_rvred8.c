/* Review rvred8 (red team, a regression sweep of the four bypass classes
 * and parsing, on 4937aa6). No bypass was found; the test below is kept as
 * documentation of a reassembly rule of Linux that the fragment checks
 * meet without naming it.
 *
 * Linux's IPv4 reassembly (net/ipv4/ip_fragment.c ip_frag_queue) does not
 * refuse a fragment with more to come whose payload is not a multiple of
 * 8 bytes, as IPv6's does (RFC 8200 4.5, which sfw refuses as Malformed):
 * it trims it to a multiple of 8 ("end &= ~7"). A TCP first fragment with
 * exactly its 20-byte header (IP total length 40, MF) passes sfw's tiny
 * fragment check (RFC 1858: it holds the whole header), but the receiver
 * keeps only 16 of those bytes: the header's last four (checksum, urgent
 * pointer) must come from a fragment at offset 16, which the receiver
 * takes without overlap. sfw refuses any later fragment starting inside
 * the first fragment's L4 header (offset < 20, the protocol's minimum,
 * and < the record's l4_end), so that datagram never completes: nothing
 * of the L4 header the session was judged on comes from an unjudged
 * fragment. Passes on 4937aa6. */
#include <bpf/bpf.h>
#include "frag.h"
#include "maps.h"
#include "suite.h"

TestSuite(rvred8, .init = suite_setup, .fini = suite_teardown);

Test(rvred8, ipv4_tcp_first_fragment_linux_trims_its_header_tail_not_refilled)
{
	struct pb_spec first = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
				 .sport = 1025, .dport = 22, .tcp_flags = SFW_TCP_SYN,
				 .seq = 1000, .ip_id = 0x5151, .more_frags = true };
	struct pb_spec tail = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
				.ip_id = 0x5151, .frag_off = 16, .more_frags = false,
				.payload = 24 };
	struct pb_spec after = tail;
	struct pb_pkt f, t, a;

	after.frag_off = 24;
	cr_assert_eq(pb_build(&first, &f), 0);
	cr_assert_eq(pb_build(&tail, &t), 0);
	cr_assert_eq(pb_build(&after, &a), 0);
	cr_assert_eq(f.l3_len, 40, "the first fragment: 20 bytes of IP, 20 of TCP");
	cr_assert_eq(fx_xdp_frame(f.data, f.len), FX_XDP_PASS,
		     "the first fragment holds the whole TCP header");
	cr_assert_eq(fx_xdp_frame(t.data, t.len), FX_XDP_DROP,
		     "a fragment at offset 16 (the 4 header bytes Linux trimmed off the first "
		     "fragment) passed: the receiver would take them from it");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_FRAG_TINY), 1);
	cr_assert_eq(fx_xdp_frame(a.data, a.len), FX_XDP_PASS,
		     "a fragment past the header follows the datagram");
}

/* O2: Linux forwards a packet from a link-local or unspecified source
 * when its route goes back out of the interface it came in by
 * (ip6_forward's "security critical" source check is in the branch for
 * another interface only). Neighbour discovery from such a source passes
 * XDP untracked, whatever its destination, but the stack has decremented
 * its hop limit to 254 by tc egress: no longer valid ND there, it is
 * ordinary ICMPv6, under the policy of the zone it came in from. */
Test(rvred8, o2_nd_from_link_local_forwarded_back_out_is_judged_at_tc)
{
	struct pb_spec na = { .src = "fe80::10", .dst = "2001:db8::11", .proto = SFW_IPPROTO_ICMP6,
			      .icmp_type = 136, .ttl = 255, .payload = 16 };
	struct pb_spec forwarded = na;
	struct fx_tc_opts back_out = { .ingress_ifindex = FX_IFINDEX };

	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
	cr_assert_eq(fx_xdp(&na), FX_XDP_PASS, "link plumbing at XDP");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), 1);
	forwarded.src = "::";
	forwarded.ttl = 254;
	cr_assert_eq(fx_tc(&forwarded, &back_out), FX_TC_SHOT,
		     "ND from :: the stack forwarded passed tc untracked");
	forwarded.src = na.src;
	cr_assert_eq(fx_tc(&forwarded, &back_out), FX_TC_SHOT,
		     "ND from a link-local source the stack forwarded passed tc untracked");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 2);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), 1);
	cr_assert_eq(fx_session_count(), 0);
}
