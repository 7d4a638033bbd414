/* The sweeper at 1,000,000 sessions: how long a pass over the table takes
 * (all live: nothing to remove; all expired: every session removed through
 * the reaper), and what the datapath pays per packet while a pass runs,
 * against the same XDP program with no sweep, in the same run. The sweep
 * runs in a thread, the XDP test runs in this one, as a daemon and the
 * traffic would run on different CPUs. Then the kernel's own sweep
 * (include/ksweep.h), which runs when no daemon does: one walk of the
 * same tables, live and expired, as a ratio of the daemon's pass. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
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
#include "reap.h"
#include "ksweep.h"

#define SESSIONS 1000000
#define REPEAT 2000             /* per sample: about half a millisecond */
#define IDLE_SAMPLES 101
#define LO_IFINDEX 1

struct sweep_run {
	struct sfw_sweeper *sw;
	volatile int done;
	double secs;
	int removed;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* SESSIONS UDP sessions, last seen `age_s` ago with a 60 s timeout. */
static int fill(int fd, __u32 age_s)
{
	enum { CHUNK = 65536 };
	struct sfw_session_key *keys = calloc(CHUNK, sizeof(*keys));
	struct sfw_session *vals = calloc(CHUNK, sizeof(*vals));
	__u64 seen = sfw_coarse_now_ns() - (__u64)age_s * 1000000000ull;
	int err = keys && vals ? 0 : -ENOMEM;

	for (__u32 base = 0; base < SESSIONS && !err; base += CHUNK) {
		__u32 n = SESSIONS - base < CHUNK ? SESSIONS - base : CHUNK;

		for (__u32 i = 0; i < n; i++) {
			__u32 id = base + i;

			keys[i] = (struct sfw_session_key){ .proto = SFW_IPPROTO_UDP,
							    .family = SFW_FAMILY_INET };
			keys[i].addr_lo.v4 = htonl(0xc6336400 | (id & 0xff));        /* 198.51.100.x */
			keys[i].addr_hi.v4 = htonl(0xcb007100 | ((id >> 8) & 0xff)); /* 203.0.113.x */
			keys[i].port_lo = htons(1024 + (id >> 16));
			keys[i].port_hi = htons(53);
			vals[i] = (struct sfw_session){ .id = 1ULL << 40 | id, .timeout_s = 60,
				.created_s = sfw_secs(seen), .last_seen_s = sfw_secs(seen),
				.policy_id = SFW_POLICY_ID_DEFAULT_PERMIT, .flags = SFW_SESS_F_OPENER_LO };
		}
		LIBBPF_OPTS(bpf_map_batch_opts, bo);
		if (bpf_map_update_batch(fd, keys, vals, &n, &bo))
			err = -errno;
	}
	free(keys);
	free(vals);
	return err;
}

static double xdp_sample(int prog_fd, const struct pb_pkt *pkt)
{
	struct xdp_md ctx = { .data_end = pkt->len, .ingress_ifindex = LO_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt->data, .data_size_in = pkt->len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = REPEAT);

	return bpf_prog_test_run_opts(prog_fd, &o) ? 0 : o.duration;
}

static int cmp_d(const void *a, const void *b)
{
	return (*(const double *)a > *(const double *)b) - (*(const double *)a < *(const double *)b);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return n ? v[n / 2] : 0;
}

static void *sweeper(void *arg)
{
	struct sweep_run *r = arg;
	double t0 = now_s();

	r->removed = sfw_sweep_all(r->sw, sfw_coarse_now_ns());
	r->secs = now_s() - t0;
	r->done = 1;
	return NULL;
}

/* One pass in a thread; per-packet samples taken until it ends. */
static int pass_with_traffic(struct sfw_sweeper *sw, int prog_fd, const struct pb_pkt *pkt,
			     struct sweep_run *r, double *ns)
{
	static double samples[100000];
	pthread_t t;
	int n = 0;

	r->sw = sw;
	r->done = 0;
	if (pthread_create(&t, NULL, sweeper, r))
		return -1;
	while (!r->done && n < 100000)
		samples[n++] = xdp_sample(prog_fd, pkt);
	pthread_join(t, NULL);
	*ns = median(samples, n);
	return n;
}

struct kwalk {
	double secs;
	__u64 removed;
};

static int ksweep_read(int fd, struct sfw_ksweep *k)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(fd, &zero, k) ? -errno : 0;
}

