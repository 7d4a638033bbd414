/* Log files, written as root, never lead it into another file
 * (docs/security.md, "Files, pins and privileges"): a symbolic link at the
 * path is not followed, a hard link or someone else's file is refused, and
 * so is a directory on the way that another user could change; a new file
 * is 0640 and lines are appended. Each test has its own directory. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <grp.h>
#include <sys/wait.h>
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
		(void)!write(s.fd[json ? SFW_SINK_JSON : SFW_SINK_FILE], "line\n", 5);
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

/* /tmp-like directories are fine: others cannot move what is ours there. */
Test(log_sink, sticky_directory_allowed)
{
	const char *sticky = at("sticky");

	cr_assert_eq(mkdir(sticky, 0700), 0);
	cr_assert_eq(chmod(sticky, 01777), 0);
	cr_assert_eq(open_sink(at("sticky/x.log"), false), 0, "%s", sfw_last_error());
	cr_assert_str_eq(get(at("sticky/x.log")), "line\n");
}

/* No symbolic link is followed anywhere on the path, even among
 * directories that are all root's: the walk cannot tell a link root made
 * from one a group member put in the place of a directory (below). */
Test(log_sink, linked_directory_refused)
{
	const char *real = at("real"), *alias = at("alias");

	cr_assert_eq(mkdir(real, 0755), 0);
	cr_assert_eq(symlink(real, alias), 0);
	assert_refused(at("alias/x.log"), true, "alias on the way is a symbolic link");
	cr_assert_neq(access(at("real/x.log"), F_OK), 0, "created through the link");
}

/* The red team's attack: Ubuntu's /var/log is root:syslog 0775, so a member
 * of its group (here uid and gid 65534) can rename sfw's log directory away
 * and put a link to any of root's directories in its place; the daemon,
 * restarted with its usual path, must not append to that directory's file
 * of the log's name. */
Test(log_sink, directory_swapped_for_a_link_by_a_group_member_refused)
{
	const char *shared = at("log"), *own = at("log/sfw"), *victim = at("etc");
	char old[128];
	pid_t pid;
	int st;

	cr_assert_eq(chmod(dir, 0755), 0);   /* the group member can reach log/ */
	cr_assert_eq(mkdir(shared, 0775), 0);
	cr_assert_eq(chmod(shared, 0775), 0);
	cr_assert_eq(chown(shared, 0, 65534), 0);
	cr_assert_eq(mkdir(own, 0750), 0);
	cr_assert_eq(mkdir(victim, 0755), 0);
	put(at("etc/session.log"), "root's own file\n");
	snprintf(old, sizeof(old), "%s.old", own);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid)
		_exit(setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		      setresuid(65534, 65534, 65534) || rename(own, old) ||
		      symlink(victim, own) ? 1 : 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert_eq(WEXITSTATUS(st), 0, "the group member could not swap the directory");
	assert_refused(at("log/sfw/session.log"), false, "sfw on the way is a symbolic link");
	cr_assert_str_eq(get(at("etc/session.log")), "root's own file\n");
}

/* A relative path starts at the working directory, walked the same way. */
Test(log_sink, relative_path_from_the_working_directory)
{
	char cwd[256];

	cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
	cr_assert_eq(mkdir(at("sub"), 0755), 0);
	cr_assert_eq(chdir(dir), 0);
	cr_assert_eq(open_sink("sub/x.log", false), 0, "%s", sfw_last_error());
	cr_assert_eq(open_sink("y.log", false), 0, "%s", sfw_last_error());
	cr_assert_eq(chdir(cwd), 0);
	cr_assert_str_eq(get(at("sub/x.log")), "line\n");
	cr_assert_str_eq(get(at("y.log")), "line\n");
}
