/* show security match-policies: the outcome of the policy lookup in the
 * layout Junos prints (docs/junos-layouts.md): a configured policy as in
 * `show security policies detail` without the Scope Policy, the default
 * policy and the host-inbound services as their head line alone. */
#include "json.h"
#include "policy_show.h"

/* Junos's name for the default policy's outcome (captured output of
 * `show security match-policies`, docs/junos-layouts.md). */
#define SFW_MATCH_DEFAULT_NAME "Default-Policy"

/* The name sessions give a built-in policy (include/policy.h). */
static const char *builtin_name(__u32 id)
{
#define SFW_X(pid, name, index) if (id == (pid)) return name;
	SFW_BUILTIN_POLICY_LIST(SFW_X)
#undef SFW_X
	return "";
}

struct seq_find {
	const struct sfw_conf_policy *want;
	int seq;
};

static void find_seq(const struct sfw_conf_policy *pol, int seq, bool first, void *arg)
{
	struct seq_find *s = arg;

	if (pol == s->want)
		s->seq = seq;
}

/* A policy's Junos sequence number: its place in its context. */
static int seq_of(const struct sfw_conf *conf, const struct sfw_conf_policy *pol)
{
	struct sfw_policy_sel all = { 0 };
	struct seq_find s = { .want = pol };

	sfw_policies_each(conf, &all, find_seq, &s);
	return s.seq;
}

/* The name, action word and index of an outcome no configured policy
 * decided. Junos names the default policy Default-Policy and gives its
 * action as the default-policy word. */
static void builtin_outcome(const struct sfw_conf *conf, const struct sfw_match_result *res,
			    const char **name, const char **action, __u32 *index)
{
	if (res->source == SFW_MATCH_HOST_INBOUND || res->source == SFW_MATCH_SELF_TRAFFIC) {
		__u32 id = res->source == SFW_MATCH_HOST_INBOUND ? SFW_POLICY_ID_HOST_INBOUND
								 : SFW_POLICY_ID_SELF_TRAFFIC;

		*name = builtin_name(id);
		*index = sfw_policy_index(id);
		*action = sfw_conf_action_name(res->action);
		return;
	}
	*index = sfw_policy_index(SFW_POLICY_ID_DEFAULT_PERMIT);
	*name = SFW_MATCH_DEFAULT_NAME;
	*action = sfw_default_policy_word(conf);
}

void sfw_show_match_text(const struct sfw_conf *conf, const struct sfw_match_result *res,
			 FILE *out)
{
	const char *name, *action;
	__u32 index;

	if (res->policy) {
		sfw_policy_detail(conf, res->policy, seq_of(conf, res->policy), false, out);
		return;
	}
	builtin_outcome(conf, res, &name, &action, &index);
	sfw_policy_head(out, name, action, index, false);
}

void sfw_show_match_json(const struct sfw_conf *conf, const char *from, const char *to,
			 const struct sfw_match_result *res, FILE *out)
{
	struct sfw_obuf ob;
	struct sfw_json j;
	const char *name, *action;
	__u32 index;

	sfw_ob_init(&ob, out);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "security-match-policies");
	sfw_json_open(&j, "context-information", '{');
	sfw_json_str(&j, "source-zone-name", from);
	sfw_json_str(&j, "destination-zone-name", to);
	sfw_json_close(&j, '}');
	sfw_json_str(&j, "policy-type", sfw_match_source_name(res->source));
	if (res->policy) {
		sfw_policy_info_json(&j, conf, res->policy, seq_of(conf, res->policy), true);
	} else {
		builtin_outcome(conf, res, &name, &action, &index);
		sfw_json_open(&j, "policy-information", '{');
		sfw_json_str(&j, "policy-name", name);
		sfw_json_str(&j, "policy-state", "enabled");
		sfw_json_num(&j, "policy-identifier", index);
		sfw_json_open(&j, "policy-action", '{');
		sfw_json_str(&j, "action-type", action);
		sfw_json_close(&j, '}');
		sfw_json_close(&j, '}');
	}
	sfw_json_doc_end(&j);
}
