/* A commit that moves interfaces between zones ends the sessions with a
 * wing on them (zone_moves.h), as Junos, whose sessions are keyed by
 * zone, leaves them to the old zone. Work at commit only, and only when
 * some interface's zone changed: the datapath is not touched. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"
#include "rcu_wait.h"
#include "reap.h"
#include "zone_moves.h"

static void zone_name(int names_fd, __u32 zone, char name[SFW_NAME_LEN])
{
	struct sfw_name_key k = { .kind = SFW_NAME_ZONE, .id = zone };
	struct sfw_name v;

	/* a zone without a name (none written yet): known by its id alone */
	if (bpf_map_lookup_elem(names_fd, &k, &v))
		snprintf(v.name, sizeof(v.name), "#%u", zone);
	memcpy(name, v.name, SFW_NAME_LEN);
	name[SFW_NAME_LEN - 1] = 0;
}

static int snap_add(struct sfw_zone_snap *s, int *cap, __u32 ifindex, __u32 zone, int names_fd)
{
	if (s->n == *cap) {
		struct sfw_zone_if *v = realloc(s->ifs, (*cap = *cap ? *cap * 2 : 16) * sizeof(*v));

		if (!v)
			return sfw_fail(ENOMEM, "out of memory");
		s->ifs = v;
	}
	s->ifs[s->n].ifindex = ifindex;
	s->ifs[s->n].zone = zone;
	zone_name(names_fd, zone, s->ifs[s->n].name);
	s->n++;
	return 0;
}

int sfw_zone_snap_read(struct sfw_zone_snap *s, const struct sfw_policy_fds *fds, __u32 gen,
		       bool zoned)
{
	struct sfw_zone_key k, next;
	__u32 zone;
	int cap = 0, err;

	memset(s, 0, sizeof(*s));
	s->zoned = zoned;
	err = bpf_map_get_next_key(fds->zones, NULL, &next);
	while (!err) {
		k = next;
		if (k.gen == gen && !bpf_map_lookup_elem(fds->zones, &k, &zone)) {
			err = snap_add(s, &cap, k.ifindex, zone, fds->names);
			if (err) {
				sfw_zone_snap_free(s);
				return err;
			}
		}
		err = bpf_map_get_next_key(fds->zones, &k, &next);
	}
	return 0;
}

void sfw_zone_snap_free(struct sfw_zone_snap *s)
{
	free(s->ifs);
	s->ifs = NULL;
	s->n = 0;
}

static const struct sfw_zone_if *find(const struct sfw_zone_snap *s, __u32 ifindex)
{
	for (int i = 0; i < s->n; i++)
		if (s->ifs[i].ifindex == ifindex)
			return &s->ifs[i];
	return NULL;
}

static bool same_zone(const struct sfw_zone_if *a, const struct sfw_zone_if *b)
{
	return a && b && !strcmp(a->name, b->name);
}

int sfw_zone_moved(const struct sfw_zone_snap *prev, const struct sfw_zone_snap *next,
		   __u32 *moved)
{
	int n = 0;

	if (!prev->zoned)
		return 0;
	/* without zones next, every interface is in none */
	for (int i = 0; i < prev->n; i++) {
		const struct sfw_zone_if *b = next->zoned ? find(next, prev->ifs[i].ifindex) : NULL;

		if (!same_zone(&prev->ifs[i], b))
			moved[n++] = prev->ifs[i].ifindex;
	}
	for (int i = 0; next->zoned && i < next->n; i++)
		if (!find(prev, next->ifs[i].ifindex))
			moved[n++] = next->ifs[i].ifindex;
	return n;
}

struct moved_set {
	const __u32 *ifs;
	int n;
};

static bool on_moved(const struct sfw_session *s, void *arg)
{
	const struct moved_set *m = arg;

	for (int i = 0; i < m->n; i++)
		if (s->wing[0].ifindex == m->ifs[i] || s->wing[1].ifindex == m->ifs[i])
			return true;
	return false;
}

static int pinned_fd(const char *name, void *arg)
{
	return sfw_open_pin(name, true);
}

/* Walks the whole table once, ending what on_moved picks. */
static int end_sessions(const struct sfw_policy_fds *fds, struct moved_set *m)
{
	int (*map_fd)(const char *, void *) = fds->map_fd ? fds->map_fd : pinned_fd;
	int sessions = map_fd(SFW_STR(SFW_MAP_SESSIONS), fds->map_arg);
	struct sfw_reaper *r = NULL;
	struct sfw_sweeper *sw = NULL;
	int err;

	if (sessions == -SFW_ELAYOUT)
		return sessions;
	if (sessions < 0)
		return sfw_fail(ENOENT, "cannot open the session table to end the sessions of "
				"interfaces that changed zone");
	err = sfw_reaper_open_fds(&r, map_fd, fds->map_arg);
	err = err ? err : sfw_sweeper_new(&sw, sessions, r, 0);
	if (!err) {
		sfw_sweeper_pick(sw, on_moved, m, SFW_CLOSE_POLICY);
		err = sfw_sweep_all(sw, sfw_coarse_now_ns());
	}
	sfw_sweeper_free(sw);
	sfw_reaper_close(r);
	close(sessions);
	return err;
}

/* Puts back (or takes out: del) the entries of prev's moved interfaces. */
static void set_in_force(const struct sfw_policy_fds *fds, const struct sfw_zone_snap *prev,
			 __u32 gen, const __u32 *moved, int n, bool del)
{
	for (int i = 0; i < n; i++) {
		const struct sfw_zone_if *z = find(prev, moved[i]);
		struct sfw_zone_key k = { .ifindex = moved[i], .gen = gen };

		if (z && del)
			bpf_map_delete_elem(fds->zones, &k);
		else if (z)
			bpf_map_update_elem(fds->zones, &k, &z->zone, BPF_ANY);
	}
}

int sfw_zone_ifs_end(const struct sfw_policy_fds *fds, const __u32 *ifs, int n)
{
	struct moved_set m = { .ifs = ifs, .n = n };
	int err = sfw_wait_datapath();

	return err ? err : end_sessions(fds, &m);
}

int sfw_zone_moves_end(const struct sfw_policy_fds *fds, const struct sfw_zone_snap *prev,
		       __u32 gen, const __u32 *moved, int n)
{
	int err;

	/* In no zone, an interface's wings take no packet from another
	 * interface and its packets fit no other interface's wing
	 * (bpf/zone_bind.bpf.h): no wing moves off or onto it meanwhile. */
	set_in_force(fds, prev, gen, moved, n, true);
	err = sfw_zone_ifs_end(fds, moved, n);
	if (err < 0)
		set_in_force(fds, prev, gen, moved, n, false);
	return err;
}
