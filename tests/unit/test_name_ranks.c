/* util/name_ranks.c: each item's number among those of its name, in their
 * order, whatever the names around it (proxy-arp/ndp ranges numbered per
 * interface: loader/nat_proxy_write.c, conf/check_nat.c). */
#include <stdio.h>
#include <stdlib.h>
#include <criterion/criterion.h>
#include "name_ranks.h"

static const char *name_at(int i, const void *arg)
{
	return ((const char *const *)arg)[i];
}

Test(name_ranks, numbered_per_name_in_order)
{
	const char *names[] = { "h1", "h0", "h1", "h10", "h0", "h1", "h10" };
	const int want[] = { 0, 0, 1, 0, 1, 2, 1 };
	int *r = sfw_name_ranks(7, name_at, names);

	cr_assert_not_null(r);
	for (int i = 0; i < 7; i++)
		cr_expect_eq(r[i], want[i], "item %d (%s): %d, not %d", i, names[i], r[i], want[i]);
	free(r);
}

Test(name_ranks, none_and_one)
{
	const char *names[] = { "h0" };
	int *r = sfw_name_ranks(0, name_at, names);

	cr_assert_not_null(r, "no items: an empty array, not out of memory");
	free(r);
	r = sfw_name_ranks(1, name_at, names);
	cr_assert_not_null(r);
	cr_expect_eq(r[0], 0);
	free(r);
}

/* 16,384 ranges on 256 interfaces, their names interleaved: the last of
 * each interface is its 64th (63). */
Test(name_ranks, many_interleaved)
{
	enum { IFACES = 256, EACH = 64, N = IFACES * EACH };
	static char buf[N][8];
	static const char *names[N];
	int *r;

	for (int i = 0; i < N; i++) {
		snprintf(buf[i], sizeof(buf[i]), "h%d", i % IFACES);
		names[i] = buf[i];
	}
	r = sfw_name_ranks(N, name_at, names);
	cr_assert_not_null(r);
	for (int i = 0; i < N; i++)
		cr_assert_eq(r[i], i / IFACES, "item %d", i);
	free(r);
}
