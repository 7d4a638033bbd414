/* Conservation: every packet either program sees ends in exactly one
 * outcome counter (permitted, passed untracked, or one drop reason), and
 * the verdict agrees with it. Thousands of mixed packets, from a seeded
 * generator: new flows and their replies over TCP, UDP, ICMP, ESP, GRE and
 * SCTP, both families; non-IP frames; datagrams cut into fragments (some
 * into tiny ones) and later fragments without their first; neighbour
 * discovery and MLD, real and forged; malformed, fuzzed and garbage frames;
 * source-routed packets; first packets without SYN; stray echo replies;
 * ICMP errors about live and unknown flows, to the right host and to
 * others; under permit-all,
 * deny-all, zones without bindings, no-syn-check, and a zone whose screen
 * limits sessions per source and destination; through XDP, and
 * through tc as the host's own, as forwarded from an attached interface
 * (counted as Transit output packets instead, docs/design.md "Counters"),
 * from an unwatched one, and as GSO packets (counted per segment). After
 * each packet the counters are read back, so a miss names the packet. */
#include <stdlib.h>
#include "commit.h"
#include "iface_stats.h"
#include "maps.h"
#include "outcome.h"

TestSuite(conservation, .init = suite_setup, .fini = suite_teardown);

#define FWD_IFINDEX 5        /* marked attached: tc only counts its packets */
#define UNWATCHED_IFINDEX 7  /* not attached: tc decides its packets */
#define POOL 64              /* live flows the generator replies on */
#define N_ADDR 8
#define GSO_SEGS 3
#define FRAG_Q 16            /* fragments of one datagram, sent in a row */

static __u64 rng_state;

static __u32 rnd(__u32 n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (__u32)(rng_state >> 33) % n;
}

static char v4[2][N_ADDR][20], v6[2][N_ADDR][40];

/* Documentation prefixes only: clients and servers per family. */
static void addrs_init(void)
{
	for (int i = 0; i < N_ADDR; i++) {
		snprintf(v4[0][i], sizeof(v4[0][i]), "198.51.100.%d", 10 + i);
		snprintf(v4[1][i], sizeof(v4[1][i]), "203.0.113.%d", 20 + i);
		snprintf(v6[0][i], sizeof(v6[0][i]), "2001:db8::%x", 0x10 + i);
		snprintf(v6[1][i], sizeof(v6[1][i]), "2001:db8:1::%x", 0x20 + i);
	}
}

/* ---- packets ------------------------------------------------------------ */

struct tcase {
	const char *what;
	bool tc;
	struct fx_tc_opts o;
	struct pb_pkt p;
	__u32 units;          /* outcome increments expected: GSO segments, or 1 */
};

static struct pb_spec pool[POOL];
static int pool_n;

static const __u8 protos[] = { SFW_IPPROTO_TCP, SFW_IPPROTO_UDP, SFW_IPPROTO_ICMP,
			       SFW_IPPROTO_ESP, SFW_IPPROTO_GRE, SFW_IPPROTO_SCTP };

static struct pb_spec new_flow(void)
{
	bool v6f = rnd(3) == 0;
	struct pb_spec s = {
		.src = v6f ? v6[0][rnd(N_ADDR)] : v4[0][rnd(N_ADDR)],
		.dst = v6f ? v6[1][rnd(N_ADDR)] : v4[1][rnd(N_ADDR)],
		.proto = protos[rnd(sizeof(protos))],
		.sport = (__u16)(1024 + rnd(60000)), .dport = (__u16)(1 + rnd(1024)),
		.payload = (__u16)rnd(200), .seq = rnd(~0u), .nvlan = (__u8)rnd(2),
	};

