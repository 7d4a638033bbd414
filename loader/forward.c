/* XDP forwarding (bpf/forward.bpf.h): the run-time flag, and the devmap of
 * egress interfaces XDP may redirect to. An interface goes into the map
 * when it is attached and its driver can transmit redirected frames: the
 * kernel's XDP feature NETDEV_XDP_ACT_NDO_XMIT, read through the "netdev"
 * generic netlink family. For a veth that feature says whether the peer
 * runs NAPI (an XDP program or GRO on the peer); without it a redirected
 * frame would be dropped, so such an interface is left to the stack.
 * The feature can change after attach (GRO turned on at the peer), so the
 * map is refreshed on every attach and detach and when forwarding is
 * turned on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"

/* From linux/netdev.h (UAPI since 6.3), which this distribution's headers
 * lack; the values are ABI. */
#define NETDEV_FAMILY "netdev"
#define NETDEV_CMD_DEV_GET 1
#define NETDEV_A_DEV_IFINDEX 1
#define NETDEV_A_DEV_XDP_FEATURES 3
#define NETDEV_XDP_ACT_NDO_XMIT 4

struct genl_msg {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[512];
};

static void put_attr(struct genl_msg *m, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (struct nlattr *)((char *)m + NLMSG_ALIGN(m->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nh.nlmsg_len = NLMSG_ALIGN(m->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Sends one request and finds attribute `want` in the answer; *out gets
 * up to `len` bytes of it. Returns 0, or a negative errno (the kernel's
 * error for a refused request, -ENOENT when the attribute is absent). */
static int genl_ask(int fd, __u16 family, __u8 cmd, __u16 type, const void *arg, __u16 arg_len,
		    __u16 want, void *out, size_t len)
{
	struct genl_msg m = { .nh = { .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
				      .nlmsg_type = family, .nlmsg_flags = NLM_F_REQUEST },
			      .gh = { .cmd = cmd, .version = 1 } };
	char buf[8192];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	ssize_t n;

	put_attr(&m, type, arg, arg_len);
	if (send(fd, &m, m.nh.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(nh, (size_t)n))
		return -EBADMSG;
	if (nh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(nh))->error ?: -ENOENT;
	int rem = (int)nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);

	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) != want)
			continue;
		memcpy(out, (char *)a + NLA_HDRLEN,
		       len < (size_t)(a->nla_len - NLA_HDRLEN) ? len : (size_t)(a->nla_len - NLA_HDRLEN));
		return 0;
	}
	return -ENOENT;
}

/* A redirect-capable device: 1 yes, 0 no, negative errno when the kernel
 * cannot say (no "netdev" family before Linux 6.3). */
static int can_take_redirects(int fd, __u16 family, __u32 ifindex)
{
	__u64 features = 0;
	int err = genl_ask(fd, family, NETDEV_CMD_DEV_GET, NETDEV_A_DEV_IFINDEX, &ifindex,
			   sizeof(ifindex), NETDEV_A_DEV_XDP_FEATURES, &features, sizeof(features));

	if (err == -ENOENT)
		return 0;   /* the device reports no XDP features at all */
	return err ? err : !!(features & NETDEV_XDP_ACT_NDO_XMIT);
}

static int netdev_family(int fd, __u16 *family)
{
	return genl_ask(fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME,
			NETDEV_FAMILY, sizeof(NETDEV_FAMILY), CTRL_ATTR_FAMILY_ID, family,
			sizeof(*family));
}

/* Drops map entries of interfaces no longer attached. */
static void prune_ports(int map_fd, const struct sfw_iface_entry *list, int n)
{
	__u32 key, next, gone[SFW_MAX_IFACES];
	int ngone = 0;

	for (void *prev = NULL; !bpf_map_get_next_key(map_fd, prev, &next); prev = &key) {
		bool found = false;

		key = next;
		for (int i = 0; i < n && !found; i++)
			found = list[i].ifindex == key;
		if (!found && ngone < SFW_MAX_IFACES)
			gone[ngone++] = key;
	}
	for (int i = 0; i < ngone; i++)
		bpf_map_delete_elem(map_fd, &gone[i]);
}

int sfw_forward_refresh(void)
{
	struct sfw_iface_entry list[SFW_MAX_IFACES];
	int n = sfw_list_ifaces(list, SFW_MAX_IFACES);
	int map_fd, nl = -1, capable = 0, err = 0;
	__u16 family = 0;

	if (n < 0)
		return n;
	map_fd = sfw_open_map(SFW_STR(SFW_MAP_TX_PORTS));
	if (map_fd < 0)
		return map_fd;
	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl < 0 || netdev_family(nl, &family))
		family = 0;   /* old kernel: no way to tell, so trust every device */
	for (int i = 0; i < n && !err; i++) {
		__u32 ifindex = list[i].ifindex;
		int ok = family ? can_take_redirects(nl, family, ifindex) : 1;

		if (ok > 0 && !bpf_map_update_elem(map_fd, &ifindex, &ifindex, BPF_ANY))
			capable++;
		else if (ok >= 0)
			bpf_map_delete_elem(map_fd, &ifindex);
		else
			err = sfw_fail(-ok, "%s: cannot read its XDP features: %s", list[i].info.name,
				       strerror(-ok));
	}
	prune_ports(map_fd, list, n);
	if (nl >= 0)
		close(nl);
	close(map_fd);
	return err ? err : capable;
}

int sfw_forward_ports(__u32 *ifindexes, int max)
{
	int fd = sfw_open_map(SFW_STR(SFW_MAP_TX_PORTS)), n = 0;
	__u32 key, next;

	if (fd < 0)
		return fd;
	for (void *prev = NULL; n < max && !bpf_map_get_next_key(fd, prev, &next); prev = &key) {
		key = next;
		ifindexes[n++] = key;
	}
	close(fd);
	return n;
}

int sfw_forward_set(bool on)
{
	struct sfw_config cfg;
	int err = sfw_config_read(&cfg);

	if (err)
		return err;
	cfg.flags = on ? cfg.flags | SFW_CFG_F_FORWARD : cfg.flags & ~(__u32)SFW_CFG_F_FORWARD;
	err = sfw_config_write(&cfg);
	if (err || !on)
		return err;
	err = sfw_forward_refresh();
	return err < 0 ? err : 0;
}
