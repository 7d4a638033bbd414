/* Red team rv26: findings on TCP tracking, screens, policy and the
 * configuration path, each as a test that shows it. Committed disabled
 * (they fail on the code as it is); the review's report says what each
 * one means and how it could be fixed. */
#include <bpf/bpf.h>
#include "commit.h"

TestSuite(rv26, .init = suite_setup, .fini = suite_teardown);

static const char *ping_only =
	"set security policies global policy ping match source-address any destination-address any application junos-icmp-ping\n"
	"set security policies global policy ping then permit\n"
	"set security policies default-policy deny-all\n";

static struct pb_spec icmp(const char *src, const char *dst, __u8 type, __u16 id)
{
	return (struct pb_spec){ .src = src, .dst = dst, .proto = SFW_IPPROTO_ICMP,
				 .icmp_type = type, .icmp_id = id };
}

/* rv26 F2: an ICMP session is keyed on addresses and the echo identifier
 * only, never on the ICMP type. Every message that is neither echo nor an
 * error (timestamp, address mask, redirect, router advertisement,
 * information request, any unassigned type) has ports 0/0, and so has an
 * echo request with identifier 0: a permitted echo request with id 0 opens
 * a session that every such message of the two addresses then matches, in
 * both directions, past a policy that permits only junos-icmp-ping (type
 * 8) and a deny-all default. Here the pinging host (an attacker outside,
 * with ping permitted in) follows its ping with a timestamp request, an
 * address mask request and a redirect, and the pinged host's timestamp
 * reply goes back out: none is an echo, the policy refuses each as a first
 * packet, yet all pass on the echo's session. */
Test(rv26, f2_icmp_session_of_id_0_admits_every_non_echo_type, .disabled = true)
{
	struct pb_spec ping = icmp(CLI4, SRV4, SFW_ICMP_ECHO, 0);
	struct pb_spec alone = icmp(OTH4, SRV4, 13, 0);
	struct pb_spec tstamp = icmp(CLI4, SRV4, 13, 0);
	struct pb_spec mask = icmp(CLI4, SRV4, 17, 0);
	struct pb_spec redirect = icmp(CLI4, SRV4, 5, 0);
	struct pb_spec tstamp_reply = icmp(SRV4, CLI4, 14, 0);

	commit(ping_only);
	cr_assert_eq(fx_xdp(&alone), FX_XDP_DROP, "a timestamp request is refused on its own");
	cr_assert_eq(fx_xdp(&ping), FX_XDP_PASS, "the permitted ping");
	cr_expect_eq(fx_xdp(&tstamp), FX_XDP_DROP, "timestamp request rode the ping's session");
	cr_expect_eq(fx_xdp(&mask), FX_XDP_DROP, "address mask request rode the ping's session");
	cr_expect_eq(fx_xdp(&redirect), FX_XDP_DROP, "redirect rode the ping's session");
	cr_expect_eq(fx_xdp(&tstamp_reply), FX_XDP_DROP,
		     "the timestamp reply went out on the ping's session");
}

/* rv26 F2, the same without echo: a policy that permits one non-echo
 * type (timestamp, 13) admits every other non-echo type between the two
 * addresses, both ways, and echo requests with identifier 0 as well. */
Test(rv26, f2_icmp_session_of_one_type_admits_the_others, .disabled = true)
{
	struct pb_spec tstamp = icmp(CLI4, SRV4, 13, 0);
	struct pb_spec info = icmp(CLI4, SRV4, 15, 0);
	struct pb_spec back = icmp(SRV4, CLI4, 9, 0);   /* router advertisement */
	struct pb_spec ping_back = icmp(SRV4, CLI4, SFW_ICMP_ECHO, 0);

	commit("set applications application tstamp protocol icmp icmp-type 13\n"
	       "set security policies global policy ts match source-address any destination-address any application tstamp\n"
	       "set security policies global policy ts then permit\n"
	       "set security policies default-policy deny-all\n");
	cr_assert_eq(fx_xdp(&tstamp), FX_XDP_PASS, "the permitted timestamp request");
	cr_expect_eq(fx_xdp(&info), FX_XDP_DROP, "an information request rode its session");
	cr_expect_eq(fx_xdp(&back), FX_XDP_DROP, "a router advertisement came back on it");
	cr_expect_eq(fx_xdp(&ping_back), FX_XDP_DROP, "an echo request came back on it");
}

