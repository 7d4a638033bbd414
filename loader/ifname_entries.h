/* Entries by interface index computed from interface names, as the zones
 * (zone_ifnames.c) and the proxy-arp/ndp entries (nat_proxy_write.c)
 * follow names: one list for both, what a pass wants and what the map
 * holds. Each element begins with struct sfw_by_index. */
#ifndef SFW_IFNAME_ENTRIES_H
#define SFW_IFNAME_ENTRIES_H

#include <stddef.h>
#include <linux/types.h>

struct sfw_by_index {
	__u32 ifindex;
	__u32 sub;          /* the proxies' range number; the zones' 0 */
	char ifname[16];    /* the name that gave it; "" read from a map */
};

struct sfw_ifname_entries {
	void *v;            /* n elements of size bytes */
	int n, cap;
	size_t size;
};

/* Appends the element at e (size bytes): 0, or -ENOMEM with a message. */
int sfw_ifname_entries_add(struct sfw_ifname_entries *l, const void *e);
/* By index and sub; NULL when none. The list sorted first. */
void *sfw_ifname_entries_find(const struct sfw_ifname_entries *l, __u32 ifindex, __u32 sub);
/* Sorts by index and sub: for find, in n log n. */
void sfw_ifname_entries_sort(struct sfw_ifname_entries *l);
/* Sorts, and drops the entries of an index two names gave: an interface
 * renamed between two look-ups. Neither is trusted (the rename's
 * notification brings another computation); neither binds meanwhile. */
void sfw_ifname_entries_drop_shared(struct sfw_ifname_entries *l);

#endif
