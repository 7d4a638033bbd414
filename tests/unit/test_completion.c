/* The generated bash completion: valid bash, and it completes what the
 * parser accepts (abbreviations included). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"

static char script[] = "/tmp/sfw-completion-XXXXXX";

static void setup(void)
{
	struct sfw_cmdline cl = { .root = &sfw_root };
	int fd = mkstemp(script);

	cr_assert_geq(fd, 0);
	cl.out = fdopen(fd, "w");
	cl.err = stderr;
	cr_assert_eq(sfw_cmd_completion(&cl), 0);
	fclose(cl.out);
}

static void teardown(void)
{
	unlink(script);
}

/* COMPREPLY for the words (the last one being completed), space-joined. */
static char *complete(const char *words)
{
	static char out[4096];
	char cmd[8192];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd),
		 "bash -c 'source %s; COMP_WORDS=(%s); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); "
		 "_sfw; echo \"${COMPREPLY[*]}\"'", script, words);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	cr_assert_eq(pclose(p), 0);
	return out;
}

TestSuite(completion, .init = setup, .fini = teardown);

Test(completion, script_is_valid_bash)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "bash -n %s", script);
	cr_assert_eq(system(cmd), 0);
}

Test(completion, top_level_and_prefix)
{
	cr_assert_str_eq(complete("sfw \"\""),
			 "attach clear commit completion daemon detach help monitor reload request restore "
			 "rollback "
			 "set show status\n");
	cr_assert_str_eq(complete("sfw s"), "set show status\n");
}

Test(completion, follows_abbreviations)
{
	cr_assert_str_eq(complete("sfw sh sec fl sess p"), "policy policy-id protocol\n");
	cr_assert_str_eq(complete("sfw sh sec fl sess prot t"), "tcp\n");
}

Test(completion, leaves_out_given_options)
{
	const char *got = complete("sfw --json sh sec fl sess prot tcp extensive \"\"");

	cr_assert_null(strstr(got, "protocol"));
	cr_assert_null(strstr(got, "summary"));
	cr_assert_not_null(strstr(got, "source-port"));
}

Test(completion, values_and_dead_ends)
{
	cr_assert_str_eq(complete("sfw set sec pol default-policy \"\""),
			 "permit-all deny-all\n");
	cr_assert_str_eq(complete("sfw sh sec fl sess source-port \"\""), "\n");
	cr_assert_str_eq(complete("sfw status \"\""), "\n");
	cr_assert_str_eq(complete("sfw bogus \"\""), "\n");
}
