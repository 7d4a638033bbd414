/* End to end through client — firewall — server veth namespaces (issue 7,
 * item 3, and the new-session rate against nf_conntrack): a generator
 * (bench/trafficgen.bpf.c, BPF_F_TEST_XDP_LIVE_FRAMES, XDP_TX out of the
 * client's veth) pushes UDP frames; a counting XDP sink on the server's
 * veth says how many arrived. Cases, in one run on one topology:
 *  - established flows (64, each answered once by the server, so
 *    conntrack has them ESTABLISHED) forwarded by (a) sfw in XDP,
 *    (b) Linux with nftables `ct state established,related accept` plus a
 *    new-session rule, (c) Linux with no firewall; and the generator's own
 *    ceiling (the sink on the firewall's ingress instead);
 *  - every frame a new tuple: new sessions per second through sfw and
 *    through nftables + nf_conntrack;
 *  - host endpoint: frames from the firewall's veth to the server's stack
 *    (counted by Ip InDelivers there) with nothing, nftables conntrack in
 *    the server's namespace, or sfw on the server's interface.
 * Everything runs on the CPU that runs the generator (veth NAPI is
 * scheduled where the frame is sent), so a rate is 1 / (generator +
 * firewall + receiver); the ceiling case gives the generator's and the
 * receiver's share, which the "firewall ns/packet" column takes out.
 * Writes a table to stdout and JSON to argv[1]. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "sandbox.h"
#include "runcmd.h"
#include "topo.h"
#include "pktbuild.h"
#include "protocols.h"
#include "trafficgen.skel.h"

#define FLOWS 64
#define EST_FRAMES 1000000
#define NEW_FRAMES 250000
#define ROUNDS 3
#define CT_ENTRIES 1000000   /* NEW_FRAMES x ROUNDS, with room */

enum counter { SINK, SRV_DELIVERED };

struct bench {
	struct trafficgen *tg;
	char sfw[512];
	FILE *json;
	const char *sep;
	double ceiling_ns;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static __u64 sink_count(struct bench *b)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 v[ncpu > 0 ? ncpu : 1], sum = 0;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(b->tg->maps.tg_count), &zero, v))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += v[i];
	return sum;
}

/* One Ip: field of a namespace's /proc/net/snmp (2: InReceives,
 * 5: ForwDatagrams, 8: InDelivers). */
static __u64 snmp_ip(const char *ns, int field)
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

static __u64 count(struct bench *b, enum counter c)
{
	return c == SINK ? sink_count(b) : snmp_ip(TOPO_SRV, 8);
}

/* n frames from namespace `ns` out of `ifname`, src/dst MACs as given. */
static int push(struct bench *b, const char *ns, const char *ifname, const char *smac,
		const char *dmac, __u32 n)
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
	memcpy(b->tg->bss->tg_hdr, pkt.data, sizeof(b->tg->bss->tg_hdr));
	struct xdp_md ctx = { .data_end = pkt.len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt.data, .data_size_in = pkt.len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = n,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	return bpf_prog_test_run_opts(bpf_program__fd(b->tg->progs.tg_tx), &o) ? -errno : 0;
}

struct where {
	const char *ns, *ifname, *smac, *dmac;
	enum counter counter;
};

static const struct where from_client = { TOPO_CLI, "veth0", TOPO_MAC_CLI, TOPO_MAC_FW0, SINK };
static const struct where to_server = { TOPO_FW, "veth1", TOPO_MAC_FW1, TOPO_MAC_SRV,
					SRV_DELIVERED };

/* Delivered frames per second: median of ROUNDS runs of n frames. The
 * count is read a moment after the run, once queued frames are through. */
static double rate(struct bench *b, const struct where *w, __u32 n, bool unique)
{
	double r[ROUNDS];

	b->tg->bss->tg_unique = unique;
	b->tg->bss->tg_flows = FLOWS;
	for (int i = 0; i < ROUNDS; i++) {
		__u64 c0 = count(b, w->counter);
		double t0 = now_s();

		if (push(b, w->ns, w->ifname, w->smac, w->dmac, n))
			return -1;
		r[i] = now_s() - t0;
		usleep(100000);
		r[i] = (count(b, w->counter) - c0) / r[i];
	}
	return rc_median(r, ROUNDS);
}

