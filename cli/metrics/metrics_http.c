/* The HTTP side of the exporter: a listening socket sfw opens itself (so
 * a port in use is reported as such), handed to libmicrohttpd in its
 * external epoll mode, so that the daemon's one thread serves scrapes
 * when it polls (cli/metrics/metrics.h). GET or HEAD /metrics gives the text
 * exposition; / a pointer to it; anything else 404 or 405. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "err.h"
#include "lazylib.h"
#include "metrics_int.h"
#include "clock.h"

/* libmicrohttpd (and gnutls under it), loaded when the exporter first
 * serves (util/lazylib.h): no other command maps them. */
#define MHD_FNS(X) X(MHD_, start_daemon) X(MHD_, stop_daemon) X(MHD_, run) \
	X(MHD_, get_daemon_info) X(MHD_, get_timeout) X(MHD_, queue_response) \
	X(MHD_, create_response_from_buffer) X(MHD_, add_response_header) \
	X(MHD_, destroy_response) X(MHD_, get_connection_info) \
	X(MHD_, lookup_connection_value)
static struct { MHD_FNS(SFW_LAZY_FN) } mhd;
static struct sfw_lazylib mhd_lib = SFW_LAZYLIB("libmicrohttpd.so.12", mhd, MHD_FNS);

/* A scrape is one short request, answered and closed (Connection:
 * close). Each connection must send its request within HTTP_REQUEST_S of
 * being accepted, however it trickles, and is then given HTTP_ANSWER_S to
 * take the answer; past HTTP_HELD_MAX open connections the oldest that
 * have been waiting for their request, or taking their answer, for
 * HTTP_GRACE_MS are shut down (waiting ones first), so a scraper always
 * gets a slot: a scraper sends its request and takes its answer in
 * milliseconds, and a client that never reads an answer bigger than the
 * kernel buffers for it would otherwise hold its slot HTTP_ANSWER_S (the
 * red team's rv31c F2, rv33 F2; rv34). HTTP_IDLE_S is libmicrohttpd's own
 * idle limit beside it. */
#define HTTP_CONNECTIONS 64
/* Connections the kernel queues for accept: room for a flood's, so that a
 * scraper's SYN is queued behind them rather than dropped and retried on
 * the client's growing backoff. The kernel caps it at net.core.somaxconn
 * (4096 by default), which an operator may raise. At 1024, 2,000 idle
 * connections kept the queue full: the kernel dropped a scraper's SYN, or
 * the last ACK of its handshake (its client then sent the request to a
 * socket the server never had), and retried only on the backoff, past
 * Prometheus's 10 s (test_metrics_idle.sh, seen in CI, stop 61). */
#define HTTP_BACKLOG 65535
#define HTTP_HELD_MAX 48
#define HTTP_GRACE_MS 500
/* A connection still without its request this long after its accept is
 * no scraper's: a client sends its request with the handshake's last
 * ACK, so one that waited in the accept queue has it there when taken.
 * Shut that soon past HTTP_HELD_MAX, idle connections pass 64 at a time
 * some 20 times a second, where HTTP_GRACE_MS let 128 a second through
 * and a scraper waited behind a full accept queue of them for 8 s, past
 * Prometheus's 10 s scrape timeout at 2,000 (red team rvmetrics, F1). */
#define HTTP_WAIT_GRACE_MS 50
#define HTTP_REQUEST_S 3
#define HTTP_ANSWER_S 10
#define HTTP_IDLE_S 10

static const char root_page[] =
	"<html><head><title>sfw</title></head><body>"
	"<p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

static struct MHD_Response *response(unsigned int status, char *body, size_t len,
				     enum MHD_ResponseMemoryMode mode, const char *type)
{
	struct MHD_Response *r = mhd.create_response_from_buffer(len, body, mode);

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return NULL;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	return r;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned int status, char *body,
			       size_t len, enum MHD_ResponseMemoryMode mode, const char *type)
{
	struct MHD_Response *r = response(status, body, len, mode, type);
	enum MHD_Result ok;

	if (!r)
		return MHD_NO;
	ok = mhd.queue_response(c, status, r);
	mhd.destroy_response(r);
	return ok;
}

