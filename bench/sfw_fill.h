/* sfw's side of the benchmarks: load sfw on veth pairs inside the sandbox
 * and write the flow set into its pinned session map with batch updates,
 * as established sessions that saw traffic both ways. */
#ifndef SFW_BENCH_SFW_FILL_H
#define SFW_BENCH_SFW_FILL_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <bpf/bpf.h>
#include "loader.h"
#include "maps.h"
#include "config.h"
#include "flowset.h"
#include "sess_counts.h"

#define SF_PAIRS 2
#define SF_PIN_ROOT "/sys/fs/bpf/sfw-bench"

struct sf_env {
	__u32 ifindex[SF_PAIRS][2];   /* [pair][In side, Out side] */
	int sessions_fd;
	__u32 capacity;               /* in: the table to ask for (0: default); out: its size */
};

/* Two veth pairs, sfw attached to all four ends. The sandbox's private
 * bpffs holds the pins, so nothing here needs undoing. */
static inline int sf_load(struct sf_env *e)
{
	struct sfw_attach_opts ao = { .mode = SFW_XDP_MODE_NATIVE, .max_sessions = e->capacity };
	char cmd[160], name[IF_NAMESIZE];
	int err;

	setenv("SFW_PIN_ROOT", SF_PIN_ROOT, 1);
	sfw_log_init();
	for (int p = 0; p < SF_PAIRS; p++) {
		snprintf(cmd, sizeof(cmd), "ip link add sfwb%da type veth peer name sfwb%db && "
			 "ip link set sfwb%da up && ip link set sfwb%db up", p, p, p, p);
		if (system(cmd))
			return fprintf(stderr, "bench: cannot create veth pair %d\n", p), -1;
		for (int s = 0; s < 2; s++) {
			snprintf(name, sizeof(name), "sfwb%d%c", p, s ? 'b' : 'a');
			e->ifindex[p][s] = if_nametoindex(name);
			err = sfw_attach_iface(name, &ao, NULL);
			if (err < 0)
				return fprintf(stderr, "bench: attach %s: %s\n", name, sfw_last_error()), -1;
		}
	}
	e->sessions_fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));
	if (e->sessions_fd < 0)
		return fprintf(stderr, "bench: %s\n", sfw_last_error()), -1;
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(e->sessions_fd, &info, &len))
		return -errno;
	e->capacity = info.max_entries;
	return 0;
}

static inline __u64 sf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* Flow i as an established session, a minute old, that just saw a packet;
 * every timeout long enough to outlast the run (as the conntrack side). */
static inline void sf_session(const struct sf_env *e, __u32 i, __u64 now,
			      struct sfw_session_key *k, struct sfw_session *v)
{
	struct fs_flow f;

	fs_flow(i, &f);
	memset(k, 0, sizeof(*k));
	memset(v, 0, sizeof(*v));
	memcpy(k->addr_lo.bytes, f.client, 16);
	memcpy(k->addr_hi.bytes, f.server, 16);
	k->port_lo = htons(f.sport);
	k->port_hi = htons(f.dport);
	k->proto = f.proto;
	k->family = f.family;
	v->id = (__u64)i + 1;
	v->created_s = sfw_secs(now) - 60;
	v->last_seen_s = sfw_secs(now);
	v->timeout_s = 3600;
	v->policy_id = SFW_POLICY_ID_DEFAULT_PERMIT;
	v->tcp_state = f.proto == SFW_IPPROTO_TCP ? SFW_TCP_ESTABLISHED : SFW_TCP_NONE;
	v->flags = SFW_SESS_F_OPENER_LO | SFW_SESS_F_TRANSIT;
	for (int w = 0; w < 2; w++) {
		v->wing[w].ifindex = e->ifindex[f.wing][w];
		v->wing[w].packets = 10 + i % 1000;
		v->wing[w].bytes = v->wing[w].packets * (w ? 1400 : 80);
		v->wing[w].wscale = 0xf;
	}
}

/* Write flows [0, n) — or only the filtered tenth when `only_filtered` —
 * in batches. Returns 0 or a negative errno. */
static inline int sf_fill(const struct sf_env *e, __u32 n, int only_filtered)
{
	enum { CHUNK = 65536 };
	struct sfw_session_key *keys = calloc(CHUNK, sizeof(*keys));
	struct sfw_session *vals = calloc(CHUNK, sizeof(*vals));
	__u64 now = sf_now_ns();
	__u32 i = 0, count;
	int err = keys && vals ? 0 : -ENOMEM;

	while (!err && i < n) {
		for (count = 0; count < CHUNK && i < n; i++)
			if (!only_filtered || fs_is_filtered(i))
				sf_session(e, i, now, &keys[count], &vals[count]), count++;
		LIBBPF_OPTS(bpf_map_batch_opts, bo);
		if (count && bpf_map_update_batch(e->sessions_fd, keys, vals, &count, &bo))
			err = -errno;
	}
	free(keys);
	free(vals);
	/* written behind the datapath's back, like the sessions of a version
	 * without counters: counted the same way (loader/sess_counts.c), so
	 * the summary reads them as it reads the datapath's */
	if (!err)
		err = sfw_sess_mark_partial();
	if (!err)
		err = sfw_sess_adopt();
	return err;
}

/* Entries in the map, by a batch walk. */
static inline long sf_count(const struct sf_env *e)
{
	enum { CHUNK = 8192 };
	struct sfw_session_key *keys = calloc(CHUNK, sizeof(*keys));
	struct sfw_session *vals = calloc(CHUNK, sizeof(*vals));
	__u32 in = 0, out = 0, count;
	long total = 0;
	int err = 0;

	for (int first = 1; keys && vals && err != -ENOENT; first = 0, in = out) {
		count = CHUNK;
		err = bpf_map_lookup_batch(e->sessions_fd, first ? NULL : &in, &out, keys,
					   vals, &count, NULL) ? -errno : 0;
		if (err && err != -ENOENT) {
			total = err;
			break;
		}
		total += count;
	}
	free(keys);
	free(vals);
	return total;
}

#endif
