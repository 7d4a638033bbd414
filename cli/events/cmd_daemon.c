/* sfw daemon: the session log consumer and the sweeper, in the foreground.
 * One per pin root (cli/events/daemon_ctl.c): `attach` starts one when none runs
 * (logging to syslog), systemd can run it instead (docs/sfw.service,
 * Type=notify), and one started by hand with its own sinks takes over from
 * the one attach started. Sessions expire in the datapath all the same (an
 * expired session behaves as absent); the daemon removes them, logs their
 * close, and is woken by the datapath when the table refuses a session
 * (docs/design.md, "Ageing"). Stopping it (SIGTERM) touches no session:
 * they live in the pinned maps, and so do the events not yet read. It also
 * keeps the map of the host's own addresses current (include/local_addr.h):
 * rtnetlink's address groups, heard in the namespace it runs in; and the
 * zones' interfaces, which follow their names (sfw_zones_follow): an
 * interface's index is given again once it is gone. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include "libbpf_lazy.h"
#include "apply.h"
#include "commands.h"
#include "daemon_ctl.h"
#include "event_ring.h"
#include "ha.h"
#include "loader.h"
#include "log_sink.h"
#include "maps.h"
#include "metrics.h"
#include "reap.h"
#include "ring_read.h"
#include "report.h"
#include "signals.h"
#include "clock.h"
#include "sd_notify.h"

/* Only a daemon attach started is asked to give way (SIGUSR1,
 * cli/events/daemon_ctl.c): it stands by and takes back over when the other one
 * stops. */
static volatile sig_atomic_t give_way;

struct daemon;

/* A ring whose events go to the log (sessions', denies'), and where its
 * reader is (the log's mark, cli/log_sink.h). */
struct log_ring {
	struct daemon *d;
	struct sfw_ring_cursor cur;
};

struct daemon {
	struct sfw_log_sinks sinks;
	struct log_ring log_rings[2];
	struct sfw_log_env env;
	struct sfw_ring_read rings;   /* wake-ups, denies, then session events */
	struct sfw_reaper *reaper;
	struct sfw_sweeper *sweeper;
	struct sfw_ha_worker *ha;   /* the cluster mirror (docs/ha.md) */
	struct sfw_metrics *metrics;   /* Prometheus (cli/metrics/metrics.h) */
	int sessions_fd, info_fd, lock_fd, ring_fd, config_fd;
	/* rtnetlink's changes (loader/fib_gen.c), one socket for both of
	 * what follows them: the FIB generation XDP forwarding's route cache
	 * holds to (fib_gen_fd: one per session table), and the host's own
	 * addresses (loader/local_addrs.c) */
	int nl_fd, fib_gen_fd;
	__u32 sessions_id;       /* the table we sweep: another one means reattached */
	__u64 lost_reported;
	__u32 base_ms;
	bool pressure;           /* the datapath refused a session: sweep now */
	bool zones_due;          /* interfaces changed: sfw_zones_follow */
	int zones_left;          /* named interfaces it had no room for, said */
	bool zones_said, proxies_said;   /* each part's failure, said once */
	__u64 ports_next_ms;     /* the host's sockets' ports followed again */
	__u64 frags_next_ms;     /* expired NAT fragment records deleted again */
	bool frags_said;         /* their failure, said once */
	bool ports_said;         /* their failure, said once */
	/* started in another network namespace than its interfaces': the
	 * addresses and routes heard here are not theirs (review rv29, F5) */
	bool foreign_netns;
	char sinks_desc[sizeof(((struct sfw_daemon_info *)0)->sinks)];
	__u64 started_s;
	__u64 last_end_ms;
	__u64 last_pass_ns;
	struct sfw_daemon_info info;
	__u64 deny_suppressed_reported, deny_lost_reported;
};

/* `security log format` as the last commit left it (the configuration
 * map's flag), read for every event: a line written after a commit takes
 * its form, whenever the event came. */
