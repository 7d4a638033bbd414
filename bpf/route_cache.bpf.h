/* XDP forwarding's route cache: what bpf_fib_lookup answered SUCCESS for
 * a query (egress, MACs, how long a packet its MTU check passed), so that
 * the next packets with the same query skip the lookup (about 90 ns a
 * packet, docs/performance.md "Route cache"). Keyed by the whole query,
 * every input the lookup reads (family, protocol, ports, ingress, TOS or
 * flow label, source, destination): an entry answers exactly the query it
 * was looked up for, whatever session or NAT made it. Per CPU and direct
 * mapped, nothing per session: a slot another query took is a miss, and
 * the lookup then, as without the cache. An entry holds while
 * - the FIB generation (SFW_MAP_FIB_GEN) is the one read before its
 *   lookup: `sfw daemon` writes a new one on every netlink change of
 *   routes, rules, next hops, neighbours, links, addresses and forwarding
 *   (loader/fib_gen.c); a load starts with an empty cache;
 * - it is younger than SFW_ROUTE_CACHE_NS: what no notification tells
 *   (a path MTU learnt from an ICMP error, a multipath hash policy set by
 *   sysctl), or a daemon that is stopped, is stale a second at most;
 * - the packet is no longer than the longest the lookup passed: a longer
 *   one is looked up, and one over the MTU goes to the stack as before.
 * Only SUCCESS is kept: every other answer is looked up each time. The
 * key is built as whole words from the packet (sfw_fwd_key), and the
 * lookup's struct filled from it only on a miss: a hit writes its egress
 * and MACs, nothing else (docs/performance.md "Route cache key as
 * words"). */
#ifndef SFW_ROUTE_CACHE_BPF_H
#define SFW_ROUTE_CACHE_BPF_H

#include "maps.bpf.h"

#define SFW_ROUTE_CACHE_SLOTS 1024       /* a power of two */
#define SFW_ROUTE_CACHE_NS 1000000000ULL /* the bound without notification */
/* the query's input words: struct bpf_fib_lookup up to its outputs */
#define SFW_ROUTE_QUERY_WORDS 6
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the query words are struct bpf_fib_lookup's bytes as little-endian loads read them");

/* The FIB generation: entry 0, written by user space only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_FIB_GEN SEC(".maps");

struct sfw_route_entry {
	__u64 q[SFW_ROUTE_QUERY_WORDS];   /* the query, its tot_len 0 */
	__u64 gen;                        /* SFW_MAP_FIB_GEN before the lookup */
	__u64 stamp;                      /* bpf_ktime_get_coarse_ns() then */
	__u32 ifindex;                    /* the egress */
	__u16 max_len;                    /* the longest l3 length passed */
	__u8 smac[6];
	__u8 dmac[6];
};

/* Not pinned: a load starts with an empty one. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_route_entry);
	__uint(max_entries, SFW_ROUTE_CACHE_SLOTS);
} sfw_route_cache SEC(".maps");

/* The slot of the query words w. */
static __always_inline __u32 sfw_route_slot_of(const __u64 *w)
{
	__u64 h = 0;

	for (int i = 0; i < SFW_ROUTE_QUERY_WORDS; i++)
		h ^= w[i] * (0x9e3779b97f4a7c15ULL + 2 * i);
	return (__u32)(h >> 32) & (SFW_ROUTE_CACHE_SLOTS - 1);
}

static __always_inline __u64 sfw_route_gen(void)
{
	__u32 zero = 0;
	__u64 *g = bpf_map_lookup_elem(&SFW_MAP_FIB_GEN, &zero);

	return g ? *g : 0;
}

/* Was the query q, answered under generation egen at stamp, the query
 * words w, and is its answer still good under gen at now? Every cache of
 * lookups keyed by the query asks this (also bpf/host_route_cache.bpf.h). */
static __always_inline bool sfw_route_query_fresh(const __u64 *q, __u64 egen, __u64 stamp,
						  const __u64 *w, __u64 gen, __u64 now)
{
	__u64 diff = egen ^ gen;

	for (int i = 0; i < SFW_ROUTE_QUERY_WORDS; i++)
		diff |= q[i] ^ w[i];
	return !diff && now - stamp < SFW_ROUTE_CACHE_NS;
}

/* The query's first word, struct bpf_fib_lookup's first 8 bytes as a
 * little-endian load reads them: family (af), protocol, ports, tot_len 0.
 * A key built of such words is stored and read back at the same width,
 * so the reads find the stores forwarded; a struct filled field by field
 * and read as words waits for them (docs/performance.md, D). */
static __always_inline __u64 sfw_route_word0(__u64 af, __u8 proto, __be16 sport, __be16 dport)
{
	return af | (__u64)proto << 8 | (__u64)sport << 16 | (__u64)dport << 32;
}

