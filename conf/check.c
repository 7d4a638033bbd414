/* Checks that span statements, run once every line has been read: names
 * resolved (a policy may name an address defined further down, as in any
 * Junos file), objects complete, no interface in two zones, no set that
 * contains itself. Each error points at the line that wrote the name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"
#include "maps.h"
#include "protocols.h"

static bool any_word(const char *s)
{
	return !strcmp(s, "any") || !strcmp(s, "any-ipv4") || !strcmp(s, "any-ipv6");
}

static void check_zones(struct conf_parser *p)
{
	struct sfw_conf *c = p->conf;
	int named = 0;

	for (int z = 0; z < c->n_zones; z++) {
		struct sfw_conf_zone *zone = &c->zones[z];

		for (int k = 0; k < zone->interfaces.n; k++) {
			struct sfw_conf_ref *r = &zone->interfaces.v[k];
			int first = sfw_conf_iface_zone(c, r->name);

			if (++named == SFW_MAX_ZONE_IFACES_NAMED + 1)
				conf_error_at(p, r->line, "more than %d interfaces bound to zones",
					      SFW_MAX_ZONE_IFACES_NAMED);

			if (first != z)
				conf_error_at(p, r->line, "interface '%s' is in zone '%s' (line %d) "
					      "and in zone '%s': an interface belongs to one zone",
					      r->name, c->zones[first].name,
					      c->zones[first].interfaces.v[conf_refs_find(
						      &c->zones[first].interfaces, r->name)].line,
					      zone->name);
		}
		if (!zone->screen.name[0])
			continue;
		zone->screen.idx = sfw_conf_find_screen(c, zone->screen.name);
		zone->screen.kind = SFW_CONF_REF_SCREEN;
		if (zone->screen.idx < 0)
			conf_error_at(p, zone->screen.line, "zone '%s': undefined screen '%s': "
				      "expected a 'set security screen ids-option %s' statement",
				      zone->name, zone->screen.name, zone->screen.name);
	}
}

static void check_addresses(struct conf_parser *p)
{
	struct sfw_conf *c = p->conf;

	for (int k = 0; k < c->n_addresses; k++) {
		struct sfw_conf_address *a = &c->addresses[k];

		if (any_word(a->name))
			conf_error_at(p, a->line, "address name '%s' is reserved: expected "
				      "another name", a->name);
		else if (!a->has_prefix)
			conf_error_at(p, a->line, "address '%s' has no prefix: expected "
				      "'set security address-book global address %s PREFIX'",
				      a->name, a->name);
		if (sfw_conf_find_address_set(c, a->name) >= 0)
			conf_error_at(p, a->line, "address '%s' has the name of an address-set: "
				      "expected distinct names", a->name);
	}
}

/* Resolve each name of refs to kind (via find); report the undefined. */
static void resolve(struct conf_parser *p, struct sfw_conf_refs *refs,
		    enum sfw_conf_ref_kind kind,
		    int (*find)(const struct sfw_conf *, const char *),
		    const char *owner, const char *what)
{
	for (int k = 0; k < refs->n; k++) {
		struct sfw_conf_ref *r = &refs->v[k];

		r->idx = find(p->conf, r->name);
		r->kind = r->idx >= 0 ? kind : SFW_CONF_REF_UNRESOLVED;
		if (r->idx < 0)
			conf_error_at(p, r->line, "%s: undefined %s '%s'", owner, what, r->name);
	}
}

static void check_address_sets(struct conf_parser *p)
{
	struct sfw_conf *c = p->conf;
	char owner[96];

	for (int k = 0; k < c->n_address_sets; k++) {
		struct sfw_conf_address_set *s = &c->address_sets[k];

		snprintf(owner, sizeof(owner), "address-set '%s'", s->name);
		if (any_word(s->name))
			conf_error_at(p, s->line, "address-set name '%s' is reserved: "
				      "expected another name", s->name);
		if (!s->addresses.n && !s->sets.n)
			conf_error_at(p, s->line, "%s has no members: expected 'address' "
				      "or 'address-set' statements", owner);
		resolve(p, &s->addresses, SFW_CONF_REF_ADDRESS, sfw_conf_find_address,
			owner, "address");
		resolve(p, &s->sets, SFW_CONF_REF_ADDRESS_SET, sfw_conf_find_address_set,
			owner, "address-set");
	}
}