/* One walk of the kernel's sweep: armed with a tick long enough that the
 * figures are read before a second walk, disarmed after the first. The
 * daemon's figures zeroed, as one leaves them when it exits: no daemon
 * sweeps, and none armed the signal, so the first tick walks. */
static int kernel_walk(int fd, struct kwalk *w)
{
	struct sfw_daemon_info none = { 0 };
	struct sfw_reaper *r = NULL;
	struct sfw_ksweep k0, k;
	int dfd = sfw_open_map(SFW_STR(SFW_MAP_DAEMON)), err = dfd < 0 ? dfd : 0;
	__u32 zero = 0;

	if (!err && bpf_map_update_elem(dfd, &zero, &none, BPF_ANY))
		err = -errno;
	if (dfd >= 0)
		close(dfd);
	if (!err)
		err = ksweep_read(fd, &k0);
	if (!err)
		err = sfw_ksweep_open(&r);
	if (!err)
		err = sfw_ksweep_arm(r, 300000000ull, 0);
	for (int i = 0; !err && i < 30000; i++) {
		err = ksweep_read(fd, &k);
		if (err || k.passes > k0.passes)
			break;
		usleep(1000);
	}
	if (!err && k.passes == k0.passes)
		err = -ETIMEDOUT;
	if (r && sfw_ksweep_arm(r, 0, 0) && !err)
		err = -EIO;
	sfw_reaper_close(r);
	w->secs = err ? 0 : k.last_pass_ns / 1e9;
	w->removed = err ? 0 : k.removed - k0.removed;
	return err;
}

static int setup(struct sfw_progs **p, struct sfw_reaper **reaper, struct sfw_sweeper **sw)
{
	char root[64];
	int err;

	snprintf(root, sizeof(root), "/sys/fs/bpf/sfw-bench-sweep-%d", getpid());
	setenv("SFW_PIN_ROOT", root, 1);
	/* the built-in permit-all: a host's stored configuration would fail
	 * closed here, as nothing applies it */
	setenv("SFW_CONF_DIR", "/nonexistent", 1);
	sfw_log_init();
	err = sfw_ensure_pin_root();
	if (!err)
		err = sfw_progs_load(p, &(struct sfw_attach_opts){ .max_sessions = SFW_DEFAULT_MAX_SESSIONS }, NULL);
	if (!err)
		err = sfw_iface_counters_bind(
			sfw_progs_map_fd(*p, SFW_PROG_XDP, SFW_STR(SFW_MAP_IFACE_SLOTS)),
			sfw_progs_map_fd(*p, SFW_PROG_XDP, SFW_STR(SFW_MAP_IFACE_STATS)),
			LO_IFINDEX, 1);
	if (!err)
		err = sfw_reaper_open(reaper);
	if (!err)
		err = sfw_sweeper_new(sw, sfw_progs_map_fd(*p, SFW_PROG_XDP,
							   SFW_STR(SFW_MAP_SESSIONS)),
				      *reaper, 0);
	return err;
}

