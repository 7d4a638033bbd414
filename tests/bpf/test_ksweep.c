/* The kernel's own sweep (include/ksweep.h, bpf/reap.bpf.c): a BPF timer
 * that ends expired sessions whenever no session daemon sweeps. Each test
 * arms it on the fixture's maps with a 10 ms tick, ages sessions as time
 * would (fx_age), and waits for ticks: what it must end, what it must
 * leave (live sessions; everything while a daemon sweeps), and what an
 * ending gives back (the close logged, NAT's alias and port). */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "commit.h"
#include "events.h"
#include "frag.h"
#include "ksweep_fixture.h"
#include "nat_fixture.h"

TestSuite(ksweep, .init = suite_setup, .fini = suite_teardown);
TestSuite(ksweep_nat, .init = nat_setup, .fini = suite_teardown);

static struct pb_spec flow(__u16 sport)
{
	return (struct pb_spec){ .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				 .sport = sport, .dport = 53 };
}

static void publish(__u32 pid, __u64 last_pass_end_ns)
{
	struct sfw_daemon_info info = { .pid = pid, .interval_ms = 1000,
					.last_pass_end_ns = last_pass_end_ns };
	__u32 zero = 0;

	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_DAEMON)), &zero, &info,
					 BPF_ANY), 0);
}

static int closes;

static int count_close(void *ctx, void *data, size_t len)
{
	const struct sfw_event *e = sfw_event_of(data, len);

	if (e && e->type == SFW_EV_CLOSE && e->sess.id == *(__u64 *)ctx)
		closes++;
	return 0;
}

/* Ends what has expired, and only that: the live session stays, and the
 * ended one's close is in the log ring as the daemon's sweeper writes
 * it. It walks the table after a refusal only (or when no daemon ever
 * armed the signal, as here at first): expired sessions left by a walk
 * stay until a first packet is refused, and then go. */
Test(ksweep, ends_expired_sessions_without_a_daemon)
{
	struct pb_spec a = flow(5001), b = flow(5002), live = flow(5003), next = flow(5004);
	struct sfw_session sa;
	struct sfw_reaper *r;
	struct ring_buffer *rb;
	struct sfw_config cfg;
	struct sfw_ksweep k;

	cr_assert_eq(fx_set_flags(SFW_CFG_F_LOG_SESSIONS), 0);
	for (__u16 p = 5001; p <= 5003; p++) {
		struct pb_spec s = flow(p);

		cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	}
	cr_assert_eq(fx_session(&a, &sa), 0);
	cr_assert_eq(fx_age(&a, 3600), 0);
	cr_assert_eq(fx_age(&b, 3600), 0);
	r = ks_arm(KS_TICK_NS);
	k = ks_wait_ticks(3);
	ASSERT_NO_SESSION(&a);
	ASSERT_NO_SESSION(&b);
	cr_assert_eq(fx_session(&live, &(struct sfw_session){ 0 }), 0,
		     "a live session is never ended");
	cr_assert_eq(fx_session_count(), 1);
	cr_assert_eq(k.removed, 2);
	cr_assert_eq(k.passes, 1, "one walk: nothing refused since");
	cr_assert_eq(k.visited, 3);

	/* expired, but nothing refused: left */
	cr_assert_eq(fx_age(&live, 3600), 0);
	k = ks_wait_ticks(3);
	cr_assert_eq(k.passes, 1);
	cr_assert_eq(fx_session_count(), 1);
	/* a first packet refused for a table of one: walked at the next tick */
	cr_assert_eq(fx_config(&cfg), 0);
	cfg.max_sessions = 1;
	cr_assert_eq(fx_set_config(&cfg), 0);
	cr_assert_eq(fx_xdp(&next), FX_XDP_DROP, "max-sessions 1, held by an expired session");
	k = ks_wait_ticks(2);
	ks_stop(r);
	cr_assert_eq(k.passes, 2);
	cr_assert_eq(fx_session_count(), 0);
	cr_assert_eq(fx_xdp(&next), FX_XDP_PASS, "its retransmission");
	cr_assert_eq(ks_read().period_ns, 0, "disarmed");
	rb = ring_buffer__new(fx_map_fd(false, SFW_STR(SFW_MAP_EVENTS)), count_close, &sa.id, NULL);
	cr_assert_not_null(rb);
	cr_assert_geq(ring_buffer__consume(rb), 0);
	ring_buffer__free(rb);
	cr_assert_eq(closes, 1, "the ended session's close, logged once");
}

/* While a daemon sweeps (published, not stale) the kernel walks nothing,
 * however many sessions have expired; once the daemon goes stale (killed
 * or stopped: it no longer publishes) or has said it exited (pid 0), the
 * kernel takes over. */
