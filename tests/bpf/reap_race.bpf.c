// SPDX-License-Identifier: GPL-2.0
/* sfw's session reaper with another CPU inside, for the race tests only
 * (tests/bpf/test_races.c): at SFW_REAP_RACE_POINT, after the reaper read
 * the session at an entry's key and before it claims it, it does what the
 * datapath or another reaper could do at that moment, as `race_action`
 * says. Everything else is the reaper itself, included whole. Never part
 * of sfw. */
#include "vmlinux.h"

#include "race.h"

static void sfw_reap_race_point(void);
#define SFW_REAP_RACE_POINT() sfw_reap_race_point()

#include "reap.bpf.c"

__u32 race_action;
struct sfw_session_key race_key;    /* the session ended meanwhile */
struct sfw_session_key race_key2;   /* the session that gets its memory */
struct sfw_session race_sess;
__u32 race_runs;
__u32 race_recycled;   /* race_key2's session now lives in the freed memory */

/* RACE_RECYCLE: another CPU ends the session at race_key as a reaper
 * does (claim, counts back, delete), and the LRU hands its memory to the
 * session at race_key2, moved there (deleted first, then put back after:
 * an insert takes the element this CPU freed last). The reaper still
 * holds its pointer from the lookup. */
static void sfw_reap_race_point(void)
{
	struct sfw_session *s, *other;
	__u32 held;

	if (race_action != RACE_RECYCLE)
		return;
	race_runs++;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &race_key);
	other = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &race_key2);
	if (!s || !other)
		return;
	__builtin_memcpy(&race_sess, other, sizeof(race_sess));
	bpf_map_delete_elem(&SFW_MAP_SESSIONS, &race_key2);
	if (!sfw_claim(s, s->id) || !sfw_session_claim(s, &held))
		return;
	sfw_count_close(&race_key, held, SFW_CLOSE_CLEAR);
	sfw_tally_release(&race_key, s);
	bpf_map_delete_elem(&SFW_MAP_SESSIONS, &race_key);
	bpf_map_update_elem(&SFW_MAP_SESSIONS, &race_key2, &race_sess, BPF_NOEXIST);
	race_recycled = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &race_key2) == s;
}
