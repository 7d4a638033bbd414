/* What one scrape exports, as plain values: read from the pinned maps by
 * metrics_read.c, written as metric families by metrics_write.c (which
 * tests feed directly). */
#ifndef SFW_CLI_METRICS_VIEW_H
#define SFW_CLI_METRICS_VIEW_H

#include <net/if.h>
#include "counters.h"
#include "daemon.h"
#include "metrics_expo.h"
#include "screen_stats.h"
#include "sess_counts.h"

struct sfw_metrics_iface {
	char name[IF_NAMESIZE];
	struct sfw_iface_stats c;    /* summed over CPUs */
};

struct sfw_metrics_policy {
	const char *from, *to, *name;   /* as `show security policies hit-count` */
	__u64 hits;
};

struct sfw_metrics_ring {
	const char *name;            /* "log", "monitor" */
	__u64 size, used;            /* bytes */
	__u64 lost;                  /* events a full ring refused */
};

/* Sweep passes by duration: bucket[i] counts passes of at most
 * sfw_sweep_bounds[i] seconds (not cumulative; the writer sums). */
#define SFW_SWEEP_BUCKETS 8
extern const double sfw_sweep_bounds[SFW_SWEEP_BUCKETS];
struct sfw_metrics_hist {
	__u64 bucket[SFW_SWEEP_BUCKETS + 1];   /* the last: beyond every bound */
	__u64 count;
	double sum;
};

/* The port's own figures, as of the render (cli/metrics/metrics_http.c):
 * requests answered with the exposition, and renders, fewer when
 * requests share one (SFW_METRICS_FRESH_MS). */
struct sfw_metrics_served {
	__u64 requests, renders;
};

struct sfw_metrics_view {
	const struct sfw_sess_totals *sessions;   /* NULL: no counters to read */
	__u64 limit, capacity;                    /* max-sessions, table size */
	const struct sfw_metrics_iface *ifaces;
	int n_ifaces;
	const struct sfw_metrics_policy *policies;
	int n_policies;
	const struct sfw_screen_report *screens;  /* one per zone */
	int n_screens;
	const struct sfw_metrics_ring *rings;
	int n_rings;
	const struct sfw_daemon_info *daemon;     /* NULL: none published */
	const struct sfw_metrics_hist *sweeps;    /* NULL: not the daemon */
	double collect_s;                         /* reading all this took */
	const struct sfw_metrics_served *served;  /* NULL: not served over HTTP */
};

/* Every family, in a fixed order (docs/metrics.md). */
void sfw_metrics_write(struct sfw_expo *e, const struct sfw_metrics_view *v);

#endif
