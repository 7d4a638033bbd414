/* Who committed, how and why: configuration mode puts two comment lines at
 * the top of the text it commits (the parser skips them, the store and the
 * datapath's digest keep them), and `show system commit` reads them back
 * from each stored configuration (docs/cli.md "Configuration mode"). */
#ifndef SFW_CLI_COMMIT_LOG_H
#define SFW_CLI_COMMIT_LOG_H

#include <stdio.h>

#define SFW_COMMIT_LOG_BY "## Last commit: "
#define SFW_COMMIT_LOG_COMMENT "## Comment: "
#define SFW_COMMIT_COMMENT_MAX 512

/* The lines for a commit now by this user via the shell; confirm_min > 0:
 * a commit confirmed. comment may be NULL. */
void sfw_commit_log_header(FILE *f, unsigned confirm_min, const char *comment);

#endif
