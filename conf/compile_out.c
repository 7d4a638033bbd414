/* The compiler's output (compile.h): closed rule lists as LPM entries, and
 * what the configuration says beyond policies: how packets are classified
 * into applications, which interface is in which zone, screens, the names
 * the CLI shows, the flow settings. */
#define _GNU_SOURCE   /* qsort_r */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compile_int.h"

/* Capacity is implicit: the arrays double whenever n reaches a power of
 * two (8 at least). */
void *cpl_grow(void **v, int *n, size_t size)
{
	char *e;

	if (*n == 0 || (*n >= 8 && !(*n & (*n - 1)))) {
		size_t cap = *n ? (size_t)*n * 2 : 8;
		void *nv = realloc(*v, cap * size);

		if (!nv)
			return NULL;
		*v = nv;
	}
	e = (char *)*v + (size_t)(*n)++ * size;
	memset(e, 0, size);
	return e;
}

static int emit_list(struct sfw_compiled *out, const struct plist *l)
{
	const struct sfw_table *addr[2] = { &l->src, &l->dst };

	for (int d = 0; d < 2; d++)
		for (int i = 0; i < addr[d]->n; i++) {
			const struct sfw_tbl_entry *e = &addr[d]->v[i];
			struct sfw_cpl_addr *a = CPL_PUSH(out, addr);

			if (!a)
				return -ENOMEM;
			a->k = (struct sfw_addr_lpm_key){
				.prefixlen = SFW_ADDR_LPM_FIXED_BITS + e->len,
				.list = l->id, .dir = (__u8)d, .family = e->tag,
			};
			memcpy(a->k.addr, e->data, sizeof(a->k.addr));
			a->v = e->bits;
		}
	for (int i = 0; i < l->app.n; i++) {
		const struct sfw_tbl_entry *e = &l->app.v[i];
		struct sfw_cpl_app *a = CPL_PUSH(out, app);

		if (!a)
			return -ENOMEM;
		a->k = (struct sfw_app_lpm_key){
			.prefixlen = SFW_APP_LPM_LIST_BITS + e->len, .list = l->id,
			.proto = e->data[0], .port = { e->data[2], e->data[3] },
		};
		a->v = e->bits;
	}
	return 0;
}

int cpl_emit_lists(struct compiler *c)
{
	int err = 0;

	for (int i = 0; i < c->n_lists && !err; i++)
		err = emit_list(c->out, &c->lists[i]);
	return err;
}

struct class_ctx {
	struct sfw_compiled *out;
	struct sfw_app_class val;
};

static int put_class(const __u8 *data, __u8 len, void *ctx)
{
	struct class_ctx *x = ctx;
	struct sfw_cpl_class *e = CPL_PUSH(x->out, cls);

	if (!e)
		return -ENOMEM;
	e->k = (struct sfw_app_lpm_key){
		.prefixlen = SFW_APP_LPM_LIST_BITS + len, .list = SFW_CLASS_LIST(0),
		.proto = data[0], .port = { data[2], data[3] },
	};
	e->v = x->val;
	return 0;
}

/* By key, then position: the first of equal keys sorts first. */
static int cmp_class(const void *a, const void *b, void *arg)
{
	const struct sfw_cpl_class *cls = arg;
	int i = *(const int *)a, j = *(const int *)b;
	int d = memcmp(&cls[i].k, &cls[j].k, sizeof(cls[i].k));

	return d ? d : i - j;
}

/* Identical prefixes keep their first definition, in emission order. */
static int dedupe_classes(struct sfw_compiled *out)
{
	int *idx = malloc((size_t)(out->n_cls ? out->n_cls : 1) * sizeof(*idx));
	char *later = calloc(out->n_cls ? out->n_cls : 1, 1);
	int n = 0;

	if (!idx || !later) {
		free(idx);
		free(later);
		return -ENOMEM;
	}
	for (int i = 0; i < out->n_cls; i++)
		idx[i] = i;
	qsort_r(idx, out->n_cls, sizeof(*idx), cmp_class, out->cls);
	for (int i = 1; i < out->n_cls; i++)
		later[idx[i]] = !memcmp(&out->cls[idx[i]].k, &out->cls[idx[i - 1]].k,
				      sizeof(out->cls[0].k));
	for (int i = 0; i < out->n_cls; i++)
		if (!later[i])
			out->cls[n++] = out->cls[i];
	out->n_cls = n;
	free(idx);
	free(later);
	return 0;
}

