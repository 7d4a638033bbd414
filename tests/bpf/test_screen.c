/* Screens and routes on first packets: IP spoofing (reverse path), the
 * SYN-flood threshold, and "No route present" for a discarding route. The
 * fixture's private namespace starts with nothing but lo; each test adds
 * the routes it needs there. */
#include <stdlib.h>
#include "commit.h"

TestSuite(screen, .init = suite_setup, .fini = suite_teardown);

static const char *spoof_screen =
	"set security screen ids-option guard ip spoofing\n"
	"set security zones security-zone trust interfaces lo\n"
	"set security zones security-zone trust screen guard\n"
	"set security policies default-policy permit-all\n";

static struct pb_spec udp_from(const char *src)
{
	return (struct pb_spec){ .src = src, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				 .sport = 4000, .dport = 53 };
}

Test(screen, spoofed_source_dropped_and_counted)
{
	struct pb_spec s = udp_from(CLI4);

	sh("ip link set lo up");
	commit(spoof_screen);
	/* no route back to the source at all */
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_ADDRESS_SPOOFING), 1);
	ASSERT_NO_SESSION(&s);
}

/* A route back that leaves through another interface than the packet
 * came in on: the classic spoofed-from-the-wrong-side case. (The positive
 * case needs a real interface pair: tests/e2e.) */
Test(screen, source_routed_back_elsewhere_is_spoofed)
{
	struct pb_spec s = udp_from(CLI4);

	sh("ip link set lo up && ip link add sfwa type veth peer name sfwb && ip link set sfwa up && "
	   "ip link set sfwb up && ip route add 192.0.2.0/24 dev sfwa");
	commit(spoof_screen);
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_ADDRESS_SPOOFING), 1);
}

Test(screen, no_screen_no_check)
{
	struct pb_spec s = udp_from(CLI4);

	commit("set security zones security-zone trust interfaces lo\n"
	       "set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
}

Test(screen, syn_flood_threshold_per_destination)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
			     .dport = 80, .tcp_flags = SFW_TCP_SYN };
	int passed = 0;

	commit("set security screen ids-option guard tcp syn-flood attack-threshold 5\n"
	       "set security screen ids-option guard tcp syn-flood source-threshold 1000\n"
	       "set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust screen guard\n"
	       "set security policies default-policy permit-all\n");
	for (int i = 0; i < 12; i++) {
		s.sport = 30000 + i;
		passed += fx_xdp(&s) == FX_XDP_PASS;
	}
	/* the threshold is per second: a second boundary in the loop could
	 * let a few more through, never fewer */
	cr_assert_geq(passed, 5);
	cr_assert_lt(passed, 12);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_SYN_ATTACK), 12 - passed);
}

/* destination-threshold: SYNs to one address, whatever the port, past it
 * are dropped even when the attack threshold is far off. */
Test(screen, syn_flood_destination_threshold)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
			     .tcp_flags = SFW_TCP_SYN };
	int passed = 0;

	commit("set security screen ids-option guard tcp syn-flood attack-threshold 1000000\n"
	       "set security screen ids-option guard tcp syn-flood source-threshold 1000000\n"
	       "set security screen ids-option guard tcp syn-flood destination-threshold 4\n"
	       "set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust screen guard\n"
	       "set security policies default-policy permit-all\n");
	for (int i = 0; i < 12; i++) {
		s.sport = 30000 + i;
		s.dport = 1000 + i;
		passed += fx_xdp(&s) == FX_XDP_PASS;
	}
	/* per second: a second boundary could let a few more through */
	cr_assert_geq(passed, 4);
	cr_assert_lt(passed, 12);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_SYN_ATTACK), 12 - passed);
}

