/* Internal to the loader: writing a compiled configuration (conf's
 * compile.h) into the pinned zone and policy maps (policy_write.c,
 * policy_tally.c, policy_names.c, apply.c). */
#ifndef SFW_POLICY_WRITE_H
#define SFW_POLICY_WRITE_H

#include "compile.h"
#include "apply.h"

/* Writes c into the inactive generation of fds with what only the running
 * system knows (interface indexes, tally ids, source NAT rule ids, which
 * it rewrites in c: nat_rule_ids.h, run-time flags, the session table's
 * limit), ends the sessions of the interfaces whose zone it
 * changes (zone_moves.h), flips sfw_config.gen in one write, then removes
 * the old generation. On an error the inactive generation is removed
 * again, the names map's entries are put back (struct sfw_names_log), and
 * the running configuration is untouched (but for sessions already
 * ended). */
int sfw_policy_write(struct sfw_compiled *c, const struct sfw_policy_fds *fds);

/* The zone bindings by name of c into generation gen (not in force) of
 * fds->zone_ifnames, and the zones map's entries of gen computed from
 * them (sfw_zones_resolve). Pins without the names map (an older sfw's,
 * until `sfw reload`): the entries alone, from c's names. */
int sfw_zones_write(const struct sfw_compiled *c, const struct sfw_policy_fds *fds, __u32 gen);

/* Makes generation gen of the zones map what gen's names give now, in
 * the caller's network namespace: what no longer holds goes first, then
 * what is new comes. in_force: gen is the generation in force, so the
 * sessions with a wing on an interface whose zone changed end between
 * the two (zone_moves.h); an error there leaves such interfaces in no
 * zone. digest: the text gen was compiled from (sfw_config.conf_digest);
 * names another text left (an sfw that keeps none committed since) are
 * not followed: -ESTALE, nothing changed. In force, the generation is
 * kept within half the zones map (an older sfw's pin is that small:
 * include/maps.h SFW_MAX_ZONE_BINDINGS), so a commit always finds room
 * for as many: interfaces beyond it stay in no zone, and their number is
 * returned, said in sfw_last_error(). 0, that number, or a negative errno
 * with a message. */
int sfw_zones_resolve(const struct sfw_policy_fds *fds, __u32 gen, bool in_force,
		      const __u8 *digest);

/* The generation in force of the zones (sfw_zones_resolve) and of the
 * proxy-arp/ndp entries (sfw_nat_proxies_resolve) made what their names
 * give now: what sfw_zones_follow (apply.h) does on the pinned maps.
 * Each result, and its message, into *out (apply.h struct sfw_followed);
 * returns the zones' error, else the proxies', else the zones' count. */
int sfw_names_follow(const struct sfw_policy_fds *fds, struct sfw_followed *out);

/* The tag of a generation's names, zones' and proxies': who wrote them,
 * the first 4 bytes of the digest of its text (include/policy.h). */
__u32 sfw_names_tag(const __u8 *digest);


/* The proxy-arp/ndp ranges of c by interface name into generation gen
 * of fds->nat_proxy_names, and the proxy map's entries of gen computed
 * from them (sfw_nat_proxies_resolve). Pins without the names map (an
 * older sfw's, until `sfw reload`): the entries alone, from c's names
 * (nat_proxy_write.c). */
int sfw_nat_proxies_write(const struct sfw_compiled *c, const struct sfw_policy_fds *fds,
			  __u32 gen);

/* Makes generation gen of the proxy map what gen's names give now, in the
 * caller's network namespace, with each interface's MAC and link-local
 * address as they are now: an index whose interface is gone or bears
 * another name answers for no range of the old one's. What no longer
 * holds goes first. digest: the text gen was compiled from; names another
 * commit left (an sfw that keeps none, zones40 included, committed since,
 * and purges none) are not followed: -ESTALE, nothing changed. 0 or a
 * negative errno with a message. */
int sfw_nat_proxies_resolve(const struct sfw_policy_fds *fds, __u32 gen, const __u8 *digest);

/* The writes of one commit to the names map (fd), with what each
 * replaced (policy_names.c): the names map holds no generations, so a
 * refused commit puts its entries back (sfw_names_undo). */
struct sfw_names_log {
	int fd;
	struct sfw_names_old *old;
	int n, cap;
};

int sfw_names_put(struct sfw_names_log *log, const struct sfw_name_key *k,
		  const struct sfw_name *v);
void sfw_names_undo(struct sfw_names_log *log);
void sfw_names_log_free(struct sfw_names_log *log);

/* The tally id of each zone with a session limit (ids[zone]; 0 for the
 * others), kept by name across commits in the names map (log->fd); new
 * ids are written through log. */
int sfw_tally_ids(const struct sfw_compiled *c, struct sfw_names_log *log,
		  __u8 ids[SFW_MAX_ZONES]);

#endif
