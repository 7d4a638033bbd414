/* Destination NAT, IPv4 (docs/nat.md "Destination NAT"), in
 * BPF_PROG_TEST_RUN, in the NAT fixture (tests/bpf/nat_fixture.h) turned
 * round: the outside client is beyond fb (203.0.113.0/24, zone untrust),
 * the inside server beyond fa (198.51.100.0/24, zone trust), and the
 * public address is fb's own. Checksums are recomputed by the packet
 * builder, which shares no code with the datapath. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "race.h"
#include "race_maps.h"
#include "reap.h"
#include "tally.h"
#include "xdp_race.skel.h"

TestSuite(nat_dst, .init = nat_setup, .fini = suite_teardown);

#define CLIENT SERVER1          /* outside, neighbour on fb */
#define FAR_CLIENT "203.0.113.9"   /* outside, no neighbour: the stack resolves it */
#define PUBLIC FB_ADDR          /* the firewall's WAN address */
#define INSIDE CLIENT_A         /* the inside server, neighbour on fa */
#define OTHER CLIENT_B          /* another inside host, neighbour on fa */
#define FAR_INSIDE "198.51.100.9"  /* inside, no neighbour */

/* Zones as the fixture's, `extra` policy lines, a policy from untrust to
 * trust permitting destination `dst` (an address-book entry) or any, and
 * the lines of destination rule-set DR from untrust with its pools. */
static void dnat_conf(char *text, size_t n, const char *extra, const char *dst, const char *nat)
{
	snprintf(text, n,
		 "set security zones security-zone trust interfaces fa\n"
		 "set security zones security-zone untrust interfaces fb\n"
		 "%s%s%s%s"
		 "set security policies from-zone untrust to-zone trust policy in match source-address any destination-address %s application any\n"
		 "set security policies from-zone untrust to-zone trust policy in then permit\n"
		 "set security policies default-policy deny-all\n"
		 "set security nat destination pool D address " INSIDE "/32 port 80\n"
		 "set security nat destination rule-set DR from zone untrust\n"
		 "%s",
		 extra, dst ? "set security address-book global address x " : "", dst ? dst : "",
		 dst ? "/32\n" : "", dst ? "x" : "any", nat);
}

static void commit_dnat_with(const char *extra, const char *dst, const char *nat)
{
	char text[4096];

	dnat_conf(text, sizeof(text), extra, dst, nat);
	commit(text);
}

static void commit_dnat(const char *dst, const char *nat)
{
	commit_dnat_with("", dst, nat);
}

/* Rule W: PUBLIC:8080 (TCP and UDP) to INSIDE:80. */
#define RULE_W                                                                          \
	"set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n" \
	"set security nat destination rule-set DR rule W match destination-port 8080\n"  \
	"set security nat destination rule-set DR rule W match protocol [ tcp udp ]\n"   \
	"set security nat destination rule-set DR rule W then destination-nat pool D\n"

static struct pb_spec tcp_syn(const char *src, const char *dst, __u16 sport, __u16 dport)
{
	return (struct pb_spec){ .src = src, .dst = dst, .proto = SFW_IPPROTO_TCP,
				 .sport = sport, .dport = dport, .tcp_flags = SFW_TCP_SYN,
				 .seq = 1000, .payload = 0 };
}

/* The first packet leaves for the inside server, its checksums right,
 * the client's address kept; the session is under the original tuple,
 * names the rule, and has the alias its replies will find. */
Test(nat_dst, first_packet_translated_to_the_inside_server)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec t = tcp_syn(CLIENT, PUBLIC, 40001, 8080);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u, CLIENT, 40000, INSIDE, 80);
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.flags & (SFW_SESS_F_NAT | SFW_SESS_F_DNAT),
		     SFW_SESS_F_NAT | SFW_SESS_F_DNAT);
	cr_assert_eq(sess.dnat_rule_id, 1);
	cr_assert_eq(sess.nat.rule_id, 0, "no source NAT rule");
	cr_assert_eq(sess.nat.dst, a4(INSIDE));
	cr_assert_eq(sess.nat.dport, htons(80));
	cr_assert_eq(sess.nat.src, a4(CLIENT));
	cr_assert_eq(sess.wing[SFW_WING_OUT].ifindex, in_if, "replies expected from inside");
	cr_assert_eq(fx_session_count(), 2, "the session and its alias");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0, "no port reserved");

	cr_assert_eq(run_at(out_if, &t, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &t, CLIENT, 40001, INSIDE, 80);
}

/* A later packet is translated as the first was; the server's reply,
 * found through the alias, leaves from the public address and port. */
Test(nat_dst, later_packets_and_the_reply_translated)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec r = udp(INSIDE, CLIENT, 80, 40000);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT, "a later packet");
	assert_tuple(&out, &u, CLIENT, 40000, INSIDE, 80);
	cr_assert_eq(run_at(in_if, &r, &in, &out), FX_XDP_REDIRECT, "the reply");
	assert_tuple(&out, &r, PUBLIC, 8080, CLIENT, 40000);
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, 2);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, 1, "the reply is the Out wing's");
	cr_assert_eq(fx_session_count(), 2);
}

/* `off` stops the walk untranslated (first match wins): a later rule
 * that would translate is not asked; a packet no rule matches (another
 * port) leaves as it came. */
