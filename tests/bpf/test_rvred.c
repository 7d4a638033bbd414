/* Red team rvred: ICMP errors, TCP resets and the rest, from an
 * attacker's side. Each test fails on the code it was written against and
 * passes once the finding it names is fixed. */
#include "commit.h"
#include "nat_fixture.h"
#include "zone_layouts.h"
#include "tcp_conn.h"

/* Each test names its own fixture: the plain one, or the zones' (the NAT
 * fixture's veths fa in trust, fb in untrust, and fc in dmz). */
TestSuite(rvred);
#define PLAIN_FX .init = suite_setup, .fini = suite_teardown

/* Only DNS over UDP to the server is permitted; everything else, ICMP
 * and every other protocol included, meets deny-all. */
static const char *udp_only =
	"set security policies global policy dns match source-address any destination-address any application junos-dns-udp\n"
	"set security policies global policy dns then permit\n"
	"set security policies default-policy deny-all\n";

/* F1: the parser takes protocol 58 for ICMPv6 and protocol 1 for ICMPv4
 * whatever the IP version (bpf/parse_l4.bpf.h sfw_parse_icmp: v6 =
 * p->proto == SFW_IPPROTO_ICMP6). An IPv4 packet of protocol 58 with a
 * type below 128 is taken for an ICMPv6 error, judged as related to the
 * session its "quote" names, and passed, with no policy asked: a
 * protocol deny-all refuses (IPv4 has no ICMPv6: the receiver hands it
 * to raw sockets, the payload after the first 28 bytes is the sender's
 * to choose). Same for an IPv6 packet of next header 1 with type 3. */
static void foreign_icmp_error(bool v6)
{
	struct pb_spec dns = { .src = v6 ? CLI6 : CLI4, .dst = v6 ? SRV6 : SRV4,
			       .proto = SFW_IPPROTO_UDP, .sport = 33000, .dport = 53,
			       .payload = 20 };
	struct pb_spec smuggled = {
		.src = dns.dst, .dst = dns.src,
		/* the other family's ICMP: not this version's ICMP at all */
		.proto = v6 ? SFW_IPPROTO_ICMP : SFW_IPPROTO_ICMP6,
		.icmp_type = v6 ? SFW_ICMP_DEST_UNREACH : 1, .icmp_code = 3,
		.inner = &dns,
	};

	commit(udp_only);
	cr_assert_eq(fx_xdp(&dns), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&smuggled), FX_XDP_DROP,
		     "a protocol-%u packet the policy denies passed as an ICMP error",
		     smuggled.proto);
}

Test(rvred, f1_ipv4_protocol_58_is_no_icmp_error, PLAIN_FX) { foreign_icmp_error(false); }
Test(rvred, f1_ipv6_next_header_1_is_no_icmp_error, PLAIN_FX) { foreign_icmp_error(true); }

/* F2: a blind attacker who knows (or guesses) a connection's addresses
 * and ports ends it during its handshake. In SYN_SENT a bare SYN from the
 * opener's side with a later ISN is taken as the opener's new attempt
 * and restarts its wing at the attacker's ISN A (bpf/tcp_state.bpf.h
 * sfw_tcp_syn); a RST from the responder's side acknowledging A + 1 then
 * "acknowledges the opener's SYN" (sfw_tcp_reset: sfw_tcp_acks_syn(peer,
 * p) tests the restarted wing) and closes the session. The attacker
 * chose A, so the RST is exact for sfw alone: the real client ignores it
 * (its SND.NXT is its own ISN + 1, RFC 9293 3.10.7.3), the real SYN-ACK
 * meets a CLOSED session, and the connection dies when the session ends
 * (tcp-rst-timeout). Two blind SYNs 2^31 apart make one of them
 * "later" whatever the real ISN. */

/* The handshake attacked: the client's SYN, the session aged `age`
 * seconds (0: none), then the attack */
