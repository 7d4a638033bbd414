/* Applying a configuration to the pinned maps: a call of its own, made by
 * the command (attach, reload, commit, rollback), never by a load. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "apply.h"
#include "loader.h"
#include "maps.h"
#include "policy_write.h"

/* the fds, up to the last (map_fd, a pointer, may come after padding) */
#define N_FDS (offsetof(struct sfw_policy_fds, nat_proxy_names) / sizeof(int) + 1)

static void close_fds(struct sfw_policy_fds *f)
{
	int *fd = (int *)f;

	for (size_t i = 0; i < N_FDS; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

static int open_fds(struct sfw_policy_fds *f)
{
	static const char *const names[] = {
		SFW_STR(SFW_MAP_CONFIG), SFW_STR(SFW_MAP_POL_ADDR), SFW_STR(SFW_MAP_POL_APP),
		SFW_STR(SFW_MAP_RULES), SFW_STR(SFW_MAP_APP_CLASS), SFW_STR(SFW_MAP_ZONES),
		SFW_STR(SFW_MAP_NAMES), SFW_STR(SFW_MAP_SCREENS), SFW_STR(SFW_MAP_NAT_LISTS),
		SFW_STR(SFW_MAP_NAT_ENTRIES), SFW_STR(SFW_MAP_NAT_POOLS), SFW_STR(SFW_MAP_NAT_PROXIES),
		SFW_STR(SFW_MAP_ZONE_IFNAMES), SFW_STR(SFW_MAP_NAT_PROXY_NAMES),
	};
	int *fd = (int *)f;

	_Static_assert(N_FDS == sizeof(names) / sizeof(names[0]),
		       "one pinned map per fd of struct sfw_policy_fds, in order");
	_Static_assert(offsetof(struct sfw_policy_fds, map_fd) - N_FDS * sizeof(int) <
		       sizeof(void *), "nat_proxy_names is the last fd");
	memset(f, 0, sizeof(*f));
	memset(f, 0xff, N_FDS * sizeof(int));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		/* an older sfw's datapath has no names (until `sfw reload`):
		 * its zones and proxies are resolved at commit alone, as it did */
		bool optional = &fd[i] == &f->zone_ifnames || &fd[i] == &f->nat_proxy_names;

		fd[i] = sfw_open_pin(names[i], optional);
		if (fd[i] == -ENOENT && optional)
			continue;
		if (fd[i] < 0) {
			int err = fd[i];

			close_fds(f);
			return err;
		}
	}
	return 0;
}

int sfw_policy_compile(const struct sfw_conf *conf, const struct sfw_policy_fds *fds)
{
	struct sfw_compiled c;
	int err = sfw_conf_compile(conf, &c);

	if (err)
		return err;
	err = sfw_policy_write(&c, fds);
	sfw_compiled_free(&c);
	return err;
}

int sfw_conf_apply(const struct sfw_conf *conf, void *ctx)
{
	struct sfw_policy_fds fds;
	/* before any map is opened: what is in force stays (docs/nat.md) */
	int err = sfw_conf_nat_refuse(conf);

	if (!err)
		err = sfw_check_netns();

	if (!err)
		err = open_fds(&fds);
	if (err)
		return err;
	err = sfw_policy_compile(conf, &fds);
	close_fds(&fds);
	return err;
}

int sfw_zones_follow(struct sfw_followed *out)
{
	struct sfw_policy_fds fds;
	int err = sfw_check_netns();

	if (!err)
		err = open_fds(&fds);
	if (err)
		return sfw_follow_failed(out, err);
	err = sfw_names_follow(&fds, out);
	close_fds(&fds);
	return err;
}

int sfw_conf_fail_closed(void)
{
	struct sfw_config cfg;
	int err = sfw_config_read(&cfg);

	if (err)
		return err;
	cfg.default_policy = SFW_POLICY_DENY_ALL;
	cfg.flags |= SFW_CFG_F_FAIL_CLOSED;
	return sfw_config_write(&cfg);
}

bool sfw_conf_failed(void)
{
	struct sfw_config cfg;

	return !sfw_config_read(&cfg) && (cfg.flags & SFW_CFG_F_FAIL_CLOSED);
}

bool sfw_conf_differs(void)
{
	struct sfw_config cfg;

	return !sfw_config_read(&cfg) && sfw_conf_sync(&cfg) != SFW_CONF_IN_SYNC;
}

/* Parse and apply the stored file; the error (one line) in sfw_last_error(). */
static int apply_stored(const char *path)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;
	int err = sfw_conf_init(&conf);

	if (err)
		return err;
	err = sfw_conf_parse_file(&conf, path, &errs);
	if (err && errs.n)
		sfw_fail(-err, "%s", errs.msg[0]);
	if (!err)
		err = sfw_conf_apply(&conf, NULL);
	sfw_conf_errors_free(&errs);
	sfw_conf_free(&conf);
	return err;
}

/* With no file at all, the built-in configuration (permit-all) is applied:
 * that alone is how a fail-closed state ends when the file was removed. */
int sfw_conf_apply_active(void)
{
	struct sfw_conf none;
	char path[PATH_MAX], *why;
	int err;

	/* another namespace's instance is not ours to fail closed */
	err = sfw_check_netns();
	if (err)
		return err;
	err = sfw_conf_active_path(path, sizeof(path));
	if (err)
		return err;
	if (!sfw_conf_stored()) {
		if (!sfw_conf_failed())
			return 0;
		err = sfw_conf_init_builtin(&none);
		if (!err)
			err = sfw_conf_apply(&none, NULL);
		sfw_conf_free(&none);
		return err;
	}
	err = apply_stored(path);
	if (!err)
		return 0;
	why = strdup(sfw_last_error());
	if (sfw_conf_fail_closed())
		err = sfw_fail(-err, "the configuration %s cannot be applied (%s), and sfw cannot "
			       "refuse new sessions either (%s)", path, why ? why : "?",
			       sfw_last_error());
	else
		err = sfw_fail(-err, "the configuration %s cannot be applied, every new session "
			       "is refused until a commit succeeds: %s", path, why ? why : "?");
	free(why);
	return err;
}
