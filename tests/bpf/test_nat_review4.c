/* The fourth review of source NAT (a red team's reading of the third
 * review's R1 fix, docs/nat.md "Third review"), in BPF_PROG_TEST_RUN on
 * the NAT suites' fixture (tests/bpf/nat_fixture.h). Each test here
 * FAILS on the branch it was written against: it is the finding, for the
 * fix to turn green (notes: /work/notes/review-nat4.md).
 *
 * N1: R1 (a) refuses a transit first packet whose source the FIB answers
 * NOT_FWDED for. The limited broadcast 255.255.255.255 and every
 * multicast address are not in the FIB at all (the stack special-cases
 * them before its lookup): with a default route, which every firewall
 * has, the lookup answers SUCCESS and the session opens. The stack
 * delivers a reply to either to the host's own UDP sockets (a broadcast
 * to every socket bound to 0.0.0.0 on the port, a multicast to those on
 * a group the host joined: 224.0.0.1 always). Under source NAT R1 (b)'s
 * one lookup of the translated destination answers SUCCESS as well, so
 * the Internet's reply to P:pp reaches the firewall's own services.
 *
 * N2: R1 (b) judges a NAT session's first reply the stack takes
 * (SFW_ALIAS_FIRST: no Out-wing packet yet), but sfw_account counts the
 * reply on the Out wing before the check refuses it: the second reply is
 * no longer "first" and goes up to the host's own address.
 *
 * N3: a plain transit session's reply to an address the host took is
 * passed up (R1 (b) judges NAT replies only). N4: R1 (b) refuses the
 * first reply to a client behind an lwtunnel encap route (a regression).
 * N6: sessions are not bound to the zone they were opened from. N7
 * (info): NAT hands out a port the host has a socket on. N10: a refused
 * first packet toward an unattached egress keeps its port. N5 is in e2e
 * tests (tests/e2e/test_nat_redteam_masq.sh, test_nat_redteam_encap.sh). */
#include <sys/socket.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "host_ports.h"

#define BCAST "255.255.255.255"
#define ALL_HOSTS "224.0.0.1"   /* every interface joins it */
#define MDNS "224.0.0.251"

TestSuite(nat_review4, .init = nat_setup, .fini = suite_teardown);

/* What every firewall has: a default route out of its WAN. */
static void default_route(void)
{
	cr_assert_eq(system("ip route add default via " SERVER1 " dev fb"), 0);
}

/* N1, plain sessions: no rule of the fixture's translates these sources.
 * A transit first packet from the limited broadcast or a multicast
 * address opened a session (XDP forwarded it); its reply, addressed to
 * that broadcast or group, matches the session and goes up to the stack,
 * which delivers it to the host's own sockets past untrust -> junos-host
 * (for an attacker on the WAN's segment). Expected: refused as the
 * host's own address is, under Address spoofing, with no session. */
Test(nat_review4, n1_broadcast_and_multicast_sources_refused_with_a_default_route)
{
	static const char *const srcs[] = { BCAST, ALL_HOSTS, MDNS };
	struct pb_pkt in, out;

	default_route();
	for (unsigned i = 0; i < 3; i++) {
		struct pb_spec s = udp(srcs[i], SERVER1, 20950 + i, 53);

		struct sfw_session sess;

		cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP,
			     "a transit session from %s", srcs[i]);
		cr_expect_eq(fx_session(&s, &sess), -ENOENT, "a session from %s", srcs[i]);
	}
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_ADDRESS_SPOOFING), 3);
	cr_expect_eq(outcomes_at(in_if), 3, "one outcome per packet");
}

/* N1's fix is Linux's martian-source list, not only the two sources the
 * review used: a source in 0.0.0.0/8, and IPv6's unspecified address and
 * multicast, from which a reply would be the host's as well. With
 * default routes (both families), the lookup answered SUCCESS for the
 * first two. Expected: each refused with no session, the first two under
 * Address spoofing (docs/nat.md "Fourth review", N1). */
