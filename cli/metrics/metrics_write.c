/* sfw's metric families (docs/metrics.md), from a view: names after
 * node_exporter and Cilium (sfw_ prefix, _total counters, base units);
 * label values from sfw's own lists (include/counters.h, events.h,
 * session.h, protocols.h), so there is one definition of each. */
#include <string.h>
#include "events.h"
#include "metrics_view.h"
#include "protocols.h"
#include "session.h"
#include "values.h"

const double sfw_sweep_bounds[SFW_SWEEP_BUCKETS] = {
	0.001, 0.005, 0.025, 0.1, 0.25, 1, 2.5, 10,
};

#define LBL(n, v) ((struct sfw_label){ (n), (v) })

static const struct {
	enum sfw_counter_group grp;
	const char *key;
} counter_info[SFW_CNT_COUNT] = {
#define SFW_X(id, grp, label, key) [SFW_CNT_##id] = { grp, key },
	SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
};

/* A drop reason: an outcome (include/counters.h) other than permitted or
 * passed untracked. */
static bool is_drop(int id)
{
	return SFW_COUNTER_IS_DROP(id, counter_info[id].grp);
}

static const char *const tcp_state_words[SFW_TCP_STATE_COUNT] = {
#define SFW_X(name, label) #name,
	SFW_TCP_STATE_LIST(SFW_X)
#undef SFW_X
};

static const char *const close_words[SFW_CLOSE_COUNT] = {
#define SFW_X(id, text, word) word,
	SFW_CLOSE_REASON_LIST(SFW_X)
#undef SFW_X
};

/* Protocols always exported, even at zero, so that dashboards find them. */
static bool always(int fam, int proto)
{
	return proto == SFW_IPPROTO_TCP || proto == SFW_IPPROTO_UDP ||
	       proto == (fam ? SFW_IPPROTO_ICMP6 : SFW_IPPROTO_ICMP);
}

static void sessions_active(struct sfw_expo *e, const struct sfw_sess_totals *t)
{
	char num[4], buf[32];

	sfw_expo_family(e, "sfw_sessions_active", "gauge",
			"Sessions in the table, by family and protocol (Sessions-in-use).");
	for (int fam = 0; fam < 2; fam++)
		for (int p = 0; p < 256; p++) {
			const char *name = sfw_proto_name((__u8)p);
			struct sfw_label l[2] = { LBL("family", fam ? "inet6" : "inet"),
						  LBL("protocol", name ? name : num) };

			if (!t->active[fam][p] && !always(fam, p))
				continue;
			snprintf(num, sizeof(num), "%d", p);   /* a protocol with no name */
			sfw_expo_u64(e, "sfw_sessions_active", l, 2, t->active[fam][p]);
		}
	sfw_expo_family(e, "sfw_tcp_sessions_active", "gauge", "TCP sessions by TCP state.");
	for (int s = 1; s < SFW_TCP_STATE_COUNT; s++) {
		struct sfw_label l = LBL("state", sfw_expo_snake(tcp_state_words[s], buf,
								   sizeof(buf)));

		sfw_expo_u64(e, "sfw_tcp_sessions_active", &l, 1, t->tcp[s]);
	}
	sfw_expo_family(e, "sfw_sessions_invalidated", "gauge",
			"Sessions ended (Invalidated) but not yet removed.");
	sfw_expo_u64(e, "sfw_sessions_invalidated", NULL, 0, t->invalidated);
	sfw_expo_family(e, "sfw_sessions_multicast", "gauge",
			"Sessions to a multicast address (Multicast-sessions).");
	sfw_expo_u64(e, "sfw_sessions_multicast", NULL, 0, t->multicast);
	sfw_expo_family(e, "sfw_sessions_counters_partial", "gauge",
			"1 while the session counters may miss sessions made by an older "
			"version (until sfw reload).");
	sfw_expo_u64(e, "sfw_sessions_counters_partial", NULL, 0, t->partial);
}

static void sessions_totals(struct sfw_expo *e, const struct sfw_sess_totals *t)
{
	char buf[32];

	sfw_expo_family(e, "sfw_sessions_created_total", "counter", "Sessions created.");
	sfw_expo_u64(e, "sfw_sessions_created_total", NULL, 0, t->created);
	sfw_expo_family(e, "sfw_sessions_closed_total", "counter",
			"Sessions ended, by close reason.");
	for (int r = SFW_CLOSE_NONE + 1; r < SFW_CLOSE_COUNT; r++) {
		struct sfw_label l = LBL("reason", sfw_expo_snake(close_words[r], buf, sizeof(buf)));

		/* table-full closes a session that never was (a drop, No more
		 * sessions): nothing was created to close */
		if (r != SFW_CLOSE_TABLE_FULL)
			sfw_expo_u64(e, "sfw_sessions_closed_total", &l, 1, t->closed[r]);
	}
}

