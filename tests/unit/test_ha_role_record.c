/* The role keepalived last named, kept in the run directory
 * (cli/ha/role_record.h) so an attach that makes the maps anew knows it
 * (review RV21-1: a secondary answered proxy ARP/NDP again after `detach
 * all` and attach, or when keepalived's hook ran before the attach). A
 * record of another boot, or one cut short or garbled, is no record: in a
 * cluster the attach then starts as a secondary, answering nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <criterion/criterion.h>
#include "err.h"
#include "role_record.h"

static char run_dir[] = "/tmp/sfw-role-XXXXXX";
static char conf_dir[] = "/tmp/sfw-rconf-XXXXXX";

static void setup(void)
{
	cr_assert_not_null(mkdtemp(run_dir));
	cr_assert_not_null(mkdtemp(conf_dir));
	setenv("SFW_RUN_DIR", run_dir, 1);
	setenv("SFW_CONF_DIR", conf_dir, 1);
}

static void rm_in(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void teardown(void)
{
	rm_in(run_dir);
	rm_in(conf_dir);
	unsetenv("SFW_RUN_DIR");
	unsetenv("SFW_CONF_DIR");
}

static void put(const char *dir, const char *name, const char *text, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

static int files_in(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

#define BOOT "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

TestSuite(ha_role_record, .init = setup, .fini = teardown);

Test(ha_role_record, each_role_reads_back_as_written)
{
	static const enum sfw_ha_role roles[] = { SFW_HA_SECONDARY, SFW_HA_PRIMARY, SFW_HA_NONE };
	enum sfw_ha_role got;

	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		cr_assert_eq(sfw_role_record_write_at(run_dir, BOOT, roles[i]), 0, "%s",
			     sfw_last_error());
		got = 99;
		cr_assert_eq(sfw_role_record_read_at(run_dir, BOOT, &got), 0);
		cr_expect_eq(got, roles[i]);
	}
	/* replaced by a rename: no file but the record is left behind */
	cr_expect_eq(files_in(run_dir), 1);
}

Test(ha_role_record, none_without_a_file)
{
	enum sfw_ha_role got;

	cr_expect_eq(sfw_role_record_read_at(run_dir, BOOT, &got), -ENOENT);
}

Test(ha_role_record, the_run_directory_is_made_when_missing)
{
	char dir[600];
	enum sfw_ha_role got;

	snprintf(dir, sizeof(dir), "%s/sub", run_dir);
	cr_assert_eq(sfw_role_record_write_at(dir, BOOT, SFW_HA_SECONDARY), 0, "%s",
		     sfw_last_error());
	cr_expect_eq(sfw_role_record_read_at(dir, BOOT, &got), 0);
	rm_in(dir);
}

/* written before a reboot: keepalived names the role anew after it */
Test(ha_role_record, another_boots_record_is_ignored)
{
	enum sfw_ha_role got;

	cr_assert_eq(sfw_role_record_write_at(run_dir, BOOT, SFW_HA_PRIMARY), 0);
	cr_expect_eq(sfw_role_record_read_at(run_dir, "11111111-2222-3333-4444-555555555555",
					     &got), -ESTALE);
}

