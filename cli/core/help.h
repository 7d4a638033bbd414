/* `?` and `sfw help`: the words that may come next, from the tree. */
#ifndef SFW_CLI_HELP_H
#define SFW_CLI_HELP_H

#include <stdio.h>
#include "grammar.h"

/* "Possible completions:" at `node`, words starting with `prefix`, leaving
 * out options already given. `nopts`: options given so far (whether the
 * command may run as it stands). */
void sfw_help_node(FILE *f, const struct sfw_node *node, const char *prefix,
		   const struct sfw_cmdline *cl, int nopts);
/* Completions for the value of `opt` (after `protocol ?`). */
void sfw_help_value(FILE *f, const struct sfw_node *opt);
/* The next words as one comma-separated list, for error messages. */
void sfw_help_list_words(FILE *f, const struct sfw_node *node, const char *prefix,
			 const struct sfw_cmdline *cl);
/* Can any word follow at `node`? */
bool sfw_help_has_next(const struct sfw_node *node, const struct sfw_cmdline *cl);

/* Matching used by the parser and completion. */
const struct sfw_node *sfw_match_kid(const struct sfw_node *node, const char *word,
				     bool *ambiguous);

#endif
