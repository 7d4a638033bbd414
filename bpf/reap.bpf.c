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
#include "daemon_maps.bpf.h"
#include "frag_maps.bpf.h"

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
static __always_inline void reap_stale_alias(const struct sfw_session_key *k, __u64 want,
					     const struct sfw_session *a, __u64 id, __u64 now)
{
	struct sfw_nat_port_key pk = { .proto = k->proto, .family = k->family };
	const struct sfw_session_key *owner;
	struct sfw_nat_port *r;

	id &= ~SFW_SESS_ID_DYING;
	if (want && id != (want & ~SFW_SESS_ID_DYING))
		return;
	owner = sfw_nat_owner_key(&a->owner);
	if (!owner || sfw_nat_holder_live(owner, id, a->created_s, sfw_secs(now)))
		return;
	for (int side = 0; side < 2; side++) {
		pk.addr = side ? k->addr_hi : k->addr_lo;
		pk.port = side ? k->port_hi : k->port_lo;
		r = bpf_map_lookup_elem(&SFW_MAP_NAT_PORTS, &pk);
		if (r && (r->sess_id & ~SFW_SESS_ID_DYING) == id)
			bpf_map_delete_elem(&SFW_MAP_NAT_PORTS, &pk);
	}
	a = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, k);
	if (a && SFW_SESS_IS_ALIAS(a) && (a->id & ~SFW_SESS_ID_DYING) == id)
		bpf_map_delete_elem(&SFW_MAP_SESSIONS, k);
}

/* Ends the session at k, seen with id `want` (0: any), the way every
 * removal does: claimed once, its counts, limit counts and NAT given
 * back, its close logged. Fills *copy with what was removed; 1 when it
 * was, 0 when it was gone, another, an alias, or (expired_only) live. */
static __always_inline int reap_key(const struct sfw_session_key *k, __u64 want, __u32 reason,
				    bool expired_only, __u64 now, struct sfw_session *copy)
{
	struct sfw_session *s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, k);
	__u32 held;
	__u64 id;

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
		reap_stale_alias(k, want, s, id, now);
		return 0;
	}
	if (want && id != want)
		return 0;
	SFW_REAP_RACE_POINT();
	if (expired_only && !sfw_expired(s, now))
		return 0;
	/* only the one that claims it removes it: another reaper, or the
	 * datapath replacing it with a new session, may be first */
	if (!sfw_claim(s, id) || !sfw_session_claim(s, &held))
		return 0;
	sfw_count_close(k, held, reason != SFW_CLOSE_NONE ? reason : sfw_close_reason_of(s));
	sfw_tally_release(k, s);
	/* copied before the delete, which recycles the LRU entry at once;
	 * the event only after it */
	__builtin_memcpy(copy, s, sizeof(*copy));
	copy->id = id;
	if (bpf_map_delete_elem(&SFW_MAP_SESSIONS, k))
		return 0;
	sfw_nat_release(k, copy, id);
	sfw_ev_session(SFW_EV_WHAT(SFW_EV_CLOSE, reason, 0), k, copy, now);
	return 1;
}

