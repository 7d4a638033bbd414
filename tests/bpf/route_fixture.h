/* The namespace of XDP forwarding's route cache tests
 * (tests/bpf/test_route_cache.c, suite rv29_cache of tests/bpf/test_rv29.c):
 * two veth pairs in the fixture's private namespace, forwarding on, XDP
 * forwarding committed. fa (198.51.100.1/24, 2001:db8:1::1/64), rf_in,
 * is where packets arrive; fb (203.0.113.1/24, 2001:db8:2::1/64), rf_out,
 * where they leave, to RF_SERVER4 and RF_SERVER6 (MAC 02:..:22); fc
 * (192.0.2.1/24, 2001:db8:3::1/64), rf_alt, another way, to 192.0.2.2 and
 * 2001:db8:3::2 (MAC 02:..:44). The cache is per CPU, and so is a test
 * run: one CPU throughout, or a run on another would look up afresh and
 * hide what is cached. The including file includes "commit.h". */
#ifndef SFW_TESTS_ROUTE_FIXTURE_H
#define SFW_TESTS_ROUTE_FIXTURE_H

#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#define FX_XDP_REDIRECT 4
#define RF_SERVER4 "203.0.113.2"
#define RF_SERVER6 "2001:db8:2::2"

static __u32 rf_in, rf_out, rf_alt;

static int rf_devmap_add(__u32 ifindex)
{
	int fd = fx_map_fd(false, "sfw_tx_ports");

	return fd < 0 ? fd : bpf_map_update_elem(fd, &ifindex, &ifindex, BPF_ANY) ? -errno : 0;
}

static void rf_setup(void)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	suite_setup();
	cr_assert_eq(system("ip link add fa type veth peer name fb && "
			    "ip link add fc type veth peer name fd && "
			    "ip link set fa up && ip link set fb up && ip link set fc up && "
			    "ip link set fd up && ip addr add 198.51.100.1/24 dev fa && "
			    "ip addr add 203.0.113.1/24 dev fb && ip addr add 192.0.2.1/24 dev fc && "
			    "ip addr add 2001:db8:1::1/64 dev fa nodad && "
			    "ip addr add 2001:db8:2::1/64 dev fb nodad && "
			    "ip addr add 2001:db8:3::1/64 dev fc nodad && "
			    "ip neigh add " RF_SERVER4 " lladdr 02:00:00:00:00:22 dev fb nud permanent && "
			    "ip neigh add " RF_SERVER6 " lladdr 02:00:00:00:00:22 dev fb nud permanent && "
			    "ip neigh add 192.0.2.2 lladdr 02:00:00:00:00:44 dev fc nud permanent && "
			    "ip neigh add 2001:db8:3::2 lladdr 02:00:00:00:00:44 dev fc nud permanent && "
			    "sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1"), 0,
		     "cannot build the veth pairs");
	rf_in = if_nametoindex("fa");
	rf_out = if_nametoindex("fb");
	rf_alt = if_nametoindex("fc");
	cr_assert(rf_in && rf_out && rf_alt);
	cr_assert_eq(fx_add_counters(rf_in), 0);
	cr_assert_eq(fx_add_counters(rf_out), 0);
	cr_assert_eq(fx_add_counters(rf_alt), 0);
	cr_assert_eq(rf_devmap_add(rf_out), 0);
	cr_assert_eq(rf_devmap_add(rf_alt), 0);
	cr_assert_eq(fx_set_flags(SFW_CFG_F_FORWARD), 0);
}

#endif
