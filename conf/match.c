/* First-match policy lookup over the configuration model (see
 * match.h). */
#include <string.h>
#include "match.h"
#include "protocols.h"

/* The first `len` bits of two addresses are equal. Prefixes keep their host
 * bits as written, so only the prefix part may be compared. */
static bool bits_equal(const __u8 *a, const __u8 *b, unsigned int len)
{
	unsigned int whole = len / 8, rest = len % 8;

	if (memcmp(a, b, whole))
		return false;
	if (!rest)
		return true;
	return !((a[whole] ^ b[whole]) & (__u8)(0xff << (8 - rest)));
}

struct addr_probe {
	__u8 family;
	const union sfw_addr *addr;
};

static int prefix_hit(const struct sfw_conf_prefix *p,
		      const struct sfw_conf_address *a, void *ctx)
{
	const struct addr_probe *probe = ctx;

	if (!p->family)   /* `any`: both families */
		return 1;
	return p->family == probe->family &&
	       bits_equal(p->addr.bytes, probe->addr->bytes, p->len);
}

static bool address_matches(const struct sfw_conf *conf,
			    const struct sfw_conf_refs *refs, __u8 family,
			    const union sfw_addr *addr)
{
	struct addr_probe probe = { family, addr };

	return sfw_conf_walk_addresses(conf, refs, prefix_hit, &probe) == 1;
}

static bool in_range(const struct sfw_conf_port_range *r, __u16 port)
{
	return !r->set || (port >= r->lo && port <= r->hi);
}

static bool is_icmp(__u8 proto)
{
	return proto == SFW_IPPROTO_ICMP || proto == SFW_IPPROTO_ICMP6;
}

static int app_hit(const struct sfw_conf_application *app, void *ctx)
{
	const struct sfw_match_pkt *pkt = ctx;

	if (app->proto < 0)   /* `any` */
		return 1;
	if (app->proto != pkt->proto)
		return 0;
	if (is_icmp(pkt->proto))
		return (app->icmp_type < 0 || app->icmp_type == pkt->icmp_type) &&
		       (app->icmp_code < 0 || app->icmp_code == pkt->icmp_code);
	/* The datapath's application key is the destination port alone (a
	 * source-port range is not compiled), so that is what decides here. */
	if (pkt->proto != SFW_IPPROTO_TCP && pkt->proto != SFW_IPPROTO_UDP &&
	    pkt->proto != SFW_IPPROTO_SCTP)
		return 1;
	return in_range(&app->dport, pkt->dport);
}

bool sfw_policy_matches(const struct sfw_conf *conf,
			const struct sfw_conf_policy *pol, int from, int to,
			const struct sfw_match_pkt *pkt)
{
	if (pol->global) {
		if (!sfw_conf_zone_listed(&pol->match_from, from) ||
		    !sfw_conf_zone_listed(&pol->match_to, to))
			return false;
	} else if (sfw_conf_zone_id(&pol->from_zone) != from ||
		   sfw_conf_zone_id(&pol->to_zone) != to) {
		return false;
	}
	return address_matches(conf, &pol->src, pkt->family, &pkt->src) &&
	       address_matches(conf, &pol->dst, pkt->family, &pkt->dst) &&
	       sfw_conf_walk_apps(conf, &pol->apps, app_hit, (void *)pkt) == 1;
}

/* The first policy matching in one list (zone pair or global). */
static const struct sfw_conf_policy *first_match(const struct sfw_conf *conf,
						 bool global, int from, int to,
						 const struct sfw_match_pkt *pkt)
{
	for (int k = 0; k < conf->n_policies; k++) {
		const struct sfw_conf_policy *pol = &conf->policies[k];

		if (pol->global == global && sfw_policy_matches(conf, pol, from, to, pkt))
			return pol;
	}
	return NULL;
}

/* A zone's host-inbound-traffic system-services: permits towards
 * junos-host after the zone's own junos-host policies. */
