/* High availability (docs/ha.md): two sfw nodes keep one set of sessions
 * through the kernel's connection table, which conntrackd replicates and
 * keepalived's transitions drive.
 *
 * The primary's session daemon mirrors every session into a conntrack
 * zone of its own (create, TCP state change, close, and a periodic
 * refresh of the sessions that saw traffic); conntrackd sends the entries
 * to the peer, whose conntrackd writes them into the peer's kernel table;
 * the secondary's daemon loads each one it sees into its own session
 * table. A transition (`sfw request chassis cluster ...`, from keepalived's
 * notify hook) changes the role in a pinned map the daemon follows.
 *
 * This header is what the rest of sfw uses: the role and figures (pinned
 * maps under the pin root), the daemon's worker thread, the transitions.
 * Functions return 0 or a negative errno; those the CLI calls leave a
 * message in sfw_last_error(); the worker thread never touches it. */
#ifndef SFW_HA_H
#define SFW_HA_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define SFW_MAP_CLUSTER       sfw_cluster        /* array[1]: struct sfw_ha_ctl */
#define SFW_MAP_CLUSTER_STATS sfw_cluster_stats  /* array[1]: struct sfw_ha_stats */

/* A conntrack zone no traffic uses, unless the cluster names another. */
#define SFW_HA_DEFAULT_ZONE 65000
/* Sessions that saw traffic are written again this often, so their
 * entries (and the peer's copies) outlive them by at most that much. */
#define SFW_HA_REFRESH_MS 10000
/* Every this many refreshes, the entries of all live sessions are written
 * again, seen or not. conntrackd's FT-FW resends what the peer asks for
 * again, but a request lost on the fabric leaves its message lost: an idle
 * session would stay missing on the peer for good. The full pass costs no
 * more than one refresh of a table whose sessions all saw traffic. */
#define SFW_HA_FULL_REFRESH_EVERY 6

enum sfw_ha_role {
	SFW_HA_NONE = 0,       /* not in a cluster: nothing mirrored or loaded */
	SFW_HA_PRIMARY,        /* mirrors its sessions */
	SFW_HA_SECONDARY,      /* loads the peer's */
};

/* What the transitions set and the daemon follows. */
struct sfw_ha_ctl {
	__u32 role;            /* enum sfw_ha_role */
	__u32 node;            /* this node's id (0 or 1) */
	__u32 zone;            /* the mirror's conntrack zone */
	__u32 refresh_ms;
	__u64 since_s;         /* CLOCK_REALTIME of the last role change */
	__u64 transitions;     /* role changes since the cluster was set up */
};

/* The daemon's figures, for `show chassis cluster statistics`. */
struct sfw_ha_stats {
	__u64 mirrored;        /* entries written: creates and state changes */
	__u64 refreshed;       /* entries written again by the refresh */
	__u64 removed;         /* entries deleted for a closed session */
	__u64 skipped;         /* sessions conntrack cannot hold (docs/ha.md) */
	__u64 write_errors;    /* ctnetlink refused a write */
	__u64 ring_lost;       /* events the full mirror ring refused */
	__u64 loaded;          /* sessions loaded from the peer's entries */
	__u64 load_updates;    /* loaded sessions updated in place */
	__u64 unloaded;        /* loaded sessions removed: closed on the peer */
	__u64 load_refused;    /* entries not loaded (table full, bad encoding,
				* a wing whose zone has no interface here) */
	__u64 last_refresh_ns; /* how long the last refresh walk took */
	__u64 updated_s;       /* CLOCK_REALTIME when these were written */
	__u32 pid;             /* the daemon writing them */
	__u32 role;            /* the role it acts in */
};

const char *sfw_ha_role_name(enum sfw_ha_role role);

/* The cluster stanza (docs/ha.md, "Configuration"): Junos set lines in
 * SFW_CONF_DIR/cluster.conf, one redundancy group (1), two nodes. */
#define SFW_HA_CONF_FILE "cluster.conf"
#define SFW_HA_MAX_VIPS 16
#define SFW_HA_NAME_LEN 64
#define SFW_HA_DEFAULT_NOTIFY "/usr/lib/sfw/sfw-cluster-notify"
#define SFW_HA_DEFAULT_CONNTRACKD_CONF "/etc/conntrackd/conntrackd.conf"

struct sfw_ha_vip {
	char ifname[SFW_HA_NAME_LEN];
	char prefix[SFW_HA_NAME_LEN];   /* address/length as written */
};

struct sfw_ha_conf {
	__u32 cluster_id;               /* 1..255: the VRRP router id */
	int node;                       /* this node, 0 or 1; -1: unset */
	__u32 priority[2];              /* per node, 1..254 */
	char fabric_if[SFW_HA_NAME_LEN];   /* the sync link */
	char local_addr[SFW_HA_NAME_LEN];  /* this node's address on it */
	char peer_addr[SFW_HA_NAME_LEN];
	struct sfw_ha_vip vip[SFW_HA_MAX_VIPS];
	int n_vip;
	__u32 zone;                     /* the mirror's conntrack zone */
	__u32 heartbeat_ms;             /* VRRP advertisement interval */
	__u32 refresh_ms;
	char notify[256];               /* keepalived's transition hook */
	char conntrackd_conf[256];      /* where conntrackd's configuration lives */
};

/* SFW_CONF_DIR/cluster.conf (or /etc/sfw/...). */
int sfw_ha_conf_path(char *buf, size_t len);
/* Parses and checks the stanza: 0, -ENOENT when there is none (with a
 * message), or -EINVAL with "FILE:LINE: message" for the first error. */
int sfw_ha_conf_load(const char *path, struct sfw_ha_conf *c);
int sfw_ha_conf_parse(const char *name, const char *text, struct sfw_ha_conf *c);

/* The pinned control and figures. Read: -ENOENT (no message) when this
 * node is in no cluster. */
int sfw_ha_ctl_read(struct sfw_ha_ctl *ctl);
int sfw_ha_ctl_write(const struct sfw_ha_ctl *ctl);
int sfw_ha_stats_read(struct sfw_ha_stats *st);

/* A transition: what `sfw request chassis cluster role R` did. */
struct sfw_ha_report {
	int loaded;              /* sessions loaded from the mirror's zone */
	bool daemon;             /* a session daemon acknowledged the role */
	__u64 mirrored;          /* sessions written into the zone (primary) */
	__u64 write_errors;      /* writes the kernel refused (primary) */
	int purged;              /* entries removed from the zone (disabled) */
	__u64 load_ns, mirror_ns;   /* how long loading and mirroring took */
};
/* Makes this node the cluster's primary (loads the peer's sessions, then
 * mirrors its own), secondary (stops mirroring, loads the peer's), or
 * takes it out of the cluster (disabled). The caller holds sfw_lock()
 * (it is not re-entrant): keepalived's hook, which records the role and
 * decides whether sfw is attached under the same lock as an attach. */
int sfw_ha_become_locked(enum sfw_ha_role role, const struct sfw_ha_conf *c,
			 struct sfw_ha_report *rep);

/* The session daemon's worker: a thread that follows the role. */
struct sfw_ha_worker;
int sfw_ha_worker_start(struct sfw_ha_worker **out);
void sfw_ha_worker_stop(struct sfw_ha_worker *w);

#endif
