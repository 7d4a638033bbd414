/* The loader library: loads the BPF programs, pins their maps under
 * SFW_PIN_ROOT and attaches/detaches interfaces. Every function returns 0
 * (or a documented positive value) or a negative errno, never exits, and
 * leaves a one-line explanation in sfw_last_error() on failure. */
#ifndef SFW_LOADER_H
#define SFW_LOADER_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "iface.h"
#include "session.h"
#include "config.h"
#include "counters.h"
#include "policy.h"
#include "err.h"

/* How to load: the loader never reads the configuration, so whether a
 * fresh config map starts failing closed is the caller's to say (attach:
 * when a configuration is stored, docs/security.md). */
struct sfw_attach_opts {
	enum sfw_xdp_mode mode;   /* SFW_XDP_MODE_NATIVE (default) or _GENERIC */
	__u32 max_sessions;       /* 0: SFW_DEFAULT_MAX_SESSIONS */
	bool fail_closed;         /* a fresh config map: deny-all + SFW_CFG_F_FAIL_CLOSED,
				   * until the caller applies a configuration */
	bool ha_secondary;        /* a fresh config map: SFW_CFG_F_HA_SECONDARY (no
				   * proxy-arp/ndp answer), a cluster's node until its
				   * role says otherwise (docs/ha.md) */
	bool reuse_running;       /* attach the programs another attached interface
				   * runs, loading none when one does (restore watch:
				   * no verification while the interface is open) */
};

/* What a load did. */
struct sfw_attach_result {
	bool fresh;               /* this load created the maps (the config map was new) */
};

/* Route libbpf's messages (silent unless SFW_DEBUG is set). */
void sfw_log_init(void);

/* The pin root: $SFW_PIN_ROOT if set, else SFW_PIN_ROOT. sfw_ensure_pin_root()
 * refuses one longer than SFW_PIN_ROOT_MAX, so the pin paths built from it
 * (root, '/', a map name or links/xdp_N) fit in SFW_PIN_PATH_LEN. */
#define SFW_PIN_ROOT_MAX 200
#define SFW_PIN_PATH_LEN 300
const char *sfw_pin_root(void);

/* 0, or -ENAMETOOLONG with a message when the pin root is longer than
 * SFW_PIN_ROOT_MAX. */
int sfw_pin_root_check(void);
/* ROOT/name under the pin root, the same way as sfw_path(). */
int sfw_pin_path(char *buf, size_t len, const char *name);

/* Mount bpffs on /sys/fs/bpf if needed and create the pin root. */
int sfw_ensure_pin_root(void);
/* An flock on the pin root, held until sfw_unlock(); serialises commands
 * that change state. */
int sfw_lock(void);
void sfw_unlock(void);
/* The same lock, if no one holds it: a descriptor to close to let it go,
 * -EWOULDBLOCK while another holds it, or another negative errno with a
 * message. For the session daemon, which must never wait on a command
 * that may be waiting on it (detach all stops it under the lock). */
int sfw_lock_try(void);

/* Attach to one interface. Returns 0 when attached, 1 when it already was
 * (nothing changed), negative errno on failure. Loading applies no
 * configuration: that is a separate call (loader/apply.c). res may be NULL. */
int sfw_attach_iface(const char *ifname, const struct sfw_attach_opts *opts,
		     struct sfw_attach_result *res);
/* Does sfw's XDP program run on ifindex through its own pinned link? 1
 * yes, 0 no (never attached, its interface deleted and the index given
 * again, its program taken off), or a negative errno with a message. */
int sfw_iface_guarded(__u32 ifindex);
/* Would an attach of ifname get past its first checks (Ethernet, no
 * other XDP program on it)? 0, or the error it would fail with: a cheap
 * look before trying again a device an attach failed on. */
int sfw_iface_attachable(const char *ifname);
/* Detach from one interface. Returns 0, or -ENOENT if it was not attached. */
int sfw_detach_iface(const char *ifname);
/* Detach every attached interface; when none remain, remove the pins. */
int sfw_detach_all(void);
/* sfw's own pins under the pin root go (its maps, of any version, and its
 * links); a foreign pin and the root itself stay. */
void sfw_remove_pins(void);

/* The loaded BPF objects (loader/progs.c), opaque: what attach and reload
 * put on interfaces, and what the BPF tests and benches run. */
struct sfw_progs;
struct bpf_object;
enum sfw_prog_kind { SFW_PROG_XDP, SFW_PROG_TC };
/* Loads both objects under the pin root, reusing its pinned maps; *fresh
 * (may be NULL): this load created them. opts may be NULL (the defaults).
 * 0 and *p, or a negative errno with a message. */