Test(nat_dst, off_and_a_port_no_rule_matches_untranslated)
{
	struct pb_spec off = udp(CLIENT, OTHER, 40000, 8080);
	struct pb_spec other_port = udp(CLIENT, OTHER, 40001, 8081);
	struct pb_spec hit = udp(CLIENT, OTHER, 40002, 8082);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_dnat(NULL,
		    "set security nat destination rule-set DR rule O match destination-address " OTHER "/32\n"
		    "set security nat destination rule-set DR rule O match destination-port 8080\n"
		    "set security nat destination rule-set DR rule O then destination-nat off\n"
		    "set security nat destination rule-set DR rule V match destination-address " OTHER "/32\n"
		    "set security nat destination rule-set DR rule V match destination-port 8082\n"
		    "set security nat destination rule-set DR rule V then destination-nat pool D\n");
	cr_assert_eq(run_at(out_if, &off, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &off, CLIENT, 40000, OTHER, 8080);
	GET_SESSION(&off, &sess);
	cr_assert_eq(sess.flags & SFW_SESS_F_NAT, 0);
	cr_assert_eq(run_at(out_if, &other_port, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &other_port, CLIENT, 40001, OTHER, 8081);
	GET_SESSION(&other_port, &sess);
	cr_assert_eq(sess.flags & SFW_SESS_F_NAT, 0);
	cr_assert_eq(run_at(out_if, &hit, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &hit, CLIENT, 40002, INSIDE, 80);
	GET_SESSION(&hit, &sess);
	cr_assert_eq(sess.dnat_rule_id, 2, "rule V, the second");
}

/* The route and the policy see the translated destination, as on Junos:
 * a policy permitting only the inside server's address permits the
 * flow; one permitting only the public address does not, and leaves no
 * session or alias. */
Test(nat_dst, the_policy_judges_the_translated_destination)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec v = udp(CLIENT, PUBLIC, 40001, 8080);
	struct pb_pkt in, out;

	commit_dnat(INSIDE, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u, CLIENT, 40000, INSIDE, 80);

	commit_dnat(PUBLIC, RULE_W);
	cr_assert_eq(run_at(out_if, &v, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	ASSERT_NO_SESSION(&v);
	cr_assert_eq(fx_session_count(), 2, "the first session and its alias only");
}

/* The alias is bound to the Out wing's zone (trust, the server's): the
 * same reply tuple sent from the client's side is refused and moves
 * nothing; from inside it is the reply. */
Test(nat_dst, the_alias_is_bound_to_its_zone)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec r = udp(INSIDE, CLIENT, 80, 40000);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_DROP, "from the WAN");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, 0);
	cr_assert_eq(run_at(in_if, &r, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &r, PUBLIC, 8080, CLIENT, 40000);
}

/* The stack forwarding (no neighbour yet): the In wing goes up
 * translated (untranslated, its destination is the host's own, which the
 * stack would deliver to itself) and tc egress leaves it as it is; the
 * reply goes up as the server sent it (translated, its source would be
 * the host's own, a martian) and tc egress translates it. */
Test(nat_dst, stack_routed_packets_translated_once)
{
	struct pb_spec u = udp(FAR_CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec r = udp(FAR_INSIDE, FAR_CLIENT, 80, 40000);
	struct pb_pkt in, up, out;

	commit_dnat(NULL,
		    "set security nat destination pool F address " FAR_INSIDE "/32 port 80\n"
		    "set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n"
		    "set security nat destination rule-set DR rule W then destination-nat pool F\n");
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(out_if, &u, &in, &up), FX_XDP_PASS);
	assert_tuple(&up, &u, FAR_CLIENT, 40000, FAR_INSIDE, 80);
	cr_assert_eq(tc_at(in_if, out_if, &up, &out), FX_TC_OK);
	assert_tuple(&out, &u, FAR_CLIENT, 40000, FAR_INSIDE, 80);

	cr_assert_eq(run_at(in_if, &r, &in, &up), FX_XDP_PASS, "the reply");
	assert_tuple(&up, &r, FAR_INSIDE, 80, FAR_CLIENT, 40000);
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_OK);
	assert_tuple(&out, &r, PUBLIC, 8080, FAR_CLIENT, 40000);
}

/* Source NAT translating a destination NAT session as well is not
 * built: its first packet is refused under Incoming NAT errors, with no
 * session, alias or port left; `source-nat off` beside it is taken. */
Test(nat_dst, both_nats_at_once_refused)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_pkt in, out;
	const char *src =
		"set security nat source rule-set RS from zone untrust\n"
		"set security nat source rule-set RS to zone trust\n"
		"set security nat source rule-set RS rule S then source-nat interface\n";
	char nat[2048];

	snprintf(nat, sizeof(nat), "%s%s", RULE_W, src);
	commit_dnat(NULL, nat);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	ASSERT_NO_SESSION(&u);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0);

	snprintf(nat, sizeof(nat), "%s%s", RULE_W,
		 "set security nat source rule-set RS from zone untrust\n"
		 "set security nat source rule-set RS to zone trust\n"
		 "set security nat source rule-set RS rule S then source-nat off\n");
	commit_dnat(NULL, nat);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u, CLIENT, 40000, INSIDE, 80);
}

/* ICMP echo: the destination translated, the identifier kept (a pool
 * without a port), the ICMP checksum right both ways. */
