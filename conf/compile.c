/* The policy compiler (compile.h): a checked configuration model into
 * rule lists, one per zone pair (and the global one). Lists are built in
 * memory as prefix tables (tables.c); the LPM semantics need every prefix
 * entry to carry the rules of the shorter prefixes that cover it, which
 * sfw_table_close() computes. compile_out.c turns them into map entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "compile_int.h"
#include "err.h"

static struct plist *list_get(struct compiler *c, __u16 id)
{
	for (int i = 0; i < c->n_lists; i++)
		if (c->lists[i].id == id)
			return &c->lists[i];
	if (c->n_lists == c->cap_lists) {
		int cap = c->cap_lists ? c->cap_lists * 2 : 8;
		void *v = realloc(c->lists, cap * sizeof(*c->lists));

		if (!v)
			return NULL;
		c->lists = v;
		c->cap_lists = cap;
	}
	memset(&c->lists[c->n_lists], 0, sizeof(c->lists[0]));
	c->lists[c->n_lists].id = id;
	return &c->lists[c->n_lists++];
}

struct add_ctx {
	struct compiler *c;
	struct plist *l;
	__u32 bit;
	__u8 dir;
};

static int add_prefix(const struct sfw_conf_prefix *pfx, const struct sfw_conf_address *a,
		      void *ctx)
{
	struct add_ctx *x = ctx;
	struct sfw_table *t = x->dir == SFW_DIR_SRC ? &x->l->src : &x->l->dst;
	int err = 0;

	if (pfx->family != SFW_FAMILY_INET6)   /* IPv4, or any family */
		err = sfw_table_add(t, SFW_FAMILY_INET, pfx->addr.bytes,
				    pfx->family ? pfx->len : 0, x->bit);
	if (!err && pfx->family != SFW_FAMILY_INET)
		err = sfw_table_add(t, SFW_FAMILY_INET6, pfx->addr.bytes,
				    pfx->family ? pfx->len : 0, x->bit);
	return err;
}

static int add_app_prefix(const __u8 *data, __u8 len, void *ctx)
{
	struct add_ctx *x = ctx;

	return sfw_table_add(&x->l->app, 0, data, len, x->bit);
}

static int add_app(const struct sfw_conf_application *a, void *ctx)
{
	return sfw_app_prefixes(a, add_app_prefix, ctx);
}

static int add_rule(struct compiler *c, struct plist *l, __u32 *bit, const struct sfw_rule *r)
{
	struct sfw_cpl_rule *e;

	if (l->n_rules >= SFW_MAX_RULES)
		return sfw_fail(E2BIG, "more than %d policies in one zone pair", SFW_MAX_RULES);
	e = CPL_PUSH(c->out, rules);
	if (!e)
		return -ENOMEM;
	*bit = l->n_rules++;
	e->k = (struct sfw_rule_key){ .list = l->id, .bit = (__u16)*bit };
	e->v = *r;
	return 0;
}

static __u8 action_of(enum sfw_conf_action a)
{
	return a == SFW_CONF_ACTION_PERMIT ? SFW_ACTION_PERMIT
	     : a == SFW_CONF_ACTION_REJECT ? SFW_ACTION_REJECT : SFW_ACTION_DENY;
}

/* One policy into one list: its rule bit in the source, destination and
 * application tables. */
static int compile_policy_into(struct compiler *c, const struct sfw_conf_policy *p, __u16 list_id)
{
	struct sfw_rule r = {
		.policy_id = p->index, .action = action_of(p->action),
		.flags = (p->log_init ? SFW_RULE_LOG_INIT : 0) |
			 (p->log_close ? SFW_RULE_LOG_CLOSE : 0) | (p->count ? SFW_RULE_COUNT : 0),
	};
	struct add_ctx x = { .c = c, .l = list_get(c, list_id) };
	int err;

	if (!x.l)
		return -ENOMEM;
	err = add_rule(c, x.l, &x.bit, &r);
	x.dir = SFW_DIR_SRC;
	if (!err)
		err = sfw_conf_walk_addresses(c->conf, &p->src, add_prefix, &x);
	x.dir = SFW_DIR_DST;
	if (!err)
		err = sfw_conf_walk_addresses(c->conf, &p->dst, add_prefix, &x);
	if (!err)
		err = sfw_conf_walk_apps(c->conf, &p->apps, add_app, &x);
	return err;
}

/* Zone policies into their zone pair's list. */
static int compile_zone_policies(struct compiler *c)
{
	for (int i = 0; i < c->conf->n_policies; i++) {
		const struct sfw_conf_policy *p = &c->conf->policies[i];
		__u32 from = (__u32)sfw_conf_zone_id(&p->from_zone);
		__u32 to = (__u32)sfw_conf_zone_id(&p->to_zone);
		int err;

		if (p->global)
			continue;
		err = compile_policy_into(c, p, SFW_LIST(0, from, to));
		if (err)
			return err;
	}
	return 0;
}

/* Without zones a first packet is judged as from no zone to junos-host
 * (the host's; then the global list) or to no zone (the global list
 * alone: that pair's list id is the classification's, include/policy.h).
 * A global policy that names zones goes into those it applies to, in
 * order, as conf/match.c matches it: the expansion below has no zone to
 * expand into, and every global policy was lost once one named
 * junos-host, the default deciding (review rvconf F2). */
