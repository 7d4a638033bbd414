/* The checks of security nat once every statement is in: what Junos's
 * commit refuses (docs/nat.md "Configuration"). Each error points at the
 * line that wrote the offending value. */
#define _GNU_SOURCE   /* qsort_r */
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"
#include "nat.h"
#include "name_ranks.h"

/* An address range, first and last address in network order. */
struct nat_range {
	__u8 family;
	__u8 lo[16], hi[16];
};

static int addr_bytes(__u8 family)
{
	return family == SFW_FAMILY_INET ? 4 : 16;
}

void conf_prefix_ends(const struct sfw_conf_prefix *pfx, __u8 lo[16], __u8 hi[16])
{
	int n = addr_bytes(pfx->family);

	memset(lo, 0, 16);
	memset(hi, 0, 16);
	for (int b = 0; b < n; b++) {
		int keep = pfx->len - 8 * b;
		__u8 mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (__u8)(0xff << (8 - keep));

		lo[b] = pfx->addr.bytes[b] & mask;
		hi[b] = pfx->addr.bytes[b] | (__u8)~mask;
	}
}

/* address A [to B]: A's first address to B's last (A's own when no to). */
static void range_of(const struct sfw_conf_prefix *a, bool has_to,
		     const struct sfw_conf_prefix *to, struct nat_range *r)
{
	__u8 scratch[16];

	r->family = a->family;
	conf_prefix_ends(a, r->lo, r->hi);
	if (has_to)
		conf_prefix_ends(to, scratch, r->hi);
}

/* address A to B: the same family, B not below A. */
static bool bad_to(struct conf_parser *p, int line, const char *owner,
		   const struct sfw_conf_prefix *a, const struct sfw_conf_prefix *to)
{
	struct nat_range r;

	if (a->family != to->family) {
		conf_error_at(p, line, "%s: address and 'to' address are of different families",
			      owner);
		return true;
	}
	range_of(a, true, to, &r);
	if (memcmp(r.hi, r.lo, 16) < 0) {
		conf_error_at(p, line, "%s: the 'to' address is below the first address: "
			      "expected A to B with B not below A", owner);
		return true;
	}
	return false;
}

static void check_src_pool(struct conf_parser *p, const struct sfw_conf_nat_pool *pl)
{
	char owner[96];

	snprintf(owner, sizeof(owner), "source pool '%s'", pl->name);
	if (!pl->has_address)
		conf_error_at(p, pl->line, "%s has no address: expected 'set security nat "
			      "source pool %s address A/32'", owner, pl->name);
	else if (pl->has_to)
		bad_to(p, pl->address_line, owner, &pl->address, &pl->to);
	if (pl->no_translation && pl->ports.set)
		conf_error_at(p, pl->ports_line, "%s has both 'port no-translation' and "
			      "'port range': expected one of them", owner);
}

static void check_dst_pool(struct conf_parser *p, const struct sfw_conf_nat_pool *pl)
{
	if (!pl->has_address)
		conf_error_at(p, pl->line, "destination pool '%s' has no address: expected "
			      "'set security nat destination pool %s address A/32'",
			      pl->name, pl->name);
	else if (pl->address.len != 8 * addr_bytes(pl->address.family))
		conf_error_at(p, pl->address_line, "destination pool '%s': address has length "
			      "/%u: expected one host address (/32 or /128)", pl->name,
			      pl->address.len);
}

struct pool_order {
	const struct sfw_conf_nat_pool *pools;
	struct nat_range *ranges;
};

static int cmp_range(const void *a, const void *b, void *arg)
{
	const struct nat_range *r = ((struct pool_order *)arg)->ranges;
	int i = *(const int *)a, j = *(const int *)b;

	if (r[i].family != r[j].family)
		return r[i].family - r[j].family;
	return memcmp(r[i].lo, r[j].lo, 16) ? memcmp(r[i].lo, r[j].lo, 16) : i - j;
}

/* Source pools share no address: the datapath allocates ports per pool
 * address, and an address in two pools would hand out one port twice.
 * Sorted by first address, a pool overlaps when it starts at or below the
 * highest last address seen so far. */
