/* End to end through client — firewall — server veth namespaces (issue 7,
 * item 3; issue 15, items 1 and 6): a generator
 * (bench/trafficgen.bpf.c, BPF_F_TEST_XDP_LIVE_FRAMES, XDP_TX out of the
 * client's veth) pushes UDP frames; a counting XDP sink on the server's
 * veth says how many arrived. Cases, in one run on one topology:
 *  - established flows (64, each answered once by the server, so
 *    conntrack has them ESTABLISHED) forwarded by (a) sfw in XDP,
 *    (b) Linux with nftables `ct state established,related accept` plus a
 *    new-session rule, (c) Linux with no firewall, (d) a bare XDP
 *    forwarder with no state (bench/bare_fwd.bpf.c: the limit); and the
 *    generator's own ceiling (the sink on the firewall's ingress instead);
 *  - every frame a new tuple: new sessions per second through sfw and
 *    through nftables + nf_conntrack;
 *  - host endpoint: frames from the firewall's veth to the server's stack
 *    (counted by Ip InDelivers there) with nothing, nftables conntrack in
 *    the server's namespace, or sfw on the server's interface.
 * Everything runs on the CPU that runs the generator (veth NAPI is
 * scheduled where the frame is sent), so a rate is 1 / (generator +
 * firewall + receiver); the ceiling case gives the generator's and the
 * receiver's share, which the "firewall ns/packet" column takes out.
 * Scaling: each forwarding and new-session rate is measured with one
 * generator pinned to CPU 0, then with one per CPU (veths with a queue
 * per CPU: veth picks the receive queue, and so the NAPI, by the sending
 * CPU, which is RSS as far as a veth goes). Established flows are split
 * between the generators as RSS would spread them.
 * Writes a table to stdout and JSON to argv[1]. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "sandbox.h"
#include "runcmd.h"
#include "fwdgen.h"
#include "bare_fwd.skel.h"

#define FLOWS 64
#define EST_FRAMES 1000000
#define NEW_FRAMES 250000
#define ROUNDS 3
#define CT_ENTRIES 1000000   /* NEW_FRAMES x ROUNDS, with room: emptied between rates */
#define MAX_CPUS FG_MAX_CPUS /* rates on 1 and on 2 CPUs */
/* issue 15's targets, judged by scripts/bench_targets.py from the JSON */

enum counter { SINK, SRV_DELIVERED };

struct bench {
	struct trafficgen *tg;
	struct bare_fwd *bare;
	char sfw[512];
	FILE *json;
	const char *sep;
	double ceiling_ns[MAX_CPUS];   /* CPU ns/packet of the ceiling case */
	int ncpu;              /* CPUs to scale to: min(online, MAX_CPUS) */
	const char *fw_reset;  /* empties the firewall's table before new-tuple rates */
	int cpus;              /* this phase's generators: 1, then b->ncpu */
	int stalls;            /* rates lost to a stalled veth queue */
};

static __u64 count(struct bench *b, enum counter c)
{
	return c == SINK ? fg_sink_count(b->tg, FG_SINK_COUNTED) : fg_snmp_ip(TOPO_SRV, 8);
}

struct where {
	const char *ns, *ifname, *smac, *dmac;
	enum counter counter;
};

static const struct where from_client = { TOPO_CLI, "veth0", TOPO_MAC_CLI, TOPO_MAC_FW0, SINK };
static const struct where to_server = { TOPO_FW, "veth1", TOPO_MAC_FW1, TOPO_MAC_SRV,
					SRV_DELIVERED };

#define STALLED (-2.0)

/* Delivered frames per second on `cpus` CPUs: median of ROUNDS runs of
 * n frames. The count is read a moment after the run, once queued frames
 * are through. New tuples: the firewall's table emptied first, so that
 * every rate starts from the same table. STALLED when next to nothing
 * arrived: seen on this kernel after Linux forwarded on two CPUs through
 * the veths, the stack forwarding every frame and the server's veth
 * counting them received while its XDP program saw none, for the rest of
 * the run. That is no rate of anything: the figure is left out (and the
 * JSON counts such rates), the 1-CPU figures are all measured before. */
