/* Reading the datapath's tables for the mirror: every session in batches
 * (NAT aliases are none, docs/nat.md), an interface's zone. */
#include <errno.h>
#include <stdlib.h>
#include "libbpf_lazy.h"
#include "ha_int.h"
#include "policy.h"

#define HA_WALK_BATCH 1024

int ha_walk(int fd,
	    int (*visit)(const struct sfw_session_key *k, const struct sfw_session *s, void *arg),
	    void *arg)
{
	struct sfw_session_key *keys = calloc(HA_WALK_BATCH, sizeof(*keys));
	struct sfw_session *vals = calloc(HA_WALK_BATCH, sizeof(*vals));
	struct sfw_session_key cursor;
	bool started = false, done = false;
	int err = keys && vals ? 0 : -ENOMEM;

	while (!err && !done) {
		__u32 n = HA_WALK_BATCH;

		/* the batch cursor is opaque: a hash bucket, not a key */
		if (bpf_map_lookup_batch(fd, started ? &cursor : NULL, &cursor, keys, vals, &n,
					 NULL)) {
			if (errno != ENOENT) {
				err = -errno;
				break;
			}
			done = true;   /* the last batch, n entries in it */
		}
		started = true;
		/* a NAT alias is no session: neither mirrored nor counted */
		for (__u32 i = 0; i < n && !err; i++)
			if (!SFW_SESS_IS_ALIAS(&vals[i]))
				err = visit(&keys[i], &vals[i], arg);
	}
	free(keys);
	free(vals);
	return err;
}

__u8 ha_zone_of(int zones_fd, __u32 gen, __u32 ifindex)
{
	struct sfw_zone_key k = { .ifindex = ifindex, .gen = gen };
	__u32 zone = SFW_ZONE_NONE;

	if (!ifindex || bpf_map_lookup_elem(zones_fd, &k, &zone) || zone >= SFW_MAX_ZONES)
		return SFW_ZONE_NONE;
	return (__u8)zone;
}

/* The lowest ifindex of the zone's: any of them will do, since the
 * datapath binds a wing to its interface's zone (bpf/zone_bind.bpf.h)
 * and a packet of it by another of the zone's interfaces is the wing's
 * all the same (the wing then records that one). */
__u32 ha_iface_of_zone(int zones_fd, __u32 gen, __u8 zone)
{
	struct sfw_zone_key k, next;
	__u32 found = 0, z;
	int err;

	if (zone == SFW_ZONE_NONE)
		return 0;
	err = bpf_map_get_next_key(zones_fd, NULL, &next);
	while (!err) {
		k = next;
		if (k.gen == gen && !bpf_map_lookup_elem(zones_fd, &k, &z) && z == zone &&
		    (!found || k.ifindex < found))
			found = k.ifindex;
		err = bpf_map_get_next_key(zones_fd, &k, &next);
	}
	return found;
}
