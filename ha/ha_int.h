/* What the files of ha/ share and nothing else uses. */
#ifndef SFW_HA_INT_H
#define SFW_HA_INT_H

#include <stdbool.h>
#include <linux/types.h>
#include "ha.h"
#include "ct_codec.h"
#include "config.h"
#include "events.h"
#include "policy.h"

struct nfct_handle;

/* The pinned control map, created when create is set and it is missing. */
int ha_ctl_fd(bool create);
int ha_stats_fd(bool create);
int ha_stats_write(const struct sfw_ha_stats *st);

/* Every session of the table, in batches; visit returns 0 to go on or a
 * negative errno to stop. (cli/session/session_walk.c is the CLI's: below it,
 * ha/ walks for itself.) */
/* Does the mirror write this session? Established TCP and everything
 * else (as the datapath's ring sends: bpf/events.bpf.h), but no NAT
 * session: the peer would load it untranslated and without its alias
 * (docs/nat.md "Not built yet"), so it is not mirrored at all. */
bool ha_mirrored(const struct sfw_session_key *k, const struct sfw_session *s);

int ha_walk(int sessions_fd,
	    int (*visit)(const struct sfw_session_key *k, const struct sfw_session *s, void *arg),
	    void *arg);

/* The zone of interface ifindex in the configuration in force. */
__u8 ha_zone_of(int zones_fd, __u32 gen, __u32 ifindex);

/* An interface of this node in each zone (configuration cfg), for a
 * wing loaded from the peer, whose ifindex means nothing here: the wing's
 * interface until a packet of it says which. Filled by one walk of the
 * zones map, again when the configuration in force changes, when dropped
 * (ha/replica.c zone_moved: a follow moves interfaces within a
 * generation) or, at most every 100 ms, when a zone has none. */
struct ha_zone_cache {
	bool valid;
	__u32 gen;
	__u8 digest[SFW_CONF_DIGEST_LEN];
	__u64 filled_ns;
	__u32 iface[SFW_MAX_ZONES];  /* the zone's lowest ifindex; 0: none */
	__u64 walks;                 /* of the zones map, for tests */
};
/* 0 when the zone has none here (or is SFW_ZONE_NONE): the wing is bound
 * to no zone, and a packet of it from the wire is refused (docs/ha.md
 * "Interfaces"). */
__u32 ha_zone_cache_iface(struct ha_zone_cache *c, int zones_fd, const struct sfw_config *cfg,
			  __u8 zone);
void ha_zone_cache_drop(struct ha_zone_cache *c);

/* The primary's side: sessions into conntrack entries (ha/mirror.c). */
struct ha_mirror {
	struct nfct_handle *h;
	int sessions_fd, zones_fd, config_fd;
	__u16 zone;
	struct sfw_ha_stats *st;
};
int ha_mirror_open(struct ha_mirror *m, __u16 zone, struct sfw_ha_stats *st);
void ha_mirror_close(struct ha_mirror *m);
/* One event from the mirror's ring. */
int ha_mirror_event(struct ha_mirror *m, const struct sfw_event *e);
/* Write the entry of every session seen since since_ns (0: all of them). */
int ha_mirror_walk(struct ha_mirror *m, __u64 since_ns, bool refresh);
/* Delete this node's entries in the zone (it is no longer primary). */
int ha_mirror_flush(struct ha_mirror *m);
/* Delete sfw's entries in conntrack zone `zone` (in_zone) or in every
 * other zone: the count deleted, or a negative errno. */
int ha_ct_purge(__u16 zone, bool in_zone);

/* The secondary's side: the peer's entries into sessions (ha/replica.c). */
struct sfw_reaper;

struct ha_replica {
	struct nfct_handle *ev;     /* kernel events, sfw's entries only */
	struct nfct_handle *q;      /* dumps */
	int sessions_fd, zones_fd, config_fd;
	__u16 zone;                 /* the mirror's: the peer's entries arrive there */
	bool primary;               /* loading for a promotion: keep their log flags */
	__u64 count;                /* sessions in the table (ha/replica.c) */
	struct sfw_ha_stats *st;
	struct sfw_reaper *reaper;  /* ends sessions that hold counts; opened when one does */
	struct ha_zone_cache zones; /* the interface a loaded wing gets (rebuild) */
	/* Tests alone: called between reading the zones a loaded session's
	 * wings get and writing it, where a commit or follow may move an
	 * interface (ha/replica.c zone_moved). NULL otherwise. */
	void (*before_write)(void *arg);
	void *hook_arg;
};
int ha_replica_open(struct ha_replica *r, __u16 zone, bool events, struct sfw_ha_stats *st);
void ha_replica_close(struct ha_replica *r);
int ha_replica_fd(const struct ha_replica *r);
/* Handle the events waiting; 0 or a negative errno. */
int ha_replica_events(struct ha_replica *r);
/* Load every entry of sfw's in the mirror's zone: the count loaded, or a
 * negative errno. */
int ha_replica_load_all(struct ha_replica *r);

/* Makes the kernel keep conntrack labels in this network namespace
 * (ha/labels.c); without, the labels of entries are silently dropped.
 * 0, or a negative errno with the reason recorded (util/err.h). */
int ha_labels_enable(void);

#endif