Test(nat_review4, n1_zeronet_and_ipv6_martian_sources_refused_with_a_default_route)
{
	static const char *const srcs[] = { "0.0.0.1", "::", "ff0e::1" };
	static const char *const dsts[] = { SERVER1, "2001:db8:2::2", "2001:db8:2::2" };
	/* a multicast source has no route toward it: the FIB sends its flow
	 * to the host, whose policy (deny-all to junos-host) refuses it */
	static const unsigned spoofing[] = { 1, 2, 2 };
	struct pb_pkt in, out;

	default_route();
	cr_assert_eq(system("ip addr add 2001:db8:1::1/64 dev fa nodad && "
			    "ip addr add 2001:db8:2::1/64 dev fb nodad && "
			    "sysctl -qw net.ipv6.conf.all.forwarding=1 && "
			    "ip -6 route add default via 2001:db8:2::2 dev fb"), 0);
	for (unsigned i = 0; i < 3; i++) {
		struct pb_spec s = udp(srcs[i], dsts[i], 20980 + i, 53);
		struct sfw_session sess;

		cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP,
			     "a transit session from %s", srcs[i]);
		cr_expect_eq(fx_session(&s, &sess), -ENOENT, "a session from %s", srcs[i]);
		cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_ADDRESS_SPOOFING), spoofing[i],
			     "refused from %s for another reason", srcs[i]);
	}
	cr_expect_eq(outcomes_at(in_if), 3, "one outcome per packet");
}

/* N1, source NAT (a rule for any source, as Junos examples write it:
 * match source-address 0.0.0.0/0), the stack forwarding (sfw's default).
 * An inside host's one datagram from 255.255.255.255 (or 224.0.0.1)
 * opened a NAT session and an alias P:20960; the Internet's reply to
 * P:20960 was translated to 255.255.255.255:20960 and passed up, the
 * first-reply lookup answering SUCCESS by the default route; the stack
 * delivers it, as a broadcast, to the firewall's own socket on
 * 0.0.0.0:20960 (end to end: tests/e2e/test_nat_redteam_bcast.sh).
 * Expected: the first packet refused (Address spoofing), no session, no
 * alias, and the reply opens nothing. */
Test(nat_review4, n1_nat_reply_translated_to_a_broadcast_or_group_never_passed_up)
{
	static const char *const srcs[] = { BCAST, ALL_HOSTS };
	struct pb_pkt in, out;

	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n"
	       "set security policies from-zone trust to-zone untrust policy out then permit\n"
	       "set security policies default-policy deny-all\n"
	       "set security nat source rule-set RS from zone trust\n"
	       "set security nat source rule-set RS to zone untrust\n"
	       "set security nat source rule-set RS rule R1 match source-address 0.0.0.0/0\n"
	       "set security nat source rule-set RS rule R1 then source-nat interface\n");
	host_ports(50000, 60999);
	nat_xdp_forwarding(false);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates the In wing */
	default_route();
	for (unsigned i = 0; i < 2; i++) {
		struct pb_spec s = udp(srcs[i], SERVER1, 20960 + i, 53);
		struct pb_spec reply = udp(SERVER1, FB_ADDR, 53, 20960 + i);

		cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP,
			     "a NAT session from %s", srcs[i]);
		cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP,
			     "the Internet's reply passed up to %s:%u", srcs[i], 20960 + i);
	}
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_ADDRESS_SPOOFING), 2);
	cr_expect_eq(fx_session_count(), 0, "no session and no alias");
	cr_expect_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0, "no port reserved");
}

/* A client's session opened, then its address taken by the host (R1 (b)'s
 * own case: docs/nat.md "Third review"). */
static void client_address_becomes_the_hosts(const struct pb_spec *s, int act)
{
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, s, &in, &out), act);
	cr_assert_eq(system("ip addr add " CLIENT_A "/32 dev fa"), 0);
}

/* N2, the stack forwarding: the first reply is refused, but counted on
 * the Out wing first; the same reply sent again is no session's first
 * and goes up translated to the host's own address. Expected: refused
 * every time, the Out wing not counting refused replies. */
