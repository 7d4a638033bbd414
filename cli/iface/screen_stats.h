/* show security screen statistics zone Z: how often each screen sfw has
 * stopped a packet arriving from the zone, summed over the zone's
 * interfaces from their flow error counters (Syn-attack protection,
 * Address spoofing) and sfw's session limit counters: the screens run
 * where packets enter, so the zone's count is the sum of its interfaces'. */
#ifndef SFW_CLI_SCREEN_STATS_H
#define SFW_CLI_SCREEN_STATS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

/* The screens counted, in print order: X(counter id in include/counters.h,
 * text label, JSON key). The one list behind the text, the JSON and the
 * `screen` label of the metrics (docs/metrics.md). */
#define SFW_SCREEN_STAT_LIST(X) \
	X(ERR_SYN_ATTACK,       "SYN flood",                 "syn-flood") \
	X(ERR_ADDRESS_SPOOFING, "IP spoofing",               "ip-spoofing") \
	X(SCREEN_SRC_LIMIT,     "Source session limit",      "source-session-limit") \
	X(SCREEN_DST_LIMIT,     "Destination session limit", "destination-session-limit")

enum sfw_screen_stat {
#define SFW_X(cnt, label, key) SFW_SCREEN_STAT_##cnt,
	SFW_SCREEN_STAT_LIST(SFW_X)
#undef SFW_X
	SFW_SCREEN_STAT_COUNT
};

struct sfw_screen_report {
	const char *zone;
	__u64 n[SFW_SCREEN_STAT_COUNT];   /* by enum sfw_screen_stat */
};

/* Text label and JSON key of each screen. */
extern const char *const sfw_screen_stat_label[SFW_SCREEN_STAT_COUNT];
extern const char *const sfw_screen_stat_key[SFW_SCREEN_STAT_COUNT];

/* Adds the counters of every interface bound to zone_id in generation gen
 * (zones_fd: an sfw_zones map; ifaces_fd: an sfw_ifaces map, which gives
 * each interface's counter slot; stats_fd: a per-CPU sfw_iface_stats array).
 * An interface bound but without counters (not attached) adds nothing.
 * 0 or a negative errno. */
int sfw_screen_stats_collect(int zones_fd, int ifaces_fd, int stats_fd, __u32 gen,
			     __u32 zone_id, struct sfw_screen_report *r);
void sfw_screen_stats_print(FILE *f, bool json, const struct sfw_screen_report *r);

#endif
