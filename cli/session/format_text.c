/* The Junos text layouts (docs/junos-layouts.md). Labels, order,
 * separators and the trailing commas are what Junos operators' scripts
 * parse: change nothing here without the reference. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "format.h"
#include "protocols.h"
#include "values.h"

static const char *tcp_state_names[] = {
#define SFW_X(name, label) label,
	SFW_TCP_STATE_LIST(SFW_X)
#undef SFW_X
};

const char *sfw_tcp_state_name(__u8 state)
{
	return state < SFW_TCP_STATE_COUNT ? tcp_state_names[state] : "UNKNOWN";
}

const char *sfw_state_name(const struct sfw_view *v)
{
	return v->valid ? "Valid" : "Invalidated";
}

const char *sfw_proto_label(__u8 proto, char *buf)
{
	const char *name = sfw_proto_name(proto);

	if (name)
		return name;
	snprintf(buf, 4, "%u", proto);
	return buf;
}

unsigned int sfw_fin_state(const struct sfw_wing *w)
{
	if (w->tcp_flags & SFW_WING_SEEN_RST)
		return 3;
	if (w->tcp_flags & SFW_WING_FIN_ACKED)
		return 2;
	return (w->tcp_flags & SFW_WING_SEEN_FIN) ? 1 : 0;
}

static void put_proto(struct sfw_obuf *o, __u8 proto)
{
	const char *name = sfw_proto_name(proto);

	if (name)
		sfw_ob_str(o, name);
	else
		sfw_ob_u64(o, proto);
}

/* "<src>/<sport> --> <dst>/<dport>;<proto>" */
static void put_tuple(struct sfw_obuf *o, const struct sfw_view *v,
		      const struct sfw_wing_view *w)
{
	sfw_ob_addr(o, v->family, &w->src);
	sfw_ob_mem(o, "/", 1);
	sfw_ob_u64(o, w->sport);
	sfw_ob_str(o, " --> ");
	sfw_ob_addr(o, v->family, &w->dst);
	sfw_ob_mem(o, "/", 1);
	sfw_ob_u64(o, w->dport);
	sfw_ob_mem(o, ";", 1);
	put_proto(o, v->proto);
}

static void put_ifname(struct sfw_flow_ctx *ctx, __u32 ifindex)
{
	char ifbuf[IF_NAMESIZE];

	sfw_ob_str(&ctx->ob, sfw_ifname(&ctx->names, ifindex, ifbuf));
}

static void brief_wing(struct sfw_flow_ctx *ctx, const struct sfw_view *v, int dir)
{
	const struct sfw_wing_view *w = &v->wing[dir];
	struct sfw_obuf *o = &ctx->ob;

	sfw_ob_str(o, dir == SFW_WING_IN ? "  In: " : "  Out: ");
	put_tuple(o, v, w);
	sfw_ob_str(o, ", Conn Tag: 0x0, If: ");
	put_ifname(ctx, w->ifindex);
	sfw_ob_str(o, ", Pkts: ");
	sfw_ob_u64(o, w->packets);
	sfw_ob_str(o, ", Bytes: ");
	sfw_ob_u64(o, w->bytes);
	sfw_ob_str(o, ",\n");
}

static void extensive_wing(struct sfw_flow_ctx *ctx, const struct sfw_view *v, int dir)
{
	const struct sfw_wing_view *w = &v->wing[dir];
	struct sfw_obuf *o = &ctx->ob;

	sfw_ob_str(o, dir == SFW_WING_IN ? "   In: " : "   Out: ");
	put_tuple(o, v, w);
	sfw_ob_str(o, ",\n    Conn Tag: 0x0, Interface: ");
	put_ifname(ctx, w->ifindex);
	sfw_ob_str(o, ",\n    Session token: 0x0, Flag: ");
	sfw_ob_hex(o, w->raw->tcp_flags);
	sfw_ob_str(o, "\n    Route: 0x0, Gateway: , Tunnel: 0\n    Port sequence: ");
	sfw_ob_u64(o, w->raw->seq_end);
	sfw_ob_str(o, ", FIN sequence: ");
	sfw_ob_u64(o, w->raw->fin_seq);
	sfw_ob_str(o, ",\n    FIN state: ");
	sfw_ob_u64(o, sfw_fin_state(w->raw));
	sfw_ob_str(o, ",\n    Pkts: ");
	sfw_ob_u64(o, w->packets);
	sfw_ob_str(o, ", Bytes: ");
	sfw_ob_u64(o, w->bytes);
	sfw_ob_str(o, "\n");
}

static void put_policy(struct sfw_obuf *o, __u32 policy_id)
{
	struct sfw_name pol;

	sfw_ob_str(o, sfw_policy_name(policy_id, &pol));
	sfw_ob_mem(o, "/", 1);
	sfw_ob_u64(o, sfw_policy_index(policy_id));
}

static void extensive_head(struct sfw_flow_ctx *ctx, const struct sfw_view *v)
{
	const struct sfw_session *s = v->sess;
	struct sfw_obuf *o = &ctx->ob;

	sfw_ob_str(o, "Session ID: ");
	sfw_ob_u64(o, s->id);
	sfw_ob_str(o, ", Status: Normal\nFlags: 0x0/0x0/0x0/");
	sfw_ob_hex(o, s->flags);
	sfw_ob_str(o, "\nPolicy name: ");
	put_policy(o, s->policy_id);
	sfw_ob_str(o, "\nSource NAT pool: ");
	sfw_ob_str(o, sfw_view_nat_pool(v));
	if (v->app) {
		sfw_ob_str(o, ", Application: ");
		sfw_ob_str(o, v->app->name);
		sfw_ob_mem(o, "/", 1);
		sfw_ob_u64(o, v->app->id);
	}
	sfw_ob_str(o, "\nDynamic application: junos:UNKNOWN,\n"
		   "Encryption:  Unknown\n"
		   "Application traffic control rule-set: INVALID, Rule: INVALID\n"
		   "Maximum timeout: ");
	sfw_ob_u64(o, s->timeout_s);
	sfw_ob_str(o, ", Current timeout: ");
	sfw_ob_u64(o, v->remaining_s);
	sfw_ob_str(o, "\nSession State: ");
	sfw_ob_str(o, sfw_state_name(v));
	sfw_ob_str(o, "\nStart time: ");
	sfw_ob_u64(o, v->start_s);
	sfw_ob_str(o, ", Duration: ");
	sfw_ob_u64(o, v->duration_s);
	sfw_ob_str(o, "\n");
}

