/* The source NAT rules' counters (include/nat.h, docs/nat.md "Operational
 * commands"): Translation hits and Successful sessions, counted by the
 * datapath on first packets only, never on a session's later packets or
 * its replies; a rule that cannot translate a packet counts a hit without
 * a success; an `off` rule counts both, and its session names it (the
 * shows count Number of sessions from the table). In the NAT fixture
 * (tests/bpf/nat_fixture.h): rule R1 (id 1), source-nat interface from
 * trust to untrust. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"

TestSuite(nat_counters, .init = nat_setup, .fini = suite_teardown);

/* Rule id's counters, summed over the CPUs. */
static struct sfw_nat_rule_stats rule_stats(__u32 id)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_RULE_STATS));
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_nat_rule_stats *v = calloc(ncpu, sizeof(*v)), sum = {};

	cr_assert(fd >= 0 && ncpu > 0 && v);
	cr_assert_eq(bpf_map_lookup_elem(fd, &id, v), 0);
	for (int i = 0; i < ncpu; i++)
		for (int c = 0; c < SFW_NAT_RC_COUNT; c++)
			sum.n[c] += v[i].n[c];
	free(v);
	return sum;
}

/* The id the commits gave rule-set set's rule (kept by name in the names
 * map, loader/nat_rule_ids.c); fails the test when it has none. */
static __u32 id_of(const char *set, const char *rule)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAMES));

	for (__u32 id = 1; id <= SFW_NAT_MAX_RULES; id++) {
		struct sfw_name_key ks = { SFW_NAME_NAT_RULE_SET, id }, kr = { SFW_NAME_NAT_RULE, id };
		struct sfw_name s, r;

		if (!bpf_map_lookup_elem(fd, &ks, &s) && !bpf_map_lookup_elem(fd, &kr, &r) &&
		    !strcmp(s.name, set) && !strcmp(r.name, rule))
			return id;
	}
	cr_assert_fail("no id for rule %s of rule-set %s", rule, set);
	return 0;
}

#define ASSERT_RULE(id, hits, success) do {                                        \
	struct sfw_nat_rule_stats st_ = rule_stats(id);                             \
	cr_assert_eq(st_.n[SFW_NAT_RC_HITS], (hits), "rule %d: translation hits", id); \
	cr_assert_eq(st_.n[SFW_NAT_RC_SUCCESS], (success),                        \
		     "rule %d: successful sessions", id);                          \
} while (0)

/* Two flows: each first packet one hit and one success; the flows' later
 * packets and their replies none. */
Test(nat_counters, first_packets_only)
{
	struct pb_spec a = udp(CLIENT_A, SERVER1, 40100, 53);
	struct pb_spec ra = udp(SERVER1, FB_ADDR, 53, 40100);
	struct pb_spec b = udp(CLIENT_B, SERVER2, 40101, 53);
	struct pb_pkt in, out;

	ASSERT_RULE(1, 0, 0);
	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	ASSERT_RULE(1, 1, 1);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
		cr_assert_eq(run_at(out_if, &ra, &in, &out), FX_XDP_REDIRECT);
	}
	ASSERT_RULE(1, 1, 1);
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	ASSERT_RULE(1, 2, 2);
	ASSERT_RULE(2, 0, 0);
}

/* A TCP flow: the SYN counts, the handshake's rest and the data do not. */
Test(nat_counters, tcp_handshake_counts_once)
{
	struct pb_spec syn = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
			       .sport = 41100, .dport = 80, .tcp_flags = SFW_TCP_SYN,
			       .seq = 1000 };
	struct pb_spec synack = { .src = SERVER1, .dst = FB_ADDR, .proto = SFW_IPPROTO_TCP,
				  .sport = 80, .dport = 41100,
				  .tcp_flags = SFW_TCP_SYN | SFW_TCP_ACK, .seq = 5000, .ack = 1001 };
	struct pb_spec ack = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_TCP,
			       .sport = 41100, .dport = 80, .tcp_flags = SFW_TCP_ACK,
			       .seq = 1001, .ack = 5001 };
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &syn, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(out_if, &synack, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &ack, &in, &out), FX_XDP_REDIRECT);
	ASSERT_RULE(1, 1, 1);
}

/* The rule matched but no translation could be made (GRE: no rewrite
 * translates it, docs/nat.md "Third review", R3): a hit, no success. */
Test(nat_counters, untranslatable_packet_hit_without_success)
{
	struct pb_spec s = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_GRE,
			     .payload = 16 };
	struct pb_pkt in, out;

	cr_assert_neq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	ASSERT_RULE(1, 1, 0);
}

/* No port is free (the host's ephemeral range takes them all): the
 * session is refused after its hit, with no success. */
