/* The zones map's entries of a generation, computed from the
 * configuration's interface names (SFW_MAP_ZONE_IFNAMES, include/policy.h):
 * into the generation a commit writes (policy_write.c), and again in the
 * generation in force whenever an interface comes, goes or is renamed
 * (the session daemon) and at attach (sfw_zones_follow, apply.c). One
 * computation for all three. The datapath knows interfaces by index, and
 * the kernel's index outlives the interface: the next one created may be
 * given it (`ip link add ... index N`, one moved in from another
 * namespace), and would be judged as the old one's zone, while an
 * interface named in the configuration but created after the commit would
 * be in none (review rv32b, F3). Zone membership follows the name, as
 * Junos's does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include "libbpf_lazy.h"
#include "loader_int.h"
#include "maps.h"
#include "ifname_entries.h"
#include "policy_write.h"
#include "zone_moves.h"

struct zone_entry {
	struct sfw_by_index at;
	__u32 zone;
};

#define ZONE_ENTRIES { .size = sizeof(struct zone_entry) }

static int entries_add(struct sfw_ifname_entries *e, __u32 ifindex, const char *ifname,
		       __u32 zone)
{
	struct zone_entry z = { .at.ifindex = ifindex, .zone = zone };

	strncpy(z.at.ifname, ifname, sizeof(z.at.ifname) - 1);
	return sfw_ifname_entries_add(e, &z);
}

static const struct zone_entry *entries_find(const struct sfw_ifname_entries *e, __u32 ifindex)
{
	return sfw_ifname_entries_find(e, ifindex, 0);
}

static struct zone_entry *entry(const struct sfw_ifname_entries *e, int i)
{
	return (struct zone_entry *)e->v + i;
}

__u32 sfw_names_tag(const __u8 *digest)
{
	__u32 tag;

	memcpy(&tag, digest, sizeof(tag));
	return tag;
}

/* Generation gen's names as the map holds them, into *names (n), and its
 * tag (*tagged: there is one). */
static int names_in_map(int ifnames_fd, __u32 gen, struct sfw_cpl_zif **names, int *n,
			__u32 *tag, bool *tagged)
{
	struct sfw_zone_ifname_key k, next;
	int err = bpf_map_get_next_key(ifnames_fd, NULL, &next), cap = 0;
	__u32 zone;

	*names = NULL;
	*n = 0;
	*tagged = false;
	for (; !err; err = bpf_map_get_next_key(ifnames_fd, &k, &next)) {
		k = next;
		if (k.gen != gen || bpf_map_lookup_elem(ifnames_fd, &k, &zone))
			continue;
		if (!k.ifname[0]) {
			*tag = zone;
			*tagged = true;
			continue;
		}
		if (sfw_grow(names, &cap, *n, sizeof(**names)))
			return -ENOMEM;
		memset(&(*names)[*n], 0, sizeof(**names));
		memcpy((*names)[*n].ifname, k.ifname, sizeof(k.ifname));
		(*names)[(*n)++].zone = zone;
	}
	return 0;
}

/* The computation: what names give now, each name an interface of this
 * namespace bears, by that interface's index. A name no interface bears
 * gives nothing. */
static int entries_of_names(const struct sfw_cpl_zif *names, int n,
			    struct sfw_ifname_entries *want)
{
	int err = 0;

	for (int i = 0; i < n && !err; i++) {
		__u32 ifindex = if_nametoindex(names[i].ifname);

		err = ifindex ? entries_add(want, ifindex, names[i].ifname, names[i].zone) : 0;
	}
	sfw_ifname_entries_drop_shared(want);
	return err;
}

/* What the zones map holds of generation gen. */
static int entries_in_map(int zones_fd, __u32 gen, struct sfw_ifname_entries *have)
{
	struct sfw_zone_key k, next;
	__u32 zone;
	int err = bpf_map_get_next_key(zones_fd, NULL, &next), r = 0;

	while (!err && !r) {
		k = next;
		if (k.gen == gen && !bpf_map_lookup_elem(zones_fd, &k, &zone))
			r = entries_add(have, k.ifindex, "", zone);
		err = bpf_map_get_next_key(zones_fd, &k, &next);
	}
	sfw_ifname_entries_sort(have);
	return r;
}

/* Deletes from generation gen what want does not hold as it is (gone,
 * renamed, or now another zone's), first: an index is in no zone before
 * it is in another. Its index and those want adds go to moved; returns
 * how many. */
