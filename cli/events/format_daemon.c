/* The session daemon in `sfw status`: who runs it, where it logs, what its
 * sweeps did (include/daemon.h). */
#include <time.h>
#include "daemon_ctl.h"
#include "json.h"

static void utc(char *buf, size_t len, __u64 s, const char *fmt)
{
	time_t t = (time_t)s;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, fmt, &tm))
		snprintf(buf, len, "-");
}

static void standby_text(FILE *f, const struct sfw_daemon_view *v)
{
	if (v->standby)
		fprintf(f, "  Standing by: pid %d, takes back over when this one stops\n",
			(int)v->standby);
}

void sfw_daemon_text(FILE *f, const struct sfw_daemon_view *v)
{
	const struct sfw_daemon_info *i = &v->info;
	char when[32];

	if (!v->pid && v->holder) {
		fprintf(f, "Session daemon: not running; its lock is held by pid %d, which is no "
			"session daemon (sfw attach starts one once it lets go)\n", (int)v->holder);
		return;
	}
	if (!v->pid && v->ksweep_armed) {
		fprintf(f, "Session daemon: not running; the kernel's sweep ends expired "
			"sessions, but closes are not logged until one runs (sfw attach starts it)\n");
		return;
	}
	if (!v->pid) {
		fprintf(f, "Session daemon: not running; expired sessions stay in the table "
			"and closes are not logged until one runs (sfw attach starts it)\n");
		return;
	}
	if (!v->have_info) {
		fprintf(f, "Session daemon: pid %d (no figures: it or the pins predate them; "
			"sfw reload)\n", (int)v->pid);
		return;
	}
	utc(when, sizeof(when), i->started_s, "%Y-%m-%d %H:%M:%S UTC");
	fprintf(f, "Session daemon: pid %d, started by %s at %s\n", (int)v->pid,
		sfw_daemon_origin_name(i->origin), when);
	fprintf(f, "  Log: %s; %llu events written, %llu not delivered\n", i->sinks,
		(unsigned long long)i->log_written, (unsigned long long)i->log_failed);
	fprintf(f, "  Sweeps: %llu passes, %llu sessions removed, %llu brought forward "
		"by a refused session\n", (unsigned long long)i->passes,
		(unsigned long long)i->removed, (unsigned long long)i->wakes);
	fprintf(f, "  Last pass: %llu.%03llu ms, %llu sessions left",
		(unsigned long long)(i->last_pass_ns / 1000000),
		(unsigned long long)(i->last_pass_ns / 1000 % 1000),
		(unsigned long long)i->last_sessions);
	if (i->last_pass_end_ns)
		fprintf(f, ", ended %llu.%llu s ago",
			(unsigned long long)(v->since_pass_ns / 1000000000ull),
			(unsigned long long)(v->since_pass_ns / 100000000ull % 10));
	fprintf(f, "; next in %u ms\n", i->interval_ms);
	if (v->stale)
		fprintf(f, "  Stale: no pass for %llu s (stopped or stuck); the next sfw attach "
			"replaces it\n", (unsigned long long)(v->since_pass_ns / 1000000000ull));
	standby_text(f, v);
}

/* The kernel's own sweep (include/ksweep.h): a line of its own, since it
 * runs whether or not a daemon does. */
void sfw_ksweep_text(FILE *f, const struct sfw_daemon_view *v)
{
	const struct sfw_ksweep *k = &v->ksweep;

	if (!v->ksweep_armed) {
		fprintf(f, "Kernel sweep: not armed; expired sessions wait for the session daemon "
			"(sfw reload arms it)\n");
		return;
	}
	fprintf(f, "Kernel sweep: armed (%llu ms tick; walks the table after a refused "
		"session while no session daemon sweeps); ",
		(unsigned long long)(k->period_ns / 1000000));
	if (!k->passes) {
		fprintf(f, "no walk yet\n");
		return;
	}
	fprintf(f, "%llu walks, %llu sessions removed; last walk %llu.%03llu ms, "
		"ended %llu.%llu s ago\n", (unsigned long long)k->passes,
		(unsigned long long)k->removed, (unsigned long long)(k->last_pass_ns / 1000000),
		(unsigned long long)(k->last_pass_ns / 1000 % 1000),
		(unsigned long long)(v->since_walk_ns / 1000000000ull),
		(unsigned long long)(v->since_walk_ns / 100000000ull % 10));
}

void sfw_ksweep_json(struct sfw_json *j, const struct sfw_daemon_view *v)
{
	const struct sfw_ksweep *k = &v->ksweep;

	sfw_json_open(j, "kernel-sweep", '{');
	sfw_json_bool(j, "armed", v->ksweep_armed);
	if (v->ksweep_armed) {
		sfw_json_num(j, "period-ms", k->period_ns / 1000000);
		sfw_json_num(j, "ticks", k->ticks);
		sfw_json_num(j, "walks", k->passes);
		sfw_json_num(j, "entries-visited", k->visited);
		sfw_json_num(j, "sessions-removed", k->removed);
		sfw_json_num(j, "nat-fragment-records-removed", k->frags_removed);
		if (k->passes) {
			sfw_json_num(j, "last-walk-usec", k->last_pass_ns / 1000);
			sfw_json_num(j, "last-walk-age-ms", v->since_walk_ns / 1000000);
		}
	}
	sfw_json_close(j, '}');
}

void sfw_daemon_json(struct sfw_json *j, const struct sfw_daemon_view *v)
{
	const struct sfw_daemon_info *i = &v->info;
	char when[32];

	sfw_json_open(j, "session-daemon", '{');
	sfw_json_bool(j, "running", v->pid != 0);
	if (v->pid)
		sfw_json_num(j, "pid", (__u64)v->pid);
	if (!v->pid && v->holder)
		sfw_json_num(j, "lock-holder", (__u64)v->holder);
	if (v->pid && v->have_info) {
		utc(when, sizeof(when), i->started_s, "%Y-%m-%dT%H:%M:%SZ");
		sfw_json_str(j, "started-by", sfw_daemon_origin_name(i->origin));
		sfw_json_str(j, "started", when);
		sfw_json_str(j, "sinks", i->sinks);
		sfw_json_num(j, "events-written", i->log_written);
		sfw_json_num(j, "events-not-delivered", i->log_failed);
		sfw_json_num(j, "sweep-passes", i->passes);
		sfw_json_num(j, "sessions-removed", i->removed);
		sfw_json_num(j, "table-full-wakes", i->wakes);
		sfw_json_num(j, "last-pass-usec", i->last_pass_ns / 1000);
		sfw_json_num(j, "sessions-left", i->last_sessions);
		sfw_json_num(j, "next-pass-ms", i->interval_ms);
		if (i->last_pass_end_ns)
			sfw_json_num(j, "last-pass-age-ms", v->since_pass_ns / 1000000);
		sfw_json_bool(j, "stale", v->stale);
	}
	if (v->standby)
		sfw_json_num(j, "standby-pid", (__u64)v->standby);
	sfw_json_close(j, '}');
}