int sfw_progs_load(struct sfw_progs **p, const struct sfw_attach_opts *opts, bool *fresh);
void sfw_progs_close(struct sfw_progs *p);
int sfw_progs_prog_fd(const struct sfw_progs *p, enum sfw_prog_kind kind);
/* A map of one object by name ("sfw_sessions": SFW_STR(SFW_MAP_*)): its
 * fd, or -ENOENT. */
int sfw_progs_map_fd(const struct sfw_progs *p, enum sfw_prog_kind kind, const char *name);
struct bpf_object *sfw_progs_obj(const struct sfw_progs *p, enum sfw_prog_kind kind);

/* Load the programs anew and swap them in on every attached interface,
 * keeping the pinned maps (and so every session). Returns the number of
 * interfaces updated. opts (may be NULL): only fail_closed and ha_secondary
 * count. */
int sfw_reload(const struct sfw_attach_opts *opts);

/* Fails (-EXDEV, with a message) when the pin root's interfaces belong to
 * another network namespace than the caller's; SFW_ELAYOUT when sfw_ifaces
 * is of another layout (include/pin_layout.h). */
int sfw_check_netns(void);
/* The same by the pinned XDP links alone (the program netlink finds on
 * each link's ifindex here is the link's), for `detach all`, which must
 * work when sfw_ifaces is of another layout: it is the way out. */
int sfw_check_netns_links(void);
/* Is an XDP link of sfw's pinned under the pin root (links/xdp_*)? The
 * programs behind it run whatever pins are left beside it. */
bool sfw_links_pinned(void);

/* Open a pin under the pin root by its name (a map: one of SFW_MAP_*, as a
 * string). Returns an fd or a negative errno: a path too long is
 * -ENAMETOOLONG (never a cut path, which names another file); a missing pin
 * is -ENOENT, with no message when optional (a map that only some loads
 * or configurations create), else "sfw is not loaded"; a pin whose layout
 * is not the one include/pin_layout.h gives its name is SFW_ELAYOUT (see
 * sfw_open_pin_as); anything else fails with a message. */
int sfw_open_pin(const char *name, bool optional);
/* What a pin must look like (include/pin_layout.h): a map of this type,
 * key and value size; with `sized`, also of these entries and flags (what
 * libbpf compares before it reuses a pin for a program's map). */
struct sfw_pin_layout {
	const char *name;
	__u32 type, key_size, value_size;
	__u32 max_entries, map_flags;
	bool sized;
};
/* Is kname (a bpf_map_info's name) the name sfw gives the map it pins as
 * `name`? The kernel keeps the first BPF_OBJ_NAME_LEN - 1 characters of
 * it. A map under one of sfw's names but named otherwise is not sfw's:
 * sfw_remove_pins leaves it. */
bool sfw_kernel_name_is(const char *kname, const char *name);
/* Is the pin `name` under the pin root sfw's own map: a pin (never a
 * symbolic link, which is not followed), of a BPF map whose kernel name
 * is the one sfw gives it, as every version has? Only such a pin may sfw
 * remove or replace; another's stays (the operator removes it by hand). */
bool sfw_own_map_pin(const char *name);
/* The layout of pin `name` in include/pin_layout.h; NULL when none. */
const struct sfw_pin_layout *sfw_pin_layout_of(const char *name);
/* sfw_open_pin for a pin of the given layout (a module's own map, which
 * include/pin_layout.h cannot name). A pin of another layout, or one of
 * no known layout, fails with SFW_ELAYOUT and one line naming it, what it
 * has and what this sfw expects, and saying to detach all and attach
 * again: optional or not, since what a reader would copy from it
 * overflows buffers sized for ours. */
#define SFW_ELAYOUT EPROTO
int sfw_open_pin_as(const struct sfw_pin_layout *want, bool optional);
/* Is fd, pinned at path, a map of the layout wanted? 0, else SFW_ELAYOUT
 * and the line sfw_open_pin_as gives (the loader's too, when libbpf
 * refused to reuse a pin with a bare EINVAL). */
int sfw_pin_layout_check(int fd, const char *path, const struct sfw_pin_layout *want);
/* sfw_open_pin(name, false): a map sfw cannot work without. */
int sfw_open_map(const char *name);

/* Read or write the run-time configuration (the one-entry config map). */
int sfw_config_read(struct sfw_config *cfg);
int sfw_config_write(const struct sfw_config *cfg);
/* The most sessions a table of this capacity holds without LRU eviction
 * on a host with `cpus` possible CPUs, and the room kept beyond it. */
