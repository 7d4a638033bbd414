/* A first packet is judged by the route it takes (docs/security.md
 * "Routes and zone pairs"): policy routing by IPv4's ToS (`ip rule tos`),
 * IPv6's traffic class (`ip -6 rule tos`) or flow label (`ip -6 rule
 * flowlabel`, Linux 6.14) sends it by another egress than a query without
 * them names. Judged by that query, a packet a rule sends into dmz was
 * let through as trust -> untrust, a zone pair no policy of dmz's judged:
 * by XDP's forwarding (its route cache keys by them) and by the stack's
 * alike. Likewise a query with ports the kernel does not route by (a
 * fragment's, ICMP's id). And a first packet is judged by the FIB's
 * answer, not by one XDP's route cache kept from before a change. The
 * NAT fixture (tests/bpf/nat_fixture.h): fa in trust, fb in untrust
 * toward SERVER1, fc in dmz; trust -> untrust permitted, everything else
 * denied. */
#define _GNU_SOURCE   /* sched_getcpu */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "zone_layouts.h"
#include "outcome.h"

#define TRUST_DMZ "set security policies from-zone trust to-zone dmz policy dmz match source-address any destination-address any application any\n" \
		  "set security policies from-zone trust to-zone dmz policy dmz then permit\n"
/* literals, not nat_fixture.h's names: scripts/check-deps.py reads the
 * shell commands below with this file's own definitions only */
#define SERVER1_ "203.0.113.2"   /* SERVER1 */
/* SERVER1 and SERVER6 behind fc, in table 101 */
#define BY_FC_101 "ip route add " SERVER1_ "/32 dev fc table 101 && " \
		  "ip -6 route add " SERVER6 "/128 dev fc table 101 && "

static __u32 fc_if;

static void setup(void)
{
	nat_setup();
	fc_if = fc_up_dual_stack();
	cr_assert_eq(fx_local_addrs_sync(), 0);
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, "sfw_tx_ports"), &fc_if, &fc_if,
					 BPF_ANY), 0);
	commit(ZONES_FC_DMZ TRUST_OUT_ONLY);
}

TestSuite(route_judged, .init = setup, .fini = suite_teardown);

static struct pb_spec udp6(__u16 sport)
{
	return (struct pb_spec){ .src = CLIENT6, .dst = SERVER6, .proto = SFW_IPPROTO_UDP,
				 .sport = sport, .dport = 53 };
}

/* s's first packet, which a rule sends by fc into dmz: refused as
 * trust -> dmz, no session; the same flow marked otherwise (plain) still
 * leaves by fb as trust -> untrust (XDP_REDIRECT, or XDP_PASS to the
 * stack: pass), so the rule is all that differs. */
static void expect_judged_by_its_route(const struct pb_spec *s, const struct pb_spec *plain,
				       int pass)
{
	struct pb_pkt in, out;
	struct sfw_session v;

	cr_expect_eq(run_at(in_if, s, &in, &out), FX_XDP_DROP, "a rule sends it into dmz");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1,
		     "judged trust -> dmz, its route's zone pair");
	cr_expect_eq(fx_session(s, &v), -ENOENT, "no session");
	cr_expect_eq(run_at(in_if, plain, &in, &out), pass, "unmarked: trust -> untrust");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1);
}

Test(route_judged, ipv4_tos_rule_into_another_zone_judged_by_its_route)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 43000, 53), plain = s;

	s.tos = 0x10;
	sh(BY_FC_101 "ip rule add tos 0x10 table 101");
	expect_judged_by_its_route(&s, &plain, FX_XDP_REDIRECT);
}

/* The stack forwards it: judged by the same query all the same. */
Test(route_judged, ipv4_tos_rule_judged_by_its_route_without_xdp_forwarding)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 43001, 53), plain = s;

	nat_xdp_forwarding(false);
	s.tos = 0x10;
	sh(BY_FC_101 "ip rule add tos 0x10 table 101");
	expect_judged_by_its_route(&s, &plain, FX_XDP_PASS);
}

