/* Ids kept by name across commits (kept_ids.c): the allocator the NAT
 * rules and pools, source and destination, share (nat_rule_ids.h). */
#ifndef SFW_LOADER_KEPT_IDS_H
#define SFW_LOADER_KEPT_IDS_H

#include <stdbool.h>
#include "nat.h"
#include "policy.h"

/* The largest bound a kind of id may have. */
#define SFW_KEPT_MAX 4096
SFW_STATIC_ASSERT(SFW_NAT_MAX_RULES <= SFW_KEPT_MAX && SFW_NAT_MAX_POOLS <= SFW_KEPT_MAX,
		  "kept id bounds");

/* Every id's holder, 1..max (slot 0 unused), as the names map keeps it:
 * a scope (a rule's rule-set; "" where names need none) and a name. */
struct sfw_kept_ids {
	char scope[SFW_KEPT_MAX + 1][SFW_NAME_LEN];
	char name[SFW_KEPT_MAX + 1][SFW_NAME_LEN];   /* "": no one ever had it */
	bool live[SFW_KEPT_MAX + 1];   /* in the generation in force: packets may use it */
	bool given[SFW_KEPT_MAX + 1];  /* by this commit: names and zeroed counters to write */
};

/* A kind of id: its bound and its words for the refusal's one line. */
struct sfw_kept_kind {
	__u32 max;              /* ids 1..max */
	const char *what;       /* "source NAT rule" */
	const char *noun;       /* "rule" */
};

/* One holder a commit wants an id for; id is the answer. */
struct sfw_kept_want {
	const char *scope, *name;
	__u32 id;
};

/* Sets used[id] for every id a session in the table names (used: slots
 * 1..max, zeroed); 0 or a negative errno. */
typedef int (*sfw_kept_sessions_fn)(void *arg, bool *used);

/* The id (scope, name) has in t; 0 when it never had one. */
__u32 sfw_kept_find(const struct sfw_kept_ids *t, const char *scope, const char *name);

/* Answers w[0..n-1]: the id each has in t, else one no one ever had, else
 * one whose holder is in neither w nor the generation in force and that
 * no session names (sessions() is asked once, only then). t is not
 * changed; -E2BIG with the one line when no id is left. */
int sfw_kept_pick(const struct sfw_kept_ids *t, const struct sfw_kept_kind *kind,
		  struct sfw_kept_want *w, int n, sfw_kept_sessions_fn sessions, void *arg);

/* Records picked answers in t, marking given the ids whose holder changed. */
void sfw_kept_give(struct sfw_kept_ids *t, const struct sfw_kept_want *w, int n);

#endif
