/* `| display xml` and `| display json` of the flow session commands: the
 * reply's element tree, described once here and written by either of
 * cli/core/junos_out.h's writers. Element names, nesting and order are
 * those of real devices' replies (docs/junos-layouts.md, "Junos's own
 * machine output"; samples in tests/fixtures/junos/). Elements sfw has
 * no value for (gateway, logical-system, wan-acceleration, session-mask,
 * seq-ack-diff, cluster session-state) are left out; the constants are
 * the ones the text layouts print (format_text.c). */
#include <arpa/inet.h>
#include "format.h"
#include "protocols.h"
#include "values.h"

#define NS_FLOW_HEAD "http://xml.juniper.net/junos/"
#define NS_FLOW_TAIL "/junos-flow"

/* xmlns of <flow-session-information>: the release sits inside it */
static const char *flow_ns(char *buf, size_t len)
{
	snprintf(buf, len, NS_FLOW_HEAD "%s" NS_FLOW_TAIL, sfw_release);
	return buf;
}

static void begin(struct sfw_flow_ctx *ctx)
{
	sfw_jx_begin(&ctx->jx, &ctx->ob, ctx->display, sfw_release);
}

/* The session's two composed leaves, without snprintf (a listing writes
 * both for every session): "0x0/0x0/0x0/0x<flags>" ... */
static const char *session_flag(__u32 flags, char buf[32])
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf + 31;

	*p = '\0';
	do
		*--p = hex[flags & 0xf];
	while (flags >>= 4);
	p -= sizeof("0x0/0x0/0x0/0x") - 1;
	memcpy(p, "0x0/0x0/0x0/0x", sizeof("0x0/0x0/0x0/0x") - 1);
	return p;
}

/* ... and "<policy name>/<policy index>". */
static const char *policy_label(__u32 policy_id, char *buf, size_t len)
{
	struct sfw_name pol;
	const char *name = sfw_policy_name(policy_id, &pol);
	char num[24], *d = sfw_u64_digits(sfw_policy_index(policy_id), num + sizeof(num));
	size_t n = strnlen(name, sizeof(pol.name)), dn = (size_t)(num + sizeof(num) - d);

	if (n + 1 + dn >= len)   /* cannot happen: len holds a name and an index */
		return "?";
	memcpy(buf, name, n);
	buf[n] = '/';
	memcpy(buf + n + 1, d, dn);
	buf[n + 1 + dn] = '\0';
	return buf;
}

static void wing(struct sfw_flow_ctx *ctx, const struct sfw_view *v, int dir,
		 const char *style)
{
	const struct sfw_wing_view *w = &v->wing[dir];
	struct sfw_jx *x = &ctx->jx;
	char addr[INET6_ADDRSTRLEN], ifbuf[IF_NAMESIZE], p[4];

	sfw_jx_open(x, "flow-information", "junos:style", style);
	sfw_jx_leaf(x, "direction", dir == SFW_WING_IN ? "In" : "Out");
	sfw_jx_leaf(x, "source-address", sfw_addr_str(v->family, &w->src, addr, sizeof(addr)));
	sfw_jx_leaf_u64(x, "source-port", w->sport);
	sfw_jx_leaf(x, "destination-address",
		    sfw_addr_str(v->family, &w->dst, addr, sizeof(addr)));
	sfw_jx_leaf_u64(x, "destination-port", w->dport);
	sfw_jx_leaf(x, "protocol", sfw_proto_label(v->proto, p));
	sfw_jx_leaf(x, "conn-tag", "0x0");
	sfw_jx_leaf(x, "interface-name", sfw_ifname(&ctx->names, w->ifindex, ifbuf));
	sfw_jx_leaf(x, "session-token", "0x0");
	sfw_jx_leaf_hex(x, "flag", w->raw->tcp_flags);
	sfw_jx_leaf(x, "route", "0x0");
	sfw_jx_leaf_u64(x, "tunnel-information", 0);
	sfw_jx_leaf_u64(x, "port-sequence", w->raw->seq_end);
	sfw_jx_leaf_u64(x, "fin-sequence", w->raw->fin_seq);
	sfw_jx_leaf_u64(x, "fin-state", sfw_fin_state(w->raw));
	sfw_jx_leaf_u64(x, "pkt-cnt", w->packets);
	sfw_jx_leaf_u64(x, "byte-cnt", w->bytes);
	sfw_jx_close(x, "flow-information");
}

