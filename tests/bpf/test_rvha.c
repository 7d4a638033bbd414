/* Review rvha: a session loaded from the cluster peer (ha/replica.c) whose
 * wing's zone has no interface on this node gets ifindex 0 for that wing,
 * and every check of where the other wing's packets leave
 * (sfw_leaves_by_peer_zone) reads peer 0 as "a first packet, nothing
 * recorded": yes. The session was judged for one zone pair on the peer;
 * here its opener's packets leave into whatever zone the route leads.
 *
 * The NAT fixture (tests/bpf/nat_fixture.h) with fc (zone_layouts.h):
 * fa the clients' (trust), fb toward the servers (untrust), fc a third.
 * The scenario is a VPN-only site: trust -> vpn permitted, everything
 * else (trust -> untrust included) denied. On the primary the VPN's
 * interface (fc here) carries SERVER1; on the backup the tunnel is not up
 * (its interface, "tun0", does not exist yet), so the zone has no
 * interface and SERVER1 follows the WAN route, by fb (untrust).
 *
 * The session really goes through the cluster path: opened here, written
 * into a conntrack zone by the mirror (ha/mirror.c), removed, the
 * configuration changed to the backup's, and loaded by the replica
 * (ha/replica.c), as rv26_ha does. */
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "ha_int.h"
#include "nat_fixture.h"
#include "reap.h"
#include "sess_stats.h"
#include "zone_layouts.h"

#define HA_CT_ZONE 4261
#include "ha_fixture.h"

#define SERVER1_ "203.0.113.2" /* SERVER1, a literal for scripts/check-deps.py */

static __u32 fc_if;

static void setup(void)
{
	fc_if = dmz_layout(true);
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, "sfw_tx_ports"), &fc_if, &fc_if,
					 BPF_ANY), 0);
}

TestSuite(rvha, .init = setup, .fini = ha_cluster_teardown);

/* trust, vpn, untrust in that order on both nodes (zones travel by
 * number); trust -> vpn permitted, nothing else */
#define VPN_ONLY_POLICY \
	"set security policies from-zone trust to-zone vpn policy v match source-address any destination-address any application any\n" \
	"set security policies from-zone trust to-zone vpn policy v then permit\n" \
	"set security policies default-policy deny-all\n"
/* the primary: the tunnel's interface is up (fc) */
#define PRIMARY_ZONES "set security zones security-zone trust interfaces fa\n" \
		      "set security zones security-zone vpn interfaces fc\n" \
		      "set security zones security-zone untrust interfaces fb\n"
/* the backup: the same zones, the tunnel's interface not up yet */
#define BACKUP_ZONES "set security zones security-zone trust interfaces fa\n" \
		     "set security zones security-zone vpn interfaces tun0\n" \
		     "set security zones security-zone untrust interfaces fb\n"
/* the backup with the tunnel's interface present (fc): the control */
#define BACKUP_ZONES_UP PRIMARY_ZONES

static void cluster_ready(void)
{
	ha_cluster_ready("rvha");
}

/* fa no longer watched by sfw: what the stack forwards from it is
 * judged at tc alone (sfw_tc_flow's own track) */
static void detach_fa(void)
{
	struct sfw_iface_key k = { .ifindex = in_if };

	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, "sfw_ifaces"), &k), 0);
}

/* The client's UDP flow to SERVER1 opened on "the primary" (trust ->
 * vpn, by fc), mirrored into the conntrack zone and gone from the table;
 * then this node is the backup (backup_zones committed, SERVER1 routed by
 * the WAN, fb) and its replica loads the entry. Returns whether it
 * loaded the session, in *got then (a fix may refuse to load one whose
 * wing's zone has no interface here: its packets are first packets then,
 * judged by this node's routes and policies). */
static bool loaded_on_the_backup(const struct pb_spec *s, const char *backup_zones,
				 struct sfw_session *got)
{
	struct sfw_ha_stats st = { 0 };
	int loaded;
	struct ha_replica rep;
	struct ha_mirror m;
	struct pb_pkt in, out;
	char text[2048];

	commit(PRIMARY_ZONES VPN_ONLY_POLICY);
	sh("ip route add " SERVER1_ "/32 dev fc");
	cr_assert_eq(run_at(in_if, s, &in, &out), FX_XDP_REDIRECT,
		     "the primary: trust -> vpn, forwarded by fc");
	GET_SESSION(s, got);
	cr_assert_eq(got->wing[SFW_WING_OUT].ifindex, fc_if);

