/* Source NAT to a pool (docs/nat.md "Source pools"), in BPF_PROG_TEST_RUN,
 * in the NAT fixture (tests/bpf/nat_fixture.h: clients on fa, zone trust;
 * servers beyond fb, 203.0.113.1/24, zone untrust). The pools' addresses
 * are not fb's: a translated frame leaves from one of them, and the
 * reply to it comes back through its alias. Checksums are recomputed by
 * the packet builder, which shares no code with the datapath. */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "nat.h"
#include "reap.h"

TestSuite(nat_pool, .init = nat_setup, .fini = suite_teardown);

#define POOL_LO "203.0.113.10"
#define POOL_HI "203.0.113.13"

static bool in_pool(__u32 a)
{
	return ntohl(a) >= ntohl(a4(POOL_LO)) && ntohl(a) <= ntohl(a4(POOL_HI));
}

/* Pool id's counters, summed over the CPUs. */
static __u64 pool_hits(__u32 id)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_POOL_STATS));
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_nat_pool_stats *v = calloc(ncpu, sizeof(*v));
	__u64 sum = 0;

	cr_assert(fd >= 0 && ncpu > 0 && v);
	cr_assert_eq(bpf_map_lookup_elem(fd, &id, v), 0);
	for (int i = 0; i < ncpu; i++)
		sum += v[i].n[SFW_NAT_PC_HITS];
	free(v);
	return sum;
}

/* A first packet leaves from an address of the pool, from a port of its
 * range, its session naming the pool; the reply to that address and port
 * reaches the client as the original tuple. */
Test(nat_pool, translates_to_an_address_and_port_of_the_pool)
{
	struct pb_spec s = udp(CLIENT_A, SERVER1, 40000, 53);
	struct pb_pkt in, out;
	struct sfw_session sess;
	__u32 pa;
	__u16 pp;

	commit_pool("set security nat source pool P address " POOL_LO "/32 to " POOL_HI "/32\n"
		    "set security nat source pool P port range 2000 to 2999\n");
	cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
	pa = addr_at(&out, 12);
	pp = port_at(&out, 0);
	cr_assert(in_pool(pa), "left from the pool's addresses");
	cr_assert(pp >= 2000 && pp <= 2999, "port %u in the pool's range", pp);
	cr_assert_eq(pb_verify_csums(&out, &s), 0);
	GET_SESSION(&s, &sess);
	cr_assert(sess.flags & SFW_SESS_F_NAT);
	cr_assert_eq(sess.nat.pool_id, 1);
	cr_assert_eq(sess.nat.rule_id, 1);

	char pool_addr[INET_ADDRSTRLEN];
	struct pb_spec r;

	inet_ntop(AF_INET, &pa, pool_addr, sizeof(pool_addr));
	r = udp(SERVER1, pool_addr, 53, pp);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &r, SERVER1, 53, CLIENT_A, 40000);
	GET_SESSION(&s, &sess);
	cr_assert_eq(sess.wing[SFW_WING_OUT].packets, 1, "the reply is the Out wing's");
}

/* One client's sessions, to several servers and from several ports,
 * all leave from one address of a four-address pool (Junos's
 * address-persistent); their ports differ. */
Test(nat_pool, one_client_keeps_one_address)
{
	struct pb_pkt in, out;
	__u32 first = 0;

	commit_pool("set security nat source pool P address " POOL_LO "/32 to " POOL_HI "/32\n");
	for (__u16 i = 0; i < 16; i++) {
		struct pb_spec s = udp(CLIENT_A, i % 2 ? SERVER1 : SERVER2, (__u16)(41000 + 7 * i),
				       (__u16)(53 + i));

		cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
		cr_assert(in_pool(addr_at(&out, 12)));
		if (!first)
			first = addr_at(&out, 12);
		cr_assert_eq(addr_at(&out, 12), first, "flow %u left from another address", i);
	}
}

/* Sixteen flows from ports inside and outside a range of 100 ports: every
 * translated port is in the range, each one once. */
