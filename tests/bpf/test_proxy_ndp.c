/* proxy-ndp in XDP (docs/nat.md "Proxy ARP and NDP", bpf/proxy_ndp.bpf.h),
 * in BPF_PROG_TEST_RUN, in the NAT fixture (tests/bpf/nat_fixture.h) with
 * fb also 2001:db8:2::1/64, its one link-local address fe80::1 (none
 * generated) and IPv6 forwarding on. fb answers for
 * 2001:db8:2::10 to ::13, which it does not own: a solicitation for them
 * comes back as the advertisement; everything else goes on as it came,
 * judged as any neighbour discovery message. The frames are written and
 * the checksums summed here byte by byte, apart from the datapath's code. */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "nat.h"
#include "outcome.h"
#include "proxy_fixture.h"

#define FB6 "2001:db8:2::1"
#define FB_LL "fe80::1"
#define POOL6_LO "2001:db8:2::10"
#define POOL6_HI "2001:db8:2::13"
#define PAST_HI "2001:db8:2::14"
#define LL_SOL "fe80::10"
#define GL_SOL "2001:db8:2::2"
#define ICMP_OFF 54   /* Ethernet, IPv6 */

TestSuite(proxy_ndp, .init = proxy_v6_setup, .fini = suite_teardown);

static void commit_pool_proxy(void)
{
	commit_proxy("set security nat proxy-ndp interface fb address " POOL6_LO "/128 to "
		     POOL6_HI "/128\n");
}

/* A solicitation's makings: defaults (below) filled by ns_spec. */
struct ns_spec {
	const char *src, *dst, *target;  /* dst NULL: the target's solicited-node group */
	__u8 hops;                       /* 0: 255 */
	bool no_slla;                    /* no source link-layer address option */
	bool nonce;                      /* and a nonce option (RFC 3971) after it */
	bool vlan;                       /* one 802.1Q tag */
};

/* The frame of s into f: the Ethernet destination the group's MAC (or,
 * for a unicast destination, fb's), the checksum right. */
static void ns(struct pb_pkt *f, struct ns_spec s)
{
	__u8 *d = f->data, t[16], dst[16], fb_mac[6];
	__u32 off = 12, len = 24 + (s.no_slla ? 0 : 8) + (s.nonce ? 8 : 0), m;
	__u16 c;

	memset(f, 0, sizeof(*f));
	a6(s.target, t);
	if (s.dst) {
		a6(s.dst, dst);
	} else {
		a6("ff02::1:ff00:0", dst);
		memcpy(dst + 13, t + 13, 3);
	}
	mac_of("fb", fb_mac);
	if (dst[0] == 0xff) {
		d[0] = d[1] = 0x33;
		memcpy(d + 2, dst + 12, 4);
	} else {
		memcpy(d, fb_mac, 6);
	}
	memcpy(d + 6, sol_mac, 6);
	if (s.vlan) {
		d[off++] = 0x81, d[off++] = 0x00, d[off++] = 0x00, d[off++] = 100;
	}
	d[off++] = 0x86, d[off++] = 0xdd;
	f->l3_off = off;
	d[off] = 0x60;
	d[off + 4] = 0, d[off + 5] = (__u8)len;
	d[off + 6] = 58;
	d[off + 7] = s.hops ? s.hops : 255;
	a6(s.src, d + off + 8);
	memcpy(d + off + 24, dst, 16);
	m = f->l4_off = off + 40;
	d[m] = 135;
	memcpy(d + m + 8, t, 16);
	if (!s.no_slla) {
		d[m + 24] = 1, d[m + 25] = 1;
		memcpy(d + m + 26, sol_mac, 6);
	}
	if (s.nonce) {
		__u32 o = m + len - 8;

		d[o] = 14, d[o + 1] = 1;
		memcpy(d + o + 2, "\x01\x02\x03\x04\x05\x06", 6);
	}
	c = (__u16)~icmp6_sum(d + off + 8, dst, d + m, len);
	d[m + 2] = (__u8)(c >> 8), d[m + 3] = (__u8)c;
	f->len = m + len;
	f->l3_len = 40 + len;
}