static void sessions(struct sfw_expo *e, const struct sfw_metrics_view *v)
{
	if (v->sessions) {
		sessions_active(e, v->sessions);
		sessions_totals(e, v->sessions);
	}
	sfw_expo_family(e, "sfw_sessions_limit", "gauge",
			"New sessions are refused beyond this many (max-sessions).");
	sfw_expo_u64(e, "sfw_sessions_limit", NULL, 0, v->limit);
	sfw_expo_family(e, "sfw_sessions_capacity", "gauge", "Entries the session table has.");
	sfw_expo_u64(e, "sfw_sessions_capacity", NULL, 0, v->capacity);
}

/* Permitted packets or bytes of each interface, by direction. */
static void permitted(struct sfw_expo *e, const struct sfw_metrics_view *v, bool bytes)
{
	const char *name = bytes ? "sfw_permitted_bytes_total" : "sfw_permitted_packets_total";

	sfw_expo_family(e, name, "counter", bytes ?
			"Bytes (layer 3) of permitted packets, by interface and direction." :
			"Permitted packets, by interface and direction.");
	for (int i = 0; i < v->n_ifaces; i++) {
		const __u64 *c = v->ifaces[i].c.c;
		struct sfw_label in[2] = { LBL("interface", v->ifaces[i].name),
					   LBL("direction", "in") };
		struct sfw_label out[2] = { in[0], LBL("direction", "out") };

		sfw_expo_u64(e, name, in, 2, bytes ? c[SFW_CNT_IN_PERMITTED_BYTES] :
				 c[SFW_CNT_LOCAL_IN_PKTS] + c[SFW_CNT_TRANSIT_IN_PKTS]);
		sfw_expo_u64(e, name, out, 2, bytes ? c[SFW_CNT_OUT_PERMITTED_BYTES] :
				 c[SFW_CNT_LOCAL_OUT_PKTS] + c[SFW_CNT_TRANSIT_OUT_PKTS]);
	}
}

static void drops(struct sfw_expo *e, const struct sfw_metrics_view *v)
{
	char buf[64];

	sfw_expo_family(e, "sfw_dropped_packets_total", "counter",
			"Dropped packets, by interface and reason (show interfaces "
			"flow-statistics).");
	for (int i = 0; i < v->n_ifaces; i++)
		for (int id = 0; id < SFW_CNT_COUNT; id++) {
			struct sfw_label l[2] = {
				LBL("interface", v->ifaces[i].name),
				LBL("reason", sfw_expo_snake(counter_info[id].key, buf, sizeof(buf))),
			};

			if (is_drop(id))
				sfw_expo_u64(e, "sfw_dropped_packets_total", l, 2,
					     v->ifaces[i].c.c[id]);
		}
	sfw_expo_family(e, "sfw_untracked_packets_total", "counter",
			"Packets passed without a session (not IP, or not for the firewall).");
	for (int i = 0; i < v->n_ifaces; i++) {
		struct sfw_label l = LBL("interface", v->ifaces[i].name);

		sfw_expo_u64(e, "sfw_untracked_packets_total", &l, 1,
			     v->ifaces[i].c.c[SFW_CNT_SFW_UNTRACKED_PKTS]);
	}
}

static void policies(struct sfw_expo *e, const struct sfw_metrics_view *v)
{
	sfw_expo_family(e, "sfw_policy_hits_total", "counter",
			"First packets that matched each policy (show security policies "
			"hit-count).");
	for (int i = 0; i < v->n_policies; i++) {
		const struct sfw_metrics_policy *p = &v->policies[i];
		struct sfw_label l[3] = { LBL("from_zone", p->from), LBL("to_zone", p->to),
					  LBL("policy", p->name) };

		sfw_expo_u64(e, "sfw_policy_hits_total", l, 3, p->hits);
	}
}

/* screen: the JSON key of show security screen statistics, snake_cased
 * (cli/iface/screen_stats.h). */
static void screens(struct sfw_expo *e, const struct sfw_metrics_view *v)
{
	char buf[64];

	sfw_expo_family(e, "sfw_screen_hits_total", "counter",
			"Packets each screen stopped, by zone (show security screen statistics).");
	for (int i = 0; i < v->n_screens; i++)
		for (int k = 0; k < SFW_SCREEN_STAT_COUNT; k++) {
			struct sfw_label l[2] = {
				LBL("zone", v->screens[i].zone),
				LBL("screen", sfw_expo_snake(sfw_screen_stat_key[k], buf, sizeof(buf))),
			};

			sfw_expo_u64(e, "sfw_screen_hits_total", l, 2, v->screens[i].n[k]);
		}
}