static double rate_n(struct bench *b, const struct where *w, __u32 n, bool unique, int cpus,
		     int rounds)
{
	double r[ROUNDS];

	if (unique && b->fw_reset && topo_sh("%s", b->fw_reset))
		return -1;
	b->tg->bss->tg_unique = unique;
	b->tg->bss->tg_flows = FLOWS;
	for (int i = 0; i < rounds && i < ROUNDS; i++) {
		__u64 c0 = count(b, w->counter), got;

		if (fg_push(b->tg, w->ns, w->ifname, w->smac, w->dmac, n, cpus, &r[i]))
			return -1;
		usleep(100000);
		got = count(b, w->counter) - c0;
		if (w->counter == SINK && got * 100 < n) {
			fprintf(stderr, "forwarding: %u frames sent on %d CPUs, %llu delivered: a "
				"veth queue stalled; figure left out\n", n, cpus,
				(unsigned long long)got);
			b->stalls++;
			return STALLED;
		}
		r[i] = got / r[i];
	}
	return rc_median(r, rounds < ROUNDS ? rounds : ROUNDS);
}

static double rate(struct bench *b, const struct where *w, __u32 n, bool unique, int cpus)
{
	return rate_n(b, w, n, unique, cpus, ROUNDS);
}

/* One frame per established flow, then one answer to each from a socket
 * on the server: conntrack marks them ESTABLISHED, sfw sees both wings. */
static int prime(struct bench *b, const struct where *w)
{
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_in cli = { .sin_family = AF_INET };
	int fd, err = 0;

	double secs;

	b->tg->bss->tg_unique = 0;
	b->tg->bss->tg_flows = FLOWS;
	if (fg_push(b->tg, w->ns, w->ifname, w->smac, w->dmac, FLOWS, 1, &secs) || topo_enter(TOPO_SRV))
		return -1;
	usleep(100000);
	inet_pton(AF_INET, "203.0.113.2", &srv.sin_addr);
	inet_pton(AF_INET, "198.51.100.2", &cli.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&srv, sizeof(srv)))
		err = -1;
	for (int i = 0; i < FLOWS && !err; i++) {
		cli.sin_port = htons(10000 + i);
		if (sendto(fd, "answer", 6, 0, (struct sockaddr *)&cli, sizeof(cli)) != 6)
			err = -1;
	}
	if (fd >= 0)
		close(fd);
	usleep(100000);
	return err;
}

/* A row of the table and the JSON: pps delivered on `cpus` CPUs, and for
 * forwarding the firewall's own CPU time per packet (cpus x 1e9 / pps, the
 * generator's and receiver's share from the ceiling case on as many CPUs
 * taken out). */
static void report(struct bench *b, const char *group, const char *name, int cpus, double pps,
		   __u64 stack_fwd)
{
	double ceil_ns = b->ceiling_ns[cpus - 1];
	double fw_ns = ceil_ns > 0 ? cpus * 1e9 / pps - ceil_ns : 0;
	double load = fg_load1();

	if (pps == STALLED) {
		printf("%-8s %-34s %4d %12s\n", group, name, cpus, "stalled");
		fprintf(b->json, "%s\n    {\"group\": \"%s\", \"case\": \"%s\", \"cpus\": %d, "
			"\"pps\": null, \"stalled\": true, \"load1\": %.2f}", b->sep, group, name,
			cpus, load);
		b->sep = ",";
		return;
	}
	printf("%-8s %-34s %4d %12.0f %10.1f %10llu %6.2f\n", group, name, cpus, pps, fw_ns,
	       (unsigned long long)stack_fwd, load);
	fprintf(b->json, "%s\n    {\"group\": \"%s\", \"case\": \"%s\", \"cpus\": %d, \"pps\": %.0f, "
		"\"firewall_ns\": %.1f, \"stack_forwarded\": %llu, \"load1\": %.2f}", b->sep, group,
		name, cpus, pps, fw_ns, (unsigned long long)stack_fwd, load);
	b->sep = ",";
	fflush(stdout);
}

