/* Router Alert on transit packets (review rvred8, O1; docs/security.md
 * "Router Alert"). Linux offers a forwarded packet with the IPv4 Router
 * Alert option (148) or the IPv6 hop-by-hop Router Alert option (5) to
 * the host's raw sockets that asked for them (IP_ROUTER_ALERT,
 * IPV6_ROUTER_ALERT: an RSVP daemon), and one that takes it ends its
 * forwarding (ip_call_ra_chain, ip6_call_ra_chain). Such a packet must
 * be permitted from its ingress zone to junos-host as well as by its
 * transit zone pair, or it is dropped as Policy denied; packets without
 * the option are judged as before.
 *
 * The namespace: fa (198.51.100.1/24, 2001:db8:1::1/64, zone trust)
 * where the clients are, fb (203.0.113.1/24, 2001:db8:2::1/64, zone
 * untrust) toward the servers, forwarding on (the stack forwards: the
 * path where its Router Alert sockets are asked). trust -> untrust
 * permits anything; trust's host-inbound-traffic allows ssh (HOST_SSH)
 * or dns (HOST_DNS); untrust may reach nothing of the host's. */
#include "commit.h"
#include "ra_fixture.h"

TestSuite(router_alert, .init = ra_setup, .fini = suite_teardown);

/* A DNS query from a trust client to a server behind untrust. */
static struct pb_spec query(bool v6)
{
	return (struct pb_spec){ .src = v6 ? CLIENT6 : CLIENT_A, .dst = v6 ? SERVER6 : SERVER1,
				 .proto = SFW_IPPROTO_UDP, .sport = 40500, .dport = 53,
				 .payload = 16 };
}

/* The query's frame, with Router Alert (ra) or not: IPv4 with the
 * option (pktbuild's first option, 148) or without options; IPv6 with a
 * hop-by-hop header holding Router Alert, or no extension header. */
static void build(const struct pb_spec *q, bool ra, struct pb_pkt *p)
{
	struct pb_spec s = *q;

	if (ra && !pb_is_v6(&s))
		s.ip_opts = 4;
	if (ra && pb_is_v6(&s)) {
		s.n_ext = 1;
		s.ext[0] = SFW_IPPROTO_HOPOPTS;
	}
	cr_assert_eq(pb_build(&s, p), 0);
	if (ra && pb_is_v6(&s))   /* Router Alert (MLD's value 0), then PadN */
		memcpy(p->data + p->l3_off + 42, (__u8[]){ SFW_IPV6_TLV_RA, 2, 0, 0, 1, 0 }, 6);
	if (ra && !pb_is_v6(&s))
		cr_assert_eq(p->data[p->l3_off + 20], SFW_IPOPT_RA);
}

/* Runs the query (or its reply: back) with Router Alert or not,
 * arriving on fa (the reply on fb). */
static int run(const struct pb_spec *q, bool ra, bool back)
{
	struct pb_spec r = pb_reverse(q);
	struct pb_pkt in, out;

	build(back ? &r : q, ra, &in);
	return xdp_at(back ? out_if : in_if, &in, &out);
}

static __u64 denied(void)
{
	return fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED) +
	       fx_counter_at(out_if, SFW_CNT_ERR_POLICY_DENIED);
}

/* (a) trust's host-inbound allows no DNS: a first packet with Router
 * Alert opens no session; the same packet without it is forwarded. */
static void new_session_denied(bool v6)
{
	struct pb_spec q = query(v6);

	commit(HOST_SSH);
	cr_assert_eq(run(&q, true, false), FX_XDP_DROP,
		     "a transit packet with Router Alert passed to a host that may not take it");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_assert_eq(fx_session_count(), 0, "the refused packet opened a session");
	cr_assert_eq(run(&q, false, false), FX_XDP_PASS, "the same packet without the option");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(denied(), 1);
}

Test(router_alert, ipv4_new_session_with_ra_denied_by_host_inbound)
{
	new_session_denied(false);
}

Test(router_alert, ipv6_new_session_with_ra_denied_by_host_inbound)
{
	new_session_denied(true);
}

/* (a) on an established session: its packets with Router Alert are
 * dropped, both ways (untrust may reach nothing of the host's), and
 * change nothing of the session; those without pass. */
static void established_denied(bool v6)
{
	struct pb_spec q = query(v6);
	struct sfw_session s;

	commit(HOST_SSH);
	cr_assert_eq(run(&q, false, false), FX_XDP_PASS, "the session's first packet");
	cr_assert_eq(run(&q, false, true), FX_XDP_PASS, "its reply");
	cr_assert_eq(run(&q, true, false), FX_XDP_DROP, "a packet with Router Alert passed");
	cr_assert_eq(run(&q, true, true), FX_XDP_DROP, "a reply with Router Alert passed");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	GET_SESSION(&q, &s);
	cr_assert_eq(s.wing[SFW_WING_IN].packets + s.wing[SFW_WING_OUT].packets, 2,
		     "a refused packet was counted on the session");
	cr_assert_eq(run(&q, false, false), FX_XDP_PASS, "the flow goes on without the option");
	cr_assert_eq(run(&q, false, true), FX_XDP_PASS);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS) +
		     fx_counter_at(out_if, SFW_CNT_SFW_PERMITTED_PKTS), 4);
}

