/* Source NAT in the session table (docs/nat.md): the rule a first packet
 * meets, the port it is given, the alias its replies find the session by,
 * and their release when the session ends. What a packet of a NAT session
 * is rewritten to is planned here (sfw_nat_plan) for the hook that
 * rewrites it (bpf/nat_rewrite.bpf.h, XDP). Source NAT over IPv4 so far,
 * to the interface's address or a pool's; a commit refuses the rest of
 * `security nat` (docs/nat.md "What a commit takes"). */
#ifndef SFW_NAT_BPF_H
#define SFW_NAT_BPF_H

#include "maps.bpf.h"
#include "parse.bpf.h"
#include "session.bpf.h"
#include "policy.bpf.h"
#include "local_addr.bpf.h"
#include "host_ports.h"
#include "net_consts.h"

/* The deepest headers parse.bpf.h hands on: two VLAN tags, IPv4 options. */
#define SFW_NAT_MAX_L3_OFF 64
#define SFW_NAT_MAX_L4_OFF 128

/* Can this packet of a NAT session be translated? TCP, UDP and ICMP echo
 * over IPv4, within the header bounds; the rest is refused
 * under Incoming NAT errors rather than let through untranslated. */
static __always_inline bool sfw_nat_rewritable_l4(const struct sfw_pkt *p)
{
	if (p->family != SFW_FAMILY_INET || p->l3_off > SFW_NAT_MAX_L3_OFF ||
	    p->l4_off > SFW_NAT_MAX_L4_OFF)
		return false;
	return p->proto == SFW_IPPROTO_TCP || p->proto == SFW_IPPROTO_UDP ||
	       (p->proto == SFW_IPPROTO_ICMP && (p->icmp_kind == SFW_ICMPK_ECHO_REQUEST ||
						 p->icmp_kind == SFW_ICMPK_ECHO_REPLY));
}

/* A first fragment is translated as a whole packet is: its L4 checksum
 * covers the whole datagram, which an incremental update keeps right, and
 * its later fragments follow its record (docs/nat.md "Fragments"): the
 * wing XDP translates (source NAT's reply, destination and static NAT's
 * In wing) by sfw_nat_frag_rewrite, the other at tc egress
 * (bpf/nat_tc.bpf.h), as the stack's own fragments are. */
static __always_inline bool sfw_nat_rewritable_first(const struct sfw_pkt *p)
{
	return p->frag != SFW_FRAG_LATER && sfw_nat_rewritable_l4(p);
}

/* What a packet of a NAT session leaves as: filled by sfw_nat_plan, read
 * by the rewrite of the same packet on the same CPU (per-CPU, not pinned). */
struct sfw_nat_rw {
	union sfw_addr src;
	union sfw_addr dst;
	__be16 sport;
	__be16 dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_nat_rw);
	__uint(max_entries, 1);
} sfw_nat_rw_scratch SEC(".maps");

/* The ports source NAT gives out: lo..hi less the host's ephemeral range
 * [hlo, hhi] (struct sfw_config; interface NAT only), as `below` ports
 * under it and `above` over it; `own`: the client's port is tried first. */
struct sfw_nat_span {
	__u32 lo, hi;
	__u32 hlo, hhi;
	__u32 below, above;
	__u32 own;      /* the client's port is tried first (when in the span) */
	__u32 tries;    /* at most SFW_NAT_PORT_TRIES, at most the span's ports */
};

/* sfw_nat_forwarded's walk of the destination rules the replies of a
 * source NAT port would meet (and sfw_nat_static_owns's of the static
 * ones): the reply, the zone's list (its keys here,
 * in map memory: the call chain has no stack left below sfw_nat_reserve)
 * and its answer. */
struct sfw_nat_fwd {
	struct sfw_pkt rp;              /* the reply as a destination rule would meet it */
	struct sfw_zone_key zk;         /* the Out wing's interface, the generation */
	struct sfw_nat_entry_key ek;    /* the zone's destination or static list, the entry */
	__u32 n;                        /* its entries; 0: none to walk */
	__u32 found;
};

/* The keys and values sfw_nat_reserve and sfw_nat_release build: per-CPU
 * memory, as the call chain's 512 bytes of stack hold no more. */
struct sfw_nat_tmp {
	struct sfw_session alias;
	struct sfw_nat_port port;
	struct sfw_session_key ak;      /* the alias's key */
	struct sfw_session_key hk;      /* a holder's key (sfw_nat_owner_unpack) */
	struct sfw_nat_port_key pk;     /* the reservation's key */
	struct bpf_sock_tuple st;       /* the reply tuple a host socket may hold */
	struct sfw_nat_span sp;         /* off the stack: the chain's 512 are full */
	struct sfw_nat_fwd fw;          /* sfw_nat_forwarded's walk, its keys too */
	struct sfw_session_key ek;      /* an expired holder's key (sfw_nat_note_expired) */
	__u64 expired_id;               /* and its id; 0: none met */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_nat_tmp);
	__uint(max_entries, 1);
} sfw_nat_tmp_scratch SEC(".maps");

/* sfw_nat_source_rule's answer: 0 (no rule), or SFW_NAT_HIT with the
 * entry's action, rule id and source pool id (13 bits each: both are
 * bounded by 4,096, SFW_NAT_MAX_RULES and SFW_NAT_MAX_POOLS). */
#define SFW_NAT_HIT 0x80000000u
#define SFW_NAT_ACTION_OF(r) ((r) & 0xf)
#define SFW_NAT_RULE_OF(r) (((r) >> 4) & 0x1fff)
#define SFW_NAT_POOL_OF(r) (((r) >> 17) & 0x1fff)
SFW_STATIC_ASSERT(SFW_NAT_MAX_RULES < 0x2000 && SFW_NAT_MAX_POOLS < 0x2000,
		  "rule and pool ids fit the rule's answer");

/* What sfw_nat_reserve translates to, as sfw_xdp_snat found it: the
 * address (network order) and the ports to allocate from. A pool's
 * range is lo..hi; lo 0 with a pool is `port no-translation` (the
 * client's port only); interface NAT (pool id 0) allocates from
 * SFW_NAT_PORT_LO..HI outside the host's ephemeral range. */
#define SFW_NAT_TO(addr, lo, hi) ((__u64)(addr) | (__u64)(lo) << 32 | (__u64)(hi) << 48)
#define SFW_NAT_TO_ADDR(t) ((__be32)(t))
#define SFW_NAT_TO_LO(t) ((__u16)((t) >> 32))
#define SFW_NAT_TO_HI(t) ((__u16)((t) >> 48))