/* With SFW_BENCH_PERF=DIR, `perf record` samples CPU 0 (the 1-CPU
 * generator's, so the whole path of every frame) by the clock while a
 * case's 1-CPU rate runs, into DIR/<case>.data: where the time goes
 * (docs/performance.md). The clock, as this VM has no cycle counter. */
static pid_t perf_start(const char *name)
{
	const char *dir = getenv("SFW_BENCH_PERF");
	char out[512], tag[64];
	pid_t pid;
	size_t n = 0;

	if (!dir || !*dir)
		return 0;
	for (const char *c = name; *c && n + 1 < sizeof(tag); c++)
		tag[n++] = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ? *c : '_';
	tag[n] = '\0';
	snprintf(out, sizeof(out), "%s/%s.data", dir, tag);
	pid = fork();
	if (pid == 0) {
		execlp("perf", "perf", "record", "-q", "-e", "cpu-clock", "-C", "0", "-g", "-o", out,
		       (char *)NULL);
		_exit(127);
	}
	usleep(500000);   /* perf is sampling before the first frame */
	return pid > 0 ? pid : 0;
}

static void perf_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGINT);
	waitpid(pid, NULL, 0);
}

/* Established (and optionally new-tuple) rates from the client on 1 to
 * b->ncpu CPUs, with the firewall namespace's ForwDatagrams delta: ~0
 * when XDP forwarded. */
static int forward_case(struct bench *b, const char *name, double *est, double *fresh)
{
	int c = b->cpus;
	pid_t perf;
	__u64 f0;

	if (prime(b, &from_client))
		return -1;
	perf = c == 1 ? perf_start(name) : 0;
	f0 = fg_snmp_ip(TOPO_FW, 5);
	est[c - 1] = rate(b, &from_client, EST_FRAMES, false, c);
	perf_stop(perf);
	if (est[c - 1] == -1)
		return -1;
	report(b, "forward", name, c, est[c - 1], fg_snmp_ip(TOPO_FW, 5) - f0);
	if (!fresh)
		return 0;
	f0 = fg_snmp_ip(TOPO_FW, 5);
	fresh[c - 1] = rate(b, &from_client, NEW_FRAMES, true, c);
	if (fresh[c - 1] == -1)
		return -1;
	report(b, "new", name, c, fresh[c - 1], fg_snmp_ip(TOPO_FW, 5) - f0);
	return 0;
}

static int host_case(struct bench *b, const char *name, double *pps)
{
	if (prime(b, &to_server))
		return -1;
	*pps = rate(b, &to_server, EST_FRAMES, false, 1);
	if (*pps < 0)
		return -1;
	report(b, "host", name, 1, *pps, 0);
	return 0;
}

static int xdp_sink(struct bench *b, const char *ns, const char *ifname, bool on)
{
	return fg_xdp_prog(ns, ifname, on ? bpf_program__fd(b->tg->progs.tg_sink) : -1);
}

/* The conntrack firewall: established and related accepted, new
 * sessions accepted from veth0 (the client's side; the server's own
 * interface in the host case), everything else dropped. */
static int nft(const char *ns, const char *hook)
{
	char path[64];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "/tmp/sfwb-nft-%d", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "table inet sfwbench {\n chain c {\n  type filter hook %s priority 0; "
		"policy drop;\n  ct state established,related accept\n"
		"  ct state new iifname \"veth0\" accept\n }\n}\n", hook);
	fclose(f);
	rc = topo_sh("nsenter --net=/run/netns/%s nft -f %s", ns, path);
	unlink(path);
	return rc;
}

static int nft_off(const char *ns)
{
	return topo_sh("nsenter --net=/run/netns/%s nft delete table inet sfwbench", ns);
}