Test(ha_role_record, a_torn_or_garbled_file_is_no_record)
{
	static const char *const bad[] = {
		"",
		"role secondary\n",                    /* cut after the first line */
		"role primary\nboot " BOOT,            /* cut before its last newline */
		"role primary\nboot 0f1e2d3c\n",       /* cut inside the id: not this boot */
		"role primary\nboot \n",
		"role primary\nboot " BOOT "\nrole secondary\n",
		"role master\nboot " BOOT "\n",
		"boot " BOOT "\nrole primary\n",
		"rolex primary\nboot " BOOT "\n",
		"\x7f" "ELF\x02\x01\x01\x00\x00\x00",
	};
	enum sfw_ha_role got;
	char big[4096];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(run_dir, SFW_ROLE_RECORD_FILE, bad[i], strlen(bad[i]));
		cr_expect_neq(sfw_role_record_read_at(run_dir, BOOT, &got), 0, "read '%s'",
			      bad[i]);
	}
	put(run_dir, SFW_ROLE_RECORD_FILE, "role primary\0\nboot " BOOT "\n", 20 + strlen(BOOT));
	cr_expect_neq(sfw_role_record_read_at(run_dir, BOOT, &got), 0, "a NUL inside");
	memset(big, 'a', sizeof(big));
	memcpy(big, "role primary\nboot ", 18);
	big[sizeof(big) - 1] = '\n';
	put(run_dir, SFW_ROLE_RECORD_FILE, big, sizeof(big));
	cr_expect_neq(sfw_role_record_read_at(run_dir, BOOT, &got), 0, "a long file");
}

/* The attach's decision (cli/system/cmd_attach.c). */
Test(ha_role_record, an_attach_in_a_cluster_is_silent_until_named_primary)
{
	cr_expect_not(sfw_role_attach_silent(), "no cluster: answers");
	put(conf_dir, SFW_HA_CONF_FILE, "set chassis cluster cluster-id 1\n", 33);
	cr_expect(sfw_role_attach_silent(), "a cluster, no role named yet: silent");

	cr_assert_eq(sfw_role_record_write(SFW_HA_SECONDARY), 0, "%s", sfw_last_error());
	cr_expect(sfw_role_attach_silent(), "secondary: silent");
	cr_assert_eq(sfw_role_record_write(SFW_HA_PRIMARY), 0);
	cr_expect_not(sfw_role_attach_silent(), "primary: answers");
	cr_assert_eq(sfw_role_record_write(SFW_HA_NONE), 0);
	cr_expect_not(sfw_role_attach_silent(), "disabled: answers");

	/* primary, but before a reboot */
	cr_assert_eq(sfw_role_record_write_at(run_dir, "11111111-2222-3333-4444-555555555555",
					      SFW_HA_PRIMARY), 0);
	cr_expect(sfw_role_attach_silent(), "another boot's primary: silent");
	put(run_dir, SFW_ROLE_RECORD_FILE, "role primary\nbo", 15);
	cr_expect(sfw_role_attach_silent(), "a torn record: silent");
}

/* Review rv24, finding 6 (hardening, low): the record's temporary file
 * was opened with O_CREAT | O_TRUNC but neither O_EXCL nor O_NOFOLLOW,
 * under a name anyone can predict (.cluster-role.<pid>): where the run
 * directory is writable by another user (SFW_RUN_DIR pointed at a shared
 * directory; /run/sfw itself is root's 0755), a symbolic link planted
 * there had root truncate and overwrite the file it names. Now whatever
 * is at the name goes and the file is made anew (O_EXCL | O_NOFOLLOW).
 * Red before the fix: the file the link named held the record. */
Test(ha_role_record, a_link_planted_at_the_temporary_name_is_not_followed)
{
	char victim[] = "/tmp/sfw-role-victim-XXXXXX", link[600], got[64] = { 0 };
	enum sfw_ha_role role = SFW_HA_NONE;
	int fd = mkstemp(victim);
	ssize_t n;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "precious\n", 9), 9);
	close(fd);
	snprintf(link, sizeof(link), "%s/.%s.%d", run_dir, SFW_ROLE_RECORD_FILE, (int)getpid());
	cr_assert_eq(symlink(victim, link), 0, "%s", strerror(errno));
	cr_expect_eq(sfw_role_record_write_at(run_dir, BOOT, SFW_HA_PRIMARY), 0, "%s",
		     sfw_last_error());
	fd = open(victim, O_RDONLY);
	n = fd >= 0 ? read(fd, got, sizeof(got) - 1) : -1;
	if (fd >= 0)
		close(fd);
	unlink(victim);
	cr_expect_eq(n, 9, "the file the link named was rewritten: '%s'", got);
	cr_expect_str_eq(got, "precious\n");
	/* the record is a file of its own, the link gone */
	cr_expect_eq(sfw_role_record_read_at(run_dir, BOOT, &role), 0);
	cr_expect_eq(role, SFW_HA_PRIMARY);
	cr_expect_eq(files_in(run_dir), 1);
}

