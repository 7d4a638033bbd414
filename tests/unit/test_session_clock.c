/* The sessions' clock in whole seconds (include/session.h): one rule for
 * the datapath, the sweeper, the shows and the HA mirror, never early;
 * and NAT's grace for a holder on its way (include/nat.h). */
#include <criterion/criterion.h>
#include "nat.h"
#include "session.h"

static struct sfw_session at(__u32 last_seen_s, __u32 timeout_s)
{
	struct sfw_session s = { .last_seen_s = last_seen_s, .timeout_s = timeout_s };

	return s;
}

/* Idle exactly its timeout: still the datapath's; one second more: not.
 * Red with `>=` in sfw_sess_expired_at. */
Test(session_clock, expired_never_early)
{
	struct sfw_session s = at(1000, 60);

	cr_expect(!sfw_sess_expired_at(&s, 1000));
	cr_expect(!sfw_sess_expired_at(&s, 1060));
	cr_expect(sfw_sess_expired_at(&s, 1061));
	cr_expect(!sfw_sess_expired_at(&s, 999), "a stamp after the clock read is fresh");
	s = at(1000, 0);
	cr_expect(!sfw_sess_expired_at(&s, 1000));
	cr_expect(sfw_sess_expired_at(&s, 1001));
	s = at(1000, 0xffffffffu);
	cr_expect(!sfw_sess_expired_at(&s, 1000 + 0xfffffffeu));
}

/* The sweeper's next pass is the first nanosecond the rule says yes. */
Test(session_clock, expiry_ns_is_the_first_expired_nanosecond)
{
	struct sfw_session s = at(1000, 60);
	__u64 ns = sfw_sess_expiry_ns(&s);

	cr_expect_eq(ns, 1061ull * SFW_NSEC_PER_SEC);
	cr_expect(!sfw_sess_expired_at(&s, sfw_secs(ns - 1)));
	cr_expect(sfw_sess_expired_at(&s, sfw_secs(ns)));
}

/* What the HA mirror writes: the current second counted, 0 once expired,
 * never past the datapath's end. */
Test(session_clock, remaining_counts_the_current_second)
{
	struct sfw_session s = at(1000, 60);

	cr_expect_eq(sfw_sess_remaining_at(&s, 1000), 61);
	cr_expect_eq(sfw_sess_remaining_at(&s, 1059), 2);
	cr_expect_eq(sfw_sess_remaining_at(&s, 1060), 1, "its last second");
	cr_expect_eq(sfw_sess_remaining_at(&s, 1061), 0);
	cr_expect_eq(sfw_sess_remaining_at(&s, 990), 61, "a later stamp counts as now");
	s = at(1000, 0xffffffffu);
	cr_expect_eq(sfw_sess_remaining_at(&s, 1000), 0xffffffffu, "no wrap to 0");
}

/* The HA replica's stamp from what the peer's entry says is left: the
 * inverse of sfw_sess_remaining_at; idle longer than this node's clock
 * has run, 0, never in the future (RT47-1: a node booted 120 s ago
 * loading a session idle 800 s stamped it 136 years ahead, and it never
 * expired). */
Test(session_clock, last_seen_for_is_the_inverse_of_remaining)
{
	struct sfw_session s = at(0, 1800);

	for (__u32 left = 1; left <= 1801; left += 100) {
		s.last_seen_s = sfw_sess_last_seen_for(1800, left, 100000);
		cr_expect_eq(sfw_sess_remaining_at(&s, 100000), left, "left %u", left);
	}
	cr_expect_eq(sfw_sess_last_seen_for(1800, 1801, 5000), 5000, "fresh");
	cr_expect_eq(sfw_sess_last_seen_for(1800, 0, 5000), 5000, "not said: fresh");
	cr_expect_eq(sfw_sess_last_seen_for(60, 1801, 5000), 5000, "more than a fresh one here");
	cr_expect_eq(sfw_sess_last_seen_for(0xffffffffu, 7, 5000), 5000, "never: no wrap");
	s.last_seen_s = sfw_sess_last_seen_for(1800, 1000, 120);
	cr_expect_eq(s.last_seen_s, 0, "booted 120 s ago, idle 801 s there");
	cr_expect(!sfw_sess_expired_at(&s, 120));
	cr_expect(sfw_sess_expired_at(&s, 1801), "it ends");
}

/* A port or alias holder made in second s is on its way through s + 1
 * (SFW_NAT_TAKEOVER_S, one to two seconds of real time), stale from
 * s + 2; a stamp after the clock read is young; the same across the
 * 32-bit wrap. Red with the grace at 0 (s + 1 stale) or 2 (s + 2 young). */
Test(session_clock, nat_grace_is_one_whole_second)
{
	cr_expect(sfw_nat_young(1000, 1000));
	cr_expect(sfw_nat_young(1000, 1001), "one whole second on: still on its way");
	cr_expect(!sfw_nat_young(1000, 1002));
	cr_expect(sfw_nat_young(1000, 995), "a later stamp is young");
	cr_expect(sfw_nat_young(0xffffffffu, 0), "across the wrap");
	cr_expect(!sfw_nat_young(0xffffffffu, 1), "across the wrap");
	cr_expect(!sfw_nat_young(0xfffffffeu, 1), "across the wrap");
}