Test(nat_dst, icmp_echo_translated_both_ways)
{
	struct pb_spec e = { .src = CLIENT, .dst = PUBLIC, .proto = SFW_IPPROTO_ICMP,
			     .icmp_type = SFW_ICMP_ECHO, .icmp_id = 7000, .icmp_seq = 1,
			     .payload = 16 };
	struct pb_spec r = e;
	struct pb_pkt in, out;

	commit_dnat(NULL,
		    "set security nat destination pool E address " INSIDE "/32\n"
		    "set security nat destination rule-set DR rule P match destination-address " PUBLIC "/32\n"
		    "set security nat destination rule-set DR rule P then destination-nat pool E\n");
	cr_assert_eq(run_at(out_if, &e, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 16), a4(INSIDE));
	cr_assert_eq(addr_at(&out, 12), a4(CLIENT));
	cr_assert_eq(port_at(&out, 4), 7000, "the identifier kept");
	cr_assert_eq(pb_verify_csums(&out, &e), 0);
	r.src = INSIDE;
	r.dst = CLIENT;
	r.icmp_type = SFW_ICMP_ECHOREPLY;
	cr_assert_eq(run_at(in_if, &r, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(PUBLIC), "the reply from the public address");
	cr_assert_eq(port_at(&out, 4), 7000);
	cr_assert_eq(pb_verify_csums(&out, &r), 0);
}

/* Port forwarding to the host itself is not built: a pool address that
 * is the host's own refuses the first packet under Incoming NAT errors,
 * though a policy to junos-host would permit it. */
Test(nat_dst, translated_to_the_host_itself_refused)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 2222);
	struct pb_pkt in, out;

	commit_dnat_with("set security policies from-zone untrust to-zone junos-host policy h match source-address any destination-address any application any\n"
			 "set security policies from-zone untrust to-zone junos-host policy h then permit\n",
			 NULL,
			 "set security nat destination pool H address 198.51.100.1/32 port 22\n"
			 "set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n"
			 "set security nat destination rule-set DR rule W then destination-nat pool H\n");
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	ASSERT_NO_SESSION(&u);
	cr_assert_eq(fx_session_count(), 0);
}

/* A port forward's datagrams both ways fragmented by their senders
 * (docs/nat.md "Fragments"): the client's first fragment opens the
 * session and, like its later ones, is translated in XDP to the inside
 * server (address, and port in the first), then goes up for the stack
 * to forward; the server's fragmented answer goes up as sent and leaves
 * tc egress from the public address and port. Each datagram reassembles
 * with a right checksum. Before: both refused under Incoming NAT
 * errors. */
Test(nat_dst, fragmented_datagrams_both_ways)
{
	struct pb_spec big = udp(CLIENT, PUBLIC, 40010, 8080), ans;
	struct pb_pkt fr[4], tx[4], up[4];
	struct sfw_session sess;
	__u8 dgram[4096];
	__u32 len;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_dnat(NULL, RULE_W);
	big.payload = 1200;
	big.ip_id = 308;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		tx[i] = fr[i];
		cr_assert_eq(fx_xdp_frame_at(out_if, fr[i].data, fr[i].len, tx[i].data, &tx[i].len),
			     FX_XDP_PASS, "fragment %d up", i);
		cr_assert_eq(addr_at(&tx[i], 16), a4(INSIDE), "fragment %d to the server", i);
		cr_assert_eq(addr_at(&tx[i], 12), a4(CLIENT));
	}
	cr_assert_eq(port_at(&tx[0], 2), 80);
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_UDP, dgram, &len), 0xffff, "the client's datagram");
	GET_SESSION(&big, &sess);
	cr_assert_eq(sess.flags & (SFW_SESS_F_NAT | SFW_SESS_F_DNAT),
		     SFW_SESS_F_NAT | SFW_SESS_F_DNAT);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, 3);

	ans = udp(INSIDE, CLIENT, 80, 40010);
	ans.payload = 1200;
	ans.ip_id = 309;
	cr_assert_eq(pb_fragment(&ans, 512, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		up[i] = fr[i];
		cr_assert_eq(fx_xdp_frame_at(in_if, fr[i].data, fr[i].len, up[i].data, &up[i].len),
			     FX_XDP_PASS, "answer fragment %d up", i);
		cr_assert_eq(memcmp(up[i].data, fr[i].data, fr[i].len), 0, "as sent");
		cr_assert_eq(tc_at(out_if, in_if, &up[i], &tx[i]), FX_TC_OK, "answer fragment %d", i);
		cr_assert_eq(addr_at(&tx[i], 12), a4(PUBLIC), "fragment %d from the public address", i);
	}
	cr_assert_eq(port_at(&tx[0], 0), 8080);
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_UDP, dgram, &len), 0xffff, "the server's answer");
	GET_SESSION(&big, &sess);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, 3);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 0);
}

/* The stack fragments a port forward's reply that XDP passed up whole
 * (a smaller MTU toward the client, DF clear): tc egress sees fragments
 * XDP never did. The first leaves from the public address and port, its
 * datagram recorded; the later ones follow the record from the public
 * address. Before: the first was refused, and the kernel stopped there. */