	cluster_ready();
	cr_assert_eq(ha_mirror_open(&m, HA_CT_ZONE, &st), 0, "%s", sfw_last_error());
	cr_assert_eq(ha_mirror_walk(&m, 0, false), 0);
	ha_mirror_close(&m);
	cr_assert_eq(st.mirrored, 1, "mirrored");
	ha_clear_session(s);

	/* the backup */
	sh("ip route del " SERVER1_ "/32 dev fc");
	snprintf(text, sizeof(text), "%s" VPN_ONLY_POLICY, backup_zones);
	commit(text);
	cr_assert_eq(ha_replica_open(&rep, HA_CT_ZONE, false, &st), 0, "%s", sfw_last_error());
	loaded = ha_replica_load_all(&rep);
	ha_replica_close(&rep);
	if (!fx_session(s, got)) {
		cr_assert_eq(loaded, 1);
		cr_assert(got->flags & SFW_SESS_F_SYNCED);
		cr_assert_eq(got->wing[SFW_WING_IN].ifindex, in_if, "trust's wing: fa");
		return true;
	}
	return false;
}

/* The control, which passes: the backup's vpn zone has its interface
 * (fc), the loaded wing is bound to it, and the client's datagram the
 * backup routes by fb (untrust) is refused as Invalid zone. */
Test(rvha, control_loaded_wing_with_an_interface_keeps_the_zone_pair)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40001, 53);
	struct sfw_session got;
	struct pb_pkt in, out;

	cr_assert(loaded_on_the_backup(&s, BACKUP_ZONES_UP, &got));
	cr_assert_eq(got.wing[SFW_WING_OUT].ifindex, fc_if, "vpn's wing: fc");
	cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP,
		     "XDP forwarding: the datagram routed into untrust refused");
	nat_xdp_forwarding(false);
	cr_expect_eq(run_at(in_if, &s, &in, &out), FX_XDP_DROP,
		     "XDP passing to the stack: refused as well");
	detach_fa();
	cr_expect_eq(tc_of(out_if, in_if, &s), FX_TC_SHOT,
		     "tc at fb refuses it, forwarded from an unwatched fa");
}

/* H1: the backup's vpn zone has no interface (tun0 not up): the wing gets
 * ifindex 0, and the client's datagrams to SERVER1 leave into untrust, a
 * zone pair (trust -> untrust) the policies deny and no one judged.
 * XDP forwarding on (sfw_forward_route), off (sfw_xdp_route_first: peer
 * 0 skips sfw_xdp_egress_ok) let it through (tc trusts XDP's judgement
 * of a packet from an attached interface: sfw_tc_judged_flow checks its
 * ingress only). Fails on d419717. */
Test(rvha, h1_loaded_wing_without_interface_leaks_into_another_zone)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40002, 53);
	struct pb_spec reply = udp(SERVER1, CLIENT_A, 53, 40002);
	struct sfw_session got;
	struct pb_pkt in, out;
	int rc;

	if (loaded_on_the_backup(&s, BACKUP_ZONES, &got))
		cr_assert_eq(got.wing[SFW_WING_OUT].ifindex, 0, "vpn has no interface here: wing 0");
	/* the way back is shut (sfw_wing_from: wing 0 is in no zone) */
	cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP,
		     "an answer from untrust into the vpn wing");
	rc = run_at(in_if, &s, &in, &out);
	cr_expect_eq(rc, FX_XDP_DROP,
		     "XDP forwarded a trust -> vpn session's datagram into untrust (action %d)", rc);
	nat_xdp_forwarding(false);
	rc = run_at(in_if, &s, &in, &out);
	cr_expect_eq(rc, FX_XDP_DROP, "XDP passed a trust -> vpn session's datagram the stack "
		     "routes into untrust (action %d)", rc);
}

/* H1 at tc alone: the flow forwarded from an interface sfw does not watch
 * (fa detached after the load), no XDP judged it; tc's own track meets
 * the session (sfw_hook_route: sfw_leaves_by_peer_zone(0, fb)). */
