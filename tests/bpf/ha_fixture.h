/* The cluster half of a BPF suite: the fixture's maps pinned again under
 * a private pin root, so that the mirror and the replica (ha/mirror.c,
 * ha/replica.c), which open pins, work on the datapath's own, and a
 * conntrack zone of the suite's (HA_CT_ZONE, defined before including
 * this) emptied before and after. Each suite file includes it once. */
#ifndef SFW_TEST_HA_FIXTURE_H
#define SFW_TEST_HA_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "ha_int.h"
#include "reap.h"
#include "suite.h"

static char ha_pin_root[96];

/* The maps the mirror and the replica open, and those the reaper the
 * replica ends counted sessions with needs (loader/reap.c map_needed). */
static const char *const ha_pinned[] = {
	SFW_STR(SFW_MAP_SESSIONS), SFW_STR(SFW_MAP_ZONES),      SFW_STR(SFW_MAP_CONFIG),
	SFW_STR(SFW_MAP_EVENTS),   SFW_STR(SFW_MAP_MON_EVENTS), SFW_STR(SFW_MAP_EV_LOST),
	SFW_STR(SFW_MAP_TALLY),    SFW_STR(SFW_MAP_SESS_STATS), SFW_STR(SFW_MAP_NAT_PORTS),
};

static void ha_pin_fixture_maps(const char *suite)
{
	char path[160];

	snprintf(ha_pin_root, sizeof(ha_pin_root), "/sys/fs/bpf/sfw-test-%s-%d", suite,
		 (int)getpid());
	cr_assert_eq(mkdir(ha_pin_root, 0700), 0);
	setenv("SFW_PIN_ROOT", ha_pin_root, 1);
	for (size_t i = 0; i < sizeof(ha_pinned) / sizeof(ha_pinned[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", ha_pin_root, ha_pinned[i]);
		cr_assert_eq(bpf_obj_pin(fx_map_fd(false, ha_pinned[i]), path), 0, "pin %s", path);
	}
}

static void ha_unpin_fixture_maps(void)
{
	char path[160];

	for (size_t i = 0; i < sizeof(ha_pinned) / sizeof(ha_pinned[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", ha_pin_root, ha_pinned[i]);
		unlink(path);
	}
	rmdir(ha_pin_root);
	ha_pin_root[0] = '\0';
}

/* The maps pinned where the mirror and the replica look, labels kept,
 * and the zone empty of an earlier test's entries. Once per test. */
static void ha_cluster_ready(const char *suite)
{
	if (ha_pin_root[0])
		return;
	ha_pin_fixture_maps(suite);
	cr_assert_eq(ha_labels_enable(), 0, "%s", sfw_last_error());
	cr_assert_geq(ha_ct_purge(HA_CT_ZONE, true), 0, "an earlier test's entries go");
}

/* The pins and the zone's entries go whatever the test's outcome; then
 * the suite's own teardown. */
static void ha_cluster_teardown(void)
{
	if (ha_pin_root[0]) {
		ha_ct_purge(HA_CT_ZONE, true);
		ha_unpin_fixture_maps();
	}
	suite_teardown();
}

/* Ends the session at spec s as `clear` does (the reaper): gone from
 * the table, its conntrack entry left to the test. */
static void ha_clear_session(const struct pb_spec *s)
{
	struct sfw_reap_entry ent = { 0 };
	struct sfw_reaper *r = NULL;

	cr_assert_eq(sfw_reaper_open_fds(&r, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	fx_key(s, &ent.key);
	cr_assert_eq(sfw_reaper_run(r, &ent, 1, SFW_CLOSE_CLEAR, false), 1);
	sfw_reaper_close(r);
	ASSERT_NO_SESSION(s);
}

#endif