Test(nat_dst, stack_fragmented_reply_translated_at_tc)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40012, 8080), ans;
	struct pb_pkt in, out, fr[4], tx[4];
	__u8 dgram[4096];
	__u32 len;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	ans = udp(INSIDE, CLIENT, 80, 40012);
	ans.payload = 1200;
	ans.ip_id = 311;
	cr_assert_eq(pb_fragment(&ans, 512, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(tc_at(out_if, in_if, &fr[i], &tx[i]), FX_TC_OK, "fragment %d", i);
		cr_assert_eq(addr_at(&tx[i], 12), a4(PUBLIC), "fragment %d from the public address", i);
	}
	cr_assert_eq(port_at(&tx[0], 0), 8080);
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_UDP, dgram, &len), 0xffff, "the reassembled answer");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);
}

/* A port forward's later fragment whose first was never seen carries no
 * port to match the rule by: dropped (no record), never passed up to the
 * host's own address. */
Test(nat_dst, a_later_fragment_without_its_first_dropped)
{
	struct pb_spec big = udp(CLIENT, PUBLIC, 40011, 8080);
	struct pb_pkt fr[4], out;

	commit_dnat(NULL, RULE_W);
	big.payload = 1200;
	big.ip_id = 310;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	out = fr[1];
	cr_assert_eq(fx_xdp_frame_at(out_if, fr[1].data, fr[1].len, out.data, &out.len),
		     FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
	cr_assert_eq(fx_session_count(), 0);
}

/* A reject answers from the address and port the client sent to, not
 * from the inside server's it was judged by. */
Test(nat_dst, a_reject_answers_from_the_public_address)
{
	struct pb_spec t = tcp_syn(CLIENT, PUBLIC, 40001, 8080);
	struct pb_pkt in, out;

	commit_dnat_with("set security policies global policy no match source-address any destination-address any application any\n"
			 "set security policies global policy no then reject\n",
			 OTHER, RULE_W);
	cr_assert_eq(run_at(out_if, &t, &in, &out), 3 /* XDP_TX */);
	cr_assert_eq(addr_at(&out, 12), a4(PUBLIC), "the RST's source");
	cr_assert_eq(port_at(&out, 0), 8080, "the RST's source port");
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT));
	ASSERT_NO_SESSION(&t);
}

/* The stack forwarding the reply toward an egress sfw is not attached to
 * (whose tc egress would not translate it): refused, the session's Out
 * wing untouched. */
Test(nat_dst, reply_toward_an_unattached_egress_refused)
{
	struct pb_spec u = udp(FAR_CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec r = udp(INSIDE, FAR_CLIENT, 80, 40000);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &r, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, 0);
}

/* A reply forwarded from an interface XDP does not watch is tracked at tc
 * egress, and translated there as well. */
Test(nat_dst, reply_from_an_unattached_ingress_translated_at_tc)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec r = udp(INSIDE, CLIENT, 80, 40000);
	struct pb_pkt in, out;

	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(pb_build(&r, &in), 0);
	cr_assert_eq(tc_at(out_if, in_if, &in, &out), FX_TC_OK);
	assert_tuple(&out, &r, PUBLIC, 8080, CLIENT, 40000);
}

/* An error from the server's side about the In wing as it left,
 * c:cp -> s:sp (the server's port unreachable; a router's or the host's
 * Fragmentation Needed), goes to the client as nf_nat sends it: up from
 * XDP as received (translated, its source would be the host's own), and
 * out of tc from the public address, quoting what the client sent,
 * c:cp -> P:pp, every checksum right; the host's own likewise. Refused
 * (Incoming NAT errors) at tc when the session expired or is gone while
 * it waited; from the client's zone it is no error of the session's. */
Test(nat_dst, icmp_error_from_inside_leaves_from_the_public_address)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec fwd = udp(CLIENT, INSIDE, 40000, 80);
	struct pb_spec e1 = { .src = INSIDE, .dst = CLIENT, .proto = SFW_IPPROTO_ICMP,
			      .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3, .inner = &fwd };
	struct pb_spec host = e1;
	struct pb_pkt in, up, out;

	host.src = "198.51.100.1";   /* fa's own: the host's Fragmentation Needed */
	host.icmp_code = 4;
	commit_dnat(NULL, RULE_W);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &e1, &in, &up), FX_XDP_DROP, "from the client's zone");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_assert_eq(run_at(in_if, &e1, &in, &up), FX_XDP_PASS, "up, as received");
	cr_assert_eq(addr_at(&up, 12), a4(INSIDE), "the stack drops its own address");
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_OK);
	cr_assert_eq(addr_at(&out, 12), a4(PUBLIC), "from the public address");
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT));
	cr_assert_eq(pb_verify_csums(&out, &e1), 0, "outer IPv4 and ICMP checksums");
	assert_quote(&out, CLIENT, 40000, PUBLIC, 8080);

	cr_assert_eq(pb_build(&host, &in), 0);
	cr_assert_eq(tc_at(out_if, 0, &in, &out), FX_TC_OK, "the host's own");
	cr_assert_eq(addr_at(&out, 12), a4(PUBLIC));
	cr_assert_eq(pb_verify_csums(&out, &host), 0);
	assert_quote(&out, CLIENT, 40000, PUBLIC, 8080);

	cr_assert_eq(fx_age(&u, 61), 0);
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_SHOT, "its session expired");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(fx_age(&u, -61), 0);
	nat_evict(&u);
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_SHOT, "on an orphaned alias");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 2);
	cr_assert_eq(fx_session_count(), 0, "the orphaned alias deleted");
}