Test(nat_counters, no_free_port_hit_without_success)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40200, 53);
	struct pb_pkt in, out;

	host_ports(SFW_NAT_PORT_LO, SFW_NAT_PORT_HI);
	cr_assert_neq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	ASSERT_NO_SESSION(&s);
	ASSERT_RULE(1, 1, 0);
}

/* A first packet the policy denies meets no NAT rule: nothing counted. */
Test(nat_counters, denied_first_packet_counts_nothing)
{
	struct pb_spec s = udp(SERVER1, CLIENT_A, 40300, 53);   /* untrust -> trust */
	struct pb_pkt in, out;

	cr_assert_neq(run_at(out_if, &s, &in, &out), FX_XDP_REDIRECT);
	ASSERT_RULE(1, 0, 0);
}

/* `source-nat off` (rule R0, before R1; R1 keeps id 1 from the fixture's
 * commit, so R0 takes id 2): its first packet counts a hit and a success,
 * leaves untranslated, and its session names the rule without being a NAT
 * session. */
Test(nat_counters, off_rule_counts_and_its_session_names_it)
{
	struct pb_spec s = udp(CLIENT_B, SERVER1, 40400, 53);
	struct pb_spec t = udp(CLIENT_A, SERVER1, 40401, 53);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit(NAT_HEAD_TEXT NAT_R0_OFF NAT_R1_INTERFACE);
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(CLIENT_B), "off: untranslated");
	GET_SESSION(&s, &sess);
	cr_assert_not(sess.flags & SFW_SESS_F_NAT);
	cr_assert_eq(id_of("RS", "R0"), 2);
	cr_assert_eq(sess.nat.rule_id, 2, "the session names its rule");
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	ASSERT_RULE(2, 1, 1);
	cr_assert_eq(run_at(in_if, &t, &in, &out), FX_XDP_REDIRECT);
	GET_SESSION(&t, &sess);
	cr_assert_eq(sess.nat.rule_id, 1);
	ASSERT_RULE(1, 1, 1);
	ASSERT_RULE(2, 1, 1);
}

/* ---- review (natrv): tests that fail on natshow2 ---- */

/* RV-1: numbered in configuration order, a commit that deleted R0 gave
 * R1 R0's id, and so R0's two hits and successes (and R0's live sessions,
 * which name the id: the e2e rv test shows that end). Ids are kept by
 * name now (loader/nat_rule_ids.c): R1 shows exactly its own one, before
 * and after the commit. */
Test(nat_counters, rv_renumbering_commit_gives_a_deleted_rules_hits_to_another)
{
	struct pb_spec b1 = udp(CLIENT_B, SERVER1, 40700, 53);
	struct pb_spec b2 = udp(CLIENT_B, SERVER1, 40701, 53);
	struct pb_spec a = udp(CLIENT_A, SERVER1, 40702, 53);
	struct sfw_nat_rule_stats st;
	struct pb_pkt in, out;
	__u32 r1;

	commit(NAT_HEAD_TEXT NAT_R0_OFF NAT_R1_INTERFACE);
	cr_assert_eq(run_at(in_if, &b1, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &b2, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	ASSERT_RULE(id_of("RS", "R0"), 2, 2);
	r1 = id_of("RS", "R1");
	ASSERT_RULE(r1, 1, 1);
	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE);   /* R0 deleted */
	cr_assert_eq(id_of("RS", "R1"), r1, "R1 keeps its id");
	st = rule_stats(r1);
	cr_expect_eq(st.n[SFW_NAT_RC_HITS], 1,
		     "R1 shows %llu Translation hits; it had 1, R0 (deleted) had 2",
		     (unsigned long long)st.n[SFW_NAT_RC_HITS]);
	cr_expect_eq(st.n[SFW_NAT_RC_SUCCESS], 1, "R1 shows %llu Successful sessions; it had 1",
		     (unsigned long long)st.n[SFW_NAT_RC_SUCCESS]);
}

/* RV-2: the same `off` rule and the same flow, opened by tc (the stack
 * forwarded it from an interface sfw is not attached to) rather than by
 * XDP: the session is made untranslated, as off_rule_counts_and_its_
 * session_names_it expects at XDP, but counts neither a hit nor a
 * success and does not name R0, so R0's Number of sessions misses it.
 * sfw_tc_open passes nat_rule 0 to sfw_create whatever rule matched. */
/* disabled while RV-2 is open (docs/nat.md "Operational commands"): it
 * fails until then. A fix that hands sfw_create the `off` rule
 * sfw_tc_nat_miss found grows sfw_tc_flow's frame from 256 to 264 bytes
 * (288 as the verifier rounds it): the chain is then 528, over 512. */
Test(nat_counters, rv_tc_opened_off_rule_session_counts_and_names_its_rule, .disabled = true)
{
	struct pb_spec s = udp(CLIENT_B, SERVER1, 40710, 53);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit(NAT_HEAD_TEXT NAT_R0_OFF NAT_R1_INTERFACE);
	cr_assert_eq(fx_mark_attached(out_if), 0);   /* fa is not */
	cr_assert_eq(pb_build(&s, &in), 0);
	cr_assert_eq(tc_at(out_if, in_if, &in, &out), FX_TC_OK, "off: sent untranslated");
	GET_SESSION(&s, &sess);
	cr_assert_not(sess.flags & SFW_SESS_F_NAT);
	cr_expect_eq(sess.nat.rule_id, id_of("RS", "R0"), "the tc-opened session names R0");
	ASSERT_RULE(id_of("RS", "R0"), 1, 1);
}

/* RV-3: a first packet R1 matched, refused because the table is at
 * max-sessions, counts no hit, while the same refusal met one step later
 * (the session's insert failing on a full table) counts one: the hit is
 * taken after the max-sessions check. docs/nat.md defines a hit as a
 * permitted first packet the rule matched, once the zone's session
 * limits let it be; max-sessions is no zone limit. */
Test(nat_counters, rv_first_packet_refused_at_max_sessions_counts_its_hit)
{
	struct pb_spec a = udp(CLIENT_A, SERVER1, 40720, 53);
	struct pb_spec b = udp(CLIENT_B, SERVER1, 40721, 53);
	struct sfw_config cfg;
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	ASSERT_RULE(1, 1, 1);
	cr_assert_eq(fx_config(&cfg), 0);
	cfg.max_sessions = (__u32)map_count(SFW_STR(SFW_MAP_SESSIONS));
	cr_assert_eq(fx_set_config(&cfg), 0);
	cr_assert_neq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_NO_MORE_SESSIONS), 1);
	ASSERT_NO_SESSION(&b);
	ASSERT_RULE(1, 2, 1);
}

