/* XDP forwarding (bpf/forward.bpf.h) in BPF_PROG_TEST_RUN, and the routes
 * of new sessions: their zone pair comes from the real egress interface.
 * The fixture's private namespace gets a veth pair: fa, where packets arrive
 * (198.51.100.1/24, 2001:db8:1::1/64), and fb, where they leave
 * (203.0.113.1/24, 2001:db8:2::1/64), with static neighbour entries for
 * the server so the FIB lookup answers SUCCESS. A test run does not send a
 * redirected frame: the verdict and the frame as the program left it are
 * what is checked. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "outcome.h"

#define FX_XDP_REDIRECT 4
#define CLIENT4 "198.51.100.2"
#define SERVER4 "203.0.113.2"
#define NOARP4 "203.0.113.3"     /* on fb's subnet, no neighbour entry */
#define CLIENT6 "2001:db8:1::2"
#define SERVER6 "2001:db8:2::2"

static const __u8 server_mac[6] = { 0x02, 0, 0, 0, 0, 0x22 };
static const __u8 client_mac[6] = { 0x02, 0, 0, 0, 0, 0x11 };
static __u32 in_if, out_if;

static int devmap_set(__u32 ifindex, bool on)
{
	int fd = fx_map_fd(false, "sfw_tx_ports");

	if (fd < 0)
		return fd;
	return (on ? bpf_map_update_elem(fd, &ifindex, &ifindex, BPF_ANY)
		   : bpf_map_delete_elem(fd, &ifindex)) ? -errno : 0;
}

static void forward_setup(void)
{
	suite_setup();
	cr_assert_eq(system("ip link add fa type veth peer name fb && ip link set fa up && "
			    "ip link set fb up && ip addr add 198.51.100.1/24 dev fa && "
			    "ip addr add 203.0.113.1/24 dev fb && "
			    "ip addr add 2001:db8:1::1/64 dev fa nodad && "
			    "ip addr add 2001:db8:2::1/64 dev fb nodad && "
			    "ip neigh add " SERVER4 " lladdr 02:00:00:00:00:22 dev fb nud permanent && "
			    "ip neigh add " SERVER6 " lladdr 02:00:00:00:00:22 dev fb nud permanent && "
			    "sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1"), 0,
		     "cannot build the veth pair");
	in_if = if_nametoindex("fa");
	out_if = if_nametoindex("fb");
	cr_assert(in_if && out_if);
	cr_assert_eq(fx_add_counters(in_if), 0);
	cr_assert_eq(fx_add_counters(out_if), 0);
	cr_assert_eq(devmap_set(out_if, true), 0);
	cr_assert_eq(fx_set_flags(SFW_CFG_F_FORWARD), 0);
}

TestSuite(forward, .init = forward_setup, .fini = suite_teardown);

/* Runs spec's frame arriving on `ifindex`; *out gets the frame as left. */
static int run_at(__u32 ifindex, const struct pb_spec *s, struct pb_pkt *in, struct pb_pkt *out)
{
	cr_assert_eq(pb_build(s, in), 0);
	*out = *in;
	return fx_xdp_frame_at(ifindex, in->data, in->len, out->data, &out->len);
}

static void mac_of(const char *ifname, __u8 mac[6])
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	cr_assert_eq(ioctl(fd, SIOCGIFHWADDR, &ifr), 0);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
}

Test(forward, ipv4_redirected_rewritten_counted)
{
	struct pb_spec s = { .src = CLIENT4, .dst = SERVER4, .proto = SFW_IPPROTO_UDP,
			     .sport = 40000, .dport = 53, .payload = 20 };
	struct pb_pkt in, out;
	struct sfw_session sess;
	__u8 fb_mac[6];

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	mac_of("fb", fb_mac);
	cr_assert_arr_eq(out.data, server_mac, 6, "destination MAC: the next hop's");
	cr_assert_arr_eq(out.data + 6, fb_mac, 6, "source MAC: the egress interface's");
	cr_assert_eq(out.data[in.l3_off + 8], 63, "TTL decremented");
	cr_assert_eq(pb_verify_csums(&out, &s), 0, "IPv4 header checksum updated");
	cr_assert_arr_eq(out.data + in.l3_off, in.data + in.l3_off, 8, "IP header before the TTL");
	cr_assert_arr_eq(out.data + in.l3_off + 12, in.data + in.l3_off + 12, in.len - in.l3_off - 12,
			 "addresses on: nothing else changed");
	GET_SESSION(&s, &sess);
	cr_assert(sess.flags & SFW_SESS_F_TRANSIT);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_TRANSIT_IN_PKTS), 1);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_TRANSIT_OUT_PKTS), 1,
		     "Transit output counted on the egress interface");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_TRANSIT_OUT_BYTES), in.l3_len);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_OUT_PERMITTED_BYTES), in.l3_len);
}

