/* Committing a configuration (Junos set lines) into the fixture's maps
 * through the loader's policy compiler, for tests of zones, policies and
 * screens. */
#ifndef SFW_TESTS_BPF_COMMIT_H
#define SFW_TESTS_BPF_COMMIT_H

#include "suite.h"
#include "conf.h"
#include "loader.h"
#include "policy_compile.h"
#include "maps.h"

static SUITE_UNUSED struct sfw_policy_fds fds(void)
{
	return (struct sfw_policy_fds){
		.config = fx_map_fd(false, SFW_STR(SFW_MAP_CONFIG)),
		.addr = fx_map_fd(false, SFW_STR(SFW_MAP_POL_ADDR)),
		.app = fx_map_fd(false, SFW_STR(SFW_MAP_POL_APP)),
		.rules = fx_map_fd(false, SFW_STR(SFW_MAP_RULES)),
		.app_class = fx_map_fd(false, SFW_STR(SFW_MAP_APP_CLASS)),
		.zones = fx_map_fd(false, SFW_STR(SFW_MAP_ZONES)),
		.names = fx_map_fd(false, SFW_STR(SFW_MAP_NAMES)),
		.screens = fx_map_fd(false, SFW_STR(SFW_MAP_SCREENS)),
	};
}

static SUITE_UNUSED void commit(const char *text)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_policy_fds f = fds();
	struct sfw_conf conf;
	int err;

	cr_assert_eq(sfw_conf_init(&conf), 0);
	err = sfw_conf_parse_buffer(&conf, "t.conf", text, strlen(text), &errs);
	cr_assert_eq(err, 0, "parse: %s", errs.n ? errs.msg[0] : "?");
	err = sfw_policy_compile(&conf, &f);
	cr_assert_eq(err, 0, "compile: %s", sfw_last_error());
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
}

#endif
