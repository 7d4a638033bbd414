/* A session as a conntrack entry, and back: the encoding the cluster
 * mirror writes into the kernel's connection table, conntrackd carries to
 * the peer, and the peer's sfw loads (docs/ha.md, "The encoding").
 *
 * What conntrack has a field for travels in it: the tuple (the original
 * direction is the session's In wing), the TCP state and window scales
 * (a wing's "none", 0xf, as conntrack says it: scale 0 and the wing's
 * IP_CT_TCP_FLAG_WINDOW_SCALE clear; ctnetlink refuses scales above 14),
 * the idle timeout. The rest travels in the mark (32 bits) and the labels
 * (128 bits), both of which conntrackd replicates:
 *
 *   mark   31..24  0x5f, sfw's signature: nothing else is loaded
 *          23..20  encoding version (1)
 *          19..7   policy id (13 bits: SFW_MAX_POLICY_INDEX)
 *           6..4   zero
 *              3   invalidated (RST seen: SFW_SESS_INVALIDATED)
 *              2   SFW_SESS_F_LOG_CLOSE
 *              1   SFW_SESS_F_TRANSIT
 *              0   SFW_SESS_F_LOCAL
 *   labels  0..63  session id
 *          64..79  application id
 *          80..85  zone of the In wing's interface (0: none)
 *          86..91  zone of the Out wing's interface
 *         92..111  application inactivity timeout, seconds (0xfffff: never)
 *        112..117  In wing's TCP flags (SFW_WING_*)
 *        118..123  Out wing's TCP flags
 *        124..127  the window scale of a TCP wing whose peer sent none (the
 *                  kernel keeps scales only when both wings have one)
 *
 * Not carried: counters (they restart on the peer), sequence numbers (the
 * peer relearns each wing's window from its first segment, as conntrack
 * does after a failover), the creation time and the wings' interfaces
 * (each node has its own: the zones let the peer name its own). */
#ifndef SFW_HA_CT_CODEC_H
#define SFW_HA_CT_CODEC_H

#include <stdbool.h>
#include <linux/types.h>
#include "session.h"

struct nf_conntrack;

#define SFW_HA_MARK_MAGIC      0x5fu
#define SFW_HA_MARK_VERSION    1u
#define SFW_HA_MARK_SIG_MASK   0xfff00000u   /* magic and version */
#define SFW_HA_MARK_SIG        ((SFW_HA_MARK_MAGIC << 24) | (SFW_HA_MARK_VERSION << 20))
#define SFW_HA_LABEL_BITS      128
#define SFW_HA_APP_TIMEOUT_NEVER 0xfffffu

/* A session as the mirror carries it. */
struct sfw_ha_session {
	struct sfw_session_key key;
	struct sfw_session sess;   /* counters, sequence numbers and times: zero */
	__u8 zone[2];              /* per wing (enum sfw_wing_dir); SFW_ZONE_NONE: none */
	/* NAT sessions are not mirrored (ha_mirrored; docs/ha.md): their
	 * translated reply tuple would go here and into the conntrack
	 * entry's reply direction */
};

/* Fills ct (new, empty) with session hs in conntrack zone ct_zone.
 * -EOPNOTSUPP for sessions conntrack cannot hold (ICMP of a type that is
 * no query, SCTP, GRE): they are not mirrored. */
int sfw_ha_encode(const struct sfw_ha_session *hs, __u16 ct_zone, struct nf_conntrack *ct);
/* The session of entry ct: -ENOENT when the entry is not sfw's, -EPROTO
 * for an encoding this sfw does not know, -EINVAL for a malformed one. */
int sfw_ha_decode(const struct nf_conntrack *ct, struct sfw_ha_session *hs);
/* Fills just the tuple (and zone) of session key k, opened from its lo
 * side or not: enough to find or delete its entry. */
int sfw_ha_encode_tuple(const struct sfw_session_key *k, bool opener_lo, __u16 ct_zone,
			struct nf_conntrack *ct);
/* The key of entry ct alone (id 0, flags: the opener side): what a
 * DESTROY event carries, which has the mark but not the labels. */
int sfw_ha_decode_key(const struct nf_conntrack *ct, struct sfw_ha_session *hs);
/* Is entry ct sfw's (the mark's signature)? */
bool sfw_ha_is_ours(const struct nf_conntrack *ct);

#endif