static void follow_log_form(struct daemon *d)
{
	struct sfw_config cfg;
	__u32 zero = 0;

	if (d->config_fd >= 0 && !bpf_map_lookup_elem(d->config_fd, &zero, &cfg))
		d->env.form = cfg.flags & SFW_CFG_F_LOG_SYSLOG ? SFW_LOG_SYSLOG : SFW_LOG_SD_SYSLOG;
}

/* Written before it returns: libbpf lets the record go only then. */
static int on_event(void *ctx, void *data, size_t len)
{
	struct log_ring *r = ctx;
	struct sfw_ring_at at = { .ring = r->cur.id, .pos = r->cur.pos ? *r->cur.pos : 0 };

	follow_log_form(r->d);
	/* events only a monitor asked for live in its own ring, never here */
	if (sfw_event_of(data, len))
		sfw_sinks_write(&r->d->sinks, data, &r->d->env, r->cur.pos ? &at : NULL);
	return sfw_ring_read_spend(&r->d->rings);
}

static int on_wake(void *ctx, void *data, size_t len)
{
	((struct daemon *)ctx)->pressure = true;
	return 0;
}

static void notify(const char *state)
{
	sfw_sd_notify(getenv("NOTIFY_SOCKET"), state);
}

/* The same for `attach`, which waits on a pipe (cli/events/daemon_ctl.c). */
static void ready(const char *msg)
{
	const char *env = getenv(SFW_DAEMON_READY_ENV);
	int fd = env ? atoi(env) : -1;
	ssize_t n;

	if (fd < 0)
		return;
	n = write(fd, msg, strlen(msg));
	if (n >= 0)
		n = write(fd, "\n", 1);
	(void)n;   /* failed: attach gave up waiting, no one to tell */
	close(fd);
	unsetenv(SFW_DAEMON_READY_ENV);
}

static enum sfw_daemon_origin origin(void)
{
	if (getenv(SFW_DAEMON_AUTO_ENV))
		return SFW_DAEMON_AUTO;
	if (getenv("INVOCATION_ID") || getenv("NOTIFY_SOCKET"))
		return SFW_DAEMON_SYSTEMD;
	return SFW_DAEMON_HAND;
}

/* Started by attach: syslog, Junos's place for RT_FLOW logs, even where no
 * syslog listens yet (the lines count as not delivered until one does). */
static void opts_from(const struct sfw_cmdline *cl, struct sfw_log_opts *o)
{
	const struct sfw_daemon_opts *d = SFW_OPTS(cl, struct sfw_daemon_opts);

	memset(o, 0, sizeof(*o));
	o->syslog = d->syslog;
	o->file = d->file;
	o->json_file = d->json_file;
	o->stdout_text = d->stdout_text;
	o->syslog_path = getenv("SFW_SYSLOG_SOCKET");
	if (origin() == SFW_DAEMON_AUTO) {
		o->syslog = o->syslog_optional = true;
		return;
	}
	/* --json alone: JSON lines on stdout; nothing at all: text on stdout
	 * (the journal keeps it) */
	if (cl->json && !o->json_file)
		o->json_file = "-";
	if (!o->syslog && !o->file && !o->json_file)
		o->stdout_text = true;
}

static void describe_sinks(const struct sfw_log_opts *o, char *buf, size_t len)
{
	int n = 0;

#define SINK(fmt, ...) \
	n += snprintf(buf + n, len - (size_t)n, "%s" fmt, n ? ", " : "", __VA_ARGS__); \
	if ((size_t)n >= len) return
	buf[0] = '\0';
	if (o->syslog) {
		SINK("syslog%s%s", o->syslog_path ? " " : "", o->syslog_path ? o->syslog_path : "");
	}
	if (o->file) {
		SINK("file %s", o->file);
	}
	if (o->json_file) {
		SINK("json-file %s", o->json_file);
	}
	if (o->stdout_text) {
		SINK("%s", "stdout");
	}
#undef SINK
}

