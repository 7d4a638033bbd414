/* The loader on its own (loader/progs.c, loader/config.c): a load says
 * whether it created the maps, and a fresh config map fails closed only
 * when the caller asks (it knows whether a configuration is stored: the
 * loader never reads one). A load over existing pins leaves the config map
 * as it is, whatever it is asked. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "maps.h"
#include "pin_layout.h"
#include "policy.h"

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

/* Pins, as an older sfw would have, a map of its own making under pin in
 * the root (its path into path, 256 bytes), kernel name kname. */
static void pin_old(char *path, const char *pin, const char *kname, enum bpf_map_type type,
		    __u32 key, __u32 value, __u32 max)
{
	int fd = bpf_map_create(type, kname, key, value, max, NULL);

	snprintf(path, 256, "%s/%s", root, pin);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	cr_assert_eq(bpf_obj_pin(fd, path), 0, "%s", strerror(errno));
	close(fd);
}

/* The map pinned at path as the kernel holds it. */
static struct bpf_map_info info_at(const char *path)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	close(fd);
	return info;
}

/* A pinned map of another layout (a configuration map from before struct
 * sfw_config grew the host's port range) is not reused: libbpf refuses it
 * with EINVAL alone, so the loader names the map and the sizes in one
 * line, and leaves the map as it was. */
Test(load, pinned_config_of_another_layout_refused_in_one_line)
{
	struct sfw_attach_opts o = { .max_sessions = 4096 };
	struct sfw_progs *p = NULL;
	char path[256];

	pin_old(path, SFW_STR(SFW_MAP_CONFIG), "old_config", BPF_MAP_TYPE_ARRAY, sizeof(__u32),
		sizeof(struct sfw_config) - 4, 1);
	cr_assert_neq(sfw_progs_load(&p, &o, NULL), 0, "a configuration of another size reused");
	sfw_progs_close(p);
	cr_assert_not_null(strstr(sfw_last_error(), "another layout"), "%s", sfw_last_error());
	cr_assert_not_null(strstr(sfw_last_error(), SFW_STR(SFW_MAP_CONFIG)), "%s",
			   sfw_last_error());
	cr_assert_null(strchr(sfw_last_error(), '\n'), "one line");
	cr_assert_eq(info_at(path).value_size, sizeof(struct sfw_config) - 4, "left as it was");
	/* not sfw's by its kernel name: sfw_remove_pins leaves it, and with
	 * it the root, so the line must not send the operator to detach all */
	cr_expect_not_null(strstr(sfw_last_error(), "by hand"), "%s", sfw_last_error());
	unlink(path);
}

/* The load refused as libbpf refuses a pin (EINVAL alone), for pin at
 * path of sfw's own making: the line names the map and what differs
 * (want_has: the pin's layout as the line gives it), and the pin stays. */
static void expect_refused_for(const char *path, const char *want_has)
{
	struct sfw_attach_opts o = { .max_sessions = 4096 };
	struct sfw_progs *p = NULL;

	cr_assert_neq(sfw_progs_load(&p, &o, NULL), 0, "%s reused", path);
	sfw_progs_close(p);
	cr_expect_not_null(strstr(sfw_last_error(), path), "%s", sfw_last_error());
	cr_expect_not_null(strstr(sfw_last_error(), want_has), "%s", sfw_last_error());
	cr_expect_not_null(strstr(sfw_last_error(), "detach all"), "%s", sfw_last_error());
	cr_expect_null(strchr(sfw_last_error(), '\n'), "one line");
	cr_expect_eq(access(path, F_OK), 0, "the pin left as it was");
}

/* Sizes alike, another map type (an array that became a hash, or one
 * planted): libbpf compares the type too, and the line said only
 * "cannot load the XDP program: Invalid argument" (review 2, F9). */
Test(load, pinned_map_of_another_type_named_in_one_line)
{
	char path[256];

	pin_old(path, SFW_STR(SFW_MAP_FIB_GEN), SFW_STR(SFW_MAP_FIB_GEN), BPF_MAP_TYPE_HASH,
		sizeof(__u32), sizeof(__u64), 1);
	expect_refused_for(path, "(hash, key 4, value 8 bytes, entries 1, flags 0x0) than this "
			   "sfw expects (array, key 4, value 8, entries 1, flags 0x0)");
}