/* Re-sums f's checksum after an edit of its message. */
static void resum(struct pb_pkt *f)
{
	__u8 *m = f->data + f->l4_off;
	__u16 c;

	m[2] = m[3] = 0;
	c = (__u16)~icmp6_sum(f->data + f->l3_off + 8, f->data + f->l3_off + 24, m,
			      f->l3_len - 40);
	m[2] = (__u8)(c >> 8), m[3] = (__u8)c;
}

/* f is not answered: whatever became of it before proxy-ndp (want), one
 * outcome, none of them Proxy NDP answered; passed, the frame untouched. */
static void assert_unanswered(const struct pb_pkt *f, int want, const char *what)
{
	__u64 answered = fx_counter_at(out_if, SFW_CNT_SFW_PROXY_NDP);
	__u64 untracked = fx_counter_at(out_if, SFW_CNT_SFW_UNTRACKED_PKTS);
	__u64 all = outcomes_at(out_if);
	struct pb_pkt out;

	cr_assert_eq(proxy_run(out_if, f, &out), want, "%s: the action", what);
	cr_assert_eq(outcomes_at(out_if), all + 1, "%s: one outcome", what);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_PROXY_NDP), answered, "%s", what);
	if (want != FX_XDP_PASS)
		return;
	cr_assert_eq(out.len, f->len, "%s: length", what);
	cr_assert_eq(memcmp(out.data, f->data, f->len), 0, "%s: the frame untouched", what);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_UNTRACKED_PKTS), untracked + 1,
		     "%s: passed untracked", what);
}

static void assert_passed(const struct pb_pkt *f, const char *what)
{
	assert_unanswered(f, FX_XDP_PASS, what);
}

/* out is fb's advertisement of target from src to sol: every byte of its
 * 86. */
static void assert_na(const struct pb_pkt *out, const char *sol, const char *target,
		      const char *src)
{
	static const __u8 hdr[8] = { 0x60, 0, 0, 0, 0, 32, 58, 255 };
	__u8 fb_mac[6], t[16], s[16], from[16];
	const __u8 *d = out->data, *m = d + ICMP_OFF;

	mac_of("fb", fb_mac);
	a6(target, t);
	a6(sol, s);
	a6(src, from);
	cr_assert_eq(out->len, ICMP_OFF + 32, "length: an NA with one option");
	cr_assert_eq(memcmp(d, sol_mac, 6), 0, "Ethernet destination: the solicitor");
	cr_assert_eq(memcmp(d + 6, fb_mac, 6), 0, "Ethernet source: fb's MAC");
	cr_assert(d[12] == 0x86 && d[13] == 0xdd, "IPv6");
	cr_assert_eq(memcmp(d + 14, hdr, 8), 0, "version, class, flow, length 32, ICMPv6, hop limit 255");
	cr_assert_eq(memcmp(d + 22, from, 16), 0, "IPv6 source: %s", src);
	cr_assert_eq(memcmp(d + 38, s, 16), 0, "IPv6 destination: the solicitor");
	cr_assert(m[0] == 136 && m[1] == 0, "type NA, code 0");
	cr_assert_eq(icmp6_sum(from, s, m, 32), 0xffff, "the checksum holds");
	cr_assert(m[4] == 0x40 && !m[5] && !m[6] && !m[7], "Solicited; Router, Override clear");
	cr_assert_eq(memcmp(m + 8, t, 16), 0, "the target");
	cr_assert(m[24] == 2 && m[25] == 1, "target link-layer address option");
	cr_assert_eq(memcmp(m + 26, fb_mac, 6), 0, "fb's MAC in it");
}

