/* Zone layouts of the NAT fixture's three veths (tests/bpf/nat_fixture.h:
 * fa the clients', fb the servers', and fc a third), as the zone tests
 * commit them, and the route that moves a client behind fc. */
#ifndef SFW_TEST_ZONE_LAYOUTS_H
#define SFW_TEST_ZONE_LAYOUTS_H

#include <stdlib.h>
#include <criterion/criterion.h>

#define ZONES_FC_TRUST "set security zones security-zone trust interfaces fa\n" \
		       "set security zones security-zone trust interfaces fc\n" \
		       "set security zones security-zone untrust interfaces fb\n"
#define ZONES_FC_DMZ "set security zones security-zone trust interfaces fa\n" \
		     "set security zones security-zone dmz interfaces fc\n" \
		     "set security zones security-zone untrust interfaces fb\n"
#define ZONES_FC_UNTRUST "set security zones security-zone trust interfaces fa\n" \
			 "set security zones security-zone untrust interfaces fc\n" \
			 "set security zones security-zone untrust interfaces fb\n"
#define ZONES_FA_UNTRUST "set security zones security-zone trust interfaces fc\n" \
			 "set security zones security-zone untrust interfaces fa\n" \
			 "set security zones security-zone untrust interfaces fb\n"

/* trust may reach untrust, nothing else */
#define TRUST_OUT_ONLY "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n" \
		       "set security policies from-zone trust to-zone untrust policy out then permit\n" \
		       "set security policies default-policy deny-all\n"

/* The client's address (a /32) routed behind fc from now on, its
 * neighbour resolved there */
static inline void route_client_behind_fc(const char *client)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "ip route add %s/32 dev fc && ip neigh replace %s lladdr "
		 "02:00:00:00:00:33 dev fc nud permanent", client, client);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

#endif
