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

static char *json(const struct sfw_daemon_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sfw_obuf ob;
	struct sfw_json j;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_open(&j, NULL, '{');
	sfw_daemon_json(&j, v);
	sfw_json_close(&j, '}');
	fclose(f);
	return buf;
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