static void check_pool_overlap(struct conf_parser *p)
{
	const struct sfw_conf *c = p->conf;
	int n = c->n_nat_src_pools, *idx = malloc((size_t)(n ? n : 1) * sizeof(int));
	struct nat_range *r = calloc((size_t)(n ? n : 1), sizeof(*r));
	struct pool_order o = { c->nat_src_pools, r };
	int top = -1;

	if (!idx || !r) {
		p->oom = true;
		goto out;
	}
	for (int k = 0; k < n; k++) {
		const struct sfw_conf_nat_pool *pl = &c->nat_src_pools[k];

		idx[k] = k;
		if (pl->has_address)
			range_of(&pl->address, pl->has_to, &pl->to, &r[k]);
	}
	qsort_r(idx, (size_t)n, sizeof(int), cmp_range, &o);
	for (int s = 0; s < n; s++) {
		int k = idx[s];

		if (!c->nat_src_pools[k].has_address)
			continue;
		if (top >= 0 && r[top].family == r[k].family && memcmp(r[k].lo, r[top].hi, 16) <= 0) {
			int later = k > top ? k : top, first = k > top ? top : k;

			conf_error_at(p, c->nat_src_pools[later].address_line, "source pool '%s' "
				      "overlaps source pool '%s' (line %d): an address belongs "
				      "to one pool", c->nat_src_pools[later].name,
				      c->nat_src_pools[first].name,
				      c->nat_src_pools[first].address_line);
		}
		if (top < 0 || r[top].family != r[k].family || memcmp(r[k].hi, r[top].hi, 16) > 0)
			top = k;
	}
out:
	free(idx);
	free(r);
}

static void resolve_zone(struct conf_parser *p, struct sfw_conf_ref *z, const char *owner,
			 const struct sfw_conf_nat_rule_set *s, const char *word)
{
	if (!z->name[0]) {
		conf_error_at(p, s->line, "%s has no %s zone: expected 'set security nat %s "
			      "rule-set %s %s zone ZONE'", owner, word,
			      conf_nat_type_word(s->type), s->name, word);
		return;
	}
	z->idx = sfw_conf_find_zone(p->conf, z->name);
	z->kind = z->idx >= 0 ? SFW_CONF_REF_ZONE : SFW_CONF_REF_UNRESOLVED;
	if (z->idx < 0)
		conf_error_at(p, z->line, "%s: undefined zone '%s'", owner, z->name);
}

/* One rule-set per context (from zone, and to zone for source NAT) and
 * type: Junos picks a rule-set by its context. */
static void check_rule_sets(struct conf_parser *p)
{
	struct sfw_conf *c = p->conf;
	char owner[96];

	for (int k = 0; k < c->n_nat_rule_sets; k++) {
		struct sfw_conf_nat_rule_set *s = &c->nat_rule_sets[k];

		snprintf(owner, sizeof(owner), "%s rule-set '%s'", conf_nat_type_word(s->type),
			 s->name);
		resolve_zone(p, &s->from, owner, s, "from");
		if (s->type == SFW_CONF_NAT_SOURCE)
			resolve_zone(p, &s->to, owner, s, "to");
		for (int j = 0; j < k; j++) {
			const struct sfw_conf_nat_rule_set *o = &c->nat_rule_sets[j];

			if (o->type == s->type && s->from.name[0] &&
			    !strcmp(o->from.name, s->from.name) && !strcmp(o->to.name, s->to.name)) {
				conf_error_at(p, s->from.line, "%s has the context of rule-set "
					      "'%s' (line %d): one rule-set per from zone%s",
					      owner, o->name, o->line,
					      s->type == SFW_CONF_NAT_SOURCE ? " and to zone" : "");
				break;
			}
		}
	}
}

static void check_static(struct conf_parser *p, const struct sfw_conf_nat_rule *r,
			 const char *owner)
{
	const struct sfw_conf_prefix *d = &r->dst.v[0];

	if (r->dst.n > 1)
		conf_error_at(p, r->line, "%s: static-nat matches one destination-address, "
			      "not %d", owner, r->dst.n);
	else if (r->then == SFW_CONF_NAT_THEN_PREFIX &&
		 (d->family != r->prefix.family || d->len != r->prefix.len))
		conf_error_at(p, r->then_line, "%s: static-nat prefix /%u and destination-address "
			      "/%u differ: expected prefixes of one family and length", owner,
			      r->prefix.len, d->len);
}

/* Static NAT is one to one both ways: an address is matched by one
 * static rule (and so translated one way), and translated to by one (so
 * its host's own flows leave from one address). Sorted by first address,
 * as the pools are; side: the match (false) or the prefix (true). */
