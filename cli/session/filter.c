/* Matching one session against the filters. Source/destination filters
 * look at the In wing (the opener's direction), as Junos does; the
 * interface filter matches either wing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "filter.h"

static bool match_policy(const char *want, __u32 policy_id)
{
	struct sfw_name name;
	char *end;
	unsigned long n;

	if (!strcmp(want, sfw_policy_name(policy_id, &name)))
		return true;
	/* A number names the policy by its index. */
	n = strtoul(want, &end, 10);
	return *want && !*end && n == sfw_policy_index(policy_id);
}

static bool match_addrs(const struct sfw_filter *f, const struct sfw_view *v)
{
	const struct sfw_wing_view *in = &v->wing[SFW_WING_IN];

	if ((f->mask & SFW_FLT_SRC_PREFIX) &&
	    !sfw_prefix_match(&f->src, v->family, &in->src))
		return false;
	if ((f->mask & SFW_FLT_DST_PREFIX) &&
	    !sfw_prefix_match(&f->dst, v->family, &in->dst))
		return false;
	if ((f->mask & SFW_FLT_SRC_PORT) && in->sport != f->sport)
		return false;
	if ((f->mask & SFW_FLT_DST_PORT) && in->dport != f->dport)
		return false;
	return true;
}

bool sfw_filter_match(const struct sfw_filter *f, const struct sfw_view *v)
{
	if (!f->mask)
		return true;
	if ((f->mask & SFW_FLT_ID) && v->sess->id != f->id)
		return false;
	if ((f->mask & SFW_FLT_PROTO) && v->proto != f->proto)
		return false;
	if ((f->mask & SFW_FLT_FAMILY) && v->family != f->family)
		return false;
	if (!match_addrs(f, v))
		return false;
	if ((f->mask & SFW_FLT_IFACE) &&
	    v->wing[SFW_WING_IN].ifindex != f->ifindex &&
	    v->wing[SFW_WING_OUT].ifindex != f->ifindex)
		return false;
	if ((f->mask & SFW_FLT_APP) && !sfw_app_matches(v->app, f->app))
		return false;
	if ((f->mask & SFW_FLT_POLICY) && !match_policy(f->policy, v->sess->policy_id))
		return false;
	if ((f->mask & SFW_FLT_SERVICE_SET) &&
	    strcmp(f->service_set, SFW_DEFAULT_SERVICE_SET))
		return false;
	if ((f->mask & SFW_FLT_POLICY_ID) && sfw_policy_index(v->sess->policy_id) != f->policy_id)
		return false;
	if ((f->mask & SFW_FLT_CONN_TAG) && f->conn_tag != SFW_VIEW_CONN_TAG)
		return false;
	/* `nat`: translated sessions only (docs/nat.md) */
	return !(f->mask & SFW_FLT_NAT) || (v->sess->flags & SFW_SESS_F_NAT);
}