Test(nat_review4, n2_second_reply_to_the_hosts_address_refused_when_the_stack_forwards)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40600, 53);
	struct pb_spec reply = udp(SERVER1, FB_ADDR, 53, 40600);
	struct sfw_session sess;
	struct pb_pkt in, out;

	nat_xdp_forwarding(false);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	client_address_becomes_the_hosts(&s, FX_XDP_PASS);
	for (int i = 0; i < 3; i++)
		cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP,
			     "reply %d passed up to the host's own address", i);
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 3);
	cr_expect_eq(outcomes_at(out_if), 3, "one outcome per packet");
	GET_SESSION(&s, &sess);
	cr_expect_eq(sess.wing[SFW_WING_OUT].packets, 0, "refused replies counted on the session");
}

/* N2, XDP forwarding: a reply XDP looks up is judged every time, but the
 * sender chooses which replies XDP does not look up (TTL 1, which the
 * stack answers; the stack still delivers a local one). After one
 * refused reply, a TTL-1 reply is neither looked up nor first: passed up
 * to the host's own address. Expected: refused. */
Test(nat_review4, n2_ttl_1_reply_to_the_hosts_address_refused_when_xdp_forwards)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40610, 53);
	struct pb_spec reply = udp(SERVER1, FB_ADDR, 53, 40610);
	struct pb_pkt in, out;

	client_address_becomes_the_hosts(&s, FX_XDP_REDIRECT);
	cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP, "the first reply");
	reply.ttl = 1;
	cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP,
		     "a TTL-1 reply passed up to the host's own address");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 2);
	cr_expect_eq(outcomes_at(out_if), 2, "one outcome per packet");
}

/* N1, XDP forwarding: the translated reply to 255.255.255.255 is looked
 * up by XDP's forward and sent out by the default route, unless its TTL
 * is 1: then XDP does not look it up, the first-reply lookup answers
 * SUCCESS by the default route, and the stack delivers it as a broadcast
 * to the host's own sockets. Expected: the first packet refused, and the
 * reply never passed up. */
Test(nat_review4, n1_ttl_1_reply_translated_to_a_broadcast_never_passed_up_when_xdp_forwards)
{
	struct pb_spec s = udp(BCAST, SERVER1, 20970, 53);
	struct pb_spec reply = udp(SERVER1, FB_ADDR, 53, 20970);
	struct pb_pkt in, out;

	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n"
	       "set security policies from-zone trust to-zone untrust policy out then permit\n"
	       "set security policies default-policy deny-all\n"
	       "set security nat source rule-set RS from zone trust\n"
	       "set security nat source rule-set RS to zone untrust\n"
	       "set security nat source rule-set RS rule R1 then source-nat interface\n");
	host_ports(50000, 60999);
	nat_xdp_forwarding(true);
	default_route();
	cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP, "a NAT session from " BCAST);
	reply.ttl = 1;
	cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP,
		     "the Internet's TTL-1 reply passed up to " BCAST);
	cr_expect_eq(fx_session_count(), 0, "no session and no alias");
}

/* N3, no NAT: a plain transit session's client address that the host
 * takes while the session lives. Its replies, addressed now to the host,
 * still match the transit session: XDP's forward lookup answers NOT_FWDED
 * and, the session not being a NAT one, passes them up; the stack
 * delivers them to the host's own sockets past the policies to the host.
 * R1 (b) judges NAT replies only. Expected: refused as a NAT reply is,
 * judged by the lookup XDP made anyway. */
Test(nat_review4, n3_plain_session_reply_to_an_address_the_host_took_refused_when_xdp_forwards)
{
	struct pb_spec s = udp("192.0.2.10", SERVER1, 40700, 53);   /* no NAT rule matches */
	struct pb_spec reply = udp(SERVER1, "192.0.2.10", 53, 40700);
	struct pb_pkt in, out;

	cr_assert_eq(system("ip route add 192.0.2.0/24 dev fa"), 0);
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(system("ip addr add 192.0.2.10/32 dev fa"), 0);
	cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP,
		     "the reply passed up to the host's own address");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_NO_ROUTE), 1);
	cr_expect_eq(outcomes_at(out_if), 1, "one outcome per packet");
}

