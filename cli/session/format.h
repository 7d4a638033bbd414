/* Output of the flow commands, text and JSON behind one interface so the
 * collecting code never knows which it is writing. */
#ifndef SFW_CLI_FORMAT_H
#define SFW_CLI_FORMAT_H

#include "flow.h"
#include "session_view.h"

struct sfw_summary {
	__u64 unicast, multicast, failed;
	/* Lines of current Junos releases (docs/junos-layouts.md) for what sfw
	 * does not have: it offloads no session to a services processor and
	 * keeps no drop flows (a denied packet creates no session), so both
	 * stay 0. */
	__u64 services_offload, drop_flow;
	__u64 valid, pending, invalidated, other;
	__u64 total;
	__u64 max_sessions;
};

struct sfw_clear_row {
	__u32 ifindex;
	const char *service_set;
	__u64 removed;
};

struct sfw_formatter {
	void (*list_begin)(struct sfw_flow_ctx *ctx);
	/* `index` counts sessions printed before this one. */
	void (*session)(struct sfw_flow_ctx *ctx, const struct sfw_view *v,
			bool extensive, __u64 index);
	void (*list_end)(struct sfw_flow_ctx *ctx, __u64 count);
	/* `filtered`: only the matching sessions' counts (no table-wide lines). */
	void (*summary)(struct sfw_flow_ctx *ctx, const struct sfw_summary *s,
			bool filtered);
	void (*cleared)(struct sfw_flow_ctx *ctx, enum sfw_clear_kind kind,
			const struct sfw_clear_row *rows, int n, __u64 total);
};

extern const struct sfw_formatter sfw_format_text;
extern const struct sfw_formatter sfw_format_json;
/* Junos's reply, as ctx->display says (format_junos.c) */
extern const struct sfw_formatter sfw_format_junos;

/* Helpers shared by both formatters. */
const char *sfw_state_name(const struct sfw_view *v);
/* Protocol name, or its number when it has none; buf >= 4 bytes. */
const char *sfw_proto_label(__u8 proto, char *buf);
/* Junos FIN state of a wing: 0 none, 1 FIN sent, 2 FIN acknowledged,
 * 3 reset. */
unsigned int sfw_fin_state(const struct sfw_wing *w);
/* TCP state name (session.h's list), "UNKNOWN" when out of range. */
const char *sfw_tcp_state_name(__u8 state);

#endif