static void rings(struct sfw_expo *e, const struct sfw_metrics_view *v)
{
	static const struct { const char *name, *help; } fam[3] = {
		{ "sfw_events_lost_total", "Session events a full ring refused." },
		{ "sfw_ring_used_bytes", "Bytes written to an event ring and not yet read." },
		{ "sfw_ring_size_bytes", "Size of an event ring." },
	};

	for (int f = 0; f < 3; f++) {
		sfw_expo_family(e, fam[f].name, f ? "gauge" : "counter", fam[f].help);
		for (int i = 0; i < v->n_rings; i++) {
			const struct sfw_metrics_ring *r = &v->rings[i];
			struct sfw_label l = LBL("ring", r->name);

			sfw_expo_u64(e, fam[f].name, &l, 1, f == 0 ? r->lost : f == 1 ? r->used : r->size);
		}
	}
}

static void sweep_histogram(struct sfw_expo *e, const struct sfw_metrics_hist *h)
{
	const char *name = "sfw_sweeper_pass_duration_seconds";
	char le[32];
	__u64 cum = 0;

	sfw_expo_family(e, name, "histogram", "How long the sweeper's passes over the "
			"session table took.");
	for (int i = 0; i <= SFW_SWEEP_BUCKETS; i++) {
		struct sfw_label l = LBL("le", le);

		cum += h->bucket[i];
		if (i < SFW_SWEEP_BUCKETS)
			snprintf(le, sizeof(le), "%g", sfw_sweep_bounds[i]);
		else
			snprintf(le, sizeof(le), "+Inf");
		sfw_expo_u64(e, "sfw_sweeper_pass_duration_seconds_bucket", &l, 1, cum);
	}
	sfw_expo_f64(e, "sfw_sweeper_pass_duration_seconds_sum", NULL, 0, h->sum);
	sfw_expo_u64(e, "sfw_sweeper_pass_duration_seconds_count", NULL, 0, h->count);
}

static void daemon_figures(struct sfw_expo *e, const struct sfw_metrics_view *v)
{
	const struct sfw_daemon_info *d = v->daemon;

	if (v->sweeps)
		sweep_histogram(e, v->sweeps);
	if (!d)
		return;
	sfw_expo_family(e, "sfw_sweeper_removed_sessions_total", "counter",
			"Expired sessions the sweeper removed.");
	sfw_expo_u64(e, "sfw_sweeper_removed_sessions_total", NULL, 0, d->removed);
	sfw_expo_family(e, "sfw_sweeper_wakeups_total", "counter",
			"Passes brought forward because the table refused a session.");
	sfw_expo_u64(e, "sfw_sweeper_wakeups_total", NULL, 0, d->wakes);
	sfw_expo_family(e, "sfw_sweeper_interval_seconds", "gauge",
			"The wait the sweeper chose after its last pass.");
	sfw_expo_f64(e, "sfw_sweeper_interval_seconds", NULL, 0, d->interval_ms / 1000.0);
	sfw_expo_family(e, "sfw_log_events_written_total", "counter",
			"Session events written to the log sinks.");
	sfw_expo_u64(e, "sfw_log_events_written_total", NULL, 0, d->log_written);
	sfw_expo_family(e, "sfw_log_events_undelivered_total", "counter",
			"Log lines a sink refused (syslog unreachable, disk full).");
	sfw_expo_u64(e, "sfw_log_events_undelivered_total", NULL, 0, d->log_failed);
}

void sfw_metrics_write(struct sfw_expo *e, const struct sfw_metrics_view *v)
{
	sessions(e, v);
	permitted(e, v, false);
	permitted(e, v, true);
	drops(e, v);
	policies(e, v);
	screens(e, v);
	rings(e, v);
	daemon_figures(e, v);
	sfw_expo_family(e, "sfw_scrape_collect_duration_seconds", "gauge",
			"How long reading the figures of this scrape took.");
	sfw_expo_f64(e, "sfw_scrape_collect_duration_seconds", NULL, 0, v->collect_s);
	if (!v->served)
		return;
	sfw_expo_family(e, "sfw_scrape_requests_total", "counter",
			"Requests answered with this exposition, up to this render.");
	sfw_expo_u64(e, "sfw_scrape_requests_total", NULL, 0, v->served->requests);
	sfw_expo_family(e, "sfw_scrape_renders_total", "counter",
			"Renders of the exposition: requests while one is fresh share it.");
	sfw_expo_u64(e, "sfw_scrape_renders_total", NULL, 0, v->served->renders);
}
