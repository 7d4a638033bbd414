/* The Router Alert suites' namespace (tests/bpf/test_router_alert.c,
 * test_rvra.c): fa (198.51.100.1/24, 2001:db8:1::1/64, zone trust) where
 * the clients are, fb (203.0.113.1/24, 2001:db8:2::1/64, zone untrust)
 * toward the servers, the stack forwarding. trust -> untrust permits
 * anything; trust's host-inbound-traffic allows ssh (HOST_SSH) or dns
 * (HOST_DNS); untrust may reach nothing of the host's. */
#ifndef SFW_TESTS_BPF_RA_FIXTURE_H
#define SFW_TESTS_BPF_RA_FIXTURE_H

#include "commit.h"
#include "nat_fixture.h"

#define CLIENT6 "2001:db8:1::2"
#define SERVER6 "2001:db8:2::2"

#define ZONES_TEXT                                                                          \
	"set security zones security-zone trust interfaces fa\n"                            \
	"set security zones security-zone untrust interfaces fb\n"                          \
	"set security policies from-zone trust to-zone untrust policy out match "           \
	"source-address any destination-address any application any\n"                     \
	"set security policies from-zone trust to-zone untrust policy out then permit\n"    \
	"set security policies default-policy deny-all\n"
#define HOST_SSH ZONES_TEXT \
	"set security zones security-zone trust host-inbound-traffic system-services ssh\n"
#define HOST_DNS ZONES_TEXT \
	"set security zones security-zone trust host-inbound-traffic system-services dns\n"

static SUITE_UNUSED void ra_setup(void)
{
	veth_pair_up("ip addr add 2001:db8:1::1/64 dev fa nodad && "
		     "ip addr add 2001:db8:2::1/64 dev fb nodad && "
		     "ip neigh add " SERVER1 " lladdr 02:00:00:00:00:22 dev fb nud permanent && "
		     "ip neigh add " SERVER6 " lladdr 02:00:00:00:00:22 dev fb nud permanent && "
		     "sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1");
	cr_assert_eq(fx_local_addrs_sync(), 0);
}

#endif
