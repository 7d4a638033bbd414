/* Destination NAT rule ids, kept by (rule-set, rule) name, and
 * destination pool ids, kept by pool name, across commits, numbered apart
 * from the source ones (loader/nat_rule_ids.c, docs/nat.md "Destination
 * NAT"): a session's dnat_rule_id keeps naming its rule. Each commit
 * simulated on one table, as the names map keeps it. */
#include "nat_ids_commit.h"

#define HEAD CONF_BASE "set security nat destination rule-set DR from zone untrust\n"
#define POOL(p, a) "set security nat destination pool " p " address " a "/32\n"
#define RULE(r, to, p)                                                                  \
	"set security nat destination rule-set DR rule " r " match destination-address " to \
	"/32\n"                                                                         \
	"set security nat destination rule-set DR rule " r " then destination-nat pool " p "\n"
#define D0 POOL("D0", "192.0.2.10") RULE("W0", "203.0.113.100", "D0")
#define D1 POOL("D1", "192.0.2.11") RULE("W1", "203.0.113.101", "D1")
#define D2 POOL("D2", "192.0.2.12") RULE("W2", "203.0.113.102", "D2")

TestSuite(nat_dest_ids, .init = ids_setup, .fini = ids_teardown);

#define RID(r) sfw_nat_drule_id_find(t, "DR", r)
#define PID(p) sfw_nat_dpool_id_find(t, p)

Test(nat_dest_ids, first_commit_numbers_in_order)
{
	commit_ok(HEAD D0 D1 D2);
	cr_assert_eq(RID("W0"), 1);
	cr_assert_eq(RID("W2"), 3);
	cr_assert_eq(PID("D0"), 1);
	cr_assert_eq(PID("D2"), 3);
	cr_assert(t->drules.given[3] && t->dpools.given[3]);
}

/* The rules and pools after a deleted one keep theirs; its ids go to no
 * one (failed with destination rules left at the compiler's ids). */
Test(nat_dest_ids, delete_keeps_the_others)
{
	commit_ok(HEAD D0 D1 D2);
	commit_ok(HEAD D0 D2);
	cr_assert_eq(RID("W2"), 3);
	cr_assert_eq(PID("D2"), 3);
	cr_assert_not(t->drules.given[3] || t->dpools.given[3], "no counters zeroed");
}

Test(nat_dest_ids, reorder_keeps_them)
{
	commit_ok(HEAD D1 D2);
	commit_ok(HEAD D2 D1);
	cr_assert_eq(RID("W1"), 1);
	cr_assert_eq(RID("W2"), 2);
	cr_assert_eq(PID("D1"), 1);
}

/* Source and destination are numbered apart: a source rule and pool take
 * source ids, never a destination one's. */
Test(nat_dest_ids, numbered_apart_from_source)
{
	commit_ok(HEAD D0 D1
		  "set security nat source pool S address 198.51.100.1/32\n"
		  "set security nat source rule-set RS from zone trust\n"
		  "set security nat source rule-set RS to zone untrust\n"
		  "set security nat source rule-set RS rule R match source-address 192.0.2.0/24\n"
		  "set security nat source rule-set RS rule R then source-nat pool S\n");
	cr_assert_eq(sfw_nat_ids_find(t, "RS", "R"), 1);
	cr_assert_eq(sfw_nat_pool_id_find(t, "S"), 1);
	cr_assert_eq(RID("W1"), 2);
	cr_assert_eq(sfw_nat_ids_find(t, "DR", "W1"), 0, "not a source rule");
	cr_assert_eq(PID("S"), 0, "not a destination pool");
}

/* The compiled rules and pools and the destination entries carry the kept
 * ids (failed with the entries' ids left at the compiler's). */
Test(nat_dest_ids, entries_carry_the_kept_ids)
{
	struct sfw_compiled c;

	commit_ok(HEAD D0 D1);
	cr_assert_eq(commit_ids(HEAD D1, &c), 0, "%s", sfw_last_error());
	cr_assert_eq(c.n_nat_pools, 1);
	cr_assert_eq(c.nat_pools[0].k.id, 2);
	cr_assert_eq(c.n_nat_rules, 1);
	cr_assert_eq(c.nat_rules[0].id, 2);
	cr_assert_eq(c.n_nat_entries, 1);
	cr_assert_eq(c.nat_entries[0].k.list.stage, SFW_NAT_DESTINATION);
	cr_assert_eq(c.nat_entries[0].v.rule_id, 2);
	cr_assert_eq(c.nat_entries[0].v.pool_id, 2);
	sfw_compiled_free(&c);
}

/* Every destination rule id given: a new rule takes a gone rule's id
 * only if no session names it as its dnat_rule_id. */
Test(nat_dest_ids, exhausted_ids_reuse_only_what_no_session_names)
{
	for (__u32 id = 1; id <= SFW_NAT_MAX_RULES; id++) {
		snprintf(t->drules.scope[id], SFW_NAME_LEN, "OLD");
		snprintf(t->drules.name[id], SFW_NAME_LEN, "gone%u", id);
	}
	session_names[SFW_NAT_IDS_DRULES][1] = session_names[SFW_NAT_IDS_DRULES][2] = true;
	session_names[SFW_NAT_IDS_RULES][3] = true;   /* a source rule's id */
	commit_ok(HEAD D0);
	cr_assert_eq(RID("W0"), 3, "ids 1 and 2 still name sessions");
	cr_assert(t->drules.given[3], "its counters are zeroed");
}
