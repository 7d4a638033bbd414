/* tc egress: connections the host opens create sessions whose replies XDP
 * admits; GSO packets count as the segments the wire sees; forwarded
 * packets already decided at an attached ingress are only counted. */
#include "tcp_conn.h"

TestSuite(tc, .init = suite_setup, .fini = suite_teardown);

/* An interface index that is not lo: the "other" attached interface. */
#define FWD_IFINDEX 5

Test(tc, host_syn_opens_local_session)
{
	struct conn k;
	struct sfw_session s1, s2;

	conn_init(&k, CLI4, SRV4);
	k.via_tc = true;
	cr_assert_eq(cli(&k, SYN, 0), FX_TC_OK);
	s1 = conn_session(&k);
	cr_assert_neq(s1.id, 0);
	cr_assert(s1.flags & SFW_SESS_F_LOCAL);
	cr_assert_not(s1.flags & SFW_SESS_F_TRANSIT);
	cr_assert_eq(s1.tcp_state, SFW_TCP_SYN_SENT);
	cr_assert_eq(s1.wing[SFW_WING_IN].ifindex, FX_IFINDEX);
	cr_assert_eq(s1.wing[SFW_WING_IN].packets, 1);

	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS, "the reply must be admitted");
	cr_assert_eq(cli(&k, ACK, 0), FX_TC_OK);
	s2 = conn_session(&k);
	cr_assert_eq(s2.id, s1.id);
	cr_assert_eq(s2.tcp_state, SFW_TCP_ESTABLISHED);
	cr_assert_eq(s2.wing[SFW_WING_IN].packets, 2);
	cr_assert_eq(s2.wing[SFW_WING_OUT].packets, 1);
	cr_assert_eq(s2.wing[SFW_WING_OUT].ifindex, FX_IFINDEX);
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_OUT_PKTS), 2);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_IN_PKTS), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 3);
}

Test(tc, host_udp6_reply_admitted)
{
	struct pb_spec q = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			     .sport = 40000, .dport = 53, .payload = 30 };
	struct pb_spec a = pb_reverse(&q);
	struct pb_spec stray = a;
	struct pb_pkt pq;
	struct sfw_session s;

	cr_assert_eq(pb_build(&q, &pq), 0);
	cr_assert_eq(fx_tc(&q, NULL), FX_TC_OK);
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	GET_SESSION(&q, &s);
	cr_assert(s.flags & SFW_SESS_F_LOCAL);
	cr_assert_eq(s.wing[SFW_WING_IN].bytes, pq.l3_len);
	cr_assert_eq(s.wing[SFW_WING_OUT].packets, 1);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_OUT_BYTES), pq.l3_len);
	cr_assert_eq(fx_counter(SFW_CNT_OUT_PERMITTED_BYTES), pq.l3_len);
	stray.sport = 54;   /* the server's other port: a different flow */
	cr_assert_eq(fx_xdp(&stray), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 2);
}

Test(tc, host_ping_reply_admitted)
{
	struct pb_spec req = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_ECHO, .icmp_id = 77, .payload = 56 };
	struct pb_spec rep = pb_reverse(&req);

	cr_assert_eq(fx_xdp(&rep), FX_XDP_DROP, "no request yet");
	cr_assert_eq(fx_tc(&req, NULL), FX_TC_OK);
	cr_assert_eq(fx_xdp(&rep), FX_XDP_PASS);
	rep.icmp_id = 78;
	cr_assert_eq(fx_xdp(&rep), FX_XDP_DROP);
}

Test(tc, host_non_syn_first_refused)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	k.via_tc = true;
	cr_assert_eq(cli(&k, ACK | PSH, 10), FX_TC_SHOT);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_TCP_NO_SYN), 1);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_OUT_PKTS), 0);
}

/* The host answers a connection opened from outside. */
Test(tc, host_answers_remote_syn)
{
	struct conn k;
	struct sfw_session s;

	conn_init(&k, SRV6, CLI6);   /* the remote side is the client here */
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	k.s.tcp_flags = SYN | ACK;
	k.s.seq = k.s_next++;
	k.s.ack = k.c_next;
	cr_assert_eq(fx_tc(&k.s, NULL), FX_TC_OK);
	s = conn_session(&k);
	cr_assert_eq(s.tcp_state, SFW_TCP_SYN_RECV);
	cr_assert_not(s.flags & SFW_SESS_F_LOCAL, "opened from outside");
	cr_assert_eq(s.wing[SFW_WING_OUT].packets, 1);
	cr_assert_eq(fx_session_count(), 1);
}

