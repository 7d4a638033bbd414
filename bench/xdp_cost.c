/* Per-packet cost of sfw's XDP program in BPF_PROG_TEST_RUN, against
 * baselines run in the same process on the same packets: a program that
 * only returns XDP_PASS, one that parses to layer 4, and one that parses
 * and does one session-table lookup and one counter update (the floor for
 * any LRU-hash session table). Reported as ns/packet and ratios; no figure
 * is judged here: these machines are noisy, ratios travel better.
 * At 1,000 and 1,000,000 sessions in the default table; then, memory
 * allowing (bench/memcheck.h), at 10,000,000 in a table sized for them
 * (issue 15, item 7). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "maps.h"
#include "pktbuild.h"
#include "net_consts.h"
#include "protocols.h"
#include "baseline.skel.h"
#include "xdp_harness.h"
#include "memcheck.h"

#define REPEAT 200000
#define ROUNDS 7
#define LO_IFINDEX 1
#define BIG_TABLE 10000000
/* the big table's bytes per session, generously: map 260, its buckets,
 * the tally map's buckets, the fill's buffers (docs/performance.md) */
#define BIG_BYTES_PER_SESSION 450
/* room for max-sessions (capacity less its sixteenth, docs/design.md) to
 * hold them all, so that the measured flows' sessions are made */
#define BIG_CAPACITY (BIG_TABLE + BIG_TABLE / 8)

struct bench {
	struct sfw_progs *sfw;
	struct baseline *base;
	int sessions_fd;
	__u32 capacity;
};

struct flow_case {
	const char *name;
	struct pb_spec spec;
};

static int run_prog(int prog_fd, const struct pb_pkt *pkt, __u32 repeat, __u32 *ns, __u32 *ret)
{
	struct xdp_md ctx = { .data_end = pkt->len, .ingress_ifindex = LO_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt->data, .data_size_in = pkt->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat);
	int err = bpf_prog_test_run_opts(prog_fd, &o);

	if (err)
		return -errno;
	*ns = o.duration;
	*ret = o.retval;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	return (*(const __u32 *)a > *(const __u32 *)b) - (*(const __u32 *)a < *(const __u32 *)b);
}

/* Median over rounds, the programs interleaved so drift hits all alike.
 * Returns sfw's verdict (fds[0]) of the last round. */
static __u32 measure(const int *fds, int nprogs, const struct pb_pkt *pkt, double *out)
{
	__u32 ns[8][ROUNDS], ret, sfw_ret = 0;

	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < nprogs; i++) {
			if (run_prog(fds[i], pkt, REPEAT, &ns[i][r], &ret))
				ns[i][r] = 0;
			else if (i == 0)
				sfw_ret = ret;
		}
	for (int i = 0; i < nprogs; i++) {
		qsort(ns[i], ROUNDS, sizeof(__u32), cmp_u32);
		out[i] = ns[i][ROUNDS / 2];
	}
	return sfw_ret;
}

/* Packets that take a flow to its established state through sfw. */
static int establish(int prog_fd, const struct pb_spec *s)
{
	struct pb_spec fwd = *s, rev = pb_reverse(s);
	struct pb_pkt pkt;
	__u32 ns, ret;

	if (s->proto != SFW_IPPROTO_TCP) {
		pb_build(&fwd, &pkt);
		run_prog(prog_fd, &pkt, 1, &ns, &ret);
		pb_build(&rev, &pkt);
		return run_prog(prog_fd, &pkt, 1, &ns, &ret);
	}
	fwd.tcp_flags = SFW_TCP_SYN, fwd.seq = 1000, fwd.payload = 0;
	pb_build(&fwd, &pkt);
	run_prog(prog_fd, &pkt, 1, &ns, &ret);
	rev.tcp_flags = SFW_TCP_SYN | SFW_TCP_ACK, rev.seq = 5000, rev.ack = 1001, rev.payload = 0;
	pb_build(&rev, &pkt);
	run_prog(prog_fd, &pkt, 1, &ns, &ret);
	fwd.tcp_flags = SFW_TCP_ACK, fwd.seq = 1001, fwd.ack = 5001;
	pb_build(&fwd, &pkt);
	return run_prog(prog_fd, &pkt, 1, &ns, &ret);
}

/* Background sessions so the table holds `total` entries, as a busy host's
 * would: lookups then pay for a large, cold hash table. */
