/* Source NAT end to end (issue 14): sfw with `source-nat interface` on
 * the outside interface against Linux forwarding with nftables
 * `masquerade` in a postrouting nat chain plus conntrack, on
 * bench/forwarding.c's topology and generator (bench/fwdgen.h), 1 CPU:
 *  - established translated flows: FLOWS client ports, each answered once
 *    by the server at the translated address, so both tables hold them as
 *    replied; EST_FRAMES frames a round;
 *  - new translated sessions: every frame a new tuple (the generator's
 *    unique mode: a new client port, and past 64,000 a new server port),
 *    NEW_FRAMES a round from an emptied table, so each round stays well
 *    inside interface NAT's ports (1024..65535 less the host's
 *    ephemeral range, per protocol: docs/nat.md "Port allocation") and
 *    the rate is of sessions made, not of refusals. Refusals are counted:
 *    sfw's Incoming NAT errors, conntrack's insert_failed + drop; more
 *    than REFUSED_MAX_PCT of the frames offered fails the benchmark.
 * The sink on the server's veth counts only frames from the firewall's
 * outside address (trafficgen.bpf.c's tg_want_src): a frame that left
 * untranslated fails the benchmark. sfw and nftables take turns round
 * for round (sfw attached, then detached and the nftables table loaded),
 * so that their ratio does not hang on the load of the moment. Beside
 * each rate, the CPU time per frame on the generator's CPU (fwdgen.h's
 * fg_push_cpu_s: the firewall's work on every frame runs in that
 * thread's softirq, or that CPU's ksoftirqd), which the load stretches
 * far less than the wall time, and for sfw its XDP program's own run
 * time per frame in the new-session rounds (BPF_ENABLE_STATS there only).
 * Writes a table to stdout and JSON to argv[1]; exits non-zero with one
 * line on stderr when nft or conntrack is missing or a step fails. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "sandbox.h"
#include "runcmd.h"
#include "fwdgen.h"

#define FLOWS 64
#define EST_FRAMES 1000000
#define NEW_FRAMES 20000     /* sessions a round; interface NAT has ~36,000 UDP ports */
#define NEW_REPS 3           /* new-session rounds per turn, each from an empty table */
#define ROUNDS 3             /* turns of each firewall */
#define CT_ENTRIES 200000    /* conntrack is emptied before every new-session round */
#define REFUSED_MAX_PCT 1.0
#define TARGET 3.0           /* issue 14: sfw at least 3x on both figures */
#define NAT_ADDR "203.0.113.1"   /* the firewall's veth1: the translated source */
#define STALLED (-2.0)

enum fw { NFT, SFW, N_FW };
static const char *const fw_names[N_FW] = { "Linux + nftables masquerade",
					    "sfw, XDP, source-nat interface" };

struct bench {
	struct trafficgen *tg;
	char sfw[512];
	FILE *json;
	const char *sep;
	double est[N_FW][ROUNDS], fresh[N_FW][ROUNDS * NEW_REPS];
	/* CPU ns per frame on the generator's CPU; sfw's XDP program's own */
	double est_cpu[N_FW][ROUNDS], fresh_cpu[N_FW][ROUNDS * NEW_REPS];
	double fresh_xdp[ROUNDS * NEW_REPS];
	__u64 refused[N_FW], offered[N_FW], stack_fwd[N_FW];
	int stalls;
	bool listed;           /* the JSON's results list is closed */
};

/* One line on stderr, then non-zero: a failed step ends the benchmark. */
__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "snat: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return -1;
}

/* A shell command, quiet unless it fails; then one line: the first its
 * output has (nft's error line comes before the rule it quotes). */
static int step(const char *what, const char *cmd)
{
	char buf[4096], *line;
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };

	if (rc_run_capture(argv, buf, sizeof(buf)) >= 0)
		return 0;
	line = buf + strspn(buf, "\n");
	line[strcspn(line, "\n")] = '\0';
	return fail("%s failed: %s", what, *line ? line : "(no output)");
}

