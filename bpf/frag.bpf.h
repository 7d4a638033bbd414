/* Fragments follow their datagram (docs/security.md "Fragments"). The
 * first fragment carries the L4 header and is decided like any packet;
 * when it is permitted, its datagram is remembered here with the session
 * that permitted it, and the later fragments, which carry no ports,
 * follow that session or are dropped. Only fragments touch this map. */
#ifndef SFW_FRAG_BPF_H
#define SFW_FRAG_BPF_H

#include "frag_maps.bpf.h"
#include "flow.bpf.h"

/* The record of datagram k: a NAT one first (a record is in one map at a
 * time: sfw_frag_remember). */
static __always_inline struct sfw_frag *sfw_frag_find(const struct sfw_frag_key *k)
{
	struct sfw_frag *d = bpf_map_lookup_elem(&SFW_MAP_NAT_FRAGS, k);

	return d ? d : bpf_map_lookup_elem(&SFW_MAP_FRAGS, k);
}

/* A datagram's entry is built here: on the stack it would not fit the
 * call chain's 512 bytes (not pinned: per object). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_frag);
	__uint(max_entries, 1);
} sfw_frag_scratch SEC(".maps");

/* and its key (tc egress records from a frame at that edge too) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_frag_key);
	__uint(max_entries, 1);
} sfw_frag_key_scratch SEC(".maps");

static __always_inline void sfw_frag_key_of(const struct sfw_pkt *p, struct sfw_frag_key *k)
{
	k->src = p->src;
	k->dst = p->dst;
	k->id = p->frag_id;
	k->proto = p->family == SFW_FAMILY_INET ? p->proto : 0;
	k->family = p->family;
	k->pad = 0;
}

/* How long a record that is neither NAT's nor a clash lives: as long as
 * the receiver's reassembly keeps a datagram of family. */
static __always_inline __u64 sfw_frag_plain_life_ns(__u8 family)
{
	return SFW_NSEC_PER_SEC * (family == SFW_FAMILY_INET ? SFW_FRAG_TIMEOUT_INET_S :
				   SFW_FRAG_TIMEOUT_INET6_S);
}

/* How long record d of a datagram of family lives: NAT's and clashes
 * SFW_FRAG_NAT_TIMEOUT_S, the rest the plain life. */
static __always_inline __u64 sfw_frag_life_ns(const struct sfw_frag *d, __u8 family)
{
	return d->nat || d->clash ? SFW_NSEC_PER_SEC * SFW_FRAG_NAT_TIMEOUT_S :
				    sfw_frag_plain_life_ns(family);
}

/* NAT records an opener's sessions may make, and of those the ones with
 * one peer: buckets (include/frag.h SFW_NAT_FRAG_OPENER_RATE) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct sfw_frag_bucket);
	__type(value, struct sfw_frag_quota);
	__uint(max_entries, SFW_MAX_NAT_FRAG_BUCKETS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_NAT_FRAG_QUOTA SEC(".maps");

/* What the record path keeps per CPU, not in its frame: the call chains
 * it ends (tc egress's) are at the stack's limit. sfw_frag_quota_take's
 * key and a new source's bucket; the interface sfw_frag_record counts a
 * refusal on. */
struct sfw_frag_work {
	struct sfw_frag_bucket bucket;
	struct sfw_frag_quota full;
	__u32 ifindex;
	__u32 src_lo;       /* the sender is the session key's lo side */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sfw_frag_work);
	__uint(max_entries, 1);
} sfw_frag_work SEC(".maps");

/* The scratch maps' one key, kept read-only: a lookup by it takes no
 * stack slot in the record path's frame, whose call chains reach the
 * limit at tc egress */
static const __u32 sfw_frag_slot = 0;

/* Names bucket i of record v's session in w->bucket (lo: the opener is
 * the session key's lo side): 0 the opener's with its peer, 1 the
 * opener's, 2 the peer's. Returns its rate a second. */