/* Two words of an IPv6 address, as struct bpf_fib_lookup holds it. */
static __always_inline void sfw_route_words6(__u64 *w, const union sfw_addr *a)
{
	w[0] = a->v6[0] | (__u64)a->v6[1] << 32;
	w[1] = a->v6[2] | (__u64)a->v6[3] << 32;
}

/* Does entry e answer the query words w (tot_len 0) under generation gen
 * at now? */
static __always_inline bool sfw_route_fresh(const struct sfw_route_entry *e, const __u64 *w,
					    __u64 gen, __u64 now)
{
	return e->ifindex && sfw_route_query_fresh(e->q, e->gen, e->stamp, w, gen, now);
}

/* Asks bpf_fib_lookup the query w of length len, fib filled from w: the
 * words are struct bpf_fib_lookup's first SFW_ROUTE_QUERY_WORDS in its
 * layout (little-endian, as BPF here is), the outputs zeroed as before. */
static __always_inline int sfw_route_ask(struct xdp_md *ctx, struct bpf_fib_lookup *fib,
					 const __u64 *w, __u16 len)
{
	__builtin_memcpy(fib, w, SFW_ROUTE_QUERY_WORDS * 8);
	__builtin_memset((__u8 *)fib + SFW_ROUTE_QUERY_WORDS * 8, 0,
			 sizeof(*fib) - SFW_ROUTE_QUERY_WORDS * 8);
	fib->tot_len = len;
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
}

/* The lookup of the query words w (sfw_fwd_key: tot_len 0) for a packet
 * of l3 length len, through the cache: bpf_fib_lookup's answer; fib's
 * ifindex and MACs filled in on SUCCESS as the lookup fills them, the
 * rest of fib only when the lookup is asked. A slot that does not answer
 * is taken for this query before the lookup, empty until the lookup
 * succeeds. now: the packet's bpf_ktime_get_coarse_ns(), read
 * once for it (sfw_flow's), not again here: the cache is per CPU and
 * each CPU's coarse clock only moves forward, so a stamp is never later
 * than a following packet's now, and one taken a little earlier in the
 * packet only makes the entry's second end sooner. cached false: the
 * slot answers nothing, the lookup is asked and its answer kept. */
static __always_inline int sfw_route_lookup_as(struct xdp_md *ctx, struct bpf_fib_lookup *fib,
					       const __u64 *w, __u16 len, __u64 now, bool cached)
{
	__u64 gen = sfw_route_gen();
	struct sfw_route_entry *e;
	__u32 slot = sfw_route_slot_of(w);
	bool same;
	int rc;

	e = bpf_map_lookup_elem(&sfw_route_cache, &slot);
	if (!e)
		return sfw_route_ask(ctx, fib, w, len);
	same = cached && sfw_route_fresh(e, w, gen, now);
	if (!same) {
		__builtin_memcpy(e->q, w, sizeof(e->q));
		e->gen = gen;   /* read before the lookup: a change after it is newer */
		e->stamp = now;
		e->ifindex = 0;
		e->max_len = 0;
	}
	if (same && len <= e->max_len) {
		fib->ifindex = e->ifindex;
		__builtin_memcpy(fib->smac, e->smac, 6);
		__builtin_memcpy(fib->dmac, e->dmac, 6);
		return BPF_FIB_LKUP_RET_SUCCESS;
	}
	rc = sfw_route_ask(ctx, fib, w, len);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return rc;   /* over the MTU, or no route: the entry stays as it was */
	/* the stamp stays the first lookup's: the bound counts from there;
	 * another egress (a change not notified yet) passed this length only */
	if (e->ifindex != fib->ifindex)
		e->max_len = 0;
	e->ifindex = fib->ifindex;
	__builtin_memcpy(e->smac, fib->smac, 6);
	__builtin_memcpy(e->dmac, fib->dmac, 6);
	if (len > e->max_len)
		e->max_len = len;
	return rc;
}

static __always_inline int sfw_route_lookup(struct xdp_md *ctx, struct bpf_fib_lookup *fib,
					    const __u64 *w, __u16 len, __u64 now)
{
	return sfw_route_lookup_as(ctx, fib, w, len, now, true);
}

/* The lookup of the query words w asked of the FIB whatever the cache
 * holds, its answer kept for the packets after it (a first packet's
 * route, which its policy judges: never a cached second's old answer). */
static __always_inline int sfw_route_lookup_fresh(struct xdp_md *ctx, struct bpf_fib_lookup *fib,
						  const __u64 *w, __u16 len, __u64 now)
{
	return sfw_route_lookup_as(ctx, fib, w, len, now, false);
}

#endif
