/* Shared by the stress programs (docs/reliability.md, "Stress"): the size
 * (full or short), a sandbox of their own, the generator, the session
 * table walk, sfw's outcome counters and the JSON/figure output. The
 * Makefile builds each bench/stress/NAME.c on its own, so these are
 * static functions. */
#ifndef SFW_STRESS_H
#define SFW_STRESS_H

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "counters.h"
#include "session.h"
#include "stress_flows.h"
#include "stressgen.skel.h"
#include "../pktsend.h"

/* `--short`: the correctness version `make test` runs; without it the
 * full size `make stress` reports. */
struct st_run {
	bool short_run;
	const char *json_path;
	FILE *json;
	const char *sep;
	int failed;
};

static inline double st_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int st_args(struct st_run *r, int argc, char **argv, const char *name)
{
	static char path[256];

	r->sep = "";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--short"))
			r->short_run = true;
		else if (argv[i][0] != '-')
			r->json_path = argv[i];
		else
			return fprintf(stderr, "usage: %s [--short] [RESULT.json]\n", name), -1;
	}
	if (!r->json_path) {
		snprintf(path, sizeof(path), "build/stress/%s.json", name);
		r->json_path = path;
	}
	return 0;
}

/* One named figure: printed with what it proves and its baseline, and
 * written as a JSON member. `ok` false fails the scenario. */
__attribute__((format(printf, 5, 6)))
static inline void st_figure(struct st_run *r, const char *key, bool ok, double value,
			     const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	printf("  %-4s %s\n", ok ? "ok" : "FAIL", text);
	if (!ok)
		r->failed++;
	if (r->json)
		fprintf(r->json, "%s\n  \"%s\": %.6g", r->sep, key, value);
	r->sep = ",";
}

/* A plain line of the report, not a checked figure. */
__attribute__((format(printf, 1, 2)))
static inline void st_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("       ");
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline int st_open_json(struct st_run *r, const char *scenario)
{
	r->json = fopen(r->json_path, "w");
	if (!r->json)
		return perror(r->json_path), -1;
	fprintf(r->json, "{\"scenario\": \"%s\", \"size\": \"%s\",", scenario,
		r->short_run ? "short" : "full");
	r->sep = "";
	return 0;
}

static inline int st_close_json(struct st_run *r)
{
	if (!r->json)
		return 0;
	fprintf(r->json, "%s\n  \"failed\": %d\n}\n", r->sep, r->failed);
	return fclose(r->json) ? -1 : 0;
}

/* The work in a child with private network and mount namespaces and a
 * private bpffs, so its pins and interfaces vanish with it however it
 * ends. Returns the child's exit status. */
static inline int st_sandbox(int (*work)(void *), void *arg)
{
	int status = 1;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWNET | CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700") ||
		    system("ip link set lo up"))
		{
			perror("stress: sandbox");
			_exit(1);
		}
		status = work(arg);
		fflush(NULL);
		_exit(status);
	}
	if (pid < 0)
		return perror("stress: fork"), 1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* ---- sfw's counters ------------------------------------------------------ */

static const __u8 st_cnt_group[SFW_CNT_COUNT] = {
#define SFW_X(id, grp, label, key) [SFW_CNT_##id] = grp,
	SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
};

static const char *const st_cnt_key[SFW_CNT_COUNT] = {
#define SFW_X(id, grp, label, key) [SFW_CNT_##id] = key,
	SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
};

/* Outcomes, as tests/bpf/test_conservation.c counts them: every drop
 * reason, permitted and untracked; Failed sessions repeats No more
 * sessions. */
static inline bool st_is_outcome(int id)
{
	return st_cnt_group[id] == SFW_GRP_FLOW_ERR ||
	       (st_cnt_group[id] == SFW_GRP_SFW && id != SFW_CNT_SFW_FAILED_SESSIONS);
}

static inline __u64 st_outcomes(const struct sfw_iface_stats *s)
{
	__u64 sum = 0;

	for (int id = 0; id < SFW_CNT_COUNT; id++)
		if (st_is_outcome(id))
			sum += s->c[id];
	return sum;
}

/* ---- the generator ------------------------------------------------------- */

static inline __u64 st_gen_count(struct stressgen *g, enum sg_counter id)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 v[ncpu > 0 ? ncpu : 1], sum = 0;
	__u32 key = id;

	if (bpf_map_lookup_elem(bpf_map__fd(g->maps.sg_count), &key, v))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

/* st_gen_run where live frames are refused (EPERM: a sandbox that lacks
 * what they need, as on the machines of 2026-12-07): the program run on
 * one frame at a time, each run from `frame` afresh as a live run's
 * repetitions are, and what it transmits (XDP_TX) sent out of ifindex by
 * a packet socket. The same frames and counts, at a lower rate; what a
 * live run passes up to the stack (XDP_PASS) is not delivered. */
