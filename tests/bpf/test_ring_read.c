/* Bounded ring reads (loader/ring_read.h): a read hands out at most its
 * budget of records, the rest wait for the next read, none is handed out
 * twice or lost; a callback's own error comes back as it was. The daemon
 * sweeps between reads, so a ring kept full by the datapath can no longer
 * hold it in one read. */
#include <errno.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "commit.h"
#include "events.h"
#include "maps.h"
#include "ring_read.h"

TestSuite(ring_read, .init = suite_setup, .fini = suite_teardown);

#define LOG_RING SFW_STR(SFW_MAP_EVENTS)
#define PINGS 10

struct seen {
	struct sfw_ring_read *rr;
	__u64 ids[PINGS * 2];
	int n;
	int fail;   /* 0, or the errno the callback returns */
};

static int on_record(void *ctx, void *data, size_t len)
{
	struct seen *s = ctx;
	const struct sfw_event *e = data;

	cr_assert_eq(len, sizeof(*e));
	if (s->n < PINGS * 2)
		s->ids[s->n++] = e->sess.id;
	return s->fail ? -s->fail : sfw_ring_read_spend(s->rr);
}

/* PINGS sessions whose policy logs their start: PINGS CREATE events. */
static void logged_pings(void)
{
	commit("set security policies global policy ping match source-address any "
	       "destination-address any application junos-icmp-ping\n"
	       "set security policies global policy ping then permit\n"
	       "set security policies global policy ping then log session-init\n");
	for (int i = 1; i <= PINGS; i++) {
		struct pb_spec p = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_ICMP,
				     .icmp_type = 8, .icmp_id = i };

		cr_assert_eq(fx_xdp(&p), FX_XDP_PASS);
	}
}

static struct sfw_ring_read open_log_ring(struct seen *s)
{
	struct sfw_ring_read rr = { 0 };

	cr_assert_eq(sfw_ring_read_add(&rr, fx_map_fd(false, LOG_RING), on_record, s), 0);
	return rr;
}

Test(ring_read, a_read_stops_at_its_budget_and_the_next_goes_on)
{
	struct seen s = { .n = 0 };
	struct sfw_ring_read rr = open_log_ring(&s);

	s.rr = &rr;
	logged_pings();
	cr_assert_eq(sfw_ring_read(&rr, 3), 1, "stopped at its budget");
	cr_assert_eq(s.n, 3, "%d records for a budget of 3", s.n);
	cr_assert_eq(sfw_ring_read(&rr, 3), 1);
	cr_assert_eq(s.n, 6);
	cr_assert_eq(sfw_ring_read(&rr, 0), 0, "no limit: read to the end");
	cr_assert_eq(s.n, PINGS, "each record once: %d", s.n);
	for (int i = 1; i < s.n; i++)
		cr_assert_gt(s.ids[i], s.ids[i - 1], "record %d handed out twice or out of order", i);
	cr_assert_eq(sfw_ring_read(&rr, 3), 0, "an empty ring");
	cr_assert_eq(s.n, PINGS);
	sfw_ring_read_free(&rr);
}

Test(ring_read, a_callbacks_error_is_passed_on)
{
	struct seen s = { .n = 0, .fail = EIO };
	struct sfw_ring_read rr = open_log_ring(&s);

	s.rr = &rr;
	logged_pings();
	cr_assert_eq(sfw_ring_read(&rr, 5), -EIO);
	cr_assert_eq(s.n, 1, "libbpf stops at the failing record");
	sfw_ring_read_free(&rr);
}