/* A number a shell command prints (jq's or awk's sum); -1 if none. */
static long long number_of(const char *cmd)
{
	long long v = -1;
	FILE *p = popen(cmd, "r");

	if (p) {
		if (fscanf(p, "%lld", &v) != 1)
			v = -1;
		pclose(p);
	}
	return v;
}

static void sfw_cmd(struct bench *b, const char *args, char *cmd, size_t len)
{
	fg_sfw_cmd(b->sfw, TOPO_FW, args, cmd, len);
}

static int sfw(struct bench *b, const char *what, const char *args)
{
	char cmd[1024];

	sfw_cmd(b, args, cmd, sizeof(cmd));
	return step(what, cmd);
}

/* The refusals so far: sfw's Incoming NAT errors on its interfaces, or
 * conntrack's failed inserts and drops in the firewall's namespace. */
static long long refusals(struct bench *b, enum fw fw)
{
	char cmd[1200], show[1024];

	if (fw == NFT)
		return number_of("nsenter --net=/run/netns/" TOPO_FW " conntrack -S 2>/dev/null | "
				 "tr -s ' \\t' '\\n\\n' | awk -F= '$1 == \"insert_failed\" || "
				 "$1 == \"drop\" { n += $2 } END { print n + 0 }'");
	sfw_cmd(b, "show interfaces flow-statistics --json", show, sizeof(show));
	snprintf(cmd, sizeof(cmd), "%s | jq '[.[\"interface-information\"][\"physical-interface\"]"
		 "[][\"flow-error-statistics\"][\"incoming-nat-errors\"]] | add'", show);
	return number_of(cmd);
}

/* sfw's XDP program on the firewall's veth0: its run time and runs so
 * far (BPF_ENABLE_STATS), 0 when not attached or not counted. */
static void sfw_xdp_stats(__u64 *ns, __u64 *runs)
{
	struct bpf_prog_info info = {};
	__u32 id = 0, len = sizeof(info), ifindex = topo_ifindex(TOPO_FW, "veth0");
	int fd;

	*ns = *runs = 0;
	if (!ifindex || bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &id) || !id)
		return;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
		*ns = info.run_time_ns;
		*runs = info.run_cnt;
	}
	close(fd);
}

/* n frames from the client, delivered per second; STALLED when next to
 * nothing arrived (bench/forwarding.c's rate_n), -1 when the generator
 * failed or a frame reached the server untranslated. *cpu: the
 * generator's CPU ns per frame; *xdp: sfw's XDP program's ns per run
 * in the round (NAN when it is not attached). */
static double round_rate(struct bench *b, __u32 n, bool unique, double *cpu, double *xdp)
{
	__u64 ns0, runs0, ns1, runs1;
	__u64 c0 = fg_sink_count(b->tg, FG_SINK_COUNTED), got;
	__u64 w0 = fg_sink_count(b->tg, FG_SINK_WRONG_SOURCE), wrong;
	double secs;

	*cpu = *xdp = NAN;
	b->tg->bss->tg_unique = unique;
	b->tg->bss->tg_flows = FLOWS;
	sfw_xdp_stats(&ns0, &runs0);
	if (fg_push(b->tg, TOPO_CLI, "veth0", TOPO_MAC_CLI, TOPO_MAC_FW0, n, 1, &secs))
		return fail("the generator failed"), -1;
	sfw_xdp_stats(&ns1, &runs1);
	*cpu = fg_push_cpu_s * 1e9 / n;
	*xdp = runs1 > runs0 && ns1 > ns0 ? (double)(ns1 - ns0) / (runs1 - runs0) : NAN;
	usleep(100000);
	got = fg_sink_count(b->tg, FG_SINK_COUNTED) - c0;
	wrong = fg_sink_count(b->tg, FG_SINK_WRONG_SOURCE) - w0;
	if (wrong)
		return fail("%llu frames reached the server untranslated", (unsigned long long)wrong),
		       -1;
	if (got * 100 < n) {
		b->stalls++;
		return STALLED;
	}
	return got / secs;
}

