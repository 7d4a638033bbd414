/* Zones follow interface names (loader/zone_ifnames.c), as the session
 * daemon and attach make them follow (sfw_zones_resolve): what the red
 * team's rv36 found (F1, F3: red on zones40) and what it found sound.
 * The zone_bind suite's layout: fa and fc in trust, fb in untrust, the
 * NAT fixture (tests/bpf/nat_fixture.h), transit from CLIENT_A (fa) to
 * SERVER1 (fb) permitted from trust to untrust, everything else denied. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include "commit.h"
#include "nat_fixture.h"
#include "outcome.h"
#include "policy_write.h"

#define FC_TRUST "set security zones security-zone trust interfaces fa\n" \
		 "set security zones security-zone trust interfaces fc\n" \
		 "set security zones security-zone untrust interfaces fb\n"
#define FC_UNTRUST "set security zones security-zone trust interfaces fa\n" \
		   "set security zones security-zone untrust interfaces fc\n" \
		   "set security zones security-zone untrust interfaces fb\n"
#define FA_UNTRUST "set security zones security-zone trust interfaces fc\n" \
		   "set security zones security-zone untrust interfaces fa\n" \
		   "set security zones security-zone untrust interfaces fb\n"
#define PLAIN "set security policies from-zone trust to-zone untrust policy out match source-address any destination-address any application any\n" \
	      "set security policies from-zone trust to-zone untrust policy out then permit\n" \
	      "set security policies default-policy deny-all\n"

static __u32 fc_if;

static void setup(void)
{
	nat_setup();
	cr_assert_eq(system("ip link add fc type veth peer name fd && ip link set fc up && "
			    "ip link set fd up"), 0);
	fc_if = if_nametoindex("fc");
	cr_assert(fc_if);
	cr_assert_eq(fx_add_counters(fc_if), 0);
	commit(FC_TRUST PLAIN);
}

TestSuite(zone_follow, .init = setup, .fini = suite_teardown);

static __u32 gen_in_force(void)
{
	struct sfw_config cfg;

	cr_assert_eq(fx_config(&cfg), 0);
	return cfg.gen & 1;
}

static __u32 zone_in_force(__u32 ifindex)
{
	struct sfw_policy_fds f = fds();
	struct sfw_zone_key k = { .ifindex = ifindex, .gen = gen_in_force() };
	__u32 zone;

	return bpf_map_lookup_elem(f.zones, &k, &zone) ? SFW_ZONE_NONE : zone;
}

/* What the session daemon does on a link message (sfw_zones_follow). */
static int try_follow(void)
{
	struct sfw_policy_fds f = fds();
	struct sfw_followed out;

	return sfw_names_follow(&f, &out);
}

static void follow_links(void)
{
	cr_assert_geq(try_follow(), 0, "%s", sfw_last_error());
}

/* A commit as an sfw before zones40 makes it on pins that have the names
 * map (a downgrade; or the new sfw's own path for pins without it): its
 * purge and its writes know no sfw_zone_ifnames. */
static void commit_as_older_sfw(const char *text)
{
	struct sfw_policy_fds f = fds();

	f.zone_ifnames = -1;
	f.nat_proxy_names = -1;
	cr_assert_eq(commit_into(text, &f), 0, "compile: %s", sfw_last_error());
}

/* Names left in a generation by commits that did not write names are not
 * the configuration in force's. After a downgrade (two commits by the
 * older sfw) and the upgrade back, the new daemon's first pass made fa,
 * untrust's in the configuration in force, trust's: the names of the
 * configuration two commits back (rv36 F1). They are not followed. */
Test(zone_follow, names_another_commit_left_are_not_followed)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41200, 53);
	struct pb_pkt in, out;
	__u32 untrust;

	commit(FC_UNTRUST PLAIN);           /* names in generation B */
	commit_as_older_sfw(FC_TRUST PLAIN);   /* A's zones; B's names stay */
	commit_as_older_sfw(FA_UNTRUST PLAIN); /* B's zones; B's names: FC_UNTRUST's */
	untrust = zone_in_force(out_if);
	cr_assert_eq(zone_in_force(in_if), untrust, "fa is untrust's as committed");
	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_DROP, "untrust to untrust");
	cr_expect_eq(try_follow(), -ESTALE, "followed: %s", sfw_last_error());   /* the upgraded daemon */
	cr_expect_eq(zone_in_force(in_if), untrust,
		     "fa (untrust in the configuration in force) is in zone %u now",
		     zone_in_force(in_if));
	u.sport = 41201;
	cr_expect_eq(run_at(in_if, &u, &in, &out), FX_XDP_DROP,
		     "fa's packet to SERVER1 is judged trust to untrust: permitted");
}

