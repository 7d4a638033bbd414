/* What the proxy-arp and proxy-ndp suites share (tests/bpf/test_proxy_arp.c,
 * test_proxy_ndp.c), over the NAT fixture (tests/bpf/nat_fixture.h): the
 * fixture's zones with a suite's proxy lines committed, an interface's
 * MAC as the writer reads it, the generation in force, and the makings
 * of an ICMPv6 message (an address from text, its checksum). */
#ifndef SFW_TESTS_BPF_PROXY_FIXTURE_H
#define SFW_TESTS_BPF_PROXY_FIXTURE_H

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"

#define FX_XDP_TX 3

#define PROXY_ZONES                                                                \
	"set security zones security-zone trust interfaces fa\n"                   \
	"set security zones security-zone untrust interfaces fb\n"

/* The fixture's zones and the proxy lines given. */
static SUITE_UNUSED void commit_proxy(const char *proxy)
{
	char text[1024];

	snprintf(text, sizeof(text), PROXY_ZONES "%s", proxy);
	commit(text);
}

static SUITE_UNUSED void mac_of(const char *ifname, __u8 mac[6])
{
	struct ifreq r = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert_geq(fd, 0);
	strcpy(r.ifr_name, ifname);
	cr_assert_eq(ioctl(fd, SIOCGIFHWADDR, &r), 0);
	memcpy(mac, r.ifr_hwaddr.sa_data, 6);
	close(fd);
}

/* The generation in force now. */
static SUITE_UNUSED __u8 gen_now(void)
{
	struct sfw_config cfg;
	__u32 zero = 0;

	cr_assert_eq(bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_CONFIG)), &zero, &cfg), 0);
	return cfg.gen & 1;
}

/* An IPv6 address from its text. */
static SUITE_UNUSED void a6(const char *s, __u8 out[16])
{
	cr_assert_eq(inet_pton(AF_INET6, s, out), 1, "%s", s);
}

/* RFC 4443 2.3's checksum over the pseudo-header and len bytes of msg,
 * summed as big-endian 16-bit words: 0xffff when msg's checksum holds. */
static SUITE_UNUSED __u16 icmp6_sum(const __u8 *src, const __u8 *dst, const __u8 *msg,
				    __u32 len)
{
	__u32 sum = len + 58;

	for (int i = 0; i < 16; i += 2)
		sum += (src[i] << 8 | src[i + 1]) + (dst[i] << 8 | dst[i + 1]);
	for (__u32 i = 0; i < len; i += 2)
		sum += msg[i] << 8 | (i + 1 < len ? msg[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

#endif
