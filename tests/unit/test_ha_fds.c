/* The cluster's mirror and replica (ha/mirror.c, ha/replica.c) close
 * every map they opened, fd 0 included: a daemon whose stdin was closed
 * gets its first map there, and a `fd > 0` test leaked it. Their maps are
 * pinned here under a private pin root, removed afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "ha_int.h"
#include "loader.h"
#include "maps.h"

static char root[64];
static const char *const names[] = { SFW_STR(SFW_MAP_SESSIONS), SFW_STR(SFW_MAP_ZONES),
				      SFW_STR(SFW_MAP_CONFIG) };

static void pin(const char *name)
{
	const struct sfw_pin_layout *w = sfw_pin_layout_of(name);
	char path[128];
	int fd;

	cr_assert_not_null(w);
	fd = bpf_map_create(w->type, name, w->key_size, w->value_size, 4, NULL);
	cr_assert_geq(fd, 0, "bpf_map_create %s: %s", name, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", root, name);
	cr_assert_eq(bpf_obj_pin(fd, path), 0, "pin %s: %s", path, strerror(errno));
	close(fd);
}

static void fds_setup(void)
{
	snprintf(root, sizeof(root), "/sys/fs/bpf/sfw-unit-hafds-%d", (int)getpid());
	cr_assert_eq(mkdir(root, 0700), 0, "mkdir %s: %s", root, strerror(errno));
	setenv("SFW_PIN_ROOT", root, 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		pin(names[i]);
}

static void fds_teardown(void)
{
	char path[128];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, names[i]);
		unlink(path);
	}
	rmdir(root);
	unsetenv("SFW_PIN_ROOT");
}

TestSuite(ha_fds, .init = fds_setup, .fini = fds_teardown);

static bool fd0_open(void)
{
	return fcntl(0, F_GETFD) != -1 || errno != EBADF;
}

Test(ha_fds, replica_closes_fd_0)
{
	struct sfw_ha_stats st = { 0 };
	struct ha_replica r;

	close(0);
	cr_assert_eq(ha_replica_open(&r, 65000, false, &st), 0, "%s", sfw_last_error());
	cr_assert_eq(r.sessions_fd, 0, "the first map took fd 0");
	ha_replica_close(&r);
	cr_assert_not(fd0_open(), "the replica left fd 0 open");
	cr_assert_eq(r.sessions_fd, -1, "closed: nothing held, not fd 0");
}

Test(ha_fds, mirror_closes_fd_0)
{
	struct sfw_ha_stats st = { 0 };
	struct ha_mirror m;

	close(0);
	cr_assert_eq(ha_mirror_open(&m, 65000, &st), 0, "%s", sfw_last_error());
	cr_assert_eq(m.sessions_fd, 0, "the first map took fd 0");
	ha_mirror_close(&m);
	cr_assert_not(fd0_open(), "the mirror left fd 0 open");
	cr_assert_eq(m.config_fd, -1, "closed: nothing held, not fd 0");
}

/* An open that fails half way (no sfw_zones) closes what it opened. */
Test(ha_fds, failed_open_closes_what_it_opened)
{
	struct sfw_ha_stats st = { 0 };
	struct ha_replica r;
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", root, SFW_STR(SFW_MAP_ZONES));
	cr_assert_eq(unlink(path), 0);
	close(0);
	cr_assert_eq(ha_replica_open(&r, 65000, false, &st), -ENOENT);
	cr_assert_not(fd0_open(), "the failed open left fd 0 (sfw_sessions) open");
}
