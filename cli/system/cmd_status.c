/* status and reload: what is attached, with which programs, and the swap
 * of freshly loaded programs under the pinned maps. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include "apply.h"
#include "boot_record.h"
#include "commands.h"
#include "daemon_ctl.h"
#include "json.h"
#include "live.h"
#include "loader.h"
#include "maps.h"
#include "metrics.h"
#include "report.h"
#include "role_record.h"
#include "session_walk.h"

/* Why a registration filters nothing (live: sfw_ifaces_resolve's word),
 * or NULL when sfw's program runs on its interface. A registration
 * outlives its interface (deleted or moved away without `detach`), and a
 * device made again with the same index carries no program (its link
 * went with the old one). */
static const char *not_filtering(const struct sfw_iface_entry *e, bool live)
{
	char name[IF_NAMESIZE];

	if (live)
		return NULL;
	if (!if_indextoname(e->ifindex, name))
		return "the interface was deleted or moved to another namespace";
	return "sfw's program is not on it: made again, or taken off";
}

static void ifaces_text(FILE *f, const struct sfw_iface_entry *ifs, int n, const bool *live)
{
	const char *why;
	int i;

	fprintf(f, "%-16s %-8s %-12s %s\n", "Interface", "Mode", "XDP prog id",
		"TC prog id");
	for (i = 0; i < n; i++)
		if ((why = not_filtering(&ifs[i], live[i])))
			fprintf(f, "%-16s %-8s %-12s - (not filtering: %s)\n", ifs[i].info.name,
				"off", "-", why);
		else
			fprintf(f, "%-16s %-8s %-12u %u\n", ifs[i].info.name,
				sfw_mode_name(ifs[i].info.xdp_mode), ifs[i].info.xdp_prog_id,
				ifs[i].info.tc_prog_id);
}

static void ifaces_json(struct sfw_json *j, const struct sfw_iface_entry *ifs, int n,
			const bool *live)
{
	int i;

	sfw_json_open(j, "interface", '[');
	for (i = 0; i < n; i++) {
		sfw_json_open(j, NULL, '{');
		sfw_json_str(j, "name", ifs[i].info.name);
		sfw_json_num(j, "ifindex", ifs[i].ifindex);
		sfw_json_str(j, "mode", sfw_mode_name(ifs[i].info.xdp_mode));
		sfw_json_num(j, "xdp-prog-id", ifs[i].info.xdp_prog_id);
		sfw_json_num(j, "tc-prog-id", ifs[i].info.tc_prog_id);
		sfw_json_bool(j, "filtering", live[i]);
		sfw_json_close(j, '}');
	}
	sfw_json_close(j, ']');
}

static void status_json(FILE *f, const struct sfw_iface_entry *ifs, const bool *live, int n,
			__u64 count, __u32 cap, const struct sfw_daemon_view *dv,
			const struct sfw_record_view *rv)
{
	struct sfw_json j;
	struct sfw_obuf ob;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "sfw-status");
	sfw_json_str(&j, "pin-root", sfw_pin_root());
	sfw_json_num(&j, "active-sessions", count);
	sfw_json_num(&j, "max-sessions", cap);
	ifaces_json(&j, ifs, n, live);
	sfw_record_json(&j, rv);
	sfw_ksweep_json(&j, dv);
	sfw_daemon_json(&j, dv);
	if (dv->pid)
		sfw_metrics_status_json(&j);
	sfw_json_doc_end(&j);
}

