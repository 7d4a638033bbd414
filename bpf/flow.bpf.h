/* The flow decision shared by both hooks: match a packet to its session
 * and account it, or decide whether it may open one. */
#ifndef SFW_FLOW_BPF_H
#define SFW_FLOW_BPF_H

#include "session.bpf.h"
#include "tcp_state.bpf.h"
#include "icmp_related.bpf.h"
#include "counters.bpf.h"
#include "policy.bpf.h"
#include "events.bpf.h"
#include "limit.bpf.h"
#include "wake.bpf.h"
#include "sess_count.bpf.h"
#include "nat.bpf.h"
#include "zone_bind.bpf.h"

#define SFW_FLOW_NAT_PLAN 1
#define SFW_FLOW_NAT_ICMP 2
#define SFW_FLOW_NAT_ICMP_REPLY 3
#define SFW_FLOW_HOST_ERR 4

/* sfw_flow's via_alias: a reply, or its session's first */
#define SFW_ALIAS_REPLY 1
#define SFW_ALIAS_FIRST 2

/* sfw_flow's route: XDP decided where a matched packet leaves before its
 * session was touched (0: not decided there) */
#define SFW_FLOW_ROUTE_SEND 1    /* XDP sends it (sfw_forward_send) */
#define SFW_FLOW_ROUTE_STACK 2   /* up to the stack, its egress judged */

/* Outcome returned when the packet may open a session: not a counter. */
#define SFW_OUTCOME_CREATE SFW_CNT_COUNT

struct sfw_flow {
	struct sfw_session_key key;
	const struct sfw_config *cfg;
	/* the expired or finished session a new one would replace (old):
	 * its CLOSE is due when that happens; old_id says which */
	__u64 old_id;
	__u64 now;
	/* layer 3 bytes, as the wire sees them (32 bits: a GSO packet's
	 * are megabytes at most, and the frame is at the chain's 512) */
	__u32 bytes;
	__u32 pkts;           /* wire packets (GSO segments) */
	/* the interface its wing records: the one it came in by, or the
	 * egress of the host's own packet */
	__u32 ifindex;
	/* the interface the other wing records, where a matched packet
	 * is to leave (0: none judged yet: a first packet before sfw_create
	 * records its route's egress) */
	__u32 peer_ifindex;
	bool src_lo;
	__u8 sess_flags;      /* the matched or created session's flags */
	bool created;
	bool reject;          /* the refusing rule says reject, not deny */
	bool syncookie;       /* answer the refused SYN with a cookie SYN-ACK */
	bool cookie;          /* the packet is the ACK returning one of our cookies */
	__u8 via_alias;       /* found through a NAT alias (SFW_ALIAS_*): a reply, key is the session's */
	/* SFW_FLOW_NAT_PLAN: a NAT session's, sfw_nat_plan planned its
	 * rewrite; SFW_FLOW_NAT_ICMP: an ICMP error about a translated
	 * packet, to translate back; SFW_FLOW_NAT_ICMP_REPLY: one about a
	 * reply as delivered, translated at tc; SFW_FLOW_HOST_ERR: one from
	 * an interface about a host session's opener's packet, refused at
	 * XDP when the stack would forward it (one byte: the frame is at the
	 * edge of the call chain's 512) */
	__u8 nat;
	__u8 route;           /* SFW_FLOW_ROUTE_* */
	/* was there one? Only whether: its memory may be another
	 * session's by then (a flag, not the pointer: the XDP call chain
	 * is at its 512 bytes) */
	bool old;
	/* a first packet whose destination (and port) destination NAT
	 * translated in p (XDP only: bpf/xdp_ingress.bpf.c), and that
	 * rule's id: in the struct's padding, off the 512 bytes */
	bool dnat;
	__u16 dnat_rule;
	bool dnat_static;     /* that rule is a static NAT rule's (its id dnat_rule) */
};

