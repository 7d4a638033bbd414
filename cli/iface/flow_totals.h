/* show security flow statistics: Junos's ten flow-wide counters, made of
 * the per-interface counters (include/counters.h) summed over the attached
 * interfaces and the number of sessions in the table. Lines for what sfw
 * does not do (copying, queueing, services offload, fragment generation)
 * stay at 0, as Junos prints them for features that are off; sfw does not
 * count fragments apart, so Fragment packets stays 0 too (docs/cli.md). */
#ifndef SFW_CLI_FLOW_TOTALS_H
#define SFW_CLI_FLOW_TOTALS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "counters.h"

/* X(id, label, json-key): the lines in Junos's order (docs/junos-layouts.md). */
#define SFW_FLOW_TOTAL_LIST(X)                                                       \
	X(SESSIONS, "Current sessions", "current-sessions")                          \
	X(RECEIVED, "Packets received", "packets-received")                          \
	X(TRANSMITTED, "Packets transmitted", "packets-transmitted")                 \
	X(FORWARDED, "Packets forwarded/queued", "packets-forwarded-queued")         \
	X(COPIED, "Packets copied", "packets-copied")                                \
	X(DROPPED, "Packets dropped", "packets-dropped")                             \
	X(OFFLOAD, "Services-offload packets processed", "services-offload-packets") \
	X(FRAGMENTS, "Fragment packets", "fragment-packets")                         \
	X(PRE_FRAGS, "Pre fragments generated", "pre-fragments-generated")           \
	X(POST_FRAGS, "Post fragments generated", "post-fragments-generated")

enum sfw_flow_total {
#define SFW_X(id, label, key) SFW_FT_##id,
	SFW_FLOW_TOTAL_LIST(SFW_X)
#undef SFW_X
	SFW_FT_COUNT
};

struct sfw_flow_totals {
	__u64 v[SFW_FT_COUNT];
};

/* Adds one interface's counters: received is every packet's outcome,
 * dropped the drop reasons among them, transmitted the permitted output
 * (Local and Transit). */
void sfw_flow_totals_add(struct sfw_flow_totals *t, const struct sfw_iface_stats *s);

void sfw_flow_totals_print(const struct sfw_flow_totals *t, bool json, FILE *out);

#endif
