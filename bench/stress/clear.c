/* Stress 5, a clear under full-rate traffic (docs/reliability.md,
 * "Stress"): a million sessions (bench/flowset.h: one in ten TCP to port
 * 443), sfw attached to veth pairs in a sandbox of its own, and
 * `sfw clear security flow session destination-port 443` run on one CPU
 * while the other pushes packets of established flows through the
 * attached XDP program back to back (BPF_PROG_TEST_RUN, the kernel timing
 * its own loop: the highest rate this machine allows). Proves:
 *  - only matching sessions are removed: every port-443 session is gone,
 *    every other one is still there with its id and counters, and the
 *    clear says how many it removed;
 *  - what the clear costs the datapath: ns per packet while it runs,
 *    against the same measurement with no clear before and after it
 *    (the baseline, same run, same packets). */
#define _GNU_SOURCE
#include <sched.h>
#include "stress.h"
#include "../sfw_fill.h"
#include "../runcmd.h"
#include "pktbuild.h"

#define FULL_SESSIONS 1000000u
#define SHORT_SESSIONS 100000u
#define N_PKTS 64            /* established UDP flows the traffic cycles through */
#define REPEAT 2000          /* packets per test run: one sample */
#define MAX_SAMPLES 200000

struct clear_run {
	struct st_run *r;
	struct sf_env env;
	char sfw[512];
	int prog_fd;
	struct pb_pkt pkts[N_PKTS];
	__u32 ifindex[N_PKTS];
	double samples[MAX_SAMPLES];
	__u32 sessions;
};

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Packets of the flows i % 10 == 3 (IPv4 UDP to port 53): never cleared,
 * from the client, on the interface their session's In wing names. */
static int build_pkts(struct clear_run *c)
{
	for (int p = 0; p < N_PKTS; p++) {
		__u32 i = 10 * (__u32)(p * 997 % (c->sessions / 10)) + 3;
		struct fs_flow f;
		char src[32], dst[32];
		struct pb_spec s;

		fs_flow(i, &f);
		snprintf(src, sizeof(src), "%u.%u.%u.%u", f.client[0], f.client[1], f.client[2],
			 f.client[3]);
		snprintf(dst, sizeof(dst), "%u.%u.%u.%u", f.server[0], f.server[1], f.server[2],
			 f.server[3]);
		s = (struct pb_spec){ .src = src, .dst = dst, .proto = f.proto, .sport = f.sport,
				      .dport = f.dport, .payload = 64 };
		if (f.proto != SFW_IPPROTO_UDP || pb_build(&s, &c->pkts[p]))
			return -1;
		c->ifindex[p] = c->env.ifindex[f.wing][0];
	}
	return 0;
}

/* One sample: REPEAT runs of one packet, the kernel's mean ns per run. */
static double sample(struct clear_run *c, int p)
{
	struct xdp_md ctx = { .data_end = c->pkts[p].len, .ingress_ifindex = c->ifindex[p] };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = c->pkts[p].data,
		    .data_size_in = c->pkts[p].len, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .repeat = REPEAT);

	if (bpf_prog_test_run_opts(c->prog_fd, &o) || o.retval != 2 /* XDP_PASS */)
		return -1;
	return o.duration;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), rc_cmp_double);
	return n ? v[n / 2] : 0;
}

/* Samples for `secs`, or while `child` runs; returns the median. */
static double measure(struct clear_run *c, double secs, pid_t child, int *n_out, int *status)
{
	double t0 = st_now();
	int n = 0;

	while (n < MAX_SAMPLES) {
		if (child > 0 ? waitpid(child, status, WNOHANG) == child : st_now() - t0 >= secs)
			break;
		c->samples[n] = sample(c, n % N_PKTS);
		if (c->samples[n] < 0)
			return -1;
		n++;
	}
	if (child > 0 && n == MAX_SAMPLES)
		waitpid(child, status, 0);
	*n_out = n;
	return median(c->samples, n);
}

static pid_t start_clear(struct clear_run *c, int out_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		pin_cpu(1);
		dup2(out_fd, STDOUT_FILENO);
		execl(c->sfw, c->sfw, "clear", "security", "flow", "session", "destination-port",
		      "443", (char *)NULL);
		_exit(127);
	}
	return pid;
}

struct verdict {
	long kept, gone, wrong_gone, wrong_kept, changed;
};

/* Every flow of the set looked up: cleared ones gone, others there with
 * the id and at least the counters they were filled with. */
