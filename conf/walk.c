/* Flattening references for the compile step, and comparing two models
 * (the round-trip test and "did the configuration change" both need it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"

/* A walk flattens references depth first, in the order written (a set's
 * own members before its nested sets), each leaf and set once. It keeps
 * its own stack of reference lists (nested sets may be 100k deep, more
 * than the C stack holds) and remembers what it visited in a set sized by
 * the visit (one walk per policy must not cost the whole address book). */
struct walk {
	const struct sfw_conf *c;
	struct conf_intset seen;   /* leaves, then n_leaf + set, then the any forms */
	int n_leaf, n_set;
	struct frame {
		const struct sfw_conf_refs *refs;
		int k;
	} *stack;
	int depth, cap;
};

static int walk_open(struct walk *w, const struct sfw_conf *c, int n_leaf, int n_set)
{
	memset(w, 0, sizeof(*w));
	w->c = c;
	w->n_leaf = n_leaf;
	w->n_set = n_set;
	return 0;
}

static void walk_close(struct walk *w)
{
	conf_intset_free(&w->seen);
	free(w->stack);
}

static int walk_push(struct walk *w, const struct sfw_conf_refs *refs)
{
	if (!refs->n)
		return 0;
	if (w->depth == w->cap) {
		int cap = w->cap ? 2 * w->cap : 16;
		struct frame *f = realloc(w->stack, (size_t)cap * sizeof(*f));

		if (!f)
			return -ENOMEM;
		w->stack = f;
		w->cap = cap;
	}
	w->stack[w->depth++] = (struct frame){ refs, 0 };
	return 0;
}

/* The next reference to look at, or NULL when the walk is over. */
static const struct sfw_conf_ref *walk_next(struct walk *w)
{
	while (w->depth) {
		struct frame *f = &w->stack[w->depth - 1];

		if (f->k < f->refs->n)
			return &f->refs->v[f->k++];
		w->depth--;
	}
	return NULL;
}

/* True the first time: a set reached twice is expanded once. */
static int first_visit(struct walk *w, int slot)
{
	bool fresh = conf_intset_add(&w->seen, slot);

	return w->seen.oom ? -ENOMEM : fresh;
}

/* A set: its nested sets go on the stack first, so its own members come
 * out first. */
static int expand(struct walk *w, const struct sfw_conf_refs *own,
		  const struct sfw_conf_refs *nested)
{
	int err = walk_push(w, nested);

	return err ? err : walk_push(w, own);
}

static int visit_addr(struct walk *w, const struct sfw_conf_ref *r,
		      sfw_conf_prefix_cb cb, void *ctx)
{
	struct sfw_conf_prefix any = { 0 };
	int slot = w->n_leaf + w->n_set, fresh;

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
		fresh = first_visit(w, slot);
		return fresh > 0 ? cb(&any, NULL, ctx) : fresh;
	case SFW_CONF_REF_ADDRESS:
		fresh = first_visit(w, r->idx);
		return fresh > 0 ? cb(&w->c->addresses[r->idx].prefix,
				      &w->c->addresses[r->idx], ctx) : fresh;
	case SFW_CONF_REF_ADDRESS_SET:
		fresh = first_visit(w, w->n_leaf + r->idx);
		return fresh > 0 ? expand(w, &w->c->address_sets[r->idx].addresses,
					  &w->c->address_sets[r->idx].sets) : fresh;
	default:
		return -EINVAL;   /* unresolved: the configuration did not parse */
	}
}

int sfw_conf_walk_addresses(const struct sfw_conf *conf, const struct sfw_conf_refs *refs,
			    sfw_conf_prefix_cb cb, void *ctx)
{
	const struct sfw_conf_ref *r;
	struct walk w;
	int err = walk_open(&w, conf, conf->n_addresses, conf->n_address_sets);

	if (!err)
		err = walk_push(&w, refs);
	while (!err && (r = walk_next(&w)))
		err = visit_addr(&w, r, cb, ctx);
	walk_close(&w);
	return err;
}

static int visit_app(struct walk *w, const struct sfw_conf_ref *r, sfw_conf_app_cb cb,
		     void *ctx)
{
	int fresh;

	if (r->kind == SFW_CONF_REF_APPLICATION) {
		fresh = first_visit(w, r->idx);
		return fresh > 0 ? cb(&w->c->apps[r->idx], ctx) : fresh;
	}
	if (r->kind != SFW_CONF_REF_APPLICATION_SET)
		return -EINVAL;
	fresh = first_visit(w, w->n_leaf + r->idx);
	return fresh > 0 ? expand(w, &w->c->app_sets[r->idx].apps,
				  &w->c->app_sets[r->idx].sets) : fresh;
}

int sfw_conf_walk_apps(const struct sfw_conf *conf, const struct sfw_conf_refs *refs,
		       sfw_conf_app_cb cb, void *ctx)
{
	const struct sfw_conf_ref *r;
	struct walk w;
	int err = walk_open(&w, conf, conf->n_apps, conf->n_app_sets);

	if (!err)
		err = walk_push(&w, refs);
	while (!err && (r = walk_next(&w)))
		err = visit_app(&w, r, cb, ctx);
	walk_close(&w);
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
	       a->ip_spoofing == b->ip_spoofing &&
	       a->limit_src == b->limit_src && a->limit_dst == b->limit_dst;
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
	if (!conf_nat_equal(a, b))
		return false;
	return !memcmp(a->flow.timeout_s, b->flow.timeout_s, sizeof(a->flow.timeout_s)) &&
	       a->flow.no_syn_check == b->flow.no_syn_check &&
	       a->flow.no_sequence_check == b->flow.no_sequence_check &&
	       a->flow.max_sessions == b->flow.max_sessions &&
	       a->flow.syn_flood_mode == b->flow.syn_flood_mode &&
	       a->flow.deny_log_rate == b->flow.deny_log_rate &&
	       a->flow.reply_rate == b->flow.reply_rate &&
	       a->log_format == b->log_format &&
	       a->mpls_packet_mode == b->mpls_packet_mode &&
	       a->inet6_flow_mode == b->inet6_flow_mode &&
	       a->default_policy_set == b->default_policy_set &&
	       a->default_policy == b->default_policy &&
	       a->prometheus.set == b->prometheus.set &&
	       a->prometheus.has_address == b->prometheus.has_address &&
	       (!a->prometheus.has_address ||
		conf_prefix_equal(&a->prometheus.address, &b->prometheus.address)) &&
	       a->prometheus.port == b->prometheus.port;
}
