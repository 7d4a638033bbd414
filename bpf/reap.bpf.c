// SPDX-License-Identifier: GPL-2.0
/* The session reaper: a syscall program that user space runs with
 * BPF_PROG_TEST_RUN to remove sessions it found in a walk (the sweeper's
 * expired ones, `clear`'s, `commit reevaluate`'s). Removing them here
 * rather than with a plain map delete gives two things:
 *  - each session is re-checked at the moment of its removal: the same id
 *    (the datapath may have replaced an expired session by a new one since
 *    user space looked), and for the sweeper, still expired (a packet may
 *    have refreshed it);
 *  - the CLOSE event goes into the datapath's own ring buffer, so one
 *    consumer (`sfw daemon`) sees every session end, in order, whoever
 *    removed it.
 * Work per run is bounded by SFW_REAP_BATCH sessions. */
#include "events.bpf.h"
#include "session.bpf.h"
#include "limit.bpf.h"
#include "sess_count.bpf.h"
#include "nat.bpf.h"

/* The batch and its parameters, in global data that user space mmaps:
 * private to each loaded copy of this object (never pinned), so the
 * daemon's sweeper and a `clear` never share a batch. */
struct sfw_reap_entry reap_batch[SFW_REAP_BATCH];
__u32 reap_count;           /* entries to handle */
__u32 reap_reason;          /* enum sfw_close_reason; NONE: from the TCP state */
__u32 reap_expired_only;    /* remove only sessions still expired now */
__u32 reap_removed;         /* out */

struct reap_loop {
	__u64 now;
};

/* Where the race tests play another CPU between the reaper's read of a
 * session and its claim (tests/bpf/reap_race.bpf.c defines it): nothing
 * at all in sfw itself. */
#ifndef SFW_REAP_RACE_POINT
#define SFW_REAP_RACE_POINT() do { } while (0)
#endif

/* An alias whose session is gone (the LRU evicted it, so no release ran)
 * goes, with its port reservation: nothing else frees them but that very
 * reply or a new allocation of that very port (docs/nat.md "Open
 * findings", 9). Ids are never reused, so the id checks keep a later
 * session's alias or reservation, and one whose session may still be on
 * its way is left for a later sweep (SFW_NAT_TAKEOVER_S). One side of
 * the alias's key is the translated source the reservation names. */
static __always_inline void reap_stale_alias(const struct sfw_reap_entry *ent,
					     const struct sfw_session *a, __u64 id, __u64 now)
{
	struct sfw_nat_port_key pk = { .proto = ent->key.proto, .family = ent->key.family };
	const struct sfw_session_key *owner;
	struct sfw_nat_port *r;

	id &= ~SFW_SESS_ID_DYING;
	if (ent->id && id != (ent->id & ~SFW_SESS_ID_DYING))
		return;
	owner = sfw_nat_owner_key(&a->owner);
	if (!owner || sfw_nat_holder_live(owner, id, a->created_s, sfw_secs(now)))
		return;
	for (int side = 0; side < 2; side++) {
		pk.addr = side ? ent->key.addr_hi : ent->key.addr_lo;
		pk.port = side ? ent->key.port_hi : ent->key.port_lo;
		r = bpf_map_lookup_elem(&SFW_MAP_NAT_PORTS, &pk);
		if (r && (r->sess_id & ~SFW_SESS_ID_DYING) == id)
			bpf_map_delete_elem(&SFW_MAP_NAT_PORTS, &pk);
	}
	a = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &ent->key);
	if (a && SFW_SESS_IS_ALIAS(a) && (a->id & ~SFW_SESS_ID_DYING) == id)
		bpf_map_delete_elem(&SFW_MAP_SESSIONS, &ent->key);
}

