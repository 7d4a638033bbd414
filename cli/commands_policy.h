/* Handlers of the configuration and policy commands (cmd_conf.c,
 * cmd_policy.c), and the values their keyword options store. */
#ifndef SFW_CLI_COMMANDS_POLICY_H
#define SFW_CLI_COMMANDS_POLICY_H

#include "grammar.h"

/* SFW_SLOT_VIEW of `commit`: one of these, exclusive. */
enum sfw_commit_mode {
	SFW_COMMIT_CHECK = 1,
	SFW_COMMIT_REEVALUATE = 2,
};

/* SFW_SLOT_VIEW of `show security policies`. */
enum sfw_policies_view {
	SFW_POLICIES_DETAIL = 1,
	SFW_POLICIES_HIT_COUNT = 2,
};

int sfw_cmd_commit(const struct sfw_cmdline *cl);
int sfw_cmd_rollback(const struct sfw_cmdline *cl);
int sfw_cmd_show_configuration(const struct sfw_cmdline *cl);
int sfw_cmd_show_policies(const struct sfw_cmdline *cl);
int sfw_cmd_clear_hit_count(const struct sfw_cmdline *cl);
int sfw_cmd_show_zones(const struct sfw_cmdline *cl);

#endif
