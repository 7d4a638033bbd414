/* show security flow session [filters] [brief|extensive|summary]
 * [refresh N] */
#include <string.h>
#include "commands.h"
#include "live.h"
#include "refresh.h"
#include "report.h"

static enum sfw_view_kind chosen_view(const struct sfw_show_session_opts *o)
{
	if (o->f.mask & SFW_SO_VIEW)
		return o->view;
	/* `session-identifier N` alone is Junos's detailed block (docs/junos-layouts.md). */
	return o->f.mask & SFW_FLT_ID ? SFW_VIEW_EXTENSIVE : SFW_VIEW_BRIEF;
}

static int show_once(const struct sfw_cmdline *cl)
{
	const struct sfw_show_session_opts *o = SFW_OPTS(cl, struct sfw_show_session_opts);
	enum sfw_view_kind view = chosen_view(o);
	struct sfw_filter f = o->f;
	struct sfw_sess_totals tot;
	struct sfw_live_ctx lc;
	int err;

	f.mask &= SFW_FLT_FIELDS;
	err = sfw_live_ctx_open(&lc, cl);
	if (err)
		return sfw_report(cl);
	/* the whole table's summary reads the counters, when they are whole */
	if (view == SFW_VIEW_SUMMARY && !f.mask && !sfw_sess_totals_live(&tot) && !tot.partial)
		lc.flow.totals = &tot;
	err = sfw_flow_show(&lc.flow, &f, view);
	sfw_live_ctx_close(&lc);
	if (err) {
		sfw_fail(-err, "reading the session table: %s", strerror(-err));
		return sfw_report(cl);
	}
	return SFW_EXIT_OK;
}

/* `refresh N` reprints the listing (Junos's `| refresh`). */
int sfw_cmd_show_session(const struct sfw_cmdline *cl)
{
	const struct sfw_show_session_opts *o = SFW_OPTS(cl, struct sfw_show_session_opts);

	return o->f.mask & SFW_SO_REFRESH ? sfw_refresh(cl, o->refresh_s, show_once)
					  : show_once(cl);
}
