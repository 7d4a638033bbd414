/* Zone layouts of the NAT fixture's three veths (tests/bpf/nat_fixture.h:
 * fa the clients', fb the servers', and fc a third), as the zone tests
 * commit them, fc and IPv6 set up for them, and the route that moves a
 * client behind fc. The including file includes nat_fixture.h and
 * commit.h. */
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

/* The IPv6 client and server, fa's and fb's, as CLIENT_A and SERVER1 */
#define SERVER6 "2001:db8:2::2"
#define CLIENT6 "2001:db8:1::2"

/* fc up beside fa and fb (nat_fixture.h's nat_setup first), all three
 * with an IPv6 address and IPv6 forwarding on; SERVER1 and SERVER6
 * resolved behind fb and behind fc alike, for a route that moves them
 * there (the addresses are literals: scripts/check-deps.py reads the
 * shell command with this file's own definitions only). Returns fc's
 * ifindex. */
static inline __u32 fc_up_dual_stack(void)
{
	__u32 fc = veth_fc_up();

	cr_assert_eq(system("ip addr add 2001:db8:1::1/64 dev fa nodad && "
			    "ip addr add 2001:db8:2::1/64 dev fb nodad && "
			    "ip addr add 2001:db8:3::1/64 dev fc nodad && "
			    "ip neigh add 2001:db8:2::2 lladdr 02:00:00:00:00:22 dev fb nud permanent && "
			    "ip neigh add 2001:db8:2::2 lladdr 02:00:00:00:00:33 dev fc nud permanent && "
			    "ip neigh add 203.0.113.2 lladdr 02:00:00:00:00:33 dev fc nud permanent && "
			    "sysctl -qw net.ipv6.conf.all.forwarding=1"), 0, "fc and IPv6");
	return fc;
}

/* The layout of the zone tests of later fragments and routes: fa in
 * trust, fb in untrust, fc in dmz (fc_up_dual_stack), trust ->
 * untrust permitted and nothing else, fa and fb attached, and fc too
 * where attach_fc says. Returns fc's ifindex. */
static inline __u32 dmz_layout(bool attach_fc)
{
	__u32 fc;

	nat_setup();
	fc = fc_up_dual_stack();
	cr_assert_eq(fx_local_addrs_sync(), 0);
	commit(ZONES_FC_DMZ TRUST_OUT_ONLY);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	if (attach_fc)
		cr_assert_eq(fx_mark_attached(fc), 0);
	return fc;
}

/* A UDP fragment at offset off (0: the first), more to come, of
 * datagram id, its ToS (traffic class) tos; behind a Fragment header for
 * IPv6 */
static inline struct pb_spec udp_frag(const char *src, const char *dst, __u16 sport,
				      __u16 dport, __u16 id, __u16 off, __u8 tos)
{
	struct pb_spec s = { .src = src, .dst = dst, .proto = SFW_IPPROTO_UDP, .sport = sport,
			     .dport = dport, .payload = 64, .more_frags = true, .ip_id = id,
			     .frag_id = id, .frag_off = off, .tos = tos };

	if (pb_is_v6(&s)) {
		s.n_ext = 1;
		s.ext[0] = SFW_IPPROTO_FRAGMENT;
	}
	return s;
}

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
