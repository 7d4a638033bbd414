/* The limit-session screens (`set security screen ids-option S
 * limit-session source-ip-based N | destination-ip-based N`): concurrent
 * sessions per source or destination address of a zone, and the end of a
 * session, which gives its counts back. See docs/security.md "Session
 * limits, floods and rate limits" for why counts cannot leak upwards.
 *
 * Counting. A session opened from a zone with a limit takes one count per
 * limited direction in sfw_tally (key: address, direction, zone) before it
 * is inserted, and records the counts it holds in its `tally` word. The
 * counts are given back by whoever clears those bits (atomically) at the
 * end of the session (a finished TCP connection counts until then: sfw
 * cannot know its server took the FIN or RST). Ending is claimed
 * (sfw_claim, bpf/session.bpf.h): the datapath
 * replacing a finished session and the reaper removing one race for it,
 * and the loser leaves the session alone. Zones without a limit pay
 * nothing: no count is taken, and the bits stay clear.
 *
 * The tally map. Entries are removed when their count reaches zero, and a
 * removed element's memory is reused at once; another CPU may still hold
 * a pointer to it from its lookup. Each entry therefore repeats its key,
 * and every change is checked after the fact (same key, and still the
 * element the map holds for it) and undone when it landed elsewhere. What
 * a race can still cost is a count lost (the address may briefly hold one
 * session more than its limit), never one too many: a count is only ever
 * taken for a session that will give it back. */
#ifndef SFW_LIMIT_BPF_H
#define SFW_LIMIT_BPF_H

#include "session.bpf.h"

/* A zone's limits for a first packet, packed in one scalar (the call
 * chain's stack has no room for a struct): source limit, destination
 * limit (each below 2^24, Junos allows 8,000,000) and the zone's tally id
 * (struct sfw_screen: stable across commits, unlike the zone id). 0: none. */
#define SFW_LIMIT_SRC(l)  ((__u32)((l) & 0xffffff))
#define SFW_LIMIT_DST(l)  ((__u32)(((l) >> 24) & 0xffffff))
#define SFW_LIMIT_ZONE(l) ((__u32)(((l) >> 48) & 0xff))

/* An entry per address with counted sessions: never more than two per
 * session (source and destination), so twice the table's capacity (the
 * loader sets it) never fills. Allocated on use: nothing when no zone has
 * a limit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct sfw_tally_key);
	__type(value, struct sfw_tally);
	__uint(max_entries, 2 * SFW_DEFAULT_MAX_SESSIONS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_TALLY SEC(".maps");

enum sfw_tally_take {
	SFW_TALLY_TAKEN,
	SFW_TALLY_AT_LIMIT,
	SFW_TALLY_FAILED,   /* no entry could be made: the map is full */
};

static __always_inline void sfw_tally_key_of(struct sfw_tally_key *k, const union sfw_addr *a,
					     __u8 family, __u8 dir, __u32 zone)
{
	__builtin_memcpy(k->addr, a, 16);
	k->family = family;
	k->dir = dir;
	k->zone = (__u8)zone;
	k->pad = 0;
}

/* Is t still the map's entry for k? (See the top of this file.) */
static __always_inline bool sfw_tally_is(struct sfw_tally *t, const struct sfw_tally_key *k)
{
	const __u32 *a = (const __u32 *)&t->key, *b = (const __u32 *)k;

#pragma unroll
	for (int i = 0; i < (int)(sizeof(*k) / 4); i++)
		if (a[i] != b[i])
			return false;
	return bpf_map_lookup_elem(&SFW_MAP_TALLY, k) == t;
}

/* One count for t->key, unless it already holds max; *t is the entry to
 * make when there is none (count 1). Two tries: a lost race for the entry
 * is retried once, then counts as a failure. */
static __always_inline int sfw_tally_take(struct sfw_tally *fresh, __u32 max)
{
	const struct sfw_tally_key *k = &fresh->key;

	fresh->count = 1;
	for (int i = 0; i < 2; i++) {
		struct sfw_tally *t = bpf_map_lookup_elem(&SFW_MAP_TALLY, k);
		__s32 before;

		if (!t) {
			if (!bpf_map_update_elem(&SFW_MAP_TALLY, k, fresh, BPF_NOEXIST))
				return SFW_TALLY_TAKEN;
			continue;
		}
		before = __sync_fetch_and_add(&t->count, 1);
		if (!sfw_tally_is(t, k)) {
			__sync_fetch_and_add(&t->count, -1);
			continue;
		}
		if (before >= (__s32)max) {
			__sync_fetch_and_add(&t->count, -1);
			return SFW_TALLY_AT_LIMIT;
		}
		return SFW_TALLY_TAKEN;
	}
	return SFW_TALLY_FAILED;
}

/* Gives one count of k back; the entry goes with its last count. */
static __always_inline void sfw_tally_put(const struct sfw_tally_key *k)
{
	for (int i = 0; i < 2; i++) {
		struct sfw_tally *t = bpf_map_lookup_elem(&SFW_MAP_TALLY, k);
		__s32 before;

		if (!t)
			return;   /* already gone with a count lost to a race */
		before = __sync_fetch_and_add(&t->count, -1);
		if (!sfw_tally_is(t, k)) {
			__sync_fetch_and_add(&t->count, 1);
			continue;
		}
		if (before <= 1)
			bpf_map_delete_elem(&SFW_MAP_TALLY, k);
		return;
	}
}