	if (s.proto == SFW_IPPROTO_ICMP) {
		s.proto = v6f ? SFW_IPPROTO_ICMP6 : SFW_IPPROTO_ICMP;
		s.icmp_type = v6f ? SFW_ICMPV6_ECHO_REQUEST : SFW_ICMP_ECHO;
		s.icmp_id = (__u16)rnd(65536);
	}
	if (s.proto == SFW_IPPROTO_TCP)
		s.tcp_flags = SFW_TCP_SYN;
	return s;
}

/* A packet of a live flow in either direction, TCP with plausible flags. */
static struct pb_spec flow_packet(void)
{
	static const __u8 tcp_flags[] = { SFW_TCP_ACK, SFW_TCP_ACK | SFW_TCP_PSH,
					  SFW_TCP_SYN | SFW_TCP_ACK, SFW_TCP_FIN | SFW_TCP_ACK,
					  SFW_TCP_RST, SFW_TCP_SYN };
	struct pb_spec s = pool[rnd(pool_n)];

	if (rnd(2))
		s = pb_reverse(&s);
	if (s.proto == SFW_IPPROTO_TCP) {
		s.tcp_flags = tcp_flags[rnd(sizeof(tcp_flags))];
		s.seq += rnd(100000);
		s.ack = rnd(~0u);
	}
	s.payload = (__u16)rnd(300);
	return s;
}

/* An ICMP error quoting a live flow (related) or an invented one, to the
 * quoted packet's sender or, now and then, to a third host. */
static struct pb_spec icmp_error(struct pb_spec *inner)
{
	*inner = rnd(2) && pool_n ? pool[rnd(pool_n)] : new_flow();
	struct pb_spec s = pb_reverse(inner);
	bool v6f = pb_is_v6(inner);

	if (rnd(4) == 0)
		s.dst = v6f ? v6[0][N_ADDR - 1] : v4[0][N_ADDR - 1];
	s.proto = v6f ? SFW_IPPROTO_ICMP6 : SFW_IPPROTO_ICMP;
	s.icmp_type = v6f ? SFW_ICMPV6_DEST_UNREACH : SFW_ICMP_DEST_UNREACH;
	s.icmp_code = (__u8)rnd(4);
	s.inner = inner;
	s.payload = 0;
	return s;
}

/* Breaks a valid spec in one of the ways the parser must catch. */
static struct pb_spec malformed(const char **what)
{
	struct pb_spec s = new_flow();

	switch (rnd(3)) {
	case 0:
		s.nvlan = 3;              /* deeper than sfw parses */
		*what = "malformed: 3 VLAN tags";
		break;
	case 1:
		s.src = v6[0][0];
		s.dst = v6[1][0];
		s.n_ext = 8;              /* more extension headers than sfw walks */
		for (int i = 0; i < 8; i++)
			s.ext[i] = SFW_IPPROTO_DSTOPTS;
		if (s.proto == SFW_IPPROTO_ICMP)
			s.proto = SFW_IPPROTO_UDP;
		*what = "malformed: 8 extension headers";
		break;
	default:
		*what = "malformed: truncated";
		break;
	}
	return s;
}

/* A packet naming hops still to visit: an LSRR option, or an SRH with a
 * segment left. It draws from the generator what malformed() draws, so
 * that the rest of the mix is the same packets as without it. */
static struct pb_spec source_routed(const char **what)
{
	struct pb_spec s = new_flow();

	(void)rnd(3);
	if (pb_is_v6(&s)) {
		s.n_ext = 1;
		s.ext[0] = SFW_IPPROTO_ROUTING;
		s.segments_left = 1;
	} else {
		s.ip_opts = 8;
		s.ip_opt_first = SFW_IPOPT_LSRR;
	}
	*what = "source-routed";
	return s;
}


/* Neighbour discovery or MLD, the real thing or a forgery (hop limit,
 * source): untracked, or ordinary ICMPv6 under the phase's policy. */
