/* What the policy layouts share: the listing order and Junos's numbering,
 * the Action line, application timeouts. */
#include <string.h>
#include "policy_show.h"
#include "protocols.h"

static bool same_context(const struct sfw_conf_policy *a, const struct sfw_conf_policy *b)
{
	if (a->global || b->global)
		return a->global == b->global;
	return !strcmp(a->from_zone.name, b->from_zone.name) &&
	       !strcmp(a->to_zone.name, b->to_zone.name);
}

static bool selected(const struct sfw_conf_policy *pol, const struct sfw_policy_sel *sel)
{
	if (sel->policy_name && strcmp(pol->name, sel->policy_name))
		return false;
	if (sel->global_only && !pol->global)
		return false;
	if (sel->from_zone && (pol->global || strcmp(pol->from_zone.name, sel->from_zone)))
		return false;
	return !sel->to_zone || (!pol->global && !strcmp(pol->to_zone.name, sel->to_zone));
}

/* Every policy of the context that policies[start] opens. */
static int show_context(const struct sfw_conf *conf, int start,
			const struct sfw_policy_sel *sel, sfw_policy_visit fn, void *arg)
{
	const struct sfw_conf_policy *head = &conf->policies[start];
	int seq = 0, shown = 0;

	for (int k = start; k < conf->n_policies; k++) {
		const struct sfw_conf_policy *pol = &conf->policies[k];

		if (!same_context(head, pol))
			continue;
		seq++;
		if (selected(pol, sel))
			fn(pol, seq, !shown++, arg);
	}
	return shown;
}

/* Does an earlier policy already open this one's context? */
static bool context_seen(const struct sfw_conf *conf, int k)
{
	for (int j = 0; j < k; j++)
		if (same_context(&conf->policies[j], &conf->policies[k]))
			return true;
	return false;
}

int sfw_policies_each(const struct sfw_conf *conf, const struct sfw_policy_sel *sel,
		      sfw_policy_visit fn, void *arg)
{
	int shown = 0, first_global = -1;

	for (int k = 0; k < conf->n_policies; k++) {
		if (conf->policies[k].global) {
			if (first_global < 0)
				first_global = k;
			continue;
		}
		if (!context_seen(conf, k))
			shown += show_context(conf, k, sel, fn, arg);
	}
	if (first_global >= 0)
		shown += show_context(conf, first_global, sel, fn, arg);
	return shown;
}

const char *sfw_policy_action_text(const struct sfw_conf_policy *pol, char *buf,
				   size_t len)
{
	snprintf(buf, len, "%s%s%s", sfw_conf_action_name(pol->action),
		 pol->log_init || pol->log_close ? ", log" : "",
		 pol->count ? ", count" : "");
	return buf;
}

static const __u32 default_timeouts[SFW_TO_COUNT] = {
#define SFW_X(name, secs, word) secs,
	SFW_TIMEOUT_LIST(SFW_X)
#undef SFW_X
};

/* The flow timeout in force for a class: configured, else Junos's. */
static __u32 flow_timeout(const struct sfw_conf *conf, enum sfw_timeout_class cls)
{
	return conf->flow.timeout_s[cls] ? conf->flow.timeout_s[cls] : default_timeouts[cls];
}

__u32 sfw_app_timeout(const struct sfw_conf *conf, const struct sfw_conf_application *app)
{
	if (app->inactivity_timeout)
		return app->inactivity_timeout;
	if (app->proto < 0)   /* `any`: each protocol's own; Junos shows 0 */
		return 0;
	switch (app->proto) {
	case SFW_IPPROTO_TCP:
		return flow_timeout(conf, SFW_TO_TCP_ESTABLISHED);
	case SFW_IPPROTO_UDP:
		return flow_timeout(conf, SFW_TO_UDP);
	case SFW_IPPROTO_ICMP:
	case SFW_IPPROTO_ICMP6:
		return flow_timeout(conf, SFW_TO_ICMP);
	default:
		return flow_timeout(conf, SFW_TO_OTHER);
	}
}

const char *sfw_default_policy_word(const struct sfw_conf *conf)
{
	return conf->default_policy == SFW_POLICY_DENY_ALL ? "deny-all" : "permit-all";
}