/* An error from the client's side about the reply as it got it,
 * P:pp -> c:cp, sent to P (the client's port unreachable about a late
 * reply, a router's Fragmentation Needed: path-MTU discovery for a
 * download through port forwarding), goes back to the server: the outer
 * destination and the quoted source translated back in XDP, s:sp ->
 * c:cp, every checksum right, and leaves tc toward the server as it is.
 * From the server's zone it is no error of the session's, nor is one
 * quoting the client's own packet, c:cp -> P:pp. */
Test(nat_dst, icmp_error_from_outside_reaches_the_server)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec got = udp(PUBLIC, CLIENT, 8080, 40000);
	struct pb_spec e2 = { .src = SERVER2, .dst = PUBLIC, .proto = SFW_IPPROTO_ICMP,
			      .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 4, .inner = &got };
	struct pb_spec sent = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec own = { .src = OTHER, .dst = CLIENT, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3, .inner = &sent };
	struct pb_pkt in, up, out;

	commit_dnat(NULL, RULE_W);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &e2, &in, &up), FX_XDP_DROP, "from the server's zone");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_assert_eq(run_at(in_if, &own, &in, &up), FX_XDP_DROP, "the client's own packet quoted");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_ERR_NO_SESSION), 1);
	cr_assert_eq(run_at(out_if, &e2, &in, &up), FX_XDP_PASS, "to the stack, as errors go");
	cr_assert_eq(addr_at(&up, 12), a4(SERVER2));
	cr_assert_eq(addr_at(&up, 16), a4(INSIDE), "to the server");
	cr_assert_eq(pb_verify_csums(&up, &e2), 0, "outer IPv4 and ICMP checksums");
	assert_quote(&up, INSIDE, 80, CLIENT, 40000);
	cr_assert_eq(tc_at(in_if, out_if, &up, &out), FX_TC_OK);
	cr_assert_eq(memcmp(out.data, up.data, up.len), 0, "left as XDP wrote it");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);

	/* at tc, the session's own key quotes nothing private: left as it
	 * is. XDP refuses this forged one (its quote is not the server's),
	 * and so does tc now: it left no judgement at XDP, and judged at tc
	 * it is about no packet sent to its destination (bpf/tc_judged.bpf.h) */
	e2.dst = INSIDE;
	cr_assert_eq(pb_build(&e2, &in), 0);
	cr_assert_eq(tc_at(in_if, out_if, &in, &out), FX_TC_SHOT);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_ERR_NO_SESSION), 2);
	cr_assert_eq(memcmp(out.data, in.data, in.len), 0, "left as it came");
}