/* N4, a regression in legitimate traffic: a client reached by a route
 * with a lightweight-tunnel encapsulation (ip route ... encap ip|seg6|
 * mpls: a branch behind a tunnel). R1 (b)'s first-reply lookup passes
 * only SUCCESS and NO_NEIGH; the FIB answers UNSUPP_LWT for such a route,
 * so every NAT session's first reply to that client is refused under
 * Incoming NAT errors, although the stack forwards it (and, N2, the
 * second is let through: a DNS answer is lost, a SYN-ACK retransmitted).
 * Expected: passed up, as it was before R1. */
Test(nat_review4, n4_first_reply_to_a_client_behind_an_encap_route_passed_when_the_stack_forwards)
{
	struct pb_spec s = udp("192.0.2.10", SERVER1, 40710, 53);
	struct pb_spec reply = udp(SERVER1, FB_ADDR, 53, 40710);
	struct pb_pkt in, out;

	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n"
	       "set security policies from-zone trust to-zone untrust policy out then permit\n"
	       "set security policies default-policy deny-all\n"
	       "set security nat source rule-set RS from zone trust\n"
	       "set security nat source rule-set RS to zone untrust\n"
	       "set security nat source rule-set RS rule R1 match source-address 0.0.0.0/0\n"
	       "set security nat source rule-set RS rule R1 then source-nat interface\n");
	host_ports(50000, 60999);
	nat_xdp_forwarding(false);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates the In wing */
	cr_assert_eq(system("ip route add 192.0.2.0/24 encap ip id 1 dst " CLIENT_B " dev fa"), 0);
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_PASS, "the client's first packet");
	cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_PASS,
		     "the first reply, which the stack forwards by its encap route");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);
}

/* N6, R1's goal without NAT and without the host's own address: a session
 * is not bound to the zone it was opened from. An inside host sends one
 * packet spoofed from the attacker's Internet address A to the firewall's
 * WAN address, on a service trust may reach (host-inbound-traffic ssh, a DNS
 * UDP policy to junos-host): a session of the host's, opened from trust.
 * The attacker's own packets with that tuple then come in from the
 * Internet, on the WAN (zone untrust, which may reach nothing of the
 * host's), match the session and are delivered; the host's answers leave
 * to A as the session's replies, so A has a full conversation (TCP too:
 * it sees the SYN-ACK) with the firewall's SSH past untrust -> junos-host.
 * Junos keys a session's wings by the zone's token as well. The
 * ip-spoofing screen, when configured on trust, refuses the first packet;
 * R1's decision leaves asymmetric sources to it. Expected: a packet of a
 * session's wing coming in by an interface of another zone than the
 * wing's is no packet of that session (refused under Invalid zone). */
Test(nat_review4, n6_session_from_trust_not_usable_from_the_wan)
{
	struct pb_spec udp_in = udp("192.0.2.99", FB_ADDR, 40900, 53);
	struct pb_spec syn = { .src = "192.0.2.99", .dst = FB_ADDR, .proto = SFW_IPPROTO_TCP,
			       .sport = 40901, .dport = 22, .tcp_flags = SFW_TCP_SYN, .seq = 1000 };
	struct pb_spec synack = { .src = FB_ADDR, .dst = "192.0.2.99", .proto = SFW_IPPROTO_TCP,
				  .sport = 22, .dport = 40901,
				  .tcp_flags = SFW_TCP_SYN | SFW_TCP_ACK, .seq = 5000, .ack = 1001 };
	struct pb_spec ack = { .src = "192.0.2.99", .dst = FB_ADDR, .proto = SFW_IPPROTO_TCP,
			       .sport = 40901, .dport = 22, .tcp_flags = SFW_TCP_ACK, .seq = 1001,
			       .ack = 5001 };
	struct fx_tc_opts local = { 0 };
	struct pb_pkt in, out;

	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone trust host-inbound-traffic system-services ssh\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security policies from-zone trust to-zone junos-host policy lan match source-address any destination-address any application junos-dns-udp\n"
	       "set security policies from-zone trust to-zone junos-host policy lan then permit\n"
	       "set security policies default-policy deny-all\n");
	default_route();   /* A is on the Internet */
	cr_assert_eq(run_at(in_if, &udp_in, &in, &out), FX_XDP_PASS, "the inside host's spoofed packet");
	cr_assert_eq(run_at(in_if, &syn, &in, &out), FX_XDP_PASS, "the inside host's spoofed SYN");
	/* the host's SYN-ACK to A would leave by the WAN, another zone
	 * than the session's client's: refused at tc (the zone binding's
	 * second review, Z5), which the binding of A's own packets below
	 * does not rely on */
	cr_expect_eq(fx_tc(&synack, &local), FX_TC_SHOT, "the host's SYN-ACK leaves for A");
	cr_expect_eq(run_at(out_if, &udp_in, &in, &out), FX_XDP_DROP,
		     "A's datagram from the Internet delivered to the host's service");
	cr_expect_eq(run_at(out_if, &ack, &in, &out), FX_XDP_DROP,
		     "A's ACK from the Internet completes a connection to the host's SSH");
	/* refused as no packet of the session, not judged as a first one:
	 * the key is the tuple alone, so a session of its own would have
	 * to replace trust's (docs/security.md "Sessions are bound to their
	 * zones") */
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 2);
	cr_expect_eq(outcomes_at(out_if), 2, "one outcome per packet");
}

