/* What a flood can make sfw emit, bounded: DENY log events have their own
 * ring behind a per-CPU token bucket (deny-log-rate), so a deny flood never
 * costs a CREATE or CLOSE record; rejects and SYN-cookie SYN-ACKs go out at
 * most at reply-rate, past it the packet is only dropped, still counted
 * under the reason it was refused for, plus Replies suppressed.
 *
 * Buckets are per CPU and refill with time, so bounds are computed from
 * the CPUs and the time the test took, never assumed. */
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tcp_conn.h"
#include "commit.h"
#include "events.h"
#include "ratelimit.h"
#include "reap.h"

TestSuite(ratelimit, .init = suite_setup, .fini = suite_teardown);

struct ring_count {
	int create, close, deny, other;
};

static int count_event(void *ctx, void *data, size_t len)
{
	struct ring_count *c = ctx;
	const struct sfw_event *e = data;

	cr_assert_eq(len, sizeof(*e));
	if (e->type == SFW_EV_CREATE)
		c->create++;
	else if (e->type == SFW_EV_CLOSE)
		c->close++;
	else if (e->type == SFW_EV_DENY)
		c->deny++;
	else
		c->other++;
	return 0;
}

static struct ring_count drain(const char *ring)
{
	struct ring_count c = { 0 };
	struct ring_buffer *rb = ring_buffer__new(fx_map_fd(false, ring), count_event, &c, NULL);

	cr_assert_not_null(rb, "cannot open ring %s", ring);
	cr_assert_geq(ring_buffer__consume(rb), 0);
	ring_buffer__free(rb);
	return c;
}

static __u64 log_lost(void)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 v[ncpu > 0 ? ncpu : 1], sum = 0;
	__u32 key = SFW_RING_LOG;

	cr_assert_eq(bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_EV_LOST)), &key, v), 0);
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

static struct sfw_rate_bucket bucket(enum sfw_rate_kind kind)
{
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_rate_bucket v[ncpu > 0 ? ncpu : 1], sum = { 0 };
	__u32 key = kind;

	cr_assert_eq(bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_RATE)), &key, v), 0);
	for (int i = 0; i < ncpu; i++) {
		sum.suppressed += v[i].suppressed;
		sum.lost += v[i].lost;
	}
	return sum;
}

static void set_rates(__u32 deny_log_rate, __u32 reply_rate)
{
	struct sfw_config cfg;

	cr_assert_eq(fx_config(&cfg), 0);
	cfg.deny_log_rate = deny_log_rate;
	cfg.reply_rate = reply_rate;
	cr_assert_eq(fx_set_config(&cfg), 0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The most a bucket of `rate` can let through in `secs`: a full second's
 * worth per CPU at the start, plus the refill. */
static int most(__u32 rate, double secs)
{
	return libbpf_num_possible_cpus() * (int)rate + (int)(secs * rate) + 1;
}

static const char *logged_policies =
	"set security policies global policy dns match source-address any destination-address any application junos-dns-udp\n"
	"set security policies global policy dns then permit\n"
	"set security policies global policy dns then log session-init session-close\n"
	"set security policies global policy ssh match source-address any destination-address any application junos-ssh\n"
	"set security policies global policy ssh then deny\n"
	"set security policies global policy ssh then log session-init\n"
	"set security policies default-policy deny-all\n";

/* 30,000 logged denies (more than the log ring holds) while 200 logged
 * sessions open and are cleared: every CREATE and CLOSE is in the log
 * ring, and every deny is either in its ring or counted suppressed. */
static void deny_flood(__u32 rate, struct ring_count *log, struct ring_count *deny, double *secs)
{
	struct sfw_reaper *r = NULL;
	double t0 = now_s();

	cr_assert_eq(sfw_reaper_open_fds(&r, fx_map_fd_dup, NULL), 0, "reaper: %s", sfw_last_error());
	commit(logged_policies);
	set_rates(rate, SFW_REPLY_RATE_DEFAULT);
	for (int i = 0; i < 200; i++) {
		struct pb_spec dns = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				       .sport = (__u16)(5000 + i), .dport = 53 };
		struct sfw_reap_entry ent = { 0 };

		cr_assert_eq(fx_xdp(&dns), FX_XDP_PASS);
		for (int k = 0; k < 150; k++) {
			struct pb_spec ssh = { .src = OTH4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
					       .sport = (__u16)(1024 + i * 150 + k), .dport = 22,
					       .tcp_flags = SFW_TCP_SYN };

			cr_assert_eq(fx_xdp(&ssh), FX_XDP_DROP);
		}
		fx_key(&dns, &ent.key);
		cr_assert_eq(sfw_reaper_run(r, &ent, 1, SFW_CLOSE_CLEAR, false), 1);
	}
	*secs = now_s() - t0;
	sfw_reaper_close(r);
	*log = drain(SFW_STR(SFW_MAP_EVENTS));
	*deny = drain(SFW_STR(SFW_MAP_DENY_EVENTS));
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 30000);
}

