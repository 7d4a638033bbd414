/* The third review of source NAT (docs/nat.md "Third review"), in
 * BPF_PROG_TEST_RUN on the NAT suites' fixture (tests/bpf/nat_fixture.h):
 * each test below failed with its fix reverted. R1: an inside host's
 * packet spoofed from the firewall's own address opened a transit session
 * (and, under source NAT, an alias) whose replies reached the firewall's
 * own services; R3: a first packet NAT cannot translate reserved a port
 * before it was refused. */
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"

#define FA_ADDR "198.51.100.1"   /* the firewall's LAN address */

TestSuite(nat_review3, .init = nat_setup, .fini = suite_teardown);

/* Nothing of a session is left: no session, no alias, no port held. */
static void assert_nothing_held(const struct pb_spec *s)
{
	ASSERT_NO_SESSION(s);
	cr_expect_eq(fx_session_count(), 0, "no session and no alias");
	cr_expect_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0, "no port reserved");
}

/* R1 (a), XDP: from the firewall's WAN address (no source NAT rule
 * matches it: a plain transit session, whose replies to fb's own address
 * the host would take) and from its LAN address (matched by the rule:
 * a NAT session and an alias, whose replies were translated back to the
 * host's own address and delivered to its UDP services past untrust ->
 * junos-host). Refused under Address spoofing with no ip-spoofing screen
 * configured, and the reply that would have used it opens nothing. */
Test(nat_review3, r1_transit_first_packet_from_the_hosts_own_address_refused)
{
	struct pb_spec wan = udp(FB_ADDR, SERVER1, 40500, 53);
	struct pb_spec lan = udp(FA_ADDR, SERVER1, 40501, 53);
	struct pb_spec reply = udp(SERVER1, FB_ADDR, 53, 40501);
	struct pb_pkt in, out;

	cr_expect_eq(run_at(in_if, &wan, &in, &out), FX_XDP_DROP,
		     "a transit session from the firewall's WAN address");
	cr_expect_eq(run_at(in_if, &lan, &in, &out), FX_XDP_DROP,
		     "a NAT session from the firewall's LAN address");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_ADDRESS_SPOOFING), 2);
	assert_nothing_held(&wan);
	assert_nothing_held(&lan);
	cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP,
		     "the Internet's reply reaches the host's own port");
	cr_expect_eq(outcomes_at(in_if), 2, "one outcome per packet");
}

/* R1 (a) at tc is gone (docs/nat.md "Fourth review", N5): the kernel
 * never forwards an IPv4 packet from its own address as received
 * (martian source), so one tc meets "forwarded" from an interface sfw is
 * not attached to (fa here) with the host's address as its source is the
 * host's own rewrite of a forwarded packet: an nftables masquerade
 * (Docker, libvirt) or an encapsulation. It meets the zones' policy like
 * any forwarded flow, never Address spoofing (end to end:
 * tests/e2e/test_nat_redteam_masq.sh, test_nat_redteam_encap.sh). */
Test(nat_review3, n5_hosts_rewrite_of_a_forwarded_packet_not_refused_at_tc)
{
	struct pb_spec wan = udp(FB_ADDR, SERVER1, 40510, 53);
	struct sfw_session sess;
	struct pb_pkt in, out;

	cr_assert_eq(fx_mark_attached(out_if), 0);   /* fa is not */
	cr_assert_eq(pb_build(&wan, &in), 0);
	cr_expect_eq(tc_at(out_if, in_if, &in, &out), FX_TC_OK,
		     "a masqueraded flow from an unattached interface");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_ADDRESS_SPOOFING), 0);
	GET_SESSION(&wan, &sess);
	cr_expect_eq(outcomes_at(out_if), 1, "one outcome per packet");
}

/* A client's address the host has taken meanwhile (the session is the
 * client's, opened before): its session's replies, translated back to
 * that address, would be the host's. */
static void client_address_becomes_the_hosts(const struct pb_spec *s)
{
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(system("ip addr add " CLIENT_A "/32 dev fa"), 0);
}

/* R1 (b), XDP forwarding: the reply translated to an address of the
 * host's went up to the stack (the FIB does not forward to it), which
 * delivered it to the host's own socket. Refused, judged by the forward's
 * own route lookup. */
