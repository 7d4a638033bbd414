/* Red-team review rvra of the Router Alert check (branch ra-o1; review
 * rvred8, O1; docs/security.md "Router Alert"). Each test asserts the
 * secure or correct behaviour: a weakness shows as a failing test.
 *
 * The namespace is test_router_alert.c's: fa (zone trust, clients
 * 198.51.100.0/24, 2001:db8:1::/64), fb (zone untrust, servers
 * 203.0.113.0/24, 2001:db8:2::/64), the stack forwarding. trust ->
 * untrust permits anything; trust's host-inbound-traffic allows ssh only,
 * so no Router Alert packet below may reach the host's Router Alert
 * sockets. */
#include "commit.h"
#include "ra_fixture.h"

#define LL6 "fe80::2"

TestSuite(rvra, .init = ra_setup, .fini = suite_teardown);

/* an IPv6 packet with an 8-byte hop-by-hop header holding Router Alert
 * (value v), then PadN */
static void build6_ra(struct pb_spec *s, struct pb_pkt *p, __u8 v)
{
	s->n_ext = 1;
	s->ext[0] = SFW_IPPROTO_HOPOPTS;
	cr_assert_eq(pb_build(s, p), 0);
	memcpy(p->data + p->l3_off + 42, (__u8[]){ SFW_IPV6_TLV_RA, 2, 0, v, 1, 0 }, 6);
}

/* F1: an MLD message (hop limit 1, link-local source) passes untracked
 * as the link's own (sfw_icmp6_link: SFW_LINK_YES), whatever its
 * destination. Addressed to a global address the host routes on, with a
 * hop-by-hop Router Alert, the stack's ip6_forward offers it to the
 * IPV6_ROUTER_ALERT sockets (ip6_call_ra_chain runs before the hop limit
 * and link-local source checks that would drop it) — a transit packet
 * with Router Alert reaching the host with no host-inbound check at all.
 * Its selector is the sender's choice (1: RSVP), and IPv6's chain
 * matches the selector only, not the protocol. */
Test(rvra, ipv6_mld_with_ra_to_transit_destination_not_untracked)
{
	struct pb_spec s = { .src = LL6, .dst = SERVER6, .ttl = 1, .proto = SFW_IPPROTO_ICMP6,
			     .icmp_type = SFW_ICMPV6_MLD_QUERY, .payload = 16 };
	struct pb_pkt in, out;

	commit(HOST_SSH);
	build6_ra(&s, &in, 1);
	cr_assert_neq(xdp_at(in_if, &in, &out), FX_XDP_PASS,
		      "an MLD message with Router Alert to a routed destination passed "
		      "untracked, past trust's host-inbound-traffic");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_UNTRACKED_PKTS), 0);
}

/* F1 again, with neighbour discovery: a valid NS (hop limit 255) from a
 * link-local source is the link's own to sfw, whatever its destination */
Test(rvra, ipv6_nd_with_ra_to_transit_destination_not_untracked)
{
	struct pb_spec s = { .src = LL6, .dst = SERVER6, .ttl = 255, .proto = SFW_IPPROTO_ICMP6,
			     .icmp_type = SFW_ICMPV6_ND_NS, .payload = 16 };
	struct pb_pkt in, out;

	commit(HOST_SSH);
	build6_ra(&s, &in, 1);
	/* the target: SERVER6 (not a group) */
	memcpy(in.data + in.l4_off + 8, (__u8[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0,
						 0, 0, 0, 0, 0, 0, 0, 2 }, 16);
	cr_assert_neq(xdp_at(in_if, &in, &out), FX_XDP_PASS,
		      "an NS with Router Alert to a routed destination passed untracked");
}

/* What must keep working: MLD with Router Alert to a link-scope group
 * (every MLD report) stays the link's own, untracked. */
Test(rvra, ipv6_mld_report_with_ra_to_link_group_still_passes)
{
	struct pb_spec s = { .src = LL6, .dst = "ff02::16", .ttl = 1, .proto = SFW_IPPROTO_ICMP6,
			     .icmp_type = SFW_ICMPV6_MLD2_REPORT, .payload = 16 };
	struct pb_pkt in, out;

	commit(HOST_SSH);
	build6_ra(&s, &in, 0);
	cr_assert_eq(xdp_at(in_if, &in, &out), FX_XDP_PASS, "an MLDv2 report was refused");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_UNTRACKED_PKTS), 1);
}

/* IPv6 later fragments: a later fragment with Router Alert whose first
 * fragment had none is refused (the IPv6 path of sfw_frag_follow's
 * check: sfw_parse_options for SFW_PKT_FRAGMENT); one like its first
 * passes. */
