/* Red team diffpol: a differential test of the two readings of one
 * configuration. The datapath's verdict on a first packet (the policy
 * compiler's lists walked by XDP and tc egress through BPF_PROG_TEST_RUN)
 * against what `show security match-policies` says of the same packet
 * (conf/match.c sfw_policy_match, which cmd_match.c and `commit
 * reevaluate` call), over many generated configurations: zones and none,
 * global policies with and without zone lists, junos-host, address books
 * and sets, applications and sets, prefixes from /0 to host routes, both
 * families, deny/reject/permit, default-policy both ways.
 *
 * The fixture's namespace has forwarding off, so a packet XDP takes on lo
 * is judged from lo's zone to junos-host. tc egress judges a packet
 * forwarded from an interface sfw does not watch (a veth, d1) from d1's
 * zone to lo's, and one the host sends itself (no ingress index) as self
 * traffic, from junos-host. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <net/if.h>
#include <arpa/inet.h>
#include "commit.h"
#include "match.h"
#include "nat_fixture.h"

static void diff_setup(void)
{
	suite_setup();
	cr_assert_eq(system("ip link add d1 type veth peer name d2 && ip link set d1 up"), 0,
		     "cannot add the veth pair");
}

TestSuite(diffpol, .init = diff_setup, .fini = suite_teardown);

/* Parses and checks text: 0, or the parse's error (a generated
 * configuration the checks refuse is skipped, as `commit` refuses it). */
static int conf_of(const char *text, struct sfw_conf *conf)
{
	struct sfw_conf_errors errs = { 0 };
	int err;

	cr_assert_eq(sfw_conf_init(conf), 0);
	err = sfw_conf_parse_buffer(conf, "t.conf", text, strlen(text), &errs);
	if (err && getenv("DIFFPOL_DEBUG"))
		fprintf(stderr, "refused: %s\n", errs.n ? errs.msg[0] : "?");
	sfw_conf_errors_free(&errs);
	if (err)
		sfw_conf_free(conf);
	return err;
}

static int zone_of_iface(const struct sfw_conf *conf, const char *zname)
{
	int z;

	if (!zname)
		return SFW_ZONE_NONE;
	z = sfw_conf_find_zone(conf, zname);
	cr_assert_geq(z, 0, "zone %s", zname);
	return z + 1;
}

static void pkt_of(const struct pb_spec *s, struct sfw_match_pkt *m)
{
	bool v6 = strchr(s->dst, ':') != NULL;

	memset(m, 0, sizeof(*m));
	m->family = v6 ? SFW_FAMILY_INET6 : SFW_FAMILY_INET;
	cr_assert_eq(inet_pton(v6 ? AF_INET6 : AF_INET, s->src, &m->src), 1);
	cr_assert_eq(inet_pton(v6 ? AF_INET6 : AF_INET, s->dst, &m->dst), 1);
	m->proto = s->proto;
	m->sport = s->sport;
	m->dport = s->dport;
	m->icmp_type = s->icmp_type;
	m->icmp_code = s->icmp_code;
}

/* The paths a first packet takes in the fixture. */
enum path { PATH_XDP_HOST, PATH_TC_FORWARDED, PATH_TC_SELF, PATH_N };
static const char *const path_name[] = { "xdp lo->junos-host", "tc d1->lo", "tc self->lo" };

static __u16 next_port = 1024;
/* The last packet the datapath passed opened a session. */
static bool last_session;

/* The datapath permits the spec's flow on that path: a new session. */
static bool datapath_permits(enum path path, const struct pb_spec *s)
{
	struct fx_tc_opts o = { 0 };
	int before = fx_session_count(), rc;

	switch (path) {
	case PATH_XDP_HOST:
		rc = fx_xdp(s);
		cr_assert_geq(rc, 0);
		last_session = fx_session_count() == before + 1;
		return rc == FX_XDP_PASS;
	case PATH_TC_FORWARDED:
		o.ingress_ifindex = if_nametoindex("d1");
		/* fallthrough */
	default:
		rc = fx_tc(s, &o);
		cr_assert_geq(rc, 0);
		last_session = fx_session_count() == before + 1;
		return rc == FX_TC_OK;
	}
}

/* What the matcher says of the spec's flow on that path. */
static struct sfw_match_result matcher(const struct sfw_conf *conf, enum path path,
				       const char *lo_zone, const char *d1_zone,
				       const struct pb_spec *s)
{
	struct sfw_match_result res;
	struct sfw_match_pkt m;
	int lo = zone_of_iface(conf, lo_zone), d1 = zone_of_iface(conf, d1_zone);

	pkt_of(s, &m);
	sfw_policy_match(conf, path == PATH_XDP_HOST ? lo : path == PATH_TC_FORWARDED ? d1
									 : SFW_ZONE_HOST,
			 path == PATH_XDP_HOST ? SFW_ZONE_HOST : lo, &m, &res);
	return res;
}

/* ---- the junos-host finding ------------------------------------------- */

