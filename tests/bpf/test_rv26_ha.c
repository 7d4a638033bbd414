/* Red team rv26, the cluster half: limit-session counts and the replica
 * (ha/replica.c). */
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "ha_int.h"
#include "reap.h"
#include "sess_counts.h"
#include "tcp_conn.h"
#include "tally.h"

#define HA_CT_ZONE 4243
#include "ha_fixture.h"

TestSuite(rv26_ha, .init = suite_setup, .fini = ha_cluster_teardown);

static struct sfw_sess_totals counters(void)
{
	struct sfw_sess_totals t;

	cr_assert_eq(sfw_sess_totals_read(fx_map_fd(false, SFW_STR(SFW_MAP_SESS_STATS)), &t), 0);
	return t;
}

/* A limit of one session per source address in the fixture's zone. */
static void commit_limit_of_one(void)
{
	commit("set security screen ids-option lim limit-session source-ip-based 1\n"
	       "set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust screen lim\n"
	       "set security policies default-policy permit-all\n");
}

static void cluster_ready(void)
{
	ha_cluster_ready("rv26");
}

/* A TCP connection through this node, under a limit of one session per
 * source. */
static void connected(struct conn *k)
{
	commit_limit_of_one();
	conn_init(k, CLI4, SRV4);
	conn_handshake(k, FX_XDP_PASS);
}

/* This node as primary: its mirror writes its sessions into the zone
 * (n of them). */
static void mirror_all(struct sfw_ha_stats *st, __u64 n)
{
	struct ha_mirror m;

	cluster_ready();
	cr_assert_eq(ha_mirror_open(&m, HA_CT_ZONE, st), 0, "%s", sfw_last_error());
	cr_assert_eq(ha_mirror_walk(&m, 0, false), 0);
	ha_mirror_close(&m);
	cr_assert_eq(st->mirrored, n, "the mirror wrote the sessions (skipped %llu, errors %llu)",
		     (unsigned long long)st->skipped, (unsigned long long)st->write_errors);
}

/* The replica, listening to the zone's events. Opened before the entries
 * are written when a test wants their DESTROY events: with
 * nf_conntrack_events=2 (the default) the kernel sends events only of
 * entries made while someone listened (conntrackd always does). */
static void replica_open(struct ha_replica *rep, struct sfw_ha_stats *st)
{
	cluster_ready();
	cr_assert_eq(ha_replica_open(rep, HA_CT_ZONE, true, st), 0, "%s", sfw_last_error());
}

/* This node steps down: its replica loads what the zone holds, n entries
 * (enter_secondary). */
static void step_down(struct ha_replica *rep, int n)
{
	cr_assert_eq(ha_replica_load_all(rep), n, "the zone's entries loaded");
}

/* rv26 F3: a node that steps down to secondary without a restart
 * (keepalived's stop or fault hook, a failover the other way) reloads the
 * entries of its conntrack zone (enter_secondary: ha_replica_load_all),
 * and those are its own sessions, which its mirror wrote there while it
 * was primary (the transition to secondary purges nothing), with the
 * same ids; then the new primary's bulk send brings them again. upsert
 * found "the same session" and wrote the decoded one over it, and the
 * decoded one has a tally word of 0 (sfw_ha_decode zeroes it; the mirror
 * carries no counts): the session's limit-session bits (SFW_TALLY_SRC/DST)
 * and its counted bits were gone, but the counts they stood for stayed in
 * sfw_tally and the session counters. No end gave them back (the reaper's
 * and the datapath's release read the bits), so each session that lived
 * through a step-down held its address's count for good: with
 * `limit-session source-ip-based N`, N sessions through N failovers
 * locked the address out until `detach all`. Here: a limit of 1, one
 * session, the mirror's walk and the replica's load as a step-down runs
 * them, then the session is cleared: the address's next session must
 * pass, and the session counters must come back to none. Red before the
 * fix (upsert keeps the live session's tally word): the session lost
 * SFW_TALLY_SRC, the count stayed 1, the next session was refused. */
