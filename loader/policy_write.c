/* Writing a compiled configuration into the maps: the inactive generation
 * first, then one config write flips generations, then the old generation
 * goes. The datapath reads sfw_config.gen once per first packet, so it sees
 * either configuration whole. */
#include <errno.h>
#include <stdio.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "policy_compile_int.h"

/* Deletes every key whose generation is gen. keys hold a list id at
 * list_off (or a __u32 gen at gen_off when list_off < 0). */
static int purge(int fd, size_t key_size, int list_off, int gen_off, __u32 gen)
{
	char key[32], next[32];
	char *doomed = NULL;
	size_t n = 0, cap = 0;
	int err;

	err = bpf_map_get_next_key(fd, NULL, next);
	while (!err) {
		__u32 g;

		memcpy(key, next, key_size);
		if (list_off >= 0) {
			__u16 list;

			memcpy(&list, key + list_off, 2);
			g = list >> SFW_LIST_GEN_SHIFT;
		} else {
			memcpy(&g, key + gen_off, 4);
		}
		if (g == gen) {
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
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, doomed + i * key_size);
	free(doomed);
	return 0;
}

static int purge_gen(const struct sfw_policy_fds *fds, __u32 gen)
{
	int err = purge(fds->addr, sizeof(struct sfw_addr_lpm_key),
			offsetof(struct sfw_addr_lpm_key, list), 0, gen);

	err = err ? err : purge(fds->app, sizeof(struct sfw_app_lpm_key),
				offsetof(struct sfw_app_lpm_key, list), 0, gen);
	err = err ? err : purge(fds->app_class, sizeof(struct sfw_app_lpm_key),
				offsetof(struct sfw_app_lpm_key, list), 0, gen);
	err = err ? err : purge(fds->rules, sizeof(struct sfw_rule_key),
				offsetof(struct sfw_rule_key, list), 0, gen);
	err = err ? err : purge(fds->zones, sizeof(struct sfw_zone_key), -1,
				offsetof(struct sfw_zone_key, gen), gen);
	err = err ? err : purge(fds->screens, sizeof(struct sfw_screen_key), -1,
				offsetof(struct sfw_screen_key, gen), gen);
	return err;
}

static int put(int fd, const void *key, const void *val, const char *what)
{
	if (bpf_map_update_elem(fd, key, val, BPF_ANY))
		return sfw_fail(errno, "cannot write the %s map: %s", what, strerror(errno));
	return 0;
}

static int write_list(const struct sfw_policy_fds *fds, const struct plist *l, __u32 gen)
{
	__u16 list = (__u16)(gen << SFW_LIST_GEN_SHIFT | l->id);
	const struct sfw_table *addr[2] = { &l->src, &l->dst };
	int err = 0;

	for (int d = 0; d < 2; d++)
		for (int i = 0; i < addr[d]->n && !err; i++) {
			const struct sfw_tbl_entry *e = &addr[d]->v[i];
			struct sfw_addr_lpm_key k = {
				.prefixlen = SFW_ADDR_LPM_FIXED_BITS + e->len,
				.list = list, .dir = (__u8)d, .family = e->tag,
			};

			memcpy(k.addr, e->data, sizeof(k.addr));
			err = put(fds->addr, &k, &e->bits, "policy address");
		}
	for (int i = 0; i < l->app.n && !err; i++) {
		const struct sfw_tbl_entry *e = &l->app.v[i];
		struct sfw_app_lpm_key k = {
			.prefixlen = SFW_APP_LPM_LIST_BITS + e->len, .list = list,
			.proto = e->data[0], .port = { e->data[2], e->data[3] },
		};

		err = put(fds->app, &k, &e->bits, "policy application");
	}
	return err;
}

struct class_ctx {
	int fd;
	__u32 gen;
	struct sfw_app_class val;
};

/* First definition wins on an identical prefix (predefined ones come
 * first); the most specific prefix wins at lookup. */
static int put_class(const __u8 *data, __u8 len, void *ctx)
{
	struct class_ctx *x = ctx;
	struct sfw_app_lpm_key k = {
		.prefixlen = SFW_APP_LPM_LIST_BITS + len, .list = SFW_CLASS_LIST(x->gen),
		.proto = data[0], .port = { data[2], data[3] },
	};

	if (bpf_map_update_elem(x->fd, &k, &x->val, BPF_NOEXIST) && errno != EEXIST)
		return sfw_fail(errno, "cannot write the application map: %s", strerror(errno));
	return 0;
}

static int write_classes(const struct compiler *c, __u32 gen)
{
	struct class_ctx x = { .fd = c->fds->app_class, .gen = gen };
	int err = 0;

	for (int i = 0; i < c->conf->n_apps && !err; i++) {
		const struct sfw_conf_application *a = &c->conf->apps[i];

		if (a->proto < 0)
			continue;   /* `any` names no application */
		x.val = (struct sfw_app_class){ .app_id = a->id, .timeout_s = a->inactivity_timeout };
		err = sfw_app_prefixes(a, put_class, &x);
	}
	return err;
}

/* Interfaces are bound by index, so they must exist (in this network
 * namespace) at commit; one that does not is left unbound. */
static int write_zones(const struct compiler *c, __u32 gen)
{
	int err = 0;

	for (int z = 0; z < c->conf->n_zones && !err; z++) {
		const struct sfw_conf_refs *ifs = &c->conf->zones[z].interfaces;
		__u32 id = (__u32)z + 1;

		for (int i = 0; i < ifs->n && !err; i++) {
			struct sfw_zone_key k = { .ifindex = if_nametoindex(ifs->v[i].name), .gen = gen };

			if (k.ifindex)
				err = put(c->fds->zones, &k, &id, "zone");
		}
	}
	return err;
}

static int put_name(int fd, __u32 kind, __u32 id, const char *name)
{
	struct sfw_name_key k = { .kind = kind, .id = id };
	struct sfw_name v = { 0 };

	snprintf(v.name, sizeof(v.name), "%s", name);
	return put(fd, &k, &v, "names");
}

static int write_names(const struct compiler *c)
{
	const struct sfw_conf *conf = c->conf;
	int fd = c->fds->names, err = put_name(fd, SFW_NAME_ZONE, SFW_ZONE_HOST, "junos-host");

	for (int i = 0; i < conf->n_policies && !err; i++)
		err = put_name(fd, SFW_NAME_POLICY, conf->policies[i].index, conf->policies[i].name);
	for (int i = 0; i < conf->n_apps && !err; i++)
		err = put_name(fd, SFW_NAME_APP, conf->apps[i].id, conf->apps[i].name);
	for (int i = 0; i < conf->n_zones && !err; i++)
		err = put_name(fd, SFW_NAME_ZONE, (__u32)i + 1, conf->zones[i].name);
	return err;
}

/* Does a zone's screen limit sessions? The datapath looks limits up
 * only then (bpf/limit.bpf.h). */
static bool zone_has_limit(const struct sfw_conf *conf)
{
	for (int z = 0; z < conf->n_zones; z++) {
		const struct sfw_conf_ref *r = &conf->zones[z].screen;

		if (r->name[0] && r->kind == SFW_CONF_REF_SCREEN &&
		    (conf->screens[r->idx].limit_src || conf->screens[r->idx].limit_dst))
			return true;
	}
	return false;
}

/* The flow settings of the configuration, over the built-in defaults. */
static int flow_settings(const struct sfw_conf *conf, struct sfw_config *cfg)
{
	__u32 gen = cfg->gen, limit = cfg->session_limit;
	/* set at run time, not by the configuration: a commit keeps them */
	__u32 runtime = cfg->flags & (SFW_CFG_F_FORWARD | SFW_CFG_F_LOG_SESSIONS |
				      SFW_CFG_F_MONITOR | SFW_CFG_F_SYNC);

	if (conf->flow.max_sessions > limit)
		return sfw_fail(ERANGE, "max-sessions %u exceeds what the session table holds "
				"without eviction (%u); attach with a larger max-sessions",
				conf->flow.max_sessions, limit);
	sfw_config_defaults(cfg);
	cfg->gen = gen;
	cfg->session_limit = limit;
	cfg->max_sessions = conf->flow.max_sessions ? conf->flow.max_sessions : limit;
	for (int i = 0; i < SFW_TO_COUNT; i++)
		if (conf->flow.timeout_s[i])
			cfg->timeout_s[i] = conf->flow.timeout_s[i];
	if (conf->flow.deny_log_rate)
		cfg->deny_log_rate = conf->flow.deny_log_rate;
	if (conf->flow.reply_rate)
		cfg->reply_rate = conf->flow.reply_rate;
	cfg->default_policy = conf->default_policy;
	cfg->flags = (conf->flow.no_syn_check ? SFW_CFG_F_NO_SYN_CHECK : 0) |
		     (conf->flow.no_sequence_check ? SFW_CFG_F_NO_SEQ_CHECK : 0) |
		     (conf->flow.syn_flood_mode == SFW_CONF_SYN_FLOOD_COOKIE ? SFW_CFG_F_SYN_COOKIE : 0) |
		     (conf->n_zones ? SFW_CFG_F_ZONES : 0) |
		     (conf->n_policies ? SFW_CFG_F_POLICIES : 0) |
		     (zone_has_limit(conf) ? SFW_CFG_F_LIMITS : 0) | runtime;
	return 0;
}

/* Each zone's screen, resolved to its settings (Junos defaults where the
 * screen leaves a threshold unset). */
static int write_screens(const struct compiler *c, __u32 gen)
{
	const struct sfw_conf *conf = c->conf;
	__u8 tally[SFW_MAX_ZONES];
	int err = sfw_tally_ids(c, tally);

	for (int z = 0; z < conf->n_zones && !err; z++) {
		const struct sfw_conf_ref *r = &conf->zones[z].screen;
		const struct sfw_conf_screen *sc;
		struct sfw_screen_key k = { .zone = (__u32)z + 1, .gen = gen };
		struct sfw_screen v = { 0 };

		if (!r->name[0] || r->kind != SFW_CONF_REF_SCREEN)
			continue;
		sc = &conf->screens[r->idx];
		v.flags = (sc->ip_spoofing ? SFW_SCREEN_IP_SPOOFING : 0) |
			  (sc->syn_flood ? SFW_SCREEN_SYN_FLOOD : 0) |
			  (sc->limit_src ? SFW_SCREEN_LIMIT_SRC : 0) |
			  (sc->limit_dst ? SFW_SCREEN_LIMIT_DST : 0);
		v.limit_src = sc->limit_src;
		v.limit_dst = sc->limit_dst;
		v.tally_id = tally[z];
		v.syn_attack_threshold = sc->syn_attack_threshold ? sc->syn_attack_threshold
								  : SFW_CONF_SYN_ATTACK_DEFAULT;
		v.syn_source_threshold = sc->syn_source_threshold ? sc->syn_source_threshold
								  : SFW_CONF_SYN_SOURCE_DEFAULT;
		v.syn_destination_threshold = sc->syn_destination_threshold
			? sc->syn_destination_threshold : SFW_CONF_SYN_DESTINATION_DEFAULT;
		err = put(c->fds->screens, &k, &v, "screens");
	}
	return err;
}

int sfw_policy_write(struct compiler *c)
{
	const struct sfw_policy_fds *fds = c->fds;
	struct sfw_config cfg;
	__u32 zero = 0, gen;
	int err;

	if (bpf_map_lookup_elem(fds->config, &zero, &cfg))
		return sfw_fail(errno, "cannot read the configuration map: %s", strerror(errno));
	gen = (cfg.gen & 1) ^ 1;
	err = purge_gen(fds, gen);   /* leftovers of an interrupted commit */
	for (int i = 0; i < c->n_lists && !err; i++)
		err = write_list(fds, &c->lists[i], gen);
	for (int i = 0; i < c->n_rules && !err; i++) {
		struct sfw_rule_key k = c->rules[i].key;

		k.list |= (__u16)(gen << SFW_LIST_GEN_SHIFT);
		err = put(fds->rules, &k, &c->rules[i].rule, "rules");
	}
	err = err ? err : write_classes(c, gen);
	err = err ? err : write_zones(c, gen);
	err = err ? err : write_screens(c, gen);
	err = err ? err : write_names(c);
	cfg.gen = gen;
	err = err ? err : flow_settings(c->conf, &cfg);
	if (err) {
		purge_gen(fds, gen);
		return err;
	}
	err = put(fds->config, &zero, &cfg, "configuration");
	if (!err)
		err = purge_gen(fds, gen ^ 1);
	return err;
}