static void publish(struct daemon *d)
{
	__u32 zero = 0;

	d->info.log_written = d->sinks.written;
	d->info.log_failed = d->sinks.failed;
	if (d->info_fd >= 0)
		bpf_map_update_elem(d->info_fd, &zero, &d->info, BPF_ANY);
}

static __u32 map_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/* What belongs to one session table: reopened when sfw is attached anew
 * under the same pin root while we run. */
static void table_close(struct daemon *d)
{
	sfw_ring_read(&d->rings, 0);   /* what is already there is ours */
	sfw_ring_read_free(&d->rings);
	sfw_ring_cursor_close(&d->log_rings[0].cur);
	sfw_ring_cursor_close(&d->log_rings[1].cur);
	sfw_sweeper_free(d->sweeper);
	sfw_reaper_close(d->reaper);
	if (d->sessions_fd >= 0)
		close(d->sessions_fd);
	if (d->info_fd >= 0)
		close(d->info_fd);
	if (d->config_fd >= 0)
		close(d->config_fd);
	if (d->fib_gen_fd >= 0)
		close(d->fib_gen_fd);
	d->fib_gen_fd = -1;
	d->sweeper = NULL;
	d->reaper = NULL;
	d->sessions_fd = d->info_fd = d->config_fd = -1;
}

/* The route cache's generation (pins of an older sfw have none: no
 * cache to keep). Changes while no daemon listened are unknown: a new
 * generation first, once the watch (net_watch_open) hears them. */
static int fib_gen_open(struct daemon *d)
{
	int err;

	if (d->foreign_netns)
		return 0;   /* the 1 s bound alone (bpf/route_cache.bpf.h) */
	d->fib_gen_fd = sfw_fib_gen_open();
	if (d->fib_gen_fd < 0)
		return 0;
	err = sfw_fib_gen_bump(d->fib_gen_fd);
	return err ? sfw_fail(-err, "cannot watch the routes for XDP forwarding: %s",
			      strerror(-err)) : 0;
}

static int table_open(struct daemon *d)
{
	int fd, err;

	d->log_rings[0].d = d->log_rings[1].d = d;
	/* pins of an older sfw lack these two: no figures and no wake-up
	 * until `sfw reload` pins them */
	d->info_fd = sfw_open_map(SFW_STR(SFW_MAP_DAEMON));
	d->config_fd = sfw_open_map(SFW_STR(SFW_MAP_CONFIG));
	/* the small rings first: a read that stops at its budget stops in
	 * the session events' ring, the last (loader/ring_read.h) */
	fd = sfw_open_map(SFW_STR(SFW_MAP_WAKE));
	if (fd >= 0) {
		err = sfw_ring_read_add(&d->rings, fd, on_wake, d);
		close(fd);
		if (err)
			return sfw_fail(-err, "cannot read the wake-up ring: %s", strerror(-err));
	}
	/* the denies' own ring (rate-limited); an older datapath without it
	 * logs its denies in the session events' ring */
	fd = sfw_open_map(SFW_STR(SFW_MAP_DENY_EVENTS));
	if (fd >= 0) {
		err = sfw_ring_cursor_open(&d->log_rings[1].cur, fd);
		if (!err && (err = sfw_ring_read_add(&d->rings, fd, on_event, &d->log_rings[1])))
			err = sfw_fail(-err, "cannot read the deny event ring: %s", strerror(-err));
		close(fd);
		if (err)
			return err;
	}
	fd = sfw_open_map(SFW_STR(SFW_MAP_EVENTS));
	if (fd < 0)
		return fd;
	err = sfw_ring_cursor_open(&d->log_rings[0].cur, fd);
	if (!err && (err = sfw_ring_read_add(&d->rings, fd, on_event, &d->log_rings[0])))
		err = sfw_fail(-err, "cannot read the event ring: %s", strerror(-err));
	close(fd);   /* the ring buffer holds its own reference */
	if (err)
		return err;
	d->sessions_fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));
	if (d->sessions_fd < 0)
		return d->sessions_fd;
	d->sessions_id = map_id(d->sessions_fd);
	err = fib_gen_open(d);
	if (!err)
		err = sfw_reaper_open(&d->reaper);
	return err ? err : sfw_sweeper_new(&d->sweeper, d->sessions_fd, d->reaper, 0);
}

