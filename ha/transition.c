/* The sfw side of a cluster transition (docs/ha.md, "Failover"), which
 * keepalived's notify hook runs between conntrackd's steps:
 *
 * primary:   proxy-arp/ndp answer; the daemon stops loading; every
 *            entry of the peer's in the mirror's zone becomes a session
 *            here (with its log flags back); then the datapath mirrors,
 *            and every session is written once, so the zone holds this
 *            node's whole table.
 * secondary: the datapath stops mirroring and answers no proxy-arp/ndp
 *            request; the daemon loads the peer's entries as they arrive
 *            (and those already in the zone).
 * disabled:  neither; proxy-arp/ndp answer; the zone's entries go.
 *
 * It returns only when the daemon acts in the new role, so the hook moves
 * the addresses after the sessions are in place, never before. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ha_int.h"
#include "loader.h"
#include "reap.h"

#define HA_ACK_WAIT_MS 3000

/* The datapath's run-time flags: on set, off cleared, the rest kept. */
static int set_flags(__u32 on, __u32 off)
{
	struct sfw_config cfg;
	int err = sfw_config_read(&cfg);

	if (err)
		return err;
	cfg.flags = (cfg.flags & ~off) | on;
	return sfw_config_write(&cfg);
}

/* Waits for the daemon's worker to act in `role`: false when no daemon
 * runs (nothing to wait for) or it did not within HA_ACK_WAIT_MS. No
 * figures pinned is a worker that has not acted in a role since the maps
 * were made (an attach's, which publishes the figures once it takes its
 * first role, the one this transition names): waited for too, else the
 * first transition after any attach (and an attach's own, for the role
 * it restores) would return before the daemon loads or mirrors. A worker
 * acts in no role without publishing, so for that there is nothing to
 * wait for. */
static bool acknowledged(enum sfw_ha_role role)
{
	struct timespec pause = { .tv_nsec = 20 * 1000000 };
	struct sfw_ha_stats st;
	int err;

	for (int waited = 0; waited < HA_ACK_WAIT_MS; waited += 20) {
		err = sfw_ha_stats_read(&st);
		if (err == -ENOENT && role != SFW_HA_NONE) {
			nanosleep(&pause, NULL);
			continue;
		}
		if (err || !st.pid || kill((pid_t)st.pid, 0))
			return false;
		if (st.role == (__u32)role)
			return true;
		nanosleep(&pause, NULL);
	}
	return false;
}

/* The role the pinned control map says, for a message. */
static const char *role_now(void)
{
	struct sfw_ha_ctl ctl = { .role = SFW_HA_NONE };

	sfw_ha_ctl_read(&ctl);
	return sfw_ha_role_name(ctl.role);
}

static int record(enum sfw_ha_role role, const struct sfw_ha_conf *c)
{
	struct sfw_ha_ctl ctl = { 0 };

	sfw_ha_ctl_read(&ctl);
	if (ctl.role != (__u32)role)
		ctl.transitions++;
	ctl.since_s = (__u64)time(NULL);
	ctl.role = role;
	ctl.node = (__u32)c->node;
	ctl.zone = c->zone;
	ctl.refresh_ms = c->refresh_ms;
	return sfw_ha_ctl_write(&ctl);
}

/* A promotion that changed nothing: the step's message, and what the
 * node still is. */
static int still(int err)
{
	char why[256];

	snprintf(why, sizeof(why), "%s", sfw_last_error());
	return sfw_fail(-err, "cannot become primary: %s; still %s", why, role_now());
}

/* The first step of a promotion, whole or not at all: the datapath
 * answers proxy-arp/ndp (the addresses move here) and the role says
 * primary. Answering first: were the role recorded first, a refused flag
 * write would leave a primary that answers nothing; a refused record
 * puts the flag back, so the node stays what it was and says so. */
static int answer_as_primary(const struct sfw_ha_conf *c)
{
	struct sfw_config cfg;
	int err = sfw_config_read(&cfg);

	if (!err)
		err = set_flags(0, SFW_CFG_F_HA_SECONDARY);
	if (err)
		return still(err);
	err = record(SFW_HA_PRIMARY, c);
	if (err) {
		set_flags(cfg.flags & SFW_CFG_F_HA_SECONDARY, 0);
		return still(err);
	}
	return 0;
}

/* Past its first step a promotion goes on whatever fails: the node is
 * primary (it answers, the addresses follow), so it mirrors what it
 * holds even when the peer's sessions could not be loaded. The first
 * failure is the one reported. */
static int become_primary(const struct sfw_ha_conf *c, struct sfw_ha_report *rep)
{
	struct sfw_ha_stats st = { 0 };
	struct ha_replica r;
	struct ha_mirror m;
	__u64 t0;
	int err, first = 0;

	err = answer_as_primary(c);
	if (err)
		return err;
	rep->daemon = acknowledged(SFW_HA_PRIMARY);
	err = ha_replica_open(&r, (__u16)c->zone, false, &st);
	if (!err) {
		r.primary = true;
		t0 = sfw_coarse_now_ns();
		rep->loaded = ha_replica_load_all(&r);
		rep->load_ns = sfw_coarse_now_ns() - t0;
		ha_replica_close(&r);
		err = rep->loaded < 0 ? rep->loaded : 0;
	}
	if (err)
		first = sfw_fail(-err, "node%d is primary, but cannot load the peer's sessions: %s",
				 c->node, strerror(-err));
	err = set_flags(SFW_CFG_F_SYNC, 0);
	if (!err)
		err = ha_mirror_open(&m, (__u16)c->zone, &st);
	if (!err) {
		t0 = sfw_coarse_now_ns();
		err = ha_mirror_walk(&m, 0, false);
		rep->mirror_ns = sfw_coarse_now_ns() - t0;
		ha_mirror_close(&m);
	}
	if (err && !first)
		first = sfw_fail(-err, "node%d is primary, but cannot mirror the session table: %s",
				 c->node, strerror(-err));
	rep->mirrored = st.mirrored;
	rep->write_errors = st.write_errors;
	return first;
}

int sfw_ha_become_locked(enum sfw_ha_role role, const struct sfw_ha_conf *c,
			 struct sfw_ha_report *rep)
{
	int err;

	memset(rep, 0, sizeof(*rep));
	/* a role fails without labels (libnftables missing, the table refused) */
	err = role != SFW_HA_NONE ? ha_labels_enable() : 0;
	if (!err && role == SFW_HA_PRIMARY)
		return become_primary(c, rep);
	if (err)
		return err;
	/* a secondary answers no proxy-arp/ndp request: the primary does */
	err = set_flags(role == SFW_HA_SECONDARY ? SFW_CFG_F_HA_SECONDARY : 0,
			role == SFW_HA_SECONDARY ? SFW_CFG_F_SYNC
						 : SFW_CFG_F_SYNC | SFW_CFG_F_HA_SECONDARY);
	if (!err)
		err = record(role, c);
	if (!err)
		rep->daemon = acknowledged(role);
	if (!err && role == SFW_HA_NONE)
		rep->purged = ha_ct_purge((__u16)c->zone, true);
	return err;
}
