/* Committing a configuration (Junos set lines) into the fixture's maps
 * through the loader's policy compiler, for tests of zones, policies and
 * screens. */
#ifndef SFW_TESTS_BPF_COMMIT_H
#define SFW_TESTS_BPF_COMMIT_H

#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "suite.h"
#include "conf.h"
#include "loader.h"
#include "apply.h"
#include "maps.h"

/* The fixture's own map, for the loader to close (a commit moving an
 * interface to another zone ends sessions: loader/zone_moves.h). */
static SUITE_UNUSED int fixture_map_fd(const char *name, void *arg)
{
	int fd = fx_map_fd(false, name);

	return fd < 0 ? fd : dup(fd);
}

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
		.nat_lists = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_LISTS)),
		.nat_entries = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_ENTRIES)),
		.nat_pools = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_POOLS)),
		.nat_proxies = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_PROXIES)),
		.zone_ifnames = fx_map_fd(false, SFW_STR(SFW_MAP_ZONE_IFNAMES)),
		.nat_proxy_names = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_PROXY_NAMES)),
		.map_fd = fixture_map_fd,
	};
}

/* Commits text into the maps f names; the compile's error. */
static SUITE_UNUSED int commit_into(const char *text, const struct sfw_policy_fds *f)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err;

	cr_assert_eq(sfw_conf_init(&conf), 0);
	err = sfw_conf_parse_buffer(&conf, "t.conf", text, strlen(text), &errs);
	cr_assert_eq(err, 0, "parse: %s", errs.n ? errs.msg[0] : "?");
	err = sfw_policy_compile(&conf, f);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	return err;
}

static SUITE_UNUSED void commit(const char *text)
{
	struct sfw_policy_fds f = fds();

	cr_assert_eq(commit_into(text, &f), 0, "compile: %s", sfw_last_error());
}

/* The index text gives its policy `name` (the first of that name): what
 * sessions, hit counts and logs name it by (conf/policy_ids.c). */
static SUITE_UNUSED __u32 policy_index(const char *text, const char *name)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	__u32 index = 0;

	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_parse_buffer(&conf, "t.conf", text, strlen(text), &errs), 0);
	for (int k = conf.n_policies - 1; k >= 0; k--)
		if (!strcmp(conf.policies[k].name, name))
			index = conf.policies[k].index;
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	cr_assert_neq(index, 0, "no policy %s", name);
	return index;
}

/* Runs a frame through XDP and captures what it leaves (XDP_TX answers). */
static SUITE_UNUSED int xdp_out(const struct pb_spec *s, __u8 *out, __u32 *out_len)
{
	struct pb_pkt p;
	struct xdp_md ctx = { .ingress_ifindex = FX_IFINDEX };
	int err;

	cr_assert_eq(pb_build(s, &p), 0);
	ctx.data_end = p.len;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p.data, .data_size_in = p.len,
		    .data_out = out, .data_size_out = PB_MAX, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx));
	err = bpf_prog_test_run_opts(fx_xdp_prog_fd(), &o);
	cr_assert_eq(err, 0, "test run: %s", strerror(errno));
	*out_len = o.data_size_out;
	return (int)o.retval;
}

#endif