/* Counts counter c (of n) at index id of a per-CPU counters map whose
 * values are n __u64s (include/nat.h): id 0 is none. */
static __always_inline void sfw_nat_count_at(void *map, __u32 id, __u32 c, __u32 n)
{
	__u64 *st;

	if (!id || c >= n)
		return;
	st = bpf_map_lookup_elem(map, &id);
	if (st)
		st[c] += 1;
}

/* Counts counter c (enum sfw_nat_rule_counter) of the source NAT rule
 * sfw_nat_source_rule answered `rule` (0: none): first packets only, so
 * established traffic never pays for it. Per-CPU: no atomics. */
static __always_inline void sfw_nat_count(__u32 rule, __u32 c)
{
	sfw_nat_count_at(&SFW_MAP_NAT_RULE_STATS, rule ? SFW_NAT_RULE_OF(rule) : 0, c,
			 SFW_NAT_RC_COUNT);
}

/* Counts counter c (enum sfw_nat_pool_counter) of the source pool the
 * rule answer names, where its rule's are counted: first packets only. */
static __always_inline void sfw_nat_pool_count(__u32 rule, __u32 c)
{
	sfw_nat_count_at(&SFW_MAP_NAT_POOL_STATS, SFW_NAT_POOL_OF(rule), c, SFW_NAT_PC_COUNT);
}

/* The same for a destination NAT rule's answer (sfw_nat_dest_rule) or
 * its id (a session's dnat_rule_id), and its destination pool. */
static __always_inline void sfw_nat_dcount(__u32 rule_id, __u32 c)
{
	sfw_nat_count_at(&SFW_MAP_NAT_DRULE_STATS, rule_id, c, SFW_NAT_RC_COUNT);
}

static __always_inline void sfw_nat_dpool_count(__u32 rule, __u32 c)
{
	sfw_nat_count_at(&SFW_MAP_NAT_DPOOL_STATS, SFW_NAT_POOL_OF(rule), c, SFW_NAT_DPC_COUNT);
}

/* The same for a static NAT rule's id, either direction. */
static __always_inline void sfw_nat_scount(__u32 rule_id, __u32 c)
{
	sfw_nat_count_at(&SFW_MAP_NAT_SRULE_STATS, rule_id, c, SFW_NAT_RC_COUNT);
}

/* Counter c of the rule a source stage answered (0: none): a static
 * rule's reverse (SFW_NAT_ACT_PREFIX) or a source rule's. */
static __always_inline void sfw_nat_out_count(__u32 rule, __u32 c)
{
	if (rule && SFW_NAT_ACTION_OF(rule) == SFW_NAT_ACT_PREFIX)
		sfw_nat_scount(SFW_NAT_RULE_OF(rule), c);
	else
		sfw_nat_count(rule, c);
}

/* Counter c of the destination or static rule session s names
 * (dnat_rule_id; 0: none). */
static __always_inline void sfw_nat_xcount(const struct sfw_session *s, __u32 c)
{
	if (s->xflags & SFW_SESS_X_STATIC)
		sfw_nat_scount(s->dnat_rule_id, c);
	else
		sfw_nat_dcount(s->dnat_rule_id, c);
}

/* Does the masked prefix (len bits of want) hold a? Words past the
 * prefix compare under a zero mask, so IPv4 (word 0) and IPv6 share it. */
static __always_inline bool sfw_nat_prefix_has(const union sfw_addr *want, __u8 len,
					       const union sfw_addr *a)
{
#pragma unroll
	for (int w = 0; w < 4; w++) {
		int bits = (int)len - 32 * w;
		__u32 mask = bits <= 0 ? 0 : bits >= 32 ? 0xffffffffu : ~0u << (32 - bits);

		if ((a->v6[w] & bpf_htonl(mask)) != want->v6[w])
			return false;
	}
	return true;
}

static __always_inline bool sfw_nat_entry_matches(const struct sfw_nat_entry *e,
						  const struct sfw_pkt *p)
{
	__u16 dport = bpf_ntohs(p->dport);

	if (e->family && e->family != p->family)
		return false;
	if ((e->flags & SFW_NAT_E_PROTO) && e->proto != p->proto)
		return false;
	if ((e->flags & SFW_NAT_E_DPORT) && (dport < e->dport_lo || dport > e->dport_hi))
		return false;
	return sfw_nat_prefix_has(&e->src, e->src_len, &p->src) &&
	       sfw_nat_prefix_has(&e->dst, e->dst_len, &p->dst);
}

struct sfw_nat_walk {
	const struct sfw_pkt *p;
	struct sfw_nat_entry_key k;
	__u32 n;
	__u32 found;
};

/* A static entry's translation of a (IPv4): its prefix, xlate, with a's
 * host bits past len kept (docs/nat.md "Static NAT"). */
static __always_inline __be32 sfw_nat_prefix_map(const struct sfw_nat_entry *e, __be32 a,
						 __u8 len)
{
	__u32 host = len >= 32 ? 0 : len == 0 ? 0xffffffffu : 0xffffffffu >> len;

	return e->xlate.v4 | (a & bpf_htonl(host));
}

static long sfw_nat_walk_one(__u64 i, struct sfw_nat_walk *w)
{
	const struct sfw_nat_entry *e;

	if (i >= w->n)
		return 1;
	w->k.idx = (__u32)i;
	e = bpf_map_lookup_elem(&SFW_MAP_NAT_ENTRIES, &w->k);
	if (!e)
		return 1;
	if (!sfw_nat_entry_matches(e, w->p))
		return 0;
	w->found = SFW_NAT_HIT | (e->action & 0xf) | (__u32)(e->rule_id & 0x1fff) << 4 |
		   (__u32)(e->action == SFW_NAT_ACT_POOL ? e->pool_id & 0x1fff : 0) << 17;
	return 1;
}

/* The first entry of list lk matching p (include/nat.h): a bounded walk
 * (bpf_loop), run only for first packets. Its answer as
 * sfw_nat_source_rule's. */
static __always_inline __u32 sfw_nat_walk_list(const struct sfw_pkt *p,
					       const struct sfw_nat_list_key *lk)
{
	struct sfw_nat_walk w = { .p = p, .k.list = *lk };
	const struct sfw_nat_list *l = bpf_map_lookup_elem(&SFW_MAP_NAT_LISTS, lk);

	if (!l)
		return 0;
	w.n = l->n_entries < SFW_NAT_MAX_ENTRIES ? l->n_entries : SFW_NAT_MAX_ENTRIES;
	bpf_loop(SFW_NAT_MAX_ENTRIES, sfw_nat_walk_one, &w, 0);
	return w.found;
}