Test(nat_pool, ports_stay_in_the_pools_range)
{
	struct pb_pkt in, out;
	__u16 seen[16];

	commit_pool("set security nat source pool P address " POOL_LO "/32\n"
		    "set security nat source pool P port range 5000 to 5099\n");
	for (__u16 i = 0; i < 16; i++) {
		struct pb_spec s = udp(CLIENT_A, SERVER1, (__u16)(i % 2 ? 5050 + i : 40000 + i), 53);
		__u16 pp;

		cr_assert_eq(run_at(in_if, &s, &in, &out), FX_XDP_REDIRECT);
		pp = port_at(&out, 0);
		cr_assert_eq(addr_at(&out, 12), a4(POOL_LO));
		cr_assert(pp >= 5000 && pp <= 5099, "client port %u left as %u", s.sport, pp);
		for (__u16 j = 0; j < i; j++)
			cr_assert_neq(seen[j], pp, "port %u given twice", pp);
		seen[i] = pp;
	}
}

/* `port no-translation`: the client's port is kept, whatever it is; a
 * second client from the same port to the same server would need the
 * same address and port: refused under Incoming NAT errors, no session,
 * alias or port left, and the first still answered. */
Test(nat_pool, no_translation_keeps_the_port_and_refuses_a_collision)
{
	struct pb_spec a = udp(CLIENT_A, SERVER1, 40000, 53);
	struct pb_spec b = udp(CLIENT_B, SERVER1, 40000, 53);
	struct pb_spec low = udp(CLIENT_A, SERVER1, 700, 53);
	struct pb_spec r = udp(SERVER1, POOL_LO, 53, 40000);
	struct pb_pkt in, out;

	commit_pool("set security nat source pool P address " POOL_LO "/32\n"
		    "set security nat source pool P port no-translation\n");
	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &a, POOL_LO, 40000, SERVER1, 53);
	cr_assert_eq(run_at(in_if, &low, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &low, POOL_LO, 700, SERVER1, 53);
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(outcomes_at(in_if), 3, "one outcome per packet");
	ASSERT_NO_SESSION(&b);
	cr_assert_eq(fx_session_count(), 4, "two sessions and their aliases");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 2);
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &r, SERVER1, 53, CLIENT_A, 40000);
}

/* One address, two ports: two sessions take both, the third is refused
 * under Incoming NAT errors with nothing left behind. The pool's hits
 * count every first packet a rule sent to it, the refused one too, and
 * no later packet. */
Test(nat_pool, exhausted_pool_refused_and_counted)
{
	struct pb_spec s1 = udp(CLIENT_A, SERVER1, 40001, 53);
	struct pb_spec s2 = udp(CLIENT_A, SERVER1, 40002, 53);
	struct pb_spec s3 = udp(CLIENT_B, SERVER1, 40003, 53);
	struct pb_pkt in, out;
	__u16 p1, p2;

	commit_pool("set security nat source pool P address " POOL_LO "/32\n"
		    "set security nat source pool P port range 3000 to 3001\n");
	cr_assert_eq(run_at(in_if, &s1, &in, &out), FX_XDP_REDIRECT);
	p1 = port_at(&out, 0);
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_REDIRECT);
	p2 = port_at(&out, 0);
	cr_assert(p1 >= 3000 && p1 <= 3001 && p2 >= 3000 && p2 <= 3001 && p1 != p2,
		  "ports %u and %u", p1, p2);
	cr_assert_eq(run_at(in_if, &s1, &in, &out), FX_XDP_REDIRECT, "a later packet");
	cr_assert_eq(run_at(in_if, &s3, &in, &out), FX_XDP_DROP);
	cr_assert_eq(fx_counter_at(in_if, SFW_CNT_ERR_INCOMING_NAT), 1);
	cr_assert_eq(outcomes_at(in_if), 4, "one outcome per packet");
	ASSERT_NO_SESSION(&s3);
	cr_assert_eq(fx_session_count(), 4, "two sessions and their aliases");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 2);
	cr_assert_eq(pool_hits(1), 3, "three first packets, the refused one too");
}

/* A full pool's session ended (cleared by the reaper; an expired one
 * replaced): its port is free again, and the refused client gets it. */