Test(ratelimit, deny_flood_never_costs_a_create_or_close)
{
	struct ring_count log, deny;
	struct sfw_rate_bucket b;
	double secs;

	deny_flood(5, &log, &deny, &secs);
	cr_assert_eq(log.create, 200, "every CREATE logged");
	cr_assert_eq(log.close, 200, "every CLOSE logged");
	cr_assert_eq(log.deny + log.other, 0, "no deny in the log ring");
	cr_assert_eq(log_lost(), 0);
	b = bucket(SFW_RATE_DENY_LOG);
	cr_assert_geq(deny.deny, 5, "the bucket starts full");
	cr_assert_leq(deny.deny, most(5, secs), "%d denies logged in %.2f s at 5/s", deny.deny,
		      secs);
	cr_assert_eq(b.lost, 0);
	cr_assert_eq((__u64)deny.deny + b.suppressed, 30000, "each deny logged or suppressed");
}

/* A deny rate high enough to let the flood through fills the deny ring:
 * the rest is counted lost there, and the log ring is untouched. */
Test(ratelimit, deny_ring_full_counts_lost_denies_apart)
{
	struct ring_count log, deny;
	struct sfw_rate_bucket b;
	double secs;

	deny_flood(SFW_RATE_MAX, &log, &deny, &secs);
	cr_assert_eq(log.create, 200);
	cr_assert_eq(log.close, 200);
	cr_assert_eq(log_lost(), 0);
	b = bucket(SFW_RATE_DENY_LOG);
	cr_assert_gt(b.lost, 0, "the deny ring filled");
	cr_assert_eq((__u64)deny.deny + b.suppressed + b.lost, 30000,
		     "each deny logged, suppressed or lost");
}

/* `then reject` past reply-rate: dropped unanswered, counted as Policy
 * denied all the same (one outcome per packet) and as Replies suppressed. */
Test(ratelimit, rejects_limited_by_reply_rate)
{
	__u8 out[PB_MAX];
	__u32 len;
	int sent = 0, dropped = 0, n = 40;
	double t0;

	commit("set security policies global policy no match source-address any destination-address any application junos-dns-udp\n"
	       "set security policies global policy no then reject\n"
	       "set security policies default-policy permit-all\n");
	set_rates(SFW_DENY_LOG_RATE_DEFAULT, 3);
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				     .sport = (__u16)(6000 + i), .dport = 53 };
		int v = xdp_out(&s, out, &len);

		sent += v == 3 /* XDP_TX */;
		dropped += v == FX_XDP_DROP;
	}
	cr_assert_eq(sent + dropped, n);
	cr_assert_geq(sent, 3, "the bucket starts full");
	cr_assert_leq(sent, most(3, now_s() - t0));
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), (__u64)n, "one outcome per packet");
	cr_assert_eq(fx_counter(SFW_CNT_SFW_REPLIES_SUPPRESSED), (__u64)dropped);
}

/* SYN-cookie SYN-ACKs past reply-rate: the SYN is only dropped (Syn-attack
 * protection, as any SYN past the threshold), and Replies suppressed. */
Test(ratelimit, cookies_limited_by_reply_rate)
{
	__u8 out[PB_MAX];
	__u32 len;
	int sent = 0, dropped = 0, n = 40;
	double t0;

	commit("set security screen ids-option guard tcp syn-flood attack-threshold 1\n"
	       "set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust screen guard\n"
	       "set security flow syn-flood-protection-mode syn-cookie\n"
	       "set security policies default-policy permit-all\n");
	set_rates(SFW_DENY_LOG_RATE_DEFAULT, 2);
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_TCP,
				     .sport = (__u16)(30000 + i), .dport = 22,
				     .tcp_flags = SFW_TCP_SYN, .seq = 5000 };
		int v = xdp_out(&s, out, &len);

		sent += v == 3 && out[34 + 13] == (SFW_TCP_SYN | SFW_TCP_ACK);
		dropped += v == FX_XDP_DROP;
	}
	/* the first SYN of each second is under the threshold and passes */
	cr_assert_geq(sent, 2, "the bucket starts full");
	cr_assert_leq(sent, most(2, now_s() - t0));
	cr_assert_eq(fx_counter(SFW_CNT_ERR_SYN_ATTACK), (__u64)(sent + dropped));
	cr_assert_eq(fx_counter(SFW_CNT_SFW_REPLIES_SUPPRESSED), (__u64)dropped);
	cr_assert_gt(dropped, 0);
}

/* The configuration's rates reach the config map; unset, the defaults. */
Test(ratelimit, configured_rates_reach_the_datapath)
{
	struct sfw_config cfg;

	commit("set security flow deny-log-rate 7\n"
	       "set security flow reply-rate 9\n");
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(cfg.deny_log_rate, 7);
	cr_assert_eq(cfg.reply_rate, 9);
	commit("set security policies default-policy permit-all\n");
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(cfg.deny_log_rate, SFW_DENY_LOG_RATE_DEFAULT);
	cr_assert_eq(cfg.reply_rate, SFW_REPLY_RATE_DEFAULT);
}