static __always_inline __u32 sfw_frag_bucket_of(struct sfw_frag_work *w, const struct sfw_frag *v,
						bool lo, int i)
{
	__builtin_memset(&w->bucket, 0, sizeof(w->bucket));
	if (i != 2)
		w->bucket.opener = lo ? v->sess.addr_lo : v->sess.addr_hi;
	if (i != 1)
		w->bucket.peer = lo ? v->sess.addr_hi : v->sess.addr_lo;
	w->bucket.family = v->sess.family;
	return i == 0 ? SFW_NAT_FRAG_PAIR_RATE : i == 1 ? SFW_NAT_FRAG_OPENER_RATE :
							SFW_NAT_FRAG_PEER_RATE;
}

/* Has the bucket w->bucket names a token at rate a second? One not made
 * yet is full. Changes nothing. */
static __always_inline bool sfw_frag_bucket_has(struct sfw_frag_work *w, __u32 rate, __u64 now)
{
	struct sfw_frag_quota *q = bpf_map_lookup_elem(&SFW_MAP_NAT_FRAG_QUOTA, &w->bucket);

	return !q || sfw_credit_now(q->stamp_ns, q->credit_ns, SFW_NSEC_PER_SEC, now) >=
		     SFW_NSEC_PER_SEC / rate;
}

/* A token of the bucket w->bucket names at rate a second, a new
 * bucket's full. */
static __always_inline bool sfw_frag_bucket_take(struct sfw_frag_work *w, __u32 rate, __u64 now)
{
	struct sfw_frag_quota *q = bpf_map_lookup_elem(&SFW_MAP_NAT_FRAG_QUOTA, &w->bucket);

	if (!q) {
		w->full.stamp_ns = now;
		w->full.credit_ns = SFW_NSEC_PER_SEC;
		bpf_map_update_elem(&SFW_MAP_NAT_FRAG_QUOTA, &w->bucket, &w->full, BPF_NOEXIST);
		q = bpf_map_lookup_elem(&SFW_MAP_NAT_FRAG_QUOTA, &w->bucket);
	}
	return q && sfw_credit_take(&q->stamp_ns, &q->credit_ns, SFW_NSEC_PER_SEC / rate,
				    SFW_NSEC_PER_SEC, now);
}

/* May record v's session's opener make one more NAT record, with the
 * session's peer? A token of each of the three buckets (the pair's, the
 * opener's, the peer's), taken only when all three have one: a bucket is
 * made or spent by a record that is made, so that a refused opener
 * cannot churn the buckets' LRU, whose evicted buckets come back full
 * (review rvquota4, RQ4-2). The opener is the sender of an In wing's
 * datagram and the other side of an Out wing's (w->src_lo: the sender's
 * side of the session key). */
static __always_inline bool sfw_frag_quota_take(const struct sfw_frag *v, __u64 now)
{
	struct sfw_frag_work *w;
	bool lo;

	w = bpf_map_lookup_elem(&sfw_frag_work, &sfw_frag_slot);
	if (!w)
		return false;
	lo = (v->dir == SFW_WING_IN) == !!w->src_lo;
	for (int i = 0; i < 3; i++)
		if (!sfw_frag_bucket_has(w, sfw_frag_bucket_of(w, v, lo, i), now))
			return false;
	for (int i = 0; i < 3; i++)
		if (!sfw_frag_bucket_take(w, sfw_frag_bucket_of(w, v, lo, i), now))
			return false;
	return true;
}

/* Deletes the NAT record of datagram k unless it is a clash, which
 * stays to refuse both datagrams: a datagram refused (its record, or its
 * first fragment) leaves no older record for its later fragments to
 * follow. */
static __always_inline void sfw_frag_drop_older(const struct sfw_frag_key *k)
{
	const struct sfw_frag *nat = bpf_map_lookup_elem(&SFW_MAP_NAT_FRAGS, k);

	if (nat && !nat->clash)
		bpf_map_delete_elem(&SFW_MAP_NAT_FRAGS, k);
}

