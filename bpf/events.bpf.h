/* Session events into BPF ring buffers (include/events.h). Emitted only on
 * a session's creation, its end, a denied first packet and (for the
 * cluster mirror) a TCP state change, never per packet, and only when
 * asked. A full ring never blocks the datapath: the
 * event is dropped and counted per CPU in sfw_ev_lost (denies: in their
 * rate bucket). Denies go to their own ring through a rate limit, so a
 * flood of refused packets can never cost a CREATE or CLOSE record. */
#ifndef SFW_EVENTS_BPF_H
#define SFW_EVENTS_BPF_H

#include "maps.bpf.h"
#include "events.h"
#include "ratelimit.bpf.h"
#include "protocols.h"

/* The log ring, read by `sfw daemon`. Pinned like every map, so events
 * wait there while the daemon restarts. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SFW_EVENTS_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_EVENTS SEC(".maps");

/* The log's DENY events, read by `sfw daemon` too: a deny flood fills
 * this one (past its rate limit, nothing at all), never the ring above. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SFW_DENY_EVENTS_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_DENY_EVENTS SEC(".maps");

/* A second ring for `sfw monitor`, so watching never takes events from the
 * log (a ring has one consumer). Written only while SFW_CFG_F_MONITOR. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SFW_MON_EVENTS_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_MON_EVENTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SFW_RING_COUNT);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_EV_LOST SEC(".maps");

/* The cluster mirror's ring (docs/ha.md): written only while this node is
 * its cluster's primary (SFW_CFG_F_SYNC), read by the session daemon. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SFW_SYNC_EVENTS_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_SYNC_EVENTS SEC(".maps");

/* Its losses apart from sfw_ev_lost: a pinned map keeps its size, so a
 * third entry there would refuse the pins of an older sfw. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} SFW_MAP_SYNC_LOST SEC(".maps");

static __always_inline void sfw_ev_count_lost(__u32 ring)
{
	__u64 *n = bpf_map_lookup_elem(&SFW_MAP_EV_LOST, &ring);

	if (n)
		*n += 1;
}

static __always_inline void sfw_ev_count_sync_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&SFW_MAP_SYNC_LOST, &zero);

	if (n)
		*n += 1;
}

/* Reserves the event in the first ring that wants it: the log's (DENY: the
 * deny ring), the monitor's, the mirror's; a full one drops out of
 * e->flags, which then says where it is (the first ring it names) and
 * where copies go. */
static __always_inline struct sfw_event *sfw_ev_reserve(__u8 want, __u8 type, __u8 reason,
							__u64 now)
{
	struct sfw_event *e = NULL;

	if ((want & SFW_EV_F_LOG) && type == SFW_EV_DENY) {
		e = bpf_ringbuf_reserve(&SFW_MAP_DENY_EVENTS, sizeof(*e), 0);
		if (!e) {
			sfw_rate_lost(SFW_RATE_DENY_LOG);
			want &= ~SFW_EV_F_LOG;
		}
	} else if (want & SFW_EV_F_LOG) {
		e = bpf_ringbuf_reserve(&SFW_MAP_EVENTS, sizeof(*e), 0);
		if (!e) {
			sfw_ev_count_lost(SFW_RING_LOG);
			want &= ~SFW_EV_F_LOG;
		}
	}
	if (!e && (want & SFW_EV_F_MONITOR)) {
		e = bpf_ringbuf_reserve(&SFW_MAP_MON_EVENTS, sizeof(*e), 0);
		if (!e) {
			sfw_ev_count_lost(SFW_RING_MONITOR);
			want &= ~SFW_EV_F_MONITOR;
		}
	}
	if (!e && (want & SFW_EV_F_SYNC)) {
		e = bpf_ringbuf_reserve(&SFW_MAP_SYNC_EVENTS, sizeof(*e), 0);
		if (!e)
			sfw_ev_count_sync_lost();
	}
	if (e) {
		e->type = type;
		e->reason = reason;
		e->flags = want;
		__builtin_memset(e->pad, 0, sizeof(e->pad));
		e->time_ns = now;
	}
	return e;
}

/* An event the later rings also want is copied to them: one reservation
 * and fill, whoever reads it. */
static __always_inline void sfw_ev_submit(struct sfw_event *e)
{
	__u8 f = e->flags;

	if ((f & (SFW_EV_F_LOG | SFW_EV_F_MONITOR)) == (SFW_EV_F_LOG | SFW_EV_F_MONITOR) &&
	    bpf_ringbuf_output(&SFW_MAP_MON_EVENTS, e, sizeof(*e), 0))
		sfw_ev_count_lost(SFW_RING_MONITOR);
	if ((f & SFW_EV_F_SYNC) && (f & (SFW_EV_F_LOG | SFW_EV_F_MONITOR)) &&
	    bpf_ringbuf_output(&SFW_MAP_SYNC_EVENTS, e, sizeof(*e), 0))
		sfw_ev_count_sync_lost();
	bpf_ringbuf_submit(e, 0);
}

/* Events leave the datapath through the global functions below, each
 * verified once on its own: inlined at every call site, the ring-buffer
 * branches multiplied the verifier's states past its limit. They read the
 * config themselves (is a monitor watching?) so callers stay branch-free.
 * `what` packs the event type, the close reason and whether a policy asked
 * to log: SFW_EV_WHAT(). */