Test(nat_pool, ended_session_gives_its_port_back)
{
	struct pb_spec s1 = udp(CLIENT_A, SERVER1, 40001, 53);
	struct pb_spec s2 = udp(CLIENT_A, SERVER1, 40002, 53);
	struct pb_spec s3 = udp(CLIENT_B, SERVER1, 40003, 53);
	struct pb_spec s4 = udp(CLIENT_B, SERVER1, 40004, 53);
	struct sfw_reap_entry ent = { 0 };
	struct sfw_reaper *reaper = NULL;
	struct pb_pkt in, out;
	__u16 p1;

	commit_pool("set security nat source pool P address " POOL_LO "/32\n"
		    "set security nat source pool P port range 3000 to 3001\n");
	cr_assert_eq(run_at(in_if, &s1, &in, &out), FX_XDP_REDIRECT);
	p1 = port_at(&out, 0);
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &s3, &in, &out), FX_XDP_DROP, "full");

	cr_assert_eq(sfw_reaper_open_fds(&reaper, fx_map_fd_dup, NULL), 0, "%s", sfw_last_error());
	fx_key(&s1, &ent.key);
	cr_assert_eq(sfw_reaper_run(reaper, &ent, 1, SFW_CLOSE_CLEAR, false), 1);
	sfw_reaper_close(reaper);
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 1, "the cleared one's port is free");
	cr_assert_eq(run_at(in_if, &s3, &in, &out), FX_XDP_REDIRECT);
	assert_tuple(&out, &s3, POOL_LO, p1, SERVER1, 53);

	cr_assert_eq(fx_age(&s2, 3600), 0);
	cr_assert_eq(run_at(in_if, &s2, &in, &out), FX_XDP_REDIRECT,
		     "the expired session replaced, its port taken again");
	cr_assert_eq(run_at(in_if, &s4, &in, &out), FX_XDP_DROP, "full again");
	cr_assert_eq(map_count(SFW_STR(SFW_MAP_NAT_PORTS)), 2);
}

/* ICMP echo through a pool: the identifier is allocated from the pool's
 * range as a port is, with the ICMP checksum; the reply to the pool's
 * address and that identifier reaches the client with its own back. */
Test(nat_pool, icmp_echo_identifier_from_the_pools_range)
{
	struct pb_spec e = { .src = CLIENT_A, .dst = SERVER1, .proto = SFW_IPPROTO_ICMP,
			     .icmp_type = SFW_ICMP_ECHO, .icmp_id = 5000, .icmp_seq = 1,
			     .payload = 16 };
	struct pb_spec r = e;
	struct pb_pkt in, out;
	__u16 id;

	commit_pool("set security nat source pool P address " POOL_LO "/32\n"
		    "set security nat source pool P port range 6000 to 6009\n");
	cr_assert_eq(run_at(in_if, &e, &in, &out), FX_XDP_REDIRECT);
	id = port_at(&out, 4);
	cr_assert_eq(addr_at(&out, 12), a4(POOL_LO));
	cr_assert(id >= 6000 && id <= 6009, "identifier %u", id);
	cr_assert_eq(pb_verify_csums(&out, &e), 0, "IPv4 and ICMP checksums");
	r.src = SERVER1;
	r.dst = POOL_LO;
	r.icmp_type = SFW_ICMP_ECHOREPLY;
	r.icmp_id = id;
	cr_assert_eq(run_at(out_if, &r, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 16), a4(CLIENT_A));
	cr_assert_eq(port_at(&out, 4), 5000, "the client's identifier back");
	cr_assert_eq(pb_verify_csums(&out, &r), 0);
}

/* The id the commits gave pool p (kept by name: loader/nat_rule_ids.c). */
static __u32 pool_id_of(const char *p)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAMES));

	for (__u32 id = 1; id <= SFW_NAT_MAX_POOLS; id++) {
		struct sfw_name_key k = { SFW_NAME_NAT_POOL, id };
		struct sfw_name v;

		if (!bpf_map_lookup_elem(fd, &k, &v) && !strcmp(v.name, p))
			return id;
	}
	cr_assert_fail("no id for pool %s", p);
	return 0;
}