/* The exposition, rendered again only once the last render is
 * SFW_METRICS_FRESH_MS old: every request in between gets the same
 * response object. libmicrohttpd counts its references (each connection
 * it is queued on holds one until sent, m->answer one), and all of it
 * runs on the daemon's one thread (external epoll mode), so the body is
 * neither copied nor freed under a connection still sending it. No
 * second render starts beside one: a render runs inside the callback of
 * the request that wanted it, on that one thread, and the requests queued
 * behind it find it fresh. One variant is served (the text
 * format, whatever Accept says; HEAD is GET without the body, from the
 * same response): another would need a slot of its own. */
static struct MHD_Response *exposition(struct sfw_metrics *m)
{
	struct MHD_Response *r;
	char *body;
	size_t len;

	if (m->answer && sfw_mono_ms() - m->answer_ms < SFW_METRICS_FRESH_MS)
		return m->answer;
	/* a render that failed (out of memory) is not tried again by every
	 * request that follows: that is when the bound matters most */
	if (m->failed_ms && sfw_mono_ms() - m->failed_ms < SFW_METRICS_FRESH_MS)
		return NULL;
	sfw_metrics_http_forget(m);
	body = m->render(m, &len);
	r = body ? response(MHD_HTTP_OK, body, len, MHD_RESPMEM_MUST_FREE, SFW_EXPO_CONTENT_TYPE)
		 : NULL;
	/* from its end: a render slower than the interval still leaves the
	 * thread free between two */
	if (!r) {
		m->failed_ms = sfw_mono_ms();
		return NULL;
	}
	m->failed_ms = 0;
	m->answer = r;
	m->answer_ms = sfw_mono_ms();
	return r;
}

void sfw_metrics_http_forget(struct sfw_metrics *m)
{
	if (m->answer)   /* ours; the connections still sending it keep theirs */
		mhd.destroy_response(m->answer);
	m->answer = NULL;
}

void sfw_metrics_http_forget_stale(struct sfw_metrics *m)
{
	if (m->answer && sfw_mono_ms() - m->answer_ms >= SFW_METRICS_FRESH_MS)
		sfw_metrics_http_forget(m);
}

/* Its request arrived whole: the answer's time starts. */
static void answering(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct sfw_http_conn *h = ci ? ci->socket_context : NULL;

	if (h && !h->answering) {
		h->answering = true;
		h->since_ms = sfw_mono_ms();
		h->deadline_ms = h->since_ms + HTTP_ANSWER_S * 1000;
	}
}

static bool loopback(const struct sfw_metrics_addr *a)
{
	const struct sockaddr_in *v4 = (const void *)&a->sa;
	const struct sockaddr_in6 *v6 = (const void *)&a->sa;

	return a->sa.ss_family == AF_INET ? (ntohl(v4->sin_addr.s_addr) >> 24) == 127
	       : a->sa.ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
}

/* Host, less its port: an address (IPv6 in brackets) or localhost? */
static bool host_is_address(const char *host)
{
	char name[64], buf[sizeof(struct in6_addr)];
	bool bracketed = host[0] == '[';
	const char *end;
	size_t n;

	if (bracketed) {
		end = strchr(host, ']');
		if (!end || (end[1] && end[1] != ':'))
			return false;
		n = (size_t)(end - host - 1);
		host++;
	} else {
		end = strchr(host, ':');
		n = end ? (size_t)(end - host) : strlen(host);
		if (end && strchr(end + 1, ':'))
			return false;
	}
	if (!n || n >= sizeof(name))
		return false;
	memcpy(name, host, n);
	name[n] = '\0';
	return !strcasecmp(name, "localhost") || inet_pton(AF_INET, name, buf) == 1 ||
	       (bracketed && inet_pton(AF_INET6, name, buf) == 1);
}

/* A page whose DNS name an attacker rebinds to 127.0.0.1 makes a browser
 * on this host send its requests here with that name as Host: a loopback
 * listener answers only requests addressed to an address or localhost
 * (red team rtnet, DNS rebinding). One on another address is reached by
 * the names Prometheus is given and answers them all. */
