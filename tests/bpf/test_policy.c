/* Zones and policies compiled by the loader's policy compiler into the
 * fixture's maps, then decided by the datapath on first packets: first
 * match, address sets and prefixes (v4, v6), port ranges, ICMP types,
 * deny, default policy both ways, zone-less interfaces, applications and
 * their timeouts, hit counts, and generations replacing each other. The
 * fixture's namespace has forwarding off, so every destination is the
 * firewall itself (junos-host); global policies match any zone pair. */
#include <bpf/bpf.h>
#include "commit.h"

TestSuite(policy, .init = suite_setup, .fini = suite_teardown);

static struct pb_spec syn(const char *src, const char *dst, __u16 dport)
{
	return (struct pb_spec){ .src = src, .dst = dst, .proto = SFW_IPPROTO_TCP,
				 .sport = 40000, .dport = dport, .tcp_flags = SFW_TCP_SYN };
}

static const char *web_policies =
	"set security address-book global address web 198.51.100.0/24\n"
	"set security address-book global address web6 2001:db8:1::/48\n"
	"set security address-book global address-set servers address [ web web6 ]\n"
	"set applications application alt-web protocol tcp destination-port 8000-8080\n"
	"set applications application slow-dns protocol udp destination-port 5353 inactivity-timeout 600\n"
	"set security policies global policy allow-web match source-address any destination-address servers application [ junos-http alt-web slow-dns ]\n"
	"set security policies global policy allow-web then permit\n"
	"set security policies global policy no-ssh match source-address any destination-address any application junos-ssh\n"
	"set security policies global policy no-ssh then deny\n"
	"set security policies global policy ping match source-address any destination-address any application junos-icmp-ping\n"
	"set security policies global policy ping then permit\n"
	"set security policies default-policy deny-all\n";

Test(policy, first_match_records_policy_and_application)
{
	struct pb_spec s = syn(CLI4, SRV4, 80);
	struct sfw_session sess;

	commit(web_policies);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	GET_SESSION(&s, &sess);
	cr_assert_eq(sess.policy_id, policy_index(web_policies, "allow-web"));
	cr_assert_eq(sess.app_id, 6, "junos-http is application 6");
}

Test(policy, port_range_and_prefix_sets_v4_v6)
{
	struct pb_spec in_range = syn(CLI4, SRV4, 8080), below = syn(CLI4, SRV4, 7999);
	struct pb_spec v6 = syn(CLI6, SRV6, 8000), outside = syn(CLI4, OTH4, 80);

	commit(web_policies);
	cr_assert_eq(fx_xdp(&in_range), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&v6), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&below), FX_XDP_DROP);
	cr_assert_eq(fx_xdp(&outside), FX_XDP_DROP, "203.0.113.30 is not in the servers set");
	ASSERT_NO_SESSION(&below);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 2);
}

Test(policy, deny_policy_counts_hit_and_drops)
{
	struct pb_spec s = syn(CLI4, SRV4, 22);
	__u64 hits = 0, v[512] = { 0 };
	__u32 idx = policy_index(web_policies, "no-ssh");

	commit(web_policies);
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP);
	ASSERT_NO_SESSION(&s);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 1);
	cr_assert_eq(bpf_map_lookup_elem(fx_map_fd(false, SFW_STR(SFW_MAP_POL_HITS)), &idx, v), 0);
	for (int i = 0; i < 512; i++)
		hits += v[i];
	cr_assert_eq(hits, 1, "no-ssh (index %u) was hit once", idx);
}

Test(policy, icmp_type_match)
{
	struct pb_spec echo = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_ICMP,
				.icmp_type = SFW_ICMP_ECHO, .icmp_id = 7 };
	struct pb_spec tstamp = echo;
	struct sfw_session sess;

	tstamp.icmp_type = 13;   /* timestamp: not junos-icmp-ping */
	commit(web_policies);
	cr_assert_eq(fx_xdp(&echo), FX_XDP_PASS);
	GET_SESSION(&echo, &sess);
	cr_assert_eq(sess.policy_id, policy_index(web_policies, "ping"));
	cr_assert_eq(fx_xdp(&tstamp), FX_XDP_DROP);
}

