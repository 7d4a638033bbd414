/* A flow XDP opened as a host session (to-zone junos-host) while the
 * route led nowhere else (forwarding off, or no route to its destination)
 * must not be forwarded under that session once the stack can forward it
 * (docs/nat.md "Third review: R2"): the opener's packets the stack
 * forwards are refused at tc egress under Invalid zone received packet
 * and the session is ended, so the next one opens through the route, the
 * policy and NAT; the other side's packets are refused at XDP, where the
 * host's own answers never arrive. The fixture's namespace gets a veth
 * pair as in test_nat.c: fa (198.51.100.1/24, zone trust), fb
 * (203.0.113.1/24, zone untrust). */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include "commit.h"

#define FX_XDP_REDIRECT 4
#define CLIENT "198.51.100.2"
#define SERVER "203.0.113.2"
#define FB_ADDR "203.0.113.1"
#define FAR "192.0.2.50"        /* no route until a test adds one */

static __u32 in_if, out_if;

#define ZONES \
	"set security zones security-zone trust interfaces fa\n" \
	"set security zones security-zone untrust interfaces fb\n" \
	"set security policies from-zone trust to-zone junos-host policy h match source-address any destination-address any application any\n" \
	"set security policies from-zone trust to-zone junos-host policy h then permit\n" \
	"set security policies default-policy deny-all\n"

#define OUT_PERMITTED \
	"set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n" \
	"set security policies from-zone trust to-zone untrust policy out then permit\n"

#define SNAT \
	"set security nat source rule-set RS from zone trust\n" \
	"set security nat source rule-set RS to zone untrust\n" \
	"set security nat source rule-set RS rule R1 match source-address 198.51.100.0/24\n" \
	"set security nat source rule-set RS rule R1 then source-nat interface\n"

static void forwarding(int on)
{
	cr_assert_eq(system(on ? "sysctl -qw net.ipv4.ip_forward=1" :
			    "sysctl -qw net.ipv4.ip_forward=0"), 0);
}

/* Forwarding starts off: the client's first packets become host sessions. */
static void host_setup(void)
{
	suite_setup();
	cr_assert_eq(system("ip link add fa type veth peer name fb && ip link set fa up && "
			    "ip link set fb up && ip addr add 198.51.100.1/24 dev fa && "
			    "ip addr add " FB_ADDR "/24 dev fb && "
			    "ip neigh add " SERVER " lladdr 02:00:00:00:00:22 dev fb nud permanent && "
			    "ip neigh add " CLIENT " lladdr 02:00:00:00:00:11 dev fa nud permanent && "
			    "sysctl -qw net.ipv4.ip_forward=0"), 0, "cannot build the veth pair");
	in_if = if_nametoindex("fa");
	out_if = if_nametoindex("fb");
	cr_assert(in_if && out_if);
	cr_assert_eq(fx_add_counters(in_if), 0);
	cr_assert_eq(fx_add_counters(out_if), 0);
	for (int i = 0; i < 2; i++) {
		__u32 ifindex = i ? out_if : in_if;

		cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, "sfw_tx_ports"), &ifindex,
						 &ifindex, BPF_ANY), 0);
	}
	cr_assert_eq(fx_set_flags(SFW_CFG_F_FORWARD), 0);
}

TestSuite(host_session, .init = host_setup, .fini = suite_teardown);

static struct pb_spec udp(const char *src, const char *dst, __u16 sport, __u16 dport)
{
	return (struct pb_spec){ .src = src, .dst = dst, .proto = SFW_IPPROTO_UDP,
				 .sport = sport, .dport = dport, .payload = 20 };
}

static int run_at(__u32 ifindex, const struct pb_spec *s, struct pb_pkt *out)
{
	struct pb_pkt in;

	cr_assert_eq(pb_build(s, &in), 0);
	*out = in;
	return fx_xdp_frame_at(ifindex, in.data, in.len, out->data, &out->len);
}

/* Runs a frame forwarded from in_ifindex (0: the host's own) through
 * the tc egress of interface egress. */
static int tc_at(__u32 egress, __u32 in_ifindex, const struct pb_pkt *in, struct pb_pkt *out)
{
	struct __sk_buff skb = { .ifindex = egress, .ingress_ifindex = in_ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = in->data, .data_size_in = in->len,
		    .data_out = out->data, .data_size_out = PB_MAX, .ctx_in = &skb,
		    .ctx_size_in = sizeof(skb));

	*out = *in;
	cr_assert_eq(bpf_prog_test_run_opts(fx_tc_prog_fd(), &t), 0);
	out->len = t.data_size_out;
	return (int)t.retval;
}

/* Runs a frame forwarded from in_ifindex through fb's tc egress. */
static int tc_at_fb(__u32 in_ifindex, const struct pb_pkt *in, struct pb_pkt *out)
{
	return tc_at(out_if, in_ifindex, in, out);
}

