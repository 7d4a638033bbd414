/* attach, detach: thin wrappers over the loader library, plus the session
 * daemon's life (attach starts it, detach all stops it). Each interface
 * gets one line of text, or one entry of a JSON list that is closed even
 * when a later interface fails, so a script always reads valid JSON. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "apply.h"
#include "boot_record.h"
#include "cluster_cmd.h"
#include "commands.h"
#include "conf_ops.h"
#include "daemon_ctl.h"
#include "json.h"
#include "loader.h"
#include "maps.h"
#include "report.h"
#include "role_record.h"

const char *sfw_mode_name(__u32 mode)
{
	return mode == SFW_XDP_MODE_GENERIC ? "generic" : "native";
}

/* The per-interface report of attach/detach: text lines or a JSON list
 * under `top`. The JSON opens with the first interface done, so a command
 * that did nothing prints nothing but its error. */
struct iface_report {
	const struct sfw_cmdline *cl;
	const char *top;
	bool open;
	int fwd_ports;        /* attach ... forward: interfaces XDP redirects to */
	struct sfw_obuf ob;
	struct sfw_json j;
};

static void report_begin(struct iface_report *r, const struct sfw_cmdline *cl,
			 const char *top)
{
	r->cl = cl;
	r->top = top;
	r->open = false;
	r->fwd_ports = -1;
}

/* One interface: `result` is the JSON word, `text` the line's tail. */
static void report_iface(struct iface_report *r, const char *name, const char *result,
			 const char *mode, const char *text)
{
	if (!r->cl->json) {
		fprintf(r->cl->out, "%s: %s\n", name, text);
		return;
	}
	if (!r->open) {
		sfw_ob_init(&r->ob, r->cl->out);
		sfw_json_init(&r->j, &r->ob);
		sfw_json_doc_begin(&r->j, r->top);
		sfw_json_open(&r->j, "interface", '[');
		r->open = true;
	}
	sfw_json_open(&r->j, NULL, '{');
	sfw_json_str(&r->j, "name", name);
	sfw_json_str(&r->j, "result", result);
	if (mode)
		sfw_json_str(&r->j, "mode", mode);
	sfw_json_close(&r->j, '}');
}

static void report_end(struct iface_report *r)
{
	int n = r->fwd_ports;

	if (n >= 0 && !r->cl->json)
		fprintf(r->cl->out, "forwarding in XDP: on, %d interface%s take%s redirected frames\n",
			n, n == 1 ? "" : "s", n == 1 ? "s" : "");
	if (!r->open)
		return;
	sfw_json_close(&r->j, ']');
	if (n >= 0)
		sfw_json_num(&r->j, "forwarding-interfaces", (__u64)n);
	sfw_json_doc_end(&r->j);
}

bool sfw_sessions_pinned(void)
{
	int fd = sfw_open_pin(SFW_STR(SFW_MAP_SESSIONS), true);

	if (fd >= 0)
		close(fd);
	return fd != -ENOENT;
}

/* No table yet and no size asked for: one that holds the stored
 * configuration's `flow session max-sessions`. A table of the default
 * size held less, the stored file could not be applied, and this attach
 * failed closed, every new session refused (review batch M1). A size the
 * kernel refuses falls back to the default (attach_each): failing closed
 * as before, never an attach that fails and guards nothing. */
static void size_for_stored(struct sfw_attach_opts *opts)
{
	struct sfw_conf conf;
	__u32 want = 0, cap;

	if (sfw_sessions_pinned() || sfw_conf_load_active(&conf, NULL) != SFW_EXIT_OK)
		return;
	want = conf.flow.max_sessions;
	sfw_conf_free(&conf);
	cap = want ? sfw_session_capacity_for(want) : 0;
	if (cap > SFW_DEFAULT_MAX_SESSIONS)
		opts->max_sessions = cap;
}

