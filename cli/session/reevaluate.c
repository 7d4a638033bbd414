/* Re-evaluation of established sessions against a new configuration. */
#include <net/if.h>
#include <stdio.h>
#include "match.h"
#include "protocols.h"
#include "reevaluate.h"
#include "events.h"
#include "session_view.h"
#include "session_walk.h"

static const char *system_ifname(__u32 ifindex, char *buf, void *arg)
{
	return if_indextoname(ifindex, buf);
}

/* The datapath zone id of an interface under rv->conf. */
static int iface_zone(const struct sfw_reeval *rv, __u32 ifindex)
{
	sfw_reeval_ifname_fn fn = rv->ifname ? rv->ifname : system_ifname;
	char buf[IF_NAMESIZE];
	const char *name = fn(ifindex, buf, rv->ifname_arg);
	int z = name ? sfw_conf_iface_zone(rv->conf, name) : -1;

	return z < 0 ? SFW_ZONE_NONE : z + 1;
}

/* The session's first packet, rebuilt from its In wing. An ICMP session's
 * responder port names its request's type and code (include/protocols.h
 * sfw_icmp_key_tag; 0: echo), so that is the ICMP type to look up. */
static void first_packet(const struct sfw_view *v, struct sfw_match_pkt *pkt)
{
	const struct sfw_wing_view *in = &v->wing[SFW_WING_IN];
	__u8 type, code;

	pkt->family = v->family;
	pkt->src = in->src;
	pkt->dst = in->dst;
	pkt->proto = v->proto;
	pkt->sport = in->sport;
	pkt->dport = in->dport;
	sfw_icmp_tag_request(in->dport, v->proto == SFW_IPPROTO_ICMP6, &type, &code);
	pkt->icmp_type = type;
	pkt->icmp_code = code;
}

/* Was the session permitted by a policy the new configuration dropped? */
static bool policy_gone(const struct sfw_reeval *rv, __u32 policy_id)
{
	const struct sfw_conf_policy *was;

	if (!rv->old || policy_id < SFW_CONF_POLICY_INDEX_FIRST)
		return false;
	was = sfw_policy_by_index(rv->old, policy_id);
	return was && !sfw_policy_same(rv->conf, was);
}

bool sfw_reeval_keeps(struct sfw_reeval *rv, const struct sfw_session_key *key,
		      const struct sfw_session *sess)
{
	struct sfw_match_result res;
	struct sfw_match_pkt pkt;
	struct sfw_view v;
	int from, to;

	if ((sess->flags & SFW_SESS_F_LOCAL) ||
	    sess->policy_id == SFW_POLICY_ID_SELF_TRAFFIC)
		return true;
	if (policy_gone(rv, sess->policy_id))
		return false;
	sfw_view_build(&v, key, sess, (__u64)sess->last_seen_s * SFW_NSEC_PER_SEC);
	from = iface_zone(rv, v.wing[SFW_WING_IN].ifindex);
	if (!(sess->flags & SFW_SESS_F_TRANSIT))
		to = SFW_ZONE_HOST;
	else if (v.wing[SFW_WING_OUT].ifindex)
		to = iface_zone(rv, v.wing[SFW_WING_OUT].ifindex);
	else
		return true;   /* egress unknown: nothing to judge by */
	first_packet(&v, &pkt);
	sfw_policy_match(rv->conf, from, to, &pkt, &res);
	return res.action == SFW_CONF_ACTION_PERMIT;
}

static int visit(const struct sfw_session_key *key, const struct sfw_session *sess,
		 void *arg)
{
	struct sfw_reeval *rv = arg;

	/* in whole seconds: one made in the second before the apply
	 * began is judged again too, which only ever ends what the new
	 * configuration refuses */
	if (sess->created_s < sfw_secs(rv->since_ns))
		return SFW_WALK_NEXT;
	return sfw_reeval_keeps(rv, key, sess) ? SFW_WALK_NEXT : SFW_WALK_DELETE;
}

static void deleted(const struct sfw_session_key *key,
		    const struct sfw_session *sess, void *arg)
{
	((struct sfw_reeval *)arg)->cleared++;
}

int sfw_reevaluate(int fd, struct sfw_reeval *rv)
{
	struct sfw_walk_ops ops = { .visit = visit, .deleted = deleted, .arg = rv,
				    .reaper = rv->reaper, .reason = SFW_CLOSE_POLICY };

	rv->cleared = 0;
	return sfw_walk_sessions(fd, &ops);
}