/* The namespace's changes, heard from here on: the host's own addresses,
 * which XDP and tc read (include/local_addr.h), kept as the namespace's
 * own, and the route cache's generation (fib_gen_open, after this).
 * Subscribed first, then synced: a change in between is heard, and
 * synced again. */
static int net_watch_open(struct daemon *d)
{
	int fd;

	if (d->foreign_netns)
		return 0;   /* the map keeps what the load filled: fail closed */
	fd = sfw_fib_watch_open();
	if (fd < 0)
		return sfw_fail(-fd, "cannot listen to the network's changes: %s", strerror(-fd));
	d->nl_fd = fd;
	d->zones_due = true;   /* interfaces changed while no one listened */
	return sfw_local_addrs_sync(-1);
}

/* What the watch heard: the route cache's generation is written, and the
 * address map follows an address that came or went (or lost
 * notifications). A failure of the map is said and waited out: it keeps
 * what it held, and an address missing from it fails closed. The
 * generation is written again once the map has followed
 * (sfw_local_addrs_follow). */
static int follow_net(struct daemon *d)
{
	int r = sfw_fib_watch_read(d->nl_fd, d->fib_gen_fd);

	if (r > 0 && (r & SFW_NET_ADDRS) && sfw_local_addrs_follow(-1, d->fib_gen_fd))
		fprintf(stderr, "sfw daemon: %s\n", sfw_last_error());
	if (r > 0 && (r & SFW_NET_LINKS))
		d->zones_due = true;
	return r < 0 ? r : 0;
}

/* The ports of the host's sockets source NAT must leave alone
 * (loader/host_ports.c): no notification tells of a bind, so looked at
 * again every second, or 50 times the look's own time when that is
 * longer (each look walks all the host's sockets: 0.6 us each, review
 * rvhp F3), so it takes 2% of a CPU at most. A failure keeps what the
 * map held, said once. */
static void follow_host_ports(struct daemon *d, __u64 now_ms)
{
	__u64 took;
	int err;

	if (d->foreign_netns || now_ms < d->ports_next_ms)
		return;
	err = sfw_host_ports_sync(-1);
	took = sfw_mono_ms() - now_ms;
	d->ports_next_ms = now_ms + (took * 50 > 1000 ? took * 50 : 1000);
	if (err && !d->ports_said)
		fprintf(stderr, "sfw daemon: %s\n", sfw_last_error());
	d->ports_said = err != 0;
}

/* NAT datagrams' fragment records live in a map nothing evicts
 * (include/frag.h SFW_MAX_NAT_FRAGS): the expired are deleted every
 * second, or the map would fill and record no NAT datagram more. A
 * failure is said once. */
static void expire_nat_frags(struct daemon *d, __u64 now_ms)
{
	int r;

	if (now_ms < d->frags_next_ms)
		return;
	d->frags_next_ms = now_ms + 1000;
	r = sfw_nat_frags_expire(-1, sfw_coarse_now_ns());
	if (r < 0 && !d->frags_said)
		fprintf(stderr, "sfw daemon: %s\n", sfw_last_error());
	d->frags_said = r < 0;
}

/* One part of a follow that failed (what: the zones, the proxy-arp/ndp
 * entries), said as that part's. */
static void follow_failed(const char *what, int err, const char *said, bool retrying)
{
	if (err < 0)
		fprintf(stderr, "sfw daemon: %s cannot follow the interfaces: %s%s\n", what,
			said, retrying ? " (trying again every second)" : "");
}