/* The source NAT rule of a first packet from zone `from` to zone `to` in
 * generation gen: the first entry of the zone pair's list that matches,
 * run only for first packets the policy permitted. A global function:
 * verified once. */
__noinline __u32 sfw_nat_source_rule(const struct sfw_pkt *p, __u32 from, __u32 to, __u32 gen)
{
	struct sfw_nat_list_key lk = { .stage = SFW_NAT_SOURCE, .from_zone = (__u8)from,
				       .to_zone = (__u8)to, .gen = (__u8)gen };

	return p ? sfw_nat_walk_list(p, &lk) : 0;
}

/* The destination NAT rule of a first packet from zone `from` in
 * generation gen (docs/nat.md "Destination NAT"): the ingress zone's
 * list, asked before the route lookup. Its pool id is a destination
 * pool's. A global function. */
__noinline __u32 sfw_nat_dest_rule(const struct sfw_pkt *p, __u32 from, __u32 gen)
{
	struct sfw_nat_list_key lk = { .stage = SFW_NAT_DESTINATION, .from_zone = (__u8)from,
				       .to_zone = SFW_ZONE_NONE, .gen = (__u8)gen };

	return p ? sfw_nat_walk_list(p, &lk) : 0;
}

/* The static NAT rule of a first packet (docs/nat.md "Static NAT") in
 * generation gen: stage SFW_NAT_STATIC, the ingress zone's list, asked
 * before the destination NAT rules and the route (p's destination
 * matched); SFW_NAT_STATIC_REVERSE, the egress zone's, before the source
 * NAT rules (its source matched). The answer as sfw_nat_source_rule's
 * (action SFW_NAT_ACT_PREFIX), the address translated to written to *to
 * only then (the callers' own memory: their frames are the chain's 512),
 * and only for a packet the rewrites translate (sfw_nat_rewritable_first).
 * IPv4 only, as a commit takes it. A global function. */
__noinline __u32 sfw_nat_static_rule(const struct sfw_pkt *p, __u32 stage, __u32 zone, __u32 gen,
				     __be32 *to)
{
	struct sfw_nat_walk w = { .p = p, .k.list = { .stage = (__u8)stage, .gen = (__u8)gen } };
	const struct sfw_nat_entry *e;
	const struct sfw_nat_list *l;
	bool fwd = stage == SFW_NAT_STATIC;

	if (!p || !to || p->family != SFW_FAMILY_INET)
		return 0;
	w.k.list.from_zone = fwd ? (__u8)zone : SFW_ZONE_NONE;
	w.k.list.to_zone = fwd ? SFW_ZONE_NONE : (__u8)zone;
	l = bpf_map_lookup_elem(&SFW_MAP_NAT_LISTS, &w.k.list);
	if (!l)
		return 0;
	w.n = l->n_entries < SFW_NAT_MAX_ENTRIES ? l->n_entries : SFW_NAT_MAX_ENTRIES;
	bpf_loop(SFW_NAT_MAX_ENTRIES, sfw_nat_walk_one, &w, 0);
	/* the walk stopped at the match: w.k is its entry's key */
	e = w.found ? bpf_map_lookup_elem(&SFW_MAP_NAT_ENTRIES, &w.k) : NULL;
	if (!e || e->action != SFW_NAT_ACT_PREFIX)
		return 0;
	if (!sfw_nat_rewritable_first(p))
		return w.found;
	*to = fwd ? sfw_nat_prefix_map(e, p->dst.v4, e->dst_len) :
	      sfw_nat_prefix_map(e, p->src.v4, e->src_len);
	return w.found;
}

/* Could p be the reply of a destination NAT session of entry e (its
 * pool's address and port, its protocol, its client prefix): from the
 * address, and the port, the pool translates to? A pool without a port
 * keeps the client's, so any the entry matches; an echo keeps its
 * identifier, and a later fragment carries no ports: the address. */
static long sfw_nat_serves_one(__u64 i, struct sfw_nat_walk *w)
{
	struct sfw_nat_pool_key pk = { .kind = SFW_NAT_POOL_DESTINATION, .gen = w->k.list.gen };
	const struct sfw_pkt *p = w->p;
	const struct sfw_nat_entry *e;
	const struct sfw_nat_pool *pl;
	__u16 sport = bpf_ntohs(p->sport);

	if (i >= w->n)
		return 1;
	w->k.idx = (__u32)i;
	e = bpf_map_lookup_elem(&SFW_MAP_NAT_ENTRIES, &w->k);
	if (!e)
		return 1;
	if (e->action != SFW_NAT_ACT_POOL || ((e->flags & SFW_NAT_E_PROTO) && e->proto != p->proto) ||
	    !sfw_nat_prefix_has(&e->src, e->src_len, &p->dst))
		return 0;
	pk.id = e->pool_id;
	pl = bpf_map_lookup_elem(&SFW_MAP_NAT_POOLS, &pk);
	if (!pl || pl->first.v4 != p->src.v4)
		return 0;
	if (p->proto != SFW_IPPROTO_ICMP && p->frag != SFW_FRAG_LATER &&
	    (pl->port_lo ? sport != pl->port_lo :
	     (e->flags & SFW_NAT_E_DPORT) && (sport < e->dport_lo || sport > e->dport_hi)))
		return 0;
	w->found = 1;
	return 1;
}

/* Does a destination NAT rule of zone `from` (generation gen) translate
 * to p's source: is p, leaving toward that zone, a reply the rule's
 * sessions would have translated (docs/nat.md "Destination NAT")? Asked
 * on tc's misses only (sfw_tc_nat_miss). IPv4 only, as destination NAT
 * is. A global function: its walk stays off tc's frame. */
__noinline int sfw_nat_dest_serves(const struct sfw_pkt *p, __u32 from, __u32 gen)
{
	struct sfw_nat_walk w = { .p = p, .k.list = { .stage = SFW_NAT_DESTINATION,
						      .from_zone = (__u8)from,
						      .to_zone = SFW_ZONE_NONE, .gen = (__u8)gen } };
	const struct sfw_nat_list *l;

	if (!p || p->family != SFW_FAMILY_INET)
		return 0;
	l = bpf_map_lookup_elem(&SFW_MAP_NAT_LISTS, &w.k.list);
	if (!l)
		return 0;
	w.n = l->n_entries < SFW_NAT_MAX_ENTRIES ? l->n_entries : SFW_NAT_MAX_ENTRIES;
	bpf_loop(SFW_NAT_MAX_ENTRIES, sfw_nat_serves_one, &w, 0);
	return w.found;
}

