/* One session as the commands see it: the normalised key turned back into
 * In/Out wings, and the live values (remaining timeout, state, age)
 * computed against one `now`. Built once per session and shared by the
 * filter and both formatters. */
#ifndef SFW_CLI_SESSION_VIEW_H
#define SFW_CLI_SESSION_VIEW_H

#include <stdbool.h>
#include <linux/types.h>
#include "apps.h"
#include "policy.h"
#include "session.h"

struct sfw_wing_view {
	union sfw_addr src, dst;
	__u16 sport, dport;      /* host order */
	__u32 ifindex;
	__u64 packets, bytes;
	const struct sfw_wing *raw;
};

/* sfw tags no session (Junos's Conn Tag marks tunnelled flows): every
 * wing's Conn Tag is 0x0, and the conn-tag filter matches 0 alone. */
#define SFW_VIEW_CONN_TAG 0u

struct sfw_view {
	const struct sfw_session_key *key;
	const struct sfw_session *sess;
	__u8 family, proto;
	struct sfw_wing_view wing[2];   /* SFW_WING_IN, SFW_WING_OUT */
	__u32 remaining_s;              /* timeout minus whole seconds idle, or 0 */
	bool valid;                     /* false: Invalidated */
	__u64 start_s, duration_s;      /* since boot at creation; age */
	const struct sfw_app *app;
	struct sfw_app named;           /* app points here for names from */
	char app_name[64];              /* the last commit */
	char nat_pool[64];              /* a source pool's name, from the last commit */
};

/* The In wing's tuple as the entry holds it: the side that opened the
 * session is its source. A filter reads it without a whole view. */
struct sfw_in_tuple {
	const union sfw_addr *src, *dst;
	__be16 sport, dport;     /* network order */
};

static inline void sfw_in_tuple(struct sfw_in_tuple *t, const struct sfw_session_key *key,
				const struct sfw_session *sess)
{
	bool lo = sess->flags & SFW_SESS_F_OPENER_LO;

	t->src = lo ? &key->addr_lo : &key->addr_hi;
	t->dst = lo ? &key->addr_hi : &key->addr_lo;
	t->sport = lo ? key->port_lo : key->port_hi;
	t->dport = lo ? key->port_hi : key->port_lo;
}

void sfw_view_build(struct sfw_view *v, const struct sfw_session_key *key,
		    const struct sfw_session *sess, __u64 now_ns);

/* `Source NAT pool:` as Junos shows it: the pool's name, `interface` for
 * source-nat interface, `Null` for an untranslated session. */
const char *sfw_view_nat_pool(const struct sfw_view *v);
/* Is the session's destination a multicast group (summary count)? */
bool sfw_view_is_multicast(const struct sfw_view *v);

/* Policy name for an id (include/policy.h names the built-ins). The
 * buffer is the names map's own value, so no name is ever cut. */
const char *sfw_policy_name(__u32 policy_id, struct sfw_name *buf);

#endif