static struct pb_spec link_msg(const char **what)
{
	static const __u8 types[] = { 130, 131, 132, 133, 134, 135, 136, 137, 143 };
	static const __u8 hops[] = { 1, 64, 255 };
	static const char *const srcs[] = { "fe80::10", "::", "2001:db8::10" };
	static const char *const dsts[] = { "ff02::1", "ff02::1:ff00:20", "fe80::1",
					    "2001:db8:1::20" };

	*what = "ND or MLD";
	return (struct pb_spec){
		.src = srcs[rnd(3)], .dst = dsts[rnd(4)], .proto = SFW_IPPROTO_ICMP6,
		.icmp_type = types[rnd(sizeof(types))], .ttl = hops[rnd(3)],
		.payload = (__u16)(8 * rnd(5)), .nvlan = (__u8)rnd(2),
	};
}

/* A plain frame of another kind: ARP, a later fragment, multicast, ND/MLD. */
static struct pb_spec other_kind(const char **what)
{
	struct pb_spec s = new_flow();

	switch (rnd(4)) {
	case 0:
		s = (struct pb_spec){ .ethertype = PB_ETH_P_ARP, .src = v4[0][0], .dst = v4[1][0] };
		*what = "ARP";
		break;
	case 1:
		s.frag_off = (__u16)(8 * (1 + rnd(100)));
		if (pb_is_v6(&s)) {
			s.n_ext = 1;
			s.ext[0] = SFW_IPPROTO_FRAGMENT;
		}
		*what = "later fragment";
		break;
	case 2:
		s.dst = pb_is_v6(&s) ? "ff0e::101" : "233.252.0.1";
		s.proto = SFW_IPPROTO_UDP;
		*what = "multicast UDP";
		break;
	default:
		s = link_msg(what);
		break;
	}
	return s;
}

/* A datagram of a live or new flow cut into 2 to 6 fragments, or into
 * 8-byte ones (a TCP first fragment is then tiny, its next ones overlap
 * its header). Returns the number of fragments in q, or < 1. */
static int fragment_flow(struct pb_pkt *q)
{
	struct pb_spec s = rnd(2) && pool_n ? flow_packet() : new_flow();
	__u32 nfrag = 2 + rnd(5);
	__u16 bytes;

	s.ip_id = (__u16)rnd(65536);
	s.frag_id = rnd(~0u);
	if (rnd(4) == 0) {
		s.payload = (__u16)rnd(60);
		bytes = 8;
	} else {
		s.payload = (__u16)(100 + rnd(1300));
		bytes = (__u16)(((s.payload + 60u) / nfrag + 7) & ~7u);
	}
	return pb_fragment(&s, bytes, q, FRAG_Q);
}

/* The spec of the next packet, by kind, and whether it goes through tc
 * only (GSO exists only there). */
static struct pb_spec pick_spec(const char **what, struct pb_spec *inner, bool *gso)
{
	struct pb_spec s;
	__u32 k = rnd(100);

	*gso = false;
	if (k < 22 || !pool_n) {
		s = new_flow();
		pool[pool_n < POOL ? pool_n++ : (int)rnd(POOL)] = s;
		*what = "new flow";
	} else if (k < 50) {
		s = flow_packet();
		*what = "flow packet";
	} else if (k < 55) {
		s = (struct pb_spec){ 0 };
		*what = "fragmented datagram";   /* make_case cuts one */
	} else if (k < 61) {
		s = new_flow();
		s.proto = SFW_IPPROTO_TCP;
		s.tcp_flags = SFW_TCP_ACK;
		*what = "TCP first packet without SYN";
	} else if (k < 65) {
		s = new_flow();
		s.proto = pb_is_v6(&s) ? SFW_IPPROTO_ICMP6 : SFW_IPPROTO_ICMP;
		s.icmp_type = pb_is_v6(&s) ? SFW_ICMPV6_ECHO_REPLY : SFW_ICMP_ECHOREPLY;
		*what = "stray echo reply";
	} else if (k < 72) {
		s = icmp_error(inner);
		*what = "ICMP error";
	} else if (k < 80) {
		s = other_kind(what);
	} else if (k < 88) {
		s = k < 86 ? malformed(what) : source_routed(what);
	} else {
		s = flow_packet();
		*what = "flow packet";
		if (k < 92 && (s.proto == SFW_IPPROTO_TCP || s.proto == SFW_IPPROTO_UDP)) {
			s.payload = GSO_SEGS * 1000;
			*gso = true;
			*what = "GSO flow packet";
		}
	}
	return s;
}