/* f answered from src (fb's link-local, unless fb has none). */
static void assert_answered_from(const struct pb_pkt *f, const char *sol, const char *target,
				 const char *src)
{
	__u64 answered = fx_counter_at(out_if, SFW_CNT_SFW_PROXY_NDP);
	__u64 untracked = fx_counter_at(out_if, SFW_CNT_SFW_UNTRACKED_PKTS);
	__u64 all = outcomes_at(out_if);
	struct pb_pkt out;

	cr_assert_eq(proxy_run(out_if, f, &out), FX_XDP_TX, "answered: XDP_TX");
	cr_assert_eq(outcomes_at(out_if), all + 1, "one outcome");
	assert_na(&out, sol, target, src);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_PROXY_NDP), answered + 1);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_UNTRACKED_PKTS), untracked);
}

static void assert_answered(const struct pb_pkt *f, const char *sol, const char *target)
{
	assert_answered_from(f, sol, target, FB_LL);
}

/* To the group, from a link-local and from a global solicitor, to the
 * target itself (a reachability probe), with no option (the frame
 * grows), with a nonce too (it shrinks): each the same advertisement. */
Test(proxy_ndp, covered_solicitation_answered_with_the_interfaces_mac)
{
	struct pb_pkt f;

	commit_pool_proxy();
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	assert_answered(&f, LL_SOL, POOL6_LO);
	ns(&f, (struct ns_spec){ .src = GL_SOL, .target = POOL6_HI });
	assert_answered(&f, GL_SOL, POOL6_HI);
	ns(&f, (struct ns_spec){ .src = LL_SOL, .dst = POOL6_LO, .target = POOL6_LO });
	assert_answered(&f, LL_SOL, POOL6_LO);
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO, .no_slla = true });
	assert_answered(&f, LL_SOL, POOL6_LO);
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO, .nonce = true });
	assert_answered(&f, LL_SOL, POOL6_LO);
}

Test(proxy_ndp, uncovered_target_or_no_line_passed)
{
	struct pb_pkt f;

	commit_proxy("");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	assert_passed(&f, "no proxy-ndp line");
	commit_pool_proxy();
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = PAST_HI });
	assert_passed(&f, "past the range");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = "2001:db8:2::f" });
	assert_passed(&f, "before the range");
	/* a proxy-arp range of fb answers no solicitation */
	commit_proxy("set security nat proxy-arp interface fb address 203.0.113.10/32\n");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	assert_passed(&f, "a proxy-arp range");
}

/* DAD probes are not answered (the kernel answers none for a proxied
 * address either), nor a group, loopback or martian solicitor. */
Test(proxy_ndp, dad_and_martian_solicitors_passed)
{
	struct pb_pkt f;

	commit_pool_proxy();
	ns(&f, (struct ns_spec){ .src = "::", .target = POOL6_LO, .no_slla = true });
	assert_passed(&f, "DAD");
	ns(&f, (struct ns_spec){ .src = "ff02::1", .target = POOL6_LO });
	assert_passed(&f, "a group source");
	ns(&f, (struct ns_spec){ .src = "::1", .target = POOL6_LO });
	assert_passed(&f, "loopback source");
}

/* Not neighbour discovery at all (hop limit 254: a router forwarded it),
 * so policy judges it (the fixture's commit denies); or ND the kernel
 * drops: a bad checksum, an option of length 0, an option overrunning
 * the message. None answered. */
Test(proxy_ndp, invalid_solicitations_not_answered)
{
	struct pb_pkt f;

	commit_pool_proxy();
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO, .hops = 254 });
	assert_unanswered(&f, FX_XDP_DROP, "hop limit 254");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	f.data[f.l4_off + 1] = 1;
	resum(&f);
	assert_unanswered(&f, FX_XDP_DROP, "code 1");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	f.data[f.l4_off + 3] ^= 1;
	assert_passed(&f, "a bad checksum");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	f.data[f.l4_off + 25] = 0;
	resum(&f);
	assert_passed(&f, "an option of length 0");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	f.data[f.l4_off + 25] = 2;
	resum(&f);
	assert_passed(&f, "an option past the end");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO, .nonce = true });
	f.data[f.l4_off + 33] = 0;
	resum(&f);
	assert_passed(&f, "a second option of length 0");
}

