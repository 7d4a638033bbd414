/* Adversarial review of rvtcfrag's fixes (RVT-1 sfw_tc_judged_frag's zone
 * binding and its `quote` exception, RVT-2 sfw_tc_flow's record asked
 * once, RVT-3 sfw_tc_nat_frag's In wing at tc), in tests/bpf/nat_fixture.h's
 * veth pair (fa trust, the clients; fb untrust, 203.0.113.1, the
 * servers). Each test asserts what docs/nat.md "Fragments" promises. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "frag.h"

TestSuite(rvfix, .init = nat_setup, .fini = suite_teardown);

/* Clears `quote` in every datagram record: what an sfw older than
 * rvtcfrag's fix (pad[2], zero) wrote and left pinned across an upgrade. */
static int frags_forget_quote(void)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_FRAGS)), n = 0;
	struct sfw_frag_key k, next, *prev = NULL;
	struct sfw_frag v;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;
		if (v.quote) {
			v.quote = 0;
			cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
			n++;
		}
	}
	return n;
}

/* An ICMP error about a plain (source-nat off) session's packet, too big
 * for the client's link: the stack forwards it from fb to fa and cuts it
 * in three. tc records its datagram on the quoted session's In wing
 * (sfw_tc_nat_icmp, SFW_FRAG_REC_QUOTE) and its later fragments, which
 * come in by fb (the Out wing's zone, untrust), pass unbound. Sets
 * fr[0..3). */
static void big_error_cut_as(struct pb_pkt *fr, __u16 id);

static void big_error_cut(struct pb_pkt *fr, __u16 id)
{
	commit(NAT_HEAD_TEXT NAT_R0_OFF NAT_R1_INTERFACE);
	big_error_cut_as(fr, id);
}

/* big_error_cut's, its configuration committed already */
static void big_error_cut_as(struct pb_pkt *fr, __u16 id)
{
	static struct pb_spec quoted;
	struct pb_spec u = udp(CLIENT_B, SERVER1, 47300, 53), err;
	struct pb_pkt in, out;

	host_ports(50000, 60999);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(CLIENT_B), "R0 exempts CLIENT_B");
	quoted = u;
	quoted.payload = 1000;
	err = (struct pb_spec){ .src = SERVER2, .dst = CLIENT_B, .proto = SFW_IPPROTO_ICMP,
				.icmp_type = 3, .icmp_code = 3, .inner = &quoted, .ip_id = id };
	cr_assert_eq(pb_fragment(&err, NAT_FRAG_BYTES, fr, 4), 3);
}

/* big_error_cut's, with fc a third interface, attached, in zone dmz
 * (a tunnel peer's); fc's index. */
static __u32 dmz_error_cut(struct pb_pkt *fr, __u16 id)
{
	char text[4096];
	__u32 fc;

	fc = veth_fc_up();
	snprintf(text, sizeof(text), NAT_HEAD_TEXT NAT_R0_OFF NAT_R1_INTERFACE
		 "set security zones security-zone dmz interfaces fc\n");
	commit(text);
	cr_assert_eq(fx_mark_attached(fc), 0);
	big_error_cut_as(fr, id);
	return fc;
}

/* Held: with the record rvtcfrag writes (quote set), every fragment of
 * the stack's cut of a forwarded error leaves. */
Test(rvfix, a_forwarded_errors_later_fragments_follow_its_quote_record)
{
	struct pb_pkt fr[4], tx;

	big_error_cut(fr, 6001);
	cr_assert_eq(tc_at(in_if, out_if, &fr[0], &tx), FX_TC_OK, "the error's first fragment");
	for (int i = 1; i < 3; i++)
		cr_expect_eq(tc_at(in_if, out_if, &fr[i], &tx), FX_TC_OK, "the error's fragment %d",
			     i);
}

/* RVT-1, upgrade (low, accepted): a record an older sfw wrote and left
 * pinned has no `quote` (pad, zero), so a stack-fragmented error's record
 * is bound to the quoted session's In wing (trust), while the error's
 * later fragments come in by fb (untrust): refused under Invalid zone.
 * An error in flight across the upgrade loses its tail (a record lives
 * 30 s), failing closed: nothing tells such a record from a plain one,
 * and binding neither would leave RVT-1 open (docs/nat.md "Fragments"). */
