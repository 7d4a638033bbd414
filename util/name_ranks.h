/* Each of n items' number among the items of the same name, in their
 * order: a sort by name, not a count over the items before each (16,384
 * proxy-arp/ndp ranges made that 1.3e8 compares a commit). */
#ifndef SFW_NAME_RANKS_H
#define SFW_NAME_RANKS_H

/* Item i's name; arg: the caller's. */
typedef const char *sfw_name_of_fn(int i, const void *arg);

/* ranks[i] for i < n, malloc'd (the caller frees it), or NULL when out
 * of memory. */
int *sfw_name_ranks(int n, sfw_name_of_fn *name_of, const void *arg);

#endif