Test(ksweep, leaves_the_table_to_a_daemon_that_sweeps)
{
	struct pb_spec a = flow(5101), b = flow(5102);
	struct sfw_reaper *r;
	struct sfw_ksweep k;

	cr_assert_eq(fx_xdp(&a), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&b), FX_XDP_PASS);
	cr_assert_eq(fx_age(&a, 3600), 0);
	publish(1, sfw_mono_ns());
	r = ks_arm(KS_TICK_NS);
	k = ks_wait_ticks(3);
	cr_assert_eq(k.passes, 0, "a daemon sweeps: the kernel walks nothing");
	cr_assert_eq(fx_session_count(), 2, "the expired session waits for the daemon");

	/* its last pass ended longer ago than it may take */
	publish(1, sfw_mono_ns() - (1000 + SFW_DAEMON_STALE_GRACE_MS + 1000) * 1000000ull);
	k = ks_wait_ticks(2);
	cr_assert_geq(k.passes, 1, "a stale daemon: the kernel sweeps");
	ASSERT_NO_SESSION(&a);
	cr_assert_eq(fx_session_count(), 1);

	cr_assert_eq(fx_age(&b, 3600), 0);
	publish(1, sfw_mono_ns());
	k = ks_wait_ticks(2);
	cr_assert_eq(fx_session_count(), 1, "a fresh daemon again: left to it");
	publish(0, 0);   /* what a daemon leaves when it exits */
	ks_wait_ticks(2);
	ks_stop(r);
	cr_assert_eq(fx_session_count(), 0, "no daemon: the kernel sweeps");
}

/* Disarmed, it ticks no more; armed twice, it ticks on one timer. */
Test(ksweep, stops_when_disarmed)
{
	struct sfw_reaper *r = ks_arm(KS_TICK_NS), *again;
	struct sfw_ksweep k;

	ks_wait_ticks(2);
	again = ks_arm(KS_TICK_NS);
	sfw_reaper_close(r);   /* the timer runs the newer object's program */
	k = ks_wait_ticks(2);
	cr_assert_eq(k.period_ns, KS_TICK_NS);
	ks_stop(again);
	k = ks_read();
	nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
	cr_assert_eq(ks_read().ticks, k.ticks, "no tick once disarmed");
}

/* An expired NAT session ends with its alias and its pool port, as the
 * daemon's sweeper ends it (nat/sweeper_ends_nat_session_with_its_alias):
 * the pool's port is free for the next client. */
Test(ksweep_nat, ends_a_nat_session_with_its_alias_and_port)
{
	struct pb_spec old = udp(CLIENT_A, SERVER1, 45300, 53);
	struct pb_spec live = udp(CLIENT_B, SERVER2, 45301, 53);
	struct sfw_reaper *r;
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &old, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &live, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_session_count(), 4, "two sessions, two aliases");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 2);
	cr_assert_eq(fx_age(&old, 3600), 0);
	r = ks_arm(KS_TICK_NS);
	ks_wait_ticks(2);
	ks_stop(r);
	ASSERT_NO_SESSION(&old);
	cr_assert_eq(fx_session_count(), 2, "the live session and its alias");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1);
}

/* A NAT datagram's record past its expiry goes (the map is a plain
 * hash: nothing else deletes it, and a full one records no new NAT
 * datagram, review rvdaemon RVS-4); one still in its life stays. */
Test(ksweep, ends_expired_nat_fragment_records)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_FRAGS));
	struct sfw_frag_key old = { .id = 1, .proto = SFW_IPPROTO_UDP, .family = SFW_FAMILY_INET };
	struct sfw_frag_key young = old;
	struct sfw_frag v = { .nat = 1 }, got;
	struct sfw_reaper *r;
	__u64 now = sfw_coarse_now_ns();

	young.id = 2;
	v.expires_ns = now - 1000000000ull;
	cr_assert_eq(bpf_map_update_elem(fd, &old, &v, BPF_NOEXIST), 0);
	v.expires_ns = now + 3600 * 1000000000ull;
	cr_assert_eq(bpf_map_update_elem(fd, &young, &v, BPF_NOEXIST), 0);
	r = ks_arm(KS_TICK_NS);
	ks_wait_ticks(2);
	ks_stop(r);
	cr_assert_neq(bpf_map_lookup_elem(fd, &old, &got), 0, "the expired record is gone");
	cr_assert_eq(bpf_map_lookup_elem(fd, &young, &got), 0, "the live record stays");
	cr_assert_eq(ks_read().frags_removed, 1);
}
