/* sfw restore: after a reboot, the interfaces of the record attach and
 * detach keep (boot_record.c) attached again, in their modes, through
 * `attach` itself, so the stored configuration and the daemon come with
 * them (docs/security.md "After a reboot"). Whatever one interface does,
 * the others are attached: a host that boots with any of them unattached
 * is open there. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include "attach_record.h"
#include "boot_record.h"
#include "clock.h"
#include "commands.h"
#include "daemon_lock.h"
#include "report.h"

#define RESTORE_POLL_MS 100

enum result { R_ATTACHED, R_FAILED, R_MISSING };
static const char *const result_words[] = { "attached", "failed", "not-present" };

/* `attach NAME mode MODE [forward] [max-sessions N]` as typed, the name
 * set after the parse: a recorded name is an interface's, never a word
 * of the grammar (`mode`, `-j`, `eth0?`). attach applies the stored
 * configuration, starts the daemon and writes the record as always. */
static int attach_one(const struct sfw_cmdline *cl, FILE *out, const struct sfw_attach_record *r,
		      int i, __u32 cap)
{
	char *argv[8] = { "attach", "placeholder", "mode",
			  (char *)sfw_mode_name(r->iface[i].mode) }, num[16];
	struct sfw_cmdline sub;
	int argc = 4;

	if (r->forward)
		argv[argc++] = "forward";
	if (cap) {
		snprintf(num, sizeof(num), "%u", cap);
		argv[argc++] = "max-sessions";
		argv[argc++] = num;
	}
	if (sfw_parse(cl->root, argc, argv, &sub, out, cl->err))
		return SFW_EXIT_FAIL;
	sub.pos[0] = r->iface[i].name;
	return sub.cmd->run(&sub);
}

/* Each interface that is here; the recorded table first, then, should the
 * kernel refuse it (less memory than when it was recorded), the default
 * one, on which a stored configuration that needs more fails closed: as
 * attach does for the stored max-sessions, never nothing attached. */
static void attach_all(const struct sfw_cmdline *cl, FILE *out,
		       const struct sfw_attach_record *r, enum result *res)
{
	__u32 cap = r->max_sessions;

	for (int i = 0; i < r->n; i++) {
		if (res[i] == R_MISSING)
			continue;
		res[i] = attach_one(cl, out, r, i, cap) ? R_FAILED : R_ATTACHED;
		if (res[i] == R_FAILED && cap && !sfw_sessions_pinned()) {
			fprintf(cl->err, "sfw: note: the recorded table of %u sessions could "
				"not be made: attaching with the default table\n", cap);
			cap = 0;
			res[i] = attach_one(cl, out, r, i, cap) ? R_FAILED : R_ATTACHED;
		}
	}
}

static bool present(const char *name)
{
	return if_nametoindex(name) != 0;
}

/* Waits up to wait_s for the recorded interfaces to appear (at boot a
 * driver may register its device after sfw starts). */
static void await(const struct sfw_attach_record *r, __u32 wait_s, enum result *res)
{
	__u64 deadline = sfw_mono_ns() + (__u64)wait_s * 1000000000ull;
	int missing;

	for (;;) {
		missing = 0;
		for (int i = 0; i < r->n; i++) {
			res[i] = present(r->iface[i].name) ? R_ATTACHED : R_MISSING;
			missing += res[i] == R_MISSING;
		}
		if (!missing || sfw_mono_ns() >= deadline)
			return;
		sfw_sleep_ms(RESTORE_POLL_MS);
	}
}

static void restore_json(FILE *f, const struct sfw_attach_record *r, const enum result *res)
{
	struct sfw_obuf ob;
	struct sfw_json j;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_open(&j, NULL, '{');
	sfw_json_open(&j, "sfw-restore", '{');
	sfw_json_open(&j, "interface", '[');
	for (int i = 0; i < r->n; i++) {
		sfw_json_open(&j, NULL, '{');
		sfw_json_str(&j, "name", r->iface[i].name);
		sfw_json_str(&j, "mode", sfw_mode_name(r->iface[i].mode));
		sfw_json_str(&j, "result", result_words[res[i]]);
		sfw_json_close(&j, '}');
	}
	sfw_json_close(&j, ']');
	sfw_json_bool(&j, "forward", r->forward);
	sfw_json_close(&j, '}');
	sfw_json_close(&j, '}');
}

/* The record of this pin root, read as far as it reads: 0 to restore,
 * else the exit (nothing recorded, or a record of another place). */
static int read_record(const struct sfw_cmdline *cl, struct sfw_attach_record *r, bool *damaged)
{
	struct sfw_attach_record here = { 0 };
	char path[4096];
	int err;

	sfw_record_place(&here);
	err = sfw_record_read(here.pin_root, r);
	if (err == -ENOENT) {
		if (cl->json)
			restore_json(cl->out, r, NULL);
		else if (!sfw_record_path(here.pin_root, path, sizeof(path)))
			fprintf(cl->out, "nothing to restore: no record in %s\n", path);
		return SFW_EXIT_OK;
	}
	if (err && err != -EINVAL)
		return sfw_report(cl);
	/* a damaged line loses its interface, not the others: a firewall
	 * that boots attached to none fails open; the file is this pin
	 * root's own, so a damaged place is this one */
	*damaged = err != 0;
	if (*damaged)
		fprintf(cl->err, "sfw: %s: restoring the interfaces read\n", sfw_last_error());
	sfw_record_fill_place(r);
	if (sfw_record_check_place(r))
		return sfw_report(cl);
	return -1;
}

int sfw_cmd_restore(const struct sfw_cmdline *cl)
{
	const struct sfw_restore_cmd_opts *o = SFW_OPTS(cl, struct sfw_restore_cmd_opts);
	struct sfw_attach_record *r = calloc(1, sizeof(*r));
	enum result res[SFW_MAX_IFACES];
	bool damaged = false, failed;
	FILE *out = cl->out;
	int rc;

	if (!r)
		return sfw_fail(ENOMEM, "out of memory"), sfw_report(cl);
	rc = read_record(cl, r, &damaged);
	if (rc >= 0)
		return free(r), rc;
	await(r, o->wait_s, res);
	/* attach's own lines, or one JSON document of them all */
	if (cl->json && !(out = fopen("/dev/null", "w")))
		return free(r), sfw_fail(errno, "cannot open /dev/null"), sfw_report(cl);
	attach_all(cl, out, r, res);
	if (out != cl->out)
		fclose(out);
	failed = damaged;
	for (int i = 0; i < r->n; i++) {
		failed |= res[i] != R_ATTACHED;
		if (res[i] == R_MISSING)
			fprintf(cl->err, "sfw: %s: not present after %u s: not attached (still "
				"recorded)\n", r->iface[i].name, o->wait_s);
	}
	if (cl->json)
		restore_json(cl->out, r, res);
	free(r);
	return failed ? SFW_EXIT_FAIL : SFW_EXIT_OK;
}
