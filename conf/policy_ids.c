/* A security policy's index: what the datapath records in each session and
 * counts hits by, and what the shows, the logs, `clear ... policy P` and a
 * cluster's mirror name a session's policy by. Numbered by position, a
 * commit that inserted, deleted or reordered policies handed an index,
 * with its hit count and the sessions opened under it, to another policy
 * (review rtuser F4). Here the index is the policy's identity (global, or
 * its zone pair, and its name), hashed into the 13 bits the hit counts and
 * the mirror have, so it stays through commits that leave the policy in
 * place, and two cluster nodes with the same configuration give the same
 * indexes whatever commits led each there. Two identities that hash to
 * one index take the next free ones, in an order that depends on the
 * identities alone, not on where they stand in the file. */
#define _GNU_SOURCE   /* qsort_r */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"

#define SLOTS (SFW_MAX_POLICY_INDEX - SFW_CONF_POLICY_INDEX_FIRST)

static __u32 fnv1a(__u32 h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* Where the identity would be were it alone (its name is unique in its
 * scope: parse_policy.c refuses a second of one name). */
static __u32 home_of(const struct sfw_conf_policy *p)
{
	__u32 h = 2166136261u;

	h = fnv1a(h, p->global ? "\1" : "\2", 1);
	if (!p->global) {
		h = fnv1a(h, p->from_zone.name, strlen(p->from_zone.name) + 1);
		h = fnv1a(h, p->to_zone.name, strlen(p->to_zone.name) + 1);
	}
	h = fnv1a(h, p->name, strlen(p->name) + 1);
	return SFW_CONF_POLICY_INDEX_FIRST + h % SLOTS;
}

struct placing {
	__u32 home;
	int i;
};

static int by_identity(const void *a, const void *b, void *policies)
{
	const struct placing *pa = a, *pb = b;
	const struct sfw_conf_policy *all = policies, *x = &all[pa->i], *y = &all[pb->i];
	int d;

	if (pa->home != pb->home)
		return pa->home < pb->home ? -1 : 1;
	if (x->global != y->global)
		return x->global ? -1 : 1;
	if ((d = strcmp(x->from_zone.name, y->from_zone.name)))
		return d;
	if ((d = strcmp(x->to_zone.name, y->to_zone.name)))
		return d;
	return strcmp(x->name, y->name);
}

int conf_policy_ids(struct sfw_conf *conf)
{
	int n = conf->n_policies;
	struct placing *order;
	bool *taken;

	if (n > SLOTS)
		return -E2BIG;
	order = malloc(sizeof(*order) * (size_t)(n ? n : 1));
	taken = calloc(SFW_MAX_POLICY_INDEX, sizeof(*taken));
	if (!order || !taken) {
		free(order);
		free(taken);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++)
		order[i] = (struct placing){ .home = home_of(&conf->policies[i]), .i = i };
	qsort_r(order, (size_t)n, sizeof(*order), by_identity, conf->policies);
	for (int k = 0; k < n; k++) {
		__u32 id = order[k].home;

		while (taken[id])
			id = id + 1 < SFW_MAX_POLICY_INDEX ? id + 1 : SFW_CONF_POLICY_INDEX_FIRST;
		taken[id] = true;
		conf->policies[order[k].i].index = id;
	}
	free(order);
	free(taken);
	return 0;
}
