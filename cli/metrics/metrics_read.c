/* One scrape's figures from the pinned maps: counters and a few small
 * maps (interfaces, zones, hit counts), each read once; the session table
 * only for its size, never walked. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/mman.h>
#include "libbpf_lazy.h"
#include "daemon_ctl.h"
#include "event_ring.h"
#include "iface_stats.h"
#include "loader.h"
#include "maps.h"
#include "metrics_int.h"
#include "policy_show.h"

static __u32 max_entries(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
}

/* Bytes a ring holds unread: its producer position less its consumer's,
 * from the two position pages (mapped read-only: the consumer's own
 * mapping is the one that advances it). */
static void ring_fill(struct sfw_metrics_ring *r, const char *pin)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = sfw_open_pin(pin, true);
	void *m;

	if (fd < 0)
		return;
	r->size = max_entries(fd);
	m = mmap(NULL, 2 * (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return;
	r->used = *(volatile unsigned long *)((char *)m + page) - *(volatile unsigned long *)m;
	munmap(m, 2 * (size_t)page);
}

static void read_rings(struct sfw_metrics_scrape *s)
{
	static const struct { const char *name, *pin; enum sfw_ev_ring idx; } rings[] = {
		{ "log", SFW_STR(SFW_MAP_EVENTS), SFW_RING_LOG },
		{ "monitor", SFW_STR(SFW_MAP_MON_EVENTS), SFW_RING_MONITOR },
	};

	for (size_t i = 0; i < sizeof(rings) / sizeof(rings[0]); i++) {
		struct sfw_metrics_ring *r = &s->rings[s->v.n_rings];

		memset(r, 0, sizeof(*r));
		r->name = rings[i].name;
		ring_fill(r, rings[i].pin);
		if (!r->size)
			continue;   /* no such ring: pins of an older sfw */
		sfw_events_lost(rings[i].idx, &r->lost);
		s->v.n_rings++;
	}
}

static void read_ifaces(struct sfw_metrics_scrape *s, int stats_fd)
{
	struct sfw_iface_entry list[SFW_MAX_IFACES];
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES);

	s->ifaces = n > 0 ? calloc((size_t)n, sizeof(*s->ifaces)) : NULL;
	for (int i = 0; s->ifaces && i < n; i++) {
		struct sfw_metrics_iface *m = &s->ifaces[s->v.n_ifaces];

		/* the kernel's name now; the attach-time one if it is gone */
		if (!if_indextoname(list[i].ifindex, m->name))
			snprintf(m->name, sizeof(m->name), "%s", list[i].info.name);
		if (!sfw_iface_counters_read(stats_fd, list[i].info.slot, &m->c))
			s->v.n_ifaces++;
	}
}

struct policy_walk {
	struct sfw_metrics_scrape *s;
	int hits_fd;
	__u64 *percpu;
	int ncpu;
};

static void add_policy(const struct sfw_conf_policy *pol, int seq, bool first, void *arg)
{
	struct policy_walk *w = arg;
	struct sfw_metrics_policy *p = &w->s->policies[w->s->v.n_policies++];
	__u32 idx = pol->index;

	p->from = sfw_policy_zone_column(&pol->match_from, pol->from_zone.name, pol->global);
	p->to = sfw_policy_zone_column(&pol->match_to, pol->to_zone.name, pol->global);
	p->name = pol->name;
	p->hits = 0;
	if (w->hits_fd >= 0 && !bpf_map_lookup_elem(w->hits_fd, &idx, w->percpu))
		for (int c = 0; c < w->ncpu; c++)
			p->hits += w->percpu[c];
}

static void read_policies(struct sfw_metrics_scrape *s, const struct sfw_conf *conf)
{
	struct policy_walk w = { .s = s, .ncpu = libbpf_num_possible_cpus() };
	struct sfw_policy_sel all = { 0 };

	if (!conf || !conf->n_policies || w.ncpu <= 0)
		return;
	s->policies = calloc((size_t)conf->n_policies, sizeof(*s->policies));
	w.percpu = calloc((size_t)w.ncpu, sizeof(*w.percpu));
	w.hits_fd = sfw_open_pin(SFW_STR(SFW_MAP_POL_HITS), true);
	if (s->policies && w.percpu)
		sfw_policies_each(conf, &all, add_policy, &w);
	if (w.hits_fd >= 0)
		close(w.hits_fd);
	free(w.percpu);
}

/* Each configured zone's screen counters, from its interfaces'. */
static void read_screens(struct sfw_metrics_scrape *s, const struct sfw_conf *conf,
			 int stats_fd, __u32 gen)
{
	int zones_fd, ifaces_fd;

	if (!conf || !conf->n_zones)
		return;
	s->screens = calloc((size_t)conf->n_zones, sizeof(*s->screens));
	zones_fd = sfw_open_pin(SFW_STR(SFW_MAP_ZONES), true);
	ifaces_fd = sfw_open_pin(SFW_STR(SFW_MAP_IFACES), true);
	for (int i = 0; s->screens && zones_fd >= 0 && ifaces_fd >= 0 && i < conf->n_zones; i++) {
		struct sfw_screen_report *r = &s->screens[s->v.n_screens];

		r->zone = conf->zones[i].name;
		if (!sfw_screen_stats_collect(zones_fd, ifaces_fd, stats_fd, gen, (__u32)i + 1, r))
			s->v.n_screens++;
	}
	if (zones_fd >= 0)
		close(zones_fd);
	if (ifaces_fd >= 0)
		close(ifaces_fd);
}

static void read_sessions(struct sfw_metrics_scrape *s, const struct sfw_config *cfg)
{
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SESSIONS), true);

	if (!sfw_sess_totals_live(&s->totals))
		s->v.sessions = &s->totals;
	if (fd >= 0) {
		s->v.capacity = max_entries(fd);
		close(fd);
	}
	s->v.limit = cfg ? cfg->max_sessions : 0;
}

void sfw_metrics_read(struct sfw_metrics_scrape *s, const struct sfw_conf *conf)
{
	struct sfw_config cfg;
	bool have_cfg = !sfw_config_read(&cfg);
	int stats_fd = sfw_open_pin(SFW_STR(SFW_MAP_IFACE_STATS), true);

	read_sessions(s, have_cfg ? &cfg : NULL);
	if (stats_fd >= 0) {
		read_ifaces(s, stats_fd);
		read_screens(s, conf, stats_fd, have_cfg ? cfg.gen & 1 : 0);
		close(stats_fd);
	}
	read_policies(s, conf);
	read_rings(s);
	if (!sfw_daemon_info_read(&s->daemon))
		s->v.daemon = &s->daemon;
	s->v.ifaces = s->ifaces;
	s->v.policies = s->policies;
	s->v.screens = s->screens;
	s->v.rings = s->rings;
}

void sfw_metrics_scrape_free(struct sfw_metrics_scrape *s)
{
	free(s->policies);
	free(s->screens);
	free(s->ifaces);
}
