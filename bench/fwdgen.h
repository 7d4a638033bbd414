/* The generator side of the end-to-end benchmarks on bench/topo.h's
 * topology (bench/forwarding.c, bench/snat.c): frames pushed by
 * bench/trafficgen.bpf.c's tg_tx from a namespace's veth, one pinned
 * generator per CPU; what the sink counted; a namespace's IP counters;
 * XDP programs by hand; sfw's CLI in a namespace, with pins of its own.
 * The Makefile builds each bench/NAME.c on its own, so these are static
 * functions in a header. */
#ifndef SFW_BENCH_FWDGEN_H
#define SFW_BENCH_FWDGEN_H

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "topo.h"
#include "pktbuild.h"
#include "protocols.h"
#include "trafficgen.skel.h"
#include "pktsend.h"

#define FG_MAX_CPUS 2   /* generators at most: rates on 1 and on 2 CPUs */

/* The sink's counters (trafficgen.bpf.c's tg_count slots). */
#define FG_SINK_COUNTED 0
#define FG_SINK_WRONG_SOURCE 1   /* tg_want_src set and the source another */

static inline double fg_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline __u64 fg_sink_count(struct trafficgen *tg, __u32 slot)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 v[ncpu > 0 ? ncpu : 1], sum = 0;
	if (bpf_map_lookup_elem(bpf_map__fd(tg->maps.tg_count), &slot, v))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

/* One Ip: field of a namespace's /proc/net/snmp (2: InReceives,
 * 5: ForwDatagrams, 8: InDelivers). */
static inline __u64 fg_snmp_ip(const char *ns, int field)
{
	char line[1024], *tok, *save = NULL;
	__u64 v = 0;
	int seen = 0;
	FILE *f;

	if (topo_enter(ns) || !(f = fopen("/proc/net/snmp", "r")))
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Ip: ", 4) || line[4] < '0' || line[4] > '9' || seen++)
			continue;
		tok = strtok_r(line + 4, " ", &save);
		for (int i = 0; tok && i < field; i++)
			tok = strtok_r(NULL, " ", &save);
		v = tok ? strtoull(tok, NULL, 10) : 0;
	}
	fclose(f);
	return v;
}

struct fg_gen {
	int prog_fd, cpu, err;
	double cpu_s;          /* the thread's CPU time in its run */
	struct bpf_test_run_opts *o;
	pthread_barrier_t *go;
	bool slow;             /* live frames refused: fg_gen_make, fg_gen_send */
	__u32 ifindex;
	unsigned char *frames; /* slow: the run's frames, made before it */
};

/* The CPU time of the last fg_push on the generators' CPUs: veth runs the
 * receiving NAPI in the sending thread's softirq, so it holds the firewall's
 * XDP program or the stack's forwarding of every frame, and the sink's;
 * what the softirq leaves to ksoftirqd (it hands over after 2 ms or 10
 * rounds) is that CPU's ksoftirqd's. The generators' threads' CPU time
 * plus their CPUs' ksoftirqd's, which the load around the run does not
 * stretch as it does the wall time (bench/snat.c's figures by CPU time). */
static double fg_push_cpu_s;

static inline double fg_thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ksoftirqd/cpu's run time so far in seconds (/proc/PID/schedstat), 0
 * when not found; the pid is looked up once (-1: not found), among the
 * kernel threads made at boot. */
static inline double fg_ksoftirqd_s(int cpu)
{
	static int pids[FG_MAX_CPUS];
	char path[64], want[32], comm[32];
	unsigned long long ns = 0;
	FILE *f;

	if (cpu < 0 || cpu >= FG_MAX_CPUS)
		return 0;
	snprintf(want, sizeof(want), "ksoftirqd/%d\n", cpu);
	for (int pid = 2; !pids[cpu] && pid < 4096; pid++) {
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, want))
			pids[cpu] = pid;
		fclose(f);
	}
	if (!pids[cpu])
		pids[cpu] = -1;
	snprintf(path, sizeof(path), "/proc/%d/schedstat", pids[cpu]);
	f = pids[cpu] > 0 ? fopen(path, "r") : NULL;
	if (f) {
		if (fscanf(f, "%llu", &ns) != 1)
			ns = 0;
		fclose(f);
	}
	return ns / 1e9;
}

/* Where live frames are refused (pktsend.h): the generator's frames of
 * the run made before it starts, by the same program run one frame at a
 * time on the same CPU (its frame counters are per CPU), so that the
 * timed part holds only their sending (fg_gen_send); errno or 0. */
static inline int fg_gen_make(struct fg_gen *g)
{
	__u32 n = g->o->repeat, len = g->o->data_size_in;
	LIBBPF_OPTS(bpf_test_run_opts, one, .data_in = g->o->data_in, .data_size_in = len,
		    .ctx_in = g->o->ctx_in, .ctx_size_in = g->o->ctx_size_in, .repeat = 1);

	g->frames = malloc((size_t)n * len);
	if (!g->frames)
		return ENOMEM;
	for (__u32 i = 0; i < n; i++) {
		one.data_out = g->frames + (size_t)i * len;
		one.data_size_out = len;
		if (bpf_prog_test_run_opts(g->prog_fd, &one))
			return errno;
		if (one.retval != XDP_TX || one.data_size_out != len)
			return EPROTO;
	}
	return 0;
}

/* The frames fg_gen_make made, out of the run's ingress interface, as
 * XDP_TX sends a live frame; errno or 0. */