static int frags6(bool ra_first, bool ra_later, __u32 id)
{
	struct pb_spec s = { .src = CLIENT6, .dst = SERVER6, .proto = SFW_IPPROTO_UDP,
			     .sport = 40600, .dport = 53, .payload = 64, .frag_id = id,
			     .n_ext = 1, .ext = { SFW_IPPROTO_HOPOPTS } };
	struct pb_pkt fr[2], out;
	const __u8 ra[6] = { SFW_IPV6_TLV_RA, 2, 0, 0, 1, 0 };

	cr_assert_eq(pb_fragment(&s, 40, fr, 2), 2);
	if (ra_first)
		memcpy(fr[0].data + fr[0].l3_off + 42, ra, 6);
	if (ra_later)
		memcpy(fr[1].data + fr[1].l3_off + 42, ra, 6);
	cr_assert_eq(xdp_at(in_if, &fr[0], &out), ra_first ? FX_XDP_DROP : FX_XDP_PASS,
		     "the first fragment");
	return xdp_at(in_if, &fr[1], &out);
}

Test(rvra, ipv6_later_fragment_with_ra_its_first_lacked_refused)
{
	commit(HOST_SSH);
	cr_assert_eq(frags6(false, false, 0x301), FX_XDP_PASS, "neither with Router Alert");
	cr_assert_eq(frags6(false, true, 0x302), FX_XDP_DROP,
		     "a later fragment with Router Alert its first fragment did not carry");
	cr_assert_eq(frags6(true, true, 0x303), FX_XDP_DROP, "both with it, host refuses");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_POLICY_DENIED), 2);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}

/* A hop-by-hop list Linux accepts (at most 8 options besides padding,
 * at most 7 padding bytes in a row: ip6_parse_tlv) can hold Router Alert
 * beyond sfw's 32 steps: 7 unknown skippable options (type 0x1e), each
 * behind 7 Pad1, then 7 Pad1 and Router Alert, at step 64. sfw must not
 * let it through unasked. */
Test(rvra, ipv6_ra_beyond_the_walk_limit_still_judged)
{
	struct pb_spec s = { .src = CLIENT6, .dst = SERVER6, .proto = SFW_IPPROTO_UDP,
			     .sport = 40700, .dport = 53, .payload = 16,
			     .n_ext = 1, .ext = { SFW_IPPROTO_HOPOPTS }, .ext_len8 = { 9 } };
	struct pb_pkt in, out;
	__u8 *o;
	int k = 0;

	commit(HOST_SSH);
	cr_assert_eq(pb_build(&s, &in), 0);
	o = in.data + in.l3_off + 42;   /* 78 bytes of options */
	memset(o, 0, 78);
	for (int i = 0; i < 7; i++) {
		k += 7;                          /* Pad1 x7 */
		o[k] = 0x1e;                     /* unknown, skip */
		o[k + 1] = 0;
		k += 2;
	}
	k += 7;
	memcpy(o + k, (__u8[]){ SFW_IPV6_TLV_RA, 2, 0, 1 }, 4);
	k += 4;
	cr_assert_leq(k, 78);
	/* the rest: PadN (Linux: 7 padding bytes at most) */
	cr_assert_leq(78 - k, 7);
	if (78 - k >= 2) {
		o[k] = 1;
		o[k + 1] = 78 - k - 2;
	}
	cr_assert_eq(xdp_at(in_if, &in, &out), FX_XDP_DROP,
		     "Router Alert past the walk's 32 steps passed unasked");
}

/* IPv4: Router Alert behind NOPs and a Timestamp (not the first option)
 * is found, as ip_options_compile finds it anywhere before End. */
Test(rvra, ipv4_ra_not_first_found)
{
	struct pb_spec s = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_UDP,
			     .sport = 40800, .dport = 53, .payload = 16, .ip_opts = 16 };
	struct pb_pkt in, out;
	__u8 *o;

	commit(HOST_SSH);
	cr_assert_eq(pb_build(&s, &in), 0);
	o = in.data + in.l3_off + 20;
	/* NOP, NOP, Timestamp (len 8, ptr 5, oflw/flg 0, one empty slot),
	 * NOP, NOP, Router Alert */
	memcpy(o, (__u8[]){ 1, 1, 68, 8, 5, 0, 0, 0, 0, 0, 1, 1, SFW_IPOPT_RA, 4, 0, 0 }, 16);
	cr_assert_eq(xdp_at(in_if, &in, &out), FX_XDP_DROP, "Router Alert after other options");
}

/* VLAN-tagged frames are parsed under their tag: the options are found
 * at the tagged header's offset. */
Test(rvra, vlan_tagged_ra_judged)
{
	struct pb_spec s = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_UDP,
			     .sport = 40900, .dport = 53, .payload = 16, .ip_opts = 4,
			     .nvlan = 1, .vlan_id = { 5 } };
	struct pb_spec s6 = { .src = CLIENT6, .dst = SERVER6, .proto = SFW_IPPROTO_UDP,
			      .sport = 40900, .dport = 53, .payload = 16,
			      .nvlan = 1, .vlan_id = { 5 } };
	struct pb_pkt in, out;

	commit(HOST_SSH);
	cr_assert_eq(pb_build(&s, &in), 0);
	cr_assert_eq(in.data[in.l3_off + 20], SFW_IPOPT_RA);
	cr_assert_neq(xdp_at(in_if, &in, &out), FX_XDP_PASS, "tagged IPv4 with Router Alert");
	build6_ra(&s6, &in, 1);
	cr_assert_neq(xdp_at(in_if, &in, &out), FX_XDP_PASS, "tagged IPv6 with Router Alert");
}