Test(nat_review3, r1_translated_reply_to_the_hosts_address_refused_when_xdp_forwards)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40520, 53);
	struct pb_spec reply = udp(SERVER1, FB_ADDR, 53, 40520);
	struct pb_pkt in, out;

	client_address_becomes_the_hosts(&s);
	for (int i = 0; i < 2; i++)
		cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP,
			     "reply %d delivered to the host", i);
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 2);
	cr_expect_eq(outcomes_at(out_if), 2, "one outcome per packet");
}

/* R1 (b), the stack forwarding (no XDP forwarding: no route lookup of
 * XDP's for replies): a session's first reply is judged once. */
Test(nat_review3, r1_first_translated_reply_to_the_hosts_address_refused_when_the_stack_forwards)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40530, 53);
	struct pb_spec reply = udp(SERVER1, FB_ADDR, 53, 40530);
	struct pb_pkt in, out;

	nat_xdp_forwarding(false);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates the In wing */
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_PASS);
	cr_assert_eq(system("ip addr add " CLIENT_A "/32 dev fa"), 0);
	cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP,
		     "the first reply delivered to the host");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
}

/* The same first reply, with the client's address its own: passed up
 * translated, for the stack to forward (the check refuses only what the
 * stack would not forward). */
Test(nat_review3, r1_first_translated_reply_to_a_client_passed_when_the_stack_forwards)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40540, 53);
	struct pb_spec reply = udp(SERVER1, FB_ADDR, 53, 40540);
	struct pb_pkt in, out;

	nat_xdp_forwarding(false);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates the In wing */
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_PASS);
	cr_assert_eq(run_at(out_if, &reply, &in, &out), FX_XDP_PASS);
	assert_tuple(&out, &reply, SERVER1, 53, CLIENT_A, 40540);
	cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_PASS);
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_SFW_PERMITTED_PKTS), 2);
}

/* R1 (c): the host's own packet on a client's NAT session's tuple, the
 * In wing's (from the client's address: a host that holds it, or a raw
 * socket) or its reply's, was accounted on the client's session at tc
 * egress and the In wing's translated there. Refused, the session
 * untouched. */
Test(nat_review3, r1_hosts_own_packet_on_a_client_nat_session_refused)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40550, 53);
	struct pb_spec host_in = udp(CLIENT_A, SERVER1, 40550, 53);
	struct pb_spec host_reply = udp(SERVER1, FB_ADDR, 53, 40550);
	struct fx_tc_opts local = { 0 };
	struct sfw_session sess;
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(port_at(&out, 0), 40550, "the client keeps its port");
	cr_expect_eq(fx_tc(&host_in, &local), FX_TC_SHOT,
		     "the host's packet translated as the client's");
	cr_expect_eq(fx_tc(&host_reply, &local), FX_TC_SHOT,
		     "the host's packet taken as the client's reply");
	GET_SESSION(&s, &sess);
	cr_expect_eq(sess.wing[SFW_WING_IN].packets, 1, "the client's session untouched");
	cr_expect_eq(sess.wing[SFW_WING_OUT].packets, 0);
	cr_expect_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 2);
}

/* R3: a first packet of a protocol no rewrite translates (GRE, ESP, SCTP,
 * 253) under source-nat interface reserved a port (and an alias) for 30
 * minutes before it was refused. Refused under Incoming NAT errors
 * before any reservation. (A client's first fragment was refused so too;
 * it is translated now: tests/bpf/test_nat_frag.c.) */
Test(nat_review3, r3_untranslatable_first_packet_reserves_no_port)
{
	static const __u8 protos[] = { SFW_IPPROTO_GRE, SFW_IPPROTO_ESP, SFW_IPPROTO_SCTP, 253 };
	struct pb_pkt in, out;
	__u64 sent = 0;

	for (unsigned i = 0; i < sizeof(protos); i++) {
		struct pb_spec s = { .src = CLIENT_A, .dst = SERVER1, .proto = protos[i],
				     .sport = 40561, .dport = 5000, .payload = 16 };

		cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP, "protocol %u", protos[i]);
		sent++;
		ASSERT_NO_SESSION(&s);
	}
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), sent);
	cr_expect_eq(outcomes_at(in_if), sent, "one outcome per packet");
	cr_expect_eq(fx_session_count(), 0, "no session and no alias");
	cr_expect_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0, "no port reserved");
}