/* rv26 F1: tc egress takes every packet whose skb_iif names an attached
 * interface as "decided and counted at the ingress interface" and passes
 * it without looking for its session (sfw_tc_flow, the sfw_is_attached
 * branch). skb_iif says only which device the skb last came in by, not
 * that XDP judged this packet: IPsec tunnel mode without an xfrm
 * interface (strongSwan's default, policy-based) decrypts in xfrm_input
 * and re-injects the inner packet with skb->dev unchanged
 * (gro_cells_receive), so __netif_receive_skb sets skb_iif to the
 * attached interface again; native XDP never runs on that re-injected
 * skb. XDP judged only the outer ESP (a host session, to junos-host), and
 * the inner packet, forwarded to another attached interface, reaches tc
 * egress with the attached ingress index and no session: every policy is
 * bypassed for whatever the VPN peer sends (MPLS pop forwarding does the
 * same with an untracked ethertype). Shown here without the kernel's
 * part: under deny-all a first packet that no session knows, from an
 * unattached interface, is judged and refused; the same packet with an
 * attached ingress index passes, and opens nothing. */
Test(rv26, f1_tc_egress_trusts_an_attached_ingress_it_never_judged, .disabled = true)
{
	struct pb_spec udp = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			       .sport = 4500, .dport = 445 };
	struct fx_tc_opts unattached = { .ingress_ifindex = 6 };
	struct fx_tc_opts attached = { .ingress_ifindex = 5 };

	commit("set security policies default-policy deny-all\n");
	cr_assert_eq(fx_mark_attached(5), 0);
	cr_assert_eq(fx_tc(&udp, &unattached), FX_TC_SHOT, "judged by the policy: refused");
	udp.sport = 4501;
	cr_expect_eq(fx_tc(&udp, &attached), FX_TC_SHOT,
		     "a packet XDP never saw passed tc on its attached ingress index alone");
	ASSERT_NO_SESSION(&udp);
}

/* rv26 F2 for IPv6: a permitted ping6 with identifier 0 admits the other
 * ICMPv6 types that are neither echo, errors nor valid link plumbing
 * (node information 139, and neighbour discovery that fails sfw's checks,
 * which docs/security.md says is refused as ordinary ICMPv6: here a
 * router advertisement from a global address). */
Test(rv26, f2_icmp6_session_of_id_0_admits_other_types, .disabled = true)
{
	struct pb_spec ping = icmp(CLI6, SRV6, SFW_ICMPV6_ECHO_REQUEST, 0);
	struct pb_spec alone = icmp("2001:db8::77", SRV6, 139, 0);
	struct pb_spec nodeinfo = icmp(CLI6, SRV6, 139, 0);
	struct pb_spec ra = icmp(CLI6, SRV6, SFW_ICMPV6_ND_RA, 0);

	ping.proto = alone.proto = nodeinfo.proto = ra.proto = SFW_IPPROTO_ICMP6;
	ra.ttl = 255;
	commit("set security policies global policy ping match source-address any destination-address any application junos-ping6\n"
	       "set security policies global policy ping then permit\n"
	       "set security policies default-policy deny-all\n");
	cr_assert_eq(fx_xdp(&alone), FX_XDP_DROP, "node information is refused on its own");
	cr_assert_eq(fx_xdp(&ping), FX_XDP_PASS, "the permitted ping6");
	cr_expect_eq(fx_xdp(&nodeinfo), FX_XDP_DROP, "node information rode the ping's session");
	cr_expect_eq(fx_xdp(&ra), FX_XDP_DROP, "a global router advertisement rode it");
}
