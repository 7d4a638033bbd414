/* Matching one session against the filters. Source/destination filters
 * look at the In wing (the opener's direction), as Junos does; the
 * interface filter matches either wing. */
#include <arpa/inet.h>
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

static bool match_in_wing(const struct sfw_filter *f, const struct sfw_session_key *key,
			  const struct sfw_session *sess)
{
	struct sfw_in_tuple in;

	sfw_in_tuple(&in, key, sess);
	if ((f->mask & SFW_FLT_SRC_PREFIX) && !sfw_prefix_match(&f->src, key->family, in.src))
		return false;
	if ((f->mask & SFW_FLT_DST_PREFIX) && !sfw_prefix_match(&f->dst, key->family, in.dst))
		return false;
	if ((f->mask & SFW_FLT_SRC_PORT) && ntohs(in.sport) != f->sport)
		return false;
	if ((f->mask & SFW_FLT_DST_PORT) && ntohs(in.dport) != f->dport)
		return false;
	return true;
}

bool sfw_filter_entry(const struct sfw_filter *f, const struct sfw_session_key *key,
		      const struct sfw_session *sess)
{
	if (!f->mask)
		return true;
	if ((f->mask & SFW_FLT_ID) && sess->id != f->id)
		return false;
	if ((f->mask & SFW_FLT_PROTO) && key->proto != f->proto)
		return false;
	if ((f->mask & SFW_FLT_FAMILY) && key->family != f->family)
		return false;
	if (!match_in_wing(f, key, sess))
		return false;
	if ((f->mask & SFW_FLT_IFACE) &&
	    sess->wing[SFW_WING_IN].ifindex != f->ifindex &&
	    sess->wing[SFW_WING_OUT].ifindex != f->ifindex)
		return false;
	if ((f->mask & SFW_FLT_POLICY) && !match_policy(f->policy, sess->policy_id))
		return false;
	if ((f->mask & SFW_FLT_SERVICE_SET) &&
	    strcmp(f->service_set, SFW_DEFAULT_SERVICE_SET))
		return false;
	if ((f->mask & SFW_FLT_POLICY_ID) && sfw_policy_index(sess->policy_id) != f->policy_id)
		return false;
	if ((f->mask & SFW_FLT_CONN_TAG) && f->conn_tag != SFW_VIEW_CONN_TAG)
		return false;
	/* `nat`: translated sessions only (docs/nat.md) */
	return !(f->mask & SFW_FLT_NAT) || (sess->flags & SFW_SESS_F_NAT);
}

bool sfw_filter_view(const struct sfw_filter *f, const struct sfw_view *v)
{
	return !sfw_filter_needs_view(f) || sfw_app_matches(v->app, f->app);
}

bool sfw_filter_match(const struct sfw_filter *f, const struct sfw_view *v)
{
	return sfw_filter_entry(f, v->key, v->sess) && sfw_filter_view(f, v);
}