static void f2_blind_syn_then_rst(int age)
{
	struct conn k;
	const __u32 A = 0x12345678;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	if (age)
		cr_assert_eq(fx_age(&k.c, age), 0);
	/* the attacker's two SYNs, 2^31 apart: one is "later" than the
	 * client's real ISN (1000 here) */
	conn_forge(&k, true, SYN, A, 0, 0);
	conn_forge(&k, true, SYN, A + 0x80000000u, 0, 0);
	/* and a RST from the server's side for each candidate */
	conn_forge(&k, false, RST | ACK, 0x5000, A + 1, 0);
	conn_forge(&k, false, RST | ACK, 0x5000, A + 0x80000001u, 0);
	cr_assert_neq(conn_session(&k).tcp_state, SFW_TCP_CLOSED,
		      "a blind SYN and a RST acknowledging it closed a real handshake");
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(fx_age(&k.c, 3), 0);   /* past tcp-rst-timeout (2 s) */
	conn_still_talking(&k, "after a blind SYN and RST", 3);
}

/* Fixed twice: a later SYN restarts the opener's wing only once the first
 * attempt is SFW_TCP_REATTEMPT_S old (the young one: both blind SYNs
 * dropped), and a RST acknowledging only the later attempt is passed to
 * the opener without closing (the old one: sfw_tcp_later_attempt_only). */
Test(rvred, f2_blind_later_syn_then_rst_acking_it_ends_the_handshake, PLAIN_FX)
{
	f2_blind_syn_then_rst(0);
}

Test(rvred, f2_after_the_first_seconds_too, PLAIN_FX)
{
	f2_blind_syn_then_rst(3);
}

/* The young handshake's later SYN is no new attempt: dropped, counted
 * under the window check's counter, nothing of it recorded. */
Test(rvred, f2_young_attempt_not_restarted_by_a_later_syn, PLAIN_FX)
{
	struct conn k;
	__u64 before;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	before = fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW);
	cr_assert_eq(conn_forge(&k, true, SYN, k.c_next + 0x40000000, 0, 0), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_TCP_SEQ_WINDOW), before + 1);
	cr_assert_eq(conn_session(&k).wing[SFW_WING_IN].isn, k.c_next - 1);
	cr_assert_not(conn_session(&k).wing[SFW_WING_IN].tcp_flags & SFW_WING_PREV_SYN);
}

/* F2b: the same restarted wing lets a blind SYN-ACK settle the handshake
 * on the attacker's attempt: a SYN-ACK from the responder's side
 * acknowledging A + 1 passes sfw_tcp_acks_syn, sfw_tcp_settle_syn drops
 * the real first SYN (SFW_WING_PREV_SYN), and the real SYN-ACK, which
 * acknowledges the client's ISN + 1, is dropped as out of window, as is
 * every retransmission of it and of the client's SYN: the connection
 * cannot be made while the session lives (tcp-initial-timeout). Four
 * blind packets, no sequence number known. */
Test(rvred, f2b_blind_later_syn_then_synack_acking_it_blocks_the_handshake, PLAIN_FX)
{
	struct conn k;
	const __u32 A = 0x12345678;

	conn_init(&k, CLI4, SRV4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	conn_forge(&k, true, SYN, A, 0, 0);
	conn_forge(&k, true, SYN, A + 0x80000000u, 0, 0);
	conn_forge(&k, false, SYN | ACK, 0x5000, A + 1, 0);
	conn_forge(&k, false, SYN | ACK, 0x5000, A + 0x80000001u, 0);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS,
		     "the real SYN-ACK dropped after a blind SYN and SYN-ACK");
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	conn_still_talking(&k, "after a blind SYN and SYN-ACK", 3);
}

/* ---- F3: a forwarded ICMP error is never held to its egress zone ------- */

static __u32 fc_if;

static void zones_setup(void)
{
	nat_setup();
	fc_if = veth_fc_up();
	commit(ZONES_FC_DMZ TRUST_OUT_ONLY);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(fx_mark_attached(fc_if), 0);
}

/* F3: the session's own packets leave only by the zone its other wing
 * records (review Z5, RV2-7 to RV2-9, RV14-Z1: XDP's sfw_forward_route
 * and sfw_xdp_egress_ok, tc's sfw_hook_route); an ICMP error about one of
 * them is not. XDP passes a related error up with no route check
 * (bpf/xdp_ingress.bpf.c sfw_xdp_flow: f.sess_flags is 0 for an error, so
 * neither sfw_xdp_forward nor the sfw_xdp_egress_ok test applies), and tc
 * egress takes it as judged from where it came in alone
 * (bpf/tc_judged.bpf.h sfw_tc_judged_error: no egress compared). With
 * the client's route moved behind dmz's interface, the session's reply is
 * refused (rv14_plain_reply_*), but an error from anyone on the WAN about
 * the client's packet, whose body past the 28 quoted bytes is the
 * sender's to choose, is forwarded untrust -> dmz, a zone pair no policy
 * judged (deny-all). */