Test(route_judged, ipv6_traffic_class_rule_into_another_zone_judged_by_its_route)
{
	struct pb_spec s = udp6(43002), plain = s;

	s.tos = 0x10;
	sh(BY_FC_101 "ip -6 rule add tos 0x10 table 101");
	expect_judged_by_its_route(&s, &plain, FX_XDP_REDIRECT);
}

/* `ip -6 rule add flowlabel LABEL table TABLE` (Linux 6.14; iproute2 6.1
 * has no such keyword): over rtnetlink. FRA_FLOWLABEL and its mask are
 * 26 and 27 in the kernel's enum, which the headers installed here
 * predate. */
#define SFW_FRA_FLOWLABEL 26
#define SFW_FRA_FLOWLABEL_MASK 27

static void nl_attr_be32(struct nlmsghdr *n, __u16 type, __u32 host)
{
	struct nlattr *a = (struct nlattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	__be32 v = htonl(host);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + sizeof(v);
	memcpy((char *)a + NLA_HDRLEN, &v, sizeof(v));
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void rule6_flowlabel(__u32 label, __u8 table)
{
	struct {
		struct nlmsghdr n;
		struct fib_rule_hdr r;
		char attrs[64];
	} req = { 0 };
	char buf[512];
	struct nlmsgerr *err;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ssize_t n;

	cr_assert_geq(fd, 0);
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(req.r));
	req.n.nlmsg_type = RTM_NEWRULE;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	req.r.family = AF_INET6;
	req.r.action = FR_ACT_TO_TBL;
	req.r.table = table;
	nl_attr_be32(&req.n, SFW_FRA_FLOWLABEL, label);
	nl_attr_be32(&req.n, SFW_FRA_FLOWLABEL_MASK, 0xfffff);
	cr_assert_eq(send(fd, &req, req.n.nlmsg_len, 0), (ssize_t)req.n.nlmsg_len);
	n = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	cr_assert_geq(n, (ssize_t)NLMSG_LENGTH(sizeof(*err)));
	err = NLMSG_DATA((struct nlmsghdr *)buf);
	cr_assert_eq(((struct nlmsghdr *)buf)->nlmsg_type, NLMSG_ERROR);
	cr_assert_eq(err->error, 0, "ip -6 rule flowlabel: %s", strerror(-err->error));
}

Test(route_judged, ipv6_flow_label_rule_into_another_zone_judged_by_its_route)
{
	struct pb_spec s = udp6(43003), plain = s;

	s.flow_label = 0x12345;
	sh(BY_FC_101 "true");
	rule6_flowlabel(0x12345, 101);
	expect_judged_by_its_route(&s, &plain, FX_XDP_REDIRECT);
}

/* The reverse-path check asks with the packet's ToS, as the kernel's
 * rp_filter does: a client whose replies a ToS rule sends back by dmz
 * is no trust host for that flow (sfw_fib_src_unrouted). */
Test(route_judged, reverse_path_asked_with_the_packets_tos)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 43004, 53), plain = s;
	struct pb_pkt in, out;

	s.tos = 0x10;
	sh("ip route add 198.51.100.0/24 dev fc table 102 && ip rule add tos 0x10 table 102");
	cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP);
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_ADDRESS_SPOOFING), 1,
		     "its replies would leave into dmz");
	cr_expect_eq(run_at(in_if, &plain, &in, &out), FX_XDP_REDIRECT, "unmarked: trust's");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_ADDRESS_SPOOFING), 1);
}

/* XDP's route cache holds an answer for a second when no one follows
 * the routes (bpf/route_cache.bpf.h); a first packet's route, which its
 * policy judges, is asked of the FIB whatever the cache holds
 * (sfw_xdp_route_fwd). A session to SERVER1 by fc (dmz, permitted then)
 * leaves the cache naming fc; the route back by fb and the session
 * expired, the flow's next first packet is judged by fb, trust ->
 * untrust, and leaves by fb, its session recording fb: not judged by
 * the cached fc (trust -> dmz, denied by now), nor sent there. */
