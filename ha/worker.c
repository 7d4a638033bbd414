/* The session daemon's cluster worker: a thread beside the sweeper that
 * acts in the role the pinned control map names (docs/ha.md). Primary:
 * reads the datapath's mirror ring and writes each event into conntrack,
 * and every refresh period rewrites the entries of the sessions that saw
 * traffic. Secondary: loads the peer's entries as conntrack reports them.
 * In no cluster it looks at the control map twice a second, nothing more.
 *
 * It shares no state with the daemon's thread but the pinned maps, and
 * reports through its figures (SFW_MAP_CLUSTER_STATS), never through the
 * CLI's error line (util/err.c keeps one per thread). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "ha_int.h"
#include "loader.h"
#include "maps.h"
#include "reap.h"

#define HA_POLL_MS 200
#define HA_PUBLISH_NS 1000000000ull

struct sfw_ha_worker {
	pthread_t thread;
	atomic_bool stop;
	struct sfw_ha_ctl ctl;        /* as acted on */
	struct sfw_ha_stats st;
	struct ha_mirror m;
	struct ring_buffer *rb;
	struct ha_replica r;
	__u32 sessions_id;            /* the table acted on: another one means reattached */
	__u64 next_refresh_ns, refresh_since_ns, next_publish_ns;
	unsigned int refreshes;       /* since this node became primary */
};

static int on_sync(void *ctx, void *data, size_t len)
{
	struct sfw_ha_worker *w = ctx;

	if (sfw_event_of(data, len))
		ha_mirror_event(&w->m, data);
	return 0;
}

static int discard(void *ctx, void *data, size_t len)
{
	return 0;
}

static __u32 sessions_map_id(void)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), id = 0;
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SESSIONS), true);

	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
		id = info.id;
	if (fd >= 0)
		close(fd);
	return id;
}

/* What the role being left holds. The primary's events not yet read are
 * dropped: the next primary period starts from the table, not from them. */
static void leave(struct sfw_ha_worker *w)
{
	if (w->rb) {
		ring_buffer__free(w->rb);
		w->rb = NULL;
	}
	if (w->m.h)
		ha_mirror_close(&w->m);
	if (w->r.q)
		ha_replica_close(&w->r);
	w->ctl.role = SFW_HA_NONE;
}

static int drain_stale(int ring_fd)
{
	struct ring_buffer *rb = ring_buffer__new(ring_fd, discard, NULL, NULL);

	if (!rb)
		return -errno;
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return 0;
}

static int enter_primary(struct sfw_ha_worker *w, const struct sfw_ha_ctl *ctl)
{
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SYNC_EVENTS), true), err;

	if (fd < 0)
		return fd;
	err = ha_mirror_open(&w->m, (__u16)ctl->zone, &w->st);
	if (!err)
		w->rb = ring_buffer__new(fd, on_sync, w, NULL);
	if (!err && !w->rb)
		err = -errno;
	close(fd);
	w->refresh_since_ns = sfw_coarse_now_ns();
	w->refreshes = 0;
	w->next_refresh_ns = w->refresh_since_ns + (__u64)ctl->refresh_ms * 1000000;
	return err;
}

static int enter_secondary(struct sfw_ha_worker *w, const struct sfw_ha_ctl *ctl)
{
	int err = ha_replica_open(&w->r, (__u16)ctl->zone, true, &w->st);

	if (!err) {
		int n = ha_replica_load_all(&w->r);

		err = n < 0 ? n : 0;
	}
	return err;
}

static __u64 sync_lost(void)
{
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SYNC_LOST), true), ncpu = libbpf_num_possible_cpus();
	__u64 sum = 0, *v = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*v)) : NULL;
	__u32 zero = 0;

	if (fd >= 0 && v && !bpf_map_lookup_elem(fd, &zero, v))
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	free(v);
	if (fd >= 0)
		close(fd);
	return sum;
}

static void publish(struct sfw_ha_worker *w)
{
	w->st.ring_lost = sync_lost();
	w->st.updated_s = (__u64)time(NULL);
	w->st.pid = (__u32)getpid();
	ha_stats_write(&w->st);
}

