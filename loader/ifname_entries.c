/* One list for the entries by index that interface names give
 * (ifname_entries.h): sorted, so that a pass over up to 16,384 names
 * finds and drops in n log n, not n^2. */
#include <stdlib.h>
#include <string.h>
#include "ifname_entries.h"
#include "loader_int.h"

static const struct sfw_by_index *at(const struct sfw_ifname_entries *l, int i)
{
	return (const void *)((const char *)l->v + (size_t)i * l->size);
}

int sfw_ifname_entries_add(struct sfw_ifname_entries *l, const void *e)
{
	int err = sfw_grow(&l->v, &l->cap, l->n, l->size);

	if (err)
		return err;
	memcpy((char *)l->v + (size_t)l->n++ * l->size, e, l->size);
	return 0;
}

/* By index and sub: find's order. */
static int by_index_alone(const void *a, const void *b)
{
	const struct sfw_by_index *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return x->sub < y->sub ? -1 : x->sub > y->sub;
}

/* Then by name: the sort's, which puts an index's names side by side. */
static int by_index(const void *a, const void *b)
{
	const struct sfw_by_index *x = a, *y = b;
	int c = by_index_alone(a, b);

	return c ? c : strncmp(x->ifname, y->ifname, sizeof(x->ifname));
}

void sfw_ifname_entries_sort(struct sfw_ifname_entries *l)
{
	if (l->n > 1)
		qsort(l->v, (size_t)l->n, l->size, by_index);
}

void *sfw_ifname_entries_find(const struct sfw_ifname_entries *l, __u32 ifindex, __u32 sub)
{
	struct sfw_by_index k = { .ifindex = ifindex, .sub = sub };

	return l->n ? bsearch(&k, l->v, (size_t)l->n, l->size, by_index_alone) : NULL;
}

/* The end of the run of entry s's index (sorted: its neighbours), and
 * whether another name gave it too. */
static int run_end(const struct sfw_ifname_entries *l, int s, bool *shared)
{
	int e = s + 1;

	*shared = false;
	for (; e < l->n && at(l, e)->ifindex == at(l, s)->ifindex; e++)
		*shared |= strncmp(at(l, e)->ifname, at(l, s)->ifname, sizeof(at(l, s)->ifname)) != 0;
	return e;
}

void sfw_ifname_entries_drop_shared(struct sfw_ifname_entries *l)
{
	int n = 0;

	sfw_ifname_entries_sort(l);
	for (int s = 0, e; s < l->n; s = e) {
		bool shared;

		e = run_end(l, s, &shared);
		if (shared)
			continue;
		memmove((char *)l->v + (size_t)n * l->size, at(l, s), (size_t)(e - s) * l->size);
		n += e - s;
	}
	l->n = n;
}