Test(policy, application_timeout_replaces_protocol_timeout)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 4000, .dport = 5353 };
	struct sfw_session sess;

	commit(web_policies);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	GET_SESSION(&s, &sess);
	cr_assert_eq(sess.timeout_s, 600);
}

Test(policy, established_packets_skip_policy)
{
	struct pb_spec s = syn(CLI4, SRV4, 80);
	struct pb_spec ack = pb_reverse(&s);

	commit(web_policies);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	commit("set security policies default-policy deny-all\n");
	ack.tcp_flags = SFW_TCP_SYN | SFW_TCP_ACK;
	ack.ack = s.seq + 1;   /* a SYN-ACK must acknowledge the SYN */
	cr_assert_eq(fx_xdp(&ack), FX_XDP_PASS, "the session outlives the policy change");
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
}

Test(policy, default_policy_both_ways)
{
	struct pb_spec s = syn(CLI4, SRV4, 9999);
	struct sfw_session sess;

	commit("set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	GET_SESSION(&s, &sess);
	cr_assert_eq(sess.policy_id, SFW_POLICY_ID_DEFAULT_PERMIT);
	s.sport = 40001;
	commit("set security policies default-policy deny-all\n");
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP);
}

/* A stored configuration that is not in force (docs/security.md, "fails
 * closed"): no policy and no default opens a session, in XDP or at tc for
 * forwarded traffic, but a session already running goes on; the next
 * successful apply lifts it. */
Test(policy, fail_closed_refuses_new_sessions_only)
{
	struct pb_spec running = syn(CLI4, SRV4, 80), fresh = syn(CLI4, SRV4, 80);
	struct fx_tc_opts fwd = { .ingress_ifindex = 77 };
	struct sfw_config cfg;

	commit(web_policies);
	commit("set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&running), FX_XDP_PASS);
	cr_assert_eq(fx_config(&cfg), 0);
	cfg.flags |= SFW_CFG_F_FAIL_CLOSED;
	cr_assert_eq(fx_set_config(&cfg), 0);
	fresh.sport = 40001;
	cr_assert_eq(fx_xdp(&fresh), FX_XDP_DROP, "a new session opened while failing closed");
	ASSERT_NO_SESSION(&fresh);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 1);
	fresh.sport = 40002;
	cr_assert_eq(fx_tc(&fresh, &fwd), FX_TC_SHOT, "tc: forwarded from an unwatched interface");
	fresh.sport = 40004;
	cr_assert_eq(fx_tc(&fresh, NULL), FX_TC_OK, "the host's own traffic is self traffic");
	running.tcp_flags = SFW_TCP_SYN;
	cr_assert_eq(fx_xdp(&running), FX_XDP_PASS, "the running session was cut");
	commit("set security policies default-policy permit-all\n");
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(cfg.flags & SFW_CFG_F_FAIL_CLOSED, 0, "a successful apply lifts it");
	fresh.sport = 40003;
	cr_assert_eq(fx_xdp(&fresh), FX_XDP_PASS);
}

Test(policy, zoneless_interface_drops_once_zones_exist)
{
	struct pb_spec s = syn(CLI4, SRV4, 80);

	commit("set security zones security-zone trust interfaces veth-nowhere\n"
	       "set security policies default-policy permit-all\n");
	cr_assert_eq(fx_xdp(&s), FX_XDP_DROP);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_NO_ZONE), 1);
}

Test(policy, zone_to_host_policies)
{
	struct pb_spec web = syn(CLI4, SRV4, 80), ssh = syn(CLI4, SRV4, 22);

	commit("set security zones security-zone trust interfaces lo\n"
	       "set security policies from-zone trust to-zone junos-host policy web match source-address any destination-address any application junos-http\n"
	       "set security policies from-zone trust to-zone junos-host policy web then permit\n"
	       "set security policies default-policy deny-all\n");
	cr_assert_eq(fx_xdp(&web), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&ssh), FX_XDP_DROP);
}