int main(int argc, char **argv)
{
	const char *out = argc > 1 ? argv[1] : "build/bench/sweep.json";
	struct pb_spec udp = { .src = "198.51.100.250", .dst = "203.0.113.250",
			       .proto = SFW_IPPROTO_UDP, .sport = 40001, .dport = 53, .payload = 64 };
	struct sfw_progs *p = NULL;
	struct sfw_reaper *reaper = NULL;
	struct sfw_sweeper *sw = NULL;
	struct sweep_run live = {}, expired = {};
	struct kwalk klive = {}, kexpired = {};
	double idle[IDLE_SAMPLES], ns_idle, ns_live, ns_expired, ns_after;
	int n_live, n_expired, prog_fd, fd, ks_fd, err = setup(&p, &reaper, &sw);
	struct pb_pkt pkt;
	FILE *json;

	if (err) {
		fprintf(stderr, "sweep: setup failed: %s\n", sfw_last_error());
		goto out;
	}
	prog_fd = sfw_progs_prog_fd(p, SFW_PROG_XDP);
	fd = sfw_progs_map_fd(p, SFW_PROG_XDP, SFW_STR(SFW_MAP_SESSIONS));
	pb_build(&udp, &pkt);
	err = fill(fd, 0);
	xdp_sample(prog_fd, &pkt);   /* the measured flow's own session */
	for (int i = 0; !err && i < IDLE_SAMPLES; i++)
		idle[i] = xdp_sample(prog_fd, &pkt);
	ns_idle = median(idle, IDLE_SAMPLES);
	n_live = err ? 0 : pass_with_traffic(sw, prog_fd, &pkt, &live, &ns_live);
	err = err ? err : fill(fd, 120);
	n_expired = err ? 0 : pass_with_traffic(sw, prog_fd, &pkt, &expired, &ns_expired);
	/* the table the expired pass leaves: nearly empty, so cheaper lookups */
	for (int i = 0; !err && i < IDLE_SAMPLES; i++)
		idle[i] = xdp_sample(prog_fd, &pkt);
	ns_after = median(idle, IDLE_SAMPLES);
	ks_fd = sfw_progs_map_fd(p, SFW_PROG_XDP, SFW_STR(SFW_MAP_KSWEEP));
	err = err ? err : fill(fd, 0);
	err = err ? err : kernel_walk(ks_fd, &klive);
	err = err ? err : fill(fd, 120);
	err = err ? err : kernel_walk(ks_fd, &kexpired);
	if (err || live.removed < 0 || expired.removed < 0) {
		fprintf(stderr, "sweep: %s\n", err ? strerror(-err) : sfw_last_error());
		err = err ? err : -1;
		goto out;
	}
	printf("sweep of %d sessions (%u-entry chunks), XDP cost in BPF_PROG_TEST_RUN (ns/packet)\n",
	       SESSIONS, SFW_REAP_BATCH);
	printf("%-28s %10s %10s %10s %9s\n", "pass", "seconds", "removed", "xdp ns", "samples");
	printf("%-28s %10s %10s %10.1f %9d\n", "no sweep, 1M sessions", "-", "-", ns_idle,
	       IDLE_SAMPLES);
	printf("%-28s %10.3f %10d %10.1f %9d\n", "all live (nothing removed)", live.secs,
	       live.removed, ns_live, n_live);
	printf("%-28s %10.3f %10d %10.1f %9d\n", "all expired (all removed)", expired.secs,
	       expired.removed, ns_expired, n_expired);
	printf("%-28s %10s %10s %10.1f %9d\n", "no sweep, after removal", "-", "-", ns_after,
	       IDLE_SAMPLES);
	printf("kernel's sweep, one walk (no daemon), against the daemon's pass above\n");
	printf("%-28s %10.3f %10llu %9.3fx\n", "kernel walk, all live", klive.secs,
	       (unsigned long long)klive.removed, klive.secs / live.secs);
	printf("%-28s %10.3f %10llu %9.3fx\n", "kernel walk, all expired", kexpired.secs,
	       (unsigned long long)kexpired.removed, kexpired.secs / expired.secs);
	json = fopen(out, "w");
	if (json) {
		fprintf(json, "{\"benchmark\": \"sweep\", \"sessions\": %d, \"xdp_ns_no_sweep\": %.1f, "
			"\"live_pass_s\": %.3f, \"xdp_ns_live_pass\": %.1f, \"expired_pass_s\": %.3f, "
			"\"expired_removed\": %d, \"xdp_ns_expired_pass\": %.1f, "
			"\"xdp_ns_no_sweep_after\": %.1f, \"kernel_live_walk_s\": %.4f, "
			"\"kernel_expired_walk_s\": %.4f, \"kernel_expired_removed\": %llu, "
			"\"kernel_vs_daemon_live\": %.3f, \"kernel_vs_daemon_expired\": %.3f}\n",
			SESSIONS, ns_idle, live.secs, ns_live, expired.secs, expired.removed,
			ns_expired, ns_after, klive.secs, kexpired.secs,
			(unsigned long long)kexpired.removed, klive.secs / live.secs,
			kexpired.secs / expired.secs);
		fclose(json);
	}
out:
	sfw_sweeper_free(sw);
	sfw_reaper_close(reaper);
	sfw_progs_close(p);
	sfw_detach_all();
	rmdir(sfw_pin_root());
	return err ? 1 : 0;
}