static void check_static_side(struct conf_parser *p, const int *rule, int n, bool xlate)
{
	const struct sfw_conf *c = p->conf;
	int *idx = malloc((size_t)(n ? n : 1) * sizeof(int)), top = -1;
	struct nat_range *r = calloc((size_t)(n ? n : 1), sizeof(*r));
	struct pool_order o = { NULL, r };

	if (!idx || !r) {
		p->oom = true;
		goto out;
	}
	for (int k = 0; k < n; k++) {
		const struct sfw_conf_nat_rule *x = &c->nat_rules[rule[k]];

		idx[k] = k;
		range_of(xlate ? &x->prefix : &x->dst.v[0], false, NULL, &r[k]);
	}
	qsort_r(idx, (size_t)n, sizeof(int), cmp_range, &o);
	for (int s = 0; s < n; s++) {
		int k = idx[s];

		if (top >= 0 && r[top].family == r[k].family && memcmp(r[k].lo, r[top].hi, 16) <= 0) {
			const struct sfw_conf_nat_rule *a = &c->nat_rules[rule[k < top ? k : top]];
			const struct sfw_conf_nat_rule *b = &c->nat_rules[rule[k < top ? top : k]];

			conf_error_at(p, xlate ? b->then_line : b->line, "static rule '%s' of "
				      "rule-set '%s': its %s overlaps that of static rule '%s' "
				      "(line %d): static NAT maps one address to one", b->name,
				      c->nat_rule_sets[b->set].name,
				      xlate ? "static-nat prefix" : "destination-address", a->name,
				      xlate ? a->then_line : a->line);
		}
		if (top < 0 || r[top].family != r[k].family || memcmp(r[k].hi, r[top].hi, 16) > 0)
			top = k;
	}
out:
	free(idx);
	free(r);
}

static void check_static_overlap(struct conf_parser *p)
{
	const struct sfw_conf *c = p->conf;
	int *rule = malloc((size_t)(c->n_nat_rules ? c->n_nat_rules : 1) * sizeof(int)), n = 0;

	if (!rule) {
		p->oom = true;
		return;
	}
	for (int k = 0; k < c->n_nat_rules; k++) {
		const struct sfw_conf_nat_rule *x = &c->nat_rules[k];

		if (c->nat_rule_sets[x->set].type == SFW_CONF_NAT_STATIC && x->dst.n == 1 &&
		    x->then == SFW_CONF_NAT_THEN_PREFIX)
			rule[n++] = k;
	}
	check_static_side(p, rule, n, false);
	check_static_side(p, rule, n, true);
	free(rule);
}

/* A source pool's address inside a static rule's destination-address:
 * static NAT forwards every port of it to the rule's host, so a pool's
 * session there would take what a peer sends that host on its tuple
 * (docs/nat.md "Sixth review", RV6-1; the datapath refuses interface
 * NAT to such an address, which is the host's, not the configuration's). */
static void check_static_pools(struct conf_parser *p)
{
	const struct sfw_conf *c = p->conf;

	for (int k = 0; k < c->n_nat_src_pools; k++) {
		const struct sfw_conf_nat_pool *pl = &c->nat_src_pools[k];
		struct nat_range pr, sr;

		if (!pl->has_address)
			continue;
		range_of(&pl->address, pl->has_to, &pl->to, &pr);
		for (int j = 0; j < c->n_nat_rules; j++) {
			const struct sfw_conf_nat_rule *x = &c->nat_rules[j];

			if (c->nat_rule_sets[x->set].type != SFW_CONF_NAT_STATIC || x->dst.n != 1)
				continue;
			range_of(&x->dst.v[0], false, NULL, &sr);
			if (sr.family != pr.family || memcmp(pr.lo, sr.hi, 16) > 0 ||
			    memcmp(sr.lo, pr.hi, 16) > 0)
				continue;
			conf_error_at(p, pl->address_line, "source pool '%s' overlaps the "
				      "destination-address of static rule '%s' (line %d): static "
				      "NAT forwards every port of that address to its host",
				      pl->name, x->name, x->line);
			break;
		}
	}
}

static void check_rule(struct conf_parser *p, struct sfw_conf_nat_rule *r)
{
	const struct sfw_conf_nat_rule_set *s = &p->conf->nat_rule_sets[r->set];
	const char *type = conf_nat_type_word(s->type);
	char owner[192];

	snprintf(owner, sizeof(owner), "%s rule '%s' of rule-set '%s'", type, r->name, s->name);
	if (r->then == SFW_CONF_NAT_THEN_NONE)
		conf_error_at(p, r->line, "%s has no action: expected 'then %s-nat ...'", owner, type);
	if (s->type != SFW_CONF_NAT_SOURCE && !r->dst.n)
		conf_error_at(p, r->line, "%s has no destination-address: expected 'match "
			      "destination-address PREFIX'", owner);
	else if (s->type == SFW_CONF_NAT_STATIC)
		check_static(p, r, owner);
	if (r->then != SFW_CONF_NAT_THEN_POOL)
		return;
	r->pool.idx = conf_nat_pool_find(p->conf, s->type, r->pool.name);
	r->pool.kind = r->pool.idx >= 0 ? SFW_CONF_REF_NAT_POOL : SFW_CONF_REF_UNRESOLVED;
	if (r->pool.idx < 0)
		conf_error_at(p, r->pool.line, "%s: undefined %s pool '%s'", owner, type,
			      r->pool.name);
}

