/* The session daemon (`sfw daemon`, docs/events.md) as the other sides see
 * it: what it publishes for `sfw status`, and the datapath's signal that
 * the table refused a session while the sweeper slept (docs/design.md,
 * "Ageing"). */
#ifndef SFW_DAEMON_H
#define SFW_DAEMON_H

#include "sfw_types.h"

#define SFW_MAP_DAEMON sfw_daemon   /* array[1]: struct sfw_daemon_info */
#define SFW_MAP_WAKE   sfw_wake     /* ring: the datapath wakes the sweeper */
#define SFW_WAKE_RING_BYTES 4096    /* the smallest ring: one record waits at a time */

/* Who started the daemon that holds the pin root's daemon lock. */
enum sfw_daemon_origin {
	SFW_DAEMON_NONE = 0,
	SFW_DAEMON_AUTO,      /* `sfw attach`, when none ran */
	SFW_DAEMON_HAND,      /* `sfw daemon ...` on a command line */
	SFW_DAEMON_SYSTEMD,   /* `sfw daemon ...` from a unit (docs/sfw.service) */
};

/* Written by the daemon after each sweep pass; `wake_armed` is the one
 * field the datapath writes: 1 lets the next first packet refused for No
 * more sessions wake the sweeper through SFW_MAP_WAKE, and clears it (one
 * wake per pass, however many packets are refused). */
struct sfw_daemon_info {
	__u32 wake_armed;
	__u32 pid;
	__u32 origin;           /* enum sfw_daemon_origin */
	__u32 interval_ms;      /* the wait chosen after the last pass */
	__u64 started_s;        /* CLOCK_REALTIME seconds */
	__u64 passes;           /* complete sweeps of the table */
	__u64 removed;          /* expired sessions removed */
	__u64 wakes;            /* passes the datapath's signal brought forward */
	__u64 last_pass_ns;     /* how long the last pass took */
	__u64 last_sessions;    /* sessions left in the table after it */
	__u64 log_written;      /* events written to the sinks */
	__u64 log_failed;       /* lines a sink refused (syslog unreachable ...) */
	char sinks[120];        /* "syslog", "json-file /var/log/x, stdout" ... */
	/* CLOCK_MONOTONIC when the last pass ended (its start before the
	 * first): a daemon that has not swept for longer than the rule below
	 * is stuck or stopped. Last, where a daemon of an older sfw
	 * leaves the zeros that end its sinks' text: 0 says nothing. */
	__u64 last_pass_end_ns;
};
SFW_STATIC_ASSERT(sizeof(struct sfw_daemon_info) == 208, "daemon info ABI");

/* A daemon is stale once its last pass ended longer ago than the wait it
 * chose (interval_ms), twice that pass's length and this grace: `sfw
 * status` says so and `sfw attach` replaces it (docs/events.md). */
#define SFW_DAEMON_STALE_GRACE_MS 10000

#endif