/* One frame per established flow, then one answer to each from a socket
 * on the server, to the translated address and the client's own port
 * (both NATs keep a free one in their range): both tables see a reply. */
static int prime(struct bench *b)
{
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_in nat = { .sin_family = AF_INET };
	double cpu, xdp;
	int fd, err = 0;

	if (round_rate(b, FLOWS, false, &cpu, &xdp) == -1 || topo_enter(TOPO_SRV))
		return -1;
	inet_pton(AF_INET, "203.0.113.2", &srv.sin_addr);
	inet_pton(AF_INET, NAT_ADDR, &nat.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&srv, sizeof(srv)))
		err = fail("the server's socket: %s", strerror(errno));
	for (int i = 0; i < FLOWS && !err; i++) {
		nat.sin_port = htons(10000 + i);
		if (sendto(fd, "answer", 6, 0, (struct sockaddr *)&nat, sizeof(nat)) != 6)
			err = fail("the server's answer: %s", strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	usleep(100000);
	return err;
}

/* The nftables firewall: forward as bench/forwarding.c's conntrack case,
 * and the client's network masqueraded behind veth1's address. */
static int nft_on(void)
{
	static const char rules[] =
		"table ip sfwbnat {\n"
		" chain flt {\n  type filter hook forward priority 0; policy drop;\n"
		"  ct state established,related accept\n"
		"  ct state new iifname \"veth0\" accept\n }\n"
		" chain nat_post {\n  type nat hook postrouting priority srcnat; policy accept;\n"
		"  oifname \"veth1\" ip saddr 198.51.100.0/24 masquerade\n }\n}\n";
	char path[64], cmd[160];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "/tmp/sfwb-nat-%d.nft", (int)getpid());
	f = fopen(path, "w");
	if (!f || fputs(rules, f) < 0 || fclose(f))
		return fail("%s: %s", path, strerror(errno));
	snprintf(cmd, sizeof(cmd), "nsenter --net=/run/netns/" TOPO_FW " nft -f %s", path);
	err = step("nftables masquerade", cmd);
	unlink(path);
	return err;
}

static int nft_off(void)
{
	return step("nftables delete", "nsenter --net=/run/netns/" TOPO_FW
		    " nft delete table ip sfwbnat && nsenter --net=/run/netns/" TOPO_FW
		    " conntrack -F");
}

/* sfw's configuration: tests/e2e/nat_lib.sh's zones, policy and rule,
 * committed once; every later attach applies it from SFW_CONF_DIR. */
static int sfw_commit(struct bench *b)
{
	static const char conf[] =
		"set security zones security-zone trust interfaces veth0\n"
		"set security zones security-zone untrust interfaces veth1\n"
		"set security policies from-zone trust to-zone untrust policy out match "
		"source-address any destination-address any application any\n"
		"set security policies from-zone trust to-zone untrust policy out then permit\n"
		"set security policies default-policy deny-all\n"
		"set security nat source rule-set inside-out from zone trust\n"
		"set security nat source rule-set inside-out to zone untrust\n"
		"set security nat source rule-set inside-out rule all match source-address "
		"198.51.100.0/24\n"
		"set security nat source rule-set inside-out rule all then source-nat interface\n";
	char path[64], args[96];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/sfwb-nat-%d.conf", (int)getpid());
	f = fopen(path, "w");
	if (!f || fputs(conf, f) < 0 || fclose(f))
		return fail("%s: %s", path, strerror(errno));
	snprintf(args, sizeof(args), "commit %s", path);
	if (sfw(b, "sfw attach", "attach veth0 veth1 forward") || sfw(b, "sfw commit", args)) {
		unlink(path);
		return -1;
	}
	unlink(path);
	return sfw(b, "sfw detach", "detach all");
}

/* Empties the firewall's table before a new-session round. */
static int fw_reset(struct bench *b, enum fw fw)
{
	if (fw == NFT)
		return step("conntrack -F", "nsenter --net=/run/netns/" TOPO_FW " conntrack -F");
	return sfw(b, "sfw clear", "clear security flow session all");
}

