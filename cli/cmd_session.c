/* show security flow session [filters] [brief|extensive|summary] */
#include <string.h>
#include "commands.h"
#include "commands_events.h"

static enum sfw_view_kind chosen_view(const struct sfw_cmdline *cl)
{
	if (cl->v[SFW_SLOT_VIEW].set)
		return (enum sfw_view_kind)cl->v[SFW_SLOT_VIEW].num;
	/* `session-identifier N` alone is Junos's detailed block (seed 003). */
	return cl->v[SFW_SLOT_ID].set ? SFW_VIEW_EXTENSIVE : SFW_VIEW_BRIEF;
}

/* `refresh N` reprints the listing (cmd_monitor.c). */
int sfw_cmd_show_session(const struct sfw_cmdline *cl)
{
	return cl->v[SFW_SLOT_REFRESH].set ? sfw_show_session_refresh(cl)
					   : sfw_show_session_once(cl);
}

int sfw_show_session_once(const struct sfw_cmdline *cl)
{
	struct sfw_sess_totals tot;
	struct sfw_live_ctx lc;
	struct sfw_filter f;
	int err;

	sfw_filter_from_cmdline(cl, &f);
	err = sfw_live_ctx_open(&lc, cl);
	if (err)
		return sfw_report(cl);
	/* the whole table's summary reads the counters, when they are whole */
	if (chosen_view(cl) == SFW_VIEW_SUMMARY && !f.mask && !sfw_sess_totals_live(&tot) &&
	    !tot.partial)
		lc.flow.totals = &tot;
	err = sfw_flow_show(&lc.flow, &f, chosen_view(cl));
	sfw_live_ctx_close(&lc);
	if (err) {
		sfw_fail(-err, "reading the session table: %s", strerror(-err));
		return sfw_report(cl);
	}
	return SFW_EXIT_OK;
}
