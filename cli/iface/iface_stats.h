/* show interfaces flow-statistics and clear interfaces statistics.
 *
 * Collecting and formatting are separate: the collector reads the kernel's
 * link counters (netlink), sfw's per-CPU counters (one pinned map entry per
 * interface) and the interface's zone; the formatter gets those values in a
 * struct sfw_iface_report and never touches a map or a socket, so its golden
 * tests feed it whatever they like. Labels, order and JSON keys all come
 * from include/counters.h's one list. */
#ifndef SFW_CLI_IFACE_STATS_H
#define SFW_CLI_IFACE_STATS_H

#include <stdbool.h>
#include <stdio.h>
#include <net/if.h>
#include <linux/types.h>
#include "counters.h"
#include "loader.h"
#include "json.h"
#include "obuf.h"

/* The kernel's own view of an interface (RTM_GETLINK). */
struct sfw_link_stats {
	char name[IF_NAMESIZE];
	bool admin_up;        /* IFF_UP: "Enabled" */
	bool link_up;         /* IFF_LOWER_UP: carrier, "Physical link is Up" */
	__u64 rx_bytes, tx_bytes, rx_packets, tx_packets;   /* IFLA_STATS64 */
};

/* Reads one interface's link state and 64-bit counters over rtnetlink.
 * Returns 0, or a negative errno (-ENODEV when the interface is gone). */
int sfw_link_stats_read(__u32 ifindex, struct sfw_link_stats *out);

#define SFW_IFACE_HOST_INBOUND_MAX 16

/* Everything one interface's block shows. */
struct sfw_iface_report {
	struct sfw_link_stats link;
	const char *zone;            /* NULL: no zone ("Null") */
	/* the zone's host-inbound-traffic services, as Junos lists them
	 * (sfw_conf_host_services_list); none: no `Allowed host-inbound` line */
	const char *host_inbound[SFW_IFACE_HOST_INBOUND_MAX];
	int n_host_inbound;
	struct sfw_iface_stats flow; /* summed over CPUs */
};

/* The zone name of an interface in configuration generation `gen`: the
 * zone map (sfw_zones) gives the id, the names map (sfw_names) its name.
 * Returns NULL when there is no zone: no binding, or either map missing
 * (fd < 0, before the first commit). A zone without a stored name shows as
 * "zone-<id>". `buf` holds the result. */
const char *sfw_iface_zone(int zones_fd, int names_fd, __u32 gen, __u32 ifindex,
			   char *buf, size_t len);

/* Output: one block per interface, text (a blank line between blocks) or
 * one JSON document around all of them. */
struct sfw_iface_out {
	struct sfw_obuf ob;
	struct sfw_json j;
	bool json;
	unsigned int count;
};
void sfw_iface_out_begin(struct sfw_iface_out *o, FILE *f, bool json);
void sfw_iface_out_one(struct sfw_iface_out *o, const struct sfw_iface_report *r);
void sfw_iface_out_end(struct sfw_iface_out *o);

#endif
