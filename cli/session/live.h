/* A flow context on the pinned session map with the attached interfaces
 * and the clock: what show and clear of sessions work on. */
#ifndef SFW_CLI_LIVE_H
#define SFW_CLI_LIVE_H

#include "flow.h"
#include "grammar.h"
#include "maps.h"

struct sfw_live_ctx {
	struct sfw_flow_ctx flow;
	struct sfw_iface_entry ifaces[SFW_MAX_IFACES];
};
/* 0 or a negative errno (message in sfw_last_error()). */
int sfw_live_ctx_open(struct sfw_live_ctx *lc, const struct sfw_cmdline *cl);
void sfw_live_ctx_close(struct sfw_live_ctx *lc);

#endif
