/* The role keepalived last named (docs/ha.md, "After a restart"), kept in
 * the run directory (cli/events/event_ring.h) with this boot's id, so an
 * attach knows it although every pin (the datapath's flags, the cluster's
 * control map) was made anew: a `detach all` and attach (an upgrade that
 * changes a map's layout demands one), or keepalived's hook run before
 * sfw was attached at all. A record of another boot is no record: after a
 * reboot keepalived names the role again. */
#ifndef SFW_CLI_ROLE_RECORD_H
#define SFW_CLI_ROLE_RECORD_H

#include <stdbool.h>
#include "ha.h"

#define SFW_ROLE_RECORD_FILE "cluster-role"
#define SFW_BOOT_ID_LEN 64

/* Writes `role` for boot boot_id into dir/cluster-role, whole or not at
 * all (a file beside it, made anew and never through a link, then renamed
 * over it); creates dir when missing. 0, or a negative errno with one
 * line; a failure removes the old record too (no record: the next attach
 * starts as a secondary, the safe side). */
int sfw_role_record_write_at(const char *dir, const char *boot_id, enum sfw_ha_role role);
/* The role recorded in dir/cluster-role for boot boot_id: 0 and *role;
 * -ENOENT (none), -ESTALE (another boot's) or -EINVAL (not a record:
 * cut short, garbage, or no regular file: a link, a FIFO, which is never
 * waited on), each with no message: the caller falls back. */
int sfw_role_record_read_at(const char *dir, const char *boot_id, enum sfw_ha_role *role);

/* The same in sfw_run_dir() for this boot (/proc/sys/kernel/random/boot_id). */
int sfw_role_record_write(enum sfw_ha_role role);
int sfw_role_record_read(enum sfw_ha_role *role);

/* Is a chassis cluster configured here (cluster.conf exists)? */
bool sfw_role_in_cluster(void);

/* Does an attach that makes the maps start answering no proxy-arp or
 * proxy-ndp request (SFW_CFG_F_HA_SECONDARY)? Yes when a chassis cluster
 * is configured (cluster.conf exists) and this boot's record does not say
 * primary or disabled: until keepalived names a role, the node is a
 * secondary, and two nodes never answer for the same addresses. */
bool sfw_role_attach_silent(void);
/* What an attach that makes the maps does: sfw_lock() (0, or its error),
 * then *silent = sfw_role_attach_silent(). Read under the lock keepalived's
 * hook writes the record under (`request chassis cluster role`), so a
 * hook comes before the read or after the maps are made (and sets their
 * flags itself), never between, where its role would be lost. The rest
 * of the role, once the maps are made, still under the lock:
 * sfw_cluster_restore_role (cluster_cmd.h). */
int sfw_role_lock_for_attach(bool *silent);

#endif
