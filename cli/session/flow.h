/* show/clear of flow sessions, independent of where the map comes from:
 * the command layer fills a context from the pinned maps, tests fill it
 * from a map they create, with a fixed clock. */
#ifndef SFW_CLI_FLOW_H
#define SFW_CLI_FLOW_H

#include <stdbool.h>
#include <stdio.h>
#include "filter.h"
#include "ifnames.h"
#include "json.h"
#include "junos_out.h"
#include "loader.h"
#include "sess_counts.h"

struct sfw_flow_ctx {
	int sessions_fd;
	__u64 now_ns;                          /* CLOCK_MONOTONIC, as the datapath */
	FILE *out;
	bool json;
	enum sfw_display display;              /* Junos XML/JSON: show only */
	const struct sfw_iface_entry *ifaces;  /* attached interfaces */
	int n_ifaces;
	__u64 failed_sessions;                 /* summary: sessions refused */
	__u32 max_sessions;                    /* summary: the limit in force;
						* 0: the table's capacity */
	struct sfw_reaper *reaper;             /* clear: remove through it (logs
						* the closes); NULL: plain deletes */
	/* unfiltered summary: the session counters, read instead of the
	 * table (loader/sess_counts.h); NULL: walk the table */
	const struct sfw_sess_totals *totals;
	/* Working state, zeroed by sfw_flow_ctx_init (the buffer's bytes
	 * excepted). */
	struct sfw_ifnames names;
	struct sfw_obuf ob;       /* all output goes through it */
	struct sfw_json js;
	struct sfw_jx jx;
};

enum sfw_clear_kind {
	SFW_CLEAR_SECURITY,   /* "<n> active sessions cleared" */
	SFW_CLEAR_SERVICES,   /* Interface / Service set / Conv removed */
};

void sfw_flow_ctx_init(struct sfw_flow_ctx *ctx, int sessions_fd, FILE *out,
		       bool json);

/* Print the matching sessions (or their summary). 0 or negative errno. */
int sfw_flow_show(struct sfw_flow_ctx *ctx, const struct sfw_filter *f,
		  enum sfw_view_kind view);
/* Remove the matching sessions and report the counts per interface. */
int sfw_flow_clear(struct sfw_flow_ctx *ctx, const struct sfw_filter *f,
		   enum sfw_clear_kind kind);

/* Capacity of the session map (its max_entries), 0 if unknown. */
__u32 sfw_map_capacity(int fd);

#endif