/* Acts in the role ctl names from now on. */
static void follow(struct sfw_ha_worker *w, const struct sfw_ha_ctl *ctl)
{
	int err = 0, fd;

	leave(w);
	if (ctl->role != SFW_HA_NONE)
		ha_labels_enable();
	if (ctl->role == SFW_HA_PRIMARY) {
		err = enter_primary(w, ctl);
	} else if (ctl->role == SFW_HA_SECONDARY) {
		/* events of an earlier primary period are stale by now */
		fd = sfw_open_pin(SFW_STR(SFW_MAP_SYNC_EVENTS), true);
		if (fd >= 0) {
			drain_stale(fd);
			close(fd);
		}
		err = enter_secondary(w, ctl);
	}
	if (err) {
		fprintf(stderr, "sfw daemon: cannot act as the cluster's %s: %s\n",
			sfw_ha_role_name(ctl->role), strerror(-err));
		leave(w);
		return;
	}
	w->ctl = *ctl;
	w->sessions_id = sessions_map_id();
	w->st.role = ctl->role;
	publish(w);   /* the transition waits for this */
}

static void refresh(struct sfw_ha_worker *w, __u64 now)
{
	__u64 t0 = now;

	/* sessions seen since the last refresh began: none is missed; every
	 * SFW_HA_FULL_REFRESH_EVERY-th time, all (ha.h) */
	bool full = ++w->refreshes % SFW_HA_FULL_REFRESH_EVERY == 0;

	ha_mirror_walk(&w->m, full ? 0 : w->refresh_since_ns, true);
	w->refresh_since_ns = t0;
	w->st.last_refresh_ns = sfw_coarse_now_ns() - t0;
	w->next_refresh_ns = t0 + (__u64)w->ctl.refresh_ms * 1000000;
}

/* One turn: look at the role, then wait for work at most HA_POLL_MS. */
static void turn(struct sfw_ha_worker *w)
{
	struct sfw_ha_ctl ctl = { .role = SFW_HA_NONE };
	__u64 now;

	if (sfw_ha_ctl_read(&ctl))
		ctl.role = SFW_HA_NONE;
	if (ctl.role != w->ctl.role || ctl.zone != w->ctl.zone ||
	    (ctl.role != SFW_HA_NONE && sessions_map_id() != w->sessions_id))
		follow(w, &ctl);
	if (w->ctl.role == SFW_HA_PRIMARY) {
		ring_buffer__poll(w->rb, HA_POLL_MS);
		now = sfw_coarse_now_ns();
		if (now >= w->next_refresh_ns)
			refresh(w, now);
	} else if (w->ctl.role == SFW_HA_SECONDARY) {
		struct pollfd p = { .fd = ha_replica_fd(&w->r), .events = POLLIN };

		if (poll(&p, 1, HA_POLL_MS) > 0)
			ha_replica_events(&w->r);
	} else {
		poll(NULL, 0, 2 * HA_POLL_MS + 100);
	}
	now = sfw_coarse_now_ns();
	if (w->ctl.role != SFW_HA_NONE && now >= w->next_publish_ns) {
		publish(w);
		w->next_publish_ns = now + HA_PUBLISH_NS;
	}
}

static void *run(void *arg)
{
	struct sfw_ha_worker *w = arg;

	while (!atomic_load(&w->stop))
		turn(w);
	if (w->ctl.role != SFW_HA_NONE)
		publish(w);
	leave(w);
	return NULL;
}

int sfw_ha_worker_start(struct sfw_ha_worker **out)
{
	struct sfw_ha_worker *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	atomic_init(&w->stop, false);
	/* figures start where the last daemon left them */
	sfw_ha_stats_read(&w->st);
	err = pthread_create(&w->thread, NULL, run, w);
	if (err) {
		free(w);
		return -err;
	}
	*out = w;
	return 0;
}

void sfw_ha_worker_stop(struct sfw_ha_worker *w)
{
	if (!w)
		return;
	atomic_store(&w->stop, true);
	pthread_join(w->thread, NULL);
	free(w);
}
