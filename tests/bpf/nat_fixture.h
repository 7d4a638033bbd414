/* The NAT suites' fixture (tests/bpf/test_nat.c, test_nat_review3.c):
 * a veth pair in the fixture's namespace, fa (198.51.100.1/24, zone
 * trust) where clients send from and fb (203.0.113.1/24, zone untrust)
 * toward the servers, with static neighbours so the FIB answers SUCCESS
 * and frames are redirected; source-nat interface from trust to untrust
 * (NAT_HEAD_TEXT and its rules for a suite's own commits, commit_pool
 * for a pool's). The including file includes "commit.h" itself (the
 * Makefile sorts the test files by it). */
#ifndef SFW_TESTS_BPF_NAT_FIXTURE_H
#define SFW_TESTS_BPF_NAT_FIXTURE_H

#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include "coarse_clock.h"
#include "commit.h"
#include "nat.h"

#define FX_XDP_REDIRECT 4
#define CLIENT_A "198.51.100.2"
#define CLIENT_B "198.51.100.3"
#define SERVER1 "203.0.113.2"
#define SERVER2 "203.0.113.4"
#define FB_ADDR "203.0.113.1"   /* what source-nat interface translates to */

/* A UDP port forward beside source NAT: untrust to trust permitted, the
 * firewall's address port 8080 to CLIENT_B port 80 (the review tests of
 * the NAT fragment records' quota) */
#define NAT_FORWARD_8080_TO_B                                                                    \
	"set security policies from-zone untrust to-zone trust policy in match source-address "  \
	"any destination-address any application any\n"                                          \
	"set security policies from-zone untrust to-zone trust policy in then permit\n"         \
	"set security nat destination pool D address " CLIENT_B "/32 port 80\n"                  \
	"set security nat destination rule-set DR from zone untrust\n"                           \
	"set security nat destination rule-set DR rule W match destination-address " FB_ADDR   \
	"/32\n"                                                                                   \
	"set security nat destination rule-set DR rule W match destination-port 8080\n"         \
	"set security nat destination rule-set DR rule W match protocol udp\n"                  \
	"set security nat destination rule-set DR rule W then destination-nat pool D\n"

static __u32 in_if, out_if;

/* Sets the host's ephemeral range the datapath keeps NAT out of
 * (struct sfw_config), as a commit would have read it. */
static SUITE_UNUSED void host_ports(__u16 lo, __u16 hi)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_CONFIG));
	struct sfw_config cfg;
	__u32 zero = 0;

	cr_assert_eq(bpf_map_lookup_elem(fd, &zero, &cfg), 0);
	cfg.nat_host_port_lo = lo;
	cfg.nat_host_port_hi = hi;
	cr_assert_eq(bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY), 0);
}

/* The fixture's zones and policy (trust -> untrust permitted, the rest
 * denied) and source rule-set RS from trust to untrust, for RS's rules
 * (and any pools) to follow. */
#define NAT_HEAD_TEXT                                                                        \
	"set security zones security-zone trust interfaces fa\n"                             \
	"set security zones security-zone untrust interfaces fb\n"                           \
	"set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n" \
	"set security policies from-zone trust to-zone untrust policy out then permit\n"     \
	"set security policies default-policy deny-all\n"                                    \
	"set security nat source rule-set RS from zone trust\n"                              \
	"set security nat source rule-set RS to zone untrust\n"
/* R0: CLIENT_B exempt (`source-nat off`) */
#define NAT_R0_OFF                                                                           \
	"set security nat source rule-set RS rule R0 match source-address " CLIENT_B "/32\n" \
	"set security nat source rule-set RS rule R0 then source-nat off\n"
/* R1: the clients' LAN to fb's address, the fixture's own rule */
#define NAT_R1_INTERFACE                                                                     \
	"set security nat source rule-set RS rule R1 match source-address 198.51.100.0/24\n" \
	"set security nat source rule-set RS rule R1 then source-nat interface\n"

/* Source NAT from trust to untrust to pool P, whose statements are
 * `pool` (one or more lines). */
static SUITE_UNUSED void commit_pool(const char *pool)
{
	char text[2048];

	snprintf(text, sizeof(text), NAT_HEAD_TEXT "%s"
		 "set security nat source rule-set RS rule R1 match source-address 198.51.100.0/24\n"
		 "set security nat source rule-set RS rule R1 then source-nat pool P\n", pool);
	commit(text);
}