/* T-1 (a test that could not fail): denied_first_packet_counts_nothing
 * sends untrust -> trust, where no rule-set is, so it passes whatever the
 * order of policy and NAT (checked: with a hit counted before the policy,
 * it still passes). Here the denied packet is one R1 would translate
 * (trust -> untrust, to SERVER2): passes on natshow2, fails if NAT is
 * looked up, or its hit counted, before the policy permits. */
Test(nat_counters, rv_denied_first_packet_the_rule_matches_counts_nothing)
{
	struct pb_spec s = udp(CLIENT_A, SERVER2, 40730, 53);
	struct pb_spec ok = udp(CLIENT_A, SERVER1, 40731, 53);
	struct pb_pkt in, out;

	commit("set security zones security-zone trust interfaces fa\n"
	       "set security zones security-zone untrust interfaces fb\n"
	       "set security address-book global address srv2 " SERVER2 "/32\n"
	       "set security policies from-zone trust to-zone untrust policy no-srv2 match source-address any destination-address srv2 application any\n"
	       "set security policies from-zone trust to-zone untrust policy no-srv2 then deny\n"
	       "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n"
	       "set security policies from-zone trust to-zone untrust policy out then permit\n"
	       "set security policies default-policy deny-all\n"
	       "set security nat source rule-set RS from zone trust\n"
	       "set security nat source rule-set RS to zone untrust\n"
	       NAT_R1_INTERFACE);
	cr_assert_neq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	ASSERT_NO_SESSION(&s);
	ASSERT_RULE(1, 0, 0);
	cr_assert_eq(run_at(in_if, &ok, &in, &out), FX_XDP_REDIRECT, "R1 does match trust -> untrust");
	ASSERT_RULE(1, 1, 1);
}

/* Ids exhausted (loader/nat_rule_ids.c): every id but R1's named and in
 * the generation in force (entries of a list no zone pair reaches), so a
 * commit adding a rule finds none to give: refused with the one line,
 * before anything is written. The generation, R1's id, counters and
 * translation stay; R9 got no id. */
