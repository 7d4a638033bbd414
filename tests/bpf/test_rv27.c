/* Red team rv27: findings on int26 (the fixes of rv26 F1-F4), each as a
 * test that shows it. They failed on int26 and were committed disabled;
 * enabled with their fixes (branch tcjudge2); notes/rv27.md says what each
 * one means and how it was fixed. */
#include <stdlib.h>
#include <bpf/bpf.h>
#include "commit.h"

TestSuite(rv27, .init = suite_setup, .fini = suite_teardown);

/* An attached LAN interface (the fixture's lo, FX_IFINDEX, is the WAN
 * side's egress at tc). */
#define LAN_IFINDEX 7
#define HOST_WAN "203.0.113.1"    /* the host's own address, the tunnel's end */
#define VPN_PEER "203.0.113.9"    /* the other end of a site-to-site tunnel */
#define LAN_HOST "198.51.100.7"   /* a LAN client, not one of the host's */

/* HOST_WAN made one of the host's own addresses in the fixture's private
 * network namespace (tests/lib/bpf_fixture.c unshares one per test): the
 * FIB's local route is what sfw_tc_src_own looks for; forwarding on, as
 * on a router (the lookup answers FWD_DISABLED otherwise). No veth. */
static void host_owns_wan(void)
{
	cr_assert_eq(system("ip link set lo up && ip addr add " HOST_WAN "/32 dev lo && "
			    "sysctl -qw net.ipv4.ip_forward=1"), 0);
	/* the map of the host's own addresses follows, as the daemon keeps it */
	cr_assert_eq(fx_local_addrs_sync(), 0);
}

/* rv27 F1 (a regression of int26's rv26 F1 fix, bpf/tc_judged.bpf.h):
 * a packet the stack ENCAPSULATES on its way from one attached
 * interface to another (site-to-site IPsec in tunnel mode: xfrm
 * transforms the forwarded skb in place; GRE, IPIP, VXLAN, SRv6 and other
 * lwt encaps: the skb is kept) leaves with the outer header the host
 * wrote, from the host's own address, and skb_iif still the LAN's. XDP
 * judged the inner packet (here: permitted by the LAN's policy); the
 * outer one has no session of XDP's, so int26 judges it "from in_ifindex's
 * zone" by the LAN's policies as if a LAN client had sent ESP from the
 * host's WAN address. Under any policy narrower than "any any any" (web
 * only, a source-address of the LAN's prefix, deny-all with rules for the
 * LAN's traffic) the tunnel's outer packets are dropped: every LAN flow
 * routed into a VPN dies at tc egress, unless a host session of the same
 * outer tuple happens to live (the peer sent ESP first, within its idle
 * timeout). On main the packet passed as forwarded; the same outer packet
 * from the host itself (ingress 0) is self traffic, always permitted
 * (sfw_tc_open). Seen red on int26 with .disabled = false: the forwarded
 * ESP is refused (FX_TC_SHOT), the host's own passes. Fixed: a forwarded
 * packet without XDP's trace from one of the host's own addresses is the
 * host's (bpf/tc_judged.bpf.h sfw_tc_src_own). */
Test(rv27, f1_tunnel_outer_packet_of_a_forwarded_flow_judged_as_the_lans)
{
	struct pb_spec inner = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
				 .sport = 40000, .dport = 80, .tcp_flags = SFW_TCP_SYN };
	struct pb_spec esp = { .src = HOST_WAN, .dst = VPN_PEER, .proto = SFW_IPPROTO_ESP,
			       .payload = 64 };
	struct fx_tc_opts forwarded = { .ingress_ifindex = LAN_IFINDEX };
	struct fx_tc_opts own = { .ingress_ifindex = 0 };

	commit("set security policies global policy web match source-address any destination-address any application junos-http\n"
	       "set security policies global policy web then permit\n"
	       "set security policies default-policy deny-all\n");
	host_owns_wan();
	cr_assert_eq(fx_mark_attached(LAN_IFINDEX), 0);
	cr_assert_eq(fx_mark_attached(FX_IFINDEX), 0);
	cr_assert_eq(fx_xdp(&inner), FX_XDP_PASS, "the LAN client's web flow is permitted");
	/* the stack routes it into the tunnel: ESP from the host's address,
	 * skb_iif the LAN's */
	cr_expect_eq(fx_tc(&esp, &forwarded), FX_TC_OK,
		     "the tunnel's outer packet of a permitted flow was judged as the LAN's own and refused");
	cr_assert_eq(fx_tc(&esp, &own), FX_TC_OK, "the same packet from the host is self traffic");
}

/* The control of rv27 F1's fix: the same ESP forwarded from the LAN
 * with a LAN client's source (not the host's) left no XDP trace either
 * (an IPsec-decapsulated packet: rv26 F1), and is still judged as the
 * LAN zone's first packet: refused under the web-only policy. The LAN's
 * prefix is routed (a source with no route at all, which the FIB answers
 * NOT_FWDED like a local one, is refused too since the map of the host's
 * addresses: tests/bpf/test_local_addrs.c). Seen red with
 * sfw_tc_src_own answering 1 always: the LAN source's ESP passed. */