/* The suite's configuration and n more interfaces bound to trust, names
 * no interface here bears (hosts of a fleet). */
static char *fleet_text(int n)
{
	size_t cap = (size_t)(n + 8) * 64, len = 0;
	char *text = malloc(cap);

	cr_assert_not_null(text);
	len += (size_t)snprintf(text + len, cap - len, FC_TRUST PLAIN);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"set security zones security-zone trust interfaces h%d\n", i);
	return text;
}

/* A configuration that names more interfaces than exist, one per host of
 * a fleet: zones40 refused more than 2048 (which every earlier sfw
 * committed and `commit check` passed; after an upgrade, attach failed
 * closed on it: rv36 F3). */
Test(zone_follow, more_than_2048_interface_names_commit)
{
	char *text = fleet_text(2047);   /* one host of a fleet: 2050 names */
	struct sfw_policy_fds f = fds();

	cr_expect_eq(commit_into(text, &f), 0, "%s", sfw_last_error());
	free(text);
}

/* A rename swap (fa <-> fb) swaps the zones of both indexes and
 * ends the session with a wing on them; two commits of 2048 names each
 * fit the map (both generations); a 15-character name made after the
 * commit gets its zone. */
Test(zone_follow, rename_swap_swaps_zones_and_ends_sessions)
{
	struct pb_spec u = udp(CLIENT_A, SERVER1, 41210, 53);
	struct pb_pkt in, out;
	struct sfw_session v;
	__u32 trust = zone_in_force(in_if), untrust = zone_in_force(out_if);

	cr_assert_eq(run_at(in_if, &u, &in, &out), FX_XDP_REDIRECT);
	cr_assert_eq(fx_session(&u, &v), 0);
	cr_assert_eq(system("ip link set fa down && ip link set fb down && "
			    "ip link set fa name tmp && ip link set fb name fa && "
			    "ip link set tmp name fb && ip link set fa up && ip link set fb up"), 0);
	follow_links();
	cr_expect_eq(zone_in_force(in_if), untrust);
	cr_expect_eq(zone_in_force(out_if), trust);
	cr_expect_eq(zone_in_force(fc_if), trust);
	cr_expect_neq(fx_session(&u, &v), 0, "the session on the swapped interfaces stays");
}

Test(zone_follow, two_commits_of_2048_names_fit_both_generations)
{
	char *text = fleet_text(2045);   /* 2048 names */
	struct sfw_policy_fds f = fds();

	cr_expect_eq(commit_into(text, &f), 0, "%s", sfw_last_error());
	cr_expect_eq(commit_into(text, &f), 0, "%s", sfw_last_error());
	cr_expect_eq(map_count("sfw_zone_ifnames"), 2049, "the old generation purged (2048 "
		     "names and the generation's tag)");
	free(text);
}

Test(zone_follow, ifnamsiz_name_created_after_the_commit)
{
	commit(FC_TRUST "set security zones security-zone trust interfaces abcdefghijklmno\n"
	       PLAIN);
	cr_assert_eq(system("ip link add abcdefghijklmno type veth peer name q0"), 0);
	follow_links();
	cr_expect_eq(zone_in_force(if_nametoindex("abcdefghijklmno")), zone_in_force(in_if));
	cr_assert_eq(system("ip link set abcdefghijklmno name abcdefghijklmnp"), 0);
	follow_links();
	cr_expect_eq(zone_in_force(if_nametoindex("abcdefghijklmnp")), SFW_ZONE_NONE);
}

/* Makes interfaces h0 .. h(n-1), fleet_text's names, in one batch. */
static void make_fleet_links(int n)
{
	FILE *ip = popen("ip -batch -", "w");

	cr_assert_not_null(ip);
	for (int i = 0; i < n; i++)
		fprintf(ip, "link add h%d type veth peer name p%d\n", i, i);
	cr_assert_eq(pclose(ip), 0);
}