/* The NAT record (or clash) in sfw_frag_scratch, of the datagram in
 * sfw_frag_key_scratch, into sfw_nat_frags; held: it takes the place of
 * a NAT record or clash within its clash window, keeping its expiry. Any
 * other takes a token of its session's quota, at XDP and at tc alike (tc
 * recording what XDP refused filled the hash: review rvquota2, RQ2-1);
 * a held one does not, the map neither growing nor kept longer
 * (include/frag.h SFW_NAT_FRAG_OPENER_RATE). A record
 * refused (quota, full hash) is not made, nor left to an older one: its
 * later fragments are dropped. Returns 1 when refused. Looks its inputs
 * up again rather than take them: the call chain's stack has no room for
 * what it would keep across its map calls (tc egress). */
static __always_inline int sfw_frag_put_nat(bool held)
{
	struct sfw_frag_key *k;
	struct sfw_frag *v, *nat;

	k = bpf_map_lookup_elem(&sfw_frag_key_scratch, &sfw_frag_slot);
	v = bpf_map_lookup_elem(&sfw_frag_scratch, &sfw_frag_slot);
	if (!k || !v)
		return 1;
	bpf_map_delete_elem(&SFW_MAP_FRAGS, k);
	if (!held && !sfw_frag_quota_take(v, bpf_ktime_get_coarse_ns())) {
		/* an older record (of an sfw that kept them 30 s) would send
		 * this datagram's tail to its client (review rvquota4, RQ4-1) */
		k = bpf_map_lookup_elem(&sfw_frag_key_scratch, &sfw_frag_slot);
		if (k)
			sfw_frag_drop_older(k);
		return 1;
	}
	v = bpf_map_lookup_elem(&sfw_frag_scratch, &sfw_frag_slot);
	k = bpf_map_lookup_elem(&sfw_frag_key_scratch, &sfw_frag_slot);
	if (!v || !k)
		return 1;
	if (!bpf_map_update_elem(&SFW_MAP_NAT_FRAGS, k, v, BPF_ANY))
		return 0;
	/* refused (no memory to replace an existing record): a clash is
	 * marked in place, which needs none; anything else the record said
	 * is no longer so (review rvsplit, RVS-3) */
	nat = bpf_map_lookup_elem(&SFW_MAP_NAT_FRAGS, k);
	if (nat && v->clash) {
		nat->clash = 1;
		return 0;
	}
	sfw_frag_drop_older(k);
	return 1;
}

/* sfw_frag_record's how: flags, and the interface a NAT record refused
 * is counted on (the hook's) above them (SFW_FRAG_REC_AT): one argument,
 * for the stack of the call chains it ends (tc egress's at its limit) */
#define SFW_FRAG_REC_SRC_LO 1u   /* the session key's lo side sent it */
#define SFW_FRAG_REC_SENDER 2u   /* XDP judged it as its sender fragmented it */
#define SFW_FRAG_REC_QUOTE 4u    /* an ICMP error's, on its quote's session and wing */
#define SFW_FRAG_REC_AT(ifindex) ((__u64)(ifindex) << 8)

/* A first fragment the flow decision permitted, on the session of key
 * (how: which side sent it, SFW_FRAG_REC_SRC_LO): remember its datagram. ICMP errors have
 * no session of their own, so their later fragments find none and drop.
 * SFW_FRAG_REC_SENDER: XDP judged it as its sender fragmented it; tc's record of a
 * first fragment XDP recorded so (a NAT session's In wing, translated at
 * tc) keeps that, so its later fragments still follow at XDP. A record
 * of another session or wing under the same identity, either of them
 * NAT's, written less than SFW_FRAG_CLASH_S before, makes a clash: a NAT
 * record sends later fragments to its own client, so a forged or
 * colliding first fragment would take the other datagram's tail (struct
 * sfw_frag's clash); an older one, a clash too, is a datagram done,
 * replaced. Returns 1 when a NAT record was refused (sfw_frag_put_nat). */
