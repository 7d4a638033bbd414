/* Rate limits on what a flood can make sfw emit: DENY log events, and the
 * replies sfw sends itself (`then reject` answers, SYN-cookie SYN-ACKs).
 * One token bucket per CPU and kind (plain arithmetic on per-CPU memory,
 * no atomics), refilled at the configured rate per second, holding one
 * second's worth. docs/security.md "Session limits, floods and rate
 * limits" says why these two and what the defaults cost. */
#ifndef SFW_RATELIMIT_H
#define SFW_RATELIMIT_H

#include "sfw_types.h"

#define SFW_MAP_RATE sfw_rate    /* per-CPU array of buckets, by kind */

enum sfw_rate_kind {
	SFW_RATE_DENY_LOG = 0,   /* DENY events into the deny ring */
	SFW_RATE_REPLY = 1,      /* rejects and cookie SYN-ACKs */
	SFW_RATE_COUNT
};

/* Per second and CPU: `set security flow deny-log-rate N` and
 * `reply-rate N` (sfw's own words; Junos's `security log event-rate`
 * limits every log, creates and closes too). */
#define SFW_DENY_LOG_RATE_DEFAULT 1000
#define SFW_REPLY_RATE_DEFAULT    10000
#define SFW_RATE_MIN 1
#define SFW_RATE_MAX 1000000

struct sfw_rate_bucket {
	__u64 stamp_ns;       /* when the credit was last brought up to date */
	__u64 credit_ns;      /* time credit: a token costs 1 s / rate */
	__u64 suppressed;     /* refused by the bucket */
	__u64 lost;           /* let through, then refused by a full ring (deny log) */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_rate_bucket) == 32, "rate bucket ABI");

/* A token bucket kept as time credit: one ns of credit a ns since
 * stamp_ns, at most burst_ns. A stamp ahead of now (another CPU's, on a
 * shared bucket) must not wrap into a full bucket. */
static inline __u64 sfw_credit_now(__u64 stamp_ns, __u64 credit_ns, __u64 burst_ns, __u64 now)
{
	__u64 credit = credit_ns + (now > stamp_ns ? now - stamp_ns : 0);

	return credit > burst_ns ? burst_ns : credit;
}

/* The bucket brought up to now, then cost_ns taken when there is that
 * much: 1 taken, 0 not. Shared by the buckets above and the NAT fragment
 * quota (include/frag.h). */
static inline int sfw_credit_take(__u64 *stamp_ns, __u64 *credit_ns, __u64 cost_ns,
				  __u64 burst_ns, __u64 now)
{
	__u64 credit = sfw_credit_now(*stamp_ns, *credit_ns, burst_ns, now);

	*stamp_ns = now > *stamp_ns ? now : *stamp_ns;
	if (credit < cost_ns) {
		*credit_ns = credit;
		return 0;
	}
	*credit_ns = credit - cost_ns;
	return 1;
}

#endif