static int attach_opts(const struct sfw_cmdline *cl, struct sfw_attach_opts *opts)
{
	const struct sfw_attach_cmd_opts *o = SFW_OPTS(cl, struct sfw_attach_cmd_opts);

	opts->mode = o->mode;
	if (o->given & SFW_AT_MAX_SESSIONS) {
		opts->max_sessions = o->max_sessions;
		if (!opts->max_sessions) {
			fprintf(cl->err, "sfw: invalid value '0' for 'max-sessions'; "
				"expected a number 1..4294967295\n");
			return -1;
		}
	} else if (o->recorded_sessions && !sfw_sessions_pinned()) {
		opts->max_sessions = o->recorded_sessions;   /* restore's */
	} else {
		size_for_stored(opts);
	}
	return 0;
}

/* attach ... forward: XDP forwarding on for the whole firewall (the
 * flag is global: a session's two wings arrive on different interfaces).
 * Returns how many interfaces take redirected frames, or a negative errno. */
static int attach_forward(void)
{
	__u32 ports[SFW_MAX_IFACES];
	int err = sfw_forward_set(true);

	return err ? err : sfw_forward_ports(ports, SFW_MAX_IFACES);
}

/* Each interface named, until one fails: 0 or that failure. *fresh: one
 * of them made the maps (pins) anew. */
static int attach_each(const struct sfw_cmdline *cl, const struct sfw_attach_opts *opts,
		       struct iface_report *rep, bool *fresh)
{
	struct sfw_attach_opts retry = *opts;
	struct sfw_attach_result res;
	bool sized = opts->max_sessions && !(SFW_OPTS(cl, struct sfw_attach_cmd_opts)->given &
					       SFW_AT_MAX_SESSIONS);
	char text[64];
	int r = 0;

	snprintf(text, sizeof(text), "attached (%s)", sfw_mode_name(opts->mode));
	for (int i = 0; i < cl->npos && r >= 0; i++) {
		res.fresh = false;
		r = sfw_attach_iface(cl->pos[i], opts, &res);
		/* a table the kernel refuses: too large (E2BIG) or no memory */
		if ((r == -E2BIG || r == -ENOMEM) && sized && !sfw_sessions_pinned()) {
			fprintf(cl->err, "sfw: note: a session table for the %s max-sessions "
				"(%u entries) could not be made: %s; attaching with the default "
				"table, on which the stored configuration fails closed\n",
				SFW_OPTS(cl, struct sfw_attach_cmd_opts)->recorded_sessions ?
				"recorded" : "stored", opts->max_sessions, sfw_last_error());
			sized = false;
			retry.max_sessions = 0;
			opts = &retry;
			r = sfw_attach_iface(cl->pos[i], opts, &res);
		}
		*fresh = *fresh || res.fresh;
		if (r == 1)
			report_iface(rep, cl->pos[i], "already-attached", NULL,
				     "already attached, nothing changed");
		else if (r == 0)
			report_iface(rep, cl->pos[i], "attached", sfw_mode_name(opts->mode), text);
	}
	return r < 0 ? r : 0;
}

/* `restore watch`'s attach: every name still recorded, under the lock,
 * or none attached (a detach came between its look and the lock). */
static bool recorded_all(const struct sfw_cmdline *cl)
{
	for (int i = 0; i < cl->npos; i++)
		if (!sfw_record_holds(cl->pos[i])) {
			fprintf(cl->err, "sfw: %s: detached meanwhile: not attached again\n",
				cl->pos[i]);
			return false;
		}
	return true;
}

/* Is any interface attached under this pin root? */
static bool any_attached(void)
{
	struct sfw_iface_entry one;

	return sfw_list_ifaces(&one, 1) > 0;
}

/* The zones of the configuration in force follow the interfaces there are
 * now, by name: they may have come, gone or been renamed while no daemon
 * listened. Names an sfw that keeps none left behind (it committed since):
 * the stored configuration is applied again, which writes them anew. */
static int follow_zones(const struct sfw_cmdline *cl)
{
	struct sfw_followed f;
	int err = sfw_zones_follow(&f);

	/* no room for some: said, attached all the same, even when the
	 * proxies then failed */
	if (f.zones > 0)
		fprintf(cl->err, "sfw: warning: %s\n", f.zones_said);
	if (f.zones == -ESTALE || f.proxies == -ESTALE)
		return sfw_conf_apply_active();
	return err < 0 ? err : 0;
}

