/* Writing a compiled configuration (conf's compile.h) into the maps: the
 * inactive generation first, then one config write flips generations, then,
 * once no program can still be judging a packet by it, the old generation
 * goes. The datapath reads sfw_config.gen once per first packet, so it sees
 * either configuration whole (docs/security.md, "Races: concurrent first
 * packets and commits"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "nat_rule_ids.h"
#include "policy_write.h"
#include "rcu_wait.h"
#include "zone_moves.h"

/* Where a key holds its generation: in the top bits of a __u16 list id
 * (policy tries and rules), as a __u32 (zones, screens), or as a __u8
 * (NAT, include/nat.h). */
enum gen_field { GEN_LIST16, GEN_U32, GEN_U8 };

static __u32 gen_of(const char *key, int off, enum gen_field how)
{
	__u16 list;
	__u32 g;

	switch (how) {
	case GEN_LIST16:
		memcpy(&list, key + off, 2);
		return list >> SFW_LIST_GEN_SHIFT;
	case GEN_U32:
		memcpy(&g, key + off, 4);
		return g;
	default:
		return (__u8)key[off];
	}
}

/* Deletes every key whose generation (at off, read as how) is gen.
 * Before the first deletion it waits out the packets that may still be
 * judged by that generation, once (*waited); a generation with nothing
 * left needs no wait. */
static int purge(int fd, size_t key_size, int off, enum gen_field how, __u32 gen, bool *waited)
{
	char key[32], next[32];
	char *doomed = NULL;
	size_t n = 0, cap = 0;
	int err;

	err = bpf_map_get_next_key(fd, NULL, next);
	while (!err) {
		memcpy(key, next, key_size);
		if (gen_of(key, off, how) == gen) {
			if (n == cap) {
				char *v = realloc(doomed, (cap = cap ? cap * 2 : 64) * key_size);

				if (!v) {
					free(doomed);
					return -ENOMEM;
				}
				doomed = v;
			}
			memcpy(doomed + n++ * key_size, key, key_size);
		}
		err = bpf_map_get_next_key(fd, key, next);
	}
	if (n && !*waited) {
		err = sfw_wait_datapath();
		if (err) {
			free(doomed);
			return err;
		}
		*waited = true;
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, doomed + i * key_size);
	free(doomed);
	return 0;
}

/* Removes generation gen, which is not in force (any more): packets that
 * read it before the flip away from it are waited out first. */
static int purge_gen(const struct sfw_policy_fds *fds, __u32 gen)
{
	bool w = false;
	int err = purge(fds->addr, sizeof(struct sfw_addr_lpm_key),
			offsetof(struct sfw_addr_lpm_key, list), GEN_LIST16, gen, &w);

	err = err ? err : purge(fds->app, sizeof(struct sfw_app_lpm_key),
				offsetof(struct sfw_app_lpm_key, list), GEN_LIST16, gen, &w);
	err = err ? err : purge(fds->app_class, sizeof(struct sfw_app_lpm_key),
				offsetof(struct sfw_app_lpm_key, list), GEN_LIST16, gen, &w);
	err = err ? err : purge(fds->rules, sizeof(struct sfw_rule_key),
				offsetof(struct sfw_rule_key, list), GEN_LIST16, gen, &w);
	err = err ? err : purge(fds->zones, sizeof(struct sfw_zone_key),
				offsetof(struct sfw_zone_key, gen), GEN_U32, gen, &w);
	/* none in an older sfw's pins (apply.c) */
	err = err || fds->zone_ifnames < 0 ? err :
	      purge(fds->zone_ifnames, sizeof(struct sfw_zone_ifname_key),
		    offsetof(struct sfw_zone_ifname_key, gen), GEN_U32, gen, &w);
	err = err ? err : purge(fds->screens, sizeof(struct sfw_screen_key),
				offsetof(struct sfw_screen_key, gen), GEN_U32, gen, &w);
	err = err ? err : purge(fds->nat_lists, sizeof(struct sfw_nat_list_key),
				offsetof(struct sfw_nat_list_key, gen), GEN_U8, gen, &w);
	err = err ? err : purge(fds->nat_entries, sizeof(struct sfw_nat_entry_key),
				offsetof(struct sfw_nat_entry_key, list.gen), GEN_U8, gen, &w);
	err = err ? err : purge(fds->nat_pools, sizeof(struct sfw_nat_pool_key),
				offsetof(struct sfw_nat_pool_key, gen), GEN_U8, gen, &w);
	err = err ? err : purge(fds->nat_proxies, sizeof(struct sfw_nat_proxy_key),
				offsetof(struct sfw_nat_proxy_key, gen), GEN_U8, gen, &w);
	err = err || fds->nat_proxy_names < 0 ? err :
	      purge(fds->nat_proxy_names, sizeof(struct sfw_nat_proxy_name_key),
		    offsetof(struct sfw_nat_proxy_name_key, gen), GEN_U8, gen, &w);
	return err;
}

