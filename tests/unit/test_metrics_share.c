/* Renders shared between requests (cli/metrics/metrics_http.c): every
 * request to the metrics port cost a render of its own, so any client
 * that reached it could make the daemon render as fast as it asked. The
 * real transport serves loopback here, with a render that counts its
 * calls and says its number in the body: a burst of requests is answered
 * from a render or two, a request once the render is SFW_METRICS_FRESH_MS
 * old gets a new one, and an answer still being sent when a new render
 * replaces it arrives whole. Counts, not durations: the burst's bound
 * allows one render per interval the burst took, however slow the run. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "clock.h"
#include "metrics_int.h"

#define BURST 40          /* under the 48 past which connections are shut */

static int renders;
/* Bigger than one send: answers go out in pieces. The kernel takes up to
 * tcp_wmem's 4 MiB, and the client's receive buffer, for a peer that reads
 * nothing (loopback's autotuning): an answer still being sent when the
 * next render replaces it must be bigger. */
static size_t pad = 100000;

static bool fail_render;   /* as out of memory would */

static char *counting_render(struct sfw_metrics *m, size_t *len)
{
	char *body = fail_render ? NULL : malloc(pad + 32);
	int n;

	(void)m;
	if (fail_render)
		renders++;
	if (!body)
		return NULL;
	n = snprintf(body, 32, "render %d\n", ++renders);
	memset(body + n, 'x', pad);
	*len = (size_t)n + pad;
	return body;
}

struct client {
	int fd;
	char *got;
	size_t len, cap;
	bool done;
};

static struct sfw_metrics *serve(struct sfw_metrics_addr *a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->sa;
	struct sfw_metrics *m = calloc(1, sizeof(*m));
	socklen_t len = sizeof(*sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char why[160];

	cr_assert(m && fd >= 0);
	/* a free port: the kernel's pick for a socket closed again */
	memset(a, 0, sizeof(*a));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)sin, &len), 0);
	close(fd);
	a->on = true;
	a->len = sizeof(*sin);
	snprintf(a->text, sizeof(a->text), "127.0.0.1:%u", ntohs(sin->sin_port));
	m->epoll_fd = m->info_fd = -1;
	renders = 0;
	cr_assert_eq(sfw_metrics_http_start(m, a, counting_render, why, sizeof(why)), 0, "%s",
		     why);
	return m;
}

static void ask_with(struct client *c, const struct sfw_metrics_addr *a, const char *req)
{
	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(c->fd >= 0);
	cr_assert_eq(connect(c->fd, (const struct sockaddr *)&a->sa, a->len), 0, "%s",
		     strerror(errno));
	cr_assert_eq(send(c->fd, req, strlen(req), 0), (ssize_t)strlen(req));
}

static void ask(struct client *c, const struct sfw_metrics_addr *a)
{
	ask_with(c, a, "GET /metrics HTTP/1.0\r\n\r\n");
}

/* Takes what has arrived; true once the server closed. */
static bool take(struct client *c)
{
	char buf[65536];
	ssize_t n;

	if (c->done)
		return true;
	while ((n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT)) != 0) {
		if (n < 0) {
			cr_assert(errno == EAGAIN, "recv: %s after %zu bytes", strerror(errno), c->len);
			return false;
		}
		/* doubling: 12 MiB taken 64 KiB at a time, copied a few times */
		if (c->len + (size_t)n + 1 > c->cap) {
			c->cap = 2 * (c->len + (size_t)n + 1);
			c->got = realloc(c->got, c->cap);
			cr_assert(c->got);
		}
		memcpy(c->got + c->len, buf, (size_t)n);
		c->len += (size_t)n;
		c->got[c->len] = '\0';
	}
	c->done = true;
	close(c->fd);
	return true;
}

/* Runs the server until every client has its whole answer. */
static void serve_all(struct sfw_metrics *m, struct client *c, int n)
{
	struct pollfd p = { .fd = sfw_metrics_fd(m), .events = POLLIN };
	int left = n;

	for (int turn = 0; left > 0; turn++) {
		cr_assert_lt(turn, 100000, "%d answers never ended", left);
		poll(&p, 1, 10);
		sfw_metrics_run(m);
		left = 0;
		for (int i = 0; i < n; i++)
			left += !take(&c[i]);
	}
}

/* The body of a whole 200 answer: "render N\n" and the padding. */
static int render_of(const struct client *c)
{
	const char *body = strstr(c->got ? c->got : "", "\r\n\r\n");
	int n = -1;

	cr_assert(c->got && !strncmp(c->got, "HTTP/1.", 7) && strstr(c->got, " 200 "),
		  "not a 200: %.200s", c->got ? c->got : "(nothing)");
	cr_assert(body && sscanf(body + 4, "render %d\n", &n) == 1, "body: %.200s", c->got);
	body = strchr(body + 4, '\n') + 1;
	cr_assert_eq(strlen(body), pad, "answer %d not whole", n);
	cr_assert_eq(strspn(body, "x"), pad, "answer %d: freed under its connection", n);
	return n;
}

static void stop(struct sfw_metrics *m)
{
	sfw_metrics_http_stop(m);
	free(m);
}

