/* Destination NAT's fragments under attack (docs/nat.md "Fragments"):
 * the cases review rvfrag2 tried, each kept as a test, in the fixture of
 * tests/bpf/test_nat_dst.c (CLIENT outside, PUBLIC the firewall's WAN
 * address, INSIDE and OTHER the port forwards' servers). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"

TestSuite(nat_dst_frag, .init = nat_setup, .fini = suite_teardown);

#define CLIENT SERVER1
#define PUBLIC FB_ADDR
#define INSIDE CLIENT_A
#define OTHER CLIENT_B

static void commit_dnat_with(const char *extra, const char *nat)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "set security zones security-zone trust interfaces fa\n"
		 "set security zones security-zone untrust interfaces fb\n"
		 "%s"
		 "set security policies from-zone untrust to-zone trust policy in match source-address any destination-address any application any\n"
		 "set security policies from-zone untrust to-zone trust policy in then permit\n"
		 "set security policies default-policy deny-all\n"
		 "set security nat destination pool D address " INSIDE "/32 port 80\n"
		 "set security nat destination rule-set DR from zone untrust\n"
		 "%s", extra, nat);
	commit(text);
}

#define RULE_W                                                                          \
	"set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n" \
	"set security nat destination rule-set DR rule W match destination-port 8080\n"  \
	"set security nat destination rule-set DR rule W match protocol [ tcp udp ]\n"   \
	"set security nat destination rule-set DR rule W then destination-nat pool D\n"
#define RULE_W2                                                                         \
	"set security nat destination pool D2 address " OTHER "/32 port 22\n"           \
	"set security nat destination rule-set DR rule W2 match destination-address " PUBLIC "/32\n" \
	"set security nat destination rule-set DR rule W2 match destination-port 8081\n"  \
	"set security nat destination rule-set DR rule W2 match protocol [ tcp udp ]\n"   \
	"set security nat destination rule-set DR rule W2 then destination-nat pool D2\n"

/* RV2-1: the stack fragments a port forward's reply; the session goes
 * (evicted / cleared) after tc translated and recorded the first
 * fragment. sfw_tc_nat_frag's tc_dir falls back to SFW_WING_IN with no
 * session, so an Out-wing record answers 0 ("XDP translated it"): the
 * later fragment must still not leave from the server's private address. */
Test(nat_dst_frag, reply_later_fragment_after_session_gone)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40012, 8080), ans;
	struct pb_pkt in, out, fr[4], tx[4];
	int rc;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_dnat_with("", RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	ans = udp(INSIDE, CLIENT, 80, 40012);
	ans.payload = 1200;
	ans.ip_id = 411;
	cr_assert_eq(pb_fragment(&ans, 512, fr, 4), 3);
	cr_assert_eq(tc_at(out_if, in_if, &fr[0], &tx[0]), FX_TC_OK);
	cr_assert_eq(addr_at(&tx[0], 12), a4(PUBLIC));
	nat_evict(&u);
	rc = tc_at(out_if, in_if, &fr[1], &tx[1]);
	cr_assert(rc != FX_TC_OK || addr_at(&tx[1], 12) != a4(INSIDE),
		  "later fragment left untranslated from the private address (rc %d)", rc);
}

/* RV2-2: the client addresses a first fragment straight to the inside
 * server's tuple (its own session's alias); never to be passed. */
Test(nat_dst_frag, client_to_the_alias_tuple_refused)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40013, 8080), d;
	struct pb_pkt in, out, fr[4], tx[4];

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_dnat_with("", RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	d = udp(CLIENT, INSIDE, 40013, 80);
	d.payload = 1200;
	d.ip_id = 412;
	cr_assert_eq(pb_fragment(&d, 512, fr, 4), 3);
	cr_assert_neq(xdp_at(out_if, &fr[0], &tx[0]), FX_XDP_PASS, "first fragment to the alias tuple");
	cr_assert_neq(xdp_at(out_if, &fr[1], &tx[1]), FX_XDP_PASS, "later fragment to the alias tuple");
}

/* RV2-3: one client, one IP id, two port forwards (PUBLIC:8080 to
 * INSIDE:80, PUBLIC:8081 to OTHER:22): the second first fragment must not
 * take the first datagram's later fragments to OTHER. Linux (nf_defrag
 * before nf_nat) reassembles by (client, public, id), sees two first
 * fragments and drops the datagram: so does sfw (a clash). */