static int fill_sessions(int fd, __u32 total)
{
	enum { CHUNK = 65536 };
	struct sfw_session_key *keys = calloc(CHUNK, sizeof(*keys));
	struct sfw_session *vals = calloc(CHUNK, sizeof(*vals));
	struct timespec now;
	int err = 0;

	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (__u32 base = 0; base < total && !err; base += CHUNK) {
		__u32 n = total - base < CHUNK ? total - base : CHUNK;

		for (__u32 i = 0; i < n; i++) {
			__u32 id = base + i;

			keys[i] = (struct sfw_session_key){ .proto = SFW_IPPROTO_UDP,
							    .family = SFW_FAMILY_INET };
			keys[i].addr_lo.bytes[0] = 198, keys[i].addr_lo.bytes[1] = 51;
			keys[i].addr_lo.bytes[2] = 100, keys[i].addr_lo.bytes[3] = id & 0xff;
			keys[i].addr_hi.bytes[0] = 203, keys[i].addr_hi.bytes[1] = 0;
			keys[i].addr_hi.bytes[2] = 113, keys[i].addr_hi.bytes[3] = (id >> 8) & 0xff;
			keys[i].port_lo = htons(1024 + (id >> 16));
			keys[i].port_hi = htons(53);
			vals[i] = (struct sfw_session){
				.id = 1ULL << 40 | id, .timeout_s = 1800,
				.created_s = (__u32)now.tv_sec,
				.policy_id = SFW_POLICY_ID_DEFAULT_PERMIT,
				.flags = SFW_SESS_F_OPENER_LO,
			};
			vals[i].last_seen_s = vals[i].created_s;
		}
		LIBBPF_OPTS(bpf_map_batch_opts, bo);
		if (bpf_map_update_batch(fd, keys, vals, &n, &bo))
			err = -errno;
	}
out:
	free(keys);
	free(vals);
	return err;
}

static const struct flow_case cases[] = {
	{ "tcp4 established", { .src = "198.51.100.2", .dst = "203.0.113.2", .proto = SFW_IPPROTO_TCP,
				.sport = 40000, .dport = 80, .tcp_flags = SFW_TCP_ACK, .seq = 1001,
				.ack = 5001, .payload = 64 } },
	{ "udp4 established", { .src = "198.51.100.2", .dst = "203.0.113.2", .proto = SFW_IPPROTO_UDP,
				.sport = 40001, .dport = 53, .payload = 64 } },
	{ "tcp6 established", { .src = "2001:db8:1::2", .dst = "2001:db8:2::2",
				.proto = SFW_IPPROTO_TCP, .sport = 40002, .dport = 443,
				.tcp_flags = SFW_TCP_ACK, .seq = 1001, .ack = 5001, .payload = 64 } },
	{ "udp6 established", { .src = "2001:db8:1::2", .dst = "2001:db8:2::2",
				.proto = SFW_IPPROTO_UDP, .sport = 40003, .dport = 123, .payload = 64 } },
};

static int setup(struct bench *b, __u32 capacity)
{
	char root[64];
	int err;

	snprintf(root, sizeof(root), "/sys/fs/bpf/sfw-bench-%d", getpid());
	setenv("SFW_PIN_ROOT", root, 1);
	/* the built-in permit-all: a host's stored configuration would fail
	 * closed here, as nothing applies it */
	setenv("SFW_CONF_DIR", "/nonexistent", 1);
	sfw_log_init();
	err = sfw_ensure_pin_root();
	if (!err)
		err = sfw_progs_load(&b->sfw, &(struct sfw_attach_opts){ .max_sessions = capacity }, NULL);
	if (err)
		return err;
	err = xh_baseline_load(&b->base, root);
	if (err)
		return err;
	b->sessions_fd = sfw_progs_map_fd(b->sfw, SFW_PROG_XDP, SFW_STR(SFW_MAP_SESSIONS));
	b->capacity = capacity;
	return sfw_iface_counters_bind(
		sfw_progs_map_fd(b->sfw, SFW_PROG_XDP, SFW_STR(SFW_MAP_IFACE_SLOTS)),
		sfw_progs_map_fd(b->sfw, SFW_PROG_XDP, SFW_STR(SFW_MAP_IFACE_STATS)),
		LO_IFINDEX, 1);
}

