/* Red-team review rvarp: proxy-arp / proxy-ndp (bpf/proxy_arp.bpf.h,
 * bpf/proxy_ndp.bpf.h) against what the kernel would answer. Each test
 * asserts the secure (kernel-equivalent) behaviour: red on the code
 * reviewed if the weakness is real. Fixture: the NAT fixture (fa
 * 198.51.100.1/24 zone trust; fb 203.0.113.1/24, 2001:db8:2::1/64,
 * fe80::1, zone untrust; forwarding on). */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "nat.h"
#include "outcome.h"
#include "proxy_fixture.h"

#define POOL_LO "203.0.113.10"
#define POOL_HI "203.0.113.13"
#define POOL6_LO "2001:db8:2::10"
#define POOL6_HI "2001:db8:2::13"
#define LL_SOL "fe80::10"

static void rvarp_setup(void)
{
	nat_setup();
	cr_assert_eq(system("ip addr add 2001:db8:2::1/64 dev fb nodad && "
			    "sysctl -qw net.ipv6.conf.fb.addr_gen_mode=1 && "
			    "ip -6 addr flush dev fb scope link && "
			    "ip addr add fe80::1/64 dev fb nodad && "
			    "sysctl -qw net.ipv6.conf.all.forwarding=1"), 0);
}

TestSuite(rvarp, .init = rvarp_setup, .fini = suite_teardown);

static const __u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const __u8 sol_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static int run(__u32 ifindex, const struct pb_pkt *f, struct pb_pkt *out)
{
	*out = *f;
	return fx_xdp_frame_at(ifindex, f->data, f->len, out->data, &out->len);
}

/* ---- proxy-arp ---- */

static void arp_request(struct pb_pkt *f, const char *spa, const char *tpa)
{
	struct pb_spec s = { .ethertype = PB_ETH_P_ARP, .src = spa, .dst = tpa, .trailer = 18 };

	cr_assert_eq(pb_build(&s, f), 0);
	memcpy(f->data, bcast, 6);
}

static int arp_action(const struct pb_pkt *f)
{
	struct pb_pkt out;

	return run(out_if, f, &out);
}

/* F1: the kernel's proxy path (arp_process -> ip_route_input_noref ->
 * fib_validate_source) refuses a request whose sender address is one of
 * the host's own addresses (inet_lookup_ifaddr_rcu / RTN_LOCAL ->
 * -EINVAL, accept_local off): it answers nothing. sfw's sfw_arp_sender_ok
 * checks only martians, so it answers. */
Test(rvarp, f1_arp_request_from_the_hosts_own_address_not_answered)
{
	struct pb_pkt f;

	commit_proxy("set security nat proxy-arp interface fb address " POOL_LO "/32 to "
		     POOL_HI "/32\n");
	arp_request(&f, "203.0.113.2", POOL_LO);
	cr_assert_eq(arp_action(&f), FX_XDP_TX, "control: a neighbour's request is answered");
	arp_request(&f, "203.0.113.1", POOL_LO);
	cr_expect_eq(arp_action(&f), FX_XDP_PASS,
		     "sender address = fb's own 203.0.113.1: the kernel would not answer");
	arp_request(&f, "198.51.100.1", POOL_LO);
	cr_expect_eq(arp_action(&f), FX_XDP_PASS,
		     "sender address = fa's own 198.51.100.1: the kernel would not answer");
}

/* ---- proxy-ndp ---- */

/* A solicitation from src for target to its solicited-node group, with
 * a source link-layer option of `slla_units` 8-byte units (0: none),
 * filled with sol_mac then zeros; checksum right. */
static void ns(struct pb_pkt *f, const char *src, const char *target, __u8 slla_units)
{
	__u8 *d = f->data, t[16], dst[16];
	__u32 off = 14, len = 24 + 8u * slla_units, m;
	__u16 c;

	memset(f, 0, sizeof(*f));
	a6(target, t);
	a6("ff02::1:ff00:0", dst);
	memcpy(dst + 13, t + 13, 3);
	d[0] = d[1] = 0x33;
	memcpy(d + 2, dst + 12, 4);
	memcpy(d + 6, sol_mac, 6);
	d[12] = 0x86, d[13] = 0xdd;
	f->l3_off = off;
	d[off] = 0x60;
	d[off + 5] = (__u8)len;
	d[off + 6] = 58;
	d[off + 7] = 255;
	a6(src, d + off + 8);
	memcpy(d + off + 24, dst, 16);
	m = f->l4_off = off + 40;
	d[m] = 135;
	memcpy(d + m + 8, t, 16);
	if (slla_units) {
		d[m + 24] = 1, d[m + 25] = slla_units;
		memcpy(d + m + 26, sol_mac, 6);
	}
	c = (__u16)~icmp6_sum(d + off + 8, dst, d + m, len);
	d[m + 2] = (__u8)(c >> 8), d[m + 3] = (__u8)c;
	f->len = m + len;
	f->l3_len = 40 + len;
}

/* F2: the kernel's ndisc_recv_ns drops a solicitation whose source
 * link-layer address option is not exactly the device's option size (8
 * bytes on Ethernet: ndisc_opt_addr_data returns NULL, "NS: invalid
 * link-layer address length"). sfw checks only that the options chain
 * fills the message, and answers. */
Test(rvarp, f2_ns_with_a_source_link_layer_option_of_the_wrong_length_not_answered)
{
	struct pb_pkt f, out;

	commit_proxy("set security nat proxy-ndp interface fb address " POOL6_LO "/128 to "
		     POOL6_HI "/128\n");
	ns(&f, LL_SOL, POOL6_LO, 1);
	cr_assert_eq(run(out_if, &f, &out), FX_XDP_TX, "control: a valid solicitation is answered");
	ns(&f, LL_SOL, POOL6_LO, 2);
	cr_expect_neq(run(out_if, &f, &out), FX_XDP_TX,
		      "SLLA option of 16 bytes: the kernel drops it, sfw must not answer");
	ns(&f, LL_SOL, POOL6_LO, 3);
	cr_expect_neq(run(out_if, &f, &out), FX_XDP_TX,
		      "SLLA option of 24 bytes: the kernel drops it, sfw must not answer");
}
