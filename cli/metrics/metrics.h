/* Prometheus metrics, served by the session daemon (docs/metrics.md):
 * the text exposition of sfw's counters at http://ADDRESS:PORT/metrics
 * while the active configuration has `set system services prometheus`
 * (127.0.0.1:9660 unless `address` / `port` say otherwise; off without
 * it). A scrape reads counters only, never the session table.
 *
 * The daemon drives it from its one thread: sfw_metrics_tick() once per
 * loop follows the configuration, sfw_metrics_run() serves connections
 * when sfw_metrics_fd() polls readable (and between sweep steps), so a
 * scrape never races the sweeper or the log. */
#ifndef SFW_CLI_METRICS_H
#define SFW_CLI_METRICS_H

#include <stdio.h>
#include <linux/types.h>

struct sfw_metrics;
struct sfw_json;

/* Nothing is served until a tick finds it configured. 0, -ENOMEM, or
 * SFW_ELAYOUT (loader.h) when a pin that is not sfw's sits at the status
 * map's name: refused with one line saying to remove it by hand, since
 * the daemon would otherwise have to remove it to publish. */
int sfw_metrics_new(struct sfw_metrics **out);
void sfw_metrics_free(struct sfw_metrics *m);

/* Follows the active configuration: starts, moves or stops the listener
 * (one stat() when nothing changed). A listener that cannot be had (port
 * in use, address not local) is reported once on stderr, shown by `sfw
 * status`, and retried every SFW_METRICS_RETRY_S seconds; the daemon goes
 * on sweeping either way. */
#define SFW_METRICS_RETRY_S 10
void sfw_metrics_tick(struct sfw_metrics *m);
/* Readable when a connection needs serving; -1 while nothing is served. */
int sfw_metrics_fd(const struct sfw_metrics *m);
/* Serves whatever is pending without blocking. */
void sfw_metrics_run(struct sfw_metrics *m);
/* How long the daemon may wait before sfw_metrics_run() is due again
 * (connection timeouts), at most max ms. */
int sfw_metrics_wait_ms(const struct sfw_metrics *m, int max);
/* One sweep pass took ns (the pass-duration histogram). */
void sfw_metrics_observe_sweep(struct sfw_metrics *m, __u64 ns);

/* `sfw status`: what the daemon published about its listener (the pinned
 * SFW_MAP_METRICS); nothing when it never served. */
void sfw_metrics_status_text(FILE *f);
void sfw_metrics_status_json(struct sfw_json *j);

#endif
