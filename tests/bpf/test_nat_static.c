/* Static NAT, IPv4 (docs/nat.md "Static NAT"), in BPF_PROG_TEST_RUN, in
 * the NAT fixture (tests/bpf/nat_fixture.h): the outside beyond fb
 * (203.0.113.0/24, zone untrust), the inside beyond fa (198.51.100.0/24,
 * zone trust). Rule S maps the outside prefix 192.0.2.130/31 to the
 * inside hosts 198.51.100.2/31 (CLIENT_A, CLIENT_B), one to one, host
 * bits kept, both ways; the fixture's source-nat interface rule from
 * trust to untrust stays beside it. Checksums are recomputed by the
 * packet builder, which shares no code with the datapath. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"

static void static_setup(void);

TestSuite(nat_static, .init = static_setup, .fini = suite_teardown);

#define OUTSIDE SERVER1            /* outside, neighbour on fb */
#define FAR_OUTSIDE "203.0.113.9"  /* outside, no neighbour: the stack resolves it */
#define A2 "192.0.2.130"           /* static address of ... */
#define B2 CLIENT_A                /* ... 198.51.100.2 */
#define A3 "192.0.2.131"
#define B3 CLIENT_B                /* 198.51.100.3 */
#define OFF_PREFIX "198.51.100.5"  /* inside, neighbour on fa, no static address */
#define A_FAR "192.0.2.140"        /* static address of ... */
#define B_FAR "198.51.100.9"       /* ... an inside host without a neighbour */

static void static_setup(void)
{
	nat_setup();
	cr_assert_eq(system("ip neigh add " OFF_PREFIX " lladdr 02:00:00:00:00:15 dev fa "
			    "nud permanent"), 0);
}

/* Static rule S (and T, A_FAR to B_FAR) from untrust, policies both ways
 * (untrust -> trust to destination `dst`, an address-book entry, or any),
 * the fixture's source-nat interface from trust to untrust, and `extra`. */
#define RULE_S                                                                           \
	"set security nat static rule-set SR from zone untrust\n"                        \
	"set security nat static rule-set SR rule S match destination-address 192.0.2.130/31\n" \
	"set security nat static rule-set SR rule S then static-nat prefix 198.51.100.2/31\n"
#define RULE_T                                                                           \
	"set security nat static rule-set SR rule T match destination-address " A_FAR "/32\n" \
	"set security nat static rule-set SR rule T then static-nat prefix " B_FAR "/32\n"

static void commit_static_src(const char *src_rule, const char *dst, const char *nat)
{
	char text[4096];

	snprintf(text, sizeof(text), NAT_HEAD_TEXT "%s"
		 "%s%s%s"
		 "set security policies from-zone untrust to-zone trust policy in match source-address any destination-address %s application any\n"
		 "set security policies from-zone untrust to-zone trust policy in then permit\n"
		 "%s",
		 src_rule, dst ? "set security address-book global address x " : "", dst ? dst : "",
		 dst ? "/32\n" : "", dst ? "x" : "any", nat);
	commit(text);
}

static void commit_static(const char *dst, const char *nat)
{
	commit_static_src(NAT_R1_INTERFACE, dst, nat);
}

#define SRULE(id, c) stat_of(SFW_STR(SFW_MAP_NAT_SRULE_STATS), id, SFW_NAT_RC_##c)

/* Static rule id's counter c, summed over the CPUs. */
static __u64 stat_of(const char *map, __u32 id, int c)
{
	int fd = fx_map_fd(false, map), ncpu = libbpf_num_possible_cpus();
	struct sfw_nat_rule_stats *v = calloc((size_t)(ncpu > 0 ? ncpu : 1), sizeof(*v));
	__u64 sum = 0;

	cr_assert(fd >= 0 && ncpu > 0 && v);
	cr_assert_eq(bpf_map_lookup_elem(fd, &id, v), 0);
	for (int i = 0; i < ncpu; i++)
		sum += v[i].n[c];
	free(v);
	return sum;
}

/* Inbound: a first packet to the static address leaves for its inside
 * host, the port kept, checksums right; the session is a destination NAT
 * one naming the static rule, with the reply's alias and no port. */