Test(router_alert, ipv4_established_session_with_ra_denied_by_host_inbound)
{
	established_denied(false);
}

Test(router_alert, ipv6_established_session_with_ra_denied_by_host_inbound)
{
	established_denied(true);
}

/* (b) trust's host-inbound allows DNS: the packet with Router Alert
 * passes, new and established; the reply from untrust, which may reach
 * nothing of the host's, still does not. */
static void host_inbound_permits(bool v6)
{
	struct pb_spec q = query(v6);

	commit(HOST_DNS);
	cr_assert_eq(run(&q, true, false), FX_XDP_PASS, "a first packet the host may take");
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(run(&q, true, false), FX_XDP_PASS, "the session's next packet");
	cr_assert_eq(run(&q, false, true), FX_XDP_PASS, "the reply without the option");
	cr_assert_eq(run(&q, true, true), FX_XDP_DROP, "untrust's reply with the option");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 2);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_PERMITTED_PKTS), 1);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 0);
}

Test(router_alert, ipv4_ra_passes_when_host_inbound_permits)
{
	host_inbound_permits(false);
}

Test(router_alert, ipv6_ra_passes_when_host_inbound_permits)
{
	host_inbound_permits(true);
}

/* (c) options without Router Alert (IPv4 NOPs, a hop-by-hop header of
 * padding only) are judged as before: forwarded, under HOST_SSH. */
Test(router_alert, options_without_ra_unaffected)
{
	struct pb_spec q4 = query(false), q6 = query(true);
	struct pb_pkt in, out;

	commit(HOST_SSH);
	q4.ip_opts = 8;
	cr_assert_eq(pb_build(&q4, &in), 0);
	memset(in.data + in.l3_off + 20, SFW_IPOPT_NOOP, 8);
	cr_assert_eq(xdp_at(in_if, &in, &out), FX_XDP_PASS, "IPv4 options without Router Alert");
	q6.n_ext = 1;
	q6.ext[0] = SFW_IPPROTO_HOPOPTS;
	q6.ext_len8[0] = 1;
	cr_assert_eq(pb_build(&q6, &in), 0);
	cr_assert_eq(xdp_at(in_if, &in, &out), FX_XDP_PASS, "a hop-by-hop header of padding");
	/* Router Alert behind another option is found too */
	memcpy(in.data + in.l3_off + 42, (__u8[]){ 1, 2, 0, 0, SFW_IPV6_TLV_RA, 2, 0, 0 }, 8);
	cr_assert_eq(xdp_at(in_if, &in, &out), FX_XDP_DROP, "Router Alert after PadN");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 2);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1);
}

/* Without zones there is no host-inbound-traffic: the global policies
 * and the default policy judge a packet for the host as for its transit
 * way, so Router Alert changes nothing (default permit-all here). */
Test(router_alert, no_zones_unchanged)
{
	struct pb_spec q = query(false);

	cr_assert_eq(run(&q, true, false), FX_XDP_PASS);
	cr_assert_eq(run(&q, true, false), FX_XDP_PASS);
	cr_assert_eq(run(&q, true, true), FX_XDP_PASS);
	cr_assert_eq(denied(), 0);
}

/* Later fragments are judged by their datagram's record: with Router
 * Alert, one follows a transit datagram only when its first fragment
 * carried the option too (and so was asked of the host-inbound policies);
 * a first fragment with it that the host may not take leaves no record. */
static int frags(bool ra_first, bool ra_later, __u16 id)
{
	struct pb_spec s = query(false);
	struct pb_pkt fr[2], out;

	s.payload = 64;
	s.ip_opts = 4;
	s.ip_id = id;
	cr_assert_eq(pb_fragment(&s, 40, fr, 2), 2);
	if (!ra_first)
		memset(fr[0].data + fr[0].l3_off + 20, SFW_IPOPT_NOOP, 4);
	if (!ra_later)
		memset(fr[1].data + fr[1].l3_off + 20, SFW_IPOPT_NOOP, 4);
	cr_assert_eq(xdp_at(in_if, &fr[0], &out), FX_XDP_PASS, "the first fragment");
	return xdp_at(in_if, &fr[1], &out);
}

Test(router_alert, ipv4_later_fragment_follows_its_first_fragments_ra)
{
	commit(HOST_DNS);
	cr_assert_eq(frags(true, true, 0x100), FX_XDP_PASS, "both with Router Alert, permitted");
	cr_assert_eq(frags(false, false, 0x101), FX_XDP_PASS, "neither with it");
	cr_assert_eq(frags(false, true, 0x102), FX_XDP_DROP,
		     "a later fragment with Router Alert its first fragment did not carry");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_PERMITTED_PKTS), 5);
}

Test(router_alert, ipv4_first_fragment_with_ra_denied_leaves_no_record)
{
	struct pb_spec s = query(false);
	struct pb_pkt fr[2], out;

	commit(HOST_SSH);
	s.payload = 64;
	s.ip_opts = 4;
	s.ip_id = 0x200;
	cr_assert_eq(pb_fragment(&s, 40, fr, 2), 2);
	cr_assert_eq(xdp_at(in_if, &fr[0], &out), FX_XDP_DROP);
	cr_assert_eq(xdp_at(in_if, &fr[1], &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}
