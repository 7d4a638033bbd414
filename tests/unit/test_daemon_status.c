/* The session daemon's lines and JSON in `sfw status` (cli/format_daemon.c). */
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
	};
	strcpy(v.info.sinks, "syslog");
	return v;
}

Test(daemon_status, running_text)
{
	struct sfw_daemon_view v = running();
	char *out = text(&v);

	cr_assert_str_eq(out,
		"Session daemon: pid 4242, started by attach at 2026-01-02 03:04:05 UTC\n"
		"  Log: syslog; 24 events written, 24 not delivered\n"
		"  Sweeps: 57 passes, 12 sessions removed, 3 brought forward by a full table\n"
		"  Last pass: 0.214 ms, 5 sessions left; next in 980 ms\n");
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
		"    \"next-pass-ms\": 980\n"
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