#define SFW_EV_WHAT(type, reason, log) \
	((__u32)(type) | ((__u32)(reason) << 8) | ((log) ? (1u << 16) : 0))

static __always_inline const struct sfw_config *sfw_ev_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&SFW_MAP_CONFIG, &zero);
}

static __always_inline bool sfw_ev_monitored(void)
{
	const struct sfw_config *cfg = sfw_ev_config();

	return cfg && (cfg->flags & SFW_CFG_F_MONITOR);
}

/* Does the cluster mirror want session s? Only on the primary, and TCP
 * only once established: a handshake the peer never saw restarts there
 * with the client's next SYN, and a SYN flood never reaches the sync
 * link (docs/ha.md, "What is mirrored"). */
static __always_inline bool sfw_ev_synced(__u32 cfg_flags, const struct sfw_session_key *k,
					  const struct sfw_session *s)
{
	return (cfg_flags & SFW_CFG_F_SYNC) &&
	       (k->proto != SFW_IPPROTO_TCP || s->tcp_state >= SFW_TCP_ESTABLISHED);
}

/* Why a session that timed out (or is being replaced) ended: a TCP
 * connection that was closing with FINs (half-closed included: one FIN
 * and no answer until its timeout) or ended by a RST ends for that
 * reason, the rest went idle. */
static __always_inline __u8 sfw_close_reason_of(const struct sfw_session *s)
{
	if (s->tcp_state == SFW_TCP_FIN_WAIT || s->tcp_state == SFW_TCP_CLOSE_WAIT ||
	    s->tcp_state == SFW_TCP_TIME_WAIT)
		return SFW_CLOSE_TCP_FIN;
	if (s->tcp_state == SFW_TCP_CLOSED)
		return SFW_CLOSE_TCP_RST;
	return SFW_CLOSE_IDLE;
}

/* CREATE (logged when asked) or CLOSE (logged when the session recorded
 * SFW_SESS_F_LOG_CLOSE; reason NONE: from its TCP state) of session s,
 * or its TCP state change (UPDATE: for the cluster mirror alone). */
__noinline int sfw_ev_session(__u32 what, const struct sfw_session_key *k,
			      const struct sfw_session *s, __u64 now)
{
	const struct sfw_config *cfg = sfw_ev_config();
	__u8 type = what & 0xff, reason = (what >> 8) & 0xff;
	__u32 flags = cfg ? cfg->flags : 0;
	bool log = what >> 16;
	struct sfw_event *e;
	__u8 want;

	if (!k || !s)
		return 0;
	if (type == SFW_EV_CLOSE) {
		log = s->flags & SFW_SESS_F_LOG_CLOSE;
		if (reason == SFW_CLOSE_NONE)
			reason = sfw_close_reason_of(s);
	}
	want = sfw_ev_synced(flags, k, s) ? SFW_EV_F_SYNC : 0;
	if (type != SFW_EV_UPDATE)
		want |= (log ? SFW_EV_F_LOG : 0) | (flags & SFW_CFG_F_MONITOR ? SFW_EV_F_MONITOR : 0);
	if (!want)
		return 0;
	e = sfw_ev_reserve(want, type, reason, now);
	if (!e)
		return 0;
	__builtin_memcpy(&e->key, k, sizeof(*k));
	__builtin_memcpy(&e->sess, s, sizeof(*s));
	sfw_ev_submit(e);
	return 1;
}

/* What a DENY says about the refused first packet (there is no session). */
struct sfw_ev_deny_info {
	__u64 now;
	__u64 bytes;
	__u32 policy_id;
	__u32 in_ifindex;
	__u32 out_ifindex;
	__u32 src_lo;
};

/* A denied first packet, logged (within deny-log-rate) when asked. */
__noinline int sfw_ev_deny(__u32 log, const struct sfw_session_key *k,
			   const struct sfw_ev_deny_info *d)
{
	const struct sfw_config *cfg = sfw_ev_config();
	struct sfw_event *e;
	__u8 want;

	if (!cfg || !k || !d)
		return 0;
	want = cfg->flags & SFW_CFG_F_MONITOR ? SFW_EV_F_MONITOR : 0;
	if (log && sfw_rate_take(SFW_RATE_DENY_LOG, cfg->deny_log_rate, d->now))
		want |= SFW_EV_F_LOG;
	if (!want)
		return 0;
	e = sfw_ev_reserve(want, SFW_EV_DENY, SFW_CLOSE_NONE, d->now);
	if (!e)
		return 0;
	__builtin_memcpy(&e->key, k, sizeof(*k));
	__builtin_memset(&e->sess, 0, sizeof(e->sess));
	e->sess.created_s = sfw_secs(d->now);
	e->sess.last_seen_s = e->sess.created_s;
	e->sess.policy_id = d->policy_id;
	e->sess.flags = d->src_lo ? SFW_SESS_F_OPENER_LO : 0;
	e->sess.wing[SFW_WING_IN].ifindex = d->in_ifindex;
	e->sess.wing[SFW_WING_IN].packets = 1;
	e->sess.wing[SFW_WING_IN].bytes = d->bytes;
	e->sess.wing[SFW_WING_OUT].ifindex = d->out_ifindex;
	sfw_ev_submit(e);
	return 1;
}

#endif