static int put(int fd, const void *key, const void *val, const char *what)
{
	if (bpf_map_update_elem(fd, key, val, BPF_ANY))
		return sfw_fail(errno, "cannot write the %s map: %s", what, strerror(errno));
	return 0;
}

static __u16 in_gen(__u16 list, __u32 gen)
{
	return (__u16)(gen << SFW_LIST_GEN_SHIFT | list);
}

static int write_lists(const struct sfw_compiled *c, const struct sfw_policy_fds *fds, __u32 gen)
{
	int err = 0;

	for (int i = 0; i < c->n_addr && !err; i++) {
		struct sfw_addr_lpm_key k = c->addr[i].k;

		k.list = in_gen(k.list, gen);
		err = put(fds->addr, &k, &c->addr[i].v, "policy address");
	}
	for (int i = 0; i < c->n_app && !err; i++) {
		struct sfw_app_lpm_key k = c->app[i].k;

		k.list = in_gen(k.list, gen);
		err = put(fds->app, &k, &c->app[i].v, "policy application");
	}
	for (int i = 0; i < c->n_rules && !err; i++) {
		struct sfw_rule_key k = c->rules[i].k;

		k.list = in_gen(k.list, gen);
		err = put(fds->rules, &k, &c->rules[i].v, "rules");
	}
	for (int i = 0; i < c->n_cls && !err; i++) {
		struct sfw_app_lpm_key k = c->cls[i].k;

		k.list = in_gen(k.list, gen);
		err = put(fds->app_class, &k, &c->cls[i].v, "application");
	}
	return err;
}

/* Each zone's screen, with the tally id its session limit counts under. */
static int write_screens(const struct sfw_compiled *c, const struct sfw_policy_fds *fds,
			 __u32 gen, struct sfw_names_log *log)
{
	__u8 tally[SFW_MAX_ZONES];
	int err = sfw_tally_ids(c, log, tally);

	for (int i = 0; i < c->n_screens && !err; i++) {
		struct sfw_screen_key k = { .zone = c->screens[i].zone, .gen = gen };
		struct sfw_screen v = c->screens[i].v;

		v.tally_id = k.zone < SFW_MAX_ZONES ? tally[k.zone] : 0;
		err = put(fds->screens, &k, &v, "screens");
	}
	return err;
}

/* NAT (include/nat.h): lists, entries and pools in the generation; proxy
 * entries by interface index and MAC (nat_proxy_write.c). */
static int write_nat(const struct sfw_compiled *c, const struct sfw_policy_fds *fds, __u32 gen)
{
	int err = 0;

	for (int i = 0; i < c->n_nat_lists && !err; i++) {
		struct sfw_nat_list_key k = c->nat_lists[i].k;

		k.gen = (__u8)gen;
		err = put(fds->nat_lists, &k, &c->nat_lists[i].v, "NAT rule list");
	}
	for (int i = 0; i < c->n_nat_entries && !err; i++) {
		struct sfw_nat_entry_key k = c->nat_entries[i].k;

		k.list.gen = (__u8)gen;
		err = put(fds->nat_entries, &k, &c->nat_entries[i].v, "NAT rule");
	}
	for (int i = 0; i < c->n_nat_pools && !err; i++) {
		struct sfw_nat_pool_key k = c->nat_pools[i].k;

		k.gen = (__u8)gen;
		err = put(fds->nat_pools, &k, &c->nat_pools[i].v, "NAT pool");
	}
	return err ? err : sfw_nat_proxies_write(c, fds, gen);
}

static int write_names(const struct sfw_compiled *c, struct sfw_names_log *log)
{
	int err = 0;

	for (int i = 0; i < c->n_names && !err; i++)
		err = sfw_names_put(log, &c->names[i].k, &c->names[i].v);
	return err;
}

/* The host's ephemeral port range, which source NAT leaves to the host
 * (struct sfw_config). Read in the network namespace of the process that
 * commits or attaches, which is the firewall's. */
static int host_port_range(struct sfw_config *cfg)
{
	unsigned int lo, hi;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	int n = f ? fscanf(f, "%u %u", &lo, &hi) : 0;

	if (f)
		fclose(f);
	if (n != 2 || lo > hi || hi > 65535)
		return sfw_fail(EINVAL, "cannot read net.ipv4.ip_local_port_range, which source "
				"NAT's ports must stay out of");
	cfg->nat_host_port_lo = (__u16)lo;
	cfg->nat_host_port_hi = (__u16)hi;
	return 0;
}

/* The flow settings of the configuration, over the built-in defaults;
 * the run-time flags and the session table's limit stay. */