Test(screen, discarding_route_is_no_route_present)
{
	struct pb_spec s = udp_from(CLI4);

	sh("ip link set lo up && sysctl -qw net.ipv4.ip_forward=1 && "
	   "ip route add blackhole 198.51.100.0/24");
	commit("set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_NO_ROUTE), 1);
}

/* syn-cookie mode: past the threshold a SYN to this host is answered with
 * a cookie SYN-ACK; the ACK returning the cookie opens the session as
 * established; an ACK with a wrong cookie opens nothing. */
static __u32 be32_at(const __u8 *b)
{
	return (__u32)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

static const char *cookie_permit_all =
	"set security screen ids-option guard tcp syn-flood attack-threshold 1\n"
	"set security zones security-zone trust interfaces lo\n"
	"set security zones security-zone trust screen guard\n"
	"set security flow syn-flood-protection-mode syn-cookie\n"
	"set security policies default-policy permit-all\n";

Test(screen, syn_cookies_answer_the_flood)
{
	struct pb_spec syn = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP, .sport = 30000,
			       .dport = 22, .tcp_flags = SFW_TCP_SYN, .seq = 5000 };
	struct pb_spec ack = syn, forged;
	struct sfw_session sess;
	__u8 out[PB_MAX];
	__u32 len, cookie;

	commit(cookie_permit_all);
	suite_early_in_second();
	cr_assert_eq(fx_xdp(&syn), FX_XDP_PASS, "under the threshold");
	syn.sport = 30001;
	cr_assert_eq(xdp_out(&syn, out, &len), 3 /* XDP_TX */);
	cr_assert_eq(out[34 + 13], SFW_TCP_SYN | SFW_TCP_ACK);
	cr_assert_eq(be32_at(out + 34 + 8), 5001, "acknowledges the SYN");
	cr_assert_eq(out[54], 2, "an MSS option");
	cookie = be32_at(out + 34 + 4);
	cr_assert_eq(len, 14 + 20 + 24);
	cr_assert_eq(pb_csum(out + 14, 20, 0), 0, "IPv4 checksum");
	{
		__u32 sum = 6 + 24;

		for (int i = 0; i < 8; i += 2)
			sum += out[26 + i] << 8 | out[26 + i + 1];
		cr_assert_eq(pb_csum(out + 34, 24, sum), 0, "TCP checksum");
	}
	ASSERT_NO_SESSION(&syn);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_SYN_ATTACK), 1);

	forged = syn;
	forged.tcp_flags = SFW_TCP_ACK, forged.seq = 5001, forged.ack = (cookie ^ 0x55aa55aa) + 1;
	cr_assert_eq(fx_xdp(&forged), FX_XDP_DROP, "a wrong cookie opens nothing");
	ack = syn;
	ack.tcp_flags = SFW_TCP_ACK, ack.seq = 5001, ack.ack = cookie + 1;
	cr_assert_eq(fx_xdp(&ack), FX_XDP_PASS);
	GET_SESSION(&ack, &sess);
	cr_assert_eq(sess.tcp_state, SFW_TCP_ESTABLISHED);
}

/* Under a SYN flood in cookie mode, only a SYN the policy permits is
 * answered with a cookie: a denied one is dropped as Policy denied (no
 * SYN-ACK, or every port would look open), a rejected one answered with
 * the reject's RST. */
static const char *cookie_policies =
	"set security screen ids-option guard tcp syn-flood attack-threshold 1\n"
	"set security zones security-zone trust interfaces lo\n"
	"set security zones security-zone trust screen guard\n"
	"set security flow syn-flood-protection-mode syn-cookie\n"
	"set security policies global policy ssh match source-address any destination-address any application junos-ssh\n"
	"set security policies global policy ssh then permit\n"
	"set security policies global policy smtp match source-address any destination-address any application junos-smtp\n"
	"set security policies global policy smtp then reject\n"
	"set security policies default-policy deny-all\n";