Test(tc, host_vlan_tagged_egress)
{
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	k.c.nvlan = k.s.nvlan = 1;
	k.c.vlan_id[0] = k.s.vlan_id[0] = 42;
	k.via_tc = true;
	cr_assert_eq(cli(&k, SYN, 0), FX_TC_OK);
	cr_assert_eq(srv(&k, SYN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_SYN_RECV);
}

/* A GSO packet of segs segments counts segs packets, each with its own
 * copy of the headers. */
static void gso_counts_segments(const struct pb_spec *s, __u32 hdr_len, __u32 segs)
{
	struct fx_tc_opts o = { .gso_segs = segs, .gso_size = 1000 };
	struct pb_pkt p;
	struct sfw_session sess;
	__u64 wire = 0;

	cr_assert_eq(pb_build(s, &p), 0);
	wire = p.l3_len + (__u64)(segs - 1) * hdr_len;
	cr_assert_eq(fx_tc(s, &o), FX_TC_OK);
	GET_SESSION(s, &sess);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, segs);
	cr_assert_eq(sess.wing[SFW_WING_IN].bytes, wire);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_OUT_PKTS), segs);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_OUT_BYTES), wire);
	cr_assert_eq(fx_counter(SFW_CNT_OUT_PERMITTED_BYTES), wire);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), segs);
	/* and again on the session it opened */
	cr_assert_eq(fx_tc(s, &o), FX_TC_OK);
	GET_SESSION(s, &sess);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, 2 * segs);
	cr_assert_eq(sess.wing[SFW_WING_IN].bytes, 2 * wire);
}

Test(tc, gso_tcp4)
{
	gso_counts_segments(&(struct pb_spec){
		.src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP, .sport = 1, .dport = 2,
		.tcp_flags = SFW_TCP_SYN, .payload = 3000 }, 20 + 20, 3);
}

Test(tc, gso_tcp6_options)
{
	cr_assert_eq(fx_set_flags(SFW_CFG_F_NO_SYN_CHECK), 0);
	gso_counts_segments(&(struct pb_spec){
		.src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_TCP, .sport = 1, .dport = 2,
		.tcp_flags = SFW_TCP_ACK | SFW_TCP_PSH, .tcp_opts = 12, .payload = 1500 },
		40 + 32, 2);
}

Test(tc, gso_udp4)
{
	gso_counts_segments(&(struct pb_spec){
		.src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP, .sport = 1, .dport = 2,
		.payload = 1400 }, 20 + 8, 3);
}

/* Forwarded from an attached interface: decided at its XDP hook when it
 * left its session there, then counted as transit output here, but
 * neither tracked nor counted on a wing again. One that left none (XDP
 * never saw it: bpf/tc_judged.bpf.h) is judged here first, from its
 * ingress's zone; here tc's own session is the next packet's judgement. */
Test(tc, forwarded_from_attached_counted_once)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 1, .dport = 2, .payload = 10 };
	struct fx_tc_opts fwd = { .ingress_ifindex = FWD_IFINDEX };
	struct pb_pkt p;
	struct sfw_session s;

	cr_assert_eq(pb_build(&udp, &p), 0);
	cr_assert_eq(fx_mark_attached(FWD_IFINDEX), 0);
	cr_assert_eq(fx_tc(&udp, &fwd), FX_TC_OK);
	GET_SESSION(&udp, &s);
	cr_assert(s.flags & SFW_SESS_F_TRANSIT, "never judged at XDP: judged here");
	cr_assert_eq(s.wing[SFW_WING_IN].packets, 1);
	cr_assert_eq(s.wing[SFW_WING_IN].ifindex, FWD_IFINDEX);
	cr_assert_eq(fx_counter(SFW_CNT_TRANSIT_OUT_PKTS), 1);
	cr_assert_eq(fx_counter(SFW_CNT_TRANSIT_OUT_BYTES), p.l3_len);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_OUT_PKTS), 0);

	cr_assert_eq(fx_tc(&udp, &fwd), FX_TC_OK);
	GET_SESSION(&udp, &s);
	cr_assert_eq(s.wing[SFW_WING_IN].packets, 1, "judged: counted on no wing again");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_assert_eq(fx_counter(SFW_CNT_TRANSIT_OUT_PKTS), 2);
	cr_assert_eq(fx_session_count(), 1);
}