static int compile_zoneless(struct compiler *c, const struct sfw_conf_policy *p)
{
	int err = 0;

	if (!sfw_conf_zone_listed(&p->match_from, SFW_ZONE_NONE))
		return 0;
	if (sfw_conf_zone_listed(&p->match_to, SFW_ZONE_HOST))
		err = compile_policy_into(c, p, SFW_LIST(0, SFW_ZONE_NONE, SFW_ZONE_HOST));
	if (!err && sfw_conf_zone_listed(&p->match_to, SFW_ZONE_NONE))
		err = compile_policy_into(c, p, SFW_LIST_GLOBAL);
	return err;
}

/* Global policies come after every zone pair's own. Without zone matches
 * they form one list the datapath tries second; a global policy limited
 * to some zones forces every zone pair to carry its applicable globals. */
static int compile_global_policies(struct compiler *c)
{
	const struct sfw_conf *conf = c->conf;
	bool restricted = false;
	int err = 0;

	for (int i = 0; i < conf->n_policies; i++)
		if (conf->policies[i].global &&
		    (!sfw_conf_zones_all(&conf->policies[i].match_from) ||
		     !sfw_conf_zones_all(&conf->policies[i].match_to)))
			restricted = true;
	for (int i = 0; i < conf->n_policies && !err; i++) {
		const struct sfw_conf_policy *p = &conf->policies[i];

		if (!p->global)
			continue;
		if (!restricted) {
			err = compile_policy_into(c, p, SFW_LIST_GLOBAL);
			continue;
		}
		if (!conf->n_zones) {
			err = compile_zoneless(c, p);
			continue;
		}
		for (__u32 f = 1; f <= SFW_ZONE_HOST && !err; f++) {
			if (f > (__u32)conf->n_zones && f != SFW_ZONE_HOST)
				continue;
			for (__u32 t = 1; t <= SFW_ZONE_HOST && !err; t++) {
				/* junos-host to junos-host has no list: its id is
				 * the global list's (include/policy.h) */
				if ((t > (__u32)conf->n_zones && t != SFW_ZONE_HOST) ||
				    (f == SFW_ZONE_HOST && t == SFW_ZONE_HOST) ||
				    !sfw_conf_zone_listed(&p->match_from, (int)f) ||
				    !sfw_conf_zone_listed(&p->match_to, (int)t))
					continue;
				err = compile_policy_into(c, p, SFW_LIST(0, f, t));
			}
		}
	}
	return err;
}

/* host-inbound-traffic system-services: what a zone may reach on the
 * firewall itself, as permit rules after the zone's own policies towards
 * junos-host. The service-to-application table is the configuration's
 * (sfw_conf_host_service_apps), shared with the CLI's policy matcher. */
static int compile_host_inbound(struct compiler *c)
{
	static const struct sfw_conf_prefix any = { 0 };
	const struct sfw_conf *conf = c->conf;
	struct sfw_rule r = { .policy_id = SFW_POLICY_ID_HOST_INBOUND, .action = SFW_ACTION_PERMIT };

	for (int z = 0; z < conf->n_zones; z++) {
		const struct sfw_conf_refs *svc = &conf->zones[z].services;
		struct add_ctx x = { .c = c };
		int err = 0;

		for (int s = 0; s < svc->n && !err; s++) {
			const char *apps[3];
			int n = sfw_conf_host_service_apps(svc->v[s].name, apps);

			if (n <= 0)
				continue;
			x.l = list_get(c, SFW_LIST(0, z + 1, SFW_ZONE_HOST));
			err = x.l ? add_rule(c, x.l, &x.bit, &r) : -ENOMEM;
			x.dir = SFW_DIR_SRC;
			err = err ? err : add_prefix(&any, NULL, &x);
			x.dir = SFW_DIR_DST;
			err = err ? err : add_prefix(&any, NULL, &x);
			for (int a = 0; a < n && !err; a++) {
				int idx = sfw_conf_find_app(conf, apps[a]);

				if (idx >= 0)
					err = add_app(&conf->apps[idx], &x);
			}
		}
		if (err)
			return err;
	}
	return 0;
}

static int compile_lists(struct compiler *c)
{
	int err;

	if (c->conf->n_zones >= SFW_ZONE_HOST)
		return sfw_fail(E2BIG, "more than %d security zones", SFW_ZONE_HOST - 1);
	err = compile_zone_policies(c);
	if (!err)
		err = compile_host_inbound(c);
	if (!err)
		err = compile_global_policies(c);
	for (int i = 0; i < c->n_lists; i++) {
		sfw_table_close(&c->lists[i].src);
		sfw_table_close(&c->lists[i].dst);
		sfw_table_close(&c->lists[i].app);
	}
	return err ? err : cpl_emit_lists(c);
}

int sfw_conf_compile(const struct sfw_conf *conf, struct sfw_compiled *out)
{
	struct compiler c = { .conf = conf, .out = out };
	int err;

	memset(out, 0, sizeof(*out));
	err = compile_lists(&c);
	if (!err)
		err = cpl_emit_rest(conf, out);
	if (!err)
		err = cpl_emit_nat(conf, out);
	for (int i = 0; i < c.n_lists; i++) {
		sfw_table_free(&c.lists[i].src);
		sfw_table_free(&c.lists[i].dst);
		sfw_table_free(&c.lists[i].app);
	}
	free(c.lists);
	if (err)
		sfw_compiled_free(out);
	return err;
}

int sfw_conf_compile_check(const struct sfw_conf *conf)
{
	struct sfw_compiled c;
	int err = sfw_conf_compile(conf, &c);

	if (!err)
		sfw_compiled_free(&c);
	return err;
}