static bool ported(int proto)
{
	return proto == SFW_IPPROTO_TCP || proto == SFW_IPPROTO_UDP || proto == SFW_IPPROTO_SCTP;
}

static void check_app(struct conf_parser *p, const struct sfw_conf_application *a)
{
	int icmp = a->icmp6_words ? SFW_IPPROTO_ICMP6 : SFW_IPPROTO_ICMP;

	if (a->predefined)
		return;
	if (a->proto < 0) {
		conf_error_at(p, a->line, "application '%s' has no protocol: expected "
			      "'set applications application %s protocol PROTOCOL'",
			      a->name, a->name);
		return;
	}
	if ((a->dport.set || a->sport.set) && !ported(a->proto))
		conf_error_at(p, a->line, "application '%s': ports need protocol tcp, udp "
			      "or sctp, not protocol %d", a->name, a->proto);
	if ((a->icmp_type >= 0 || a->icmp_code >= 0) && a->proto != icmp)
		conf_error_at(p, a->line, "application '%s': %s needs protocol %s",
			      a->name, a->icmp6_words ? "icmp6-type/icmp6-code"
						      : "icmp-type/icmp-code",
			      a->icmp6_words ? "icmp6" : "icmp");
	/* What policies cannot match is refused, never ignored (a policy
	 * naming the application would permit more than it says): they match
	 * the destination port, and an ICMP code within its type. */
	if (a->sport.set && (a->sport.lo || a->sport.hi != 65535))
		conf_error_at(p, a->line, "application '%s': source-port %u-%u is not supported: "
			      "policies match the destination port alone (remove it, or give "
			      "0-65535)", a->name, a->sport.lo, a->sport.hi);
	if (a->icmp_code >= 0 && a->icmp_type < 0)
		conf_error_at(p, a->line, "application '%s': %s without %s is not supported: "
			      "a code is matched within its type", a->name,
			      a->icmp6_words ? "icmp6-code" : "icmp-code",
			      a->icmp6_words ? "icmp6-type" : "icmp-type");
	if (sfw_conf_find_app_set(p->conf, a->name) >= 0)
		conf_error_at(p, a->line, "application '%s' has the name of an "
			      "application-set: expected distinct names", a->name);
}

static void check_apps(struct conf_parser *p)
{
	struct sfw_conf *c = p->conf;
	char owner[96];

	for (int k = 0; k < c->n_apps; k++)
		check_app(p, &c->apps[k]);
	for (int k = 0; k < c->n_app_sets; k++) {
		struct sfw_conf_app_set *s = &c->app_sets[k];

		snprintf(owner, sizeof(owner), "application-set '%s'", s->name);
		if (!s->apps.n && !s->sets.n)
			conf_error_at(p, s->line, "%s has no members: expected 'application' "
				      "or 'application-set' statements", owner);
		resolve(p, &s->apps, SFW_CONF_REF_APPLICATION, sfw_conf_find_app,
			owner, "application");
		resolve(p, &s->sets, SFW_CONF_REF_APPLICATION_SET, sfw_conf_find_app_set,
			owner, "application-set");
	}
}

/* Sets containing sets: a depth-first walk; meeting a set still on the
 * walk's path closes a cycle, reported once with its path. The walk keeps
 * its own stack: a legal chain of 100k nested sets is 100k deep, far more
 * than the C stack holds. Each set is entered once and each of its members
 * looked at once, so the check is linear in the configuration's size. */
struct set_graph {
	const char *kind;
	int n;
	const struct sfw_conf_refs *(*kids)(const struct sfw_conf *c, int i);
	const char *(*name)(const struct sfw_conf *c, int i);
};

/* The path from the set at depth `from` to the one that names it again;
 * a long one keeps its beginning. */
static void report_cycle(struct conf_parser *p, const struct set_graph *g,
			 const int *path, int depth, int from, const struct sfw_conf_ref *back)
{
	char text[512];
	size_t len = 0;

	for (int d = from; d <= depth && len < sizeof(text) - 4; d++)
		len += (size_t)snprintf(text + len, sizeof(text) - 4 - len, "%s -> ",
					g->name(p->conf, path[d]));
	if (len >= sizeof(text) - 4)
		strcpy(text + sizeof(text) - 8, "...");   /* room left by the bound above */
	else
		snprintf(text + len, sizeof(text) - len, "%s", back->name);
	conf_error_at(p, back->line, "%s '%s' contains itself: %s", g->kind,
		      back->name, text);
}