/* TCP flags no first packet may carry, no-syn-check or not: a RST, or
 * SYN with FIN, which no stack sends and some take as a SYN (a scan's or
 * an evasion's segment; Junos' syn-fin screen, conntrack's INVALID). */
#define SFW_TCP_NEVER_OPENS(fl) \
	(((fl) & SFW_TCP_RST) || ((fl) & (SFW_TCP_SYN | SFW_TCP_FIN)) == (SFW_TCP_SYN | SFW_TCP_FIN))

/* May a packet without a session open one, protocol-wise (policy comes
 * next)? Returns SFW_OUTCOME_CREATE or the counter of the reason not. */
static __always_inline __u32 sfw_may_open(const struct sfw_pkt *p, const struct sfw_config *cfg)
{
	if (p->proto == SFW_IPPROTO_TCP &&
	    (p->tcp_flags & (SFW_TCP_SYN | SFW_TCP_ACK | SFW_TCP_RST | SFW_TCP_FIN)) != SFW_TCP_SYN &&
	    (!(cfg->flags & SFW_CFG_F_NO_SYN_CHECK) || SFW_TCP_NEVER_OPENS(p->tcp_flags)))
		return SFW_CNT_SFW_ERR_TCP_NO_SYN;
	/* a reply opens nothing: its request's session admits it, or
	 * nothing does (conntrack calls it INVALID) */
	if (SFW_ICMPK_IS_REPLY(p->icmp_kind))
		return SFW_CNT_SFW_ERR_NO_SESSION;
	return SFW_OUTCOME_CREATE;
}

/* The wing of live session s a packet matched (f->via_alias, f->src_lo). */
static __always_inline __u32 sfw_flow_dir(const struct sfw_session *s, const struct sfw_flow *f)
{
	/* an alias holds the Out wing's key of its session */
	return f->via_alias ? SFW_WING_OUT : sfw_wing_of(s, f->src_lo);
}

/* Is the sender of the packet f matched the session key's lo side
 * (sfw_frag_record's SFW_FRAG_REC_SRC_LO)? f->src_lo is of the key it was
 * looked up by: a reply found through an alias names the session's key,
 * whose sides are not the alias's, and its sender is the side that did
 * not open (f->sess_flags: the session's, once it matched one). */
static __always_inline bool sfw_flow_sender_lo(const struct sfw_flow *f)
{
	return f->via_alias ? !(f->sess_flags & SFW_SESS_F_OPENER_LO) : f->src_lo;
}

/* Accounts the packet on wing dir of live session s, whose wing it came
 * in by (or its zone: bpf/zone_bind.bpf.h). Returns the outcome counter,
 * or SFW_OUTCOME_CREATE when it starts the connection over (TCP). */
static __always_inline __u32 sfw_account(struct sfw_session *s, const struct sfw_pkt *p,
					 struct sfw_flow *f, const struct sfw_config *cfg,
					 __u32 dir)
{
	__u8 st = s->tcp_state;
	int t = SFW_TCP_OK;

	/* a NAT session's replies come through its alias: the untranslated
	 * reverse tuple at its own key is a stranger's (docs/nat.md "Open
	 * findings", 1; conntrack calls it NEW) */
	if ((s->flags & SFW_SESS_F_NAT) && dir == SFW_WING_OUT && !f->via_alias)
		return SFW_CNT_SFW_ERR_NO_SESSION;
	/* a NAT session's first reply: where the stack would send it is
	 * judged once (docs/nat.md "Third review", R1) */
	if (f->via_alias && !s->wing[SFW_WING_OUT].packets)
		f->via_alias = SFW_ALIAS_FIRST;
	if (p->proto == SFW_IPPROTO_TCP)
		t = sfw_tcp_track(s, dir, p, cfg);
	if (t == SFW_TCP_OUT_OF_WINDOW)
		return SFW_CNT_ERR_TCP_SEQ_WINDOW;
	if (t == SFW_TCP_RESTART)
		return SFW_OUTCOME_CREATE;
	/* PASS: counted, but it keeps the session no longer. A finished
	 * connection keeps its limit-session counts until its session is
	 * removed: whether the peer took its FIN or RST sfw cannot know, and a
	 * RST the server never saw (a bad checksum, a TTL that runs out here)
	 * must not free a slot while the connection goes on (docs/security.md) */
	sfw_wing_count(s, dir, f->pkts, f->bytes);
	if (t == SFW_TCP_OK)
		sfw_wing_seen(s, dir, f->ifindex, f->now);
	/* a few times in a connection's life: the mirror's */
	if (s->tcp_state != st)
		sfw_ev_session(SFW_EV_WHAT(SFW_EV_UPDATE, SFW_CLOSE_NONE, 0), &f->key, s, f->now);
	f->sess_flags = s->flags;
	f->peer_ifindex = s->wing[(dir ^ 1) & 1].ifindex;
	if (s->flags & SFW_SESS_F_NAT)
		f->nat = sfw_nat_plan(s, dir, &f->key) ? SFW_FLOW_NAT_PLAN : 0;
	return SFW_CNT_SFW_PERMITTED_PKTS;
}

