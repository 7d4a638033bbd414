/* Policy lookup in user space, on the configuration model: what the
 * datapath would decide for a session's first packet under a given
 * configuration. `sfw commit reevaluate` uses it to find the sessions a new
 * configuration no longer permits. It walks the rules in order (the
 * datapath's bitmap tries give the same first match without the loop); a
 * commit re-evaluates each session once, so clarity wins over speed here. */
#ifndef SFW_CLI_POLICY_MATCH_H
#define SFW_CLI_POLICY_MATCH_H

#include <stdbool.h>
#include <linux/types.h>
#include "conf.h"

/* The first packet of a session, as the policy lookup sees it. */
struct sfw_match_pkt {
	__u8 family;              /* SFW_FAMILY_INET / _INET6 */
	union sfw_addr src, dst;
	__u8 proto;
	__u16 sport, dport;       /* host order; unused for ICMP */
	int icmp_type, icmp_code; /* ICMP/ICMPv6 only */
};

/* Where a decision comes from, and its word in `show security
 * match-policies --json` (policy-type). */
#define SFW_MATCH_SOURCE_LIST(X)                                                    \
	X(ZONE_PAIR, "configured")      /* a policy of the (from, to) list */      \
	X(HOST_INBOUND, "host-inbound") /* the from zone's host-inbound-traffic */ \
	X(GLOBAL, "global")             /* a global policy */                      \
	X(DEFAULT, "default")           /* no policy: the default policy */        \
	X(NO_ZONE, "no-zone")           /* zones configured, an interface has none */ \
	X(SELF_TRAFFIC, "self-traffic") /* from junos-host: the host's own, no policy */
enum sfw_match_source {
#define SFW_X(name, word) SFW_MATCH_##name,
	SFW_MATCH_SOURCE_LIST(SFW_X)
#undef SFW_X
};
const char *sfw_match_source_name(enum sfw_match_source s);

struct sfw_match_result {
	enum sfw_match_source source;
	enum sfw_conf_action action;           /* PERMIT, DENY or REJECT */
	const struct sfw_conf_policy *policy;  /* NULL unless a policy matched */
};

/* Decide for pkt between zones `from` and `to` (datapath zone ids:
 * sfw_conf_zone_id(), SFW_ZONE_HOST, SFW_ZONE_NONE for an interface in no
 * zone). From junos-host, the host's own traffic: permitted, no policy
 * asked (self traffic). Else the zone pair's policies in order, then
 * (towards junos-host) the from zone's host-inbound-traffic services, then
 * the global policies, then the default policy: the datapath's order. */
void sfw_policy_match(const struct sfw_conf *conf, int from, int to,
		      const struct sfw_match_pkt *pkt, struct sfw_match_result *res);

/* Does one policy match pkt between those zones? */
bool sfw_policy_matches(const struct sfw_conf *conf,
			const struct sfw_conf_policy *pol, int from, int to,
			const struct sfw_match_pkt *pkt);

/* The policy with Junos index `index`, or NULL. */
const struct sfw_conf_policy *sfw_policy_by_index(const struct sfw_conf *conf,
						  __u32 index);

/* The policy of `conf` that is the same policy as `pol` of another
 * configuration: same name in the same context (zone pair by name, or
 * global). NULL when it no longer exists. */
const struct sfw_conf_policy *sfw_policy_same(const struct sfw_conf *conf,
					      const struct sfw_conf_policy *pol);

#endif
