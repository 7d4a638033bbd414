/* What the race programs (tests/bpf/xdp_race.bpf.c, reap_race.bpf.c) do
 * in the middle of a first packet's decision or a removal, as
 * tests/bpf/test_races.c asks. */
#ifndef SFW_TESTS_RACE_H
#define SFW_TESTS_RACE_H

enum race_action {
	RACE_NONE,
	RACE_INSERT,      /* another CPU created the flow's session: race_sess */
	RACE_REPLACE,     /* another CPU replaced the finished one by race_sess */
	RACE_CLAIM,       /* another CPU is removing the finished one, not done */
	RACE_FLIP_GEN,    /* a commit flipped the policy generation */
	RACE_HOLD,        /* a slow packet: held until race_released, or a bound */
	RACE_RECYCLE,     /* reaper: another CPU ends the session at race_key and
			   * its memory becomes race_key2's session */
	RACE_TCP_STATE,   /* XDP, between a matched packet's route and its
			   * accounting: another CPU moved the session's
			   * connection to race_sess.tcp_state */
	RACE_FLIP_CFG,    /* a commit flipped the generation and, with it,
			   * the compiled flags to race_cfg_flags */
};

#endif
