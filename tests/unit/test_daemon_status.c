/* The session daemon's lines and JSON in `sfw status` (cli/events/format_daemon.c). */
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include "daemon_ctl.h"
#include "json.h"

static char *text(const struct sfw_daemon_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sfw_daemon_text(f, v);
	fclose(f);
	return buf;
}

typedef void (*json_fn)(struct sfw_json *j, const struct sfw_daemon_view *v);

static char *json_by(json_fn fn, const struct sfw_daemon_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sfw_obuf ob;
	struct sfw_json j;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_open(&j, NULL, '{');
	fn(&j, v);
	sfw_json_close(&j, '}');
	fclose(f);
	return buf;
}

static char *json(const struct sfw_daemon_view *v)
{
	return json_by(sfw_daemon_json, v);
}

static struct sfw_daemon_view running(void)
{
	struct sfw_daemon_view v = { .pid = 4242, .have_info = true };

	v.info = (struct sfw_daemon_info){
		.pid = 4242, .origin = SFW_DAEMON_AUTO, .interval_ms = 980,
		.started_s = 1767323045,   /* 2026-01-02 03:04:05 UTC */
		.passes = 57, .removed = 12, .wakes = 3, .last_pass_ns = 214567,
		.last_sessions = 5, .log_written = 24, .log_failed = 24,
		.last_pass_end_ns = 5000000000ull,
	};
	strcpy(v.info.sinks, "syslog");
	v.since_pass_ns = 1234000000ull;   /* as sfw_daemon_view_read finds it */
	return v;
}

Test(daemon_status, running_text)
{
	struct sfw_daemon_view v = running();
	char *out = text(&v);

	cr_assert_str_eq(out,
		"Session daemon: pid 4242, started by attach at 2026-01-02 03:04:05 UTC\n"
		"  Log: syslog; 24 events written, 24 not delivered\n"
		"  Sweeps: 57 passes, 12 sessions removed, 3 brought forward by a refused session\n"
		"  Last pass: 0.214 ms, 5 sessions left, ended 1.2 s ago; next in 980 ms\n");
	free(out);
}

Test(daemon_status, not_running_text)
{
	struct sfw_daemon_view v = { 0 };
	char *out = text(&v);

	cr_assert_str_eq(out, "Session daemon: not running; expired sessions stay in the table "
			 "and closes are not logged until one runs (sfw attach starts it)\n");
	free(out);
}

Test(daemon_status, running_without_figures)
{
	struct sfw_daemon_view v = { .pid = 77 };
	char *out = text(&v);

	cr_assert_str_eq(out, "Session daemon: pid 77 (no figures: it or the pins predate them; "
			 "sfw reload)\n");
	free(out);
}

Test(daemon_status, running_json)
{
	struct sfw_daemon_view v = running();
	char *out = json(&v);

	cr_assert_str_eq(out,
		"{\n"
		"  \"session-daemon\": {\n"
		"    \"running\": true,\n"
		"    \"pid\": 4242,\n"
		"    \"started-by\": \"attach\",\n"
		"    \"started\": \"2026-01-02T03:04:05Z\",\n"
		"    \"sinks\": \"syslog\",\n"
		"    \"events-written\": 24,\n"
		"    \"events-not-delivered\": 24,\n"
		"    \"sweep-passes\": 57,\n"
		"    \"sessions-removed\": 12,\n"
		"    \"table-full-wakes\": 3,\n"
		"    \"last-pass-usec\": 214,\n"
		"    \"sessions-left\": 5,\n"
		"    \"next-pass-ms\": 980,\n"
		"    \"last-pass-age-ms\": 1234,\n"
		"    \"stale\": false\n"
		"  }\n"
		"}\n");
	free(out);
}

Test(daemon_status, not_running_json)
{
	struct sfw_daemon_view v = { 0 };
	char *out = json(&v);

	cr_assert_str_eq(out, "{\n  \"session-daemon\": {\n    \"running\": false\n  }\n}\n");
	free(out);
}

Test(daemon_status, origins)
{
	cr_assert_str_eq(sfw_daemon_origin_name(SFW_DAEMON_AUTO), "attach");
	cr_assert_str_eq(sfw_daemon_origin_name(SFW_DAEMON_HAND), "hand");
	cr_assert_str_eq(sfw_daemon_origin_name(SFW_DAEMON_SYSTEMD), "systemd");
	cr_assert_str_eq(sfw_daemon_origin_name(99), "unknown");
}

/* Stopped or stuck: said in one line; one standing by is named. */
Test(daemon_status, stale_and_standby_text)
{
	struct sfw_daemon_view v = running();
	char *out;

	v.stale = true;
	v.since_pass_ns = 34500000000ull;
	v.standby = 4100;
	out = text(&v);
	cr_assert_str_eq(out,
		"Session daemon: pid 4242, started by attach at 2026-01-02 03:04:05 UTC\n"
		"  Log: syslog; 24 events written, 24 not delivered\n"
		"  Sweeps: 57 passes, 12 sessions removed, 3 brought forward by a refused session\n"
		"  Last pass: 0.214 ms, 5 sessions left, ended 34.5 s ago; next in 980 ms\n"
		"  Stale: no pass for 34 s (stopped or stuck); the next sfw attach replaces it\n"
		"  Standing by: pid 4100, takes back over when this one stops\n");
	free(out);
	out = json(&v);
	cr_assert(strstr(out, "\"stale\": true,\n    \"standby-pid\": 4100\n"), "%s", out);
	free(out);
}