/* Mangles a built frame: cut, flipped bytes, or all noise. */
static void mangle(struct tcase *t, const char **what)
{
	__u32 k = rnd(10);

	if (!strcmp(*what, "malformed: truncated") || k == 0) {
		t->p.len = FX_MIN_FRAME + rnd(t->p.len - FX_MIN_FRAME);
		*what = "malformed: truncated";
	} else if (k < 3) {
		for (__u32 n = 1 + rnd(4); n; n--)
			t->p.data[12 + rnd(t->p.len - 12)] ^= (__u8)(1 + rnd(255));
		*what = "fuzzed";
	} else if (k == 3) {
		t->p.len = FX_MIN_FRAME + rnd(200);
		for (__u32 i = 0; i < t->p.len; i++)
			t->p.data[i] = (__u8)rnd(256);
		t->p.data[12] = rnd(2) ? 0x08 : 0x86;
		t->p.data[13] = t->p.data[12] == 0x08 ? 0x00 : 0xdd;
		*what = "garbage";
	}
}

static struct pb_pkt frag_q[FRAG_Q];
static int frag_qn, frag_qi;
static bool frag_tc;              /* the hook the datagram's first fragment took */
static struct fx_tc_opts frag_o;

/* The next fragment of the datagram being sent, if any. */
static bool next_fragment(struct tcase *t)
{
	if (frag_qi >= frag_qn)
		return false;
	memset(t, 0, sizeof(*t));
	t->p = frag_q[frag_qi++];
	t->tc = frag_tc;
	t->o = frag_o;
	t->units = 1;
	t->what = "later fragment of a datagram";
	return true;
}

/* The next packet. Returns false when the spec cannot be built. */
static bool make_case(struct tcase *t)
{
	static const __u32 ingress[] = { 0, 0, 0, FWD_IFINDEX, FWD_IFINDEX, UNWATCHED_IFINDEX };
	struct pb_spec inner, s;
	bool gso;

	if (next_fragment(t))
		return true;
	memset(t, 0, sizeof(*t));
	s = pick_spec(&t->what, &inner, &gso);
	if (!strcmp(t->what, "fragmented datagram")) {
		frag_qn = fragment_flow(frag_q);
		if (frag_qn < 1)
			return false;
		frag_qi = 1;
		t->p = frag_q[0];
		t->what = "first fragment of a datagram";
	} else if (pb_build(&s, &t->p)) {
		return false;
	}
	t->units = 1;
	t->tc = gso || rnd(5) < 2;
	if (t->tc)
		t->o.ingress_ifindex = ingress[rnd(sizeof(ingress) / sizeof(ingress[0]))];
	frag_tc = t->tc;
	frag_o = t->o;
	if (gso) {
		t->o.gso_segs = GSO_SEGS;
		t->o.gso_size = 1000;
		t->units = GSO_SEGS;
	} else if (strncmp(t->what, "new flow", 8) || rnd(4) == 0) {
		mangle(t, &t->what);
	}
	return true;
}

/* ---- accounting --------------------------------------------------------- */

static const char *const cnt_name[SFW_CNT_COUNT] = {
#define SFW_X(id, grp, label, key) [SFW_CNT_##id] = #id,
	SFW_COUNTER_LIST(SFW_X)
#undef SFW_X
};
static bool lets_pass(int id)
{
	return id == SFW_CNT_SFW_PERMITTED_PKTS || id == SFW_CNT_SFW_UNTRACKED_PKTS ||
	       id == SFW_CNT_SFW_PROXY_ARP || id == SFW_CNT_SFW_PROXY_NDP;
}

