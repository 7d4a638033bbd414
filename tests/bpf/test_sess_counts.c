/* The session counters (include/sess_stats.h): after every way a session
 * is made, changes TCP state or ends (the reaper's clear and sweep, the
 * datapath replacing an expired or finished session, a restart, a claim
 * lost to another party), the counters equal what a walk of the table
 * finds, the created and closed totals add up, and an unfiltered summary
 * read from them prints what the walk prints. */
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tcp_conn.h"
#include "maps.h"
#include "commands.h"
#include "flow.h"
#include "reap.h"
#include "report.h"
#include "sess_counts.h"
#include "clock.h"

TestSuite(sess_counts, .init = suite_setup, .fini = suite_teardown);

static int sessions_fd(void)
{
	return fx_map_fd(false, SFW_STR(SFW_MAP_SESSIONS));
}

static struct sfw_sess_totals counters(void)
{
	struct sfw_sess_totals t;

	cr_assert_eq(sfw_sess_totals_read(fx_map_fd(false, SFW_STR(SFW_MAP_SESS_STATS)), &t), 0);
	return t;
}

static bool multicast_key(const struct sfw_session_key *k, const struct sfw_session *s)
{
	const union sfw_addr *d = s->flags & SFW_SESS_F_OPENER_LO ? &k->addr_hi : &k->addr_lo;

	return k->family == SFW_FAMILY_INET6 ? d->bytes[0] == 0xff : (d->bytes[0] & 0xf0) == 0xe0;
}

/* What the counters should say, from a walk of the table. */
static struct sfw_sess_totals walk(void)
{
	struct sfw_sess_totals t = { 0 };
	struct sfw_session_key k, next;
	struct sfw_session s;
	int fd = sessions_fd();
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		k = next;
		first = false;
		if (bpf_map_lookup_elem(fd, &k, &s))
			continue;
		t.active[SFW_SESS_FAM(k.family)][k.proto]++;
		t.total++;
		if (k.proto == SFW_IPPROTO_TCP)
			t.tcp[s.tcp_state]++;
		t.invalidated += s.state == SFW_SESS_INVALIDATED;
		t.multicast += multicast_key(&k, &s);
	}
	return t;
}

static void assert_counts_match_table(const char *when)
{
	struct sfw_sess_totals c = counters(), w = walk();

	cr_assert_eq(c.total, w.total, "%s: %llu counted, %llu in the table", when,
		     (unsigned long long)c.total, (unsigned long long)w.total);
	cr_assert_eq(memcmp(c.active, w.active, sizeof(c.active)), 0, "%s: by protocol", when);
	for (int i = 0; i < SFW_TCP_STATE_COUNT; i++)
		cr_assert_eq(c.tcp[i], w.tcp[i], "%s: TCP state %d: %llu counted, %llu in the table",
			     when, i, (unsigned long long)c.tcp[i], (unsigned long long)w.tcp[i]);
	cr_assert_eq(c.invalidated, w.invalidated, "%s: Invalidated", when);
	cr_assert_eq(c.multicast, w.multicast, "%s: multicast", when);
}

/* Every session counted was created here: what is left is the difference. */
static void assert_created_less_closed_is_left(void)
{
	struct sfw_sess_totals c = counters();
	__u64 closed = 0;

	for (int i = 0; i < SFW_CLOSE_COUNT; i++)
		closed += c.closed[i];
	cr_assert_eq(c.created - closed, c.total, "created %llu, closed %llu, left %llu",
		     (unsigned long long)c.created, (unsigned long long)closed,
		     (unsigned long long)c.total);
}

static struct sfw_reaper *reaper(void)
{
	struct sfw_reaper *r = NULL;

	cr_assert_eq(sfw_reaper_open_fds(&r, fx_map_fd_dup, NULL), 0, "reaper: %s",
		     sfw_last_error());
	return r;
}

/* Removes one session as `clear` (or the sweeper: expired_only) would. */
static int reap(struct sfw_reaper *r, const struct pb_spec *s, enum sfw_close_reason why,
		bool expired_only)
{
	struct sfw_reap_entry ent = { 0 };

	fx_key(s, &ent.key);
	return sfw_reaper_run(r, &ent, 1, why, expired_only);
}

