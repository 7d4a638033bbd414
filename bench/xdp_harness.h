/* In-process harness for the BPF_PROG_TEST_RUN benchmarks: sfw's programs
 * loaded through the loader library into a private pin root, the baseline
 * programs (bench/baseline.bpf.c) sharing its session table, the session
 * table filled by batch updates, and runs timed by the kernel.
 *
 * Timing: the kernel times its own loop (bpf_test_run), so `duration` has
 * no syscall in it. With repeat = 1 it still holds two clock reads and the
 * run's setup, the same for every program: the pass baseline measured the
 * same way shows that share. */
#ifndef SFW_BENCH_XDP_HARNESS_H
#define SFW_BENCH_XDP_HARNESS_H

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
#include "loader.h"
#include "maps.h"
#include "pktbuild.h"
#include "net_consts.h"
#include "protocols.h"
#include "baseline.skel.h"

#define XH_IFINDEX 1          /* lo: test runs need a real ingress device */

enum { XH_SFW, XH_PASS, XH_PARSE, XH_FLOOR, XH_NPROGS };

struct xh {
	struct sfw_progs *sfw;
	struct baseline *base;
	int fd[XH_NPROGS];
	int sessions_fd, stats_fd;
	__u32 capacity;
	char root[64];
};

static inline int xh_run(int prog_fd, const void *data, __u32 len, __u32 repeat, __u32 *ns,
			 __u32 *ret)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = XH_IFINDEX };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &o))
		return -errno;
	*ns = o.duration;
	*ret = o.retval;
	return 0;
}

#define XH_SLOT 1   /* the test interface's counter slot (include/iface.h) */

static inline int xh_stats_entry(struct xh *h)
{
	return sfw_iface_counters_bind(sfw_progs_map_fd(h->sfw, SFW_PROG_XDP,
							SFW_STR(SFW_MAP_IFACE_SLOTS)),
				       h->stats_fd, XH_IFINDEX, XH_SLOT);
}

/* The baseline programs reuse sfw's pinned maps (LIBBPF_PIN_BY_NAME), and
 * libbpf refuses a pin whose size differs from the object's: the loader
 * sizes several maps from max-sessions (the session table, NAT's ports),
 * so each map takes its pin's size before the load. */
static inline int xh_baseline_load(struct baseline **out, const char *root)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = root);
	struct baseline *base = baseline__open_opts(&oo);
	struct bpf_map *map;
	char path[256];

	if (!base)
		return -errno;
	*out = base;
	bpf_object__for_each_map(map, base->obj) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		int fd;

		snprintf(path, sizeof(path), "%s/%s", root, bpf_map__name(map));
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;   /* not pinned yet: the baseline creates it */
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			bpf_map__set_max_entries(map, info.max_entries);
		close(fd);
	}
	return baseline__load(base);
}

/* A private pin root and configuration directory: nothing of a real sfw
 * (or a committed configuration) is touched or picked up. */
static inline int xh_setup(struct xh *h, __u32 capacity)
{
	char conf[64];
	int err;

	snprintf(h->root, sizeof(h->root), "/sys/fs/bpf/sfw-bench-%d", getpid());
	snprintf(conf, sizeof(conf), "/tmp/sfw-bench-conf-%d", getpid());
	setenv("SFW_PIN_ROOT", h->root, 1);
	setenv("SFW_CONF_DIR", conf, 1);
	sfw_log_init();
	err = sfw_ensure_pin_root();
	if (!err)
		err = sfw_progs_load(&h->sfw, &(struct sfw_attach_opts){ .max_sessions = capacity }, NULL);
	if (err)
		return err;
	err = xh_baseline_load(&h->base, h->root);
	if (err)
		return err;
	h->fd[XH_SFW] = sfw_progs_prog_fd(h->sfw, SFW_PROG_XDP);
	h->fd[XH_PASS] = bpf_program__fd(h->base->progs.base_pass);
	h->fd[XH_PARSE] = bpf_program__fd(h->base->progs.base_parse);
	h->fd[XH_FLOOR] = bpf_program__fd(h->base->progs.base_lookup);
	h->sessions_fd = sfw_progs_map_fd(h->sfw, SFW_PROG_XDP, SFW_STR(SFW_MAP_SESSIONS));
	h->stats_fd = sfw_progs_map_fd(h->sfw, SFW_PROG_XDP, SFW_STR(SFW_MAP_IFACE_STATS));
	h->capacity = capacity;
	return xh_stats_entry(h);
}

