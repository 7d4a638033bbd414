/* show security policies [hit-count], show security zones: the committed
 * configuration model laid out as Junos prints it, in text or JSON. The
 * formatters take the model and a hit-count source, never the maps, so
 * tests run them on a model parsed from a string. */
#ifndef SFW_CLI_POLICY_SHOW_H
#define SFW_CLI_POLICY_SHOW_H

#include <stdbool.h>
#include <stdio.h>
#include "conf.h"
#include "match.h"

/* Which policies a command shows. NULL members select everything. */
struct sfw_policy_sel {
	const char *from_zone, *to_zone;  /* one zone-pair context */
	const char *policy_name;
	bool global_only;                 /* `global`: only the global policies */
};

/* Hit counts: sfw_policy_hits() on a live system. */
typedef int (*sfw_hits_fn)(__u32 policy_index, __u64 *hits);

/* One selected policy, with its place: `seq` is its Junos sequence number
 * (position in its context), `first` says it opens a new context in the
 * listing. */
typedef void (*sfw_policy_visit)(const struct sfw_conf_policy *pol, int seq,
				 bool first, void *arg);
/* Zone-pair contexts in the order their first policy was configured, each
 * in policy order, then the global policies. Returns how many were shown. */
int sfw_policies_each(const struct sfw_conf *conf, const struct sfw_policy_sel *sel,
		      sfw_policy_visit fn, void *arg);

/* "permit", or "permit, log, count" as Junos's Action line has it. */
const char *sfw_policy_action_text(const struct sfw_conf_policy *pol, char *buf,
				   size_t len);
/* A hit-count row's zone: the policy's own, or for a global policy its
 * match zone (`multiple`, `any`). */
const char *sfw_policy_zone_column(const struct sfw_conf_refs *zones, const char *name,
				   bool global);
/* The idle timeout sessions of `app` get under `conf` (seconds), or
 * SFW_CONF_TIMEOUT_NEVER. */
__u32 sfw_app_timeout(const struct sfw_conf *conf, const struct sfw_conf_application *app);
/* The default-policy word in force. */
const char *sfw_default_policy_word(const struct sfw_conf *conf);

/* One policy in the layout of `show security policies detail`; scope: its
 * head line ends in ", Scope Policy: 0" (match-policies prints none). */
void sfw_policy_detail(const struct sfw_conf *conf, const struct sfw_conf_policy *pol,
		       int seq, bool scope, FILE *out);
/* That head line alone (built-in and default policies have no more). */
void sfw_policy_head(FILE *f, const char *name, const char *action, __u32 index, bool scope);
/* The policy-information object of --json (detail: addresses resolved,
 * applications with their terms). */
struct sfw_json;
void sfw_policy_info_json(struct sfw_json *j, const struct sfw_conf *conf,
			  const struct sfw_conf_policy *pol, int seq, bool detail);

/* show security match-policies: the outcome of sfw_policy_match() between
 * the zones named from and to. */
void sfw_show_match_text(const struct sfw_conf *conf, const struct sfw_match_result *res,
			 FILE *out);
void sfw_show_match_json(const struct sfw_conf *conf, const char *from, const char *to,
			 const struct sfw_match_result *res, FILE *out);

/* The layouts. Return 0 or a negative errno (hit counts unreadable). */
void sfw_show_policies_text(const struct sfw_conf *conf,
			    const struct sfw_policy_sel *sel, bool detail, FILE *out);
void sfw_show_policies_json(const struct sfw_conf *conf,
			    const struct sfw_policy_sel *sel, bool detail, FILE *out);
int sfw_show_hit_count(const struct sfw_conf *conf, const struct sfw_policy_sel *sel,
		       sfw_hits_fn hits, bool json, FILE *out);
/* All zones (zone NULL) or one; junos-host last, as the built-in zone. */
void sfw_show_zones(const struct sfw_conf *conf, const char *zone, bool json,
		    FILE *out);

#endif