/* Interfaces the configuration names that come after its commit grow the
 * generation in force without a commit: past half the zones map (512
 * entries for both generations until zonecap), the next commit keeping
 * them failed (E2BIG), and every follow after it failed closed (rv36's
 * residual risk). 303 bindings in each generation fit now. */
Test(zone_follow, follow_past_half_the_zones_map_then_commit)
{
	char *text = fleet_text(300);
	struct sfw_policy_fds f = fds();

	commit(text);
	make_fleet_links(300);
	follow_links();
	cr_assert_eq(zone_in_force(if_nametoindex("h299")), zone_in_force(in_if));
	cr_expect_eq(commit_into(text, &f), 0, "%s", sfw_last_error());
	cr_expect_eq(zone_in_force(if_nametoindex("h299")), zone_in_force(in_if));
	cr_expect_eq(try_follow(), 0, "%s", sfw_last_error());
	free(text);
}

/* The policy maps with the zones map an older sfw pinned: two
 * generations of SFW_MAX_IFACES entries. */
static struct sfw_policy_fds older_zones_fds(void)
{
	struct sfw_policy_fds f = fds();

	f.zones = bpf_map_create(BPF_MAP_TYPE_HASH, "sfw_zones", sizeof(struct sfw_zone_key),
				 sizeof(__u32), 2 * SFW_MAX_IFACES, NULL);
	cr_assert_geq(f.zones, 0);
	return f;
}

/* A commit refused on that map: -E2BIG, the counts and the way out said. */
static void expect_older_zones_full(int r, int in_force, int here)
{
	char want[256];

	snprintf(want, sizeof(want), "%d interfaces bound to zones in force and %d for this "
		 "configuration exceed the 512 entries of the zones map an older sfw pinned "
		 "(detach all, then attach, to grow it)", in_force, here);
	cr_expect_eq(r, -E2BIG, "%d %s", r, sfw_last_error());
	cr_expect_str_eq(sfw_last_error(), want);
}

/* On an older sfw's zones map (2 x SFW_MAX_IFACES, preallocated), kept
 * over an upgrade until `detach all`: a follow leaves the generation in
 * force at half of it, bindings it held first, and says how many it left
 * in no zone; a commit that keeps up to half still finds room. */
Test(zone_follow, follow_on_an_older_zones_map_leaves_a_commit_room)
{
	char *text = fleet_text(300), *fewer = fleet_text(250);
	struct sfw_policy_fds f = older_zones_fds();
	struct sfw_config cfg;

	cr_assert_eq(commit_into(text, &f), 0, "%s", sfw_last_error());
	make_fleet_links(300);
	cr_assert_eq(fx_config(&cfg), 0);
	cr_expect_eq(sfw_zones_resolve(&f, cfg.gen & 1, true, cfg.conf_digest), 303 - 256,
		     "%s", sfw_last_error());
	cr_expect_eq(bpf_map_lookup_elem(f.zones, &(struct sfw_zone_key){ .ifindex = in_if,
			.gen = cfg.gen & 1 }, &(__u32){ 0 }), 0, "fa, bound before, keeps its zone");
	cr_expect(strstr(sfw_last_error(), "47 interfaces named in the configuration are left "
				"in no zone"), "%s", sfw_last_error());
	cr_expect_eq(commit_into(fewer, &f), 0, "253 bindings: %s", sfw_last_error());
	close(f.zones);
	free(text);
	free(fewer);
}

/* Entries in an older sfw's zones map. */
static int older_zones_count(const struct sfw_policy_fds *f)
{
	struct sfw_zone_key k, next;
	void *at = NULL;
	int n = 0;

	for (; !bpf_map_get_next_key(f->zones, at, &next); at = &k, n++)
		k = next;
	return n;
}

/* On an older sfw's zones map, a commit binding more than half of it,
 * present here, was written whole (a follow is held to half, a commit
 * was not): the commit or follow after it then found no room, and failed
 * closed (review rvlcl F1). Refused now at the first, with the way out
 * said (detach all, then attach), failing closed: nothing written, the
 * generation in force as it was; a commit of half still fits. */
