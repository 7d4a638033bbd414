/* Source NAT to the egress interface's address in XDP (docs/nat.md), in
 * BPF_PROG_TEST_RUN: the configuration is committed into the fixture's
 * maps through the loader (tests/bpf/commit.h), past the CLI's refusal of
 * NAT. The fixture's namespace gets a veth pair as in test_forward.c: fa
 * (198.51.100.1/24, zone trust) where clients send from, fb
 * (203.0.113.1/24, zone untrust) toward the servers, with static
 * neighbours so the FIB answers SUCCESS and frames are redirected. Every
 * rewritten frame's checksums are recomputed from scratch by the packet
 * builder (tests/lib/pktbuild.c), which shares no code with the datapath. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "reap.h"
#include "session_walk.h"
#include <time.h>

TestSuite(nat, .init = nat_setup, .fini = suite_teardown);

/* A UDP first packet leaves from fb's address (its own port, free), its
 * session marked and holding one alias and one port; the reply to that
 * address and port goes back to the client, on the session's Out wing. */
Test(nat, udp_first_packet_and_reply_translated)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40000, 53);
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, 40000);
	struct pb_pkt in, out;
	struct sfw_session sess;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &s, FB_ADDR, 40000, SERVER1, 53);
	GET_SESSION(&s, &sess);
	cr_assert(sess.flags & SFW_SESS_F_NAT);
	cr_assert_eq(sess.nat.src, a4(FB_ADDR));
	cr_assert_eq(ntohs(sess.nat.sport), 40000);
	cr_assert_eq(sess.nat.rule_id, 1);
	cr_assert_eq(fx_session_count(), 2, "the session and its alias");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1, "one port held");

	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &r, SERVER1, 53, CLIENT_A, 40000);
	GET_SESSION(&s, &sess);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, 1, "the reply is the Out wing's");
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, 1);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_assert_eq(fx_session_count(), 2, "the reply opened nothing");
}

/* A UDP checksum of 0 (none) stays 0. */
Test(nat, udp_without_checksum_keeps_none)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40001, 53);
	struct pb_pkt in, out;

	cr_assert_eq(pb_build(&s, &in), 0);
	memset(in.data + in.l4_off + 6, 0, 2);
	out = in;
	cr_assert_eq(fx_xdp_frame_at(in_if, in.data, in.len, out.data, &out.len), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(FB_ADDR));
	cr_assert_eq(port_at(&out, 6), 0, "no checksum stays no checksum");
}

/* A handshake through interface NAT: client A's port 41000 kept. */
static const struct pb_spec syn = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
				    .sport = 41000, .dport = 80, .tcp_flags = SFW_TCP_SYN,
				    .seq = 1000 };
static const struct pb_spec synack = { .src = SERVER1, .dst = FB_ADDR, .proto = SFW_IPPROTO_TCP,
				       .sport = 80, .dport = 41000,
				       .tcp_flags = SFW_TCP_SYN | SFW_TCP_ACK, .seq = 5000,
				       .ack = 1001 };
static const struct pb_spec ack = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
				    .sport = 41000, .dport = 80, .tcp_flags = SFW_TCP_ACK,
				    .seq = 1001, .ack = 5001, .payload = 10 };

/* TCP: the SYN out, the SYN-ACK back, the ACK out, each rewritten with its
 * checksum right, the session established through the alias. */
Test(nat, tcp_handshake_translated_both_ways)
{
	struct pb_pkt in, out;
	struct sfw_session sess;

	cr_assert_eq(run_at(in_if, &syn, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &syn, FB_ADDR, 41000, SERVER1, 80);
	cr_assert_eq(run_at(out_if, &synack, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &synack, SERVER1, 80, CLIENT_A, 41000);
	cr_assert_eq(run_at(in_if, &ack, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &ack, FB_ADDR, 41000, SERVER1, 80);
	GET_SESSION(&syn, &sess);
	cr_assert_eq(sess.tcp_state, SFW_TCP_ESTABLISHED);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, 1);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, 2);
}

static struct pb_spec echo(const char *src, const char *dst, __u8 type, __u16 id)
{
	return (struct pb_spec){ .src = src, .dst = dst, .proto = SFW_IPPROTO_ICMP,
				 .icmp_type = type, .icmp_id = id, .icmp_seq = 1, .payload = 16 };
}

/* ICMP echo: the identifier is translated as a port is (parse_l4.bpf.h
 * keys it so), with the ICMP checksum; a second client's same identifier
 * to the same server gets another, and each reply reaches its own client
 * with its own identifier back. */
Test(nat, icmp_echo_identifier_translated_both_ways)
{
	struct pb_spec a = echo(CLIENT_A, SERVER1, SFW_ICMP_ECHO, 5000);
	struct pb_spec b = echo(CLIENT_B, SERVER1, SFW_ICMP_ECHO, 5000);
	struct pb_pkt in, out;
	__u16 ida, idb;

	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	ida = port_at(&out, 4);
	cr_assert_eq(addr_at(&out, 12), a4(FB_ADDR));
	cr_assert_eq(ida, 5000, "the client's own identifier, free");
	cr_assert_eq(pb_verify_csums(&out, &a), 0, "IPv4 and ICMP checksums");
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	idb = port_at(&out, 4);
	cr_assert_neq(idb, ida, "one identifier of one address, one session");
	cr_assert_eq(pb_verify_csums(&out, &b), 0);

	struct pb_spec rb = echo(SERVER1, FB_ADDR, SFW_ICMP_ECHOREPLY, idb);
	struct pb_spec ra = echo(SERVER1, FB_ADDR, SFW_ICMP_ECHOREPLY, ida);

	cr_assert_eq(run_at(out_if, &rb, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_B));
	cr_assert_eq(port_at(&out, 4), 5000, "the client's identifier back");
	cr_assert_eq(pb_verify_csums(&out, &rb), 0);
	cr_assert_eq(run_at(out_if, &ra, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_A));
	cr_assert_eq(port_at(&out, 4), 5000);
	cr_assert_eq(fx_session_count(), 4, "two sessions, two aliases");
}

/* The ones' complement sum of len bytes (RFC 1071), written here apart
 * from the datapath and the packet builder. */
/* An ICMP error from the server about a translated packet: back to the
 * client, outer destination and quoted source (address and port, or an
 * echo's identifier) translated back, every checksum right: the outer and
 * ICMP ones by the packet builder's check, the quoted IPv4 header and UDP
 * checksums summed here. */
Test(nat, icmp_error_about_translated_packet_translated_back)
{
	struct pb_spec a = udp(CLIENT_A, SERVER1, 49000, 53);
	struct pb_spec b = udp(CLIENT_B, SERVER1, 49000, 53);
	struct pb_pkt in, out;
	__u16 pb;

	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	pb = port_at(&out, 0);
	cr_assert_neq(pb, 49000);

	struct pb_spec quoted = udp(FB_ADDR, SERVER1, pb, 53);
	struct pb_spec err = { .src = SERVER1, .dst = FB_ADDR, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &quoted };
	const __u8 *iip, *iudp;
	__u32 ulen;

	/* errors go to the stack (no session of their own to forward by) */
	cr_assert_eq(run_at(out_if, &err, &in, &out), FX_XDP_PASS);
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_B), "to the client");
	cr_assert_eq(pb_verify_csums(&out, &err), 0, "outer IPv4 and ICMP checksums");
	iip = out.data + out.l4_off + 8;
	iudp = iip + 20;
	cr_assert_eq(memcmp(iip + 12, &(__u32){ a4(CLIENT_B) }, 4), 0, "quoted source address");
	cr_assert_eq(iudp[0] << 8 | iudp[1], 49000, "quoted source port");
	cr_assert_eq(fold(sum16(iip, 20, 0)), 0xffff, "quoted IPv4 header checksum");
	ulen = iudp[4] << 8 | iudp[5];
	cr_assert_eq(fold(sum16(iudp, ulen, sum16(iip + 12, 8, SFW_IPPROTO_UDP + ulen))), 0xffff,
		     "quoted UDP checksum");

	/* time exceeded about a translated echo request: its identifier */
	struct pb_spec e = echo(CLIENT_B, SERVER2, SFW_ICMP_ECHO, 5000);
	struct pb_spec e2 = echo(CLIENT_A, SERVER2, SFW_ICMP_ECHO, 5000);
	__u16 id;

	cr_assert_eq(run_at(in_if, &e, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &e2, &in, &out), FX_XDP_REDIRECT);
	id = port_at(&out, 4);
	cr_assert_neq(id, 5000);

	struct pb_spec qe = echo(FB_ADDR, SERVER2, SFW_ICMP_ECHO, id);
	struct pb_spec te = { .src = SERVER2, .dst = FB_ADDR, .proto = SFW_IPPROTO_ICMP,
			      .icmp_type = 11, .icmp_code = 0, .inner = &qe };

	cr_assert_eq(run_at(out_if, &te, &in, &out), FX_XDP_PASS);
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_A));
	cr_assert_eq(pb_verify_csums(&out, &te), 0);
	iip = out.data + out.l4_off + 8;
	cr_assert_eq(iip[24] << 8 | iip[25], 5000, "quoted identifier");
	cr_assert_eq(fold(sum16(iip, 20, 0)), 0xffff);
	cr_assert_eq(fold(sum16(iip + 20, (iip[2] << 8 | iip[3]) - 20, 0)), 0xffff,
		     "quoted ICMP checksum");
}

