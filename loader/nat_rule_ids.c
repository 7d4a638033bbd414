/* Source NAT rule ids, kept by (rule-set, rule) name across commits.
 * The datapath counts a rule's hits and successes by its id and a session
 * names its rule by id (include/nat.h), both living as long as the pins:
 * numbered in configuration order, a commit that deletes, inserts or
 * reorders a rule would give a rule the counts and the sessions of the one
 * that had its number before. So a rule keeps its id while the pins live
 * (in the names map, like the zones' tally ids), and a new rule takes an
 * id no rule ever had. Only once all SFW_NAT_MAX_RULES were given does a
 * new rule take a gone rule's id, and only one that nothing can still show
 * as the new rule's: its rule is in neither the new configuration nor the
 * generation in force (no packet can name it any more) and no session in
 * the table names it; its counters are zeroed before the flip. No
 * generation per id is needed on the datapath. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "loader.h"
#include "nat_rule_ids.h"

__u32 sfw_nat_ids_find(const struct sfw_nat_ids *t, const char *set, const char *rule)
{
	for (__u32 id = 1; id <= SFW_NAT_MAX_RULES; id++)
		if (t->rule[id][0] == rule[0] && !strcmp(t->rule[id], rule) &&
		    !strcmp(t->set[id], set))
			return id;
	return 0;
}

struct pick {
	const struct sfw_nat_ids *t;
	bool taken[SFW_NAT_MAX_RULES + 1];   /* by a rule of the new configuration */
	bool used[SFW_NAT_MAX_RULES + 1];    /* named by a session (once asked) */
	bool asked;
	__u32 next;                          /* the lowest id that may be fresh */
	sfw_nat_ids_sessions_fn sessions;
	void *arg;
};

static bool fresh(const struct pick *p, __u32 id)
{
	return !p->t->set[id][0] && !p->t->rule[id][0] && !p->t->live[id] && !p->taken[id];
}

/* An id no rule ever had; else a gone rule's that nothing can show. */
static int pick_new(struct pick *p, const struct sfw_cpl_nat_rule *r, __u32 *out)
{
	int err;

	for (; p->next <= SFW_NAT_MAX_RULES; p->next++)
		if (fresh(p, p->next)) {
			*out = p->next++;
			return 0;
		}
	if (!p->asked) {
		p->asked = true;
		err = p->sessions ? p->sessions(p->arg, p->used) : 0;
		if (err)
			return err;
	}
	for (__u32 id = 1; id <= SFW_NAT_MAX_RULES; id++)
		if (!p->taken[id] && !p->t->live[id] && !p->used[id]) {
			*out = id;
			return 0;
		}
	return sfw_fail(E2BIG, "no source NAT rule id is left for rule %s: each of the %d is "
			"a rule's in force or in this commit, or named by sessions in the table",
			r->name, SFW_NAT_MAX_RULES);
}

/* new_id[k] for c's source rule k: kept ones first, so a new rule never
 * takes an id a later kept one holds. */
static int pick_all(struct pick *p, const struct sfw_compiled *c, __u32 *new_id)
{
	int err = 0;

	for (int k = 0; k < c->n_nat_rules; k++)
		if (c->nat_rules[k].type == SFW_CONF_NAT_SOURCE) {
			new_id[k] = sfw_nat_ids_find(p->t, c->nat_rules[k].rule_set,
						     c->nat_rules[k].name);
			p->taken[new_id[k]] = true;
		}
	for (int k = 0; k < c->n_nat_rules && !err; k++)
		if (c->nat_rules[k].type == SFW_CONF_NAT_SOURCE && !new_id[k]) {
			err = pick_new(p, &c->nat_rules[k], &new_id[k]);
			p->taken[new_id[k]] = !err;
		}
	return err;
}

static void rewrite(struct sfw_nat_ids *t, struct sfw_compiled *c, const __u32 *new_id)
{
	__u16 by_old[SFW_NAT_MAX_RULES + 1] = { 0 };

	for (int k = 0; k < c->n_nat_rules; k++) {
		struct sfw_cpl_nat_rule *r = &c->nat_rules[k];
		__u32 id = new_id[k];

		if (r->type != SFW_CONF_NAT_SOURCE)
			continue;
		if (strcmp(t->rule[id], r->name) || strcmp(t->set[id], r->rule_set)) {
			memcpy(t->rule[id], r->name, SFW_NAME_LEN);
			memcpy(t->set[id], r->rule_set, SFW_NAME_LEN);
			t->given[id] = true;
		}
		if (r->id <= SFW_NAT_MAX_RULES)
			by_old[r->id] = (__u16)id;
		r->id = (__u16)id;
	}
	for (int i = 0; i < c->n_nat_entries; i++) {
		struct sfw_cpl_nat_entry *e = &c->nat_entries[i];

		if (e->k.list.stage == SFW_NAT_SOURCE && e->v.rule_id <= SFW_NAT_MAX_RULES)
			e->v.rule_id = by_old[e->v.rule_id];
	}
}

int sfw_nat_ids_assign(struct sfw_nat_ids *t, struct sfw_compiled *c,
		       sfw_nat_ids_sessions_fn sessions, void *arg)
{
	struct pick *p = calloc(1, sizeof(*p));
	__u32 *new_id = calloc((size_t)c->n_nat_rules + 1, sizeof(*new_id));
	int err = !p || !new_id ? sfw_fail(ENOMEM, "out of memory") : 0;

	if (!err) {
		*p = (struct pick){ .t = t, .next = 1, .sessions = sessions, .arg = arg };
		err = pick_all(p, c, new_id);
	}
	if (!err)
		rewrite(t, c, new_id);
	free(new_id);
	free(p);
	return err;
}
