/* Which counters are a packet's outcome: every packet either program sees
 * ends in exactly one of them (tests/bpf/test_conservation.c, and the
 * tests of paths the mix cannot reach, such as races). */
#ifndef SFW_TESTS_OUTCOME_H
#define SFW_TESTS_OUTCOME_H

#include "suite.h"

static const __u8 outcome_cnt_group[SFW_CNT_COUNT] = {
#define SFW_X(id, grp, label, key) [SFW_CNT_##id] = grp,
	SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
};

/* Outcomes: every drop reason, permitted and untracked (include/counters.h). */
static SUITE_UNUSED bool is_outcome(int id)
{
	return SFW_COUNTER_IS_OUTCOME(id, outcome_cnt_group[id]);
}

/* The sum of the outcome counters of interface ifindex. */
static SUITE_UNUSED __u64 outcomes_at(__u32 ifindex)
{
	__u64 n = 0;

	for (int id = 0; id < SFW_CNT_COUNT; id++)
		if (is_outcome(id))
			n += fx_counter_at(ifindex, (enum sfw_counter)id);
	return n;
}

/* The same for the fixture's interface. */
static SUITE_UNUSED __u64 outcomes(void)
{
	return outcomes_at(FX_IFINDEX);
}

#endif