static int drop_stale(int zones_fd, __u32 gen, const struct sfw_ifname_entries *have,
		      const struct sfw_ifname_entries *want, __u32 *moved)
{
	int n = 0;

	for (int i = 0; i < have->n; i++) {
		const struct zone_entry *h = entry(have, i), *w = entries_find(want, h->at.ifindex);
		struct sfw_zone_key k = { .ifindex = h->at.ifindex, .gen = gen };

		if (w && w->zone == h->zone)
			continue;
		bpf_map_delete_elem(zones_fd, &k);
		moved[n++] = k.ifindex;
	}
	for (int i = 0; i < want->n; i++)
		if (!entries_find(have, entry(want, i)->at.ifindex))
			moved[n++] = entry(want, i)->at.ifindex;
	return n;
}

/* Half the zones map: what one generation may hold and still leave the
 * other, which the next commit writes, as much. */
static int generation_room(int zones_fd, int *room)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(zones_fd, &info, &len))
		return sfw_fail(errno, "cannot read the zones map: %s", strerror(errno));
	*room = (int)(info.max_entries / 2);
	return 0;
}

/* n interfaces named in the configuration what (left in no zone, not
 * bound) for want of room in an older sfw's zones map (include/maps.h
 * SFW_MAX_ZONE_BINDINGS), room per configuration, and the way out: one
 * text for a follow (keep_room) and a commit (resolve). */
static int older_map_full(int n, const char *what, int room)
{
	return sfw_fail(E2BIG, "%d interfaces named in the configuration %s: the zones map an "
			"older sfw pinned holds %d per configuration (detach all, then attach, "
			"to grow it)", n, what, room);
}

/* Entries of the zones map in generations other than gen: those in force. */
static int others_in_map(int zones_fd, __u32 gen)
{
	struct sfw_zone_key k, next;
	void *at = NULL;
	int n = 0;

	while (!bpf_map_get_next_key(zones_fd, at, &next)) {
		n += next.gen != gen;
		k = next;
		at = &k;
	}
	return n;
}

/* Only an older sfw's zones map can fill: what is in force and what gen
 * wants must fit in it together, so both are said, against its size (the
 * generation in force past half: a commit by an sfw that did not hold
 * commits to it), and the way out. Fails closed. */
static int zones_full(int zones_fd, __u32 gen, int want)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int err = errno;

	if (err != E2BIG)
		return sfw_fail(err, "cannot write the zone map: %s", strerror(err));
	if (bpf_obj_get_info_by_fd(zones_fd, &info, &len))
		return sfw_fail(errno, "cannot read the zones map: %s", strerror(errno));
	return sfw_fail(E2BIG, "%d interfaces bound to zones in force and %d for this "
			"configuration exceed the %u entries of the zones map an older sfw "
			"pinned (detach all, then attach, to grow it)",
			others_in_map(zones_fd, gen), want, info.max_entries);
}

static int add_fresh(int zones_fd, __u32 gen, const struct sfw_ifname_entries *have,
		     const struct sfw_ifname_entries *want)
{
	for (int i = 0; i < want->n; i++) {
		const struct zone_entry *w = entry(want, i), *h = entries_find(have, w->at.ifindex);
		struct sfw_zone_key k = { .ifindex = w->at.ifindex, .gen = gen };

		if (h && h->zone == w->zone)
			continue;
		if (bpf_map_update_elem(zones_fd, &k, &w->zone, BPF_ANY))
			return zones_full(zones_fd, gen, want->n);
	}
	return 0;
}

/* Makes generation gen of the zones map want, from have. */
static int rewrite(const struct sfw_policy_fds *fds, __u32 gen, bool in_force,
		   const struct sfw_ifname_entries *have, struct sfw_ifname_entries *want)
{
	__u32 *moved = calloc((size_t)(have->n + want->n) + 1, sizeof(*moved));
	int n, err = 0;

	if (!moved)
		return sfw_fail(ENOMEM, "out of memory");
	sfw_ifname_entries_sort(want);   /* keep_room reordered it */
	n = drop_stale(fds->zones, gen, have, want, moved);
	/* in force, a session's wings are bound by their interfaces' zones
	 * (bpf/zone_bind.bpf.h): those of an interface whose zone changed
	 * end, as at a commit that moves it, while it is in none; an error
	 * leaves it there */
	if (in_force && n)
		err = sfw_zone_ifs_end(fds, moved, n);
	free(moved);
	return err < 0 ? err : add_fresh(fds->zones, gen, have, want);
}

/* c's bindings by name into generation gen of fds->zone_ifnames, and
 * their tag. */