/* Where a packet matched to wing dir of live session s leaves, judged by
 * its hook before the session counts it or moves (each hook defines it:
 * bpf/xdp_ingress.bpf.c, bpf/tc_egress.bpf.c): a packet refused for its
 * route is no packet of the session and changes nothing of it, neither
 * counts, TCP state nor timeout (RV2-1, RV2-2, RV2-3). ctx: the hook's;
 * ingress as sfw_track has bound it. XDP's translates a destination NAT
 * session's In wing there, p with it, so that its route is the server's.
 * Returns SFW_CNT_SFW_PERMITTED_PKTS or the refusal's counter. */
static __always_inline __u32 sfw_hook_route(void *ctx, struct sfw_pkt *p,
					    struct sfw_flow *f, const struct sfw_session *s,
					    __u32 dir, __u32 ingress);

/* Where the race tests play another CPU between a matched packet's
 * route and its accounting, on the session in hand
 * (tests/bpf/xdp_race.bpf.c builds XDP with it defined): nothing at all
 * in sfw itself. */
#ifndef SFW_RACE_TRACK
#define SFW_RACE_TRACK(s) do { } while (0)
#endif

/* Matches the packet to a live session and accounts it. Returns the
 * outcome counter, or SFW_OUTCOME_CREATE. ctx: the hook's; ingress: the
 * interface it came in by, 0 for the host's own packet (tc, not
 * forwarded); tc: the caller is tc egress (a constant: each hook gets
 * its own copy). */
static __always_inline __u32 sfw_track(void *ctx, void *data, void *end, struct sfw_pkt *p,
				       struct sfw_flow *f, __u32 ingress, bool tc)
{
	struct sfw_session *s;
	__u32 outcome, dir;