static void teardown(struct bench *b)
{
	baseline__destroy(b->base);
	sfw_progs_close(b->sfw);
	b->sfw = NULL;
	sfw_detach_all();
	rmdir(sfw_pin_root());
}

static void report(FILE *json, const char *name, __u32 live, const double *ns, bool *first)
{
	printf("%-18s %9u %8.1f %8.1f %8.1f %8.1f %8.2fx %8.2fx\n", name, live, ns[0], ns[1],
	       ns[2], ns[3], ns[0] / ns[3], ns[0] / ns[1]);
	fprintf(json, "%s\n    {\"case\": \"%s\", \"live_sessions\": %u, \"sfw_ns\": %.1f, "
		"\"pass_ns\": %.1f, \"parse_ns\": %.1f, \"lookup_floor_ns\": %.1f, "
		"\"ratio_to_floor\": %.3f, \"ratio_to_pass\": %.3f}",
		*first ? "" : ",", name, live, ns[0], ns[1], ns[2], ns[3], ns[0] / ns[3],
		ns[0] / ns[1]);
	*first = false;
}

/* The cases at each size of `live`, the table filled with background
 * sessions up to it (sizes ascending: the fill only adds). */
static int run_sizes(struct bench *b, FILE *json, const __u32 *live, size_t nlive, bool *first)
{
	int fds[4] = { sfw_progs_prog_fd(b->sfw, SFW_PROG_XDP),
		       bpf_program__fd(b->base->progs.base_pass),
		       bpf_program__fd(b->base->progs.base_parse),
		       bpf_program__fd(b->base->progs.base_lookup) };

	for (size_t l = 0; l < nlive; l++) {
		if (fill_sessions(b->sessions_fd, live[l] - sizeof(cases) / sizeof(cases[0]))) {
			fprintf(stderr, "xdp_cost: cannot fill the session table to %u\n", live[l]);
			return -1;
		}
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			struct pb_pkt pkt;
			double ns[4];

			establish(fds[0], &cases[c].spec);
			pb_build(&cases[c].spec, &pkt);
			/* an established packet passes; anything else measured a
			 * refusal, not the established path */
			if (measure(fds, 4, &pkt, ns) != XDP_PASS) {
				fprintf(stderr, "xdp_cost: %s at %u sessions: sfw did not pass it (no "
					"session made?)\n", cases[c].name, live[l]);
				return -1;
			}
			report(json, cases[c].name, live[l], ns, first);
		}
	}
	return 0;
}

/* One table of `capacity`, the sizes in `live` measured in it. */
static int run_table(FILE *json, __u32 capacity, const __u32 *live, size_t nlive, bool *first)
{
	struct bench b = {};
	int err = setup(&b, capacity);

	if (err)
		fprintf(stderr, "xdp_cost: setup failed: %s\n",
			err < -1 ? strerror(-err) : sfw_last_error());
	else
		err = run_sizes(&b, json, live, nlive, first);
	teardown(&b);
	return err;
}

int main(int argc, char **argv)
{
	const char *out = argc > 1 ? argv[1] : "build/bench/xdp_cost.json";
	static const __u32 live[] = { 1000, 1000000 }, big[] = { BIG_TABLE };
	bool first = true, fits;
	FILE *json = fopen(out, "w");
	int err;

	if (!json) {
		perror(out);
		return 1;
	}
	printf("per-packet cost in BPF_PROG_TEST_RUN, median of %d x %d runs (ns/packet)\n",
	       ROUNDS, REPEAT);
	printf("%-18s %9s %8s %8s %8s %8s %9s %9s\n", "case", "sessions", "sfw", "pass", "parse",
	       "floor", "sfw/floor", "sfw/pass");
	fprintf(json, "{\"benchmark\": \"xdp_cost\", \"results\": [");
	err = run_table(json, SFW_DEFAULT_MAX_SESSIONS, live, 2, &first);
	fits = mc_fits("xdp_cost", BIG_TABLE, BIG_BYTES_PER_SESSION);
	if (!err && fits)
		err = run_table(json, BIG_CAPACITY, big, 1, &first);
	fprintf(json, "\n], \"big_table\": %s}\n", fits ? "\"measured\"" : "\"skipped: memory\"");
	fclose(json);
	return err ? 1 : 0;
}