static int emit_classes(const struct sfw_conf *conf, struct sfw_compiled *out)
{
	struct class_ctx x = { .out = out };
	int err = 0;

	for (int i = 0; i < conf->n_apps && !err; i++) {
		const struct sfw_conf_application *a = &conf->apps[i];

		if (a->proto < 0)
			continue;   /* `any` names no application */
		x.val = (struct sfw_app_class){ .app_id = a->id, .timeout_s = a->inactivity_timeout };
		err = sfw_app_prefixes(a, put_class, &x);
	}
	return err ? err : dedupe_classes(out);
}

static int emit_zone_ifaces(const struct sfw_conf *conf, struct sfw_compiled *out)
{
	for (int z = 0; z < conf->n_zones; z++) {
		const struct sfw_conf_refs *ifs = &conf->zones[z].interfaces;

		for (int i = 0; i < ifs->n; i++) {
			struct sfw_cpl_zif *e = CPL_PUSH(out, zifs);

			if (!e)
				return -ENOMEM;
			memcpy(e->ifname, ifs->v[i].name, sizeof(e->ifname));
			e->zone = (__u32)z + 1;
		}
	}
	return 0;
}

static const struct sfw_conf_screen *screen_of(const struct sfw_conf *conf, int z)
{
	const struct sfw_conf_ref *r = &conf->zones[z].screen;

	return r->name[0] && r->kind == SFW_CONF_REF_SCREEN ? &conf->screens[r->idx] : NULL;
}

static int emit_screens(const struct sfw_conf *conf, struct sfw_compiled *out)
{
	for (int z = 0; z < conf->n_zones; z++) {
		const struct sfw_conf_screen *sc = screen_of(conf, z);
		struct sfw_cpl_scr *e;

		if (!sc)
			continue;
		e = CPL_PUSH(out, screens);
		if (!e)
			return -ENOMEM;
		e->zone = (__u32)z + 1;
		e->v.flags = (sc->ip_spoofing ? SFW_SCREEN_IP_SPOOFING : 0) |
			     (sc->syn_flood ? SFW_SCREEN_SYN_FLOOD : 0) |
			     (sc->limit_src ? SFW_SCREEN_LIMIT_SRC : 0) |
			     (sc->limit_dst ? SFW_SCREEN_LIMIT_DST : 0);
		e->v.limit_src = sc->limit_src;
		e->v.limit_dst = sc->limit_dst;
		e->v.syn_attack_threshold = sc->syn_attack_threshold ? sc->syn_attack_threshold
								     : SFW_CONF_SYN_ATTACK_DEFAULT;
		e->v.syn_source_threshold = sc->syn_source_threshold ? sc->syn_source_threshold
								     : SFW_CONF_SYN_SOURCE_DEFAULT;
		e->v.syn_destination_threshold = sc->syn_destination_threshold
			? sc->syn_destination_threshold : SFW_CONF_SYN_DESTINATION_DEFAULT;
	}
	return 0;
}

static int put_name(struct sfw_compiled *out, __u32 kind, __u32 id, const char *name)
{
	struct sfw_cpl_name *e = CPL_PUSH(out, names);

	if (!e)
		return -ENOMEM;
	e->k = (struct sfw_name_key){ .kind = kind, .id = id };
	snprintf(e->v.name, sizeof(e->v.name), "%s", name);
	return 0;
}

static int emit_names(const struct sfw_conf *conf, struct sfw_compiled *out)
{
	int err = put_name(out, SFW_NAME_ZONE, SFW_ZONE_HOST, "junos-host");

	for (int i = 0; i < conf->n_policies && !err; i++)
		err = put_name(out, SFW_NAME_POLICY, conf->policies[i].index, conf->policies[i].name);
	for (int i = 0; i < conf->n_apps && !err; i++)
		err = put_name(out, SFW_NAME_APP, conf->apps[i].id, conf->apps[i].name);
	for (int i = 0; i < conf->n_zones && !err; i++)
		err = put_name(out, SFW_NAME_ZONE, (__u32)i + 1, conf->zones[i].name);
	/* source NAT rules' and pools' names: written by the loader with the
	 * ids it keeps by name (loader/nat_rule_ids.c), not the compiler's */
	return err;
}