static int sfw(struct bench *b, const char *ns, const char *args)
{
	char cmd[1024];

	fg_sfw_cmd(b->sfw, ns, args, cmd, sizeof(cmd));
	return topo_sh("%s", cmd);
}

struct figures {
	double ceiling[MAX_CPUS], none[MAX_CPUS], bare[MAX_CPUS], sfw[MAX_CPUS], nft[MAX_CPUS];
	double sfw_new[MAX_CPUS], nft_new[MAX_CPUS];
	double host_none, host_nft, host_sfw;
};

static int ceiling_case(struct bench *b, struct figures *x)
{
	int err = xdp_sink(b, TOPO_FW, "veth0", true);

	/* the generator's ceiling: the sink right at the firewall's ingress */
	if (!err) {
		int c = b->cpus;

		x->ceiling[c - 1] = rate(b, &from_client, EST_FRAMES, false, c);
		if (x->ceiling[c - 1] <= 0)
			return -1;
		b->ceiling_ns[c - 1] = c * 1e9 / x->ceiling[c - 1];
		report(b, "forward", "generator ceiling (sink at fw)", c, x->ceiling[c - 1], 0);
	}
	return err ? err : xdp_sink(b, TOPO_FW, "veth0", false);
}

/* The XDP link sfw made on ns/ifname, through its pin (loader/attach.c:
 * <pin root>/links/xdp_<ifindex>, in this sandbox's own bpffs; an ifindex
 * alone would also match interfaces of other namespaces), and the program
 * it runs; -1 when there is none. */
static int sfw_link(const char *ns, const char *ifname, int *prog_fd)
{
	struct bpf_link_info info = {};
	__u32 ifindex = topo_ifindex(ns, ifname), len = sizeof(info);
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/sys/fs/bpf/sfw-%s/links/xdp_%u", ns, ifindex);
	fd = bpf_obj_get(path);
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len) &&
	    info.type == BPF_LINK_TYPE_XDP && info.xdp.ifindex == ifindex) {
		*prog_fd = bpf_prog_get_fd_by_id(info.prog_id);
		if (*prog_fd >= 0)
			return fd;
	}
	if (fd >= 0)
		close(fd);
	fprintf(stderr, "forwarding: no XDP link of sfw at %s\n", path);
	return -1;
}

/* One round of established frames, the ForwDatagrams delta added up. */
static double one_round(struct bench *b, __u64 *fwd)
{
	__u64 f0 = fg_snmp_ip(TOPO_FW, 5);
	double r = rate_n(b, &from_client, EST_FRAMES, false, b->cpus, 1);

	*fwd += fg_snmp_ip(TOPO_FW, 5) - f0;
	return r;
}

/* sfw and the bare forwarder in alternate rounds on the same established
 * flows, so that their ratio (the target is on it) does not hang on the
 * load of the moment: sfw stays attached, and its XDP link on veth0 runs
 * the bare forwarder and sfw's program by turns. Then, with
 * SFW_BENCH_PERF, one more round of each under perf. */
