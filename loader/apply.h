/* Applying a configuration: compiling a checked model (conf.h) into the
 * datapath's zone and policy maps (policy.h). A separate call from loading
 * (loader.h): the command that loads applies. */
#ifndef SFW_APPLY_H
#define SFW_APPLY_H

#include "conf.h"
#include "err.h"
#include "policy.h"

/* The maps a compile writes (fds), so tests can hand in their own. */
struct sfw_policy_fds {
	int config, addr, app, rules, app_class, zones, names, screens;
	int nat_lists, nat_entries, nat_pools, nat_proxies;   /* include/nat.h */
	int zone_ifnames;      /* the zones' interfaces by name (include/policy.h) */
	int nat_proxy_names;   /* proxy-arp/ndp by interface name (include/nat.h) */
	/* The maps a commit that moves interfaces between zones ends
	 * sessions on (the session table, the reaper's: loader/zone_moves.h),
	 * opened only then; NULL: the pinned ones. */
	int (*map_fd)(const char *name, void *arg);
	void *map_arg;
};

/* Compiles conf (conf/compile.h) and writes it into the inactive
 * generation of fds, then flips; first ends the sessions of interfaces
 * that change zone (sfw_policy_write). */
int sfw_policy_compile(const struct sfw_conf *conf, const struct sfw_policy_fds *fds);

/* Compiles conf into the inactive generation of the pinned maps, then
 * flips sfw_config.gen (and its zone/policy flags and flow settings) in one
 * write, then removes the old generation. Sessions in progress keep
 * running, but for those with a wing on an interface the commit moves to
 * another zone (or out of every zone, or into one), which end. Matches sfw_conf_apply_fn, so it can be passed to
 * sfw_conf_commit_file(). Needs sfw loaded (an attached interface);
 * returns -ENOENT with a message otherwise. */
int sfw_conf_apply(const struct sfw_conf *conf, void *ctx);

/* Applies the stored configuration (the active file) to the pinned maps:
 * what attach does when the load left the datapath failing closed, and
 * reload always (a new version compiles the file itself). A file that
 * cannot be read, parsed or applied leaves the datapath failing closed
 * (sfw_conf_fail_closed) and returns the error, one line naming the file.
 * With no file, 0, after lifting a fail-closed state if there was one. */
int sfw_conf_apply_active(void);
/* Every new session refused (deny-all, no policy consulted) until an apply
 * succeeds: SFW_CFG_F_FAIL_CLOSED in the config map (docs/security.md). */
int sfw_conf_fail_closed(void);
/* Is the datapath failing closed? False when sfw is not loaded. */
bool sfw_conf_failed(void);
/* Does the datapath run another text than the stored file, or is the file
 * unreadable (sfw_conf_sync)? False when sfw is not loaded. */
bool sfw_conf_differs(void);

/* One follow's results apart, each with the message it left, so that a
 * count of interfaces left in no zone is said even when the proxies then
 * fail, and each failure is said as the zones' or the proxies' (review
 * rv43z, F6). zones: sfw_zones_resolve's (0, that many left in no zone,
 * or a negative errno); proxies: sfw_nat_proxies_resolve's (0 or a
 * negative errno; 0 when not tried, after a zones' error). An error
 * before either was tried (no pins, no memory) is the zones'. */
#define SFW_FOLLOW_SAID SFW_ERR_MAX   /* sfw_last_error() whole */
struct sfw_followed {
	int zones, proxies;
	bool before;   /* zones' error came before either part (sfw_follow_failed) */
	char zones_said[SFW_FOLLOW_SAID], proxies_said[SFW_FOLLOW_SAID];
};
/* *out: err (0 or a negative errno, its message in sfw_last_error())
 * before anything followed; returns err. */
int sfw_follow_failed(struct sfw_followed *out, int err);

/* Makes the zone bindings and the proxy-arp/ndp entries of the
 * configuration in force those its interface names give now
 * (sfw_names_follow), in the caller's network namespace: an index
 * whose interface is gone or bears another name loses its zone, an
 * interface named that has come gets its zone, and the sessions with a
 * wing on an interface whose zone changed end (loader/zone_ifnames.c).
 * The session daemon calls it when interfaces change, attach when it
 * finds the configuration in force; under the lock (sfw_lock), as a
 * commit. Each result in *out; returns the zones' error, else the
 * proxies', else the zones' count: 0 or a negative errno: an error after the zones
 * map was read may leave an interface whose zone changed in no zone,
 * never in its old one; one before changes nothing (the daemon tries
 * again); -ESTALE: the names are another configuration's (sfw_zones_resolve),
 * nothing changed. Positive: that many interfaces named were left in no
 * zone for want of room in an older sfw's zones map, said in
 * out->zones_said (sfw_zones_resolve). */
int sfw_zones_follow(struct sfw_followed *out);

#endif
