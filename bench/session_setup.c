/* Session setup and a nearly full table, in BPF_PROG_TEST_RUN (issue 7,
 * items 1 and 2), each figure next to baselines run in the same process:
 *  - established packets with the table at 90% of its capacity, against
 *    pass / parse / parse+lookup+counter (the floor), as bench/xdp_cost.c
 *    does at 1,000 and 1,000,000 sessions;
 *  - a first packet that creates a session, and one the policy denies:
 *    every packet a new UDP tuple, one run each (repeat = 1), against the
 *    baselines run once on the same packets (the floor then misses, as
 *    any first packet's lookup does);
 *  - the setup rate while a table of 65,536 fills up, and what happens at
 *    full: refused under "No more sessions", no live session evicted.
 * Writes a table to stdout and JSON to argv[1]. */
#include "xdp_harness.h"

#define REPEAT 200000
#define ROUNDS 5
#define FIRST_N 20000
#define SMALL_CAPACITY 65536
#define STEPS 10
#define MISS_BASE 2000000   /* flows only the baselines see (never port 53) */

static const struct { const char *name; struct pb_spec spec; } cases[] = {
	{ "tcp4", { .src = "198.51.100.2", .dst = "203.0.113.2", .proto = SFW_IPPROTO_TCP,
		    .sport = 40000, .dport = 80, .tcp_flags = SFW_TCP_ACK, .seq = 1001,
		    .ack = 5001, .payload = 64 } },
	{ "udp4", { .src = "198.51.100.2", .dst = "203.0.113.2", .proto = SFW_IPPROTO_UDP,
		    .sport = 40001, .dport = 53, .payload = 64 } },
	{ "tcp6", { .src = "2001:db8:1::2", .dst = "2001:db8:2::2", .proto = SFW_IPPROTO_TCP,
		    .sport = 40002, .dport = 443, .tcp_flags = SFW_TCP_ACK, .seq = 1001,
		    .ack = 5001, .payload = 64 } },
	{ "udp6", { .src = "2001:db8:1::2", .dst = "2001:db8:2::2", .proto = SFW_IPPROTO_UDP,
		    .sport = 40003, .dport = 123, .payload = 64 } },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

struct out {
	FILE *json;
	const char *sep;
};

static void run_spec(int fd, const struct pb_spec *s)
{
	struct pb_pkt pkt;
	__u32 ns, ret;

	pb_build(s, &pkt);
	xh_run(fd, pkt.data, pkt.len, 1, &ns, &ret);
}

/* The packets that take a flow to its established state through sfw. */
static void establish(int fd, const struct pb_spec *s)
{
	struct pb_spec fwd = *s, rev = pb_reverse(s);

	if (s->proto != SFW_IPPROTO_TCP) {
		run_spec(fd, &fwd);
		run_spec(fd, &rev);
		return;
	}
	fwd.tcp_flags = SFW_TCP_SYN, fwd.seq = 1000, fwd.payload = 0;
	run_spec(fd, &fwd);
	rev.tcp_flags = SFW_TCP_SYN | SFW_TCP_ACK, rev.seq = 5000, rev.ack = 1001, rev.payload = 0;
	run_spec(fd, &rev);
	fwd.tcp_flags = SFW_TCP_ACK, fwd.seq = 1001, fwd.ack = 5001;
	run_spec(fd, &fwd);
}

/* Established packets at `live` sessions (`have` already in the table):
 * medians over interleaved rounds. */
static int bench_established(struct xh *h, struct out *o, __u32 live, __u32 have)
{
	int err = xh_fill(h, 0, live - NCASES - have);

	if (err)
		return err;
	for (size_t c = 0; c < NCASES; c++) {
		__u32 ns[XH_NPROGS][ROUNDS], ret = 0;
		double med[XH_NPROGS];
		struct pb_pkt pkt;

		establish(h->fd[XH_SFW], &cases[c].spec);
		pb_build(&cases[c].spec, &pkt);
		for (int r = 0; r < ROUNDS; r++)
			for (int p = 0; p < XH_NPROGS; p++)
				if (xh_run(h->fd[p], pkt.data, pkt.len, REPEAT, &ns[p][r], &ret))
					return -errno;
		for (int p = 0; p < XH_NPROGS; p++)
			med[p] = xh_median_u32(ns[p], ROUNDS);
		printf("%-26s %9u %8.1f %8.1f %8.1f %8.1f %8.2fx\n", cases[c].name, live,
		       med[XH_SFW], med[XH_PASS], med[XH_PARSE], med[XH_FLOOR],
		       med[XH_SFW] / med[XH_FLOOR]);
		fprintf(o->json, "%s\n    {\"case\": \"%s established\", \"live_sessions\": %u, "
			"\"sfw_ns\": %.1f, \"pass_ns\": %.1f, \"parse_ns\": %.1f, "
			"\"lookup_floor_ns\": %.1f, \"ratio_to_floor\": %.3f}", o->sep,
			cases[c].name, live, med[XH_SFW], med[XH_PASS], med[XH_PARSE],
			med[XH_FLOOR], med[XH_SFW] / med[XH_FLOOR]);
		o->sep = ",";
	}
	return 0;
}

/* First packets of FIRST_N new flows from `start`: each run once through
 * sfw, which must answer `want`. The baselines run once each on as many
 * other new flows (MISS_BASE on): on the same flow, whichever ran second
 * would find the table's bucket already in the cache. */
static int bench_first(struct xh *h, struct out *o, const char *name, __u32 start,
		       __u32 live, __u32 want)
{
	static __u32 ns[3][FIRST_N];
	static const int progs[3] = { XH_SFW, XH_PASS, XH_FLOOR };
	struct xh_uniq u;
	__u32 ret = 0, bad = 0;
	double med[3];

	if (xh_uniq_init(&u, "198.51.100.2", "203.0.113.2"))
		return -EINVAL;
	for (__u32 i = 0; i < FIRST_N; i++) {
		for (int p = 2; p >= 0; p--) {
			const struct pb_pkt *pkt = xh_uniq_flow(&u, p ? MISS_BASE + start + i
								      : start + i);

			if (xh_run(h->fd[progs[p]], pkt->data, pkt->len, 1, &ns[p][i], &ret))
				return -errno;
		}
		bad += ret != want;
	}
	if (bad)
		fprintf(stderr, "session_setup: %s: %u of %u verdicts were not %u (No more "
			"sessions: %llu)\n", name, bad, FIRST_N, want,
			(unsigned long long)xh_counter(h, SFW_CNT_ERR_NO_MORE_SESSIONS));
	for (int p = 0; p < 3; p++)
		med[p] = xh_median_u32(ns[p], FIRST_N);
	printf("%-26s %9u %8.1f %8.1f %8s %8.1f %8.2fx\n", name, live, med[0], med[1], "-",
	       med[2], med[0] / med[2]);
	fprintf(o->json, "%s\n    {\"case\": \"%s\", \"live_sessions\": %u, \"runs\": %u, "
		"\"repeat\": 1, \"sfw_ns\": %.1f, \"pass_ns\": %.1f, \"lookup_floor_ns\": %.1f, "
		"\"ratio_to_floor\": %.3f, \"wrong_verdicts\": %u}", o->sep, name, live, FIRST_N,
		med[0], med[1], med[2], med[0] / med[2], bad);
	o->sep = ",";
	return bad ? -EPROTO : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Is flow i's session in the table? (198.51.100.2 is the key's lo side.) */
static bool has_flow(struct xh *h, __u32 i)
{
	struct sfw_session_key k = { .proto = SFW_IPPROTO_UDP, .family = SFW_FAMILY_INET };
	struct sfw_session v;

	inet_pton(AF_INET, "198.51.100.2", &k.addr_lo);
	inet_pton(AF_INET, "203.0.113.2", &k.addr_hi);
	k.port_lo = htons(1024 + i % 64000);
	k.port_hi = htons(1 + i / 64000);
	return !bpf_map_lookup_elem(h->sessions_fd, &k, &v);
}

struct fill_step {
	__u32 tried, created;
	double kernel_s, wall_s;
};

/* Offers limit + 10% new flows, one run each, in STEPS + 1 steps. */
static void fill_steps(struct xh *h, __u32 limit, struct fill_step *st)
{
	__u32 step = limit / STEPS, ns = 0, ret = 0;
	struct xh_uniq u;

	xh_uniq_init(&u, "198.51.100.2", "203.0.113.2");
	for (__u32 s = 0, i = 0; s <= STEPS; s++) {
		double t0 = now_s();

		for (__u32 n = 0; n < step; n++, i++) {
			const struct pb_pkt *pkt = xh_uniq_flow(&u, i);

			if (xh_run(h->fd[XH_SFW], pkt->data, pkt->len, 1, &ns, &ret))
				continue;
			st[s].tried++;
			st[s].created += ret == 2;   /* XDP_PASS */
			st[s].kernel_s += ns / 1e9;
		}
		st[s].wall_s = now_s() - t0;
	}
}

static int bench_until_full(struct out *o)
{
	struct fill_step st[STEPS + 1] = {};
	struct sfw_config cfg;
	__u32 created = 0, tried = 0, evicted = 0;
	struct xh h = {};
	int err = xh_setup(&h, SMALL_CAPACITY);

	if (!err)
		err = sfw_config_read(&cfg);
	if (err) {
		xh_teardown(&h);
		return err;
	}
	fill_steps(&h, cfg.max_sessions, st);
	printf("\nsetup rate while a table of %u fills (max-sessions %u), one run per new flow\n",
	       SMALL_CAPACITY, cfg.max_sessions);
	printf("%-10s %9s %9s %14s %14s\n", "step", "offered", "created", "kernel new/s",
	       "wall new/s");
	fprintf(o->json, "\n  ], \"until_full\": {\"capacity\": %u, \"max_sessions\": %u, \"steps\": [",
		SMALL_CAPACITY, cfg.max_sessions);
	for (int s = 0; s <= STEPS; s++) {
		printf("%3d%%-%3d%% %9u %9u %14.0f %14.0f\n", s * 10, s * 10 + 10, st[s].tried,
		       st[s].created, st[s].tried / st[s].kernel_s, st[s].tried / st[s].wall_s);
		fprintf(o->json, "%s\n    {\"from_pct\": %d, \"offered\": %u, \"created\": %u, "
			"\"kernel_per_s\": %.0f, \"wall_per_s\": %.0f}", s ? "," : "", s * 10,
			st[s].tried, st[s].created, st[s].tried / st[s].kernel_s,
			st[s].tried / st[s].wall_s);
		created += st[s].created;
		tried += st[s].tried;
	}
	for (__u32 i = 0; i < created; i++)
		evicted += !has_flow(&h, i);
	printf("at full: %u offered, %u created, %u refused; counters: No more sessions %llu, "
	       "Failed sessions %llu; live sessions evicted: %u\n", tried, created, tried - created,
	       (unsigned long long)xh_counter(&h, SFW_CNT_ERR_NO_MORE_SESSIONS),
	       (unsigned long long)xh_counter(&h, SFW_CNT_SFW_FAILED_SESSIONS), evicted);
	fprintf(o->json, "\n  ], \"offered\": %u, \"created\": %u, \"refused\": %u, "
		"\"no_more_sessions\": %llu, \"failed_sessions\": %llu, \"evicted\": %u}",
		tried, created, tried - created,
		(unsigned long long)xh_counter(&h, SFW_CNT_ERR_NO_MORE_SESSIONS),
		(unsigned long long)xh_counter(&h, SFW_CNT_SFW_FAILED_SESSIONS), evicted);
	xh_teardown(&h);
	return 0;
}

/* Established at 90% and first packets, on the default-size table. */
static int bench_big_table(struct out *o)
{
	struct xh h = {};
	int err = xh_setup(&h, SFW_DEFAULT_MAX_SESSIONS);
	__u32 live = SFW_DEFAULT_MAX_SESSIONS / 10 * 9;   /* 90% of capacity */

	printf("per packet in BPF_PROG_TEST_RUN (ns/packet; established: median of %d x %d runs, "
	       "first packets: median of %d single runs)\n", ROUNDS, REPEAT, FIRST_N);
	printf("%-26s %9s %8s %8s %8s %8s %9s\n", "case", "sessions", "sfw", "pass", "parse",
	       "floor", "sfw/floor");
	if (!err)
		err = bench_first(&h, o, "udp4 first packet", 0, 0, 2);
	if (!err)
		err = bench_established(&h, o, live, FIRST_N);
	if (!err)
		err = bench_first(&h, o, "udp4 first packet", FIRST_N, live + FIRST_N, 2);
	if (!err)
		err = xh_set_policy(SFW_POLICY_DENY_ALL);
	if (!err)
		err = bench_first(&h, o, "udp4 first packet, denied", 2 * FIRST_N, live + FIRST_N, 1);
	xh_teardown(&h);
	return err;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "build/bench/session_setup.json";
	struct out o = { .json = fopen(path, "w"), .sep = "" };
	int err;

	if (!o.json) {
		perror(path);
		return 1;
	}
	fprintf(o.json, "{\"benchmark\": \"session_setup\", \"results\": [");
	err = bench_big_table(&o);
	if (!err)
		err = bench_until_full(&o);
	else
		fprintf(o.json, "\n  ]");
	fprintf(o.json, "\n}\n");
	fclose(o.json);
	if (err)
		fprintf(stderr, "session_setup: %s\n", err < -1 ? strerror(-err) : sfw_last_error());
	return err ? 1 : 0;
}