/* Does a zone's screen limit sessions? The datapath looks limits up only
 * then (bpf/limit.bpf.h). */
static bool zone_has_limit(const struct sfw_conf *conf)
{
	for (int z = 0; z < conf->n_zones; z++) {
		const struct sfw_conf_screen *sc = screen_of(conf, z);

		if (sc && (sc->limit_src || sc->limit_dst))
			return true;
	}
	return false;
}

/* Has the configuration a rule-set of NAT type t (the datapath walks a
 * type's lists only then: SFW_CFG_F_NAT_NO_SOURCE's absence,
 * SFW_CFG_F_NAT_DEST, SFW_CFG_F_NAT_STATIC)? */
static bool nat_has_type(const struct sfw_conf *conf, enum sfw_conf_nat_type t)
{
	for (int k = 0; k < conf->n_nat_rule_sets; k++)
		if (conf->nat_rule_sets[k].type == t)
			return true;
	return false;
}

static int emit_flow(const struct sfw_conf *conf, struct sfw_cpl_flow *f)
{
	memcpy(f->timeout_s, conf->flow.timeout_s, sizeof(f->timeout_s));
	f->deny_log_rate = conf->flow.deny_log_rate;
	f->reply_rate = conf->flow.reply_rate;
	f->max_sessions = conf->flow.max_sessions;
	f->default_policy = (__u8)conf->default_policy;
	f->flags = (conf->flow.no_syn_check ? SFW_CFG_F_NO_SYN_CHECK : 0) |
		   (conf->flow.no_sequence_check ? SFW_CFG_F_NO_SEQ_CHECK : 0) |
		   (conf->flow.syn_flood_mode == SFW_CONF_SYN_FLOOD_COOKIE ? SFW_CFG_F_SYN_COOKIE : 0) |
		   (conf->n_zones ? SFW_CFG_F_ZONES : 0) |
		   (conf->n_policies ? SFW_CFG_F_POLICIES : 0) |
		   (zone_has_limit(conf) ? SFW_CFG_F_LIMITS : 0) |
		   (conf->log_format == SFW_CONF_LOG_SYSLOG ? SFW_CFG_F_LOG_SYSLOG : 0) |
		   (conf->mpls_packet_mode ? SFW_CFG_F_MPLS_PACKET : 0) |
		   (conf->n_nat_rule_sets ? SFW_CFG_F_NAT : 0) |
		   (nat_has_type(conf, SFW_CONF_NAT_SOURCE) ? 0 : SFW_CFG_F_NAT_NO_SOURCE) |
		   (nat_has_type(conf, SFW_CONF_NAT_DESTINATION) ? SFW_CFG_F_NAT_DEST : 0) |
		   (nat_has_type(conf, SFW_CONF_NAT_STATIC) ? SFW_CFG_F_NAT_STATIC : 0);
	return conf->source ? sfw_conf_digest(conf->source, conf->source_len, f->conf_digest) : 0;
}

int cpl_emit_rest(const struct sfw_conf *conf, struct sfw_compiled *out)
{
	int err = emit_classes(conf, out);

	err = err ? err : emit_zone_ifaces(conf, out);
	err = err ? err : emit_screens(conf, out);
	err = err ? err : emit_names(conf, out);
	return err ? err : emit_flow(conf, &out->flow);
}

void sfw_compiled_free(struct sfw_compiled *c)
{
	free(c->addr);
	free(c->app);
	free(c->rules);
	free(c->cls);
	free(c->zifs);
	free(c->screens);
	free(c->names);
	free(c->nat_lists);
	free(c->nat_entries);
	free(c->nat_pools);
	free(c->nat_rules);
	free(c->nat_proxies);
	memset(c, 0, sizeof(*c));
}
