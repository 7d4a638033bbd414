/* Red team rvred4: a review of e5824fa. Each test failed on e5824fa
 * and passes with its finding's fix (docs/security.md "Fragments").
 *
 * The NAT fixture (tests/bpf/nat_fixture.h): fa in trust (clients),
 * fb in untrust toward SERVER1, fc in dmz; trust -> untrust permitted,
 * everything else denied (no NAT rule committed unless a test says so). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "zone_layouts.h"

/* literals: scripts/check-deps.py reads the shell commands with this
 * file's own definitions only */
#define SERVER1_ "203.0.113.2"   /* SERVER1 */

static __u32 fc_if;

static void setup(void)
{
	fc_if = dmz_layout(true);
}

TestSuite(rvred4, .init = setup, .fini = suite_teardown);

/* ---- F1: later fragments are held to no egress zone ---------------------
 *
 * A whole packet (and a first fragment) of a transit session that the
 * stack would forward into another zone than its other wing's is refused
 * at XDP (sfw_xdp_egress_ok, sfw_xdp_route_first) and at tc
 * (sfw_leaves_by_peer_zone): review Z5, RV2-7 to RV2-9. A later fragment
 * was not: XDP's route-first returned early for SFW_FRAG_LATER, the
 * post-accounting egress check skipped it, and tc's sfw_tc_judged_frag
 * checked where it came in only. The stack routes every fragment by its
 * own header, ToS (IPv4) or traffic class / flow label (IPv6) included,
 * which the sender chooses per fragment. Under `ip rule tos 0x10` sending
 * SERVER1 by fc (dmz), a trust client sends one permitted first fragment
 * to SERVER1 (ToS 0: trust -> untrust), then any number of later
 * fragments of that datagram with ToS 0x10 for 30 s (60 s for IPv6): all
 * go into dmz, a zone pair trust -> dmz that denies everything.
 * (docs/nat.md accepts that "a route that moves between a datagram's
 * fragments takes its tail with it": a race with a route change. Here the
 * sender picks the route of each fragment, for as long as it likes,
 * renewing the record with one first fragment every 30 s.) */

#define TOS_BY_FC "ip route add " SERVER1_ "/32 dev fc table 101 && " \
		  "ip -6 route add " SERVER6 "/128 dev fc table 101 && " \
		  "ip rule add tos 0x10 table 101 && ip -6 rule add tos 0x10 table 101"

static struct pb_spec first_frag(const char *src, const char *dst, __u16 sport)
{
	struct pb_spec s = { .src = src, .dst = dst, .proto = SFW_IPPROTO_UDP, .sport = sport,
			     .dport = 53, .payload = 64, .more_frags = true, .ip_id = sport,
			     .frag_id = sport };

	if (pb_is_v6(&s)) {
		s.n_ext = 1;
		s.ext[0] = SFW_IPPROTO_FRAGMENT;
	}
	return s;
}

/* A later fragment of first_frag's datagram, its ToS (traffic class) tos */
static struct pb_spec later_frag(const char *src, const char *dst, __u16 sport, __u8 tos)
{
	struct pb_spec s = { .src = src, .dst = dst, .proto = SFW_IPPROTO_UDP,
			     .frag_off = 72, .payload = 64, .more_frags = true, .ip_id = sport,
			     .frag_id = sport, .tos = tos };

	if (pb_is_v6(&s)) {
		s.n_ext = 1;
		s.ext[0] = SFW_IPPROTO_FRAGMENT;
	}
	return s;
}

static void later_fragment_into_dmz(const char *src, const char *dst, __u16 sport)
{
	struct pb_spec first = first_frag(src, dst, sport);
	struct pb_spec plain = later_frag(src, dst, sport, 0);
	struct pb_spec marked = later_frag(src, dst, sport, 0x10);
	struct pb_pkt in, out;

	sh(TOS_BY_FC);
	cr_assert_eq(run_at(in_if, &first, &in, &out), FX_XDP_PASS,
		     "the first fragment: trust -> untrust, up to the stack");
	cr_assert_eq(run_at(in_if, &plain, &in, &out), FX_XDP_PASS,
		     "control: a later fragment routed by fb");
	cr_assert_eq(tc_of(out_if, in_if, &plain), FX_TC_OK, "control: leaves by fb");
	/* the same datagram's later fragment, marked: the stack routes it
	 * by table 101, into dmz */
	cr_expect_eq(run_at(in_if, &marked, &in, &out), FX_XDP_DROP,
		     "XDP passed a later fragment the stack routes into dmz");
	cr_expect_eq(tc_of(fc_if, in_if, &marked), FX_TC_SHOT,
		     "tc let a later fragment of a trust -> untrust session out into dmz");
}