/* The canonical key (bpf/session.bpf.h sfw_make_key) of a reply from
 * a:ap to b:bp, IPv4 (NAT's only family). */
static __always_inline void sfw_nat_key(struct sfw_session_key *k, __be32 a, __be16 ap,
					__be32 b, __be16 bp, __u8 proto)
{
	bool lo = a != b ? a < b : ap <= bp;

	__builtin_memset(k, 0, sizeof(*k));
	k->addr_lo.v4 = lo ? a : b;
	k->addr_hi.v4 = lo ? b : a;
	k->port_lo = lo ? ap : bp;
	k->port_hi = lo ? bp : ap;
	k->proto = proto;
	k->family = SFW_FAMILY_INET;
}

/* The first port tried: the client's own when the range holds it (as
 * nf_nat keeps a source port whose tuple is free), then from a hashed
 * offset into the range (docs/nat.md "Port allocation"). */
static __always_inline __u32 sfw_nat_hash(const struct sfw_pkt *p)
{
	__u32 h = p->src.v4 * 0x9e3779b1u ^ p->dst.v4;

	h ^= ((__u32)p->sport << 16 | p->dport) * 0x85ebca6bu;
	h ^= h >> 13;
	return h * 0xc2b2ae35u;
}

static __always_inline void sfw_nat_span_of(struct sfw_nat_span *sp, __u32 hlo, __u32 hhi)
{
	if (!hlo || hhi < hlo) {
		hlo = SFW_NAT_PORT_HI + 1;   /* nothing excluded */
		hhi = hlo;
	}
	sp->lo = SFW_NAT_PORT_LO;
	sp->hi = SFW_NAT_PORT_HI;
	sp->own = 1;
	sp->tries = SFW_NAT_PORT_TRIES;
	sp->hlo = hlo;
	sp->hhi = hhi;
	sp->below = hlo > SFW_NAT_PORT_LO ? hlo - SFW_NAT_PORT_LO : 0;
	sp->above = hhi < SFW_NAT_PORT_HI ? SFW_NAT_PORT_HI - hhi : 0;
}

/* A pool's range lo..hi as it is (its addresses are not the host's, whose
 * ephemeral ports are its own addresses'), from a hashed offset, as
 * Junos's port randomization does; `port no-translation` (lo 0): the
 * client's own port, one try, whatever it is. */
static __always_inline void sfw_nat_span_pool(struct sfw_nat_span *sp, __u32 lo, __u32 hi)
{
	__u32 n = lo && hi >= lo ? hi - lo + 1 : 0;

	sp->own = !lo;
	sp->lo = lo;
	sp->hi = lo ? hi : 0xffff;
	sp->hlo = sp->hi + 1;
	sp->hhi = sp->hi + 1;
	sp->below = n;
	sp->above = 0;
	sp->tries = !lo ? 1 : n < SFW_NAT_PORT_TRIES ? n : SFW_NAT_PORT_TRIES;
}

/* A pool address the host owns: its ephemeral range [hlo, hhi] is the
 * host's own connections' (rv31a F1: a client's session on P:p -> S:sp
 * dropped the host's later one from the same port at tc), so it is cut
 * out of the pool's range as interface NAT leaves it out; a range inside
 * it leaves no port: refused, as interface NAT's is. `port
 * no-translation` keeps the client's port whatever it is. */
static __always_inline void sfw_nat_span_cut(struct sfw_nat_span *sp, __u32 hlo, __u32 hhi)
{
	__u32 n;

	if (sp->own || !hlo || hhi < hlo || hhi < sp->lo || hlo > sp->hi)
		return;
	sp->hlo = hlo;
	sp->hhi = hhi;
	sp->below = hlo > sp->lo ? hlo - sp->lo : 0;
	sp->above = hhi < sp->hi ? sp->hi - hhi : 0;
	n = sp->below + sp->above;
	sp->tries = n < SFW_NAT_PORT_TRIES ? n : SFW_NAT_PORT_TRIES;
}

/* Try i's place in a range larger than the tries: a fresh hash each,
 * so a run of held ports (clients' consecutive ports, kept as their own)
 * costs one try, not the whole budget, as nf_nat's search starts afresh
 * from a new random offset; a range no larger than the tries is walked in
 * order, every port once. */
static __always_inline __u32 sfw_nat_scatter(__u32 h, __u32 i)
{
	__u32 x = h + i * 0x9e3779b1u;

	x ^= x >> 15;
	x *= 0x85ebca77u;
	return x ^ x >> 13;
}

static __always_inline __u16 sfw_nat_try_port(const struct sfw_pkt *p, __u32 h, __u32 i,
					      const struct sfw_nat_span *sp)
{
	__u16 own = bpf_ntohs(p->sport);
	__u32 idx, n;

	if (i == 0 && sp->own && own >= sp->lo && own <= sp->hi &&
	    (own < sp->hlo || own > sp->hhi))
		return own;
	n = sp->below + sp->above;
	idx = n <= SFW_NAT_PORT_TRIES ? h + i : sfw_nat_scatter(h, i);
	idx %= n;
	return (__u16)(idx < sp->below ? sp->lo + idx : sp->hhi + 1 + (idx - sp->below));
}

/* The key of the session an alias or a reservation names (o), unpacked
 * into a per-CPU scratch: the call chains' frames are at their 512 bytes.
 * NULL only when the scratch cannot be had. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_session_key);
	__uint(max_entries, 1);
} sfw_nat_owner_scratch SEC(".maps");

static __always_inline struct sfw_session_key *sfw_nat_owner_key(const struct sfw_nat_owner *o)
{
	__u32 zero = 0;
	struct sfw_session_key *k = bpf_map_lookup_elem(&sfw_nat_owner_scratch, &zero);

	if (k)
		sfw_nat_owner_unpack(k, o);
	return k;
}

/* Is the NAT session at key `owner` still the one of id `id`, or may it
 * be on its way (made at since_s, not yet inserted: SFW_NAT_TAKEOVER_S)?
 * No when it is gone (ended without its release: the LRU evicted it) or
 * the key is another session's since: the reservation or alias naming it
 * is stale (docs/nat.md "Reclaim"). Ids are never reused, so the session
 * of that id holds what named it. */