/* The fixture's namespace (suite_setup) with the veth pair fa
 * (198.51.100.1/24) and fb (FB_ADDR/24) up, then the shell commands
 * `more` (neighbours, sysctls); in_if and out_if, with their counters. */
static SUITE_UNUSED void veth_pair_up(const char *more)
{
	char cmd[2048];

	suite_setup();
	snprintf(cmd, sizeof(cmd), "ip link add fa type veth peer name fb && ip link set fa up && "
		 "ip link set fb up && ip addr add 198.51.100.1/24 dev fa && "
		 "ip addr add " FB_ADDR "/24 dev fb && %s", more);
	cr_assert_eq(system(cmd), 0, "cannot build the veth pair");
	in_if = if_nametoindex("fa");
	out_if = if_nametoindex("fb");
	cr_assert(in_if && out_if);
	cr_assert_eq(fx_add_counters(in_if), 0);
	cr_assert_eq(fx_add_counters(out_if), 0);
}

/* A third interface, fc (a veth whose peer is fd), up and with its
 * counters; its index. The test's commit puts it in a zone, and
 * fx_mark_attached attaches sfw to it, where the test wants either. */
static SUITE_UNUSED __u32 veth_fc_up(void)
{
	__u32 fc;

	cr_assert_eq(system("ip link add fc type veth peer name fd && ip link set fc up && "
			    "ip link set fd up"), 0);
	fc = if_nametoindex("fc");
	cr_assert(fc);
	cr_assert_eq(fx_add_counters(fc), 0);
	return fc;
}

/* XDP forwarding on or off, the committed flags (the NAT lists the
 * generation walks: SFW_CFG_F_NAT_NO_SOURCE, ...) kept. */
static SUITE_UNUSED void nat_xdp_forwarding(bool on)
{
	struct sfw_config cfg;

	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(fx_set_flags(on ? cfg.flags | SFW_CFG_F_FORWARD :
				  cfg.flags & ~SFW_CFG_F_FORWARD), 0);
}

static SUITE_UNUSED void nat_setup(void)
{
	veth_pair_up("ip neigh add " SERVER1 " lladdr 02:00:00:00:00:22 dev fb nud permanent && "
		     "ip neigh add " SERVER2 " lladdr 02:00:00:00:00:24 dev fb nud permanent && "
		     "ip neigh add " CLIENT_A " lladdr 02:00:00:00:00:11 dev fa nud permanent && "
		     "ip neigh add " CLIENT_B " lladdr 02:00:00:00:00:13 dev fa nud permanent && "
		     "sysctl -qw net.ipv4.ip_forward=1");
	/* fa's and fb's addresses are the host's, as the daemon would say */
	cr_assert_eq(fx_local_addrs_sync(), 0);
	for (int i = 0; i < 2; i++) {
		__u32 ifindex = i ? out_if : in_if;

		cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, "sfw_tx_ports"), &ifindex,
						 &ifindex, BPF_ANY), 0);
	}
	cr_assert_eq(fx_set_flags(SFW_CFG_F_FORWARD), 0);
	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE);
	/* the clients here keep their own ports (below 50000): the host's
	 * ephemeral range, read from the machine at commit, is pinned above
	 * them (nat/ports_outside_the_hosts_ephemeral_range tests the read) */
	host_ports(50000, 60999);
}

/* Runs spec's frame arriving on ifindex; *out gets the frame as left. */
static SUITE_UNUSED int run_at(__u32 ifindex, const struct pb_spec *s, struct pb_pkt *in,
				  struct pb_pkt *out)
{
	cr_assert_eq(pb_build(s, in), 0);
	*out = *in;
	return fx_xdp_frame_at(ifindex, in->data, in->len, out->data, &out->len);
}

/* Runs built frame *in arriving on ifindex; *out gets the frame as left. */
static SUITE_UNUSED int xdp_at(__u32 ifindex, const struct pb_pkt *in, struct pb_pkt *out)
{
	*out = *in;
	return fx_xdp_frame_at(ifindex, in->data, in->len, out->data, &out->len);
}

static SUITE_UNUSED __u32 addr_at(const struct pb_pkt *p, int off)
{
	__u32 a;

	memcpy(&a, p->data + p->l3_off + off, 4);
	return a;
}

static SUITE_UNUSED __u16 port_at(const struct pb_pkt *p, int off)
{
	__u16 v;

	memcpy(&v, p->data + p->l4_off + off, 2);
	return ntohs(v);
}