/* An error about a translated TCP segment is held to the client's
 * sequence numbers as a plain session's is (icmp/error_quoting_tcp_*):
 * about what the client sent, translated back; past the client's end, a
 * blind guess at the translated tuple, refused. */
static void nat_tcp_error(__u32 quoted_seq, int want)
{
	struct pb_spec quoted = { .src = FB_ADDR, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
				  .sport = 41000, .dport = 80, .tcp_flags = SFW_TCP_ACK,
				  .seq = quoted_seq, .ack = 5001, .payload = 10 };
	struct pb_spec err = { .src = SERVER1, .dst = FB_ADDR, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 4, .inner = &quoted };
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &syn, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &synack, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &ack, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &err, &in, &out), want);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_TCP_SEQ_WINDOW), want == FX_XDP_DROP);
	if (want == FX_XDP_PASS)
		cr_assert_eq(addr_at(&out, 16), a4(CLIENT_A), "to the client");
}

Test(nat, tcp_error_about_a_segment_sent_translated_back) { nat_tcp_error(1001, FX_XDP_PASS); }
Test(nat, tcp_error_past_the_clients_end_refused) { nat_tcp_error(1011 + 5000, FX_XDP_DROP); }

/* Runs a forwarded frame (from in_if) through fb's tc egress; *out gets
 * it. */
static int tc_forwarded(const struct pb_pkt *in, struct pb_pkt *out)
{
	return tc_at(out_if, in_if, in, out);
}

/* A first packet XDP does not send itself (no neighbour yet: the stack
 * resolves it) goes up untranslated, since the stack would drop a packet
 * from its own address, and is translated at tc egress on its way out;
 * the reply comes back through XDP as ever. UDP and ICMP echo. */
Test(nat, stack_routed_packets_translated_at_tc_egress)
{
	const char *far = "203.0.113.9";   /* no neighbour entry */
	struct pb_spec u = udp(CLIENT_A, far, 48000, 53);
	struct pb_spec e = echo(CLIENT_A, far, SFW_ICMP_ECHO, 6000);
	struct pb_pkt in, up, out;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates */
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	cr_assert_eq(addr_at(&up, 12), a4(CLIENT_A), "up the stack as received");
	cr_assert_eq(tc_forwarded(&up, &out), FX_TC_OK);
	assert_tuple(&out, &u, FB_ADDR, 48000, far, 53);

	cr_assert_eq(run_at(in_if, &e, &in, &up), FX_XDP_PASS);
	cr_assert_eq(addr_at(&up, 12), a4(CLIENT_A));
	cr_assert_eq(tc_forwarded(&up, &out), FX_TC_OK);
	cr_assert_eq(addr_at(&out, 12), a4(FB_ADDR));
	cr_assert_eq(port_at(&out, 4), 6000);
	cr_assert_eq(pb_verify_csums(&out, &e), 0, "IPv4 and ICMP checksums");

	/* a forwarded packet of no NAT session leaves as it is */
	struct pb_spec other = udp(SERVER1, CLIENT_A, 53, 48001);

	cr_assert_eq(pb_build(&other, &in), 0);
	cr_assert_eq(tc_forwarded(&in, &out), FX_TC_OK);
	cr_assert_eq(memcmp(in.data, out.data, in.len), 0);
}

/* Two clients from one source port, to two servers (so their replies'
 * tuples differ and only the port reservation keeps them apart): the
 * second gets another port of fb's address, and each reply reaches its
 * own client. */