struct set_walk {
	char *color;          /* 0 unseen, 1 on the path, 2 done */
	int *path;            /* the sets on the path, outermost first */
	int *next;            /* per path entry: the member to look at next */
	int *depth_of;        /* per set on the path: its depth */
};

static void walk_sets(struct conf_parser *p, const struct set_graph *g, int root,
		      struct set_walk *w)
{
	int depth = 0;

	w->color[root] = 1;
	w->path[0] = root;
	w->next[0] = 0;
	w->depth_of[root] = 0;
	while (depth >= 0) {
		int v = w->path[depth];
		const struct sfw_conf_refs *kids = g->kids(p->conf, v);
		const struct sfw_conf_ref *r;

		if (w->next[depth] == kids->n) {
			w->color[v] = 2;
			depth--;
			continue;
		}
		r = &kids->v[w->next[depth]++];
		if (r->kind == SFW_CONF_REF_UNRESOLVED)
			continue;
		if (w->color[r->idx] == 1) {
			report_cycle(p, g, w->path, depth, w->depth_of[r->idx], r);
		} else if (!w->color[r->idx]) {
			w->color[r->idx] = 1;
			w->path[++depth] = r->idx;
			w->next[depth] = 0;
			w->depth_of[r->idx] = depth;
		}
	}
}

static void check_cycles(struct conf_parser *p, const struct set_graph *g)
{
	size_t n = (size_t)g->n + 1;
	struct set_walk w = {
		calloc(n, 1), calloc(n, sizeof(int)), calloc(n, sizeof(int)),
		calloc(n, sizeof(int)),
	};

	if (!w.color || !w.path || !w.next || !w.depth_of)
		p->oom = true;
	else
		for (int v = 0; v < g->n; v++)
			if (!w.color[v])
				walk_sets(p, g, v, &w);
	free(w.color);
	free(w.path);
	free(w.next);
	free(w.depth_of);
}

static const struct sfw_conf_refs *addr_kids(const struct sfw_conf *c, int i)
{
	return &c->address_sets[i].sets;
}

static const char *addr_name(const struct sfw_conf *c, int i)
{
	return c->address_sets[i].name;
}

static const struct sfw_conf_refs *app_kids(const struct sfw_conf *c, int i)
{
	return &c->app_sets[i].sets;
}

static const char *app_name(const struct sfw_conf *c, int i)
{
	return c->app_sets[i].name;
}

static void check_service_sets(struct conf_parser *p)
{
	struct sfw_conf *c = p->conf;

	for (int s = 0; s < c->n_service_sets; s++) {
		struct sfw_conf_service_set *set = &c->service_sets[s];

		if (!set->interfaces.n)
			conf_error_at(p, set->line, "service-set '%s' has no interface: expected "
				      "'interface-service service-interface IFACE'", set->name);
		for (int k = 0; k < set->interfaces.n; k++) {
			int first = sfw_conf_iface_service_set(c, set->interfaces.v[k].name);

			if (first != s)
				conf_error_at(p, set->interfaces.v[k].line, "interface '%s' is in "
					      "service-set '%s' and in service-set '%s': an "
					      "interface belongs to one service set",
					      set->interfaces.v[k].name,
					      c->service_sets[first].name, set->name);
		}
	}
}

void conf_check(struct conf_parser *p)
{
	struct set_graph addr = { "address-set", p->conf->n_address_sets, addr_kids, addr_name };
	struct set_graph app = { "application-set", 0, app_kids, app_name };

	if (conf_index_ifaces(p->conf) || conf_add_predefined_app_sets(p)) {
		p->oom = true;
		return;
	}
	check_zones(p);
	check_addresses(p);
	check_address_sets(p);
	check_apps(p);
	app.n = p->conf->n_app_sets;
	check_cycles(p, &addr);
	check_cycles(p, &app);
	check_service_sets(p);
	conf_check_policies(p);
	conf_check_nat(p);
}
