/* Collecting an interface's flow counters and zone from the maps. Each
 * function takes map fds, so tests run them on maps they create. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "libbpf_lazy.h"
#include "iface.h"
#include "iface_stats.h"
#include "policy.h"

/* Per-CPU values are laid out at 8-byte strides; the struct is all __u64,
 * so its size already is one. */
SFW_STATIC_ASSERT(sizeof(struct sfw_iface_stats) % 8 == 0, "per-CPU stride");

/* A map whose value is not the size we read would overrun our buffer
 * (the lead may still change the zone map's value): check first. */
static bool value_size_is(int fd, __u32 size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return !bpf_obj_get_info_by_fd(fd, &info, &len) && info.value_size == size;
}

const char *sfw_iface_zone(int zones_fd, int names_fd, __u32 gen, __u32 ifindex,
			   char *buf, size_t len)
{
	struct sfw_zone_key zk = { .ifindex = ifindex, .gen = gen };
	struct sfw_name_key nk = { .kind = SFW_NAME_ZONE };
	struct sfw_name name;
	__u32 zone = SFW_ZONE_NONE;

	if (zones_fd < 0 || !value_size_is(zones_fd, sizeof(zone)) ||
	    bpf_map_lookup_elem(zones_fd, &zk, &zone) || zone == SFW_ZONE_NONE)
		return NULL;
	nk.id = zone;
	if (names_fd >= 0 && value_size_is(names_fd, sizeof(name)) &&
	    !bpf_map_lookup_elem(names_fd, &nk, &name) && name.name[0]) {
		snprintf(buf, len, "%.*s", (int)sizeof(name.name), name.name);
		return buf;
	}
	snprintf(buf, len, "zone-%u", zone);
	return buf;
}
