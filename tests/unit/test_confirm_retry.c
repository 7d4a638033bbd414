/* The commit confirmed timer (cli/config/confirm.c) tries a rollback that
 * failed again, until it succeeds or a commit confirms: given up after one
 * try, the configuration nobody confirmed stayed in force for good. A
 * minute lasts 1 s here (SFW_TEST_MINUTE_SECONDS), a retry 1 s. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "confirm.h"

static char dir[64];
static char calls[128], pending[128];

static void setup(void)
{
	FILE *f;

	strcpy(dir, "/tmp/sfw-confirm-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	setenv("SFW_CONF_DIR", dir, 1);
	setenv(SFW_CONFIRM_MINUTE_ENV, "1", 1);
	snprintf(calls, sizeof(calls), "%s/calls", dir);
	snprintf(pending, sizeof(pending), "%s/.confirm", dir);
	f = fopen(pending, "w");
	cr_assert_not_null(f);
	fputs("tok 1\n", f);
	fclose(f);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(confirm_retry, .init = setup, .fini = teardown);

static int count_calls(void)
{
	FILE *f = fopen(calls, "r");
	int n = 0, c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static int note_call(void)
{
	FILE *f = fopen(calls, "a");

	if (f) {
		fputs("call\n", f);
		fclose(f);
	}
	return count_calls();
}

/* Fails the first time, then rolls back (the token goes, as a commit's). */
static int fail_once(const char *token, FILE *out, FILE *err)
{
	if (note_call() == 1)
		return 1;
	unlink(pending);
	return 0;
}

static int always_fail(const char *token, FILE *out, FILE *err)
{
	note_call();
	return 1;
}

static int wait_calls(int want, int seconds)
{
	for (int i = 0; i < seconds * 10 && count_calls() < want; i++)
		usleep(100000);
	return count_calls();
}

Test(confirm_retry, a_failed_rollback_is_tried_again)
{
	cr_assert_eq(sfw_confirm_spawn("tok", 1, fail_once, stderr), 0);
	cr_assert_eq(wait_calls(2, 8), 2, "the failed rollback was not tried again");
	sleep(2);
	cr_assert_eq(count_calls(), 2, "tried again after it succeeded");
}

/* A commit meanwhile confirms: no more tries. */
Test(confirm_retry, a_confirm_meanwhile_stops_the_tries)
{
	cr_assert_eq(sfw_confirm_spawn("tok", 1, always_fail, stderr), 0);
	cr_assert_eq(wait_calls(1, 6), 1);
	unlink(pending);
	sleep(3);
	cr_assert_eq(count_calls(), 1, "tried again after the commit was confirmed");
}