/* The same for the entries and the flags, which libbpf compares too. */
Test(load, pinned_map_of_other_entries_named_in_one_line)
{
	char path[256];

	pin_old(path, SFW_STR(SFW_MAP_FIB_GEN), SFW_STR(SFW_MAP_FIB_GEN), BPF_MAP_TYPE_ARRAY,
		sizeof(__u32), sizeof(__u64), 2);
	expect_refused_for(path, "(array, key 4, value 8 bytes, entries 2, flags 0x0)");
}

/* A zones map an older sfw pinned (2 x SFW_MAX_IFACES, preallocated) is
 * loaded as it is (an upgrade's `sfw reload`): libbpf refused a pin whose
 * size or flags differ from the definition (include/maps.h
 * SFW_MAX_ZONE_BINDINGS). */
Test(load, an_older_sfws_zones_map_is_loaded_as_pinned)
{
	struct sfw_attach_opts o = { .max_sessions = 4096 };
	struct sfw_progs *p = NULL;
	char path[256];

	pin_old(path, SFW_STR(SFW_MAP_ZONES), SFW_STR(SFW_MAP_ZONES), BPF_MAP_TYPE_HASH,
		sizeof(struct sfw_zone_key), sizeof(__u32), 2 * SFW_MAX_IFACES);
	cr_assert_eq(sfw_progs_load(&p, &o, NULL), 0, "%s", sfw_last_error());
	sfw_progs_close(p);
	cr_expect_eq(info_at(path).max_entries, 2 * SFW_MAX_IFACES, "the pin kept");
}

/* A first load makes it as large as the names allow, not preallocated. */
Test(load, the_zones_map_holds_every_name_both_generations)
{
	struct sfw_config cfg;
	struct bpf_map_info info;
	char path[256];

	load(false, NULL, &cfg);
	snprintf(path, sizeof(path), "%s/%s", root, SFW_STR(SFW_MAP_ZONES));
	info = info_at(path);
	cr_expect_eq(info.max_entries, 2 * SFW_MAX_ZONE_IFACES_NAMED);
	cr_expect(info.map_flags & BPF_F_NO_PREALLOC);
}

/* include/pin_layout.h cannot drift from the programs: a load pins every
 * map it lists, each of the layout it gives (sfw_open_pin opens it), and
 * no map it does not list. */
Test(load, pins_are_the_layout_table)
{
	struct sfw_config cfg;
	struct dirent *d;
	bool fresh;
	int fd, n = 0, rows = 0;
	DIR *dp;

	load(false, &fresh, &cfg);
	dp = opendir(root);
	cr_assert_not_null(dp);
	while ((d = readdir(dp))) {
		const struct sfw_pin_layout *w = sfw_pin_layout_of(d->d_name);

		if (d->d_type != DT_REG)
			continue;
		cr_assert_not_null(w, "%s is pinned but not in include/pin_layout.h", d->d_name);
		fd = sfw_open_pin(d->d_name, false);
		cr_assert_geq(fd, 0, "%s", sfw_last_error());
		close(fd);
		n++;
	}
	closedir(dp);
#define SFW_X(name, type, key, value) rows++;
	SFW_PIN_LAYOUT_LIST(SFW_X)
#undef SFW_X
	cr_assert_eq(n, rows, "%d maps pinned, %d in include/pin_layout.h", n, rows);
}

/* ---- reviewer rvhp (red-team of bbd3706, F9): the pins the loader
 * opens before libbpf does (the devmap, by hand) and the new map. ---- */
Test(load, rvhp_pinned_tx_ports_of_another_type_named_in_one_line)
{
	char path[256];

	pin_old(path, SFW_STR(SFW_MAP_TX_PORTS), SFW_STR(SFW_MAP_TX_PORTS), BPF_MAP_TYPE_HASH,
		sizeof(__u32), sizeof(__u32), 8);
	expect_refused_for(path, "(hash, key 4, value 4 bytes)");
	unlink(path);
}

Test(load, rvhp_pinned_host_ports_of_another_type_named_in_one_line)
{
	char path[256];

	pin_old(path, SFW_STR(SFW_MAP_HOST_PORTS), SFW_STR(SFW_MAP_HOST_PORTS), BPF_MAP_TYPE_HASH,
		sizeof(__u32), sizeof(__u64), SFW_HOST_PORTS_ENTRIES);
	expect_refused_for(path, "(hash, key 4, value 8 bytes, entries 2048, flags 0x0)");
	unlink(path);
}