Test(rvred, f3_error_from_the_wan_routed_into_another_zone_refused,
     .init = zones_setup, .fini = suite_teardown)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41300, 53);
	struct pb_spec r = udp(SERVER1, CLIENT_A, 53, 41300);
	struct pb_spec err = { .src = "203.0.113.9", .dst = CLIENT_A, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3, .inner = &u };
	struct pb_pkt in, out, fwd;
	int x;

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT);
	/* the client's address now routes behind fc, in dmz */
	route_client_behind_fc(CLIENT_A);
	/* the control: the session's own reply is refused */
	x = run_at(out_if, &r, &in, &out);
	cr_assert(x == FX_XDP_DROP || (x == FX_XDP_PASS && tc_at(fc_if, out_if, &out, &fwd) == FX_TC_SHOT),
		  "the reply itself left into dmz (XDP %d)", x);
	/* the error */
	x = run_at(out_if, &err, &in, &out);
	cr_expect(x == FX_XDP_DROP || (x == FX_XDP_PASS && tc_at(fc_if, out_if, &out, &fwd) == FX_TC_SHOT),
		  "an ICMP error from untrust was forwarded into dmz (XDP %d, then tc egress of fc "
		  "let it out)", x);
}

/* s built and sent by the host itself through egress's tc */
static int tc_of_host(__u32 egress, const struct pb_spec *s)
{
	struct pb_pkt p, out;

	cr_assert_eq(pb_build(s, &p), 0);
	return tc_at(egress, 0, &p, &out);
}

/* F4: the host's own answers to a session opened to it leave only by the
 * zone its client's wing records (review RV2-3: "a host's answer to a
 * client of trust spoofed from an Internet address leaves into untrust no
 * more"); its ICMP errors about the client's packets do not. A host of
 * trust sends datagrams to the host's closed ports (trust -> junos-host
 * permitted) from the address X of a host behind dmz (no reverse-path
 * check for sessions to the host: sfw_xdp_decide asks
 * sfw_xdp_src_unrouted of transit first packets only). The host answers
 * each with a port unreachable quoting up to 548 bytes of the datagram,
 * which leaves by X's route into dmz: tc egress passes it as related
 * (bpf/icmp_related.bpf.h sfw_icmp_related_to: ingress 0 is the host's
 * own and sfw_wing_from accepts it; no egress compared), while the
 * host's UDP answer to the same client is refused there. */
#define TRUST_TO_HOST "set security policies from-zone trust to-zone junos-host policy t match source-address any destination-address any application any\n" \
		      "set security policies from-zone trust to-zone junos-host policy t then permit\n"
Test(rvred, f4_hosts_error_to_a_spoofed_client_leaves_only_by_its_zone,
     .init = zones_setup, .fini = suite_teardown)
{
	const char *x = "192.0.2.77";   /* behind fc, dmz */
	struct pb_spec u = { .src = x, .dst = "198.51.100.1", .proto = SFW_IPPROTO_UDP,
			     .sport = 41400, .dport = 9999, .payload = 500 };
	struct pb_spec answer = pb_reverse(&u);
	struct pb_spec err = { .src = "198.51.100.1", .dst = x, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3, .inner = &u };
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ TRUST_TO_HOST TRUST_OUT_ONLY);
	cr_assert_eq(system("ip route add 192.0.2.77/32 dev fc"), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_PASS, "the spoofed datagram to the host");
	answer.payload = 10;
	cr_assert_eq(tc_of_host(fc_if, &answer), FX_TC_SHOT,
		     "control: the host's answer into dmz is refused (RV2-3)");
	cr_expect_eq(tc_of_host(fc_if, &err), FX_TC_SHOT,
		     "the host's port unreachable to a trust session's spoofed client left into dmz");
}
