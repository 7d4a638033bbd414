/* What the proxy-arp and proxy-ndp suites share (tests/bpf/test_proxy_arp.c,
 * test_proxy_ndp.c), over the NAT fixture (tests/bpf/nat_fixture.h): the
 * fixture's zones with a suite's proxy lines committed, an interface's
 * MAC as the writer reads it, the generation in force, and the makings
 * of an ICMPv6 message (an address from text, its checksum). */
#ifndef SFW_TESTS_BPF_PROXY_FIXTURE_H
#define SFW_TESTS_BPF_PROXY_FIXTURE_H

#include <arpa/inet.h>
#include <stdlib.h>
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

/* The solicitor's station, and Ethernet broadcast. */
static SUITE_UNUSED const __u8 sol_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static SUITE_UNUSED const __u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* The NAT fixture with fb's IPv6 addresses (2001:db8:2::1/64, fe80::1
 * as its only link-local) and IPv6 forwarding on. */
static SUITE_UNUSED void proxy_v6_setup(void)
{
	nat_setup();
	cr_assert_eq(system("ip addr add 2001:db8:2::1/64 dev fb nodad && "
			    "sysctl -qw net.ipv6.conf.fb.addr_gen_mode=1 && "
			    "ip -6 addr flush dev fb scope link && "
			    "ip addr add fe80::1/64 dev fb nodad && "
			    "sysctl -qw net.ipv6.conf.all.forwarding=1"), 0);
}

/* Runs f arriving on ifindex: the action; *out the frame as left. */
static SUITE_UNUSED int proxy_run(__u32 ifindex, const struct pb_pkt *f, struct pb_pkt *out)
{
	*out = *f;
	return fx_xdp_frame_at(ifindex, f->data, f->len, out->data, &out->len);
}

/* A broadcast ARP request from spa for tpa, behind nvlan VLAN tags
 * (100, then 200). */
static SUITE_UNUSED void arp_request(struct pb_pkt *f, const char *spa, const char *tpa,
				     __u8 nvlan)
{
	struct pb_spec s = { .ethertype = PB_ETH_P_ARP, .src = spa, .dst = tpa, .nvlan = nvlan,
			     .vlan_id = { 100, 200 }, .trailer = 18 };

	cr_assert_eq(pb_build(&s, f), 0);
	memcpy(f->data, bcast, 6);
}

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

/* A solicitation from src for target to its solicited-node group with
 * the source link-layer options `units` (each its length in 8-byte
 * units, sol_mac then zeros), in order; checksum right. */
static SUITE_UNUSED void ns_build(struct pb_pkt *f, const char *src, const char *target,
				  const __u8 *units, int n)
{
	__u8 *d = f->data, t[16], dst[16];
	__u32 off = 14, len = 24, m, o;
	__u16 c;

	for (int i = 0; i < n; i++)
		len += 8u * units[i];
	memset(f, 0, sizeof(*f));
	a6(target, t);
	a6("ff02::1:ff00:0", dst);
	memcpy(dst + 13, t + 13, 3);
	d[0] = d[1] = 0x33;
	memcpy(d + 2, dst + 12, 4);
	memcpy(d + 6, sol_mac, 6);
	d[12] = 0x86, d[13] = 0xdd;
	f->l3_off = off;
	d[off] = 0x60;
	d[off + 5] = (__u8)len;
	d[off + 6] = 58;
	d[off + 7] = 255;
	a6(src, d + off + 8);
	memcpy(d + off + 24, dst, 16);
	m = f->l4_off = off + 40;
	d[m] = 135;
	memcpy(d + m + 8, t, 16);
	o = m + 24;
	for (int i = 0; i < n; i++) {
		d[o] = 1, d[o + 1] = units[i];
		memcpy(d + o + 2, sol_mac, 6);
		o += 8u * units[i];
	}
	c = (__u16)~icmp6_sum(d + off + 8, dst, d + m, len);
	d[m + 2] = (__u8)(c >> 8), d[m + 3] = (__u8)c;
	f->len = m + len;
	f->l3_len = 40 + len;
}

#endif