/* diffpol F1 (low; the matcher misleads, the datapath is right): what the
 * host itself sends is self traffic, permitted whatever the policies say
 * (bpf/tc_egress.bpf.c sfw_tc_open: no policy lookup without an ingress
 * index; docs/security.md "The host's own traffic", and out of scope:
 * "filtering what local processes send"). As on an SRX, a deny-all
 * default never cuts the device off from its own DNS or updates: Junos
 * judges host-outbound traffic by the junos-host zone's policies only
 * when some are configured and permits it otherwise. `show security
 * match-policies from-zone junos-host ...` walked the zone pair, the
 * global policies and the default policy as for transit traffic, so it
 * answered "Default-Policy deny-all" (or a junos-host deny) for a flow
 * the datapath opens. The matcher must say what the datapath does:
 * self-traffic-policy, permit. */
Test(diffpol, f1_matcher_from_junos_host_says_what_the_datapath_does)
{
	static const char *const texts[] = {
		"set security zones security-zone trust interfaces lo\n"
		"set security policies default-policy deny-all\n",
		"set security zones security-zone trust interfaces lo\n"
		"set security policies from-zone junos-host to-zone trust policy ntp "
		"match source-address any destination-address any application junos-ntp\n"
		"set security policies from-zone junos-host to-zone trust policy ntp then permit\n"
		"set security policies default-policy deny-all\n",
		"set security policies global policy g match source-address any "
		"destination-address any application any\n"
		"set security policies global policy g then reject\n"
		"set security policies default-policy deny-all\n",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				     .sport = (__u16)(40000 + i), .dport = 53 };
		struct sfw_match_result res;
		struct sfw_conf conf;
		const char *lo_zone = i < 2 ? "trust" : NULL;

		cr_assert_eq(conf_of(texts[i], &conf), 0);
		commit(texts[i]);
		cr_expect(datapath_permits(PATH_TC_SELF, &s), "config %zu: self traffic refused", i);
		res = matcher(&conf, PATH_TC_SELF, lo_zone, NULL, &s);
		cr_expect_eq(res.action, SFW_CONF_ACTION_PERMIT,
			     "config %zu: the matcher says %d from junos-host, the datapath permits",
			     i, res.action);
		cr_expect_null(res.policy, "config %zu: no configured policy decides self traffic", i);
		sfw_conf_free(&conf);
	}
}

/* diffpol F2 (medium; fail open against the configuration): a policy
 * from junos-host that denies or rejects, as a zone policy `from-zone
 * junos-host to-zone Z` or a global one whose `match from-zone` names
 * junos-host, was accepted and compiled (into lists the datapath never
 * reads: tc egress asks no policy for the host's own packets), and the
 * flows it denies were opened. On an SRX such a policy is how an operator
 * stops the device itself from reaching a zone; sfw does not filter self
 * traffic (docs/security.md, out of scope), and "every setting is
 * enforced or refused": it must be one or the other. */
static const char *const host_denies[] = {
	"set security zones security-zone untrust interfaces lo\n"
	"set security policies from-zone junos-host to-zone untrust policy no-dns "
	"match source-address any destination-address any application junos-dns-udp\n"
	"set security policies from-zone junos-host to-zone untrust policy no-dns then deny\n"
	"set security policies default-policy permit-all\n",
	"set security zones security-zone untrust interfaces lo\n"
	"set security policies from-zone junos-host to-zone untrust policy no-dns "
	"match source-address any destination-address any application junos-dns-udp\n"
	"set security policies from-zone junos-host to-zone untrust policy no-dns then reject\n"
	"set security policies default-policy permit-all\n",
	"set security zones security-zone untrust interfaces lo\n"
	"set security policies global policy no-dns match source-address any "
	"destination-address any application junos-dns-udp from-zone junos-host\n"
	"set security policies global policy no-dns then deny\n"
	"set security policies default-policy permit-all\n",
	"set security policies global policy no-dns match source-address any "
	"destination-address any application junos-dns-udp from-zone junos-host\n"
	"set security policies global policy no-dns then deny\n"
	"set security policies default-policy permit-all\n",
};

Test(diffpol, f2_deny_from_junos_host_enforced_or_refused)
{
	for (size_t i = 0; i < sizeof(host_denies) / sizeof(host_denies[0]); i++) {
		struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP,
				     .sport = (__u16)(41000 + i), .dport = 53 };
		struct sfw_conf conf;
		struct sfw_policy_fds f = fds();

		if (conf_of(host_denies[i], &conf))
			continue;   /* refused by commit check */
		sfw_conf_free(&conf);
		if (commit_into(host_denies[i], &f))
			continue;   /* refused by the compiler */
		cr_expect(!datapath_permits(PATH_TC_SELF, &s),
			  "config %zu: a policy from junos-host denies the host's DNS, committed, "
			  "and the datapath opened it", i);
	}
}

/* F2's control: a permit from junos-host says what the datapath does
 * anyway (self traffic is permitted), and stays accepted. */
Test(diffpol, f2_control_permit_from_junos_host_accepted)
{
	static const char *const text =
		"set security zones security-zone untrust interfaces lo\n"
		"set security policies from-zone junos-host to-zone untrust policy dns "
		"match source-address any destination-address any application junos-dns-udp\n"
		"set security policies from-zone junos-host to-zone untrust policy dns then permit\n"
		"set security policies global policy g match source-address any "
		"destination-address any application any from-zone junos-host\n"
		"set security policies global policy g then permit\n"
		"set security policies default-policy deny-all\n";
	struct pb_spec s = { .src = CLI4, .dst = SRV4, .proto = SFW_IPPROTO_UDP, .sport = 41100,
			     .dport = 53 };
	struct sfw_conf conf;

	cr_assert_eq(conf_of(text, &conf), 0);
	sfw_conf_free(&conf);
	commit(text);
	cr_expect(datapath_permits(PATH_TC_SELF, &s));
}

