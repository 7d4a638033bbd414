/* The configuration model's life cycle, lookups and growable arrays. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"

int sfw_conf_init(struct sfw_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->default_policy = SFW_POLICY_DENY_ALL;
	conf->index = calloc(1, sizeof(*conf->index));
	if (!conf->index)
		return -ENOMEM;
	return conf_add_predefined_apps(conf);
}

int sfw_conf_init_builtin(struct sfw_conf *conf)
{
	int err = sfw_conf_init(conf);

	conf->default_policy = SFW_POLICY_PERMIT_ALL;
	return err;
}

void conf_refs_free(struct sfw_conf_refs *refs)
{
	if (refs->index)
		conf_index_free(refs->index);
	free(refs->index);
	free(refs->v);
	memset(refs, 0, sizeof(*refs));
}

static void free_policy(struct sfw_conf_policy *pol)
{
	free(pol->description);
	conf_refs_free(&pol->src);
	conf_refs_free(&pol->dst);
	conf_refs_free(&pol->apps);
	conf_refs_free(&pol->match_from);
	conf_refs_free(&pol->match_to);
}

static void free_zone(struct sfw_conf_zone *z)
{
	free(z->description);
	conf_refs_free(&z->interfaces);
	conf_refs_free(&z->services);
}

static void free_address_set(struct sfw_conf_address_set *s)
{
	free(s->description);
	conf_refs_free(&s->addresses);
	conf_refs_free(&s->sets);
}

static void free_app_set(struct sfw_conf_app_set *s)
{
	free(s->description);
	conf_refs_free(&s->apps);
	conf_refs_free(&s->sets);
}

void conf_mark(const struct sfw_conf *conf, struct conf_mark *m)
{
	m->zones = conf->n_zones;
	m->addresses = conf->n_addresses;
	m->address_sets = conf->n_address_sets;
	m->apps = conf->n_apps;
	m->app_sets = conf->n_app_sets;
	m->policies = conf->n_policies;
	m->service_sets = conf->n_service_sets;
	m->screens = conf->n_screens;
	m->nat_src_pools = conf->n_nat_src_pools;
	m->nat_dst_pools = conf->n_nat_dst_pools;
	m->nat_rule_sets = conf->n_nat_rule_sets;
	m->nat_rules = conf->n_nat_rules;
	m->nat_proxies = conf->n_nat_proxies;
}

/* After conf_truncate: the indexes forget the popped objects (they are the
 * newest, so this only unlinks chain heads). */
static void pop_to(struct conf_index *x, int n)
{
	struct conf_keys none = { NULL, NULL };   /* popping reads no key */

	if (x->n > n)
		conf_index_sync(x, &none, n);
}

static void index_pop(struct sfw_conf *c)
{
	struct conf_indexes *x = c->index;

	if (!x)
		return;
	pop_to(&x->zones, c->n_zones);
	pop_to(&x->addresses, c->n_addresses);
	pop_to(&x->address_sets, c->n_address_sets);
	pop_to(&x->apps, c->n_apps);
	pop_to(&x->app_sets, c->n_app_sets);
	pop_to(&x->service_sets, c->n_service_sets);
	pop_to(&x->screens, c->n_screens);
	pop_to(&x->policies, c->n_policies);
	pop_to(&x->pairs, c->n_policies);
	conf_nat_index_pop(c);
	x->ifaces_built = false;
}