/* Turn r's NEW_REPS new-session rounds, refusals counted around each.
 * BPF run times are counted in these rounds only (both firewalls: the
 * generator and the sink pay the count alike), for sfw's XDP program's
 * share of a new session; the established rounds' rates go without
 * the count's two clock reads per program run. */
static int fresh_rounds(struct bench *b, enum fw fw, int r)
{
	int stats = bpf_enable_stats(BPF_STATS_RUN_TIME), err = 0;
	double xdp;

	for (int k = 0; k < NEW_REPS && !err; k++) {
		long long r0, r1;
		int i = r * NEW_REPS + k;

		err = fw_reset(b, fw);
		r0 = err ? -1 : refusals(b, fw);
		if (r0 < 0) {
			err = err ? err : fail("cannot read %s's refusals", fw_names[fw]);
			break;
		}
		b->fresh[fw][i] = round_rate(b, NEW_FRAMES, true, &b->fresh_cpu[fw][i], &xdp);
		if (b->fresh[fw][i] == -1) {
			err = -1;
			break;
		}
		if (fw == SFW)
			b->fresh_xdp[i] = xdp;
		r1 = refusals(b, fw);
		if (r1 < r0) {
			err = fail("cannot read %s's refusals", fw_names[fw]);
			break;
		}
		b->refused[fw] += r1 - r0;
		b->offered[fw] += NEW_FRAMES;
	}
	if (stats >= 0)
		close(stats);
	return err;
}

/* One turn of a firewall: round `r` of established flows, then its
 * new-session rounds. */
static int turn(struct bench *b, enum fw fw, int r)
{
	__u64 f0 = fg_snmp_ip(TOPO_FW, 5);
	int err = prime(b);
	double xdp;

	if (!err && (b->est[fw][r] = round_rate(b, EST_FRAMES, false, &b->est_cpu[fw][r],
						 &xdp)) == -1)
		err = -1;
	if (!err)
		err = fresh_rounds(b, fw, r);
	b->stack_fwd[fw] += fg_snmp_ip(TOPO_FW, 5) - f0;
	return err;
}

static int nft_turn(struct bench *b, int r)
{
	int err;

	if (nft_on())
		return -1;
	err = step("conntrack -F", "nsenter --net=/run/netns/" TOPO_FW " conntrack -F");
	if (!err)
		err = turn(b, NFT, r);
	return nft_off() || err ? -1 : 0;
}

static int sfw_turn(struct bench *b, int r)
{
	int err;

	if (sfw(b, "sfw attach", "attach veth0 veth1 forward"))
		return -1;
	err = turn(b, SFW, r);
	return sfw(b, "sfw detach", "detach all") || err ? -1 : 0;
}

/* Median of n rates, or STALLED when any of them stalled. */
static double median(double *v, int n)
{
	for (int i = 0; i < n; i++)
		if (v[i] == STALLED)
			return STALLED;
	return rc_median(v, n);
}

static double refused_pct(const struct bench *b, enum fw fw)
{
	return b->offered[fw] ? 100.0 * b->refused[fw] / b->offered[fw] : NAN;
}

/* A row of the table and the JSON, as bench/forwarding.c's rows, with the
 * refusals of new-session rounds in place of its ns/packet column. */
static void report(struct bench *b, const char *group, enum fw fw, double pps, double cpu,
		   bool fresh)
{
	double load = fg_load1();
	long long refused = fresh ? (long long)b->refused[fw] : 0;

	if (pps == STALLED)
		printf("%-8s %-34s %4d %12s\n", group, fw_names[fw], 1, "stalled");
	else
		printf("%-8s %-34s %4d %12.0f %10lld %10llu %6.2f %8.0f\n", group, fw_names[fw], 1,
		       pps, refused, (unsigned long long)b->stack_fwd[fw], load, cpu);
	fprintf(b->json, "%s\n    {\"group\": \"%s\", \"case\": \"%s\", \"cpus\": 1, ", b->sep,
		group, fw_names[fw]);
	if (pps == STALLED)
		fprintf(b->json, "\"pps\": null, \"stalled\": true, ");
	else
		fprintf(b->json, "\"pps\": %.0f, ", pps);
	if (fresh)
		fprintf(b->json, "\"offered\": %llu, \"refused\": %lld, ",
			(unsigned long long)b->offered[fw], refused);
	fprintf(b->json, "\"cpu_ns_per_frame\": %.0f, \"stack_forwarded\": %llu, \"load1\": %.2f}",
		cpu, (unsigned long long)b->stack_fwd[fw], load);
	b->sep = ",";
	fflush(stdout);
}