/* The lock held by what published nothing is not the daemon. */
Test(daemon_status, lock_held_by_something_else)
{
	struct sfw_daemon_view v = { .holder = 999 };
	char *out = text(&v);

	cr_assert_str_eq(out, "Session daemon: not running; its lock is held by pid 999, which is "
			 "no session daemon (sfw attach starts one once it lets go)\n");
	free(out);
	out = json(&v);
	cr_assert_str_eq(out, "{\n  \"session-daemon\": {\n    \"running\": false,\n"
			 "    \"lock-holder\": 999\n  }\n}\n");
	free(out);
}

/* The published figures: stale past the chosen wait, twice the pass and
 * the grace; an older daemon's (no time published) is never judged. */
Test(daemon_status, stale_rule)
{
	struct sfw_daemon_info i = { .pid = 7, .interval_ms = 1000, .last_pass_ns = 2000000000ull,
				     .last_pass_end_ns = 100000000000ull };
	__u64 since, edge = i.last_pass_end_ns + (1000 + SFW_DAEMON_STALE_GRACE_MS) * 1000000ull +
			    2 * i.last_pass_ns;

	cr_assert(!sfw_daemon_stale(&i, edge, &since));
	cr_assert_eq(since, edge - i.last_pass_end_ns);
	cr_assert(sfw_daemon_stale(&i, edge + 1, &since));
	i.last_pass_end_ns = 0;
	cr_assert(!sfw_daemon_stale(&i, edge * 10, &since), "nothing published: not judged");
	i.last_pass_end_ns = 5;
	i.pid = 0;
	cr_assert(!sfw_daemon_stale(&i, edge * 10, &since), "no daemon: not stale");
}

/* The kernel's side of the same rule (include/ksweep.h): it walks the
 * table unless a daemon published itself and is not stale; one of an
 * older sfw (no time published) is taken at its word. */
Test(daemon_status, kernel_sweeps_unless_a_daemon_does)
{
	struct sfw_daemon_info i = { .pid = 7, .interval_ms = 1000, .last_pass_ns = 2000000000ull,
				     .last_pass_end_ns = 100000000000ull };
	__u64 since, edge = i.last_pass_end_ns + sfw_daemon_stale_after_ns(&i);

	cr_assert(sfw_daemon_sweeping(&i, edge));
	cr_assert(sfw_daemon_sweeping(&i, i.last_pass_end_ns - 1), "a pass ending after now");
	cr_assert(!sfw_daemon_sweeping(&i, edge + 1));
	cr_assert_eq(sfw_daemon_stale(&i, edge + 1, &since), !sfw_daemon_sweeping(&i, edge + 1),
		     "status and the kernel agree");
	i.last_pass_end_ns = 0;
	cr_assert(sfw_daemon_sweeping(&i, edge * 10), "an older daemon: taken at its word");
	i.last_pass_end_ns = 5;
	i.pid = 0;
	cr_assert(!sfw_daemon_sweeping(&i, 6), "a daemon that exited: the kernel sweeps");
}

static char *ksweep_out(const struct sfw_daemon_view *v, bool as_json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (as_json)
		return json_by(sfw_ksweep_json, v);
	f = open_memstream(&buf, &len);
	sfw_ksweep_text(f, v);
	fclose(f);
	return buf;
}

Test(daemon_status, kernel_sweep_lines)
{
	struct sfw_daemon_view v = { 0 };
	char *out = ksweep_out(&v, false);

	cr_assert_str_eq(out, "Kernel sweep: not armed; expired sessions wait for the session "
			 "daemon (sfw reload arms it)\n");
	free(out);
	out = ksweep_out(&v, true);
	cr_assert_str_eq(out, "{\n  \"kernel-sweep\": {\n    \"armed\": false\n  }\n}\n");
	free(out);

	v.ksweep_armed = true;
	v.ksweep.period_ns = 1000000000ull;
	v.ksweep.ticks = 9;
	out = ksweep_out(&v, false);
	cr_assert_str_eq(out, "Kernel sweep: armed (1000 ms tick; walks the table after a refused session "
			 "while no session daemon sweeps); "
			 "no walk yet\n");
	free(out);
	out = text(&v);
	cr_assert_str_eq(out, "Session daemon: not running; the kernel's sweep ends expired "
			 "sessions, but closes are not logged until one runs (sfw attach starts it)\n");
	free(out);

	v.ksweep.passes = 3;
	v.ksweep.visited = 600;
	v.ksweep.removed = 200;
	v.ksweep.frags_removed = 4;
	v.ksweep.last_pass_ns = 1234567;
	v.since_walk_ns = 2500000000ull;
	out = ksweep_out(&v, false);
	cr_assert_str_eq(out, "Kernel sweep: armed (1000 ms tick; walks the table after a refused session "
			 "while no session daemon sweeps); "
			 "3 walks, 200 sessions removed; last walk 1.234 ms, ended 2.5 s ago\n");
	free(out);
	out = ksweep_out(&v, true);
	cr_assert_str_eq(out, "{\n  \"kernel-sweep\": {\n    \"armed\": true,\n"
			 "    \"period-ms\": 1000,\n    \"ticks\": 9,\n    \"walks\": 3,\n"
			 "    \"entries-visited\": 600,\n    \"sessions-removed\": 200,\n"
			 "    \"nat-fragment-records-removed\": 4,\n"
			 "    \"last-walk-usec\": 1234,\n    \"last-walk-age-ms\": 2500\n  }\n}\n");
	free(out);
}