Test(route_judged, first_packet_judged_by_the_fib_not_the_cache)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 43005, 53);
	struct pb_pkt in, out;
	struct sfw_session v;
	cpu_set_t one;

	/* the cache is per CPU, and so is a test run */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	commit(ZONES_FC_DMZ TRUST_OUT_ONLY TRUST_DMZ);
	sh("ip route add " SERVER1_ "/32 dev fc");
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(out.data[5], 0x33, "by fc");
	commit(ZONES_FC_DMZ TRUST_OUT_ONLY);
	fx_fib_watch_stop(true);
	sh("ip route del " SERVER1_ "/32 dev fc");
	cr_assert_eq(fx_age(&u, 3600), 0);
	cr_expect_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT, "by its route, fb");
	cr_expect_eq(out.data[5], 0x22, "by fb, not by the cached fc");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 0);
	cr_assert_eq(fx_session(&u, &v), 0);
	cr_expect_eq(v.wing[SFW_WING_OUT].ifindex, out_if, "judged by fb, untrust's");
}

/* A host session (its first packet met no route: judged trust ->
 * junos-host) whose packet a ToS rule now routes on to untrust ends, as
 * any that the stack would forward (docs/nat.md "Third review: R2"):
 * the answer "the host's", kept for the flow's unmarked packets
 * (bpf/host_route_cache.bpf.h), is not the marked packet's, whose query
 * differs in its ToS. No one follows the rule's change here, so only
 * the key tells them apart. */
Test(route_judged, host_session_answer_kept_per_tos)
{
	struct pb_spec u = udp(CLIENT_A, "192.0.2.99", 43006, 53), marked = u;
	struct pb_pkt in, out;

	commit(ZONES_FC_DMZ TRUST_OUT_ONLY
	       "set security policies from-zone trust to-zone junos-host policy h match source-address any destination-address any application any\n"
	       "set security policies from-zone trust to-zone junos-host policy h then permit\n");
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_PASS, "the host's: no route");
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_PASS, "the host's, kept");
	fx_fib_watch_stop(true);
	sh("ip route add 192.0.2.99/32 dev fb table 101 && ip rule add tos 0x10 table 101");
	marked.tos = 0x10;
	cr_expect_eq(run_at(in_if, &marked, &in, &out), FX_XDP_DROP,
		     "the stack would forward it into untrust");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* Review rvtos, F1: the stack routes a fragment, the first included,
 * without its ports (sfw_routed_by_ports). A port rule sends DNS to
 * SERVER1 by fb, everything else to it by fc (dmz): a first fragment of
 * a DNS datagram goes up to the stack, which sends it by fc, and is
 * judged so: trust -> dmz, denied. Before, it was judged with its port
 * (trust -> untrust) and opened a session the stack forwarded into
 * dmz. */
#define DNS_BY_FB_REST_BY_FC "ip route add " SERVER1_ "/32 dev fc && " \
			     "ip route add " SERVER1_ "/32 dev fb table 101 && " \
			     "ip rule add ipproto udp dport 53 table 101"

static struct pb_spec first_fragment(__u16 sport)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, sport, 53);

	s.payload = 64;
	s.more_frags = true;
	s.ip_id = sport;
	return s;
}

static void expect_fragment_judged_by_fc(const struct pb_spec *s)
{
	struct pb_pkt in, out;
	struct sfw_session v;

	cr_expect_eq(run_at(in_if, s, &in, &out), FX_XDP_DROP, "the stack routes it into dmz");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1, "judged trust -> dmz");
	cr_expect_eq(fx_session(s, &v), -ENOENT, "no session");
}

