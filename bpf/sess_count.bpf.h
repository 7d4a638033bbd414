/* The session counters (include/sess_stats.h): sessions by family and
 * protocol, by TCP state, Invalidated and multicast, and the created and
 * closed totals, kept where sessions are inserted, change TCP state and
 * end, so that nothing walks the table to count them.
 *
 * Exactly once. What a session is counted under lives in its tally word
 * (SFW_TALLY_COUNTED, _MCAST, _INVAL and the TCP state bits), written
 * before it is inserted and changed afterwards only by compare-and-swap,
 * and only while SFW_TALLY_ENDED is clear. Ending a session claims that
 * bit with one atomic OR (bpf/limit.bpf.h, sfw_session_claim), which also
 * returns the bits it was counted under at that instant: the one claimant
 * takes back exactly those. A state change that loses the race to the
 * claim finds ENDED set and counts nothing.
 *
 * Cost. Per-CPU values, so no shared cache line is written; atomic adds
 * all the same, because the reaper (a syscall program) runs in process
 * context where a packet's softirq can interrupt a plain read-add-write
 * on the same CPU. Only first packets, TCP state changes and session ends
 * count: an established packet touches none of this. */
#ifndef SFW_SESS_COUNT_BPF_H
#define SFW_SESS_COUNT_BPF_H

#include "maps.bpf.h"
#include "sess_stats.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_sess_stats);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_SESS_STATS SEC(".maps");

/* Written by the loader only (loader/sess_adopt.c); declared here so that
 * it is created and pinned with the counters. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_sess_meta);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_SESS_META SEC(".maps");

#define SFW_TALLY_STATE_BITS (SFW_TALLY_TCP_MASK | SFW_TALLY_INVAL)

static __always_inline bool sfw_addr_multicast(const union sfw_addr *a, __u8 family)
{
	return family == SFW_FAMILY_INET6 ? a->bytes[0] == 0xff : (a->bytes[0] & 0xf0) == 0xe0;
}

/* The state bits of what s is now: its TCP state and Invalidated. */
static __always_inline __u32 sfw_count_state_bits(const struct sfw_session *s)
{
	return ((__u32)(s->tcp_state & 0xf) << SFW_TALLY_TCP_SHIFT) |
	       (s->state == SFW_SESS_INVALIDATED ? SFW_TALLY_INVAL : 0);
}

/* Adds sign (1 or -1) sessions counted under bits, of key k's family and
 * protocol, to this CPU's counters. */
static __always_inline void sfw_count_apply(const struct sfw_session_key *k, __u32 bits,
					    __s64 sign)
{
	__u32 zero = 0;
	struct sfw_sess_stats *st = bpf_map_lookup_elem(&SFW_MAP_SESS_STATS, &zero);

	if (!st)
		return;
	__sync_fetch_and_add(&st->active[SFW_SESS_FAM(k->family) & 1][k->proto & 0xff], sign);
	if (k->proto == SFW_IPPROTO_TCP)
		__sync_fetch_and_add(&st->tcp[(bits >> SFW_TALLY_TCP_SHIFT) & 0xf], sign);
	if (bits & SFW_TALLY_INVAL)
		__sync_fetch_and_add(&st->invalidated, sign);
	if (bits & SFW_TALLY_MCAST)
		__sync_fetch_and_add(&st->multicast, sign);
}

/* The tally bits a new session (not yet in the table) is counted under;
 * dst is where its first packet went. Written into its tally word before
 * the insert, counted by sfw_count_open once the insert succeeded. */
static __always_inline __u32 sfw_count_bits_new(const struct sfw_session *s,
						const union sfw_addr *dst, __u8 family)
{
	return SFW_TALLY_COUNTED | sfw_count_state_bits(s) |
	       (sfw_addr_multicast(dst, family) ? SFW_TALLY_MCAST : 0);
}

/* A session (key k) now in the table, counted under bits; created: a new
 * one (1), or one already there being counted late (0, sfw_adopt).
 * Global: verified once, called on first packets only. */
__noinline int sfw_count_open(const struct sfw_session_key *k, __u32 bits, __u32 created)
{
	__u32 zero = 0;
	struct sfw_sess_stats *st;

	if (!k || !(bits & SFW_TALLY_COUNTED))
		return 0;
	sfw_count_apply(k, bits, 1);
	st = bpf_map_lookup_elem(&SFW_MAP_SESS_STATS, &zero);
	if (st && created)
		__sync_fetch_and_add(&st->created, 1);
	return 0;
}

/* The end of a session (key k) that the caller claimed: held is its tally
 * word at the claim. Takes back what it was counted under and counts its
 * close under reason (enum sfw_close_reason). */
__noinline int sfw_count_close(const struct sfw_session_key *k, __u32 held, __u32 reason)
{
	__u32 zero = 0;
	struct sfw_sess_stats *st;

	if (!k || !(held & SFW_TALLY_COUNTED))
		return 0;
	sfw_count_apply(k, held, -1);
	st = bpf_map_lookup_elem(&SFW_MAP_SESS_STATS, &zero);
	if (st && reason < SFW_SESS_CLOSE_SLOTS)
		__sync_fetch_and_add(&st->closed[reason], 1);
	return 0;
}

/* A TCP session's state changed: move its count from the state it is
 * counted in to the one it is in now. Two CPUs may change the state at
 * once: each compare-and-swap moves the count from what the word says,
 * so the count is never lost or doubled; a try lost to another change is
 * retried from the new word, and one lost to the claim of its end counts
 * nothing (the claimant takes back what the word said). */
__noinline int sfw_count_sync(struct sfw_session *s)
{
	__u32 zero = 0;
	struct sfw_sess_stats *st;

	if (!s)
		return 0;
	for (int i = 0; i < 4; i++) {
		__u32 old = *(volatile __u32 *)&s->tally, want;

		if ((old & (SFW_TALLY_COUNTED | SFW_TALLY_ENDED)) != SFW_TALLY_COUNTED)
			return 0;
		want = (old & ~SFW_TALLY_STATE_BITS) | sfw_count_state_bits(s);
		if (want == old)
			return 0;
		if (__sync_val_compare_and_swap(&s->tally, old, want) != old)
			continue;
		st = bpf_map_lookup_elem(&SFW_MAP_SESS_STATS, &zero);
		if (!st)
			return 0;
		__sync_fetch_and_add(&st->tcp[(old >> SFW_TALLY_TCP_SHIFT) & 0xf], -1);
		__sync_fetch_and_add(&st->tcp[(want >> SFW_TALLY_TCP_SHIFT) & 0xf], 1);
		if ((old ^ want) & SFW_TALLY_INVAL)
			__sync_fetch_and_add(&st->invalidated, want & SFW_TALLY_INVAL ? 1 : -1);
		return 1;
	}
	return 0;
}

#endif
