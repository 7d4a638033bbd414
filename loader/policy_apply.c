/* Applying a configuration to the pinned maps, and reading back what the
 * CLI shows of policies: hit counts and names. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "policy_compile.h"
#include "loader.h"
#include "maps.h"

static void close_fds(struct sfw_policy_fds *f)
{
	int *fd = (int *)f;

	for (size_t i = 0; i < sizeof(*f) / sizeof(int); i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

static int open_fds(struct sfw_policy_fds *f)
{
	static const char *const names[] = {
		SFW_STR(SFW_MAP_CONFIG), SFW_STR(SFW_MAP_POL_ADDR), SFW_STR(SFW_MAP_POL_APP),
		SFW_STR(SFW_MAP_RULES), SFW_STR(SFW_MAP_APP_CLASS), SFW_STR(SFW_MAP_ZONES),
		SFW_STR(SFW_MAP_NAMES), SFW_STR(SFW_MAP_SCREENS),
	};
	int *fd = (int *)f;

	_Static_assert(sizeof(*f) == sizeof(names) / sizeof(names[0]) * sizeof(int),
		       "one pinned map per field of struct sfw_policy_fds, in order");
	memset(f, 0xff, sizeof(*f));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		fd[i] = sfw_open_map(names[i]);
		if (fd[i] < 0) {
			int err = fd[i];

			close_fds(f);
			return err;
		}
	}
	return 0;
}

int sfw_conf_apply(const struct sfw_conf *conf, void *ctx)
{
	struct sfw_policy_fds fds;
	int err = sfw_check_netns();

	if (!err)
		err = open_fds(&fds);
	if (err)
		return err;
	err = sfw_policy_compile(conf, &fds);
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
		err = sfw_conf_init(&none);
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

int sfw_policy_hits(__u32 policy_index, __u64 *hits)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	__u64 *v;

	if (ncpu < 0)
		return sfw_fail(-ncpu, "cannot count CPUs");
	fd = sfw_open_map(SFW_STR(SFW_MAP_POL_HITS));
	if (fd < 0)
		return fd;
	v = calloc(ncpu, sizeof(*v));
	*hits = 0;
	if (!v)
		err = sfw_fail(ENOMEM, "out of memory");
	else if (bpf_map_lookup_elem(fd, &policy_index, v))
		err = sfw_fail(errno, "no hit count for policy index %u", policy_index);
	for (int i = 0; !err && i < ncpu; i++)
		*hits += v[i];
	free(v);
	close(fd);
	return err;
}

int sfw_policy_hits_clear(void)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	__u64 *zero;

	fd = sfw_open_map(SFW_STR(SFW_MAP_POL_HITS));
	if (fd < 0)
		return fd;
	zero = calloc(ncpu > 0 ? ncpu : 1, sizeof(*zero));
	for (__u32 i = 0; zero && i < SFW_MAX_POLICY_INDEX && !err; i++)
		if (bpf_map_update_elem(fd, &i, zero, BPF_ANY))
			err = sfw_fail(errno, "cannot clear hit counts: %s", strerror(errno));
	free(zero);
	close(fd);
	return zero ? err : sfw_fail(ENOMEM, "out of memory");
}

/* Listings ask for the same few names over and over: a small direct-mapped
 * cache (and one open map) keeps that to one syscall per distinct id. */
#define NAME_CACHE 256

struct name_slot {
	bool valid, found;
	struct sfw_name_key key;
	struct sfw_name name;
};

bool sfw_name_lookup(enum sfw_name_kind kind, __u32 id, char *buf, size_t len)
{
	static struct name_slot cache[NAME_CACHE];
	static int fd = -1;
	struct sfw_name_key k = { .kind = kind, .id = id };
	struct name_slot *slot = &cache[(id * 31 + kind) % NAME_CACHE];

	if (kind == SFW_NAME_POLICY) {
#define SFW_X(pid, name) if (id == pid) { snprintf(buf, len, "%s", name); return true; }
		SFW_BUILTIN_POLICY_LIST(SFW_X)
#undef SFW_X
	}
	if (kind == SFW_NAME_ZONE && id == SFW_ZONE_HOST) {
		snprintf(buf, len, "junos-host");
		return true;
	}
	if (!slot->valid || memcmp(&slot->key, &k, sizeof(k))) {
		if (fd < 0)
			fd = sfw_open_map(SFW_STR(SFW_MAP_NAMES));
		if (fd < 0)
			return false;
		slot->key = k;
		slot->found = !bpf_map_lookup_elem(fd, &k, &slot->name);
		slot->valid = true;
	}
	if (slot->found)
		snprintf(buf, len, "%.*s", (int)sizeof(slot->name.name), slot->name.name);
	return slot->found;
}