static inline void xh_teardown(struct xh *h)
{
	baseline__destroy(h->base);
	h->base = NULL;
	sfw_progs_close(h->sfw);
	h->sfw = NULL;
	sfw_detach_all();
	rmdir(h->root);
}

/* One counter of the test interface, summed over CPUs. */
static inline __u64 xh_counter(const struct xh *h, enum sfw_counter id)
{
	struct sfw_iface_stats st;

	return sfw_iface_counters_read(h->stats_fd, XH_SLOT, &st) ? 0 : st.c[id];
}

static inline int xh_set_policy(enum sfw_default_policy policy)
{
	struct sfw_config cfg;
	int err = sfw_config_read(&cfg);

	if (err)
		return err;
	cfg.default_policy = policy;
	return sfw_config_write(&cfg);
}

/* Background sessions (UDP to port 53, which the measured flows never
 * use), so that lookups pay for a large, cold table as a busy host's
 * would. */
static inline void xh_bg_session(__u32 id, __u64 now, struct sfw_session_key *k,
				 struct sfw_session *v)
{
	*k = (struct sfw_session_key){ .proto = SFW_IPPROTO_UDP, .family = SFW_FAMILY_INET };
	k->addr_lo.bytes[0] = 198, k->addr_lo.bytes[1] = 51;
	k->addr_lo.bytes[2] = 100, k->addr_lo.bytes[3] = id & 0xff;
	k->addr_hi.bytes[0] = 203, k->addr_hi.bytes[1] = 0;
	k->addr_hi.bytes[2] = 113, k->addr_hi.bytes[3] = (id >> 8) & 0xff;
	k->port_lo = htons(1024 + (id >> 16));
	k->port_hi = htons(53);
	*v = (struct sfw_session){ .id = 1ULL << 40 | id, .timeout_s = 1800, .created_s = sfw_secs(now),
				   .last_seen_s = sfw_secs(now), .policy_id = SFW_POLICY_ID_DEFAULT_PERMIT,
				   .flags = SFW_SESS_F_OPENER_LO };
}

/* Adds background sessions first..first+n-1. */
static inline int xh_fill(struct xh *h, __u32 first, __u32 n)
{
	enum { CHUNK = 65536 };
	struct sfw_session_key *keys = calloc(CHUNK, sizeof(*keys));
	struct sfw_session *vals = calloc(CHUNK, sizeof(*vals));
	struct timespec ts;
	int err = 0;

	if (!keys || !vals)
		err = -ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (__u32 done = 0; done < n && !err;) {
		__u32 c = n - done < CHUNK ? n - done : CHUNK;

		for (__u32 i = 0; i < c; i++)
			xh_bg_session(first + done + i, ts.tv_sec * 1000000000ULL + ts.tv_nsec,
				      &keys[i], &vals[i]);
		LIBBPF_OPTS(bpf_map_batch_opts, bo);
		if (bpf_map_update_batch(h->sessions_fd, keys, vals, &c, &bo))
			err = -errno;
		done += c;
	}
	free(keys);
	free(vals);
	return err;
}

static inline int xh_cmp_u32(const void *a, const void *b)
{
	return (*(const __u32 *)a > *(const __u32 *)b) - (*(const __u32 *)a < *(const __u32 *)b);
}

static inline double xh_median_u32(__u32 *v, size_t n)
{
	qsort(v, n, sizeof(*v), xh_cmp_u32);
	return n ? v[n / 2] : 0;
}

/* Unique UDP flows for first-packet runs: flow i of `base` (host order),
 * written over a template frame built once (ports only; the UDP checksum
 * is set to 0, "none", which IPv4 allows), so a million frames cost no
 * more than a million small writes. */
struct xh_uniq {
	struct pb_pkt pkt;
};

static inline int xh_uniq_init(struct xh_uniq *u, const char *src, const char *dst)
{
	struct pb_spec s = { .src = src, .dst = dst, .proto = SFW_IPPROTO_UDP,
			     .sport = 1024, .dport = 1, .payload = 18 };

	return pb_build(&s, &u->pkt);
}

static inline const struct pb_pkt *xh_uniq_flow(struct xh_uniq *u, __u32 i)
{
	__u8 *udp = u->pkt.data + u->pkt.l4_off;
	__u16 sport = htons(1024 + i % 64000), dport = htons(1 + i / 64000);

	memcpy(udp, &sport, 2);
	memcpy(udp + 2, &dport, 2);
	memset(udp + 6, 0, 2);
	return &u->pkt;
}

#endif