static struct pb_spec udp(const char *src, const char *dst, __u16 sport)
{
	return (struct pb_spec){ .src = src, .dst = dst, .proto = SFW_IPPROTO_UDP,
				 .sport = sport, .dport = 53 };
}

static struct pb_spec ping(const char *src, const char *dst, bool v6)
{
	return (struct pb_spec){ .src = src, .dst = dst,
				 .proto = v6 ? SFW_IPPROTO_ICMP6 : SFW_IPPROTO_ICMP,
				 .icmp_type = v6 ? SFW_ICMPV6_ECHO_REQUEST : SFW_ICMP_ECHO,
				 .icmp_id = 7, .icmp_seq = 1, .payload = 56 };
}

Test(sess_counts, made_and_changed_sessions_are_counted_as_the_table_holds_them)
{
	struct pb_spec u4 = udp(CLI4, SRV4, 5000), u6 = udp(CLI6, SRV6, 5000);
	struct pb_spec m4 = udp(CLI4, "239.1.1.1", 5000), p4 = ping(CLI4, SRV4, false);
	struct pb_spec p6 = ping(CLI6, SRV6, true);
	struct conn a, b, c;
	struct sfw_sess_totals t;

	assert_counts_match_table("empty");
	cr_assert_eq(fx_xdp(&u4), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&u6), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&m4), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&p4), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&p6), FX_XDP_PASS);
	assert_counts_match_table("UDP, multicast and ICMP");
	conn_init(&a, CLI4, SRV4);
	cr_assert_eq(cli(&a, SYN, 0), FX_XDP_PASS);
	assert_counts_match_table("SYN_SENT");
	cr_assert_eq(srv(&a, SYN | ACK, 0), FX_XDP_PASS);
	assert_counts_match_table("SYN_RECV");
	cr_assert_eq(cli(&a, ACK, 0), FX_XDP_PASS);
	assert_counts_match_table("ESTABLISHED");
	conn_init(&b, CLI6, SRV6);
	conn_handshake(&b, FX_XDP_PASS);
	cr_assert_eq(cli(&b, FIN | ACK, 0), FX_XDP_PASS);
	assert_counts_match_table("FIN_WAIT");
	cr_assert_eq(srv(&b, ACK, 0), FX_XDP_PASS);
	assert_counts_match_table("CLOSE_WAIT");
	cr_assert_eq(srv(&b, FIN | ACK, 0), FX_XDP_PASS);
	assert_counts_match_table("TIME_WAIT");
	conn_init(&c, CLI4, OTH4);
	conn_handshake(&c, FX_XDP_PASS);
	cr_assert_eq(srv(&c, RST, 0), FX_XDP_PASS);
	assert_counts_match_table("CLOSED by a RST");
	t = counters();
	cr_assert_eq(t.total, 8);
	cr_assert_eq(t.created, 8);
	cr_assert_eq(t.invalidated, 1, "the RST's session is Invalidated");
	cr_assert_eq(t.multicast, 1);
	cr_assert_eq(t.tcp[SFW_TCP_ESTABLISHED], 1);
	cr_assert_eq(t.tcp[SFW_TCP_TIME_WAIT], 1);
	cr_assert_eq(t.tcp[SFW_TCP_CLOSED], 1);
	cr_assert_eq(t.active[1][SFW_IPPROTO_ICMP6], 1);
	cr_assert_eq(t.active[0][SFW_IPPROTO_UDP], 2);
	assert_created_less_closed_is_left();
}