/* One frame per established flow, then one answer to each from a socket
 * on the server: conntrack marks them ESTABLISHED, sfw sees both wings. */
static int prime(struct bench *b, const struct where *w)
{
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_in cli = { .sin_family = AF_INET };
	int fd, err = 0;

	b->tg->bss->tg_unique = 0;
	b->tg->bss->tg_flows = FLOWS;
	b->tg->bss->tg_next = 0;
	if (push(b, w->ns, w->ifname, w->smac, w->dmac, FLOWS) || topo_enter(TOPO_SRV))
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

/* A row of the table and the JSON: pps delivered, and for forwarding the
 * firewall's own ns/packet (the generator's and receiver's share, from
 * the ceiling case, taken out). */
static void report(struct bench *b, const char *group, const char *name, double pps,
		   __u64 stack_fwd)
{
	double fw_ns = b->ceiling_ns > 0 ? 1e9 / pps - b->ceiling_ns : 0;

	printf("%-10s %-34s %12.0f %12.1f %10llu\n", group, name, pps, fw_ns,
	       (unsigned long long)stack_fwd);
	fprintf(b->json, "%s\n    {\"group\": \"%s\", \"case\": \"%s\", \"pps\": %.0f, "
		"\"firewall_ns\": %.1f, \"stack_forwarded\": %llu}", b->sep, group, name, pps,
		fw_ns, (unsigned long long)stack_fwd);
	b->sep = ",";
}

/* Established (and optionally new-tuple) rates from the client, with the
 * firewall namespace's ForwDatagrams delta: ~0 when XDP forwarded. */
static int forward_case(struct bench *b, const char *name, double *est, double *fresh)
{
	__u64 f0;

	if (prime(b, &from_client))
		return -1;
	f0 = snmp_ip(TOPO_FW, 5);
	*est = rate(b, &from_client, EST_FRAMES, false);
	report(b, "forward", name, *est, snmp_ip(TOPO_FW, 5) - f0);
	if (!fresh)
		return *est < 0 ? -1 : 0;
	f0 = snmp_ip(TOPO_FW, 5);
	*fresh = rate(b, &from_client, NEW_FRAMES, true);
	report(b, "new", name, *fresh, snmp_ip(TOPO_FW, 5) - f0);
	return *est < 0 || *fresh < 0 ? -1 : 0;
}

static int host_case(struct bench *b, const char *name, double *pps)
{
	if (prime(b, &to_server))
		return -1;
	*pps = rate(b, &to_server, EST_FRAMES, false);
	report(b, "host", name, *pps, 0);
	return *pps < 0 ? -1 : 0;
}

static int xdp_sink(struct bench *b, const char *ns, const char *ifname, bool on)
{
	__u32 ifindex = topo_ifindex(ns, ifname);

	if (!ifindex)
		return -ENODEV;
	if (!on)
		return bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	return bpf_xdp_attach(ifindex, bpf_program__fd(b->tg->progs.tg_sink), XDP_FLAGS_DRV_MODE,
			      NULL);
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

/* sfw through its CLI, as a user runs it; each namespace its own pins. */
static int sfw(struct bench *b, const char *ns, const char *args)
{
	return topo_sh("SFW_PIN_ROOT=/sys/fs/bpf/sfw-%s SFW_CONF_DIR=/tmp/sfwb-conf-%d "
		       "nsenter --net=/run/netns/%s %s %s", ns, (int)getpid(), ns, b->sfw, args);
}

struct figures {
	double ceiling, none, nft, sfw, nft_new, sfw_new, host_none, host_nft, host_sfw;
};

static int forward_cases(struct bench *b, struct figures *x)
{
	int err = xdp_sink(b, TOPO_FW, "veth0", true);

	/* the generator's ceiling: the sink right at the firewall's ingress */
	if (!err) {
		x->ceiling = rate(b, &from_client, EST_FRAMES, false);
		b->ceiling_ns = x->ceiling > 0 ? 1e9 / x->ceiling : 0;
		report(b, "forward", "generator ceiling (sink at fw)", x->ceiling, 0);
		err = xdp_sink(b, TOPO_FW, "veth0", false);
	}
	if (!err)
		err = forward_case(b, "Linux, no firewall", &x->none, NULL);
	if (!err)
		err = sfw(b, TOPO_FW, "attach veth0 veth1 forward");
	if (!err)
		err = forward_case(b, "sfw, XDP forwarding", &x->sfw, &x->sfw_new);
	if (!err)
		err = sfw(b, TOPO_FW, "detach all");
	if (!err)
		err = nft(TOPO_FW, "forward");
	if (!err)
		err = forward_case(b, "Linux + nftables conntrack", &x->nft, &x->nft_new);
	if (!err)
		err = nft_off(TOPO_FW);
	return err;
}

static int host_cases(struct bench *b, struct figures *x)
{
	int err = xdp_sink(b, TOPO_SRV, "veth0", false);

	b->ceiling_ns = 0;
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

static void ratios(struct bench *b, const struct figures *x)
{
	double fw_sfw = 1e9 / x->sfw - 1e9 / x->ceiling, fw_nft = 1e9 / x->nft - 1e9 / x->ceiling;

	printf("\nforwarding, sfw / nftables conntrack: %.2fx delivered (target >= 5x); "
	       "firewall's own time %.1f vs %.1f ns/packet: %.2fx\n", x->sfw / x->nft, fw_sfw,
	       fw_nft, fw_nft / fw_sfw);
	printf("forwarding, sfw / Linux without firewall: %.2fx\n", x->sfw / x->none);
	printf("new sessions, sfw / nf_conntrack: %.0f vs %.0f per second: %.2fx (target >= 3x)\n",
	       x->sfw_new, x->nft_new, x->sfw_new / x->nft_new);
	printf("host endpoint, sfw / nftables conntrack: %.2fx; sfw / no firewall: %.2fx\n",
	       x->host_sfw / x->host_nft, x->host_sfw / x->host_none);
	fprintf(b->json, "\n  ], \"ratios\": {\"forward_sfw_over_nft\": %.3f, "
		"\"forward_fw_time_nft_over_sfw\": %.3f, \"forward_sfw_over_none\": %.3f, "
		"\"new_sfw_over_conntrack\": %.3f, \"host_sfw_over_nft\": %.3f, "
		"\"host_sfw_over_none\": %.3f}", x->sfw / x->nft, fw_nft / fw_sfw, x->sfw / x->none,
		x->sfw_new / x->nft_new, x->host_sfw / x->host_nft, x->host_sfw / x->host_none);
}

static int work(void *arg)
{
	struct bench *b = arg;
	struct figures x = {};
	int err;

	b->tg = trafficgen__open_and_load();
	if (!b->tg || topo_up())
		return 1;
	printf("packets/s delivered, UDP 60-byte frames, %d established flows; new: every frame a "
	       "new tuple (median of %d runs)\n", FLOWS, ROUNDS);
	printf("%-10s %-34s %12s %12s %10s\n", "group", "case", "pps", "fw ns/pkt", "stack fwd");
	err = xdp_sink(b, TOPO_SRV, "veth0", true);
	if (!err)
		err = forward_cases(b, &x);
	if (!err)
		err = host_cases(b, &x);
	if (!err)
		ratios(b, &x);
	else
		fprintf(b->json, "\n  ]");
	fprintf(b->json, "\n}\n");
	fflush(b->json);
	trafficgen__destroy(b->tg);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "build/bench/forwarding.json";
	struct bench b = { .sep = "" };
	char exe[480];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int rc;

	if (n <= 0)
		return 1;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(b.sfw, sizeof(b.sfw), "%s/../sfw", exe);
	b.json = fopen(path, "w");
	if (!b.json) {
		perror(path);
		return 1;
	}
	fprintf(b.json, "{\"benchmark\": \"forwarding\", \"flows\": %d, \"rounds\": %d, "
		"\"results\": [", FLOWS, ROUNDS);
	/* conntrack must hold every new-tuple frame: limits raised, then
	 * restored by the sandbox, whatever happens in between */
	rc = sb_run(CT_ENTRIES, work, &b);
	fclose(b.json);
	return rc;
}
