/* The Junos word tree: one node per command word, with its children, the
 * value it takes and its help line. The same tree parses command lines
 * (unique-prefix abbreviation, options in any order), prints `?` help and
 * generates the bash completion script. */
#ifndef SFW_CLI_GRAMMAR_H
#define SFW_CLI_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "junos_out.h"
#include "values.h"

/* Node flags. */
#define SFW_N_OPTIONS    0x1  /* children are options: any order, each once */
#define SFW_N_POSITIONAL 0x2  /* other words are collected as arguments */
#define SFW_N_NEED_ONE   0x4  /* runs only with at least one option/argument */
#define SFW_N_DISPLAY    0x8  /* has Junos's reply shape: `| display xml|json` */
#define SFW_N_DISPLAY_SET 0x10 /* configuration: `| display set` gives set lines */

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
	const int *choice_values;        /* stored for each choice; NULL: its index */
	/* An option, or a node taking a value (SFW_OPT): the member of the
	 * command's option struct the value lands in, the struct it belongs
	 * to, and the bit set in that struct's first __u32 (its given-mask)
	 * when the option is given. Words of one member are one setting. */
	unsigned short off, size;
	__u32 bit;
	const char *member_of;
	__u64 value;                     /* stored by a keyword option */
	unsigned int cls, excl;          /* SFW_CLS_* */
	unsigned int flags;              /* SFW_N_* */
	const char *pos_name;            /* positional arguments: "<interface>" */
	const char *pos_help;            /* and their help line */
	/* A node that runs (SFW_RUN): the handler, its option struct (zeroed,
	 * then `defaults` when set, as the parser reaches the node) and, for
	 * commands that filter sessions, the struct it starts with. */
	sfw_cmd_fn run;
	size_t opts_size;
	const char *opts_type, *opts_head;
	const void *defaults;
	const struct sfw_node *const *kids;   /* NULL-terminated */
};

/* The largest option struct of any command (cli/core/commands.h). */
#define SFW_OPTS_MAX 256

/* Where an option's value lands: member m of option struct T, given-mask
 * bit b. */
#define SFW_OPT(T, m, b) .off = offsetof(T, m), .size = sizeof(((T *)0)->m), .bit = (b), \
	.member_of = #T
/* The node runs fn with options T (which must fit SFW_OPTS_MAX). */
#define SFW_RUN(fn, T) .run = (fn), .opts_type = #T, .opts_size = SFW_OPTS_SIZE(T)
/* The same for an option struct whose first member is a struct sfw_filter
 * f: the filter options land in it. */
#define SFW_RUN_FILTER(fn, T) .run = (fn), .opts_type = #T, .opts_head = "struct sfw_filter", \
	.opts_size = SFW_OPTS_SIZE(T) + 0 * sizeof(struct { \
		_Static_assert(offsetof(T, f) == 0, #T " must start with its filter"); char c; })
#define SFW_OPTS_SIZE(T) (sizeof(T) + 0 * sizeof(struct { \
	_Static_assert(sizeof(T) <= SFW_OPTS_MAX, #T " exceeds SFW_OPTS_MAX"); char c; }))

struct sfw_cmdline {
	const struct sfw_node *root;     /* the tree parsed against */
	const struct sfw_node *cmd;      /* the node that runs */
	bool json;
	enum sfw_display display;        /* `| display xml|json` (the shell) */
	const char *pos[SFW_MAX_WORDS];
	int npos;
	char path[128];                  /* canonical command words */
	FILE *out, *err;
	/* the command's option struct (cmd->opts_type) */
	_Alignas(16) unsigned char opts[SFW_OPTS_MAX];
};

/* A handler's options: SFW_OPTS(cl, struct sfw_show_session_opts). */
#define SFW_OPTS(cl, T) ((const T *)(const void *)(cl)->opts)

/* The given-mask: the bits of the options given (every option struct
 * starts with it). */
static inline __u32 sfw_opts_given(const struct sfw_cmdline *cl)
{
	__u32 mask;

	memcpy(&mask, cl->opts, sizeof(mask));
	return mask;
}

/* Do two options set the same member (one setting)? */
static inline bool sfw_same_setting(const struct sfw_node *a, const struct sfw_node *b)
{
	return a->size && b->size && a->off == b->off;
}

/* Results of sfw_parse besides 0 (run cl->cmd). */
#define SFW_PARSE_HELP  1     /* help was printed: exit 0 */
#define SFW_PARSE_ERROR (-1)  /* one line on err: exit 2 */

/* Parse argv (without the program name) against the tree under root.
 * `--json`/`-j` may appear anywhere; `--word` is read as `word`; a word
 * ending in `?` prints the possible completions there. */
int sfw_parse(const struct sfw_node *root, int argc, char **argv,
	      struct sfw_cmdline *cl, FILE *out, FILE *err);

/* The command tree (cli/core/tree.c): only main.c (and tests) name it, the
 * commands that walk the tree again use cl->root. */
extern const struct sfw_node sfw_root;

/* Exit codes. */
#define SFW_EXIT_OK 0
#define SFW_EXIT_FAIL 1
#define SFW_EXIT_USAGE 2

#endif