static void pool_name_of(__u32 id, char *buf)
{
	int fd = fx_map_fd(false, SFW_STR(SFW_MAP_NAMES));
	struct sfw_name_key k = { SFW_NAME_NAT_POOL, id };
	struct sfw_name v = { "" };

	bpf_map_lookup_elem(fd, &k, &v);
	memcpy(buf, v.name, SFW_NAME_LEN);
}

/* P0 (client B's, by R0) and P1 (client A's, by R1) */
#define P0_LINES                                                                    \
	"set security nat source pool P0 address " POOL_LO "/32\n"                 \
	"set security nat source rule-set RS rule R0 match source-address " CLIENT_B "/32\n" \
	"set security nat source rule-set RS rule R0 then source-nat pool P0\n"
#define P1_LINES                                                                    \
	"set security nat source pool P1 address " POOL_HI "/32\n"                 \
	"set security nat source rule-set RS rule R1 match source-address " CLIENT_A "/32\n" \
	"set security nat source rule-set RS rule R1 then source-nat pool P1\n"

/* Deleting the first pool leaves the second its id: its Translation hits
 * stay its own (not the deleted pool's) and its new sessions count on it;
 * writing the first pool back before it then leaves the session P1 made
 * naming P1 (Source NAT pool: P1). Numbered in configuration order, P1
 * took P0's id 1 with P0's 2 hits, and P0 back took id 1 from P1's
 * session. */
Test(nat_pool, deleting_a_pool_keeps_the_others_id_hits_and_sessions_names)
{
	struct pb_spec b1 = udp(CLIENT_B, SERVER1, 40800, 53);
	struct pb_spec b2 = udp(CLIENT_B, SERVER1, 40801, 53);
	struct pb_spec a = udp(CLIENT_A, SERVER1, 40802, 53);
	struct pb_spec a2 = udp(CLIENT_A, SERVER1, 40803, 53);
	char name[SFW_NAME_LEN];
	struct sfw_session sess;
	struct pb_pkt in, out;
	__u32 p1;

	commit(NAT_HEAD_TEXT P0_LINES P1_LINES);
	cr_assert_eq(run_at(in_if, &b1, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &b2, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(POOL_HI));
	p1 = pool_id_of("P1");
	cr_assert_eq(pool_hits(pool_id_of("P0")), 2);
	cr_assert_eq(pool_hits(p1), 1);
	commit(NAT_HEAD_TEXT P1_LINES);   /* P0 (and its rule) deleted */
	cr_expect_eq(pool_id_of("P1"), p1, "P1 keeps its id");
	cr_expect_eq(pool_hits(pool_id_of("P1")), 1, "P1 shows %llu Translation hits; it had "
		     "1, P0 (deleted) had 2", (unsigned long long)pool_hits(pool_id_of("P1")));
	cr_assert_eq(run_at(in_if, &a2, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(POOL_HI), "P1 still translates");
	cr_expect_eq(pool_hits(pool_id_of("P1")), 2);
	commit(NAT_HEAD_TEXT P0_LINES P1_LINES);   /* P0 written back, before P1 */
	GET_SESSION(&a2, &sess);
	pool_name_of(sess.nat.pool_id, name);
	cr_expect_str_eq(name, "P1", "P1's session names pool '%s'", name);
	cr_expect_eq(pool_hits(pool_id_of("P1")), 2);
}

/* With every source pool id but P1's named and in the generation in
 * force, a commit adding a pool is refused with the one line, leaving the
 * generation, P1's id, its counters and its translation as they were. */
Test(nat_pool, exhausted_ids_refuse_the_commit_untouched)
{
	int names = fx_map_fd(false, SFW_STR(SFW_MAP_NAMES));
	int pools = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_POOLS));
	struct pb_spec a = udp(CLIENT_A, SERVER1, 40810, 53);
	struct pb_spec b = udp(CLIENT_A, SERVER1, 40811, 53);
	struct sfw_policy_fds f = fds();
	struct sfw_config before, after;
	struct pb_pkt in, out;

	commit(NAT_HEAD_TEXT P1_LINES);
	cr_assert_eq(pool_id_of("P1"), 1);
	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_config(&before), 0);
	for (__u32 id = 2; id <= SFW_NAT_MAX_POOLS; id++) {
		struct sfw_nat_pool_key k = { .kind = SFW_NAT_POOL_SOURCE,
					      .gen = (__u8)(before.gen & 1), .id = (__u16)id };
		struct sfw_nat_pool v = { .family = SFW_FAMILY_INET };
		struct sfw_name_key nk = { SFW_NAME_NAT_POOL, id };
		struct sfw_name nv = { 0 };

		snprintf(nv.name, sizeof(nv.name), "old%u", id);
		cr_assert_eq(bpf_map_update_elem(names, &nk, &nv, BPF_ANY), 0);
		cr_assert_eq(bpf_map_update_elem(pools, &k, &v, BPF_ANY), 0, "pool %u", id);
	}
	cr_assert_eq(commit_into(NAT_HEAD_TEXT P1_LINES P0_LINES, &f), -E2BIG);
	cr_assert_str_eq(sfw_last_error(), "no source NAT pool id is left for pool P0: each of "
			 "the 4096 is a pool's in force or in this commit, or named by sessions "
			 "in the table");
	cr_assert_eq(fx_config(&after), 0);
	cr_assert_eq(after.gen, before.gen, "no flip");
	cr_assert_eq(pool_id_of("P1"), 1);
	cr_assert_eq(pool_hits(1), 1);
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(POOL_HI), "P1 still translates");
	cr_assert_eq(pool_hits(1), 2);
}

