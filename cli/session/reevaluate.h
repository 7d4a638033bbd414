/* `sfw commit reevaluate`: after a commit, clear the sessions the new
 * configuration no longer permits. The datapath decides only on a
 * session's first packet, so without this a session a new policy denies
 * would keep running until it goes idle. */
#ifndef SFW_CLI_REEVALUATE_H
#define SFW_CLI_REEVALUATE_H

#include <stdbool.h>
#include <linux/types.h>
#include "conf.h"
#include "ifnames.h"
#include "session.h"

/* The interface name of an ifindex, or NULL when it has none. */
typedef const char *(*sfw_reeval_ifname_fn)(__u32 ifindex, char *buf, void *arg);

struct sfw_reeval {
	const struct sfw_conf *conf;   /* the configuration now in force */
	const struct sfw_conf *old;    /* the one before (may be NULL): what
					* a session's policy index meant */
	sfw_reeval_ifname_fn ifname;   /* NULL: the system's names */
	void *ifname_arg;
	struct sfw_reaper *reaper;     /* NULL: plain deletes, no close logged */
	__u64 since_ns;                /* only sessions created since (the datapath's
					* coarse monotonic clock); 0: all */
	/* With since_ns, a failed commit's clear (cli/config/conf_ops.c
	 * clear_window): what was in force before since_ns (NULL: conf),
	 * and when conf went back in (0: not known). Sessions of those
	 * seconds are judged by a verdict alone (reevaluate.c window_keeps). */
	const struct sfw_conf *prior;
	__u64 applied_ns;              /* when the apply returned (0: not known) */
	__u64 until_ns;
	__u64 cleared;                 /* out: sessions removed */
};

/* Would rv->conf keep this session? Sessions the host itself opened are
 * never policy-checked and are kept. A session is cleared when the policy
 * that permitted it is gone (name and context no longer in the
 * configuration) or when the lookup now ends in deny, reject or a missing
 * zone. */
bool sfw_reeval_keeps(struct sfw_reeval *rv, const struct sfw_session_key *key,
		      const struct sfw_session *sess);

/* Walk the session map `fd`, removing what sfw_reeval_keeps() refuses.
 * Returns 0 (count in rv->cleared) or a negative errno. */
int sfw_reevaluate(int fd, struct sfw_reeval *rv);

#endif