/* A frame cut short (the IPv6 length claims more than came) is
 * malformed; a message shorter than a solicitation is ordinary ICMPv6,
 * under policy. */
Test(proxy_ndp, truncated_solicitations_not_answered)
{
	struct pb_pkt f;

	commit_pool_proxy();
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	f.len -= 4;
	assert_unanswered(&f, FX_XDP_DROP, "cut short");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO, .no_slla = true });
	f.data[f.l3_off + 5] = 16;
	f.l3_len = 56;
	f.len -= 8;
	resum(&f);
	assert_unanswered(&f, FX_XDP_DROP, "16 bytes of message");
}

/* Sent to another node's group or unicast address, or in a frame for
 * another station, or from a group MAC, or tagged (another broadcast
 * domain): not fb's to answer. */
Test(proxy_ndp, not_addressed_to_fb_passed)
{
	struct pb_pkt f;

	commit_pool_proxy();
	ns(&f, (struct ns_spec){ .src = LL_SOL, .dst = "ff02::1:ff00:99", .target = POOL6_LO });
	assert_passed(&f, "another target's group");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .dst = POOL6_HI, .target = POOL6_LO });
	assert_passed(&f, "another unicast address");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .dst = POOL6_LO, .target = POOL6_LO });
	f.data[5] ^= 0x40;
	assert_passed(&f, "a frame for another station");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	f.data[6] |= 1;
	assert_passed(&f, "from a group MAC");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO, .vlan = true });
	assert_passed(&f, "VLAN 100 on fb");
}

/* fb's own address inside a range is the kernel's to answer, and with
 * IPv6 forwarding off none is answered (FWD_DISABLED). */
Test(proxy_ndp, the_hosts_own_address_and_forwarding_off_left_to_the_kernel)
{
	struct pb_pkt f;

	commit_proxy("set security nat proxy-ndp interface fb address " FB6 "/128 to " POOL6_HI "/128\n");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = FB6 });
	assert_passed(&f, "fb's own address");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	assert_answered(&f, LL_SOL, POOL6_LO);
	cr_assert_eq(system("sysctl -qw net.ipv6.conf.all.forwarding=0"), 0);
	assert_passed(&f, "forwarding off");
}

/* Each of fb's ranges is tried, proxy-arp's numbered among them; another
 * interface's entry answers nothing on fb. */
Test(proxy_ndp, every_range_of_the_interface_tried)
{
	struct pb_pkt f;

	commit_proxy("set security nat proxy-arp interface fb address 203.0.113.20/32\n"
		     "set security nat proxy-ndp interface fa address 2001:db8:2::20/128\n"
		     "set security nat proxy-ndp interface fb address 2001:db8:2::30/128\n"
		     "set security nat proxy-ndp interface fb address " POOL6_LO "/128 to " POOL6_HI "/128\n");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = "2001:db8:2::12" });
	assert_answered(&f, LL_SOL, "2001:db8:2::12");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = "2001:db8:2::30" });
	assert_answered(&f, LL_SOL, "2001:db8:2::30");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = "2001:db8:2::20" });
	assert_passed(&f, "fa's entry");
}

/* An entry of the generation not in force answers nothing. */
Test(proxy_ndp, other_generations_entry_not_used)
{
	struct sfw_nat_proxy v = { .family = SFW_FAMILY_INET6 };
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_PROXIES));
	struct sfw_nat_proxy_key k = { .ifindex = out_if };
	struct pb_pkt f;

	a6(POOL6_LO, v.first.bytes);
	a6(POOL6_HI, v.last.bytes);
	a6(FB_LL, v.src.bytes);
	mac_of("fb", v.mac);
	commit_proxy("");
	k.gen = gen_now() ^ 1;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	assert_passed(&f, "the other generation");
	k.gen ^= 1;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &v, BPF_ANY), 0);
	assert_answered(&f, LL_SOL, POOL6_LO);
}