/* Forwarded from an interface sfw is not attached to: nothing decided
 * it yet, so tc tracks it as a transit session. */
Test(tc, forwarded_from_unattached_tracked_as_transit)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 1, .dport = 2, .payload = 10 };
	struct fx_tc_opts fwd = { .ingress_ifindex = FWD_IFINDEX };
	struct pb_pkt p;
	struct sfw_session s;

	cr_assert_eq(pb_build(&udp, &p), 0);
	cr_assert_eq(fx_tc(&udp, &fwd), FX_TC_OK);
	GET_SESSION(&udp, &s);
	cr_assert(s.flags & SFW_SESS_F_TRANSIT);
	cr_assert_not(s.flags & SFW_SESS_F_LOCAL);
	cr_assert_eq(s.wing[SFW_WING_IN].packets, 1);
	cr_assert_eq(fx_counter(SFW_CNT_TRANSIT_OUT_PKTS), 1);
	cr_assert_eq(fx_counter(SFW_CNT_TRANSIT_OUT_BYTES), p.l3_len);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_OUT_PKTS), 0);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_OUT_BYTES), 0);
}

/* The forwarded-from-unattached path still refuses what may not open. */
Test(tc, forwarded_from_unattached_non_syn_refused)
{
	struct conn k;
	struct fx_tc_opts fwd = { .ingress_ifindex = FWD_IFINDEX };

	conn_init(&k, CLI4, SRV4);
	k.c.tcp_flags = ACK;
	cr_assert_eq(fx_tc(&k.c, &fwd), FX_TC_SHOT);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_TCP_NO_SYN), 1);
	cr_assert_eq(fx_session_count(), 0);
}

Test(tc, host_answers_remote_ping)
{
	struct pb_spec req = { .src = SRV6, .dst = CLI6, .proto = SFW_IPPROTO_ICMP6,
			       .icmp_type = SFW_ICMPV6_ECHO_REQUEST, .icmp_id = 300 };
	struct pb_spec rep = pb_reverse(&req);
	struct sfw_session s;

	cr_assert_eq(fx_xdp(&req), FX_XDP_PASS);
	cr_assert_eq(fx_tc(&rep, NULL), FX_TC_OK);
	GET_SESSION(&req, &s);
	cr_assert_eq(s.wing[SFW_WING_IN].packets, 1);
	cr_assert_eq(s.wing[SFW_WING_OUT].packets, 1);
	cr_assert_eq(fx_session_count(), 1);
}

/* A closed port: the host's RST ends the session the remote SYN opened. */
Test(tc, host_rst_for_closed_port)
{
	struct conn k;
	struct sfw_session s;

	conn_init(&k, SRV4, CLI4);
	cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS);
	k.s.tcp_flags = RST | ACK;
	k.s.ack = k.c_next;
	cr_assert_eq(fx_tc(&k.s, NULL), FX_TC_OK);
	s = conn_session(&k);
	cr_assert_eq(s.tcp_state, SFW_TCP_CLOSED);
	cr_assert_eq(s.state, SFW_SESS_INVALIDATED);
}

/* The host's port unreachable about a datagram it received passes. */
Test(tc, host_icmp_error_about_received_datagram)
{
	struct pb_spec udp = { .src = SRV4, .dst = CLI4, .proto = SFW_IPPROTO_UDP,
			       .sport = 33434, .dport = 33435, .payload = 12 };
	struct pb_spec err = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_DEST_UNREACH, .icmp_code = 3, .inner = &udp };
	struct pb_spec stray = udp;

	cr_assert_eq(fx_tc(&err, NULL), FX_TC_SHOT, "no session yet");
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_eq(fx_tc(&err, NULL), FX_TC_OK);
	stray.dport = 33436;
	err.inner = &stray;
	cr_assert_eq(fx_tc(&err, NULL), FX_TC_SHOT);
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_NO_SESSION), 2);
}
