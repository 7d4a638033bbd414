/* The host's own addresses over rtnetlink (include/local_addr.h): the
 * parts tests reach (tests/unit/test_local_addrs.c). */
#ifndef SFW_LOCAL_ADDRS_H
#define SFW_LOCAL_ADDRS_H

#include <stdbool.h>
#include <linux/netlink.h>
#include "local_addr.h"

/* The host's address an RTM_NEWADDR/RTM_DELADDR message names, and the
 * interface's index: true when it names one of a family sfw keys. */
bool sfw_local_addr_parse(const struct nlmsghdr *nh, struct sfw_local_addr_key *k,
			  __u32 *ifindex);

/* An address and an interface holding it. */
struct sfw_local_addr_entry {
	struct sfw_local_addr_key key;
	__u32 ifindex;
};

/* A set of addresses being collected from a dump. */
struct sfw_local_addr_set {
	struct sfw_local_addr_entry *e;
	size_t n, cap;
};

/* Adds every address of the dump's messages in buf[0..len) to set: 1 at
 * the dump's end (NLMSG_DONE), 0 for more to read, or a negative errno
 * (the kernel's error, -ENOMEM). */
int sfw_local_addr_collect(const void *buf, size_t len, struct sfw_local_addr_set *set);
void sfw_local_addr_set_free(struct sfw_local_addr_set *set);

/* Makes map_fd hold exactly set's addresses: added, then the others
 * deleted. Sorts set (a lookup per map entry). 0 or a negative errno. */
int sfw_local_addrs_apply(int map_fd, struct sfw_local_addr_set *set);

#endif