static __always_inline bool sfw_nat_holder_live(const struct sfw_session_key *owner, __u64 id,
						__u32 since_s, __u32 now_s)
{
	const struct sfw_session *s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, owner);

	if (s && !SFW_SESS_IS_ALIAS(s) && (s->flags & SFW_SESS_F_NAT) &&
	    (s->id & ~SFW_SESS_ID_DYING) == (id & ~SFW_SESS_ID_DYING))
		return true;
	return sfw_nat_young(since_s, now_s);
}

/* A reservation refused to sfw_nat_reserve_port by a holder t->hk of id
 * `was` that is in the table but expired: one only the sweeper would end,
 * so that with no session daemon its port stayed held for good, and a
 * burst of flows as large as a pool refused every later client (review
 * rvdaemon, F1). The first met is noted in t (ek, expired_id) for
 * sfw_nat_reclaim (bpf/flow.bpf.h), which ends it once the allocation has
 * failed: no frame here has room for the end's call chain. A global
 * function without a frame: inlined, it grew sfw_nat_take's, whose call
 * chain from XDP is at the 512 bytes. */
__noinline int sfw_nat_note_expired(struct sfw_nat_tmp *t, __u64 was)
{
	const struct sfw_session *s;

	if (!t || t->expired_id)
		return 0;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &t->hk);
	if (s && !SFW_SESS_IS_ALIAS(s) && s->id == was &&
	    sfw_expired(s, bpf_ktime_get_coarse_ns())) {
		t->ek = t->hk;
		t->expired_id = was;
	}
	return 0;
}

/* The reservation of t->pk for t->port's session: a new one (BPF_NOEXIST:
 * whoever inserts first holds it, on any CPU), or a stale one taken over
 * by a compare-and-swap of its session id, so of the CPUs that find one
 * stale only one takes it. 0: ours. A live holder that is expired is
 * noted (sfw_nat_note_expired). */
static __always_inline int sfw_nat_reserve_port(struct sfw_nat_tmp *t)
{
	struct sfw_nat_port *r;
	__u64 was;

	if (!bpf_map_update_elem(&SFW_MAP_NAT_PORTS, &t->pk, &t->port, BPF_NOEXIST))
		return 0;
	r = bpf_map_lookup_elem(&SFW_MAP_NAT_PORTS, &t->pk);
	if (!r)
		return -1;
	was = r->sess_id;
	sfw_nat_owner_unpack(&t->hk, &r->owner);
	if (sfw_nat_holder_live(&t->hk, was, r->since_s, t->port.since_s)) {
		sfw_nat_note_expired(t, was);
		return -1;
	}
	if (__sync_val_compare_and_swap(&r->sess_id, was, t->port.sess_id) != was)
		return -1;
	r->since_s = t->port.since_s;
	r->owner = t->port.owner;
	return 0;
}

/* The alias of t->ak: a new one, or in place of a stale alias (its
 * session gone without it). Only the port's holder makes aliases of that
 * port's tuples, so the stale one's delete takes nobody's. 0: ours. */
static __always_inline int sfw_nat_insert_alias(struct sfw_nat_tmp *t)
{
	const struct sfw_session *a;

	if (!bpf_map_update_elem(&SFW_MAP_SESSIONS, &t->ak, &t->alias, BPF_NOEXIST))
		return 0;
	a = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &t->ak);
	/* a session of the host's own, or a live alias, holds that tuple */
	if (!a || !SFW_SESS_IS_ALIAS(a))
		return -1;
	sfw_nat_owner_unpack(&t->hk, &a->owner);
	if (sfw_nat_holder_live(&t->hk, a->id, a->created_s, t->alias.created_s))
		return -1;
	bpf_map_delete_elem(&SFW_MAP_SESSIONS, &t->ak);
	return bpf_map_update_elem(&SFW_MAP_SESSIONS, &t->ak, &t->alias, BPF_NOEXIST) ? -1 : 0;
}

/* Takes port t->pk for the session t->port names: the reservation, then
 * the alias its replies will find (docs/nat.md "Port allocation").
 * Returns 0 when both are ours, with the alias's key in t->ak. A global
 * function, verified once: inlined into sfw_nat_reserve's loop, the
 * holders' age checks took the XDP program past the verifier's limit. */
__noinline int sfw_nat_take(struct sfw_nat_tmp *t, const struct sfw_pkt *p)
{
	struct sfw_nat_port *r;

	if (!t || !p)
		return -1;
	if (sfw_nat_reserve_port(t))
		return -1;
	/* the reply: from the destination to the translated source */
	sfw_nat_key(&t->ak, p->dst.v4, p->dport, t->pk.addr.v4, t->pk.port, p->proto);
	if (sfw_nat_insert_alias(t)) {
		r = bpf_map_lookup_elem(&SFW_MAP_NAT_PORTS, &t->pk);
		if (r && r->sess_id == t->port.sess_id)
			bpf_map_delete_elem(&SFW_MAP_NAT_PORTS, &t->pk);
		return -1;
	}
	return 0;
}

/* Ports of sockets the lookup above cannot find (include/host_ports.h):
 * bound to a device, or TCP bound only. port: network order. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SFW_HOST_PORTS_ENTRIES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_HOST_PORTS SEC(".maps");

/* A global function, verified once: inlined, its branches multiplied
 * the states of the port loop past the verifier's limit. */
__noinline int sfw_host_port_held(__u32 proto, __u32 port)
{
	__u16 hport = bpf_ntohs((__u16)port);
	__u32 k = sfw_host_port_word((__u8)proto, hport);
	const __u64 *w = bpf_map_lookup_elem(&SFW_MAP_HOST_PORTS, &k);

	return w && (*w & sfw_host_port_bit(hport));
}

/* Would a socket of the host's receive the replies to port t->pk? A
 * fixed-port service outside the host's ephemeral range (IKE NAT-T on
 * 4500, OpenVPN on 1194) can sit on a port a client also sends from: the
 * alias would take that service's traffic, and the host's own
 * packets on the tuple would meet a NAT session that is not theirs (the
 * fourth review's N7). Asked of the reply tuple, as the stack would
 * deliver it: a listener, a bound or connected socket; then the ports of
 * sockets that lookup cannot find (bound to another device, TCP bound
 * only: review 14's N7a, N7b). First packets of translated sessions
 * only. */