/* An interface came, went or was renamed: the zones of the configuration
 * in force follow the names (sfw_zones_follow), under the lock a commit
 * and an attach take. Never waited for: `detach all` stops us under it.
 * While another holds it, or after a failure that left an index in its
 * old zone (no descriptor, no memory: review rv36, F2), the loop tries
 * again within a second; the failure is said once. Names another
 * configuration left (-ESTALE) wait for the next commit. */
static void follow_zones(struct daemon *d)
{
	struct sfw_followed f;
	int lock;

	if (!d->zones_due)
		return;
	lock = sfw_lock_try();
	if (lock == -EWOULDBLOCK)
		return;
	if (lock < 0) {
		sfw_follow_failed(&f, lock);
	} else {
		sfw_zones_follow(&f);
		close(lock);
	}
	d->zones_due = (f.zones < 0 && f.zones != -ESTALE) ||
		       (f.proxies < 0 && f.proxies != -ESTALE);
	/* each part said once while it fails, apart from the other's
	 * (review rvlcl F2); a lock, netns or pin failure is both parts' */
	if (!d->zones_said)
		follow_failed(f.before ? "the zones and proxy-arp/ndp entries" : "the zones",
			      f.zones, f.zones_said, d->zones_due);
	if (!d->proxies_said)
		follow_failed("the proxy-arp/ndp entries", f.proxies, f.proxies_said,
			      d->zones_due);
	/* no room for some (an older sfw's zones map): said once per count,
	 * whatever the proxies gave */
	if (f.zones > 0 && f.zones != d->zones_left)
		fprintf(stderr, "sfw daemon: %s\n", f.zones_said);
	d->zones_said = f.zones < 0;
	d->proxies_said = f.proxies < 0;
	d->zones_left = f.zones > 0 ? f.zones : 0;
}

/* From the lock on (daemon_open, and back from standing by): the ring's
 * claim, the tables and the figures, published with the start as the
 * last pass (how long since one, docs/events.md "Stale daemons"). */
static int daemon_resume(struct daemon *d)
{
	char mark[PATH_MAX];
	int err;

	d->ring_fd = sfw_ring_claim(SFW_STR(SFW_MAP_EVENTS), "sfw daemon");
	if (d->ring_fd < 0)
		return d->ring_fd;
	/* the rings' one reader marks what it writes (cli/log_sink.h) */
	if (sfw_path(mark, sizeof(mark), "%s/log.mark", sfw_run_dir()))
		return -ENAMETOOLONG;
	err = sfw_sinks_mark(&d->sinks, mark);
	if (err)
		return err;
	memset(&d->info, 0, sizeof(d->info));
	d->info.pid = (__u32)getpid();
	d->info.origin = origin();
	if (!d->started_s)
		d->started_s = (__u64)time(NULL);
	d->info.started_s = d->started_s;
	d->info.interval_ms = d->base_ms;
	d->info.last_pass_end_ns = sfw_mono_ns();
	memcpy(d->info.sinks, d->sinks_desc, sizeof(d->info.sinks));
	err = sfw_metrics_new(&d->metrics);
	if (err == -ENOMEM)
		return sfw_fail(ENOMEM, "out of memory");
	if (err)
		return err;   /* said which pin, and to remove it by hand */
	d->foreign_netns = sfw_check_netns() == -EXDEV;
	if (d->foreign_netns)
		fprintf(stderr, "sfw daemon: %s; sessions are swept, but the host's addresses, "
			"routes, the zones' interfaces and the host's sockets' ports are not followed "
			"from this one\n",
			sfw_last_error());
	err = net_watch_open(d);
	if (!err)
		err = table_open(d);
	if (!err && (err = sfw_ha_worker_start(&d->ha)))
		err = sfw_fail(-err, "cannot start the cluster worker: %s", strerror(-err));
	if (!err)
		publish(d);
	return err;
}