/* N7 (info), a NAT alias on a port the host listens on: source NAT keeps
 * a client's own port outside the host's ephemeral range without asking
 * whether the host has a socket bound there (a fixed-port service: an
 * OpenVPN peer on 1194, IKE NAT-T on 4500, a DNS forwarder on 5353). The
 * alias then takes the host's service's traffic from that server to the
 * client, and R1 (c) drops the host's own packets on the tuple. Linux's
 * masquerade does the same unless the host's flow has a conntrack entry;
 * XDP can ask (bpf_sk_lookup_udp/tcp on the reply tuple) at allocation.
 * Expected: a port the host has a socket on is not handed out. */
Test(nat_review4, n7_nat_keeps_no_port_the_host_listens_on)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40800, 1194);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(40800) };
	struct pb_pkt in, out;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "the host's service");
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_expect_neq(port_at(&out, 0), 40800, "the client took the host's service's port");
	close(fd);
}

/* N7 for TCP: a host listener on the client's port (its SYN-ACK would
 * be the host's answer). Expected: another port, the listener's left. */
Test(nat_review4, n7_nat_keeps_no_port_a_host_tcp_listener_has)
{
	struct pb_spec syn = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
			       .sport = 40801, .dport = 443, .tcp_flags = SFW_TCP_SYN,
			       .seq = 1000 };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(40801) };
	struct pb_pkt in, out;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "the host's service");
	cr_assert_eq(listen(fd, 1), 0);
	cr_assert_eq(run_at(in_if, &syn, &in, &out), FX_XDP_REDIRECT);
	cr_expect_neq(port_at(&out, 0), 40801, "the client took the host's listener's port");
	close(fd);
}

/* N7's control: with no host socket on it, the client keeps its port
 * (nf_nat's choice, which the check must leave alone). */
Test(nat_review4, n7_client_keeps_a_port_no_host_socket_has)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40802, 1194);
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(port_at(&out, 0), 40802, "the client's own port, free, not kept");
}

/* RV14-N7a (review 14): N7's lookup is XDP's, whose socket lookup takes
 * the packet's ingress (the inside interface, fa) for the device a socket
 * may be bound to; the replies come in by the WAN (fb), where the stack
 * delivers them to a socket bound there (SO_BINDTODEVICE: a DHCP client,
 * OpenVPN's --bind-dev, a VRF's services). Such a socket is never found,
 * and the client takes its port: N7 fails open for it. The port is now
 * skipped as for an unbound socket: the loader and the session daemon
 * keep such sockets' ports (include/host_ports.h; the sync the daemon
 * makes every second is made here after the bind). */
Test(nat_review4, rv14_n7_nat_keeps_no_port_a_wan_bound_socket_has)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40803, 1194);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(40803) };
	struct pb_pkt in, out;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert(fd >= 0);
	cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "fb", 3), 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "the host's service on the WAN");
	cr_assert_eq(fx_host_ports_sync(), 0, "%s", sfw_last_error());
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_expect_neq(port_at(&out, 0), 40803, "the client took a WAN-bound service's port");
	close(fd);
}