/* The reader (every attach in a cluster): a FIFO at the record's name
 * blocked the open for good; now it is no record (the attach starts
 * silent), at once. Red before the fix: the test timed out. */
Test(ha_role_record, a_fifo_at_the_records_name_is_no_record, .timeout = 10)
{
	char path[600];
	enum sfw_ha_role got;

	snprintf(path, sizeof(path), "%s/%s", run_dir, SFW_ROLE_RECORD_FILE);
	cr_assert_eq(mkfifo(path, 0644), 0, "%s", strerror(errno));
	cr_expect_eq(sfw_role_record_read_at(run_dir, BOOT, &got), -EINVAL);
	put(conf_dir, SFW_HA_CONF_FILE, "set chassis cluster cluster-id 1\n", 33);
	cr_expect(sfw_role_attach_silent(), "a FIFO: silent");
}

/* Nor is a link at the record's name followed, whatever it names (here a
 * well-formed primary record of this boot elsewhere). Red before the fix:
 * read as primary. */
Test(ha_role_record, a_link_at_the_records_name_is_not_followed)
{
	char other[600], path[600];
	enum sfw_ha_role got = SFW_HA_NONE;

	snprintf(other, sizeof(other), "%s/sub", run_dir);
	cr_assert_eq(sfw_role_record_write_at(other, BOOT, SFW_HA_PRIMARY), 0, "%s",
		     sfw_last_error());
	snprintf(other, sizeof(other), "%s/sub/%s", run_dir, SFW_ROLE_RECORD_FILE);
	snprintf(path, sizeof(path), "%s/%s", run_dir, SFW_ROLE_RECORD_FILE);
	cr_assert_eq(symlink(other, path), 0, "%s", strerror(errno));
	cr_expect_eq(sfw_role_record_read_at(run_dir, BOOT, &got), -EINVAL, "read as %d", got);
	unlink(other);
	snprintf(other, sizeof(other), "%s/sub", run_dir);
	rmdir(other);
}

/* A record that cannot be written (here a directory squats the temporary
 * name) removes the old one: no record is a secondary to the next attach,
 * where the old "primary" would have it answer beside the new primary.
 * One line says so. Red before the fix: the old primary record stayed. */
Test(ha_role_record, a_record_that_cannot_be_written_removes_the_old_one)
{
	char tmp[600];
	enum sfw_ha_role got;
	int err;

	put(conf_dir, SFW_HA_CONF_FILE, "set chassis cluster cluster-id 1\n", 33);
	cr_assert_eq(sfw_role_record_write(SFW_HA_PRIMARY), 0, "%s", sfw_last_error());
	cr_assert_not(sfw_role_attach_silent(), "primary: answers");
	snprintf(tmp, sizeof(tmp), "%s/.%s.%d", run_dir, SFW_ROLE_RECORD_FILE, (int)getpid());
	cr_assert_eq(mkdir(tmp, 0700), 0, "%s", strerror(errno));
	err = sfw_role_record_write(SFW_HA_SECONDARY);
	rmdir(tmp);
	cr_expect_lt(err, 0, "written through a directory?");
	cr_expect(strstr(sfw_last_error(), "cannot record the cluster role in ") &&
		  strstr(sfw_last_error(), "(the old record: removed)") &&
		  !strchr(sfw_last_error(), '\n'), "%s", sfw_last_error());
	cr_expect_eq(sfw_role_record_read_at(run_dir, BOOT, &got), -ENOENT);
	cr_expect(sfw_role_attach_silent(), "the old primary record is still read");
}
