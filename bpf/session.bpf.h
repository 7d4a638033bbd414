/* Session table operations: key normalisation, lookup, creation and per-wing
 * accounting. */
#ifndef SFW_SESSION_BPF_H
#define SFW_SESSION_BPF_H

#include "maps.bpf.h"
#include "parse.bpf.h"
#include "timeouts.h"

/* Any consistent total order works: it only has to put both directions of
 * a connection into the same key. */
static __always_inline bool sfw_src_is_lo(const struct sfw_pkt *p)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		if (p->src.v6[i] != p->dst.v6[i])
			return p->src.v6[i] < p->dst.v6[i];
	}
	return p->sport <= p->dport;
}

/* Fills *k and returns whether the packet's source is the key's lo side. */
static __always_inline bool sfw_make_key(const struct sfw_pkt *p, struct sfw_session_key *k)
{
	bool lo = sfw_src_is_lo(p);

	k->addr_lo = lo ? p->src : p->dst;
	k->addr_hi = lo ? p->dst : p->src;
	k->port_lo = lo ? p->sport : p->dport;
	k->port_hi = lo ? p->dport : p->sport;
	k->proto = p->proto;
	k->family = p->family;
	k->pad = 0;
	return lo;
}

/* The wing of a packet whose source is the key's lo side (src_lo) or not. */
static __always_inline __u32 sfw_wing_of(const struct sfw_session *s, bool src_lo)
{
	return src_lo == !!(s->flags & SFW_SESS_F_OPENER_LO) ? SFW_WING_IN : SFW_WING_OUT;
}

/* May ICMP packet p be one of wing dir of the session its key found? A
 * request (and a type that is no query) only from the side that opened
 * the session, a reply only back to it: a session admits nothing else of
 * another direction, so neither the reverse of its own kind (an echo
 * request with id 0 from the pinged host) nor another kind whose key
 * happens to be its own reversed (an echo with id 13 one way, a timestamp
 * request with id 0 the other: include/protocols.h sfw_icmp_key_tag) ever
 * passes on it (docs/security.md "ICMP sessions"). Not ICMP: yes. */
static __always_inline bool sfw_icmp_fits_wing(const struct sfw_pkt *p, __u32 dir)
{
	return p->icmp_kind == SFW_ICMPK_NONE ||
	       SFW_ICMPK_IS_REPLY(p->icmp_kind) == (dir == SFW_WING_OUT);
}

/* now: the packet's coarse clock, in nanoseconds (include/session.h
 * sfw_sess_expired_at says how whole seconds count). */
static __always_inline bool sfw_expired(const struct sfw_session *s, __u64 now)
{
	return sfw_sess_expired_at(s, sfw_secs(now));
}

/* Claims session s, seen with id `id`, for removal: of all who try (CPUs
 * replacing it, the reaper), exactly one succeeds, and only while s still
 * is that session. Memory the LRU has handed to another session never
 * holds `id` again (ids are never reused), so a stale pointer cannot be
 * claimed. */
static __always_inline bool sfw_claim(struct sfw_session *s, __u64 id)
{
	return !(id & SFW_SESS_ID_DYING) &&
	       __sync_val_compare_and_swap(&s->id, id, id | SFW_SESS_ID_DYING) == id;
}

/* Session ids: a per-CPU block carved from one shared counter, so the
 * shared cache line is touched once per SFW_ID_BLOCK sessions. Ids start
 * at 1; the counter is pinned, so a reload never reuses an id. */
static __always_inline __u64 sfw_new_id(void)
{
	__u32 zero = 0;
	struct sfw_id_block *b = bpf_map_lookup_elem(&SFW_MAP_ID_BLOCK, &zero);
	__u64 *next;

	if (!b)
		return 0;
	if (b->next >= b->end) {
		next = bpf_map_lookup_elem(&SFW_MAP_ID_NEXT, &zero);
		if (!next)
			return 0;
		b->next = __sync_fetch_and_add(next, SFW_ID_BLOCK) + 1;
		b->end = b->next + SFW_ID_BLOCK;
	}
	return b->next++;
}

/* Wing counters are shared between CPUs (both directions of a flow may be
 * processed on different CPUs), hence the atomic adds. */
static __always_inline void sfw_wing_count(struct sfw_session *s, __u32 dir, __u32 pkts,
					   __u64 bytes)
{
	struct sfw_wing *w = &s->wing[dir & 1];

	__sync_fetch_and_add(&w->packets, pkts);
	__sync_fetch_and_add(&w->bytes, bytes);
}

/* A packet that keeps the session alive: its wing's interface and the
 * idle timer. */
static __always_inline void sfw_wing_seen(struct sfw_session *s, __u32 dir, __u32 ifindex,
					  __u64 now)
{
	struct sfw_wing *w = &s->wing[dir & 1];

	__u32 t = sfw_secs(now);

	if (w->ifindex != ifindex)
		w->ifindex = ifindex;
	/* once a second: the head's cache line is not written by each
	 * packet, only the wing's counters' (never back: another CPU may
	 * have stamped a later second) */
	if (t > s->last_seen_s)
		s->last_seen_s = t;
}

static __always_inline void sfw_wing_account(struct sfw_session *s, __u32 dir, __u32 ifindex,
					     __u32 pkts, __u64 bytes, __u64 now)
{
	sfw_wing_count(s, dir, pkts, bytes);
	sfw_wing_seen(s, dir, ifindex, now);
}

/* A session XDP opened toward the host itself (to-zone junos-host):
 * neither transit nor the host's own (tc), and no alias. Its zone pair
 * was judged for a packet the host takes, so the host is the only place
 * its packets may go (docs/security.md "Routes and zone pairs"). */
static __always_inline bool sfw_sess_for_host(__u8 flags)
{
	return !(flags & (SFW_SESS_F_TRANSIT | SFW_SESS_F_LOCAL | SFW_SESS_F_NAT_ALIAS));
}

static __always_inline __u32 sfw_timeout(const struct sfw_config *cfg, __u32 cls)
{
	return cls < SFW_TO_COUNT ? cfg->timeout_s[cls] : 0;
}

#endif