static __u32 src_at(const struct pb_pkt *p)
{
	__u32 a;

	memcpy(&a, p->data + p->l3_off + 12, 4);
	return a;
}

static __u32 a4(const char *s)
{
	__u32 a;

	cr_assert_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* The client's first packet while forwarding is off: a host session. */
static void open_host_session(const struct pb_spec *c)
{
	struct sfw_session s;
	struct pb_pkt up;

	cr_assert_eq(run_at(in_if, c, &up), FX_XDP_PASS);
	GET_SESSION(c, &s);
	cr_assert_not(s.flags & (SFW_SESS_F_TRANSIT | SFW_SESS_F_LOCAL | SFW_SESS_F_NAT),
		      "judged for the host");
}

/* An outside server answering a host session once forwarding is on: the
 * host's own answers never come in from the wire, so this one is the
 * server's, which the stack would forward to the client past the
 * untrust-to-trust policy. Refused at XDP, with or without NAT. */
Test(host_session, server_packet_on_host_session_refused_at_xdp)
{
	struct pb_spec c = udp(CLIENT, SERVER, 40000, 53);
	struct pb_spec r = udp(SERVER, CLIENT, 53, 40000);
	struct pb_pkt out;

	commit(ZONES);
	open_host_session(&c);
	forwarding(1);
	cr_assert_eq(run_at(out_if, &r, &out), FX_XDP_DROP, "not forwarded to the client");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_PERMITTED_PKTS), 0);
}

/* With source NAT committed, tc looks up every forwarded packet's
 * session: the client's packet the stack now forwards meets the host
 * session, is refused and ends it; the next one opens a transit session
 * through the trust-to-untrust policy and leaves translated. */
Test(host_session, forwarded_opener_refused_and_reopened_translated)
{
	struct pb_spec c = udp(CLIENT, SERVER, 40001, 53);
	struct sfw_session s;
	struct pb_pkt up, out;

	commit(ZONES OUT_PERMITTED SNAT);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	open_host_session(&c);
	/* passed by XDP while the host did not forward, forwarded by the
	 * stack once it does (XDP refuses the next ones itself:
	 * tests/bpf/test_rv28.c rv28_host/rv29_f1_*) */
	cr_assert_eq(run_at(in_if, &c, &up), FX_XDP_PASS, "the host's: forwarding off");
	forwarding(1);
	cr_assert_eq(tc_at_fb(in_if, &up, &out), FX_TC_SHOT, "not sent untranslated");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	ASSERT_NO_SESSION(&c);

	cr_assert_eq(run_at(in_if, &c, &out), FX_XDP_REDIRECT);
	cr_assert_eq(src_at(&out), a4(FB_ADDR), "translated");
	GET_SESSION(&c, &s);
	cr_assert(s.flags & SFW_SESS_F_TRANSIT);
	cr_assert(s.flags & SFW_SESS_F_NAT);
}

/* Forwarding turned on, the client's next packet meets XDP first:
 * refused there, before the stack and its NAT (review rv29, F1), the
 * host session ended; the one after opens translated. Red without
 * sfw_xdp_host_in_routed: passed up under the host session. */
Test(host_session, opener_refused_at_xdp_once_forwarded_then_translated)
{
	struct pb_spec c = udp(CLIENT, SERVER, 40005, 53);
	struct pb_pkt up, out;

	commit(ZONES OUT_PERMITTED SNAT);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	open_host_session(&c);
	forwarding(1);
	cr_assert_eq(run_at(in_if, &c, &up), FX_XDP_DROP, "went up under the host session");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	ASSERT_NO_SESSION(&c);
	cr_assert_eq(run_at(in_if, &c, &out), FX_XDP_REDIRECT);
	cr_assert_eq(src_at(&out), a4(FB_ADDR), "translated");
}

/* The same when the route was missing (forwarding on): NOT_FWDED made a
 * host session; the route appears; the client's forwarded packet is
 * refused and, with no trust-to-untrust policy, the next one is denied. */