Test(nat_static, inbound_translated_to_the_inside_host)
{
	struct pb_spec u = udp(OUTSIDE, A2, 40000, 53);
	struct pb_spec t = { .src = OUTSIDE, .dst = A2, .proto = SFW_IPPROTO_TCP, .sport = 40001,
			     .dport = 443, .tcp_flags = SFW_TCP_SYN, .seq = 1000 };
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_static(NULL, RULE_S);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u, OUTSIDE, 40000, B2, 53);
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.flags & (SFW_SESS_F_NAT | SFW_SESS_F_DNAT),
		     SFW_SESS_F_NAT | SFW_SESS_F_DNAT);
	cr_assert_eq(sess.xflags & SFW_SESS_X_STATIC, SFW_SESS_X_STATIC);
	cr_assert_eq(sess.dnat_rule_id, 1);
	cr_assert_eq(sess.nat.rule_id, 0, "no source NAT rule");
	cr_assert_eq(sess.nat.dst, a4(B2));
	cr_assert_eq(sess.nat.dport, htons(53));
	cr_assert_eq(fx_session_count(), 2, "the session and its alias");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0, "no port reserved");
	cr_assert_eq(run_at(out_if, &t, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &t, OUTSIDE, 40001, B2, 443);
	cr_assert_eq(SRULE(1, HITS), 2);
	cr_assert_eq(SRULE(1, SUCCESS), 2);
}

/* The prefix's host bits are kept: the other address of the /31 reaches
 * the other host. */
Test(nat_static, prefix_host_bits_kept)
{
	struct pb_spec u = udp(OUTSIDE, A3, 40000, 53);
	struct pb_pkt in, out;

	commit_static(NULL, RULE_S);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u, OUTSIDE, 40000, B3, 53);
}

/* A later packet is translated as the first; the inside host's reply,
 * found through the alias, leaves from the static address, its port
 * kept. */
Test(nat_static, the_reply_translated_back)
{
	struct pb_spec u = udp(OUTSIDE, A2, 40000, 53);
	struct pb_spec r = udp(B2, OUTSIDE, 53, 40000);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_static(NULL, RULE_S);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT, "a later packet");
	assert_tuple(&out, &u, OUTSIDE, 40000, B2, 53);
	cr_assert_eq(run_at(in_if, &r, &in, &out), FX_XDP_REDIRECT, "the reply");
	assert_tuple(&out, &r, A2, 53, OUTSIDE, 40000);
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.wing[SFW_WING_IN].packets, 2);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, 1);
}

/* Outbound: a flow the inside host opens leaves from its static address,
 * its ports kept, ahead of the source-nat interface rule of the same
 * zone pair; no port is reserved; the outside's reply reaches the host.
 * The static rule's hit and success are counted, the source rule's not. */
Test(nat_static, outbound_first_packet_leaves_from_the_static_address)
{
	struct pb_spec u = udp(B2, OUTSIDE, 5000, 53);
	struct pb_spec r = udp(OUTSIDE, A2, 53, 5000);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_static(NULL, RULE_S);
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u, A2, 5000, OUTSIDE, 53);
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.flags & (SFW_SESS_F_NAT | SFW_SESS_F_DNAT), SFW_SESS_F_NAT);
	cr_assert_eq(sess.xflags & SFW_SESS_X_STATIC, SFW_SESS_X_STATIC);
	cr_assert_eq(sess.dnat_rule_id, 1);
	cr_assert_eq(sess.nat.rule_id, 0, "no source rule named");
	cr_assert_eq(sess.nat.src, a4(A2));
	cr_assert_eq(sess.nat.sport, htons(5000));
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 0, "no port reserved");
	cr_assert_eq(fx_session_count(), 2, "the session and its alias");
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT, "a later packet");
	assert_tuple(&out, &u, A2, 5000, OUTSIDE, 53);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT, "the reply");
	assert_tuple(&out, &r, OUTSIDE, 53, B2, 5000);
	cr_assert_eq(SRULE(1, HITS), 1);
	cr_assert_eq(SRULE(1, SUCCESS), 1);
	cr_assert_eq(stat_of(SFW_STR(SFW_MAP_NAT_RULE_STATS), 1, SFW_NAT_RC_HITS), 0,
		     "the source rule is not asked");
}

/* ICMP echo from the inside host: the identifier kept, the source the
 * static address, the checksum right. */
