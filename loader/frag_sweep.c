/* NAT datagrams' records (bpf/frag.bpf.h sfw_nat_frags) past their expiry,
 * deleted: that map is a plain hash, so that no flood of other first
 * fragments evicts a NAT record (review rvclash, RVC-1), and nothing but
 * this removes what expired. The session daemon runs it every second; a
 * full map meanwhile records no new NAT datagram (fail closed). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader_int.h"
#include "frag.h"
#include "maps.h"

/* Has the record of k expired before now_ns? Asked in the walk, and
 * again just before its delete: the walk takes milliseconds, and a
 * new datagram under the identity may have been recorded meanwhile
 * (review rvsplit, RVS-1). What is left is the microseconds between this
 * read and the delete: a record written there is lost, and its
 * datagram's later fragments are dropped (fail closed). */
static bool record_expired(int map_fd, const struct sfw_frag_key *k, __u64 now_ns)
{
	struct sfw_frag v;

	return !bpf_map_lookup_elem(map_fd, k, &v) && v.expires_ns < now_ns;
}

/* The keys of map_fd's records that expired before now_ns, up to max:
 * how many. Collected first: a delete during the walk would restart it. */
static __u32 expired_keys(int map_fd, __u64 now_ns, struct sfw_frag_key *keys, __u32 max)
{
	struct sfw_frag_key k, next;
	__u32 n = 0;
	void *at = NULL;

	while (n < max && !bpf_map_get_next_key(map_fd, at, &next)) {
		k = next;
		at = &k;
		if (record_expired(map_fd, &k, now_ns))
			keys[n++] = k;
	}
	return n;
}

int sfw_nat_frags_expire(int map_fd, __u64 now_ns)
{
	/* kept from one call to the next: the daemon sweeps every second,
	 * and 640 KB were allocated and freed each time */
	static struct sfw_frag_key *keys;
	int fd = map_fd, n, removed = 0;

	if (fd < 0) {
		fd = sfw_open_pin(SFW_STR(SFW_MAP_NAT_FRAGS), true);
		if (fd == -ENOENT)
			return 0;   /* a datapath from before the map: nothing to do */
		if (fd < 0)
			return fd;
	}
	if (!keys)
		keys = calloc(SFW_MAX_NAT_FRAGS, sizeof(*keys));
	if (!keys) {
		removed = sfw_fail(ENOMEM, "out of memory");
		goto out;
	}
	n = (int)expired_keys(fd, now_ns, keys, SFW_MAX_NAT_FRAGS);
	for (int i = 0; i < n; i++)
		removed += record_expired(fd, &keys[i], now_ns) && !bpf_map_delete_elem(fd, &keys[i]);
out:
	if (map_fd < 0)
		close(fd);
	return removed;
}
