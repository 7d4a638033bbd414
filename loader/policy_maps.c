/* Reading back what the CLI shows of policies: hit counts and the names
 * stored at the last commit. Map reads only: no configuration. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"
#include "policy.h"

int sfw_policy_hits(__u32 policy_index, __u64 *hits)
{
	int ncpu = libbpf_num_possible_cpus(), fd, err = 0;
	__u64 *v;

	if (ncpu < 0)
		return sfw_fail(-ncpu, "cannot count CPUs");
	fd = sfw_open_map(SFW_STR(SFW_MAP_POL_HITS));
	if (fd < 0)
		return fd;
	v = calloc(ncpu, sizeof(*v));
	*hits = 0;
	if (!v)
		err = sfw_fail(ENOMEM, "out of memory");
	else if (bpf_map_lookup_elem(fd, &policy_index, v))
		err = sfw_fail(errno, "no hit count for policy index %u", policy_index);
	for (int i = 0; !err && i < ncpu; i++)
		*hits += v[i];
	free(v);
	close(fd);
	return err;
}

int sfw_policy_hits_clear(void)
{
	return sfw_percpu_zero(SFW_STR(SFW_MAP_POL_HITS), 0, SFW_MAX_POLICY_INDEX - 1,
			       sizeof(__u64), "hit counts");
}

/* Listings ask for the same few names over and over: a small direct-mapped
 * cache (and one open map) keeps that to one syscall per distinct id. */
#define NAME_CACHE 256

struct name_slot {
	bool valid, found;
	struct sfw_name_key key;
	struct sfw_name name;
};

/* What snprintf(buf, len, "%.*s", n, s) writes, without its format
 * parsing: listings name a policy on every session line. */
static void copy_name(char *buf, size_t len, const char *s, size_t n)
{
	if (!len)
		return;
	n = strnlen(s, n);
	if (n > len - 1)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

bool sfw_name_lookup(enum sfw_name_kind kind, __u32 id, char *buf, size_t len)
{
	static struct name_slot cache[NAME_CACHE];
	static int fd = -1;
	struct sfw_name_key k = { .kind = kind, .id = id };
	struct name_slot *slot = &cache[(id * 31 + kind) % NAME_CACHE];

	if (kind == SFW_NAME_POLICY) {
#define SFW_X(pid, name, index) \
	if (id == pid) { copy_name(buf, len, name, sizeof(name)); return true; }
		SFW_BUILTIN_POLICY_LIST(SFW_X)
#undef SFW_X
	}
	if (kind == SFW_NAME_ZONE && id == SFW_ZONE_HOST) {
		snprintf(buf, len, "junos-host");
		return true;
	}
	if (!slot->valid || memcmp(&slot->key, &k, sizeof(k))) {
		if (fd < 0)
			fd = sfw_open_map(SFW_STR(SFW_MAP_NAMES));
		if (fd < 0)
			return false;
		slot->key = k;
		slot->found = !bpf_map_lookup_elem(fd, &k, &slot->name);
		slot->valid = true;
	}
	if (slot->found)
		copy_name(buf, len, slot->name.name, sizeof(slot->name.name));
	return slot->found;
}