Test(rv26_ha, f3_stepping_down_leaks_the_limit_session_counts)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 5000, .dport = 53 };
	struct sfw_session before, after;
	struct sfw_ha_stats st = { 0 };
	struct sfw_sess_totals c;
	struct ha_replica rep;

	commit_limit_of_one();
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);
	GET_SESSION(&s, &before);
	cr_assert(before.tally & SFW_TALLY_SRC, "the session holds its source count");

	mirror_all(&st, 1);
	replica_open(&rep, &st);
	step_down(&rep, 1);
	ha_replica_close(&rep);
	GET_SESSION(&s, &after);
	cr_assert_eq(after.id, before.id, "the same session");
	cr_expect(after.flags & SFW_SESS_F_SYNCED, "loaded: a copy of the new primary's");
	cr_expect(after.tally & SFW_TALLY_SRC, "the session lost the record of its source count");
	cr_expect(after.tally & SFW_TALLY_COUNTED, "the session lost its counted bit");
	c = counters();
	cr_expect_eq(c.total, 1, "the session counters count it once");
	cr_expect_eq(c.active[0][SFW_IPPROTO_UDP], 1);

	/* the session ends (clear); its counts go with it */
	ha_clear_session(&s);
	cr_expect_eq(tally(CLI4, SFW_DIR_SRC), 0, "the count outlived its session");
	c = counters();
	cr_expect_eq(c.total, 0, "the session counters count an ended session");
	cr_expect_eq(c.active[0][SFW_IPPROTO_UDP], 0);
	cr_expect_eq(c.closed[SFW_CLOSE_CLEAR], 1);
	s.sport = 5001;
	cr_expect_eq(fx_xdp(&s), FX_XDP_PASS, "the address has no session, yet is refused");
}

/* rv26 F3, TCP: the per-state counts stay right through a step-down, the
 * new primary's bulk send of the same entry again (a SYNCED session
 * updated by a later entry keeps what it holds), and the session's end on
 * the peer: its entry's deletion unloads it here, through the reaper, so
 * the counts it holds are given back. Red before the fix: the tally bits
 * were gone after the load (and a bare delete of a session that holds
 * counts would keep them). */
Test(rv26_ha, f3_tcp_counts_survive_the_reload_and_the_peers_end)
{
	struct sfw_ha_stats st = { 0 };
	struct sfw_sess_totals c;
	struct sfw_session after;
	struct ha_replica rep;
	struct conn k;

	commit_limit_of_one();
	conn_init(&k, CLI4, SRV4);
	/* window scales on both sides (tcp_without_window_scale_*: none) */
	k.c.tcp_opts = k.s.tcp_opts = 8;
	k.c.tcp_wscale = k.s.tcp_wscale = 7 + 1;
	conn_handshake(&k, FX_XDP_PASS);
	c = counters();
	cr_assert_eq(c.tcp[SFW_TCP_ESTABLISHED], 1);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);

	replica_open(&rep, &st);
	mirror_all(&st, 1);
	step_down(&rep, 1);
	/* the new primary's bulk send, and the entry's event: the same again */
	cr_assert_eq(ha_replica_load_all(&rep), 1);
	cr_assert_eq(ha_replica_events(&rep), 0);
	cr_expect_geq(st.load_updates, 2, "the loads found the same session");
	cr_expect_eq(st.loaded, 0, "nothing loaded as new");
	after = conn_session(&k);
	cr_expect(after.flags & SFW_SESS_F_SYNCED);
	cr_expect_eq(after.tally & (SFW_TALLY_SRC | SFW_TALLY_COUNTED | SFW_TALLY_TCP_MASK),
		     SFW_TALLY_SRC | SFW_TALLY_COUNTED |
		     (SFW_TCP_ESTABLISHED << SFW_TALLY_TCP_SHIFT),
		     "what it is counted under: %#x", after.tally);
	c = counters();
	cr_expect_eq(c.total, 1);
	cr_expect_eq(c.tcp[SFW_TCP_ESTABLISHED], 1, "counted once, ESTABLISHED");

	/* the session ends on the peer: its entry goes from the zone */
	cr_assert_eq(ha_ct_purge(HA_CT_ZONE, true), 1);
	cr_assert_eq(ha_replica_events(&rep), 0);
	ha_replica_close(&rep);
	cr_expect_eq(st.unloaded, 1, "the peer's end unloads it");
	ASSERT_NO_SESSION(&k.c);
	cr_expect_eq(tally(CLI4, SFW_DIR_SRC), 0, "the count outlived its session");
	c = counters();
	cr_expect_eq(c.total, 0, "the session counters count an unloaded session");
	cr_expect_eq(c.tcp[SFW_TCP_ESTABLISHED], 0);
}

