/* Flattening references for the compile step, and comparing two models
 * (the round-trip test and "did the configuration change" both need it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"

struct walk {
	const struct sfw_conf *c;
	char *seen;           /* one byte per address/app, then per set, then any forms */
	int n_leaf, n_set;
	union {
		sfw_conf_prefix_cb addr;
		sfw_conf_app_cb app;
	} cb;
	void *ctx;
};

static int walk_open(struct walk *w, const struct sfw_conf *c, int n_leaf, int n_set,
		     void *ctx)
{
	w->c = c;
	w->n_leaf = n_leaf;
	w->n_set = n_set;
	w->ctx = ctx;
	w->seen = calloc((size_t)n_leaf + (size_t)n_set + 4, 1);
	return w->seen ? 0 : -ENOMEM;
}

/* True the first time: a set reached twice is expanded once. */
static bool first_visit(struct walk *w, int slot)
{
	if (w->seen[slot])
		return false;
	w->seen[slot] = 1;
	return true;
}

static int walk_addr_ref(struct walk *w, const struct sfw_conf_ref *r)
{
	sfw_conf_prefix_cb cb = w->cb.addr;
	struct sfw_conf_prefix any = { 0 };
	int slot = w->n_leaf + w->n_set, err = 0;

	switch (r->kind) {
	case SFW_CONF_REF_ANY_IPV6:
		any.family = SFW_FAMILY_INET6;
		slot++;
		/* fall through */
	case SFW_CONF_REF_ANY_IPV4:
		any.family = any.family ? any.family : SFW_FAMILY_INET;
		slot++;
		/* fall through */
	case SFW_CONF_REF_ANY:
		return first_visit(w, slot) ? cb(&any, NULL, w->ctx) : 0;
	case SFW_CONF_REF_ADDRESS:
		if (!first_visit(w, r->idx))
			return 0;
		return cb(&w->c->addresses[r->idx].prefix, &w->c->addresses[r->idx], w->ctx);
	case SFW_CONF_REF_ADDRESS_SET: {
		const struct sfw_conf_address_set *s = &w->c->address_sets[r->idx];

		if (!first_visit(w, w->n_leaf + r->idx))
			return 0;
		for (int k = 0; !err && k < s->addresses.n; k++)
			err = walk_addr_ref(w, &s->addresses.v[k]);
		for (int k = 0; !err && k < s->sets.n; k++)
			err = walk_addr_ref(w, &s->sets.v[k]);
		return err;
	}
	default:
		return -EINVAL;   /* unresolved: the configuration did not parse */
	}
}

int sfw_conf_walk_addresses(const struct sfw_conf *conf, const struct sfw_conf_refs *refs,
			    sfw_conf_prefix_cb cb, void *ctx)
{
	struct walk w;
	int err = walk_open(&w, conf, conf->n_addresses, conf->n_address_sets, ctx);

	w.cb.addr = cb;
	for (int k = 0; !err && k < refs->n; k++)
		err = walk_addr_ref(&w, &refs->v[k]);
	free(w.seen);
	return err;
}

static int walk_app_ref(struct walk *w, const struct sfw_conf_ref *r)
{
	sfw_conf_app_cb cb = w->cb.app;
	int err = 0;

	if (r->kind == SFW_CONF_REF_APPLICATION)
		return first_visit(w, r->idx) ? cb(&w->c->apps[r->idx], w->ctx) : 0;
	if (r->kind != SFW_CONF_REF_APPLICATION_SET)
		return -EINVAL;
	if (!first_visit(w, w->n_leaf + r->idx))
		return 0;
	for (int k = 0; !err && k < w->c->app_sets[r->idx].apps.n; k++)
		err = walk_app_ref(w, &w->c->app_sets[r->idx].apps.v[k]);
	for (int k = 0; !err && k < w->c->app_sets[r->idx].sets.n; k++)
		err = walk_app_ref(w, &w->c->app_sets[r->idx].sets.v[k]);
	return err;
}

int sfw_conf_walk_apps(const struct sfw_conf *conf, const struct sfw_conf_refs *refs,
		       sfw_conf_app_cb cb, void *ctx)
{
	struct walk w;
	int err = walk_open(&w, conf, conf->n_apps, conf->n_app_sets, ctx);

	w.cb.app = cb;
	for (int k = 0; !err && k < refs->n; k++)
		err = walk_app_ref(&w, &refs->v[k]);
	free(w.seen);
	return err;
}

/* Equality, ignoring where things were written. */
static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool refs_eq(const struct sfw_conf_refs *a, const struct sfw_conf_refs *b)
{
	if (a->n != b->n)
		return false;
	for (int k = 0; k < a->n; k++)
		if (strcmp(a->v[k].name, b->v[k].name))
			return false;
	return true;
}

bool conf_prefix_equal(const struct sfw_conf_prefix *a, const struct sfw_conf_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes));
}