Test(rv27, f1_control_a_forwarded_packet_from_another_source_is_still_judged)
{
	struct pb_spec esp = { .src = LAN_HOST, .dst = VPN_PEER, .proto = SFW_IPPROTO_ESP,
			       .payload = 64 };
	struct pb_spec own_esp = { .src = HOST_WAN, .dst = VPN_PEER, .proto = SFW_IPPROTO_ESP,
				   .payload = 64 };
	struct fx_tc_opts forwarded = { .ingress_ifindex = LAN_IFINDEX };

	commit("set security policies global policy web match source-address any destination-address any application junos-http\n"
	       "set security policies global policy web then permit\n"
	       "set security policies default-policy deny-all\n");
	host_owns_wan();
	cr_assert_eq(system("ip route add 198.51.100.0/24 dev lo"), 0);
	cr_assert_eq(fx_mark_attached(LAN_IFINDEX), 0);
	cr_assert_eq(fx_mark_attached(FX_IFINDEX), 0);
	cr_expect_eq(fx_tc(&esp, &forwarded), FX_TC_SHOT,
		     "a LAN source's unjudged ESP passed as the host's own");
	cr_expect_eq(fx_tc(&own_esp, &forwarded), FX_TC_OK, "the host's own outer packet");
}

/* rv27 F2 (low; int26's rv26 F2 fix, include/protocols.h
 * sfw_icmp_key_tag): an ICMP query session's key carries the REQUEST's
 * code in the responder's port, and a reply is keyed with its OWN code.
 * For echo, timestamp, information and mask both codes are 0, but ICMPv6
 * node information (RFC 4620) gives them different meanings: a query's
 * code names its subject (0 an IPv6 address, 1 a name, 2 an IPv4
 * address), a reply's the outcome (0 success, 1 refused, 2 unknown
 * qtype). A query about a name (code 1) answered with success (code 0),
 * or one about an address (code 0) refused (code 1), finds no session and
 * is dropped as a reply without session, under a policy that permits
 * ICMPv6. (Conntrack keys the same way, so this matches it; the ping6 -N
 * subject-name/subject-ipv4 cases simply never get their answer.) Seen
 * red on int26 with .disabled = false: the success reply is dropped.
 * Fixed: node information is keyed without its code (include/protocols.h
 * sfw_icmp_key_tag). */
Test(rv27, f2_node_information_reply_keyed_on_the_querys_code)
{
	struct pb_spec query = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_ICMP6,
				 .icmp_type = 139, .icmp_code = 1, .icmp_id = 2 };
	struct pb_spec reply = { .src = SRV6, .dst = CLI6, .proto = SFW_IPPROTO_ICMP6,
				 .icmp_type = 140, .icmp_code = 0, .icmp_id = 2 };

	commit("set security policies global policy icmp6 match source-address any destination-address any application junos-icmp6-all\n"
	       "set security policies global policy icmp6 then permit\n"
	       "set security policies default-policy deny-all\n");
	cr_assert_eq(fx_xdp(&query), FX_XDP_PASS, "the node name query about a name");
	cr_expect_eq(fx_xdp(&reply), FX_XDP_PASS, "its successful answer found no session");
}

/* rv27 F3 (a regression of int26's rv26 F1 fix, bpf/tc_judged.bpf.h
 * sfw_tc_judged_frag): a later fragment forwarded from an attached
 * interface passes tc only if XDP's record of its datagram is found by
 * (addresses, protocol, identification). XDP passes every fragment to the
 * stack (bpf/forward.bpf.h), so every forwarded fragmented datagram meets
 * tc; and wherever IPv6 defragmentation is on in the namespace the stack
 * reassembles it and ip6_fragment() cuts it again with a NEW
 * identification (ipv6_select_ident: unlike IPv4's ip_do_fragment, which
 * copies the header, id included). Defragmentation is on as soon as any
 * nftables rule uses conntrack in the namespace: sfw's own cluster table
 * (`inet sfw_cluster`, a `ct label set` rule: nf_ct_netns_get for both
 * families; its notrack chains run after the defrag hook at -400), and
 * any host with ip6tables/nftables conntrack (docker, firewalld, ufw). The
 * first fragment still finds its session; every later one finds no
 * record under the new identification, takes the unjudged path and is
 * refused (no first fragment seen): every fragmented IPv6 datagram
 * forwarded between attached interfaces is lost (large EDNS answers, UDP
 * tunnels over IPv6, NFS/UDP). On main they passed as forwarded. Seen red
 * on int26 with .disabled = false: the re-cut later fragment is shot.
 * Fixed: tc records the datagram of an IPv6 first fragment it found
 * judged (bpf/tc_judged.bpf.h sfw_tc_judged_flow). */
/* (On a transit session: tests/bpf/test_rv28.c, suite rv28_fwd. The
 * fixture's lo forwards nothing, and a host session's In wing the stack
 * forwards is refused at tc since rv28 F4's fix.) */