Test(metrics_share, a_burst_of_requests_costs_a_render_or_two)
{
	struct sfw_metrics_addr a;
	struct sfw_metrics *m = serve(&a);
	struct client c[BURST], late;
	__u64 t0 = sfw_mono_ms(), took;
	int bound;

	for (int i = 0; i < BURST; i++)
		ask(&c[i], &a);
	serve_all(m, c, BURST);
	took = sfw_mono_ms() - t0;
	/* one render, and one more each time the burst outlived a render */
	bound = 1 + (int)(took / SFW_METRICS_FRESH_MS) + 1;
	cr_assert_lt(bound, BURST / 4, "the burst took %llu ms: too slow to tell",
		     (unsigned long long)took);
	cr_assert_leq(renders, bound, "%d renders for %d requests in %llu ms", renders, BURST,
		      (unsigned long long)took);
	for (int i = 0; i < BURST; i++) {
		cr_assert_leq(render_of(&c[i]), renders);
		free(c[i].got);
	}
	cr_assert_eq(m->info.scrapes, BURST, "every request is counted as answered");

	/* freshness: once the last render is older than the interval, a new one */
	int before = renders;

	usleep((SFW_METRICS_FRESH_MS + 50) * 1000);
	ask(&late, &a);
	serve_all(m, &late, 1);
	cr_assert_eq(renders, before + 1, "a request after the interval was not rendered anew");
	cr_assert_eq(render_of(&late), renders, "it got the old render");
	free(late.got);
	stop(m);
}

Test(metrics_share, an_answer_replaced_while_being_sent_arrives_whole)
{
	struct sfw_metrics_addr a;
	struct sfw_metrics *m = serve(&a);
	struct client slow, next;
	struct pollfd p = { .fd = sfw_metrics_fd(m), .events = POLLIN };

	mallopt(M_PERTURB, 0x55);   /* memory freed too early reads as 0x55, not 'x' */
	pad = 12 << 20;

	/* the first answer is queued and partly sent; its client reads none
	 * yet (the kernels buffer a few MiB of it at most: pad) */
	ask(&slow, &a);
	for (int turn = 0; renders == 0; turn++) {
		cr_assert_lt(turn, 100000, "never rendered");
		poll(&p, 1, 10);
		sfw_metrics_run(m);
	}
	usleep((SFW_METRICS_FRESH_MS + 50) * 1000);
	ask(&next, &a);
	serve_all(m, &next, 1);
	cr_assert_eq(render_of(&next), 2, "the second request was not rendered anew");
	/* the first render's response lost our reference; its connection
	 * still holds one */
	serve_all(m, &slow, 1);
	cr_assert_eq(render_of(&slow), 1);
	free(slow.got);
	free(next.got);
	stop(m);
}

/* A request with a body (none is asked for) was counted as answered and
 * then closed with no answer: libmicrohttpd queues none while a body is
 * arriving. It is answered now, and counted once answered. */
Test(metrics_share, a_request_with_a_body_is_answered_and_counted)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n"
				  "\r\n0123456789";
	struct sfw_metrics_addr a;
	struct sfw_metrics *m;
	struct client c[5];

	pad = 1000;
	m = serve(&a);
	for (int i = 0; i < 5; i++)
		ask_with(&c[i], &a, req);
	serve_all(m, c, 5);
	for (int i = 0; i < 5; i++) {
		render_of(&c[i]);
		free(c[i].got);
	}
	cr_expect_eq(m->requests, 5, "%llu requests counted for 5 answered",
		     (unsigned long long)m->requests);
	stop(m);
}

/* A render that fails (out of memory) was tried again by every request:
 * the bound of two renders a second held only while renders succeeded. */
Test(metrics_share, a_failed_render_is_not_tried_by_every_request)
{
	struct sfw_metrics_addr a;
	struct sfw_metrics *m;
	struct client c[20];

	pad = 1000;
	m = serve(&a);
	fail_render = true;
	for (int i = 0; i < 20; i++)
		ask(&c[i], &a);
	serve_all(m, c, 20);
	for (int i = 0; i < 20; i++) {
		cr_expect(c[i].got && strstr(c[i].got, " 500 "), "not a 500: %.80s",
			  c[i].got ? c[i].got : "(nothing)");
		free(c[i].got);
	}
	cr_expect_leq(renders, 2, "%d renders tried for 20 requests", renders);
	cr_expect_eq(m->requests, 0, "500s counted as answered with the exposition");
	fail_render = false;
	stop(m);
}

/* The port's own counters are the daemon's, not the listener's: moving
 * the port (a new listener) left requests at 0 and renders where they
 * were, more renders than requests. */
Test(metrics_share, the_counters_outlive_a_new_listener)
{
	struct sfw_metrics_addr a;
	struct sfw_metrics *m;
	struct client c;
	char why[160];

	pad = 1000;
	m = serve(&a);
	ask(&c, &a);
	serve_all(m, &c, 1);
	free(c.got);
	sfw_metrics_http_stop(m);
	m->info.scrapes = 0;   /* what retarget() does to the status it shows */
	cr_assert_eq(sfw_metrics_http_start(m, &a, counting_render, why, sizeof(why)), 0, "%s",
		     why);
	ask(&c, &a);
	serve_all(m, &c, 1);
	free(c.got);
	cr_expect_eq(m->requests, 2, "%llu requests after a new listener, 2 answered",
		     (unsigned long long)m->requests);
	stop(m);
}
