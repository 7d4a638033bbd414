/* The limit-session screens: concurrent sessions per source and per
 * destination address of a zone. The N+1th session is refused and counted
 * under its Junos name; every way a session ends gives its count back
 * exactly once (the reaper, the datapath replacing an expired or finished
 * session), so counts return to zero and never lock an address out; the
 * end of a session is claimed by one party only. A finished TCP
 * connection counts until its session is removed. */
#include <unistd.h>
#include <bpf/bpf.h>
#include "tcp_conn.h"
#include "commit.h"
#include "limit_conf.h"
#include "reap.h"
#include "session_walk.h"
#include "tally.h"

TestSuite(limits, .init = suite_setup, .fini = suite_teardown);

static struct pb_spec udp(const char *src, const char *dst, __u16 sport)
{
	return (struct pb_spec){ .src = src, .dst = dst, .proto = SFW_IPPROTO_UDP,
				 .sport = sport, .dport = 53 };
}

static struct sfw_reaper *reaper(void)
{
	struct sfw_reaper *r = NULL;

	cr_assert_eq(sfw_reaper_open_fds(&r, fx_map_fd_dup, NULL), 0, "reaper: %s",
		     sfw_last_error());
	return r;
}

/* Removes one session as `clear` would; returns how many were removed. */
static int reap(struct sfw_reaper *r, const struct pb_spec *s)
{
	struct sfw_reap_entry ent = { 0 };

	fx_key(s, &ent.key);
	return sfw_reaper_run(r, &ent, 1, SFW_CLOSE_CLEAR, false);
}

Test(limits, source_limit_refuses_the_next_session)
{
	struct pb_spec s;

	limit("source-ip-based 3");
	for (int i = 0; i < 3; i++) {
		s = udp(CLI4, SRV4, (__u16)(5000 + i));
		cr_assert_eq(fx_xdp(&s), FX_XDP_PASS, "session %d", i + 1);
	}
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 3);
	s = udp(CLI4, OTH4, 5003);
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP, "the 4th from one source, to another host too");
	ASSERT_NO_SESSION(&s);
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_SRC_LIMIT), 1);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 3, "a refused session holds nothing");
	s = udp(OTH4, SRV4, 5003);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS, "another source has its own count");
	s = udp(CLI4, SRV4, 5000);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS, "packets of live sessions are not limited");
	cr_assert_eq(tally(SRV4, SFW_DIR_DST), 0, "no destination count without its limit");
}

Test(limits, destination_limit_refuses_the_next_session)
{
	struct pb_spec s;

	limit("destination-ip-based 2");
	s = udp(CLI4, SRV4, 5000);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	s = udp(OTH4, SRV4, 5000);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	s = udp("192.0.2.77", SRV4, 5000);
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_DST_LIMIT), 1);
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_SRC_LIMIT), 0);
	cr_assert_eq(tally(SRV4, SFW_DIR_DST), 2);
	s = udp(CLI4, OTH4, 5001);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS, "another destination");
}

/* Refused by the destination limit, a session gives back the source count
 * it had already taken. */
Test(limits, both_limits_refused_by_destination_keeps_no_source_count)
{
	struct pb_spec s;

	limit("source-ip-based 5\n"
	      "set security screen ids-option lim limit-session destination-ip-based 1");
	s = udp(CLI4, SRV4, 5000);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	s = udp(OTH4, SRV4, 5000);
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_DST_LIMIT), 1);
	cr_assert_eq(tally(OTH4, SFW_DIR_SRC), 0);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);
}

static int delete_all(const struct sfw_session_key *k, const struct sfw_session *s, void *arg)
{
	(void)k;
	(void)s;
	(void)arg;
	return SFW_WALK_DELETE;
}

/* `clear` walks the table and removes through the reaper; the portable
 * walk (no batch lookups) must too, or the counts stay held for ever. */
static void clear_by_walk(bool batched)
{
	struct sfw_reaper *r = reaper();
	struct sfw_walk_ops ops = { .visit = delete_all, .reaper = r, .reason = SFW_CLOSE_CLEAR };
	struct pb_spec a = udp(CLI4, SRV4, 5000), b = udp(CLI4, SRV4, 5001);

	limit("source-ip-based 1");
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&b), FX_XDP_DROP);
	sfw_walk_no_batch = !batched;
	cr_assert_eq(sfw_walk_sessions(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &ops), 0);
	sfw_walk_no_batch = false;
	ASSERT_NO_SESSION(&a);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 0, "the walk's removal gave the count back");
	cr_assert_eq(fx_xdp(&b), FX_XDP_PASS);
	sfw_reaper_close(r);
}

