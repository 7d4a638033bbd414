/* sfw restore: after a reboot, the interfaces of the record attach and
 * detach keep (boot_record.c) attached again, in their modes, through
 * `attach` itself, so the stored configuration and the daemon come with
 * them (docs/security.md "After a reboot"). Whatever one interface does,
 * the others are attached: a host that boots with any of them unattached
 * is open there. */
#define _GNU_SOURCE   /* ppoll */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "attach_record.h"
#include "boot_record.h"
#include "clock.h"
#include "commands.h"
#include "daemon_lock.h"
#include "loader.h"
#include "report.h"
#include "sd_notify.h"
#include "signals.h"

#define RESTORE_POLL_MS 100
/* watch: a look without a link's change too, should the socket's
 * messages have been lost in a way it cannot tell */
#define WATCH_RESCAN_MS 10000

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
static int attach_one(const struct sfw_cmdline *cl, FILE *out, FILE *err,
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
 * driver may register its device after sfw starts). waiting: the mask to
 * sleep with, under which a stop signal ends the wait (restore watch
 * blocks them but while it waits); NULL: a plain sleep. */
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

/* The restore itself: every recorded interface there is attached. */
static int restore_once(const struct sfw_cmdline *cl, const struct sfw_restore_cmd_opts *o,
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
			res[i] = attach_one(cl, out, cl->err, r, i, false) ? R_FAILED : R_ATTACHED;
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

/* ---- restore watch -------------------------------------------------------- */

/* Devices an attach failed on (another XDP program there, not Ethernet,
 * the lock held past a stop): tried again quietly, at most once a second
 * (RETRY_MS), for as long as they are there, since the cause may go at
 * any time without a link message saying so; attach says when one is
 * attached at last. */
#define RETRY_MS 1000
struct tried {
	int n;
	struct {
		char name[SFW_IFNAMSIZ];
		__u32 ifindex;
		__u64 at_ms;
	} dev[SFW_MAX_IFACES];
};

static int find_tried(const struct tried *t, const char *name, __u32 ifindex)
{
	for (int i = 0; i < t->n; i++)
		if (t->dev[i].ifindex == ifindex && !strcmp(t->dev[i].name, name))
			return i;
	return -1;
}

static void forget(struct tried *t, int i)
{
	t->dev[i] = t->dev[--t->n];
}

static void remember(struct tried *t, const char *name, __u32 ifindex)
{
	int i = t->n < SFW_MAX_IFACES ? t->n++ : (int)(ifindex % SFW_MAX_IFACES);

	snprintf(t->dev[i].name, sizeof(t->dev[i].name), "%s", name);
	t->dev[i].ifindex = ifindex;
	t->dev[i].at_ms = sfw_mono_ms();
}

/* Devices that are no longer there under their names: their index may be
 * given to a new device, which is not the one that failed. */
static void forget_gone(struct tried *t)
{
	for (int i = t->n - 1; i >= 0; i--)
		if (if_nametoindex(t->dev[i].name) != t->dev[i].ifindex)
			forget(t, i);
}

/* One interface of the record, there at ifindex with no sfw program on
 * it: attached, said the first time, quietly when tried again. */
static void follow_one(const struct sfw_cmdline *cl, struct sfw_attach_record *r, int i,
		       __u32 ifindex, struct tried *t, FILE *quiet)
{
	int k = find_tried(t, r->iface[i].name, ifindex);

	if (k >= 0 && sfw_mono_ms() - t->dev[k].at_ms < RETRY_MS)
		return;
	if (k < 0)
		fprintf(cl->out, "%s: there (ifindex %u) with no sfw program on it: attaching "
			"it again\n", r->iface[i].name, ifindex);
	fflush(cl->out);
	if (!attach_one(cl, cl->out, k < 0 ? cl->err : quiet, r, i, true)) {
		if (k >= 0)
			forget(t, k);
	} else if (k < 0) {
		remember(t, r->iface[i].name, ifindex);
	} else {
		t->dev[k].at_ms = sfw_mono_ms();
	}
	fflush(cl->out);
	fflush(cl->err);
}

/* One look: each recorded interface that is there with no sfw program
 * running on it (created late, deleted and made again, renamed to a
 * recorded name, its program taken off) is attached, as restore does.
 * The record is read anew each time: attach and detach change it. */
static void follow(const struct sfw_cmdline *cl, struct sfw_attach_record *r, struct tried *t,
		   FILE *quiet)
{
	struct sfw_attach_record here = { 0 };
	__u32 ifindex;
	int e;

	forget_gone(t);
	sfw_record_place(&here);
	e = sfw_record_read(here.pin_root, r);
	if ((e && e != -EINVAL) || sfw_record_own(r, &here))
		return;
	for (int i = 0; i < r->n && !sfw_interrupted; i++) {
		ifindex = if_nametoindex(r->iface[i].name);
		if (ifindex && sfw_iface_guarded(ifindex) == 0)
			follow_one(cl, r, i, ifindex, t, quiet);
	}
}

/* Stays until SIGTERM or SIGINT, attaching what comes back: an interface
 * deleted and made again (a driver reloaded, a USB NIC plugged in again,
 * a VLAN or bond made anew by the network's configuration) is a new
 * device with no program on it, open while sfw still listed its name. */
static int watch(const struct sfw_cmdline *cl, int nl_fd, const char *notify_path,
		 const sigset_t *waiting)
{
	const struct timespec rescan = { .tv_sec = WATCH_RESCAN_MS / 1000 };
	const struct timespec retry = { .tv_sec = RETRY_MS / 1000,
					.tv_nsec = RETRY_MS % 1000 * 1000000L };
	struct sfw_attach_record *r = calloc(1, sizeof(*r));
	struct tried *t = calloc(1, sizeof(*t));
	FILE *quiet = fopen("/dev/null", "w");
	struct pollfd p = { .fd = nl_fd, .events = POLLIN };
	int n = 0;

	if (!r || !t || !quiet) {
		n = r && t ? -errno : -ENOMEM;
		goto out;
	}
	if (sfw_interrupted)   /* stopped during the restore */
		goto out;
	follow(cl, r, t, quiet);   /* what came between the restore and now */
	sfw_sd_notify(notify_path, "READY=1");
	fprintf(cl->out, "watching: a recorded interface that comes back is attached again\n");
	fflush(cl->out);
	while (!sfw_interrupted) {
		/* stop signals come in here alone: an attach is never cut
		 * short halfway, its interface left open */
		n = ppoll(&p, 1, t->n ? &retry : &rescan, waiting);
		if (n < 0 && errno != EINTR) {
			n = -errno;
			break;
		}
		if (n > 0 && (n = sfw_fib_watch_read(nl_fd, -1)) < 0)
			break;
		/* a link's change, the rescan, or a failed device's retry */
		if (n >= 0)
			follow(cl, r, t, quiet);
		n = 0;
	}
	sfw_sd_notify(notify_path, "STOPPING=1");
out:
	if (quiet)
		fclose(quiet);
	free(r);
	free(t);
	if (n < 0) {
		sfw_fail(-n, "watching the interfaces: %s", strerror(-n));
		return sfw_report(cl);
	}
	return SFW_EXIT_OK;
}

int sfw_cmd_restore(const struct sfw_cmdline *cl)
{
	const struct sfw_restore_cmd_opts *o = SFW_OPTS(cl, struct sfw_restore_cmd_opts);
	const char *notify = getenv("NOTIFY_SOCKET");
	char notify_path[256];
	sigset_t stop, waiting;
	int nl_fd, rc;

	if (!o->watch)
		return restore_once(cl, o, NULL);
	if (cl->json) {
		fprintf(cl->err, "sfw: restore watch prints a line as each interface comes "
			"back: no --json\n");
		return SFW_EXIT_USAGE;
	}
	/* systemd's socket is the watch's alone: the session daemon an
	 * attach starts is no readiness of this unit's */
	snprintf(notify_path, sizeof(notify_path), "%s", notify ? notify : "");
	unsetenv("NOTIFY_SOCKET");
	/* heard from before the restore, so no change between is missed */
	nl_fd = sfw_link_watch_open();
	if (nl_fd < 0)
		return sfw_fail(-nl_fd, "cannot watch the interfaces: %s", strerror(-nl_fd)),
		       sfw_report(cl);
	sfw_catch_stop_signals();
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &waiting);
	restore_once(cl, o, &waiting);
	fflush(cl->out);
	rc = watch(cl, nl_fd, notify_path[0] ? notify_path : NULL, &waiting);
	sigprocmask(SIG_SETMASK, &waiting, NULL);
	close(nl_fd);
	return rc;
}
