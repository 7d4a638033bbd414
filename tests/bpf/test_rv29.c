/* Red team rv29: findings on int28 (tc egress judges a forwarded packet
 * by XDP's trace, the exact map of the host's own addresses, rv28 F4's
 * refusal of a host session's In wing the stack forwards, XDP
 * forwarding's route cache), each as a test that shows it. They fail on
 * rv29 (int28 111b1f2) and are committed disabled (`.disabled = true`,
 * the comment names the finding). notes/rv29.md says what each one
 * means. Suite rv29: no veth, the fixture's private namespace
 * (tests/lib/bpf_fixture.c, forwarding off: every first packet opens a
 * host session) and its lo. The HA finding's tests are in
 * tests/unit/test_ha_codec.c (ha_codec/rv29_*). */
#include <stdlib.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"

TestSuite(rv29, .init = suite_setup, .fini = suite_teardown);

#define HOST_WAN4 "203.0.113.1"   /* the host's own address (its WAN's) */
#define LAN_CLIENT "198.51.100.7"
#define FAR4 "192.0.2.50"

/* rv29 F1 (medium; rv28 F4's refusal bypassed, docs/nat.md "Third
 * review: R2"): a flow XDP judged for the host (no route yet, or
 * forwarding off, when its first packet came: a LAN client's DNS or VPN
 * keep-alive while the WAN's DHCP/PPPoE has not come up) that the stack
 * starts to forward once the route appears is refused at tc since rv28
 * F4, its host session ended, so that its next packet opens through the
 * route and the policy. But where the host itself masquerades what it
 * forwards (sfw filtering, nftables `oifname WAN masquerade` for NAT: the
 * common Linux router; docs/security.md counts on it: "the host's own
 * NAT of one (an nftables masquerade)"), the packet reaches tc with its
 * source rewritten to the host's WAN address: no XDP trace (its tuple is
 * no session's), a source in sfw_local_addrs, so sfw_tc_src_own takes
 * it for the host's own packet: self traffic, permitted whatever the
 * policy says, and a LOCAL session opens for it. The answers come in on
 * that LOCAL session, are de-masqueraded by the stack and forwarded to
 * the client, where tc finds the host session's Out wing (the host's
 * wing: judged). The host session, kept alive by the client's packets at
 * XDP, is never ended: the inside host has its way out and in past
 * trust-to-untrust for as long as it keeps the flow up, exactly R2's
 * exposure, which F4 closed only where nothing rewrites the source. The
 * control (the same packet unmasqueraded) is refused. Seen red on rv29
 * (111b1f2) with .disabled = false. */
Test(rv29, f1_host_sessions_opener_masqueraded_by_the_host_passes_as_self_traffic,
     .disabled = true)
{
	struct pb_spec c = { .src = LAN_CLIENT, .dst = FAR4, .proto = SFW_IPPROTO_UDP,
			     .sport = 40001, .dport = 53, .payload = 20 };
	struct pb_spec masq = { .src = HOST_WAN4, .dst = FAR4, .proto = SFW_IPPROTO_UDP,
				.sport = 40001, .dport = 53, .payload = 20 };
	struct pb_spec answer = { .src = FAR4, .dst = LAN_CLIENT, .proto = SFW_IPPROTO_UDP,
				  .sport = 53, .dport = 40001, .payload = 20 };
	struct pb_spec local = masq;
	struct fx_tc_opts forwarded = { .ingress_ifindex = FX_IFINDEX };
	struct sfw_session s;

	cr_assert_eq(system("ip link set lo up && ip addr add " HOST_WAN4 "/32 dev lo"), 0);
	cr_assert_eq(fx_local_addrs_sync(), 0);
	cr_assert_eq(fx_mark_attached(FX_IFINDEX), 0);
	cr_assert_eq(fx_xdp(&c), FX_XDP_PASS);
	GET_SESSION(&c, &s);
	cr_assert_not(s.flags & (SFW_SESS_F_TRANSIT | SFW_SESS_F_LOCAL), "judged for the host");
	/* the route appears; the stack forwards the flow, masquerading it */
	cr_expect_eq(fx_tc(&masq, &forwarded), FX_TC_SHOT,
		     "a host session's opener, masqueraded by the host, passed as self traffic");
	/* (what rv29 does: a LOCAL session for the masqueraded tuple, and
	 * the answer, de-masqueraded, judged on the host session's Out wing) */
	if (fx_session(&local, &s) == 0)
		cr_log_warn("a LOCAL session opened for the masqueraded tuple: %s",
			    s.flags & SFW_SESS_F_LOCAL ? "yes" : "no");
	if (fx_tc(&answer, &forwarded) == FX_TC_OK)
		cr_log_warn("the de-masqueraded answer passed to the client");
	/* control: unmasqueraded, F4 refuses it and ends the session */
	cr_assert_eq(fx_xdp(&c), FX_XDP_PASS);
	cr_assert_eq(fx_tc(&c, &forwarded), FX_TC_SHOT);
}

/* rv29 F2 (low-medium; a regression for routed configurations, legit
 * traffic; bpf/tc_egress.bpf.c SFW_TC_JUDGED_HOST): a group datagram
 * always opens a HOST session at XDP (sfw_xdp_route answers 0 for a
 * multicast destination: z.to = junos-host), so every one the kernel's
 * multicast routing forwards to another attached interface (PIM,
 * igmpproxy/mcproxy/smcroute: IPTV from the WAN to the LAN, mDNS or
 * SSDP reflectors, a multicast feed between two routed zones) is a host
 * session's In wing at tc: refused under Invalid zone, and its session
 * ended. The next datagram opens a new host session at XDP, is forwarded
 * again, refused again: one session created and closed (and logged,
 * with session-close logging) per datagram, at the stream's packet
 * rate, and no datagram ever forwarded. On main this passed without NAT
 * committed (forwarded, only counted; with NAT committed R2 already
 * refused it, by the same key tag); int28 extends the refusal to every
 * configuration, and the policy can say nothing about it: there is no
 * zone pair a group datagram is judged by. Seen red on rv29 with
 * .disabled = false: shot, the session gone. */
Test(rv29, f2_group_datagram_routed_by_the_kernel_refused_and_its_session_churned,
     .disabled = true)
{
	struct pb_spec m = { .src = LAN_CLIENT, .dst = "239.1.2.3", .proto = SFW_IPPROTO_UDP,
			     .sport = 5000, .dport = 5004, .payload = 200 };
	struct fx_tc_opts forwarded = { .ingress_ifindex = FX_IFINDEX };

	cr_assert_eq(fx_mark_attached(FX_IFINDEX), 0);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(fx_xdp(&m), FX_XDP_PASS);
	/* (tagged by its ingress link: fx_session's untagged key misses it) */
	cr_assert_eq(fx_session_count(), 1, "a group datagram opens a (host) session");
	cr_expect_eq(fx_tc(&m, &forwarded), FX_TC_OK,
		     "a group datagram the kernel's multicast routing forwards was refused");
	cr_expect_eq(fx_session_count(), 1, "and its session was ended");
	cr_expect_eq(fx_xdp(&m), FX_XDP_PASS);
	cr_expect_eq(fx_tc(&m, &forwarded), FX_TC_OK, "the next datagram too");
}
