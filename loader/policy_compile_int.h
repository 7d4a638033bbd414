/* Internal to the policy compiler (policy_compile.c, policy_write.c,
 * app_prefixes.c). */
#ifndef SFW_POLICY_COMPILE_INT_H
#define SFW_POLICY_COMPILE_INT_H

#include "loader.h"
#include "apply.h"
#include "policy_tables.h"
#include "protocols.h"

/* One rule list being built; id is the list without its generation. */
struct plist {
	__u16 id;
	__u32 n_rules;
	struct sfw_table src, dst, app;
};

struct rule_ent {
	struct sfw_rule_key key;
	struct sfw_rule rule;
};

struct compiler {
	const struct sfw_conf *conf;
	const struct sfw_policy_fds *fds;
	struct plist *lists;
	int n_lists, cap_lists;
	struct rule_ent *rules;
	int n_rules, cap_rules;
};

typedef int (*sfw_app_prefix_cb)(const __u8 *data, __u8 len, void *ctx);
int sfw_app_prefixes(const struct sfw_conf_application *a, sfw_app_prefix_cb cb, void *ctx);

/* Port ranges arrive as 16-bit prefixes; this adapts them to app data. */
struct sfw_range_adapter {
	sfw_app_prefix_cb cb;
	void *ctx;
	__u8 proto;
};
int sfw_range_adapt(__u16 value, __u8 len, void *ctx);

/* The tally id of each zone with a session limit (0 for the others),
 * kept by name across commits (loader/policy_tally.c). */
int sfw_tally_ids(const struct compiler *c, __u8 *ids);

/* Writes the compiled lists, classification, zones and names into the
 * inactive generation, flips, and removes the old generation. */
int sfw_policy_write(struct compiler *c);

#endif