Test(nat, two_clients_same_port_get_distinct_ports)
{
	struct pb_spec a = udp(CLIENT_A, SERVER1, 42000, 53);
	struct pb_spec b = udp(CLIENT_B, SERVER2, 42000, 53);
	struct pb_pkt in, out;
	__u16 pa, pb;

	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	pa = port_at(&out, 0);
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	pb = port_at(&out, 0);
	cr_assert_eq(addr_at(&out, 12), a4(FB_ADDR));
	cr_assert_eq(pa, 42000, "the first keeps its own port");
	cr_assert_neq(pb, pa, "one port of one address, one session");
	cr_assert_geq(pb, SFW_NAT_PORT_LO);
	cr_assert_eq(pb_verify_csums(&out, &b), 0);
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 2);

	struct pb_spec ra = udp(SERVER1, FB_ADDR, 53, pa), rb = udp(SERVER2, FB_ADDR, 53, pb);

	cr_assert_eq(run_at(out_if, &rb, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &rb, SERVER2, 53, CLIENT_B, 42000);
	cr_assert_eq(run_at(out_if, &ra, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &ra, SERVER1, 53, CLIENT_A, 42000);
}

/* The host's own sockets take ports of fb's address from its ephemeral
 * range (net.ipv4.ip_local_port_range): a commit reads it into the
 * configuration, and NAT allocates outside it, a client's own port
 * included, so a host socket and a NAT session never share a tuple
 * (docs/nat.md "Open findings", 3). */
Test(nat, ports_outside_the_hosts_ephemeral_range)
{
	struct pb_spec keep = udp(CLIENT_B, SERVER1, 41999, 53);
	struct pb_pkt in, out;
	struct sfw_config cfg;
	unsigned int lo, hi;
	__u32 zero = 0;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");

	cr_assert(f && fscanf(f, "%u %u", &lo, &hi) == 2);
	fclose(f);
	host_ports(1, 1);
	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n"
	       "set security policies from-zone trust to-zone untrust policy out then permit\n"
	       "set security nat source rule-set RS from zone trust\n"
	       "set security nat source rule-set RS to zone untrust\n"
	       "set security nat source rule-set RS rule R1 then source-nat interface\n");
	cr_assert_eq(bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_CONFIG)), &zero, &cfg), 0);
	cr_assert_eq(cfg.nat_host_port_lo, lo, "the commit read the host's range");
	cr_assert_eq(cfg.nat_host_port_hi, hi);

	host_ports(42000, 49999);
	for (__u16 i = 0; i < 16; i++) {
		struct pb_spec s = udp(CLIENT_A, SERVER1, (__u16)(42000 + i * 500), 53);
		__u16 pp;

		cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
		pp = port_at(&out, 0);
		cr_expect(pp >= SFW_NAT_PORT_LO && (pp < 42000 || pp > 49999),
			  "client port %u translated to %u, inside the host's range", 42000 + i * 500,
			  pp);
	}
	cr_assert_eq(run_at(in_if, &keep, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(port_at(&out, 0), 41999, "a client port outside it is kept");
}

/* Every port of fb's address taken for UDP (held by a live session, so
 * none is stale): the first packet is dropped and counted under Incoming
 * NAT errors, one outcome, no session, no port, no alias left behind. */
Test(nat, full_port_range_refused_and_counted)
{
	struct pb_spec holder = udp(CLIENT_A, SERVER1, 43000, 53);
	struct pb_spec s = udp(CLIENT_B, SERVER2, 43001, 53);
	struct sfw_nat_port_key k = { .proto = SFW_IPPROTO_UDP, .family = SFW_FAMILY_INET };
	struct sfw_nat_port v = { 0 };
	struct pb_pkt in, out;
	struct sfw_session sess;
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_PORTS));

	cr_assert_eq(run_at(in_if, &holder, &in, &out), FX_XDP_REDIRECT);
	GET_SESSION(&holder, &sess);
	v.sess_id = sess.id;
	nat_owner_of(&holder, &v.owner);
	k.addr.v4 = a4(FB_ADDR);
	for (__u32 port = SFW_NAT_PORT_LO; port <= SFW_NAT_PORT_HI; port++) {
		k.port = htons((__u16)port);
		cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
	}
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(outcomes_at(in_if), 2, "one outcome per packet");
	ASSERT_NO_SESSION(&s);
	cr_assert_eq(fx_session_count(), 2, "the holder and its alias only");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)),
		     SFW_NAT_PORT_HI - SFW_NAT_PORT_LO + 1);
}

/* Clients' consecutive ports, kept as their own, hold a run of the range:
 * three quarters of it here, in one block. A new flow whose own port is
 * in the block must still find a port: its tries scatter over the range
 * (a fresh hash each), where tries onwards from one hashed offset that
 * lands in the block met 32 held ports and refused ~3 flows in 4 (the
 * SNAT benchmark's 3% refusals with a range half full). */
Test(nat, tries_leave_a_run_of_held_ports)
{
	struct pb_spec holder = udp(CLIENT_A, SERVER1, 43000, 53);
	struct sfw_nat_port_key k = { .proto = SFW_IPPROTO_UDP, .family = SFW_FAMILY_INET };
	struct sfw_nat_port v = { 0 };
	struct pb_pkt in, out;
	struct sfw_session sess;
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_PORTS));
	unsigned int refused = 0;

	cr_assert_eq(run_at(in_if, &holder, &in, &out), FX_XDP_REDIRECT);
	GET_SESSION(&holder, &sess);
	v.sess_id = sess.id;
	nat_owner_of(&holder, &v.owner);
	k.addr.v4 = a4(FB_ADDR);
	for (__u32 port = SFW_NAT_PORT_LO; port < SFW_NAT_PORT_LO + 40000; port++) {
		k.port = htons((__u16)port);
		cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
	}
	for (__u16 i = 0; i < 32; i++) {
		struct pb_spec s = udp(CLIENT_B, SERVER2, (__u16)(2000 + i * 7), 53);

		if (run_at(in_if, &s, &in, &out) != FX_XDP_REDIRECT)
			refused++;
		else
			cr_expect_geq(port_at(&out, 0), SFW_NAT_PORT_LO + 40000);
	}
	cr_expect_eq(refused, 0, "%u of 32 flows refused with a quarter of the range free",
		     refused);
}

/* A session replaced after it expired gives its port and alias back
 * first: its successor takes the same port again, and nothing is left
 * of the old one; a reply to the expired session opens nothing. */
Test(nat, expired_session_frees_port_and_alias)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 44000, 53);
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, 44000);
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_age(&s, 3600), 0);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_DROP, "no live session");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_NO_SESSION), 1);
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &s, FB_ADDR, 44000, SERVER1, 53);
	cr_assert_eq(fx_session_count(), 2, "the new session and its alias, no stale one");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1);
}

/* The reaper (clear, the sweeper) ending a NAT session frees its port and
 * alias; the alias alone is never reaped as a session. */
Test(nat, reaper_frees_port_and_alias)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 45000, 53);
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, 45000);
	struct sfw_reap_entry ent = { 0 };
	struct sfw_reaper *reaper = NULL;
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(sfw_reaper_open_fds(&reaper, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	fx_key(&r, &ent.key);
	cr_assert_eq(sfw_reaper_run(reaper, &ent, 1, SFW_CLOSE_CLEAR, false), 0,
		     "an alias is no session to clear");
	cr_assert_eq(fx_session_count(), 2);
	fx_key(&s, &ent.key);
	cr_assert_eq(sfw_reaper_run(reaper, &ent, 1, SFW_CLOSE_CLEAR, false), 1);
	sfw_reaper_close(reaper);
	cr_assert_eq(fx_session_count(), 0, "the alias went with its session");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0, "the port is free");
}

/* The counters' adoption pass (sessions made before the counters, an
 * upgrade) counts sessions: an alias, whose tally is empty, is none. */
Test(nat, adoption_counts_no_alias)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 45250, 53);
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, 45250);
	struct sfw_reap_entry ent = { 0 };
	struct sfw_reaper *reaper = NULL;
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(sfw_reaper_open_fds(&reaper, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	fx_key(&r, &ent.key);
	cr_assert_eq(sfw_reaper_adopt(reaper, &ent, 1), 0, "an alias is not counted");
	sfw_reaper_close(reaper);
}

/* The session gone without its alias (the LRU evicted it): the reply
 * finds a stale alias, deletes it and meets the policy as a packet of no
 * session (untrust to the host: denied). */
Test(nat, stale_alias_deleted_by_the_reply)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 45300, 53);
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, 45300);
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	nat_evict(&s);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_assert_eq(fx_session_count(), 0, "the stale alias is gone");
}

