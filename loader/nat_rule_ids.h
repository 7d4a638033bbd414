/* Source NAT rule ids kept by (rule-set, rule) name across commits
 * (nat_rule_ids.c): the commit's side. */
#ifndef SFW_LOADER_NAT_RULE_IDS_H
#define SFW_LOADER_NAT_RULE_IDS_H

#include <stdbool.h>
#include "compile.h"
#include "nat.h"
#include "policy.h"

/* Every id's rule, 1..SFW_NAT_MAX_RULES (slot 0 unused). */
struct sfw_nat_ids {
	char set[SFW_NAT_MAX_RULES + 1][SFW_NAME_LEN];   /* "": no rule ever had it */
	char rule[SFW_NAT_MAX_RULES + 1][SFW_NAME_LEN];
	bool live[SFW_NAT_MAX_RULES + 1];   /* in the generation in force: packets may use it */
	bool given[SFW_NAT_MAX_RULES + 1];  /* to a rule by this commit: names and zeroed counters to write */
};

/* Sets used[id] for every id a session in the table names (used: slots
 * 1..SFW_NAT_MAX_RULES, zeroed); 0 or a negative errno. */
typedef int (*sfw_nat_ids_sessions_fn)(void *arg, bool *used);

/* Gives each source rule of c its id, rewriting c's rules and source
 * entries: the id its (rule-set, rule) has in t, else one no rule ever
 * had, else one whose rule is in neither c nor the generation in force
 * and that no session names (sessions() is asked once, only then).
 * Pure but for sessions(): t and c are changed only on success; -E2BIG
 * with the one line when no id is left. */
int sfw_nat_ids_assign(struct sfw_nat_ids *t, struct sfw_compiled *c,
		       sfw_nat_ids_sessions_fn sessions, void *arg);

struct sfw_policy_fds;
/* A commit's ids, before anything is written: t from the names map and
 * the generation in force (running, 0 or 1), then sfw_nat_ids_assign with
 * the session table's names. *out is the caller's to free. */
int sfw_nat_ids_plan(struct sfw_compiled *c, const struct sfw_policy_fds *fds, __u32 running,
		     struct sfw_nat_ids **out);
/* The names of the ids the commit gave, through log: a refused commit
 * puts them back. */
struct sfw_names_log;
int sfw_nat_ids_write(const struct sfw_nat_ids *t, struct sfw_names_log *log);
/* Their counters zeroed: after the last check that can refuse the commit
 * (the names log puts back names, not counts: RV14-C1), before the flip,
 * while no packet can use them (no generation in force has them). */
int sfw_nat_ids_zero(const struct sfw_nat_ids *t, const struct sfw_policy_fds *fds);

#endif
