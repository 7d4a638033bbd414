/* A wing loaded from the cluster peer carries the zone of the peer's
 * interface, not an ifindex of this node's: the replica binds it to an
 * interface of this node in that zone (ha/zone_cache.c), and the datapath
 * takes the zone's other interfaces as the wing's too
 * (bpf/zone_bind.bpf.h). A zone of several interfaces used to give 0,
 * which the datapath's binding would refuse every packet of. The zones
 * map is walked once per configuration in force, not once per wing
 * (rv43z F5: 32,768 buckets walked for every loaded session). */
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <criterion/criterion.h>
#include "ha_int.h"
#include "policy.h"

static void put(int fd, __u32 ifindex, __u32 gen, __u32 zone)
{
	struct sfw_zone_key k = { .ifindex = ifindex, .gen = gen };

	cr_assert_eq(bpf_map_update_elem(fd, &k, &zone, BPF_ANY), 0);
}

static int zones_map(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "t_zones", sizeof(struct sfw_zone_key),
				sizeof(__u32), 16, NULL);

	cr_assert(fd >= 0, "a map (root needed)");
	put(fd, 9, 0, 3);
	put(fd, 5, 0, 3);   /* trust: two interfaces */
	put(fd, 7, 0, 4);   /* untrust: one */
	put(fd, 2, 1, 3);   /* the other generation's */
	return fd;
}

/* A fresh cache's answer: what one walk finds. */
static __u32 iface(int fd, __u32 gen, __u8 zone)
{
	struct ha_zone_cache c = { 0 };
	struct sfw_config cfg = { .gen = gen };

	return ha_zone_cache_iface(&c, fd, &cfg, zone);
}

Test(ha_zones, a_loaded_wing_takes_an_interface_of_its_zone)
{
	int fd = zones_map();

	cr_expect_eq(iface(fd, 0, 3), 5, "a zone of two interfaces: the lowest");
	cr_expect_eq(iface(fd, 0, 4), 7);
	cr_expect_eq(iface(fd, 1, 3), 2, "the generation asked for");
	cr_expect_eq(iface(fd, 0, 6), 0, "a zone without an interface here");
	cr_expect_eq(iface(fd, 0, SFW_ZONE_NONE), 0);
	cr_expect_eq(ha_zone_of(fd, 0, iface(fd, 0, 3)), 3, "and back");
	close(fd);
}

/* One walk answers every zone until the configuration in force changes
 * (its generation or its digest) or the cache is dropped, as the replica
 * does when an interface it gave moved zone within a generation (a
 * follow of interface names). */
Test(ha_zones, the_zones_map_is_walked_once_per_configuration)
{
	struct ha_zone_cache c = { 0 };
	struct sfw_config cfg = { .gen = 0 };
	int fd = zones_map();

	cr_assert_eq(ha_zone_cache_iface(&c, fd, &cfg, 3), 5);
	/* a zone without one walks again, but not within 100 ms of a walk */
	cr_expect_eq(ha_zone_cache_iface(&c, fd, &cfg, 6), 0);
	for (int i = 0; i < 1000; i++) {
		cr_assert_eq(ha_zone_cache_iface(&c, fd, &cfg, 3), 5);
		cr_assert_eq(ha_zone_cache_iface(&c, fd, &cfg, 4), 7);
	}
	cr_expect_eq(c.walks, 1, "one walk for 2,002 wings, not %llu",
		     (unsigned long long)c.walks);
	cfg.gen = 1;
	cr_expect_eq(ha_zone_cache_iface(&c, fd, &cfg, 3), 2, "a new generation: walked again");
	cr_expect_eq(c.walks, 2);
	cfg.gen = 0;
	cfg.conf_digest[0] = 1;
	cr_expect_eq(ha_zone_cache_iface(&c, fd, &cfg, 3), 5);
	cr_expect_eq(c.walks, 3, "a new digest: walked again");
	put(fd, 5, 0, 4);   /* a follow moves 5 to untrust, the generation the same */
	cr_expect_eq(ha_zone_cache_iface(&c, fd, &cfg, 3), 5, "the cache does not know yet");
	ha_zone_cache_drop(&c);
	cr_expect_eq(ha_zone_cache_iface(&c, fd, &cfg, 3), 9, "dropped: the zones as they are");
	cr_expect_eq(ha_zone_cache_iface(&c, fd, &cfg, 4), 5);
	cr_expect_eq(c.walks, 4);
	close(fd);
}