static int daemon_open(struct daemon *d, const struct sfw_cmdline *cl)
{
	struct sfw_log_opts o;
	pid_t replaced;
	bool stale;
	int err;

	/* sinks first: one that cannot log displaces nothing */
	opts_from(cl, &o);
	err = sfw_sinks_open(&d->sinks, &o);
	if (err)
		return err;
	d->lock_fd = sfw_daemon_acquire(origin(), &replaced, &stale);
	if (d->lock_fd < 0)
		return d->lock_fd;
	if (replaced)
		fprintf(stderr, stale ? "sfw daemon: replaced the stale session daemon (pid %d)\n"
			: "sfw daemon: took over from the session daemon attach started (pid %d)\n",
			(int)replaced);
	sfw_log_env_live(&d->env);
	describe_sinks(&o, d->sinks_desc, sizeof(d->sinks_desc));
	return daemon_resume(d);
}

/* Lets go of all but the sinks, the lock last: whoever waits for it finds
 * the rest free. The figures are ours to clear only if we were the
 * daemon: a refused one leaves the running one's alone. */
static void daemon_release(struct daemon *d)
{
	sfw_ha_worker_stop(d->ha);
	sfw_metrics_free(d->metrics);
	d->metrics = NULL;
	d->ha = NULL;
	table_close(d);
	sfw_sinks_unmark(&d->sinks);   /* all it took is written */
	if (d->nl_fd >= 0)
		close(d->nl_fd);
	d->nl_fd = -1;
	d->info_fd = d->lock_fd >= 0 ? sfw_open_map(SFW_STR(SFW_MAP_DAEMON)) : -1;
	memset(&d->info, 0, sizeof(d->info));   /* no one to wake, nothing running */
	publish(d);
	if (d->info_fd >= 0)
		close(d->info_fd);
	if (d->ring_fd >= 0)
		close(d->ring_fd);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	d->info_fd = d->ring_fd = d->lock_fd = -1;
}

static void daemon_close(struct daemon *d)
{
	daemon_release(d);
	sfw_sinks_close(&d->sinks);
}

/* Lost events say the log has a gap: the operator must know. */
static void report_lost(struct daemon *d)
{
	__u64 lost, suppressed;

	if (!sfw_events_lost(SFW_RING_LOG, &lost) && lost > d->lost_reported) {
		fprintf(stderr, "sfw daemon: %llu session events lost (ring full; %llu in all)\n",
			(unsigned long long)(lost - d->lost_reported), (unsigned long long)lost);
		d->lost_reported = lost;
	}
	if (sfw_rate_counts(SFW_RATE_DENY_LOG, &suppressed, &lost))
		return;
	if (suppressed > d->deny_suppressed_reported)
		fprintf(stderr, "sfw daemon: %llu deny events suppressed (deny-log-rate; %llu in all)\n",
			(unsigned long long)(suppressed - d->deny_suppressed_reported),
			(unsigned long long)suppressed);
	if (lost > d->deny_lost_reported)
		fprintf(stderr, "sfw daemon: %llu deny events lost (ring full; %llu in all)\n",
			(unsigned long long)(lost - d->deny_lost_reported), (unsigned long long)lost);
	d->deny_suppressed_reported = suppressed;
	d->deny_lost_reported = lost;
}

/* Records handed to the sinks per read: a quarter of the session events'
 * ring, more than a sweep step's CLOSEs (SFW_REAP_BATCH), tens of
 * milliseconds of writing; a datapath that keeps the ring full can no
 * longer hold the loop in one read while nothing is swept. */
#define EVENT_BUDGET 4096

/* 0, or a negative errno from a sink (loader/ring_read.h). */
static int read_events(struct daemon *d)
{
	int r = sfw_ring_read(&d->rings, EVENT_BUDGET);

	return r < 0 ? r : 0;
}

/* One sweep pass, step by step, with the events of each step written
 * before the next (the reaper's CLOSEs go through the same ring). */