Test(limits, batched_walk_removes_through_the_reaper)
{
	clear_by_walk(true);
}

Test(limits, portable_walk_removes_through_the_reaper)
{
	clear_by_walk(false);
}

Test(limits, removal_by_the_reaper_frees_a_slot)
{
	struct sfw_reaper *r = reaper();
	struct pb_spec a = udp(CLI4, SRV4, 5000), b = udp(CLI4, SRV4, 5001);

	limit("source-ip-based 1");
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&b), FX_XDP_DROP);
	cr_assert_eq(reap(r, &a), 1);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 0);
	cr_assert_eq(tally_entries(), 0, "the entry goes with its last count");
	cr_assert_eq(fx_xdp(&b), FX_XDP_PASS);
	sfw_reaper_close(r);
}

/* Zone ids follow configuration order: a commit that only adds a zone
 * before the limited one renumbers it. Its sessions keep their counts
 * (the tally key is the zone's tally id, kept by name), so the limit
 * still holds and their end gives back what they took; a zone that is new
 * inherits no one's counts. */
Test(limits, commit_renumbering_zones_keeps_the_counts)
{
	struct sfw_reaper *r = reaper();
	struct pb_spec a = udp(CLI4, SRV4, 5000), b = udp(CLI4, SRV4, 5001);
	struct pb_spec c = udp(CLI4, SRV4, 5002);

	limit("source-ip-based 1");
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	commit("set security screen ids-option lim limit-session source-ip-based 1\n"
	       "set security zones security-zone dmz\n"
	       "set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust screen lim\n"
	       "set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&b), FX_XDP_DROP, "the limit holds after the zone was renumbered");
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);
	cr_assert_eq(tally_entries(), 1, "no second count under the zone's new id");
	cr_assert_eq(reap(r, &a), 1);
	cr_assert_eq(tally_entries(), 0, "the end gave back the count it took");
	cr_assert_eq(fx_xdp(&b), FX_XDP_PASS);
	/* trust gone, guest new on the same interface: b's session ends with
	 * its zone (loader/zone_moves.c) and gives trust's count back; guest
	 * starts from none */
	commit("set security screen ids-option lim limit-session source-ip-based 1\n"
	       "set security zones security-zone guest interfaces lo\n"
	       "set security zones security-zone guest screen lim\n"
	       "set security policies default-policy permit-all\n");
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 0, "b's count, under trust's id");
	cr_assert_eq(tally_entries(), 0);
	cr_assert_eq(fx_xdp(&c), FX_XDP_PASS, "a new zone inherits no counts");
	cr_assert_eq(tally_entries(), 1, "c's count, under guest's id");
	sfw_reaper_close(r);
}

#define NAMES_MAX 1024   /* the applications' names are the most */

/* The names map's entries into k and v; how many. */
static int names_of(struct sfw_name_key *k, struct sfw_name *v)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAMES)), n = 0;

	while (!bpf_map_get_next_key(fd, n ? &k[n - 1] : NULL, &k[n])) {
		cr_assert_eq(bpf_map_lookup_elem(fd, &k[n], &v[n]), 0);
		cr_assert_lt(++n, NAMES_MAX, "more names than room");
	}
	return n;
}

/* The names map holds no generations: a commit writes its names (zones',
 * tally ids') before the checks that can still refuse it. A refused one
 * puts them back, or guest would keep a tally id (255 of them, then ids
 * of gone zones with their counts) and trust's zone id guest's name. */
Test(limits, refused_commit_leaves_the_names_as_they_were)
{
	static struct sfw_name_key k0[NAMES_MAX], k1[NAMES_MAX];
	static struct sfw_name v0[NAMES_MAX], v1[NAMES_MAX];
	struct sfw_policy_fds f = fds();
	int n0, n1;

	limit("source-ip-based 1");
	n0 = names_of(k0, v0);
	cr_assert_neq(commit_into("set security screen ids-option lim limit-session "
				  "source-ip-based 1\n"
				  "set security zones security-zone guest interfaces lo\n"
				  "set security zones security-zone guest screen lim\n"
				  "set security policies default-policy permit-all\n"
				  "set security flow session max-sessions 1073741824\n", &f),
		      0, "refused: more sessions than the table holds");
	n1 = names_of(k1, v1);
	for (int i = 0; i < n1; i++)
		cr_expect(k1[i].kind != SFW_NAME_TALLY || strcmp(v1[i].name, "guest"),
			  "the refused zone's tally id %u stayed", k1[i].id);
	cr_assert_eq(n1, n0, "names: %d before, %d after", n0, n1);
	for (int i = 0; i < n0; i++) {
		struct sfw_name v;

		cr_assert_eq(bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_NAMES)),
						 &k0[i], &v), 0);
		cr_expect_str_eq(v.name, v0[i].name, "name kind %u id %u", k0[i].kind, k0[i].id);
	}
}

