/* NAT rule ids kept by (rule-set, rule) name and pool ids kept by pool
 * name across commits, source, destination and static apart (nat_rule_ids.c, on
 * kept_ids.h's allocator): the commit's side. */
#ifndef SFW_LOADER_NAT_RULE_IDS_H
#define SFW_LOADER_NAT_RULE_IDS_H

#include <stdbool.h>
#include "compile.h"
#include "kept_ids.h"
#include "nat.h"
#include "policy.h"

/* The kinds, each numbered apart (Junos names them apart). */
enum sfw_nat_ids_kind {
	SFW_NAT_IDS_RULES,    /* source rules, 1..SFW_NAT_MAX_RULES */
	SFW_NAT_IDS_POOLS,    /* source pools, 1..SFW_NAT_MAX_POOLS */
	SFW_NAT_IDS_DRULES,   /* destination rules (sfw_session.dnat_rule_id) */
	SFW_NAT_IDS_DPOOLS,   /* destination pools */
	SFW_NAT_IDS_SRULES,   /* static rules (sfw_session.dnat_rule_id, SFW_SESS_X_STATIC) */
	SFW_NAT_IDS_KINDS
};

/* Rules' scope is their rule-set; pools' is "" (Junos names them alone). */
struct sfw_nat_ids {
	union {
		struct {
			struct sfw_kept_ids rules, pools, drules, dpools, srules;
		};
		struct sfw_kept_ids kind[SFW_NAT_IDS_KINDS];   /* enum sfw_nat_ids_kind */
	};
};

/* Sets used[id] for every rule or pool id (kind) a session in the table
 * names (used: slots 1..the kind's bound, zeroed); 0 or a negative errno. */
typedef int (*sfw_nat_ids_sessions_fn)(void *arg, enum sfw_nat_ids_kind kind, bool *used);

/* Gives each source and destination rule and pool of c its id, rewriting
 * c's rules, pools and their entries (kept_ids.h sfw_kept_pick). Pure but
 * for sessions(): t and c are changed only when every kind has its ids;
 * -E2BIG with the one line when no id is left. */
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
