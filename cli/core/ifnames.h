/* Interface names for printing: if_indextoname once per ifindex per
 * command (a listing of a million sessions asks for a handful of names). */
#ifndef SFW_CLI_IFNAMES_H
#define SFW_CLI_IFNAMES_H

#include <net/if.h>
#include <linux/types.h>

#define SFW_IFNAME_CACHE 64

struct sfw_ifnames {
	unsigned int n;
	struct {
		__u32 ifindex;
		char name[IF_NAMESIZE];
	} e[SFW_IFNAME_CACHE];
};

/* The name of `ifindex`, or its number when the interface is gone (or 0:
 * a wing that has seen no packet yet). The pointer stays valid while the
 * cache lives, except past SFW_IFNAME_CACHE names (then `buf` is used). */
const char *sfw_ifname(struct sfw_ifnames *c, __u32 ifindex, char *buf);

#endif