Test(nat_counters, exhausted_ids_refuse_the_commit_untouched)
{
	int names = fx_map_fd(false, SFW_STR(SFW_MAP_NAMES));
	int entries = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_ENTRIES));
	struct pb_spec a = udp(CLIENT_A, SERVER1, 40730, 53);
	struct pb_spec b = udp(CLIENT_A, SERVER1, 40731, 53);
	struct sfw_policy_fds f = fds();
	struct sfw_config before, after;
	struct pb_pkt in, out;

	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_config(&before), 0);
	for (__u32 id = 2; id <= SFW_NAT_MAX_RULES; id++) {
		struct sfw_nat_entry_key k = { .list = { .stage = SFW_NAT_SOURCE, .from_zone = 200,
							 .to_zone = 201, .gen = (__u8)(before.gen & 1) },
					       .idx = id };
		struct sfw_nat_entry v = { .rule_id = (__u16)id };
		struct sfw_name_key nk = { SFW_NAME_NAT_RULE, id };
		struct sfw_name nv = { 0 };

		snprintf(nv.name, sizeof(nv.name), "old%u", id);
		cr_assert_eq(bpf_map_update_elem(names, &nk, &nv, BPF_ANY), 0);
		nk.kind = SFW_NAME_NAT_RULE_SET;
		cr_assert_eq(bpf_map_update_elem(names, &nk, &nv, BPF_ANY), 0);
		cr_assert_eq(bpf_map_update_elem(entries, &k, &v, BPF_ANY), 0, "entry %u", id);
	}
	cr_assert_eq(commit_into(NAT_HEAD_TEXT NAT_R1_INTERFACE
				 "set security nat source rule-set RS rule R9 match source-address 192.0.2.0/24\n"
				 "set security nat source rule-set RS rule R9 then source-nat interface\n", &f),
		     -E2BIG);
	cr_assert_str_eq(sfw_last_error(), "no source NAT rule id is left for rule R9: each of "
			 "the 4096 is a rule's in force or in this commit, or named by sessions "
			 "in the table");
	cr_assert_eq(fx_config(&after), 0);
	cr_assert_eq(after.gen, before.gen, "no flip");
	cr_assert_eq(id_of("RS", "R1"), 1);
	ASSERT_RULE(1, 1, 1);
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	cr_assert_neq(addr_at(&out, 12), a4(CLIENT_A), "R1 still translates");
	ASSERT_RULE(1, 2, 2);
}

/* RV14-C1 (review 14, low): sfw_nat_ids_write zeroes the counters of the
 * ids a commit gives before the checks that can still refuse it (here
 * max-sessions over the table, in flow_settings); the names log puts the
 * names back on refusal, not the counters. With ids exhausted a new rule
 * (R9) takes gone rule R0's id: the refused commit leaves R0's name on
 * it but its counts zeroed, so R0 written again later shows zero where
 * it had its own (reapply_and_readd_keep_ids: a re-added rule keeps its
 * id and counts). A refused commit changes no counter: sfw_nat_ids_zero
 * runs after the last check that can refuse it. */
Test(nat_counters, rv14_refused_commit_leaves_a_gone_rules_counters)
{
	int names = fx_map_fd(false, SFW_STR(SFW_MAP_NAMES));
	int entries = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_ENTRIES));
	int stats = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_RULE_STATS));
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_nat_rule_stats *v = calloc(ncpu, sizeof(*v));
	struct sfw_policy_fds f = fds();
	struct sfw_config cfg;
	__u32 r0, r1;

	cr_assert(v && ncpu > 0);
	commit(NAT_HEAD_TEXT NAT_R0_OFF NAT_R1_INTERFACE);
	r0 = id_of("RS", "R0");
	r1 = id_of("RS", "R1");
	commit(NAT_HEAD_TEXT NAT_R1_INTERFACE);   /* R0 deleted: its id kept by name */
	v[0].n[SFW_NAT_RC_HITS] = 5;
	v[0].n[SFW_NAT_RC_SUCCESS] = 4;
	cr_assert_eq(bpf_map_update_elem(stats, &r0, v, BPF_ANY), 0, "R0's counts");
	ASSERT_RULE(r0, 5, 4);
	cr_assert_eq(fx_config(&cfg), 0);
	for (__u32 id = 1; id <= SFW_NAT_MAX_RULES; id++) {
		struct sfw_nat_entry_key k = { .list = { .stage = SFW_NAT_SOURCE, .from_zone = 200,
							 .to_zone = 201, .gen = (__u8)(cfg.gen & 1) },
					       .idx = id };
		struct sfw_nat_entry e = { .rule_id = (__u16)id };
		struct sfw_name_key nk = { SFW_NAME_NAT_RULE, id };
		struct sfw_name nv = { 0 };

		if (id == r0 || id == r1)
			continue;
		snprintf(nv.name, sizeof(nv.name), "old%u", id);
		cr_assert_eq(bpf_map_update_elem(names, &nk, &nv, BPF_ANY), 0);
		nk.kind = SFW_NAME_NAT_RULE_SET;
		cr_assert_eq(bpf_map_update_elem(names, &nk, &nv, BPF_ANY), 0);
		cr_assert_eq(bpf_map_update_elem(entries, &k, &e, BPF_ANY), 0, "entry %u", id);
	}
	cr_assert_neq(commit_into(NAT_HEAD_TEXT NAT_R1_INTERFACE
				  "set security nat source rule-set RS rule R9 match source-address 192.0.2.0/24\n"
				  "set security nat source rule-set RS rule R9 then source-nat interface\n"
				  "set security flow session max-sessions 1073741824\n", &f),
		      0, "refused: more sessions than the table holds");
	cr_expect_eq(id_of("RS", "R0"), r0, "R0's name put back");
	ASSERT_RULE(r0, 5, 4);
	free(v);
}
