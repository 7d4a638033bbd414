/* The sixth review of NAT (docs/nat.md "Sixth review (static NAT)"): a
 * red team's reading of static NAT and of how it meets source NAT, in
 * BPF_PROG_TEST_RUN on the NAT suites' fixture (tests/bpf/nat_fixture.h):
 * clients beyond fa (trust), peers beyond fb (untrust), fb's own address
 * what source-nat interface translates to. Each test failed on the
 * branch it was written against (e4410a3).
 *
 * RV6-1: an interface NAT address inside a static rule's
 * destination-address: an inside host's source NAT session made an alias
 * on the static address, and took what a peer sent the static host on
 * that tuple.
 *
 * RV6-2: a commit between a first packet's policy and its source stage:
 * static NAT's reverse was skipped by the new generation's flag while
 * the packet was judged, and its source rules asked, in the old one: the
 * static host's flow left untranslated. The race program
 * (tests/bpf/xdp_race.bpf.c, RACE_FLIP_CFG) plays the commit. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "race.h"
#include "race_maps.h"
#include "xdp_race.skel.h"

TestSuite(nat_review6, .init = nat_setup, .fini = suite_teardown);

#define PEER SERVER2          /* outside: talks to the static address */
#define STATIC_HOST CLIENT_A  /* inside: the static rule's host */
#define INSIDER CLIENT_B      /* inside: another host of trust */

/* The fixture's source NAT (trust -> untrust, interface: FB_ADDR), and a
 * static rule from untrust whose destination-address holds FB_ADDR, to
 * STATIC_HOST, permitted from untrust to trust. */
static void commit_static_on_the_interface_address(void)
{
	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE
	       "set security policies from-zone untrust to-zone trust policy in match source-address any destination-address any application any\n"
	       "set security policies from-zone untrust to-zone trust policy in then permit\n"
	       "set security nat static rule-set SR from zone untrust\n"
	       "set security nat static rule-set SR rule S match destination-address " FB_ADDR "/32\n"
	       "set security nat static rule-set SR rule S then static-nat prefix " STATIC_HOST "/32\n");
}

/* RV6-1, medium: static NAT forwards every port of its address to its
 * host, and the fifth review's skip of forwarded ports (RV5-1) asked the
 * destination rules only. With fb's address inside a static rule's
 * destination-address, INSIDER's session to PEER left from FB_ADDR:5060
 * (interface NAT keeps a client's port) and its alias took PEER's
 * packets to the static host on that tuple (SIP, IKE NAT-T: a peer
 * talking to the static address from a fixed port): they reached
 * INSIDER, not STATIC_HOST, for as long as INSIDER kept its session.
 * Expected: source NAT to an address a static rule of the replies' zone
 * holds is refused (no port of it is free), and PEER's packet reaches
 * the static host. Failed before the fix (INSIDER left from FB_ADDR:5060,
 * PEER's packet reached INSIDER). */
Test(nat_review6, rv6_1_source_nat_takes_no_address_a_static_rule_forwards)
{
	struct pb_spec take = udp(INSIDER, PEER, 5060, 5060);
	struct pb_spec peer = udp(PEER, FB_ADDR, 5060, 5060);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_static_on_the_interface_address();
	cr_expect_eq(run_at(in_if, &take, &in, &out), FX_XDP_DROP,
		     "source NAT to the static address");
	cr_expect_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(run_at(out_if, &peer, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &peer, PEER, 5060, STATIC_HOST, 5060);
	GET_SESSION(&peer, &sess);
	cr_expect(sess.xflags & SFW_SESS_X_STATIC, "the peer's session is the static rule's");
}

/* RV6-1's control: a static rule of another zone than the replies' (here
 * from trust, whose rule-set the replies from untrust never walk) leaves
 * interface NAT to the same address alone. */
Test(nat_review6, rv6_1_a_static_rule_of_another_zone_leaves_source_nat_alone)
{
	struct pb_spec take = udp(INSIDER, PEER, 5060, 5060);
	struct pb_pkt in, out;

	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE
	       "set security nat static rule-set SR from zone trust\n"
	       "set security nat static rule-set SR rule S match destination-address " FB_ADDR "/32\n"
	       "set security nat static rule-set SR rule S then static-nat prefix " STATIC_HOST "/32\n");
	cr_assert_eq(run_at(in_if, &take, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &take, FB_ADDR, 5060, PEER, 5060);
}

/* Static rule S (192.0.2.130/31 to the clients' 198.51.100.2/31) from
 * untrust, trust -> untrust permitted, and no source NAT rule: the
 * static host's flow to untrust leaves from its static address, or
 * (were static NAT skipped) from its own. */
#define STATIC_A "192.0.2.130"
static void commit_static_alone(void)
{
	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n"
	       "set security policies from-zone trust to-zone untrust policy out then permit\n"
	       "set security policies default-policy deny-all\n"
	       "set security nat static rule-set SR from zone untrust\n"
	       "set security nat static rule-set SR rule S match destination-address 192.0.2.130/31\n"
	       "set security nat static rule-set SR rule S then static-nat prefix 198.51.100.2/31\n");
}

