/* show security policies [detail] in Junos's text layout:
 *
 * Default policy: permit-all
 * From zone: trust, To zone: untrust
 *   Policy: allow-web, State: enabled, Index: 4, Scope Policy: 0, Sequence number: 1
 *     Source addresses: any
 *     Destination addresses: web-servers
 *     Applications: junos-http
 *     Action: permit, log
 * Global policies:
 *   Policy: ...
 *
 * detail prints one block per policy with addresses resolved to prefixes
 * and applications to their protocol, ports and timeout. */
#include "policy_show.h"
#include "protocols.h"
#include "values.h"

static void put_names(FILE *f, const char *label, const struct sfw_conf_refs *refs)
{
	fprintf(f, "%s", label);
	for (int k = 0; k < refs->n; k++)
		fprintf(f, "%s%s", k ? ", " : "", refs->v[k].name);
	if (!refs->n)
		fputs("any", f);   /* a global policy's empty zone list */
	fputc('\n', f);
}

static void brief_policy(const struct sfw_conf_policy *pol, int seq, bool first,
			 void *arg)
{
	FILE *f = arg;
	char act[64];

	if (first && pol->global)
		fputs("Global policies:\n", f);
	else if (first)
		fprintf(f, "From zone: %s, To zone: %s\n", pol->from_zone.name,
			pol->to_zone.name);
	fprintf(f, "  Policy: %s, State: enabled, Index: %u, Scope Policy: 0, "
		"Sequence number: %d\n", pol->name, pol->index, seq);
	if (pol->global) {
		put_names(f, "    From zones: ", &pol->match_from);
		put_names(f, "    To zones: ", &pol->match_to);
	}
	put_names(f, "    Source addresses: ", &pol->src);
	put_names(f, "    Destination addresses: ", &pol->dst);
	put_names(f, "    Applications: ", &pol->apps);
	fprintf(f, "    Action: %s\n", sfw_policy_action_text(pol, act, sizeof(act)));
}

struct detail_ctx {
	const struct sfw_conf *conf;
	FILE *f;
	bool any_shown;
};

/* One resolved address: `name(global): prefix`; `any` is both families. */
static int detail_address(const struct sfw_conf_prefix *p,
			  const struct sfw_conf_address *a, void *arg)
{
	FILE *f = arg;
	char buf[64];

	if (!a) {
		if (p->family != SFW_FAMILY_INET6)
			fputs("    any-ipv4(global): 0.0.0.0/0\n", f);
		if (p->family != SFW_FAMILY_INET)
			fputs("    any-ipv6(global): ::/0\n", f);
		return 0;
	}
	fprintf(f, "    %s(global): %s/%u\n", a->name,
		sfw_addr_str(p->family, &p->addr, buf, sizeof(buf)), p->len);
	return 0;
}

static void put_range(FILE *f, const char *label, const struct sfw_conf_port_range *r)
{
	fprintf(f, "      %s port range: [%u-%u]\n", label, r->set ? r->lo : 0,
		r->set ? r->hi : 0);
}

/* Junos prints 255 for "any type" / "any code". */
static int icmp_value(int v)
{
	return v < 0 ? 255 : v;
}

static int detail_app(const struct sfw_conf_application *app, void *arg)
{
	const struct detail_ctx *c = arg;
	__u32 to = sfw_app_timeout(c->conf, app);
	char proto[16];

	fprintf(c->f, "  Application: %s\n", app->name);
	fprintf(c->f, "    IP protocol: %s, ALG: 0, Inactivity timeout: ",
		app->proto < 0 ? "0" : sfw_conf_proto_name(app->proto, proto, sizeof(proto)));
	if (to == SFW_CONF_TIMEOUT_NEVER)
		fputs("never\n", c->f);
	else
		fprintf(c->f, "%u\n", to);
	if (app->proto == SFW_IPPROTO_ICMP || app->proto == SFW_IPPROTO_ICMP6) {
		fprintf(c->f, "      ICMP Information: type=%d, code=%d\n",
			icmp_value(app->icmp_type), icmp_value(app->icmp_code));
		return 0;
	}
	put_range(c->f, "Source", &app->sport);
	put_range(c->f, "Destination", &app->dport);
	return 0;
}

static void detail_zones(FILE *f, const struct sfw_conf_policy *pol)
{
	if (!pol->global) {
		fprintf(f, "  From zone: %s, To zone: %s\n", pol->from_zone.name,
			pol->to_zone.name);
		return;
	}
	put_names(f, "  From zones: ", &pol->match_from);
	put_names(f, "  To zones: ", &pol->match_to);
}

void sfw_policy_head(FILE *f, const char *name, const char *action, __u32 index, bool scope)
{
	fprintf(f, "Policy: %s, action-type: %s, State: enabled, Index: %u%s\n", name, action,
		index, scope ? ", Scope Policy: 0" : "");
}

void sfw_policy_detail(const struct sfw_conf *conf, const struct sfw_conf_policy *pol,
		       int seq, bool scope, FILE *f)
{
	struct detail_ctx c = { .conf = conf, .f = f };

	sfw_policy_head(f, pol->name, sfw_conf_action_name(pol->action), pol->index, scope);
	fputs("  Policy Type: Configured\n", f);
	fprintf(f, "  Sequence number: %d\n", seq);
	detail_zones(f, pol);
	fputs("  Source addresses:\n", f);
	sfw_conf_walk_addresses(conf, &pol->src, detail_address, f);
	fputs("  Destination addresses:\n", f);
	sfw_conf_walk_addresses(conf, &pol->dst, detail_address, f);
	sfw_conf_walk_apps(conf, &pol->apps, detail_app, &c);
	fputs("  Per policy TCP Options: SYN check: No, SEQ check: No, Window scale: No\n", f);
	if (pol->log_init || pol->log_close)
		fprintf(f, "  Session log: %s%s%s\n", pol->log_init ? "at-create" : "",
			pol->log_init && pol->log_close ? ", " : "",
			pol->log_close ? "at-close" : "");
	if (pol->description)
		fprintf(f, "  Description: %s\n", pol->description);
}

static void detail_policy(const struct sfw_conf_policy *pol, int seq, bool first,
			  void *arg)
{
	struct detail_ctx *c = arg;

	if (c->any_shown)
		fputc('\n', c->f);
	c->any_shown = true;
	sfw_policy_detail(c->conf, pol, seq, true, c->f);
}

void sfw_show_policies_text(const struct sfw_conf *conf,
			    const struct sfw_policy_sel *sel, bool detail, FILE *out)
{
	struct detail_ctx c = { .conf = conf, .f = out };

	fprintf(out, "Default policy: %s\n", sfw_default_policy_word(conf));
	if (detail)
		sfw_policies_each(conf, sel, detail_policy, &c);
	else
		sfw_policies_each(conf, sel, brief_policy, out);
}
