/* show security policies [detail] --json, keyed by Junos's XML element
 * names (security-policies, security-context, context-information,
 * policy-information, ...). One security-context per zone pair, and one
 * with "global-context" for the global policies. Detail lists addresses
 * resolved to prefixes and applications with their terms. */
#include "json.h"
#include "policy_show.h"
#include "protocols.h"
#include "values.h"

struct pj {
	const struct sfw_conf *conf;
	struct sfw_json *j;
	bool detail;
	bool in_context;
};

/* A global policy's zone list; empty means any zone. */
static void names(struct sfw_json *j, const char *list, const struct sfw_conf_refs *refs)
{
	sfw_json_open(j, list, '[');
	for (int k = 0; k < refs->n; k++)
		sfw_json_str(j, NULL, refs->v[k].name);
	if (!refs->n)
		sfw_json_str(j, NULL, "any");
	sfw_json_close(j, ']');
}

static void address_entry(struct sfw_json *j, const char *name, const char *prefix)
{
	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "address-name", name);
	if (prefix)
		sfw_json_str(j, "prefix", prefix);
	sfw_json_close(j, '}');
}

static int json_address(const struct sfw_conf_prefix *p,
			const struct sfw_conf_address *a, void *arg)
{
	struct sfw_json *j = arg;
	char buf[64], pfx[72];

	if (!a) {
		if (p->family != SFW_FAMILY_INET6)
			address_entry(j, "any-ipv4", "0.0.0.0/0");
		if (p->family != SFW_FAMILY_INET)
			address_entry(j, "any-ipv6", "::/0");
		return 0;
	}
	snprintf(pfx, sizeof(pfx), "%s/%u",
		 sfw_addr_str(p->family, &p->addr, buf, sizeof(buf)), p->len);
	address_entry(j, a->name, pfx);
	return 0;
}

static void addresses(struct pj *c, const char *key, const struct sfw_conf_refs *refs)
{
	sfw_json_open(c->j, key, '[');
	if (c->detail)
		sfw_conf_walk_addresses(c->conf, refs, json_address, c->j);
	else
		for (int k = 0; k < refs->n; k++)
			address_entry(c->j, refs->v[k].name, NULL);
	sfw_json_close(c->j, ']');
}

static void port_range(struct sfw_json *j, const char *key,
		       const struct sfw_conf_port_range *r)
{
	sfw_json_open(j, key, '{');
	sfw_json_num(j, "low", r->set ? r->lo : 0);
	sfw_json_num(j, "high", r->set ? r->hi : 0);
	sfw_json_close(j, '}');
}

static int json_app(const struct sfw_conf_application *app, void *arg)
{
	struct pj *c = arg;
	struct sfw_json *j = c->j;
	__u32 to = sfw_app_timeout(c->conf, app);
	char proto[16];

	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "application-name", app->name);
	sfw_json_str(j, "protocol", app->proto < 0 ? "0" :
		     sfw_conf_proto_name(app->proto, proto, sizeof(proto)));
	if (to == SFW_CONF_TIMEOUT_NEVER)
		sfw_json_str(j, "inactivity-timeout", "never");
	else
		sfw_json_num(j, "inactivity-timeout", to);
	if (app->proto == SFW_IPPROTO_ICMP || app->proto == SFW_IPPROTO_ICMP6) {
		sfw_json_num(j, "icmp-type", app->icmp_type < 0 ? 255 : (__u64)app->icmp_type);
		sfw_json_num(j, "icmp-code", app->icmp_code < 0 ? 255 : (__u64)app->icmp_code);
	} else {
		port_range(j, "source-port-range", &app->sport);
		port_range(j, "destination-port-range", &app->dport);
	}
	sfw_json_close(j, '}');
	return 0;
}

static void applications(struct pj *c, const struct sfw_conf_refs *refs)
{
	sfw_json_open(c->j, "applications", '[');
	if (c->detail) {
		sfw_conf_walk_apps(c->conf, refs, json_app, c);
	} else {
		for (int k = 0; k < refs->n; k++) {
			sfw_json_open(c->j, NULL, '{');
			sfw_json_str(c->j, "application-name", refs->v[k].name);
			sfw_json_close(c->j, '}');
		}
	}
	sfw_json_close(c->j, ']');
}

static void action(struct sfw_json *j, const struct sfw_conf_policy *pol)
{
	sfw_json_open(j, "policy-action", '{');
	sfw_json_str(j, "action-type", sfw_conf_action_name(pol->action));
	sfw_json_bool(j, "session-init", pol->log_init);
	sfw_json_bool(j, "session-close", pol->log_close);
	sfw_json_bool(j, "count", pol->count);
	sfw_json_close(j, '}');
}

/* Close the previous context's arrays and open this one's. */
static void context(struct pj *c, const struct sfw_conf_policy *pol)
{
	struct sfw_json *j = c->j;

	if (c->in_context) {
		sfw_json_close(j, ']');
		sfw_json_close(j, '}');
	}
	c->in_context = true;
	sfw_json_open(j, NULL, '{');
	sfw_json_open(j, "context-information", '{');
	if (pol->global) {
		sfw_json_bool(j, "global-context", true);
	} else {
		sfw_json_str(j, "source-zone-name", pol->from_zone.name);
		sfw_json_str(j, "destination-zone-name", pol->to_zone.name);
	}
	sfw_json_close(j, '}');
	sfw_json_open(j, "policies", '[');
}

void sfw_policy_info_json(struct sfw_json *j, const struct sfw_conf *conf,
			  const struct sfw_conf_policy *pol, int seq, bool detail)
{
	struct pj one = { .conf = conf, .j = j, .detail = detail };
	struct pj *c = &one;

	sfw_json_open(j, "policy-information", '{');
	sfw_json_str(j, "policy-name", pol->name);
	sfw_json_str(j, "policy-state", "enabled");
	sfw_json_num(j, "policy-identifier", pol->index);
	sfw_json_num(j, "scope-policy-identifier", 0);
	sfw_json_num(j, "policy-sequence-number", (__u64)seq);
	if (pol->global) {
		names(j, "from-zones", &pol->match_from);
		names(j, "to-zones", &pol->match_to);
	}
	addresses(c, "source-addresses", &pol->src);
	addresses(c, "destination-addresses", &pol->dst);
	applications(c, &pol->apps);
	action(j, pol);
	if (pol->description)
		sfw_json_str(j, "policy-description", pol->description);
	sfw_json_close(j, '}');
}

static void json_policy(const struct sfw_conf_policy *pol, int seq, bool first, void *arg)
{
	struct pj *c = arg;

	if (first)
		context(c, pol);
	sfw_json_open(c->j, NULL, '{');
	sfw_policy_info_json(c->j, c->conf, pol, seq, c->detail);
	sfw_json_close(c->j, '}');
}

void sfw_show_policies_json(const struct sfw_conf *conf,
			    const struct sfw_policy_sel *sel, bool detail, FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_json j;
	struct pj c = { .conf = conf, .j = &j, .detail = detail };

	sfw_ob_init(&ob, out);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(c.j, "security-policies");
	sfw_json_open(c.j, "default-policy", '{');
	sfw_json_str(c.j, "default-action", sfw_default_policy_word(conf));
	sfw_json_close(c.j, '}');
	sfw_json_open(c.j, "security-context", '[');
	sfw_policies_each(conf, sel, json_policy, &c);
	if (c.in_context) {
		sfw_json_close(c.j, ']');
		sfw_json_close(c.j, '}');
	}
	sfw_json_close(c.j, ']');
	sfw_json_doc_end(c.j);
}