/* An expired session replaced in place by a new first packet of the same
 * flow: the old one's count is given back before the new one takes its
 * own, or the source (at its limit) would be refused. */
Test(limits, replacement_of_an_expired_session_frees_its_slot)
{
	struct pb_spec a = udp(CLI4, SRV4, 5000), b = udp(CLI4, SRV4, 5001);
	struct sfw_session before, after;

	limit("source-ip-based 1");
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	GET_SESSION(&a, &before);
	cr_assert_eq(fx_age(&a, 61), 0);
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS, "the expired session's slot is free again");
	GET_SESSION(&a, &after);
	cr_assert_neq(after.id, before.id, "a new session");
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);
	cr_assert_eq(fx_xdp(&b), FX_XDP_DROP, "and the new one holds the slot");
}

/* A finished TCP connection counts until its session is removed (after
 * time-wait-state-timeout or tcp-rst-timeout): whether the server took the
 * FIN or RST sfw cannot know (docs/security.md). */
Test(limits, tcp_close_frees_a_slot_when_removed)
{
	struct sfw_reaper *r = reaper();
	struct conn k, l;

	limit("source-ip-based 1");
	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	conn_init(&l, CLI4, SRV4);
	l.c.sport = 40001;
	l.s = pb_reverse(&l.c);
	cr_assert_eq(cli(&l, SYN, 0), FX_XDP_DROP);
	cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_TIME_WAIT);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1, "closed, but not removed yet");
	l.c_next += 10;
	cr_assert_eq(cli(&l, SYN, 0), FX_XDP_DROP);
	cr_assert_eq(reap(r, &k.c), 1);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 0);
	l.c_next += 10;
	cr_assert_eq(cli(&l, SYN, 0), FX_XDP_PASS);
	/* a RST the same way: the count goes when its session does */
	cr_assert_eq(srv(&l, RST | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&l).tcp_state, SFW_TCP_CLOSED);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);
	cr_assert_eq(fx_age(&l.c, 3), 0);
	l.c_next += 10;
	cr_assert_eq(cli(&l, SYN, 0), FX_XDP_PASS, "the expired session replaced");
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1, "by one that holds the count");
	sfw_reaper_close(r);
}

/* Red team 2, finding 3: a limited client ends its session in sfw with its
 * own exact RST that the server never sees (a bad checksum, TTL 1), and
 * the connection goes on: it still holds its count, so a second one is
 * refused. */
Test(limits, rst_the_server_never_saw_keeps_the_count)
{
	struct conn k;
	struct pb_spec second = udp(CLI4, SRV4, 5000);

	limit("source-ip-based 1");
	conn_init(&k, CLI4, SRV4);
	conn_handshake(&k, FX_XDP_PASS);
	cr_assert_eq(cli(&k, RST, 0), FX_XDP_PASS);
	cr_assert_eq(conn_session(&k).tcp_state, SFW_TCP_CLOSED);
	/* the server never saw it: the connection goes on */
	cr_assert_eq(cli(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(srv(&k, ACK | PSH, 100), FX_XDP_PASS);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);
	cr_assert_eq(fx_xdp(&second), FX_XDP_DROP, "limit 1, and the first connection runs");
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_SRC_LIMIT), 1);
}

/* Sessions created and ended every way, many times over: the counts come
 * back to zero, and the address can still open its full limit. */