/* A session the reaper ends takes its alias with it. */
Test(nat_dst, an_ended_session_takes_its_alias)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct sfw_reap_entry ent = { 0 };
	struct sfw_reaper *reaper = NULL;
	struct pb_pkt in, out;

	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_session_count(), 2);
	cr_assert_eq(sfw_reaper_open_fds(&reaper, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	fx_key(&u, &ent.key);
	cr_assert_eq(sfw_reaper_run(reaper, &ent, 1, SFW_CLOSE_CLEAR, false), 1);
	sfw_reaper_close(reaper);
	cr_assert_eq(fx_session_count(), 0, "the alias went with its session");
}

/* The reply tuple held by a session of its own (the inside server
 * reached the client directly from that port): the destination NAT
 * session cannot have its alias, and is refused with nothing left. */
Test(nat_dst, a_reply_tuple_held_refuses_the_session)
{
	struct pb_spec direct = udp(INSIDE, CLIENT, 80, 40000);
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_pkt in, out;

	commit_dnat_with("set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n"
			 "set security policies from-zone trust to-zone untrust policy out then permit\n",
			 NULL, RULE_W);
	cr_assert_eq(run_at(in_if, &direct, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	ASSERT_NO_SESSION(&u);
	cr_assert_eq(fx_session_count(), 1, "the direct session alone");
}

/* Review (rvdnat): a reply the stack holds (its neighbour unresolved)
 * while its session's In-wing entry goes (the LRU evicted it under a
 * flood of new sessions, or a clear between the two deletes): at tc the
 * alias is an orphan, and the reply must not leave untranslated, from
 * the server's private address, past a zone pair no policy judged
 * (failed before sfw_tc_dnat_reply refused an orphan). */
Test(nat_dst, rv_reply_on_an_orphaned_alias_refused_at_tc)
{
	struct pb_spec u = udp(FAR_CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec r = udp(FAR_INSIDE, FAR_CLIENT, 80, 40000);
	struct pb_pkt in, up, out;

	commit_dnat(NULL,
		    "set security nat destination pool F address " FAR_INSIDE "/32 port 80\n"
		    "set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n"
		    "set security nat destination rule-set DR rule W then destination-nat pool F\n");
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(out_if, &u, &in, &up), FX_XDP_PASS);
	cr_assert_eq(run_at(in_if, &r, &in, &up), FX_XDP_PASS, "the reply, up untranslated");
	nat_evict(&u);
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_SHOT,
		     "left untranslated from the server's address");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
}

/* Review (rvdnat): the same with the whole session cleared (In-wing
 * entry and alias) while the reply waits in the stack: tc finds no
 * entry, and sfw_tc_nat_miss asked only source NAT rules, so without a
 * source rule from trust to untrust the reply left from the server's
 * private address (failed before sfw_nat_dest_serves). A miss from the
 * pool's address and port toward the rule-set's zone is refused, and a
 * later fragment from that address; from another port it leaves, judged
 * at tc as XDP never judged it (bpf/tc_judged.bpf.h): trust to untrust
 * is permitted here for that. */
#define TRUST_OUT "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n" \
		  "set security policies from-zone trust to-zone untrust policy out then permit\n"

Test(nat_dst, rv_reply_in_flight_when_its_session_is_cleared_refused_at_tc)
{
	struct pb_spec u = udp(FAR_CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec r = udp(FAR_INSIDE, FAR_CLIENT, 80, 40000);
	struct pb_spec other = udp(FAR_INSIDE, FAR_CLIENT, 81, 40000);
	struct pb_spec frag = r;
	struct sfw_session_key k;
	struct pb_pkt in, up, out;
	int fd;

	frag.ip_id = 77;
	frag.frag_off = 1480;
	commit_dnat_with(TRUST_OUT, NULL,
		    "set security nat destination pool F address " FAR_INSIDE "/32 port 80\n"
		    "set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n"
		    "set security nat destination rule-set DR rule W then destination-nat pool F\n");
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(out_if, &u, &in, &up), FX_XDP_PASS);
	cr_assert_eq(run_at(in_if, &r, &in, &up), FX_XDP_PASS, "the reply, up untranslated");
	fd = fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS));
	fx_key(&u, &k);
	cr_assert_eq(bpf_map_delete_elem(fd, &k), 0);
	fx_key(&r, &k);
	cr_assert_eq(bpf_map_delete_elem(fd, &k), 0, "the alias");
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_SHOT,
		     "left untranslated from the server's address");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(pb_build(&frag, &in), 0);
	cr_assert_eq(tc_at(out_if, in_if, &in, &out), FX_TC_SHOT, "a later fragment");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 2);
	cr_assert_eq(pb_build(&other, &in), 0);
	cr_assert_eq(tc_at(out_if, in_if, &in, &out), FX_TC_OK, "no reply of the pool's");

	/* the rule's protocol and its clients bound it too */
	commit_dnat_with(TRUST_OUT, NULL,
		    "set security nat destination pool F address " FAR_INSIDE "/32 port 80\n"
		    "set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n"
		    "set security nat destination rule-set DR rule W match protocol tcp\n"
		    "set security nat destination rule-set DR rule W then destination-nat pool F\n");
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_OK, "UDP, no reply of a TCP rule's");
	commit_dnat_with(TRUST_OUT, NULL,
		    "set security nat destination pool F address " FAR_INSIDE "/32 port 80\n"
		    "set security nat destination rule-set DR rule W match source-address 192.0.2.0/24\n"
		    "set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n"
		    "set security nat destination rule-set DR rule W then destination-nat pool F\n");
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_OK, "to a client the rule never takes");
}

/* Review (rvdnat): two CPUs' first packets of one flow on either side
 * of a commit that took the rule away: the other CPU made the
 * destination NAT session (and its alias) while this one, its walk
 * untranslated, was judged for the host (a policy to junos-host permits
 * it) and joined that session (sfw_join). The frame was rewritten only
 * when this CPU translated it itself, and the In wing is left alone
 * after, so with XDP forwarding off it went up addressed to the host's
 * own address, to a host socket on that port. It is rewritten from the
 * session's NAT block. The race program (tests/bpf/xdp_race.bpf.c)
 * plays the other CPU. */
Test(nat_dst, rv_first_packet_joining_a_dnat_session_translated)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS));
	const char *host =
		"set security policies from-zone untrust to-zone junos-host policy h match source-address any destination-address any application any\n"
		"set security policies from-zone untrust to-zone junos-host policy h then permit\n";
	struct sfw_config cfg;
	struct xdp_race *race;
	struct pb_pkt in, out;
	struct xdp_md ctx = { .ingress_ifindex = out_if };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_out = out.data, .data_size_out = PB_MAX,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	commit_dnat_with(host, NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT, "the other CPU's packet");
	race = xdp_race__open();
	cr_assert_not_null(race);
	on_fixture_maps(race->obj);
	cr_assert_eq(xdp_race__load(race), 0, "loading the race program");
	fx_key(&u, &race->bss->race_key);
	cr_assert_eq(bpf_map_lookup_and_delete_elem(fd, &race->bss->race_key,
						    &race->bss->race_sess), 0);
	cr_assert(race->bss->race_sess.flags & SFW_SESS_F_DNAT);
	commit_dnat_with(host, NULL,
			 "set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n"
			 "set security nat destination rule-set DR rule W match destination-port 9090\n"
			 "set security nat destination rule-set DR rule W then destination-nat pool D\n");
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags & ~SFW_CFG_F_FORWARD), 0);
	race->bss->race_action = RACE_INSERT;
	cr_assert_eq(pb_build(&u, &in), 0);
	t.data_in = in.data;
	t.data_size_in = in.len;
	ctx.data_end = in.len;
	out = in;
	cr_assert_eq(bpf_prog_test_run_opts(bpf_program__fd(race->progs.sfw_xdp_ingress), &t), 0);
	out.len = t.data_size_out;
	cr_assert_eq(race->bss->race_runs, 1, "the other CPU ran in between");
	cr_expect_eq(t.retval, FX_XDP_PASS);
	assert_tuple(&out, &u, CLIENT, 40000, INSIDE, 80);
	xdp_race__destroy(race);
}

