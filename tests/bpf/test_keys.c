/* Session keys: every protocol family and encapsulation sfw parses opens
 * one session under the normalised key, and the reply finds the same
 * session and is counted on the Out wing. */
#include <arpa/inet.h>
#include "suite.h"

TestSuite(keys, .init = suite_setup, .fini = suite_teardown);

/* Opens a session with fwd at XDP, answers with rev, and checks the key,
 * the defaults recorded at creation and both wings. */
static void open_and_reply(const struct pb_spec *fwd, const struct pb_spec *rev,
			   __u32 timeout)
{
	struct sfw_session_key kf, kr;
	struct sfw_session s1, s2;
	struct pb_pkt pf, pr;
	bool fwd_lo = fx_key(fwd, &kf);

	fx_key(rev, &kr);
	cr_assert_eq(memcmp(&kf, &kr, sizeof(kf)), 0, "both directions must share a key");
	cr_assert_eq(pb_build(fwd, &pf), 0);
	cr_assert_eq(pb_build(rev, &pr), 0);

	cr_assert_eq(fx_xdp(fwd), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 1);
	GET_SESSION(fwd, &s1);
	cr_assert_neq(s1.id, 0);
	cr_assert_eq(s1.state, SFW_SESS_VALID);
	cr_assert_eq(s1.timeout_s, timeout);
	cr_assert_eq(s1.policy_id, SFW_POLICY_ID_DEFAULT_PERMIT);
	cr_assert_eq(!!(s1.flags & SFW_SESS_F_OPENER_LO), fwd_lo);
	cr_assert_eq(s1.flags & (SFW_SESS_F_LOCAL | SFW_SESS_F_TRANSIT), 0,
		     "XDP sessions to this host are neither host-opened nor transit");
	cr_assert_eq(s1.wing[SFW_WING_IN].packets, 1);
	cr_assert_eq(s1.wing[SFW_WING_IN].bytes, pf.l3_len);
	cr_assert_eq(s1.wing[SFW_WING_IN].ifindex, FX_IFINDEX);
	cr_assert_eq(s1.wing[SFW_WING_OUT].packets, 0);
	cr_assert_neq(s1.created_s, 0);
	cr_assert_eq(s1.created_s, s1.last_seen_s);

	cr_assert_eq(fx_xdp(rev), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 1, "the reply must not open a session");
	GET_SESSION(rev, &s2);
	cr_assert_eq(s2.id, s1.id);
	cr_assert_eq(s2.wing[SFW_WING_IN].packets, 1);
	cr_assert_eq(s2.wing[SFW_WING_OUT].packets, 1);
	cr_assert_eq(s2.wing[SFW_WING_OUT].bytes, pr.l3_len);
	cr_assert_geq(s2.last_seen_s, s1.last_seen_s);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 2);
	cr_assert_eq(fx_counter(SFW_CNT_IN_CONNECTIONS), 1);
}

static void tcp_open(const char *cli, const char *srv, __u8 nvlan, __u8 n_ext,
		     const __u8 *ext)
{
	struct pb_spec syn = {
		.src = cli, .dst = srv, .proto = SFW_IPPROTO_TCP, .sport = 40000, .dport = 443,
		.tcp_flags = SFW_TCP_SYN, .seq = 1000, .tcp_opts = 4, .nvlan = nvlan,
		.vlan_id = { 100, 200 }, .n_ext = n_ext,
	};
	struct pb_spec synack;

	if (n_ext)   /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(syn.ext, ext, n_ext);
	synack = pb_reverse(&syn);
	synack.tcp_flags = SFW_TCP_SYN | SFW_TCP_ACK;
	synack.seq = 5000;
	synack.ack = 1001;
	open_and_reply(&syn, &synack, 20);
}

Test(keys, tcp4) { tcp_open(CLI4, SRV4, 0, 0, NULL); }
Test(keys, tcp6) { tcp_open(CLI6, SRV6, 0, 0, NULL); }
Test(keys, tcp4_vlan) { tcp_open(CLI4, SRV4, 1, 0, NULL); }
Test(keys, tcp6_qinq) { tcp_open(CLI6, SRV6, 2, 0, NULL); }

Test(keys, tcp6_extension_headers)
{
	const __u8 ext[] = { SFW_IPPROTO_HOPOPTS, SFW_IPPROTO_ROUTING, SFW_IPPROTO_DSTOPTS };

	tcp_open(CLI6, SRV6, 0, sizeof(ext), ext);
}

/* The opener on the key's hi side: the flag, not the key, says who opened. */
Test(keys, tcp4_opener_hi)
{
	struct sfw_session_key k;

	cr_assert_not(fx_key(&(struct pb_spec){ .src = OTH4, .dst = CLI4 }, &k));
	tcp_open(OTH4, CLI4, 0, 0, NULL);
}

static void ports_open(const char *cli, const char *srv, __u8 proto, __u32 timeout)
{
	struct pb_spec fwd = {
		.src = cli, .dst = srv, .proto = proto, .sport = 5353, .dport = 53, .payload = 32,
	};
	struct pb_spec rev = pb_reverse(&fwd);

	rev.payload = 100;
	open_and_reply(&fwd, &rev, timeout);
}