/* Runs spec through the race program at in_if, a commit flipping the
 * generation (and the compiled flags to `flags`) between its policy and
 * its source stage (RACE_FLIP_CFG); *out gets the frame as left.
 * Returns the XDP action. */
static int raced_commit(const struct pb_spec *spec, __u32 flags, struct pb_pkt *out)
{
	struct xdp_md ctx = { .ingress_ifindex = in_if };
	struct xdp_race *race;
	struct pb_pkt in;
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_out = out->data, .data_size_out = PB_MAX,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));

	race = xdp_race__open();
	cr_assert_not_null(race);
	on_fixture_maps(race->obj);
	cr_assert_eq(xdp_race__load(race), 0, "loading the race program");
	race->bss->race_action = RACE_FLIP_CFG;
	race->bss->race_cfg_flags = flags;
	cr_assert_eq(pb_build(spec, &in), 0);
	t.data_in = in.data;
	t.data_size_in = in.len;
	ctx.data_end = in.len;
	*out = in;
	cr_assert_eq(bpf_prog_test_run_opts(bpf_program__fd(race->progs.sfw_xdp_ingress), &t), 0);
	out->len = t.data_size_out;
	cr_assert_eq(race->bss->race_runs, 1, "the commit ran in between");
	xdp_race__destroy(race);
	return (int)t.retval;
}

/* RV6-2, low (a race with a commit): sfw_xdp_out_rule asked static NAT's
 * reverse only when the configuration's flags, read there, have static
 * rule-sets, but walked the lists, and asked the source rules, of the
 * generation the packet was judged in (read before its policy). A commit
 * that removed static NAT in between (its flags flipped in with its
 * generation) made the static host's permitted first packet skip the
 * static rule of its own generation and meet that generation's source
 * rules: none here, so it left from the static host's own address, as
 * neither generation sends it (the new one may deny it). Expected: the
 * static rule of the packet's generation translates it (a generation that
 * changed since is walked whatever the flags say). Failed before the fix
 * (the frame left from 198.51.100.2). */
Test(nat_review6, rv6_2_a_commit_between_policy_and_source_stage_never_skips_static_nat)
{
	struct pb_spec u = udp(STATIC_HOST, SERVER1, 5001, 53);
	struct sfw_config cfg;
	struct pb_pkt out;

	commit_static_alone();
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert(cfg.flags & SFW_CFG_F_NAT_STATIC);
	cr_assert_eq(raced_commit(&u, cfg.flags & ~SFW_CFG_F_NAT_STATIC, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u, STATIC_A, 5001, SERVER1, 53);
}

/* The same race for source NAT, since a generation without source rules
 * walks no source list (SFW_CFG_F_NAT_NO_SOURCE): a commit that removed
 * the source rule-set between the client's policy and its source stage
 * must not send it untranslated, as neither generation does; the rule of
 * the packet's own generation translates it to fb's address. */
Test(nat_review6, a_commit_between_policy_and_source_stage_never_skips_source_nat)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 5002, 53);
	struct sfw_config cfg;
	struct pb_pkt out;

	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE);
	host_ports(50000, 60999);
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_not(cfg.flags & SFW_CFG_F_NAT_NO_SOURCE);
	cr_assert_eq(raced_commit(&u, cfg.flags | SFW_CFG_F_NAT_NO_SOURCE, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u, FB_ADDR, 5002, SERVER1, 53);
}

/* Review rv2, F3: the flags of an sfw compiled before the source lists
 * were gated, in pins an upgrade reuses (attach applies again only a
 * changed text), have no word on source NAT: its lists are walked, and
 * the client leaves translated, as that sfw sent it. */
Test(nat_review6, rv2_f3_flags_from_before_the_gate_walk_the_source_lists)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 5003, 53);
	struct sfw_config cfg;
	struct pb_pkt in, out;

	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE);
	host_ports(50000, 60999);
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags & (SFW_CFG_F_NAT_NO_SOURCE - 1)), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u, FB_ADDR, 5003, SERVER1, 53);
}
