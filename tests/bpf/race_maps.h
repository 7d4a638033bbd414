/* A test-only program (tests/bpf/xdp_race.bpf.c, reap_race.bpf.c) run on
 * the fixture's maps, so that it and sfw's own programs see one datapath
 * state: tests/bpf/test_races.c, and a suite that plays another CPU in
 * its own fixture (tests/bpf/test_nat_dst.c). */
#ifndef SFW_TESTS_RACE_MAPS_H
#define SFW_TESTS_RACE_MAPS_H

#include <bpf/libbpf.h>
#include "suite.h"

/* Every map of obj is the fixture's (none pinned). */
static SUITE_UNUSED void on_fixture_maps(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		int fd;

		if (bpf_map__is_internal(map))
			continue;
		cr_assert_eq(bpf_map__set_pin_path(map, NULL), 0);
		fd = fx_map_fd(false, bpf_map__name(map));
		cr_assert_geq(fd, 0, "no map %s in the fixture", bpf_map__name(map));
		cr_assert_eq(bpf_map__reuse_fd(map, fd), 0);
	}
}

#endif
