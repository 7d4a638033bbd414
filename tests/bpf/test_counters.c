/* Counters and policy: per-wing packets and layer 3 bytes, the interface
 * counters, one outcome per packet, the deny-all default policy, and
 * session ids. */
#include <stdio.h>
#include <stdlib.h>
#include "iface.h"
#include "tcp_conn.h"

TestSuite(counters, .init = suite_setup, .fini = suite_teardown);

static __u32 l3_len(const struct pb_spec *s)
{
	struct pb_pkt p;

	cr_assert_eq(pb_build(s, &p), 0);
	return p.l3_len;
}

Test(counters, wing_packets_and_bytes)
{
	struct pb_spec fwd = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			       .sport = 4000, .dport = 4001 };
	struct pb_spec rev = pb_reverse(&fwd);
	const __u16 fwd_sizes[] = { 10, 100, 1000 }, rev_sizes[] = { 50, 0 };
	__u64 fwd_bytes = 0, rev_bytes = 0;
	struct sfw_session s;

	for (int i = 0; i < 3; i++) {
		fwd.payload = fwd_sizes[i];
		fwd_bytes += l3_len(&fwd);
		cr_assert_eq(fx_xdp(&fwd), FX_XDP_PASS);
	}
	for (int i = 0; i < 2; i++) {
		rev.payload = rev_sizes[i];
		rev_bytes += l3_len(&rev);
		cr_assert_eq(fx_xdp(&rev), FX_XDP_PASS);
	}
	GET_SESSION(&fwd, &s);
	cr_assert_eq(s.wing[SFW_WING_IN].packets, 3);
	cr_assert_eq(s.wing[SFW_WING_IN].bytes, fwd_bytes);
	cr_assert_eq(s.wing[SFW_WING_OUT].packets, 2);
	cr_assert_eq(s.wing[SFW_WING_OUT].bytes, rev_bytes);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_IN_BYTES), fwd_bytes + rev_bytes);
	cr_assert_eq(fx_counter(SFW_CNT_IN_PERMITTED_BYTES), fwd_bytes + rev_bytes);
}

/* Ethernet pads short frames to 60 bytes; the padding is not IP bytes. */
Test(counters, link_padding_not_counted)
{
	struct pb_spec syn = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
			       .sport = 1, .dport = 2, .tcp_flags = SFW_TCP_SYN, .trailer = 6 };
	struct sfw_session s;

	cr_assert_eq(fx_xdp(&syn), FX_XDP_PASS);
	GET_SESSION(&syn, &s);
	cr_assert_eq(s.wing[SFW_WING_IN].bytes, 40);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_IN_BYTES), 40);
}

Test(counters, local_input)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 1, .dport = 2 };
	struct pb_spec ping = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_ICMP,
				.icmp_type = SFW_ICMP_ECHO, .icmp_id = 1 };
	struct pb_spec esp = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_ESP, .payload = 16 };
	struct pb_spec mcast = { .src = CLI4, .dst = "233.252.0.1", .proto = SFW_IPPROTO_UDP,
				 .sport = 5000, .dport = 5000 };

	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&ping), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&esp), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&mcast), FX_XDP_PASS);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_IN_PKTS), 5);
	cr_assert_eq(fx_counter(SFW_CNT_LOCAL_IN_BYTES),
		     2 * l3_len(&udp) + l3_len(&ping) + l3_len(&esp) + l3_len(&mcast));
	cr_assert_eq(fx_counter(SFW_CNT_IN_SELF), 5);
	cr_assert_eq(fx_counter(SFW_CNT_IN_CONNECTIONS), 4);
	cr_assert_eq(fx_counter(SFW_CNT_IN_ICMP), 1);
	cr_assert_eq(fx_counter(SFW_CNT_IN_VPN), 1);
	cr_assert_eq(fx_counter(SFW_CNT_IN_MULTICAST), 1);
	cr_assert_eq(fx_counter(SFW_CNT_TRANSIT_IN_PKTS), 0, "forwarding is off in the test netns");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 5);
}

/* Every packet ends in exactly one outcome: permitted, untracked, or one
 * drop reason (see counters.h); Failed sessions repeats No more sessions. */
static bool is_outcome(int id)
{
	static const __u8 group[SFW_CNT_COUNT] = {
#define SFW_X(id, grp, label, key) [SFW_CNT_##id] = grp,
		SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
	};

	return group[id] == SFW_GRP_FLOW_ERR ||
	       (group[id] == SFW_GRP_SFW && id != SFW_CNT_SFW_FAILED_SESSIONS);
}

static __u64 outcomes(void)
{
	__u64 n = 0;

	for (int id = 0; id < SFW_CNT_COUNT; id++)
		if (is_outcome(id))
			n += fx_counter(id);
	return n;
}

/* Runs one packet, checks its verdict and counts it as sent. */
#define SEND(run, verdict) do { cr_assert_eq(run, verdict); sent++; } while (0)