/* ---- the generator ------------------------------------------------------ */

static unsigned int rnd_state;

static unsigned int rnd(unsigned int n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

#define PICK(a) ((a)[rnd(sizeof(a) / sizeof((a)[0]))])

static const char *const pfx4[] = {
	"0.0.0.0/0", "192.0.2.0/24", "192.0.2.10/32", "192.0.2.0/25", "192.0.2.128/25",
	"198.51.100.0/24", "198.51.100.20/32", "10.0.0.0/8", "203.0.113.0/24", "192.0.2.11/32",
	"128.0.0.0/1", "192.0.0.0/16",
	/* host bits beyond the length, as Junos takes them */
	"192.0.2.10/24", "198.51.100.99/16", "10.0.0.1/0", "192.0.2.200/25",
};
static const char *const pfx6[] = {
	"::/0", "2001:db8::/32", "2001:db8::10/128", "2001:db8::/64", "2001:db8:1::/48",
	"2001:db8:1::20/128", "2001:db8:ffff::/48", "2000::/3", "2001:db8::/127",
	"2001:db8::10/32", "2001:db8:1::20/64", "::1/0", "::ffff:192.0.2.0/120",
};
static const char *const addr4[] = {
	"192.0.2.10", "192.0.2.200", "198.51.100.20", "198.51.100.7", "10.1.2.3", "203.0.113.30",
	"192.0.2.11", "100.64.0.1",
};
static const char *const addr6[] = {
	"2001:db8::10", "2001:db8::99", "2001:db8:1::20", "2001:db8:1::5", "2001:db8:ffff::1",
	"2001:db9::1", "2001:db8::11", "::ffff:192.0.2.10",
};
static const char *const apps_pre[] = {
	"junos-ssh", "junos-http", "junos-https", "junos-dns-udp", "junos-dns-tcp",
	"junos-icmp-ping", "junos-ping6", "junos-icmp-all", "junos-icmp6-all", "any",
	"junos-ntp", "junos-telnet", "junos-bgp", "junos-rip",
	"junos-smb-session", "junos-ldp-udp", "junos-gre", "junos-tcp-any", "junos-udp-any",
	"junos-sctp-any", "junos-icmp6-echo-request", "junos-icmp6-echo-reply", "junos-ping",
	"junos-pingv6",
};
static const char *const services[] = { "ssh", "ping", "http", "dns", "all", "traceroute",
					"https", "ntp" };
static const char *const actions[] = { "permit", "deny", "reject" };
static const __u16 ports[] = { 22, 53, 80, 443, 8080, 21, 25, 123, 23, 1, 65535, 8000 };

/* The interfaces the generator puts in zones: lo's zone is the to-zone
 * of tc's paths and the from-zone of XDP's to junos-host, d1's the
 * from-zone of tc's forwarded path (diffpol_fwd: fb and fa). */
static const char *if_to = "lo", *if_from = "d1";

#define NADDR 5
#define NAPP 4

struct gen {
	char text[16384];
	char *p;
	int n_zones;
	const char *lo_zone, *d1_zone;
};

#define EMIT(g, ...) ((g)->p += sprintf((g)->p, __VA_ARGS__))

static const char *zone_name(int z)
{
	static const char *const names[] = { "z0", "z1", "z2" };

	return names[z];
}

/* A source or destination: any (-ipv4/-ipv6), an address, a set, or a list. */
static void emit_addr_ref(struct gen *g)
{
	static const char *const any[] = { "any", "any", "any-ipv4", "any-ipv6" };
	int n = 1 + (rnd(4) == 0);

	if (rnd(3) == 0) {
		EMIT(g, "%s", PICK(any));
		return;
	}
	if (n > 1)
		EMIT(g, "[ ");
	for (int i = 0; i < n; i++) {
		bool set = rnd(5) == 0;

		EMIT(g, set ? "s%u " : "a%u ", rnd(set ? 2 : NADDR));
	}
	if (n > 1)
		EMIT(g, "]");
}

static void emit_app_ref(struct gen *g)
{
	int n = 1 + (rnd(4) == 0);

	if (n > 1)
		EMIT(g, "[ ");
	for (int i = 0; i < n; i++) {
		unsigned int k = rnd(6);

		if (k < 3)
			EMIT(g, "%s ", PICK(apps_pre));
		else if (k < 5)
			EMIT(g, "app%u ", rnd(NAPP));
		else
			EMIT(g, "aset ");
	}
	if (n > 1)
		EMIT(g, "]");
}

/* A zone of the configuration, or junos-host. */
static const char *some_zone(struct gen *g, bool host)
{
	if (host && (!g->n_zones || rnd(4) == 0))
		return "junos-host";
	return g->n_zones ? zone_name(rnd(g->n_zones)) : "junos-host";
}

static void generate(struct gen *g)
{
	int n_pol;

	g->p = g->text;
	g->n_zones = rnd(4);
	g->lo_zone = g->d1_zone = NULL;
	for (int z = 0; z < g->n_zones; z++) {
		EMIT(g, "set security zones security-zone %s\n", zone_name(z));
		if (rnd(3) == 0)
			EMIT(g, "set security zones security-zone %s host-inbound-traffic "
				"system-services %s\n", zone_name(z), PICK(services));
	}
	if (g->n_zones) {
		if (rnd(8))
			g->lo_zone = zone_name(rnd(g->n_zones));
		if (rnd(8))
			g->d1_zone = zone_name(rnd(g->n_zones));
		if (g->lo_zone)
			EMIT(g, "set security zones security-zone %s interfaces %s\n", g->lo_zone,
			     if_to);
		if (g->d1_zone)
			EMIT(g, "set security zones security-zone %s interfaces %s\n", g->d1_zone,
			     if_from);
	}
	for (int a = 0; a < NADDR; a++)
		EMIT(g, "set security address-book global address a%d %s\n", a,
		     rnd(2) ? PICK(pfx4) : PICK(pfx6));
	for (int s = 0; s < 2; s++) {
		EMIT(g, "set security address-book global address-set s%d address a%u\n", s,
		     rnd(NADDR));
		EMIT(g, "set security address-book global address-set s%d address a%u\n", s,
		     rnd(NADDR));
	}
	if (rnd(2))   /* a set of a set */
		EMIT(g, "set security address-book global address-set s1 address-set s0\n");
	for (int a = 0; a < NAPP; a++) {
		static const char *const other[] = { "gre", "esp", "ah", "47", "sctp", "udp", "tcp" };
		unsigned int k = rnd(6);

		if (k == 3) {
			unsigned int t = rnd(3);
			bool v6 = rnd(2);

			EMIT(g, "set applications application app%d protocol %s", a,
			     v6 ? "icmp6" : "icmp");
			if (t == 1 && !v6)
				EMIT(g, " icmp-type %u", rnd(2) ? 8 : 13);
			else if (t == 1)
				EMIT(g, " icmp6-type %u icmp6-code 0", rnd(2) ? 128 : 139);
			EMIT(g, "\n");
			continue;
		}
		if (k >= 4) {
			EMIT(g, "set applications application app%d protocol %s\n", a, PICK(other));
			continue;
		}
		unsigned int lo = PICK(ports), hi = rnd(2) ? lo : lo + rnd(100);

		if (hi > 65535)
			hi = 65535;
		EMIT(g, "set applications application app%d protocol %s destination-port ", a,
		     k == 2 ? "udp" : "tcp");
		EMIT(g, lo == hi ? "%u\n" : "%u-%u\n", lo, hi);
	}
	EMIT(g, "set applications application-set aset application app%u\n", rnd(NAPP));
	EMIT(g, "set applications application-set aset application %s\n", PICK(apps_pre));
	n_pol = rnd(4) ? rnd(8) : rnd(40);
	for (int i = 0; i < n_pol; i++) {
		bool global = !g->n_zones || rnd(2), from_host = false;
		const char *fz;
		char ctx[128];

		if (global) {
			snprintf(ctx, sizeof(ctx), "global policy p%d", i);
		} else {
			const char *f = some_zone(g, true), *t = some_zone(g, true);

			if (!strcmp(f, "junos-host") && !strcmp(t, "junos-host"))
				t = zone_name(0);
			snprintf(ctx, sizeof(ctx), "from-zone %s to-zone %s policy p%d", f, t, i);
			from_host = !strcmp(f, "junos-host");
		}
		EMIT(g, "set security policies %s match source-address ", ctx);
		emit_addr_ref(g);
		EMIT(g, " destination-address ");
		emit_addr_ref(g);
		EMIT(g, " application ");
		emit_app_ref(g);
		EMIT(g, "\n");
		if (global && rnd(2)) {
			fz = rnd(4) ? some_zone(g, true) : "any";
			from_host |= !strcmp(fz, "junos-host");
			EMIT(g, "set security policies %s match from-zone %s\n", ctx, fz);
		}
		if (global && rnd(4) == 0) {   /* a second one adds to the list */
			fz = some_zone(g, true);
			from_host |= !strcmp(fz, "junos-host");
			EMIT(g, "set security policies %s match from-zone %s\n", ctx, fz);
		}
		if (global && rnd(2))
			EMIT(g, "set security policies %s match to-zone %s\n", ctx,
			     rnd(4) ? some_zone(g, true) : "any");
		/* a deny from junos-host is refused (F2): now and then, to
		 * keep that refusal in the mix */
		EMIT(g, "set security policies %s then %s\n", ctx,
		     from_host && rnd(8) ? "permit" : PICK(actions));
		if (rnd(4) == 0)
			EMIT(g, "set security policies %s then %s\n", ctx,
			     rnd(2) ? "count" : "log session-init session-close");
	}
	/* none: Junos's deny-all */
	if (rnd(3))
		EMIT(g, "set security policies default-policy %s\n",
		     rnd(2) ? "deny-all" : "permit-all");
}

static void random_packet(struct pb_spec *s, enum path path)
{
	bool v6 = rnd(2);
	unsigned int k = rnd(5);

	memset(s, 0, sizeof(*s));
	s->src = v6 ? PICK(addr6) : PICK(addr4);
	do
		s->dst = v6 ? PICK(addr6) : PICK(addr4);
	while (!strcmp(s->dst, s->src));
	s->sport = next_port;
	s->icmp_id = next_port++;
	if (k < 2) {
		s->proto = SFW_IPPROTO_TCP;
		s->tcp_flags = SFW_TCP_SYN;
		s->dport = PICK(ports);
	} else if (k < 4) {
		s->proto = SFW_IPPROTO_UDP;
		s->dport = PICK(ports);
	} else if (k == 4 && rnd(3)) {
		static const __u8 t4[] = { 8, 8, 8, 13, 17, 0, 10, 15 };
		static const __u8 t6[] = { 128, 128, 128, 129, 139, 140, 130 };

		s->proto = v6 ? SFW_IPPROTO_ICMP6 : SFW_IPPROTO_ICMP;
		s->icmp_type = v6 ? PICK(t6) : PICK(t4);
		s->icmp_code = rnd(4) ? 0 : 1;
	} else {
		static const __u8 other[] = { 47 /* GRE */, 50 /* ESP */, 51 /* AH */,
					      SFW_IPPROTO_SCTP };

		s->proto = PICK(other);
		if (s->proto == SFW_IPPROTO_SCTP)
			s->dport = PICK(ports);
		else
			s->sport = 0;
	}
	(void)path;
}

static const char *proto_word(__u8 p)
{
	static char num[8];

	if (p == SFW_IPPROTO_TCP || p == SFW_IPPROTO_UDP || p == SFW_IPPROTO_ICMP ||
	    p == SFW_IPPROTO_ICMP6)
		return p == SFW_IPPROTO_TCP ? "tcp" : p == SFW_IPPROTO_UDP ? "udp" : "icmp";
	snprintf(num, sizeof(num), "%u", p);
	return num;
}

/* An ICMP reply (echo, timestamp, address mask, node information) opens
 * no session: without one it is refused, whatever the policies say, and
 * the matcher is never asked about one (cmd_match.c: an echo request). */
static bool never_first(const struct pb_spec *s)
{
	if (s->proto == SFW_IPPROTO_ICMP)
		return s->icmp_type == 0 || s->icmp_type == 14 || s->icmp_type == 16 ||
		       s->icmp_type == 18;
	return s->proto == SFW_IPPROTO_ICMP6 && (s->icmp_type == 129 || s->icmp_type == 140);
}

/* The next generated configuration, parsed into conf and committed
 * through f; false (nothing left to free) when either step refused it. */
static bool next_config(struct gen *g, struct sfw_conf *conf, struct sfw_policy_fds *f)
{
	generate(g);
	if (conf_of(g->text, conf))
		return false;
	if (commit_into(g->text, f)) {
		sfw_conf_free(conf);
		return false;
	}
	return true;
}

/* n_conf configurations from seed, n_pkt first packets on each path. */
static void differential(unsigned int seed, int n_conf, int n_pkt)
{
	int checked = 0, wrong = 0, open = 0, stats[PATH_N][2][2] = { 0 };

	rnd_state = seed;
	for (int c = 0; c < n_conf; c++) {
		struct gen g;
		struct sfw_conf conf;
		struct sfw_policy_fds f = fds();

		if (!next_config(&g, &conf, &f))
			continue;
		for (int k = 0; k < n_pkt; k++) {
			enum path path = (enum path)rnd(PATH_N);
			struct pb_spec s;
			struct sfw_match_result res;
			bool dp, cf;

			random_packet(&s, path);
			/* a flow without ports is its addresses alone: one of an
			 * earlier packet is that session's, no first packet */
			if (!fx_session(&s, &(struct sfw_session){ 0 }))
				continue;
			res = matcher(&conf, path, g.lo_zone, g.d1_zone, &s);
			dp = datapath_permits(path, &s);
			cf = res.action == SFW_CONF_ACTION_PERMIT;
			checked++;
			stats[path][dp][last_session]++;
			if (dp && !last_session && getenv("DIFFPOL_DEBUG"))
				fprintf(stderr, "passed, no session: %s %s %s -> %s dport %u type %u\n",
					path_name[path], proto_word(s.proto), s.src, s.dst, s.dport,
					s.icmp_type);
			if (never_first(&s)) {
				cr_expect(!dp, "seed %u conf %d: an ICMP reply type %u passed as a first "
					  "packet on %s", seed, c, s.icmp_type, path_name[path]);
				continue;
			}
			if (dp == cf)
				continue;
			wrong++;
			open += dp;
			if (wrong <= 3)
				cr_log_error("seed %u conf %d: %s %s %s -> %s dport %u type %u: datapath %s, "
					     "matcher %s (source %s, policy %s)\n%s",
					     seed, c, path_name[path], proto_word(s.proto), s.src,
					     s.dst, s.dport, s.icmp_type, dp ? "permit" : "deny",
					     cf ? "permit" : "deny", sfw_match_source_name(res.source),
					     res.policy ? res.policy->name : "-", g.text);
		}
		sfw_conf_free(&conf);
		/* the session table is the fixture's small one */
		if (fx_session_count() > FX_MAX_SESSIONS / 2)
			cr_assert_fail("session table filling: fewer packets per test");
	}
	cr_log_info("seed %u: %d first packets checked, %d disagreements (%d fail-open)",
		    seed, checked, wrong, open);
	for (int k = 0; k < PATH_N; k++)
		cr_log_info("  %s: denied %d, passed without a session %d, opened %d",
			    path_name[k], stats[k][0][0] + stats[k][0][1], stats[k][1][0],
			    stats[k][1][1]);
	cr_assert_gt(checked, n_conf, "too few configurations were valid");
	cr_expect_eq(wrong, 0, "%d of %d first packets: the datapath and the matcher disagree "
		     "(%d permitted by the datapath only)", wrong, checked, open);
}

Test(diffpol, random_configs_seed1) { differential(1, 150, 10); }
Test(diffpol, random_configs_seed2) { differential(2, 150, 10); }
Test(diffpol, random_configs_seed3) { differential(3, 150, 10); }
Test(diffpol, random_configs_seed4) { differential(4, 150, 10); }
Test(diffpol, random_configs_seed5) { differential(5, 300, 5); }
Test(diffpol, random_configs_seed6) { differential(6, 300, 5); }

/* Many policies in one zone pair (d1's zone to lo's, the tc path), past
 * one 64-bit word of the rule bitmaps and up to the list's limit, with
 * overlapping prefixes of every length: the LPM closure and the first
 * set bit against the matcher's walk in order. Global policies, limited
 * to zones or not, after them. */
static void big_differential(unsigned int seed, int n_pol, int n_glob, int n_pkt)
{
	/* the short ones (the source's) would decide nearly every packet */
	static const unsigned int lens[] = { 8, 12, 16, 22, 23, 24, 25, 26, 28, 30, 31, 32 };
	static const char *const big_apps[] = { "any", "junos-http", "junos-ssh", "junos-dns-udp",
						"junos-tcp-any", "junos-udp-any", "junos-https" };
	size_t cap = 256 + (size_t)(n_pol + n_glob) * 400;
	char *text = malloc(cap), *p = text;
	int wrong = 0, open = 0, hit = 0, permitted = 0, rc;
	struct sfw_conf conf;
	struct sfw_policy_fds f = fds();

	cr_assert_not_null(text);
	rnd_state = seed;
	p += sprintf(p, "set security zones security-zone z0 interfaces lo\n"
			"set security zones security-zone z1 interfaces d1\n");
	for (int i = 0; i < n_pol + n_glob; i++) {
		p += sprintf(p, "set security address-book global address b%d 10.%u.%u.%u/%u\n", i,
			     rnd(4), rnd(4), rnd(256), lens[3 + rnd(sizeof(lens) / sizeof(lens[0]) - 3)]);
		p += sprintf(p, "set security address-book global address c%d 10.%u.%u.%u/%u\n", i,
			     rnd(4), rnd(4), rnd(256), lens[rnd(3)]);
	}
	for (int i = 0; i < n_pol + n_glob; i++) {
		bool global = i >= n_pol;
		char ctx[96];

		if (global)
			snprintf(ctx, sizeof(ctx), "global policy q%d", i);
		else
			snprintf(ctx, sizeof(ctx), "from-zone z1 to-zone z0 policy q%d", i);
		p += sprintf(p, "set security policies %s match source-address %s destination-address "
			     "b%d application %s\n", ctx, rnd(3) ? "any" : "c0", i,
			     big_apps[rnd(sizeof(big_apps) / sizeof(big_apps[0]))]);
		if (global && rnd(2))
			p += sprintf(p, "set security policies %s match from-zone z1\n", ctx);
		p += sprintf(p, "set security policies %s then %s\n", ctx, actions[rnd(3)]);
	}
	p += sprintf(p, "set security policies default-policy %s\n",
		     rnd(2) ? "deny-all" : "permit-all");
	cr_assert_lt((size_t)(p - text), cap);
	cr_assert_eq(conf_of(text, &conf), 0);
	rc = commit_into(text, &f);
	if (n_pol > SFW_MAX_RULES || n_pol + n_glob > SFW_MAX_RULES) {
		/* the pair's list would hold more than the limit */
		bool restricted = false;

		for (int k = 0; k < conf.n_policies; k++)
			restricted |= conf.policies[k].global && conf.policies[k].match_from.n;
		if (n_pol > SFW_MAX_RULES || restricted) {
			cr_expect_neq(rc, 0, "%d policies in one zone pair committed", n_pol + n_glob);
			goto out;
		}
	}
	cr_assert_eq(rc, 0, "compile: %s", sfw_last_error());
	for (int k = 0; k < n_pkt; k++) {
		char src[32], dst[32];
		struct pb_spec s = { .src = src, .dst = dst, .proto = rnd(2) ? SFW_IPPROTO_TCP
									 : SFW_IPPROTO_UDP,
				     .sport = next_port++, .dport = PICK(ports),
				     .tcp_flags = SFW_TCP_SYN };
		struct sfw_match_result res;
		bool dp, cf;

		snprintf(src, sizeof(src), "10.%u.%u.%u", rnd(4), rnd(4), 1 + rnd(254));
		snprintf(dst, sizeof(dst), "10.%u.%u.%u", rnd(4), rnd(4), 1 + rnd(254));
		if (k % 2) {   /* into a policy's destination */
			const struct sfw_conf_address *a = NULL;
			char name[16];
			int idx;

			snprintf(name, sizeof(name), "b%u", rnd(n_pol + n_glob));
			idx = sfw_conf_find_address(&conf, name);
			if (idx >= 0)
				a = &conf.addresses[idx];
			/* the address as written, host bits and all */
			if (a && a->has_prefix && a->prefix.family == SFW_FAMILY_INET)
				inet_ntop(AF_INET, a->prefix.addr.bytes, dst, sizeof(dst));
		}
		if (!strcmp(src, dst))
			continue;
		res = matcher(&conf, PATH_TC_FORWARDED, "z0", "z1", &s);
		dp = datapath_permits(PATH_TC_FORWARDED, &s);
		cf = res.action == SFW_CONF_ACTION_PERMIT;
		hit += res.policy != NULL;
		permitted += dp;
		if (dp == cf)
			continue;
		wrong++;
		open += dp;
		if (wrong <= 5)
			cr_log_error("seed %u, %d+%d policies: %s -> %s %s dport %u: datapath %s, "
				     "matcher %s (%s, policy %s)", seed, n_pol, n_glob, src, dst,
				     proto_word(s.proto), s.dport, dp ? "permit" : "deny",
				     cf ? "permit" : "deny", sfw_match_source_name(res.source),
				     res.policy ? res.policy->name : "-");
	}
	cr_log_info("seed %u, %d+%d policies: %d packets, %d decided by a policy, %d permitted",
		    seed, n_pol, n_glob, n_pkt, hit, permitted);
	cr_expect_eq(wrong, 0, "%d of %d first packets disagree (%d permitted by the datapath only)",
		     wrong, n_pkt, open);
out:
	sfw_conf_free(&conf);
	free(text);
}

Test(diffpol, many_rules_63_64_65) {
	big_differential(11, 63, 0, 200);
	big_differential(12, 64, 0, 200);
	big_differential(13, 65, 1, 200);
}
Test(diffpol, many_rules_across_words) { big_differential(14, 300, 40, 600); }
Test(diffpol, many_rules_at_the_limit) { big_differential(15, 1000, 24, 600); }
Test(diffpol, many_rules_past_the_limit_refused) { big_differential(16, 1000, 25, 0); }
Test(diffpol, many_rules_restricted_globals) { big_differential(17, 500, 500, 600); }

/* The same first packets in other shapes, on XDP's path to junos-host:
 * IPv6 extension headers, IPv4 options, a VLAN tag, TCP first packets
 * without a SYN. A shape may be refused (fail closed) but never opened or
 * passed where the policy denies: `show security match-policies` has no
 * word for the shape, so it must mean the plain packet's verdict. */
static void shapes(unsigned int seed, int n_conf, int n_pkt)
{
	static const __u8 flags[] = { SFW_TCP_SYN, SFW_TCP_SYN | SFW_TCP_ACK, SFW_TCP_ACK,
				      SFW_TCP_FIN, SFW_TCP_RST, 0, SFW_TCP_SYN | SFW_TCP_FIN,
				      SFW_TCP_SYN | SFW_TCP_RST, SFW_TCP_SYN | SFW_TCP_PSH,
				      SFW_TCP_SYN | 0x20 /* URG */, SFW_TCP_FIN | SFW_TCP_PSH | 0x20 };
	int checked = 0, open = 0, closed = 0;

	rnd_state = seed;
	for (int c = 0; c < n_conf; c++) {
		struct gen g;
		struct sfw_conf conf;
		struct sfw_policy_fds f = fds();

		if (!next_config(&g, &conf, &f))
			continue;
		for (int k = 0; k < n_pkt; k++) {
			struct pb_spec s;
			struct sfw_match_result res;
			unsigned int shape = rnd(5);
			bool dp, cf;

			random_packet(&s, PATH_XDP_HOST);
			if (never_first(&s) || !fx_session(&s, &(struct sfw_session){ 0 }))
				continue;
			res = matcher(&conf, PATH_XDP_HOST, g.lo_zone, g.d1_zone, &s);
			cf = res.action == SFW_CONF_ACTION_PERMIT;
			if (shape == 0 && s.proto == SFW_IPPROTO_TCP) {
				s.tcp_flags = PICK(flags);
			} else if (shape == 1 && strchr(s.dst, ':')) {
				static const __u8 ext[] = { SFW_IPPROTO_HOPOPTS, SFW_IPPROTO_DSTOPTS,
							    SFW_IPPROTO_ROUTING, SFW_IPPROTO_FRAGMENT };

				s.n_ext = 1 + rnd(2);
				for (int e = 0; e < s.n_ext; e++)
					s.ext[e] = PICK(ext);
			} else if (shape == 1) {
				s.ip_opts = 4;
			} else if (shape == 2) {
				s.nvlan = 1;
				s.vlan_id[0] = 5;
			} else if (shape == 3 && s.proto != SFW_IPPROTO_TCP) {
				/* a group or broadcast datagram: the host's, judged to
				 * junos-host as the plain packet is */
				static const char *const grp4[] = { "224.0.0.251", "239.1.2.3",
								    "255.255.255.255", "192.0.2.255" };
				static const char *const grp6[] = { "ff02::1", "ff05::1:3", "ff0e::1" };

				s.dst = strchr(s.dst, ':') ? PICK(grp6) : PICK(grp4);
				res = matcher(&conf, PATH_XDP_HOST, g.lo_zone, g.d1_zone, &s);
				cf = res.action == SFW_CONF_ACTION_PERMIT;
			}
			dp = datapath_permits(PATH_XDP_HOST, &s);
			checked++;
			if (dp && !cf) {
				open++;
				if (open <= 3)
					cr_log_error("seed %u conf %d: %s %s -> %s dport %u flags %#x ext %u "
						     "opts %u vlan %u: passed, the policy denies (%s)\\n%s",
						     seed, c, proto_word(s.proto), s.src, s.dst, s.dport,
						     s.tcp_flags, s.n_ext, s.ip_opts, s.nvlan,
						     sfw_match_source_name(res.source), g.text);
			}
			closed += !dp && cf;
		}
		sfw_conf_free(&conf);
	}
	cr_log_info("seed %u: %d shaped first packets, %d passed against the policy, %d refused "
		    "that it permits", seed, checked, open, closed);
	cr_expect_eq(open, 0, "%d shaped first packets passed where the policy denies", open);
}

Test(diffpol, shaped_first_packets_seed1) { shapes(21, 150, 10); }
Test(diffpol, shaped_first_packets_seed2) { shapes(22, 150, 10); }

/* XDP's transit path: a veth pair, fa where first packets come in and fb
 * where every route but fa's own subnet leaves (default routes, both
 * families), forwarding on. The to-zone is fb's, as the route says; the
 * generator's "lo" zone is fb's, its "d1" zone fa's. A first packet the
 * datapath refuses though the policy permits (a source the route checks
 * refuse) is counted, not failed: only a session the policy denies is. */
static void fwd_setup(void)
{
	veth_pair_up("ip addr add 2001:db8::1/64 dev fa nodad && "
		     "ip addr add 2001:db8:1::1/64 dev fb nodad && "
		     "ip route add default dev fb && ip -6 route add default dev fb && "
		     "sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1");
	cr_assert_eq(fx_mark_attached(in_if), 0);
	cr_assert_eq(fx_mark_attached(out_if), 0);
	if_to = "fb";
	if_from = "fa";
}

TestSuite(diffpol_fwd, .init = fwd_setup, .fini = suite_teardown);

static void transit(unsigned int seed, int n_conf, int n_pkt)
{
	int checked = 0, open = 0, closed = 0, opened = 0;

	rnd_state = seed;
	for (int c = 0; c < n_conf; c++) {
		struct gen g;
		struct sfw_conf conf;
		struct sfw_policy_fds f = fds();

		if (!next_config(&g, &conf, &f))
			continue;
		for (int k = 0; k < n_pkt; k++) {
			struct sfw_match_result res;
			struct sfw_match_pkt m;
			struct pb_spec s;
			struct pb_pkt in, out;
			int before, from, to;
			bool dp, cf;

			random_packet(&s, PATH_TC_FORWARDED);
			/* fa's subnets and the host's addresses are not transit */
			if (!strncmp(s.dst, "2001:db8::", 10) || !strncmp(s.dst, "198.51.100.", 11) ||
			    !strcmp(s.dst, "203.0.113.1") || !strncmp(s.dst, "::ffff:", 7) ||
			    never_first(&s) || !fx_session(&s, &(struct sfw_session){ 0 }))
				continue;
			from = zone_of_iface(&conf, g.d1_zone);
			to = zone_of_iface(&conf, g.lo_zone);
			pkt_of(&s, &m);
			sfw_policy_match(&conf, from, to, &m, &res);
			cf = res.action == SFW_CONF_ACTION_PERMIT;
			before = fx_session_count();
			run_at(in_if, &s, &in, &out);
			dp = fx_session_count() == before + 1;
			checked++;
			opened += dp;
			if (dp && !cf) {
				open++;
				if (open <= 3)
					cr_log_error("seed %u conf %d: fa->fb %s %s -> %s dport %u: opened, "
						     "the matcher denies (%s, policy %s)\n%s", seed, c,
						     proto_word(s.proto), s.src, s.dst, s.dport,
						     sfw_match_source_name(res.source),
						     res.policy ? res.policy->name : "-", g.text);
			}
			closed += !dp && cf;
			if (!dp && cf && getenv("DIFFPOL_DEBUG")) {
				struct sfw_iface_stats st;

				fx_counters(in_if, &st);
				fprintf(stderr, "refused, permitted: %s %s -> %s dport %u type %u "
					"(no route %llu, spoofing %llu, invalid zone %llu, no zone %llu, "
					"denied %llu)\n",
					proto_word(s.proto), s.src, s.dst, s.dport, s.icmp_type,
					(unsigned long long)st.c[SFW_CNT_ERR_NO_ROUTE],
					(unsigned long long)st.c[SFW_CNT_ERR_ADDRESS_SPOOFING],
					(unsigned long long)st.c[SFW_CNT_ERR_INVALID_ZONE],
					(unsigned long long)st.c[SFW_CNT_ERR_NO_ZONE],
					(unsigned long long)st.c[SFW_CNT_ERR_POLICY_DENIED]);
			}
		}
		sfw_conf_free(&conf);
	}
	cr_log_info("seed %u: %d transit first packets, %d opened, %d opened against the "
		    "policy, %d refused that it permits", seed, checked, opened, open, closed);
	cr_assert_gt(opened, 0, "nothing was forwarded: the fixture's routes?");
	cr_expect_eq(open, 0, "%d transit first packets opened where the policy denies", open);
}

Test(diffpol_fwd, transit_seed1) { transit(31, 150, 10); }
Test(diffpol_fwd, transit_seed2) { transit(32, 150, 10); }