Test(zone_follow, a_commit_past_half_an_older_zones_map_is_refused)
{
	char *text = fleet_text(300), *fewer = fleet_text(253);
	struct sfw_policy_fds f = older_zones_fds();
	struct sfw_config before, after;
	__u32 trust = zone_in_force(in_if);

	make_fleet_links(300);
	cr_assert_eq(fx_config(&before), 0);
	cr_expect_eq(commit_into(text, &f), -E2BIG, "303 bindings: %s", sfw_last_error());
	cr_expect_str_eq(sfw_last_error(), "303 interfaces named in the configuration cannot "
			 "be bound to zones: the zones map an older sfw pinned holds 256 per "
			 "configuration (detach all, then attach, to grow it)");
	cr_assert_eq(fx_config(&after), 0);
	cr_expect_eq(after.gen, before.gen, "the generation in force flipped");
	cr_expect_eq(zone_in_force(in_if), trust, "fa's zone in force");
	cr_expect_eq(older_zones_count(&f), 0, "the refused generation's entries written");
	cr_expect_eq(commit_into(fewer, &f), 0, "256 bindings: %s", sfw_last_error());
	cr_expect_eq(older_zones_count(&f), 256);
	close(f.zones);
	free(text);
	free(fewer);
}

/* The generation in force past half that map, as a commit by an sfw that
 * did not hold commits to it left it (303, written here): a commit of 253
 * does not fit beside it, and the line says both, against the map's size
 * (review rvlcl F1). */
Test(zone_follow, a_commit_under_half_after_an_uncapped_one_says_both)
{
	char *fewer = fleet_text(250);
	struct sfw_policy_fds f = older_zones_fds();
	__u32 in_force = gen_in_force(), zone = 1;

	make_fleet_links(250);
	for (__u32 i = 0; i < 303; i++)
		cr_assert_eq(bpf_map_update_elem(f.zones, &(struct sfw_zone_key){
				.ifindex = 100000 + i, .gen = in_force }, &zone, BPF_ANY), 0);
	expect_older_zones_full(commit_into(fewer, &f), 303, 253);
	close(f.zones);
	free(fewer);
}

/* The proxy-arp/ndp entries of the generation in force on ifindex, and
 * the MAC of the last. */
static int proxies_on(__u32 ifindex, __u8 mac[6])
{
	struct sfw_policy_fds f = fds();
	struct sfw_nat_proxy_key k, next;
	struct sfw_nat_proxy v;
	__u32 gen = gen_in_force();
	int n = 0, err = bpf_map_get_next_key(f.nat_proxies, NULL, &next);

	for (; !err; err = bpf_map_get_next_key(f.nat_proxies, &k, &next)) {
		k = next;
		if (k.gen == gen && k.ifindex == ifindex &&
		    !bpf_map_lookup_elem(f.nat_proxies, &k, &v)) {
			memcpy(mac, v.mac, 6);
			n++;
		}
	}
	return n;
}

/* (sysfs shows the first namespace's interfaces, not this test's) */
static void mac_of(const char *ifname, __u8 mac[6])
{
	struct ifreq r = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0);
	snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", ifname);
	cr_assert_eq(ioctl(fd, SIOCGIFHWADDR, &r), 0, "%s", strerror(errno));
	close(fd);
	memcpy(mac, r.ifr_hwaddr.sa_data, 6);
}

/* proxy-arp entries were bound by index at commit: an interface renamed
 * (or deleted, its index given to another) kept answering ARP for the
 * pool addresses configured on its old name, and the interface that
 * bears the name now answered none (rv36's residual risk). They follow
 * names as the zones do: here fc is renamed fz and a new fc made. */