static __u64 port_holder(const char *addr, __u16 port)
{
	struct sfw_nat_port_key k = { .port = htons(port), .proto = SFW_IPPROTO_UDP,
				      .family = SFW_FAMILY_INET };
	struct sfw_nat_port v;

	k.addr.v4 = a4(addr);
	if (bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_NAT_PORTS)), &k, &v))
		return 0;
	return v.sess_id;
}

/* The LRU evicted a NAT session (its release never ran): its reservation
 * is stale, and the next session that tries the port takes it over
 * rather than losing it for good (docs/nat.md "Reclaim"). */
Test(nat, stale_reservation_taken_over_after_eviction)
{
	struct pb_spec a = udp(CLIENT_A, SERVER1, 45400, 53);
	struct pb_spec b = udp(CLIENT_B, SERVER2, 45400, 53);
	struct sfw_session sess;
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	nat_evict(&a);
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &b, FB_ADDR, 45400, SERVER2, 53);
	GET_SESSION(&b, &sess);
	cr_assert_eq(port_holder(FB_ADDR, 45400), sess.id, "the reservation is the new session's");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1, "taken over, not a second one");
}

/* The same after eviction, to the same server: the evicted session's
 * alias holds the very reply tuple, and is replaced with the new one's;
 * the reply reaches the new client. */
Test(nat, stale_alias_replaced_after_eviction)
{
	struct pb_spec a = udp(CLIENT_A, SERVER1, 45500, 53);
	struct pb_spec b = udp(CLIENT_B, SERVER1, 45500, 53);
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, 45500);
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	nat_evict(&a);
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &b, FB_ADDR, 45500, SERVER1, 53);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &r, SERVER1, 53, CLIENT_B, 45500);
	cr_assert_eq(fx_session_count(), 2, "the new session and its alias");
}

/* A first packet reserves its port and inserts its alias before its
 * session: on another CPU, its holder is missing from the table for that
 * while, as an evicted one is. Deleting a session just made stands for
 * that: within SFW_NAT_TAKEOVER_S neither its port nor its alias is
 * taken, or two sessions would leave by one port, and the first lose its
 * replies (its port taken over by a flow to another server, its alias by
 * one to the same server). Past it, they are taken over. Aged to the
 * grace's last whole second, the holder is still on its way: red with
 * the grace at 0. */
Test(nat, a_holder_on_its_way_keeps_its_port)
{
	struct pb_spec a = udp(CLIENT_A, SERVER1, 45450, 53);
	struct pb_spec b = udp(CLIENT_B, SERVER2, 45450, 53);
	struct pb_spec c = udp(CLIENT_B, SERVER2, 45450, 54);
	struct sfw_session_key k;
	struct sfw_session sess;
	struct pb_pkt in, out;
	__u64 first;

	nat_half_a_second_ahead();
	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	first = port_holder(FB_ADDR, 45450);
	fx_key(&a, &k);
	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &k), 0);
	nat_age_holders(1);
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	cr_assert_neq(port_at(&out, 0), 45450, "a port on its way (a second old) given again");
	cr_assert_eq(port_holder(FB_ADDR, 45450), first, "the first holder keeps it");
	nat_age_holders(1);
	cr_assert_eq(run_at(in_if, &c, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &c, FB_ADDR, 45450, SERVER2, 54);
	GET_SESSION(&c, &sess);
	cr_assert_eq(port_holder(FB_ADDR, 45450), sess.id, "a stale one is taken over");
}

Test(nat, a_holder_on_its_way_keeps_its_alias)
{
	struct pb_spec a = udp(CLIENT_A, SERVER1, 45550, 53);
	struct pb_spec b = udp(CLIENT_B, SERVER1, 45550, 53);
	struct pb_spec r = udp(SERVER1, FB_ADDR, 53, 45550);
	struct sfw_session_key k;
	struct pb_pkt in, out;

	nat_half_a_second_ahead();
	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	fx_key(&a, &k);
	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &k), 0);
	/* only its alias on its way (a second old): the port is taken
	 * over, the alias not */
	nat_age_reservations(2);
	nat_age_aliases(1);
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	cr_assert_neq(port_at(&out, 0), 45550, "the reply tuple of a session on its way taken");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1, "the port taken over not given back");
	/* nor does a packet on that tuple delete it */
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_DROP, "its reply given to another");
	cr_assert_eq(fx_session_count(), 3, "the new session, its alias, and the first's alias");
	nat_age_aliases(1);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_session_count(), 2, "a stale alias kept");
}

static int count_visit(const struct sfw_session_key *k, const struct sfw_session *sess,
		       void *arg)
{
	(void)k;
	(void)sess;
	++*(int *)arg;
	return SFW_WALK_NEXT;
}

/* Shows and clears walk sessions: a NAT session is one, its alias none. */
Test(nat, walks_see_the_session_not_its_alias)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 45100, 53);
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_session_count(), 2);
	for (int batched = 0; batched < 2; batched++) {
		int n = 0;
		struct sfw_walk_ops ops = { .visit = count_visit, .arg = &n };

		sfw_walk_no_batch = !batched;
		cr_assert_eq(sfw_walk_sessions(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &ops), 0);
		sfw_walk_no_batch = false;
		cr_assert_eq(n, 1, "one session (%s walk)", batched ? "batched" : "key by key");
	}
}

/* The sweeper removes an expired NAT session with its port and alias,
 * and counts no alias among the sessions a pass leaves. */
Test(nat, sweeper_ends_nat_session_with_its_alias)
{
	struct pb_spec old = udp(CLIENT_A, SERVER1, 45200, 53);
	struct pb_spec live = udp(CLIENT_B, SERVER2, 45201, 53);
	struct sfw_reaper *reaper = NULL;
	struct sfw_sweeper *sw = NULL;
	struct pb_pkt in, out;
	struct timespec ts;

	cr_assert_eq(run_at(in_if, &old, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &live, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_age(&old, 3600), 0);
	cr_assert_eq(sfw_reaper_open_fds(&reaper, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	cr_assert_eq(sfw_sweeper_new(&sw, fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), reaper, 64), 0);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	cr_assert_eq(sfw_sweep_all(sw, (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec), 1);
	cr_assert_eq(sfw_sweep_stats(sw)->last_sessions, 1, "the live session, not its alias");
	sfw_sweeper_free(sw);
	sfw_reaper_close(reaper);
	cr_assert_eq(fx_session_count(), 2, "the live session and its alias");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1);
}

/* The NAT maps are written into the inactive generation and flip with
 * the policy: after a commit without NAT nothing of it is left, and
 * first packets leave untranslated. */
Test(nat, commit_flips_nat_with_the_policy)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 46000, 53);
	struct sfw_config cfg;
	struct pb_pkt in, out;

	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_LISTS)), 1);
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_ENTRIES)), 1);
	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n"
	       "set security policies from-zone trust to-zone untrust policy out then permit\n");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_LISTS)), 0, "the old generation's list is gone");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_ENTRIES)), 0);
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(CLIENT_A), "no NAT in force");
}

/* A pool rule whose pool the datapath cannot find (only a map changed
 * behind the writer's back makes one) refuses the session under Incoming
 * NAT errors: never sent untranslated. */
