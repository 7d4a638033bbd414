/* Which interfaces a commit moves between zones (loader/zone_moves.c): by
 * zone name, ids renumber; the sessions with a wing on those end. */
#include <string.h>
#include <criterion/criterion.h>
#include "zone_moves.h"

struct snap {
	struct sfw_zone_if ifs[8];
	struct sfw_zone_snap s;
};

/* A snapshot of n interfaces: ifindex, zone id, zone name. */
static void mk(struct snap *sn, bool zoned, int n, const struct sfw_zone_if *ifs)
{
	memset(sn, 0, sizeof(*sn));
	if (n)   /* ifs may be NULL then: memcpy's arguments never may */
		memcpy(sn->ifs, ifs, (size_t)n * sizeof(*ifs));
	sn->s = (struct sfw_zone_snap){ .ifs = sn->ifs, .n = n, .zoned = zoned };
}

static int moved(const struct snap *a, const struct snap *b, __u32 *out)
{
	return sfw_zone_moved(&a->s, &b->s, out);
}

static const struct sfw_zone_if TRUST_UNTRUST[] = {
	{ 2, 1, "trust" }, { 3, 1, "trust" }, { 4, 2, "untrust" },
};

Test(zone_moves, renumbered_zones_move_nothing)
{
	static const struct sfw_zone_if renum[] = {
		{ 2, 2, "trust" }, { 3, 2, "trust" }, { 4, 3, "untrust" },
	};
	struct snap a, b;
	__u32 out[8];

	mk(&a, true, 3, TRUST_UNTRUST);
	mk(&b, true, 3, renum);
	cr_assert_eq(moved(&a, &b, out), 0);
	cr_assert_eq(moved(&a, &a, out), 0, "the same configuration");
}

Test(zone_moves, interface_into_another_zone_moves)
{
	static const struct sfw_zone_if next[] = {
		{ 3, 1, "trust" }, { 2, 2, "untrust" }, { 4, 2, "untrust" },
	};
	struct snap a, b;
	__u32 out[8];

	mk(&a, true, 3, TRUST_UNTRUST);
	mk(&b, true, 3, next);
	cr_assert_eq(moved(&a, &b, out), 1);
	cr_assert_eq(out[0], 2);
}

Test(zone_moves, out_of_every_zone_and_into_one_from_none_move)
{
	static const struct sfw_zone_if next[] = {
		{ 2, 1, "trust" }, { 4, 2, "untrust" }, { 5, 2, "untrust" },
	};
	struct snap a, b;
	__u32 out[8];

	mk(&a, true, 3, TRUST_UNTRUST);
	mk(&b, true, 3, next);
	cr_assert_eq(moved(&a, &b, out), 2);
	cr_assert_eq(out[0], 3, "left every zone");
	cr_assert_eq(out[1], 5, "came into untrust from none");
}

Test(zone_moves, zones_removed_move_every_zoned_interface)
{
	struct snap a, b;
	__u32 out[8];

	mk(&a, true, 3, TRUST_UNTRUST);
	mk(&b, false, 0, NULL);
	cr_assert_eq(moved(&a, &b, out), 3);
}

/* Without zones no session was bound to one: zones configured only
 * narrow where its packets may come from, nothing to hand over. */
Test(zone_moves, first_zones_move_nothing)
{
	struct snap a, b;
	__u32 out[8];

	mk(&a, false, 0, NULL);
	mk(&b, true, 3, TRUST_UNTRUST);
	cr_assert_eq(moved(&a, &b, out), 0);
}
