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

TestSuite(rvarp, .init = proxy_v6_setup, .fini = suite_teardown);

/* ---- proxy-arp ---- */

static int arp_action(const struct pb_pkt *f)
{
	struct pb_pkt out;

	return proxy_run(out_if, f, &out);
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
	arp_request(&f, "203.0.113.2", POOL_LO, 0);
	cr_assert_eq(arp_action(&f), FX_XDP_TX, "control: a neighbour's request is answered");
	arp_request(&f, "203.0.113.1", POOL_LO, 0);
	cr_expect_eq(arp_action(&f), FX_XDP_PASS,
		     "sender address = fb's own 203.0.113.1: the kernel would not answer");
	arp_request(&f, "198.51.100.1", POOL_LO, 0);
	cr_expect_eq(arp_action(&f), FX_XDP_PASS,
		     "sender address = fa's own 198.51.100.1: the kernel would not answer");
}

/* ---- proxy-ndp ---- */

/* A solicitation from src for target with one source link-layer option
 * of slla_units 8-byte units (0: none). */
static void ns(struct pb_pkt *f, const char *src, const char *target, __u8 slla_units)
{
	ns_build(f, src, target, &slla_units, slla_units ? 1 : 0);
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
	cr_assert_eq(proxy_run(out_if, &f, &out), FX_XDP_TX, "control: a valid solicitation is answered");
	ns(&f, LL_SOL, POOL6_LO, 2);
	cr_expect_neq(proxy_run(out_if, &f, &out), FX_XDP_TX,
		      "SLLA option of 16 bytes: the kernel drops it, sfw must not answer");
	ns(&f, LL_SOL, POOL6_LO, 3);
	cr_expect_neq(proxy_run(out_if, &f, &out), FX_XDP_TX,
		      "SLLA option of 24 bytes: the kernel drops it, sfw must not answer");
}
