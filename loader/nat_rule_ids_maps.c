/* The NAT rule and pool ids (nat_rule_ids.c) in the pinned maps: read
 * from the names map (SFW_NAME_NAT_RULE_SET, SFW_NAME_NAT_RULE,
 * SFW_NAME_NAT_POOL and their destination and static kinds: id -> name), the
 * generation in force's entries and pools and the session table; the
 * names a commit gives written, and their counters zeroed last. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "apply.h"
#include "loader.h"
#include "maps.h"
#include "nat_rule_ids.h"
#include "policy_write.h"

/* One kind's ids in the pinned maps: its names (scope_kind 0: the kind
 * has no scope) and its per-CPU counters (map, size bytes each). */
struct kind_out {
	enum sfw_nat_ids_kind kind;
	const char *map;
	size_t size;
	__u32 max, scope_kind, name_kind;
};

static const struct kind_out kinds[SFW_NAT_IDS_KINDS] = {
	{ SFW_NAT_IDS_RULES, SFW_STR(SFW_MAP_NAT_RULE_STATS), sizeof(struct sfw_nat_rule_stats),
	  SFW_NAT_MAX_RULES, SFW_NAME_NAT_RULE_SET, SFW_NAME_NAT_RULE },
	{ SFW_NAT_IDS_POOLS, SFW_STR(SFW_MAP_NAT_POOL_STATS), sizeof(struct sfw_nat_pool_stats),
	  SFW_NAT_MAX_POOLS, 0, SFW_NAME_NAT_POOL },
	{ SFW_NAT_IDS_DRULES, SFW_STR(SFW_MAP_NAT_DRULE_STATS), sizeof(struct sfw_nat_rule_stats),
	  SFW_NAT_MAX_RULES, SFW_NAME_NAT_DRULE_SET, SFW_NAME_NAT_DRULE },
	{ SFW_NAT_IDS_DPOOLS, SFW_STR(SFW_MAP_NAT_DPOOL_STATS), sizeof(struct sfw_nat_dpool_stats),
	  SFW_NAT_MAX_POOLS, 0, SFW_NAME_NAT_DPOOL },
	{ SFW_NAT_IDS_SRULES, SFW_STR(SFW_MAP_NAT_SRULE_STATS), sizeof(struct sfw_nat_rule_stats),
	  SFW_NAT_MAX_RULES, SFW_NAME_NAT_SRULE_SET, SFW_NAME_NAT_SRULE },
};

static void read_name(struct sfw_nat_ids *t, const struct sfw_name_key *k, const char *name)
{
	for (int i = 0; i < SFW_NAT_IDS_KINDS; i++) {
		struct sfw_kept_ids *ids = &t->kind[kinds[i].kind];

		if (k->id > kinds[i].max)
			continue;
		if (kinds[i].scope_kind && k->kind == kinds[i].scope_kind)
			snprintf(ids->scope[k->id], SFW_NAME_LEN, "%s", name);
		else if (k->kind == kinds[i].name_kind)
			snprintf(ids->name[k->id], SFW_NAME_LEN, "%s", name);
	}
}

static void read_names(int fd, struct sfw_nat_ids *t)
{
	struct sfw_name_key k, next;
	struct sfw_name v;
	int err = bpf_map_get_next_key(fd, NULL, &next);

	while (!err) {
		k = next;
		if (k.id > 0 && k.id <= SFW_KEPT_MAX && !bpf_map_lookup_elem(fd, &k, &v))
			read_name(t, &k, v.name);
		err = bpf_map_get_next_key(fd, &k, &next);
	}
}

/* The rules of every type packets may still be judged by. */
static void read_live(int fd, __u32 running, struct sfw_nat_ids *t)
{
	struct sfw_nat_entry_key k, next;
	struct sfw_nat_entry v;
	int err = bpf_map_get_next_key(fd, NULL, &next);

	while (!err) {
		k = next;
		if (k.list.gen == running && !bpf_map_lookup_elem(fd, &k, &v) &&
		    v.rule_id <= SFW_NAT_MAX_RULES) {
			if (k.list.stage == SFW_NAT_SOURCE)
				t->rules.live[v.rule_id] = true;
			else if (k.list.stage == SFW_NAT_DESTINATION)
				t->drules.live[v.rule_id] = true;
			else
				t->srules.live[v.rule_id] = true;
		}
		err = bpf_map_get_next_key(fd, &k, &next);
	}
}

/* The pools packets may still be translated to. */
static void read_live_pools(int fd, __u32 running, struct sfw_nat_ids *t)
{
	struct sfw_nat_pool_key k, next;
	int err = bpf_map_get_next_key(fd, NULL, &next);

	while (!err) {
		k = next;
		if (k.gen == running && k.id <= SFW_NAT_MAX_POOLS)
			(k.kind == SFW_NAT_POOL_SOURCE ? &t->pools : &t->dpools)->live[k.id] = true;
		err = bpf_map_get_next_key(fd, &k, &next);
	}
}