Test(nat_static, outbound_echo_keeps_its_identifier)
{
	struct pb_spec e = { .src = B3, .dst = OUTSIDE, .proto = SFW_IPPROTO_ICMP,
			     .icmp_type = SFW_ICMP_ECHO, .icmp_id = 7000, .icmp_seq = 1,
			     .payload = 16 };
	struct pb_pkt in, out;

	commit_static(NULL, RULE_S);
	cr_assert_eq(run_at(in_if, &e, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(A3));
	cr_assert_eq(port_at(&out, 4), 7000, "the identifier kept");
	cr_assert_eq(pb_verify_csums(&out, &e), 0);
}

/* Off the prefixes nothing is static NAT's: an outside packet to an
 * inside address directly leaves as it came; an inside host without a
 * static address is translated by the source rule as before. */
Test(nat_static, off_prefix_untouched)
{
	struct pb_spec in_direct = udp(OUTSIDE, OFF_PREFIX, 40000, 53);
	struct pb_spec out_other = udp(OFF_PREFIX, OUTSIDE, 5001, 53);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_static(NULL, RULE_S);
	cr_assert_eq(run_at(out_if, &in_direct, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &in_direct, OUTSIDE, 40000, OFF_PREFIX, 53);
	GET_SESSION(&in_direct, &sess);
	cr_assert_eq(sess.flags & SFW_SESS_F_NAT, 0);
	cr_assert_eq(run_at(in_if, &out_other, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(FB_ADDR), "the source rule's interface address");
	GET_SESSION(&out_other, &sess);
	cr_assert_eq(sess.xflags & SFW_SESS_X_STATIC, 0);
	cr_assert_eq(sess.nat.rule_id, 1, "the source rule");
	cr_assert_eq(SRULE(1, HITS), 0);
}

/* The route and the policy see the translated destination: a policy
 * permitting the inside host's address permits the flow; one permitting
 * only the static address does not (a hit without success), leaving no
 * session or alias. */
Test(nat_static, the_policy_judges_the_translated_destination)
{
	struct pb_spec u = udp(OUTSIDE, A2, 40000, 53);
	struct pb_spec v = udp(OUTSIDE, A2, 40001, 53);
	struct pb_pkt in, out;

	commit_static(B2, RULE_S);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &u, OUTSIDE, 40000, B2, 53);

	commit_static(A2, RULE_S);
	cr_assert_eq(run_at(out_if, &v, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_POLICY_DENIED), 1);
	ASSERT_NO_SESSION(&v);
	cr_assert_eq(fx_session_count(), 2, "the first session and its alias only");
	cr_assert_eq(SRULE(1, HITS), 2);
	cr_assert_eq(SRULE(1, SUCCESS), 1);
}

/* The reply tuple held: the inside host's own session with the outside
 * peer (opened before the static rule, under the source rule) holds
 * B2:53 <-> OUTSIDE:40000, so the outside's first packet to A2 from that
 * port, whose reply would be that tuple, is refused under Incoming NAT
 * errors and leaves nothing. */
Test(nat_static, a_held_reply_tuple_refuses_the_session)
{
	struct pb_spec mine = udp(B2, OUTSIDE, 53, 40000);
	struct pb_spec u = udp(OUTSIDE, A2, 40000, 53);
	struct pb_pkt in, out;
	int before;

	commit_static(NULL, "");
	cr_assert_eq(run_at(in_if, &mine, &in, &out), FX_XDP_REDIRECT);
	before = fx_session_count();
	commit_static(NULL, RULE_S);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	ASSERT_NO_SESSION(&u);
	cr_assert_eq(fx_session_count(), before, "nothing left");
	cr_assert_eq(SRULE(1, HITS), 1);
	cr_assert_eq(SRULE(1, SUCCESS), 0);
}

/* The stack forwarding (no neighbour yet): the outbound In wing goes up
 * as the host sent it (toward an attached egress) and leaves translated
 * by tc egress; the reply is translated in XDP before it goes up. */
Test(nat_static, stack_routed_outbound_translated_at_tc)
{
	struct pb_spec u = udp(B_FAR, FAR_OUTSIDE, 5000, 53);
	struct pb_spec r = udp(FAR_OUTSIDE, A_FAR, 53, 5000);
	struct pb_pkt in, up, out;

	commit_static(NULL, RULE_S RULE_T);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	assert_tuple(&up, &u, B_FAR, 5000, FAR_OUTSIDE, 53);
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_OK);
	assert_tuple(&out, &u, A_FAR, 5000, FAR_OUTSIDE, 53);
	cr_assert_eq(run_at(out_if, &r, &in, &up), FX_XDP_PASS, "the reply");
	assert_tuple(&up, &r, FAR_OUTSIDE, 53, B_FAR, 5000);
}

/* A packet from the static host that tc meets with no session (its
 * session cleared while it waited in the stack) toward the rule-set's
 * zone is refused under Incoming NAT errors, never sent from the inside
 * address; no source rule covers it here (R0 exempts another host), so
 * only the static rule's reverse can say so. */
Test(nat_static, tc_miss_from_the_static_host_refused)
{
	struct pb_spec u = udp(B_FAR, FAR_OUTSIDE, 5000, 53);
	struct pb_pkt in, up, out;

	commit_static_src(NAT_R0_OFF, NULL, RULE_S RULE_T);
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	cr_assert_eq(run_at(in_if, &u, &in, &up), FX_XDP_PASS);
	nat_evict(&u);
	cr_assert_eq(tc_at(out_if, in_if, &up, &out), FX_TC_SHOT, "left from the inside address");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
}

/* A later fragment from the static host that tc meets without its
 * datagram's record (its first never seen here, or out of order) toward
 * a zone with static rules is refused under Incoming NAT errors: it has
 * no ports to find a session or a rule by, and could be its host's, to
 * leave from the inside address. No source rule-set here (it would
 * refuse it anyway); the same fragment toward the static rule-set's zone
 * with no static rule is no NAT error, but XDP never judged it (no
 * record): judged at tc (bpf/tc_judged.bpf.h), it is refused as a
 * fragment without its first, as XDP would refuse it. */
Test(nat_static, tc_later_fragment_without_record_refused)
{
	struct pb_spec frag = { .src = B_FAR, .dst = FAR_OUTSIDE, .proto = SFW_IPPROTO_UDP,
				.sport = 5000, .dport = 53, .payload = 33, .ip_id = 77,
				.frag_off = 1480 };
	const char *head =
		"set security zones security-zone trust interfaces fa\n"
		"set security zones security-zone untrust interfaces fb\n"
		"set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n"
		"set security policies from-zone trust to-zone untrust policy out then permit\n";
	struct pb_pkt in, out;
	char text[2048];

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	snprintf(text, sizeof(text), "%s%s", head,
		 "set security nat destination pool D address " B2 "/32\n"
		 "set security nat destination rule-set DR from zone untrust\n"
		 "set security nat destination rule-set DR rule W match destination-address 192.0.2.99/32\n"
		 "set security nat destination rule-set DR rule W then destination-nat pool D\n");
	commit(text);
	cr_assert_eq(pb_build(&frag, &in), 0);
	cr_assert_eq(tc_at(out_if, in_if, &in, &out), FX_TC_SHOT, "no static rule: no NAT error");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
	snprintf(text, sizeof(text), "%s%s%s", head, RULE_S, RULE_T);
	commit(text);
	cr_assert_eq(tc_at(out_if, in_if, &in, &out), FX_TC_SHOT);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_SFW_ERR_FRAG_NO_FIRST), 1);
}

