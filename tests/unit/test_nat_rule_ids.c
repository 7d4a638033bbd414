/* Source NAT rule ids kept by (rule-set, rule) name across commits
 * (loader/nat_rule_ids.c, docs/nat.md "Operational commands"): each
 * commit simulated on one table, as the names map keeps it. */
#include "nat_ids_commit.h"

#define HEAD CONF_BASE                                                      \
	"set security nat source rule-set RS from zone trust\n"             \
	"set security nat source rule-set RS to zone untrust\n"
#define RULE(set, r, prefix)                                                \
	"set security nat source rule-set " set " rule " r " match source-address " prefix "\n" \
	"set security nat source rule-set " set " rule " r " then source-nat interface\n"
#define R0 RULE("RS", "R0", "192.0.2.0/32")
#define R1 RULE("RS", "R1", "192.0.2.1/32")
#define R2 RULE("RS", "R2", "192.0.2.2/32")
#define R3 RULE("RS", "R3", "192.0.2.3/32")

TestSuite(nat_rule_ids, .init = ids_setup, .fini = ids_teardown);

#define ID(r) sfw_nat_ids_find(t, "RS", r)

Test(nat_rule_ids, first_commit_numbers_in_order)
{
	commit_ok(HEAD R0 R1 R2);
	cr_assert_eq(ID("R0"), 1);
	cr_assert_eq(ID("R1"), 2);
	cr_assert_eq(ID("R2"), 3);
	cr_assert(t->rules.given[1] && t->rules.given[2] && t->rules.given[3]);
}

/* The rules after a deleted one keep theirs; its id goes to no one. */
Test(nat_rule_ids, delete_keeps_the_others)
{
	commit_ok(HEAD R0 R1 R2);
	commit_ok(HEAD R0 R2);
	cr_assert_eq(ID("R0"), 1);
	cr_assert_eq(ID("R2"), 3);
	commit_ok(HEAD R0 R2 R3);
	cr_assert_eq(ID("R3"), 4, "a new rule takes an id no rule had, not R1's");
	cr_assert(t->rules.given[4] && !t->rules.given[1] && !t->rules.given[3]);
}

Test(nat_rule_ids, insert_before_keeps_the_others)
{
	commit_ok(HEAD R1 R2);
	commit_ok(HEAD R0 R1 R2);
	cr_assert_eq(ID("R1"), 1);
	cr_assert_eq(ID("R2"), 2);
	cr_assert_eq(ID("R0"), 3);
}

Test(nat_rule_ids, reorder_keeps_them)
{
	commit_ok(HEAD R1 R2);
	commit_ok(HEAD R2 R1);
	cr_assert_eq(ID("R1"), 1);
	cr_assert_eq(ID("R2"), 2);
	cr_assert_not(t->rules.given[1] || t->rules.given[2], "no counters zeroed");
}

/* A renamed rule is a new rule (Junos keeps nothing by content); a rule
 * moved to another rule-set too. */
Test(nat_rule_ids, rename_is_a_new_rule)
{
	commit_ok(HEAD R1 R2);
	commit_ok(HEAD R1 RULE("RS", "R2b", "192.0.2.2/32"));
	cr_assert_eq(ID("R1"), 1);
	cr_assert_eq(ID("R2b"), 3);
	cr_assert_eq(ID("R2"), 2, "the gone rule's id stays its own");
	commit_ok(HEAD R1 "set security nat source rule-set RT from zone untrust\n"
	       "set security nat source rule-set RT to zone trust\n" RULE("RT", "R2b", "192.0.2.9/32"));
	cr_assert_eq(sfw_nat_ids_find(t, "RT", "R2b"), 4);
}

/* Reapplying the same configuration (attach, the stored file) changes
 * nothing; a deleted rule written again gets its own id back. */
Test(nat_rule_ids, reapply_and_readd_keep_ids)
{
	commit_ok(HEAD R0 R1);
	commit_ok(HEAD R0 R1);
	cr_assert_eq(ID("R0"), 1);
	cr_assert_eq(ID("R1"), 2);
	cr_assert_not(t->rules.given[1] || t->rules.given[2]);
	commit_ok(HEAD R1);
	commit_ok(HEAD R1 R0);
	cr_assert_eq(ID("R0"), 1);
}

/* The datapath's entries carry the kept id; other types keep theirs. */
Test(nat_rule_ids, entries_carry_the_kept_id)
{
	struct sfw_compiled c;
	int seen = 0;

	commit_ok(HEAD R0 R1 R2);
	cr_assert_eq(commit_ids(HEAD R2 "set security nat destination rule-set DR from zone untrust\n"
				"set security nat destination rule-set DR rule W match destination-address 203.0.113.100/32\n"
				"set security nat destination rule-set DR rule W then destination-nat off\n",
				&c), 0);
	for (int i = 0; i < c.n_nat_entries; i++) {
		const struct sfw_cpl_nat_entry *e = &c.nat_entries[i];

		cr_assert_eq(e->v.rule_id, e->k.list.stage == SFW_NAT_SOURCE ? 3 : 1);
		seen++;
	}
	cr_assert_eq(seen, 2);
	for (int k = 0; k < c.n_nat_rules; k++)
		cr_assert_eq(c.nat_rules[k].id, c.nat_rules[k].type == SFW_CONF_NAT_SOURCE ? 3 : 1);
	sfw_compiled_free(&c);
}

/* Every id given: a new rule takes a gone rule's id only if that rule is
 * not in force and no session names it; none such refuses the commit and
 * changes nothing. */
Test(nat_rule_ids, exhausted_ids_reuse_only_what_nothing_shows)
{
	struct sfw_nat_ids *before = malloc(sizeof(*before));

	cr_assert(before);
	for (__u32 id = 1; id <= SFW_NAT_MAX_RULES; id++) {
		snprintf(t->rules.scope[id], SFW_NAME_LEN, "OLD");
		snprintf(t->rules.name[id], SFW_NAME_LEN, "gone%u", id);
		t->rules.live[id] = true;
	}
	memcpy(before, t, sizeof(*t));
	cr_assert_eq(commit_ids(HEAD R0, NULL), -E2BIG);
	cr_assert_str_eq(sfw_last_error(), "no source NAT rule id is left for rule R0: each of "
			 "the 4096 is a rule's in force or in this commit, or named by sessions "
			 "in the table");
	cr_assert_eq(memcmp(before, t, sizeof(*t)), 0, "a refused commit changes no id");
	memset(t->rules.live, 0, sizeof(t->rules.live));
	session_names[SFW_NAT_IDS_RULES][1] = session_names[SFW_NAT_IDS_RULES][2] = true;
	asked = 0;
	commit_ok(HEAD R0 R1);
	cr_assert_eq(ID("R0"), 3, "ids 1 and 2 still name sessions");
	cr_assert_eq(ID("R1"), 4);
	cr_assert(t->rules.given[3] && t->rules.given[4], "their counters are zeroed");
	cr_assert_eq(asked, 1, "the table is walked once per commit");
	free(before);
}

/* Fresh ids while any is left: the table is not walked. */
Test(nat_rule_ids, fresh_ids_need_no_walk)
{
	commit_ok(HEAD R0 R1);
	commit_ok(HEAD R2 R3);
	cr_assert_eq(asked, 0);
}