Test(limits, counts_never_drift)
{
	struct sfw_reaper *r = reaper();

	limit("source-ip-based 3\n"
	      "set security screen ids-option lim limit-session destination-ip-based 3");
	for (int i = 0; i < 300; i++) {
		struct pb_spec u = udp(CLI4, SRV4, (__u16)(6000 + i % 50));
		struct conn k;

		switch (i % 4) {
		case 0:   /* removed by the reaper (clear, sweep) */
			cr_assert_eq(fx_xdp(&u), FX_XDP_PASS, "round %d", i);
			cr_assert_eq(reap(r, &u), 1);
			break;
		case 1:   /* expired, replaced, then removed */
			cr_assert_eq(fx_xdp(&u), FX_XDP_PASS, "round %d", i);
			cr_assert_eq(fx_age(&u, 61), 0);
			cr_assert_eq(fx_xdp(&u), FX_XDP_PASS, "round %d", i);
			cr_assert_eq(reap(r, &u), 1);
			break;
		case 2:   /* TCP closed with FINs, removed later */
			conn_init(&k, CLI4, SRV4);
			k.c.sport = (__u16)(20000 + i);
			k.s = pb_reverse(&k.c);
			conn_handshake(&k, FX_XDP_PASS);
			cr_assert_eq(cli(&k, FIN | ACK, 0), FX_XDP_PASS);
			cr_assert_eq(srv(&k, FIN | ACK, 0), FX_XDP_PASS);
			cr_assert_eq(reap(r, &k.c), 1);
			break;
		default:  /* reset, then restarted by a new SYN, then cleared */
			conn_init(&k, CLI4, SRV4);
			k.c.sport = (__u16)(20000 + i);
			k.s = pb_reverse(&k.c);
			conn_handshake(&k, FX_XDP_PASS);
			cr_assert_eq(srv(&k, RST | ACK, 0), FX_XDP_PASS);
			cr_assert_eq(fx_age(&k.c, 3), 0);
			cr_assert_eq(cli(&k, SYN, 0), FX_XDP_PASS, "round %d", i);
			cr_assert_eq(reap(r, &k.c), 1);
			break;
		}
		cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 0, "round %d", i);
		cr_assert_eq(tally(SRV4, SFW_DIR_DST), 0, "round %d", i);
	}
	cr_assert_eq(tally_entries(), 0);
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_SRC_LIMIT) + fx_counter(SFW_CNT_SCREEN_DST_LIMIT), 0);
	for (int i = 0; i < 3; i++) {
		struct pb_spec u = udp(CLI4, SRV4, (__u16)(7000 + i));

		cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	}
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 3);
	sfw_reaper_close(r);
}

/* Only counted sessions give counts back: a session made while no limit
 * applied holds none, and ending it leaves the others' counts alone. */
Test(limits, uncounted_sessions_give_nothing_back)
{
	struct sfw_reaper *r = reaper();
	struct pb_spec a = udp(CLI4, SRV4, 5000), b = udp(CLI4, SRV4, 5001);
	struct sfw_session s;

	commit("set security zones security-zone trust interfaces lo\n"
	       "set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	GET_SESSION(&a, &s);
	cr_assert_eq(s.tally & SFW_TALLY_COUNTS, 0, "no limit: nothing counted");
	cr_assert_eq(tally_entries(), 0, "no limit: no entry");
	limit("source-ip-based 2");
	cr_assert_eq(fx_xdp(&b), FX_XDP_PASS);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);
	cr_assert_eq(reap(r, &a), 1);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1, "a's end leaves b's count");
	sfw_reaper_close(r);
}

/* The end of a session is claimed once: while a reaper holds it, the
 * datapath does not replace it (that first packet is refused, the next
 * one finds the slot free), and a reaper skips a session already claimed. */
Test(limits, the_end_of_a_session_is_claimed_once)
{
	struct sfw_reaper *r = reaper();
	struct pb_spec a = udp(CLI4, SRV4, 5000);
	struct sfw_session_key k;
	struct sfw_session s;
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS));

	limit("source-ip-based 1");
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(fx_age(&a, 61), 0);
	fx_key(&a, &k);
	cr_assert_eq(bpf_map_lookup_elem(fd, &k, &s), 0);
	s.id |= SFW_SESS_ID_DYING;   /* as a reaper in the middle of removing it */
	cr_assert_eq(bpf_map_update_elem(fd, &k, &s, BPF_EXIST), 0);
	cr_assert_eq(reap(r, &a), 0, "claimed by someone else: left alone");
	cr_assert_eq(fx_xdp(&a), FX_XDP_DROP, "not replaced while claimed");
	cr_assert_eq(fx_counter(SFW_CNT_ERR_NO_MORE_SESSIONS), 1);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1, "given back by the claimer, not here");
	sfw_reaper_close(r);
}

/* A replacement refused by the limit still ends the expired session in
 * its way: it goes, or its claimed end would keep the flow from ever
 * opening again. */
Test(limits, refused_replacement_removes_the_ended_session)
{
	struct sfw_reaper *r = reaper();
	struct pb_spec a = udp(CLI4, SRV4, 5000), b = udp(OTH4, SRV4, 5000);

	commit("set security zones security-zone trust interfaces lo\n"
	       "set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS, "made before the limit: not counted");
	limit("destination-ip-based 1");
	cr_assert_eq(fx_xdp(&b), FX_XDP_PASS, "takes the destination's one slot");
	cr_assert_eq(fx_age(&a, 61), 0);
	cr_assert_eq(fx_xdp(&a), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_DST_LIMIT), 1);
	ASSERT_NO_SESSION(&a);
	cr_assert_eq(reap(r, &b), 1);
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS, "the flow opens again once there is room");
	sfw_reaper_close(r);
}