/* Static rule ids are kept by name across commits: a rule deleted before
 * S leaves S its id, and its counters. */
Test(nat_static, rule_ids_kept_across_commits)
{
	struct pb_spec u = udp(OUTSIDE, A2, 40000, 53);
	struct pb_spec v = udp(OUTSIDE, A2, 40001, 53);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit_static(NULL, "set security nat static rule-set SR from zone untrust\n"
		      "set security nat static rule-set SR rule Q match destination-address 192.0.2.150/32\n"
		      "set security nat static rule-set SR rule Q then static-nat prefix 198.51.100.20/32\n"
		      RULE_S);
	cr_assert_eq(run_at(out_if, &u, &in, &out), FX_XDP_REDIRECT);
	GET_SESSION(&u, &sess);
	cr_assert_eq(sess.dnat_rule_id, 2);
	commit_static(NULL, RULE_S);
	cr_assert_eq(run_at(out_if, &v, &in, &out), FX_XDP_REDIRECT);
	GET_SESSION(&v, &sess);
	cr_assert_eq(sess.dnat_rule_id, 2, "S keeps its id");
	cr_assert_eq(SRULE(2, HITS), 2);
	cr_assert_eq(SRULE(1, HITS), 0, "Q's id is no one's");
}

/* A generation without static, destination or source rules walks none
 * of those lists: its config says so (SFW_CFG_F_NAT_STATIC,
 * SFW_CFG_F_NAT_DEST; SFW_CFG_F_NAT_NO_SOURCE the other way round), and
 * the datapath asks only then. */