static void text_session(struct sfw_flow_ctx *ctx, const struct sfw_view *v,
			 bool extensive, __u64 index)
{
	const struct sfw_session *s = v->sess;
	struct sfw_obuf *o = &ctx->ob;

	if (index)
		sfw_ob_str(o, "\n");
	if (!extensive) {
		sfw_ob_str(o, "Session ID: ");
		sfw_ob_u64(o, s->id);
		sfw_ob_str(o, ", Policy name: ");
		put_policy(o, s->policy_id);
		sfw_ob_str(o, ", Timeout: ");
		sfw_ob_u64(o, v->remaining_s);
		sfw_ob_str(o, ", ");
		sfw_ob_str(o, sfw_state_name(v));
		sfw_ob_str(o, "\n");
		brief_wing(ctx, v, SFW_WING_IN);
		brief_wing(ctx, v, SFW_WING_OUT);
		return;
	}
	extensive_head(ctx, v);
	extensive_wing(ctx, v, SFW_WING_IN);
	extensive_wing(ctx, v, SFW_WING_OUT);
	/* Linux's fact Junos lacks, after the Junos lines. */
	if (v->proto == SFW_IPPROTO_TCP) {
		sfw_ob_str(o, "TCP state: ");
		sfw_ob_str(o, sfw_tcp_state_name(s->tcp_state));
		sfw_ob_str(o, "\n");
	}
	/* loaded from the cluster peer's mirror (docs/ha.md) */
	if (s->flags & SFW_SESS_F_SYNCED)
		sfw_ob_str(o, "Cluster: synced from the peer\n");
}

static void text_list_begin(struct sfw_flow_ctx *ctx)
{
	(void)ctx;
}

/* "<label><n>\n" */
static void put_line(struct sfw_obuf *o, const char *label, __u64 n)
{
	sfw_ob_str(o, label);
	sfw_ob_u64(o, n);
	sfw_ob_mem(o, "\n", 1);
}

static void text_list_end(struct sfw_flow_ctx *ctx, __u64 count)
{
	put_line(&ctx->ob, "Total sessions: ", count);
}

static void text_summary(struct sfw_flow_ctx *ctx, const struct sfw_summary *s,
			 bool filtered)
{
	struct sfw_obuf *o = &ctx->ob;
	const char *ind = filtered ? "" : "  ";

	if (!filtered) {
		put_line(o, "Unicast-sessions: ", s->unicast);
		put_line(o, "Multicast-sessions: ", s->multicast);
		put_line(o, "Services-offload-sessions: ", s->services_offload);
		put_line(o, "Failed-sessions: ", s->failed);
		put_line(o, "Sessions-in-drop-flow: ", s->drop_flow);
		put_line(o, "Sessions-in-use: ", s->total);
	}
	sfw_ob_str(o, ind);
	put_line(o, "Valid sessions: ", s->valid);
	sfw_ob_str(o, ind);
	put_line(o, "Pending sessions: ", s->pending);
	sfw_ob_str(o, ind);
	put_line(o, "Invalidated sessions: ", s->invalidated);
	sfw_ob_str(o, ind);
	put_line(o, "Sessions in other states: ", s->other);
	if (filtered)
		put_line(o, "Total sessions: ", s->total);
	else
		put_line(o, "Maximum-sessions: ", s->max_sessions);
}

/* The clear table of docs/junos-layouts.md, as real devices print it:
 * interface left-aligned in 12, service set left-aligned in 56, count
 * right-aligned in 11 (the header's "Conv removed" is one wider). A name
 * too long for its column still gets one space after it. */
#define CLEAR_IF_W 12
#define CLEAR_SET_W 56
#define CLEAR_NUM_W 11

static void text_cleared(struct sfw_flow_ctx *ctx, enum sfw_clear_kind kind,
			 const struct sfw_clear_row *rows, int n, __u64 total)
{
	struct sfw_obuf *o = &ctx->ob;
	char ifbuf[IF_NAMESIZE];
	int i;

	if (kind == SFW_CLEAR_SECURITY) {
		sfw_ob_u64(o, total);
		sfw_ob_str(o, " active sessions cleared\n");
		return;
	}
	sfw_ob_pad(o, "Interface", CLEAR_IF_W);
	sfw_ob_pad(o, "Service set", CLEAR_SET_W);
	sfw_ob_str(o, "Conv removed\n");
	for (i = 0; i < n; i++) {
		sfw_ob_pad(o, sfw_ifname(&ctx->names, rows[i].ifindex, ifbuf), CLEAR_IF_W);
		sfw_ob_pad(o, rows[i].service_set, CLEAR_SET_W);
		sfw_ob_u64_right(o, rows[i].removed, CLEAR_NUM_W);
		sfw_ob_mem(o, "\n", 1);
	}
}

const struct sfw_formatter sfw_format_text = {
	.list_begin = text_list_begin,
	.session = text_session,
	.list_end = text_list_end,
	.summary = text_summary,
	.cleared = text_cleared,
};