static int sweep_pass(struct daemon *d)
{
	int r;

	do {
		r = sfw_sweep_step(d->sweeper, sfw_coarse_now_ns());
		read_events(d);
		sfw_metrics_run(d->metrics);   /* a scrape waits one step at most */
	} while (r == 0 && !sfw_interrupted && !give_way);
	return r < 0 ? r : 0;
}

/* 1: the pins are gone (detached); 0: the same table, or a new one
 * reopened; negative errno: it could not be. */
static int follow_table(struct daemon *d)
{
	int fd, err;
	__u32 id;

	fd = sfw_open_pin(SFW_STR(SFW_MAP_SESSIONS), true);
	if (fd < 0)
		return 1;
	id = map_id(fd);
	close(fd);
	if (id == d->sessions_id)
		return 0;
	table_close(d);
	err = table_open(d);
	if (!err)
		fprintf(stderr, "sfw daemon: sfw was attached anew: sweeping the new table\n");
	return err;
}

/* How long until the next pass (loader/sweep.c). */
static __u32 pace(struct daemon *d)
{
	const struct sfw_sweep_stats *st = sfw_sweep_stats(d->sweeper);
	struct sfw_sweep_pace p = {
		.sessions = st->last_sessions, .pass_ns = d->last_pass_ns,
		.until_expiry_ns = UINT64_MAX, .base_ms = d->base_ms,
	};
	struct sfw_config cfg;
	__u64 now = sfw_coarse_now_ns();

	if (!sfw_config_read(&cfg))
		p.max_sessions = cfg.max_sessions;
	if (st->next_expiry_ns != UINT64_MAX)
		p.until_expiry_ns = st->next_expiry_ns > now ? st->next_expiry_ns - now : 0;
	return sfw_sweep_wait_ms(&p);
}

/* A pass, and its figures published with the wait it chose
 * (info.interval_ms). 0 or a negative errno; *gone when sfw was detached. */
static int sweep_and_publish(struct daemon *d, bool *gone)
{
	const struct sfw_sweep_stats *st;
	__u64 t0 = sfw_mono_ns();
	int err = sweep_pass(d);

	if (err)
		return err;
	d->last_pass_ns = sfw_mono_ns() - t0;
	sfw_metrics_observe_sweep(d->metrics, d->last_pass_ns);
	report_lost(d);
	sfw_sinks_retry(&d->sinks);
	err = follow_table(d);
	if (err)
		return err < 0 ? err : (*gone = true, 0);
	st = sfw_sweep_stats(d->sweeper);
	d->info.interval_ms = pace(d);
	d->info.passes = st->passes;
	d->info.removed = st->removed;
	d->info.last_pass_ns = d->last_pass_ns;
	d->info.last_sessions = st->last_sessions;
	d->info.last_pass_end_ns = sfw_mono_ns();
	d->info.wake_armed = 1;
	publish(d);
	return 0;
}

/* Events, a scrape, an address change, or the timeout (ms), then at most
 * a budget of events: the loop comes back to sweep on time whatever the
 * ring holds. */
static int wait_events(struct daemon *d, int ms)
{
	struct pollfd p[3] = {
		{ .fd = sfw_ring_read_fd(&d->rings), .events = POLLIN },
		{ .fd = sfw_metrics_fd(d->metrics), .events = POLLIN },
		{ .fd = d->nl_fd, .events = POLLIN },
	};
	int r;

	if (poll(p, 3, sfw_metrics_wait_ms(d->metrics, ms)) < 0)
		return -errno;
	/* first: a route or address that changed is followed before
	 * anything else */
	if (p[2].revents && (r = follow_net(d)) < 0)
		return r;
	sfw_metrics_run(d->metrics);   /* its timeouts too */
	return read_events(d);
}

