/* IP the kernel unwraps from a frame that is not IP at the Ethernet layer:
 * an MPLS label stack, a PPPoE session frame. Passed untracked, its IP
 * would reach the host or be forwarded past every policy (mpls_router,
 * the pppoe driver), so both hooks refuse it as *Encapsulated IP
 * refused*, opening nothing; PPP's own negotiation and PPPoE discovery
 * pass untracked (docs/security.md "Only where frames are Ethernet's").
 * MPLS passes untracked where the configuration puts it in packet mode,
 * as Junos's SRX forwards it then; PPPoE's IP never does. */
#include "commit.h"

TestSuite(encap, .init = suite_setup, .fini = suite_teardown);

/* A UDP datagram from the client to the server (a policy-free fixture
 * would permit it), framed by `ethertype` with `shim` bytes between the
 * Ethernet header (and its VLAN tags) and the IP header. */
static struct pb_pkt wrapped(__u8 nvlan, __u16 ethertype, const __u8 *shim, __u32 shim_len,
			     bool v6)
{
	struct pb_spec s = { .nvlan = nvlan, .vlan_id = { 5 },
			     .src = v6 ? CLI6 : CLI4, .dst = v6 ? SRV6 : SRV4,
			     .proto = SFW_IPPROTO_UDP, .sport = 40000, .dport = 53,
			     .payload = 8 };
	struct pb_pkt p;
	__u32 type_at;

	cr_assert_eq(pb_build(&s, &p), 0);
	cr_assert_leq(p.len + shim_len, sizeof(p.data));
	memmove(p.data + p.l3_off + shim_len, p.data + p.l3_off, p.len - p.l3_off);
	memcpy(p.data + p.l3_off, shim, shim_len);
	type_at = p.l3_off - 2;   /* the ethertype next to the IP header */
	p.data[type_at] = ethertype >> 8;
	p.data[type_at + 1] = ethertype & 0xff;
	p.len += shim_len;
	return p;
}

/* A PPPoE session header (RFC 2516: version 1, type 1, code 0, session
 * 0x0042, its length) and the PPP protocol field (one or two bytes). */
static struct pb_pkt pppoe_in(__u8 nvlan, const __u8 *proto, __u32 proto_len, bool v6)
{
	__u8 shim[8] = { 0x11, 0x00, 0x00, 0x42, 0x00, 0x00 };

	memcpy(shim + 6, proto, proto_len);
	return wrapped(nvlan, SFW_ETH_P_PPP_SES, shim, 6 + proto_len, v6);
}

static struct pb_pkt pppoe(const __u8 *proto, __u32 proto_len, bool v6)
{
	return pppoe_in(0, proto, proto_len, v6);
}

/* An MPLS label stack entry: label 100, bottom of stack, TTL 64. */
static const __u8 label100[4] = { 0x00, 0x06, 0x41, 0x40 };

static void expect_refused(const struct pb_pkt *p, const char *what)
{
	cr_assert_eq(fx_xdp_frame(p->data, p->len), FX_XDP_DROP, "XDP passed %s", what);
	cr_assert_eq(fx_tc_frame(p->data, p->len, NULL), FX_TC_SHOT, "tc passed %s", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_ENCAP_IP), 2, "%s: not counted", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), 0, "%s: counted untracked", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 0);
	cr_assert_eq(fx_session_count(), 0, "%s opened a session", what);
}

static void expect_untracked(const struct pb_pkt *p, const char *what)
{
	cr_assert_eq(fx_xdp_frame(p->data, p->len), FX_XDP_PASS, "XDP refused %s", what);
	cr_assert_eq(fx_tc_frame(p->data, p->len, NULL), FX_TC_OK, "tc refused %s", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), 2, "%s: not counted", what);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_ENCAP_IP), 0, "%s: refused", what);
	cr_assert_eq(fx_session_count(), 0);
}

Test(encap, ipv4_in_mpls_refused)
{
	struct pb_pkt p = wrapped(0, SFW_ETH_P_MPLS_UC, label100, 4, false);

	expect_refused(&p, "IPv4 under an MPLS label");
}

Test(encap, ipv6_in_mpls_multicast_refused)
{
	struct pb_pkt p = wrapped(0, SFW_ETH_P_MPLS_MC, label100, 4, true);

	expect_refused(&p, "IPv6 under an MPLS multicast label");
}

Test(encap, mpls_in_a_vlan_refused)
{
	struct pb_pkt p = wrapped(1, SFW_ETH_P_MPLS_UC, label100, 4, false);

	expect_refused(&p, "MPLS inside a VLAN tag");
}

Test(encap, mpls_in_qinq_refused)
{
	struct pb_pkt p = wrapped(2, SFW_ETH_P_MPLS_UC, label100, 4, true);

	expect_refused(&p, "MPLS under 802.1ad and 802.1Q tags");
}

Test(encap, ipv4_in_pppoe_refused)
{
	struct pb_pkt p = pppoe((const __u8[]){ 0x00, 0x21 }, 2, false);

	expect_refused(&p, "IPv4 in PPPoE");
}

Test(encap, ipv6_in_pppoe_refused)
{
	struct pb_pkt p = pppoe((const __u8[]){ 0x00, 0x57 }, 2, true);

	expect_refused(&p, "IPv6 in PPPoE");
}

