/* Reading the datapath's tables for the mirror: every session in batches
 * (NAT aliases are none, docs/nat.md), an interface's zone (a zone's
 * interface: ha/zone_cache.c). */
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