Test(nat, untranslatable_rule_refused_not_sent_untranslated)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 46100, 53);
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_POOLS));
	struct sfw_nat_pool_key k;
	struct pb_pkt in, out;

	commit_pool("set security nat source pool P address 203.0.113.50/32\n");
	while (!bpf_map_get_next_key(fd, NULL, &k))
		cr_assert_eq(bpf_map_delete_elem(fd, &k), 0);
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(outcomes_at(in_if), 1);
	ASSERT_NO_SESSION(&s);
}

/* Conservation through NAT: first packets, replies, refusals and strays,
 * each ends in exactly one outcome counter on its interface. */
Test(nat, every_packet_one_outcome)
{
	struct pb_pkt in, out;
	__u64 sent_in = 0, sent_out = 0;

	for (__u16 i = 0; i < 64; i++) {
		struct pb_spec s = udp(i & 1 ? CLIENT_B : CLIENT_A, i & 2 ? SERVER2 : SERVER1,
				       (__u16)(47000 + i / 4), 53);
		struct pb_spec r = udp(i & 2 ? SERVER2 : SERVER1, FB_ADDR, 53,
				       (__u16)(47000 + i / 4));
		struct pb_spec stray = udp(SERVER1, FB_ADDR, 53, (__u16)(2000 + i));

		run_at(in_if, &s, &in, &out);
		sent_in++;
		run_at(out_if, &r, &in, &out);
		run_at(out_if, &stray, &in, &out);
		sent_out += 2;
		if (i % 8 == 7)
			cr_assert_eq(fx_age(&s, 3600), 0);
	}
	cr_assert_eq(outcomes_at(in_if), sent_in);
	cr_assert_eq(outcomes_at(out_if), sent_out);
	cr_assert_geq(fx_counter_at(out_if, SFW_CNT_ERR_POLICY_DENIED), 64,
		      "strays to fb's address meet the policy: untrust to the host is denied");
}

/* ---- red team (branch natrt): each test below fails on int5 ---- */

/* A NAT session's replies come only through its alias (s:sp -> P:pp).
 * Its In-wing key also matches the untranslated reverse tuple
 * s:sp -> c:cp: an outside host that routes the client's private address
 * to the firewall (the WAN neighbour, the ISP) reaches the client
 * through that session without the NAT, as no masquerading router lets
 * it (conntrack: that tuple is neither ORIGINAL nor REPLY, so NEW and the
 * policy's). Nor an ICMP error sent straight to the client quoting the
 * In-wing tuple. */
Test(nat, redteam_outside_cannot_reach_client_by_untranslated_tuple)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 43000, 53);
	struct pb_spec direct = udp(SERVER1, CLIENT_A, 53, 43000);
	struct pb_spec quoted = udp(CLIENT_A, SERVER1, 43000, 53);
	struct pb_spec err = { .src = "203.0.113.77", .dst = CLIENT_A, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 4, .inner = &quoted };
	struct pb_pkt in, out;
	struct sfw_session sess;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	int rc = run_at(out_if, &direct, &in, &out);

	cr_expect_eq(rc, FX_XDP_DROP, "the untranslated reverse tuple from outside is no reply "
		     "(verdict %d, to %08x)", rc, addr_at(&out, 16));
	GET_SESSION(&s, &sess);
	cr_expect_eq(sess.wing[SFW_WING_OUT].packets, 0, "nor counted on the session");
	cr_expect_eq(run_at(out_if, &err, &in, &out), FX_XDP_DROP,
		     "an ICMP error to the client quoting the untranslated tuple");
}

/* A packet from P:pp to s:sp (the alias's tuple the wrong way round:
 * from outside with the firewall's address forged, or from inside) is
 * no reply, yet it is delivered to the client as one from the server. */
Test(nat, redteam_alias_tuple_from_the_wrong_direction_is_no_reply)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 43050, 53);
	struct pb_spec wrong = udp(FB_ADDR, SERVER1, 43050, 53);
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(run_at(out_if, &wrong, &in, &out), FX_XDP_DROP,
		     "P:pp -> s:sp from outside is no reply");
	cr_expect_eq(run_at(in_if, &wrong, &in, &out), FX_XDP_DROP,
		     "P:pp -> s:sp from inside is no reply");

	/* an ICMP error sent to s quoting s:sp -> P:pp (the alias's tuple
	 * as the server's packet) is taken for one about the client's and
	 * rewritten to the client */
	struct pb_spec quoted = udp(SERVER1, FB_ADDR, 53, 43050);
	struct pb_spec err = { .src = "203.0.113.77", .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &quoted };
	int rc = run_at(out_if, &err, &in, &out);

	cr_expect(rc == FX_XDP_DROP || addr_at(&out, 16) != a4(CLIENT_A),
		  "an error quoting the server's side of the alias is sent to the client");
}

/* An ICMP error about a NAT session's reply as the client got it leaves
 * as the server's packet was: outer source outer_src, quoting
 * SERVER1:53 -> FB_ADDR:pp, every checksum right: the outer and ICMP ones
 * by the packet builder's check, the quoted IPv4 header and UDP
 * checksums summed here. */
static void assert_quotes_the_server(const struct pb_pkt *out, const struct pb_spec *err,
				     __u16 pp)
{
	const __u8 *iip = out->data + out->l4_off + 8, *iudp = iip + 20;
	__u32 ulen = iudp[4] << 8 | iudp[5];

	cr_assert_eq(addr_at(out, 12), a4(FB_ADDR), "from the NAT address");
	cr_assert_eq(addr_at(out, 16), a4(SERVER1), "to the server");
	cr_assert_eq(pb_verify_csums(out, err), 0, "outer IPv4 and ICMP checksums");
	cr_assert_eq(memcmp(iip + 12, &(__u32){ a4(SERVER1) }, 4), 0, "quoted source");
	cr_assert_eq(memcmp(iip + 16, &(__u32){ a4(FB_ADDR) }, 4), 0, "quoted destination");
	cr_assert_eq(iudp[0] << 8 | iudp[1], 53, "quoted source port");
	cr_assert_eq(iudp[2] << 8 | iudp[3], pp, "quoted destination port: the translated one");
	cr_assert_eq(fold(sum16(iip, 20, 0)), 0xffff, "quoted IPv4 header checksum");
	cr_assert_eq(fold(sum16(iudp, ulen, sum16(iip + 12, 8, SFW_IPPROTO_UDP + ulen))), 0xffff,
		     "quoted UDP checksum");
}

/* The client's ICMP error about a reply (its own port unreachable:
 * s:sp -> c:cp quoted, sent to s) was related to the In-wing key and
 * forwarded as it is: out of the WAN from the private address, quoting
 * it. XDP now passes it up as received (the stack drops a packet from
 * its own address) only toward an attached egress, and tc egress sends
 * it as nf_nat would: from P, quoting s:sp -> P:pp; refused (Incoming NAT
 * errors) where it cannot be translated. The client's port lies in the
 * host's ephemeral range, so its translated port differs. */