/* The incremental update against a full recomputation, over TTLs and
 * header checksums: every IP id whose checksum word, as the program reads
 * it, makes the sum wrap (the end-around carry), and a sample of the rest. */
Test(forward, ipv4_checksum_over_many_headers)
{
	struct pb_spec s = { .src = CLIENT4, .dst = SERVER4, .proto = SFW_IPPROTO_UDP,
			     .sport = 40001, .dport = 53 };
	static const __u8 ttls[] = { 2, 64, 128, 255 };
	struct pb_pkt in, out;
	__u32 carries = 0;

	for (size_t t = 0; t < sizeof(ttls); t++) {
		for (__u32 id = 0; id < 65536; id++) {
			__u16 check;

			s.ttl = ttls[t];
			s.ip_id = (__u16)id;
			cr_assert_eq(pb_build(&s, &in), 0);
			memcpy(&check, in.data + in.l3_off + 10, 2);
			if (check < 0xFFFE && id % 97)
				continue;
			carries += check >= 0xFFFE;
			cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
			cr_assert_eq(out.data[in.l3_off + 8], ttls[t] - 1);
			cr_assert_eq(pb_verify_csums(&out, &s), 0, "ttl %u id %u", ttls[t], id);
		}
	}
	cr_assert_gt(carries, 0, "no header hit the carry");
}

Test(forward, ipv6_hop_limit)
{
	struct pb_spec s = { .src = CLIENT6, .dst = SERVER6, .proto = SFW_IPPROTO_TCP,
			     .sport = 40002, .dport = 443, .tcp_flags = SFW_TCP_SYN, .seq = 1 };
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_arr_eq(out.data, server_mac, 6);
	cr_assert_eq(out.data[in.l3_off + 7], 63, "hop limit decremented");
	cr_assert_eq(pb_verify_csums(&out, &s), 0);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_TRANSIT_OUT_PKTS), 1);
}

/* What the stack must handle goes up unchanged, still permitted. */
static void expect_pass_unchanged(const struct pb_spec *s)
{
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, s, &in, &out), FX_XDP_PASS);
	cr_assert_eq(out.len, in.len);
	cr_assert_arr_eq(out.data, in.data, in.len, "frame untouched");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_TRANSIT_OUT_PKTS), 0,
		     "not counted at egress: tc will, when the stack sends it");
}

Test(forward, ttl_one_goes_to_the_stack)
{
	struct pb_spec s = { .src = CLIENT4, .dst = SERVER4, .proto = SFW_IPPROTO_UDP,
			     .sport = 40003, .dport = 53, .ttl = 1 };

	expect_pass_unchanged(&s);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 1);
}

Test(forward, unknown_neighbour_goes_to_the_stack)
{
	struct pb_spec s = { .src = CLIENT4, .dst = NOARP4, .proto = SFW_IPPROTO_UDP,
			     .sport = 40004, .dport = 53 };
	struct sfw_session sess;

	expect_pass_unchanged(&s);
	GET_SESSION(&s, &sess);
	cr_assert(sess.flags & SFW_SESS_F_TRANSIT);
}

Test(forward, egress_not_redirect_capable_goes_to_the_stack)
{
	struct pb_spec s = { .src = CLIENT4, .dst = SERVER4, .proto = SFW_IPPROTO_UDP,
			     .sport = 40005, .dport = 53 };

	cr_assert_eq(devmap_set(out_if, false), 0);
	expect_pass_unchanged(&s);
}

Test(forward, off_by_default_and_when_disabled)
{
	struct pb_spec s = { .src = CLIENT4, .dst = SERVER4, .proto = SFW_IPPROTO_UDP,
			     .sport = 40006, .dport = 53 };
	struct sfw_config defaults;

	sfw_config_defaults(&defaults);
	cr_assert_not(defaults.flags & SFW_CFG_F_FORWARD);
	cr_assert_eq(fx_set_flags(0), 0);
	expect_pass_unchanged(&s);
}

Test(forward, vlan_tagged_goes_to_the_stack)
{
	struct pb_spec s = { .nvlan = 1, .vlan_id = { 10 }, .src = CLIENT4, .dst = SERVER4,
			     .proto = SFW_IPPROTO_UDP, .sport = 40007, .dport = 53 };

	expect_pass_unchanged(&s);
}