Test(keys, udp4) { ports_open(CLI4, SRV4, SFW_IPPROTO_UDP, 60); }
Test(keys, udp6) { ports_open(CLI6, SRV6, SFW_IPPROTO_UDP, 60); }
Test(keys, sctp4) { ports_open(CLI4, SRV4, SFW_IPPROTO_SCTP, 1800); }
Test(keys, sctp6) { ports_open(CLI6, SRV6, SFW_IPPROTO_SCTP, 1800); }

/* The first fragment carries the ports, so it is keyed like any packet. */
Test(keys, udp6_first_fragment)
{
	struct pb_spec fwd = {
		.src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP, .sport = 5353, .dport = 53,
		.n_ext = 1, .ext = { SFW_IPPROTO_FRAGMENT }, .more_frags = true, .payload = 200,
	};
	struct pb_spec rev = pb_reverse(&fwd);

	rev.n_ext = 0;
	open_and_reply(&fwd, &rev, 60);
}

Test(keys, udp4_options_and_first_fragment)
{
	struct pb_spec fwd = {
		.src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP, .sport = 5353, .dport = 53,
		.ip_opts = 12, .more_frags = true, .payload = 200,
	};
	struct pb_spec rev = pb_reverse(&fwd);

	open_and_reply(&fwd, &rev, 60);
}

static void addr_only_open(const char *cli, const char *srv, __u8 proto)
{
	struct pb_spec fwd = { .src = cli, .dst = srv, .proto = proto, .payload = 40 };
	struct pb_spec rev = pb_reverse(&fwd);
	struct sfw_session_key k;

	fx_key(&fwd, &k);
	cr_assert_eq(k.port_lo, 0);
	cr_assert_eq(k.port_hi, 0);
	open_and_reply(&fwd, &rev, 1800);
}

Test(keys, gre4) { addr_only_open(CLI4, SRV4, SFW_IPPROTO_GRE); }
Test(keys, esp6) { addr_only_open(CLI6, SRV6, SFW_IPPROTO_ESP); }
Test(keys, ah4) { addr_only_open(CLI4, SRV4, SFW_IPPROTO_AH); }
Test(keys, ospf6) { addr_only_open(CLI6, SRV6, SFW_IPPROTO_OSPF); }
Test(keys, unassigned_proto4) { addr_only_open(CLI4, SRV4, 253); }

/* Echo is keyed on the identifier, on the requester's side of the key. */
static void echo_open(const char *cli, const char *srv, __u8 proto, __u8 type)
{
	struct pb_spec req = {
		.src = cli, .dst = srv, .proto = proto, .icmp_type = type,
		.icmp_id = 0x1234, .icmp_seq = 1, .payload = 56,
	};
	struct pb_spec rep = pb_reverse(&req);
	struct sfw_session_key k;
	bool lo = fx_key(&req, &k);

	cr_assert_eq(lo ? k.port_lo : k.port_hi, htons(0x1234));
	cr_assert_eq(lo ? k.port_hi : k.port_lo, 0);
	open_and_reply(&req, &rep, 60);
}

Test(keys, icmp4_echo) { echo_open(CLI4, SRV4, SFW_IPPROTO_ICMP, SFW_ICMP_ECHO); }
Test(keys, icmp6_echo) { echo_open(CLI6, SRV6, SFW_IPPROTO_ICMP6, SFW_ICMPV6_ECHO_REQUEST); }
Test(keys, icmp4_echo_opener_hi) { echo_open(OTH4, CLI4, SFW_IPPROTO_ICMP, SFW_ICMP_ECHO); }

/* A ping to oneself: equal addresses, the identifier alone orders the key. */
Test(keys, icmp4_echo_same_address) { echo_open(CLI4, CLI4, SFW_IPPROTO_ICMP, SFW_ICMP_ECHO); }

Test(keys, distinct_flows_distinct_sessions)
{
	struct pb_spec a = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 1000, .dport = 53 };
	struct pb_spec b = a, c = a, d = a;
	struct sfw_session sa, sb, sc, sd;

	b.sport = 1001;                  /* another source port */
	c.proto = SFW_IPPROTO_TCP;       /* same ports, another protocol */
	c.tcp_flags = SFW_TCP_SYN;
	d.dst = OTH4;                    /* another server */
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&b), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&c), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&d), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 4);
	GET_SESSION(&a, &sa);
	GET_SESSION(&b, &sb);
	GET_SESSION(&c, &sc);
	GET_SESSION(&d, &sd);
	cr_assert(sa.id && sb.id && sc.id && sd.id);
	cr_assert(sa.id != sb.id && sa.id != sc.id && sa.id != sd.id &&
		  sb.id != sc.id && sb.id != sd.id && sc.id != sd.id);
}

/* Same ICMP endpoints, two identifiers: two pings, two sessions. */
Test(keys, icmp_identifiers_distinct)
{
	struct pb_spec a = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_ICMP,
			     .icmp_type = SFW_ICMP_ECHO, .icmp_id = 1 };
	struct pb_spec b = a;

	b.icmp_id = 2;
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&b), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 2);
}
