/* util/build_id.c: an executable's GNU build ID, as the session daemon's
 * upgrade check compares them (cli/events/daemon_ctl.c): a copy of a file
 * has its original's, another program another, and what is not an ELF
 * executable with one has none. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <linux/types.h>
#include "build_id.h"

/* path copied into a new file under /tmp; the copy's path */
static char *copy_of(const char *path)
{
	static char dst[64];
	char buf[65536];
	int in = open(path, O_RDONLY), out;
	ssize_t n;

	snprintf(dst, sizeof(dst), "/tmp/sfw-build-id-%d", (int)getpid());
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	cr_assert(in >= 0 && out >= 0, "%s", strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		cr_assert_eq(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
	return dst;
}

Test(build_id, a_copy_has_its_originals)
{
	unsigned char a[SFW_BUILD_ID_MAX], b[SFW_BUILD_ID_MAX];
	int na = sfw_build_id("/proc/self/exe", a), nb;
	char *copy = copy_of("/proc/self/exe");

	cr_assert_eq(na, 20, "the linker's sha1 build ID: %d", na);
	nb = sfw_build_id(copy, b);
	unlink(copy);
	cr_assert_eq(nb, na);
	cr_expect_arr_eq(a, b, (size_t)na);
}

Test(build_id, another_program_has_another)
{
	unsigned char a[SFW_BUILD_ID_MAX], b[SFW_BUILD_ID_MAX];
	int na = sfw_build_id("/proc/self/exe", a), nb = sfw_build_id("/bin/sh", b);

	cr_assert_gt(na, 0);
	cr_assert_gt(nb, 0, "Debian's /bin/sh has a build ID: %d", nb);
	cr_expect(na != nb || memcmp(a, b, (size_t)na), "two programs, one build ID");
}

/* Files that are no 64-bit ELF executable, or whose notes lie about
 * their sizes, give an error, never a read past them. */
Test(build_id, not_an_executable_has_none)
{
	unsigned char id[SFW_BUILD_ID_MAX];
	char path[64];
	int fd;

	cr_expect_eq(sfw_build_id("/etc/os-release", id), -ENOEXEC);
	cr_expect_eq(sfw_build_id("/nonexistent/sfw", id), -ENOENT);
	snprintf(path, sizeof(path), "/tmp/sfw-build-id-empty-%d", (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	close(fd);
	cr_expect_eq(sfw_build_id(path, id), -ENOEXEC);
	unlink(path);
}

/* A copy whose build-ID note says its ID is longer than the segment: an
 * error. */
Test(build_id, a_note_longer_than_its_segment_is_refused)
{
	unsigned char id[SFW_BUILD_ID_MAX], want[SFW_BUILD_ID_MAX];
	char *copy = copy_of("/proc/self/exe");
	size_t len;
	unsigned char *buf;
	FILE *f = fopen(copy, "r+b");
	int n = sfw_build_id("/proc/self/exe", want);

	cr_assert(f && n > 0);
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	buf = malloc(len);
	cr_assert(buf);
	rewind(f);
	cr_assert_eq(fread(buf, 1, len, f), len);
	/* the note header before "GNU\0" and the ID: namesz 4, descsz n, type 3 */
	for (size_t i = 12; i + 4 + (size_t)n <= len; i++)
		if (!memcmp(buf + i, "GNU", 4) && !memcmp(buf + i + 4, want, (size_t)n)) {
			__u32 huge = 0x7fffffff;

			fseek(f, (long)(i - 8), SEEK_SET);
			fwrite(&huge, sizeof(huge), 1, f);
			break;
		}
	fclose(f);
	free(buf);
	cr_expect_eq(sfw_build_id(copy, id), -ENOEXEC);
	unlink(copy);
}
