/* What the commit store's tests share (test_conf_store.c, test_conf_confirm.c):
 * each test has its own SFW_CONF_DIR, and these read and write it. */
#ifndef SFW_CONF_STORE_TEST_H
#define SFW_CONF_STORE_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* unshare */
#endif
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "test_conf.h"

static char dir[64];

static inline void rm_tree(const char *path)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	cr_assert_eq(system(cmd), 0);
}

static inline void setup(void)
{
	strcpy(dir, "/tmp/sfw-store-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
}

static inline void teardown(void)
{
	char sub[128];

	snprintf(sub, sizeof(sub), "%s/rollback", dir);
	umount2(sub, MNT_DETACH);   /* rollback_on_another_filesystem's, if it failed */
	rm_tree(dir);
	unsetenv("SFW_CONF_DIR");
}

static inline void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

/* The whole file, or NULL when it does not exist. */
static inline char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {   /* an empty file: nothing read */
		cr_assert(feof(f), "%s: %s", path, strerror(errno));
		free(text);
		text = NULL;
	}
	fclose(f);
	return text ? text : strdup("");
}

static inline char *rollback_text(int n)
{
	char path[256];

	cr_assert_eq(sfw_conf_rollback_path(n, path, sizeof(path)), 0);
	return read_text(path);
}

/* Does history entry n hold word (the text read, checked and freed)? */
static inline bool rollback_has(int n, const char *word)
{
	char *text = rollback_text(n);
	bool has = text && strstr(text, word);

	free(text);
	return has;
}

static inline void assert_rollback(int n, const char *want)
{
	char *got = rollback_text(n);

	if (!want) {
		cr_assert_null(got, "rollback %d should not exist", n);
		return;
	}
	cr_assert_not_null(got, "rollback %d missing", n);
	cr_assert_str_eq(got, want, "rollback %d", n);
	free(got);
}

/* A valid configuration that says which commit it was. */
static inline void config_text(char *buf, size_t len, int n)
{
	snprintf(buf, len, "# commit %d\nset security zones security-zone z%d interfaces veth%d\n",
		 n, n, n % 10);
}

static inline int commit_text(const char *text, struct sfw_conf_errors *errs)
{
	char path[128];

	snprintf(path, sizeof(path), "%s.in", dir);
	write_file(path, text);
	int err = sfw_conf_commit_file(path, NULL, NULL, errs);
	unlink(path);
	return err;
}

static inline void commit_ok(const char *text)
{
	struct sfw_conf_errors errs = { 0 };
	int err = commit_text(text, &errs);

	cr_assert_eq(err, 0, "commit failed: %d %s", err, errs.n ? errs.msg[0] : "");
	sfw_conf_errors_free(&errs);
}

/* Names in dir (and dir/rollback), sorted, for "nothing changed". */
static inline void list_dir(const char *path, char *out, size_t len)
{
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);

	out[0] = '\0';
	for (int k = 0; k < n; k++) {
		snprintf(out + strlen(out), len - strlen(out), "%s;", names[k]->d_name);
		free(names[k]);
	}
	free(names);
}

/* commit confirmed (docs/cli.md): the confirmed commit leaves its token,
 * any other commit removes it, and the timer's rollback goes ahead only
 * while the token is still there (checked under the store's lock). */
static inline int commit_ops(const char *text, const struct sfw_conf_commit_ops *ops)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err;

	cr_assert_eq(conf_test_parse(&conf, &errs, text), 0);
	err = sfw_conf_commit(&conf, ops);
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
	return err;
}

/* chattr +i / -i: a rename onto or of the file fails. */
static inline bool set_immutable_at(const char *path, bool on)
{
	int fd = open(path, O_RDONLY), flags, ok;

	cr_assert_geq(fd, 0, "%s", path);
	ok = !ioctl(fd, FS_IOC_GETFLAGS, &flags);
	if (ok) {
		flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
		ok = !ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	close(fd);
	return ok;
}

static inline bool set_immutable(bool on)
{
	char path[256];

	cr_assert_eq(sfw_conf_active_path(path, sizeof(path)), 0);
	return set_immutable_at(path, on);
}

/* What a commit killed (SIGKILL, a crash) after renaming its candidate
 * onto the active file and before the history moved leaves: the candidate
 * active, the file it replaced as .previous, rollback 1.. as they were. */
static inline void killed_after_rename(const char *candidate)
{
	char active[256], prev[256];

	cr_assert_eq(sfw_conf_active_path(active, sizeof(active)), 0);
	snprintf(prev, sizeof(prev), "%s/.previous", dir);
	cr_assert_eq(link(active, prev), 0);
	cr_assert_eq(unlink(active), 0);
	write_file(active, candidate);
}

#endif