static __always_inline int sfw_frag_remember(const struct sfw_pkt *p,
					     const struct sfw_session_key *key, __u64 how)
{
	const struct sfw_frag *was;
	struct sfw_frag_key *k;
	struct sfw_session *s;
	struct sfw_frag *v;
	__u64 now, life;
	bool young, held;

	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, key);
	v = bpf_map_lookup_elem(&sfw_frag_scratch, &sfw_frag_slot);
	k = bpf_map_lookup_elem(&sfw_frag_key_scratch, &sfw_frag_slot);
	if (!s || !v || !k)
		return 0;
	sfw_frag_key_of(p, k);
	__builtin_memset(v, 0, sizeof(*v));
	v->sess = *key;
	v->sess_id = s->id;
	v->dir = sfw_wing_of(s, how & SFW_FRAG_REC_SRC_LO);
	v->nat = !!(s->flags & SFW_SESS_F_NAT);
	v->sender = !!(how & SFW_FRAG_REC_SENDER);
	v->quote = !!(how & SFW_FRAG_REC_QUOTE);
	v->ra = p->ra;
	v->l4_end = (__u16)(p->hdr_len - p->frag_start);
	was = sfw_frag_find(k);
	now = bpf_ktime_get_coarse_ns();
	/* written within SFW_FRAG_CLASH_S (its expiry less its life is
	 * when); older, a datagram done (a clash too: review rvclash,
	 * RVC-2), which this one replaces. An expiry further than its life
	 * ahead is a NAT record (or clash) pinned by an sfw that kept them
	 * as long as the plain ones: dated by that life (review rvquota,
	 * RQ-5; rvquota2, RQ2-3) */
	young = false;
	if (was && now <= was->expires_ns) {
		life = sfw_frag_life_ns(was, k->family);
		if (was->expires_ns > now + life)
			life = sfw_frag_plain_life_ns(k->family);
		young = now + life < was->expires_ns + SFW_FRAG_CLASH_S * SFW_NSEC_PER_SEC;
	}
	if (young && was->clash)
		return 0;
	if (young && (was->sess_id != v->sess_id || was->dir != v->dir))
		v->clash = was->nat || v->nat;
	else if (was && now <= was->expires_ns && !v->sender && !was->clash &&
		 was->sess_id == v->sess_id && was->dir == v->dir)
		v->sender = was->sender;
	v->expires_ns = now + sfw_frag_life_ns(v, k->family);
	/* an identification met again (it wrapped) is a new datagram; in
	 * one map only. Taking the place of a NAT record within its clash
	 * window (a clash marked, a first fragment sent again) is free and
	 * renews nothing; any other NAT record takes its quota's token, or a
	 * peer resending first fragments kept its records alive for nothing
	 * (review rvquota3, RQ3-1) */
	held = young && (was->nat || was->clash);
	if (held)
		v->expires_ns = was->expires_ns;
	if (v->nat || v->clash)
		return sfw_frag_put_nat(held);
	bpf_map_delete_elem(&SFW_MAP_NAT_FRAGS, k);
	bpf_map_update_elem(&SFW_MAP_FRAGS, k, v, BPF_ANY);
	return 0;
}

/* sfw_frag_remember as a global function: fragment work stays out of the
 * hot path's verification (docs/design.md). It takes scalars, not the
 * caller's struct sfw_flow: the verifier forgets the pointers kept in
 * memory a global function was handed. Returns 0. */
