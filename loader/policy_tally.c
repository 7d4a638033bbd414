/* The tally ids of zones with a session limit (struct sfw_screen). Zone
 * ids follow configuration order, so a commit that adds or removes a zone
 * renumbers the others while their sessions hold counts: keyed by zone id,
 * an address would then hold its limit again in the "new" zone, and
 * releases would decrement another zone's entry. Tally ids are kept by
 * zone name instead, in the names map (SFW_NAME_TALLY: id -> zone name),
 * which lives as long as the pins, like the tallies. A new limited zone
 * takes an id no zone ever had, so it inherits no counts; only once all
 * 255 were used does it take one whose zone is gone. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include "policy_compile_int.h"

#define TALLY_IDS 256   /* 1-255: the tally key's zone byte; 0 unused */

static bool limited(const struct sfw_conf *conf, int z)
{
	const struct sfw_conf_ref *r = &conf->zones[z].screen;
	const struct sfw_conf_screen *sc;

	if (!r->name[0] || r->kind != SFW_CONF_REF_SCREEN)
		return false;
	sc = &conf->screens[r->idx];
	return sc->limit_src || sc->limit_dst;
}

static bool in_conf(const struct sfw_conf *conf, const char *name)
{
	for (int z = 0; z < conf->n_zones; z++)
		if (!strcmp(conf->zones[z].name, name))
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

static __u32 pick(const struct sfw_conf *conf, char (*names)[SFW_NAME_LEN], const char *name)
{
	for (__u32 id = 1; id < TALLY_IDS; id++)
		if (!strcmp(names[id], name))
			return id;
	for (__u32 id = 1; id < TALLY_IDS; id++)
		if (!names[id][0])
			return id;
	for (__u32 id = 1; id < TALLY_IDS; id++)
		if (!in_conf(conf, names[id]))
			return id;
	return 0;   /* not reached: at most SFW_MAX_ZONES zones */
}

int sfw_tally_ids(const struct compiler *c, __u8 *ids)
{
	static char names[TALLY_IDS][SFW_NAME_LEN];
	const struct sfw_conf *conf = c->conf;
	int fd = c->fds->names;

	memset(names, 0, sizeof(names));
	read_ids(fd, names);
	for (int z = 0; z < conf->n_zones; z++) {
		struct sfw_name_key k = { .kind = SFW_NAME_TALLY };
		struct sfw_name v = { 0 };

		ids[z] = 0;
		if (!limited(conf, z))
			continue;
		k.id = pick(conf, names, conf->zones[z].name);
		if (!k.id)
			return sfw_fail(E2BIG, "no tally id left for zone %s", conf->zones[z].name);
		ids[z] = k.id;
		if (!strcmp(names[k.id], conf->zones[z].name))
			continue;
		snprintf(names[k.id], SFW_NAME_LEN, "%s", conf->zones[z].name);
		memcpy(v.name, names[k.id], SFW_NAME_LEN);
		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			return sfw_fail(errno, "cannot write the names map: %s", strerror(errno));
	}
	return 0;
}
