/* Review rv31a (red team of issue 14's NAT): notes/rv31a.md. In
 * BPF_PROG_TEST_RUN on the NAT suites' fixture (tests/bpf/nat_fixture.h:
 * fa 198.51.100.1/24 zone trust, fb 203.0.113.1/24 zone untrust, both
 * addresses the host's, the host's ephemeral range pinned at
 * 50000..60999, XDP forwarding). Each finding's test fails on main and is
 * committed disabled, its comment naming the finding; each has an
 * enabled control beside it that passes on main. */
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"

TestSuite(rv31a, .init = nat_setup, .fini = suite_teardown);

#define HOST_LO 50000   /* nat_setup's host_ports */
#define HOST_HI 60999

/* A pool whose one address is fb's own (docs/nat.md "Reaching the
 * pool": "or the address added to the WAN interface (then it is the
 * host's, and N7's socket lookup keeps the host's own sockets' ports)"),
 * its range inside the host's ephemeral range so that every port it has
 * is one the host's own connect() may pick. */
#define POOL_AT_FB                                                                           \
	"set security nat source pool P address " FB_ADDR "/32\n"                           \
	"set security nat source pool P port range 50000 to 50001\n"

/* F1, medium (the firewall's own connections refused; any inside client
 * can cause it; by a configuration the docs call supported). Source NAT
 * keeps the host's ephemeral range out of interface NAT only (first
 * review's finding 3: "a host connection on a tuple a NAT session held
 * had its answers delivered to the client"); a pool's range is used as
 * it is, "the pool's addresses are not the host's". A pool at an
 * address the host owns (the WAN address, or any address added to an
 * interface so that the upstream reaches the pool without proxy-arp)
 * hands its clients the host's ephemeral ports. N7's socket lookup
 * skips a port only when the host's socket exists before the client's
 * first packet. Once a client's session holds FB:p -> S:sp, the host's
 * own later connection from ephemeral port p to S:sp (its resolver to
 * the same DNS server, NTP, a package mirror: the kernel's port choice
 * knows nothing of sfw's reservations) meets the alias the wrong way
 * round at tc (R1 c) and is dropped as No session, every retransmission
 * too, for as long as the client keeps the session alive. An inside
 * client that opens flows to the firewall's upstream resolver from many
 * ports holds most of the pool's host-range ports and breaks the
 * firewall's own name resolution. Shown here with a two-port pool so
 * that the outcome does not depend on the hash: both clients' flows to
 * SERVER1:53 take 50000 and 50001, and the host's own datagrams from
 * those ports to SERVER1:53 are refused. Expected (as interface NAT
 * does): a pool address that is the host's (the local-address map XDP
 * already has) leaves the host's range out, here refusing both flows
 * (the range holds nothing else), and the host's datagrams leave. */
Test(rv31a, f1_pool_at_the_hosts_address_gives_out_the_hosts_ephemeral_ports)
{
	struct pb_spec c[2] = { udp(CLIENT_A, SERVER1, 40000, 53),
				udp(CLIENT_B, SERVER1, 40001, 53) };
	struct fx_tc_opts local = { 0 };
	struct pb_pkt in, out;

	commit_pool(POOL_AT_FB);
	host_ports(HOST_LO, HOST_HI);
	for (int i = 0; i < 2; i++) {
		int rc = run_at(in_if, &c[i], &in, &out);
		__u16 pp = rc == FX_XDP_REDIRECT ? port_at(&out, 0) : 0;

		cr_expect(!pp || pp < HOST_LO || pp > HOST_HI,
			  "client %d's flow left from %s:%u, a port of the host's ephemeral range",
			  i, FB_ADDR, pp);
	}
	for (__u16 p = 50000; p <= 50001; p++) {
		struct pb_spec host = udp(FB_ADDR, SERVER1, p, 53);

		cr_expect_eq(fx_tc(&host, &local), FX_TC_OK,
			     "the host's own datagram from its ephemeral port %u to the server "
			     "a client reaches through the pool is refused", p);
	}
	/* fixed: the range is all the host's, so both flows are refused */
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 2);
}

/* F1's fix where the pool's range straddles the host's: only the ports
 * under it are given out (49998 and 49999), each once, then refusals. */
Test(rv31a, f1_fixed_pool_at_the_hosts_address_keeps_its_ports_outside_the_hosts_range)
{
	struct pb_pkt in, out;
	__u16 seen[2] = { 0 };

	commit_pool("set security nat source pool P address " FB_ADDR "/32\n"
		    "set security nat source pool P port range 49998 to 50005\n");
	host_ports(HOST_LO, HOST_HI);
	for (int i = 0; i < 3; i++) {
		struct pb_spec c = udp(CLIENT_A, SERVER1, 40000 + i, 53);
		int rc = run_at(in_if, &c, &in, &out);
		__u16 pp = rc == FX_XDP_REDIRECT ? port_at(&out, 0) : 0;

		if (i < 2) {
			cr_assert_eq(rc, FX_XDP_REDIRECT, "flow %d", i);
			cr_assert(pp == 49998 || pp == 49999, "flow %d left from %u", i, pp);
			seen[i] = pp;
		} else {
			cr_assert_eq(rc, FX_XDP_DROP, "a third flow, from port %u", pp);
		}
	}
	cr_assert_neq(seen[0], seen[1]);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
}

/* F1's control: the same two flows and host datagrams under the
 * fixture's source-nat interface, which keeps NAT out of the host's
 * range (nat/ports_outside_the_hosts_ephemeral_range): the clients leave
 * from ports outside it and the host's own datagrams from 50000 and
 * 50001 leave, as self traffic. Also the pool at fb's address: it is
 * committed and translates (the setup F1 needs is accepted). */
Test(rv31a, f1_control_interface_nat_leaves_the_hosts_ports_to_the_host)
{
	struct pb_spec c[2] = { udp(CLIENT_A, SERVER1, 40000, 53),
				udp(CLIENT_B, SERVER1, 40001, 53) };
	struct pb_spec other = udp(CLIENT_A, SERVER2, 40002, 53);
	struct fx_tc_opts local = { 0 };
	struct pb_pkt in, out;

	for (int i = 0; i < 2; i++) {
		__u16 pp;

		cr_assert_eq(run_at(in_if, &c[i], &in, &out), FX_XDP_REDIRECT);
		pp = port_at(&out, 0);
		cr_expect(pp < HOST_LO || pp > HOST_HI, "client %d left from %u", i, pp);
	}
	for (__u16 p = 50000; p <= 50001; p++) {
		struct pb_spec host = udp(FB_ADDR, SERVER1, p, 53);

		cr_expect_eq(fx_tc(&host, &local), FX_TC_OK, "the host's datagram from %u", p);
	}
	commit_pool(POOL_AT_FB);
	host_ports(HOST_LO, HOST_HI);
	/* the setup F1 needs is accepted; since F1's fix a range inside the
	 * host's gives out nothing at the host's address */
	cr_assert_eq(run_at(in_if, &other, &in, &out), FX_XDP_DROP,
		     "a pool at fb's address inside the host's range gives out no port");
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
}