int sfw_cmd_attach(const struct sfw_cmdline *cl)
{
	struct sfw_attach_opts opts = { 0 };
	struct iface_report rep;
	bool fresh = false, daemon_tried;
	int r;

	if (!cl->npos) {
		fprintf(cl->err, "sfw: attach needs at least one interface\n");
		return SFW_EXIT_USAGE;
	}
	if (attach_opts(cl, &opts))
		return SFW_EXIT_USAGE;
	/* maps this attach creates fail closed while a stored configuration
	 * waits to be applied (below): the loader does not read it */
	opts.fail_closed = sfw_conf_stored();
	/* restore watch's: an interface that came back gets what the others
	 * run at once, not after a load's verification */
	opts.reuse_running = SFW_OPTS(cl, struct sfw_attach_cmd_opts)->only_recorded;
	/* and in a cluster answer no proxy-arp/ndp request unless keepalived
	 * named this node primary this boot: the pins that said which role
	 * it has are made anew with the maps (docs/ha.md "After a restart").
	 * The record is read under the lock keepalived's hook writes it
	 * under: a hook writes before this read, or waits until the maps
	 * exist and then sets their flags itself */
	if (sfw_ensure_pin_root() || sfw_role_lock_for_attach(&opts.ha_secondary))
		return sfw_report(cl);
	if (SFW_OPTS(cl, struct sfw_attach_cmd_opts)->only_recorded && !recorded_all(cl))
		return sfw_unlock(), SFW_EXIT_FAIL;
	report_begin(&rep, cl, "sfw-attach");
	r = attach_each(cl, &opts, &rep, &fresh);
	if (r >= 0 && SFW_OPTS(cl, struct sfw_attach_cmd_opts)->forward)
		r = rep.fwd_ports = attach_forward();
	daemon_tried = r >= 0;
	/* ageing is always on: expired sessions go, closes are logged */
	if (r >= 0)
		r = sfw_daemon_ensure();
	report_end(&rep);
	if (r < 0) {
		sfw_report(cl);
		/* and for what got attached before a later interface failed
		 * (rv31b F3): it filters, so it ages and logs */
		if (!daemon_tried && any_attached() && sfw_daemon_ensure() < 0)
			sfw_report(cl);
	}
	/* whatever got attached refuses new sessions until the stored
	 * configuration is in force: every attach tries to apply it, and
	 * applies it again when the datapath runs another text (a commit cut
	 * short between its apply and its rename) */
	if ((sfw_conf_failed() || sfw_conf_differs()) && sfw_conf_apply_active()) {
		sfw_report(cl);
		r = -1;
	} else if (any_attached() && follow_zones(cl)) {
		sfw_report(cl);
		r = -1;
	}
	/* maps made anew in a cluster: the rest of the recorded role, last,
	 * on maps pinned, configured (sessions it loads find their zones'
	 * interfaces) and followed by a daemon, under the lock already held */
	if (fresh && sfw_cluster_restore_role(cl->json ? NULL : cl->out)) {
		sfw_report(cl);
		r = -1;
	}
	/* what is attached now, for `sfw restore` after a reboot, failed or
	 * not: what did get attached filters, and must again after one. A
	 * failed attach has said its one line: `sfw status` says whether the
	 * record was written. restore watch's that failed changed nothing the
	 * record holds (it holds the name), and it tries again every second */
	if (any_attached() &&
	    !(r < 0 && SFW_OPTS(cl, struct sfw_attach_cmd_opts)->only_recorded))
		sfw_record_update(r < 0 ? NULL : cl->err, NULL, 0);
	sfw_unlock();
	return r < 0 ? SFW_EXIT_FAIL : SFW_EXIT_OK;
}

static int detach_all(const struct sfw_cmdline *cl)
{
	struct sfw_obuf ob;
	struct sfw_json j;
	int n = sfw_check_netns();

	/* sfw_ifaces of another layout, or none: detach all is the way out,
	 * so the pinned links say instead (sfw_detach_all goes by them then),
	 * before the daemon is stopped */
	if (n == -SFW_ELAYOUT || !n)
		n = sfw_check_netns_links();
	if (!n)   /* the daemon first: it drains the ring into the log */
		n = sfw_daemon_stop();
	if (n >= 0)
		n = sfw_detach_all();
	if (n < 0)
		return n;
	if (!cl->json) {
		fprintf(cl->out, "detached from every interface\n");
		return 0;
	}
	sfw_ob_init(&ob, cl->out);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "sfw-detach");
	sfw_json_bool(&j, "all", true);
	sfw_json_num(&j, "interfaces-detached", (__u64)n);
	sfw_json_doc_end(&j);
	return 0;
}

