/* `show system commit` (commit_log.h): one line per stored configuration,
 * newest (0, the active one) first, as Junos lists them:
 *   0   2026-11-30 18:00:00 UTC by root via cli commit confirmed, rollback in 10mins
 *       the comment
 * The time is the file's (when it was committed); who and how are its
 * first commit's, from configuration mode's header; a file committed from
 * bash (`sfw commit FILE`) has none: its owner, via file. */
#define _GNU_SOURCE
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "commit_log.h"
#include "conf.h"
#include "err.h"

void sfw_commit_log_header(FILE *f, unsigned confirm_min, const char *comment)
{
	const struct passwd *pw = getpwuid(getuid());
	char when[64];
	time_t now = time(NULL);
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", localtime_r(&now, &tm));
	fprintf(f, "%s%s by %s via cli", SFW_COMMIT_LOG_BY, when, pw ? pw->pw_name : "?");
	if (confirm_min)
		fprintf(f, " commit confirmed, rollback in %umins", confirm_min);
	fputc('\n', f);
	if (comment && *comment) {
		fputs(SFW_COMMIT_LOG_COMMENT, f);
		for (const char *s = comment; *s; s++)
			fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
		fputc('\n', f);
	}
}

/* "by USER via HOW..." and the comment, from the file's first lines. */
static void read_header(const char *path, char *by, size_t bylen, char *comment, size_t clen)
{
	char line[SFW_COMMIT_COMMENT_MAX + 64];
	FILE *f = fopen(path, "re");
	const char *s;

	by[0] = comment[0] = '\0';
	for (int k = 0; f && k < 2 && fgets(line, sizeof(line), f); k++) {
		line[strcspn(line, "\n")] = '\0';
		if (!k && !strncmp(line, SFW_COMMIT_LOG_BY, strlen(SFW_COMMIT_LOG_BY)) &&
		    (s = strstr(line, " by ")))
			snprintf(by, bylen, "%.*s", (int)bylen - 1, s + 1);
		else if (k && !strncmp(line, SFW_COMMIT_LOG_COMMENT, strlen(SFW_COMMIT_LOG_COMMENT)))
			snprintf(comment, clen, "%.*s", (int)clen - 1,
				 line + strlen(SFW_COMMIT_LOG_COMMENT));
	}
	if (f)
		fclose(f);
}

static void list_one(FILE *out, int n, const char *path, const struct stat *st)
{
	char when[64], by[SFW_COMMIT_COMMENT_MAX + 64], comment[SFW_COMMIT_COMMENT_MAX];
	const struct passwd *pw;
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", localtime_r(&st->st_mtime, &tm));
	read_header(path, by, sizeof(by), comment, sizeof(comment));
	if (!by[0]) {
		pw = getpwuid(st->st_uid);
		snprintf(by, sizeof(by), "by %s via file", pw ? pw->pw_name : "?");
	}
	fprintf(out, "%-4d%s %s\n", n, when, by);
	if (comment[0])
		fprintf(out, "    %s\n", comment);
}

int sfw_cmd_show_system_commit(const struct sfw_cmdline *cl)
{
	char path[4096];
	struct stat st;

	/* a commit killed in its history's move: listed as it will be */
	if (sfw_conf_recover())
		fprintf(cl->err, "sfw: %s\n", sfw_last_error());
	for (int n = 0; n <= SFW_CONF_ROLLBACK_MAX; n++) {
		if (sfw_conf_rollback_path(n, path, sizeof(path)) || stat(path, &st))
			continue;
		list_one(cl->out, n, path, &st);
	}
	return SFW_EXIT_OK;
}
