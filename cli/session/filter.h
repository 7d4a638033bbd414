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

bool sfw_filter_match(const struct sfw_filter *f, const struct sfw_view *v);

#endif