Test(host_session, route_added_later_opener_refused_then_denied)
{
	struct pb_spec c = udp(CLIENT, FAR, 40002, 53);
	struct pb_pkt up, out;

	forwarding(1);
	commit(ZONES SNAT);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	open_host_session(&c);
	cr_assert_eq(run_at(in_if, &c, &up), FX_XDP_PASS, "the host's: no route yet");
	cr_assert_eq(system("ip route add " FAR "/32 dev fb && "
			    "ip neigh add " FAR " lladdr 02:00:00:00:00:33 dev fb nud permanent"), 0);
	cr_assert_eq(tc_at_fb(in_if, &up, &out), FX_TC_SHOT);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	ASSERT_NO_SESSION(&c);
	cr_assert_eq(run_at(in_if, &c, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1);
}

/* Forwarded from an interface sfw is not attached to (fa detached while
 * the session lives), tc tracks the packet itself: the host session it
 * meets is ended there too, without NAT. */
Test(host_session, forwarded_from_unattached_opener_refused)
{
	struct pb_spec c = udp(CLIENT, SERVER, 40003, 53);
	struct pb_pkt in, out;

	commit(ZONES OUT_PERMITTED);
	open_host_session(&c);
	forwarding(1);
	cr_assert_eq(pb_build(&c, &in), 0);
	cr_assert_eq(tc_at_fb(in_if, &in, &out), FX_TC_SHOT);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	ASSERT_NO_SESSION(&c);
	/* the next opens a transit session, through trust to untrust */
	cr_assert_eq(tc_at_fb(in_if, &in, &out), FX_TC_OK);
	struct sfw_session s;

	GET_SESSION(&c, &s);
	cr_assert(s.flags & SFW_SESS_F_TRANSIT);
}

/* What stays: the host's own answer to a host session (tc, not
 * forwarded), and a packet the host sends from a host session's address
 * on behalf of a forwarded one (a tunnel's outer header keeps the inner
 * packet's ingress: xfrm) leave as before. */
Test(host_session, host_answers_and_tunnel_outer_packets_pass)
{
	struct pb_spec c = udp(SERVER, FB_ADDR, 4500, 4500);
	struct pb_spec a = udp(FB_ADDR, SERVER, 4500, 4500);
	struct pb_pkt in, out;

	commit(ZONES SNAT
	       "set security policies from-zone untrust to-zone junos-host policy h then permit\n"
	       "set security policies from-zone untrust to-zone junos-host policy h match source-address any destination-address any application any\n");
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	forwarding(1);
	cr_assert_eq(run_at(out_if, &c, &out), FX_XDP_PASS, "the peer's to the host");
	cr_assert_eq(pb_build(&a, &in), 0);
	cr_assert_eq(tc_at_fb(0, &in, &out), FX_TC_OK, "the host's answer");
	cr_assert_eq(tc_at_fb(in_if, &in, &out), FX_TC_OK, "an outer header of forwarded traffic");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 0);
	cr_assert_eq(run_at(out_if, &c, &out), FX_XDP_PASS, "the session lives");
}

/* The client's own fragmented datagram on the host session, forwarded
 * once the stack can: a later fragment ahead of its first is refused, the
 * first is refused and ends the session, and the later ones after it
 * find no record and are refused too (the zone pair has source NAT
 * rules): none leaves untranslated. */
Test(host_session, forwarded_fragments_of_opener_not_sent_untranslated)
{
	struct pb_spec c = udp(CLIENT, SERVER, 40004, 53);
	struct pb_spec big = c;
	struct pb_pkt fr[4], up, out;
	int n;

	commit(ZONES OUT_PERMITTED SNAT);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	open_host_session(&c);
	big.payload = 1200;
	big.ip_id = 77;
	n = pb_fragment(&big, 512, fr, 4);
	cr_assert_eq(n, 3);
	/* up while the host did not forward; forwarded once it does */
	for (int i = 0; i < n; i++) {
		up = fr[i];
		cr_assert_eq(fx_xdp_frame_at(in_if, fr[i].data, fr[i].len, up.data, &up.len),
			     FX_XDP_PASS, "fragment %d goes up", i);
	}
	forwarding(1);
	cr_assert_eq(tc_at_fb(in_if, &fr[2], &out), FX_TC_SHOT, "the last, ahead of the first");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	cr_assert_eq(tc_at_fb(in_if, &fr[0], &out), FX_TC_SHOT, "the first");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 2);
	ASSERT_NO_SESSION(&c);
	cr_assert_eq(tc_at_fb(in_if, &fr[1], &out), FX_TC_SHOT, "the middle, after the first");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
}

/* An ICMP error about the opener's packet, from the wire once forwarding
 * is on: the host took that packet, so no one beyond it saw it; the stack
 * would forward the error to the client. Refused under Invalid zone
 * received packet. The host's own error about it (tc, not forwarded)
 * stays related. */
Test(host_session, error_about_opener_packet_from_the_wire_refused)
{
	struct pb_spec c = udp(CLIENT, SERVER, 40005, 53);
	struct pb_spec err = { .src = SERVER, .dst = CLIENT, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = 3, .icmp_code = 3, .inner = &c };
	struct pb_spec own = err;
	struct pb_pkt in, out;

	commit(ZONES);
	open_host_session(&c);
	forwarding(1);
	cr_assert_eq(run_at(out_if, &err, &out), FX_XDP_DROP, "not forwarded to the client");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INVALID_ZONE), 1);
	own.src = "198.51.100.1";   /* the host's answer from fa's address */
	cr_assert_eq(pb_build(&own, &in), 0);
	cr_assert_eq(tc_at(in_if, 0, &in, &out), FX_TC_OK, "the host's own error, to the client");
	/* and only toward the client's zone (review rvred, F4) */
	cr_assert_eq(tc_at_fb(0, &in, &out), FX_TC_SHOT, "the host's own error, into untrust");
}