static int write_names(const struct sfw_compiled *c, const struct sfw_policy_fds *fds, __u32 gen)
{
	struct sfw_zone_ifname_key tag_key = { .ifname = SFW_ZONE_IFNAME_TAG, .gen = gen };
	__u32 tag = sfw_names_tag(c->flow.conf_digest);

	if (c->n_zifs > SFW_MAX_ZONE_IFACES_NAMED)   /* conf/check.c refuses it first */
		return sfw_fail(E2BIG, "%d interfaces bound to zones: at most %d", c->n_zifs,
				SFW_MAX_ZONE_IFACES_NAMED);
	if (bpf_map_update_elem(fds->zone_ifnames, &tag_key, &tag, BPF_ANY))
		return sfw_fail(errno, "cannot write the zone interface map: %s", strerror(errno));
	for (int i = 0; i < c->n_zifs; i++) {
		struct sfw_zone_ifname_key k = { .gen = gen };

		/* the configuration takes Linux names alone (15 characters) */
		memcpy(k.ifname, c->zifs[i].ifname,
		       strnlen(c->zifs[i].ifname, sizeof(k.ifname) - 1));
		if (bpf_map_update_elem(fds->zone_ifnames, &k, &c->zifs[i].zone, BPF_ANY))
			return sfw_fail(errno, "cannot write the zone interface map: %s",
					strerror(errno));
	}
	return 0;
}

/* Keeps room entries of want, those have holds as they are first (their
 * sessions stay); the rest are left in no zone, failing closed. Only an
 * older sfw's zones map (include/maps.h SFW_MAX_ZONE_BINDINGS) is that
 * small; without this a follow past its half left the next commit no
 * room (E2BIG). How many were left, said in sfw_last_error(). */
static int keep_room(struct sfw_ifname_entries *want, const struct sfw_ifname_entries *have,
		     int room)
{
	int kept = 0, left = want->n - room;

	if (left <= 0)
		return 0;
	for (int i = 0; i < want->n; i++) {
		struct zone_entry *w = entry(want, i);
		const struct zone_entry *h = entries_find(have, w->at.ifindex);

		if (h && h->zone == w->zone) {
			struct zone_entry t = *entry(want, kept);

			*entry(want, kept++) = *w;
			*w = t;
		}
	}
	want->n = room;
	older_map_full(left, "are left in no zone", room);
	return left;
}

/* Makes generation gen of the zones map what names[n] give now, within
 * half the map: in force, those past it left in no zone; at a commit,
 * refused. 0, how many named interfaces it had no room for, or a
 * negative errno. */
static int resolve(const struct sfw_policy_fds *fds, __u32 gen, bool in_force,
		   const struct sfw_cpl_zif *names, int n)
{
	struct sfw_ifname_entries want = ZONE_ENTRIES, have = ZONE_ENTRIES;
	int err = entries_of_names(names, n, &want), room = 0, left = 0;

	err = err ? err : entries_in_map(fds->zones, gen, &have);
	err = err ? err : generation_room(fds->zones, &room);
	if (!err && in_force)
		left = keep_room(&want, &have, room);
	/* a commit is held to half as a follow is: past it, the commit or
	 * follow after it found no room (review rvlcl F1). Refused before
	 * any write, failing closed: the generation in force stays */
	else if (!err && want.n > room)
		err = older_map_full(want.n, "cannot be bound to zones", room);
	/* entries without a name: the generation an sfw that recorded none
	 * wrote (an upgrade, until `sfw reload` or a commit compiles it
	 * anew). Nothing to follow them by, and all in no zone would cut
	 * every interface off: left as that commit made them */
	if (!err && (n || !have.n))
		err = rewrite(fds, gen, in_force, &have, &want);
	free(want.v);
	free(have.v);
	return err ? err : left;
}

int sfw_zones_resolve(const struct sfw_policy_fds *fds, __u32 gen, bool in_force,
		      const __u8 *digest)
{
	struct sfw_cpl_zif *names;
	bool tagged;
	__u32 tag = 0;
	int n, err = names_in_map(fds->zone_ifnames, gen, &names, &n, &tag, &tagged);

	if (!err && n && (!tagged || tag != sfw_names_tag(digest)))
		err = sfw_fail(ESTALE, "the zones' interface names are another configuration's "
			       "than the one in force (an sfw that keeps none committed it): "
			       "they follow the names again from the next commit");
	err = err ? err : resolve(fds, gen, in_force, names, n);
	free(names);
	return err;
}

/* Into the generation a commit writes, which is not in force. */
int sfw_zones_write(const struct sfw_compiled *c, const struct sfw_policy_fds *fds, __u32 gen)
{
	int err;

	/* an older sfw's datapath, until `sfw reload`: by the names at
	 * commit alone, as it did */
	if (fds->zone_ifnames < 0)
		return resolve(fds, gen, false, c->zifs, c->n_zifs);
	err = write_names(c, fds, gen);
	return err ? err : sfw_zones_resolve(fds, gen, false, c->flow.conf_digest);
}