static SUITE_UNUSED __u32 a4(const char *s)
{
	__u32 a;

	cr_assert_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* The frame left translated: source s_addr:s_port, destination
 * d_addr:d_port, and checksums a full recomputation agrees with. */
static SUITE_UNUSED void assert_tuple(const struct pb_pkt *out, const struct pb_spec *s,
				       const char *s_addr, __u16 s_port, const char *d_addr,
				       __u16 d_port)
{
	cr_assert_eq(addr_at(out, 12), a4(s_addr), "source address");
	cr_assert_eq(port_at(out, 0), s_port, "source port");
	cr_assert_eq(addr_at(out, 16), a4(d_addr), "destination address");
	cr_assert_eq(port_at(out, 2), d_port, "destination port");
	cr_assert_eq(pb_verify_csums(out, s), 0, "IPv4 and L4 checksums");
}

/* Ones' complement sums, written here apart from the datapath's, to
 * check the checksums inside an ICMP error's quote. */
static SUITE_UNUSED __u32 sum16(const __u8 *b, __u32 len, __u32 sum)
{
	for (__u32 i = 0; i + 1 < len; i += 2)
		sum += (__u32)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (__u32)b[len - 1] << 8;
	return sum;
}

static SUITE_UNUSED __u16 fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* The L4 checksum of the datagram fragments fr[0..n) reassemble to,
 * over fr[0]'s addresses (ICMP: none), 0xffff when right, each
 * fragment's IPv4 header checksum asserted; the datagram in dgram (room
 * for 4,096 bytes) and its length in *len. Summed by the test's code,
 * which shares nothing with the datapath. */
static SUITE_UNUSED __u16 nat_frag_csum(const struct pb_pkt *fr, int n, __u8 proto, __u8 *dgram,
					 __u32 *len)
{
	*len = 0;
	for (int i = 0; i < n; i++) {
		const __u8 *ip = fr[i].data + fr[i].l3_off;

		cr_assert_eq(fold(sum16(ip, 20, 0)), 0xffff, "fragment %d's header checksum", i);
		cr_assert_leq(*len + fr[i].l3_len - 20, 4096u);
		memcpy(dgram + *len, ip + 20, fr[i].l3_len - 20);
		*len += fr[i].l3_len - 20;
	}
	if (proto == SFW_IPPROTO_ICMP)
		return fold(sum16(dgram, *len, 0));
	return fold(sum16(dgram, *len, sum16(fr[0].data + fr[0].l3_off + 12, 8, proto + *len)));
}

/* The ICMP error out quotes saddr:sport -> daddr:dport of a whole UDP
 * datagram (a 20-byte header), its IPv4 header and UDP checksums right;
 * the outer ones are pb_verify_csums's. */
static SUITE_UNUSED void assert_quote(const struct pb_pkt *out, const char *saddr, __u16 sport,
				      const char *daddr, __u16 dport)
{
	const __u8 *iip = out->data + out->l4_off + 8, *iudp = iip + 20;
	__u32 ulen = iudp[4] << 8 | iudp[5];

	cr_assert_eq(memcmp(iip + 12, &(__u32){ a4(saddr) }, 4), 0, "quoted source");
	cr_assert_eq(memcmp(iip + 16, &(__u32){ a4(daddr) }, 4), 0, "quoted destination");
	cr_assert_eq(iudp[0] << 8 | iudp[1], sport, "quoted source port");
	cr_assert_eq(iudp[2] << 8 | iudp[3], dport, "quoted destination port");
	cr_assert_eq(fold(sum16(iip, 20, 0)), 0xffff, "quoted IPv4 header checksum");
	cr_assert_eq(fold(sum16(iudp, ulen, sum16(iip + 12, 8, SFW_IPPROTO_UDP + ulen))), 0xffff,
		     "quoted UDP checksum");
}

static SUITE_UNUSED int map_count(const char *name)
{
	int fd = fx_map_fd(false, name), n = 0;
	__u8 key[64], next[64];

	for (void *prev = NULL; !bpf_map_get_next_key(fd, prev, next); prev = key, n++)
		memcpy(key, next, sizeof(key));
	return n;
}

/* Moves every alias's creation back by secs (clamped at boot), so one
 * whose session the table lacks is taken for gone rather than on its way
 * (SFW_NAT_TAKEOVER_S). */
