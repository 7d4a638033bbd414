/* loader/clock_check.c: the monotonic offset read from what
 * /proc/self/timens_offsets holds, and the refusal sfw's main gives on a
 * non-zero one (red team F7: the reaper judged sessions by a clock the
 * datapath does not share). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include "clock_check.h"
#include "err.h"

/* text as a FILE, for the parser */
static FILE *text(const char *s)
{
	FILE *f = fmemopen((void *)s, strlen(s), "r");

	cr_assert(f, "fmemopen: %s", strerror(errno));
	return f;
}

/* The parser on text: its return, the offset into sec and nsec. */
static int parse(const char *s, long long *sec, long *nsec)
{
	FILE *f = text(s);
	int err = sfw_timens_monotonic(f, sec, nsec);

	fclose(f);
	return err;
}

/* text written to a file of its own; its path */
static const char *file_of(const char *s)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/sfw-timens-%d", (int)getpid());
	f = fopen(path, "w");
	cr_assert(f, "%s: %s", path, strerror(errno));
	fputs(s, f);
	fclose(f);
	return path;
}

/* sfw_clock_check_at on a file holding s */
static int check_text(const char *s)
{
	const char *path = file_of(s);
	int err = sfw_clock_check_at(path);

	unlink(path);
	return err;
}

#define HOST "monotonic           0         0\nboottime            0         0\n"
#define AHEAD "monotonic      100000         0\nboottime            0         0\n"
#define BEHIND "monotonic        -100         0\nboottime            0         0\n"
#define REFUSAL(n) "running in a time namespace (monotonic offset " n "): the datapath's " \
	"clock and this process's differ; run sfw in the host's time namespace"

Test(clock_check, the_hosts_namespace_has_no_offset)
{
	long long sec = -1;
	long nsec = -1;

	cr_assert_eq(parse(HOST, &sec, &nsec), 0, "%s", sfw_last_error());
	cr_expect_eq(sec, 0);
	cr_expect_eq(nsec, 0);
	cr_expect_eq(check_text(HOST), 0, "%s", sfw_last_error());
}

Test(clock_check, a_positive_offset_is_refused)
{
	long long sec;
	long nsec;

	cr_assert_eq(parse(AHEAD, &sec, &nsec), 0, "%s", sfw_last_error());
	cr_expect_eq(sec, 100000);
	cr_expect_eq(nsec, 0);
	cr_expect_eq(check_text(AHEAD), -EPERM);
	cr_expect_str_eq(sfw_last_error(), REFUSAL("100000 s"));
}

Test(clock_check, a_negative_offset_is_refused)
{
	long long sec;
	long nsec;

	cr_assert_eq(parse(BEHIND, &sec, &nsec), 0, "%s", sfw_last_error());
	cr_expect_eq(sec, -100);
	cr_expect_eq(check_text(BEHIND), -EPERM);
	cr_expect_str_eq(sfw_last_error(), REFUSAL("-100 s"));
}

/* Less than a second is still another clock: a session's second may be
 * judged one early. */
Test(clock_check, nanoseconds_alone_are_refused)
{
	cr_expect_eq(check_text("monotonic 0 500000000\nboottime 0 0\n"), -EPERM);
	cr_expect_str_eq(sfw_last_error(), REFUSAL("0 s 500000000 ns"));
}

/* Only the monotonic clock is the datapath's: a boottime offset alone is
 * no refusal. */
Test(clock_check, boottime_alone_is_no_offset)
{
	cr_expect_eq(check_text("monotonic 0 0\nboottime 86400 0\n"), 0, "%s", sfw_last_error());
}

/* Linux 5.6 named the clocks by number: 1 is CLOCK_MONOTONIC, 7
 * CLOCK_BOOTTIME. */
Test(clock_check, the_clocks_number_is_read_too)
{
	cr_expect_eq(check_text("1 100000 0\n7 0 0\n"), -EPERM);
	cr_expect_str_eq(sfw_last_error(), REFUSAL("100000 s"));
	cr_expect_eq(check_text("1 0 0\n7 3600 0\n"), 0, "%s", sfw_last_error());
}

/* A kernel without time namespaces has no such file: no offset. */
Test(clock_check, a_missing_file_is_no_offset)
{
	cr_expect_eq(sfw_clock_check_at("/proc/self/sfw-no-such-file"), 0, "%s",
		     sfw_last_error());
}

/* A line of another shape is no answer: sfw refuses rather than guess,
 * naming the file and the line. */
Test(clock_check, a_garbage_line_is_refused)
{
	static const char *const bad[] = {
		"monotonic 100000\n",                 /* a word short */
		"monotonic 0 0 0\n",                  /* a word more */
		"monotonic ten 0\n",
		"monotonic 0x10 0\n",
		"monotonic 99999999999999999999 0\n", /* out of range */
		"monotonic 0 1000000000\n",           /* not a nanosecond part */
		"monotonic 0 -1\n",
	};
	const char *path;
	char want[256];
	long long sec;
	long nsec;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(parse(bad[i], &sec, &nsec), -EINVAL, "%s", bad[i]);
	path = file_of("monotonic 0 0\ngarbage\n");
	cr_expect_eq(sfw_clock_check_at(path), -EINVAL);
	snprintf(want, sizeof(want),
		 "cannot read %s: line 2 is not `clock seconds nanoseconds`: garbage", path);
	cr_expect_str_eq(sfw_last_error(), want);
	unlink(path);
}

/* What the running kernel shows this test: it runs in the host's time
 * namespace, or on a kernel without any. */
Test(clock_check, this_process_passes)
{
	cr_expect_eq(sfw_clock_check(), 0, "%s", sfw_last_error());
}
