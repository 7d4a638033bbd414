/* attach, detach, status: thin wrappers over the loader library. */
#include <string.h>
#include "commands.h"
#include "maps.h"
#include "session_walk.h"

static const char *mode_name(__u32 mode)
{
	return mode == SFW_XDP_MODE_GENERIC ? "generic" : "native";
}

int sfw_cmd_attach(const struct sfw_cmdline *cl)
{
	struct sfw_attach_opts opts = { .mode = SFW_XDP_MODE_NATIVE };
	int i, r = 0;

	if (!cl->npos) {
		fprintf(cl->err, "sfw: attach needs at least one interface\n");
		return SFW_EXIT_USAGE;
	}
	if (cl->v[SFW_SLOT_MODE].set && cl->v[SFW_SLOT_MODE].num == 1)
		opts.mode = SFW_XDP_MODE_GENERIC;
	if (cl->v[SFW_SLOT_MAX_SESSIONS].set) {
		opts.max_sessions = (__u32)cl->v[SFW_SLOT_MAX_SESSIONS].num;
		if (!opts.max_sessions) {
			fprintf(cl->err, "sfw: invalid value '0' for 'max-sessions'; "
				"expected a number 1..4294967295\n");
			return SFW_EXIT_USAGE;
		}
	}
	if (sfw_ensure_pin_root() || sfw_lock())
		return sfw_report(cl);
	for (i = 0; i < cl->npos && r >= 0; i++) {
		r = sfw_attach_iface(cl->pos[i], &opts);
		if (r == 1)
			fprintf(cl->out, "%s: already attached, nothing changed\n", cl->pos[i]);
		else if (r == 0)
			fprintf(cl->out, "%s: attached (%s)\n", cl->pos[i], mode_name(opts.mode));
	}
	sfw_unlock();
	return r < 0 ? sfw_report(cl) : SFW_EXIT_OK;
}

int sfw_cmd_detach(const struct sfw_cmdline *cl)
{
	int i, r = 0;

	if (sfw_lock())
		return sfw_report(cl);
	if (cl->v[SFW_SLOT_ALL].set) {
		r = sfw_detach_all();
		if (!r)
			fprintf(cl->out, "detached from every interface\n");
	}
	for (i = 0; i < cl->npos && r >= 0; i++) {
		r = sfw_detach_iface(cl->pos[i]);
		if (!r)
			fprintf(cl->out, "%s: detached\n", cl->pos[i]);
	}
	sfw_unlock();
	return r < 0 ? sfw_report(cl) : SFW_EXIT_OK;
}

static int count_visit(const struct sfw_session_key *k, const struct sfw_session *s,
		       void *arg)
{
	(void)k;
	(void)s;
	(*(__u64 *)arg)++;
	return SFW_WALK_NEXT;
}

static void status_text(FILE *f, const struct sfw_iface_entry *ifs, int n,
			__u64 count, __u32 cap)
{
	int i;

	fprintf(f, "Pin root: %s\n", SFW_PIN_ROOT);
	fprintf(f, "Sessions: %llu in use, capacity %u\n", (unsigned long long)count, cap);
	fprintf(f, "%-16s %-8s %-12s %s\n", "Interface", "Mode", "XDP prog id",
		"TC prog id");
	for (i = 0; i < n; i++)
		fprintf(f, "%-16s %-8s %-12u %u\n", ifs[i].info.name,
			mode_name(ifs[i].info.xdp_mode), ifs[i].info.xdp_prog_id,
			ifs[i].info.tc_prog_id);
}

static void status_json(FILE *f, const struct sfw_iface_entry *ifs, int n,
			__u64 count, __u32 cap)
{
	struct sfw_json j;
	struct sfw_obuf ob;
	int i;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_open(&j, NULL, '{');
	sfw_json_open(&j, "sfw-status", '{');
	sfw_json_str(&j, "pin-root", SFW_PIN_ROOT);
	sfw_json_num(&j, "active-sessions", count);
	sfw_json_num(&j, "max-sessions", cap);
	sfw_json_open(&j, "interface", '[');
	for (i = 0; i < n; i++) {
		sfw_json_open(&j, NULL, '{');
		sfw_json_str(&j, "name", ifs[i].info.name);
		sfw_json_num(&j, "ifindex", ifs[i].ifindex);
		sfw_json_str(&j, "mode", mode_name(ifs[i].info.xdp_mode));
		sfw_json_num(&j, "xdp-prog-id", ifs[i].info.xdp_prog_id);
		sfw_json_num(&j, "tc-prog-id", ifs[i].info.tc_prog_id);
		sfw_json_close(&j, '}');
	}
	sfw_json_close(&j, ']');
	sfw_json_close(&j, '}');
	sfw_json_close(&j, '}');
}

int sfw_cmd_status(const struct sfw_cmdline *cl)
{
	struct sfw_live_ctx lc;
	struct sfw_walk_ops ops = { .visit = count_visit };
	__u64 count = 0;
	__u32 cap;
	int err;

	if (sfw_live_ctx_open(&lc, cl))
		return sfw_report(cl);
	ops.arg = &count;
	err = sfw_walk_sessions(lc.flow.sessions_fd, &ops);
	cap = sfw_map_capacity(lc.flow.sessions_fd);
	sfw_live_ctx_close(&lc);
	if (err) {
		sfw_fail(-err, "reading the session table: %s", strerror(-err));
		return sfw_report(cl);
	}
	if (cl->json)
		status_json(cl->out, lc.ifaces, lc.flow.n_ifaces, count, cap);
	else
		status_text(cl->out, lc.ifaces, lc.flow.n_ifaces, count, cap);
	return SFW_EXIT_OK;
}
