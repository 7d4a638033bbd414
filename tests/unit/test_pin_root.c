/* A pin root another user made first (docs/security.md, "Files, pins and
 * privileges"): bpffs is 1777 unless mounted with mode=, and pins do not
 * outlive a reboot, so an unprivileged user can create the root's name
 * before sfw does. An empty one, or a link, is taken back (a directory of
 * root's, 0700, in one rename the squatter cannot undo); one holding files
 * is refused in one line and left alone. The squatter is uid 65534 in a
 * child process; each test has a bpffs instance of its own. */
#define _GNU_SOURCE   /* setresuid */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>
#include "loader.h"
#include "maps.h"

static char fs[64], root[96], sub[128], elsewhere[96];

/* A bpffs instance of the test's own, at its default mode (1777): the
 * host's /sys/fs/bpf may be mounted 0700 (sfw and the BPF fixture mount
 * it so), where no squatter could create anything and the tests would
 * prove nothing. */
static void setup(void)
{
	snprintf(fs, sizeof(fs), "/tmp/sfw-unit-bpffs-%d", getpid());
	cr_assert_eq(mkdir(fs, 0755), 0, "%s: %s", fs, strerror(errno));
	cr_assert_eq(mount("bpf", fs, "bpf", 0, NULL), 0, "mount bpffs: %s", strerror(errno));
	snprintf(root, sizeof(root), "%s/sfw-unit-pin", fs);
	snprintf(sub, sizeof(sub), "%s/theirs", root);
	snprintf(elsewhere, sizeof(elsewhere), "/tmp/sfw-unit-pin-%d", getpid());
	setenv("SFW_PIN_ROOT", root, 1);
}

static void teardown(void)
{
	char links[128];

	snprintf(links, sizeof(links), "%s/links", root);
	rmdir(links);
	rmdir(sub);
	if (rmdir(root))
		unlink(root);
	rmdir(elsewhere);
	umount2(fs, MNT_DETACH);
	rmdir(fs);
	unsetenv("SFW_PIN_ROOT");
}

TestSuite(pin_root, .init = setup, .fini = teardown);

enum squat { MKDIR, MKDIR_FULL, SYMLINK, GIVE_UP };

/* What uid 65534 does, in a child: 0 when every step worked. */
static int as_nobody(enum squat what)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (!pid) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(3);
		switch (what) {
		case MKDIR:
			_exit(mkdir(root, 0777) ? 1 : 0);
		case MKDIR_FULL:
			_exit(mkdir(root, 0777) || mkdir(sub, 0777) ? 1 : 0);
		case SYMLINK:
			_exit(symlink(elsewhere, root) ? 1 : 0);
		case GIVE_UP:
			/* any of these would hand the name back to the squatter */
			_exit(!rmdir(root) || !rename(root, elsewhere) || !unlink(root) ||
			      !mkdir(sub, 0777) ? 1 : 0);
		}
		_exit(2);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void assert_ours(void)
{
	struct stat st;

	cr_assert_eq(lstat(root, &st), 0);
	cr_assert(S_ISDIR(st.st_mode), "the root is not a directory");
	cr_assert_eq(st.st_uid, 0, "the root belongs to uid %u", (unsigned)st.st_uid);
	cr_assert_eq(st.st_mode & 07777, 0700, "mode %04o", st.st_mode & 07777);
	cr_assert_eq(as_nobody(GIVE_UP), 0, "the squatter can still change the root");
}

Test(pin_root, empty_directory_of_another_user_taken_back)
{
	cr_assert_eq(as_nobody(MKDIR), 0, "uid 65534 cannot create names on bpffs");
	cr_assert_eq(sfw_ensure_pin_root(), 0, "%s", sfw_last_error());
	assert_ours();
}

Test(pin_root, symbolic_link_of_another_user_taken_back)
{
	cr_assert_eq(mkdir(elsewhere, 0755), 0);
	cr_assert_eq(as_nobody(SYMLINK), 0);
	cr_assert_eq(sfw_ensure_pin_root(), 0, "%s", sfw_last_error());
	assert_ours();
	cr_assert_eq(access(elsewhere, F_OK), 0, "the link's target was touched");
}

Test(pin_root, directory_of_another_user_with_files_refused)
{
	char want[256];
	struct stat st;

	cr_assert_eq(as_nobody(MKDIR_FULL), 0);
	cr_assert_neq(sfw_ensure_pin_root(), 0);
	snprintf(want, sizeof(want), "SFW_PIN_ROOT %s was created by another user (uid 65534) "
		 "and holds files", root);
	cr_assert(strstr(sfw_last_error(), want), "%s", sfw_last_error());
	cr_assert_null(strchr(sfw_last_error(), '\n'));
	cr_assert_eq(lstat(sub, &st), 0, "what the squatter put there is gone");
	cr_assert_eq(lstat(root, &st), 0);
	cr_assert_eq(st.st_uid, 65534, "the squatter's directory was replaced");
}