static inline int st_gen_slow(int prog_fd, __u32 ifindex, const void *frame, __u32 len, __u32 n)
{
	static int sock = -1;
	static struct sockaddr_ll to;
	static __u32 sock_if;
	unsigned char out[4096];
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	if (sock >= 0 && sock_if != ifindex)
		close(sock), sock = -1;
	if (sock < 0) {
		sock = ps_socket(ifindex, &to);
		if (sock < 0)
			return sock;
		sock_if = ifindex;
	}
	for (__u32 i = 0; i < n; i++) {
		o.data_out = out;
		o.data_size_out = sizeof(out);
		if (bpf_prog_test_run_opts(prog_fd, &o))
			return -errno;
		if (o.retval == XDP_TX && (err = ps_send(sock, &to, out, o.data_size_out, 1)))
			return err;
	}
	return 0;
}

/* n live frames of prog, arriving at ifindex, starting from `frame`
 * (st_gen_slow where live frames are refused: ps_live_refused). */
static inline int st_gen_run(int prog_fd, __u32 ifindex, const void *frame, __u32 len, __u32 n)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = n,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	if (ps_live_refused())
		return st_gen_slow(prog_fd, ifindex, frame, len, n);
	return bpf_prog_test_run_opts(prog_fd, &o) ? -errno : 0;
}

/* ---- the session table --------------------------------------------------- */

typedef int (*st_visit_fn)(const struct sfw_session_key *k, const struct sfw_session *v,
			   void *arg);

/* Every entry through batch lookups; returns the count or a negative errno. */
static inline long st_walk(int fd, st_visit_fn visit, void *arg)
{
	enum { CHUNK = 8192 };
	struct sfw_session_key *keys = calloc(CHUNK, sizeof(*keys));
	struct sfw_session *vals = calloc(CHUNK, sizeof(*vals));
	__u32 in = 0, out = 0, count;
	long total = keys && vals ? 0 : -ENOMEM;
	int err = 0;

	for (int first = 1; total >= 0 && err != -ENOENT; first = 0, in = out) {
		count = CHUNK;
		err = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys, vals, &count,
					   NULL) ? -errno : 0;
		if (err && err != -ENOENT) {
			total = err;
			break;
		}
		for (__u32 i = 0; i < count && visit; i++)
			visit(&keys[i], &vals[i], arg);
		total += count;
	}
	free(keys);
	free(vals);
	return total;
}

/* The datapath's key order (tests/lib/bpf_fixture.c, fx_key): address
 * words as stored, then ports; the lower pair first. */
static inline bool st_key_normalised(const struct sfw_session_key *k)
{
	for (int i = 0; i < 4; i++)
		if (k->addr_lo.v6[i] != k->addr_hi.v6[i])
			return k->addr_lo.v6[i] < k->addr_hi.v6[i];
	return k->port_lo <= k->port_hi;
}

/* Every field a session can only hold one way. Returns why not, or NULL. */
static inline const char *st_session_wrong(const struct sfw_session_key *k,
					   const struct sfw_session *v)
{
	if (k->family != SFW_FAMILY_INET && k->family != SFW_FAMILY_INET6)
		return "family";
	if (k->pad)
		return "key padding";
	if (k->family == SFW_FAMILY_INET &&
	    (k->addr_lo.v6[1] | k->addr_lo.v6[2] | k->addr_lo.v6[3] | k->addr_hi.v6[1] |
	     k->addr_hi.v6[2] | k->addr_hi.v6[3]))
		return "IPv4 key with IPv6 bytes";
	if (!st_key_normalised(k))
		return "key not normalised";
	if (!v->id)
		return "id 0";
	if (v->tcp_state >= SFW_TCP_STATE_COUNT || v->state > SFW_SESS_INVALIDATED)
		return "state";
	if ((k->proto == 6) != (v->tcp_state != SFW_TCP_NONE))
		return "TCP state on a non-TCP session, or none on a TCP one";
	if (!v->wing[SFW_WING_IN].packets)
		return "no packet on the In wing";
	for (int w = 0; w < 2; w++) {
		__u64 p = v->wing[w].packets, b = v->wing[w].bytes;

		if (b < p * 20 || b > p * 65535 || (p && !v->wing[w].ifindex))
			return "wing counters";
	}
	if (v->last_seen_s < v->created_s)
		return "last seen before created";
	return NULL;
}

static inline int st_cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return (x > y) - (x < y);
}

static inline void st_machine(struct st_run *r)
{
	char host[64] = "", date[64];
	time_t t = time(NULL);
	long mem_kb = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %ld kB", &mem_kb) == 1)
			break;
	if (f)
		fclose(f);
	gethostname(host, sizeof(host) - 1);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S %Z", localtime(&t));
	if (r->json)
		fprintf(r->json, " \"date\": \"%s\", \"nproc\": %ld, \"mem_kb\": %ld,", date,
			sysconf(_SC_NPROCESSORS_ONLN), mem_kb);
}

#endif