/* A route that turns discarding under a running session. */
Test(forward, discarding_route_is_no_route_present)
{
	struct pb_spec s = { .src = CLIENT4, .dst = SERVER4, .proto = SFW_IPPROTO_UDP,
			     .sport = 40008, .dport = 53 };
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(system("ip route add unreachable " SERVER4 "/32"), 0);
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_NO_ROUTE), 1);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 1, "one outcome each");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_TRANSIT_IN_PKTS), 1);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_TRANSIT_OUT_PKTS), 1);
}

/* The reply arrives on the egress interface and leaves through fa. */
Test(forward, reply_forwarded_back)
{
	struct pb_spec q = { .src = CLIENT4, .dst = SERVER4, .proto = SFW_IPPROTO_UDP,
			     .sport = 40009, .dport = 53 };
	struct pb_spec a = pb_reverse(&q);
	struct pb_pkt in, out;
	struct sfw_session sess;

	cr_assert_eq(system("ip neigh add " CLIENT4 " lladdr 02:00:00:00:00:11 dev fa "
			    "nud permanent"), 0);
	cr_assert_eq(devmap_set(in_if, true), 0);
	cr_assert_eq(run_at(in_if, &q, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &a, &in, &out), FX_XDP_REDIRECT);
	cr_assert_arr_eq(out.data, client_mac, 6);
	cr_assert_eq(out.data[in.l3_off + 8], 63);
	GET_SESSION(&q, &sess);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, 1);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_TRANSIT_OUT_PKTS), 1);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_TRANSIT_IN_PKTS), 1);
}

/* Fragments, first and later alike, go to the stack unchanged (one path
 * for the whole datagram), while the flow's whole packets take XDP. */
static void fragments_to_the_stack(const char *cli, const char *srv)
{
	struct pb_spec s = { .src = cli, .dst = srv, .proto = SFW_IPPROTO_UDP, .sport = 40010,
			     .dport = 53, .payload = 3000, .ip_id = 77, .frag_id = 77 };
	struct pb_spec whole = s;
	struct pb_pkt f[4], out, in;
	struct sfw_session sess;
	int n = pb_fragment(&s, 1448, f, 4);

	cr_assert_eq(n, 3);
	for (int i = 0; i < n; i++) {
		out = f[i];
		cr_assert_eq(fx_xdp_frame_at(in_if, f[i].data, f[i].len, out.data, &out.len),
			     FX_XDP_PASS, "fragment %d", i);
		cr_assert_arr_eq(out.data, f[i].data, f[i].len, "fragment %d untouched", i);
	}
	GET_SESSION(&s, &sess);
	cr_assert(sess.flags & SFW_SESS_F_TRANSIT);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, n);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_TRANSIT_IN_PKTS), n);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_TRANSIT_OUT_PKTS), 0, "tc counts them");
	whole.payload = 100;
	cr_assert_eq(run_at(in_if, &whole, &in, &out), FX_XDP_REDIRECT, "a whole packet");
}

Test(forward, ipv4_fragments_go_to_the_stack) { fragments_to_the_stack(CLIENT4, SERVER4); }
Test(forward, ipv6_fragments_go_to_the_stack) { fragments_to_the_stack(CLIENT6, SERVER6); }

/* ---- a new session's zone pair comes from its real egress ---------------
 * fa is in zone trust, fb in untrust; trust may talk to trust only. The
 * route lookup must name fb for everything bound there, whatever the
 * size of the first packet or the kind of route, or answer No route
 * present; never fa (docs/security.md, "Routes and zone pairs"). */
#define ZONES \
	"set security zones security-zone trust interfaces fa\n" \
	"set security zones security-zone untrust interfaces fb\n" \
	"set security policies from-zone trust to-zone trust policy intra match source-address any destination-address any application any\n" \
	"set security policies from-zone trust to-zone trust policy intra then permit\n" \
	"set security policies default-policy deny-all\n"
#define TRUST_TO_UNTRUST \
	"set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n" \
	"set security policies from-zone trust to-zone untrust policy out then permit\n"

/* UDP from the client, l3_len bytes in all. */
static struct pb_spec udp_sized(bool v6, const char *dst, __u16 sport, __u16 l3_len)
{
	return (struct pb_spec){ .src = v6 ? CLIENT6 : CLIENT4, .dst = dst,
				 .proto = SFW_IPPROTO_UDP, .sport = sport, .dport = 5000,
				 .payload = (__u16)(l3_len - (v6 ? 48 : 28)) };
}