Test(zone_follow, proxy_arp_follows_the_interface_name)
{
	__u8 mac[6], want[6];

	commit(FC_TRUST "set security nat proxy-arp interface fc address 192.0.2.10/32 to "
	       "192.0.2.11/32\n" PLAIN);
	cr_assert_eq(proxies_on(fc_if, mac), 1);
	cr_assert_eq(system("ip link set fc down && ip link set fc name fz && "
			    "ip link add fc type veth peer name fy"), 0);
	follow_links();
	cr_expect_eq(proxies_on(fc_if, mac), 0, "fz (fc at the commit) answers for fc's range");
	cr_expect_eq(proxies_on(if_nametoindex("fc"), mac), 1, "the new fc answers for none");
	mac_of("fc", want);
	cr_expect_arr_eq(mac, want, 6, "answered with another interface's MAC: %02x%02x%02x%02x%02x%02x want %02x%02x%02x%02x%02x%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], want[0], want[1], want[2], want[3], want[4], want[5]);
}

/* zones40 (and any sfw before zonecap) writes no proxy names and purges
 * none: after a downgrade's two commits and the upgrade back, the names
 * in the generation in force are those of the configuration two commits
 * old. They are not followed (their own tag, as the zones' names). */
Test(zone_follow, proxy_names_another_commit_left_are_not_followed)
{
	struct sfw_policy_fds older = fds();
	__u8 mac[6];

	older.nat_proxy_names = -1;   /* zones40: zone names, no proxy names */
	commit(FC_TRUST "set security nat proxy-arp interface fc address 192.0.2.10/32\n" PLAIN);
	cr_assert_eq(commit_into(FC_TRUST PLAIN, &older), 0, "%s", sfw_last_error());
	cr_assert_eq(commit_into(FC_TRUST PLAIN, &older), 0, "%s", sfw_last_error());
	cr_assert_eq(proxies_on(fc_if, mac), 0, "committed without proxy-arp");
	cr_expect_eq(try_follow(), -ESTALE, "%s", sfw_last_error());
	cr_expect_eq(proxies_on(fc_if, mac), 0, "fc answers for a range no longer configured");
}

/* On an older sfw's zones map a follow left 47 interfaces in no zone, and
 * the proxies then failed (their names untagged, as before the first
 * commit after an upgrade): the caller got the proxies' error alone, the
 * daemon never said the 47, and said the proxies' failure as the zones'
 * (rv43z F6). Both results reach the caller now, each with its message. */
Test(zone_follow, a_follow_says_the_zones_left_and_the_proxies_failure_apart)
{
	char *fleet = fleet_text(300), *text;
	struct sfw_policy_fds f = older_zones_fds();
	struct sfw_nat_proxy_name_key tag = { .gen = (__u8)gen_in_force() };
	struct sfw_followed out;

	text = malloc(strlen(fleet) + 128);
	cr_assert_not_null(text);
	sprintf(text, "%sset security nat proxy-arp interface fc address 192.0.2.10/32\n",
		fleet);
	cr_assert_eq(commit_into(text, &f), 0, "%s", sfw_last_error());
	make_fleet_links(300);
	tag.gen = (__u8)gen_in_force();
	cr_assert_eq(bpf_map_delete_elem(f.nat_proxy_names, &tag), 0, "the proxies' tag");
	cr_expect_eq(sfw_names_follow(&f, &out), -ESTALE, "the proxies' error returned");
	cr_expect_eq(out.zones, 47, "%s", out.zones_said);
	cr_expect(strstr(out.zones_said, "47 interfaces named in the configuration are left in "
			 "no zone"), "%s", out.zones_said);
	cr_expect_eq(out.proxies, -ESTALE, "%s", out.proxies_said);
	cr_expect(strstr(out.proxies_said, "proxy-arp/ndp interface names"), "%s",
		  out.proxies_said);
	close(f.zones);
	free(text);
	free(fleet);
}

/* Untagged proxy names alone: the zones followed, and say nothing. */
Test(zone_follow, untagged_proxy_names_are_the_proxies_failure_alone)
{
	struct sfw_policy_fds f = fds();
	struct sfw_nat_proxy_name_key tag = { .gen = (__u8)gen_in_force() };
	struct sfw_followed out;

	cr_assert_eq(bpf_map_delete_elem(f.nat_proxy_names, &tag), 0, "the proxies' tag");
	cr_expect_eq(sfw_names_follow(&f, &out), -ESTALE, "%s", sfw_last_error());
	cr_expect_eq(out.zones, 0, "%s", out.zones_said);
	cr_expect_str_empty(out.zones_said);
	cr_expect(strstr(out.proxies_said, "proxy-arp/ndp interface names"), "%s",
		  out.proxies_said);
}

/* Linked with --wrap=if_nametoindex (Makefile): after the next look-up of
 * recreate_after, that interface is deleted and made anew (another index). */
unsigned int __real_if_nametoindex(const char *ifname);
static const char *recreate_after;

unsigned int __wrap_if_nametoindex(const char *ifname)
{
	unsigned int ifindex = __real_if_nametoindex(ifname);

	if (recreate_after && !strcmp(ifname, recreate_after)) {
		recreate_after = NULL;
		cr_assert_eq(system("ip link del fc && ip link add fc type veth peer name fd"), 0);
	}
	return ifindex;
}

/* Each range of a name looked the name up anew: fc deleted and made anew
 * between its two ranges gave it two indexes, the old one answering range
 * 0 with the old MAC until the next link message (rv43z F6). One look-up
 * per name and pass: both ranges on one index, which the next follow
 * moves together. */
Test(zone_follow, two_proxy_ranges_of_one_name_get_one_index)
{
	struct sfw_policy_fds f = fds();
	struct sfw_config cfg;
	__u8 mac[6];
	__u32 fresh;

	commit(FC_TRUST "set security nat proxy-arp interface fc address 192.0.2.10/32\n"
	       "set security nat proxy-arp interface fc address 192.0.2.20/32\n" PLAIN);
	cr_assert_eq(proxies_on(fc_if, mac), 2);
	cr_assert_eq(fx_config(&cfg), 0);
	recreate_after = "fc";
	cr_expect_eq(sfw_nat_proxies_resolve(&f, cfg.gen & 1, cfg.conf_digest), 0, "%s",
		     sfw_last_error());
	recreate_after = NULL;
	fresh = if_nametoindex("fc");
	cr_assert_neq(fresh, fc_if);
	cr_expect_eq(proxies_on(fc_if, mac) + proxies_on(fresh, mac) * 10, 2,
		     "fc's ranges on the old index: %d, on the new: %d", proxies_on(fc_if, mac),
		     proxies_on(fresh, mac));
	follow_links();
	cr_expect_eq(proxies_on(fresh, mac), 2, "both follow the new fc");
}

/* Range i's first address as the names map holds it for ifname, range
 * idx of the generation in force: its last byte, or -1 when none. */
static int named_range_last_byte(const char *ifname, __u16 idx)
{
	struct sfw_policy_fds f = fds();
	struct sfw_nat_proxy_name_key k = { .gen = (__u8)gen_in_force(), .idx = idx };
	struct sfw_nat_proxy v;

	memcpy(k.ifname, ifname, strlen(ifname));
	return bpf_map_lookup_elem(f.nat_proxy_names, &k, &v) ? -1 : v.first.bytes[3];
}

/* Ranges are numbered per interface in configuration order, whatever
 * ranges of other interfaces come between them: numbered from a sort by
 * name since (a count over the ranges before each was ranges^2 compares),
 * and followed from ranges sorted by name. */
Test(zone_follow, interleaved_proxy_names_are_numbered_per_interface)
{
	__u8 mac[6];

	commit(FC_TRUST "set security nat proxy-arp interface fc address 192.0.2.10/32\n"
	       "set security nat proxy-arp interface fa address 192.0.2.30/32\n"
	       "set security nat proxy-arp interface fc address 192.0.2.20/32\n"
	       "set security nat proxy-arp interface fa address 192.0.2.40/32\n" PLAIN);
	cr_expect_eq(named_range_last_byte("fc", 0), 10);
	cr_expect_eq(named_range_last_byte("fc", 1), 20);
	cr_expect_eq(named_range_last_byte("fa", 0), 30);
	cr_expect_eq(named_range_last_byte("fa", 1), 40);
	cr_expect_eq(named_range_last_byte("fa", 2), -1);
	cr_expect_eq(proxies_on(fc_if, mac), 2);
	cr_expect_eq(proxies_on(if_nametoindex("fa"), mac), 2);
	follow_links();
	cr_expect_eq(proxies_on(fc_if, mac), 2, "after a follow");
	cr_expect_eq(proxies_on(if_nametoindex("fa"), mac), 2, "after a follow");
}

/* A failure before either part ran (the lock, the netns, the pins) is
 * marked so, for the daemon to say it as both parts' (review rvlcl F2). */
Test(zone_follow, a_failure_before_either_part_is_marked_so)
{
	struct sfw_followed out;

	cr_expect_eq(sfw_follow_failed(&out, sfw_fail(ENOENT, "no pins")), -ENOENT);
	cr_expect(out.before, "%s", out.zones_said);
	cr_expect_eq(out.proxies, 0);
	cr_expect_eq(sfw_follow_failed(&out, 0), 0);
	cr_expect_not(out.before, "nothing failed");
}
