/* What a Prometheus scrape costs at 1,000,000 sessions, against what a
 * scrape must never do and what an operator already runs:
 *
 * - render: the exporter's whole rendering of /metrics (cli/metrics/metrics.c,
 *   what the daemon's thread does per request), in process;
 * - http: a whole scrape as Prometheus makes it, GET /metrics over
 *   loopback TCP to the exporter served as the daemon serves it (its tick,
 *   poll and run, in a child process) and the body read to its end, each
 *   one rendered anew (they are SFW_METRICS_FRESH_MS apart);
 * - summary: `sfw show security flow session summary`, the command the
 *   scrape's session figures agree with, run as a user runs it (process
 *   start included), its count checked: the baseline of the same run;
 * - walk: one batch walk of the table, which a scrape never does.
 *
 * The sessions are written as cli_scale writes them (bench/sfw_fill.h) and
 * counted as the datapath counts its own; the active configuration names
 * two zones and POLICIES policies, so the scrape has hit counts to write. */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "sandbox.h"
#include "runcmd.h"
#include "sfw_fill.h"
#include "metrics_int.h"

#define N_SESSIONS 1000000
#define RUNS 21
#define POLICIES 100
#define PORT 9660
#define TARGET_MS 10.0   /* "milliseconds": a scrape stays under this */

struct run {
	struct sf_env sfw;
	char sfw_path[512];
	const char *json_path;
};

/* The active configuration the exporter reads: prometheus on, two zones
 * on the bench's interfaces, POLICIES policies between them. */
static char conf_dir[] = "/tmp/sfw-bench-conf-XXXXXX";

static int write_conf(void)
{
	char path[PATH_MAX];
	FILE *f;

	if (!mkdtemp(conf_dir))
		return perror("metrics_scrape: mkdtemp"), -1;
	setenv("SFW_CONF_DIR", conf_dir, 1);
	if (sfw_conf_active_path(path, sizeof(path)) || !(f = fopen(path, "w")))
		return fprintf(stderr, "metrics_scrape: cannot write %s\n", path), -1;
	fprintf(f, "set system services prometheus port %d\n"
		"set security zones security-zone trust interfaces sfwb0a\n"
		"set security zones security-zone untrust interfaces sfwb1a\n", PORT);
	for (int i = 0; i < POLICIES; i++)
		fprintf(f, "set security policies from-zone trust to-zone untrust policy p%d match "
			"source-address any destination-address any application any\n"
			"set security policies from-zone trust to-zone untrust policy p%d then "
			"permit\n", i, i);
	return fclose(f) ? -1 : 0;
}

/* The exporter served as the daemon serves it, until killed. */
static void serve(void)
{
	struct sfw_metrics *m;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (sfw_metrics_new(&m))
		_exit(1);
	for (;;) {
		struct pollfd p = { .fd = -1, .events = POLLIN };

		sfw_metrics_tick(m);
		p.fd = sfw_metrics_fd(m);
		poll(&p, 1, sfw_metrics_wait_ms(m, SFW_METRICS_TICK_MS));
		sfw_metrics_run(m);
	}
}

/* One scrape over HTTP: seconds, or -1; the body's length in *len. */
static double http_scrape(size_t *len, char *head, size_t head_len)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				  "Connection: close\r\n\r\n";
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	double t0 = rc_now_s();
	char buf[65536];
	size_t got = 0;
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (head && got < head_len - 1) {
			size_t k = (size_t)n < head_len - 1 - got ? (size_t)n : head_len - 1 - got;

			memcpy(head + got, buf, k);
			head[got + k] = '\0';
		}
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return n < 0 ? -1 : rc_now_s() - t0;
}

/* Until the child listens: at most 5 s. */
static int wait_served(void)
{
	char head[256];
	size_t len;

	for (int i = 0; i < 100; i++) {
		if (http_scrape(&len, head, sizeof(head)) >= 0 && strstr(head, " 200 "))
			return 0;
		usleep(50000);
	}
	return fprintf(stderr, "metrics_scrape: the exporter never served\n"), -1;
}

/* sfw's words after the binary (argv[0], found beside this bench). */
static const char *const summary_words[] = { "show", "security", "flow", "session", "summary" };
#define N_WORDS (sizeof(summary_words) / sizeof(summary_words[0]))

static double summary_once(const struct run *r, int check)
{
	char *argv[N_WORDS + 2], buf[8192];
	double t;

	argv[0] = (char *)r->sfw_path;
	for (size_t i = 0; i < N_WORDS; i++)
		argv[i + 1] = (char *)summary_words[i];
	argv[N_WORDS + 1] = NULL;

	if (!check)
		return rc_run_null(argv);
	t = rc_run_capture(argv, buf, sizeof(buf));
	if (t < 0 || !strstr(buf, "Sessions-in-use: 1000000\n"))
		return fprintf(stderr, "metrics_scrape: the summary said: %s\n", buf), -1;
	return t;
}

