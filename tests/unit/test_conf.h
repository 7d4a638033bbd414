/* Helpers shared by the configuration tests: parse a text, expect it
 * valid, or expect exactly a list of error messages. */
#ifndef SFW_TEST_CONF_H
#define SFW_TEST_CONF_H

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "conf.h"
#include "err.h"

/* Makes the next commit's history move fail: rollback 1..49 all there
 * (empty files where there was none), so rollback 49 must go first, to
 * rollback/.oldest, a directory that is not empty. The rename onto the
 * active file has happened by then: the commit must put the previous file
 * back. */
static inline void conf_test_block_history(const char *dir)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/rollback", dir);
	cr_assert(!mkdir(path, 0700) || errno == EEXIST);
	for (int n = 1; n <= SFW_CONF_ROLLBACK_MAX; n++) {
		snprintf(path, sizeof(path), "%s/rollback/sfw.conf.%d", dir, n);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
		cr_assert(fd >= 0 || errno == EEXIST, "%s", path);
		if (fd >= 0)
			close(fd);
	}
	snprintf(path, sizeof(path), "%s/rollback/.oldest", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/rollback/.oldest/x", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
}

/* Parse text (called "t.conf" in messages) into a fresh conf. */
static inline int conf_test_parse(struct sfw_conf *conf, struct sfw_conf_errors *errs,
				  const char *text)
{
	memset(errs, 0, sizeof(*errs));
	cr_assert_eq(sfw_conf_init(conf), 0);
	return sfw_conf_parse_buffer(conf, "t.conf", text, strlen(text), errs);
}

static inline void conf_test_parse_ok(struct sfw_conf *conf, const char *text)
{
	struct sfw_conf_errors errs;
	int err = conf_test_parse(conf, &errs, text);

	cr_assert_eq(err, 0, "parse failed (%d), first error: %s", err,
		     errs.n ? errs.msg[0] : "(none)");
	sfw_conf_errors_free(&errs);
}

/* expected: NULL-terminated, in order. */
static inline void conf_test_errors(const char *text, const char *const *expected)
{
	struct sfw_conf conf;
	struct sfw_conf_errors errs;
	int err = conf_test_parse(&conf, &errs, text);
	int n = 0;

	while (expected[n])
		n++;
	cr_assert_eq(err, -EINVAL, "expected -EINVAL, got %d", err);
	for (int k = 0; k < n && k < errs.n; k++)
		cr_assert_str_eq(errs.msg[k], expected[k], "error %d:\n got: %s\nwant: %s",
				 k, errs.msg[k], expected[k]);
	cr_assert_eq(errs.n, n, "expected %d errors, got %d (last: %s)", n, errs.n,
		     errs.n ? errs.msg[errs.n - 1] : "");
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
}

#define CONF_ERRORS(text, ...) conf_test_errors(text, (const char *const[]){ __VA_ARGS__, NULL })

/* Zones and objects most tests build on. */
#define CONF_BASE                                                             \
	"set security zones security-zone trust interfaces veth0\n"          \
	"set security zones security-zone untrust interfaces veth1\n"

#endif
