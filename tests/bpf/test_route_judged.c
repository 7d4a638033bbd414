/* A first packet is judged by the route it takes (docs/security.md
 * "Routes and zone pairs"): policy routing by IPv4's ToS (`ip rule tos`),
 * IPv6's traffic class (`ip -6 rule tos`) or flow label (`ip -6 rule
 * flowlabel`, Linux 6.14) sends it by another egress than a query without
 * them names. Judged by that query, a packet a rule sends into dmz was
 * let through as trust -> untrust, a zone pair no policy of dmz's judged:
 * by XDP's forwarding (its route cache keys by them) and by the stack's
 * alike. And the packet that creates a session leaves into the zone its
 * policy judged even when XDP's route cache, a change not followed yet,
 * names another. The NAT fixture (tests/bpf/nat_fixture.h): fa in trust,
 * fb in untrust toward SERVER1, fc in dmz; trust -> untrust permitted,
 * everything else denied. */
#define _GNU_SOURCE   /* sched_getcpu */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"

#define ZONES "set security zones security-zone trust interfaces fa\n" \
	      "set security zones security-zone dmz interfaces fc\n" \
	      "set security zones security-zone untrust interfaces fb\n"
#define TRUST_UNTRUST "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n" \
		      "set security policies from-zone trust to-zone untrust policy out then permit\n" \
		      "set security policies default-policy deny-all\n"
#define TRUST_DMZ "set security policies from-zone trust to-zone dmz policy dmz match source-address any destination-address any application any\n" \
		  "set security policies from-zone trust to-zone dmz policy dmz then permit\n"
#define SERVER6 "2001:db8:2::2"
#define CLIENT6 "2001:db8:1::2"
/* literals, not nat_fixture.h's names: scripts/check-deps.py reads the
 * shell commands below with this file's own definitions only */
#define SERVER1_ "203.0.113.2"   /* SERVER1 */
/* SERVER1 and SERVER6 behind fc, in table 101 */
#define BY_FC_101 "ip route add " SERVER1_ "/32 dev fc table 101 && " \
		  "ip -6 route add " SERVER6 "/128 dev fc table 101 && "

static __u32 fc_if;

static void sh(const char *cmd)
{
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void setup(void)
{
	nat_setup();
	fc_if = veth_fc_up();
	sh("ip addr add 2001:db8:1::1/64 dev fa nodad && "
	   "ip addr add 2001:db8:2::1/64 dev fb nodad && "
	   "ip addr add 2001:db8:3::1/64 dev fc nodad && "
	   "ip neigh add " SERVER6 " lladdr 02:00:00:00:00:22 dev fb nud permanent && "
	   "ip neigh add " SERVER6 " lladdr 02:00:00:00:00:33 dev fc nud permanent && "
	   "ip neigh add " SERVER1_ " lladdr 02:00:00:00:00:33 dev fc nud permanent && "
	   "sysctl -qw net.ipv6.conf.all.forwarding=1");
	cr_assert_eq(fx_local_addrs_sync(), 0);
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, "sfw_tx_ports"), &fc_if, &fc_if,
					 BPF_ANY), 0);
	commit(ZONES TRUST_UNTRUST);
}

TestSuite(route_tos, .init = setup, .fini = suite_teardown);

static struct pb_spec udp6(__u16 sport)
{
	return (struct pb_spec){ .src = CLIENT6, .dst = SERVER6, .proto = SFW_IPPROTO_UDP,
				 .sport = sport, .dport = 53 };
}

static void xdp_forwarding_off(void)
{
	struct sfw_config cfg;

	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags & ~SFW_CFG_F_FORWARD), 0);
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

Test(route_tos, ipv4_tos_rule_into_another_zone_judged_by_its_route)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 43000, 53), plain = s;

	s.tos = 0x10;
	sh(BY_FC_101 "ip rule add tos 0x10 table 101");
	expect_judged_by_its_route(&s, &plain, FX_XDP_REDIRECT);
}

/* The stack forwards it: judged by the same query all the same. */
Test(route_tos, ipv4_tos_rule_judged_by_its_route_without_xdp_forwarding)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 43001, 53), plain = s;

	xdp_forwarding_off();
	s.tos = 0x10;
	sh(BY_FC_101 "ip rule add tos 0x10 table 101");
	expect_judged_by_its_route(&s, &plain, FX_XDP_PASS);
}

Test(route_tos, ipv6_traffic_class_rule_into_another_zone_judged_by_its_route)
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

Test(route_tos, ipv6_flow_label_rule_into_another_zone_judged_by_its_route)
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
Test(route_tos, reverse_path_asked_with_the_packets_tos)
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
 * the routes (bpf/route_cache.bpf.h); the policy asks the FIB itself.
 * A session to SERVER1 by fc (dmz, permitted then) leaves the cache
 * naming fc; the route back by fb and the session expired, the flow's
 * next first packet is judged trust -> untrust and must not leave by
 * the cached fc: its session records fb, and the packet is held to
 * untrust's interfaces as every later one is. */
Test(route_tos, first_packet_held_to_its_judged_zone_against_the_cache)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 43005, 53);
	struct pb_pkt in, out;
	struct sfw_session v;
	cpu_set_t one;

	/* the cache is per CPU, and so is a test run */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	commit(ZONES TRUST_UNTRUST TRUST_DMZ);
	sh("ip route add " SERVER1_ "/32 dev fc");
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(out.data[5], 0x33, "by fc");
	fx_fib_watch_stop(true);
	sh("ip route del " SERVER1_ "/32 dev fc");
	cr_assert_eq(fx_age(&u, 3600), 0);
	cr_expect_eq(run_at(in_if, &u, &in, &out), FX_XDP_DROP, "not into dmz by the cache");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
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
Test(route_tos, host_session_answer_kept_per_tos)
{
	struct pb_spec u = udp(CLIENT_A, "192.0.2.99", 43006, 53), marked = u;
	struct pb_pkt in, out;

	commit(ZONES TRUST_UNTRUST
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
