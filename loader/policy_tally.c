/* The tally ids of zones with a session limit (struct sfw_screen). Zone
 * ids follow configuration order, so a commit that adds or removes a zone
 * renumbers the others while their sessions hold counts: keyed by zone id,
 * an address would then hold its limit again in the "new" zone, and
 * releases would decrement another zone's entry. Tally ids are kept by
 * zone name instead, in the names map (SFW_NAME_TALLY: id -> zone name),
 * which lives as long as the pins, like the tallies. A new limited zone
 * takes an id no zone ever had, so it inherits no counts; only once all
 * 255 were used does it take one whose zone is gone. A refused commit
 * takes its ids back (policy_names.c): the zone it named did not come
 * into force, so its id is one no zone ever had. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "policy_write.h"

#define TALLY_IDS 256   /* 1-255: the tally key's zone byte; 0 unused */

/* The configuration's zone names by zone id (NULL where none). */
static void zone_names(const struct sfw_compiled *c, const char *zn[SFW_MAX_ZONES])
{
	memset(zn, 0, SFW_MAX_ZONES * sizeof(*zn));
	for (int i = 0; i < c->n_names; i++) {
		const struct sfw_cpl_name *e = &c->names[i];

		if (e->k.kind == SFW_NAME_ZONE && e->k.id < SFW_ZONE_HOST)
			zn[e->k.id] = e->v.name;
	}
}

static bool in_conf(const char *const zn[SFW_MAX_ZONES], const char *name)
{
	for (int z = 1; z < SFW_MAX_ZONES; z++)
		if (zn[z] && !strcmp(zn[z], name))
			return true;
	return false;
}

/* The names already given: names[id][0] == 0 where none. */
static void read_ids(int fd, char (*names)[SFW_NAME_LEN])
{
	struct sfw_name_key k, next;
	struct sfw_name v;
	int err = bpf_map_get_next_key(fd, NULL, &next);

	while (!err) {
		k = next;
		if (k.kind == SFW_NAME_TALLY && k.id > 0 && k.id < TALLY_IDS &&
		    !bpf_map_lookup_elem(fd, &k, &v))
			snprintf(names[k.id], SFW_NAME_LEN, "%s", v.name);
		err = bpf_map_get_next_key(fd, &k, &next);
	}
}

static __u32 pick(const char *const zn[SFW_MAX_ZONES], char (*names)[SFW_NAME_LEN],
		  const char *name)
{
	for (__u32 id = 1; id < TALLY_IDS; id++)
		if (!strcmp(names[id], name))
			return id;
	for (__u32 id = 1; id < TALLY_IDS; id++)
		if (!names[id][0])
			return id;
	for (__u32 id = 1; id < TALLY_IDS; id++)
		if (!in_conf(zn, names[id]))
			return id;
	return 0;   /* not reached: at most SFW_MAX_ZONES zones */
}

int sfw_tally_ids(const struct sfw_compiled *c, struct sfw_names_log *log,
		  __u8 ids[SFW_MAX_ZONES])
{
	static char names[TALLY_IDS][SFW_NAME_LEN];
	const char *zn[SFW_MAX_ZONES];
	int err = 0;

	memset(names, 0, sizeof(names));
	memset(ids, 0, SFW_MAX_ZONES);
	zone_names(c, zn);
	read_ids(log->fd, names);
	for (int i = 0; i < c->n_screens && !err; i++) {
		__u32 z = c->screens[i].zone;
		struct sfw_name_key k = { .kind = SFW_NAME_TALLY };
		struct sfw_name v = { 0 };

		if (!(c->screens[i].v.flags & (SFW_SCREEN_LIMIT_SRC | SFW_SCREEN_LIMIT_DST)) ||
		    z >= SFW_MAX_ZONES || !zn[z])
			continue;
		k.id = pick(zn, names, zn[z]);
		if (!k.id)
			return sfw_fail(E2BIG, "no tally id left for zone %s", zn[z]);
		ids[z] = k.id;
		if (!strcmp(names[k.id], zn[z]))
			continue;
		snprintf(names[k.id], SFW_NAME_LEN, "%s", zn[z]);
		memcpy(v.name, names[k.id], SFW_NAME_LEN);
		err = sfw_names_put(log, &k, &v);
	}
	return err;
}
