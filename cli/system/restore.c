/* The restore: the interfaces of the record attach and detach keep
 * (boot_record.c) attached again, in their modes, through `attach`
 * itself, so the stored configuration and the daemon come with them
 * (docs/security.md "After a reboot"). Whatever one interface does, the
 * others are attached: a host that boots with any of them unattached is
 * open there. */
#define _GNU_SOURCE   /* ppoll */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include "attach_record.h"
#include "boot_record.h"
#include "clock.h"
#include "commands.h"
#include "daemon_lock.h"
#include "report.h"
#include "restore.h"
#include "signals.h"

#define RESTORE_POLL_MS 100

enum result { R_ATTACHED, R_FAILED, R_MISSING };
static const char *const result_words[] = { "attached", "failed", "not-present" };

/* `attach NAME mode MODE [forward]` as typed, the name set after the
 * parse: a recorded name is an interface's, never a word of the grammar
 * (`mode`, `-j`, `eth0?`). The recorded capacity goes in as no typed size
 * does: attach makes the table that size when it makes one, and the
 * default one should the kernel refuse it (a host with less memory than
 * when it was recorded), on which a configuration that needs more fails
 * closed: never nothing attached. attach applies the stored
 * configuration, starts the daemon and writes the record as always. */
int sfw_restore_attach(const struct sfw_cmdline *cl, FILE *out, FILE *err,
		       const struct sfw_attach_record *r, int i, bool only_recorded)
{
	char *argv[8] = { "attach", "placeholder", "mode",
			  (char *)sfw_mode_name(r->iface[i].mode) };
	struct sfw_cmdline sub;
	int argc = 4;

	if (r->forward)
		argv[argc++] = "forward";
	if (sfw_parse(cl->root, argc, argv, &sub, out, err))
		return SFW_EXIT_FAIL;
	sub.pos[0] = r->iface[i].name;
	((struct sfw_attach_cmd_opts *)(void *)sub.opts)->recorded_sessions = r->max_sessions;
	((struct sfw_attach_cmd_opts *)(void *)sub.opts)->only_recorded = only_recorded;
	return sub.cmd->run(&sub);
}

static bool present(const char *name)
{
	return if_nametoindex(name) != 0;
}

/* Waits up to wait_s for the recorded interfaces to appear (at boot a
 * driver may register its device after sfw starts), sleeping under the
 * mask waiting (sfw_restore_once). */
static void await(const struct sfw_attach_record *r, __u32 wait_s, enum result *res,
		  const sigset_t *waiting)
{
	const struct timespec poll_ts = { .tv_nsec = RESTORE_POLL_MS * 1000000L };
	__u64 deadline = sfw_mono_ns() + (__u64)wait_s * 1000000000ull;
	int missing;

	for (;;) {
		missing = 0;
		for (int i = 0; i < r->n; i++) {
			res[i] = present(r->iface[i].name) ? R_ATTACHED : R_MISSING;
			missing += res[i] == R_MISSING;
		}
		if (!missing || sfw_mono_ns() >= deadline || sfw_interrupted)
			return;
		if (waiting)
			ppoll(NULL, 0, &poll_ts, waiting);
		else
			sfw_sleep_ms(RESTORE_POLL_MS);
	}
}

static void restore_json(FILE *f, const struct sfw_attach_record *r, const enum result *res)
{
	struct sfw_obuf ob;
	struct sfw_json j;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "sfw-restore");
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
	sfw_json_doc_end(&j);
}

/* The record of this pin root, read as far as it reads: true to restore
 * it, else false with the command's exit in *rc (nothing recorded, a
 * record of another place). */
static bool record_to_restore(const struct sfw_cmdline *cl, struct sfw_attach_record *r,
			      bool *damaged, int *rc)
{
	struct sfw_attach_record here = { 0 };
	char path[4096];
	int err;

	sfw_record_place(&here);
	err = sfw_record_read(here.pin_root, r);
	*rc = SFW_EXIT_OK;
	if (err == -ENOENT) {
		if (cl->json)
			restore_json(cl->out, r, NULL);
		else if (!sfw_record_path(here.pin_root, path, sizeof(path)))
			fprintf(cl->out, "nothing to restore: no record in %s\n", path);
		return false;
	}
	if (err && err != -EINVAL)
		return *rc = sfw_report(cl), false;
	/* a damaged line loses its interface, not the others: a firewall
	 * that boots attached to none fails open; the file is this pin
	 * root's own, so a damaged place is this one */
	*damaged = err != 0;
	if (*damaged)
		fprintf(cl->err, "sfw: %s: restoring the interfaces read\n", sfw_last_error());
	if (sfw_record_own(r, &here))
		return *rc = sfw_report(cl), false;
	return true;
}

int sfw_restore_once(const struct sfw_cmdline *cl, const struct sfw_restore_cmd_opts *o,
		     const sigset_t *waiting)
{
	struct sfw_attach_record *r = calloc(1, sizeof(*r));
	enum result res[SFW_MAX_IFACES];
	bool damaged = false, failed;
	FILE *out = cl->out;
	int rc;

	if (!r)
		return sfw_fail(ENOMEM, "out of memory"), sfw_report(cl);
	if (!record_to_restore(cl, r, &damaged, &rc))
		return free(r), rc;
	await(r, o->wait_s, res, waiting);
	/* attach's own lines, or one JSON document of them all */
	if (cl->json && !(out = fopen("/dev/null", "w")))
		return free(r), sfw_fail(errno, "cannot open /dev/null"), sfw_report(cl);
	for (int i = 0; i < r->n; i++)
		if (res[i] != R_MISSING)
			res[i] = sfw_restore_attach(cl, out, cl->err, r, i, false) ? R_FAILED : R_ATTACHED;
	if (out != cl->out)
		fclose(out);
	failed = damaged;
	for (int i = 0; i < r->n; i++) {
		failed |= res[i] != R_ATTACHED;
		if (res[i] == R_MISSING)
			fprintf(cl->err, "sfw: %s: not present after %u s: not attached (still "
				"recorded%s)\n", r->iface[i].name, o->wait_s,
				o->watch ? "; attached when it comes" : "");
	}
	if (cl->json)
		restore_json(cl->out, r, res);
	free(r);
	return failed ? SFW_EXIT_FAIL : SFW_EXIT_OK;
}