static void json_num(FILE *f, const char *key, double v, const char *sep)
{
	if (isfinite(v) && v > 0)
		fprintf(f, "\"%s\": %.3f%s", key, v, sep);
	else
		fprintf(f, "\"%s\": null%s", key, sep);
}

/* The figures, their ratios against the target; non-zero when refusals
 * passed REFUSED_MAX_PCT on either side. */
static int results(struct bench *b)
{
	double est[N_FW], fresh[N_FW], pct[N_FW], est_cpu[N_FW], fresh_cpu[N_FW];
	double fresh_xdp = rc_median(b->fresh_xdp, ROUNDS * NEW_REPS);
	bool over = false;

	for (int fw = 0; fw < N_FW; fw++) {
		est[fw] = median(b->est[fw], ROUNDS);
		fresh[fw] = median(b->fresh[fw], ROUNDS * NEW_REPS);
		est_cpu[fw] = rc_median(b->est_cpu[fw], ROUNDS);
		fresh_cpu[fw] = rc_median(b->fresh_cpu[fw], ROUNDS * NEW_REPS);
		pct[fw] = refused_pct(b, fw);
		over |= !(pct[fw] <= REFUSED_MAX_PCT);
	}
	for (int fw = 0; fw < N_FW; fw++)
		report(b, "snat", fw, est[fw], est_cpu[fw], false);
	for (int fw = 0; fw < N_FW; fw++)
		report(b, "snat-new", fw, fresh[fw], fresh_cpu[fw], true);
	printf("\nSNAT forwarding, sfw / nftables masquerade: %.0f / %.0f pps: %.2fx (target >= "
	       "%.0fx)\n", est[SFW], est[NFT], est[SFW] / est[NFT], TARGET);
	printf("new translated sessions, sfw / nftables masquerade: %.0f vs %.0f per second: "
	       "%.2fx (target >= %.0fx); refused: sfw %.2f%%, nftables %.2f%% of %llu offered "
	       "each%s\n", fresh[SFW], fresh[NFT], fresh[SFW] / fresh[NFT], TARGET, pct[SFW],
	       pct[NFT], (unsigned long long)b->offered[SFW],
	       over ? ": FAIL, more than 1% refused" : "");
	printf("by CPU time on the generator's CPU (generator, veths, firewall, sink), ns per frame: "
	       "SNAT forwarding sfw %.0f, nftables %.0f: %.2fx; new translated sessions sfw %.0f, "
	       "nftables %.0f: %.2fx, sfw's XDP program alone %.0f of it\n", est_cpu[SFW],
	       est_cpu[NFT], est_cpu[NFT] / est_cpu[SFW], fresh_cpu[SFW], fresh_cpu[NFT],
	       fresh_cpu[NFT] / fresh_cpu[SFW], fresh_xdp);
	fprintf(b->json, "\n  ], ");
	json_num(b->json, "sfw_xdp_ns_per_new_session", fresh_xdp, ", ");
	fprintf(b->json, "\"cpu_ratios\": {");
	json_num(b->json, "snat_forward_nft_over_sfw", est_cpu[NFT] / est_cpu[SFW], ", ");
	json_num(b->json, "snat_new_nft_over_sfw", fresh_cpu[NFT] / fresh_cpu[SFW], "}");
	fprintf(b->json, ", \"ratios\": {");
	b->listed = true;
	json_num(b->json, "snat_forward_sfw_over_nft", est[SFW] / est[NFT], ", ");
	json_num(b->json, "snat_new_sfw_over_nft", over ? NAN : fresh[SFW] / fresh[NFT], "}");
	fprintf(b->json, ", \"refused_pct\": {\"sfw\": %.3f, \"nft\": %.3f}, "
		"\"refused_over_limit\": %s, \"stalled_rates\": %d", pct[SFW], pct[NFT],
		over ? "true" : "false", b->stalls);
	return over ? fail("more than %.0f%% of new sessions refused (sfw %.2f%%, nftables "
			   "%.2f%%)", REFUSED_MAX_PCT, pct[SFW], pct[NFT]) : 0;
}