static int sfw_vs_bare(struct bench *b, struct figures *x)
{
	int c = b->cpus, sfw_fd = -1, bare_fd = bpf_program__fd(b->bare->progs.bare_fwd);
	int link = sfw_link(TOPO_FW, "veth0", &sfw_fd), err = link < 0 ? -1 : 0;
	double rs[ROUNDS], rb[ROUNDS];
	__u64 fs = 0, fb = 0;
	pid_t perf;

	if (!err)
		err = prime(b, &from_client);
	for (int i = 0; i < ROUNDS && !err; i++) {
		err = bpf_link_update(link, bare_fd, NULL) ? -errno : 0;
		rb[i] = err ? -1 : one_round(b, &fb);
		err = err ? err : bpf_link_update(link, sfw_fd, NULL) ? -errno : 0;
		rs[i] = err ? -1 : one_round(b, &fs);
		if (rb[i] == -1 || rs[i] == -1)
			err = -1;
		if (rb[i] == STALLED || rs[i] == STALLED)
			rb[i] = rs[i] = STALLED;
	}
	if (!err && c == 1 && getenv("SFW_BENCH_PERF")) {
		err = bpf_link_update(link, bare_fd, NULL) ? -errno : 0;
		perf = perf_start("bare XDP forwarder");
		if (!err)
			one_round(b, &fb);
		perf_stop(perf);
		err = err ? err : bpf_link_update(link, sfw_fd, NULL) ? -errno : 0;
		perf = perf_start("sfw");
		if (!err)
			one_round(b, &fs);
		perf_stop(perf);
	}
	if (!err) {
		x->bare[c - 1] = rc_median(rb, ROUNDS);
		x->sfw[c - 1] = rc_median(rs, ROUNDS);
		report(b, "forward", "bare XDP forwarder (no state)", c, x->bare[c - 1], fb);
		report(b, "forward", "sfw, XDP forwarding", c, x->sfw[c - 1], fs);
	}
	if (link >= 0)
		close(link);
	if (sfw_fd >= 0)
		close(sfw_fd);
	return err;
}

/* New tuples through sfw, its table emptied before each rate. */
static int sfw_new(struct bench *b, struct figures *x)
{
	static char sfw_clear[1024];
	int c = b->cpus;
	__u64 f0 = fg_snmp_ip(TOPO_FW, 5);

	fg_sfw_cmd(b->sfw, TOPO_FW, "clear security flow session all", sfw_clear, sizeof(sfw_clear));
	b->fw_reset = sfw_clear;
	x->sfw_new[c - 1] = rate(b, &from_client, NEW_FRAMES, true, c);
	b->fw_reset = NULL;
	if (x->sfw_new[c - 1] == -1)
		return -1;
	report(b, "new", "sfw, XDP forwarding", c, x->sfw_new[c - 1], fg_snmp_ip(TOPO_FW, 5) - f0);
	return 0;
}

/* The Linux cases first: on this kernel a veth queue stalled (rate())
 * more often once XDP programs had come and gone on the firewall. */
static int forward_cases(struct bench *b, struct figures *x)
{
	int err = ceiling_case(b, x);

	if (!err)
		err = forward_case(b, "Linux, no firewall", x->none, NULL);
	if (!err)
		err = nft(TOPO_FW, "forward");
	b->fw_reset = "nsenter --net=/run/netns/" TOPO_FW " conntrack -F";
	if (!err)
		err = forward_case(b, "Linux + nftables conntrack", x->nft, x->nft_new);
	b->fw_reset = NULL;
	if (!err)
		err = nft_off(TOPO_FW);
	if (!err)
		err = sfw(b, TOPO_FW, "attach veth0 veth1 forward");
	if (!err)
		err = sfw_vs_bare(b, x);
	if (!err)
		err = sfw_new(b, x);
	if (!err)
		err = sfw(b, TOPO_FW, "detach all");
	return err;
}

static int host_cases(struct bench *b, struct figures *x)
{
	int err = xdp_sink(b, TOPO_SRV, "veth0", false);

	b->ceiling_ns[0] = 0;
	if (!err)
		err = host_case(b, "server stack, no firewall", &x->host_none);
	if (!err)
		err = nft(TOPO_SRV, "input");
	if (!err)
		err = host_case(b, "server stack + nftables conntrack", &x->host_nft);
	if (!err)
		err = nft_off(TOPO_SRV);
	if (!err)
		err = sfw(b, TOPO_SRV, "attach veth0");
	if (!err)
		err = host_case(b, "sfw on server's veth0, to stack", &x->host_sfw);
	if (!err)
		err = sfw(b, TOPO_SRV, "detach all");
	return err;
}

/* 2-CPU rate / 1-CPU rate, or NAN with one CPU or a stalled rate. */
static double scale(const struct bench *b, const double *r)
{
	return b->ncpu > 1 && r[1] > 0 && r[0] > 0 ? r[1] / r[0] : NAN;
}