/* Review (rvdnat, passes: no finding): a TCP connection in TIME_WAIT restarted by the
 * client's new SYN (sfw_tcp_restarts: sfw_hook_route returns before the
 * In wing's rewrite) opens afresh, translated to the server, never sent
 * on to the host's own address. */
Test(nat_dst, rv_tcp_restart_in_time_wait_translated_again)
{
	struct pb_spec syn = tcp_syn(CLIENT, PUBLIC, 40001, 8080);
	struct sfw_session_key k;
	struct sfw_session sess;
	struct pb_pkt in, out;
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS));

	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &syn, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &syn, CLIENT, 40001, INSIDE, 80);
	fx_key(&syn, &k);
	cr_assert_eq(bpf_map_lookup_elem(fd, &k, &sess), 0);
	/* closed both ways, each FIN acknowledged (sfw_tcp_finished) */
	sess.tcp_state = SFW_TCP_TIME_WAIT;
	sess.wing[0].tcp_flags |= SFW_WING_SEEN_FIN | SFW_WING_FIN_ACKED;
	sess.wing[1].tcp_flags |= SFW_WING_SEEN_FIN | SFW_WING_FIN_ACKED;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &sess, BPF_EXIST), 0);
	syn.seq = 900000;
	cr_assert_eq(run_at(out_if, &syn, &in, &out), FX_XDP_REDIRECT, "the restart");
	assert_tuple(&out, &syn, CLIENT, 40001, INSIDE, 80);
	cr_assert_eq(fx_session_count(), 2, "the new session and its alias, the old ones gone");
}

/* Review (rvdnat): with a destination-ip-based session limit on the
 * client's zone, a destination NAT session takes its count at the
 * translated destination (sfw_tally_open reads p, the server's) but
 * gives it back at the key's (sfw_tally_release: the public address),
 * so the server's count never comes back: after `limit` sessions, each
 * ended, the port forward refuses every client for good (and the
 * public address's count, the host's own sessions', is taken down).
 * Failed before sfw_tally_open took the key's destination. */
Test(nat_dst, rv_an_ended_session_gives_back_its_destination_limit_count)
{
	struct pb_spec a = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec b = udp(CLIENT, PUBLIC, 40001, 8080);
	struct sfw_reap_entry ent = { 0 };
	struct sfw_reaper *reaper = NULL;
	struct pb_pkt in, out;

	commit_dnat_with("set security screen ids-option lim limit-session destination-ip-based 1\n"
			 "set security zones security-zone untrust screen lim\n",
			 NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &a, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &b, &in, &out), FX_XDP_DROP, "the limit holds");
	cr_assert_eq(sfw_reaper_open_fds(&reaper, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	fx_key(&a, &ent.key);
	cr_assert_eq(sfw_reaper_run(reaper, &ent, 1, SFW_CLOSE_CLEAR, false), 1);
	sfw_reaper_close(reaper);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(tally_entries(), 0, "a count left behind");
	cr_assert_eq(run_at(out_if, &b, &in, &out), FX_XDP_REDIRECT,
		     "the first session's count never came back");
}

/* Id's counters (n of them) in per-CPU counters map `map`, counter c,
 * summed over the CPUs. */
static __u64 stat_of(const char *map, __u32 id, int n, int c)
{
	int fd = fx_map_fd(false, map), ncpu = libbpf_num_possible_cpus();
	__u64 *v = calloc((size_t)(ncpu > 0 ? ncpu : 1) * n, sizeof(*v)), sum = 0;

	cr_assert(fd >= 0 && ncpu > 0 && v);
	cr_assert_eq(bpf_map_lookup_elem(fd, &id, v), 0);
	for (int i = 0; i < ncpu; i++)
		sum += v[i * n + c];
	free(v);
	return sum;
}

#define DRULE(id, c) stat_of(SFW_STR(SFW_MAP_NAT_DRULE_STATS), id, SFW_NAT_RC_COUNT, SFW_NAT_RC_##c)
#define DPOOL(id) stat_of(SFW_STR(SFW_MAP_NAT_DPOOL_STATS), id, SFW_NAT_DPC_COUNT, SFW_NAT_DPC_HITS)

/* A destination rule's first packet counts its Translation hits and its
 * pool's hits, its session Successful sessions; later packets and the
 * reply count nothing, and no source rule or pool counts (each failed
 * with its increment removed from bpf/xdp_ingress.bpf.c or
 * bpf/flow.bpf.h). */
Test(nat_dst, hits_counted_at_the_first_packet)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec r = udp(INSIDE, CLIENT, 80, 40000);
	struct pb_pkt in, out;

	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &r, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(DRULE(1, HITS), 1);
	cr_assert_eq(DRULE(1, SUCCESS), 1);
	cr_assert_eq(DPOOL(1), 1);
	cr_assert_eq(stat_of(SFW_STR(SFW_MAP_NAT_RULE_STATS), 1, SFW_NAT_RC_COUNT,
			     SFW_NAT_RC_HITS), 0, "no source rule's");
	cr_assert_eq(stat_of(SFW_STR(SFW_MAP_NAT_POOL_STATS), 1, SFW_NAT_PC_COUNT,
			     SFW_NAT_PC_HITS), 0, "no source pool's");
}