static bool host_inbound(const struct sfw_conf *conf, int from,
			 const struct sfw_match_pkt *pkt)
{
	const struct sfw_conf_refs *svc;
	const char *apps[3];

	if (from < 1 || from > conf->n_zones)
		return false;
	svc = &conf->zones[from - 1].services;
	for (int s = 0; s < svc->n; s++) {
		int n = sfw_conf_host_service_apps(svc->v[s].name, apps);

		for (int k = 0; k < n; k++) {
			int idx = sfw_conf_find_app(conf, apps[k]);

			if (idx >= 0 && app_hit(&conf->apps[idx], (void *)pkt))
				return true;
		}
	}
	return false;
}

void sfw_policy_match(const struct sfw_conf *conf, int from, int to,
		      const struct sfw_match_pkt *pkt, struct sfw_match_result *res)
{
	memset(res, 0, sizeof(*res));
	/* What the host itself sends is self traffic: tc egress opens its
	 * session without a policy lookup (bpf/tc_egress.bpf.c sfw_tc_open),
	 * whatever the policies from junos-host, the default policy, or the
	 * egress interface's zone (docs/security.md "The host's own
	 * traffic"). Judged by the policies and the default here, `show
	 * security match-policies from-zone junos-host` answered deny for a
	 * flow the datapath opens (review diffpol, F1). */
	if (from == SFW_ZONE_HOST) {
		res->source = SFW_MATCH_SELF_TRAFFIC;
		res->action = SFW_CONF_ACTION_PERMIT;
		return;
	}
	/* The datapath drops traffic of a zone-less interface once any zone
	 * exists ("No zone or NULL zone binding"). */
	if (conf->n_zones && (from == SFW_ZONE_NONE || to == SFW_ZONE_NONE)) {
		res->source = SFW_MATCH_NO_ZONE;
		res->action = SFW_CONF_ACTION_DENY;
		return;
	}
	res->source = SFW_MATCH_ZONE_PAIR;
	res->policy = first_match(conf, false, from, to, pkt);
	if (!res->policy && to == SFW_ZONE_HOST && host_inbound(conf, from, pkt)) {
		res->source = SFW_MATCH_HOST_INBOUND;
		res->action = SFW_CONF_ACTION_PERMIT;
		return;
	}
	if (!res->policy) {
		res->source = SFW_MATCH_GLOBAL;
		res->policy = first_match(conf, true, from, to, pkt);
	}
	if (res->policy) {
		res->action = res->policy->action;
		return;
	}
	res->source = SFW_MATCH_DEFAULT;
	res->action = conf->default_policy == SFW_POLICY_DENY_ALL ?
		SFW_CONF_ACTION_DENY : SFW_CONF_ACTION_PERMIT;
}

const char *sfw_match_source_name(enum sfw_match_source s)
{
	switch (s) {
#define SFW_X(name, word) case SFW_MATCH_##name: return word;
	SFW_MATCH_SOURCE_LIST(SFW_X)
#undef SFW_X
	}
	return "";
}

const struct sfw_conf_policy *sfw_policy_by_index(const struct sfw_conf *conf,
						  __u32 index)
{
	for (int k = 0; k < conf->n_policies; k++)
		if (conf->policies[k].index == index)
			return &conf->policies[k];
	return NULL;
}

const struct sfw_conf_policy *sfw_policy_same(const struct sfw_conf *conf,
					      const struct sfw_conf_policy *pol)
{
	for (int k = 0; k < conf->n_policies; k++) {
		const struct sfw_conf_policy *p = &conf->policies[k];

		if (p->global != pol->global || strcmp(p->name, pol->name))
			continue;
		if (p->global || (!strcmp(p->from_zone.name, pol->from_zone.name) &&
				  !strcmp(p->to_zone.name, pol->to_zone.name)))
			return p;
	}
	return NULL;
}