struct tally {
	__u64 sent[2], accounted[2];   /* [tc] */
	__u64 hits[SFW_CNT_COUNT];     /* packets per outcome */
	__u64 forwarded;               /* counted as Transit output instead */
	__u64 followed;                /* later fragments permitted with their datagram */
	int bad;
	size_t len;
	char msg[8192];
};

/* What one packet changed: outcome counters (how many, which, by how
 * much in all) and Transit output packets. */
struct delta {
	int changed, which;
	__u64 units, transit_out;
};

static struct delta diff(const struct sfw_iface_stats *a, const struct sfw_iface_stats *b)
{
	struct delta d = { .which = -1 };

	for (int id = 0; id < SFW_CNT_COUNT; id++) {
		if (!is_outcome(id) || a->c[id] == b->c[id])
			continue;
		d.changed++;
		d.which = id;
		d.units += b->c[id] - a->c[id];
	}
	d.transit_out = b->c[SFW_CNT_TRANSIT_OUT_PKTS] - a->c[SFW_CNT_TRANSIT_OUT_PKTS];
	return d;
}

/* A packet forwarded from an attached interface that parses is counted as
 * Transit output only; everything else is exactly one outcome. */
static bool accounted_ok(const struct tcase *t, const struct delta *d, int verdict)
{
	bool fwd = t->tc && t->o.ingress_ifindex == FWD_IFINDEX;
	bool passed = verdict == (t->tc ? FX_TC_OK : FX_XDP_PASS);

	if (fwd && d->changed == 0)
		return d->transit_out == t->units && passed;
	return d->changed == 1 && d->units == t->units && passed == lets_pass(d->which);
}

static void account(struct tally *ty, int n, const struct tcase *t, int verdict,
		    const struct sfw_iface_stats *a, const struct sfw_iface_stats *b)
{
	struct delta d = diff(a, b);
	bool fwd_only = t->tc && t->o.ingress_ifindex == FWD_IFINDEX && !d.changed;

	ty->sent[t->tc] += t->units;
	ty->accounted[t->tc] += fwd_only ? d.transit_out : d.units;
	if (fwd_only)
		ty->forwarded++;
	else if (d.changed == 1)
		ty->hits[d.which]++;
	if (d.changed == 1 && d.which == SFW_CNT_SFW_PERMITTED_PKTS &&
	    !strcmp(t->what, "later fragment of a datagram"))
		ty->followed++;
	if (accounted_ok(t, &d, verdict))
		return;
	if (ty->bad++ < 12 && ty->len < sizeof(ty->msg))
		ty->len += (size_t)snprintf(ty->msg + ty->len, sizeof(ty->msg) - ty->len,
			"\n  #%d %s via %s (ingress %u, %u bytes): verdict %d, %d outcome "
			"counters rose by %llu in all (last %s), transit output +%llu, want %u",
			n, t->what, t->tc ? "tc" : "XDP", t->o.ingress_ifindex, t->p.len,
			verdict, d.changed, (unsigned long long)d.units,
			d.which >= 0 ? cnt_name[d.which] : "none",
			(unsigned long long)d.transit_out, t->units);
}

/* Phases of the run: the settings under which new flows are decided (the
 * last one a zone whose screen limits sessions per address). */
#define PHASES 5

static void enter_phase(int phase)
{
	if (phase == 4) {
		commit("set security screen ids-option lim limit-session source-ip-based 4\n"
		       "set security screen ids-option lim limit-session destination-ip-based 2\n"
		       "set security zones security-zone trust interfaces lo\n"
		       "set security zones security-zone trust screen lim\n"
		       "set security policies default-policy permit-all\n");
		return;
	}
	cr_assert_eq(fx_set_policy(phase == 1 ? SFW_POLICY_DENY_ALL : SFW_POLICY_PERMIT_ALL), 0);
	cr_assert_eq(fx_set_flags(phase == 2 ? SFW_CFG_F_ZONES :
				  phase == 3 ? SFW_CFG_F_NO_SYN_CHECK : 0), 0);
}