static SUITE_UNUSED void nat_age_aliases(__u32 secs)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS));
	struct sfw_session_key k, next;
	struct sfw_session a;

	for (void *prev = NULL; !bpf_map_get_next_key(fd, prev, &next); prev = &k) {
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &a) || !SFW_SESS_IS_ALIAS(&a))
			continue;
		a.created_s = a.created_s > secs ? a.created_s - secs : 0;
		cr_assert_eq(bpf_map_update_elem(fd, &k, &a, BPF_EXIST), 0);
	}
}

/* The owner a reservation of spec's session records. */
static SUITE_UNUSED void nat_owner_of(const struct pb_spec *spec, struct sfw_nat_owner *o)
{
	struct sfw_session_key k;

	fx_key(spec, &k);
	sfw_nat_owner_pack(o, &k);
}

/* The same for every port reservation. */
static SUITE_UNUSED void nat_age_reservations(__u32 secs)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_PORTS));
	struct sfw_nat_port_key k, next;
	struct sfw_nat_port r;

	for (void *prev = NULL; !bpf_map_get_next_key(fd, prev, &next); prev = &k) {
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &r))
			continue;
		r.since_s = r.since_s > secs ? r.since_s - secs : 0;
		cr_assert_eq(bpf_map_update_elem(fd, &k, &r, BPF_EXIST), 0);
	}
}

static SUITE_UNUSED void nat_age_holders(__u32 secs)
{
	nat_age_aliases(secs);
	nat_age_reservations(secs);
}

/* Before a test that ages a holder to exactly SFW_NAT_TAKEOVER_S and
 * runs a packet then: at least half a second of the sessions' clock left,
 * so no tick falls between its packets and it sees the grace's last
 * second rather than one past it. */
static SUITE_UNUSED void nat_half_a_second_ahead(void)
{
	coarse_half_a_second_ahead();
}

/* The LRU evicts s's session (so no release runs) a while after it was
 * made: what named it, its alias and port, is stale. */
static SUITE_UNUSED void nat_evict(const struct pb_spec *s)
{
	struct sfw_session_key k;

	fx_key(s, &k);
	cr_assert_eq(bpf_map_delete_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS)), &k), 0);
	nat_age_holders(2);
}

static SUITE_UNUSED struct pb_spec udp(const char *src, const char *dst, __u16 sport,
					 __u16 dport)
{
	return (struct pb_spec){ .src = src, .dst = dst, .proto = SFW_IPPROTO_UDP,
				 .sport = sport, .dport = dport, .payload = 33 };
}

/* Runs a frame forwarded from ingress (attached or not) through the tc
 * egress of ifindex; *out gets it. */
static SUITE_UNUSED int tc_at(__u32 ifindex, __u32 ingress, const struct pb_pkt *in,
				 struct pb_pkt *out)
{
	struct __sk_buff skb = { .ifindex = ifindex, .ingress_ifindex = ingress };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = in->data, .data_size_in = in->len,
		    .data_out = out->data, .data_size_out = PB_MAX, .ctx_in = &skb,
		    .ctx_size_in = sizeof(skb));

	*out = *in;
	cr_assert_eq(bpf_prog_test_run_opts(fx_tc_prog_fd(), &t), 0);
	out->len = t.data_size_out;
	return (int)t.retval;
}

/* Spec s built and run at egress's tc, forwarded from ingress (0: the
 * host's own): the verdict. */
static SUITE_UNUSED int tc_of(__u32 egress, __u32 ingress, const struct pb_spec *s)
{
	struct pb_pkt p, out;

	cr_assert_eq(pb_build(s, &p), 0);
	return tc_at(egress, ingress, &p, &out);
}

/* The fragment tests' cut: a 1,200-byte answer in three fragments */
#define NAT_FRAG_BYTES 512

/* Opens ua's and ub's sessions from the clients' side, then cuts their
 * servers' 1,200-byte answers ra and rb, both under IP id `id`, into
 * fa[0..3) and fb[0..3): two datagrams of one identity, as two answers
 * that collide are. */
static SUITE_UNUSED void two_answers_one_id(const struct pb_spec *ua, const struct pb_spec *ub,
					    struct pb_spec *ra, struct pb_spec *rb, __u16 id,
					    struct pb_pkt fa[4], struct pb_pkt fb[4])
{
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, ua, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, ub, &in, &out), FX_XDP_REDIRECT);
	ra->payload = rb->payload = 1200;
	ra->ip_id = rb->ip_id = id;
	cr_assert_eq(pb_fragment(ra, NAT_FRAG_BYTES, fa, 4), 3);
	cr_assert_eq(pb_fragment(rb, NAT_FRAG_BYTES, fb, 4), 3);
}

#endif