/* Red team 1205 F2, through the replica: a TCP session loaded from the
 * peer has both wings unconfirmed, so a blind server-side ACK and a RST
 * at its numbers do not end it; the real conversation then confirms both.
 * Red before the fix: the RST closed the session. */
Test(rv26_ha, a_loaded_session_survives_a_forged_ack_and_rst)
{
	struct sfw_ha_stats st = { 0 };
	struct ha_replica rep;
	struct pb_spec forged;
	struct conn k;

	connected(&k);
	replica_open(&rep, &st);
	mirror_all(&st, 1);
	step_down(&rep, 1);
	ha_replica_close(&rep);
	cr_assert_eq(conn_session(&k).xflags & SFW_SESS_X_UNCONFIRMED, SFW_SESS_X_UNCONFIRMED,
		     "loaded with both wings unconfirmed");
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	forged = k.s;
	forged.seq = k.s_next + 0x40000000u;
	forged.ack = 0x55555555;
	forged.tcp_flags = ACK;
	forged.payload = 0;
	cr_assert_eq(fx_xdp(&forged), FX_XDP_PASS);
	forged.tcp_flags = RST;
	forged.ack = 0;
	fx_xdp(&forged);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_ESTABLISHED, "the forger's RST");
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(cli(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).xflags & SFW_SESS_X_UNCONFIRMED, 0, "both confirmed");
}

/* Red team 1205 F6: the replica gave a loaded session a whole timeout
 * from when it loaded it, so every refresh restarted its idle clock and
 * a session about to end on the primary lived on after a failover. The
 * entry says what it had left there: idle 100 s, it has 100 s less here. */
Test(rv26_ha, a_loaded_session_keeps_the_primarys_idle_clock)
{
	struct sfw_ha_stats st = { 0 };
	struct sfw_session_key key;
	struct sfw_session s;
	struct ha_replica rep;
	struct conn k;
	long left;

	connected(&k);
	s = conn_session(&k);
	s.last_seen_s -= 100;
	fx_key(&k.c, &key);
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &key, &s,
					 BPF_EXIST), 0);
	mirror_all(&st, 1);
	s.last_seen_s -= 10;   /* this node's own copy, older: the entry's wins */
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &key, &s,
					 BPF_EXIST), 0);
	replica_open(&rep, &st);
	step_down(&rep, 1);
	s = conn_session(&k);
	cr_assert(s.flags & SFW_SESS_F_SYNCED);
	left = sfw_sess_remaining_at(&s, sfw_secs(sfw_coarse_now_ns()));
	cr_expect(left <= (long)s.timeout_s - 98 && left >= (long)s.timeout_s - 102,
		  "%ld s left of %u, idle 100 s on the primary", left, s.timeout_s);
	/* a packet of it here, then the same entry again: this node's is later */
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	step_down(&rep, 1);
	ha_replica_close(&rep);
	s = conn_session(&k);
	left = sfw_sess_remaining_at(&s, sfw_secs(sfw_coarse_now_ns()));
	cr_expect(left >= (long)s.timeout_s - 1, "%ld s left of %u after a packet here", left,
		  s.timeout_s);
}

/* Red team r47 RT47-4: the replica kept a wing's FIN but not where it
 * was (fin_seq 0): in a copy in TIME_WAIT whose server FIN was not yet
 * acknowledged, a blind client ACK of 1 acknowledged it, the connection
 * was finished, and a blind bare SYN took the tuple over. */
Test(rv26_ha, a_loaded_fin_is_not_acknowledged_by_a_blind_ack_of_one)
{
	struct sfw_ha_stats st = { 0 };
	struct ha_replica rep;
	struct pb_spec forged;
	struct conn k;
	__u64 id;

	connected(&k);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_TIME_WAIT);
	id = conn_session(&k).id;
	replica_open(&rep, &st);
	mirror_all(&st, 1);
	step_down(&rep, 1);
	ha_replica_close(&rep);
	forged = k.c;
	forged.tcp_flags = ACK;
	forged.seq = 0x12345678;
	forged.ack = 1;
	forged.payload = 0;
	fx_xdp(&forged);
	forged.tcp_flags = SYN;
	forged.seq = 0x2468ace0;
	forged.ack = 0;
	fx_xdp(&forged);
	cr_assert_eq(conn_session(&k).id, id, "a blind SYN took the tuple over");
}