Test(counters, one_outcome_per_packet)
{
	struct conn k;
	struct pb_spec arp = { .ethertype = PB_ETH_P_ARP, .src = CLI4, .dst = SRV4 };
	struct pb_spec rep = { .src = SRV4, .dst = CLI4, .proto = SFW_IPPROTO_ICMP,
			       .icmp_type = SFW_ICMP_ECHOREPLY, .icmp_id = 9 };
	struct pb_spec frag = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
				.n_ext = 1, .ext = { SFW_IPPROTO_FRAGMENT }, .frag_off = 8 };
	struct pb_pkt cut;
	int sent = 0;

	conn_init(&k, CLI4, SRV4);
	SEND(cli(&k, ACK, 0), FX_XDP_DROP);          /* no SYN */
	conn_handshake(&k, FX_XDP_PASS);
	sent += 3;
	k.via_tc = true;
	SEND(cli(&k, ACK | PSH, 100), FX_TC_OK);
	SEND(fx_xdp(&arp), FX_XDP_PASS);            /* untracked */
	SEND(fx_tc(&arp, NULL), FX_TC_OK);
	SEND(fx_xdp(&rep), FX_XDP_DROP);            /* no session */
	SEND(fx_xdp(&frag), FX_XDP_DROP);           /* no first fragment */
	cr_assert_eq(pb_build(&k.s, &cut), 0);
	SEND(fx_xdp_frame(cut.data, cut.len - 1), FX_XDP_DROP);  /* malformed */
	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
	k.c.sport++;
	k.c.tcp_flags = SYN;
	SEND(fx_xdp(&k.c), FX_XDP_DROP);            /* a new SYN: denied */
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_assert_eq(outcomes(), sent, "%llu outcomes for %d packets",
		     (unsigned long long)outcomes(), sent);
}

Test(counters, deny_all_drops_first_packets)
{
	struct pb_spec syn = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
			       .sport = 1, .dport = 2, .tcp_flags = SFW_TCP_SYN };
	struct pb_spec udp = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			       .sport = 1, .dport = 2 };
	struct pb_spec ping = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_ICMP,
				.icmp_type = SFW_ICMP_ECHO, .icmp_id = 1 };

	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
	cr_assert_eq(fx_xdp(&syn), FX_XDP_DROP);
	cr_assert_eq(fx_xdp(&udp), FX_XDP_DROP);
	cr_assert_eq(fx_xdp(&ping), FX_XDP_DROP);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 3);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 0);
	cr_assert_eq(fx_counter(SFW_CNT_IN_CONNECTIONS), 0);
	/* back to permit-all: the same packet now opens a session */
	cr_assert_eq(fx_set_policy(SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_xdp(&syn), FX_XDP_PASS);
	cr_assert_eq(fx_session_count(), 1);
}

/* The policy decides at the first packet; sessions it allowed live on. */
Test(counters, deny_all_keeps_established)
{
	struct conn k, other;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(fx_set_policy(SFW_POLICY_DENY_ALL), 0);
	cr_assert_eq(cli(&k, ACK | PSH, 200), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 900), FX_XDP_PASS);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_TIME_WAIT);
	conn_init(&other, CLI4, SRV4);
	other.c.sport = other.s.dport = 40001;
	cr_assert_eq(cli(&other, SYN, 0), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_assert_eq(fx_session_count(), 1);
}

/* Ids are unique and never 0, across CPU id blocks (SFW_ID_BLOCK) and
 * across both programs, which share the id counter. */
Test(counters, session_ids_unique)
{
	enum { N = 3 * SFW_ID_BLOCK + 10 };
	static __u64 ids[N];
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP, .dport = 53 };
	struct sfw_session s;

	for (int i = 0; i < N; i++) {
		udp.sport = 10000 + i;
		if (i % 2)
			cr_assert_eq(fx_tc(&udp, NULL), FX_TC_OK);
		else
			cr_assert_eq(fx_xdp(&udp), FX_XDP_PASS);
		GET_SESSION(&udp, &s);
		cr_assert_neq(s.id, 0);
		ids[i] = s.id;
		for (int j = 0; j < i; j++)
			cr_assert_neq(ids[j], s.id, "sessions %d and %d share id %llu", j, i,
				      (unsigned long long)s.id);
	}
	cr_assert_eq(fx_session_count(), N);
}

/* An interface index past the direct array (a host that made and deleted
 * many interfaces) finds its counters through its sfw_ifaces entry
 * (include/iface.h); the veth gets that index in the fixture's namespace. */
Test(counters, large_ifindex_counted_at_its_slot)
{
	const __u32 big = SFW_IFINDEX_DIRECT + 4464;
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 7, .dport = 8 };
	char cmd[128], out[PB_MAX];
	struct pb_pkt p;
	__u32 out_len;

	snprintf(cmd, sizeof(cmd), "ip link add big0 index %u type veth peer name big1 && "
		 "ip link set big0 up", big);
	cr_assert_eq(system(cmd), 0, "cannot make the veth pair");
	cr_assert_eq(fx_add_counters(big), 0);
	cr_assert_eq(pb_build(&udp, &p), 0);
	cr_assert_eq(fx_xdp_frame_at(big, p.data, p.len, out, &out_len), FX_XDP_PASS);
	cr_assert_eq(fx_counter_at(big, SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_assert_eq(fx_counter_at(big, SFW_CNT_LOCAL_IN_BYTES), p.l3_len);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_PERMITTED_PKTS), 0, "counted on lo's slot");
	cr_assert_eq(system("ip link del big0"), 0);
}