Test(rvfix, an_error_record_pinned_before_the_upgrade_fails_closed)
{
	struct pb_pkt fr[4], tx;

	big_error_cut(fr, 6002);
	cr_assert_eq(tc_at(in_if, out_if, &fr[0], &tx), FX_TC_OK, "the error's first fragment");
	cr_assert_eq(frags_forget_quote(), 1, "one quote record, written by the first fragment");
	cr_assert_eq(tc_at(in_if, out_if, &fr[1], &tx), FX_TC_SHOT, "the later fragment refused");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INVALID_ZONE), 1, "under Invalid zone");
}

/* Held (RVT-1 and RVT-3 on the attached path): a port forward's In wing
 * its sender fragmented, each fragment through fb's XDP (translated
 * there, to CLIENT_B) and then the stack toward fa's tc egress: the
 * later fragments' record is tc's of the translated first (the private
 * destination, sfw_tc_dnat_reply), p->dst == s->nat.dst, nothing
 * translated twice, and all bound to untrust, where they came from. */
Test(rvfix, a_port_forwards_fragmented_in_wing_through_xdp_and_tc)
{
	struct pb_spec u = udp(SERVER1, FB_ADDR, 40700, 8080), big = u;
	struct pb_pkt in, out, fr[4], up, tx;

	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE NAT_FORWARD_8080_TO_B);
	host_ports(50000, 60999);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_B));
	big.payload = 1200;
	big.ip_id = 6100;
	cr_assert_eq(pb_fragment(&big, NAT_FRAG_BYTES, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(xdp_at(out_if, &fr[i], &up), FX_XDP_PASS, "fragment %d at XDP", i);
		cr_expect_eq(addr_at(&up, 16), a4(CLIENT_B), "fragment %d translated at XDP", i);
		cr_expect_eq(tc_at(in_if, out_if, &up, &tx), FX_TC_OK, "fragment %d at tc", i);
		cr_expect_eq(addr_at(&tx, 16), a4(CLIENT_B), "fragment %d leaves to CLIENT_B", i);
		cr_expect_eq(fold(sum16(tx.data + tx.l3_off, 20, 0)), 0xffff,
			     "fragment %d's IPv4 header checksum", i);
	}
}

/* Held (RVT-1): the same port forward's reply, fragmented by CLIENT_B,
 * through fa's XDP (passed up) and fb's tc (translated from FB_ADDR),
 * all fragments bound to trust where they came in. */
Test(rvfix, a_port_forwards_fragmented_reply_through_xdp_and_tc)
{
	struct pb_spec u = udp(SERVER1, FB_ADDR, 40800, 8080), r = udp(CLIENT_B, SERVER1, 80, 40800);
	struct pb_pkt in, out, fr[4], up, tx;

	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE NAT_FORWARD_8080_TO_B);
	host_ports(50000, 60999);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	r.payload = 1200;
	r.ip_id = 6200;
	cr_assert_eq(pb_fragment(&r, NAT_FRAG_BYTES, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		int rc = xdp_at(in_if, &fr[i], &up);

		cr_assert(rc == FX_XDP_PASS || rc == FX_XDP_REDIRECT, "fragment %d at XDP: %d", i,
			  rc);
		if (rc == FX_XDP_REDIRECT) {
			cr_expect_eq(addr_at(&up, 12), a4(FB_ADDR), "fragment %d from FB_ADDR", i);
			continue;
		}
		cr_expect_eq(tc_at(out_if, in_if, &up, &tx), FX_TC_OK, "fragment %d at tc", i);
		cr_expect_eq(addr_at(&tx, 12), a4(FB_ADDR), "fragment %d leaves from FB_ADDR", i);
	}
}

/* RVT-1, the `quote` exception (medium-low): sfw_tc_nat_icmp writes an
 * error's quote record on the attached path BEFORE sfw_tc_judged judges
 * the error, and keeps it when the error is refused. A tunnel peer in
 * dmz (fc, attached; its decapsulated packets never seen by XDP: the
 * stack re-injects them with skb_iif fc) forges an ICMP error from
 * SERVER2 to CLIENT_B quoting CLIENT_B's plain session to SERVER1, in
 * fragments of its own identification. The first fragment is refused
 * (from dmz, not where the quoted packet went: Invalid zone), but its
 * record, `quote`, binds no zone: every later fragment the peer sends
 * under that identification is judged by it and leaves fa for
 * CLIENT_B, unbound, where RVT-1 promises "a later fragment judged by
 * its record is bound to its record's wing's zone". */