static __always_inline bool sfw_nat_host_holds(struct xdp_md *ctx, const struct sfw_pkt *p,
					       struct sfw_nat_tmp *t)
{
	struct bpf_sock *sk;

	t->st.ipv4.saddr = p->dst.v4;
	t->st.ipv4.sport = p->dport;
	t->st.ipv4.daddr = t->pk.addr.v4;
	t->st.ipv4.dport = t->pk.port;
	if (p->proto == SFW_IPPROTO_UDP)
		sk = bpf_sk_lookup_udp(ctx, &t->st, sizeof(t->st.ipv4), BPF_F_CURRENT_NETNS, 0);
	else if (p->proto == SFW_IPPROTO_TCP)
		sk = bpf_sk_lookup_tcp(ctx, &t->st, sizeof(t->st.ipv4), BPF_F_CURRENT_NETNS, 0);
	else
		return false;   /* ICMP echo: identifiers are no sockets' */
	if (!sk)
		return sfw_host_port_held(p->proto, t->pk.port);
	bpf_sk_release(sk);
	return true;
}

/* One destination rule entry for sfw_nat_forwarded (tp: the caller's
 * scratch pointer; no stack of its own). First match wins, as for a
 * first packet: an `off` rule's reply would go to the host, whose
 * sockets N7's lookup keeps. */
static long sfw_nat_forwarded_one(__u64 i, struct sfw_nat_tmp **tp)
{
	struct sfw_nat_tmp *t = *tp;
	const struct sfw_nat_entry *e;

	if (!t || i >= t->fw.n)
		return 1;
	t->fw.ek.idx = (__u32)i;
	e = bpf_map_lookup_elem(&SFW_MAP_NAT_ENTRIES, &t->fw.ek);
	if (!e)
		return 1;
	if (!sfw_nat_entry_matches(e, &t->fw.rp))
		return 0;
	/* a static rule's (sfw_nat_static_owns) forwards every port */
	t->fw.found = e->action == SFW_NAT_ACT_POOL || e->action == SFW_NAT_ACT_PREFIX;
	return 1;
}

/* The zone the replies of a source NAT session made at key-less s come
 * in from (its Out wing's interface), in the generation in force, into
 * t->fw's list key, for sfw_nat_forwarded_list: looked up once per first
 * packet, and only when the generation has destination or static
 * rule-sets (nothing else asks it). */
static __always_inline void sfw_nat_reply_zone(struct sfw_nat_tmp *t, const struct sfw_session *s,
					       const struct sfw_config *cfg)
{
	const __u32 *zone;

	t->fw.n = 0;
	if (!(cfg->flags & (SFW_CFG_F_NAT_STATIC | SFW_CFG_F_NAT_DEST)))
		return;
	t->fw.zk.ifindex = s->wing[SFW_WING_OUT].ifindex;
	t->fw.zk.gen = sfw_cfg_gen(cfg);
	zone = bpf_map_lookup_elem(&SFW_MAP_ZONES, &t->fw.zk);
	t->fw.ek.list.from_zone = (__u8)(zone ? *zone : SFW_ZONE_NONE);
	t->fw.ek.list.to_zone = SFW_ZONE_NONE;
	t->fw.ek.list.gen = (__u8)t->fw.zk.gen;
}

/* The destination rules (stage SFW_NAT_DESTINATION), or the static ones
 * (SFW_NAT_STATIC), of the replies' zone (sfw_nat_reply_zone), for
 * sfw_nat_forwarded and sfw_nat_static_owns: their list's key and
 * length in t->fw (n 0: none). Once each per first packet. */
static __always_inline void sfw_nat_forwarded_list(struct sfw_nat_tmp *t,
						   const struct sfw_config *cfg, __u32 stage)
{
	const struct sfw_nat_list *l;

	t->fw.n = 0;
	/* no such rule-set in the generation: nothing is forwarded */
	if (!(cfg->flags & (stage == SFW_NAT_STATIC ? SFW_CFG_F_NAT_STATIC : SFW_CFG_F_NAT_DEST)))
		return;
	t->fw.ek.list.stage = (__u8)stage;
	t->fw.ek.idx = 0;
	l = bpf_map_lookup_elem(&SFW_MAP_NAT_LISTS, &t->fw.ek.list);
	t->fw.n = !l ? 0 : l->n_entries < SFW_NAT_MAX_ENTRIES ? l->n_entries : SFW_NAT_MAX_ENTRIES;
}

/* Walks the list sfw_nat_forwarded_list found for the reply tuple t->fw.rp
 * (sfw_nat_forwarded_one): does one of its rules take it? */
static __always_inline bool sfw_nat_walk_forwarded(struct sfw_nat_tmp **tp)
{
	(*tp)->fw.found = 0;
	bpf_loop(SFW_NAT_MAX_ENTRIES, sfw_nat_forwarded_one, tp, 0);
	return (*tp)->fw.found;
}

/* Would the reply to port t->pk, from p's destination, be the first
 * packet of a destination NAT rule of the zone it comes in from
 * (sfw_nat_forwarded_list): a port forward's public address and port?
 * The alias would take that rule's traffic from that peer, for as long
 * as the client keeps its session: an inside host sending from the
 * forwarded port (interface NAT keeps a client's own port; the hash of
 * the others has no secret) to a peer that sends to the port forward
 * from a fixed port (SIP, IKE NAT-T, OpenVPN) took that peer's traffic
 * (docs/nat.md "Fifth review", RV5-1). Such a port is skipped, as N7's
 * host sockets are. TCP and UDP: no rule translates an echo reply. The
 * walk's state is in t, tp the caller's pointer to it (bpf_loop's
 * context): its callback takes no stack. */
static __always_inline bool sfw_nat_forwarded(const struct sfw_pkt *p, struct sfw_nat_tmp **tp)
{
	struct sfw_nat_tmp *t = *tp;

	if (!t || !t->fw.n || (p->proto != SFW_IPPROTO_TCP && p->proto != SFW_IPPROTO_UDP))
		return false;
	__builtin_memset(&t->fw.rp, 0, sizeof(t->fw.rp));
	t->fw.rp.src = p->dst;
	t->fw.rp.sport = p->dport;
	t->fw.rp.dst = t->pk.addr;
	t->fw.rp.dport = t->pk.port;
	t->fw.rp.proto = p->proto;
	t->fw.rp.family = p->family;
	return sfw_nat_walk_forwarded(tp);
}