	if (p->icmp_kind == SFW_ICMPK_ERROR) {
		outcome = sfw_icmp_related(ctx, data, end, p, f->now, ingress, tc, f->ifindex);
		f->nat = outcome == SFW_RELATED_NAT ? SFW_FLOW_NAT_ICMP :
			 outcome == SFW_RELATED_NAT_REPLY ? SFW_FLOW_NAT_ICMP_REPLY :
			 outcome == SFW_RELATED_HOST_IN ? SFW_FLOW_HOST_ERR : 0;
		if (outcome == SFW_RELATED_ZONE)
			return SFW_CNT_ERR_INVALID_ZONE;
		if (outcome == SFW_RELATED_WINDOW)
			return SFW_CNT_ERR_TCP_SEQ_WINDOW;
		return outcome ? SFW_CNT_SFW_PERMITTED_PKTS : SFW_CNT_SFW_ERR_NO_SESSION;
	}
	f->src_lo = sfw_packet_key(p, &f->key, ingress);
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &f->key);
	if (s && SFW_SESS_IS_ALIAS(s)) {
		s = sfw_nat_follow(s, &f->key);
		if (s) {
			/* a reply opens nothing: its session is the one to
			 * end (by its timer, or the sweeper) */
			f->via_alias = SFW_ALIAS_REPLY;
			if (sfw_expired(s, f->now) || !sfw_nat_is_reply(s, p))
				return SFW_CNT_SFW_ERR_NO_SESSION;
		}
	}
	/* an expired session is as good as absent: the packet must qualify
	 * to open a new one, which replaces the old entry */
	if (s && !sfw_expired(s, f->now)) {
		/* the host's own packet is no client's: a NAT session's
		 * tuple (the In wing's, or its reply's) is never the host's
		 * to send on, nor to be translated (docs/nat.md "Third
		 * review", R1) */
		if (!ingress && (s->flags & SFW_SESS_F_NAT))
			return SFW_CNT_SFW_ERR_NO_SESSION;
		dir = sfw_flow_dir(s, f);
		if (!sfw_icmp_fits_wing(p, dir))
			return SFW_CNT_SFW_ERR_NO_SESSION;
		if (tc)
			ingress = sfw_tc_bound_by(s, dir, ingress, &f->ifindex, p->family);
		/* from another zone than its wing's it is no packet of
		 * this session, and changes nothing of it */
		if (!sfw_wing_from(s, dir, ingress, true))
			return SFW_CNT_ERR_INVALID_ZONE;
		/* nor does one refused for where it leaves */
		outcome = sfw_hook_route(ctx, p, f, s, dir, ingress);
		if (outcome != SFW_CNT_SFW_PERMITTED_PKTS)
			return outcome;
		SFW_RACE_TRACK(s);
		outcome = sfw_account(s, p, f, f->cfg, dir);
		/* XDP routed a transit session's packet (and rewrote
		 * destination NAT's In wing to the server), or left it to
		 * restart the connection, by what sfw_tcp_restarts read
		 * before sfw_account: when another CPU moved the connection
		 * in between, the two disagree, and the packet, routed as
		 * neither, goes no further. It lost that race, as sfw_join's
		 * losers do; its retransmission finds the state settled
		 * (docs/nat.md "Fifth review", RV5-2). XDP routes transit
		 * sessions' packets only (f->route), and sfw_account names
		 * the session's flags once it permits one */
		if (!tc && (f->route ? outcome == SFW_OUTCOME_CREATE :
				       outcome == SFW_CNT_SFW_PERMITTED_PKTS &&
				       (f->sess_flags & SFW_SESS_F_TRANSIT)))
			return SFW_CNT_ERR_NO_MORE_SESSIONS;
		if (outcome != SFW_OUTCOME_CREATE)
			return outcome;
		if (f->via_alias)
			return SFW_CNT_SFW_ERR_NO_SESSION;
	}
	f->old = s;   /* whether there was one */
	f->old_id = s ? s->id : 0;
	return sfw_may_open(p, f->cfg);
}

/* Did p, matched on its own tuple (no ICMP error, no later fragment), meet
 * a host session (sfw_sess_for_host) it did not just open, in wing dir?
 * The flags of the session in hand: no lookup. */
static __always_inline bool sfw_flow_meets_host(const struct sfw_flow *f,
						const struct sfw_pkt *p, __u32 dir)
{
	return !f->created && p->icmp_kind != SFW_ICMPK_ERROR && p->frag != SFW_FRAG_LATER &&
	       sfw_sess_for_host(f->sess_flags) &&
	       (f->src_lo == !!(f->sess_flags & SFW_SESS_F_OPENER_LO)) == (dir == SFW_WING_IN);
}

/* Did the policy (or the global setting) ask to log this (SFW_RULE_LOG_*)? */
static __always_inline bool sfw_log_asked(const struct sfw_config *cfg,
					  const struct sfw_verdict *v, __u8 what)
{
	return (v->log & what) || (cfg->flags & SFW_CFG_F_LOG_SESSIONS);
}