/* 1528 bytes over fb's 1400 (from a 9000-byte network, say): the lookup
 * says FRAG_NEEDED before it names the egress, unless it is not asked
 * about the size; and smaller packets as well. */
Test(forward, first_packet_over_egress_mtu_judged_by_egress_zone)
{
	static const __u16 sizes[] = { 1528, 100 };
	struct pb_pkt in, out;

	cr_assert_eq(system("ip link set fb mtu 1400"), 0);
	commit(ZONES);
	for (int v6 = 0; v6 < 2; v6++)
		for (int i = 0; i < 2; i++) {
			struct pb_spec s = udp_sized(v6, v6 ? SERVER6 : SERVER4,
						     (__u16)(41000 + v6 * 2 + i), sizes[i]);

			cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP,
				     "%u bytes, IPv%d: trust to untrust is not permitted",
				     sizes[i], v6 ? 6 : 4);
			ASSERT_NO_SESSION(&s);
		}
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 4);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 0);
	cr_assert_eq(outcomes_at(in_if), 4, "one outcome per packet");
}

/* Permitted, the big first packet opens its session on the real egress
 * and goes to the stack, which fragments it or answers "too big"; the
 * session's packets that fit are forwarded in XDP. */
Test(forward, first_packet_over_egress_mtu_permitted_goes_to_the_stack)
{
	struct pb_spec big = udp_sized(false, SERVER4, 41010, 1528);
	struct pb_spec small = udp_sized(false, SERVER4, 41010, 100);
	struct pb_pkt in, out;
	struct sfw_session sess;

	cr_assert_eq(system("ip link set fb mtu 1400"), 0);
	commit(ZONES TRUST_TO_UNTRUST);
	cr_assert_eq(run_at(in_if, &big, &in, &out), FX_XDP_PASS);
	cr_assert_eq(out.len, in.len);
	cr_assert_arr_eq(out.data, in.data, in.len, "to the stack untouched");
	GET_SESSION(&big, &sess);
	cr_assert(sess.flags & SFW_SESS_F_TRANSIT);
	cr_assert_eq(sess.wing[SFW_WING_OUT].ifindex, out_if, "replies expected on fb");
	cr_assert_eq(run_at(in_if, &small, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 2);
	cr_assert_eq(outcomes_at(in_if), 2, "one outcome per packet");
}

/* A route with lightweight-tunnel encapsulation: the lookup answers
 * UNSUPP_LWT without naming the egress. Unknown is refused. (IP tunnel
 * encaps, which every kernel with IP tunnels has: SRv6's may not be
 * built.) */
Test(forward, route_without_a_known_egress_fails_closed)
{
	struct pb_spec v4 = udp_sized(false, "203.0.113.200", 41020, 100);
	struct pb_spec v6 = udp_sized(true, "2001:db8:9::2", 41021, 100);
	struct pb_pkt in, out;

	cr_assert_eq(system("ip route add 203.0.113.128/25 encap ip id 1 dst 203.0.113.9 dev fb && "
			    "ip -6 route add 2001:db8:9::/64 encap ip6 id 1 dst 2001:db8:2::5 dev fb"),
		     0, "routes with encapsulation");
	commit(ZONES);
	cr_assert_eq(run_at(in_if, &v4, &in, &out), FX_XDP_DROP);
	cr_assert_eq(run_at(in_if, &v6, &in, &out), FX_XDP_DROP);
	ASSERT_NO_SESSION(&v4);
	ASSERT_NO_SESSION(&v6);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_NO_ROUTE), 2);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 0);
	cr_assert_eq(outcomes_at(in_if), 2, "one outcome per packet");
}

/* Neighbour discovery between global addresses is the link's own only
 * when it is for this host: one the host would forward is not what it
 * claims (a router never forwards ND), so deny-all refuses it. */
Test(forward, global_nd_only_for_this_host)
{
	struct pb_spec ns = { .src = CLIENT6, .dst = SERVER6, .proto = SFW_IPPROTO_ICMP6,
			      .icmp_type = 135, .ttl = 255, .payload = 16 };
	struct pb_pkt in, out;

	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
	cr_assert_eq(run_at(in_if, &ns, &in, &out), FX_XDP_DROP, "to a host behind fb");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	ns.dst = "2001:db8:1::1";   /* fa's own address */
	cr_assert_eq(run_at(in_if, &ns, &in, &out), FX_XDP_PASS, "to this host");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_UNTRACKED_PKTS), 1);
	ASSERT_NO_SESSION(&ns);
}