static int daemon_loop(struct daemon *d)
{
	struct sfw_sweep_pace pressured = { .pressure = true };
	__u64 next = 0, now;
	bool gone = false;
	int err = 0, r;

	while (!sfw_interrupted && !give_way && !err && !gone) {
		sfw_metrics_tick(d->metrics);   /* follows the configuration */
		follow_zones(d);   /* what wait_events heard, before a sweep */
		now = sfw_mono_ms();
		follow_host_ports(d, now);
		expire_nat_frags(d, now);
		if (now >= next) {
			err = sweep_and_publish(d, &gone);
			d->last_end_ms = sfw_mono_ms();
			d->pressure = false;
			next = d->last_end_ms + d->info.interval_ms;
			continue;
		}
		/* a second at most: the metrics follow the configuration */
		r = wait_events(d, next - now < 1000 ? (int)(next - now) : 1000);
		if (r < 0 && r != -EINTR)
			err = sfw_fail(-r, "reading events: %s", strerror(-r));
		if (d->pressure) {
			/* the table refused a session: expired ones must go now */
			pressured.pass_ns = d->last_pass_ns;
			if (next > d->last_end_ms + sfw_sweep_wait_ms(&pressured)) {
				next = d->last_end_ms + sfw_sweep_wait_ms(&pressured);
				d->info.wakes++;
			}
			d->pressure = false;
		}
	}
	if (gone)
		fprintf(stderr, "sfw daemon: sfw is no longer attached (%s has no session "
			"table)\n", sfw_pin_root());
	return err;
}

/* The loop; a daemon attach started stands by whenever it gives way, and
 * takes back over when the other one stops, until it is stopped itself or
 * sfw is detached. */
static int run(struct daemon *d)
{
	int err, r;

	for (;;) {
		err = daemon_loop(d);
		if (err || !give_way || sfw_interrupted)
			return err;
		give_way = 0;
		daemon_release(d);
		fprintf(stderr, "sfw daemon: giving way to a session daemon started by hand or by "
			"systemd; standing by\n");
		r = sfw_daemon_standby(&d->lock_fd, &sfw_interrupted);
		if (r)
			return r < 0 ? r : 0;
		err = daemon_resume(d);
		if (err)
			return err;
		fprintf(stderr, "sfw daemon: the other session daemon stopped: sweeping again\n");
	}
}

int sfw_cmd_daemon(const struct sfw_cmdline *cl)
{
	__u32 interval_ms = SFW_OPTS(cl, struct sfw_daemon_opts)->sweep_interval_ms;
	struct daemon d = { .sessions_fd = -1, .info_fd = -1, .lock_fd = -1, .ring_fd = -1,
			    .config_fd = -1, .nl_fd = -1, .fib_gen_fd = -1 };
	int err;

	d.base_ms = interval_ms ? interval_ms : SFW_SWEEP_INTERVAL_MS;
	if (sfw_require_loaded()) {
		ready(sfw_last_error());
		return sfw_report(cl);
	}
	sfw_catch_stop_signals();
	if (origin() == SFW_DAEMON_AUTO)
		sfw_catch_signal(SIGUSR1, &give_way);
	else
		signal(SIGUSR1, SIG_IGN);
	err = daemon_open(&d, cl);
	if (err == -EALREADY) {
		/* attach judges what holds the lock: a daemon, or not */
		ready(SFW_DAEMON_BUSY);
		return SFW_EXIT_OK;
	}
	ready(err ? sfw_last_error() : "ok");
	if (!err) {
		fprintf(stderr, "sfw daemon: logging session events to %s; sweeping at most "
			"%u ms apart, sooner as the table fills\n", d.info.sinks, d.base_ms);
		notify("READY=1");
		err = run(&d);
		notify("STOPPING=1");
	}
	daemon_close(&d);
	if (err)
		return sfw_report(cl);
	fprintf(stderr, "sfw daemon: stopped (%s)\n",
		sfw_interrupted ? strsignal(sfw_interrupted) : "detached");
	return SFW_EXIT_OK;
}
