/* The --json shapes of docs/junos-layouts.md ("sfw's flat JSON"): Junos
 * XML element names as keys, plain values. Streamed: the list is opened
 * before the first session and closed after the last. */
#include <arpa/inet.h>
#include "format.h"
#include "protocols.h"
#include "values.h"

/* An address needs no escaping: written between its quotes as it is. */
static void json_addr(struct sfw_json *j, const char *key, __u8 family,
		      const union sfw_addr *a)
{
	sfw_json_key(j, key);
	sfw_ob_mem(j->ob, "\"", 1);
	sfw_ob_addr(j->ob, family, a);
	sfw_ob_mem(j->ob, "\"", 1);
}

static void json_wing(struct sfw_flow_ctx *ctx, const struct sfw_view *v, int dir,
		      bool extensive)
{
	const struct sfw_wing_view *w = &v->wing[dir];
	struct sfw_json *j = &ctx->js;
	char ifbuf[IF_NAMESIZE], p[4];

	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "direction", dir == SFW_WING_IN ? "In" : "Out");
	json_addr(j, "source-address", v->family, &w->src);
	sfw_json_num(j, "source-port", w->sport);
	json_addr(j, "destination-address", v->family, &w->dst);
	sfw_json_num(j, "destination-port", w->dport);
	sfw_json_str(j, "protocol", sfw_proto_label(v->proto, p));
	sfw_json_num(j, "protocol-number", v->proto);
	sfw_json_str(j, "interface-name", sfw_ifname(&ctx->names, w->ifindex, ifbuf));
	sfw_json_num(j, "pkt-cnt", w->packets);
	sfw_json_num(j, "byte-cnt", w->bytes);
	if (extensive) {
		sfw_json_num(j, "port-sequence", w->raw->seq_end);
		sfw_json_num(j, "fin-sequence", w->raw->fin_seq);
		sfw_json_num(j, "fin-state", sfw_fin_state(w->raw));
	}
	sfw_json_close(j, '}');
}

static void json_session(struct sfw_flow_ctx *ctx, const struct sfw_view *v,
			 bool extensive, __u64 index)
{
	const struct sfw_session *s = v->sess;
	struct sfw_json *j = &ctx->js;
	struct sfw_name pol;

	(void)index;
	sfw_json_open(j, NULL, '{');
	sfw_json_num(j, "session-identifier", s->id);
	sfw_json_str(j, "status", "Normal");
	sfw_json_str(j, "policy", sfw_policy_name(s->policy_id, &pol));
	sfw_json_num(j, "policy-index", sfw_policy_index(s->policy_id));
	if (v->app)
		sfw_json_str(j, "application-name", v->app->name);
	else
		sfw_json_null(j, "application-name");
	sfw_json_num(j, "configured-timeout", s->timeout_s);
	sfw_json_num(j, "timeout", v->remaining_s);
	sfw_json_str(j, "sess-state", sfw_state_name(v));
	sfw_json_num(j, "start-time", v->start_s);
	sfw_json_num(j, "duration", v->duration_s);
	if (v->proto == SFW_IPPROTO_TCP)
		sfw_json_str(j, "tcp-state", sfw_tcp_state_name(s->tcp_state));
	if (extensive)
		sfw_json_bool(j, "synced-from-peer", s->flags & SFW_SESS_F_SYNCED);
	sfw_json_open(j, "flow-information", '[');
	json_wing(ctx, v, SFW_WING_IN, extensive);
	json_wing(ctx, v, SFW_WING_OUT, extensive);
	sfw_json_close(j, ']');
	sfw_json_close(j, '}');
}

static void json_list_begin(struct sfw_flow_ctx *ctx)
{
	sfw_json_doc_begin(&ctx->js, "flow-session-information");
	sfw_json_open(&ctx->js, "flow-session", '[');
}

static void json_list_end(struct sfw_flow_ctx *ctx, __u64 count)
{
	sfw_json_close(&ctx->js, ']');
	sfw_json_num(&ctx->js, "displayed-session-count", count);
	sfw_json_doc_end(&ctx->js);
}

static void json_summary(struct sfw_flow_ctx *ctx, const struct sfw_summary *s,
			 bool filtered)
{
	struct sfw_json *j = &ctx->js;

	sfw_json_doc_begin(j, "flow-session-summary-information");
	if (!filtered) {
		sfw_json_num(j, "active-unicast-sessions", s->unicast);
		sfw_json_num(j, "active-multicast-sessions", s->multicast);
		sfw_json_num(j, "active-services-offload-sessions", s->services_offload);
		sfw_json_num(j, "failed-sessions", s->failed);
		sfw_json_num(j, "active-drop-sessions", s->drop_flow);
	}
	sfw_json_num(j, "active-sessions", s->total);
	sfw_json_num(j, "active-session-valid", s->valid);
	sfw_json_num(j, "active-session-pending", s->pending);
	sfw_json_num(j, "active-session-invalidated", s->invalidated);
	sfw_json_num(j, "active-session-other", s->other);
	if (!filtered)
		sfw_json_num(j, "max-sessions", s->max_sessions);
	sfw_json_doc_end(j);
}

static void json_cleared(struct sfw_flow_ctx *ctx, enum sfw_clear_kind kind,
			 const struct sfw_clear_row *rows, int n, __u64 total)
{
	struct sfw_json *j = &ctx->js;
	char ifbuf[IF_NAMESIZE];
	int i;

	(void)kind;
	sfw_json_doc_begin(j, "clear-flow-session-information");
	sfw_json_open(j, "cleared", '[');
	for (i = 0; i < n; i++) {
		sfw_json_open(j, NULL, '{');
		sfw_json_str(j, "interface-name",
			     sfw_ifname(&ctx->names, rows[i].ifindex, ifbuf));
		sfw_json_str(j, "service-set", rows[i].service_set);
		sfw_json_num(j, "conversations-removed", rows[i].removed);
		sfw_json_close(j, '}');
	}
	sfw_json_close(j, ']');
	sfw_json_num(j, "total", total);
	sfw_json_doc_end(j);
}

const struct sfw_formatter sfw_format_json = {
	.list_begin = json_list_begin,
	.session = json_session,
	.list_end = json_list_end,
	.summary = json_summary,
	.cleared = json_cleared,
};
