/* What the cluster's commands (docs/ha.md; their handlers in
 * cli/core/commands.h) print: the daemons' configuration files and
 * conntrackd's statistics; and the role an attach restores. */
#ifndef SFW_CLI_CLUSTER_CMD_H
#define SFW_CLI_CLUSTER_CMD_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "ha.h"

/* The daemons' configuration files (cli/ha/cluster_gen.c). */
void sfw_cluster_print_conntrackd(FILE *f, const struct sfw_ha_conf *c);
void sfw_cluster_print_keepalived(FILE *f, const struct sfw_ha_conf *c);

/* After an attach that made the maps anew, still under its sfw_lock()
 * (the hook's lock: never taken twice): in a configured cluster, the role
 * this boot's record names (role_record.h), taken as keepalived's hook
 * takes it (sfw_ha_become_locked), so the daemon mirrors or loads as
 * keepalived last asked. No cluster or no record: 0, nothing done. The
 * maps pinned, the configuration applied and the daemon started first:
 * the transition writes the first, loads sessions into the second's zones
 * and waits for the third. out (may be NULL): the hook's line. 0, or a
 * negative errno with one line. */
int sfw_cluster_restore_role(FILE *out);

/* conntrackd's own figures (`conntrackd -s`), as the statistics show them. */
struct sfw_ctd_stats {
	bool ok;                       /* conntrackd answered */
	__u64 int_created, int_updated, int_destroyed;   /* sent to the peer */
	__u64 ext_created, ext_updated, ext_destroyed;   /* received, written here */
	__u64 ext_failed;
	__u64 pkts_sent, pkts_recv, bytes_sent, bytes_recv, send_errors, recv_errors;
	__u64 msgs_lost, malformed;
	__u64 resyncs;                 /* resynchronisations with the kernel's table */
};
/* Parses the text of `conntrackd -s`: 0, or -EINVAL when it is not that. */
int sfw_ctd_stats_parse(const char *text, struct sfw_ctd_stats *st);

#endif