static int run(struct bench *b)
{
	int err = fg_xdp_prog(TOPO_SRV, "veth0", bpf_program__fd(b->tg->progs.tg_sink));

	if (err)
		return fail("the sink on the server's veth0: %s", strerror(-err));
	inet_pton(AF_INET, NAT_ADDR, &b->tg->bss->tg_want_src);
	err = sfw_commit(b);
	for (int r = 0; r < ROUNDS && !err; r++) {
		err = nft_turn(b, r);
		if (!err)
			err = sfw_turn(b, r);
	}
	return err ? err : results(b);
}

static int work(void *arg)
{
	struct bench *b = arg;
	char conf[64];
	int err;

	b->tg = trafficgen__open_and_load();
	if (!b->tg)
		return fail("cannot load the generator: %s", strerror(errno)), 1;
	if (topo_up(1))
		return fail("cannot build the topology"), 1;
	printf("packets/s delivered translated, UDP 60-byte frames, 1 CPU; snat: %d established "
	       "flows (median of %d rounds of %d frames); snat-new: every frame a new session "
	       "(median of %d rounds of %d, each from an empty table); sfw and nftables by "
	       "turns; refused: new sessions refused in all rounds; load: 1-minute load "
	       "average; cpu ns: the generator's CPU time per frame (median)\n", FLOWS, ROUNDS,
	       EST_FRAMES, ROUNDS * NEW_REPS, NEW_FRAMES);
	printf("%-8s %-34s %4s %12s %10s %10s %6s %8s\n", "group", "case", "cpus", "pps", "refused",
	       "stack fwd", "load", "cpu ns");
	err = run(b);
	if (!b->listed)
		fprintf(b->json, "\n  ]");
	fprintf(b->json, "\n}\n");
	fflush(b->json);
	trafficgen__destroy(b->tg);
	/* sfw's stored configuration (fwdgen.h's SFW_CONF_DIR, by this pid) */
	snprintf(conf, sizeof(conf), "rm -rf /tmp/sfwb-conf-%d", (int)getpid());
	if (system(conf))
		fprintf(stderr, "snat: cannot remove /tmp/sfwb-conf-%d\n", (int)getpid());
	return err ? 1 : 0;
}

/* nft and conntrack answer before anything is set up. */
static int have_tools(void)
{
	if (system("nft --version >/dev/null 2>&1"))
		return fail("nft not found or not working: install nftables"), -1;
	if (system("conntrack --version >/dev/null 2>&1"))
		return fail("conntrack not found or not working: install conntrack-tools"), -1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "build/bench/snat.json";
	struct bench b = { .sep = "" };
	int rc;

	if (have_tools())
		return 1;
	if (fg_sfw_path(b.sfw, sizeof(b.sfw)) || access(b.sfw, X_OK))
		return fail("no sfw next to the benchmark (%s)", b.sfw), 1;
	b.json = fopen(path, "w");
	if (!b.json)
		return fail("%s: %s", path, strerror(errno)), 1;
	fprintf(b.json, "{\"benchmark\": \"snat\", \"flows\": %d, \"rounds\": %d, "
		"\"new_per_round\": %d, \"target\": %.1f, \"generator\": \"%s\", \"results\": [",
		FLOWS, ROUNDS, NEW_FRAMES, TARGET, fg_generator());
	rc = sb_run(CT_ENTRIES, work, &b);
	fclose(b.json);
	return rc;
}
