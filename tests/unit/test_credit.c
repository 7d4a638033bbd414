/* sfw_credit_take (include/ratelimit.h): the token bucket behind the
 * emit rate limits and the NAT fragment records' quota per source. */
#include <criterion/criterion.h>
#include "ratelimit.h"

#define SEC 1000000000ULL

/* A full bucket gives burst / cost tokens at one instant, then none. */
Test(credit, a_full_bucket_gives_its_burst_then_refuses)
{
	__u64 stamp = 5 * SEC, credit = SEC;
	int taken = 0;

	while (sfw_credit_take(&stamp, &credit, SEC / 4, SEC, 5 * SEC))
		taken++;
	cr_assert_eq(taken, 4);
	cr_assert_eq(credit, 0);
}

/* Time refills it at one ns a ns, to the burst and no further. */
Test(credit, time_refills_up_to_the_burst)
{
	__u64 stamp = 0, credit = 0;

	cr_assert_eq(sfw_credit_take(&stamp, &credit, SEC / 4, SEC, SEC / 8), 0);
	cr_assert_eq(sfw_credit_take(&stamp, &credit, SEC / 4, SEC, SEC / 4), 1, "a quarter second");
	cr_assert_eq(credit, 0);
	cr_assert_eq(sfw_credit_take(&stamp, &credit, SEC / 4, SEC, 100 * SEC), 1);
	cr_assert_eq(credit, SEC - SEC / 4, "an idle minute holds one second, not a hundred");
}

/* A stamp ahead of now (another CPU's, on a shared bucket) neither wraps
 * into a full bucket nor moves the stamp back. */
Test(credit, a_stamp_ahead_of_now_gives_nothing)
{
	__u64 stamp = 10 * SEC, credit = 0;

	cr_assert_eq(sfw_credit_take(&stamp, &credit, 1, SEC, 9 * SEC), 0);
	cr_assert_eq(credit, 0);
	cr_assert_eq(stamp, 10 * SEC);
}
