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

/* Outcome returned when the packet may open a session: not a counter. */
#define SFW_OUTCOME_CREATE SFW_CNT_COUNT

struct sfw_flow {
	struct sfw_session_key key;
	const struct sfw_config *cfg;
	/* the expired or finished session a new one would overwrite: its
	 * CLOSE is due when that happens */
	struct sfw_session *old;
	__u64 now;
	__u64 bytes;          /* layer 3 bytes, as the wire sees them */
	__u32 pkts;           /* wire packets (GSO segments) */
	__u32 ifindex;
	bool src_lo;
	__u8 sess_flags;      /* the matched or created session's flags */
	bool created;
	bool reject;          /* the refusing rule says reject, not deny */
	bool syncookie;       /* answer the refused SYN with a cookie SYN-ACK */
	bool cookie;          /* the packet is the ACK returning one of our cookies */
};

static __always_inline const struct sfw_config *sfw_cfg_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&SFW_MAP_CONFIG, &zero);
}

/* May a packet without a session open one, protocol-wise (policy comes
 * next)? Returns SFW_OUTCOME_CREATE or the counter of the reason not. */
static __always_inline __u32 sfw_may_open(const struct sfw_pkt *p, const struct sfw_config *cfg)
{
	if (p->proto == SFW_IPPROTO_TCP &&
	    (p->tcp_flags & (SFW_TCP_SYN | SFW_TCP_ACK | SFW_TCP_RST)) != SFW_TCP_SYN &&
	    (!(cfg->flags & SFW_CFG_F_NO_SYN_CHECK) || (p->tcp_flags & SFW_TCP_RST)))
		return SFW_CNT_SFW_ERR_TCP_NO_SYN;
	if (p->icmp_kind == SFW_ICMPK_ECHO_REPLY)
		return SFW_CNT_SFW_ERR_NO_SESSION;
	return SFW_OUTCOME_CREATE;
}

/* Matches the packet to a live session and accounts it. Returns the
 * outcome counter, or SFW_OUTCOME_CREATE. */
static __always_inline __u32 sfw_track(void *data, void *end, const struct sfw_pkt *p,
				       struct sfw_flow *f)
{
	struct sfw_session *s;
	__u32 dir;

	if (p->icmp_kind == SFW_ICMPK_ERROR)
		return sfw_icmp_related(data, end, p, f->now) ? SFW_CNT_SFW_PERMITTED_PKTS
							       : SFW_CNT_SFW_ERR_NO_SESSION;
	f->src_lo = sfw_make_key(p, &f->key);
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &f->key);
	/* an expired session is as good as absent: the packet must qualify
	 * to open a new one, and creation overwrites the old entry */
	if (s && !sfw_expired(s, f->now)) {
		__u8 st = s->tcp_state;
		int t = SFW_TCP_OK;

		dir = sfw_wing_of(s, f->src_lo);
		if (p->proto == SFW_IPPROTO_TCP)
			t = sfw_tcp_track(s, dir, p, f->cfg);
		if (t == SFW_TCP_OUT_OF_WINDOW)
			return SFW_CNT_ERR_TCP_SEQ_WINDOW;
		if (t != SFW_TCP_RESTART) {
			/* PASS: counted, but it keeps the session no longer */
			sfw_wing_count(s, dir, f->pkts, f->bytes);
			if (t == SFW_TCP_OK)
				sfw_wing_seen(s, dir, f->ifindex, f->now);
			/* a few times in a connection's life: the mirror's */
			if (s->tcp_state != st)
				sfw_ev_session(SFW_EV_WHAT(SFW_EV_UPDATE, SFW_CLOSE_NONE, 0),
					       &f->key, s, f->now);
			/* a finished connection is no longer concurrent */
			if ((p->tcp_flags & (SFW_TCP_FIN | SFW_TCP_RST)) &&
			    s->tcp_state >= SFW_TCP_TIME_WAIT && (s->tally & SFW_TALLY_COUNTS))
				sfw_tally_release(&f->key, s);
			f->sess_flags = s->flags;
			return SFW_CNT_SFW_PERMITTED_PKTS;
		}
	}
	f->old = s;
	return sfw_may_open(p, f->cfg);
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