static int flow_settings(const struct sfw_cpl_flow *f, struct sfw_config *cfg)
{
	__u32 gen = cfg->gen, limit = cfg->session_limit;
	/* set at run time, not by the configuration: a commit keeps them */
	__u32 runtime = cfg->flags & (SFW_CFG_F_FORWARD | SFW_CFG_F_LOG_SESSIONS |
				      SFW_CFG_F_MONITOR | SFW_CFG_F_SYNC | SFW_CFG_F_NAT |
				      SFW_CFG_F_HA_SECONDARY);

	if (f->max_sessions > limit)
		return sfw_fail(ERANGE, "max-sessions %u exceeds what the session table holds "
				"without eviction (%u); attach with a larger max-sessions",
				f->max_sessions, limit);
	sfw_config_defaults(cfg);
	cfg->gen = gen;
	cfg->session_limit = limit;
	cfg->max_sessions = f->max_sessions ? f->max_sessions : limit;
	for (int i = 0; i < SFW_TO_COUNT; i++)
		if (f->timeout_s[i])
			cfg->timeout_s[i] = f->timeout_s[i];
	if (f->deny_log_rate)
		cfg->deny_log_rate = f->deny_log_rate;
	if (f->reply_rate)
		cfg->reply_rate = f->reply_rate;
	cfg->default_policy = f->default_policy;
	cfg->flags = f->flags | runtime;
	/* the text this is compiled from, flipped in with it; none: built in */
	memcpy(cfg->conf_digest, f->conf_digest, sizeof(cfg->conf_digest));
	return f->flags & SFW_CFG_F_NAT ? host_port_range(cfg) : 0;
}

/* Before the flip, while generation gen ^ 1 (prev) is in force: ends the
 * sessions of the interfaces whose zone the new generation gen changes. */
static int end_moved(const struct sfw_policy_fds *fds, const struct sfw_zone_snap *prev,
		     __u32 gen, bool zoned)
{
	struct sfw_zone_snap next;
	__u32 *moved;
	int n, err = sfw_zone_snap_read(&next, fds, gen, zoned);

	if (err)
		return err;
	moved = calloc((size_t)(prev->n + next.n) + 1, sizeof(*moved));
	n = moved ? sfw_zone_moved(prev, &next, moved) : 0;
	err = !moved ? sfw_fail(ENOMEM, "out of memory") :
	      n ? sfw_zone_moves_end(fds, prev, gen ^ 1, moved, n) : 0;
	free(moved);
	sfw_zone_snap_free(&next);
	return err < 0 ? err : 0;
}

static int write_gen(const struct sfw_compiled *c, const struct sfw_policy_fds *fds,
		     const struct sfw_nat_ids *ids, struct sfw_config *cfg, __u32 gen,
		     struct sfw_names_log *log)
{
	int err = purge_gen(fds, gen);   /* leftovers of an interrupted commit */

	err = err ? err : sfw_nat_ids_write(ids, log);
	err = err ? err : write_lists(c, fds, gen);
	/* interfaces are bound by name: the entries, by index, are what the
	 * names give in this namespace now, and the session daemon keeps
	 * them so as interfaces come, go and are renamed (zone_ifnames.c) */
	err = err ? err : sfw_zones_write(c, fds, gen);
	err = err ? err : write_screens(c, fds, gen, log);
	err = err ? err : write_nat(c, fds, gen);
	err = err ? err : write_names(c, log);
	cfg->gen = gen;
	return err ? err : flow_settings(&c->flow, cfg);
}

int sfw_policy_write(struct sfw_compiled *c, const struct sfw_policy_fds *fds)
{
	struct sfw_names_log log = { .fd = fds->names };
	struct sfw_nat_ids *ids = NULL;
	struct sfw_zone_snap prev;
	struct sfw_config cfg;
	__u32 zero = 0, gen;
	int err;

	if (bpf_map_lookup_elem(fds->config, &zero, &cfg))
		return sfw_fail(errno, "cannot read the configuration map: %s", strerror(errno));
	gen = (cfg.gen & 1) ^ 1;
	/* ids before any write: no id left refuses the commit untouched */
	err = sfw_nat_ids_plan(c, fds, gen ^ 1, &ids);
	if (err) {
		free(ids);
		return err;
	}
	/* the zones in force by name: before write_names renames their ids */
	err = sfw_zone_snap_read(&prev, fds, gen ^ 1, cfg.flags & SFW_CFG_F_ZONES);
	err = err ? err : write_gen(c, fds, ids, &cfg, gen, &log);
	err = err ? err : end_moved(fds, &prev, gen, cfg.flags & SFW_CFG_F_ZONES);
	/* the last write before the flip: every check that can refuse the
	 * commit is behind, and a refused one leaves the counts (RV14-C1) */
	err = err ? err : sfw_nat_ids_zero(ids, fds);
	sfw_zone_snap_free(&prev);
	free(ids);
	err = err ? err : put(fds->config, &zero, &cfg, "configuration");
	if (err) {
		sfw_names_undo(&log);
		sfw_names_log_free(&log);
		purge_gen(fds, gen);
		return err;
	}
	sfw_names_log_free(&log);
	return purge_gen(fds, gen ^ 1);
}