Test(nat, redteam_inside_icmp_error_about_reply_not_sent_untranslated)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 55100, 53);
	struct pb_spec quoted = udp(SERVER1, CLIENT_A, 53, 55100);
	struct pb_spec err = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &quoted };
	struct sfw_iface_key k = { .ifindex = out_if };
	struct pb_pkt in, up, out;
	__u16 pp;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates */
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	pp = port_at(&out, 0);
	cr_assert_neq(pp, 55100);
	cr_assert_eq(run_at(in_if, &err, &in, &up), FX_XDP_PASS, "up to the stack, as errors go");
	cr_assert_eq(addr_at(&up, 12), a4(CLIENT_A), "as received: the stack drops its own address");
	cr_assert_eq(outcomes_at(in_if), 2, "one outcome per packet");
	cr_assert_eq(tc_forwarded(&up, &out), FX_TC_OK);
	assert_quotes_the_server(&out, &err, pp);

	/* the session expired while the error waited in the stack: refused */
	cr_assert_eq(fx_age(&s, 61), 0);
	cr_expect_eq(tc_forwarded(&up, &out), FX_TC_SHOT, "an expired session's error is refused");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);

	/* toward an egress no tc of sfw's translates: refused at XDP */
	cr_assert_eq(fx_age(&s, -61), 0);
	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, SFW_STR(SFW_MAP_IFACES)), &k), 0);
	cr_expect_eq(run_at(in_if, &err, &in, &up), FX_XDP_DROP,
		     "passed up toward an egress that will not translate it");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_expect_eq(outcomes_at(in_if), 3, "one outcome per packet");

	/* the session is gone (cleared, evicted) while the error waited in
	 * the stack: a source NAT rule translates the client's packet the
	 * quoted reply answers, so the quote is private: refused */
	struct sfw_session_key sk;

	fx_key(&s, &sk);
	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &sk), 0);
	cr_expect_eq(tc_forwarded(&up, &out), FX_TC_SHOT, "an error about a gone session's reply");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 2);
}

/* The stack fragments a packet it routes when the egress MTU is smaller
 * (DF clear): tc egress then sees the In wing's fragments. The first is
 * refused (Incoming NAT errors); a later fragment carries no ports, finds
 * no session and would leave untranslated, from the client's private
 * address. Today the kernel stops fragmenting at the first fragment tc
 * drops (ip_do_fragment), so this is defence in depth: the datagram is
 * lost whole instead (tests/e2e/test_nat_redteam_frag.sh). */
Test(nat, redteam_later_fragment_at_tc_not_sent_untranslated)
{
	const char *far = "203.0.113.9";   /* no neighbour entry: the stack routes */
	struct pb_spec u = udp(CLIENT_A, far, 48100, 53);
	struct pb_spec frag = { .src = CLIENT_A, .dst = far, .proto = SFW_IPPROTO_UDP,
				.sport = 48100, .dport = 53, .payload = 33,
				.ip_id = 77, .frag_off = 1480 };
	struct pb_pkt in, up, out;
	int rc;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates */
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	cr_assert_eq(tc_forwarded(&up, &out), FX_TC_OK);
	cr_assert_eq(addr_at(&out, 12), a4(FB_ADDR));
	cr_assert_eq(pb_build(&frag, &in), 0);
	rc = tc_forwarded(&in, &out);
	if (rc == FX_TC_OK)
		cr_expect_eq(addr_at(&out, 12), a4(FB_ADDR),
			     "a later fragment of a NAT flow leaves untranslated");
}

/* The stack fragments a datagram it routes toward a smaller MTU (DF
 * clear): tc egress sees the In wing's fragments (red-team finding 6: it
 * refused the first, and the kernel stops at the first fragment a hook
 * drops, so the datagram was lost whole). The first fragment is
 * translated, address and port, its UDP checksum (which covers the whole
 * datagram) updated incrementally, and its datagram recorded; the later
 * ones get the addresses and the IPv4 header checksum. Reassembled, the
 * UDP checksum holds over the translated pseudo-header. A later fragment
 * without its first, or after its session expired, is refused under
 * Incoming NAT errors, never sent untranslated. */
Test(nat, stack_fragmented_datagram_translated_at_tc_egress)
{
	const char *far = "203.0.113.9";   /* no neighbour entry: the stack routes */
	struct pb_spec u = udp(CLIENT_A, far, 55400, 53);
	struct pb_spec big = u, lone;
	struct pb_pkt in, up, out, fr[4], tx[4];
	__u8 dgram[2048];
	__u32 len = 0, ulen;
	__u16 pp;
	int n;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates */
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	cr_assert_eq(tc_forwarded(&up, &out), FX_TC_OK);
	pp = port_at(&out, 0);
	cr_assert_neq(pp, 55400, "a port of NAT's own: the translation shows");
	big.payload = 1200;
	big.ip_id = 91;
	n = pb_fragment(&big, 512, fr, 4);
	cr_assert_eq(n, 3);
	for (int i = 0; i < n; i++) {
		const __u8 *ip;

		cr_assert_eq(tc_forwarded(&fr[i], &tx[i]), FX_TC_OK, "fragment %d sent", i);
		ip = tx[i].data + tx[i].l3_off;
		cr_assert_eq(addr_at(&tx[i], 12), a4(FB_ADDR), "fragment %d from the NAT address", i);
		cr_assert_eq(addr_at(&tx[i], 16), a4(far));
		cr_assert_eq(fold(sum16(ip, 20, 0)), 0xffff, "fragment %d's IPv4 header checksum", i);
		memcpy(dgram + len, ip + 20, tx[i].l3_len - 20);
		len += tx[i].l3_len - 20;
	}
	cr_assert_eq(port_at(&tx[0], 0), pp, "the first fragment's source port");
	ulen = dgram[4] << 8 | dgram[5];
	cr_assert_eq(ulen, len);
	cr_assert_eq(fold(sum16(dgram, len, sum16(tx[0].data + tx[0].l3_off + 12, 8,
						  SFW_IPPROTO_UDP + ulen))), 0xffff,
		     "the reassembled datagram's UDP checksum");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);

	/* a later fragment whose first was never seen here */
	lone = big;
	lone.ip_id = 92;
	cr_assert_eq(pb_fragment(&lone, 512, fr, 4), 3);
	cr_expect_eq(tc_forwarded(&fr[1], &out), FX_TC_SHOT, "a later fragment without its first");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);

	/* the datagram's session expired meanwhile */
	lone.ip_id = 93;
	cr_assert_eq(pb_fragment(&lone, 512, fr, 4), 3);
	cr_assert_eq(tc_forwarded(&fr[0], &out), FX_TC_OK);
	cr_assert_eq(fx_age(&u, 3600), 0);
	cr_expect_eq(tc_forwarded(&fr[1], &out), FX_TC_SHOT, "a later fragment of an expired session");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 2);
}

/* The session is gone (clear, the sweeper, the LRU) while its packet
 * waits in the stack (the neighbour queue holds the first packet until
 * ARP answers): tc finds no NAT session and sends it as received, from
 * the client's private address: fail open. */