static void session(struct sfw_flow_ctx *ctx, const struct sfw_view *v, bool extensive,
		    __u64 index)
{
	const char *style = extensive ? "extensive" : "brief";
	const struct sfw_session *s = v->sess;
	struct sfw_jx *x = &ctx->jx;
	char buf[sizeof(struct sfw_name) + 16];

	(void)index;
	sfw_jx_open(x, "flow-session", "junos:style", style);
	sfw_jx_leaf_u64(x, "session-identifier", s->id);
	sfw_jx_leaf(x, "status", "Normal");
	sfw_jx_leaf(x, "session-flag", session_flag(s->flags, buf));
	sfw_jx_leaf(x, "policy", policy_label(s->policy_id, buf, sizeof(buf)));
	sfw_jx_leaf(x, "nat-source-pool-name", sfw_view_nat_pool(v));
	if (v->app) {
		sfw_jx_leaf(x, "application-name", v->app->name);
		sfw_jx_leaf_u64(x, "application-value", v->app->id);
	}
	sfw_jx_leaf(x, "dynamic-application-name", "junos:UNKNOWN");
	sfw_jx_leaf(x, "encryption-traffic-name", " Unknown");
	sfw_jx_leaf(x, "application-traffic-control-rule-set-name", "INVALID");
	sfw_jx_leaf(x, "application-traffic-control-rule-name", "INVALID");
	sfw_jx_leaf_u64(x, "configured-timeout", s->timeout_s);
	sfw_jx_leaf_u64(x, "timeout", v->remaining_s);
	sfw_jx_leaf(x, "sess-state", sfw_state_name(v));
	sfw_jx_leaf_u64(x, "start-time", v->start_s);
	sfw_jx_leaf_u64(x, "duration", v->duration_s);
	wing(ctx, v, SFW_WING_IN, style);
	wing(ctx, v, SFW_WING_OUT, style);
	sfw_jx_close(x, "flow-session");
}

static void list_begin(struct sfw_flow_ctx *ctx)
{
	char ns[128];

	begin(ctx);
	sfw_jx_open(&ctx->jx, "flow-session-information", "xmlns", flow_ns(ns, sizeof(ns)));
}

static void list_end(struct sfw_flow_ctx *ctx, __u64 count)
{
	sfw_jx_leaf_u64(&ctx->jx, "displayed-session-count", count);
	sfw_jx_close(&ctx->jx, "flow-session-information");
	sfw_jx_end(&ctx->jx);
}

/* The whole table: its counts between two empty flow-session-information
 * elements, as the device sample has them. */
static void whole_summary(struct sfw_flow_ctx *ctx, const struct sfw_summary *s)
{
	struct sfw_jx *x = &ctx->jx;
	char ns[128];

	flow_ns(ns, sizeof(ns));
	sfw_jx_open(x, "flow-session-information", "xmlns", ns);
	sfw_jx_close(x, "flow-session-information");
	sfw_jx_open(x, "flow-session-summary-information", "xmlns", ns);
	sfw_jx_leaf_u64(x, "active-unicast-sessions", s->unicast);
	sfw_jx_leaf_u64(x, "active-multicast-sessions", s->multicast);
	sfw_jx_leaf_u64(x, "failed-sessions", s->failed);
	sfw_jx_leaf_u64(x, "active-sessions", s->total);
	sfw_jx_leaf_u64(x, "active-session-valid", s->valid);
	sfw_jx_leaf_u64(x, "active-session-pending", s->pending);
	sfw_jx_leaf_u64(x, "active-session-invalidated", s->invalidated);
	sfw_jx_leaf_u64(x, "active-session-other", s->other);
	sfw_jx_leaf_u64(x, "max-sessions", s->max_sessions);
	sfw_jx_close(x, "flow-session-summary-information");
	sfw_jx_open(x, "flow-session-information", "xmlns", ns);
	sfw_jx_close(x, "flow-session-information");
}

/* A filtered summary: the matching sessions' counts. */
static void displayed_summary(struct sfw_flow_ctx *ctx, const struct sfw_summary *s)
{
	struct sfw_jx *x = &ctx->jx;

	sfw_jx_open(x, "security-flow-information", NULL, NULL);
	sfw_jx_open(x, "flow-session-information", NULL, NULL);
	sfw_jx_leaf_u64(x, "displayed-session-valid", s->valid);
	sfw_jx_leaf_u64(x, "displayed-session-pending", s->pending);
	sfw_jx_leaf_u64(x, "displayed-session-invalidated", s->invalidated);
	sfw_jx_leaf_u64(x, "displayed-session-other", s->other);
	sfw_jx_leaf_u64(x, "displayed-session-count", s->total);
	sfw_jx_close(x, "flow-session-information");
	sfw_jx_close(x, "security-flow-information");
}

static void summary(struct sfw_flow_ctx *ctx, const struct sfw_summary *s, bool filtered)
{
	begin(ctx);
	if (filtered)
		displayed_summary(ctx, s);
	else
		whole_summary(ctx, s);
	sfw_jx_end(&ctx->jx);
}

/* Only show commands take `| display xml|json` (cli/core/tree.c marks
 * them): clear never reaches this formatter. */
const struct sfw_formatter sfw_format_junos = {
	.list_begin = list_begin,
	.session = session,
	.list_end = list_end,
	.summary = summary,
	.cleared = NULL,
};
