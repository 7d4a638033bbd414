/* Inside the metrics module (cli/metrics*.c): the exporter's state, the
 * status it publishes for `sfw status`, and the parts' entry points. */
#ifndef SFW_CLI_METRICS_INT_H
#define SFW_CLI_METRICS_INT_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "conf.h"
#include "metrics.h"
#include "metrics_view.h"

/* Published in the pinned SFW_MAP_METRICS (include/maps.h), a map the
 * daemon makes itself when it first serves: only user space uses it. */
enum sfw_metrics_state {
	SFW_METRICS_OFF = 0,
	SFW_METRICS_SERVING,
	SFW_METRICS_FAILED,       /* configured, not served: see error */
};

struct sfw_metrics_info {
	__u32 state;              /* enum sfw_metrics_state */
	__u32 pad;
	__u64 scrapes;
	__u64 last_scrape_ns;     /* how long the last scrape took */
	char listen[64];          /* "127.0.0.1:9660", "[::1]:9660" */
	char error[160];          /* why it is not served */
};

/* Where to listen: what the configuration asks for. */
struct sfw_metrics_addr {
	bool on;
	struct sockaddr_storage sa;
	socklen_t len;
	char text[64];
};

/* How often the configuration is looked at (one stat): a commit is
 * served, moved or stopped within this. */
#define SFW_METRICS_TICK_MS 250

/* How long a rendered /metrics answer is given again to every request
 * instead of a render of its own (docs/metrics.md, "How it is served"):
 * any client that reaches the port could otherwise make the daemon render
 * (2.3 ms at 1,000 policies) as fast as it asks, on the CPUs the datapath
 * runs on; with this, at most two renders a second whatever the requests,
 * and a scrape still sees counters less than about a second old. */
#define SFW_METRICS_FRESH_MS 500

struct MHD_Daemon;
struct MHD_Connection;
struct MHD_Response;
struct sfw_metrics;

/* One HTTP connection and the time it is shut down at: libmicrohttpd's
 * own timeout is an idle one, which a client trickling a byte at a time
 * never meets (metrics_http.c). */
struct sfw_http_conn {
	struct MHD_Connection *c;
	__u64 since_ms;           /* accepted, or its request in (CLOCK_MONOTONIC) */
	__u64 deadline_ms;
	bool answering;           /* its request arrived whole */
	bool shut;                /* shut down: libmicrohttpd closes it next */
	struct sfw_http_conn *next;   /* the list is newest first */
};
/* The body of /metrics (malloc'd) and its length; NULL when out of memory. */
typedef char *(*sfw_metrics_render_fn)(struct sfw_metrics *m, size_t *len);

struct sfw_metrics {
	/* the active configuration, parsed again when its file changes */
	struct sfw_conf conf;
	bool have_conf;
	struct stat conf_st;
	bool conf_bad;            /* its last reading failed (reported once) */
	struct sfw_metrics_addr want, have;
	struct MHD_Daemon *mhd;
	sfw_metrics_render_fn render;   /* what a scrape gets (metrics.c) */
	/* the last render's answer, given again while fresh (metrics_http.c):
	 * one reference of ours, one per connection still sending it */
	struct MHD_Response *answer;
	__u64 answer_ms;          /* when its render ended (CLOCK_MONOTONIC) */
	__u64 failed_ms;          /* when a render last failed, 0: the last did not */
	/* for the exposition, for the daemon's life (info.scrapes, which
	 * status shows, starts again with each listener) */
	__u64 requests;           /* answered with the exposition */
	__u64 renders;            /* of it: fewer, requests share one */
	__u64 published;          /* info.scrapes as last published */
	int epoll_fd;             /* MHD's: readable when it has work */
	struct sfw_http_conn *conns;   /* open HTTP connections */
	bool crowded;             /* more open than HTTP_HELD_MAX, none late enough to shut */
	bool freed;               /* the last run closed connections: run again */
	__u64 retry_at_ms;
	__u64 tick_at_ms;         /* the next look at the configuration */
	struct sfw_metrics_hist sweeps;
	struct sfw_metrics_info info;
	int info_fd;
	bool status_refused;      /* a pin not sfw's at its name (reported once) */
};

/* One scrape's figures (metrics_read.c). */
struct sfw_metrics_scrape {
	struct sfw_metrics_view v;
	struct sfw_sess_totals totals;
	struct sfw_daemon_info daemon;
	struct sfw_metrics_iface *ifaces;
	struct sfw_metrics_policy *policies;
	struct sfw_screen_report *screens;
	struct sfw_metrics_ring rings[2];
};
/* conf: the active configuration (policy and zone names), or NULL. */
void sfw_metrics_read(struct sfw_metrics_scrape *s, const struct sfw_conf *conf);
void sfw_metrics_scrape_free(struct sfw_metrics_scrape *s);

/* The HTTP side (metrics_http.c): a transport serving GET /metrics with
 * what render returns. Listens on a; 0, or a negative errno with the
 * reason in buf. */
int sfw_metrics_http_start(struct sfw_metrics *m, const struct sfw_metrics_addr *a,
			   sfw_metrics_render_fn render, char *buf, size_t len);
void sfw_metrics_http_stop(struct sfw_metrics *m);
/* Drops our reference to the last render's answer (each connection still
 * sending it keeps its own); _stale only once it is no longer given again,
 * so that an idle daemon holds no copy of a big exposition. */
void sfw_metrics_http_forget(struct sfw_metrics *m);
void sfw_metrics_http_forget_stale(struct sfw_metrics *m);
/* A scrape's body (metrics.c): the render of sfw_metrics_http_start. */
char *sfw_metrics_render(struct sfw_metrics *m, size_t *len);

/* "ADDRESS:PORT" of the configuration (metrics.c). */
int sfw_metrics_addr_of(const struct sfw_conf *conf, struct sfw_metrics_addr *a);
/* Publishes m->info (sfw status); reads what the daemon published
 * (-ENOENT: it never served). */
void sfw_metrics_publish(struct sfw_metrics *m);
int sfw_metrics_status_read(struct sfw_metrics_info *out);

#endif
