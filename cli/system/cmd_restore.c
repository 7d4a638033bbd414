/* sfw restore: after a reboot, the interfaces of the record attach and
 * detach keep (boot_record.c) attached again, in their modes, through
 * `attach` itself, so the stored configuration and the daemon come with
 * them (docs/security.md "After a reboot"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "attach_record.h"
#include "boot_record.h"
#include "clock.h"
#include "commands.h"
#include "conf.h"
#include "daemon_lock.h"
#include "report.h"

#define RESTORE_POLL_MS 100
#define ATTACH_BATCH 32   /* names a batch: below SFW_MAX_WORDS */
SFW_STATIC_ASSERT(ATTACH_BATCH + 8 < SFW_MAX_WORDS, "a batch is one command line");

/* attach NAMES mode MODE [forward] [max-sessions N], through the word
 * tree as typed: attach applies the stored configuration, starts the
 * daemon and writes the record as it always does. The names go in after
 * the parse, never through it: a recorded name is an interface's, not a
 * word of the grammar (`mode`, `-j`, `eth0?`), and a command line holds
 * at most SFW_MAX_WORDS words, a record up to SFW_MAX_IFACES names. */
static int attach_batch(const struct sfw_cmdline *cl, const struct sfw_attach_record *r,
			__u32 mode, const char *const *names, int n)
{
	char *argv[8] = { "attach", "placeholder", "mode", (char *)sfw_mode_name(mode) }, cap[16];
	struct sfw_cmdline sub;
	int argc = 4;

	if (r->forward)
		argv[argc++] = "forward";
	if (r->max_sessions) {
		snprintf(cap, sizeof(cap), "%u", r->max_sessions);
		argv[argc++] = "max-sessions";
		argv[argc++] = cap;
	}
	if (sfw_parse(cl->root, argc, argv, &sub, cl->out, cl->err))
		return SFW_EXIT_FAIL;
	for (sub.npos = 0; sub.npos < n; sub.npos++)
		sub.pos[sub.npos] = names[sub.npos];
	return sub.cmd->run(&sub);
}

/* The recorded interfaces of one mode that are here, ATTACH_BATCH at a
 * time: every batch is attached, whatever the one before did. */
static int attach_mode(const struct sfw_cmdline *cl, const struct sfw_attach_record *r,
		       __u32 mode, const bool *here)
{
	const char *names[ATTACH_BATCH];
	int n = 0, rc = SFW_EXIT_OK;

	for (int i = 0; i <= r->n; i++) {
		if (i < r->n && here[i] && r->iface[i].mode == mode)
			names[n++] = r->iface[i].name;
		if (n && (n == ATTACH_BATCH || i == r->n)) {
			if (attach_batch(cl, r, mode, names, n))
				rc = SFW_EXIT_FAIL;
			n = 0;
		}
	}
	return rc;
}

/* Waits up to wait_s for the recorded interfaces to appear (at boot a
 * driver may register its device after sfw starts); here[i]: present. */
static int await(const struct sfw_attach_record *r, __u32 wait_s, bool *here)
{
	__u64 deadline = sfw_mono_ns() + (__u64)wait_s * 1000000000ull;
	int missing;

	for (;;) {
		missing = 0;
		for (int i = 0; i < r->n; i++)
			missing += !(here[i] = sfw_iface_present(r->iface[i].name));
		if (!missing || sfw_mono_ns() >= deadline)
			return missing;
		sfw_sleep_ms(RESTORE_POLL_MS);
	}
}

int sfw_cmd_restore(const struct sfw_cmdline *cl)
{
	const struct sfw_restore_cmd_opts *o = SFW_OPTS(cl, struct sfw_restore_cmd_opts);
	struct sfw_attach_record *r = calloc(1, sizeof(*r));
	bool here[SFW_MAX_IFACES];
	int err, missing, a, b;

	if (!r)
		return sfw_fail(ENOMEM, "out of memory"), sfw_report(cl);
	err = sfw_record_read(r);
	if (err == -ENOENT) {
		free(r);
		fprintf(cl->out, "nothing to restore: no interface recorded in %s\n",
			sfw_conf_dir());
		return SFW_EXIT_OK;
	}
	/* a damaged line loses its interface, not the others: a firewall
	 * that boots attached to none fails open */
	if (err == -EINVAL && r->n)
		fprintf(cl->err, "sfw: %s: restoring the interfaces read\n", sfw_last_error());
	else if (err)
		return free(r), sfw_report(cl);
	if (sfw_record_check_place(r))
		return free(r), sfw_report(cl);
	missing = await(r, o->wait_s, here);
	a = attach_mode(cl, r, SFW_XDP_MODE_NATIVE, here);
	b = attach_mode(cl, r, SFW_XDP_MODE_GENERIC, here);
	for (int i = 0; i < r->n; i++)
		if (!here[i])
			fprintf(cl->err, "sfw: %s: not present after %u s: not attached (still "
				"recorded)\n", r->iface[i].name, o->wait_s);
	free(r);
	return a || b || missing || err ? SFW_EXIT_FAIL : SFW_EXIT_OK;
}

