/* Ids kept by name across commits, for what the datapath counts and
 * sessions name by id (NAT rules and pools, source and destination:
 * include/nat.h).
 * Counters and sessions live as long as the pins: numbered in
 * configuration order, a commit that deletes, inserts or reorders one
 * would give it the counts and the sessions of the one that had its
 * number before. So a holder keeps its id while the pins live (in the
 * names map, like the zones' tally ids), and a new one takes an id no one
 * ever had. Only once all max were given does a new one take a gone
 * holder's id, and only one that nothing can still show as the new one's:
 * its holder is in neither the new configuration nor the generation in
 * force (no packet can name it any more) and no session in the table
 * names it; the caller zeroes its counters before the flip. No generation
 * per id is needed on the datapath. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "kept_ids.h"

__u32 sfw_kept_find(const struct sfw_kept_ids *t, const char *scope, const char *name)
{
	for (__u32 id = 1; id <= SFW_KEPT_MAX; id++)
		if (t->name[id][0] == name[0] && !strcmp(t->name[id], name) &&
		    !strcmp(t->scope[id], scope))
			return id;
	return 0;
}

struct pick {
	const struct sfw_kept_ids *t;
	const struct sfw_kept_kind *kind;
	bool taken[SFW_KEPT_MAX + 1];   /* by a holder of the new configuration */
	bool used[SFW_KEPT_MAX + 1];    /* named by a session (once asked) */
	bool asked;
	__u32 next;                     /* the lowest id that may be fresh */
	sfw_kept_sessions_fn sessions;
	void *arg;
};

static bool fresh(const struct pick *p, __u32 id)
{
	return !p->t->scope[id][0] && !p->t->name[id][0] && !p->t->live[id] && !p->taken[id];
}

/* An id no one ever had; else a gone holder's that nothing can show. */
static int pick_new(struct pick *p, const struct sfw_kept_want *w, __u32 *out)
{
	const struct sfw_kept_kind *k = p->kind;
	int err;

	for (; p->next <= k->max; p->next++)
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
	for (__u32 id = 1; id <= k->max; id++)
		if (!p->taken[id] && !p->t->live[id] && !p->used[id]) {
			*out = id;
			return 0;
		}
	return sfw_fail(E2BIG, "no %s id is left for %s %s: each of the %u is a %s's in force "
			"or in this commit, or named by sessions in the table",
			k->what, k->noun, w->name, k->max, k->noun);
}

/* Kept ones first, so a new holder never takes an id a later kept one
 * holds. */
int sfw_kept_pick(const struct sfw_kept_ids *t, const struct sfw_kept_kind *kind,
		  struct sfw_kept_want *w, int n, sfw_kept_sessions_fn sessions, void *arg)
{
	struct pick *p = calloc(1, sizeof(*p));
	int err = p ? 0 : sfw_fail(ENOMEM, "out of memory");

	if (err)
		return err;
	*p = (struct pick){ .t = t, .kind = kind, .next = 1, .sessions = sessions, .arg = arg };
	for (int i = 0; i < n; i++) {
		w[i].id = sfw_kept_find(t, w[i].scope, w[i].name);
		w[i].id = w[i].id <= kind->max ? w[i].id : 0;
		p->taken[w[i].id] = true;
	}
	for (int i = 0; i < n && !err; i++)
		if (!w[i].id) {
			err = pick_new(p, &w[i], &w[i].id);
			p->taken[w[i].id] = !err;
		}
	free(p);
	return err;
}

void sfw_kept_give(struct sfw_kept_ids *t, const struct sfw_kept_want *w, int n)
{
	for (int i = 0; i < n; i++) {
		__u32 id = w[i].id;

		if (strcmp(t->name[id], w[i].name) || strcmp(t->scope[id], w[i].scope)) {
			snprintf(t->name[id], SFW_NAME_LEN, "%s", w[i].name);
			snprintf(t->scope[id], SFW_NAME_LEN, "%s", w[i].scope);
			t->given[id] = true;
		}
	}
}