Test(nat_dst_frag, same_id_two_forwards_splits_no_datagram)
{
	struct pb_spec a = udp(CLIENT, PUBLIC, 40014, 8080), b = udp(CLIENT, PUBLIC, 40015, 8081);
	struct pb_pkt fa[4], fb[4], tx[4];

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_dnat_with("", RULE_W RULE_W2);
	a.payload = b.payload = 1200;
	a.ip_id = b.ip_id = 413;
	cr_assert_eq(pb_fragment(&a, 512, fa, 4), 3);
	cr_assert_eq(pb_fragment(&b, 512, fb, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fa[0], &tx[0]), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx[0], 16), a4(INSIDE));
	cr_assert_eq(xdp_at(out_if, &fb[0], &tx[1]), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx[1], 16), a4(OTHER));
	cr_assert_eq(xdp_at(out_if, &fa[1], &tx[2]), FX_XDP_DROP, "a's later fragment, to %s",
		     addr_at(&tx[2], 16) == a4(OTHER) ? "OTHER" : "?");
	cr_assert_eq(xdp_at(out_if, &fb[1], &tx[3]), FX_XDP_DROP, "b's later fragment");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_TINY), 2);
}

/* RV2-4: port forwarding to the host itself, fragmented: refused. */
Test(nat_dst_frag, fragments_to_the_host_itself_refused)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40016, 2222);
	struct pb_pkt fr[4], tx[4];

	commit_dnat_with("set security policies from-zone untrust to-zone junos-host policy h match source-address any destination-address any application any\n"
			 "set security policies from-zone untrust to-zone junos-host policy h then permit\n",
			 "set security nat destination pool H address 198.51.100.1/32 port 22\n"
			 "set security nat destination rule-set DR rule W match destination-address " PUBLIC "/32\n"
			 "set security nat destination rule-set DR rule W then destination-nat pool H\n");
	u.payload = 1200;
	u.ip_id = 414;
	cr_assert_eq(pb_fragment(&u, 512, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx[0]), FX_XDP_DROP);
	cr_assert_eq(xdp_at(out_if, &fr[1], &tx[1]), FX_XDP_DROP);
	cr_assert_eq(fx_session_count(), 0);
}

/* RV2-5: a session opened whole, then a fragmented datagram on it: the
 * established path records the In wing under the public address too. */
Test(nat_dst_frag, established_session_fragments)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40017, 8080), big;
	struct pb_pkt in, out, fr[4], tx[4];

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_dnat_with("", RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	big = u;
	big.payload = 1200;
	big.ip_id = 415;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(xdp_at(out_if, &fr[i], &tx[i]), FX_XDP_PASS, "fragment %d", i);
		cr_assert_eq(addr_at(&tx[i], 16), a4(INSIDE), "fragment %d", i);
	}
}

static void frag_both_ways(__u16 cport, __u16 id, int expect_first)
{
	struct pb_spec big = udp(CLIENT, PUBLIC, cport, 8080), ans;
	struct pb_pkt fr[4], tx[4], up[4];
	int rc;

	big.payload = 1200;
	big.ip_id = id;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	rc = xdp_at(out_if, &fr[0], &tx[0]);
	cr_assert_eq(rc, expect_first, "first fragment rc %d", rc);
	if (expect_first != FX_XDP_PASS) {
		cr_assert_eq(xdp_at(out_if, &fr[1], &tx[1]), FX_XDP_DROP);
		return;
	}
	for (int i = 1; i < 3; i++) {
		cr_assert_eq(xdp_at(out_if, &fr[i], &tx[i]), FX_XDP_PASS);
		cr_assert_eq(addr_at(&tx[i], 16), a4(INSIDE));
	}
	ans = udp(INSIDE, CLIENT, 80, cport);
	ans.payload = 1200;
	ans.ip_id = id + 1;
	cr_assert_eq(pb_fragment(&ans, 512, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(xdp_at(in_if, &fr[i], &up[i]), FX_XDP_PASS, "answer %d", i);
		cr_assert_eq(tc_at(out_if, in_if, &up[i], &tx[i]), FX_TC_OK, "answer %d", i);
		cr_assert_eq(addr_at(&tx[i], 12), a4(PUBLIC), "answer %d", i);
	}
}

/* RV2-6: the usual config: outbound source NAT (trust->untrust,
 * interface) beside the port forward; fragments both ways still work. */
Test(nat_dst_frag, with_outbound_snat_rule)
{
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_dnat_with("set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n"
			 "set security policies from-zone trust to-zone untrust policy out then permit\n"
			 "set security nat source rule-set RS from zone trust\n"
			 "set security nat source rule-set RS to zone untrust\n"
			 NAT_R1_INTERFACE, RULE_W);
	frag_both_ways(40020, 500, FX_XDP_PASS);
}

/* RV2-7: both NATs at once (a source rule untrust->trust): refused for
 * a first fragment as for a whole packet. */
Test(nat_dst_frag, both_nats_refused_for_fragments)
{
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_dnat_with("set security nat source rule-set RS from zone untrust\n"
			 "set security nat source rule-set RS to zone trust\n"
			 "set security nat source rule-set RS rule S match source-address 0.0.0.0/0\n"
			 "set security nat source rule-set RS rule S then source-nat interface\n", RULE_W);
	frag_both_ways(40021, 510, FX_XDP_DROP);
	cr_assert_eq(fx_session_count(), 0);
}

/* RV2-8: a later fragment of the client's datagram, spoofed from the
 * inside (same addresses, id), is refused by the wing's zone binding. */
Test(nat_dst_frag, later_fragment_from_the_wrong_zone_refused)
{
	struct pb_spec big = udp(CLIENT, PUBLIC, 40022, 8080);
	struct pb_pkt fr[4], tx[4];

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_dnat_with("", RULE_W);
	big.payload = 1200;
	big.ip_id = 520;
	cr_assert_eq(pb_fragment(&big, 512, fr, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fr[0], &tx[0]), FX_XDP_PASS);
	cr_assert_eq(xdp_at(in_if, &fr[1], &tx[1]), FX_XDP_DROP);
	cr_assert_eq(xdp_at(out_if, &fr[2], &tx[2]), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx[2], 16), a4(INSIDE));
}