Test(policy, host_inbound_services)
{
	struct pb_spec ssh = syn(CLI4, SRV4, 22), web = syn(CLI4, SRV4, 80);
	struct sfw_session sess;

	commit("set security zones security-zone trust interfaces lo\n"
	       "set security zones security-zone trust host-inbound-traffic system-services ssh\n"
	       "set security policies default-policy deny-all\n");
	cr_assert_eq(fx_xdp(&ssh), FX_XDP_PASS);
	GET_SESSION(&ssh, &sess);
	cr_assert_eq(sess.policy_id, SFW_POLICY_ID_HOST_INBOUND);
	cr_assert_eq(fx_xdp(&web), FX_XDP_DROP);
}

/* Each commit fills the other generation and removes the old one, so the
 * maps hold one configuration's entries, whatever the number of commits. */
static int count_keys(const char *map, size_t key_size)
{
	int fd = fx_map_fd(false, map), n = 0;
	char key[64], next[64];

	for (int err = bpf_map_get_next_key(fd, NULL, next); !err;
	     err = bpf_map_get_next_key(fd, key, next)) {
		memcpy(key, next, key_size);
		n++;
	}
	return n;
}

Test(policy, generations_replace_each_other)
{
	int addr, rules;

	commit(web_policies);
	addr = count_keys(SFW_STR(SFW_MAP_POL_ADDR), sizeof(struct sfw_addr_lpm_key));
	rules = count_keys(SFW_STR(SFW_MAP_RULES), sizeof(struct sfw_rule_key));
	cr_assert_eq(rules, 3);
	for (int i = 0; i < 3; i++)
		commit(web_policies);
	cr_assert_eq(count_keys(SFW_STR(SFW_MAP_POL_ADDR), sizeof(struct sfw_addr_lpm_key)), addr);
	cr_assert_eq(count_keys(SFW_STR(SFW_MAP_RULES), sizeof(struct sfw_rule_key)), rules);
	commit("set security policies default-policy permit-all\n");
	cr_assert_eq(count_keys(SFW_STR(SFW_MAP_RULES), sizeof(struct sfw_rule_key)), 0);
}

/* Hundreds of policies: the decision stays a fixed number of lookups, and
 * the first match is still the first in order. */
Test(policy, many_policies_first_match)
{
	char *text = calloc(1, 1 << 20), *p = text;
	struct pb_spec s = syn(CLI4, SRV4, 10500);
	struct sfw_session sess;

	cr_assert_not_null(text);
	for (int i = 0; i < 1000; i++) {
		p += sprintf(p, "set applications application a%d protocol tcp destination-port %d\n",
			     i, 10000 + i);
		p += sprintf(p, "set security policies global policy p%d match source-address any "
			     "destination-address any application a%d\n", i, i);
		p += sprintf(p, "set security policies global policy p%d then %s\n", i,
			     i == 500 ? "permit" : "deny");
	}
	commit(text);
	cr_assert_eq(fx_xdp(&s), FX_XDP_PASS);
	GET_SESSION(&s, &sess);
	cr_assert_eq(sess.policy_id, policy_index(text, "p500"));
	free(text);
}

/* `then reject`: the answer leaves XDP (XDP_TX) in place of the packet. */
static const char *reject_all =
	"set security policies global policy no match source-address any "
	"destination-address any application any\n"
	"set security policies global policy no then reject\n";


/* The ones' complement sum over a correct header with its checksum is 0. */
static void assert_csum(const void *buf, size_t len, __u32 pseudo, const char *what)
{
	cr_assert_eq(pb_csum(buf, len, pseudo), 0, "%s checksum", what);
}