static void run_mix(__u64 seed, int n, struct tally *ty)
{
	struct sfw_iface_stats a, b;
	struct tcase t;

	cr_assert_eq(fx_mark_attached(FWD_IFINDEX), 0);
	rng_state = seed;
	addrs_init();
	pool_n = 0;
	for (int i = 0; i < n; i++) {
		int v;

		if (i % (n / PHASES) == 0)
			enter_phase(i / (n / PHASES));
		if (!make_case(&t))
			continue;
		cr_assert_eq(fx_counters(FX_IFINDEX, &a), 0);
		v = t.tc ? fx_tc_frame(t.p.data, t.p.len, &t.o) : fx_xdp_frame(t.p.data, t.p.len);
		/* tc test runs refuse some runts before the program sees them */
		if (t.tc && v == -EINVAL)
			continue;
		cr_assert_geq(v, 0, "#%d %s: test run failed: %s", i, t.what, strerror(-v));
		cr_assert_eq(fx_counters(FX_IFINDEX, &b), 0);
		account(ty, i, &t, v, &a, &b);
	}
}

static __u64 seed_from_env(void)
{
	const char *s = getenv("SFW_CONSERVATION_SEED");

	return s ? strtoull(s, NULL, 0) : 0x5f5f2024ULL;
}

Test(conservation, mixed_packets_both_hooks)
{
	static struct tally ty;

	run_mix(seed_from_env(), 6000, &ty);
	cr_assert_gt(ty.sent[0], 2000, "too few XDP packets: %llu", (unsigned long long)ty.sent[0]);
	cr_assert_gt(ty.sent[1], 1000, "too few tc packets: %llu", (unsigned long long)ty.sent[1]);
	/* the mix must reach every outcome it is built to provoke */
	static const int want[] = {
		SFW_CNT_SFW_PERMITTED_PKTS, SFW_CNT_SFW_UNTRACKED_PKTS, SFW_CNT_SFW_ERR_MALFORMED,
		SFW_CNT_SFW_ERR_TCP_NO_SYN, SFW_CNT_SFW_ERR_NO_SESSION, SFW_CNT_ERR_POLICY_DENIED,
		SFW_CNT_ERR_NO_ZONE, SFW_CNT_SFW_ERR_FRAG_NO_FIRST, SFW_CNT_SFW_ERR_FRAG_TINY,
		SFW_CNT_SCREEN_SRC_LIMIT, SFW_CNT_SCREEN_DST_LIMIT, SFW_CNT_SFW_ERR_SRC_ROUTE,
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		cr_expect_gt(ty.hits[want[i]], 10, "%s reached by %llu packets only",
			     cnt_name[want[i]], (unsigned long long)ty.hits[want[i]]);
	cr_expect_gt(ty.forwarded, 100, "forwarded packets: %llu", (unsigned long long)ty.forwarded);
	cr_expect_gt(ty.followed, 100, "later fragments let through: %llu",
		     (unsigned long long)ty.followed);
	cr_assert_eq(ty.bad, 0, "%d packets not accounted exactly once:%s", ty.bad, ty.msg);
	cr_assert_eq(ty.accounted[0], ty.sent[0], "XDP: %llu outcomes for %llu packets",
		     (unsigned long long)ty.accounted[0], (unsigned long long)ty.sent[0]);
	cr_assert_eq(ty.accounted[1], ty.sent[1], "tc: %llu outcomes for %llu packets",
		     (unsigned long long)ty.accounted[1], (unsigned long long)ty.sent[1]);
}