/* Once every pool id was given, a new pool takes a gone pool's id that
 * nothing shows (not in force, no session names it), and starts from
 * zero Translation hits, not the gone pool's: its counters are zeroed
 * before the flip. */
Test(nat_pool, reused_id_starts_from_zero_hits)
{
	int names = fx_map_fd(false, SFW_STR(SFW_MAP_NAMES));
	int stats = fx_map_fd(false, SFW_STR(SFW_MAP_NAT_POOL_STATS));
	int ncpu = libbpf_num_possible_cpus();
	struct sfw_nat_pool_stats *old = calloc(ncpu, sizeof(*old));
	struct pb_spec b = udp(CLIENT_B, SERVER1, 40820, 53);
	struct pb_pkt in, out;
	__u32 two = 2;

	cr_assert(ncpu > 0 && old);
	commit(NAT_HEAD_TEXT P1_LINES);
	cr_assert_eq(pool_id_of("P1"), 1);
	for (__u32 id = 2; id <= SFW_NAT_MAX_POOLS; id++) {
		struct sfw_name_key nk = { SFW_NAME_NAT_POOL, id };
		struct sfw_name nv = { 0 };

		snprintf(nv.name, sizeof(nv.name), "old%u", id);
		cr_assert_eq(bpf_map_update_elem(names, &nk, &nv, BPF_ANY), 0);
	}
	old[0].n[SFW_NAT_PC_HITS] = 5;   /* gone pool old2's */
	cr_assert_eq(bpf_map_update_elem(stats, &two, old, BPF_ANY), 0);
	commit(NAT_HEAD_TEXT P1_LINES P0_LINES);
	cr_assert_eq(pool_id_of("P0"), 2, "the lowest id nothing shows");
	cr_assert_eq(pool_hits(2), 0, "P0 starts with old2's %llu hits",
		     (unsigned long long)pool_hits(2));
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(POOL_LO));
	cr_assert_eq(pool_hits(2), 1);
	free(old);
}

/* The fixture unpins its maps once loaded; the CLI's readers and clears
 * open theirs by pin: these (clear security nat statistics clears the
 * destination and static counters too) are pinned under a root of this test's own
 * (SFW_PIN_ROOT, this process only), removed at exit. */
static const char *const cli_maps[] = { SFW_STR(SFW_MAP_NAT_RULE_STATS),
					SFW_STR(SFW_MAP_NAT_POOL_STATS), SFW_STR(SFW_MAP_NAMES),
					SFW_STR(SFW_MAP_NAT_DRULE_STATS),
					SFW_STR(SFW_MAP_NAT_DPOOL_STATS),
					SFW_STR(SFW_MAP_NAT_SRULE_STATS) };
static char cli_root[64];

