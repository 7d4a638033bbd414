/* show security screen statistics zone Z: how often each screen sfw has
 * stopped a packet arriving from the zone, summed over the zone's
 * interfaces from their flow error counters (Syn-attack protection,
 * Address spoofing) and sfw's session limit counters: the screens run where packets enter, so the zone's
 * count is the sum of its interfaces'. */
#ifndef SFW_CLI_SCREEN_STATS_H
#define SFW_CLI_SCREEN_STATS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "grammar.h"

struct sfw_screen_report {
	const char *zone;
	__u64 syn_flood;      /* SFW_CNT_ERR_SYN_ATTACK */
	__u64 ip_spoofing;    /* SFW_CNT_ERR_ADDRESS_SPOOFING */
	__u64 src_limit;      /* SFW_CNT_SCREEN_SRC_LIMIT */
	__u64 dst_limit;      /* SFW_CNT_SCREEN_DST_LIMIT */
};

/* Adds the counters of every interface bound to zone_id in generation gen
 * (zones_fd: an sfw_zones map; stats_fd: a per-CPU sfw_iface_stats map).
 * An interface bound but without counters (not attached) adds nothing.
 * 0 or a negative errno. */
int sfw_screen_stats_collect(int zones_fd, int stats_fd, __u32 gen, __u32 zone_id,
			     struct sfw_screen_report *r);
void sfw_screen_stats_print(FILE *f, bool json, const struct sfw_screen_report *r);

int sfw_cmd_show_screen_stats(const struct sfw_cmdline *cl);

#endif