/* Its options end the message, their last 8 bytes zero (which leaves the
 * checksum of the first 128 the checksum of all): 128 bytes are
 * answered; 136, past what the datapath sums, are the stack's. */
static void long_ns(struct pb_pkt *f, __u8 opt_units)
{
	__u32 grow = opt_units * 8u, m;

	ns(f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	m = f->l4_off + 32;
	memset(f->data + m, 0, grow);
	f->data[m] = 200, f->data[m + 1] = opt_units;   /* an option sfw does not know */
	f->len += grow;
	f->l3_len += grow;
	f->data[f->l3_off + 5] = (__u8)(f->l3_len - 40);
	resum(f);
}

Test(proxy_ndp, a_solicitation_past_128_bytes_not_answered)
{
	struct pb_pkt f;

	commit_pool_proxy();
	long_ns(&f, 12);
	cr_assert_eq(f.l3_len - 40, 128);
	assert_answered(&f, LL_SOL, POOL6_LO);
	long_ns(&f, 13);
	cr_assert_eq(f.l3_len - 40, 136);
	assert_passed(&f, "136 bytes of message");
}

/* A proxy-arp range answers no solicitation, even one whose first bytes
 * read as an IPv6 range covering the target: 32.1.13.184 (only in the
 * configuration) is 2001:db8::'s first four bytes. The same target in a
 * proxy-ndp range is answered (the route is there). */
Test(proxy_ndp, a_proxy_arp_range_is_no_ipv6_range)
{
	struct pb_pkt f;

	cr_assert_eq(system("ip -6 route add 2001:db8::/64 dev fb"), 0);
	commit_proxy("set security nat proxy-arp interface fb address 32.1.13.184/32\n");
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = "2001:db8::" });
	assert_passed(&f, "an IPv4 range");
	commit_proxy("set security nat proxy-ndp interface fb address 2001:db8::/128\n");
	assert_answered(&f, LL_SOL, "2001:db8::");
}

/* RFC 4861 7.2.4: the advertisement's source is an address of fb (the
 * kernel's ndisc takes one, ipv6_dev_get_saddr), its link-local as read
 * at commit, for a global solicitor too; with none at commit (down,
 * addr_gen_mode none) it is the target, which receivers take as well. */
Test(proxy_ndp, answered_from_fbs_link_local_or_else_the_target)
{
	struct pb_pkt f;

	commit_pool_proxy();
	ns(&f, (struct ns_spec){ .src = GL_SOL, .target = POOL6_LO });
	assert_answered_from(&f, GL_SOL, POOL6_LO, FB_LL);
	cr_assert_eq(system("ip -6 addr flush dev fb scope link"), 0);
	assert_answered_from(&f, GL_SOL, POOL6_LO, FB_LL);   /* read at commit */
	commit_pool_proxy();
	assert_answered_from(&f, GL_SOL, POOL6_LO, POOL6_LO);
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_HI });
	assert_answered_from(&f, LL_SOL, POOL6_HI, POOL6_HI);
}

/* A cluster's secondary (SFW_CFG_F_HA_SECONDARY, set by the transition)
 * answers nothing: the primary does, which holds the NAT sessions. A
 * commit keeps the flag; the node answers again once it is cleared. */
Test(proxy_ndp, the_clusters_secondary_answers_nothing)
{
	struct sfw_config cfg;
	struct pb_pkt f;

	commit_pool_proxy();
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags | SFW_CFG_F_HA_SECONDARY), 0);
	ns(&f, (struct ns_spec){ .src = LL_SOL, .target = POOL6_LO });
	assert_passed(&f, "the secondary");
	commit_pool_proxy();
	assert_passed(&f, "the secondary, after a commit");
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(cfg.flags & ~(__u32)SFW_CFG_F_HA_SECONDARY), 0);
	assert_answered(&f, LL_SOL, POOL6_LO);
}
