/* Shared by the BPF test files: the Criterion fixture hooks and the specs
 * most tests start from. Each test runs in its own process with its own
 * freshly loaded programs and maps (see bpf_fixture.h). */
#ifndef SFW_TESTS_BPF_SUITE_H
#define SFW_TESTS_BPF_SUITE_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include "bpf_fixture.h"
#include "net_consts.h"
#include "protocols.h"
#include "reap.h"

#define SUITE_UNUSED __attribute__((unused))

/* A command the test's setup needs, which must succeed */
static SUITE_UNUSED void sh(const char *cmd)
{
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static SUITE_UNUSED void suite_setup(void)
{
	int err = fx_setup();

	cr_assert_eq(err, 0, "loading the BPF fixture failed: %s (root needed)", strerror(-err));
}

static SUITE_UNUSED void suite_teardown(void)
{
	fx_teardown();
}

/* Waits, when it must, until the coarse clock is in the first half of a
 * second: the syn-flood screen counts SYNs per second of that clock
 * (bpf/screen.bpf.h sfw_syn_count), and a test whose SYNs straddled a
 * second's turn counted them apart (one in a hundred runs or so). */
static SUITE_UNUSED void suite_early_in_second(void)
{
	while (sfw_coarse_now_ns() % 1000000000ULL > 500000000ULL)
		usleep(10000);
}

/* Documentation addresses: a client and a server per family. */
#define CLI4 "192.0.2.10"
#define SRV4 "198.51.100.20"
#define OTH4 "203.0.113.30"
#define CLI6 "2001:db8::10"
#define SRV6 "2001:db8:1::20"

/* Look up a spec's session and fail the test when there is none. */
#define GET_SESSION(spec, out) \
	cr_assert_eq(fx_session(spec, out), 0, "no session for the flow")

#define ASSERT_NO_SESSION(spec) do { \
	struct sfw_session ns_; \
	cr_assert_eq(fx_session(spec, &ns_), -ENOENT, "unexpected session"); \
} while (0)

#endif