/* Back to the sizes of m (all objects when m is all zero). */
void conf_truncate(struct sfw_conf *conf, const struct conf_mark *m)
{
	while (conf->n_zones > m->zones)
		free_zone(&conf->zones[--conf->n_zones]);
	while (conf->n_addresses > m->addresses)
		free(conf->addresses[--conf->n_addresses].description);
	while (conf->n_address_sets > m->address_sets)
		free_address_set(&conf->address_sets[--conf->n_address_sets]);
	while (conf->n_apps > m->apps)
		free(conf->apps[--conf->n_apps].description);
	while (conf->n_app_sets > m->app_sets)
		free_app_set(&conf->app_sets[--conf->n_app_sets]);
	while (conf->n_policies > m->policies)
		free_policy(&conf->policies[--conf->n_policies]);
	while (conf->n_service_sets > m->service_sets)
		conf_refs_free(&conf->service_sets[--conf->n_service_sets].interfaces);
	if (conf->n_screens > m->screens)
		conf->n_screens = m->screens;
	while (conf->n_nat_rules > m->nat_rules)
		conf_nat_free_rule(&conf->nat_rules[--conf->n_nat_rules]);
	if (conf->n_nat_src_pools > m->nat_src_pools)
		conf->n_nat_src_pools = m->nat_src_pools;
	if (conf->n_nat_dst_pools > m->nat_dst_pools)
		conf->n_nat_dst_pools = m->nat_dst_pools;
	if (conf->n_nat_rule_sets > m->nat_rule_sets)
		conf->n_nat_rule_sets = m->nat_rule_sets;
	if (conf->n_nat_proxies > m->nat_proxies)
		conf->n_nat_proxies = m->nat_proxies;
	index_pop(conf);
}

static void index_free(struct conf_indexes *x)
{
	struct conf_index *all[] = {
		&x->zones, &x->addresses, &x->address_sets, &x->apps, &x->app_sets,
		&x->service_sets, &x->screens, &x->policies, &x->pairs,
		&x->zone_if_index, &x->set_if_index,
	};

	for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		conf_index_free(all[k]);
	conf_nat_index_free(x);
	free(x->zone_ifs);
	free(x->set_ifs);
	free(x);
}

void sfw_conf_free(struct sfw_conf *conf)
{
	struct conf_mark none = { 0 };

	conf_truncate(conf, &none);
	if (conf->index)
		index_free(conf->index);
	free(conf->zones);
	free(conf->addresses);
	free(conf->address_sets);
	free(conf->apps);
	free(conf->app_sets);
	free(conf->policies);
	free(conf->service_sets);
	free(conf->screens);
	free(conf->nat_src_pools);
	free(conf->nat_dst_pools);
	free(conf->nat_rule_sets);
	free(conf->nat_rules);
	free(conf->nat_proxies);
	free(conf->path);
	free(conf->source);
	memset(conf, 0, sizeof(*conf));
}

void *conf_grow(struct conf_parser *p, void **v, int *n, int *cap, size_t size)
{
	char *elem;

	if (*n == *cap) {
		int ncap = *cap ? 2 * *cap : 8;
		void *nv = realloc(*v, (size_t)ncap * size);

		if (!nv) {
			if (p)
				p->oom = true;
			return NULL;
		}
		*v = nv;
		*cap = ncap;
	}
	elem = (char *)*v + (size_t)*n * size;
	memset(elem, 0, size);
	(*n)++;
	return elem;
}

static const char *ref_key(const void *ctx, int i, char *buf)
{
	return ((const struct sfw_conf_refs *)ctx)->v[i].name;
}

/* A list this long gets an index: a set of 100k members would otherwise
 * compare each new member with every earlier one. */
#define REFS_INDEXED 16

int conf_refs_find(const struct sfw_conf_refs *refs, const char *name)
{
	struct conf_keys k = { ref_key, refs };

	if (refs->index && !conf_index_sync(refs->index, &k, refs->n))
		return conf_index_find(refs->index, &k, name);
	for (int i = 0; i < refs->n; i++)
		if (!strcmp(refs->v[i].name, name))
			return i;
	return -1;
}

int conf_ref_add(struct conf_parser *p, struct sfw_conf_refs *refs, const char *name)
{
	struct sfw_conf_ref *r;

	if (refs->n >= REFS_INDEXED && !refs->index)
		refs->index = calloc(1, sizeof(*refs->index));   /* none: a linear search */
	if (conf_refs_find(refs, name) >= 0)
		return 0;
	r = conf_grow(p, (void **)&refs->v, &refs->n, &refs->cap, sizeof(*r));
	if (!r)
		return -1;
	strcpy(r->name, name);
	r->line = p->line;
	return 0;
}

/* Lookups over arrays whose elements start with a name: through the
 * model's index, or (no memory for it) a linear search. */
#define KEY_FN(field)                                                          \
	static const char *field##_key(const void *ctx, int i, char *buf)      \
	{                                                                      \
		(void)buf;                                                     \
		return ((const struct sfw_conf *)ctx)->field[i].name;          \
	}