Test(rvfix, a_refused_errors_quote_record_passes_no_later_fragment)
{
	struct pb_pkt fr[4], tx;
	__u32 fc;
	int rc;

	fc = dmz_error_cut(fr, 6003);
	cr_assert_eq(tc_at(in_if, fc, &fr[0], &tx), FX_TC_SHOT,
		     "the forged error's first fragment from dmz");
	for (int i = 1; i < 3; i++) {
		rc = tc_at(in_if, fc, &fr[i], &tx);
		cr_expect_eq(rc, FX_TC_SHOT,
			     "the forged error's later fragment %d from dmz left fa for CLIENT_B "
			     "(rc %d) on the record its refused first fragment left", i, rc);
	}
}

/* RVT-1, the `quote` exception, an honest first fragment: the stack's
 * cut of a real error from untrust (fb) is recorded `quote`; a later
 * fragment forged under its identification by a tunnel peer in dmz
 * (fc, XDP never saw it) is judged by that record, bound to no zone, and
 * leaves for CLIENT_B inside the error's datagram. The error's own wing
 * (sfw_error_wing of the quoted wing: the Out wing, untrust) is known
 * from the record and could bind it. */
Test(rvfix, a_quote_records_later_fragment_from_another_zone_refused)
{
	struct pb_pkt fr[4], tx;
	__u32 fc;
	int rc;

	fc = dmz_error_cut(fr, 6004);
	cr_assert_eq(tc_at(in_if, out_if, &fr[0], &tx), FX_TC_OK, "the error's first fragment");
	rc = tc_at(in_if, fc, &fr[1], &tx);
	cr_expect_eq(rc, FX_TC_SHOT,
		     "a later fragment forged from dmz into the error's datagram left fa (rc %d)",
		     rc);
	cr_expect_eq(tc_at(in_if, out_if, &fr[2], &tx), FX_TC_OK, "the error's own tail");
}

/* fc a second interface of trust (ECMP, a bond's member), fa and fb
 * attached and fc too if attach_fc; u's session opened through fa's XDP
 * and its 1,200-byte datagram under IP id `id` cut into fr[0..3). fc's
 * index. */
static __u32 trust_fc_cut(const struct pb_spec *u, __u16 id, bool attach_fc, struct pb_pkt *fr)
{
	struct pb_spec big = *u;
	struct pb_pkt in, out;
	char text[4096];
	__u32 fc;

	fc = veth_fc_up();
	snprintf(text, sizeof(text), NAT_HEAD_TEXT NAT_R1_INTERFACE
		 "set security zones security-zone trust interfaces fc\n");
	commit(text);
	host_ports(50000, 60999);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	if (attach_fc)
		cr_assert_eq(fx_mark_attached(fc), 0);
	cr_assert_eq(run_at(in_if, u, &in, &out), FX_XDP_REDIRECT);
	big.payload = 1200;
	big.ip_id = id;
	cr_assert_eq(pb_fragment(&big, NAT_FRAG_BYTES, fr, 4), 3);
	return fc;
}

/* Held (RVT-1): a source NAT client's datagram whose later fragments
 * come in by another interface of trust (fc: ECMP, a bond's member): at
 * XDP they follow by the zone (sfw_frag_follow), and at tc, judged by
 * their record, they are bound to the In wing's zone, not its
 * interface: translated and sent. */
Test(rvfix, later_fragments_by_another_interface_of_the_zone_follow)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 47500, 53);
	struct pb_pkt fr[4], up, tx;
	__u32 fc;
	int rc;

	fc = trust_fc_cut(&u, 6300, true, fr);
	cr_assert_eq(xdp_at(in_if, &fr[0], &up), FX_XDP_PASS);
	cr_assert_eq(tc_at(out_if, in_if, &up, &tx), FX_TC_OK, "the first fragment by fa");
	cr_assert_eq(addr_at(&tx, 12), a4(FB_ADDR));
	/* seen by fc's XDP */
	rc = xdp_at(fc, &fr[1], &up);
	cr_assert_eq(rc, FX_XDP_PASS, "the second by fc at XDP: %d", rc);
	cr_expect_eq(tc_at(out_if, fc, &up, &tx), FX_TC_OK, "the second by fc at tc");
	cr_expect_eq(addr_at(&tx, 12), a4(FB_ADDR), "the second by fc translated");
	/* never seen by XDP (decapsulated, skb_iif fc) */
	cr_expect_eq(tc_at(out_if, fc, &fr[2], &tx), FX_TC_OK, "the third by fc, unseen by XDP");
	cr_expect_eq(addr_at(&tx, 12), a4(FB_ADDR), "the third by fc translated");
}

