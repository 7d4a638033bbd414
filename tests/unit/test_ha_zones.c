/* A wing loaded from the cluster peer carries the zone of the peer's
 * interface, not an ifindex of this node's: the replica binds it to an
 * interface of this node in that zone (ha/walk.c ha_iface_of_zone), and
 * the datapath takes the zone's other interfaces as the wing's too
 * (bpf/zone_bind.bpf.h). A zone of several interfaces used to give 0,
 * which the datapath's binding would refuse every packet of. */
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

Test(ha_zones, a_loaded_wing_takes_an_interface_of_its_zone)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "t_zones", sizeof(struct sfw_zone_key),
				sizeof(__u32), 16, NULL);

	cr_assert(fd >= 0, "a map (root needed)");
	put(fd, 9, 0, 3);
	put(fd, 5, 0, 3);   /* trust: two interfaces */
	put(fd, 7, 0, 4);   /* untrust: one */
	put(fd, 2, 1, 3);   /* the other generation's */
	cr_expect_eq(ha_iface_of_zone(fd, 0, 3), 5, "a zone of two interfaces: the lowest");
	cr_expect_eq(ha_iface_of_zone(fd, 0, 4), 7);
	cr_expect_eq(ha_iface_of_zone(fd, 1, 3), 2, "the generation asked for");
	cr_expect_eq(ha_iface_of_zone(fd, 0, 6), 0, "a zone without an interface here");
	cr_expect_eq(ha_iface_of_zone(fd, 0, SFW_ZONE_NONE), 0);
	cr_expect_eq(ha_zone_of(fd, 0, ha_iface_of_zone(fd, 0, 3)), 3, "and back");
	close(fd);
}
