/* The rtnetlink side of the host's own addresses (loader/local_addrs.c):
 * which address an RTM_NEWADDR/RTM_DELADDR names, and a dump's messages
 * collected into the set the map is made to hold. No kernel: messages
 * built here as the kernel lays them out. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <linux/if_addr.h>
#include "local_addrs.h"

struct msgbuf {
	char b[4096];
	size_t len;
};

/* Appends an address message: family, interface, and up to two
 * attributes (type 0: absent). */
static void add_addr(struct msgbuf *m, __u16 type, __u8 family, int ifindex,
		     __u16 a1, const char *t1, __u16 a2, const char *t2)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(m->b + m->len);
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	size_t alen = family == AF_INET ? 4 : 16;
	struct rtattr *a;

	memset(nh, 0, NLMSG_SPACE(sizeof(*ifa)) + 2 * RTA_SPACE(16));
	nh->nlmsg_type = type;
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_index = ifindex;
	for (int i = 0; i < 2; i++) {
		__u16 at = i ? a2 : a1;
		const char *text = i ? t2 : t1;

		if (!at)
			continue;
		a = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
		a->rta_type = at;
		a->rta_len = RTA_LENGTH(alen);
		cr_assert_eq(inet_pton(family, text, RTA_DATA(a)), 1);
		nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_SPACE(alen);
	}
	m->len += NLMSG_ALIGN(nh->nlmsg_len);
}

static void add_done(struct msgbuf *m, __u16 type, int error)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(m->b + m->len);

	memset(nh, 0, NLMSG_SPACE(sizeof(struct nlmsgerr)));
	nh->nlmsg_type = type;
	nh->nlmsg_len = type == NLMSG_ERROR ? NLMSG_LENGTH(sizeof(struct nlmsgerr))
					    : NLMSG_LENGTH(sizeof(int));
	if (type == NLMSG_ERROR)
		((struct nlmsgerr *)NLMSG_DATA(nh))->error = error;
	m->len += NLMSG_ALIGN(nh->nlmsg_len);
}

static struct sfw_local_addr_key key(int family, const char *text)
{
	struct sfw_local_addr_key k;

	memset(&k, 0, sizeof(k));
	cr_assert_eq(inet_pton(family, text, k.addr.bytes), 1);
	k.family = family == AF_INET ? SFW_FAMILY_INET : SFW_FAMILY_INET6;
	return k;
}

/* IPv4 point-to-point: IFA_ADDRESS is the peer's, IFA_LOCAL the host's. */
Test(local_addrs, ipv4_peer_address_is_not_the_hosts)
{
	struct msgbuf m = {};
	struct sfw_local_addr_key k, want = key(AF_INET, "192.0.2.1");
	__u32 ifindex = 0;

	add_addr(&m, RTM_NEWADDR, AF_INET, 3, IFA_ADDRESS, "192.0.2.2", IFA_LOCAL, "192.0.2.1");
	cr_assert(sfw_local_addr_parse((struct nlmsghdr *)m.b, &k, &ifindex));
	cr_expect_eq(memcmp(&k, &want, sizeof(k)), 0, "the peer's address taken for the host's");
	cr_expect_eq(ifindex, 3);
}

/* IPv6 without a peer: IFA_ADDRESS alone; the key's unused bytes zero. */
Test(local_addrs, ipv6_address_alone)
{
	struct msgbuf m = {};
	struct sfw_local_addr_key k, want = key(AF_INET6, "2001:db8::1");
	__u32 ifindex = 0;

	memset(&k, 0xff, sizeof(k));
	add_addr(&m, RTM_DELADDR, AF_INET6, 5, IFA_ADDRESS, "2001:db8::1", 0, NULL);
	cr_assert(sfw_local_addr_parse((struct nlmsghdr *)m.b, &k, &ifindex));
	cr_expect_eq(memcmp(&k, &want, sizeof(k)), 0);
	cr_expect_eq(ifindex, 5);
}

