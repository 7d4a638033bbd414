/* The replica's interface of each zone (ha/replica.c rebuild): one walk of
 * the zones map per configuration in force, not one per loaded session.
 * The map holds an entry per name a configuration may bind (loader/
 * zone_ifnames.c), and a walk of it costs its buckets, full or not. */
#include <string.h>
#include "libbpf_lazy.h"
#include "ha_int.h"
#include "policy.h"
#include "reap.h"

/* A zone found without an interface walks again at most this often: a
 * follow may give it one without changing the generation. */
#define HA_ZONE_MISS_NS 100000000ull

/* The lowest ifindex of each zone's: any of them will do, since the
 * datapath binds a wing to its interface's zone (bpf/zone_bind.bpf.h)
 * and a packet of it by another of the zone's interfaces is the wing's
 * all the same (the wing then records that one). */
static void fill(struct ha_zone_cache *c, int zones_fd, const struct sfw_config *cfg)
{
	struct sfw_zone_key k, next;
	__u32 z;
	int err;

	memset(c->iface, 0, sizeof(c->iface));
	err = bpf_map_get_next_key(zones_fd, NULL, &next);
	while (!err) {
		k = next;
		if (k.gen == cfg->gen && !bpf_map_lookup_elem(zones_fd, &k, &z) &&
		    z < SFW_MAX_ZONES && z != SFW_ZONE_NONE &&
		    (!c->iface[z] || k.ifindex < c->iface[z]))
			c->iface[z] = k.ifindex;
		err = bpf_map_get_next_key(zones_fd, &k, &next);
	}
	c->gen = cfg->gen;
	memcpy(c->digest, cfg->conf_digest, sizeof(c->digest));
	c->filled_ns = sfw_coarse_now_ns();
	c->valid = true;
	c->walks++;
}

__u32 ha_zone_cache_iface(struct ha_zone_cache *c, int zones_fd, const struct sfw_config *cfg,
			  __u8 zone)
{
	if (zone == SFW_ZONE_NONE || zone >= SFW_MAX_ZONES)
		return 0;
	if (!c->valid || c->gen != cfg->gen ||
	    memcmp(c->digest, cfg->conf_digest, sizeof(c->digest)) ||
	    (!c->iface[zone] && sfw_coarse_now_ns() - c->filled_ns >= HA_ZONE_MISS_NS))
		fill(c, zones_fd, cfg);
	return c->iface[zone];
}

void ha_zone_cache_drop(struct ha_zone_cache *c)
{
	c->valid = false;
}
