/* Turning a normalised session entry back into what an operator reads. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "config.h"
#include "net_consts.h"
#include "loader.h"
#include "session_view.h"

static void set_wing(struct sfw_wing_view *w, const union sfw_addr *src,
		     __be16 sport, const union sfw_addr *dst, __be16 dport,
		     const struct sfw_wing *raw)
{
	w->src = *src;
	w->dst = *dst;
	w->sport = ntohs(sport);
	w->dport = ntohs(dport);
	w->ifindex = raw->ifindex;
	w->packets = raw->packets;
	w->bytes = raw->bytes;
	w->raw = raw;
}

/* An application the CLI's table does not know (a configured one, or a
 * predefined one beyond the table): its name as the last commit stored it. */
static void named_app(struct sfw_view *v, __u16 app_id)
{
	if (!sfw_name_lookup(SFW_NAME_APP, app_id, v->app_name, sizeof(v->app_name)))
		return;
	v->named = (struct sfw_app){ .name = v->app_name, .id = app_id, .proto = v->proto,
				     .port = v->wing[SFW_WING_IN].dport,
				     .port_hi = v->wing[SFW_WING_IN].dport,
				     .icmp_type = -1, .icmp_code = -1 };
	v->app = &v->named;
}

void sfw_view_build(struct sfw_view *v, const struct sfw_session_key *key,
		    const struct sfw_session *sess, __u64 now_ns)
{
	struct sfw_in_tuple in;
	__u32 left;

	memset(v, 0, sizeof(*v));
	v->key = key;
	v->sess = sess;
	v->family = key->family;
	v->proto = key->proto;
	sfw_in_tuple(&in, key, sess);
	set_wing(&v->wing[SFW_WING_IN], in.src, in.sport, in.dst, in.dport,
		 &sess->wing[SFW_WING_IN]);
	/* a NAT session's replies carry the translated tuple (docs/nat.md
	 * "Shows and logs"): Out shows them as they arrive, as Junos does */
	if (sess->flags & SFW_SESS_F_NAT) {
		union sfw_addr from = { .v4 = sess->nat.dst }, to = { .v4 = sess->nat.src };

		set_wing(&v->wing[SFW_WING_OUT], &from, sess->nat.dport, &to, sess->nat.sport,
			 &sess->wing[SFW_WING_OUT]);
	} else
		set_wing(&v->wing[SFW_WING_OUT], in.dst, in.dport, in.src, in.sport,
			 &sess->wing[SFW_WING_OUT]);

	left = sfw_sess_remaining_at(sess, sfw_secs(now_ns));
	/* Timeout counts down to 0 as on Junos (the current second not
	 * shown); Valid as long as the datapath takes its packets */
	v->remaining_s = left ? left - 1 : 0;
	v->valid = sess->state != SFW_SESS_INVALIDATED && left > 0;
	v->start_s = sess->created_s;
	v->duration_s = sfw_secs_since(sess->created_s, sfw_secs(now_ns));
	v->app = sfw_app_classify(sess->app_id, key->proto,
				  v->wing[SFW_WING_IN].dport);
	if (!v->app && sess->app_id)
		named_app(v, sess->app_id);
	/* a pool's name (kept with its id across commits, so a pool deleted
	 * since still has it), or its id when no commit named it */
	if ((sess->flags & SFW_SESS_F_NAT) && sess->nat.pool_id &&
	    !sfw_name_lookup(SFW_NAME_NAT_POOL, sess->nat.pool_id, v->nat_pool, sizeof(v->nat_pool)))
		snprintf(v->nat_pool, sizeof(v->nat_pool), "pool-%u", sess->nat.pool_id);
}

const char *sfw_view_nat_pool(const struct sfw_view *v)
{
	/* destination NAT keeps the client's source (docs/nat.md
	 * "Destination NAT"): no source pool; static NAT's source is its
	 * rule's prefix, no pool either */
	if (!(v->sess->flags & SFW_SESS_F_NAT) || (v->sess->flags & SFW_SESS_F_DNAT) ||
	    (v->sess->xflags & SFW_SESS_X_STATIC))
		return "Null";
	return v->nat_pool[0] ? v->nat_pool : "interface";
}

bool sfw_view_is_multicast(const struct sfw_view *v)
{
	const union sfw_addr *d = &v->wing[SFW_WING_IN].dst;

	if (v->family == SFW_FAMILY_INET6)
		return d->bytes[0] == 0xff;
	return (d->bytes[0] & 0xf0) == 0xe0;
}

const char *sfw_policy_name(__u32 policy_id, struct sfw_name *buf)
{
	char *s = buf->name;

	/* The built-ins' names (include/policy.h) and those of the last
	 * commit; without one (or without sfw loaded) a policy its id. */
	if (sfw_name_lookup(SFW_NAME_POLICY, policy_id, s, sizeof(buf->name)))
		return s;
	snprintf(s, sizeof(buf->name), "policy-%u", policy_id);
	return s;
}