Test(rvred4, f1_ipv4_later_fragment_with_another_tos_leaves_into_dmz)
{
	later_fragment_into_dmz(CLIENT_A, SERVER1, 44001);
}

Test(rvred4, f1_ipv6_later_fragment_with_another_traffic_class_leaves_into_dmz)
{
	later_fragment_into_dmz(CLIENT6, SERVER6, 44002);
}

/* With source NAT: the In wing's later fragment goes up untranslated
 * (sfw_nat_pass_ok asked only that its egress be attached) and tc's
 * sfw_tc_nat_frag translated it on whatever attached egress the stack
 * chose: out into dmz, from the firewall's address. */
#define SNAT_RS "set security nat source rule-set RS from zone trust\n" \
		"set security nat source rule-set RS to zone untrust\n" \
		NAT_R1_INTERFACE

Test(rvred4, f1_snat_later_fragment_with_another_tos_leaves_into_dmz_translated)
{
	struct pb_spec first = first_frag(CLIENT_A, SERVER1, 44004);
	struct pb_spec plain = later_frag(CLIENT_A, SERVER1, 44004, 0);
	struct pb_spec marked = later_frag(CLIENT_A, SERVER1, 44004, 0x10);
	struct pb_pkt in, out, p;
	int rc;

	commit(ZONES_FC_DMZ TRUST_OUT_ONLY SNAT_RS);
	sh(TOS_BY_FC);
	cr_assert_eq(run_at(in_if, &first, &in, &out), FX_XDP_PASS, "the first fragment");
	cr_assert_eq(tc_of(out_if, in_if, &first), FX_TC_OK, "translated at fb's tc");
	cr_assert_eq(run_at(in_if, &plain, &in, &out), FX_XDP_PASS, "control: by fb");
	cr_assert_eq(tc_of(out_if, in_if, &plain), FX_TC_OK, "control: translated at fb's tc");
	cr_expect_eq(run_at(in_if, &marked, &in, &out), FX_XDP_DROP,
		     "XDP passed a NAT session's later fragment the stack routes into dmz");
	cr_assert_eq(pb_build(&marked, &p), 0);
	rc = tc_at(fc_if, in_if, &p, &out);
	cr_expect_eq(rc, FX_TC_SHOT, "tc translated a later fragment and let it out into dmz");
	if (rc == FX_TC_OK)
		cr_expect_neq(addr_at(&out, 12), a4(FB_ADDR),
			      "it left into dmz from the firewall's own address");
}

/* The same datagram forwarded from an interface sfw does not watch (fa
 * detached): no XDP judged it, tc opened its session from its first
 * fragment and follows its later ones (sfw_frag_follow), which were sent
 * out of any egress the stack chose. Now as tc's whole packets: into the
 * zone of the wing they go to only. */
Test(rvred4, f1_later_fragment_from_an_unwatched_interface_leaves_into_its_zone_only)
{
	struct pb_spec first = first_frag(CLIENT_A, SERVER1, 44005);
	struct pb_spec plain = later_frag(CLIENT_A, SERVER1, 44005, 0);
	struct pb_spec marked = later_frag(CLIENT_A, SERVER1, 44005, 0x10);
	struct sfw_iface_key k = { .ifindex = in_if };

	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, "sfw_ifaces"), &k), 0);
	cr_assert_eq(tc_of(out_if, in_if, &first), FX_TC_OK,
		     "the first fragment: trust -> untrust, opened at tc");
	cr_assert_eq(tc_of(out_if, in_if, &plain), FX_TC_OK, "control: by fb");
	cr_expect_eq(tc_of(fc_if, in_if, &marked), FX_TC_SHOT,
		     "tc let a later fragment of a trust -> untrust session out into dmz");
}
