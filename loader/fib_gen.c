/* The FIB generation that XDP forwarding's route cache holds to
 * (bpf/route_cache.bpf.h): a cached route answers only under the
 * generation it was looked up in. `sfw daemon` watches rtnetlink and
 * writes a new generation on every change the FIB lookup reads: links
 * (MTU, up and down: routes go with them unannounced), addresses (local
 * routes), routes, rules, next hops, neighbours (the MACs), forwarding
 * (netconf). Any message at all, or a lost one (ENOBUFS), is a change.
 * The same socket tells the daemon when the host's own addresses change
 * (loader/local_addrs.c) and when interfaces come, go or are renamed (the
 * zones follow their names: loader/zone_ifnames.c): one watch for all. */
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"

int sfw_fib_gen_open(void)
{
	/* optional: the pins of an older sfw lack it, and its XDP caches nothing */
	return sfw_open_pin(SFW_STR(SFW_MAP_FIB_GEN), true);
}

/* A generation no entry holds: CLOCK_MONOTONIC, past the current one
 * (any writer's, the tests' too). */
int sfw_fib_gen_bump(int gen_fd)
{
	struct timespec ts;
	__u64 cur = 0, next;
	__u32 zero = 0;

	if (gen_fd < 0)
		return 0;
	if (bpf_map_lookup_elem(gen_fd, &zero, &cur))
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	next = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	if (next <= cur)
		next = cur + 1;
	return bpf_map_update_elem(gen_fd, &zero, &next, BPF_ANY) ? -errno : 0;
}

/* A non-blocking rtnetlink socket that hears the groups given. */
static int watch_open(const unsigned int *groups, size_t n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE), err;

	if (fd < 0)
		return -errno;
	err = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	for (size_t i = 0; !err && i < n; i++)
		if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i],
			       sizeof(groups[i])))
			err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int sfw_fib_watch_open(void)
{
	static const unsigned int groups[] = {
		RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
		RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE,
		RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_NETCONF, RTNLGRP_NEXTHOP,
	};

	return watch_open(groups, sizeof(groups) / sizeof(groups[0]));
}

int sfw_link_watch_open(void)
{
	static const unsigned int link = RTNLGRP_LINK;

	return watch_open(&link, 1);
}

/* What the datagram of n bytes in buf tells beyond a change: SFW_NET_ADDRS
 * for an address message, SFW_NET_LINKS for a link's (a rename is a
 * RTM_NEWLINK, and so is a link moved in from another namespace). */
static int msg_kinds(const char *buf, ssize_t n)
{
	size_t len = (size_t)n;
	int kinds = 0;

	for (const struct nlmsghdr *h = (const void *)buf; NLMSG_OK(h, len);
	     h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR)
			kinds |= SFW_NET_ADDRS;
		if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK)
			kinds |= SFW_NET_LINKS;
	}
	return kinds;
}

int sfw_fib_watch_read(int nl_fd, int gen_fd)
{
	char buf[8192];
	int seen = 0;
	ssize_t n;

	for (;;) {
		n = recv(nl_fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			seen |= SFW_NET_CHANGED | msg_kinds(buf, n);
		else if (n < 0 && errno == ENOBUFS)   /* lost ones: anything */
			seen |= SFW_NET_CHANGED | SFW_NET_ADDRS | SFW_NET_LINKS;
		else if (!(n < 0 && errno == EINTR))
			break;
	}
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		return -errno;
	if (!seen)
		return 0;
	n = sfw_fib_gen_bump(gen_fd);
	return n ? (int)n : seen;
}