int sfw_cmd_status(const struct sfw_cmdline *cl)
{
	bool live[SFW_MAX_IFACES];   /* each listed registration filters */
	struct sfw_live_ctx lc;
	struct sfw_daemon_view dv;
	struct sfw_record_view *rv;
	__u64 count = 0;
	__u32 cap;
	int err = 0;

	if (sfw_live_ctx_open(&lc, cl))
		return sfw_report(cl);
	err = sfw_sessions_in_use(lc.flow.sessions_fd, &count);
	cap = sfw_map_capacity(lc.flow.sessions_fd);
	sfw_live_ctx_close(&lc);
	sfw_daemon_view_read(&dv);
	if (err) {
		sfw_fail(-err, "reading the session table: %s", strerror(-err));
		return sfw_report(cl);
	}
	rv = malloc(sizeof(*rv));
	if (!rv)
		return sfw_fail(ENOMEM, "out of memory"), sfw_report(cl);
	/* by the names the devices have now, for the record's view too */
	sfw_ifaces_resolve(lc.ifaces, lc.flow.n_ifaces, live);
	sfw_record_view_read(rv, lc.ifaces, lc.flow.n_ifaces);
	if (cl->json) {
		status_json(cl->out, lc.ifaces, live, lc.flow.n_ifaces, count, cap, &dv, rv);
		free(rv);
		return SFW_EXIT_OK;
	}
	/* The root in force, which $SFW_PIN_ROOT may have moved. */
	fprintf(cl->out, "Pin root: %s\n", sfw_pin_root());
	fprintf(cl->out, "Sessions: %llu in use, capacity %u\n",
		(unsigned long long)count, cap);
	ifaces_text(cl->out, lc.ifaces, lc.flow.n_ifaces, live);
	sfw_record_text(cl->out, rv);
	free(rv);
	sfw_ksweep_text(cl->out, &dv);
	sfw_daemon_text(cl->out, &dv);
	if (dv.pid)
		sfw_metrics_status_text(cl->out);
	return SFW_EXIT_OK;
}

static void reload_json(FILE *f, const struct sfw_iface_entry *ifs, const bool *live, int n)
{
	struct sfw_json j;
	struct sfw_obuf ob;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "sfw-reload");
	sfw_json_num(&j, "interfaces-updated", (__u64)n);
	ifaces_json(&j, ifs, n, live);
	sfw_json_doc_end(&j);
}

/* err's line said, as sfw_report says the last failure's. */
static int report_line(const struct sfw_cmdline *cl, const char *line)
{
	sfw_fail(EIO, "%s", line);
	return sfw_report(cl);
}

/* Prints the interfaces with their new program ids: the proof that the
 * swap happened. Sessions stay in the pinned map throughout. The session
 * daemon is this binary's afterwards, as after attach: one an older sfw's
 * attach started is replaced (after a package upgrade, reload is the
 * step that brings the new version in: review rv43z F1). */
int sfw_cmd_reload(const struct sfw_cmdline *cl)
{
	struct sfw_iface_entry ifs[SFW_MAX_IFACES];
	bool live[SFW_MAX_IFACES];
	char apply_err[SFW_ERR_MAX] = "", daemon_err[SFW_ERR_MAX] = "";
	int n, r = SFW_EXIT_OK;

	if (sfw_require_loaded() || sfw_lock())
		return sfw_report(cl);
	n = sfw_reload(&(struct sfw_attach_opts){ .fail_closed = sfw_conf_stored(),
						  .ha_secondary = sfw_role_attach_silent() });
	if (n >= 0)
		n = sfw_list_ifaces(ifs, SFW_MAX_IFACES);
	if (n > 0)
		sfw_ifaces_resolve(ifs, n, live);
	/* the maps hold what the old version compiled of the stored file;
	 * the new one compiles it itself, or fails closed if it cannot */
	if (n >= 0 && sfw_conf_apply_active())
		snprintf(apply_err, sizeof(apply_err), "%s", sfw_last_error());
	/* under the lock, as attach does: a `detach all` cannot come
	 * between the programs' swap and the daemon's check (review rvdex F2) */
	if (n >= 0 && sfw_daemon_ensure() < 0)
		snprintf(daemon_err, sizeof(daemon_err), "%s", sfw_last_error());
	/* pins of an sfw that kept no record (an upgrade) get one here */
	if (n > 0)
		sfw_record_update(apply_err[0] || daemon_err[0] ? NULL : cl->err, NULL, 0);
	sfw_unlock();
	if (n < 0)
		return sfw_report(cl);
	if (cl->json) {
		reload_json(cl->out, ifs, live, n);
	} else {
		fprintf(cl->out, "reloaded programs on %d interface%s\n", n,
			n == 1 ? "" : "s");
		ifaces_text(cl->out, ifs, n, live);
	}
	/* each failure with its own line, not the last one's twice */
	if (apply_err[0])
		r = report_line(cl, apply_err);
	if (daemon_err[0])
		r = report_line(cl, daemon_err);
	return r;
}