/* The zone's entry is another session than this node's at the same key
 * (this node ended the mirrored one and opened another on the same
 * addresses and ports, which its mirror has not written yet): the peer's
 * replaces it, and this node's own ends through the reaper first, so the
 * counts it holds are given back. Red with a plain overwrite: the count
 * stays 1 and the session counters count the replaced session for ever. */
Test(rv26_ha, f3_a_replaced_own_session_gives_its_counts_back)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 5000, .dport = 53 };
	struct sfw_session first, now;
	struct sfw_ha_stats st = { 0 };
	struct sfw_sess_totals c;
	struct ha_replica rep;

	commit_limit_of_one();
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	GET_SESSION(&s, &first);
	mirror_all(&st, 1);
	ha_clear_session(&s);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS, "another session on the same key");
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);

	replica_open(&rep, &st);
	step_down(&rep, 1);
	/* one session replaced another: the table holds one (review rv43z
	 * F6: the replaced one was taken off twice, so the replica counted
	 * 0 and a limit let one session too many in) */
	cr_expect_eq(rep.count, 1, "the replica's count of the table: %llu",
		     (unsigned long long)rep.count);
	ha_replica_close(&rep);
	GET_SESSION(&s, &now);
	cr_expect_eq(now.id, first.id, "the zone's session replaced this node's");
	cr_expect(now.flags & SFW_SESS_F_SYNCED);
	cr_expect_eq(now.tally, 0, "a loaded session holds no counts");
	cr_expect_eq(tally(CLI4, SFW_DIR_SRC), 0, "the replaced session kept its count");
	c = counters();
	cr_expect_eq(c.total, 0, "the session counters count the replaced session");
	cr_expect_eq(c.closed[SFW_CLOSE_CLEAR], 1);
}

/* A TCP session mirrored and loaded back (a step-down) with the window
 * scales of its wings: sfw's "no scale option" is 0xf
 * (bpf/parse_l4.bpf.h), which conntrack refuses as a scale (above 14,
 * TCP_MAX_WSCALE); the entry must say it the way conntrack does, with
 * the wing's IP_CT_TCP_FLAG_WINDOW_SCALE clear. cli and srv: the options
 * each side's SYN carries (0: none). Red before the fix: the kernel
 * refused the entry (write_errors 1, mirrored 0). */
static void mirror_scales(__u8 cli, __u8 srv)
{
	struct sfw_ha_stats st = { 0 };
	struct sfw_session before, after;
	struct ha_replica rep;
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	k.c.tcp_opts = k.s.tcp_opts = 8;
	k.c.tcp_wscale = cli;
	k.s.tcp_wscale = srv;
	conn_handshake(&k, FX_XDP_PASS);
	before = conn_session(&k);
	cr_assert_eq(before.wing[SFW_WING_IN].wscale, cli ? cli - 1 : 0xf);
	cr_assert_eq(before.wing[SFW_WING_OUT].wscale, srv ? srv - 1 : 0xf);

	replica_open(&rep, &st);
	mirror_all(&st, 1);
	step_down(&rep, 1);
	ha_replica_close(&rep);
	after = conn_session(&k);
	cr_expect_eq(after.id, before.id);
	for (int w = 0; w < 2; w++)
		cr_expect_eq(after.wing[w].wscale, before.wing[w].wscale,
			     "wing %d: scale %#x, was %#x", w, after.wing[w].wscale,
			     before.wing[w].wscale);
}

Test(rv26_ha, tcp_without_window_scale_on_one_side_is_mirrored)
{
	mirror_scales(7 + 1, 0);
}

Test(rv26_ha, tcp_without_window_scale_on_either_side_is_mirrored)
{
	mirror_scales(0, 0);
}

Test(rv26_ha, tcp_window_scales_are_mirrored)
{
	mirror_scales(7 + 1, 3 + 1);
}

/* A session the encoding refuses (a TCP state outside its table, as a
 * corrupt or newer datapath's session would have) is counted as a write
 * error, not passed over in silence. Red before: write_errors 0. */
