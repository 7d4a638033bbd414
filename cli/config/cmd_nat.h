/* What the source NAT commands (cmd_nat.c) share with the destination
 * and static ones (cmd_nat_dest.c, cmd_nat_static.c): the rule word, the
 * one-word check and the rule shows and clears, which differ by type
 * (enum sfw_conf_nat_type) only in their ids, counters, session field and
 * writers. */
#ifndef SFW_CLI_CMD_NAT_H
#define SFW_CLI_CMD_NAT_H

#include <stdbool.h>
#include "commands.h"
#include "nat_show.h"

/* The rule or pool word: a name, or NULL for `all` (Junos's keyword, so
 * nothing can be shown by that name). */
const char *sfw_nat_name_word(const struct sfw_cmdline *cl);
/* SFW_EXIT_USAGE, with the one line, when a word follows the name. */
int sfw_nat_one_word(const struct sfw_cmdline *cl);

/* The rules of conf (name NULL: all) of a type, with their ids, counters
 * and sessions when counters, handed to out; the exit code. */
typedef int (*sfw_nat_rules_out)(const struct sfw_cmdline *cl, const struct sfw_conf *conf,
				 const struct sfw_nat_rules *r, bool all);
int sfw_nat_rules_show(const struct sfw_cmdline *cl, int type, const char *name, bool counters,
		       sfw_nat_rules_out out);
/* clear security nat source|destination|static rule R|all. */
int sfw_nat_rules_clear(const struct sfw_cmdline *cl, int type);

#endif