/* Ours already: nothing changes, and it is not replaced under its pins. */
Test(pin_root, our_own_root_kept)
{
	struct stat before, after;

	cr_assert_eq(sfw_ensure_pin_root(), 0, "%s", sfw_last_error());
	cr_assert_eq(lstat(root, &before), 0);
	cr_assert_eq(sfw_ensure_pin_root(), 0, "%s", sfw_last_error());
	cr_assert_eq(lstat(root, &after), 0);
	cr_assert_eq(before.st_ino, after.st_ino);
}

/* SFW_PIN_ROOT naming the system's shared bpffs (SFW_BPFFS, /sys/fs/bpf)
 * itself: refused, nothing made there. The host's mount, so this test
 * must change nothing in it: the check comes before anything is created
 * (the root exists, so make_root makes nothing; links/ comes after), and
 * the test looks that no links directory appeared. Skipped where
 * /sys/fs/bpf is no bpffs (ensure_bpffs would mount one there). */
Test(pin_root, root_of_the_shared_bpf_filesystem_refused)
{
	/* the same directory, spelt three ways */
	static const char *const as[] = { SFW_BPFFS, SFW_BPFFS "/", "/sys/fs/../fs/bpf" };
	char links[64], said[3][512];
	struct statfs sf;
	int err[3];
	bool made;

	if (statfs(SFW_BPFFS, &sf) || sf.f_type != BPF_FS_MAGIC)
		cr_skip_test("%s is not a bpf filesystem here", SFW_BPFFS);
	snprintf(links, sizeof(links), "%s/links", SFW_BPFFS);
	cr_assert_neq(access(links, F_OK), 0, "%s exists already: cannot tell", links);
	for (int i = 0; i < 3; i++) {
		setenv("SFW_PIN_ROOT", as[i], 1);
		err[i] = sfw_ensure_pin_root();
		snprintf(said[i], sizeof(said[i]), "%s", sfw_last_error());
	}
	/* before any assertion can end the test: the host's mount as it was */
	made = !access(links, F_OK);
	if (made)
		rmdir(links);   /* a regression's, absent before */
	cr_assert_not(made, "a links directory was made in %s", SFW_BPFFS);
	for (int i = 0; i < 3; i++) {
		cr_assert_neq(err[i], 0, "%s accepted", as[i]);
		cr_assert(strstr(said[i], "is the root of the shared bpf filesystem"), "%s: %s",
			  as[i], said[i]);
		cr_assert_null(strchr(said[i], '\n'));
	}
}

/* A bpffs of the test's own, mounted 0700 as SFW_PIN_ROOT: not the shared
 * one, so accepted (an operator mounting one for sfw elsewhere than on
 * /sys/fs/bpf/sfw). */
Test(pin_root, root_of_a_private_bpf_filesystem_accepted)
{
	char links[128];
	int err;

	cr_assert_eq(chmod(fs, 0700), 0, "%s", strerror(errno));
	setenv("SFW_PIN_ROOT", fs, 1);
	err = sfw_ensure_pin_root();
	snprintf(links, sizeof(links), "%s/links", fs);
	rmdir(links);
	cr_assert_eq(err, 0, "refused: %s", sfw_last_error());
}

/* Review rv24, finding 3 (false positive of the check above): a bpffs
 * mounted for sfw alone on its pin root (mount -t bpf -o mode=0700 bpf
 * /sys/fs/bpf/sfw; some hosts and container setups do this so sfw's pins
 * are apart from every other BPF user's) is refused as "the root of a bpf
 * filesystem", though nothing else shares it. It was accepted before
 * 5a65696, so after an upgrade every command that takes the lock fails,
 * `detach all` included (the old programs stay attached). The mount here
 * sits on the test's own bpffs, as /sys/fs/bpf/sfw sits on /sys/fs/bpf.
 * loader/pin.c now refuses only the shared mount (is_shared_bpffs). */
Test(pin_root, a_bpf_filesystem_of_sfws_own_on_the_pin_root_accepted)
{
	char links[128];
	int err;

	cr_assert_eq(mkdir(root, 0700), 0, "%s", strerror(errno));
	cr_assert_eq(mount("bpf", root, "bpf", 0, "mode=0700"), 0, "mount: %s", strerror(errno));
	err = sfw_ensure_pin_root();
	snprintf(links, sizeof(links), "%s/links", root);
	rmdir(links);
	umount2(root, MNT_DETACH);
	cr_assert_eq(err, 0, "refused: %s", sfw_last_error());
}