/* The port bits hold only what the lookup cannot see: a UDP socket bound
 * to no device is found by it, and its port is not kept (a busy host's
 * sockets would else fill the map); one bound to a device is. */
Test(nat_review4, rv14_n7_host_ports_keep_only_what_the_lookup_misses)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(40805) };
	struct sockaddr_in b = { .sin_family = AF_INET, .sin_port = htons(40806) };
	int plain = socket(AF_INET, SOCK_DGRAM, 0), bound = socket(AF_INET, SOCK_DGRAM, 0);
	int map = fx_map_fd(false, SFW_STR(SFW_MAP_HOST_PORTS));
	__u32 k = sfw_host_port_word(SFW_IPPROTO_UDP, 40805);
	__u64 w = 0;

	cr_assert(plain >= 0 && bound >= 0 && map >= 0);
	cr_assert_eq(bind(plain, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(setsockopt(bound, SOL_SOCKET, SO_BINDTODEVICE, "fb", 3), 0);
	cr_assert_eq(bind(bound, (struct sockaddr *)&b, sizeof(b)), 0);
	cr_assert_eq(fx_host_ports_sync(), 0, "%s", sfw_last_error());
	cr_assert_eq(sfw_host_port_word(SFW_IPPROTO_UDP, 40806), k, "one word for both");
	cr_assert_eq(bpf_map_lookup_elem(map, &k, &w), 0);
	cr_expect_not(w & sfw_host_port_bit(40805), "a socket the lookup finds kept: %#llx",
		      (unsigned long long)w);
	cr_expect(w & sfw_host_port_bit(40806), "a device-bound socket's port not kept");
	close(bound);
	cr_assert_eq(fx_host_ports_sync(), 0, "%s", sfw_last_error());
	cr_assert_eq(bpf_map_lookup_elem(map, &k, &w), 0);
	cr_expect_not(w & sfw_host_port_bit(40806), "kept after its socket closed");
	close(plain);
}

/* RV14-N7b (review 14, low): a TCP socket bound to a port but not (yet)
 * listening or connected (bind before connect: a client with a fixed
 * source port, a service between bind and listen) sits in the bind hash
 * only, which bpf_sk_lookup_tcp does not search: the client takes the
 * port, and the host's own SYN from it to the same server then meets the
 * NAT session's tuple at tc and is dropped (No session). The port is
 * now skipped, as for a listener (TCP_BOUND_INACTIVE in sock_diag). */
Test(nat_review4, rv14_n7_nat_keeps_no_port_a_host_tcp_socket_is_bound_to)
{
	struct pb_spec syn = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
			       .sport = 40804, .dport = 443, .tcp_flags = SFW_TCP_SYN,
			       .seq = 1000 };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(40804) };
	struct pb_pkt in, out;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert(fd >= 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "the host's socket, bound");
	cr_assert_eq(fx_host_ports_sync(), 0, "%s", sfw_last_error());
	cr_assert_eq(run_at(in_if, &syn, &in, &out), FX_XDP_REDIRECT);
	cr_expect_neq(port_at(&out, 0), 40804, "the client took a port a host socket is bound to");
	close(fd);
}

/* RV14-T1 (review 14): RV2-2 for a source NAT session's first reply that
 * goes up to the stack (XDP forwarding off; or a fragment). Route-first
 * judges it by sfw_xdp_egress_ok on the untranslated destination (the
 * firewall's own address: passes), so sfw_account tracks it before
 * sfw_xdp_reply_routed refuses it for the client's address having become
 * the host's (R1 b); sfw_unaccount takes its counts back, not its TCP
 * state: the server's SYN-ACK that never left moves the session to
 * SYN_RCVD, and a RST so refused closes it. Expected: refused before its
 * session is touched, as with XDP forwarding (sfw_forward_route's
 * nat_to): sfw_xdp_egress_nat in route-first. */