static long reap_one(__u64 i, struct reap_loop *l)
{
	struct sfw_reap_entry *ent;
	struct sfw_session *s, copy;
	__u32 held;
	__u64 id;

	if (i >= SFW_REAP_BATCH)
		return 1;
	ent = &reap_batch[i];
	ent->removed = 0;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &ent->key);
	if (!s)
		return 0;
	/* read once, and the claim compares with this: the session may be
	 * ended by another CPU after the lookup and its memory handed to
	 * another session at another key at once (LRU elements are reused
	 * without a grace period); a second read would claim that one and
	 * give its limit-session counts back against this key's addresses */
	id = *(volatile __u64 *)&s->id;
	/* an alias goes with its session, or once that is gone (not counted
	 * as removed: it is no session) */
	if (SFW_SESS_IS_ALIAS(s)) {
		reap_stale_alias(ent, s, id, l->now);
		return 0;
	}
	if (ent->id && id != ent->id)
		return 0;
	SFW_REAP_RACE_POINT();
	if (reap_expired_only && !sfw_expired(s, l->now))
		return 0;
	/* only the one that claims it removes it: another reaper, or the
	 * datapath replacing it with a new session, may be first */
	if (!sfw_claim(s, id) || !sfw_session_claim(s, &held))
		return 0;
	sfw_count_close(&ent->key, held, reap_reason != SFW_CLOSE_NONE ? reap_reason
								      : sfw_close_reason_of(s));
	sfw_tally_release(&ent->key, s);
	/* copied before the delete, which recycles the LRU entry at once;
	 * the event only after it */
	__builtin_memcpy(&copy, s, sizeof(copy));
	copy.id = id;
	if (bpf_map_delete_elem(&SFW_MAP_SESSIONS, &ent->key))
		return 0;
	sfw_nat_release(&ent->key, &copy, id);
	sfw_ev_session(SFW_EV_WHAT(SFW_EV_CLOSE, reap_reason, 0), &ent->key, &copy, l->now);
	__builtin_memcpy(&ent->sess, &copy, sizeof(copy));
	ent->removed = 1;
	reap_removed++;
	return 0;
}

/* The context is the time: CLOCK_MONOTONIC_COARSE, the datapath's clock
 * (bpf_ktime_get_coarse_ns, which syscall programs may not call), read by
 * user space just before the run, so a session is never judged expired
 * earlier than the datapath would judge it. */
SEC("syscall")
int sfw_reap(struct sfw_reap_ctx *ctx)
{
	struct reap_loop l = { .now = ctx->now_ns };
	__u32 n = reap_count;

	reap_removed = 0;
	bpf_loop(n < SFW_REAP_BATCH ? n : SFW_REAP_BATCH, reap_one, &l, 0);
	return 0;
}

/* Counts a session the counters missed: one already in the table when
 * they were created beside it (an upgrade, loader/sess_adopt.c). Its
 * tally word takes the counted bits by compare-and-swap, as a state
 * change would, so a session that ends or is counted meanwhile is left
 * alone. `removed` says it was counted. */
static long adopt_one(__u64 i, void *unused)
{
	struct sfw_reap_entry *ent;
	const union sfw_addr *dst;
	struct sfw_session *s;

	if (i >= SFW_REAP_BATCH)
		return 1;
	ent = &reap_batch[i];
	ent->removed = 0;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &ent->key);
	/* a NAT alias is no session to count */
	if (!s || SFW_SESS_IS_ALIAS(s))
		return 0;
	/* the In wing's destination: the other side from its opener */
	dst = s->flags & SFW_SESS_F_OPENER_LO ? &ent->key.addr_hi : &ent->key.addr_lo;
	for (int t = 0; t < 4; t++) {
		__u32 old = *(volatile __u32 *)&s->tally, bits;

		if (old & (SFW_TALLY_COUNTED | SFW_TALLY_ENDED))
			return 0;
		bits = sfw_count_bits_new(s, dst, ent->key.family);
		if (__sync_val_compare_and_swap(&s->tally, old, old | bits) != old)
			continue;
		sfw_count_open(&ent->key, bits, 0);
		ent->removed = 1;
		reap_removed++;
		return 0;
	}
	return 0;
}

SEC("syscall")
int sfw_adopt(struct sfw_reap_ctx *ctx)
{
	__u32 n = reap_count;

	reap_removed = 0;
	bpf_loop(n < SFW_REAP_BATCH ? n : SFW_REAP_BATCH, adopt_one, NULL, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
