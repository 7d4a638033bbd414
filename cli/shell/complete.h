/* What `?` lists and tab completes at the cursor, asked of the word tree
 * (sfw_parse() with the typed words and a `?` word) or, after a bar, of
 * the pipe words: one grammar for commands, help and completion. */
#ifndef SFW_CLI_SHELL_COMPLETE_H
#define SFW_CLI_SHELL_COMPLETE_H

#include "syntax.h"
#include "words.h"

/* The listing for ws->w[0..n) typed and `prefix` being typed:
 * "Possible completions:\n" and its rows (the shell's own words at the
 * start of a line, a `|` row where the command may end), or
 * "No valid completions\n". NULL with *e: a word before is wrong. The
 * caller frees the string. */
char *sfw_complete_listing(const struct sfw_node *root, const struct sfw_words *ws, int n,
			   const char *prefix, struct sfw_syntax *e);

/* The listing for the line typed so far (the text before the cursor). */
char *sfw_complete_text(const struct sfw_node *root, const char *text, struct sfw_words *ws,
			struct sfw_syntax *e);

/* Words tab may put at the cursor: the listing's rows that are words
 * starting with the word being typed. A NULL-terminated array (free with
 * sfw_complete_free); NULL with *e when a word before is wrong. */
char **sfw_complete_words(const struct sfw_node *root, const char *text, struct sfw_words *ws,
			  struct sfw_syntax *e);
void sfw_complete_free(char **words);

/* The shell's own commands, which are not in the word tree: the one word
 * (maybe abbreviated) names, or NULL. */
const char *sfw_shell_word(const struct sfw_node *root, const char *word);

#endif