static bool host_allowed(const struct sfw_metrics *m, struct MHD_Connection *c)
{
	const char *host = mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);

	return !host || !loopback(&m->have) || host_is_address(host);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_len, void **state)
{
	static int seen;
	struct sfw_metrics *m = cls;
	struct MHD_Response *r;

	/* the first call has the headers only: answer on the next */
	if (!*state) {
		*state = &seen;
		return MHD_YES;
	}
	answering(c);
	/* a body (none is asked for) is taken and dropped: libmicrohttpd
	 * queues no answer while one is arriving, and the answer's deadline,
	 * started above, bounds how long a sender may take */
	if (*upload_len) {
		*upload_len = 0;
		return MHD_YES;
	}
	(void)upload;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, (char *)"method not allowed\n", 19,
			       MHD_RESPMEM_PERSISTENT, "text/plain");
	if (!host_allowed(m, c))
		return respond(c, MHD_HTTP_FORBIDDEN, (char *)"Host must be an address or localhost\n",
			       37, MHD_RESPMEM_PERSISTENT, "text/plain");
	if (!strcmp(url, "/"))
		return respond(c, MHD_HTTP_OK, (char *)root_page, sizeof(root_page) - 1,
			       MHD_RESPMEM_PERSISTENT, "text/html");
	if (strcmp(url, "/metrics"))
		return respond(c, MHD_HTTP_NOT_FOUND, (char *)"not found\n", 10,
			       MHD_RESPMEM_PERSISTENT, "text/plain");
	r = exposition(m);
	if (!r)
		return respond(c, MHD_HTTP_INTERNAL_SERVER_ERROR, (char *)"out of memory\n", 14,
			       MHD_RESPMEM_PERSISTENT, "text/plain");
	if (mhd.queue_response(c, MHD_HTTP_OK, r) != MHD_YES)
		return MHD_NO;
	/* answered: published at the next render or tick (metrics.c) */
	m->info.scrapes++;
	m->requests++;
	return MHD_YES;
}

/* The socket ended under libmicrohttpd, which sees it on its next run and
 * closes it (it owns the descriptor); reset: what the kernel still holds
 * to send is dropped on that close. */
static void shut_socket(struct MHD_Connection *c, bool reset)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct linger at_once = { .l_onoff = 1, .l_linger = 0 };

	if (!ci)
		return;
	if (reset)
		setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &at_once, sizeof(at_once));
	shutdown(ci->connect_fd, SHUT_RDWR);
}

/* An answer that fits in what the kernel buffers for its client is
 * written whole at once, and libmicrohttpd closes the connection: none of
 * the deadlines here holds it any more, and the kernel keeps the socket,
 * orphaned, with what the client has not taken, for as long as the client
 * answers its window probes (minutes: a client that sent its request and
 * never read left one such socket per request). The kernel gives up on a
 * peer that leaves data unacknowledged this long (a zero window included),
 * orphan or not; that can start only once the answer is being sent, so it
 * never cuts an answer before its own deadline (HTTP_ANSWER_S from the
 * request). */
static void answer_deadline_in_kernel(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	unsigned int ms = HTTP_ANSWER_S * 1000;

	if (ci)
		setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof(ms));
}

/* Accepted: its deadline starts; closed: forgotten. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct sfw_metrics *m = cls;
	struct sfw_http_conn *h, **pp;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		h = calloc(1, sizeof(*h));
		*socket_context = h;
		if (!h) {   /* no deadline to keep: not served */
			shut_socket(c, false);
			return;
		}
		answer_deadline_in_kernel(c);
		h->c = c;
		h->since_ms = sfw_mono_ms();
		h->deadline_ms = h->since_ms + HTTP_REQUEST_S * 1000;
		h->next = m->conns;
		m->conns = h;
		return;
	}
	m->freed = true;
	for (pp = &m->conns; *pp; pp = &(*pp)->next)
		if (*pp == *socket_context) {
			h = *pp;
			*pp = h->next;
			free(h);
			break;
		}
	*socket_context = NULL;
}

/* Connections past their deadline are shut down, and past HTTP_HELD_MAX
 * the oldest of those late with their request or answer. An answer given
 * up is reset on that close: closed normally, the kernel keeps what it
 * still holds of it (tens of KiB) for as long as the peer answers its
 * window probes (a client that takes nothing still held 67 KB so after a
 * minute). */
static void shut(struct sfw_http_conn *h)
{
	shut_socket(h->c, h->answering);
	h->shut = true;
}

/* Waiting ones go first: a connection that has not sent its request in
 * HTTP_WAIT_GRACE_MS is no scraper's, one taking its answer for
 * HTTP_GRACE_MS may be a scraper on a slow link. */
