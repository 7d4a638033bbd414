/* set security policies (from-zone A to-zone B | global) policy P ...,
 * and default-policy. */
#include <stdio.h>
#include <string.h>
#include "conf_int.h"

/* "from-zone trust to-zone untrust" or "global", for messages. */
const char *conf_pair_text(const struct sfw_conf_policy *pol, char *buf, size_t len)
{
	if (pol->global)
		snprintf(buf, len, "global policies");
	else
		snprintf(buf, len, "from-zone %s to-zone %s", pol->from_zone.name,
			 pol->to_zone.name);
	return buf;
}

/* Index keys: zone pair and name (names hold no \x1f), global policies
 * with an empty pair; the pair alone without the name. */
static const char *policy_key(bool global, const char *from, const char *to,
			      const char *name, char *buf)
{
	snprintf(buf, CONF_KEY_MAX, "%s\x1f%s\x1f%s", global ? "" : from, global ? "" : to,
		 name ? name : "");
	return buf;
}

static const char *by_name_key(const void *ctx, int i, char *buf)
{
	const struct sfw_conf_policy *pol = &((const struct sfw_conf *)ctx)->policies[i];

	return policy_key(pol->global, pol->from_zone.name, pol->to_zone.name, pol->name, buf);
}

static const char *by_pair_key(const void *ctx, int i, char *buf)
{
	const struct sfw_conf_policy *pol = &((const struct sfw_conf *)ctx)->policies[i];

	return policy_key(pol->global, pol->from_zone.name, pol->to_zone.name, NULL, buf);
}

/* Junos keeps a policy's statements together (`show configuration` prints
 * them so). A name coming back after another policy of the same zone pair
 * has started is a second policy given a used name, which Junos would
 * silently merge into the first, in the first one's place: refused. So the
 * policy named must be its pair's newest. */
static struct sfw_conf_policy *find_policy(struct conf_parser *p, bool global,
					   const char *from, const char *to,
					   const char *name)
{
	struct sfw_conf *conf = p->conf;
	struct conf_keys by_name = { by_name_key, conf }, by_pair = { by_pair_key, conf };
	char key[CONF_KEY_MAX], pair[160];
	const struct sfw_conf_policy *first, *last;
	int found, newest;

	if (conf_index_sync(&conf->index->policies, &by_name, conf->n_policies) ||
	    conf_index_sync(&conf->index->pairs, &by_pair, conf->n_policies)) {
		p->oom = true;
		return NULL;
	}
	found = conf_index_find(&conf->index->policies, &by_name,
				policy_key(global, from, to, name, key));
	if (found < 0)
		return NULL;
	newest = conf_index_find(&conf->index->pairs, &by_pair,
				 policy_key(global, from, to, NULL, key));
	if (newest == found)
		return &conf->policies[found];
	first = &conf->policies[found];
	last = &conf->policies[newest];
	conf_error(p, "duplicate policy name '%s' in %s: already defined at line %d, before "
		   "policy '%s' (line %d)", name, conf_pair_text(first, pair, sizeof(pair)),
		   first->line, last->name, last->line);
	return NULL;
}

static struct sfw_conf_policy *policy_get(struct conf_parser *p, bool global,
					  const char *from, const char *to,
					  const char *name)
{
	struct sfw_conf *conf = p->conf;
	struct sfw_conf_policy *pol;
	int errs = p->errs->n + p->errs->dropped;

	pol = find_policy(p, global, from, to, name);
	if (pol || p->oom || p->errs->n + p->errs->dropped != errs)
		return pol;
	pol = CONF_PUSH(p, conf, policies);
	if (!pol)
		return NULL;
	strcpy(pol->name, name);
	pol->line = p->line;
	pol->global = global;
	if (!global) {
		strcpy(pol->from_zone.name, from);
		strcpy(pol->to_zone.name, to);
		pol->from_zone.line = pol->to_zone.line = p->line;
	}
	return pol;
}