__noinline int sfw_frag_record(const struct sfw_pkt *p, const struct sfw_session_key *key,
			       __u64 how)
{
	struct sfw_frag_work *w = bpf_map_lookup_elem(&sfw_frag_work, &sfw_frag_slot);

	if (!p || !key || !w)
		return 0;
	/* kept in w, not in the frame, across the record's map calls */
	w->ifindex = (__u32)(how >> 8);
	w->src_lo = how & SFW_FRAG_REC_SRC_LO;
	if (!sfw_frag_remember(p, key, how))
		return 0;
	w = bpf_map_lookup_elem(&sfw_frag_work, &sfw_frag_slot);
	if (w)
		sfw_count(sfw_stats(w->ifindex), SFW_CNT_SFW_NAT_FRAG_REFUSED, 1);
	return 0;
}

/* Forgets the datagram of refused first fragment p: its later fragments
 * then find no record (per-CPU key: tc's frame is at its edge). */
static __always_inline void sfw_frag_forget(const struct sfw_pkt *p)
{
	struct sfw_frag_key *k = bpf_map_lookup_elem(&sfw_frag_key_scratch, &sfw_frag_slot);

	if (!k)
		return;
	sfw_frag_key_of(p, k);
	sfw_frag_drop_older(k);
	bpf_map_delete_elem(&SFW_MAP_FRAGS, k);
}

/* The wing a later fragment of record d goes to: its session's other
 * wing; an ICMP error's record names the wing of the packet the error
 * quotes, whose sender the error goes to. */
static __always_inline __u32 sfw_frag_to_wing(const struct sfw_frag *d)
{
	return (d->quote ? d->dir : d->dir ^ 1) & 1;
}

/* May a later fragment of record d, of live session s, from ingress (0:
 * the host's own) leave by egress? As a whole packet of its wing at tc
 * (bpf/tc_egress.bpf.c sfw_hook_route): into the zone of the wing it
 * goes to, the host's own sessions excepted, and a host session's
 * opener's packet, refused apart. The stack routes each fragment by its
 * own header, whose ToS, traffic class or flow label its sender picks:
 * unchecked, one permitted first fragment opened a channel into any zone
 * a marked route led to (review rvred4, F1). */
static __always_inline bool sfw_frag_leaves_ok(const struct sfw_session *s,
					       const struct sfw_frag *d, __u32 ingress,
					       __u32 egress)
{
	if ((s->flags & SFW_SESS_F_LOCAL) ||
	    (ingress && sfw_sess_for_host(s->flags) && d->dir == SFW_WING_IN))
		return true;
	return sfw_leaves_by_peer_zone(s->wing[sfw_frag_to_wing(d)].ifindex, egress);
}

/* A later fragment (f: now, ifindex, packets and bytes filled in; ingress:
 * the interface it came in by, 0: the host's own; tc_egress: the
 * interface tc sends it out of, 0 at XDP): it passes on the session its
 * first fragment was permitted by, while that session lives, from its
 * wing's zone and (at tc) into the zone of the wing it goes to. f->key
 * then names the session, f->via_alias its wing (set for the Out wing),
 * f->peer_ifindex the interface of the wing it goes to and f->sess_flags
 * the session's flags, for the hook to translate, route (XDP: its zone,
 * bpf/xdp_ingress.bpf.c sfw_xdp_fragment) and only then count
 * (sfw_frag_account): a fragment refused on the way changes nothing of
 * its session (review rvred5, R5-3). A record of a NAT
 * session's datagram is followed at XDP only when XDP judged its first
 * fragment as its sender fragmented it (sender), with f->nat
 * SFW_FLOW_NAT_PLAN (docs/nat.md "Fragments"); a record tc wrote of a
 * datagram the stack fragmented (its first fragment translated there)
 * only at tc egress, which translates: only the stack's own fragments
 * may follow it ("Second review", F5), as an ICMP error's record (quote)
 * is followed only there. Returns the outcome counter. */
