/* Red team rv26, the cluster half: limit-session counts and the replica
 * (ha/replica.c). Committed disabled: it fails on the code as it is. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "ha_int.h"
#include "reap.h"
#include "tally.h"

#define ZONE 4243

static char pin_root[96];

/* The fixture's maps pinned again under a private pin root, so that the
 * mirror and the replica (which open pins) work on the datapath's own. */
static void pin_fixture_maps(void)
{
	static const char *names[] = { SFW_STR(SFW_MAP_SESSIONS), SFW_STR(SFW_MAP_ZONES),
				       SFW_STR(SFW_MAP_CONFIG) };
	char path[160];

	snprintf(pin_root, sizeof(pin_root), "/sys/fs/bpf/sfw-test-rv26-%d", (int)getpid());
	cr_assert_eq(mkdir(pin_root, 0700), 0);
	setenv("SFW_PIN_ROOT", pin_root, 1);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_root, names[i]);
		cr_assert_eq(bpf_obj_pin(fx_map_fd(false, names[i]), path), 0, "pin %s", path);
	}
}

static void unpin_fixture_maps(void)
{
	static const char *names[] = { SFW_STR(SFW_MAP_SESSIONS), SFW_STR(SFW_MAP_ZONES),
				       SFW_STR(SFW_MAP_CONFIG) };
	char path[160];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_root, names[i]);
		unlink(path);
	}
	rmdir(pin_root);
	pin_root[0] = '\0';
}

/* The pins go whatever the test's outcome. */
static void teardown(void)
{
	if (pin_root[0])
		unpin_fixture_maps();
	suite_teardown();
}

TestSuite(rv26_ha, .init = suite_setup, .fini = teardown);

static int fixture_fd(const char *name, void *arg)
{
	int fd = fx_map_fd(false, name);

	(void)arg;
	return fd < 0 ? fd : dup(fd);   /* the reaper closes what it is given */
}

/* rv26 F3: a node that steps down to secondary without a restart
 * (keepalived's stop or fault hook, a failover the other way) reloads the
 * entries of its conntrack zone (enter_secondary: ha_replica_load_all),
 * and those are its own sessions, which its mirror wrote there while it
 * was primary (the transition to secondary purges nothing), with the
 * same ids; then the new primary's bulk send brings them again. upsert
 * finds "the same session" and writes the decoded one over it (BPF_ANY),
 * and the decoded one has a tally word of 0 (sfw_ha_decode zeroes it; the
 * mirror carries no counts): the session's limit-session bits
 * (SFW_TALLY_SRC/DST) and its counted bits are gone, but the counts they
 * stood for stay in sfw_tally. No end gives them back any more (the
 * reaper's and the datapath's release read the bits), so each session
 * that lived through a step-down holds its address's count for good: with
 * `limit-session source-ip-based N`, N sessions through N failovers lock
 * the address out until `detach all` (and show security flow session
 * summary counts the sessions active for ever). Here: a limit of 1, one
 * session, the mirror's walk and the replica's load as a step-down runs
 * them, then the session is cleared: the address's next session is still
 * refused. */
Test(rv26_ha, f3_stepping_down_leaks_the_limit_session_counts, .disabled = true)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 5000, .dport = 53 };
	struct sfw_session before, after;
	struct sfw_ha_stats st = { 0 };
	struct sfw_reap_entry ent = { 0 };
	struct sfw_reaper *r = NULL;
	struct ha_mirror m;
	struct ha_replica rep;

	commit("set security screen ids-option lim limit-session source-ip-based 1\n"
	       "set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust screen lim\n"
	       "set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	cr_assert_eq(tally(CLI4, SFW_DIR_SRC), 1);
	GET_SESSION(&s, &before);
	cr_assert(before.tally & SFW_TALLY_SRC, "the session holds its source count");

	pin_fixture_maps();
	cr_assert_eq(ha_labels_enable(), 0, "%s", sfw_last_error());
	/* primary: the mirror writes the session into the zone */
	cr_assert_eq(ha_mirror_open(&m, ZONE, &st), 0, "%s", sfw_last_error());
	cr_assert_eq(ha_mirror_walk(&m, 0, false), 0);
	ha_mirror_close(&m);
	cr_assert_eq(st.mirrored, 1, "the mirror wrote the session");
	/* secondary: the replica loads what the zone holds */
	cr_assert_eq(ha_replica_open(&rep, ZONE, false, &st), 0, "%s", sfw_last_error());
	cr_assert_eq(ha_replica_load_all(&rep), 1, "the zone's entry loaded");
	ha_replica_close(&rep);
	GET_SESSION(&s, &after);
	cr_assert_eq(after.id, before.id, "the same session");
	cr_expect(after.tally & SFW_TALLY_SRC, "the session lost the record of its source count");

	/* the session ends (clear); its count should go with it */
	cr_assert_eq(sfw_reaper_open_fds(&r, fixture_fd, NULL), 0, "%s", sfw_last_error());
	fx_key(&s, &ent.key);
	cr_assert_eq(sfw_reaper_run(r, &ent, 1, SFW_CLOSE_CLEAR, false), 1);
	sfw_reaper_close(r);
	ASSERT_NO_SESSION(&s);
	cr_expect_eq(tally(CLI4, SFW_DIR_SRC), 0, "the count outlived its session");
	s.sport = 5001;
	cr_expect_eq(fx_xdp(&s), FX_XDP_PASS, "the address has no session, yet is refused");
}
