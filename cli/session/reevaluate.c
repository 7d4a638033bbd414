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

/* The datapath zone id of an interface under conf. */
static int iface_zone(const struct sfw_reeval *rv, const struct sfw_conf *conf,
		      __u32 ifindex)
{
	sfw_reeval_ifname_fn fn = rv->ifname ? rv->ifname : system_ifname;
	char buf[IF_NAMESIZE];
	const char *name = fn(ifindex, buf, rv->ifname_arg);
	int z = name ? sfw_conf_iface_zone(conf, name) : -1;

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

/* Never policy-checked: what the host itself opened. */
static bool exempt(const struct sfw_session *sess)
{
	return (sess->flags & SFW_SESS_F_LOCAL) ||
	       sess->policy_id == SFW_POLICY_ID_SELF_TRAFFIC;
}

/* Would conf permit the session's first packet now? */
static bool verdict_permits(const struct sfw_reeval *rv, const struct sfw_conf *conf,
			    const struct sfw_session_key *key,
			    const struct sfw_session *sess)
{
	struct sfw_match_result res;
	struct sfw_match_pkt pkt;
	struct sfw_view v;
	int from, to;

	sfw_view_build(&v, key, sess, (__u64)sess->last_seen_s * SFW_NSEC_PER_SEC);
	from = iface_zone(rv, conf, v.wing[SFW_WING_IN].ifindex);
	if (!(sess->flags & SFW_SESS_F_TRANSIT))
		to = SFW_ZONE_HOST;
	else if (v.wing[SFW_WING_OUT].ifindex)
		to = iface_zone(rv, conf, v.wing[SFW_WING_OUT].ifindex);
	else
		return true;   /* egress unknown: nothing to judge by */
	first_packet(&v, &pkt);
	sfw_policy_match(conf, from, to, &pkt, &res);
	return res.action == SFW_CONF_ACTION_PERMIT;
}

bool sfw_reeval_keeps(struct sfw_reeval *rv, const struct sfw_session_key *key,
		      const struct sfw_session *sess)
{
	if (exempt(sess))
		return true;
	if (policy_gone(rv, sess->policy_id))
		return false;
	return verdict_permits(rv, rv->conf, key, sess);
}

/* A session of a failed commit's window (rv->since_ns set), stamped in
 * whole seconds. One of the apply's seconds (since_ns to applied_ns: the
 * datapath took the candidate somewhere in them) may be from before it
 * did, made by rv->prior; one of the restore's second or later, from just
 * after rv->conf went back in. Its policy index is then of that table,
 * not rv->old's, and read in rv->old it could name a policy rv->conf
 * dropped and clear what rv->conf permits: a verdict alone judges these,
 * prior's for the apply's seconds (failing closed, rv->conf permits
 * nothing, yet those are as legitimate as the older ones that stay). */
static bool window_keeps(struct sfw_reeval *rv, const struct sfw_session_key *key,
			 const struct sfw_session *sess)
{
	const struct sfw_conf *prior = rv->prior ? rv->prior : rv->conf;
	__u64 applied_ns = rv->applied_ns > rv->since_ns ? rv->applied_ns : rv->since_ns;

	if (exempt(sess))
		return true;
	if (sess->created_s <= sfw_secs(applied_ns))
		return verdict_permits(rv, prior, key, sess);
	if (rv->until_ns && sess->created_s >= sfw_secs(rv->until_ns))
		return verdict_permits(rv, rv->conf, key, sess);
	return sfw_reeval_keeps(rv, key, sess);
}

static int visit(const struct sfw_session_key *key, const struct sfw_session *sess,
		 void *arg)
{
	struct sfw_reeval *rv = arg;
	bool keep;

	/* in whole seconds: one made in the second before the apply
	 * began is judged again too (window_keeps) */
	if (sess->created_s < sfw_secs(rv->since_ns))
		return SFW_WALK_NEXT;
	keep = rv->since_ns ? window_keeps(rv, key, sess) : sfw_reeval_keeps(rv, key, sess);
	return keep ? SFW_WALK_NEXT : SFW_WALK_DELETE;
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
