#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "name_ranks.h"

struct by_name {
	sfw_name_of_fn *name_of;
	const void *arg;
};

/* By name, then by position: items of one name next to each other, in
 * their order. */
static int by_name(const void *a, const void *b, void *ctx)
{
	const struct by_name *k = ctx;
	int i = *(const int *)a, j = *(const int *)b;
	int d = strcmp(k->name_of(i, k->arg), k->name_of(j, k->arg));

	return d ? d : (i > j) - (i < j);
}

int *sfw_name_ranks(int n, sfw_name_of_fn *name_of, const void *arg)
{
	struct by_name k = { name_of, arg };
	int *order = malloc((size_t)(n > 0 ? n : 1) * sizeof(*order));
	int *ranks = malloc((size_t)(n > 0 ? n : 1) * sizeof(*ranks));

	if (!order || !ranks) {
		free(order);
		free(ranks);
		return NULL;
	}
	for (int i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, (size_t)(n > 0 ? n : 0), sizeof(*order), by_name, &k);
	for (int i = 0, run = 0; i < n; i++) {
		run = i && !strcmp(name_of(order[i - 1], arg), name_of(order[i], arg)) ? run + 1 : 0;
		ranks[order[i]] = run;
	}
	free(order);
	return ranks;
}