__u32 sfw_session_limit(__u32 capacity, __u32 cpus);
__u32 sfw_session_headroom(__u32 capacity, __u32 cpus);
/* The smallest capacity whose limit (sfw_session_limit, on this host)
 * holds max_sessions. */
__u32 sfw_session_capacity_for(__u32 max_sessions);
/* The built-in defaults (Junos timeouts, permit-all). */
void sfw_config_defaults(struct sfw_config *cfg);

/* Attached interfaces, in ifindex order. Returns the count (<= max) or a
 * negative errno. */
struct sfw_iface_entry {
	__u32 ifindex;
	struct sfw_iface_info info;
};
int sfw_list_ifaces(struct sfw_iface_entry *out, int max);
/* The n registrations of list as they stand: live[i] when sfw's program
 * runs on its interface through sfw's link, its name then the device's
 * own now (renamed since it was attached; two that swapped names); one
 * that guards nothing (deleted, moved away, the index given to another
 * device, the program taken off) keeps the name it was attached under. A
 * look at the kernel for each: for status, detach and the record, not
 * for the datapath's readers. */
void sfw_ifaces_resolve(struct sfw_iface_entry *list, int n, bool *live);
/* sfw_check_netns on a list already read (n < 0: none): a command that
 * needs the list anyway reads the map once. */
int sfw_check_netns_of(const struct sfw_iface_entry *list, int n);

/* XDP forwarding's route cache (bpf/route_cache.bpf.h, loader/fib_gen.c):
 * the FIB generation map (-errno when the pins have none), a new
 * generation in it (gen_fd < 0: nothing), the rtnetlink socket that
 * watches what the FIB lookup reads (non-blocking; the host's addresses
 * among it), and reading it: SFW_NET_CHANGED when anything changed (the
 * generation written), with SFW_NET_ADDRS when an address came or went
 * and SFW_NET_LINKS when an interface came, went or was renamed (both
 * when notifications were lost: sfw_local_addrs_sync, sfw_zones_follow
 * are due), 0 when nothing came, or -errno. */
#define SFW_NET_CHANGED 1
#define SFW_NET_ADDRS 2
#define SFW_NET_LINKS 4
int sfw_fib_gen_open(void);
int sfw_fib_gen_bump(int gen_fd);
int sfw_fib_watch_open(void);
int sfw_fib_watch_read(int nl_fd, int gen_fd);
/* A socket that hears interfaces alone (created, deleted, renamed, any
 * change of theirs), for `sfw restore watch`; read it with
 * sfw_fib_watch_read(fd, -1). */
int sfw_link_watch_open(void);
/* XDP forwarding (loader/forward.c). Refresh the devmap of egress
 * interfaces XDP may redirect to: attached ones whose driver transmits
 * redirected frames. Returns how many there are, or a negative errno. */
int sfw_forward_refresh(void);
/* Turn XDP forwarding on (refreshing the devmap) or off. */
int sfw_forward_set(bool on);
/* The interfaces in the devmap; returns the count (<= max). */
int sfw_forward_ports(__u32 *ifindexes, int max);

/* Per-policy counters (loader/policy_maps.c) the CLI shows as hit counts: first packets that
 * matched the policy (sessions created, or packets denied). */
int sfw_policy_hits(__u32 policy_index, __u64 *hits);
int sfw_policy_hits_clear(void);

/* NAT rules' counters (loader/nat_stats.c, include/nat.h) of one type
 * (enum sfw_conf_nat_type: source 0, destination 1, static 2): those of rules ids[0..n-1]
 * (sfw_nat_entry.rule_id) into out[0..n-1], summed over the CPUs, the
 * map opened once. Clear: one rule's, or every rule's for id 0. 0 or a
 * negative errno with the one line. */
struct sfw_nat_rule_stats;
int sfw_nat_rule_stats_read(int type, const __u32 *ids, int n, struct sfw_nat_rule_stats *out);
int sfw_nat_rule_stats_clear(int type, __u32 rule_id);
/* Every NAT rule's and pool's counters, source and destination (clear
 * security nat statistics); the sessions, and so Number of sessions,
 * stay. */
int sfw_nat_stats_clear(void);
/* Source NAT rules' ids as the commits gave them, kept by (rule-set,
 * rule) name, and source pools', kept by pool name (loader/nat_rule_ids.c):
 * read from the pins (*t: free() it), then one rule's or one pool's id, 0
 * when no commit gave it one. */
