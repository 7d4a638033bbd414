/* Internal to the loader: a commit that moves interfaces between zones
 * ends the sessions with a wing on them (docs/security.md "Sessions are
 * bound to their zones"). A wing is bound to the zone of the interface it
 * records as the configuration in force says; the session remembers no
 * zone of its own, so without this the interface's new zone would take
 * the session over. */
#ifndef SFW_ZONE_MOVES_H
#define SFW_ZONE_MOVES_H

#include <stdbool.h>
#include "apply.h"

/* One generation of the zones map, with each zone's name (zone ids
 * renumber from one commit to the next; names do not). */
struct sfw_zone_if {
	__u32 ifindex;
	__u32 zone;
	char name[SFW_NAME_LEN];
};

struct sfw_zone_snap {
	struct sfw_zone_if *ifs;
	int n;
	bool zoned;            /* SFW_CFG_F_ZONES: zones configured */
};

/* Reads generation gen of the zones map (fds->zones, names from
 * fds->names: read it before a commit writes its names). */
int sfw_zone_snap_read(struct sfw_zone_snap *s, const struct sfw_policy_fds *fds, __u32 gen,
		       bool zoned);
void sfw_zone_snap_free(struct sfw_zone_snap *s);

/* The interfaces whose zone, by name, is not the same in next as in
 * prev, into moved (room for prev->n + next->n): those that changed zone,
 * left every zone or came into one from none. None when prev had no zones
 * configured: no session was bound to a zone then. Returns how many. */
int sfw_zone_moved(const struct sfw_zone_snap *prev, const struct sfw_zone_snap *next,
		   __u32 *moved);

/* Ends, through the reaper (close reason "policy delete"), every session
 * with a wing on one of moved[n]. First takes those interfaces out of
 * their zone in the generation in force (prev, generation gen) and waits
 * out the packets judged before, so that no wing can move off or onto
 * them while the sessions are walked. On an error puts them back. Returns
 * the sessions ended or a negative errno. */
int sfw_zone_moves_end(const struct sfw_policy_fds *fds, const struct sfw_zone_snap *prev,
		       __u32 gen, const __u32 *moved, int n);

/* The walk alone, for interfaces already in no zone in the generation in
 * force (ifs[n]): waits out the packets judged before they left it, then
 * ends every session with a wing on one of them. Returns the sessions
 * ended or a negative errno. */
int sfw_zone_ifs_end(const struct sfw_policy_fds *fds, const __u32 *ifs, int n);

#endif