/* A first packet a policy refused: RT_FLOW_SESSION_DENY when logged
 * (Junos logs denies through the rule's session-init). */
static __always_inline void sfw_log_deny(const struct sfw_flow *f, const struct sfw_verdict *v,
					 __u32 in_ifindex, __u32 out_ifindex)
{
	struct sfw_ev_deny_info d = {
		.now = f->now, .bytes = f->bytes, .policy_id = v->policy_id,
		.in_ifindex = in_ifindex, .out_ifindex = out_ifindex, .src_lo = f->src_lo,
	};

	if (v->outcome == SFW_CNT_ERR_POLICY_DENIED)
		sfw_ev_deny(sfw_log_asked(f->cfg, v, SFW_RULE_LOG_INIT), &f->key, &d);
}

/* Ends the finished session old_id at key k, if this CPU is the one to
 * claim it (sfw_claim): gives its counts back, removes it and logs its
 * CLOSE. A session another CPU (or a reaper) is ending, or has put there
 * meanwhile, stays as it is. A global function: verified once, run only
 * when a session is replaced. */
__noinline int sfw_retire(const struct sfw_session_key *k, __u64 old_id, __u64 now)
{
	__u32 slot = SFW_SCRATCH_OLD;
	struct sfw_session *s, *copy;
	__u32 held;

	if (!k)
		return 0;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, k);
	copy = bpf_map_lookup_elem(&sfw_scratch, &slot);
	if (!s || !copy || !sfw_claim(s, old_id) || !sfw_session_claim(s, &held))
		return 0;
	sfw_count_close(k, held, sfw_close_reason_of(s));
	sfw_tally_release(k, s);
	/* copied before the delete, which recycles the LRU entry at once */
	__builtin_memcpy(copy, s, sizeof(*copy));
	copy->id = old_id;
	if (bpf_map_delete_elem(&SFW_MAP_SESSIONS, k))
		return 0;
	sfw_nat_release(k, copy, old_id);
	sfw_ev_session(SFW_EV_WHAT(SFW_EV_CLOSE, SFW_CLOSE_NONE, 0), k, copy, now);
	return 1;
}

/* After sfw_nat_reserve refused a first packet: ends the expired holder
 * of a port it met (sfw_nat_note_expired), as a first packet of that
 * holder's own flow would (sfw_retire: claimed once, its counts, alias
 * and port given back, its close logged). 1 when it was ended, and the
 * allocation may be tried again, which finds that port free (review
 * rvdaemon, F1: with no daemon, expired sessions held their pool's ports
 * for good). A global function, run only on that refusal. */
__noinline int sfw_nat_reclaim(__u64 now)
{
	__u32 zero = 0;
	struct sfw_nat_tmp *t = bpf_map_lookup_elem(&sfw_nat_tmp_scratch, &zero);
	__u64 id;

	if (!t || !t->expired_id)
		return 0;
	id = t->expired_id;
	t->expired_id = 0;
	return sfw_retire(&t->ek, id, now);
}

/* Takes back what sfw_account counted on wing dir of the session at key
 * k for a packet refused after it (a NAT reply the stack would deliver
 * to the host): a refused reply is no session's reply, and the first
 * reply's judgement (SFW_ALIAS_FIRST: no Out-wing packet yet) stays
 * pending until one passes (docs/nat.md "Fourth review", N2). A global
 * function: run only on that refusal. */
__noinline int sfw_unaccount(const struct sfw_session_key *k, __u32 dir, __u32 pkts,
			     __u64 bytes)
{
	struct sfw_session *s;
	struct sfw_wing *w;

	if (!k)
		return 0;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, k);
	if (!s || SFW_SESS_IS_ALIAS(s))
		return 0;
	w = &s->wing[dir & 1];
	__sync_fetch_and_sub(&w->packets, pkts);
	__sync_fetch_and_sub(&w->bytes, bytes);
	return 1;
}