static __u32 pseudo_sum(const __u8 *src, const __u8 *dst, int alen, __u8 proto, __u16 len)
{
	__u32 sum = 0;

	for (int i = 0; i < alen; i += 2)
		sum += (src[i] << 8 | src[i + 1]) + (dst[i] << 8 | dst[i + 1]);
	return sum + proto + len;
}

Test(policy, reject_tcp_answers_with_rst)
{
	struct pb_spec s = syn(CLI4, SRV4, 25);
	struct pb_pkt in;
	__u8 out[PB_MAX];
	__u32 len;

	s.seq = 1000;
	commit(reject_all);
	pb_build(&s, &in);
	cr_assert_eq(xdp_out(&s, out, &len), 3 /* XDP_TX */);
	cr_assert_eq(len, 14 + 20 + 20);
	cr_assert_eq(memcmp(out, in.data + 6, 6), 0, "destination MAC is the sender's");
	cr_assert_eq(memcmp(out + 14 + 12, in.data + 14 + 16, 4), 0, "source is the old destination");
	cr_assert_eq(out[14 + 9], SFW_IPPROTO_TCP);
	assert_csum(out + 14, 20, 0, "IPv4");
	cr_assert_eq(out[34] << 8 | out[35], 25, "source port");
	cr_assert_eq(out[34 + 13], SFW_TCP_RST | SFW_TCP_ACK);
	cr_assert_eq((__u32)(out[42] << 24 | out[43] << 16 | out[44] << 8 | out[45]), 1001,
		     "acknowledges the SYN");
	assert_csum(out + 34, 20, pseudo_sum(out + 26, out + 30, 4, 6, 20), "TCP");
	ASSERT_NO_SESSION(&s);
	cr_assert_eq(fx_counter(SFW_CNT_ERR_POLICY_DENIED), 1);
}

Test(policy, reject_udp_answers_with_port_unreachable)
{
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
			     .sport = 4000, .dport = 53, .payload = 100 };
	struct pb_pkt in;
	__u8 out[PB_MAX];
	__u32 len;

	commit(reject_all);
	pb_build(&s, &in);
	cr_assert_eq(xdp_out(&s, out, &len), 3);
	cr_assert_eq(len, 14 + 20 + 8 + 20 + 8, "quotes the IP header and 8 bytes");
	cr_assert_eq(out[14 + 9], SFW_IPPROTO_ICMP);
	assert_csum(out + 14, 20, 0, "IPv4");
	cr_assert_eq(out[34], SFW_ICMP_DEST_UNREACH);
	cr_assert_eq(out[35], 3, "port unreachable");
	assert_csum(out + 34, 8 + 28, 0, "ICMP");
	cr_assert_eq(memcmp(out + 42, in.data + 14, 28), 0, "the quote is the refused packet");
}

Test(policy, reject_udp6_answers_with_icmp6)
{
	struct pb_spec s = { .src = CLI6, .dst = SRV6, .proto = SFW_IPPROTO_UDP,
			     .sport = 4000, .dport = 53, .payload = 10 };
	__u8 out[PB_MAX];
	__u32 len;

	commit(reject_all);
	cr_assert_eq(xdp_out(&s, out, &len), 3);
	cr_assert_eq(len, 14 + 40 + 8 + 48);
	cr_assert_eq(out[14 + 6], SFW_IPPROTO_ICMP6);
	cr_assert_eq(out[54], SFW_ICMPV6_DEST_UNREACH);
	cr_assert_eq(out[55], 4, "port unreachable");
	assert_csum(out + 54, 56, pseudo_sum(out + 22, out + 38, 16, 58, 56), "ICMPv6");
}

Test(policy, reject_never_answers_multicast)
{
	struct pb_spec s = { .src = CLI4, .dst = "224.0.0.251", .proto = SFW_IPPROTO_UDP,
			     .sport = 5353, .dport = 5353 };
	__u8 out[PB_MAX];
	__u32 len;

	commit(reject_all);
	cr_assert_eq(xdp_out(&s, out, &len), FX_XDP_DROP);
}
