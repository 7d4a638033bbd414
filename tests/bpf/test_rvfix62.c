/* Review rvfix62 of the four fixes of 2026-12-07 (ec1bf4f, d71bb32,
 * 6645c02, 4937aa6). Each test asserts what the Linux kernel does in the
 * same place (checked on a live 6.18 kernel in two namespaces, the
 * report says how): red on 6645c02 where the fix refuses more than the
 * kernel. Fixture: the NAT fixture as rvarp's (fa 198.51.100.1/24 zone
 * trust; fb 203.0.113.1/24, 2001:db8:2::1/64, fe80::1, zone untrust). */
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

static void rvfix62_setup(void)
{
	nat_setup();
	cr_assert_eq(system("ip addr add 2001:db8:2::1/64 dev fb nodad && "
			    "sysctl -qw net.ipv6.conf.fb.addr_gen_mode=1 && "
			    "ip -6 addr flush dev fb scope link && "
			    "ip addr add fe80::1/64 dev fb nodad && "
			    "sysctl -qw net.ipv6.conf.all.forwarding=1"), 0);
}

TestSuite(rvfix62, .init = rvfix62_setup, .fini = suite_teardown);

static const __u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const __u8 sol_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

static int run(__u32 ifindex, const struct pb_pkt *f, struct pb_pkt *out)
{
	*out = *f;
	return fx_xdp_frame_at(ifindex, f->data, f->len, out->data, &out->len);
}

static void arp_request(struct pb_pkt *f, const char *spa, const char *tpa)
{
	struct pb_spec s = { .ethertype = PB_ETH_P_ARP, .src = spa, .dst = tpa, .trailer = 18 };

	cr_assert_eq(pb_build(&s, f), 0);
	memcpy(f->data, bcast, 6);
}

/* A1: with accept_local on the interface, fib_validate_source takes a
 * local source (RTN_LOCAL && IN_DEV_ACCEPT_LOCAL) and the kernel's proxy
 * path answers a request whose sender is one of the host's addresses
 * (live: proxy_arp=1 on r0, sender 10.0.0.77 held by the host on another
 * interface: not answered; accept_local=1 on r0: answered). 6645c02's
 * sfw_arp_sender_ok refuses it whatever accept_local says: the comment
 * names the exception, the code does not make it. Disabled: sfw does
 * not follow accept_local (docs/nat.md); it fails enabled. */
Test(rvfix62, a1_accept_local_request_from_a_host_address_answered_as_the_kernel,
     .disabled = true)
{
	struct pb_pkt f, out;

	commit_proxy("set security nat proxy-arp interface fb address " POOL_LO "/32 to "
		     POOL_HI "/32\n");
	arp_request(&f, "198.51.100.1", POOL_LO);
	cr_assert_eq(run(out_if, &f, &out), FX_XDP_PASS,
		     "control: accept_local off, sender fa's own: not answered (kernel too)");
	cr_assert_eq(system("sysctl -qw net.ipv4.conf.fb.accept_local=1"), 0);
	arp_request(&f, "198.51.100.1", POOL_LO);
	cr_expect_eq(run(out_if, &f, &out), FX_XDP_TX,
		     "accept_local=1 on fb: the kernel answers this request, sfw does not");
	cr_assert_eq(system("sysctl -qw net.ipv4.conf.fb.accept_local=0"), 0);
}

/* ---- proxy-ndp ---- */

/* A solicitation from src for target to its solicited-node group with
 * the source link-layer options `units` (each its length in 8-byte
 * units, sol_mac then zeros), in order; checksum right. */
static void ns(struct pb_pkt *f, const char *src, const char *target, const __u8 *units, int n)
{
	__u8 *d = f->data, t[16], dst[16];
	__u32 off = 14, len = 24, m, o;
	__u16 c;

	for (int i = 0; i < n; i++)
		len += 8u * units[i];
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
	o = m + 24;
	for (int i = 0; i < n; i++) {
		d[o] = 1, d[o + 1] = units[i];
		memcpy(d + o + 2, sol_mac, 6);
		o += 8u * units[i];
	}
	c = (__u16)~icmp6_sum(d + off + 8, dst, d + m, len);
	d[m + 2] = (__u8)(c >> 8), d[m + 3] = (__u8)c;
	f->len = m + len;
	f->l3_len = 40 + len;
}

/* N1: ndisc_parse_options keeps the FIRST source link-layer option and
 * only warns of a later one ("duplicated ND6 option found"); ndisc_recv_ns
 * checks the size of that first one alone. Live (proxy_ndp=1, a proxy
 * entry, options sent from a raw socket): [8] answered, [16] not, [8,16]
 * answered, [16,8] not, [8,8] answered. 6645c02 refuses any SLLA option
 * not 8 bytes wherever it is: [8,16] goes unanswered. */
Test(rvfix62, n1_ns_with_a_valid_slla_then_a_long_duplicate_answered_as_the_kernel)
{
	static const __u8 ok[] = { 1 }, ok_long[] = { 1, 2 }, long_ok[] = { 2, 1 },
			  ok_ok[] = { 1, 1 };
	struct pb_pkt f, out;

	commit_proxy("set security nat proxy-ndp interface fb address " POOL6_LO "/128 to "
		     POOL6_HI "/128\n");
	ns(&f, LL_SOL, POOL6_LO, ok, 1);
	cr_assert_eq(run(out_if, &f, &out), FX_XDP_TX, "control: [8] answered (kernel too)");
	ns(&f, LL_SOL, POOL6_LO, ok_ok, 2);
	cr_assert_eq(run(out_if, &f, &out), FX_XDP_TX, "control: [8,8] answered (kernel too)");
	ns(&f, LL_SOL, POOL6_LO, long_ok, 2);
	cr_assert_neq(run(out_if, &f, &out), FX_XDP_TX, "control: [16,8] not (kernel neither)");
	ns(&f, LL_SOL, POOL6_LO, ok_long, 2);
	cr_expect_eq(run(out_if, &f, &out), FX_XDP_TX,
		     "[8,16]: the kernel answers (first SLLA valid, the duplicate ignored)");
}