KEY_FN(zones)
KEY_FN(addresses)
KEY_FN(address_sets)
KEY_FN(apps)
KEY_FN(app_sets)
KEY_FN(service_sets)
KEY_FN(screens)

static int find_in(const struct sfw_conf *c, struct conf_index *x,
		   const char *(*key)(const void *, int, char *), int n, const char *name)
{
	struct conf_keys k = { key, c };

	if (x && !conf_index_sync(x, &k, n))
		return conf_index_find(x, &k, name);
	for (int i = 0; i < n; i++)
		if (!strcmp(key(c, i, NULL), name))
			return i;
	return -1;
}

#define FIND(c, field, name) \
	find_in(c, (c)->index ? &(c)->index->field : NULL, field##_key, (c)->n_##field, name)

int sfw_conf_find_zone(const struct sfw_conf *c, const char *name) { return FIND(c, zones, name); }
int sfw_conf_find_address(const struct sfw_conf *c, const char *name) { return FIND(c, addresses, name); }
int sfw_conf_find_address_set(const struct sfw_conf *c, const char *name) { return FIND(c, address_sets, name); }
int sfw_conf_find_app(const struct sfw_conf *c, const char *name) { return FIND(c, apps, name); }
int sfw_conf_find_app_set(const struct sfw_conf *c, const char *name) { return FIND(c, app_sets, name); }
int sfw_conf_find_screen(const struct sfw_conf *c, const char *name) { return FIND(c, screens, name); }
int sfw_conf_find_service_set(const struct sfw_conf *c, const char *name) { return FIND(c, service_sets, name); }

int sfw_conf_zone_id(const struct sfw_conf_ref *ref)
{
	if (ref->kind == SFW_CONF_REF_ZONE_HOST)
		return SFW_ZONE_HOST;
	return ref->kind == SFW_CONF_REF_ZONE ? ref->idx + 1 : SFW_ZONE_NONE;
}

bool sfw_conf_zones_all(const struct sfw_conf_refs *zones)
{
	for (int k = 0; k < zones->n; k++)
		if (zones->v[k].kind == SFW_CONF_REF_ANY)
			return true;
	return !zones->n;
}

bool sfw_conf_zone_listed(const struct sfw_conf_refs *zones, int zone)
{
	if (sfw_conf_zones_all(zones))
		return true;
	for (int k = 0; k < zones->n; k++)
		if (sfw_conf_zone_id(&zones->v[k]) == zone)
			return true;
	return false;
}

static const char *zone_if_key(const void *ctx, int i, char *buf)
{
	const struct sfw_conf *c = ctx;
	const struct conf_iface_slot *s = &c->index->zone_ifs[i];

	return c->zones[s->owner].interfaces.v[s->k].name;
}

static const char *set_if_key(const void *ctx, int i, char *buf)
{
	const struct sfw_conf *c = ctx;
	const struct conf_iface_slot *s = &c->index->set_ifs[i];

	return c->service_sets[s->owner].interfaces.v[s->k].name;
}

/* Every interface reference, last owner first: the index's newest match
 * is then the first owner, which is the one the lookups answer. */
static int index_ifaces(struct sfw_conf *c, struct conf_iface_slot **slots,
			struct conf_index *x, const char *(*key)(const void *, int, char *),
			int owners, const struct sfw_conf_refs *(*refs)(const struct sfw_conf *, int))
{
	struct conf_keys k = { key, c };
	int n = 0, at = 0;

	for (int o = 0; o < owners; o++)
		n += refs(c, o)->n;
	free(*slots);
	*slots = malloc((size_t)(n ? n : 1) * sizeof(**slots));
	if (!*slots)
		return -ENOMEM;
	for (int o = owners - 1; o >= 0; o--)
		for (int r = 0; r < refs(c, o)->n; r++)
			(*slots)[at++] = (struct conf_iface_slot){ o, r };
	pop_to(x, 0);
	return conf_index_sync(x, &k, n);
}

static const struct sfw_conf_refs *zone_ifs(const struct sfw_conf *c, int o)
{
	return &c->zones[o].interfaces;
}

static const struct sfw_conf_refs *set_ifs(const struct sfw_conf *c, int o)
{
	return &c->service_sets[o].interfaces;
}

int conf_index_ifaces(struct sfw_conf *c)
{
	struct conf_indexes *x = c->index;
	int err;

	if (!x)
		return -ENOMEM;
	x->ifaces_built = false;
	err = index_ifaces(c, &x->zone_ifs, &x->zone_if_index, zone_if_key, c->n_zones,
			   zone_ifs);
	if (!err)
		err = index_ifaces(c, &x->set_ifs, &x->set_if_index, set_if_key,
				   c->n_service_sets, set_ifs);
	x->ifaces_built = !err;
	return err;
}

static int iface_owner(const struct sfw_conf *c, const char *ifname, bool zones)
{
	const struct conf_indexes *x = c->index;
	int owners = zones ? c->n_zones : c->n_service_sets;

	if (x && x->ifaces_built) {
		struct conf_keys k = { zones ? zone_if_key : set_if_key, c };
		int i = conf_index_find(zones ? &x->zone_if_index : &x->set_if_index, &k, ifname);

		return i < 0 ? -1 : (zones ? x->zone_ifs : x->set_ifs)[i].owner;
	}
	for (int o = 0; o < owners; o++)
		if (conf_refs_find(zones ? zone_ifs(c, o) : set_ifs(c, o), ifname) >= 0)
			return o;
	return -1;
}

int sfw_conf_iface_zone(const struct sfw_conf *conf, const char *ifname)
{
	return iface_owner(conf, ifname, true);
}

int sfw_conf_iface_service_set(const struct sfw_conf *conf, const char *ifname)
{
	return iface_owner(conf, ifname, false);
}

/* Get-or-create by name: the first mention fixes the object's place in
 * configuration order and the line semantic errors point at. */
#define GET(p, field, key, init) do {                                    \
		struct sfw_conf *c_ = (p)->conf;                         \
		__typeof__(c_->field) o_;                                \
		int k_ = FIND(c_, field, key);                           \
		if (k_ >= 0)                                             \
			return &c_->field[k_];                           \
		o_ = CONF_PUSH(p, c_, field);                            \
		if (!o_)                                                 \
			return NULL;                                     \
		strcpy(o_->name, (key));                                 \
		o_->line = (p)->line;                                    \
		init;                                                    \
		return o_;                                               \
	} while (0)