/* Ends session s (key k), which a new one is about to replace: claims it,
 * gives its counts back and logs its close, first, because replacing it
 * recycles its memory at once. False when someone else ended it. */
static __always_inline bool sfw_session_end(const struct sfw_session_key *k,
					    struct sfw_session *s, __u64 now)
{
	__u32 held;

	if (!sfw_session_claim(s, &held))
		return false;
	sfw_count_close(k, held, sfw_close_reason_of(s));
	sfw_tally_release(k, s);
	sfw_ev_session(SFW_EV_WHAT(SFW_EV_CLOSE, SFW_CLOSE_NONE, 0), k, s, now);
	return true;
}

/* The new session will not be: an ended one in its place goes too, or
 * nothing could ever replace it (its end is claimed). */
static __always_inline void sfw_session_drop(const struct sfw_flow *f)
{
	if (f->old)
		bpf_map_delete_elem(&SFW_MAP_SESSIONS, &f->key);
}

/* Creates the session for a packet sfw_track allowed to open one and the
 * policy permitted (verdict v), its replies expected on out_ifindex, under
 * the from-zone's session limits (sfw_limit_of; 0: none). Returns the
 * outcome counter. */
static __always_inline __u32 sfw_create(const struct sfw_pkt *p, struct sfw_flow *f, __u8 flags,
					__u32 out_ifindex, const struct sfw_verdict *v,
					__u64 limits)
{
	/* built in per-CPU scratch memory: 128 bytes more of stack would
	 * not fit the call chain's 512 */
	__u32 zero = 0;
	struct sfw_session *s = bpf_map_lookup_elem(&sfw_scratch, &zero);

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
	/* the expired or restarted session in the way ends here, once: a
	 * reaper removing it at this moment wins, and this packet waits for
	 * the next (bpf/limit.bpf.h) */
	if (f->old && !sfw_session_end(&f->key, f->old, f->now))
		return SFW_CNT_ERR_NO_MORE_SESSIONS;
	__builtin_memset(s, 0, sizeof(*s));
	s->id = sfw_new_id();
	s->created_ns = f->now;
	s->last_seen_ns = f->now;
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
		__u32 refused = sfw_tally_open(p, limits, s);

		if (refused) {
			/* expired sessions may still hold the counts: wake the
			 * sweeper, as for a full table */
			sfw_wake_sweeper(f->now);
			sfw_session_drop(f);
			return refused;
		}
	}
	s->tally |= sfw_count_bits_new(s, &p->dst, p->family);
	/* BPF_ANY only over the session ended above: a new flow another CPU
	 * inserted meanwhile must not be overwritten, its counts would never
	 * be given back */
	if (bpf_map_update_elem(&SFW_MAP_SESSIONS, &f->key, s, f->old ? BPF_ANY : BPF_NOEXIST)) {
		sfw_tally_release(&f->key, s);
		sfw_session_drop(f);
		/* a session that never was: logged as closed for table full */
		sfw_ev_session(SFW_EV_WHAT(SFW_EV_CLOSE, SFW_CLOSE_TABLE_FULL, 0), &f->key, s,
			       f->now);
		return SFW_CNT_ERR_NO_MORE_SESSIONS;
	}
	sfw_count_open(&f->key, s->tally, 1);
	sfw_ev_session(SFW_EV_WHAT(SFW_EV_CREATE, SFW_CLOSE_NONE,
				   sfw_log_asked(f->cfg, v, SFW_RULE_LOG_INIT)), &f->key, s, f->now);
	f->sess_flags = s->flags;
	f->created = true;
	return SFW_CNT_SFW_PERMITTED_PKTS;
}

#endif