/* A broadcast is no source of the host's; a message without an address,
 * or of another type, names none. */
Test(local_addrs, broadcast_and_others_name_none)
{
	struct msgbuf m = {};
	struct sfw_local_addr_key k;
	__u32 ifindex;

	add_addr(&m, RTM_NEWADDR, AF_INET, 2, IFA_BROADCAST, "192.0.2.255", 0, NULL);
	cr_expect_not(sfw_local_addr_parse((struct nlmsghdr *)m.b, &k, &ifindex));
	m.len = 0;
	add_addr(&m, RTM_NEWLINK, AF_INET, 2, IFA_LOCAL, "192.0.2.1", 0, NULL);
	cr_expect_not(sfw_local_addr_parse((struct nlmsghdr *)m.b, &k, &ifindex));
}

/* A dump in two reads: the first adds, the second ends it (1); an
 * address message of another family is skipped. */
Test(local_addrs, dump_collected_until_done)
{
	struct msgbuf m1 = {}, m2 = {};
	struct sfw_local_addr_set set = {};
	struct sfw_local_addr_key secondary = key(AF_INET, "192.0.2.3");

	add_addr(&m1, RTM_NEWADDR, AF_INET, 1, IFA_LOCAL, "127.0.0.1", IFA_ADDRESS, "127.0.0.1");
	add_addr(&m1, RTM_NEWADDR, AF_INET, 2, IFA_LOCAL, "192.0.2.1", 0, NULL);
	add_addr(&m1, RTM_NEWADDR, AF_INET, 2, IFA_LOCAL, "192.0.2.3", 0, NULL);
	cr_assert_eq(sfw_local_addr_collect(m1.b, m1.len, &set), 0, "more to read");
	add_addr(&m2, RTM_NEWADDR, AF_INET6, 1, IFA_ADDRESS, "::1", 0, NULL);
	add_done(&m2, NLMSG_DONE, 0);
	cr_assert_eq(sfw_local_addr_collect(m2.b, m2.len, &set), 1, "the dump's end");
	cr_assert_eq(set.n, 4);
	cr_expect_eq(memcmp(&set.e[2].key, &secondary, sizeof(secondary)), 0);
	cr_expect_eq(set.e[2].ifindex, 2);
	sfw_local_addr_set_free(&set);
	cr_expect_eq(set.n, 0);
}

/* The kernel's refusal ends the dump with its error; a cut message is
 * left alone. */
Test(local_addrs, dump_error_and_truncation)
{
	struct msgbuf m = {};
	struct sfw_local_addr_set set = {};

	add_done(&m, NLMSG_ERROR, -EPERM);
	cr_expect_eq(sfw_local_addr_collect(m.b, m.len, &set), -EPERM);
	m.len = 0;
	add_addr(&m, RTM_NEWADDR, AF_INET, 2, IFA_LOCAL, "192.0.2.1", 0, NULL);
	cr_expect_eq(sfw_local_addr_collect(m.b, m.len - 4, &set), 0);
	cr_expect_eq(set.n, 0, "a cut message read");
	sfw_local_addr_set_free(&set);
}

/* ---- reviewer rvhp: a dump's error can come in its NLMSG_DONE (the
 * kernel's dump_done_errno: inet_diag's ENOENT for a protocol it has no
 * handler of, udp_diag missing). sfw_nl_each says "the end" for it. ---- */
Test(local_addrs, rvhp_error_carried_by_done_is_an_error)
{
	struct msgbuf m = {};
	struct sfw_local_addr_set set = {};
	struct nlmsghdr *nh = (struct nlmsghdr *)m.b;

	add_done(&m, NLMSG_DONE, 0);
	*(int *)NLMSG_DATA(nh) = -ENOENT;
	cr_expect_eq(sfw_local_addr_collect(m.b, m.len, &set), -ENOENT);
	sfw_local_addr_set_free(&set);
}