static void json_num(FILE *f, const char *key, double v, const char *sep)
{
	if (isfinite(v))
		fprintf(f, "\"%s\": %.3f%s", key, v, sep);
	else
		fprintf(f, "\"%s\": null%s", key, sep);
}

static const char *const scale_names[] = { "ceiling", "none", "bare", "sfw", "nft",
					   "sfw_new", "nft_new" };
#define N_SCALE (sizeof(scale_names) / sizeof(scale_names[0]))

static void scaling(struct bench *b, const struct figures *x, bool json)
{
	const double *rates[N_SCALE] = { x->ceiling, x->none, x->bare, x->sfw, x->nft,
					 x->sfw_new, x->nft_new };

	if (!json)
		printf("2 CPUs / 1 CPU (target >= 1.8x for sfw, forwarding and new):");
	else
		fprintf(b->json, "\"scale_2cpu_over_1cpu\": {");
	for (size_t i = 0; i < N_SCALE; i++) {
		if (!json)
			printf(" %s %.2fx", scale_names[i], scale(b, rates[i]));
		else
			json_num(b->json, scale_names[i], scale(b, rates[i]),
				 i + 1 < N_SCALE ? ", " : "}");
	}
	if (!json)
		printf("\n");
}

/* A stalled (or missing) rate enters no ratio. */
static void drop_stalled(struct figures *x)
{
	double *v = (double *)x;

	for (size_t i = 0; i < sizeof(*x) / sizeof(double); i++)
		if (!(v[i] > 0))
			v[i] = NAN;
}

/* The headline ratios, all of this run; the targets are issue 15's. */
static void ratios(struct bench *b, const struct figures *in)
{
	struct figures fig = *in, *x = &fig;

	double own_sfw, own_nft, own_ratio, fw_sfw, fw_nft;

	drop_stalled(x);
	own_sfw = 1e9 / x->sfw[0] - 1e9 / x->bare[0];
	own_nft = 1e9 / x->nft[0] - 1e9 / x->none[0];
	own_ratio = own_sfw > 0 ? own_nft / own_sfw : NAN;
	fw_sfw = 1e9 / x->sfw[0] - 1e9 / x->ceiling[0];
	fw_nft = 1e9 / x->nft[0] - 1e9 / x->ceiling[0];

	printf("\nforwarding, sfw / bare XDP forwarder: %.0f / %.0f pps: %.2fx (target >= 0.85x)\n",
	       x->sfw[0], x->bare[0], x->sfw[0] / x->bare[0]);
	printf("firewall's own time per packet: sfw - bare %.1f ns, nftables conntrack - Linux "
	       "forwarding %.1f ns: %.2fx (target >= 5x)%s\n", own_sfw, own_nft, own_ratio,
	       own_sfw > 0 ? "" : " (sfw within the noise of the bare forwarder)");
	printf("forwarding, sfw / nftables conntrack: %.2fx delivered; time past the generator "
	       "%.1f vs %.1f ns/packet: %.2fx\n", x->sfw[0] / x->nft[0], fw_sfw, fw_nft,
	       fw_nft / fw_sfw);
	printf("forwarding, sfw / Linux without firewall: %.2fx; bare / Linux: %.2fx\n",
	       x->sfw[0] / x->none[0], x->bare[0] / x->none[0]);
	printf("new sessions, sfw / nf_conntrack: %.0f vs %.0f per second: %.2fx (target >= 3x)\n",
	       x->sfw_new[0], x->nft_new[0], x->sfw_new[0] / x->nft_new[0]);
	printf("host endpoint, sfw / nftables conntrack: %.2fx; sfw / no firewall: %.2fx\n",
	       x->host_sfw / x->host_nft, x->host_sfw / x->host_none);
	scaling(b, x, false);
	fprintf(b->json, "\n  ], \"ratios\": {");
	json_num(b->json, "forward_sfw_over_bare", x->sfw[0] / x->bare[0], ", ");
	json_num(b->json, "own_time_sfw_ns", own_sfw, ", ");
	json_num(b->json, "own_time_nft_ns", own_nft, ", ");
	json_num(b->json, "own_time_nft_over_sfw", own_ratio, ", ");
	json_num(b->json, "forward_sfw_over_nft", x->sfw[0] / x->nft[0], ", ");
	json_num(b->json, "forward_fw_time_nft_over_sfw", fw_nft / fw_sfw, ", ");
	json_num(b->json, "forward_sfw_over_none", x->sfw[0] / x->none[0], ", ");
	json_num(b->json, "new_sfw_over_conntrack", x->sfw_new[0] / x->nft_new[0], ", ");
	json_num(b->json, "host_sfw_over_nft", x->host_sfw / x->host_nft, ", ");
	json_num(b->json, "host_sfw_over_none", x->host_sfw / x->host_none, ", ");
	scaling(b, x, true);
	fprintf(b->json, "}, \"stalled_rates\": %d", b->stalls);
}