static bool zone_eq(const struct sfw_conf_zone *a, const struct sfw_conf_zone *b)
{
	return !strcmp(a->name, b->name) && str_eq(a->description, b->description) &&
	       refs_eq(&a->interfaces, &b->interfaces) && refs_eq(&a->services, &b->services) &&
	       !strcmp(a->screen.name, b->screen.name);
}

static bool address_eq(const struct sfw_conf_address *a, const struct sfw_conf_address *b)
{
	return !strcmp(a->name, b->name) && str_eq(a->description, b->description) &&
	       a->has_prefix == b->has_prefix && conf_prefix_equal(&a->prefix, &b->prefix);
}

static bool address_set_eq(const struct sfw_conf_address_set *a,
			   const struct sfw_conf_address_set *b)
{
	return !strcmp(a->name, b->name) && str_eq(a->description, b->description) &&
	       refs_eq(&a->addresses, &b->addresses) && refs_eq(&a->sets, &b->sets);
}

static bool ports_eq(const struct sfw_conf_port_range *a, const struct sfw_conf_port_range *b)
{
	return a->set == b->set && (!a->set || (a->lo == b->lo && a->hi == b->hi));
}

static bool app_eq(const struct sfw_conf_application *a, const struct sfw_conf_application *b)
{
	return !strcmp(a->name, b->name) && str_eq(a->description, b->description) &&
	       a->id == b->id && a->predefined == b->predefined && a->proto == b->proto &&
	       ports_eq(&a->dport, &b->dport) && ports_eq(&a->sport, &b->sport) &&
	       a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code &&
	       (a->icmp6_words == b->icmp6_words || (a->icmp_type < 0 && a->icmp_code < 0)) &&
	       a->inactivity_timeout == b->inactivity_timeout &&
	       a->timeout_overridden == b->timeout_overridden;
}

static bool app_set_eq(const struct sfw_conf_app_set *a, const struct sfw_conf_app_set *b)
{
	return !strcmp(a->name, b->name) && str_eq(a->description, b->description) &&
	       refs_eq(&a->apps, &b->apps) && refs_eq(&a->sets, &b->sets);
}

static bool policy_eq(const struct sfw_conf_policy *a, const struct sfw_conf_policy *b)
{
	return !strcmp(a->name, b->name) && str_eq(a->description, b->description) &&
	       a->global == b->global && !strcmp(a->from_zone.name, b->from_zone.name) &&
	       !strcmp(a->to_zone.name, b->to_zone.name) && refs_eq(&a->src, &b->src) &&
	       refs_eq(&a->dst, &b->dst) && refs_eq(&a->apps, &b->apps) &&
	       refs_eq(&a->match_from, &b->match_from) && refs_eq(&a->match_to, &b->match_to) &&
	       a->action == b->action && a->log_init == b->log_init &&
	       a->log_close == b->log_close && a->count == b->count && a->index == b->index;
}

static bool service_set_eq(const struct sfw_conf_service_set *a,
			   const struct sfw_conf_service_set *b)
{
	return !strcmp(a->name, b->name) && refs_eq(&a->interfaces, &b->interfaces);
}

static bool screen_eq(const struct sfw_conf_screen *a, const struct sfw_conf_screen *b)
{
	return !strcmp(a->name, b->name) && a->syn_flood == b->syn_flood &&
	       a->syn_attack_threshold == b->syn_attack_threshold &&
	       a->syn_source_threshold == b->syn_source_threshold &&
	       a->syn_destination_threshold == b->syn_destination_threshold &&
	       a->ip_spoofing == b->ip_spoofing;
}

#define ARRAY_EQ(a, b, field, eq) do {                                   \
		if ((a)->n_##field != (b)->n_##field)                    \
			return false;                                    \
		for (int k_ = 0; k_ < (a)->n_##field; k_++)              \
			if (!eq(&(a)->field[k_], &(b)->field[k_]))       \
				return false;                            \
	} while (0)

bool sfw_conf_equal(const struct sfw_conf *a, const struct sfw_conf *b)
{
	ARRAY_EQ(a, b, zones, zone_eq);
	ARRAY_EQ(a, b, addresses, address_eq);
	ARRAY_EQ(a, b, address_sets, address_set_eq);
	ARRAY_EQ(a, b, apps, app_eq);
	ARRAY_EQ(a, b, app_sets, app_set_eq);
	ARRAY_EQ(a, b, policies, policy_eq);
	ARRAY_EQ(a, b, service_sets, service_set_eq);
	ARRAY_EQ(a, b, screens, screen_eq);
	return !memcmp(a->flow.timeout_s, b->flow.timeout_s, sizeof(a->flow.timeout_s)) &&
	       a->flow.no_syn_check == b->flow.no_syn_check &&
	       a->flow.no_sequence_check == b->flow.no_sequence_check &&
	       a->flow.max_sessions == b->flow.max_sessions &&
	       a->flow.syn_flood_mode == b->flow.syn_flood_mode &&
	       a->default_policy_set == b->default_policy_set &&
	       a->default_policy == b->default_policy;
}