Test(encap, pppoe_in_qinq_refused)
{
	struct pb_pkt p = pppoe_in(2, (const __u8[]){ 0x00, 0x21 }, 2, false);

	expect_refused(&p, "IPv4 in PPPoE under 802.1ad and 802.1Q tags");
}

/* protocol field compression (RFC 1661 6.5): IPv4 as the one byte 0x21 */
Test(encap, ipv4_in_pppoe_compressed_protocol_refused)
{
	struct pb_pkt p = pppoe((const __u8[]){ 0x21 }, 1, false);

	expect_refused(&p, "IPv4 in PPPoE, protocol field compressed");
}

/* a low-volume protocol without an NCP (0x4000-0x7fff) is no control */
Test(encap, pppoe_low_volume_protocol_refused)
{
	struct pb_pkt p = pppoe((const __u8[]){ 0x40, 0x21 }, 2, false);

	expect_refused(&p, "a PPP low-volume protocol");
}

/* CCP (0x80fd) negotiates compression; the compressed datagrams
 * themselves (0x00fd) decompress into IP */
Test(encap, pppoe_compressed_datagram_refused_its_negotiation_not)
{
	struct pb_pkt ccp = pppoe((const __u8[]){ 0x80, 0xfd }, 2, false);
	struct pb_pkt data = pppoe((const __u8[]){ 0x00, 0xfd }, 2, false);

	expect_untracked(&ccp, "CCP");
	cr_assert_eq(fx_xdp_frame(data.data, data.len), FX_XDP_DROP, "compressed data passed");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_ENCAP_IP), 1);
}

/* LCP (0xc021) and IPCP (0x8021): the link comes up, and its echoes flow */
Test(encap, pppoe_negotiation_untracked)
{
	struct pb_pkt lcp = pppoe((const __u8[]){ 0xc0, 0x21 }, 2, false);
	struct pb_pkt ipcp = pppoe((const __u8[]){ 0x80, 0x21 }, 2, false);

	expect_untracked(&lcp, "PPP LCP");
	cr_assert_eq(fx_xdp_frame(ipcp.data, ipcp.len), FX_XDP_PASS, "XDP refused IPCP");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), 3);
}

Test(encap, pppoe_discovery_untracked)
{
	__u8 padi[6] = { 0x11, 0x09, 0x00, 0x00, 0x00, 0x00 };
	struct pb_pkt p = wrapped(0, 0x8863, padi, sizeof(padi), false);

	expect_untracked(&p, "PPPoE discovery");
}

/* a session frame that ends before its PPP protocol's two bytes names
 * nothing: a one-byte protocol is IP's, and an IP packet follows it */
Test(encap, pppoe_session_without_protocol_malformed)
{
	__u8 frame[14 + 7] = { [12] = 0x88, [13] = 0x64, 0x11, 0x00, 0x00, 0x42, 0x00, 0x01, 0x21 };

	cr_assert_eq(fx_xdp_frame(frame, sizeof(frame) - 1), FX_XDP_DROP);
	cr_assert_eq(fx_xdp_frame(frame, sizeof(frame)), FX_XDP_DROP);
	cr_assert_eq(fx_tc_frame(frame, sizeof(frame), NULL), FX_TC_SHOT);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_MALFORMED), 3);
	cr_assert_eq(fx_counter(SFW_CNT_SFW_UNTRACKED_PKTS), 0);
	cr_assert_eq(fx_session_count(), 0);
}

#define MPLS_PACKET_MODE "set security forwarding-options family mpls mode packet-based\n"

Test(encap, mpls_in_packet_mode_untracked_pppoe_still_refused)
{
	struct pb_pkt mpls = wrapped(0, SFW_ETH_P_MPLS_UC, label100, 4, false);
	struct pb_pkt ip = pppoe((const __u8[]){ 0x00, 0x21 }, 2, false);

	commit(MPLS_PACKET_MODE);
	expect_untracked(&mpls, "MPLS in packet mode");
	cr_assert_eq(fx_xdp_frame(ip.data, ip.len), FX_XDP_DROP, "IPv4 in PPPoE passed");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_ERR_ENCAP_IP), 1);
}

/* a later commit without the statement takes MPLS out of packet mode */
Test(encap, mpls_refused_again_once_packet_mode_is_gone)
{
	struct pb_pkt mpls = wrapped(1, SFW_ETH_P_MPLS_UC, label100, 4, true);

	commit(MPLS_PACKET_MODE);
	commit("set security flow tcp-session no-syn-check\n");
	expect_refused(&mpls, "MPLS after packet mode was deleted");
}

/* A failed apply fails closed on the flags it found, which may be a
 * candidate's packet mode (loader/apply.c sfw_conf_fail_closed): nothing
 * passes then, MPLS included (review of the statement, H1). */
Test(encap, mpls_refused_while_failing_closed_in_packet_mode)
{
	struct pb_pkt mpls = wrapped(0, SFW_ETH_P_MPLS_UC, label100, 4, false);
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_CONFIG));
	struct sfw_config cfg;
	__u32 zero = 0;

	commit(MPLS_PACKET_MODE);
	cr_assert_eq(bpf_map_lookup_elem(fd, &zero, &cfg), 0);
	cfg.flags |= SFW_CFG_F_FAIL_CLOSED;
	cr_assert_eq(bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY), 0);
	expect_refused(&mpls, "MPLS while failing closed");
}
