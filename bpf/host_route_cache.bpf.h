/* What sfw_xdp_host_in_routed (bpf/xdp_ingress.bpf.c) last answered "the
 * host's" for: a host session's opener whose destination is one of the
 * host's addresses, or one the stack would not forward (no route,
 * forwarding off). Asked of every packet in a host session's In wing, the
 * address lookup and the FIB lookup behind it cost about 20 ns a packet
 * (docs/performance.md "Established path cuts"). Keyed by every input of
 * both lookups (family, protocol, ports, ingress, ToS or flow label,
 * source, destination: the FIB query sfw_fib_query fills), and held as long as XDP
 * forwarding's routes are (bpf/route_cache.bpf.h): while the FIB
 * generation is the one read before the lookups (`sfw daemon` writes a
 * new one on every change of routes, rules, links, addresses or
 * forwarding, loader/fib_gen.c), and SFW_ROUTE_CACHE_NS at most (a change
 * no one followed). So a route that makes the destination forwarded ends
 * the session at the next packet, or within the second without the
 * daemon. (The daemon writes the generation before it updates the host's
 * addresses, loader/local_addrs.c, and again after: an answer taken from
 * the old address map in between holds until the second write.) The
 * other answer, "forwarded",
 * ends the session and is never kept. Per CPU, direct mapped: a slot
 * another query took is a miss, and the lookups then. The key is built
 * as whole words, not read back from a struct bpf_fib_lookup just
 * written field by field: a wide load over narrower stores still in
 * flight waits for them (no store forwarding), which made a hit cost most
 * of what it saved (docs/performance.md, D). */
#ifndef SFW_HOST_ROUTE_CACHE_BPF_H
#define SFW_HOST_ROUTE_CACHE_BPF_H

#include "route_cache.bpf.h"
#include "parse.bpf.h"

struct sfw_host_route_entry {
	__u64 q[SFW_ROUTE_QUERY_WORDS];   /* the key: sfw_host_route_key */
	__u64 gen;                        /* SFW_MAP_FIB_GEN before the lookups */
	__u64 stamp;                      /* the packet's clock then; 0: no answer */
};

/* Not pinned: a load starts with an empty one. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_host_route_entry);
	__uint(max_entries, SFW_ROUTE_CACHE_SLOTS);
} sfw_host_route_cache SEC(".maps");

/* The key of p's query from ingress with the frame's flowinfo and
 * route ports (sfw_fib_flowinfo, sfw_fib_ports): the words of what
 * sfw_fib_query fills, in an order of their own. */
static __always_inline void sfw_host_route_key(__u64 *w, const struct sfw_pkt *p, __u32 ingress,
					       __u32 flowinfo, __u32 ports)
{
	w[0] = sfw_route_word0(p->family, p->proto, (__be16)ports, (__be16)(ports >> 16));
	w[1] = ingress | (__u64)flowinfo << 32;
	if (p->family == SFW_FAMILY_INET) {
		w[2] = p->src.v4, w[3] = 0;
		w[4] = p->dst.v4, w[5] = 0;
		return;
	}
	__builtin_memcpy(&w[2], &p->src, 16);
	__builtin_memcpy(&w[4], &p->dst, 16);
}

/* The entry for the key w: NULL only if the map has none. */
static __always_inline struct sfw_host_route_entry *sfw_host_route_entry(const __u64 *w)
{
	__u32 slot = sfw_route_slot_of(w);

	return bpf_map_lookup_elem(&sfw_host_route_cache, &slot);
}

/* Does e say w's destination stays the host's, under gen at now? */
static __always_inline bool sfw_host_route_held(const struct sfw_host_route_entry *e,
						const __u64 *w, __u64 gen, __u64 now)
{
	return e && sfw_route_query_fresh(e->q, e->gen, e->stamp, w, gen, now);
}

/* Take e for the key w before its lookups: no answer until
 * sfw_host_route_keep (stamp 0 is never fresh: the clock is past its
 * first second), so a half-written entry answers nothing. */
static __always_inline void sfw_host_route_take(struct sfw_host_route_entry *e, const __u64 *w)
{
	if (!e)
		return;
	e->stamp = 0;
	__builtin_memcpy(e->q, w, sizeof(e->q));
}

/* The lookups said "the host's": e holds that under gen, read before them. */
static __always_inline void sfw_host_route_keep(struct sfw_host_route_entry *e, __u64 gen,
						__u64 now)
{
	if (!e)
		return;
	e->gen = gen;
	e->stamp = now;
}

#endif