/* A program's run time and runs so far (kernel.bpf_stats_enabled=1;
 * zeros without it). */
static void prog_stats(int fd, __u64 *ns, __u64 *cnt)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	*ns = *cnt = 0;
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len)) {
		*ns = info.run_time_ns;
		*cnt = info.run_cnt;
	}
}

/* The end of a run of one pair only: sfw's link closed and detached, the
 * JSON closed without ratios, the skeletons gone; main's exit code. */
static int only_end(struct bench *b, int link, int sfw_fd, int err)
{
	if (link >= 0)
		close(link);
	if (sfw_fd >= 0)
		close(sfw_fd);
	if (!err)
		err = sfw(b, TOPO_FW, "detach all");
	fprintf(b->json, "\n  ]\n}\n");
	fflush(b->json);
	bare_fwd__destroy(b->bare);
	trafficgen__destroy(b->tg);
	return err ? 1 : 0;
}

/* SFW_BENCH_SFW_VS_BARE=N: only item 1's pair, sfw and the bare forwarder
 * by turns on 1 CPU, N times over (old and new builds compared in the same
 * minutes: docs/performance.md); no JSON ratios. */
static int sfw_vs_bare_only(struct bench *b, struct figures *x)
{
	int n = atoi(getenv("SFW_BENCH_SFW_VS_BARE")), err = sfw(b, TOPO_FW, "attach veth0 veth1 forward");
	int sfw_fd = -1, link = err ? -1 : sfw_link(TOPO_FW, "veth0", &sfw_fd);
	int bare_fd = bpf_program__fd(b->bare->progs.bare_fwd);

	for (int i = 0; i < (n > 0 ? n : 1) && !err; i++) {
		__u64 s0, sc0, b0, bc0, s1, sc1, b1, bc1;

		prog_stats(sfw_fd, &s0, &sc0);
		prog_stats(bare_fd, &b0, &bc0);
		err = sfw_vs_bare(b, x);
		prog_stats(sfw_fd, &s1, &sc1);
		prog_stats(bare_fd, &b1, &bc1);
		if (!err)
			printf("sfw / bare: %.0f / %.0f pps: %.3fx; sfw - bare %.1f ns/packet; "
			       "program run time (bpf_stats) sfw %.1f, bare %.1f ns/run\n",
			       x->sfw[0], x->bare[0], x->sfw[0] / x->bare[0],
			       1e9 / x->sfw[0] - 1e9 / x->bare[0],
			       sc1 > sc0 ? (double)(s1 - s0) / (sc1 - sc0) : 0.0,
			       bc1 > bc0 ? (double)(b1 - b0) / (bc1 - bc0) : 0.0);
	}
	return only_end(b, link, sfw_fd, err);
}

