/* Source pool ids kept by pool name across commits, as source NAT rule
 * ids are (loader/nat_rule_ids.c on loader/kept_ids.c, docs/nat.md
 * "Source pools"): each commit simulated on one table, as the names map
 * keeps it. */
#include "nat_ids_commit.h"

TestSuite(nat_pool_ids, .init = ids_setup, .fini = ids_teardown);

#define HEAD CONF_BASE                                                      \
	"set security nat source rule-set RS from zone trust\n"             \
	"set security nat source rule-set RS to zone untrust\n"
/* pool P<n> at 203.0.113.1<n>, and rule R<n> from 192.0.2.<n> to it */
#define POOL(n)                                                             \
	"set security nat source pool P" #n " address 203.0.113.1" #n "/32\n" \
	"set security nat source rule-set RS rule R" #n " match source-address 192.0.2." #n "/32\n" \
	"set security nat source rule-set RS rule R" #n " then source-nat pool P" #n "\n"
#define P0 POOL(0)
#define P1 POOL(1)
#define P2 POOL(2)
#define P3 POOL(3)

#define PID(p) sfw_nat_pool_id_find(t, p)

Test(nat_pool_ids, first_commit_numbers_in_order)
{
	commit_ok(HEAD P0 P1 P2);
	cr_assert_eq(PID("P0"), 1);
	cr_assert_eq(PID("P1"), 2);
	cr_assert_eq(PID("P2"), 3);
	cr_assert(t->pools.given[1] && t->pools.given[2] && t->pools.given[3]);
}

/* The pools after a deleted one keep theirs; its id goes to no one. */
Test(nat_pool_ids, delete_keeps_the_others)
{
	commit_ok(HEAD P0 P1 P2);
	commit_ok(HEAD P1 P2);
	cr_assert_eq(PID("P1"), 2);
	cr_assert_eq(PID("P2"), 3);
	cr_assert_not(t->pools.given[2] || t->pools.given[3], "no counters zeroed");
	commit_ok(HEAD P1 P2 P3);
	cr_assert_eq(PID("P3"), 4, "a new pool takes an id no pool had, not P0's");
	cr_assert(t->pools.given[4] && !t->pools.given[1]);
}

Test(nat_pool_ids, insert_before_and_reorder_keep_them)
{
	commit_ok(HEAD P1 P2);
	commit_ok(HEAD P0 P2 P1);
	cr_assert_eq(PID("P1"), 1);
	cr_assert_eq(PID("P2"), 2);
	cr_assert_eq(PID("P0"), 3);
	cr_assert_not(t->pools.given[1] || t->pools.given[2]);
}

/* A renamed pool is a new pool; a deleted one written again gets its
 * own id back. */
Test(nat_pool_ids, rename_is_new_and_readd_keeps)
{
	commit_ok(HEAD P0 P1);
	commit_ok(HEAD P1);
	commit_ok(HEAD P1 P0);
	cr_assert_eq(PID("P0"), 1);
	commit_ok(HEAD P1
		  "set security nat source pool Q address 203.0.113.20/32\n"
		  "set security nat source rule-set RS rule R0 match source-address 192.0.2.0/32\n"
		  "set security nat source rule-set RS rule R0 then source-nat pool Q\n");
	cr_assert_eq(PID("Q"), 3);
	cr_assert_eq(PID("P0"), 1, "the gone pool's id stays its own");
}

/* The compiled pools and the source entries naming them carry the kept
 * id, the rules theirs. */
Test(nat_pool_ids, pools_and_entries_carry_the_kept_id)
{
	struct sfw_compiled c;

	commit_ok(HEAD P0 P1);
	cr_assert_eq(commit_ids(HEAD P1, &c), 0, "%s", sfw_last_error());
	cr_assert_eq(c.n_nat_pools, 1);
	cr_assert_eq(c.nat_pools[0].k.id, 2);
	cr_assert_eq(c.n_nat_entries, 1);
	cr_assert_eq(c.nat_entries[0].v.action, SFW_NAT_ACT_POOL);
	cr_assert_eq(c.nat_entries[0].v.pool_id, 2);
	cr_assert_eq(c.nat_entries[0].v.rule_id, 2, "R1 keeps its rule id too");
	sfw_compiled_free(&c);
}

/* Every pool id given: a new pool takes a gone pool's id only if that
 * pool is not in force and no session names it; none such refuses the
 * commit with one line and changes no id, rules' included. */
Test(nat_pool_ids, exhausted_ids_reuse_only_what_nothing_shows)
{
	struct sfw_nat_ids *before = malloc(sizeof(*before));

	cr_assert(before);
	for (__u32 id = 1; id <= SFW_NAT_MAX_POOLS; id++) {
		snprintf(t->pools.name[id], SFW_NAME_LEN, "gone%u", id);
		t->pools.live[id] = true;
	}
	memcpy(before, t, sizeof(*t));
	cr_assert_eq(commit_ids(HEAD P0, NULL), -E2BIG);
	cr_assert_str_eq(sfw_last_error(), "no source NAT pool id is left for pool P0: each of "
			 "the 4096 is a pool's in force or in this commit, or named by sessions "
			 "in the table");
	cr_assert_eq(memcmp(before, t, sizeof(*t)), 0, "a refused commit changes no id");
	memset(t->pools.live, 0, sizeof(t->pools.live));
	session_names[SFW_NAT_IDS_POOLS][1] = session_names[SFW_NAT_IDS_POOLS][2] = true;
	session_names[SFW_NAT_IDS_RULES][3] = true;   /* a rule's id, not a pool's */
	asked = 0;
	commit_ok(HEAD P0 P1);
	cr_assert_eq(PID("P0"), 3, "pool ids 1 and 2 still name sessions");
	cr_assert_eq(PID("P1"), 4);
	cr_assert(t->pools.given[3] && t->pools.given[4], "their counters are zeroed");
	cr_assert_eq(asked, 1, "the table is walked once, for pools: rule ids were fresh");
	free(before);
}
