/* sfw daemon: the session log consumer and the sweeper, in the foreground
 * (systemd runs it as Type=notify, see docs/sfw.service). Everything else
 * works without it: sessions expire in the datapath all the same (an
 * expired session behaves as absent), they are only removed later, and
 * events wait in the pinned ring (then count as lost when it is full).
 * Stopping it (SIGTERM) touches no session: they live in the pinned maps,
 * and so do the events not yet read. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <bpf/libbpf.h>
#include "commands.h"
#include "event_ring.h"
#include "log_sink.h"
#include "reap.h"

#define SFW_SWEEP_INTERVAL_MS 1000

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = sig;
}

struct daemon {
	struct sfw_log_sinks sinks;
	struct sfw_log_env env;
	struct ring_buffer *rb;
	struct sfw_reaper *reaper;
	struct sfw_sweeper *sweeper;
	int sessions_fd, lock_fd;
	__u64 lost_reported;
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct daemon *d = ctx;

	/* events only a monitor asked for live in its own ring, never here */
	if (len >= sizeof(struct sfw_event))
		sfw_sinks_write(&d->sinks, data, &d->env);
	return 0;
}

/* systemd's readiness protocol, without libsystemd. */
static void notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	/* a name longer than sun_path would be cut (another socket) and the
	 * address length below would reach past sa */
	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, state, strlen(state), 0, (struct sockaddr *)&sa,
	       offsetof(struct sockaddr_un, sun_path) + strlen(path));
	close(fd);
}

static void opts_from(const struct sfw_cmdline *cl, struct sfw_log_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->syslog = cl->v[SFW_SLOT_SYSLOG].set;
	o->file = cl->v[SFW_SLOT_LOG_FILE].set ? cl->v[SFW_SLOT_LOG_FILE].str : NULL;
	o->json_file = cl->v[SFW_SLOT_JSON_FILE].set ? cl->v[SFW_SLOT_JSON_FILE].str : NULL;
	o->stdout_text = cl->v[SFW_SLOT_STDOUT].set;
	/* --json alone: JSON lines on stdout; nothing at all: text on stdout
	 * (the journal keeps it) */
	if (cl->json && !o->json_file)
		o->json_file = "-";
	if (!o->syslog && !o->file && !o->json_file)
		o->stdout_text = true;
	o->syslog_path = getenv("SFW_SYSLOG_SOCKET");
}

static int daemon_open(struct daemon *d, const struct sfw_cmdline *cl)
{
	struct sfw_log_opts o;
	int fd, err;

	opts_from(cl, &o);
	d->lock_fd = sfw_ring_claim(SFW_STR(SFW_MAP_EVENTS), "sfw daemon");
	if (d->lock_fd < 0)
		return d->lock_fd;
	err = sfw_sinks_open(&d->sinks, &o);
	if (err)
		return err;
	sfw_log_env_live(&d->env);
	fd = sfw_open_map(SFW_STR(SFW_MAP_EVENTS));
	if (fd < 0)
		return fd;
	d->rb = ring_buffer__new(fd, on_event, d, NULL);
	close(fd);   /* the ring buffer holds its own reference */
	if (!d->rb)
		return sfw_fail(errno, "cannot read the event ring: %s", strerror(errno));
	d->sessions_fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));
	if (d->sessions_fd < 0)
		return d->sessions_fd;
	err = sfw_reaper_open(&d->reaper);
	return err ? err : sfw_sweeper_new(&d->sweeper, d->sessions_fd, d->reaper, 0);
}

static void daemon_close(struct daemon *d)
{
	if (d->rb)
		ring_buffer__consume(d->rb);   /* what is already there is ours */
	sfw_sinks_close(&d->sinks);
	ring_buffer__free(d->rb);
	sfw_sweeper_free(d->sweeper);
	sfw_reaper_close(d->reaper);
	if (d->sessions_fd >= 0)
		close(d->sessions_fd);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
}

/* Lost events say the log has a gap: the operator must know. */
static void report_lost(struct daemon *d)
{
	__u64 lost;

	if (sfw_events_lost(SFW_RING_LOG, &lost) || lost <= d->lost_reported)
		return;
	fprintf(stderr, "sfw daemon: %llu session events lost (ring full; %llu in all)\n",
		(unsigned long long)(lost - d->lost_reported), (unsigned long long)lost);
	d->lost_reported = lost;
}

/* One sweep pass, step by step, with the events of each step written
 * before the next (the reaper's CLOSEs go through the same ring). */
static int sweep_pass(struct daemon *d)
{
	int r;

	do {
		r = sfw_sweep_step(d->sweeper, sfw_coarse_now_ns());
		ring_buffer__consume(d->rb);
	} while (r == 0 && !stop_requested);
	return r < 0 ? r : 0;
}

static int daemon_loop(struct daemon *d, __u32 interval_ms)
{
	__u64 next = 0, now;
	int err = 0, r;

	while (!stop_requested && !err) {
		now = sfw_now_ns() / 1000000;
		if (now >= next) {
			err = sweep_pass(d);
			report_lost(d);
			sfw_sinks_flush(&d->sinks);
			next = now + interval_ms;
			continue;
		}
		r = ring_buffer__poll(d->rb, (int)(next - now));
		if (r < 0 && r != -EINTR)
			err = sfw_fail(-r, "reading events: %s", strerror(-r));
		sfw_sinks_flush(&d->sinks);
	}
	return err;
}

int sfw_cmd_daemon(const struct sfw_cmdline *cl)
{
	struct sigaction sa = { .sa_handler = on_signal };   /* no SA_RESTART */
	const struct sfw_value *iv = &cl->v[SFW_SLOT_INTERVAL];
	struct daemon d = { .sessions_fd = -1, .lock_fd = -1 };
	int err;

	if (sfw_require_loaded())
		return sfw_report(cl);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	err = daemon_open(&d, cl);
	if (!err) {
		fprintf(stderr, "sfw daemon: logging session events, sweeping every %u ms\n",
			iv->set && iv->num ? (__u32)iv->num : SFW_SWEEP_INTERVAL_MS);
		notify("READY=1");
		err = daemon_loop(&d, iv->set && iv->num ? (__u32)iv->num : SFW_SWEEP_INTERVAL_MS);
		notify("STOPPING=1");
	}
	daemon_close(&d);
	if (err)
		return sfw_report(cl);
	fprintf(stderr, "sfw daemon: stopped (%s)\n", strsignal(stop_requested));
	return SFW_EXIT_OK;
}