static void verify(struct clear_run *c, struct verdict *v)
{
	__u64 now = sf_now_ns();

	memset(v, 0, sizeof(*v));
	for (__u32 i = 0; i < c->sessions; i++) {
		struct sfw_session_key k;
		struct sfw_session want, got;
		bool there;

		sf_session(&c->env, i, now, &k, &want);
		there = !bpf_map_lookup_elem(c->env.sessions_fd, &k, &got);
		if (fs_is_filtered(i)) {
			v->gone += !there;
			v->wrong_kept += there;
			continue;
		}
		v->kept += there;
		v->wrong_gone += !there;
		if (there && (got.id != want.id || got.wing[0].packets < want.wing[0].packets ||
			      got.wing[1].bytes < want.wing[1].bytes))
			v->changed++;
	}
}

static int work(void *arg)
{
	struct clear_run *c = arg;
	struct st_run *r = c->r;
	double before, during, after, t0, clear_s;
	int n_before, n_during, n_after, status = -1, fd;
	struct sfw_iface_entry ifs[8];
	struct verdict v;
	char said[256] = "";
	long left;

	setenv("SFW_CONF_DIR", "/nonexistent", 1);   /* the built-in permit-all */
	/* twice the sessions: a full LRU table evicts before it is full */
	c->env.capacity = 2 * c->sessions;
	if (sf_load(&c->env) || sf_fill(&c->env, c->sessions, 0))
		return fprintf(stderr, "clear: cannot load or fill\n"), 1;
	if (sfw_list_ifaces(ifs, 8) <= 0 || build_pkts(c))
		return fprintf(stderr, "clear: no interface or packets\n"), 1;
	c->prog_fd = bpf_prog_get_fd_by_id(ifs[0].info.xdp_prog_id);
	if (c->prog_fd < 0)
		return perror("clear: the attached XDP program"), 1;
	pin_cpu(0);
	printf("clear: %u sessions, %u of them to port 443, cleared while established flows' "
	       "packets run back to back through the attached XDP program\n", c->sessions,
	       c->sessions / 10);
	before = measure(c, r->short_run ? 1 : 3, 0, &n_before, NULL);
	fd = memfd_create("clear-out", MFD_CLOEXEC);
	t0 = st_now();
	during = measure(c, 0, start_clear(c, fd), &n_during, &status);
	clear_s = st_now() - t0;
	after = measure(c, r->short_run ? 1 : 3, 0, &n_after, NULL);
	if (before < 0 || during < 0 || after < 0)
		return fprintf(stderr, "clear: a test run failed\n"), 1;
	rc_tail(fd, said, sizeof(said));
	said[strcspn(said, "\n")] = '\0';
	verify(c, &v);
	left = st_walk(c->env.sessions_fd, NULL, NULL);
	st_figure(r, "clear_exit", WIFEXITED(status) && !WEXITSTATUS(status), clear_s,
		  "sfw clear ... destination-port 443 took %.2f s and said: %s", clear_s, said);
	st_figure(r, "cleared", v.gone == c->sessions / 10 && !v.wrong_kept, (double)v.gone,
		  "port-443 sessions gone: %ld of %u (%ld left behind)", v.gone, c->sessions / 10,
		  v.wrong_kept);
	st_figure(r, "others_kept", v.kept == c->sessions - c->sessions / 10 && !v.wrong_gone &&
		  !v.changed, (double)v.kept,
		  "other sessions kept: %ld of %u, %ld removed, %ld with another id or lower "
		  "counters (%ld sessions in the table)", v.kept,
		  c->sessions - c->sessions / 10, v.wrong_gone, v.changed, left);
	st_figure(r, "ns_per_packet_during_clear", true, during,
		  "datapath cost during the clear: %.1f ns/packet (median of %d samples of %d "
		  "packets), against %.1f before and %.1f after with no clear (baseline, same run): "
		  "%+.0f%%", during, n_during, REPEAT, before, after,
		  100.0 * (during - (before + after) / 2) / ((before + after) / 2));
	if (r->json)
		fprintf(r->json, ",\n  \"ns_per_packet_before\": %.1f,\n  \"ns_per_packet_after\": "
			"%.1f", before, after);
	return st_close_json(r) || r->failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct st_run r;
	static struct clear_run c;
	char self[480];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int rc;

	if (n <= 0 || st_args(&r, argc, argv, "clear") || st_open_json(&r, "clear"))
		return 2;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(c.sfw, sizeof(c.sfw), "%s/../sfw", self);
	st_machine(&r);
	c.r = &r;
	c.sessions = r.short_run ? SHORT_SESSIONS : FULL_SESSIONS;
	rc = st_sandbox(work, &c);
	fclose(r.json);
	return rc;
}
