/* restore watch: after the restore, attaching each recorded interface
 * whenever it comes back (docs/security.md "An interface that comes
 * back"). An interface deleted and made again (a driver reloaded, a USB
 * NIC plugged in again, a VLAN or bond made anew by the network's
 * configuration) is a new device with no program on it, open while sfw
 * still listed its name. */
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
#include "loader.h"
#include "report.h"
#include "restore.h"
#include "sd_notify.h"
#include "signals.h"

/* a look without a link's change too, should the socket's messages have
 * been lost in a way it cannot tell */
#define WATCH_RESCAN_MS 10000

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
	/* a whole attach a second on a device that refuses it took 3.6% of a
	 * CPU: its first checks alone, until they pass */
	if (k >= 0 && sfw_iface_attachable(r->iface[i].name)) {
		t->dev[k].at_ms = sfw_mono_ms();
		return;
	}
	if (k < 0)
		fprintf(cl->out, "%s: there (ifindex %u) with no sfw program on it: attaching "
			"it again\n", r->iface[i].name, ifindex);
	fflush(cl->out);
	if (!sfw_restore_attach(cl, cl->out, k < 0 ? cl->err : quiet, r, i, true)) {
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

/* Stays until SIGTERM or SIGINT, attaching what comes back. */
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

int sfw_restore_watch(const struct sfw_cmdline *cl, const struct sfw_restore_cmd_opts *o)
{
	const char *notify = getenv("NOTIFY_SOCKET");
	char notify_path[256];
	sigset_t stop, waiting;
	int nl_fd, rc;

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
	sfw_restore_once(cl, o, &waiting);
	fflush(cl->out);
	rc = watch(cl, nl_fd, notify_path[0] ? notify_path : NULL, &waiting);
	sigprocmask(SIG_SETMASK, &waiting, NULL);
	close(nl_fd);
	return rc;
}