/* An interface not attached that the record held (late, gone, or its
 * attach failed at boot): taken out, the one way to. */
static int unrecorded(struct iface_report *rep, const char *name)
{
	report_iface(rep, name, "unrecorded", NULL,
		     "not attached; removed from the record `sfw restore` reads");
	return 0;
}

/* detach NAMES with nothing loaded: each taken out of the record, or the
 * error that sfw is not loaded for the first the record did not hold. */
static int unrecord_only(const struct sfw_cmdline *cl)
{
	char why[SFW_ERR_MAX];
	struct iface_report rep;
	int i, r = 0;

	snprintf(why, sizeof(why), "%s", sfw_last_error());
	report_begin(&rep, cl, "sfw-detach");
	for (i = 0; i < cl->npos && !r; i++)
		r = sfw_record_drop(cl->pos[i]) ? unrecorded(&rep, cl->pos[i]) : -1;
	report_end(&rep);
	if (!r)
		return SFW_EXIT_OK;
	sfw_fail(ENOENT, "%s", why);
	return sfw_report(cl);
}

/* The pin root sfw_lock made (sfw_ensure_pin_root: it and links/), when
 * nothing came into it: a detach that loaded nothing leaves nothing. */
static void unmake_pin_root(void)
{
	char links[SFW_PIN_PATH_LEN];

	if (!sfw_pin_path(links, sizeof(links), "links"))
		rmdir(links);
	rmdir(sfw_pin_root());
}

static bool any_recorded(const struct sfw_cmdline *cl)
{
	for (int i = 0; i < cl->npos; i++)
		if (sfw_record_holds(cl->pos[i]))
			return true;
	return false;
}

int sfw_cmd_detach(const struct sfw_cmdline *cl)
{
	bool all = SFW_OPTS(cl, struct sfw_all_opts)->all;
	struct iface_report rep;
	int i, r = 0, done;

	/* `detach all` with nothing loaded succeeds (cleanup scripts run it);
	 * naming an interface then says sfw is not loaded, unless the record
	 * held them all (after a reboot, before the restore): they come out
	 * of it under the lock, which a `restore watch` attaching one takes
	 * too (its attach checks the record under it); a detach that can only
	 * fail takes none, and makes no pin root for one */
	if (!all && sfw_require_loaded()) {
		bool made = access(sfw_pin_root(), F_OK) != 0;

		if (!any_recorded(cl))
			return unrecord_only(cl);
		if (sfw_lock())
			return sfw_report(cl);
		if (sfw_require_loaded()) {
			r = unrecord_only(cl);
			sfw_unlock();
			if (made)   /* made for the lock alone, and empty */
				unmake_pin_root();
			return r;
		}
		/* loaded meanwhile (the watch attached one): detached as such */
	} else if (sfw_lock()) {
		return sfw_report(cl);
	}
	if (all) {
		r = detach_all(cl);
		if (r >= 0)
			sfw_record_forget(cl->err);
		sfw_unlock();
		return r < 0 ? sfw_report(cl) : SFW_EXIT_OK;
	}
	report_begin(&rep, cl, "sfw-detach");
	for (i = 0; i < cl->npos && r >= 0; i++) {
		r = sfw_detach_iface(cl->pos[i]);
		if (!r)
			report_iface(&rep, cl->pos[i], "detached", NULL, "detached");
		else if (r == -ENOENT && sfw_record_drop(cl->pos[i]))
			r = unrecorded(&rep, cl->pos[i]);
	}
	report_end(&rep);
	/* the ones detached before a failure too, not the failed one */
	done = r < 0 ? i - 1 : i;
	if (done > 0)
		sfw_record_update(cl->err, (const char *const *)cl->pos, done);
	sfw_unlock();
	return r < 0 ? sfw_report(cl) : SFW_EXIT_OK;
}