Test(rv26_ha, a_session_the_encoding_refuses_is_counted)
{
	struct sfw_ha_stats st = { 0 };
	struct sfw_session_key key;
	struct sfw_session s;
	struct ha_mirror m;
	struct conn k;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	s = conn_session(&k);
	s.tcp_state = 200;
	fx_key(&k.c, &key);
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &key, &s,
					 BPF_EXIST), 0);
	cluster_ready();
	cr_assert_eq(ha_mirror_open(&m, HA_CT_ZONE, &st), 0, "%s", sfw_last_error());
	cr_assert_eq(ha_mirror_walk(&m, 0, false), 0);
	ha_mirror_close(&m);
	cr_expect_eq(st.mirrored, 0);
	cr_expect_eq(st.write_errors, 1, "the refused session is counted");
}

/* What a follow or commit moving lo to another zone does first
 * (loader/zone_ifnames.c drop_stale, loader/zone_moves.c): its entry in
 * force goes; then it ends the sessions with a wing on lo, which the
 * replica has not written yet. */
static void lo_leaves_its_zone(void *arg)
{
	struct sfw_config cfg;
	struct sfw_zone_key k = { .ifindex = FX_IFINDEX };

	(void)arg;
	cr_assert_eq(fx_config(&cfg), 0);
	k.gen = cfg.gen & 1;
	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, SFW_STR(SFW_MAP_ZONES)), &k), 0);
}

/* The replica gives a loaded session's wings an interface of their zone
 * here (ha/zone_cache.c), read without the lock commits and follows
 * take: one that moved that interface between the read and the write,
 * its walk over before the session was written, left the session bound
 * to whatever zone the interface got next (rv36's residual risk). Now the
 * zone is read again after the write and the session ended: the peer's
 * next refresh loads it by the zones as they are then. */
Test(rv26_ha, a_session_loaded_onto_an_interface_that_moves_zone_ends)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 5100, .dport = 53 };
	struct sfw_ha_stats st = { 0 };
	struct ha_replica rep;

	commit("set security zones security-zone trust interfaces lo\n"
	       "set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	mirror_all(&st, 1);
	ha_clear_session(&s);
	replica_open(&rep, &st);
	rep.before_write = lo_leaves_its_zone;
	cr_expect_eq(ha_replica_load_all(&rep), 0, "loaded onto lo, moving");
	ha_replica_close(&rep);
	ASSERT_NO_SESSION(&s);
}

#define MANY 64

/* MANY UDP sessions through the fixture, written into the zone by the
 * mirror and gone from the table: the replica's load gives each wing an
 * interface of its zone again. */
static void many_mirrored(struct sfw_ha_stats *st, int n)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP, .dport = 53 };

	commit("set security zones security-zone trust interfaces lo\n"
	       "set security policies default-policy permit-all\n");
	for (int i = 0; i < n; i++) {
		s.sport = (__u16)(5200 + i);
		cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	}
	mirror_all(st, (__u64)n);
	for (int i = 0; i < n; i++) {
		s.sport = (__u16)(5200 + i);
		ha_clear_session(&s);
	}
}

/* rv43z F5: the replica walked the whole zones map (32,768 buckets since
 * zonecap F1) for every wing it gave an interface, twice per loaded
 * session. One walk now serves the configuration in force. Red before
 * (the walk per wing): walks == MANY * 2. */
Test(rv26_ha, loading_many_sessions_walks_the_zones_map_once)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP, .dport = 53 };
	struct sfw_ha_stats st = { 0 };
	struct sfw_session got;
	struct ha_replica rep;

	many_mirrored(&st, MANY);
	replica_open(&rep, &st);
	cr_assert_eq(ha_replica_load_all(&rep), MANY);
	cr_expect_eq(rep.zones.walks, 1, "the zones map walked %llu times for %d sessions",
		     (unsigned long long)rep.zones.walks, MANY);
	ha_replica_close(&rep);
	for (int i = 0; i < MANY; i++) {
		s.sport = (__u16)(5200 + i);
		GET_SESSION(&s, &got);
		cr_expect_eq(got.wing[0].ifindex, FX_IFINDEX);
		cr_expect_eq(got.wing[1].ifindex, FX_IFINDEX);
	}
}

