/* proxy-arp/ndp entries into a generation of the proxy map (include/nat.h
 * struct sfw_nat_proxy): by the interface's index and with its MAC, both
 * read here at commit (docs/nat.md "Proxy ARP and NDP"). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
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
		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			return sfw_fail(errno, "cannot write the NAT proxy map: %s", strerror(errno));
	}
	return 0;
}