static long reap_one(__u64 i, struct reap_loop *l)
{
	struct sfw_reap_entry *ent;

	if (i >= SFW_REAP_BATCH)
		return 1;
	ent = &reap_batch[i];
	ent->removed = reap_key(&ent->key, ent->id, reap_reason, reap_expired_only, l->now,
				&ent->sess);
	reap_removed += ent->removed;
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

/* The kernel's own sweep (include/ksweep.h): while no session daemon
 * sweeps, a walk of the table after a refused first packet (ksweep_tick
 * says when) that ends what has expired, as the daemon's sweeper would
 * through sfw_reap. The walk runs in the timer's softirq, in the kernel's
 * own hash order; its cost grows with the table (docs/design.md "Ageing",
 * "With no daemon"). */
__u64 ksweep_period_ns;     /* for sfw_ksweep_arm: the tick; 0 disarms */
__u64 ksweep_hold_max_ns;   /* and the longest hold after a walk */

struct ksweep_walk {
	__u64 now;              /* the datapath's coarse clock */
	__u64 visited;
	__u64 removed;
	__u64 frags_removed;
	__u64 next_expiry;      /* the first a session left can expire */
};

/* What an ending needs beside the walk: a key and a session would crowd
 * the stack of a callback under a callback. In this copy's global data:
 * one timer, so one walk at a time. */
struct ksweep_scratch {
	struct sfw_session_key key;
	struct sfw_session copy;
};
static struct ksweep_scratch ksweep_scratch;

#define KSWEEP_CLOCK_MONOTONIC 1   /* <time.h>'s, which BPF cannot include */
#define KSWEEP_EBUSY 16

static long ksweep_one(struct bpf_map *map, const struct sfw_session_key *key,
		       struct sfw_session *s, struct ksweep_walk *w)
{
	struct ksweep_scratch *x = &ksweep_scratch;
	__u64 expiry;

	w->visited++;
	/* the live stay (a read of their times), noting when they can go; an
	 * alias is judged by its session, as the reaper judges it */
	if (!SFW_SESS_IS_ALIAS(s) && !sfw_expired(s, w->now)) {
		expiry = sfw_sess_expiry_ns(s);
		if (expiry < w->next_expiry)
			w->next_expiry = expiry;
		return 0;
	}
	/* the element may be recycled under the walk: judged again by its
	 * copied key, as the reaper judges what user space read */
	__builtin_memcpy(&x->key, key, sizeof(x->key));
	w->removed += reap_key(&x->key, 0, SFW_CLOSE_NONE, true, w->now, &x->copy);
	return 0;
}

/* A NAT datagram's record past its expiry (loader/frag_sweep.c does the
 * same from the daemon): nothing else deletes it, and a full map records
 * no new NAT datagram. */
static long ksweep_frag(struct bpf_map *map, const struct sfw_frag_key *key,
			struct sfw_frag *v, struct ksweep_walk *w)
{
	if (v->expires_ns < w->now && !bpf_map_delete_elem(&SFW_MAP_NAT_FRAGS, key))
		w->frags_removed++;
	return 0;
}

/* A tick walks only when no daemon sweeps, and the session table only
 * when the datapath refused a session since the last walk (wake_armed
 * cleared, bpf/wake.bpf.h: max-sessions or a session limit, which
 * expired sessions may be what holds) and something can have expired
 * since (hold_until_ns): a walk of a large table holds this CPU's
 * softirq for a while (docs/design.md "With no daemon"), so neither
 * expired sessions nobody needs room from nor one client's refusals a
 * second may bring one each tick. Re-armed before the walk, so a
 * refusal during it brings the next; one during the hold waits for its
 * end. */
static __always_inline void ksweep_walk(struct sfw_ksweep *k, struct ksweep_walk *w, __u64 t0)
{
	bpf_for_each_map_elem(&SFW_MAP_SESSIONS, ksweep_one, w, 0);
	k->passes++;
	k->visited += w->visited;
	k->removed += w->removed;
	k->hold_until_ns = w->now + k->hold_max_ns;
	if (w->next_expiry < k->hold_until_ns)
		k->hold_until_ns = w->next_expiry;
	k->last_pass_end_ns = bpf_ktime_get_ns();
	k->last_pass_ns = k->last_pass_end_ns - t0;
}

static int ksweep_tick(void *map, __u32 *key, struct sfw_ksweep *k)
{
	__u32 zero = 0;
	struct sfw_daemon_info *d = bpf_map_lookup_elem(&SFW_MAP_DAEMON, &zero);
	__u64 t0 = bpf_ktime_get_ns();
	struct ksweep_walk w = { .next_expiry = ~0ull };

	k->ticks++;
	if (d && !sfw_daemon_sweeping(d, t0)) {
		w.now = bpf_ktime_get_coarse_ns();
		if (w.now >= k->hold_until_ns &&
		    __sync_val_compare_and_swap(&d->wake_armed, 0, 1) == 0)
			ksweep_walk(k, &w, t0);
		/* NAT records: a small hash, whose full state refuses no
		 * session (so brings no signal) */
		bpf_for_each_map_elem(&SFW_MAP_NAT_FRAGS, ksweep_frag, &w, 0);
		k->frags_removed += w.frags_removed;
	}
	if (k->period_ns)
		bpf_timer_start(&k->timer, k->period_ns, 0);
	return 0;
}

/* Run by `sfw attach` (loader/reap.c sfw_ksweep_arm) with a dummy packet:
 * a timer is armed from a program, and calls back into it. Arming again
 * takes the newer object and period; a period of 0 stops the ticks. */
SEC("tc")
int sfw_ksweep_arm(struct __sk_buff *skb)
{
	__u32 zero = 0;
	struct sfw_ksweep *k = bpf_map_lookup_elem(&SFW_MAP_KSWEEP, &zero);
	long err;

	if (!k)
		return 1;
	k->period_ns = ksweep_period_ns;
	k->hold_max_ns = ksweep_hold_max_ns;
	if (!ksweep_period_ns) {
		bpf_timer_cancel(&k->timer);
		return 0;
	}
	err = bpf_timer_init(&k->timer, &SFW_MAP_KSWEEP, KSWEEP_CLOCK_MONOTONIC);
	if (err && err != -KSWEEP_EBUSY)
		return 2;
	if (bpf_timer_set_callback(&k->timer, ksweep_tick))
		return 3;
	return bpf_timer_start(&k->timer, ksweep_period_ns, 0) ? 4 : 0;
}

char LICENSE[] SEC("license") = "GPL";