Test(route_judged, first_fragment_judged_without_its_ports)
{
	struct pb_spec s = first_fragment(43110), whole = udp(CLIENT_A, SERVER1, 43111, 53);
	struct pb_pkt in, out;

	sh(DNS_BY_FB_REST_BY_FC);
	cr_expect_eq(run_at(in_if, &whole, &in, &out), FX_XDP_REDIRECT, "whole: by its port rule");
	cr_expect_eq(out.data[5], 0x22, "by fb");
	expect_fragment_judged_by_fc(&s);
}

Test(route_judged, first_fragment_judged_without_its_ports_without_xdp_forwarding)
{
	struct pb_spec s = first_fragment(43112);

	nat_xdp_forwarding(false);
	sh(DNS_BY_FB_REST_BY_FC);
	expect_fragment_judged_by_fc(&s);
}

/* The other way round: the fragments' own route is fb (untrust), but a
 * port rule sends DNS by fc, which is where the stack sends the
 * datagram once netfilter's defragmentation has put it together: the
 * two routes leave into different zones, and the first fragment is
 * refused (sfw_xdp_frag_route_ok); a datagram without the rule's port
 * is not. */
Test(route_judged, first_fragment_refused_where_the_reassembled_datagram_goes_elsewhere)
{
	struct pb_spec s = first_fragment(43113), other = first_fragment(43114);
	struct pb_pkt in, out;
	struct sfw_session v;

	other.dport = 54;
	sh("ip route add " SERVER1_ "/32 dev fc table 101 && "
	   "ip rule add ipproto udp dport 53 table 101");
	cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP, "reassembled: into dmz");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(fx_session(&s, &v), -ENOENT, "no session");
	cr_expect_eq(run_at(in_if, &other, &in, &out), FX_XDP_PASS, "port 54: untrust both ways");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
}

/* Review rvtos, F2: ICMP has no ports where the kernel routes (its flow
 * dissector), while sfw's tuple carries an echo's id in their place. A
 * rule on source port 4660 is for UDP and TCP only to the kernel: an
 * echo request with id 4660 goes by the main table, fc (dmz), and is
 * judged so. Before, its id matched the rule (trust -> untrust), and
 * the stack sent it into dmz. */
Test(route_judged, icmp_judged_without_its_id)
{
	struct pb_spec s = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			     .icmp_type = 8, .icmp_id = 4660, .icmp_seq = 1 };
	struct pb_pkt in, out;

	nat_xdp_forwarding(false);
	sh("ip route add " SERVER1_ "/32 dev fc && "
	   "ip route add " SERVER1_ "/32 dev fb table 101 && ip rule add sport 4660 table 101");
	cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP, "the stack sends it into dmz");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1, "judged trust -> dmz");
}

/* Review rv2, F1: the kernel routes UDP-Lite, DCCP and ESP by their
 * header's first four bytes as ports (ESP's SPI), AH by its SPI
 * (proto_ports_offset), where sfw's tuple has no ports for them. A rule
 * on a destination port sends them by fc (dmz), as the stack forwards
 * them: judged so, trust -> dmz, denied. Before, they were judged without
 * ports, by fb, and permitted. The rule's port is read from the packet
 * as built: the bytes at `at` in its layer-4 header. */
static void expect_judged_by_route_ports(struct pb_spec *s, __u32 at)
{
	struct pb_pkt in, out;
	struct sfw_session v;
	char cmd[160];

	cr_assert_eq(pb_build(s, &in), 0);
	snprintf(cmd, sizeof(cmd),
		 "ip route add " SERVER1_ "/32 dev fc table 101 && ip rule add dport %u table 101",
		 (unsigned)(in.data[in.l4_off + at + 2] << 8 | in.data[in.l4_off + at + 3]));
	sh(cmd);
	cr_expect_eq(run_at(in_if, s, &in, &out), FX_XDP_DROP, "the stack sends it into dmz");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1, "judged trust -> dmz");
	cr_expect_eq(fx_session(s, &v), -ENOENT, "no session");
}