/* Does a static rule of the zone the replies come in from
 * (sfw_nat_forwarded_list, SFW_NAT_STATIC) hold the address t->pk, that
 * source NAT translates p to? Then static NAT forwards every port of it
 * to its inside host, and an alias on it would take what a peer sends
 * the static host on that tuple: an inside host choosing its port (as in
 * RV5-1) took a peer's traffic to the static address (an interface's
 * own address, or a pool's, inside the rule's destination-address;
 * docs/nat.md "Sixth review", RV6-1). The session is refused, as no
 * port of that address is free. Asked once per first packet, the walk
 * as sfw_nat_forwarded's. */
static __always_inline bool sfw_nat_static_owns(const struct sfw_pkt *p, struct sfw_nat_tmp **tp)
{
	struct sfw_nat_tmp *t = *tp;

	if (!t || !t->fw.n)
		return false;
	__builtin_memset(&t->fw.rp, 0, sizeof(t->fw.rp));
	t->fw.rp.dst = t->pk.addr;
	t->fw.rp.proto = p->proto;
	t->fw.rp.family = p->family;
	return sfw_nat_walk_forwarded(tp);
}

/* The alias entry of session s at key k (docs/nat.md "Sessions: the In
 * wing and the Out wing"): never expiring by itself, pointing at the
 * session's key and id. */
static __always_inline void sfw_nat_alias_of(struct sfw_session *a, const struct sfw_session *s,
					     const struct sfw_session_key *k)
{
	__builtin_memset(a, 0, sizeof(*a));
	a->id = s->id;
	a->created_s = s->created_s;
	a->last_seen_s = s->last_seen_s;
	a->timeout_s = SFW_NAT_ALIAS_TIMEOUT;
	a->flags = SFW_SESS_F_NAT_ALIAS;
	sfw_nat_owner_pack(&a->owner, k);
}

/* Source NAT to `to` (SFW_NAT_TO: the address and a pool's ports) for the
 * session s being made at key k (its rule and pool already in s->nat): a
 * port of the address reserved, the alias inserted, s's NAT block
 * filled. Returns 0, or SFW_CNT_ERR_INCOMING_NAT when no port was free
 * within the span's tries (a full pool; a no-translation pool whose
 * address has the client's port taken), a port a host socket holds or
 * a destination rule forwards skipped (docs/nat.md), or when a static
 * rule of the replies' zone holds the address (sfw_nat_static_owns).
 * Before the session's own insert: if that fails, sfw_nat_release takes
 * both back. A global function, XDP's only (ctx: the packet's). */
__noinline __u32 sfw_nat_reserve(struct xdp_md *ctx, const struct sfw_pkt *p,
				 const struct sfw_session_key *k, struct sfw_session *s,
				 __u64 to)
{
	const struct sfw_config *cfg;
	struct sfw_nat_tmp *t;
	__u32 zero = 0, h;

	if (!p || !k || !s)
		return SFW_CNT_ERR_INCOMING_NAT;
	t = bpf_map_lookup_elem(&sfw_nat_tmp_scratch, &zero);
	cfg = bpf_map_lookup_elem(&SFW_MAP_CONFIG, &zero);
	if (!t || !cfg || p->family != SFW_FAMILY_INET)
		return SFW_CNT_ERR_INCOMING_NAT;
	/* an expired holder is noted for this packet's sfw_nat_reclaim only */
	t->expired_id = 0;
	__builtin_memset(&t->pk, 0, sizeof(t->pk));
	t->pk.addr.v4 = SFW_NAT_TO_ADDR(to);
	t->pk.proto = p->proto;
	t->pk.family = p->family;
	if (s->nat.pool_id) {
		sfw_nat_span_pool(&t->sp, SFW_NAT_TO_LO(to), SFW_NAT_TO_HI(to));
		if (sfw_local_addr_has(&t->pk.addr, p->family))
			sfw_nat_span_cut(&t->sp, cfg->nat_host_port_lo, cfg->nat_host_port_hi);
	} else {
		sfw_nat_span_of(&t->sp, cfg->nat_host_port_lo, cfg->nat_host_port_hi);
	}
	/* the host's range takes them all (a no-translation pool's span is
	 * the client's port alone) */
	if (!t->sp.below && !t->sp.above && !(s->nat.pool_id && !t->sp.lo))
		return SFW_CNT_ERR_INCOMING_NAT;
	sfw_nat_alias_of(&t->alias, s, k);
	t->port.sess_id = s->id;
	t->port.since_s = s->created_s;
	t->port.owner = t->alias.owner;
	h = sfw_nat_hash(p);
	/* the replies come in by the zone the Out wing leaves by, judged in
	 * the generation in force now (the rule's, but for a commit since) */
	sfw_nat_reply_zone(t, s, cfg);
	sfw_nat_forwarded_list(t, cfg, SFW_NAT_STATIC);
	if (sfw_nat_static_owns(p, &t))
		return SFW_CNT_ERR_INCOMING_NAT;
	sfw_nat_forwarded_list(t, cfg, SFW_NAT_DESTINATION);
	for (__u32 i = 0; i < SFW_NAT_PORT_TRIES && i < t->sp.tries; i++) {
		t->pk.port = bpf_htons(sfw_nat_try_port(p, h, i, &t->sp));
		if (sfw_nat_host_holds(ctx, p, t) || sfw_nat_forwarded(p, &t) ||
		    sfw_nat_take(t, p))
			continue;
		s->flags |= SFW_SESS_F_NAT;
		s->nat.src = t->pk.addr.v4;
		s->nat.sport = t->pk.port;
		s->nat.dst = p->dst.v4;
		s->nat.dport = p->dport;
		return 0;
	}
	return SFW_CNT_ERR_INCOMING_NAT;
}

/* The alias of a NAT session that allocates nothing, s (at key k, its
 * NAT block filled): destination NAT's, static NAT's both ways. The
 * reply tuple, from the In wing's destination as it leaves to its
 * source (the server to the client; the static host's peer to the
 * static address), inserted before the session (BPF_NOEXIST, or in
 * place of a stale alias), as sfw_nat_reserve's are; no port is
 * reserved, the packet's own stay. 0, or SFW_CNT_ERR_INCOMING_NAT when
 * that tuple is held (a live alias, a session of its own: the server
 * reached by that client directly). If the session's insert fails,
 * sfw_nat_release takes it back. A global function. */