Test(screen, cookies_only_for_ports_the_policy_permits)
{
	struct pb_spec syn = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP, .sport = 30000,
			       .dport = 22, .tcp_flags = SFW_TCP_SYN, .seq = 5000 };
	__u8 out[PB_MAX];
	__u32 len;

	commit(cookie_policies);
	suite_early_in_second();
	cr_assert_eq(fx_xdp(&syn), FX_XDP_PASS, "under the threshold");
	syn.sport = 30001;
	cr_assert_eq(xdp_out(&syn, out, &len), 3 /* XDP_TX */, "permitted: a cookie");
	cr_assert_eq(out[34 + 13], SFW_TCP_SYN | SFW_TCP_ACK);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_SYN_ATTACK), 1);
	syn.sport = 30002;
	syn.dport = 23;
	cr_assert_eq(xdp_out(&syn, out, &len), FX_XDP_DROP, "denied: no SYN-ACK");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_SYN_ATTACK), 1, "counted once, as the policy's");
	syn.sport = 30003;
	syn.dport = 25;
	cr_assert_eq(xdp_out(&syn, out, &len), 3, "rejected: answered");
	cr_assert_eq(out[34 + 13] & SFW_TCP_RST, SFW_TCP_RST, "with the reject's RST");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 2);
	ASSERT_NO_SESSION(&syn);
}

/* The ACK returning a cookie opens the session only if the policy still
 * permits it: here the policy changed between the SYN-ACK and the ACK. */
Test(screen, cookie_ack_is_judged_by_policy)
{
	struct pb_spec syn = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP, .sport = 30000,
			       .dport = 22, .tcp_flags = SFW_TCP_SYN, .seq = 5000 };
	struct pb_spec ack;
	__u8 out[PB_MAX];
	__u32 len;

	commit(cookie_policies);
	suite_early_in_second();
	cr_assert_eq(fx_xdp(&syn), FX_XDP_PASS, "under the threshold");
	syn.sport = 30001;
	cr_assert_eq(xdp_out(&syn, out, &len), 3);
	ack = syn;
	ack.tcp_flags = SFW_TCP_ACK, ack.seq = 5001, ack.ack = be32_at(out + 34 + 4) + 1;
	commit("set security screen ids-option guard tcp syn-flood attack-threshold 1\n"
	       "set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust screen guard\n"
	       "set security flow syn-flood-protection-mode syn-cookie\n"
	       "set security policies default-policy deny-all\n");
	cr_assert_eq(fx_xdp(&ack), FX_XDP_DROP, "a valid cookie, a policy that now denies");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 1);
	ASSERT_NO_SESSION(&ack);
}

/* An IPv6 SYN behind 320 bytes of extension headers gets the cookie of
 * its own TCP header, and the ACK returning it opens the session: the
 * header's offset masked to 8 bits pointed inside the Hop-by-Hop options,
 * where the cookie was made from padding (or nothing was answered). */
Test(screen, syn_cookie_behind_long_extension_headers)
{
	struct pb_spec syn = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_TCP, .sport = 30000,
			       .dport = 22, .tcp_flags = SFW_TCP_SYN, .seq = 5000, .n_ext = 2,
			       .ext = { SFW_IPPROTO_HOPOPTS, SFW_IPPROTO_DSTOPTS },
			       .ext_len8 = { 31, 7 } };
	struct pb_spec ack;
	struct sfw_session sess;
	__u8 out[PB_MAX];
	__u32 len;

	commit(cookie_permit_all);
	suite_early_in_second();
	cr_assert_eq(fx_xdp(&syn), FX_XDP_PASS, "under the threshold");
	syn.sport = 30001;
	cr_assert_eq(xdp_out(&syn, out, &len), 3 /* XDP_TX */, "no cookie SYN-ACK");
	cr_assert_eq(len, 14 + 40 + 24);
	cr_assert_eq(out[54 + 13], SFW_TCP_SYN | SFW_TCP_ACK);
	cr_assert_eq(be32_at(out + 54 + 8), 5001, "acknowledges the SYN");
	ack = syn;
	ack.n_ext = 0;
	ack.tcp_flags = SFW_TCP_ACK, ack.seq = 5001, ack.ack = be32_at(out + 54 + 4) + 1;
	cr_assert_eq(fx_xdp(&ack), FX_XDP_PASS, "the cookie does not check");
	GET_SESSION(&ack, &sess);
	cr_assert_eq(sess.tcp_state, SFW_TCP_ESTABLISHED);
}
