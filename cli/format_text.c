/* The Junos text layouts (../shared/reference/junos-cli.md). Labels, order,
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

/* "<src>/<sport> --> <dst>/<dport>;<proto>" */
static void put_tuple(FILE *f, const struct sfw_view *v, const struct sfw_wing_view *w)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], p[4];

	fprintf(f, "%s/%u --> %s/%u;%s",
		sfw_addr_str(v->family, &w->src, src, sizeof(src)), w->sport,
		sfw_addr_str(v->family, &w->dst, dst, sizeof(dst)), w->dport,
		sfw_proto_label(v->proto, p));
}

static void brief_wing(struct sfw_flow_ctx *ctx, const struct sfw_view *v, int dir)
{
	const struct sfw_wing_view *w = &v->wing[dir];
	char ifbuf[IF_NAMESIZE];

	fprintf(ctx->out, "  %s: ", dir == SFW_WING_IN ? "In" : "Out");
	put_tuple(ctx->out, v, w);
	fprintf(ctx->out, ", Conn Tag: 0x0, If: %s, Pkts: %llu, Bytes: %llu,\n",
		sfw_ifname(&ctx->names, w->ifindex, ifbuf),
		(unsigned long long)w->packets, (unsigned long long)w->bytes);
}

static void extensive_wing(struct sfw_flow_ctx *ctx, const struct sfw_view *v, int dir)
{
	const struct sfw_wing_view *w = &v->wing[dir];
	FILE *f = ctx->out;
	char ifbuf[IF_NAMESIZE];

	fprintf(f, "   %s: ", dir == SFW_WING_IN ? "In" : "Out");
	put_tuple(f, v, w);
	fprintf(f, ",\n    Conn Tag: 0x0, Interface: %s,\n",
		sfw_ifname(&ctx->names, w->ifindex, ifbuf));
	fprintf(f, "    Session token: 0x0, Flag: 0x%x\n", w->raw->tcp_flags);
	fputs("    Route: 0x0, Gateway: , Tunnel: 0\n", f);
	fprintf(f, "    Port sequence: %u, FIN sequence: %u,\n",
		w->raw->seq_end, w->raw->fin_seq);
	fprintf(f, "    FIN state: %u,\n", sfw_fin_state(w->raw));
	fprintf(f, "    Pkts: %llu, Bytes: %llu\n",
		(unsigned long long)w->packets, (unsigned long long)w->bytes);
}

static void extensive_head(struct sfw_flow_ctx *ctx, const struct sfw_view *v)
{
	const struct sfw_session *s = v->sess;
	FILE *f = ctx->out;
	char pol[32];

	fprintf(f, "Session ID: %llu, Status: Normal\n", (unsigned long long)s->id);
	fprintf(f, "Flags: 0x0/0x0/0x0/0x%x\n", s->flags);
	fprintf(f, "Policy name: %s/%u\n",
		sfw_policy_name(s->policy_id, pol, sizeof(pol)), s->policy_id);
	fputs("Source NAT pool: Null", f);
	if (v->app)
		fprintf(f, ", Application: %s/%u", v->app->name, v->app->id);
	fputs("\nDynamic application: junos:UNKNOWN,\n", f);
	fputs("Encryption:  Unknown\n", f);
	fputs("Application traffic control rule-set: INVALID, Rule: INVALID\n", f);
	fprintf(f, "Maximum timeout: %u, Current timeout: %u\n", s->timeout_s,
		v->remaining_s);
	fprintf(f, "Session State: %s\n", sfw_state_name(v));
	fprintf(f, "Start time: %llu, Duration: %llu\n",
		(unsigned long long)v->start_s, (unsigned long long)v->duration_s);
}