/* A hit is the rule's match, whatever refuses the packet next: the
 * policy refusing the translated destination leaves the hit without a
 * success; an `off` rule's match is a hit too. */
Test(nat_dst, hit_without_success_when_refused_and_for_off)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec o = udp(CLIENT, OTHER, 40001, 8080);
	struct pb_pkt in, out;

	commit_dnat(OTHER, RULE_W
		    "set security nat destination rule-set DR rule O match destination-address " OTHER "/32\n"
		    "set security nat destination rule-set DR rule O then destination-nat off\n");
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_DROP);
	cr_assert_eq(DRULE(1, HITS), 1);
	cr_assert_eq(DRULE(1, SUCCESS), 0);
	cr_assert_eq(DPOOL(1), 1);
	cr_assert_eq(run_at(out_if, &o, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(DRULE(2, HITS), 1, "the off rule's match");
}

/* Destination rule and pool ids are kept by name across commits: a rule
 * deleted before W leaves W its id, so W's session, made before, and its
 * counters keep naming W (failed with destination ids left at the
 * compiler's, configuration order). */
Test(nat_dst, rule_ids_kept_across_commits)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct pb_spec v = udp(CLIENT, PUBLIC, 40001, 8080);
	struct sfw_session sess;
	struct pb_pkt in, out;
	const char *first = "set security nat destination pool E address " OTHER "/32\n"
			    "set security nat destination rule-set DR rule V match destination-address " OTHER "/32\n"
			    "set security nat destination rule-set DR rule V then destination-nat pool E\n";
	char both[2048];

	snprintf(both, sizeof(both), "%s%s", first, RULE_W);
	commit_dnat(NULL, both);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.dnat_rule_id, 2);
	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &v, &in, &out), FX_XDP_REDIRECT);
	GET_SESSION(&v, &sess);
	cr_assert_eq(sess.dnat_rule_id, 2, "W keeps its id");
	cr_assert_eq(DRULE(2, HITS), 2);
	cr_assert_eq(DRULE(1, HITS), 0, "V's id is no one's");
	cr_assert_eq(DPOOL(1), 2, "D keeps its pool id");
	cr_assert_eq(DPOOL(2), 0, "E's is no one's");
}

/* Ids exhausted: a deleted rule's id that a live session still names as
 * its dnat_rule_id is given to no new rule (the commit's walk of the
 * table, loader/nat_rule_ids_maps.c); with every other id named and in
 * force, the commit is refused with the one line (failed with the walk
 * reading no session's dnat_rule_id: X took W's id 1). */
Test(nat_dst, exhausted_ids_skip_one_a_session_names)
{
	int names = fx_map_fd(false, SFW_STR(SFW_MAP_NAMES));
	int entries = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_ENTRIES));
	struct pb_spec u = udp(CLIENT, PUBLIC, 40000, 8080);
	struct sfw_policy_fds f = fds();
	struct sfw_session sess;
	struct sfw_config cfg;
	struct pb_pkt in, out;
	char text[4096];
#define RULE_V "set security nat destination rule-set DR rule V match destination-address " OTHER "/32\n" \
	       "set security nat destination rule-set DR rule V then destination-nat pool D\n"

	commit_dnat(NULL, RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.dnat_rule_id, 1);
	commit_dnat(NULL, RULE_V);   /* W deleted: its id in force no more */
	cr_assert_eq(fx_config(&cfg), 0);
	for (__u32 id = 3; id <= SFW_NAT_MAX_RULES; id++) {
		struct sfw_nat_entry_key k = { .list = { .stage = SFW_NAT_DESTINATION,
							 .from_zone = 200, .to_zone = SFW_ZONE_NONE,
							 .gen = (__u8)(cfg.gen & 1) },
					       .idx = id };
		struct sfw_nat_entry v = { .rule_id = (__u16)id };
		struct sfw_name_key nk = { SFW_NAME_NAT_DRULE, id };
		struct sfw_name nv = { 0 };

		snprintf(nv.name, sizeof(nv.name), "old%u", id);
		cr_assert_eq(bpf_map_update_elem(names, &nk, &nv, BPF_ANY), 0);
		nk.kind = SFW_NAME_NAT_DRULE_SET;
		cr_assert_eq(bpf_map_update_elem(names, &nk, &nv, BPF_ANY), 0);
		cr_assert_eq(bpf_map_update_elem(entries, &k, &v, BPF_ANY), 0, "entry %u", id);
	}
	dnat_conf(text, sizeof(text), "", NULL,
		  RULE_V "set security nat destination rule-set DR rule X match destination-address 192.0.2.99/32\n"
		  "set security nat destination rule-set DR rule X then destination-nat pool D\n");
	cr_assert_eq(commit_into(text, &f), -E2BIG);
	cr_assert_str_eq(sfw_last_error(), "no destination NAT rule id is left for rule X: each of "
			 "the 4096 is a rule's in force or in this commit, or named by sessions "
			 "in the table");
#undef RULE_V
}
