/* The Junos word tree: one node per command word, with its children, the
 * value it takes and its help line. The same tree parses command lines
 * (unique-prefix abbreviation, options in any order), prints `?` help and
 * generates the bash completion script. */
#ifndef SFW_CLI_GRAMMAR_H
#define SFW_CLI_GRAMMAR_H

#include <stdbool.h>
#include <stdio.h>
#include "config.h"
#include "values.h"

/* Where a parsed option lands in struct sfw_cmdline. */
enum sfw_slot {
	SFW_SLOT_NONE = 0,
	SFW_SLOT_ID,
	SFW_SLOT_PROTO,
	SFW_SLOT_SRC_PREFIX,
	SFW_SLOT_DST_PREFIX,
	SFW_SLOT_SRC_PORT,
	SFW_SLOT_DST_PORT,
	SFW_SLOT_IFACE,
	SFW_SLOT_APP,
	SFW_SLOT_POLICY,
	SFW_SLOT_FAMILY,
	SFW_SLOT_SERVICE_SET,
	SFW_SLOT_VIEW,
	SFW_SLOT_ALL,
	SFW_SLOT_MODE,
	SFW_SLOT_MAX_SESSIONS,
	SFW_SLOT_FORWARD,                       /* attach forward, set ... forwarding */
	SFW_SLOT_SYN_CHECK,
	SFW_SLOT_DEFAULT_POLICY,
	SFW_SLOT_FROM_ZONE,                     /* show security policies */
	SFW_SLOT_TO_ZONE,
	SFW_SLOT_GLOBAL,
	SFW_SLOT_SYSLOG,                        /* sfw daemon */
	SFW_SLOT_STDOUT,
	SFW_SLOT_LOG_FILE,
	SFW_SLOT_JSON_FILE,
	SFW_SLOT_INTERVAL,
	SFW_SLOT_REFRESH,                       /* show ... refresh N */
	SFW_SLOT_LOG_SESSIONS,                  /* set security flow [no-]log-sessions */
	SFW_SLOT_DENY_LOG_RATE,                 /* set security flow deny-log-rate N */
	SFW_SLOT_REPLY_RATE,                    /* set security flow reply-rate N */
	SFW_SLOT_TIMEOUT,                       /* + enum sfw_timeout_class */
	SFW_SLOT_COUNT = SFW_SLOT_TIMEOUT + SFW_TO_COUNT,
};

/* Node flags. */
#define SFW_N_OPTIONS    0x1  /* children are options: any order, each once */
#define SFW_N_POSITIONAL 0x2  /* other words are collected as arguments */
#define SFW_N_NEED_ONE   0x4  /* runs only with at least one option/argument */

/* Option classes for "cannot be combined" checks: an option conflicts with
 * every earlier option (or argument) whose class is in its `excl`, and the
 * other way round. */
#define SFW_CLS_FILTER 0x1
#define SFW_CLS_VIEW   0x2
#define SFW_CLS_ALL    0x4
#define SFW_CLS_POS    0x8    /* positional arguments */
#define SFW_CLS_SYN    0x10
#define SFW_CLS_LOG    0x20

#define SFW_MAX_WORDS 64

struct sfw_cmdline;
typedef int (*sfw_cmd_fn)(const struct sfw_cmdline *cl);

struct sfw_node {
	const char *word;
	const char *help;
	enum sfw_arg_type arg;           /* value following the word */
	const char *const *choices;      /* for SFW_ARG_CHOICE */
	int slot;                        /* enum sfw_slot */
	__u64 value;                     /* stored for keyword options */
	unsigned int cls, excl;          /* SFW_CLS_* */
	unsigned int flags;              /* SFW_N_* */
	const char *pos_name;            /* positional arguments: "<interface>" */
	const char *pos_help;            /* and their help line */
	sfw_cmd_fn run;
	const struct sfw_node *const *kids;   /* NULL-terminated */
};

struct sfw_cmdline {
	const struct sfw_node *cmd;      /* the node that runs */
	bool json;
	struct sfw_value v[SFW_SLOT_COUNT];
	const char *pos[SFW_MAX_WORDS];
	int npos;
	char path[128];                  /* canonical command words */
	FILE *out, *err;
};

/* Results of sfw_parse besides 0 (run cl->cmd). */
#define SFW_PARSE_HELP  1     /* help was printed: exit 0 */
#define SFW_PARSE_ERROR (-1)  /* one line on err: exit 2 */

/* Parse argv (without the program name). `--json`/`-j` may appear
 * anywhere; `--word` is read as `word`; a word ending in `?` prints the
 * possible completions there. */
int sfw_parse(const struct sfw_node *root, int argc, char **argv,
	      struct sfw_cmdline *cl, FILE *out, FILE *err);

/* The command tree (cli/tree.c). */
extern const struct sfw_node sfw_root;

/* Exit codes. */
#define SFW_EXIT_OK 0
#define SFW_EXIT_FAIL 1
#define SFW_EXIT_USAGE 2

#endif