static void text_session(struct sfw_flow_ctx *ctx, const struct sfw_view *v,
			 bool extensive, __u64 index)
{
	const struct sfw_session *s = v->sess;
	char pol[32];

	if (index)
		fputc('\n', ctx->out);
	if (!extensive) {
		fprintf(ctx->out, "Session ID: %llu, Policy name: %s/%u, Timeout: %u, %s\n",
			(unsigned long long)s->id,
			sfw_policy_name(s->policy_id, pol, sizeof(pol)),
			s->policy_id, v->remaining_s, sfw_state_name(v));
		brief_wing(ctx, v, SFW_WING_IN);
		brief_wing(ctx, v, SFW_WING_OUT);
		return;
	}
	extensive_head(ctx, v);
	extensive_wing(ctx, v, SFW_WING_IN);
	extensive_wing(ctx, v, SFW_WING_OUT);
	/* Linux's fact Junos lacks, after the Junos lines. */
	if (v->proto == SFW_IPPROTO_TCP)
		fprintf(ctx->out, "TCP state: %s\n", sfw_tcp_state_name(s->tcp_state));
}

static void text_list_begin(struct sfw_flow_ctx *ctx)
{
	(void)ctx;
}

static void text_list_end(struct sfw_flow_ctx *ctx, __u64 count)
{
	fprintf(ctx->out, "Total sessions: %llu\n", (unsigned long long)count);
}

static void text_summary(struct sfw_flow_ctx *ctx, const struct sfw_summary *s,
			 bool filtered)
{
	FILE *f = ctx->out;
	const char *ind = filtered ? "" : "  ";

	if (!filtered) {
		fprintf(f, "Unicast-sessions: %llu\n", (unsigned long long)s->unicast);
		fprintf(f, "Multicast-sessions: %llu\n", (unsigned long long)s->multicast);
		fprintf(f, "Failed-sessions: %llu\n", (unsigned long long)s->failed);
		fprintf(f, "Sessions-in-use: %llu\n", (unsigned long long)s->total);
	}
	fprintf(f, "%sValid sessions: %llu\n", ind, (unsigned long long)s->valid);
	fprintf(f, "%sPending sessions: %llu\n", ind, (unsigned long long)s->pending);
	fprintf(f, "%sInvalidated sessions: %llu\n", ind,
		(unsigned long long)s->invalidated);
	fprintf(f, "%sSessions in other states: %llu\n", ind,
		(unsigned long long)s->other);
	if (filtered)
		fprintf(f, "Total sessions: %llu\n", (unsigned long long)s->total);
	else
		fprintf(f, "Maximum-sessions: %llu\n", (unsigned long long)s->max_sessions);
}

/* Seed 000's table, as real devices print it (the reference's samples):
 * interface left-aligned in 12, service set left-aligned in 56, count
 * right-aligned in 11 (the header's "Conv removed" is one wider). A name
 * too long for its column still gets one space after it. */
#define CLEAR_IF_W 12
#define CLEAR_SET_W 56
#define CLEAR_NUM_W 11

static void put_padded(FILE *f, const char *s, int width)
{
	int len = (int)strlen(s);

	fprintf(f, "%s%*s", s, len < width ? width - len : 1, "");
}

static void text_cleared(struct sfw_flow_ctx *ctx, enum sfw_clear_kind kind,
			 const struct sfw_clear_row *rows, int n, __u64 total)
{
	char ifbuf[IF_NAMESIZE];
	int i;

	if (kind == SFW_CLEAR_SECURITY) {
		fprintf(ctx->out, "%llu active sessions cleared\n",
			(unsigned long long)total);
		return;
	}
	put_padded(ctx->out, "Interface", CLEAR_IF_W);
	put_padded(ctx->out, "Service set", CLEAR_SET_W);
	fputs("Conv removed\n", ctx->out);
	for (i = 0; i < n; i++) {
		put_padded(ctx->out, sfw_ifname(&ctx->names, rows[i].ifindex, ifbuf),
			   CLEAR_IF_W);
		put_padded(ctx->out, rows[i].service_set, CLEAR_SET_W);
		fprintf(ctx->out, "%*llu\n", CLEAR_NUM_W,
			(unsigned long long)rows[i].removed);
	}
}

const struct sfw_formatter sfw_format_text = {
	.list_begin = text_list_begin,
	.session = text_session,
	.list_end = text_list_end,
	.summary = text_summary,
	.cleared = text_cleared,
};