struct sfw_nat_ids;
int sfw_nat_ids_pinned(struct sfw_nat_ids **t);
__u32 sfw_nat_ids_find(const struct sfw_nat_ids *t, const char *set, const char *rule);
__u32 sfw_nat_pool_id_find(const struct sfw_nat_ids *t, const char *pool);
/* The same for destination NAT rules and destination pools, numbered
 * apart from the source ones. */
__u32 sfw_nat_drule_id_find(const struct sfw_nat_ids *t, const char *set, const char *rule);
__u32 sfw_nat_dpool_id_find(const struct sfw_nat_ids *t, const char *pool);
/* And static NAT rules', numbered apart from both. */
__u32 sfw_nat_srule_id_find(const struct sfw_nat_ids *t, const char *set, const char *rule);
/* A source pool's counters summed over the CPUs; clear: one pool id's,
 * or every id's for 0; the reservations of its addresses first..last
 * (IPv4, host order): ports in use. */
struct sfw_nat_pool_stats;
int sfw_nat_pool_stats_read(__u32 id, struct sfw_nat_pool_stats *out);
int sfw_nat_pool_stats_clear(__u32 id);
/* The same for a destination pool's. */
struct sfw_nat_dpool_stats;
int sfw_nat_dpool_stats_read(__u32 id, struct sfw_nat_dpool_stats *out);
int sfw_nat_dpool_stats_clear(__u32 id);
int sfw_nat_ports_held(__u32 first, __u32 last, __u64 *n);

/* The name stored for an id at the last commit; false when none. */
bool sfw_name_lookup(enum sfw_name_kind kind, __u32 id, char *buf, size_t len);

/* Zeroes ids lo..hi of per-CPU array `map` (values of size bytes, every
 * CPU's), one update each: the counters' clears. 0 or a negative errno
 * with one line naming `what`. */
int sfw_percpu_zero(const char *map, __u32 lo, __u32 hi, size_t size, const char *what);

/* The counters at one slot (include/iface.h) of a per-CPU counter array
 * (the pinned sfw_iface_stats, or a test's own), summed over the possible
 * CPUs. 0, or a negative errno (-ENOENT: slot 0, no interface's), no message. */
int sfw_iface_counters_read(int fd, __u32 slot, struct sfw_iface_stats *out);
/* Zeroes them on every CPU: 0 or a negative errno (-ENOENT: slot 0). */
int sfw_iface_counters_zero(int fd, __u32 slot);
/* Zeroed counters at `slot` for ifindex (below SFW_IFINDEX_DIRECT), without
 * attaching: for programs a test or bench runs with BPF_PROG_TEST_RUN.
 * slots_fd, stats_fd: the program's sfw_iface_slots and sfw_iface_stats. */
int sfw_iface_counters_bind(int slots_fd, int stats_fd, __u32 ifindex, __u32 slot);
/* An attached interface's slot in an sfw_ifaces map; 0 when not attached. */
__u32 sfw_iface_slot_of(int ifaces_fd, __u32 ifindex);
/* An interface's counters from the pinned maps, with a message on failure. */
int sfw_read_iface_stats(__u32 ifindex, struct sfw_iface_stats *out);

/* The host's own addresses (include/local_addr.h, loader/local_addrs.c),
 * those of the caller's network namespace. sfw_local_addrs_sync makes
 * map_fd (< 0: the pinned map) hold exactly them: every load does, the
 * session daemon on each change sfw_fib_watch_read reports
 * (SFW_NET_ADDRS). 0 or a negative errno with a message. */
int sfw_local_addrs_sync(int map_fd);
/* The session daemon's follow of an address that came or went: the map
 * synced, then the FIB generation (gen_fd, < 0: none) written anew, so no
 * answer the host-session cache took from the old map
 * (bpf/host_route_cache.bpf.h) outlives the change. 0 or a negative errno
 * with a message. */
int sfw_local_addrs_follow(int map_fd, int gen_fd);
/* The ports source NAT leaves to the host (include/host_ports.h,
 * loader/host_ports.c): map_fd (< 0: the pinned map; none pinned is no
 * failure) made to hold those of the sockets of the caller's network
 * namespace that XDP's socket lookup cannot find. Every load does, the
 * session daemon every second. 0 or a negative errno with a message. */
int sfw_host_ports_sync(int map_fd);
/* NAT datagrams' fragment records (bpf/frag.bpf.h sfw_nat_frags) that
 * expired before now_ns (the coarse clock) deleted from map_fd (< 0: the
 * pinned map; none pinned is no failure): how many, or a negative errno
 * with a message. The session daemon's, every second
 * (loader/frag_sweep.c). */
int sfw_nat_frags_expire(int map_fd, __u64 now_ns);

#endif
