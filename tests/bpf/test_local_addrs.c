/* "Is this source the host's own?" at tc egress (bpf/tc_judged.bpf.h
 * sfw_tc_src_own) answered by the map of the host's own addresses
 * (include/local_addr.h, loader/local_addrs.c), not by a FIB lookup
 * alone: a FIB lookup of the reply answers NOT_FWDED for a source with
 * no route (and a broadcast) as for a local address, and IPv6 forwards
 * an IPsec-decapsulated packet from such a source, which then passed as
 * self traffic (docs/security.md "Threat model", Tunnels). Each runs in
 * the fixture's private network namespace on lo: no veth. */
#include <stdlib.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "local_addr.h"

TestSuite(local_addrs, .init = suite_setup, .fini = suite_teardown);

#define LAN_IFINDEX 7              /* an attached LAN; lo (FX_IFINDEX) the egress */
#define PEER4 "203.0.113.9"        /* a tunnel's far end */
#define PEER6 "2001:db8:9::9"
#define OWN6 "2001:db8:1::1"       /* the host's own, on lo */
#define UNROUTED6 "2001:db8:77::7" /* no route at all in the namespace */
#define UNROUTED4 "192.0.2.77"

/* A router (forwarding on for both families) whose LAN client's web flow
 * alone is permitted: an unjudged forwarded packet judged as the LAN's is
 * refused. */
static void narrow_router(void)
{
	commit("set security policies global policy web match source-address any destination-address any application junos-http\n"
	       "set security policies global policy web then permit\n"
	       "set security policies default-policy deny-all\n");
	cr_assert_eq(system("ip link set lo up && sysctl -qw net.ipv4.ip_forward=1 && "
			    "sysctl -qw net.ipv6.conf.all.forwarding=1"), 0);
	cr_assert_eq(fx_mark_attached(LAN_IFINDEX), 0);
	cr_assert_eq(fx_mark_attached(FX_IFINDEX), 0);
}

/* OWN6 on lo, usable: IPv6 inserts an address's local route from a work
 * queue after `ip addr add` returns (even with nodad), and until then the
 * FIB routes the address elsewhere (seen under load: the host's own
 * address judged as the LAN's). */
static void add_own6(void)
{
	cr_assert_eq(system("ip addr add " OWN6 "/64 dev lo nodad && "
			    "for i in $(seq 250); do "
			    "ip -6 route show table local | grep -q '^local " OWN6 " ' && exit 0; "
			    "sleep 0.02; done; exit 1"), 0, OWN6 "'s local route never came");
}

static int esp_forwarded(const char *src, const char *dst)
{
	struct pb_spec esp = { .src = src, .dst = dst, .proto = SFW_IPPROTO_ESP, .payload = 64 };
	struct fx_tc_opts forwarded = { .ingress_ifindex = LAN_IFINDEX };

	return fx_tc(&esp, &forwarded);
}

static struct sfw_local_addr_key key_of(const char *text)
{
	struct sfw_local_addr_key k = {};
	bool v6 = strchr(text, ':') != NULL;

	cr_assert_eq(inet_pton(v6 ? AF_INET6 : AF_INET, text, k.addr.bytes), 1);
	k.family = v6 ? SFW_FAMILY_INET6 : SFW_FAMILY_INET;
	return k;
}

static bool in_map(const char *text)
{
	struct sfw_local_addr_key k = key_of(text);
	__u32 ifindex;

	return !bpf_map_lookup_elem(fx_map_fd(true, "sfw_local_addrs"), &k, &ifindex);
}

/* (a) An IPsec peer's decapsulated inner packet from an IPv6 source the
 * namespace has no route for: IPv6 forwards it, XDP never saw it (no
 * trace), and the reply's FIB lookup answers NOT_FWDED as for a local
 * address. It is no address of the host's: judged as the LAN zone's
 * first packet, refused under the web-only policy. Seen red with the FIB
 * lookup alone (sfw_tc_src_own before the map): it passed as self
 * traffic. */
Test(local_addrs, forwarded_ipv6_from_an_unrouted_source_is_the_lans)
{
	narrow_router();
	cr_assert_eq(fx_local_addrs_sync(), 0);
	cr_expect_eq(esp_forwarded(UNROUTED6, PEER6), FX_TC_SHOT,
		     "an unrouted IPv6 source passed as the host's own");
}

/* (a) The same for IPv4 (rp_filter off lets the stack forward it). Seen
 * red with the FIB lookup alone. */
Test(local_addrs, forwarded_ipv4_from_an_unrouted_source_is_the_lans)
{
	narrow_router();
	cr_assert_eq(fx_local_addrs_sync(), 0);
	cr_expect_eq(esp_forwarded(UNROUTED4, PEER4), FX_TC_SHOT,
		     "an unrouted IPv4 source passed as the host's own");
}

/* (b) The host's own IPv6 address, in the map: the outer header of a
 * tunnel the host wrote for a forwarded flow, self traffic (rv27 F1). */
Test(local_addrs, forwarded_ipv6_from_the_hosts_address_is_self_traffic)
{
	narrow_router();
	add_own6();
	cr_assert_eq(fx_local_addrs_sync(), 0);
	cr_expect_eq(esp_forwarded(OWN6, PEER6), FX_TC_OK, "the host's own outer packet");
}

/* Fail closed: the host's address not (yet) in the map (added after the
 * load, before the daemon heard of it) is judged as the LAN's, however
 * local the FIB says it is; once synced it is the host's; removed from
 * the namespace and synced, the LAN's again. Seen red with the FIB
 * lookup alone (the first expectation: it passed). */
Test(local_addrs, an_address_missing_from_the_map_fails_closed)
{
	narrow_router();
	add_own6();
	cr_expect_eq(esp_forwarded(OWN6, PEER6), FX_TC_SHOT,
		     "an address the map does not hold passed as the host's");
	cr_assert_eq(fx_local_addrs_sync(), 0);
	cr_expect_eq(esp_forwarded(OWN6, PEER6), FX_TC_OK, "synced: the host's");
	cr_assert_eq(system("ip addr del " OWN6 "/64 dev lo"), 0);
	cr_assert_eq(fx_local_addrs_sync(), 0);
	/* another peer: the passed packet's own session would judge it */
	cr_expect_eq(esp_forwarded(OWN6, "2001:db8:9::8"), FX_TC_SHOT,
		     "removed: the LAN's again");
}

/* The sync holds every address of the namespace, both families,
 * loopback's and secondary (non-preferred) ones, and drops what went. */
Test(local_addrs, sync_holds_every_address_and_drops_removed_ones)
{
	cr_assert_eq(system("ip link set lo up && ip addr add 203.0.113.1/24 dev lo && "
			    "ip addr add 203.0.113.2/24 dev lo && "
			    "ip addr add " OWN6 "/64 dev lo nodad"), 0);
	cr_assert_eq(fx_local_addrs_sync(), 0);
	cr_expect(in_map("127.0.0.1"));
	cr_expect(in_map("::1"));
	cr_expect(in_map("203.0.113.1"));
	cr_expect(in_map("203.0.113.2"), "a secondary address");
	cr_expect(in_map(OWN6));
	cr_expect_not(in_map("203.0.113.255"), "a broadcast is no source of the host's");
	cr_assert_eq(system("ip addr del 203.0.113.2/24 dev lo"), 0);
	cr_assert_eq(fx_local_addrs_sync(), 0);
	cr_expect_not(in_map("203.0.113.2"));
	cr_expect(in_map("203.0.113.1"));
}
