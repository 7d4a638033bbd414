/* The kernel's interface counters over rtnetlink. getifaddrs() would be
 * shorter, but it hands out the 32-bit struct rtnl_link_stats, which wraps
 * after 4 GiB; IFLA_STATS64 does not. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include "iface_stats.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000   /* linux/if.h, which clashes with net/if.h */
#endif

/* Room for one RTM_NEWLINK: a few KiB with every attribute; twice that. */
#define NL_BUF 16384

static int nl_request(int fd, __u32 ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1 },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int)ifindex },
	};

	return send(fd, &req, sizeof(req), 0) == (ssize_t)sizeof(req) ? 0 : -errno;
}

static void parse_link(struct nlmsghdr *nh, struct sfw_link_stats *out)
{
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	struct rtattr *a = IFLA_RTA(ifi);
	int len = (int)IFLA_PAYLOAD(nh);
	struct rtnl_link_stats64 st;

	out->admin_up = ifi->ifi_flags & IFF_UP;
	out->link_up = ifi->ifi_flags & IFF_LOWER_UP;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t n = RTA_PAYLOAD(a);

		if (a->rta_type == IFLA_IFNAME) {
			snprintf(out->name, sizeof(out->name), "%.*s", (int)n, (char *)RTA_DATA(a));
		} else if (a->rta_type == IFLA_STATS64) {
			/* memcpy: the attribute is only 4-byte aligned */
			memset(&st, 0, sizeof(st));
			memcpy(&st, RTA_DATA(a), n < sizeof(st) ? n : sizeof(st));
			out->rx_bytes = st.rx_bytes;
			out->tx_bytes = st.tx_bytes;
			out->rx_packets = st.rx_packets;
			out->tx_packets = st.tx_packets;
		}
	}
}

/* NLMSG_OK without its comparison of the signed length with the unsigned
 * nlmsg_len, which clang's -Wsign-compare (and so the fuzz build) refuses. */
static bool nl_ok(const struct nlmsghdr *nh, int n)
{
	return n >= (int)sizeof(*nh) && nh->nlmsg_len >= sizeof(*nh) && nh->nlmsg_len <= (__u32)n;
}

/* Walks the reply: the link message, or the error the kernel sent. */
static int nl_reply(const char *buf, ssize_t len, struct sfw_link_stats *out)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	int n = (int)len;

	for (; nl_ok(nh, n); nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			return e->error ? e->error : -EPROTO;
		}
		if (nh->nlmsg_type == RTM_NEWLINK) {
			parse_link(nh, out);
			return 0;
		}
	}
	return -EPROTO;
}

int sfw_link_stats_read(__u32 ifindex, struct sfw_link_stats *out)
{
	static char buf[NL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t len;
	int fd, err;

	memset(out, 0, sizeof(*out));
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	err = nl_request(fd, ifindex);
	if (!err) {
		len = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		if (len < 0)
			err = -errno;
		else if (len > (ssize_t)sizeof(buf))
			err = -EMSGSIZE;
		else
			err = nl_reply(buf, len, out);
	}
	close(fd);
	return err;
}
