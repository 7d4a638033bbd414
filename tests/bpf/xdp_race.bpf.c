// SPDX-License-Identifier: GPL-2.0
/* sfw's XDP program with another CPU inside, for the race tests only
 * (tests/bpf/test_races.c): at SFW_RACE_POINT, after the session lookup
 * and the read of the policy generation, before the policy and the
 * session's creation, it does what a second CPU or a commit could do at
 * that moment, as `race_action` says; at SFW_RACE_TRACK, between a
 * matched packet's route and its accounting, likewise (RACE_TCP_STATE).
 * Everything else is the program itself, included whole. Never part of
 * sfw. */
#include "vmlinux.h"

#include "race.h"

static void sfw_race_point(void);
#define SFW_RACE_POINT() sfw_race_point()
struct sfw_session;
static void sfw_race_track(struct sfw_session *s);
#define SFW_RACE_TRACK(s) sfw_race_track(s)

#include "xdp_ingress.bpf.c"

__u32 race_action;
struct sfw_session_key race_key;
struct sfw_session race_sess;
__u32 race_runs;
__u32 race_cfg_flags;  /* RACE_FLIP_CFG: the flags the commit flips in */
__u32 race_entered;    /* RACE_HOLD: the packet is being held */
__u32 race_released;   /* RACE_HOLD: set by the test to let it go */
__u32 race_timed_out;  /* RACE_HOLD: the bound ended the hold, not the test */
__u64 race_hold_until; /* RACE_HOLD: the bound, in bpf_ktime_get_ns() */

/* The longest hold: ten seconds of wall time (or about as long spinning on
 * a free CPU, bpf_loop's most steps), a fallback only: an RCU read section
 * held that long delays every grace period on the machine, below the 21 s
 * after which the kernel reports a stall. The test lets the packet go once
 * the commit waits for it or is done, and fails if the bound had to end it
 * (race_timed_out). In wall time, as the commit and the test may get
 * little of the CPU on a loaded machine: a bound in steps ran out there
 * in 1.5 s, before they were scheduled. */
static long race_spin(__u64 i, void *ctx)
{
	for (int k = 0; k < 512; k++)
		if (*(volatile __u32 *)&race_released)
			return 1;
	return 0;
}

static long race_hold_step(__u64 i, void *ctx)
{
	if (bpf_loop(64, race_spin, NULL, 0) < 64)
		return 1;   /* released */
	if (bpf_ktime_get_ns() < race_hold_until)
		return 0;
	race_timed_out = 1;
	return 1;
}

static void race_insert(void)
{
	race_sess.created_s = race_sess.last_seen_s = sfw_secs(bpf_ktime_get_coarse_ns());
	bpf_map_update_elem(&SFW_MAP_SESSIONS, &race_key, &race_sess, BPF_NOEXIST);
}

static void sfw_race_point(void)
{
	struct sfw_session *s;
	struct sfw_config *cfg;
	__u32 zero = 0;

	race_runs++;
	switch (race_action) {
	case RACE_INSERT:
		race_insert();
		break;
	case RACE_REPLACE:   /* as sfw_retire and sfw_create do it */
		s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &race_key);
		if (s && sfw_claim(s, s->id)) {
			bpf_map_delete_elem(&SFW_MAP_SESSIONS, &race_key);
			race_insert();
		}
		break;
	case RACE_CLAIM:
		s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &race_key);
		if (s)
			sfw_claim(s, s->id);
		break;
	case RACE_FLIP_GEN:
		cfg = bpf_map_lookup_elem(&SFW_MAP_CONFIG, &zero);
		if (cfg)
			cfg->gen ^= 1;
		break;
	case RACE_FLIP_CFG:
		cfg = bpf_map_lookup_elem(&SFW_MAP_CONFIG, &zero);
		if (cfg) {
			cfg->flags = race_cfg_flags;
			cfg->gen ^= 1;
		}
		break;
	case RACE_HOLD:
		race_timed_out = 0;
		race_hold_until = bpf_ktime_get_ns() + 10 * 1000000000ULL;
		race_entered = 1;
		if (bpf_loop(1 << 23, race_hold_step, NULL, 0) >= (1 << 23))
			race_timed_out = 1;
		break;
	}
}

/* RACE_TCP_STATE, in sfw_track between sfw_hook_route and sfw_account:
 * another CPU moved the session's connection to race_sess.tcp_state (the
 * other wing's last ACK to TIME_WAIT, a restart out of it). */
static void sfw_race_track(struct sfw_session *s)
{
	if (race_action != RACE_TCP_STATE || !s)
		return;
	race_entered++;
	s->tcp_state = race_sess.tcp_state;
}
