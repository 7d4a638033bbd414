/* The source NAT rule ids (nat_rule_ids.c) in the pinned maps: read from
 * the names map (SFW_NAME_NAT_RULE_SET, SFW_NAME_NAT_RULE: id -> name),
 * the generation in force's entries and the session table; the names a
 * commit gives written, and their counters zeroed last. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "apply.h"
#include "loader.h"
#include "maps.h"
#include "nat_rule_ids.h"
#include "policy_write.h"

static void read_names(int fd, struct sfw_nat_ids *t)
{
	struct sfw_name_key k, next;
	struct sfw_name v;
	int err = bpf_map_get_next_key(fd, NULL, &next);

	while (!err) {
		k = next;
		if ((k.kind == SFW_NAME_NAT_RULE_SET || k.kind == SFW_NAME_NAT_RULE) &&
		    k.id > 0 && k.id <= SFW_NAT_MAX_RULES && !bpf_map_lookup_elem(fd, &k, &v))
			snprintf(k.kind == SFW_NAME_NAT_RULE ? t->rule[k.id] : t->set[k.id],
				 SFW_NAME_LEN, "%s", v.name);
		err = bpf_map_get_next_key(fd, &k, &next);
	}
}

/* The source rules packets may still be judged by. */
static void read_live(int fd, __u32 running, struct sfw_nat_ids *t)
{
	struct sfw_nat_entry_key k, next;
	struct sfw_nat_entry v;
	int err = bpf_map_get_next_key(fd, NULL, &next);

	while (!err) {
		k = next;
		if (k.list.gen == running && k.list.stage == SFW_NAT_SOURCE &&
		    !bpf_map_lookup_elem(fd, &k, &v) && v.rule_id <= SFW_NAT_MAX_RULES)
			t->live[v.rule_id] = true;
		err = bpf_map_get_next_key(fd, &k, &next);
	}
}

static int open_map(const struct sfw_policy_fds *fds, const char *name)
{
	return fds->map_fd ? fds->map_fd(name, fds->map_arg) : sfw_open_map(name);
}

/* One walk of the table, only when ids run out (a commit's rare case). */
static int sessions_naming(void *arg, bool *used)
{
	int fd = open_map(arg, SFW_STR(SFW_MAP_SESSIONS)), err;
	struct sfw_session_key k, next;
	struct sfw_session s;

	if (fd < 0)
		return fd;
	err = bpf_map_get_next_key(fd, NULL, &next);
	while (!err) {
		k = next;
		if (!bpf_map_lookup_elem(fd, &k, &s) && !SFW_SESS_IS_ALIAS(&s) &&
		    s.nat.rule_id <= SFW_NAT_MAX_RULES)
			used[s.nat.rule_id] = true;
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
	err = sfw_nat_ids_assign(t, c, sessions_naming, (void *)fds);
	return err;
}

static int zero_counters(int fd, __u32 id, const struct sfw_nat_rule_stats *zero)
{
	if (bpf_map_update_elem(fd, &id, zero, BPF_ANY))
		return sfw_fail(errno, "cannot zero the counters of NAT rule id %u: %s", id,
				strerror(errno));
	return 0;
}

/* through the commit's log: a refused commit puts the names back */
static int put_name(struct sfw_names_log *log, __u32 kind, __u32 id, const char *name)
{
	struct sfw_name_key k = { .kind = kind, .id = id };
	struct sfw_name v = { 0 };

	memcpy(v.name, name, SFW_NAME_LEN);
	return sfw_names_put(log, &k, &v);
}

int sfw_nat_ids_write(const struct sfw_nat_ids *t, struct sfw_names_log *log)
{
	int err = 0;

	for (__u32 id = 1; id <= SFW_NAT_MAX_RULES && !err; id++) {
		if (!t->given[id])
			continue;
		err = put_name(log, SFW_NAME_NAT_RULE_SET, id, t->set[id]);
		err = err ? err : put_name(log, SFW_NAME_NAT_RULE, id, t->rule[id]);
	}
	return err;
}

int sfw_nat_ids_zero(const struct sfw_nat_ids *t, const struct sfw_policy_fds *fds)
{
	int ncpu = libbpf_num_possible_cpus(), fd = -1, err = 0;
	struct sfw_nat_rule_stats *zero = NULL;

	for (__u32 id = 1; id <= SFW_NAT_MAX_RULES && !err; id++) {
		if (!t->given[id])
			continue;
		if (fd < 0) {
			zero = calloc(ncpu > 0 ? ncpu : 1, sizeof(*zero));
			fd = open_map(fds, SFW_STR(SFW_MAP_NAT_RULE_STATS));
			err = !zero ? sfw_fail(ENOMEM, "out of memory") : ncpu < 0 ?
			      sfw_fail(-ncpu, "cannot count CPUs") : fd < 0 ? fd : 0;
		}
		err = err ? err : zero_counters(fd, id, zero);
	}
	if (fd >= 0)
		close(fd);
	free(zero);
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