Test(route_judged, rv2_f1_udplite_judged_by_the_ports_the_kernel_routes_by)
{
	struct pb_spec s = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_UDPLITE,
			     .payload = 16 };

	nat_xdp_forwarding(false);
	expect_judged_by_route_ports(&s, 0);
}

Test(route_judged, rv2_f1_dccp_judged_by_the_ports_the_kernel_routes_by)
{
	struct pb_spec s = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_DCCP,
			     .payload = 16 };

	nat_xdp_forwarding(false);
	expect_judged_by_route_ports(&s, 0);
}

Test(route_judged, rv2_f1_esp_judged_by_its_spi)
{
	struct pb_spec s = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_ESP,
			     .payload = 16 };

	nat_xdp_forwarding(false);
	expect_judged_by_route_ports(&s, 0);
}

Test(route_judged, rv2_f1_ah_judged_by_its_spi)
{
	struct pb_spec s = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_AH,
			     .payload = 16 };

	nat_xdp_forwarding(false);
	expect_judged_by_route_ports(&s, 4);
}

/* With XDP forwarding on, a first packet whose neighbour is not
 * resolved goes up to the stack all the same (NO_NEIGH), by the route
 * its ports give it: judged by that route. */
Test(route_judged, rv2_f1_udplite_to_the_stack_with_xdp_forwarding)
{
	struct pb_spec s = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_UDPLITE,
			     .payload = 16 };

	sh("ip neigh del " SERVER1_ " dev fb");
	expect_judged_by_route_ports(&s, 0);
}

/* Review rv2, F2: where the reassembled datagram's route is an encap
 * route (its lookup names no egress: UNSUPP_LWT), the stack forwards it
 * by that route all the same: a first fragment is refused, as a whole
 * packet by such a route is (No route present). */
Test(route_judged, rv2_f2_first_fragment_refused_where_the_datagram_takes_an_encap_route)
{
	struct pb_spec s = first_fragment(43200), whole = udp(CLIENT_A, SERVER1, 43201, 53);
	struct pb_pkt in, out;
	struct sfw_session v;

	sh("ip route add " SERVER1_ "/32 encap ip6 dst fc00::9 dev fc table 101 && "
	   "ip rule add ipproto udp dport 53 table 101");
	cr_assert_eq(run_at(in_if, &whole, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_NO_ROUTE), 1, "whole: no egress to judge");
	cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP, "reassembled: by the encap route");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_expect_eq(fx_session(&s, &v), -ENOENT, "no session");
}

/* Review rv3, R1: the kernel's flow dissector reads no ports behind any
 * IPv6 Fragment header, an atomic fragment's (offset 0, M clear) too,
 * which sfw otherwise takes as a whole packet. A rule sends DNS to
 * SERVER6 by fb (untrust, permitted), the rest by fc (dmz): an atomic
 * fragment of a DNS datagram goes by fc, and is judged so (trust -> dmz,
 * denied); the same datagram without the header goes by fb. Before, the
 * atomic fragment was judged by its port and permitted into dmz. */
Test(route_judged, rv3_ipv6_atomic_fragment_judged_without_its_ports)
{
	struct pb_spec s = udp6(43300), whole = udp6(43301);
	struct pb_pkt in, out;
	struct sfw_session v;

	s.n_ext = 1;
	s.ext[0] = SFW_IPPROTO_FRAGMENT;
	nat_xdp_forwarding(false);
	sh("ip -6 route add " SERVER6 "/128 dev fc && "
	   "ip -6 route add " SERVER6 "/128 dev fb table 101 && "
	   "ip -6 rule add ipproto udp dport 53 table 101");
	cr_expect_eq(run_at(in_if, &whole, &in, &out), FX_XDP_PASS, "whole: by fb, untrust");
	cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP, "the stack sends it by fc");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1, "judged trust -> dmz");
	cr_expect_eq(fx_session(&s, &v), -ENOENT, "no session");
}
