/* Log files, written as root, never lead it into another file
 * (docs/security.md, "Files, pins and privileges"): a symbolic link at the
 * path is not followed, a hard link or someone else's file is refused, and
 * so is a directory on the way that another user could change; a new file
 * is 0640 and lines are appended. Each test has its own directory. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "loader.h"
#include "log_sink.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/sfw-log-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	umask(022);
}

static void teardown(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(log_sink, .init = setup, .fini = teardown);

static const char *at(const char *name)
{
	static char path[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Opens (and closes) the sinks with a text file (or a JSON file) at path;
 * a line written in between when it opens. */
static int open_sink(const char *path, bool json)
{
	struct sfw_log_opts o = { .file = json ? NULL : path, .json_file = json ? path : NULL };
	struct sfw_log_sinks s;
	int err = sfw_sinks_open(&s, &o);

	if (!err) {
		fputs("line\n", json ? s.json : s.file);
		sfw_sinks_close(&s);
	}
	return err;
}

static void assert_refused(const char *path, bool json, const char *why)
{
	cr_assert_neq(open_sink(path, json), 0, "%s was opened", path);
	cr_assert(strstr(sfw_last_error(), why), "%s", sfw_last_error());
	cr_assert_null(strchr(sfw_last_error(), '\n'), "one line: %s", sfw_last_error());
}

Test(log_sink, new_file_is_0640_and_appended_to)
{
	const char *log = at("new.log");
	struct stat st;

	cr_assert_eq(open_sink(log, false), 0, "%s", sfw_last_error());
	cr_assert_eq(stat(log, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0640, "mode %04o", st.st_mode & 07777);
	cr_assert_eq(open_sink(log, false), 0, "%s", sfw_last_error());
	cr_assert_str_eq(get(log), "line\nline\n");
}

Test(log_sink, symbolic_link_not_followed)
{
	const char *target = at("target"), *link = at("link.log");

	put(target, "keep\n");
	cr_assert_eq(symlink(target, link), 0);
	assert_refused(link, false, "is a symbolic link");
	assert_refused(link, true, "is a symbolic link");
	cr_assert_str_eq(get(target), "keep\n");
}

Test(log_sink, dangling_symbolic_link_creates_nothing)
{
	const char *target = at("nothing-here"), *link = at("link.log");

	cr_assert_eq(symlink(target, link), 0);
	assert_refused(link, false, "is a symbolic link");
	cr_assert_neq(access(target, F_OK), 0, "the link's target was created");
}

Test(log_sink, hard_link_refused)
{
	const char *target = at("target"), *hard = at("hard.log");

	put(target, "keep\n");
	cr_assert_eq(link(target, hard), 0);
	assert_refused(hard, false, "one name");
	cr_assert_str_eq(get(target), "keep\n");
}

Test(log_sink, someone_elses_file_refused)
{
	const char *log = at("theirs.log");

	put(log, "theirs\n");
	cr_assert_eq(chown(log, 65534, 65534), 0);
	assert_refused(log, false, "of ours");
	cr_assert_str_eq(get(log), "theirs\n");
}

Test(log_sink, directory_others_may_change_refused)
{
	const char *open_dir = at("open"), *log = at("open/x.log");

	cr_assert_eq(mkdir(open_dir, 0700), 0);
	cr_assert_eq(chmod(open_dir, 0777), 0);
	assert_refused(log, false, "may be changed by another user");
	cr_assert_neq(access(log, F_OK), 0, "created under a directory anyone may change");
	cr_assert_eq(chmod(open_dir, 0700), 0);
	cr_assert_eq(chown(open_dir, 65534, 65534), 0);
	assert_refused(log, false, "may be changed by another user");
}

/* A directory above the log's own that others may write (Ubuntu's
 * /var/log is root:syslog 0775) is fine: the directories are walked open,
 * so swapping one afterwards changes nothing. */
Test(log_sink, group_writable_directory_above_allowed)
{
	const char *shared = at("shared"), *own = at("shared/sfw");

	cr_assert_eq(mkdir(shared, 0700), 0);
	cr_assert_eq(chmod(shared, 0775), 0);
	cr_assert_eq(chown(shared, 0, 65534), 0);
	cr_assert_eq(mkdir(own, 0750), 0);
	cr_assert_eq(open_sink(at("shared/sfw/x.log"), false), 0, "%s", sfw_last_error());
}

/* /tmp-like directories are fine (others cannot move what is ours there),
 * and so are symbolic links among directories that are all ours. */
Test(log_sink, sticky_directory_and_linked_directory_allowed)
{
	const char *sticky = at("sticky"), *real = at("real"), *alias = at("alias");

	cr_assert_eq(mkdir(sticky, 0700), 0);
	cr_assert_eq(chmod(sticky, 01777), 0);
	cr_assert_eq(open_sink(at("sticky/x.log"), false), 0, "%s", sfw_last_error());
	cr_assert_eq(mkdir(real, 0755), 0);
	cr_assert_eq(symlink(real, alias), 0);
	cr_assert_eq(open_sink(at("alias/x.log"), true), 0, "%s", sfw_last_error());
	cr_assert_str_eq(get(at("real/x.log")), "line\n");
}