/* Removes lo from its zone once, at the first session's write, as a
 * follow does (lo_leaves_its_zone): the generation stays the same. */
static void lo_leaves_once(void *arg)
{
	int *calls = arg;

	if ((*calls)++ == 0)
		lo_leaves_its_zone(NULL);
}

/* The cache of the zones' interfaces is dropped when an interface it gave
 * moved: the session after gets an interface of its zone as it is then
 * (a second one, IFINDEX_2, put in the zone for this), not the moved one
 * again, which would end every session loaded until the next commit. */
#define IFINDEX_2 7000

Test(rv26_ha, a_session_loaded_after_an_interface_moves_gets_the_zone_as_it_is)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP, .dport = 53 };
	int zones = fx_map_fd(false, SFW_STR(SFW_MAP_ZONES)), calls = 0;
	struct sfw_zone_key lo = { .ifindex = FX_IFINDEX }, other;
	struct sfw_ha_stats st = { 0 };
	struct sfw_session got;
	struct sfw_config cfg;
	struct ha_replica rep;
	__u32 zone;

	many_mirrored(&st, 2);
	cr_assert_eq(fx_config(&cfg), 0);
	lo.gen = cfg.gen & 1;
	other = (struct sfw_zone_key){ .ifindex = IFINDEX_2, .gen = lo.gen };
	cr_assert_eq(bpf_map_lookup_elem(zones, &lo, &zone), 0);
	cr_assert_eq(bpf_map_update_elem(zones, &other, &zone, BPF_NOEXIST), 0);
	replica_open(&rep, &st);
	rep.before_write = lo_leaves_once;
	rep.hook_arg = &calls;
	cr_expect_eq(ha_replica_load_all(&rep), 1, "the first ended (lo moved), the second loaded");
	cr_expect_eq(rep.zones.walks, 2, "walked again once, after the move");
	cr_expect_eq(ha_replica_load_all(&rep), 2, "the peer's next refresh: both");
	cr_expect_eq(rep.zones.walks, 2);
	ha_replica_close(&rep);
	bpf_map_delete_elem(zones, &other);
	for (int i = 0; i < 2; i++) {
		s.sport = (__u16)(5200 + i);
		GET_SESSION(&s, &got);
		cr_expect_eq(got.wing[0].ifindex, IFINDEX_2, "the zone's interface now");
		cr_expect_eq(got.wing[1].ifindex, IFINDEX_2);
	}
}

/* The seconds the zone's one entry has left, as `conntrack -L` prints
 * them (its third column), or -1. */
static long zone_entry_left(void)
{
	char cmd[96], line[512];
	long left = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "conntrack -L -w %d 2>/dev/null", HA_CT_ZONE);
	f = popen(cmd, "r");
	cr_assert(f, "conntrack -L");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*d %ld", &left) != 1)
			left = -1;
	pclose(f);
	return left;
}

/* A session's create or update event is mirrored with what the session
 * has left when the event is handled (its idle timeout less the seconds
 * since its packet, the current one counted), as the walk writes it: not
 * its whole timeout again, which let the replica's entry outlive the
 * session. Red before: the entry got the plain timeout. */
Test(rv26_ha, an_event_is_mirrored_with_what_the_session_has_left)
{
	struct sfw_ha_stats st = { 0 };
	struct sfw_event e = { .type = SFW_EV_UPDATE };
	struct ha_mirror m;
	struct conn k;
	long left;

	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	e.sess = conn_session(&k);
	fx_key(&k.c, &e.key);
	e.sess.last_seen_s -= 100;   /* the packet was 100 s before the event is handled */
	cluster_ready();
	cr_assert_eq(ha_mirror_open(&m, HA_CT_ZONE, &st), 0, "%s", sfw_last_error());
	cr_assert_eq(ha_mirror_event(&m, &e), 0);
	ha_mirror_close(&m);
	cr_assert_eq(st.mirrored, 1, "errors %llu", (unsigned long long)st.write_errors);
	left = zone_entry_left();
	cr_expect(left <= (long)e.sess.timeout_s - 99 && left >= (long)e.sess.timeout_s - 102,
		  "the entry has %ld s left of the session's %u, idle 100", left, e.sess.timeout_s);
}