struct sfw_conf_zone *conf_zone_get(struct conf_parser *p, const char *name)
{
	GET(p, zones, name, (void)0);
}

struct sfw_conf_address *conf_address_get(struct conf_parser *p, const char *name)
{
	GET(p, addresses, name, (void)0);
}

struct sfw_conf_address_set *conf_address_set_get(struct conf_parser *p, const char *name)
{
	GET(p, address_sets, name, (void)0);
}

/* User applications are numbered in configuration order (the predefined
 * ones come first in every model). Sets need no id: a session records the
 * application it matched, never the set. The id is 16 bits wide. */
#define APPS_USER_MAX (65536 - SFW_CONF_APP_ID_USER)

struct sfw_conf_application *conf_app_get(struct conf_parser *p, const char *name)
{
	int users = p->conf->n_apps - conf_predefined_apps();

	if (users >= APPS_USER_MAX && sfw_conf_find_app(p->conf, name) < 0) {
		conf_error(p, "application '%s' is one too many: at most %d applications",
			   name, APPS_USER_MAX);
		return NULL;
	}
	GET(p, apps, name, (o_->id = (__u16)(SFW_CONF_APP_ID_USER + users), o_->proto = -1,
			    o_->icmp_type = -1, o_->icmp_code = -1));
}

struct sfw_conf_app_set *conf_app_set_get(struct conf_parser *p, const char *name)
{
	GET(p, app_sets, name, (void)0);
}

struct sfw_conf_service_set *conf_service_set_get(struct conf_parser *p, const char *name)
{
	GET(p, service_sets, name, (void)0);
}

struct sfw_conf_screen *conf_screen_get(struct conf_parser *p, const char *name)
{
	GET(p, screens, name, (void)0);
}