/* Every party that ends a session takes it back once, and counts why. */
Test(sess_counts, every_end_is_counted_once_under_its_reason)
{
	struct sfw_reaper *r = reaper();
	struct pb_spec u1 = udp(CLI4, SRV4, 5001), u2 = udp(CLI4, SRV4, 5002);
	struct pb_spec u3 = udp(CLI4, SRV4, 5003);
	struct sfw_sess_totals t;
	struct conn a, b;

	cr_assert_eq(fx_xdp(&u1), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&u2), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&u3), FX_XDP_PASS);
	cr_assert_eq(reap(r, &u1, SFW_CLOSE_CLEAR, false), 1, "clear");
	assert_counts_match_table("cleared");
	cr_assert_eq(reap(r, &u1, SFW_CLOSE_CLEAR, false), 0, "already gone");
	cr_assert_eq(fx_age(&u2, 61), 0);
	cr_assert_eq(reap(r, &u2, SFW_CLOSE_NONE, true), 1, "swept");
	assert_counts_match_table("swept");
	cr_assert_eq(fx_age(&u3, 61), 0);
	cr_assert_eq(fx_xdp(&u3), FX_XDP_PASS, "a new session in the expired one's place");
	assert_counts_match_table("replaced by the datapath");
	cr_assert_eq(reap(r, &u3, SFW_CLOSE_NONE, true), 0, "the new one is not expired");
	/* a finished connection restarted by a new SYN: FIN */
	conn_init(&a, CLI4, SRV4);
	conn_handshake(&a, FX_XDP_PASS);
	cr_assert_eq(cli(&a, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(srv(&a, FIN | ACK, 0), FX_XDP_PASS);
	cr_assert_eq(cli(&a, ACK, 0), FX_XDP_PASS);
	a.c_next += 100000;
	cr_assert_eq(cli(&a, SYN, 0), FX_XDP_PASS, "a new connection on the same ports");
	assert_counts_match_table("restarted");
	/* a RST, then the policy's clear (commit reevaluate) */
	conn_init(&b, CLI6, SRV6);
	conn_handshake(&b, FX_XDP_PASS);
	cr_assert_eq(srv(&b, RST, 0), FX_XDP_PASS);
	cr_assert_eq(fx_age(&b.c, 3), 0);
	cr_assert_eq(reap(r, &b.c, SFW_CLOSE_NONE, true), 1, "swept after tcp-rst-timeout");
	assert_counts_match_table("reset and swept");
	cr_assert_eq(reap(r, &a.c, SFW_CLOSE_POLICY, false), 1);
	assert_counts_match_table("reevaluated");
	t = counters();
	cr_assert_eq(t.closed[SFW_CLOSE_CLEAR], 1);
	cr_assert_eq(t.closed[SFW_CLOSE_IDLE], 2, "the swept and the replaced UDP sessions");
	cr_assert_eq(t.closed[SFW_CLOSE_TCP_FIN], 1);
	cr_assert_eq(t.closed[SFW_CLOSE_TCP_RST], 1);
	cr_assert_eq(t.closed[SFW_CLOSE_POLICY], 1);
	cr_assert_eq(t.created, 7);
	cr_assert_eq(t.total, 1);
	assert_created_less_closed_is_left();
	sfw_reaper_close(r);
}

/* A session whose end another party claimed is that party's to take
 * back: a reaper or the datapath that finds it claimed counts nothing, and
 * a TCP state change after the claim moves nothing. */
Test(sess_counts, a_claimed_session_is_taken_back_by_its_claimant_only)
{
	struct sfw_reaper *r = reaper();
	struct pb_spec u = udp(CLI4, SRV4, 5000);
	struct sfw_session_key k;
	struct sfw_session s;
	struct sfw_sess_totals before, after;
	struct conn a;
	int fd = sessions_fd();

	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	conn_init(&a, CLI4, OTH4);
	conn_handshake(&a, FX_XDP_PASS);
	/* both claimed, as by a reaper in the middle of removing them */
	fx_key(&u, &k);
	cr_assert_eq(bpf_map_lookup_elem(fd, &k, &s), 0);
	s.tally |= SFW_TALLY_ENDED;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &s, BPF_EXIST), 0);
	fx_key(&a.c, &k);
	cr_assert_eq(bpf_map_lookup_elem(fd, &k, &s), 0);
	s.tally |= SFW_TALLY_ENDED;
	cr_assert_eq(bpf_map_update_elem(fd, &k, &s, BPF_EXIST), 0);
	before = counters();
	cr_assert_eq(reap(r, &u, SFW_CLOSE_CLEAR, false), 0, "claimed: left alone");
	cr_assert_eq(fx_age(&u, 61), 0);
	cr_assert_eq(fx_xdp(&u), FX_XDP_DROP, "not replaced while claimed");
	cr_assert_eq(cli(&a, FIN | ACK, 0), FX_XDP_PASS);
	after = counters();
	cr_assert_eq(memcmp(&before, &after, sizeof(before)), 0, "nothing moved");
	cr_assert_eq(after.tcp[SFW_TCP_ESTABLISHED], 1, "counted where the claim found it");
	sfw_reaper_close(r);
}

/* The unfiltered summary read from the counters prints what the walk
 * prints, text and JSON. */