Test(nat_review4, rv14_first_reply_refused_for_the_hosts_address_moves_no_tcp_state)
{
	struct pb_spec c = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
			     .sport = 40830, .dport = 80, .tcp_flags = SFW_TCP_SYN, .seq = 1000 };
	struct pb_spec r = { .src = SERVER1, .dst = FB_ADDR, .proto = SFW_IPPROTO_TCP,
			     .sport = 80, .tcp_flags = SFW_TCP_SYN | SFW_TCP_ACK,
			     .seq = 5000, .ack = 1001 };
	struct pb_pkt in, out;
	struct sfw_config cfg;
	struct sfw_session v;

	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags & ~SFW_CFG_F_FORWARD), 0);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* its tc egress translates */
	cr_assert_eq(run_at(in_if, &c, &in, &out), FX_XDP_PASS, "the SYN, up to the stack");
	cr_assert_eq(fx_session(&c, &v), 0);
	cr_assert(v.flags & SFW_SESS_F_NAT);
	r.dport = ntohs(v.nat.sport);
	cr_assert_eq(system("ip addr add " CLIENT_A "/32 dev fb"), 0);
	cr_expect_eq(run_at(out_if, &r, &in, &out), FX_XDP_DROP, "the reply to the host's address");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(fx_session(&c, &v), 0);
	cr_expect_eq(v.tcp_state, SFW_TCP_SYN_SENT, "a refused SYN-ACK moved the session's TCP state");
	cr_expect_eq(v.wing[SFW_WING_OUT].packets, 0);
}

/* RV14-T1's lookup with IPv4 forwarding off on the WAN (the reply's
 * ingress): bpf_fib_lookup answers FWD_DISABLED before it asks the FIB,
 * so it cannot say whether the client's address became the host's. The
 * stack forwards nothing in by that device, and would deliver the
 * translated reply only if it had: refused as NOT_FWDED is. */
Test(nat_review4, rv14_reply_refused_when_the_wan_forwards_nothing)
{
	struct pb_spec c = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
			     .sport = 40831, .dport = 80, .tcp_flags = SFW_TCP_SYN, .seq = 1000 };
	struct pb_spec r = { .src = SERVER1, .dst = FB_ADDR, .proto = SFW_IPPROTO_TCP,
			     .sport = 80, .tcp_flags = SFW_TCP_SYN | SFW_TCP_ACK,
			     .seq = 5000, .ack = 1001 };
	struct pb_pkt in, out;
	struct sfw_config cfg;
	struct sfw_session v;

	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags & ~SFW_CFG_F_FORWARD), 0);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &c, &in, &out), FX_XDP_PASS, "the SYN, up to the stack");
	cr_assert_eq(fx_session(&c, &v), 0);
	cr_assert(v.flags & SFW_SESS_F_NAT);
	r.dport = ntohs(v.nat.sport);
	cr_assert_eq(system("ip addr add " CLIENT_A "/32 dev fb && "
			    "sysctl -qw net.ipv4.conf.fb.forwarding=0"), 0);
	cr_expect_eq(run_at(out_if, &r, &in, &out), FX_XDP_DROP, "the reply to the host's address");
	cr_expect_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(fx_session(&c, &v), 0);
	cr_expect_eq(v.tcp_state, SFW_TCP_SYN_SENT);
}

/* N6 through an alias: a NAT session's reply tuple (SERVER1:53 ->
 * P:40910) coming in by the inside interface (zone trust) instead of the
 * WAN is taken as the server's reply, translated and sent to the client:
 * any host of another zone than the Out wing's (a DMZ host, for a client
 * in trust) injects "server" answers past its policies, knowing only the
 * translated port. Expected: no reply of that session. */
Test(nat_review4, n6_nat_reply_tuple_from_the_inside_not_taken_as_the_servers)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40910, 53);
	struct pb_spec forged = udp(SERVER1, FB_ADDR, 53, 40910);
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_expect_eq(run_at(in_if, &forged, &in, &out), FX_XDP_DROP,
		     "a reply from the inside translated and sent to the client");
}

/* N10 (low), R3's pattern on another path: with the stack forwarding, a
 * NAT session's In wing toward an egress sfw is not attached to is
 * refused under Incoming NAT errors (docs/nat.md "Open findings", 2), but
 * only after sfw_xdp_open created the session, its alias and its port
 * reservation, which then stay for the protocol's timeout: every refused
 * first packet holds a session-table entry pair and a port. Expected:
 * refused before anything is made, as R3's are. */