/* Ends the host session at key k (sfw_sess_for_host), which a packet the
 * stack forwards has just met: its zone pair was judged for the host,
 * so the flow's next packet must open afresh, through the route, the
 * policy and NAT (docs/nat.md "Third review: R2"). A global function:
 * run only on that refusal. */
__noinline int sfw_host_session_end(const struct sfw_session_key *k, __u64 now)
{
	struct sfw_session *s;

	if (!k)
		return 0;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, k);
	if (!s || !sfw_sess_for_host(s->flags))
		return 0;
	return sfw_retire(k, s->id, now);
}

/* Another CPU (or a reaper) had the flow's slot first: the packet is
 * accounted on the live session there, if any. Returns its outcome;
 * SFW_CNT_ERR_NO_MORE_SESSIONS while the session there is being ended by
 * someone else (its retransmission finds the slot free); SFW_OUTCOME_CREATE
 * when the slot is free. A global function (cfg passed apart: a pointer
 * inside f is a plain number to the verifier here), run only on a race. */
__noinline int sfw_join(const struct sfw_pkt *p, struct sfw_flow *f,
			const struct sfw_config *cfg)
{
	struct sfw_session *s;
	__u32 outcome, dir;

	if (!p || !f || !cfg)
		return SFW_CNT_ERR_NO_MORE_SESSIONS;
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &f->key);
	if (!s)
		return SFW_OUTCOME_CREATE;
	/* a NAT session's reply tuple: never this packet's to share */
	if ((s->id & SFW_SESS_ID_DYING) || SFW_SESS_IS_ALIAS(s) || sfw_expired(s, f->now))
		return SFW_CNT_ERR_NO_MORE_SESSIONS;
	/* bound to the winner's interface (f->ifindex: the joiner's
	 * ingress, or the egress of the host's own packet, which its wing
	 * records as well); the zone lookup would not fit this call
	 * chain's stack, so another interface of the zone waits for its
	 * retransmission (bpf/zone_bind.bpf.h) */
	dir = sfw_flow_dir(s, f);
	if (!sfw_wing_from(s, dir, f->ifindex, false))
		return SFW_CNT_ERR_INVALID_ZONE;
	outcome = sfw_account(s, p, f, cfg, dir);
	/* the winner's connection already finished: not this packet's to
	 * restart, it lost */
	return outcome == SFW_OUTCOME_CREATE ? SFW_CNT_ERR_NO_MORE_SESSIONS : outcome;
}

/* sfw_join for the inlined callers, which still need f->cfg: the verifier
 * forgets the pointers kept in memory that a global function was given. */
static __always_inline __u32 sfw_join_winner(const struct sfw_pkt *p, struct sfw_flow *f)
{
	const struct sfw_config *cfg = f->cfg;
	__u32 outcome = sfw_join(p, f, cfg);

	f->cfg = cfg;
	return outcome;
}

/* Creates the session for a packet sfw_track allowed to open one and the
 * policy permitted (verdict v), its replies expected on out_ifindex, under
 * the from-zone's session limits (sfw_limit_of; 0: none), under source NAT
 * rule nat_rule (sfw_nat_source_rule's answer, 0: none; bpf/nat.bpf.h), its
 * source translated to nat_to (SFW_NAT_TO: the address and a pool's ports;
 * 0: `off`; XDP only, xctx its packet: tc passes NULL and no address). The rule's success is counted
 * once the session is in the table (its hit, by the caller, when the rule
 * matched). Returns the outcome counter. */
