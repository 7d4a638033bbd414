/* Session filters of show/clear: each set field must match (AND). */
#ifndef SFW_CLI_FILTER_H
#define SFW_CLI_FILTER_H

#include <stdbool.h>
#include <linux/types.h>
#include "session_view.h"
#include "values.h"

enum sfw_filter_field {
	SFW_FLT_ID          = 1u << 0,
	SFW_FLT_PROTO       = 1u << 1,
	SFW_FLT_SRC_PREFIX  = 1u << 2,
	SFW_FLT_DST_PREFIX  = 1u << 3,
	SFW_FLT_SRC_PORT    = 1u << 4,
	SFW_FLT_DST_PORT    = 1u << 5,
	SFW_FLT_IFACE       = 1u << 6,
	SFW_FLT_APP         = 1u << 7,
	SFW_FLT_POLICY      = 1u << 8,
	SFW_FLT_FAMILY      = 1u << 9,
	SFW_FLT_SERVICE_SET = 1u << 10,
};

/* The one service set every attached interface is in until service sets
 * are configurable. */
#define SFW_DEFAULT_SERVICE_SET "default"

struct sfw_filter {
	unsigned int mask;          /* SFW_FLT_* present */
	__u64 id;
	__u8 proto;
	__u8 family;                /* SFW_FAMILY_* */
	__u16 sport, dport;
	struct sfw_prefix src, dst;
	__u32 ifindex;
	const char *app;            /* application word (see sfw_app_matches) */
	const char *policy;         /* policy name or index */
	const char *service_set;
};

bool sfw_filter_match(const struct sfw_filter *f, const struct sfw_view *v);

#endif
