/* What a Prometheus scrape costs at 1,000,000 sessions: the exporter's
 * whole rendering of /metrics (cli/metrics.c, the session daemon's thread
 * does exactly this per request), timed in process against one batch walk
 * of the same table, which a scrape must never do (docs/metrics.md). The
 * sessions are written as cli_scale writes them (bench/sfw_fill.h) and
 * counted as the datapath counts its own. */
#define _GNU_SOURCE
#include "sandbox.h"
#include "runcmd.h"
#include "sfw_fill.h"
#include "metrics_int.h"

#define N_SESSIONS 1000000
#define RUNS 21
#define TARGET_MS 10.0   /* "milliseconds": a scrape stays under this */

struct run {
	struct sf_env sfw;
	const char *json_path;
};

static int bench(void *arg)
{
	struct run *r = arg;
	double scrape[RUNS], walk[5], t0;
	struct sfw_metrics *m;
	size_t len = 0;
	char *body;
	FILE *json;

	if (sf_load(&r->sfw) || sf_fill(&r->sfw, N_SESSIONS, 0) || sfw_metrics_new(&m))
		return fprintf(stderr, "metrics_scrape: setup failed: %s\n", sfw_last_error()), 1;
	body = sfw_metrics_render(m, &len);   /* untimed: checked, caches warm */
	if (!body || !strstr(body, "sfw_sessions_active{family=\"inet6\",protocol=\"udp\"}"))
		return fprintf(stderr, "metrics_scrape: no sessions in the scrape\n"), 1;
	free(body);
	for (int i = 0; i < RUNS; i++) {
		t0 = rc_now_s();
		free(sfw_metrics_render(m, &len));
		scrape[i] = rc_now_s() - t0;
	}
	for (int i = 0; i < 5; i++) {
		t0 = rc_now_s();
		if (sf_count(&r->sfw) != N_SESSIONS)
			return fprintf(stderr, "metrics_scrape: the table lost sessions\n"), 1;
		walk[i] = rc_now_s() - t0;
	}
	sfw_metrics_free(m);
	double s = rc_median(scrape, RUNS) * 1e3, w = rc_median(walk, 5) * 1e3;

	printf("metrics scrape at %d sessions: %.3f ms (median of %d, %zu bytes); "
	       "a batch walk of the table: %.1f ms; target under %.0f ms: %s\n", N_SESSIONS, s,
	       RUNS, len, w, TARGET_MS, s < TARGET_MS ? "met" : "MISSED");
	json = fopen(r->json_path, "w");
	if (!json)
		return perror(r->json_path), 1;
	fprintf(json, "{\"benchmark\": \"metrics_scrape\", \"sessions\": %d, \"runs\": %d, "
		"\"scrape_ms\": %.4f, \"scrape_bytes\": %zu, \"walk_ms\": %.2f, "
		"\"target_ms\": %.1f, \"met\": %s}\n", N_SESSIONS, RUNS, s, len, w, TARGET_MS,
		s < TARGET_MS ? "true" : "false");
	return fclose(json) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct run r;

	r.json_path = argc > 1 ? argv[1] : "build/bench/metrics_scrape.json";
	return sb_run(N_SESSIONS, bench, &r);
}