__noinline __u32 sfw_nat_fixed_alias(const struct sfw_session_key *k, const struct sfw_session *s)
{
	struct sfw_nat_tmp *t;
	__u32 zero = 0;

	if (!k || !s)
		return SFW_CNT_ERR_INCOMING_NAT;
	t = bpf_map_lookup_elem(&sfw_nat_tmp_scratch, &zero);
	if (!t || k->family != SFW_FAMILY_INET)
		return SFW_CNT_ERR_INCOMING_NAT;
	sfw_nat_alias_of(&t->alias, s, k);
	sfw_nat_key(&t->ak, s->nat.dst, s->nat.dport, s->nat.src, s->nat.sport, k->proto);
	return sfw_nat_insert_alias(t) ? SFW_CNT_ERR_INCOMING_NAT : 0;
}

/* Gives back what NAT session s (at key k, id `id`) holds: its alias and
 * its port, each only while it is still this session's (an id check:
 * either may have been taken by a later session since). Called by
 * whoever claimed the session's end (sfw_retire, the reaper), and when
 * the session's own insert failed. A global function. */
__noinline int sfw_nat_release(const struct sfw_session_key *k, const struct sfw_session *s,
			       __u64 id)
{
	struct sfw_nat_port *r;
	struct sfw_nat_tmp *t;
	struct sfw_session *a;
	__u32 zero = 0;

	if (!k || !s || !(s->flags & SFW_SESS_F_NAT))
		return 0;
	t = bpf_map_lookup_elem(&sfw_nat_tmp_scratch, &zero);
	if (!t)
		return 0;
	id &= ~SFW_SESS_ID_DYING;
	__builtin_memset(&t->pk, 0, sizeof(t->pk));
	t->pk.addr.v4 = s->nat.src;
	t->pk.port = s->nat.sport;
	t->pk.proto = k->proto;
	t->pk.family = k->family;
	/* the reply comes from the In wing's destination as it leaves
	 * (destination NAT's server, else the original one) */
	sfw_nat_key(&t->ak, s->nat.dst, s->nat.dport, s->nat.src, s->nat.sport, k->proto);
	a = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &t->ak);
	if (a && SFW_SESS_IS_ALIAS(a) && (a->id & ~SFW_SESS_ID_DYING) == id)
		bpf_map_delete_elem(&SFW_MAP_SESSIONS, &t->ak);
	r = bpf_map_lookup_elem(&SFW_MAP_NAT_PORTS, &t->pk);
	if (r && r->sess_id == id)
		bpf_map_delete_elem(&SFW_MAP_NAT_PORTS, &t->pk);
	return 1;
}

/* The wing of a NAT session (its flags) that XDP translates, fragments
 * too: destination and static NAT's In wing, whose route is the
 * translated destination's, else source NAT's reply, addressed to the
 * host's own address until translated. The other wing goes up as it came
 * and is translated at tc egress (bpf/nat_tc.bpf.h). */
static __always_inline __u32 sfw_nat_xdp_wing(__u8 sess_flags)
{
	return sess_flags & SFW_SESS_F_DNAT ? SFW_WING_IN : SFW_WING_OUT;
}

/* What a packet of NAT session s (key k) in wing dir leaves as: the In
 * wing as translated, the Out wing back to the original tuple (the
 * key's sides, the opener's first). Read by the rewrite of this packet.
 * A global function. */
__noinline int sfw_nat_plan(const struct sfw_session *s, __u32 dir, const struct sfw_session_key *k)
{
	struct sfw_nat_rw *rw;
	__u32 zero = 0;
	bool lo;

	rw = bpf_map_lookup_elem(&sfw_nat_rw_scratch, &zero);
	if (!rw || !s || !k)
		return 0;
	if (dir == SFW_WING_IN) {
		rw->src = (union sfw_addr){ .v4 = s->nat.src };
		rw->sport = s->nat.sport;
		rw->dst = (union sfw_addr){ .v4 = s->nat.dst };
		rw->dport = s->nat.dport;
		return 1;
	}
	lo = s->flags & SFW_SESS_F_OPENER_LO;
	rw->src = lo ? k->addr_hi : k->addr_lo;   /* from the original destination */
	rw->sport = lo ? k->port_hi : k->port_lo;
	rw->dst = lo ? k->addr_lo : k->addr_hi;   /* to the original source */
	rw->dport = lo ? k->port_lo : k->port_hi;
	return 1;
}

/* The session alias a stands for, or NULL when the alias is stale (its
 * session gone, or the memory another's). Reads only: tc egress asks it
 * of a packet it does not account (bpf/tc_judged.bpf.h). */
static __always_inline struct sfw_session *sfw_nat_owner(const struct sfw_session *a)
{
	__u64 id = a->id & ~SFW_SESS_ID_DYING;
	const struct sfw_session_key *owner = sfw_nat_owner_key(&a->owner);
	struct sfw_session *s = owner ? bpf_map_lookup_elem(&SFW_MAP_SESSIONS, owner) : NULL;

	if (!s || SFW_SESS_IS_ALIAS(s) || (s->id & ~SFW_SESS_ID_DYING) != id ||
	    !(s->flags & SFW_SESS_F_NAT))
		return NULL;
	return s;
}

/* A lookup found alias a: the session it stands for, found by its key
 * (f_key is overwritten with it), or NULL when the alias is stale (it is
 * deleted, so the packet meets no session). */
static __always_inline struct sfw_session *sfw_nat_follow(struct sfw_session *a,
							  struct sfw_session_key *f_key)
{
	struct sfw_session *s = sfw_nat_owner(a);

	if (!s) {
		/* kept while its session may be on its way: a packet forged
		 * onto the reply tuple would otherwise take a first
		 * packet's alias (SFW_NAT_TAKEOVER_S) */
		if (!sfw_nat_young(a->created_s, sfw_secs(bpf_ktime_get_coarse_ns())))
			bpf_map_delete_elem(&SFW_MAP_SESSIONS, f_key);
		return NULL;
	}
	sfw_nat_owner_unpack(f_key, &a->owner);
	return s;
}

/* Is p, found through an alias of NAT session s, its reply: to the
 * translated source (and so from the original destination)? The alias's
 * key is canonical, so the same tuple the other way round (the
 * firewall's address forged from outside, or sent from inside) meets it
 * too, and is no reply (docs/nat.md "Open findings", 8). */
static __always_inline bool sfw_nat_is_reply(const struct sfw_session *s, const struct sfw_pkt *p)
{
	return p->dst.v4 == s->nat.src && p->dport == s->nat.sport;
}

#endif
