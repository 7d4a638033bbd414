/* loader/ifname_entries.c: the one list the zones and the proxy-arp/ndp
 * entries follow names with. */
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include "ifname_entries.h"

struct one {
	struct sfw_by_index at;
	int tag;
};

static void add(struct sfw_ifname_entries *l, __u32 ifindex, __u32 sub, const char *name,
		int tag)
{
	struct one e = { .at = { .ifindex = ifindex, .sub = sub }, .tag = tag };

	strncpy(e.at.ifname, name, sizeof(e.at.ifname) - 1);
	cr_assert_eq(sfw_ifname_entries_add(l, &e), 0);
}

/* An index two names gave is dropped, all its entries; ranges of one
 * name on one index stay; the rest are found by index and sub. */
Test(ifname_entries, drop_shared_keeps_one_names_ranges)
{
	struct sfw_ifname_entries l = { .size = sizeof(struct one) };
	const struct one *f;

	add(&l, 7, 1, "b0", 1);
	add(&l, 3, 0, "a0", 2);
	add(&l, 7, 0, "b0", 3);
	add(&l, 5, 0, "c0", 4);   /* 5: renamed between two look-ups */
	add(&l, 5, 1, "d0", 5);
	add(&l, 5, 0, "d0", 6);
	add(&l, 9, 0, "e0", 7);
	sfw_ifname_entries_drop_shared(&l);
	cr_expect_eq(l.n, 4);
	cr_expect_null(sfw_ifname_entries_find(&l, 5, 0));
	cr_expect_null(sfw_ifname_entries_find(&l, 5, 1));
	f = sfw_ifname_entries_find(&l, 7, 1);
	cr_assert_not_null(f);
	cr_expect_eq(f->tag, 1);
	f = sfw_ifname_entries_find(&l, 7, 0);
	cr_assert_not_null(f);
	cr_expect_eq(f->tag, 3);
	cr_expect_not_null(sfw_ifname_entries_find(&l, 3, 0));
	cr_expect_not_null(sfw_ifname_entries_find(&l, 9, 0));
	cr_expect_null(sfw_ifname_entries_find(&l, 8, 0));
	free(l.v);
}

/* An empty list finds nothing (no bsearch over NULL). */
Test(ifname_entries, empty_finds_nothing)
{
	struct sfw_ifname_entries l = { .size = sizeof(struct one) };

	sfw_ifname_entries_drop_shared(&l);
	cr_expect_null(sfw_ifname_entries_find(&l, 1, 0));
}
