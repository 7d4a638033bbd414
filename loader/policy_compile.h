/* Compiling a checked configuration model (conf.h) into the datapath's
 * zone and policy maps (policy.h). */
#ifndef SFW_POLICY_COMPILE_H
#define SFW_POLICY_COMPILE_H

#include "conf.h"
#include "policy.h"

/* The maps a compile writes (fds), so tests can hand in their own. */
struct sfw_policy_fds {
	int config, addr, app, rules, app_class, zones, names, screens;
};

/* Compiles conf into the inactive generation of fds, then flips. */
int sfw_policy_compile(const struct sfw_conf *conf, const struct sfw_policy_fds *fds);

/* Compiles conf into the inactive generation of the pinned maps, then
 * flips sfw_config.gen (and its zone/policy flags and flow settings) in one
 * write, then removes the old generation. Sessions in progress keep
 * running. Matches sfw_conf_apply_fn, so it can be passed to
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

/* Per-policy counters the CLI shows as hit counts: first packets that
 * matched the policy (sessions created, or packets denied). */
int sfw_policy_hits(__u32 policy_index, __u64 *hits);
int sfw_policy_hits_clear(void);

/* The name stored for an id at the last commit; false when none. */
bool sfw_name_lookup(enum sfw_name_kind kind, __u32 id, char *buf, size_t len);

#endif