/* rvtcfrag's static rule S (192.0.2.130/31 to 198.51.100.2/31 from
 * untrust), fc a second interface of untrust sfw is not attached to */
#define RVF_STATIC_A2 "192.0.2.130"
#define RVF_STATIC_TEXT                                                                       \
	"set security zones security-zone untrust interfaces fc\n"                                \
	"set security policies from-zone untrust to-zone trust policy in match source-address " \
	"any destination-address any application any\n"                                         \
	"set security policies from-zone untrust to-zone trust policy in then permit\n"         \
	"set security nat static rule-set SR from zone untrust\n"                                 \
	"set security nat static rule-set SR rule S match destination-address 192.0.2.130/31\n"  \
	"set security nat static rule-set SR rule S then static-nat prefix 198.51.100.2/31\n"

/* The other wing RVT-3 left (sfw_tc_nat_frag returns 0 for the Out wing
 * of the wing XDP translates; sfw_tc_flow's tc_nat takes no reply found
 * through an alias unless destination NAT's): static NAT's host CLIENT_A
 * opens outward through fa's XDP (leaving from its static address A2);
 * the server's answer to A2 comes back by fc, an uplink of untrust sfw
 * is not attached to, the stack routing A2 inward as in
 * rvtcfrag/a_static_in_wings_later_fragments_from_an_unattached_ingress_translated.
 * It must leave translated back to CLIENT_A, or not at all; its
 * fragments likewise. */
Test(rvfix, a_static_hosts_answer_from_an_unattached_ingress_translated_or_refused)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 47600, 53), r, big;
	struct pb_pkt in, out, fr[4];
	__u16 sport;
	__u32 fc;
	int rc;

	fc = veth_fc_up();
	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE RVF_STATIC_TEXT);
	host_ports(50000, 60999);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* fc is not */
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(RVF_STATIC_A2), "CLIENT_A leaves from A2");
	sport = port_at(&out, 0);
	r = udp(SERVER1, RVF_STATIC_A2, 53, sport);
	cr_assert_eq(pb_build(&r, &in), 0);
	rc = tc_at(in_if, fc, &in, &out);
	cr_expect(rc == FX_TC_SHOT || addr_at(&out, 16) == a4(CLIENT_A),
		  "the answer by fc left fa untranslated, to %s (rc %d)",
		  addr_at(&out, 16) == a4(RVF_STATIC_A2) ? RVF_STATIC_A2 : "(other)", rc);
	big = r;
	big.payload = 1200;
	big.ip_id = 6400;
	cr_assert_eq(pb_fragment(&big, NAT_FRAG_BYTES, fr, 4), 3);
	for (int i = 0; i < 3; i++) {
		rc = tc_at(in_if, fc, &fr[i], &out);
		cr_expect(rc == FX_TC_SHOT || addr_at(&out, 16) == a4(CLIENT_A),
			  "the answer's fragment %d by fc left fa untranslated, to %s (rc %d)", i,
			  addr_at(&out, 16) == a4(RVF_STATIC_A2) ? RVF_STATIC_A2 : "(other)", rc);
	}
}

/* Held (RVT-2): a source NAT client's datagram from fc, an interface of
 * trust sfw is not attached to, on the session fa's XDP opened: its
 * first fragment is translated by sfw_tc_nat, which records it (the
 * final sfw_frag_record now skipped), and its later fragments follow
 * that record, translated by sfw_tc_nat_frag. */
Test(rvfix, a_snat_datagram_from_an_unattached_ingress_recorded_once_and_followed)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 47700, 53);
	struct pb_pkt fr[4], tx;
	__u32 fc;

	fc = trust_fc_cut(&u, 6500, false, fr);   /* fc is not attached */
	for (int i = 0; i < 3; i++) {
		cr_expect_eq(tc_at(out_if, fc, &fr[i], &tx), FX_TC_OK, "fragment %d by fc", i);
		cr_expect_eq(addr_at(&tx, 12), a4(FB_ADDR), "fragment %d translated", i);
		cr_expect_eq(fold(sum16(tx.data + tx.l3_off, 20, 0)), 0xffff,
			     "fragment %d's IPv4 header checksum", i);
	}
}