#define NAT_TYPES (SFW_CFG_F_NAT_STATIC | SFW_CFG_F_NAT_DEST | SFW_CFG_F_NAT_NO_SOURCE)
Test(nat_static, the_walks_are_flagged_per_generation)
{
	struct sfw_config cfg;

	commit_static(NULL, "");
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(cfg.flags & NAT_TYPES, 0);
	commit_static(NULL, RULE_S);
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(cfg.flags & NAT_TYPES, SFW_CFG_F_NAT_STATIC);
	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security policies default-policy deny-all\n");
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(cfg.flags & NAT_TYPES, SFW_CFG_F_NAT_NO_SOURCE);
	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE);   /* and back: the commit's own word */
	cr_assert_eq(fx_config(&cfg), 0);
	cr_assert_eq(cfg.flags & NAT_TYPES, 0);
}

/* Every fragment of datagram fr[0..n) through XDP on ifindex, each
 * expected XDP_PASS, into out[]. */
static void xdp_frags(__u32 ifindex, const struct pb_pkt *fr, int n, struct pb_pkt *out)
{
	for (int i = 0; i < n; i++) {
		out[i] = fr[i];
		cr_assert_eq(fx_xdp_frame_at(ifindex, fr[i].data, fr[i].len, out[i].data,
					     &out[i].len), FX_XDP_PASS, "fragment %d up", i);
	}
}

/* Static NAT's datagrams fragmented by their senders (docs/nat.md
 * "Fragments"), both ways of both directions: inbound, the outside
 * host's fragments to the static address reach the inside host (XDP)
 * and its fragmented answer leaves from the static address (tc);
 * outbound, the inside host's fragments leave from its static address
 * (tc) and the answer's reach it (XDP). Before: refused under Incoming
 * NAT errors. */
Test(nat_static, fragmented_datagrams_both_ways)
{
	struct pb_spec in1 = udp(OUTSIDE, A2, 40100, 53), back1 = udp(B2, OUTSIDE, 53, 40100);
	struct pb_spec out1 = udp(B3, FAR_OUTSIDE, 40200, 53), back2 = udp(FAR_OUTSIDE, A3, 53, 40200);
	struct pb_pkt fr[4], up[4], tx[4];
	__u8 dgram[4096];
	__u32 len;

	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	commit_static(NULL, RULE_S);
	in1.payload = back1.payload = out1.payload = back2.payload = 1200;
	in1.ip_id = 401;
	back1.ip_id = 402;
	out1.ip_id = 403;
	back2.ip_id = 404;

	cr_assert_eq(pb_fragment(&in1, 512, fr, 4), 3);
	xdp_frags(out_if, fr, 3, tx);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(addr_at(&tx[i], 16), a4(B2), "inbound fragment %d to the host", i);
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_UDP, dgram, &len), 0xffff, "inbound datagram");
	cr_assert_eq(pb_fragment(&back1, 512, fr, 4), 3);
	xdp_frags(in_if, fr, 3, up);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(tc_at(out_if, in_if, &up[i], &tx[i]), FX_TC_OK, "answer fragment %d", i);
		cr_assert_eq(addr_at(&tx[i], 12), a4(A2), "answer fragment %d from A2", i);
	}
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_UDP, dgram, &len), 0xffff, "the answer");

	cr_assert_eq(pb_fragment(&out1, 512, fr, 4), 3);
	xdp_frags(in_if, fr, 3, up);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(tc_at(out_if, in_if, &up[i], &tx[i]), FX_TC_OK, "outbound fragment %d", i);
		cr_assert_eq(addr_at(&tx[i], 12), a4(A3), "outbound fragment %d from A3", i);
	}
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_UDP, dgram, &len), 0xffff, "outbound datagram");
	cr_assert_eq(pb_fragment(&back2, 512, fr, 4), 3);
	xdp_frags(out_if, fr, 3, tx);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(addr_at(&tx[i], 16), a4(B3), "its answer's fragment %d to B3", i);
	cr_assert_eq(nat_frag_csum(tx, 3, SFW_IPPROTO_UDP, dgram, &len), 0xffff, "its answer");
	cr_assert_eq(fx_counter_at(out_if, SFW_CNT_ERR_INCOMING_NAT), 0);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 0);
}