static void unpin_for_cli(void)
{
	char path[128];

	for (size_t k = 0; k < sizeof(cli_maps) / sizeof(cli_maps[0]); k++) {
		snprintf(path, sizeof(path), "%s/%s", cli_root, cli_maps[k]);
		unlink(path);
	}
	rmdir(cli_root);
}

static void pin_for_cli(void)
{
	char path[128];

	snprintf(cli_root, sizeof(cli_root), "/sys/fs/bpf/sfw-test-cli-%d", (int)getpid());
	cr_assert(!mkdir(cli_root, 0700) || errno == EEXIST);
	atexit(unpin_for_cli);
	for (size_t k = 0; k < sizeof(cli_maps) / sizeof(cli_maps[0]); k++) {
		snprintf(path, sizeof(path), "%s/%s", cli_root, cli_maps[k]);
		cr_assert_eq(bpf_obj_pin(fx_map_fd(false, cli_maps[k]), path), 0, "pin %s", path);
	}
	setenv("SFW_PIN_ROOT", cli_root, 1);
}

/* Rule-set RS's rule's Translation hits and Successful sessions, by the
 * id the commits kept for it, as the rule show reads them. */
static struct sfw_nat_rule_stats rule_stats_of(const char *rule)
{
	struct sfw_nat_rule_stats st;
	struct sfw_nat_ids *t;
	__u32 id;

	cr_assert_eq(sfw_nat_ids_pinned(&t), 0);
	id = sfw_nat_ids_find(t, "RS", rule);
	free(t);
	cr_assert(id, "no id for rule %s", rule);
	cr_assert_eq(sfw_nat_rule_stats_read(false, &id, 1, &st), 0);
	return st;
}

#define ASSERT_COUNTS(rule, pool, hits) do {                                               \
	struct sfw_nat_rule_stats st_ = rule_stats_of(rule);                                \
	cr_assert_eq(st_.n[SFW_NAT_RC_HITS], (hits), "%s: Translation hits", rule);          \
	cr_assert_eq(st_.n[SFW_NAT_RC_SUCCESS], (hits), "%s: Successful sessions", rule);    \
	cr_assert_eq(pool_hits(pool_id_of(pool)), (hits), "%s: Translation hits", pool);     \
} while (0)

/* clear security nat statistics (sfw_nat_stats_clear): every rule's hits
 * and successes and every pool's hits go to zero; the sessions stay (Number
 * of sessions is counted from them at show time), still translated and
 * naming their rules and pools; a new flow counts from zero. */
Test(nat_pool, clear_statistics_zeroes_rules_and_pools_not_sessions)
{
	struct pb_spec b = udp(CLIENT_B, SERVER1, 40830, 53);
	struct pb_spec a = udp(CLIENT_A, SERVER1, 40831, 53);
	struct pb_spec a2 = udp(CLIENT_A, SERVER1, 40832, 53);
	struct sfw_session sess;
	struct pb_pkt in, out;

	commit(NAT_HEAD_TEXT P0_LINES P1_LINES);
	pin_for_cli();
	cr_assert_eq(run_at(in_if, &b, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	ASSERT_COUNTS("R0", "P0", 1);
	ASSERT_COUNTS("R1", "P1", 1);
	cr_assert_eq(sfw_nat_stats_clear(), 0, "%s", sfw_last_error());
	ASSERT_COUNTS("R0", "P0", 0);
	ASSERT_COUNTS("R1", "P1", 0);
	GET_SESSION(&b, &sess);
	cr_assert(sess.flags & SFW_SESS_F_NAT);
	cr_assert_eq(sess.nat.pool_id, pool_id_of("P0"), "the session still names its pool");
	GET_SESSION(&a, &sess);
	cr_assert(sess.nat.rule_id, "the session still names its rule");
	cr_assert_eq(run_at(in_if, &a, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(addr_at(&out, 12), a4(POOL_HI), "the session still translates");
	ASSERT_COUNTS("R1", "P1", 0);
	cr_assert_eq(run_at(in_if, &a2, &in, &out), FX_XDP_REDIRECT);
	ASSERT_COUNTS("R1", "P1", 1);
	ASSERT_COUNTS("R0", "P0", 0);
}
