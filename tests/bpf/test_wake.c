/* The datapath wakes the sweeper when max-sessions or a session limit
 * refuses a first packet (bpf/wake.bpf.h): one record in the wake ring per
 * arming, whichever hook refused, and nothing while no daemon armed it. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "daemon.h"
#include "maps.h"
#include "commit.h"

TestSuite(wake, .init = suite_setup, .fini = suite_teardown);

static int records;

static int count_record(void *ctx, void *data, size_t len)
{
	records++;
	return 0;
}

static void arm(__u32 on)
{
	struct sfw_daemon_info info = { .wake_armed = on, .pid = 1 };
	__u32 zero = 0;

	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_DAEMON)), &zero, &info,
					 BPF_ANY), 0);
}

static __u32 armed(void)
{
	struct sfw_daemon_info info;
	__u32 zero = 0;

	cr_assert_eq(bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_DAEMON)), &zero, &info),
		     0);
	return info.wake_armed;
}

static int wakes(struct ring_buffer *rb)
{
	records = 0;
	ring_buffer__consume(rb);
	return records;
}

static void limit(__u32 n)
{
	struct sfw_config cfg;

	cr_assert_eq(fx_config(&cfg), 0);
	cfg.max_sessions = n;
	cr_assert_eq(fx_set_config(&cfg), 0);
}

static struct pb_spec flow(__u16 sport)
{
	return (struct pb_spec){ .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				 .sport = sport, .dport = 53 };
}

static struct ring_buffer *wake_ring(void)
{
	struct ring_buffer *rb = ring_buffer__new(fx_map_fd(false, SFW_STR(SFW_MAP_WAKE)),
						  count_record, NULL, NULL);

	cr_assert_not_null(rb);
	return rb;
}

Test(wake, refusal_wakes_the_sweeper_once_per_arming)
{
	struct ring_buffer *rb = wake_ring();
	struct pb_spec a = flow(6001), b = flow(6002), c = flow(6003), d = flow(6004);

	limit(2);
	arm(1);
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&b), FX_XDP_PASS);
	cr_assert_eq(wakes(rb), 0, "room left: no wake");
	cr_assert_eq(armed(), 1);
	cr_assert_eq(fx_xdp(&c), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_NO_MORE_SESSIONS), 1);
	cr_assert_eq(wakes(rb), 1, "the refusal wakes the sweeper");
	cr_assert_eq(armed(), 0, "and disarms it");
	/* a flood of refusals: nothing more until the daemon re-arms */
	cr_assert_eq(fx_xdp(&c), FX_XDP_DROP);
	cr_assert_eq(fx_xdp(&d), FX_XDP_DROP);
	cr_assert_eq(wakes(rb), 0);
	arm(1);
	cr_assert_eq(fx_tc(&d, NULL), FX_TC_SHOT, "tc egress refuses as well");
	cr_assert_eq(wakes(rb), 1, "and wakes the sweeper the same way");
	ring_buffer__free(rb);
}

Test(wake, nothing_while_no_daemon_armed_it)
{
	struct ring_buffer *rb = wake_ring();
	struct pb_spec a = flow(6001), b = flow(6002);

	limit(1);
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&b), FX_XDP_DROP);
	cr_assert_eq(wakes(rb), 0);
	ring_buffer__free(rb);
}

/* Overwriting an expired session is no refusal: nothing to wake. */
Test(wake, expired_slot_reused_without_a_wake)
{
	struct ring_buffer *rb = wake_ring();
	struct pb_spec a = flow(6001);

	limit(1);
	arm(1);
	cr_assert_eq(fx_set_timeout(SFW_TO_UDP, 5), 0);
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(fx_age(&a, 6), 0);
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(wakes(rb), 0);
	cr_assert_eq(armed(), 1);
	ring_buffer__free(rb);
}

/* A source or destination limit refuses the next session while expired
 * sessions may still hold the counts: that wakes the sweeper too. */
Test(wake, session_limit_refusal_wakes_the_sweeper)
{
	struct ring_buffer *rb = wake_ring();
	struct pb_spec a = flow(6001), b = flow(6002);

	commit("set security screen ids-option lim limit-session source-ip-based 1\n"
	       "set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust screen lim\n"
	       "set security policies default-policy permit-all\n");
	arm(1);
	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(wakes(rb), 0, "under the limit: no wake");
	cr_assert_eq(fx_xdp(&b), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_SCREEN_SRC_LIMIT), 1);
	cr_assert_eq(wakes(rb), 1, "the limit's refusal wakes the sweeper");
	cr_assert_eq(armed(), 0);
	ring_buffer__free(rb);
}