static int parse_match(struct conf_parser *p, struct sfw_conf_policy *pol)
{
	static const char *const words[] = {
		"application", "destination-address", "source-address",
		"from-zone", "to-zone", NULL
	};
	static const char *const what[] = {
		"an application or application-set name",
		"an address or address-set name, or any",
		"an address or address-set name, or any",
		"a zone name", "a zone name",
	};
	struct sfw_conf_refs *lists[] = {
		&pol->apps, &pol->dst, &pol->src, &pol->match_from, &pol->match_to
	};
	const char *const *choices = words;
	static const char *const zone_words[] = {
		"application", "destination-address", "source-address", NULL
	};

	/* Only global policies match on zones: theirs is not fixed. */
	if (!pol->global)
		choices = zone_words;
	do {
		int k = conf_keyword(p, choices);

		if (k < 0 || conf_list(p, what[k], conf_add_name, lists[k]))
			return -1;
	} while (!conf_at_end(p));
	return 0;
}

static int set_action(struct conf_parser *p, struct sfw_conf_policy *pol,
		      enum sfw_conf_action action)
{
	char pair[160];

	if (pol->action && pol->action != action) {
		conf_error(p, "conflicting action '%s' for policy '%s' in %s: it was "
			   "'then %s' at line %d", sfw_conf_action_name(action), pol->name,
			   conf_pair_text(pol, pair, sizeof(pair)),
			   sfw_conf_action_name(pol->action), pol->action_line);
		return -1;
	}
	pol->action = action;
	pol->action_line = p->line;
	return conf_end(p);
}

static int parse_then(struct conf_parser *p, struct sfw_conf_policy *pol)
{
	static const char *const words[] = { "count", "deny", "log", "permit", "reject", NULL };
	static const char *const log[] = { "session-close", "session-init", NULL };
	int k;

	switch (conf_keyword(p, words)) {
	case 0:
		pol->count = true;
		return conf_end(p);
	case 1:
		return set_action(p, pol, SFW_CONF_ACTION_DENY);
	case 2:
		do {
			k = conf_keyword(p, log);
			if (k < 0)
				return -1;
			*(k ? &pol->log_init : &pol->log_close) = true;
		} while (!conf_at_end(p));
		return 0;
	case 3:
		return set_action(p, pol, SFW_CONF_ACTION_PERMIT);
	case 4:
		return set_action(p, pol, SFW_CONF_ACTION_REJECT);
	default:
		return -1;
	}
}

static int parse_policy(struct conf_parser *p, bool global, const char *from, const char *to)
{
	static const char *const policy[] = { "policy", NULL };
	static const char *const words[] = { "description", "match", "then", NULL };
	char name[SFW_CONF_NAME_MAX];
	struct sfw_conf_policy *pol;

	if (conf_keyword(p, policy) < 0 || conf_name(p, name, "a policy name"))
		return -1;
	pol = policy_get(p, global, from, to, name);
	if (!pol)
		return -1;
	if (conf_at_end(p))
		return 0;
	switch (conf_keyword(p, words)) {
	case 0:
		return conf_string(p, &pol->description, "a description") ? -1 : conf_end(p);
	case 1:
		return parse_match(p, pol);
	case 2:
		return parse_then(p, pol);
	default:
		return -1;
	}
}

int conf_parse_policies(struct conf_parser *p)
{
	static const char *const words[] = { "default-policy", "from-zone", "global", NULL };
	static const char *const to_zone[] = { "to-zone", NULL };
	static const char *const defaults[] = { "deny-all", "permit-all", NULL };
	char from[SFW_CONF_NAME_MAX], to[SFW_CONF_NAME_MAX];
	int k;

	switch (conf_keyword(p, words)) {
	case 0:
		k = conf_keyword(p, defaults);
		if (k < 0)
			return -1;
		p->conf->default_policy_set = true;
		p->conf->default_policy = k ? SFW_POLICY_PERMIT_ALL : SFW_POLICY_DENY_ALL;
		return conf_end(p);
	case 1:
		if (conf_name(p, from, "a zone name") || conf_keyword(p, to_zone) < 0 ||
		    conf_name(p, to, "a zone name"))
			return -1;
		return parse_policy(p, false, from, to);
	case 2:
		return parse_policy(p, true, NULL, NULL);
	default:
		return -1;
	}
}
