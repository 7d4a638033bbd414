/* proxy-arp/ndp entries into a generation of the proxy map (include/nat.h
 * struct sfw_nat_proxy): by the interface's index, with its MAC and
 * (proxy-ndp) its link-local address, all read here at commit (docs/nat.md
 * "Proxy ARP and NDP"). */
#include <errno.h>
#include <ifaddrs.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "policy_write.h"

/* ifname's Ethernet address, in the namespace of the process that
 * commits (the firewall's); -ENODEV when it has none (a tunnel: nothing
 * there answers ARP). */
static int iface_mac(const char *ifname, __u8 mac[6])
{
	struct ifreq r = { 0 };
	size_t len = strlen(ifname);
	int fd, err = 0;

	if (len >= sizeof(r.ifr_name))
		return -ENODEV;
	memcpy(r.ifr_name, ifname, len);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFHWADDR, &r))
		err = -errno;
	else if (r.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		err = -ENODEV;
	else
		memcpy(mac, r.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

/* ifname's first link-local address into src, the source the kernel's
 * ndisc takes for a link-local solicitor (ipv6_dev_get_saddr) and one
 * RFC 4861 7.2.4 allows for any: an address of the interface. None (the
 * interface down at commit, addr_gen_mode none) leaves src ::, and the
 * datapath answers from the target instead, which receivers accept too
 * (docs/nat.md "Proxy ARP and NDP"). */
static void iface_link_local(const char *ifname, union sfw_addr *src)
{
	struct ifaddrs *all, *a;

	if (getifaddrs(&all))
		return;
	for (a = all; a; a = a->ifa_next) {
		const struct sockaddr_in6 *s6 = (const void *)a->ifa_addr;

		if (s6 && s6->sin6_family == AF_INET6 && !strcmp(a->ifa_name, ifname) &&
		    IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr)) {
			memcpy(src->bytes, &s6->sin6_addr, 16);
			break;
		}
	}
	freeifaddrs(all);
}

/* Entry i's key: ranges are numbered per interface, in configuration
 * order, proxy-arp's and proxy-ndp's together. */
static int proxy_key(const struct sfw_compiled *c, int i, __u32 gen, struct sfw_nat_proxy_key *k)
{
	const char *ifname = c->nat_proxies[i].ifname;

	*k = (struct sfw_nat_proxy_key){ .ifindex = if_nametoindex(ifname), .gen = (__u8)gen };
	for (int j = 0; j < i; j++)
		k->idx += !strcmp(c->nat_proxies[j].ifname, ifname);
	if (k->idx >= SFW_NAT_MAX_PROXIES)
		return sfw_fail(E2BIG, "more than %d proxy-arp/ndp ranges on %s",
				SFW_NAT_MAX_PROXIES, ifname);
	return 0;
}

/* An interface that does not exist (as for zones) or has no Ethernet
 * address gets no entry: nothing is answered there. Any other failure to
 * read a MAC refuses the commit: an entry left out would hide the
 * interface's later ranges (the datapath stops at the first gap). */
int sfw_nat_proxies_write(const struct sfw_compiled *c, int fd, __u32 gen)
{
	for (int i = 0; i < c->n_nat_proxies; i++) {
		const char *ifname = c->nat_proxies[i].ifname;
		struct sfw_nat_proxy v = c->nat_proxies[i].v;
		struct sfw_nat_proxy_key k;
		int err = proxy_key(c, i, gen, &k);

		if (err)
			return err;
		err = k.ifindex ? iface_mac(ifname, v.mac) : -ENODEV;
		if (err == -ENODEV)
			continue;
		if (err)
			return sfw_fail(-err, "cannot read the MAC of %s: %s", ifname, strerror(-err));
		if (v.family == SFW_FAMILY_INET6)
			iface_link_local(ifname, &v.src);
		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			return sfw_fail(errno, "cannot write the NAT proxy map: %s", strerror(errno));
	}
	return 0;
}
