/* Matching a session against the filters of show/clear/monitor (struct
 * sfw_filter: cli/core/commands.h). */
#ifndef SFW_CLI_FILTER_H
#define SFW_CLI_FILTER_H

#include <stdbool.h>
#include <linux/types.h>
#include "commands.h"
#include "session_view.h"

/* The one service set every attached interface is in until service sets
 * are configurable. */
#define SFW_DEFAULT_SERVICE_SET "default"

/* The whole match is the entry's part and the view's. A walk asks the
 * entry's first, before it builds a view: a filtered listing or clear of
 * a large table builds one only for the sessions it keeps. */
bool sfw_filter_entry(const struct sfw_filter *f, const struct sfw_session_key *key,
		      const struct sfw_session *sess);
/* What needs the view: the application (classified when it is built). */
static inline bool sfw_filter_needs_view(const struct sfw_filter *f)
{
	return f->mask & SFW_FLT_APP;
}
bool sfw_filter_view(const struct sfw_filter *f, const struct sfw_view *v);
bool sfw_filter_match(const struct sfw_filter *f, const struct sfw_view *v);

#endif