Test(nat, redteam_stack_routed_packet_of_a_cleared_session_not_sent_untranslated)
{
	const char *far = "203.0.113.9";
	struct pb_spec u = udp(CLIENT_A, far, 48200, 53);
	struct sfw_reap_entry ent = { 0 };
	struct sfw_reaper *reaper = NULL;
	struct pb_pkt in, up, out;
	int rc;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates */
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	cr_assert_eq(sfw_reaper_open_fds(&reaper, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	fx_key(&u, &ent.key);
	cr_assert_eq(sfw_reaper_run(reaper, &ent, 1, SFW_CLOSE_CLEAR, false), 1);
	sfw_reaper_close(reaper);
	rc = tc_forwarded(&up, &out);
	if (rc == FX_TC_OK)
		cr_expect_eq(addr_at(&out, 12), a4(FB_ADDR),
			     "a packet a NAT rule translates leaves untranslated");
}

/* The host's own connection from P:pp to s:sp (its ephemeral ports are
 * the interface address's too, 32768..60999 inside NAT's 1024..65535)
 * meets the alias of a client's session: tc takes the host's packet as
 * that session's reply (counted on its Out wing), and the server's answer
 * is then translated to the client: the host's traffic goes to a client. */
Test(nat, redteam_host_connection_on_alias_tuple_not_taken_as_reply)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 43200, 53);
	struct pb_spec host = udp(FB_ADDR, SERVER1, 43200, 53);
	struct fx_tc_opts local = { 0 };
	struct pb_pkt in, out;
	struct sfw_session sess;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(fx_tc(&host, &local), FX_TC_SHOT,
		     "the host cannot use a tuple NAT holds: its replies go to the client");
	GET_SESSION(&s, &sess);
	cr_expect_eq(sess.wing[SFW_WING_OUT].packets, 0,
		     "the host's packet is no reply of the client's session");
}

/* The egress interface is in a zone but sfw is not attached to it (a
 * supported set-up: docs/security.md, egress from an interface sfw does
 * not watch; a WAN that is ppp0 or a tunnel). The In wing XDP does not
 * send itself goes up as received and no tc egress of sfw's will ever
 * translate it: it leaves from the client's private address. Here fb is
 * not in the interface map, as on such a host. */
Test(nat, redteam_stack_routed_to_unwatched_egress_not_sent_untranslated)
{
	const char *far = "203.0.113.9";   /* no neighbour entry: the stack routes */
	struct pb_spec u = udp(CLIENT_A, far, 48500, 53);
	struct sfw_iface_key k = { .ifindex = out_if };
	struct sfw_iface_info info;
	struct pb_pkt in, up;
	int rc;
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_IFACES));

	cr_assert_geq(fd, 0);
	cr_assert(bpf_map_lookup_elem(fd, &k, &info) && errno == ENOENT,
		  "fb carries no sfw tc egress");
	rc = run_at(in_if, &u, &in, &up);
	if (rc == FX_XDP_PASS)
		cr_expect_eq(addr_at(&up, 12), a4(FB_ADDR),
			     "passed up untranslated toward an egress that will not translate it");
}

/* The LRU evicted a NAT session: its alias and reservation stay. The
 * sweeper walks every entry but skips aliases, so neither goes until a
 * reply from that very server or an allocation of that very port: the
 * alias holds a session-table slot (it counts against max-sessions, which
 * refuses before the LRU would evict it) and the port shows as in use. */
Test(nat, redteam_sweeper_frees_what_an_evicted_session_left)
{
	struct pb_spec a = udp(CLIENT_A, SERVER1, 45600, 53);
	struct sfw_reaper *reaper = NULL;
	struct sfw_sweeper *sw = NULL;
	struct sfw_session_key k;
	struct pb_pkt in, out;
	struct timespec ts;

	/* opened first: the sweep below is well within SFW_NAT_TAKEOVER_S
	 * of the packet (review rvgrace2 L3) */
	cr_assert_eq(sfw_reaper_open_fds(&reaper, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	cr_assert_eq(sfw_sweeper_new(&sw, fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), reaper, 64), 0);
	nat_half_a_second_ahead();
	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	fx_key(&a, &k);
	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &k), 0);
	/* a second on: as well a first packet on its way (SFW_NAT_TAKEOVER_S;
	 * red with the grace at 0) */
	nat_age_holders(1);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	sfw_sweep_all(sw, (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec);
	cr_assert_eq(fx_session_count(), 1, "the alias of a session on its way reaped");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1, "its reservation reaped");
	nat_age_holders(1);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	sfw_sweep_all(sw, (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec);
	sfw_sweeper_free(sw);
	sfw_reaper_close(reaper);
	cr_expect_eq(fx_session_count(), 0, "the stale alias is left in the table");
	cr_expect_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0, "the stale reservation is left");
}

/* The firewall's own stack answers a translated reply it cannot forward
 * (inside MTU smaller than the WAN's: Fragmentation Needed for a DF
 * download; or TTL exceeded): the error goes to the server from fb's
 * address, quoting the reply as the stack saw it, s:sp -> c:cp. tc egress
 * related it to the In-wing key and sent it as it was: the server got an
 * error about a tuple it never sent (its packet was s:sp -> P:pp), so
 * path-MTU discovery through NAT failed (a black hole for downloads) and
 * the client's private address and port left the WAN. nf_nat translates
 * such errors (nf_nat_icmp_reply_translation), and so does tc egress now:
 * the quote is what the server sent. */
Test(nat, redteam_host_icmp_error_about_reply_quotes_translated_tuple)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 55300, 53);
	struct pb_spec quoted = udp(SERVER1, CLIENT_A, 53, 55300);
	struct pb_spec err = { .src = FB_ADDR, .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 4, .inner = &quoted };
	/* the host's own, out of fb toward the server (the error leaves
	 * toward its addressee's zone only: review rvred3, F1) */
	struct __sk_buff skb = { .ifindex = out_if };
	struct pb_pkt in, out;
	__u16 pp;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	pp = port_at(&out, 0);
	cr_assert_neq(pp, 55300);
	cr_assert_eq(pb_build(&err, &in), 0);
	out = in;
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = in.data, .data_size_in = in.len,
		    .data_out = out.data, .data_size_out = PB_MAX, .ctx_in = &skb,
		    .ctx_size_in = sizeof(skb));
	cr_assert_eq(bpf_prog_test_run_opts(fx_tc_prog_fd(), &t), 0);
	cr_assert_eq(t.retval, FX_TC_OK, "the host's error about a reply is sent");
	assert_quotes_the_server(&out, &err, pp);
}

/* ---- second review (docs/nat.md "Second review"): each test below
 * fails with its fix reverted ---- */

/* The suite's rules with CLIENT_B exempt (`source-nat off` first): its
 * sessions carry no NAT under a zone pair that has source NAT rules. */
static void commit_exempt_b(void)
{
	commit(NAT_HEAD_TEXT NAT_R0_OFF NAT_R1_INTERFACE);
	host_ports(50000, 60999);
}

/* F1: the client's packets reach fb by an interface sfw is not attached
 * to (fa detached while the session lives, or another of the zone's), so
 * tc takes its host path: the NAT session's In wing, and the later
 * fragments of its datagram, left from the client's private address; a
 * new flow there opened a session without the NAT its rule asks for. */