static void close_late(struct sfw_metrics *m)
{
	struct sfw_http_conn *late[2][HTTP_CONNECTIONS];   /* [answering], newest first */
	int open = 0, n[2] = { 0, 0 };
	__u64 now = sfw_mono_ms();

	for (struct sfw_http_conn *h = m->conns; h; h = h->next) {
		int k = h->answering;

		if (!h->shut && h->deadline_ms <= now)
			shut(h);
		if (h->shut)
			continue;
		open++;
		if (now - h->since_ms >= (k ? HTTP_GRACE_MS : HTTP_WAIT_GRACE_MS) &&
		    n[k] < HTTP_CONNECTIONS)
			late[k][n[k]++] = h;
	}
	for (int k = 0; k < 2; k++)
		while (open > HTTP_HELD_MAX && n[k] > 0) {
			shut(late[k][--n[k]]);
			open--;
		}
	m->crowded = open > HTTP_HELD_MAX;
}

/* libmicrohttpd's own complaints (a client that misbehaves) are not the
 * operator's business. */
static void quiet(void *cls, const char *fmt, va_list ap)
{
}

static int listen_on(const struct sfw_metrics_addr *a, char *buf, size_t len)
{
	int one = 1, fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		snprintf(buf, len, "cannot open a socket: %s", strerror(errno));
		return -errno;
	}
	/* a restarted daemon takes the port back while old connections linger */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->sa, a->len) || listen(fd, HTTP_BACKLOG)) {
		int err = errno;

		snprintf(buf, len, "cannot listen on %s: %s", a->text, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

int sfw_metrics_http_start(struct sfw_metrics *m, const struct sfw_metrics_addr *a,
			   sfw_metrics_render_fn render, char *buf, size_t len)
{
	const union MHD_DaemonInfo *info;
	int fd, err = sfw_lazylib_load(&mhd_lib);

	if (err) {
		snprintf(buf, len, "%s", sfw_last_error());
		return err;
	}
	fd = listen_on(a, buf, len);
	if (fd < 0)
		return fd;
	m->render = render;
	m->mhd = mhd.start_daemon(MHD_USE_EPOLL | (a->sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				  0, NULL, NULL, on_request, m,
				  MHD_OPTION_EXTERNAL_LOGGER, quiet, NULL,
				  MHD_OPTION_LISTEN_SOCKET, fd,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_IDLE_S,
				  MHD_OPTION_NOTIFY_CONNECTION, on_connection, m,
				  MHD_OPTION_END);
	info = m->mhd ? mhd.get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	if (!info) {
		snprintf(buf, len, "cannot serve HTTP on %s", a->text);
		sfw_metrics_http_stop(m);
		if (!m->mhd)
			close(fd);
		return -EIO;
	}
	m->epoll_fd = info->epoll_fd;
	return 0;
}

void sfw_metrics_http_stop(struct sfw_metrics *m)
{
	if (m->mhd)
		mhd.stop_daemon(m->mhd);   /* closes the listening socket too */
	m->mhd = NULL;
	m->epoll_fd = -1;
	sfw_metrics_http_forget(m);   /* the connections' references went with the daemon */
	m->failed_ms = 0;
	while (m->conns) {   /* each closed is notified; none should be left */
		struct sfw_http_conn *h = m->conns;

		m->conns = h->next;
		free(h);
	}
}

int sfw_metrics_fd(const struct sfw_metrics *m)
{
	return m && m->mhd ? m->epoll_fd : -1;
}

void sfw_metrics_run(struct sfw_metrics *m)
{
	if (m && m->mhd) {
		m->freed = false;
		mhd.run(m->mhd);
		close_late(m);
	}
}

int sfw_metrics_wait_ms(const struct sfw_metrics *m, int max)
{
	MHD_UNSIGNED_LONG_LONG ms;
	__u64 now;

	if (!m || !m->mhd)
		return max;
	/* libmicrohttpd closes connections at the end of a run and takes its
	 * listening socket back (dropped while every slot was taken) only at
	 * the start of the next: until that run, which nothing else wakes,
	 * the queued connections wait with slots free (up to a second under
	 * a flood, halving the connections served) */
	if (m->freed)
		return 0;
	if (mhd.get_timeout(m->mhd, &ms) == MHD_YES && ms < (MHD_UNSIGNED_LONG_LONG)max)
		max = (int)ms;
	if (m->crowded && (max < 0 || max > HTTP_WAIT_GRACE_MS / 5))
		max = HTTP_WAIT_GRACE_MS / 5;   /* the next ones old enough to shut */
	now = sfw_mono_ms();
	for (const struct sfw_http_conn *h = m->conns; h; h = h->next)
		if (!h->shut)
			max = h->deadline_ms <= now ? 0
			    : max < 0 || h->deadline_ms - now < (__u64)max ? (int)(h->deadline_ms - now)
			    : max;
	return max;
}