static int cmp_rule(const void *a, const void *b, void *arg)
{
	const struct sfw_conf *c = arg;
	const struct sfw_conf_nat_rule *x = &c->nat_rules[*(const int *)a];
	const struct sfw_conf_nat_rule *y = &c->nat_rules[*(const int *)b];
	int d = (int)c->nat_rule_sets[x->set].type - (int)c->nat_rule_sets[y->set].type;

	if (!d)
		d = strcmp(x->name, y->name);
	return d ? d : *(const int *)a - *(const int *)b;
}

/* A rule name is used once per NAT type, across its rule-sets (Junos
 * shows and counts rules by name: show security nat source rule R). */
static void check_rule_names(struct conf_parser *p)
{
	const struct sfw_conf *c = p->conf;
	int n = c->n_nat_rules, *idx = malloc((size_t)(n ? n : 1) * sizeof(int));

	if (!idx) {
		p->oom = true;
		return;
	}
	for (int k = 0; k < n; k++)
		idx[k] = k;
	qsort_r(idx, (size_t)n, sizeof(int), cmp_rule, (void *)c);
	for (int k = 1; k < n; k++) {
		const struct sfw_conf_nat_rule *a = &c->nat_rules[idx[k - 1]];
		const struct sfw_conf_nat_rule *b = &c->nat_rules[idx[k]];

		if (strcmp(a->name, b->name) ||
		    c->nat_rule_sets[a->set].type != c->nat_rule_sets[b->set].type)
			continue;
		conf_error_at(p, b->line, "%s rule '%s' is in rule-set '%s' and in rule-set "
			      "'%s' (line %d): a rule name is used once",
			      conf_nat_type_word(c->nat_rule_sets[b->set].type), b->name,
			      c->nat_rule_sets[b->set].name, c->nat_rule_sets[a->set].name, a->line);
	}
	free(idx);
}

static const char *proxy_ifname(int i, const void *conf)
{
	return ((const struct sfw_conf *)conf)->nat_proxies[i].ifname;
}

/* What the datapath's maps hold, said by commit check as by commit: the
 * write refused these only once it ran (the other generation full). rank:
 * its number on its interface (sfw_name_ranks). */
static void check_proxy_room(struct conf_parser *p, int k, int rank)
{
	const struct sfw_conf_nat_proxy *x = &p->conf->nat_proxies[k];

	if (k == SFW_NAT_MAX_PROXY_RANGES)
		conf_error_at(p, x->line, "more than %d proxy-arp/ndp ranges",
			      SFW_NAT_MAX_PROXY_RANGES);
	if (rank == SFW_NAT_MAX_PROXIES)
		conf_error_at(p, x->line, "more than %d proxy-arp/ndp ranges on interface '%s'",
			      SFW_NAT_MAX_PROXIES, x->ifname);
}

static void check_proxies(struct conf_parser *p)
{
	const struct sfw_conf *c = p->conf;
	int *ranks = sfw_name_ranks(c->n_nat_proxies, proxy_ifname, c);
	char owner[96];

	if (!ranks) {
		p->oom = true;
		return;
	}
	for (int k = 0; k < c->n_nat_proxies; k++) {
		const struct sfw_conf_nat_proxy *x = &c->nat_proxies[k];
		__u8 want = x->ndp ? SFW_FAMILY_INET6 : SFW_FAMILY_INET;

		check_proxy_room(p, k, ranks[k]);
		snprintf(owner, sizeof(owner), "%s interface '%s'",
			 x->ndp ? "proxy-ndp" : "proxy-arp", x->ifname);
		if (sfw_conf_iface_zone(c, x->ifname) < 0)
			conf_error_at(p, x->line, "%s: the interface is in no zone: expected an "
				      "interface of a security zone", owner);
		if (x->address.family != want)
			conf_error_at(p, x->line, "%s: expected an %s address", owner,
				      x->ndp ? "IPv6" : "IPv4");
		else if (x->has_to)
			bad_to(p, x->line, owner, &x->address, &x->to);
	}
	free(ranks);
}

void conf_check_nat(struct conf_parser *p)
{
	struct sfw_conf *c = p->conf;

	for (int k = 0; k < c->n_nat_src_pools; k++)
		check_src_pool(p, &c->nat_src_pools[k]);
	for (int k = 0; k < c->n_nat_dst_pools; k++)
		check_dst_pool(p, &c->nat_dst_pools[k]);
	check_pool_overlap(p);
	check_rule_sets(p);
	for (int k = 0; k < c->n_nat_rules; k++)
		check_rule(p, &c->nat_rules[k]);
	check_rule_names(p);
	check_static_overlap(p);
	check_static_pools(p);
	check_proxies(p);
}