Test(nat, review2_in_wing_from_unattached_interface_not_sent_untranslated)
{
	const char *far = "203.0.113.9";   /* no neighbour entry: the stack routes */
	struct pb_spec u = udp(CLIENT_A, far, 48600, 53);
	struct pb_spec v = udp(CLIENT_A, far, 48601, 53);
	struct pb_spec big = u;
	struct pb_pkt in, up, out, fr[4];

	cr_assert_eq(fx_mark_attached(out_if), 0);   /* fa is not */
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_OK);
	assert_tuple(&out, &u, FB_ADDR, 48600, far, 53);

	big.payload = 1200;
	big.ip_id = 94;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(tc_at(out_if, in_if, &fr[i], &out), FX_TC_OK, "fragment %d sent", i);
		cr_expect_eq(addr_at(&out, 12), a4(FB_ADDR), "fragment %d from the NAT address", i);
		cr_expect_eq(fold(sum16(out.data + out.l3_off, 20, 0)), 0xffff,
			     "fragment %d's IPv4 header checksum", i);
	}

	cr_assert_eq(pb_build(&v, &in), 0);
	cr_expect_eq(tc_at(out_if, in_if, &in, &out), FX_TC_SHOT,
		     "a new flow a source NAT rule translates opened untranslated");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	ASSERT_NO_SESSION(&v);
	cr_expect_eq(outcomes_at(out_if), 5, "one outcome per packet");
}

/* F2: the stack fragments a datagram of a session `source-nat off`
 * exempts, under a zone pair with source NAT rules: its later fragments
 * found no record (only NAT sessions' first fragments were recorded at
 * tc) and were refused under Incoming NAT errors. */
Test(nat, review2_later_fragments_of_an_exempt_session_sent)
{
	const char *far = "203.0.113.9";
	struct pb_spec u = udp(CLIENT_B, far, 48700, 53);
	struct pb_spec big = u;
	struct pb_pkt in, up, out, fr[4];
	struct sfw_session sess;

	commit_exempt_b();
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	GET_SESSION(&u, &sess);
	cr_assert(!(sess.flags & SFW_SESS_F_NAT), "exempt");
	big.payload = 1200;
	big.ip_id = 97;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		cr_expect_eq(tc_forwarded(&fr[i], &out), FX_TC_OK, "fragment %d sent", i);
		cr_expect_eq(memcmp(out.data, fr[i].data, fr[i].len), 0, "fragment %d as it was", i);
	}
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);

	/* nor a NAT session's reply, translated whole by XDP, that the
	 * stack fragments toward the client: its record is the Out wing's */
	struct pb_spec a = udp(CLIENT_A, far, 48701, 53);
	struct pb_spec r = udp(far, CLIENT_A, 53, 48701);

	cr_assert_eq(run_at(in_if, &a, &in, &up), FX_XDP_PASS);
	cr_assert_eq(tc_forwarded(&up, &out), FX_TC_OK);
	r.payload = 1200;
	r.ip_id = 99;
	cr_assert_eq(pb_fragment(&r, 512, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		cr_expect_eq(tc_at(in_if, out_if, &fr[i], &out), FX_TC_OK, "reply fragment %d sent", i);
		cr_expect_eq(memcmp(out.data, fr[i].data, fr[i].len), 0, "reply fragment %d as it was",
			     i);
	}
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 0);
}

/* F3: an error quoting a NAT session's reply as the client got it
 * (s:sp -> c:cp) from the WAN, sent to the server: passed up, the stack
 * sent it back out of fb, and tc translated it, from P: the firewall
 * confirmed a private tuple to anyone and relayed forged errors from P.
 * Only one from where the client's packets come in (fa) is related. */
Test(nat, review2_error_about_reply_from_the_wan_not_related)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 55150, 53);
	struct pb_spec quoted = udp(SERVER1, CLIENT_A, 53, 55150);
	struct pb_spec err = { .src = "203.0.113.77", .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &quoted };
	struct pb_pkt in, up;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &s, &in, &up), FX_XDP_REDIRECT);
	cr_expect_eq(run_at(out_if, &err, &in, &up), FX_XDP_DROP,
		     "an error about the reply from the WAN is related");
	cr_expect_eq(outcomes_at(out_if), 1, "one outcome per packet");
	err.src = CLIENT_A;
	cr_expect_eq(run_at(in_if, &err, &in, &up), FX_XDP_PASS, "the client's own still goes up");
}

/* F4: tc refused every forwarded ICMP error the stack fragmented, about a
 * NAT session or not, under Incoming NAT errors. An inside host's large
 * error about a plain (exempt) session's reply leaves whole: its first
 * fragment as it is, and the later ones follow its record. */
Test(nat, review2_fragmented_error_about_a_plain_session_sent)
{
	struct pb_spec s = udp(CLIENT_B, SERVER1, 48800, 53);
	struct pb_spec quoted = udp(SERVER1, CLIENT_B, 53, 48800);
	struct pb_spec err = { .src = CLIENT_B, .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &quoted, .ip_id = 98 };
	struct pb_pkt in, out, fr[4];
	int n;

	commit_exempt_b();
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	quoted.payload = 1000;
	n = pb_fragment(&err, 512, fr, 4);
	cr_assert_geq(n, 2);
	for (int i = 0; i < n; i++) {
		cr_expect_eq(tc_forwarded(&fr[i], &out), FX_TC_OK, "fragment %d sent", i);
		cr_expect_eq(memcmp(out.data, fr[i].data, fr[i].len), 0, "fragment %d as it was", i);
	}
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);
}

/* F5: tc recorded a NAT datagram the stack fragments (its first fragment
 * translated); the client's own later fragment of that datagram followed
 * the record at XDP and went up, past the refusal of client fragments. */
Test(nat, review2_client_fragment_of_a_nat_datagram_refused_at_xdp)
{
	const char *far = "203.0.113.9";
	struct pb_spec u = udp(CLIENT_A, far, 48900, 53);
	struct pb_spec big = u;
	struct pb_pkt in, up, out, fr[4], back;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	cr_assert_eq(tc_forwarded(&up, &out), FX_TC_OK);
	big.payload = 1200;
	big.ip_id = 95;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	cr_assert_eq(tc_forwarded(&fr[0], &out), FX_TC_OK);
	cr_assert_eq(addr_at(&out, 12), a4(FB_ADDR));
	back = fr[1];
	cr_expect_eq(fx_xdp_frame_at(in_if, fr[1].data, fr[1].len, back.data, &back.len),
		     FX_XDP_DROP, "a client's later fragment followed tc's NAT record");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_expect_eq(outcomes_at(in_if), 2, "one outcome per packet");
}

/* F7: a NAT session expired while its packet waited in the stack was
 * still translated at tc (a whole packet, a first fragment), where the
 * error and later-fragment paths refuse it. */
Test(nat, review2_expired_session_not_translated_at_tc)
{
	const char *far = "203.0.113.9";
	struct pb_spec u = udp(CLIENT_A, far, 49000, 53);
	struct pb_spec big = u;
	struct pb_pkt in, up, out, fr[4];

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	cr_assert_eq(fx_age(&u, 3600), 0);
	cr_expect_eq(tc_forwarded(&up, &out), FX_TC_SHOT, "an expired session's packet translated");
	big.payload = 1200;
	big.ip_id = 96;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	cr_expect_eq(tc_forwarded(&fr[0], &out), FX_TC_SHOT,
		     "an expired session's first fragment translated");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 2);
}
