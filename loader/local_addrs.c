/* The host's own addresses (include/local_addr.h), read over rtnetlink in
 * the network namespace the caller runs in: the one the programs are
 * attached in (attach, the session daemon and the e2e tests' nsenter all
 * run there). A sync dumps every address and makes the map hold exactly
 * those; the daemon subscribes to the address groups and syncs again on
 * anything it hears, and on a lost notification (ENOBUFS). Syncing the
 * whole set rather than applying each message keeps an address two
 * interfaces share until the last one lets it go. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_addr.h>
#include "libbpf_lazy.h"
#include "loader_int.h"
#include "local_addrs.h"
#include "nl_dump.h"
#include "maps.h"

/* IFA_LOCAL is the host's own address where a peer is configured (IPv4
 * point-to-point: IFA_ADDRESS is then the peer's); without one,
 * IFA_ADDRESS is. A broadcast (IFA_BROADCAST) is no source of the host's. */
bool sfw_local_addr_parse(const struct nlmsghdr *nh, struct sfw_local_addr_key *k,
			  __u32 *ifindex)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	const struct rtattr *a, *local = NULL, *address = NULL;
	size_t want;
	int len;

	if ((nh->nlmsg_type != RTM_NEWADDR && nh->nlmsg_type != RTM_DELADDR) ||
	    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return false;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return false;
	want = ifa->ifa_family == AF_INET ? 4 : 16;
	len = (int)IFA_PAYLOAD(nh);
	for (a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFA_LOCAL && RTA_PAYLOAD(a) == want)
			local = a;
		else if (a->rta_type == IFA_ADDRESS && RTA_PAYLOAD(a) == want)
			address = a;
	}
	a = local ? local : address;
	if (!a)
		return false;
	memset(k, 0, sizeof(*k));
	memcpy(k->addr.bytes, RTA_DATA(a), want);
	k->family = ifa->ifa_family == AF_INET ? SFW_FAMILY_INET : SFW_FAMILY_INET6;
	*ifindex = ifa->ifa_index;
	return true;
}

static int set_add(struct sfw_local_addr_set *set, const struct sfw_local_addr_key *k,
		   __u32 ifindex)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 64;
		struct sfw_local_addr_entry *e = realloc(set->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		set->e = e;
		set->cap = cap;
	}
	set->e[set->n].key = *k;
	set->e[set->n++].ifindex = ifindex;
	return 0;
}

void sfw_local_addr_set_free(struct sfw_local_addr_set *set)
{
	free(set->e);
	memset(set, 0, sizeof(*set));
}

static int collect_one(const struct nlmsghdr *nh, void *set)
{
	struct sfw_local_addr_key k;
	__u32 ifindex;

	return sfw_local_addr_parse(nh, &k, &ifindex) ? set_add(set, &k, ifindex) : 0;
}

int sfw_local_addr_collect(const void *buf, size_t len, struct sfw_local_addr_set *set)
{
	return sfw_nl_each(buf, len, collect_one, set);
}

/* the key alone orders entries (struct padding: zero, as built) */
static int entry_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct sfw_local_addr_key));
}

static bool set_has(const struct sfw_local_addr_set *set, const struct sfw_local_addr_key *k)
{
	return set->n && bsearch(k, set->e, set->n, sizeof(*set->e), entry_cmp);
}

int sfw_local_addrs_apply(int map_fd, struct sfw_local_addr_set *set)
{
	struct sfw_local_addr_set gone = {};
	struct sfw_local_addr_key key, next;
	int err = 0;

	if (set->n)
		qsort(set->e, set->n, sizeof(*set->e), entry_cmp);
	/* the new ones first: an address that stays is never missing */
	for (size_t i = 0; i < set->n; i++)
		if (bpf_map_update_elem(map_fd, &set->e[i].key, &set->e[i].ifindex, BPF_ANY) &&
		    !err)
			err = -errno;   /* full: that one fails closed; the rest go on */
	/* then the others, found first and deleted after: a walk that
	 * deletes as it goes starts over at each deleted key */
	for (int r = bpf_map_get_next_key(map_fd, NULL, &next); !r;
	     r = bpf_map_get_next_key(map_fd, &key, &next)) {
		key = next;
		if (!set_has(set, &key) && set_add(&gone, &key, 0) && !err)
			err = -ENOMEM;
	}
	for (size_t i = 0; i < gone.n; i++)
		bpf_map_delete_elem(map_fd, &gone.e[i].key);
	sfw_local_addr_set_free(&gone);
	return err;
}

/* Every address of the namespace, both families, into set. */
static int dump(struct sfw_local_addr_set *set)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETADDR,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.ifa = { .ifa_family = AF_UNSPEC },
	};
	char *buf = malloc(SFW_NL_BUF);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int r = !buf ? -ENOMEM : fd < 0 ? -errno : sfw_nl_dump(fd, &req, sizeof(req), buf,
								collect_one, set);

	if (fd >= 0)
		close(fd);
	free(buf);
	return r;
}

int sfw_local_addrs_sync(int map_fd)
{
	struct sfw_local_addr_set set = {};
	int fd = map_fd >= 0 ? map_fd : sfw_open_pin(SFW_STR(SFW_MAP_LOCAL_ADDRS), true);
	int err = fd < 0 ? fd : dump(&set);

	/* none pinned: the programs loaded (an older sfw's, until a reload)
	 * read none either */
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;   /* said why */
	if (!err)
		err = sfw_local_addrs_apply(fd, &set);
	sfw_local_addr_set_free(&set);
	if (fd != map_fd)
		close(fd);
	if (err == -E2BIG || err == -ENOSPC)
		return sfw_fail(-err, "more addresses than the table of the host's own holds (%d): "
				"the others are judged as their ingress zone's",
				SFW_MAX_LOCAL_ADDRS);
	return err ? sfw_fail(-err, "cannot list the host's own addresses: %s",
			      strerror(-err)) : 0;
}

int sfw_local_addrs_follow(int map_fd, int gen_fd)
{
	int err = sfw_local_addrs_sync(map_fd), bump = sfw_fib_gen_bump(gen_fd);

	if (err)
		return err;
	return bump ? sfw_fail(-bump, "cannot write the route cache's generation: %s",
			       strerror(-bump)) : 0;
}