static inline int fg_gen_send(struct fg_gen *g)
{
	struct sockaddr_ll to;
	int fd = ps_socket(g->ifindex, &to), err;

	if (fd < 0)
		return -fd;
	err = ps_send(fd, &to, g->frames, g->o->data_size_in, g->o->repeat);
	close(fd);
	return -err;
}

/* One generator: pinned to its CPU (veth runs the receiving NAPI there
 * too), then its share of the run. Threads start in the namespace of the
 * thread that made them: the ingress ifindex is resolved there. */
static inline void *fg_gen_run(void *arg)
{
	struct fg_gen *g = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(g->cpu, &set);
	g->err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (!g->err && g->slow)
		g->err = fg_gen_make(g);
	pthread_barrier_wait(g->go);
	g->cpu_s = fg_thread_cpu_s();
	if (!g->err && g->slow)
		g->err = fg_gen_send(g);
	else if (!g->err && bpf_prog_test_run_opts(g->prog_fd, g->o))
		g->err = errno;
	g->cpu_s = fg_thread_cpu_s() - g->cpu_s;
	free(g->frames);
	g->frames = NULL;
	return NULL;
}

/* n frames from namespace `ns` out of `ifname`, src/dst MACs as given,
 * split between `cpus` generators on CPUs 0..cpus-1; *secs: the wall time
 * from their start to the last one's end. */
static inline int fg_push(struct trafficgen *tg, const char *ns, const char *ifname, const char *smac,
		const char *dmac, __u32 n, int cpus, double *secs)
{
	struct pb_spec s = { .src = "198.51.100.2", .dst = "203.0.113.2",
			     .proto = SFW_IPPROTO_UDP, .sport = 10000, .dport = 9, .payload = 18 };
	struct pb_pkt pkt;
	__u32 ifindex = topo_ifindex(ns, ifname);

	if (!ifindex || pb_build(&s, &pkt))
		return -EINVAL;
	sscanf(dmac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &pkt.data[0], &pkt.data[1], &pkt.data[2],
	       &pkt.data[3], &pkt.data[4], &pkt.data[5]);
	sscanf(smac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &pkt.data[6], &pkt.data[7], &pkt.data[8],
	       &pkt.data[9], &pkt.data[10], &pkt.data[11]);
	memcpy(tg->bss->tg_hdr, pkt.data, sizeof(tg->bss->tg_hdr));
	memset(tg->bss->tg_seq, 0, sizeof(tg->bss->tg_seq));
	tg->bss->tg_split = cpus;
	struct xdp_md ctx = { .data_end = pkt.len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt.data, .data_size_in = pkt.len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = n / cpus,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	struct fg_gen g[FG_MAX_CPUS];
	pthread_t t[FG_MAX_CPUS];
	pthread_barrier_t go;
	double t0;
	int err = 0, started = 0;
	bool slow = ps_live_refused();

	pthread_barrier_init(&go, NULL, cpus + 1);
	for (int i = 0; i < cpus; i++) {
		g[i] = (struct fg_gen){ .prog_fd = bpf_program__fd(tg->progs.tg_tx), .cpu = i,
				     .o = &o, .go = &go, .slow = slow, .ifindex = ifindex };
		if (pthread_create(&t[i], NULL, fg_gen_run, &g[i]))
			break;
		started++;
	}
	if (started < cpus) {
		/* the barrier never opens: nothing started may be left waiting */
		fprintf(stderr, "bench: cannot start generator %d\n", started);
		exit(1);
	}
	fg_push_cpu_s = 0;
	for (int i = 0; i < cpus; i++)
		fg_push_cpu_s -= fg_ksoftirqd_s(i);
	pthread_barrier_wait(&go);
	t0 = fg_now_s();
	for (int i = 0; i < cpus; i++) {
		pthread_join(t[i], NULL);
		fg_push_cpu_s += g[i].cpu_s;
		if (g[i].err && !err)
			err = -g[i].err;
	}
	*secs = fg_now_s() - t0;
	for (int i = 0; i < cpus; i++)
		fg_push_cpu_s += fg_ksoftirqd_s(i);
	pthread_barrier_destroy(&go);
	tg->bss->tg_base += (__u64)(n / cpus) * cpus;
	return err;
}

/* How fg_push sends, in every benchmark's JSON: a packet socket's frames
 * reach the firewall's XDP as socket buffers, which veth copies into a
 * page of their own first, so its rates are not live frames' */
static inline const char *fg_generator(void)
{
	return ps_live_refused() ? "packet socket" : "live frames";
}

/* The 1-minute load average, printed next to every figure: the machine is
 * shared, and a rate means little without it. */
static inline double fg_load1(void)
{
	double l = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

/* An XDP program on ns/ifname in driver mode; prog_fd < 0 takes it off. */
static inline int fg_xdp_prog(const char *ns, const char *ifname, int prog_fd)
{
	__u32 ifindex = topo_ifindex(ns, ifname);

	if (!ifindex)
		return -ENODEV;
	if (prog_fd < 0)
		return bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	return bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
}

/* sfw through its CLI, as a user runs it; each namespace its own pins. */
static inline void fg_sfw_cmd(const char *sfw, const char *ns, const char *args, char *cmd,
			      size_t len)
{
	snprintf(cmd, len, "SFW_PIN_ROOT=/sys/fs/bpf/sfw-%s SFW_CONF_DIR=/tmp/sfwb-conf-%d "
		 "nsenter --net=/run/netns/%s %s %s", ns, (int)getpid(), ns, sfw, args);
}

/* The sfw binary next to this benchmark's directory: build/bench/X ->
 * build/sfw. */
static inline int fg_sfw_path(char *out, size_t len)
{
	char exe[480];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(out, len, "%s/../sfw", exe);
	return 0;
}

#endif