/* RV2-9: the reply's fragments toward an egress nothing translates at
 * (out_if not attached): refused at XDP, never up untranslated. */
Test(nat_dst_frag, reply_fragments_toward_unattached_egress_refused)
{
	struct pb_spec u = udp(CLIENT, PUBLIC, 40023, 8080), ans;
	struct pb_pkt in, out, fr[4], tx[4];

	cr_assert_eq(fx_mark_attached(in_if), 0);
	commit_dnat_with("", RULE_W);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	ans = udp(INSIDE, CLIENT, 80, 40023);
	ans.payload = 1200;
	ans.ip_id = 521;
	cr_assert_eq(pb_fragment(&ans, 512, fr, 4), 3);
	cr_assert_eq(xdp_at(in_if, &fr[0], &tx[0]), FX_XDP_DROP);
	cr_assert_eq(xdp_at(in_if, &fr[1], &tx[1]), FX_XDP_DROP);
}

/* RV2-10: the record key (client, public address, id, proto) is shared
 * by the port forward and the host's own services on that address. A
 * first fragment with the same id to a host service (a spoofer's, or the
 * client's own) re-pointed the record: the later fragments of the
 * datagram the port forward sent to INSIDE went up untranslated,
 * addressed to the public address, to the host's own stack (and
 * reassembled there with the host-bound first fragment). nf_defrag sees
 * one datagram with two first fragments and drops it; so does sfw (a
 * clash), both datagrams' later fragments. */
Test(nat_dst_frag, same_id_to_a_host_service_diverts_nothing)
{
	struct pb_spec a = udp(CLIENT, PUBLIC, 40030, 8080), h = udp(CLIENT, PUBLIC, 40031, 5000);
	struct pb_pkt fa[4], fh[4], tx[4];

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_dnat_with("set security policies from-zone untrust to-zone junos-host policy h match source-address any destination-address any application any\n"
			 "set security policies from-zone untrust to-zone junos-host policy h then permit\n",
			 RULE_W);
	a.payload = h.payload = 1200;
	a.ip_id = h.ip_id = 530;
	cr_assert_eq(pb_fragment(&a, 512, fa, 4), 3);
	cr_assert_eq(pb_fragment(&h, 512, fh, 4), 3);
	cr_assert_eq(xdp_at(out_if, &fa[0], &tx[0]), FX_XDP_PASS);
	cr_assert_eq(addr_at(&tx[0], 16), a4(INSIDE));
	cr_assert_eq(xdp_at(out_if, &fh[0], &tx[1]), FX_XDP_PASS, "host-bound first fragment");
	cr_assert_eq(addr_at(&tx[1], 16), a4(PUBLIC));
	cr_assert_eq(xdp_at(out_if, &fa[1], &tx[2]), FX_XDP_DROP,
		     "the port forward's later fragment went up to the host's own address");
	cr_assert_eq(xdp_at(out_if, &fh[1], &tx[3]), FX_XDP_DROP, "the host's later fragment");
}
