/* clear security flow session ... and clear services stateful-firewall
 * flows ...: the same removal, reported in each command's Junos shape. */
#include <string.h>
#include "commands.h"
#include "live.h"
#include "reap.h"
#include "report.h"

/* Both option structs start with the filter (`all` is no filter). */
static int clear_common(const struct sfw_cmdline *cl, enum sfw_clear_kind kind)
{
	struct sfw_filter f = *SFW_OPTS(cl, struct sfw_filter);
	struct sfw_live_ctx lc;
	bool refused = false;
	int err;

	f.mask &= SFW_FLT_FIELDS;
	/* The context first: it fails cleanly when sfw is not loaded (the
	 * lock would create an empty pin root) or serves another namespace. */
	err = sfw_live_ctx_open(&lc, cl);
	if (err)
		return sfw_report(cl);
	err = sfw_lock();
	if (err) {
		sfw_live_ctx_close(&lc);
		return sfw_report(cl);
	}
	/* only through the reaper: it claims each session's end, gives its
	 * limit-session counts back, takes it out of the session counters
	 * and logs its close ("CLI"). Plain deletes would skip all of that
	 * (counts held for ever), so without the reaper nothing is cleared:
	 * its load says why (a datapath of an older sfw: reload) */
	if (sfw_reaper_open(&lc.flow.reaper)) {
		lc.flow.reaper = NULL;
		refused = true;
	}
	err = refused ? 0 : sfw_flow_clear(&lc.flow, &f, kind);
	sfw_reaper_close(lc.flow.reaper);
	sfw_live_ctx_close(&lc);
	sfw_unlock();
	if (refused)
		return sfw_report(cl);   /* the reaper's load said why */
	if (err) {
		sfw_fail(-err, "clearing sessions: %s", strerror(-err));
		return sfw_report(cl);
	}
	return SFW_EXIT_OK;
}

int sfw_cmd_clear_session(const struct sfw_cmdline *cl)
{
	return clear_common(cl, SFW_CLEAR_SECURITY);
}

int sfw_cmd_clear_services(const struct sfw_cmdline *cl)
{
	return clear_common(cl, SFW_CLEAR_SERVICES);
}