static int open_map(const struct sfw_policy_fds *fds, const char *name)
{
	return fds->map_fd ? fds->map_fd(name, fds->map_arg) : sfw_open_map(name);
}

/* One walk of the table, only when ids run out (a commit's rare case). */
static int sessions_naming(void *arg, enum sfw_nat_ids_kind kind, bool *used)
{
	int fd = open_map(arg, SFW_STR(SFW_MAP_SESSIONS)), err;
	struct sfw_session_key k, next;
	struct sfw_session s;
	__u32 id;

	if (fd < 0)
		return fd;
	err = bpf_map_get_next_key(fd, NULL, &next);
	while (!err) {
		k = next;
		if (bpf_map_lookup_elem(fd, &k, &s) || SFW_SESS_IS_ALIAS(&s))
			s.nat.pool_id = s.nat.rule_id = s.dnat_rule_id = 0;
		/* destination pools: no session names one; dnat_rule_id is a
		 * static rule's in a static NAT session */
		id = kind == SFW_NAT_IDS_POOLS ? s.nat.pool_id : kind == SFW_NAT_IDS_RULES ?
		     s.nat.rule_id : kind != SFW_NAT_IDS_DRULES && kind != SFW_NAT_IDS_SRULES ? 0 :
		     (kind == SFW_NAT_IDS_SRULES) == !!(s.xflags & SFW_SESS_X_STATIC) ?
		     s.dnat_rule_id : 0;
		if (id <= SFW_KEPT_MAX)
			used[id] = true;
		err = bpf_map_get_next_key(fd, &k, &next);
	}
	close(fd);
	return 0;
}

int sfw_nat_ids_plan(struct sfw_compiled *c, const struct sfw_policy_fds *fds, __u32 running,
		     struct sfw_nat_ids **out)
{
	struct sfw_nat_ids *t = calloc(1, sizeof(*t));
	int err;

	*out = t;
	if (!t)
		return sfw_fail(ENOMEM, "out of memory");
	read_names(fds->names, t);
	read_live(fds->nat_entries, running, t);
	read_live_pools(fds->nat_pools, running, t);
	err = sfw_nat_ids_assign(t, c, sessions_naming, (void *)fds);
	return err;
}

/* through the commit's log: a refused commit puts the names back */
static int put_name(struct sfw_names_log *log, __u32 kind, __u32 id, const char *name)
{
	struct sfw_name_key k = { .kind = kind, .id = id };
	struct sfw_name v = { 0 };

	memcpy(v.name, name, SFW_NAME_LEN);
	return sfw_names_put(log, &k, &v);
}

static int write_kind(const struct kind_out *o, const struct sfw_kept_ids *t,
		      struct sfw_names_log *log)
{
	int err = 0;

	for (__u32 id = 1; id <= o->max && !err; id++) {
		if (!t->given[id])
			continue;
		if (o->scope_kind)
			err = put_name(log, o->scope_kind, id, t->scope[id]);
		err = err ? err : put_name(log, o->name_kind, id, t->name[id]);
	}
	return err;
}

static int zero_kind(const struct kind_out *o, const struct sfw_kept_ids *t,
		     const struct sfw_policy_fds *fds)
{
	int ncpu = libbpf_num_possible_cpus(), fd = -1, err = 0;
	void *zero = NULL;

	for (__u32 id = 1; id <= o->max && !err; id++) {
		if (!t->given[id])
			continue;
		if (fd < 0) {
			zero = calloc(ncpu > 0 ? ncpu : 1, o->size);
			fd = open_map(fds, o->map);
			err = !zero ? sfw_fail(ENOMEM, "out of memory") : ncpu < 0 ?
			      sfw_fail(-ncpu, "cannot count CPUs") : fd < 0 ? fd : 0;
		}
		if (!err && bpf_map_update_elem(fd, &id, zero, BPF_ANY))
			err = sfw_fail(errno, "cannot zero the counters of %s id %u: %s", o->map,
				       id, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	free(zero);
	return err;
}

int sfw_nat_ids_write(const struct sfw_nat_ids *t, struct sfw_names_log *log)
{
	int err = 0;

	for (int i = 0; i < SFW_NAT_IDS_KINDS && !err; i++)
		err = write_kind(&kinds[i], &t->kind[kinds[i].kind], log);
	return err;
}

int sfw_nat_ids_zero(const struct sfw_nat_ids *t, const struct sfw_policy_fds *fds)
{
	int err = 0;

	for (int i = 0; i < SFW_NAT_IDS_KINDS && !err; i++)
		err = zero_kind(&kinds[i], &t->kind[kinds[i].kind], fds);
	return err;
}

int sfw_nat_ids_pinned(struct sfw_nat_ids **out)
{
	int fd = sfw_open_map(SFW_STR(SFW_MAP_NAMES));

	*out = NULL;
	if (fd < 0)
		return fd;
	*out = calloc(1, sizeof(**out));
	if (*out)
		read_names(fd, *out);
	close(fd);
	return *out ? 0 : sfw_fail(ENOMEM, "out of memory");
}