static __always_inline __u32 sfw_frag_follow(const struct sfw_pkt *p, struct sfw_flow *f,
					     __u32 tc_egress, __u32 ingress)
{
	struct sfw_frag_key k;
	struct sfw_frag *d;
	struct sfw_session *s;

	/* RFC 1858: offset 8 of a TCP datagram would rewrite its flags. IPv4
	 * only: its protocol is the datagram's (in the key), where an IPv6
	 * later fragment's next header is whatever its sender wrote (RFC 8200
	 * takes the first fragment's) */
	if (p->family == SFW_FAMILY_INET && p->frag_off < sfw_l4_min_len(p->proto))
		return SFW_CNT_SFW_ERR_FRAG_TINY;
	sfw_frag_key_of(p, &k);
	d = sfw_frag_find(&k);
	if (!d || f->now > d->expires_ns)
		return SFW_CNT_SFW_ERR_FRAG_NO_FIRST;
	if (d->clash)
		return SFW_CNT_SFW_ERR_FRAG_TINY;
	if (d->nat && !tc_egress && !d->sender)
		return SFW_CNT_ERR_INCOMING_NAT;
	/* an ICMP error the stack fragmented: its later fragments are the
	 * stack's too, and leave by tc; one that comes in is forged (review
	 * rvred7, Q1: followed, it was routed as going to the wrong wing) */
	if (d->quote && !tc_egress)
		return SFW_CNT_SFW_ERR_FRAG_NO_FIRST;
	/* RFC 5722: nothing may start before the first fragment's L4 header
	 * ends, extension headers after the Fragment header counted */
	if (p->frag_off < d->l4_end)
		return SFW_CNT_SFW_ERR_FRAG_TINY;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &d->sess);
	if (!s || s->id != d->sess_id || sfw_expired(s, f->now))
		return SFW_CNT_SFW_ERR_FRAG_NO_FIRST;
	/* bound as its first fragment was: from the wing's zone only
	 * (bpf/zone_bind.bpf.h) */
	if (tc_egress)
		ingress = sfw_tc_bound_by(s, d->dir, ingress, &f->ifindex, p->family);
	if (!sfw_wing_from(s, d->dir, ingress, true))
		return SFW_CNT_ERR_INVALID_ZONE;
	if (tc_egress && !sfw_frag_leaves_ok(s, d, ingress, tc_egress))
		return SFW_CNT_ERR_INVALID_ZONE;
	/* Router Alert in a transit datagram's later fragment: the stack
	 * offers the fragment to the host's Router Alert sockets (IPv6 as
	 * it is; IPv4 to reassemble, ip_call_ra_chain) before forwarding
	 * it. It has no ports to judge by, so it follows its first
	 * fragment: one that carried Router Alert too was asked of the
	 * ingress zone's host-inbound policies (sfw_xdp_ra_host); one that
	 * did not, was not, and a sender copies the option into every
	 * fragment (IPv4's copy bit, IPv6's unfragmentable part): refused
	 * as the host-inbound policies' denial is. XDP only, where it
	 * comes in; without zones there are no host-inbound policies, and
	 * nothing to ask */
	if (!tc_egress && p->ra && !d->ra && (s->flags & SFW_SESS_F_TRANSIT) && sfw_zones_on())
		return SFW_CNT_ERR_POLICY_DENIED;
	f->sess_flags = s->flags;
	f->key = d->sess;
	f->via_alias = d->dir == SFW_WING_OUT ? SFW_ALIAS_REPLY : 0;
	f->peer_ifindex = s->wing[sfw_frag_to_wing(d)].ifindex;
	if (d->nat && !tc_egress)
		f->nat = SFW_FLOW_NAT_PLAN;
	return SFW_CNT_SFW_PERMITTED_PKTS;
}

/* A later fragment sfw_frag_follow passed, on wing dir of its session
 * (f->key), once it is sent on: counted, and the session refreshed, only
 * then. */
static __always_inline void sfw_frag_account(struct sfw_flow *f, __u32 dir)
{
	struct sfw_session *s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &f->key);

	if (s && !SFW_SESS_IS_ALIAS(s))
		sfw_wing_account(s, dir, f->ifindex, f->pkts, f->bytes, f->now);
}

#endif