static __always_inline __u32 sfw_create(struct xdp_md *xctx, const struct sfw_pkt *p,
					struct sfw_flow *f, __u8 flags, __u32 out_ifindex,
					const struct sfw_verdict *v, __u64 limits,
					__u64 nat_to, __u32 nat_rule)
{
	/* built in per-CPU scratch memory: 128 bytes more of stack would
	 * not fit the call chain's 512 */
	__u32 zero = 0;
	struct sfw_session *s = bpf_map_lookup_elem(&sfw_scratch, &zero);
	long err;

	if (!s)
		return SFW_CNT_ERR_NO_MORE_SESSIONS;
	/* max-sessions: refuse before the LRU would have to evict a live
	 * session; overwriting an expired entry does not grow the table. The
	 * count includes expired sessions not yet removed: the sweeper is
	 * woken to remove them (bpf/wake.bpf.h) */
	if (!f->old && f->cfg->max_sessions &&
	    bpf_map_sum_elem_count((struct bpf_map *)&SFW_MAP_SESSIONS) >= f->cfg->max_sessions) {
		sfw_wake_sweeper(f->now);
		return SFW_CNT_ERR_NO_MORE_SESSIONS;
	}
	/* the expired or restarted session in the way ends first, once, by
	 * whoever claims it (its counts go back before new ones are taken);
	 * if someone else did, this packet joins what is there now */
	if (f->old && !sfw_retire(&f->key, f->old_id, f->now)) {
		__u32 outcome = sfw_join_winner(p, f);

		if (outcome != SFW_OUTCOME_CREATE)
			return outcome;
	}
	__builtin_memset(s, 0, sizeof(*s));
	s->id = sfw_new_id();
	s->created_s = sfw_secs(f->now);
	s->last_seen_s = s->created_s;
	s->policy_id = v->policy_id;
	s->app_id = v->app_id;
	s->flags = flags | (f->src_lo ? SFW_SESS_F_OPENER_LO : 0) |
		  (sfw_log_asked(f->cfg, v, SFW_RULE_LOG_CLOSE) ? SFW_SESS_F_LOG_CLOSE : 0);
	s->timeout_s = sfw_timeout(f->cfg, sfw_proto_timeout_class(p->proto));
	if (p->proto == SFW_IPPROTO_TCP)
		sfw_tcp_init(s, p, f->cfg, f->cookie);
	/* an application's inactivity timeout replaces the protocol's for
	 * the session's working life (TCP: once established) */
	s->app_timeout_s = v->timeout_s;
	if (v->timeout_s && (p->proto != SFW_IPPROTO_TCP || s->tcp_state == SFW_TCP_ESTABLISHED))
		s->timeout_s = v->timeout_s;
	s->wing[SFW_WING_IN].packets = f->pkts;
	s->wing[SFW_WING_IN].bytes = f->bytes;
	s->wing[SFW_WING_IN].ifindex = f->ifindex;
	/* until a reply is seen (and records its real interface), the reply
	 * wing is where the route says the session's packets go */
	s->wing[SFW_WING_OUT].ifindex = out_ifindex;
	if (limits) {
		__u32 refused = sfw_tally_open(p, &f->key, limits, s);

		if (refused) {
			/* expired sessions may still hold the counts: wake the
			 * sweeper, as for a full table */
			sfw_wake_sweeper(f->now);
			return refused;
		}
	}
	s->tally |= sfw_count_bits_new(s, &p->dst, p->family);
	/* the session names its rule, `off`'s too: `Number of sessions` is
	 * counted from the table at show time (docs/nat.md); a static
	 * rule's reverse in dnat_rule_id, as its forward direction's */
	if (nat_rule && SFW_NAT_ACTION_OF(nat_rule) == SFW_NAT_ACT_PREFIX) {
		s->dnat_rule_id = (__u16)SFW_NAT_RULE_OF(nat_rule);
		s->xflags |= SFW_SESS_X_STATIC;
	} else if (nat_rule) {
		s->nat.rule_id = (__u16)SFW_NAT_RULE_OF(nat_rule);
		s->nat.pool_id = (__u16)SFW_NAT_POOL_OF(nat_rule);
	}
	/* static NAT's reverse: the static host's own flow leaves from its
	 * static address, its ports kept, and reserves none (its address is
	 * its host's alone); the alias alone holds the reply tuple */
	if (nat_to && (s->xflags & SFW_SESS_X_STATIC)) {
		s->flags |= SFW_SESS_F_NAT;
		s->nat.src = SFW_NAT_TO_ADDR(nat_to);
		s->nat.sport = p->sport;
		s->nat.dst = p->dst.v4;
		s->nat.dport = p->dport;
	}
	/* destination NAT (XDP), static NAT's forward direction too: p
	 * carries the translated destination, the In wing's as it leaves;
	 * its source stays the client's (sfw_xdp_open refuses source NAT
	 * beside it) */
	if (f->dnat) {
		s->flags |= SFW_SESS_F_NAT | SFW_SESS_F_DNAT;
		s->xflags |= f->dnat_static ? SFW_SESS_X_STATIC : 0;
		s->dnat_rule_id = f->dnat_rule;
		s->nat.src = p->src.v4;
		s->nat.sport = p->sport;
		s->nat.dst = p->dst.v4;
		s->nat.dport = p->dport;
	}
	/* the port and the reply's alias first: the session is never seen
	 * from the reply side half made (docs/nat.md) */
	if (nat_to || f->dnat) {
		__u32 refused = nat_to && !(s->xflags & SFW_SESS_X_STATIC) ?
				sfw_nat_reserve(xctx, p, &f->key, s, nat_to) :
				sfw_nat_fixed_alias(&f->key, s);

		/* a port held by an expired session: ended, and tried once
		 * more (sfw_nat_reclaim) */
		if (refused && nat_to && !(s->xflags & SFW_SESS_X_STATIC) && sfw_nat_reclaim(f->now))
			refused = sfw_nat_reserve(xctx, p, &f->key, s, nat_to);
		if (refused) {
			sfw_tally_release(&f->key, s);
			return refused;
		}
	}
	/* one session per flow, whatever CPUs see its first packets: only
	 * one insert can win, and the others join it (docs/security.md) */
	err = bpf_map_update_elem(&SFW_MAP_SESSIONS, &f->key, s, BPF_NOEXIST);
	if (err) {
		sfw_tally_release(&f->key, s);
		sfw_nat_release(&f->key, s, s->id);
	}
	if (err == -SFW_EEXIST) {
		__u32 outcome = sfw_join_winner(p, f);

		/* gone again already: this packet waits for the next */
		return outcome == SFW_OUTCOME_CREATE ? SFW_CNT_ERR_NO_MORE_SESSIONS : outcome;
	}
	if (err) {
		/* a session that never was: logged as closed for table full */
		sfw_ev_session(SFW_EV_WHAT(SFW_EV_CLOSE, SFW_CLOSE_TABLE_FULL, 0), &f->key, s,
			       f->now);
		return SFW_CNT_ERR_NO_MORE_SESSIONS;
	}
	sfw_count_open(&f->key, s->tally, 1);
	/* a static rule's reverse is counted by the session's dnat_rule_id */
	if (SFW_NAT_ACTION_OF(nat_rule) != SFW_NAT_ACT_PREFIX)
		sfw_nat_count(nat_rule, SFW_NAT_RC_SUCCESS);
	sfw_nat_xcount(s, SFW_NAT_RC_SUCCESS);
	sfw_ev_session(SFW_EV_WHAT(SFW_EV_CREATE, SFW_CLOSE_NONE,
				   sfw_log_asked(f->cfg, v, SFW_RULE_LOG_INIT)), &f->key, s, f->now);
	f->sess_flags = s->flags;
	f->created = true;
	/* the packet leaves into the zone its policy judged, as every later
	 * one does (sfw_leaves_by_peer_zone): XDP's forwarding asks its route
	 * again, through a cache that may hold another egress for the
	 * second a route change goes unfollowed */
	f->peer_ifindex = out_ifindex;
	if (s->flags & SFW_SESS_F_NAT)
		f->nat = sfw_nat_plan(s, SFW_WING_IN, &f->key) ? SFW_FLOW_NAT_PLAN : 0;
	return SFW_CNT_SFW_PERMITTED_PKTS;
}

#endif