Test(nat_review4, n10_in_wing_refused_toward_an_unattached_egress_reserves_nothing)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40920, 53);
	struct pb_pkt in, out;

	nat_xdp_forwarding(false);   /* fb not marked attached */
	cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP);
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_expect_eq(fx_session_count(), 0, "a session and an alias left for a refused packet");
	cr_expect_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0, "a port reserved for a refused packet");
}

/* ---- reviewer rvhp (red-team of 87e27f9/a1e49fa): the sockets the
 * brief names, each bit checked as sock_diag gives it. ---- */
static bool rvhp_held(__u8 proto, __u16 port)
{
	int map = fx_map_fd(false, SFW_STR(SFW_MAP_HOST_PORTS));
	__u32 k = sfw_host_port_word(proto, port);
	__u64 w = 0;

	cr_assert(map >= 0);
	cr_assert_eq(bpf_map_lookup_elem(map, &k, &w), 0);
	return w & sfw_host_port_bit(port);
}

static int rvhp_sock(int family, int type, const char *dev, __u16 port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(family, type, 0), off = 0;

	cr_assert(fd >= 0);
	if (family == AF_INET6)
		cr_assert_eq(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)), 0);
	if (dev)
		cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev) + 1), 0);
	cr_assert_eq(family == AF_INET6 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6))
					: bind(fd, (struct sockaddr *)&a4, sizeof(a4)), 0,
		     "bind %u", port);
	return fd;
}

Test(nat_review4, rvhp_host_ports_every_kind_of_socket_the_lookup_misses)
{
	int tl = rvhp_sock(AF_INET, SOCK_STREAM, "fb", 40810);        /* TCP listener on fb */
	int u6 = rvhp_sock(AF_INET6, SOCK_DGRAM, "fb", 40811);        /* dual-stack UDP on fb */
	int t6 = rvhp_sock(AF_INET6, SOCK_STREAM, NULL, 40812);       /* v6 TCP bound only */
	int uc = rvhp_sock(AF_INET, SOCK_DGRAM, "fb", 40813);         /* UDP connected on fb */
	int hi = rvhp_sock(AF_INET, SOCK_DGRAM, "fb", 65535);         /* the last word's bit 63 */
	int lo = rvhp_sock(AF_INET, SOCK_STREAM, NULL, 64);           /* TCP bound only, word 1 bit 0 */
	int pl = rvhp_sock(AF_INET, SOCK_STREAM, NULL, 40814);        /* unbound listener: lookup's */
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons(53) };

	inet_pton(AF_INET, SERVER1, &srv.sin_addr);
	cr_assert_eq(listen(tl, 1), 0);
	cr_assert_eq(listen(pl, 1), 0);
	cr_assert_eq(connect(uc, (struct sockaddr *)&srv, sizeof(srv)), 0);
	cr_assert_eq(fx_host_ports_sync(), 0, "%s", sfw_last_error());
	cr_expect(rvhp_held(SFW_IPPROTO_TCP, 40810), "TCP listener bound to a device");
	cr_expect(rvhp_held(SFW_IPPROTO_UDP, 40811), "dual-stack UDP bound to a device");
	cr_expect(rvhp_held(SFW_IPPROTO_TCP, 40812), "v6 TCP bound only");
	cr_expect(rvhp_held(SFW_IPPROTO_UDP, 40813), "connected UDP bound to a device");
	cr_expect(rvhp_held(SFW_IPPROTO_UDP, 65535), "port 65535");
	cr_expect(rvhp_held(SFW_IPPROTO_TCP, 64), "port 64");
	cr_expect_not(rvhp_held(SFW_IPPROTO_TCP, 65535), "UDP's bit is not TCP's");
	cr_expect_not(rvhp_held(SFW_IPPROTO_UDP, 64), "TCP's bit is not UDP's");
	cr_expect_not(rvhp_held(SFW_IPPROTO_TCP, 40814), "unbound listener: the lookup's");
	close(tl); close(u6); close(t6); close(uc); close(hi); close(lo); close(pl);
}