struct figures {
	double render, http, summary, walk;
	size_t bytes;
};

static int measure(struct run *r, struct figures *f)
{
	double render[RUNS], http[RUNS], summary[RUNS], walk[5], t0;
	struct sfw_metrics *m;
	size_t len = 0;
	char *body;

	if (sfw_metrics_new(&m))
		return -1;
	body = sfw_metrics_render(m, &len);   /* untimed: checked, caches warm */
	if (!body || !strstr(body, "sfw_sessions_active{family=\"inet6\",protocol=\"udp\"}"))
		return fprintf(stderr, "metrics_scrape: no sessions in the scrape\n"), -1;
	free(body);
	for (int i = 0; i < RUNS; i++) {
		t0 = rc_now_s();
		free(sfw_metrics_render(m, &len));
		render[i] = rc_now_s() - t0;
	}
	sfw_metrics_free(m);
	if (summary_once(r, 1) < 0)
		return -1;
	for (int i = 0; i < RUNS; i++) {
		/* past the render's freshness, as Prometheus's scrapes every
		 * 15 s are: each scrape a render of its own, not the last one's
		 * answer given again (cli/metrics/metrics_http.c) */
		usleep((SFW_METRICS_FRESH_MS + 20) * 1000);
		http[i] = http_scrape(&f->bytes, NULL, 0);
		summary[i] = summary_once(r, 0);
		if (http[i] < 0 || summary[i] < 0)
			return fprintf(stderr, "metrics_scrape: a scrape or summary failed\n"), -1;
	}
	for (int i = 0; i < 5; i++) {
		t0 = rc_now_s();
		if (sf_count(&r->sfw) != N_SESSIONS)
			return fprintf(stderr, "metrics_scrape: the table lost sessions\n"), -1;
		walk[i] = rc_now_s() - t0;
	}
	f->render = rc_median(render, RUNS) * 1e3;
	f->http = rc_median(http, RUNS) * 1e3;
	f->summary = rc_median(summary, RUNS) * 1e3;
	f->walk = rc_median(walk, 5) * 1e3;
	return 0;
}

static int bench(void *arg)
{
	struct run *r = arg;
	struct figures f = { 0 };
	pid_t server;
	FILE *json;
	int err;

	if (sf_load(&r->sfw) || sf_fill(&r->sfw, N_SESSIONS, 0) || write_conf())
		return fprintf(stderr, "metrics_scrape: setup failed: %s\n", sfw_last_error()), 1;
	fflush(NULL);
	server = fork();
	if (server == 0)
		serve();
	err = server < 0 || wait_served() || measure(r, &f);
	if (server > 0) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
	}
	if (getenv("SFW_CONF_DIR")) {   /* ours: the configuration written */
		char path[PATH_MAX];

		if (!sfw_conf_active_path(path, sizeof(path)))
			unlink(path);
		rmdir(conf_dir);
	}
	if (err)
		return 1;
	printf("metrics scrape at %d sessions (%d policies), median of %d, ms:\n"
	       "  render %.3f; HTTP GET /metrics %.3f (%zu bytes);\n"
	       "  sfw show security flow session summary %.3f (scrape/summary %.2fx);\n"
	       "  a batch walk of the table %.1f; target: a scrape under %.0f ms: %s\n",
	       N_SESSIONS, POLICIES, RUNS, f.render, f.http, f.bytes, f.summary,
	       f.http / f.summary, f.walk, TARGET_MS, f.http < TARGET_MS ? "met" : "MISSED");
	json = fopen(r->json_path, "w");
	if (!json)
		return perror(r->json_path), 1;
	fprintf(json, "{\"benchmark\": \"metrics_scrape\", \"sessions\": %d, \"policies\": %d, "
		"\"runs\": %d, \"render_ms\": %.4f, \"http_scrape_ms\": %.4f, "
		"\"scrape_bytes\": %zu, \"summary_ms\": %.4f, \"scrape_over_summary\": %.3f, "
		"\"walk_ms\": %.2f, \"target_ms\": %.1f, \"met\": %s}\n", N_SESSIONS, POLICIES,
		RUNS, f.render, f.http, f.bytes, f.summary, f.http / f.summary, f.walk, TARGET_MS,
		f.http < TARGET_MS ? "true" : "false");
	return fclose(json) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct run r;
	char self[512];

	r.json_path = argc > 1 ? argv[1] : "build/bench/metrics_scrape.json";
	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(r.sfw_path, sizeof(r.sfw_path), "%s/../sfw", dirname(self));
	if (access(r.sfw_path, X_OK))
		return fprintf(stderr, "metrics_scrape: %s not found (make all)\n", r.sfw_path), 1;
	return sb_run(N_SESSIONS, bench, &r);
}