/* Gives back the counts session s (key k) still holds: the bits are
 * cleared atomically, so whoever clears one gives that count back, once.
 * A global function: verified once, called where sessions end. */
__noinline int sfw_tally_release(const struct sfw_session_key *k, struct sfw_session *s)
{
	struct sfw_tally_key tk;
	__u32 held, zone;
	bool opener_lo;

	if (!k || !s || !(s->tally & SFW_TALLY_COUNTS))
		return 0;
	held = __sync_fetch_and_and(&s->tally, ~(__u32)SFW_TALLY_COUNTS);
	zone = (held >> SFW_TALLY_ZONE_SHIFT) & 0xff;
	opener_lo = s->flags & SFW_SESS_F_OPENER_LO;
	if (held & SFW_TALLY_SRC) {
		sfw_tally_key_of(&tk, opener_lo ? &k->addr_lo : &k->addr_hi, k->family,
				 SFW_DIR_SRC, zone);
		sfw_tally_put(&tk);
	}
	if (held & SFW_TALLY_DST) {
		sfw_tally_key_of(&tk, opener_lo ? &k->addr_hi : &k->addr_lo, k->family,
				 SFW_DIR_DST, zone);
		sfw_tally_put(&tk);
	}
	return 0;
}

/* The limits of zone's screen in generation gen (SFW_LIMIT_*), or 0. A
 * global function: called only while some zone has a limit. */
__noinline __u64 sfw_limit_of(__u32 zone, __u32 gen)
{
	struct sfw_screen_key k = { .zone = zone, .gen = gen };
	struct sfw_screen *sc = bpf_map_lookup_elem(&SFW_MAP_SCREENS, &k);
	__u64 src, dst;

	if (!sc || zone == SFW_ZONE_NONE)
		return 0;
	src = sc->flags & SFW_SCREEN_LIMIT_SRC ? sc->limit_src & 0xffffff : 0;
	dst = sc->flags & SFW_SCREEN_LIMIT_DST ? sc->limit_dst & 0xffffff : 0;
	if (!src && !dst)
		return 0;
	return src | dst << 24 | (__u64)(sc->tally_id ? sc->tally_id : zone & 0xff) << 48;
}

/* Takes the counts a new session s (not yet in the table) needs under
 * limits (sfw_limit_of): p's source, and the destination of its key k
 * (the one sfw_tally_release gives back; destination NAT's p carries the
 * server's, the screen counts the address the client sent to, as Junos's
 * screens run before NAT; s's opener flag set). Returns 0, or the outcome counter refusing it.
 * Global: verified once, called only for zones with a limit. */
__noinline int sfw_tally_open(const struct sfw_pkt *p, const struct sfw_session_key *k,
			      __u64 limits, struct sfw_session *s)
{
	__u32 zone = SFW_LIMIT_ZONE(limits);
	struct sfw_tally t;
	int r;

	if (!p || !k || !s)
		return SFW_CNT_ERR_NO_MORE_SESSIONS;
	s->tally = zone << SFW_TALLY_ZONE_SHIFT;
	if (SFW_LIMIT_SRC(limits)) {
		sfw_tally_key_of(&t.key, &p->src, p->family, SFW_DIR_SRC, zone);
		r = sfw_tally_take(&t, SFW_LIMIT_SRC(limits));
		if (r != SFW_TALLY_TAKEN)
			return r == SFW_TALLY_AT_LIMIT ? SFW_CNT_SCREEN_SRC_LIMIT
						       : SFW_CNT_ERR_NO_MORE_SESSIONS;
		s->tally |= SFW_TALLY_SRC;
	}
	if (!SFW_LIMIT_DST(limits))
		return 0;
	sfw_tally_key_of(&t.key, s->flags & SFW_SESS_F_OPENER_LO ? &k->addr_hi : &k->addr_lo,
			 p->family, SFW_DIR_DST, zone);
	r = sfw_tally_take(&t, SFW_LIMIT_DST(limits));
	if (r == SFW_TALLY_TAKEN) {
		s->tally |= SFW_TALLY_DST;
		return 0;
	}
	if (s->tally & SFW_TALLY_SRC) {
		sfw_tally_key_of(&t.key, &p->src, p->family, SFW_DIR_SRC, zone);
		sfw_tally_put(&t.key);
		s->tally &= ~(__u32)SFW_TALLY_SRC;
	}
	return r == SFW_TALLY_AT_LIMIT ? SFW_CNT_SCREEN_DST_LIMIT : SFW_CNT_ERR_NO_MORE_SESSIONS;
}

/* Marks the end of session s, which the caller has claimed by its id
 * (sfw_claim): true unless it was ended already. *held gets the tally
 * word the mark found: what the session is counted under
 * (bpf/sess_count.bpf.h). */
static __always_inline bool sfw_session_claim(struct sfw_session *s, __u32 *held)
{
	*held = __sync_fetch_and_or(&s->tally, SFW_TALLY_ENDED);
	return !(*held & SFW_TALLY_ENDED);
}

#endif
