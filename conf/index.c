/* Lookups by name in time independent of the configuration's size: a
 * large but legal configuration (tens of thousands of zones, addresses or
 * nested sets) must parse and check in time linear in its size, and every
 * statement names objects (docs/reliability.md).
 *
 * A conf_index is a chained hash table over the positions of an array,
 * kept beside it: elements are indexed up to the array's current length on
 * demand (conf_index_sync), so the array code only pushes and pops. Chains
 * hold the newest element first; the model only ever pops its newest
 * elements (a statement with an error is undone, conf_truncate), which are
 * then at the head of their chains. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"

/* FNV-1a: short names, no adversary to fear beyond a slow commit. */
static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int grow_elems(struct conf_index *x, int n)
{
	int cap = x->cap ? x->cap : 16;
	int *next, *hash;

	while (cap < n)
		cap *= 2;
	if (cap == x->cap)
		return 0;
	next = realloc(x->next, (size_t)cap * sizeof(*next));
	if (next)
		x->next = next;
	hash = next ? realloc(x->hash, (size_t)cap * sizeof(*hash)) : NULL;
	if (!hash)
		return -ENOMEM;
	x->hash = hash;
	x->cap = cap;
	return 0;
}

static void link_elem(struct conf_index *x, int i)
{
	int b = x->hash[i] & (x->nb - 1);

	x->next[i] = x->head[b];
	x->head[b] = i + 1;
}

/* Buckets at least as many as elements: chains stay about one long. */
static int grow_buckets(struct conf_index *x, int n)
{
	int nb = x->nb ? x->nb : 16;
	int *head;

	while (nb < n)
		nb *= 2;
	if (nb == x->nb)
		return 0;
	head = calloc((size_t)nb, sizeof(*head));
	if (!head)
		return -ENOMEM;
	free(x->head);
	x->head = head;
	x->nb = nb;
	for (int i = 0; i < x->n; i++)   /* oldest first: newest ends at the head */
		link_elem(x, i);
	return 0;
}

int conf_index_sync(struct conf_index *x, const struct conf_keys *k, int n)
{
	char buf[CONF_KEY_MAX];
	int err;

	while (x->n > n) {           /* popped: the newest, at its chain's head */
		int i = --x->n;

		x->head[x->hash[i] & (x->nb - 1)] = x->next[i];
	}
	if (x->n == n)
		return 0;
	err = grow_elems(x, n);
	if (!err)
		err = grow_buckets(x, n);
	if (err)
		return err;
	for (; x->n < n; x->n++) {
		x->hash[x->n] = (int)hash_str(k->key(k->ctx, x->n, buf));
		link_elem(x, x->n);
	}
	return 0;
}

int conf_index_find(const struct conf_index *x, const struct conf_keys *k, const char *key)
{
	char buf[CONF_KEY_MAX];
	int h = (int)hash_str(key);

	if (!x->nb)
		return -1;
	for (int e = x->head[h & (x->nb - 1)]; e; e = x->next[e - 1])
		if (x->hash[e - 1] == h && !strcmp(k->key(k->ctx, e - 1, buf), key))
			return e - 1;
	return -1;
}

void conf_index_free(struct conf_index *x)
{
	free(x->head);
	free(x->next);
	free(x->hash);
	memset(x, 0, sizeof(*x));
}

/* Sets of small non-negative integers (open addressing, linear probing):
 * what a walk has visited, in time and memory proportional to the visit
 * rather than to the configuration. */
bool conf_intset_add(struct conf_intset *s, int v)
{
	unsigned mask;

	if (2 * (s->n + 1) > s->cap) {
		unsigned cap = s->cap ? 2 * s->cap : 64;
		int *slot = calloc(cap, sizeof(*slot));
		struct conf_intset bigger = { slot, cap, 0, false };

		if (!slot) {
			s->oom = true;
			return false;
		}
		for (unsigned i = 0; i < s->cap; i++)
			if (s->slot[i])
				conf_intset_add(&bigger, s->slot[i] - 1);
		free(s->slot);
		bigger.oom = s->oom;
		*s = bigger;
	}
	mask = s->cap - 1;
	for (unsigned i = (unsigned)v * 2654435761u & mask;; i = (i + 1) & mask) {
		if (s->slot[i] == v + 1)
			return false;
		if (!s->slot[i]) {
			s->slot[i] = v + 1;
			s->n++;
			return true;
		}
	}
}

void conf_intset_free(struct conf_intset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}