static char *summary(const struct sfw_sess_totals *t, bool json)
{
	struct sfw_filter none = { 0 };
	struct sfw_flow_ctx ctx;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	sfw_flow_ctx_init(&ctx, sessions_fd(), f, json);
	ctx.now_ns = sfw_mono_ns();   /* the expired session shows as expired */
	ctx.max_sessions = 1000;
	ctx.totals = t;
	cr_assert_eq(sfw_flow_show(&ctx, &none, SFW_VIEW_SUMMARY), 0);
	fclose(f);
	return buf;
}

Test(sess_counts, the_summary_from_the_counters_is_the_walks)
{
	struct pb_spec m6 = udp(CLI6, "ff05::1:3", 547), u = udp(CLI4, SRV4, 5000);
	struct sfw_sess_totals t;
	struct conn a;

	cr_assert_eq(fx_xdp(&m6), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&u), FX_XDP_PASS);
	cr_assert_eq(fx_age(&u, 61), 0);   /* expired, not yet swept: counted */
	conn_init(&a, CLI4, SRV4);
	conn_handshake(&a, FX_XDP_PASS);
	cr_assert_eq(srv(&a, RST, 0), FX_XDP_PASS);
	t = counters();
	for (int json = 0; json < 2; json++) {
		char *fast = summary(&t, json), *slow = summary(NULL, json);

		cr_assert_str_eq(fast, slow);
		free(fast);
		free(slow);
	}
	cr_assert_eq(t.total, 3);
	cr_assert_eq(t.multicast, 1);
	cr_assert_eq(t.invalidated, 1);
}

/* Sessions made before the table had counters (an upgrade) carry no
 * counted bit: the adoption pass counts each of them once, however often
 * it runs, and leaves counted ones alone. */
Test(sess_counts, sessions_made_before_the_counters_are_counted_once)
{
	struct sfw_reaper *r = reaper();
	struct pb_spec u1 = udp(CLI4, SRV4, 5001), u2 = udp(CLI6, SRV6, 5002);
	struct sfw_reap_entry ents[3] = { 0 };
	struct sfw_session_key k;
	struct sfw_session s;
	struct sfw_sess_stats *zero;
	struct conn a;
	int fd = sessions_fd(), ncpu = libbpf_num_possible_cpus();
	__u32 key = 0;

	cr_assert_eq(fx_xdp(&u1), FX_XDP_PASS);
	cr_assert_eq(fx_xdp(&u2), FX_XDP_PASS);
	conn_init(&a, CLI4, OTH4);
	conn_handshake(&a, FX_XDP_PASS);
	/* as an older version left them: no counted bits, no counters */
	fx_key(&u1, &ents[0].key);
	fx_key(&u2, &ents[1].key);
	fx_key(&a.c, &ents[2].key);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(bpf_map_lookup_elem(fd, &ents[i].key, &s), 0);
		s.tally &= ~(SFW_TALLY_COUNTED | SFW_TALLY_MCAST | SFW_TALLY_INVAL |
			     SFW_TALLY_TCP_MASK);
		cr_assert_eq(bpf_map_update_elem(fd, &ents[i].key, &s, BPF_EXIST), 0);
	}
	zero = calloc((size_t)ncpu, sizeof(*zero));
	cr_assert_eq(bpf_map_update_elem(fx_map_fd(false, SFW_STR(SFW_MAP_SESS_STATS)), &key,
					 zero, BPF_ANY), 0);
	free(zero);
	cr_assert_eq(counters().total, 0);
	cr_assert_eq(cli(&a, FIN | ACK, 0), FX_XDP_PASS, "an uncounted session's change moves nothing");
	cr_assert_eq(counters().total, 0);
	cr_assert_eq(sfw_reaper_adopt(r, ents, 3), 3);
	assert_counts_match_table("adopted");
	cr_assert_eq(sfw_reaper_adopt(r, ents, 3), 0, "counted once");
	cr_assert_eq(counters().total, 3);
	cr_assert_eq(counters().created, 0, "counted, not created");
	fx_key(&u1, &k);
	cr_assert_eq(reap(r, &u1, SFW_CLOSE_CLEAR, false), 1);
	cr_assert_eq(counters().total, 2, "an adopted session is taken back when it ends");
	sfw_reaper_close(r);
}