Test(rvha, h1_tc_unwatched_ingress_leaks_into_another_zone)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40003, 53);
	struct sfw_session got;
	int rc;

	if (loaded_on_the_backup(&s, BACKUP_ZONES, &got))
		cr_assert_eq(got.wing[SFW_WING_OUT].ifindex, 0);
	detach_fa();
	rc = tc_of(out_if, in_if, &s);
	cr_expect_eq(rc, FX_TC_SHOT, "tc let a trust -> vpn session's datagram from an unwatched "
		     "fa out into untrust (action %d)", rc);
}

/* Question 3, which holds (passes): nothing a packet does records an
 * interface into a loaded wing of 0 while zones are configured
 * (sfw_wing_from: sfw_zone_same(0, x) is false), not even a packet by an
 * interface of the wing's own zone once it comes up: an attacker cannot
 * bind the wing by sending first. Only the replica gives it one, when the
 * peer's entry is loaded again (a refresh, a promotion) and the zone has
 * an interface by then. */
Test(rvha, q3_wing_without_interface_takes_no_packet_until_the_replica_binds_it)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40004, 53);
	struct pb_spec reply = udp(SERVER1, CLIENT_A, 53, 40004);
	struct sfw_ha_stats st = { 0 };
	struct sfw_session got;
	struct ha_replica rep;
	struct pb_pkt in, out;
	__u32 tun;
	bool loaded = loaded_on_the_backup(&s, BACKUP_ZONES, &got);

	if (loaded)
		cr_assert_eq(got.wing[SFW_WING_OUT].ifindex, 0);
	cr_expect_eq(run_at(fc_if, &reply, &in, &out), FX_XDP_DROP,
		     "an answer by fc (no zone here) into the vpn wing");
	cr_expect_eq(run_at(out_if, &reply, &in, &out), FX_XDP_DROP,
		     "an answer by fb (untrust) into the vpn wing");
	/* the tunnel comes up: tun0, in vpn */
	sh("ip link add tun0 type veth peer name tun1 && ip link set tun0 up && "
	   "ip link set tun1 up");
	tun = if_nametoindex("tun0");
	cr_assert(tun);
	cr_assert_eq(fx_add_counters(tun), 0);
	cr_assert_eq(fx_mark_attached(tun), 0);
	commit(BACKUP_ZONES VPN_ONLY_POLICY);
	cr_expect_eq(run_at(tun, &reply, &in, &out), FX_XDP_DROP,
		     "an answer by the vpn zone's own interface, before the replica binds the wing");
	if (loaded) {
		GET_SESSION(&s, &got);
		cr_expect_eq(got.wing[SFW_WING_OUT].ifindex, 0, "no packet recorded an interface");
	} else {
		ASSERT_NO_SESSION(&s);
	}
	/* the peer's refresh: loaded (again), the wing gets tun0 */
	cr_assert_eq(ha_replica_open(&rep, HA_CT_ZONE, false, &st), 0, "%s", sfw_last_error());
	cr_assert_eq(ha_replica_load_all(&rep), 1);
	ha_replica_close(&rep);
	GET_SESSION(&s, &got);
	cr_expect_eq(got.wing[SFW_WING_OUT].ifindex, tun, "the replica binds the wing to tun0");
	cr_expect_neq(run_at(tun, &reply, &in, &out), FX_XDP_DROP, "the answer by tun0 now passes");
}

/* H1's fix, for a session already in the table with an unbound wing (one
 * loaded before the fix, or while this node had no zones): the peer's
 * next refresh ends it rather than leaving it as it is. */
Test(rvha, h1_a_loaded_session_whose_wing_is_unbound_ends_at_the_refresh)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40005, 53);
	struct sfw_ha_stats st = { 0 };
	struct sfw_session got;
	struct sfw_session_key k;
	struct ha_replica rep;

	cr_assert(loaded_on_the_backup(&s, BACKUP_ZONES_UP, &got));
	/* as it would be had vpn had no interface when it was loaded */
	got.wing[SFW_WING_OUT].ifindex = 0;
	fx_key(&s, &k);
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &k, &got,
					 BPF_EXIST), 0);
	commit(BACKUP_ZONES VPN_ONLY_POLICY);
	cr_assert_eq(ha_replica_open(&rep, HA_CT_ZONE, false, &st), 0, "%s", sfw_last_error());
	cr_assert_eq(ha_replica_load_all(&rep), 0, "nothing loaded");
	ha_replica_close(&rep);
	cr_expect_eq(st.load_refused, 1, "counted as not loaded");
	ASSERT_NO_SESSION(&s);
}
