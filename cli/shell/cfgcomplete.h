/* `?` and tab in configuration mode: the mode's own words first, then
 * for set, delete, edit and show what the configuration language takes
 * there (its own "expected ..." answer, conf/candidate.h), and for run
 * the operational words (complete.h). */
#ifndef SFW_CLI_SHELL_CFGCOMPLETE_H
#define SFW_CLI_SHELL_CFGCOMPLETE_H

#include "exec.h"
#include "syntax.h"

/* "Possible completions:\n" and its rows for the line typed so far; NULL
 * with *e when a word before is wrong (run's operational words). */
char *sfw_cfgmode_listing(const struct sfw_exec *x, const char *text, struct sfw_words *ws,
			  struct sfw_syntax *e);
/* The words tab may put at the cursor (NULL-terminated; free with
 * sfw_complete_free). */
char **sfw_cfgmode_words(const struct sfw_exec *x, const char *text, struct sfw_words *ws,
			 struct sfw_syntax *e);

#endif
