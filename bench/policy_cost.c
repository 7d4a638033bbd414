/* Cost of the policy decision on a first packet, with 0, 10, 100 and 1000
 * policies in the zone pair's list, measured in the same run. The packet is
 * refused by the last policy, so every repeat of BPF_PROG_TEST_RUN pays the
 * full decision (no session is created that would turn later repeats into
 * established packets). The lists are searched by bitmap intersection
 * (include/policy.h): the figure should not grow with the number of rules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "maps.h"
#include "apply.h"
#include "pktbuild.h"
#include "protocols.h"
#include "net_consts.h"

#define REPEAT 100000
#define ROUNDS 7
#define LO_IFINDEX 1

static int cmp_u32(const void *a, const void *b)
{
	return (*(const __u32 *)a > *(const __u32 *)b) - (*(const __u32 *)a < *(const __u32 *)b);
}

static int median_ns(int prog_fd, const struct pb_pkt *pkt, __u32 *out)
{
	__u32 ns[ROUNDS];

	for (int r = 0; r < ROUNDS; r++) {
		struct xdp_md ctx = { .data_end = pkt->len, .ingress_ifindex = LO_IFINDEX };
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt->data, .data_size_in = pkt->len,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = REPEAT);

		if (bpf_prog_test_run_opts(prog_fd, &o))
			return -errno;
		ns[r] = o.duration;
	}
	qsort(ns, ROUNDS, sizeof(ns[0]), cmp_u32);
	*out = ns[ROUNDS / 2];
	return 0;
}

/* n global policies: n - 1 for other ports, the last one (port 80) deny. */
static int commit_policies(int n)
{
	size_t cap = 256 + (size_t)n * 400;
	char *text = calloc(1, cap), *p = text;
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err;

	if (!text)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		int port = i == n - 1 ? 80 : 10000 + i;

		p += sprintf(p, "set applications application a%d protocol tcp destination-port %d\n"
			     "set security policies global policy p%d match source-address any "
			     "destination-address any application a%d\n"
			     "set security policies global policy p%d then %s\n",
			     i, port, i, i, i, i == n - 1 ? "deny" : "permit");
	}
	p += sprintf(p, "set security policies default-policy deny-all\n");
	err = sfw_conf_init(&conf);
	if (!err)
		err = sfw_conf_parse_buffer(&conf, "bench.conf", text, strlen(text), &errs);
	if (!err)
		err = sfw_conf_apply(&conf, NULL);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	free(text);
	return err;
}

static int setup(struct sfw_progs **progs)
{
	char root[64];
	int err;

	snprintf(root, sizeof(root), "/sys/fs/bpf/sfw-bench-pol-%d", getpid());
	setenv("SFW_PIN_ROOT", root, 1);
	setenv("SFW_CONF_DIR", "/nonexistent", 1);   /* no host configuration applied */
	sfw_log_init();
	err = sfw_ensure_pin_root();
	if (!err)
		err = sfw_progs_load(progs, &(struct sfw_attach_opts){ .max_sessions = 65536 }, NULL);
	if (!err)
		err = sfw_iface_counters_bind(
			sfw_progs_map_fd(*progs, SFW_PROG_XDP, SFW_STR(SFW_MAP_IFACE_SLOTS)),
			sfw_progs_map_fd(*progs, SFW_PROG_XDP, SFW_STR(SFW_MAP_IFACE_STATS)),
			LO_IFINDEX, 1);
	return err;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 0, 10, 100, 1000 };
	struct pb_spec s = { .src = "198.51.100.2", .dst = "203.0.113.2", .proto = SFW_IPPROTO_TCP,
			     .sport = 40000, .dport = 80, .tcp_flags = SFW_TCP_SYN };
	struct sfw_progs *progs = NULL;
	struct pb_pkt pkt;
	FILE *json = fopen(argc > 1 ? argv[1] : "build/bench/policy_cost.json", "w");
	__u32 base = 0;
	int err = setup(&progs);

	if (err || !json || pb_build(&s, &pkt)) {
		fprintf(stderr, "policy_cost: setup failed: %s\n", sfw_last_error());
		goto out;
	}
	printf("first packet refused by the last policy, BPF_PROG_TEST_RUN, median of %d x %d\n",
	       ROUNDS, REPEAT);
	printf("%-10s %10s %12s\n", "policies", "ns/packet", "vs 0 rules");
	fprintf(json, "{\"benchmark\": \"policy_cost\", \"results\": [");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		__u32 ns = 0;

		err = commit_policies(sizes[i]);
		if (!err)
			err = median_ns(sfw_progs_prog_fd(progs, SFW_PROG_XDP), &pkt, &ns);
		if (err) {
			fprintf(stderr, "policy_cost: %d policies: %s\n", sizes[i], sfw_last_error());
			break;
		}
		if (!i)
			base = ns;
		printf("%-10d %10u %11.2fx\n", sizes[i], ns, (double)ns / base);
		fprintf(json, "%s\n  {\"policies\": %d, \"ns\": %u, \"ratio_to_none\": %.3f}",
			i ? "," : "", sizes[i], ns, (double)ns / base);
	}
	fprintf(json, "\n]}\n");
out:
	if (json)
		fclose(json);
	sfw_progs_close(progs);
	sfw_detach_all();
	rmdir(sfw_pin_root());
	return err ? 1 : 0;
}
