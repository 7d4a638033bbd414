/* The configuration model's life cycle, lookups and growable arrays. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"

int sfw_conf_init(struct sfw_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->default_policy = SFW_POLICY_PERMIT_ALL;
	conf->next_policy_index = SFW_CONF_POLICY_INDEX_FIRST;
	return conf_add_predefined_apps(conf);
}

void conf_refs_free(struct sfw_conf_refs *refs)
{
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
	m->next_policy_index = conf->next_policy_index;
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
	if (m->next_policy_index)
		conf->next_policy_index = m->next_policy_index;
}

void sfw_conf_free(struct sfw_conf *conf)
{
	struct conf_mark none = { 0 };

	conf_truncate(conf, &none);
	free(conf->zones);
	free(conf->addresses);
	free(conf->address_sets);
	free(conf->apps);
	free(conf->app_sets);
	free(conf->policies);
	free(conf->service_sets);
	free(conf->screens);
	free(conf->path);
	free(conf->source);
	memset(conf, 0, sizeof(*conf));
}

void sfw_conf_errors_free(struct sfw_conf_errors *errs)
{
	for (int k = 0; k < errs->n; k++)
		free(errs->msg[k]);
	free(errs->msg);
	memset(errs, 0, sizeof(*errs));
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

int conf_refs_find(const struct sfw_conf_refs *refs, const char *name)
{
	for (int k = 0; k < refs->n; k++)
		if (!strcmp(refs->v[k].name, name))
			return k;
	return -1;
}

int conf_ref_add(struct conf_parser *p, struct sfw_conf_refs *refs, const char *name)
{
	struct sfw_conf_ref *r;

	if (conf_refs_find(refs, name) >= 0)
		return 0;
	r = conf_grow(p, (void **)&refs->v, &refs->n, &refs->cap, sizeof(*r));
	if (!r)
		return -1;
	strcpy(r->name, name);
	r->line = p->line;
	return 0;
}

/* Lookups over arrays whose elements start with a name. */
#define FIND(arr, n, key) do {                               \
		for (int k_ = 0; k_ < (n); k_++)             \
			if (!strcmp((arr)[k_].name, (key)))  \
				return k_;                   \
		return -1;                                   \
	} while (0)

int sfw_conf_find_zone(const struct sfw_conf *c, const char *name) { FIND(c->zones, c->n_zones, name); }
int sfw_conf_find_address(const struct sfw_conf *c, const char *name) { FIND(c->addresses, c->n_addresses, name); }
int sfw_conf_find_address_set(const struct sfw_conf *c, const char *name) { FIND(c->address_sets, c->n_address_sets, name); }
int sfw_conf_find_app(const struct sfw_conf *c, const char *name) { FIND(c->apps, c->n_apps, name); }
int sfw_conf_find_app_set(const struct sfw_conf *c, const char *name) { FIND(c->app_sets, c->n_app_sets, name); }
int sfw_conf_find_screen(const struct sfw_conf *c, const char *name) { FIND(c->screens, c->n_screens, name); }
int sfw_conf_find_service_set(const struct sfw_conf *c, const char *name) { FIND(c->service_sets, c->n_service_sets, name); }

int sfw_conf_zone_id(const struct sfw_conf_ref *ref)
{
	if (ref->kind == SFW_CONF_REF_ZONE_HOST)
		return SFW_ZONE_HOST;
	return ref->kind == SFW_CONF_REF_ZONE ? ref->idx + 1 : SFW_ZONE_NONE;
}

int sfw_conf_iface_zone(const struct sfw_conf *conf, const char *ifname)
{
	for (int k = 0; k < conf->n_zones; k++)
		if (conf_refs_find(&conf->zones[k].interfaces, ifname) >= 0)
			return k;
	return -1;
}

int sfw_conf_iface_service_set(const struct sfw_conf *conf, const char *ifname)
{
	for (int k = 0; k < conf->n_service_sets; k++)
		if (conf_refs_find(&conf->service_sets[k].interfaces, ifname) >= 0)
			return k;
	return -1;
}

/* Get-or-create by name: the first mention fixes the object's place in
 * configuration order and the line semantic errors point at. */
#define GET(p, field, key, init) do {                                    \
		struct sfw_conf *c_ = (p)->conf;                         \
		__typeof__(c_->field) o_;                                \
		for (int k_ = 0; k_ < c_->n_##field; k_++)               \
			if (!strcmp(c_->field[k_].name, (key)))          \
				return &c_->field[k_];                   \
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

/* User applications are numbered in configuration order. Sets need no id:
 * a session records the application it matched, never the set. */
static __u16 next_app_id(const struct sfw_conf *conf)
{
	int users = 0;

	for (int k = 0; k < conf->n_apps; k++)
		users += !conf->apps[k].predefined;
	return (__u16)(SFW_CONF_APP_ID_USER + users);
}

struct sfw_conf_application *conf_app_get(struct conf_parser *p, const char *name)
{
	__u16 id = next_app_id(p->conf);

	GET(p, apps, name, (o_->id = id, o_->proto = -1, o_->icmp_type = -1,
			    o_->icmp_code = -1));
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
