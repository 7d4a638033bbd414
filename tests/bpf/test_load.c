/* The loader on its own (loader/progs.c, loader/config.c): a load says
 * whether it created the maps, and a fresh config map fails closed only
 * when the caller asks (it knows whether a configuration is stored: the
 * loader never reads one). A load over existing pins leaves the config map
 * as it is, whatever it is asked. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <bpf/libbpf.h>
#include "loader.h"

static char root[] = "/sys/fs/bpf/sfw-load-XXXXXX";

static void load_setup(void)
{
	sfw_log_init();   /* libbpf quiet: a passing run prints nothing */
	cr_assert_not_null(mkdtemp(root), "mkdtemp under bpffs: %s", strerror(errno));
	setenv("SFW_PIN_ROOT", root, 1);
}

static void load_teardown(void)
{
	sfw_remove_pins();
	rmdir(root);
	unsetenv("SFW_PIN_ROOT");
}

static void load(bool fail_closed, bool *fresh, struct sfw_config *cfg)
{
	struct sfw_attach_opts o = { .max_sessions = 4096, .fail_closed = fail_closed };
	struct sfw_progs *p = NULL;

	cr_assert_eq(sfw_progs_load(&p, &o, fresh), 0, "%s", sfw_last_error());
	sfw_progs_close(p);
	cr_assert_eq(sfw_config_read(cfg), 0, "%s", sfw_last_error());
}

TestSuite(load, .init = load_setup, .fini = load_teardown);

Test(load, fresh_maps_fail_closed_when_asked)
{
	struct sfw_config cfg;
	bool fresh = false;

	load(true, &fresh, &cfg);
	cr_assert(fresh, "the first load creates the maps");
	cr_assert(cfg.flags & SFW_CFG_F_FAIL_CLOSED);
	cr_assert_eq(cfg.default_policy, SFW_POLICY_DENY_ALL);
	cr_assert_eq(cfg.max_sessions, sfw_session_limit(4096, (__u32)libbpf_num_possible_cpus()));

	load(false, &fresh, &cfg);
	cr_assert_not(fresh, "a second load reuses the pinned maps");
	cr_assert(cfg.flags & SFW_CFG_F_FAIL_CLOSED, "a reload leaves the config map as it was");
}

Test(load, fresh_maps_get_the_defaults_otherwise)
{
	struct sfw_config cfg, want;
	bool fresh = false;

	load(false, &fresh, &cfg);
	cr_assert(fresh);
	sfw_config_defaults(&want);
	cr_assert_not(cfg.flags & SFW_CFG_F_FAIL_CLOSED);
	cr_assert_eq(cfg.default_policy, want.default_policy);
	cr_assert_arr_eq(cfg.timeout_s, want.timeout_s, sizeof(want.timeout_s));
}