/* SFW_BENCH_SFW_NEW=N: only sfw's new-session rate on 1 CPU, N times
 * over, with its XDP program's own time per run (bpf_stats): an old and a
 * new build compared by turns in the same minutes (docs/performance.md);
 * no JSON ratios. */
static int sfw_new_only(struct bench *b, struct figures *x)
{
	int n = atoi(getenv("SFW_BENCH_SFW_NEW")), err = sfw(b, TOPO_FW, "attach veth0 veth1 forward");
	int sfw_fd = -1, link = err ? -1 : sfw_link(TOPO_FW, "veth0", &sfw_fd);

	for (int i = 0; i < (n > 0 ? n : 1) && !err; i++) {
		__u64 s0, c0, s1, c1;

		prog_stats(sfw_fd, &s0, &c0);
		err = sfw_new(b, x);
		prog_stats(sfw_fd, &s1, &c1);
		if (!err)
			printf("sfw new sessions: %.0f per second; XDP program (bpf_stats) %.1f ns/run\n",
			       x->sfw_new[0], c1 > c0 ? (double)(s1 - s0) / (c1 - c0) : 0.0);
	}
	return only_end(b, link, sfw_fd, err);
}

static int work(void *arg)
{
	struct bench *b = arg;
	struct figures x = {};
	int err;

	b->tg = trafficgen__open_and_load();
	b->bare = bare_fwd__open_and_load();
	if (!b->tg || !b->bare || topo_up(1))
		return 1;
	printf("packets/s delivered, UDP 60-byte frames, %d established flows; new: every frame a "
	       "new tuple (median of %d runs); one generator per CPU, pinned; load: 1-minute "
	       "load average after the row\n", FLOWS, ROUNDS);
	printf("%-8s %-34s %4s %12s %10s %10s %6s\n", "group", "case", "cpus", "pps", "fw ns/pkt",
	       "stack fwd", "load");
	/* every 1-CPU figure first, on single-queue veths as before issue 15:
	 * a stalled veth queue (rate()) stays stalled for the rest of a
	 * topology's life */
	b->cpus = 1;
	err = xdp_sink(b, TOPO_SRV, "veth0", true);
	if (!err && getenv("SFW_BENCH_SFW_VS_BARE"))
		return sfw_vs_bare_only(b, &x);
	if (!err && getenv("SFW_BENCH_SFW_NEW"))
		return sfw_new_only(b, &x);
	if (!err)
		err = forward_cases(b, &x);
	if (!err)
		err = host_cases(b, &x);
	/* then on a topology with a queue per CPU */
	for (b->cpus = 2; !err && b->cpus <= b->ncpu; b->cpus++) {
		err = topo_down() || topo_up(b->cpus) ? -1 : 0;
		if (!err)
			err = xdp_sink(b, TOPO_SRV, "veth0", true);
		if (!err)
			err = forward_cases(b, &x);
	}
	if (!err)
		ratios(b, &x);
	else
		fprintf(b->json, "\n  ]");
	fprintf(b->json, "\n}\n");
	fflush(b->json);
	bare_fwd__destroy(b->bare);
	trafficgen__destroy(b->tg);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "build/bench/forwarding.json";
	struct bench b = { .sep = "" };
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	if (fg_sfw_path(b.sfw, sizeof(b.sfw)))
		return 1;
	b.ncpu = online >= MAX_CPUS ? MAX_CPUS : 1;
	b.json = fopen(path, "w");
	if (!b.json) {
		perror(path);
		return 1;
	}
	fprintf(b.json, "{\"benchmark\": \"forwarding\", \"flows\": %d, \"rounds\": %d, "
		"\"cpus\": %d, \"generator\": \"%s\", \"results\": [", FLOWS, ROUNDS, b.ncpu,
		fg_generator());
	/* conntrack must hold every new-tuple frame of a rate: limits raised,
	 * then restored by the sandbox, whatever happens in between */
	rc = sb_run(CT_ENTRIES, work, &b);
	fclose(b.json);
	return rc;
}
