/* set security nat source | destination | static | proxy-arp | proxy-ndp:
 * Junos's NAT statements (docs/nat.md). What spans statements (names,
 * overlaps, lengths) is checked once all are read (conf/check_nat.c). */
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"

#define PREFIX_WORDS "an IPv4 or IPv6 address or prefix (address/length)"

static int read_prefix(struct conf_parser *p, struct sfw_conf_prefix *out)
{
	const char *w = conf_peek(p);

	if (!w || !strcmp(w, "[") || !strcmp(w, "]"))
		return conf_expected(p, PREFIX_WORDS);
	if (conf_parse_prefix(w, out))
		return conf_bad(p, "prefix", w, PREFIX_WORDS);
	p->i++;
	return 0;
}

/* An optional `to B` after an address. */
static int read_to(struct conf_parser *p, bool *has_to, struct sfw_conf_prefix *to)
{
	const char *w = conf_peek(p);

	if (!w || strcmp(w, "to"))
		return 0;
	p->i++;
	*has_to = true;
	return read_prefix(p, to);
}

static int pool_address(struct conf_parser *p, struct sfw_conf_nat_pool *pl, bool dst)
{
	static const char *const port[] = { "port", NULL };
	struct sfw_conf_nat_pool next = *pl;
	__u32 v;

	next.has_to = false;
	next.port = 0;
	if (read_prefix(p, &next.address) ||
	    (!dst && read_to(p, &next.has_to, &next.to)))
		return -1;
	if (dst && !conf_at_end(p)) {
		if (conf_keyword(p, port) < 0 || conf_uint(p, "port", 1, 65535, &v))
			return -1;
		next.port = (__u16)v;
	}
	if (conf_end(p))
		return -1;
	if (pl->has_address && (!conf_prefix_equal(&pl->address, &next.address) ||
				pl->has_to != next.has_to ||
				(pl->has_to && !conf_prefix_equal(&pl->to, &next.to)) ||
				pl->port != next.port)) {
		conf_error(p, "pool '%s' is given a second address: it was set at line %d",
			   pl->name, pl->address_line);
		return -1;
	}
	*pl = next;
	pl->has_address = true;
	pl->address_line = p->line;
	return 0;
}

/* port range LOW to HIGH | port no-translation */
static int pool_port(struct conf_parser *p, struct sfw_conf_nat_pool *pl)
{
	static const char *const words[] = { "no-translation", "range", NULL };
	static const char *const to[] = { "to", NULL };
	__u32 lo, hi;

	switch (conf_keyword(p, words)) {
	case 0:
		pl->no_translation = true;
		if (!pl->ports_line)
			pl->ports_line = p->line;
		return conf_end(p);
	case 1:
		if (conf_uint(p, "port", SFW_CONF_NAT_PORT_MIN, SFW_CONF_NAT_PORT_MAX, &lo) ||
		    conf_keyword(p, to) < 0 ||
		    conf_uint(p, "port", SFW_CONF_NAT_PORT_MIN, SFW_CONF_NAT_PORT_MAX, &hi) ||
		    conf_end(p))
			return -1;
		if (hi < lo) {
			conf_error(p, "pool '%s': port range %u to %u is reversed: expected "
				   "LOW to HIGH", pl->name, lo, hi);
			return -1;
		}
		pl->ports = (struct sfw_conf_port_range){ .set = true, .lo = (__u16)lo,
							  .hi = (__u16)hi };
		pl->ports_line = p->line;
		return 0;
	default:
		return -1;
	}
}

static int parse_pool(struct conf_parser *p, enum sfw_conf_nat_type type)
{
	static const char *const src_words[] = { "address", "port", NULL };
	static const char *const dst_words[] = { "address", NULL };
	bool dst = type == SFW_CONF_NAT_DESTINATION;
	char name[SFW_CONF_NAME_MAX];
	struct sfw_conf_nat_pool *pl;

	if (conf_name(p, name, "a pool name") || !(pl = conf_nat_pool_get(p, type, name)))
		return -1;
	if (conf_at_end(p))
		return 0;
	switch (conf_keyword(p, dst ? dst_words : src_words)) {
	case 0: return pool_address(p, pl, dst);
	case 1: return pool_port(p, pl);
	default: return -1;
	}
}

static int add_prefix(struct conf_parser *p, const char *word, void *ctx)
{
	struct sfw_conf_prefixes *v = ctx;
	struct sfw_conf_prefix pfx, *e;

	if (conf_parse_prefix(word, &pfx))
		return conf_bad(p, "prefix", word, PREFIX_WORDS);
	for (int k = 0; k < v->n; k++)
		if (conf_prefix_equal(&v->v[k], &pfx))
			return 0;   /* set semantics, as Junos */
	e = conf_grow(p, (void **)&v->v, &v->n, &v->cap, sizeof(*e));
	if (!e)
		return -1;
	*e = pfx;
	return 0;
}

static int add_proto(struct conf_parser *p, const char *word, void *ctx)
{
	__u64 *bits = ctx;
	int pr = conf_parse_proto(word);

	if (pr < 0)
		return conf_bad(p, "protocol", word, "a protocol name or a number from 0 to 255");
	bits[pr / 64] |= 1ull << (pr % 64);
	return 0;
}

static int rule_dport(struct conf_parser *p, struct sfw_conf_nat_rule *r)
{
	__u32 lo, hi;
	const char *w;

	if (conf_uint(p, "port", 1, 65535, &lo))
		return -1;
	hi = lo;
	w = conf_peek(p);
	if (w && !strcmp(w, "to")) {
		p->i++;
		if (conf_uint(p, "port", lo, 65535, &hi))
			return -1;
	}
	if (conf_end(p))
		return -1;
	r->dport = (struct sfw_conf_port_range){ .set = true, .lo = (__u16)lo, .hi = (__u16)hi };
	return 0;
}

static int rule_match(struct conf_parser *p, struct sfw_conf_nat_rule *r,
		      enum sfw_conf_nat_type type)
{
	static const char *const words[] = {
		"destination-address", "destination-port", "protocol", "source-address", NULL
	};
	static const char *const static_words[] = { "destination-address", NULL };

	switch (conf_keyword(p, type == SFW_CONF_NAT_STATIC ? static_words : words)) {
	case 0:
		return conf_list(p, PREFIX_WORDS, add_prefix, &r->dst) ? -1 : conf_end(p);
	case 1:
		return rule_dport(p, r);
	case 2:
		return conf_list(p, "a protocol", add_proto, r->protos) ? -1 : conf_end(p);
	case 3:
		return conf_list(p, PREFIX_WORDS, add_prefix, &r->src) ? -1 : conf_end(p);
	default:
		return -1;
	}
}

/* then source-nat interface|pool P|off; destination-nat pool D|off;
 * static-nat prefix B. A later `then` replaces an earlier one, as a Junos
 * choice does. */
static int rule_then(struct conf_parser *p, struct sfw_conf_nat_rule *r,
		     enum sfw_conf_nat_type type)
{
	static const char *const src[] = { "source-nat", NULL };
	static const char *const dst[] = { "destination-nat", NULL };
	static const char *const stat[] = { "static-nat", NULL };
	static const char *const src_how[] = { "interface", "off", "pool", NULL };
	static const char *const dst_how[] = { "off", "pool", NULL };
	static const char *const prefix[] = { "prefix", NULL };
	struct sfw_conf_nat_rule next = *r;
	int k;

	memset(&next.pool, 0, sizeof(next.pool));
	if (type == SFW_CONF_NAT_STATIC) {
		if (conf_keyword(p, stat) < 0 || conf_keyword(p, prefix) < 0 ||
		    read_prefix(p, &next.prefix))
			return -1;
		next.then = SFW_CONF_NAT_THEN_PREFIX;
	} else {
		bool s = type == SFW_CONF_NAT_SOURCE;

		if (conf_keyword(p, s ? src : dst) < 0 || (k = conf_keyword(p, s ? src_how : dst_how)) < 0)
			return -1;
		if (!s)
			k++;   /* off, pool as in src_how */
		next.then = k == 0 ? SFW_CONF_NAT_THEN_INTERFACE
			  : k == 1 ? SFW_CONF_NAT_THEN_OFF : SFW_CONF_NAT_THEN_POOL;
		if (next.then == SFW_CONF_NAT_THEN_POOL) {
			if (conf_name(p, next.pool.name, "a pool name"))
				return -1;
			next.pool.line = p->line;
		}
	}
	if (conf_end(p))
		return -1;
	r->then = next.then;
	r->pool = next.pool;
	r->prefix = next.prefix;
	r->then_line = p->line;
	return 0;
}

/* A rule-set's from or to zone. Junos takes several (each line adds
 * one); sfw compiles one per rule-set, so a second, different zone is
 * refused rather than put in the first's place, which would leave the
 * first zone's flows untranslated (review of the NAT shows, RV-6). */
static int set_zone(struct conf_parser *p, struct sfw_conf_ref *ref, const char *side)
{
	static const char *const zone[] = { "zone", NULL };
	char name[SFW_CONF_NAME_MAX];

	if (conf_keyword(p, zone) < 0 || conf_name(p, name, "a zone name"))
		return -1;
	if (ref->name[0] && strcmp(ref->name, name)) {
		conf_error(p, "a rule-set takes one %s zone: '%s' was set at line %d "
			   "(several are not supported yet)", side, ref->name, ref->line);
		return -1;
	}
	snprintf(ref->name, sizeof(ref->name), "%s", name);
	ref->line = p->line;
	return conf_end(p);
}

static int parse_rule_set(struct conf_parser *p, enum sfw_conf_nat_type type)
{
	static const char *const src_words[] = { "from", "rule", "to", NULL };
	static const char *const words[] = { "from", "rule", NULL };
	static const char *const what[] = { "match", "then", NULL };
	char name[SFW_CONF_NAME_MAX];
	struct sfw_conf_nat_rule_set *s;
	struct sfw_conf_nat_rule *r;
	int set;

	if (conf_name(p, name, "a rule-set name") || !(s = conf_nat_rule_set_get(p, type, name)))
		return -1;
	set = (int)(s - p->conf->nat_rule_sets);
	if (conf_at_end(p))
		return 0;
	switch (conf_keyword(p, type == SFW_CONF_NAT_SOURCE ? src_words : words)) {
	case 0:
		return set_zone(p, &s->from, "from");
	case 2:
		return set_zone(p, &s->to, "to");
	case 1:
		break;
	default:
		return -1;
	}
	if (conf_name(p, name, "a rule name") || !(r = conf_nat_rule_get(p, set, name)))
		return -1;
	if (conf_at_end(p))
		return 0;
	switch (conf_keyword(p, what)) {
	case 0: return rule_match(p, r, type);
	case 1: return rule_then(p, r, type);
	default: return -1;
	}
}

/* proxy-arp|proxy-ndp interface IF address A [to B] */
static int parse_proxy(struct conf_parser *p, bool ndp)
{
	static const char *const iface[] = { "interface", NULL };
	static const char *const address[] = { "address", NULL };
	struct sfw_conf_nat_proxy x = { .ndp = ndp, .line = p->line }, *e;

	if (conf_keyword(p, iface) < 0 || conf_ifname(p, x.ifname) ||
	    conf_keyword(p, address) < 0 || read_prefix(p, &x.address) ||
	    read_to(p, &x.has_to, &x.to) || conf_end(p))
		return -1;
	for (int k = 0; k < p->conf->n_nat_proxies; k++) {
		const struct sfw_conf_nat_proxy *o = &p->conf->nat_proxies[k];

		if (o->ndp == ndp && !strcmp(o->ifname, x.ifname) &&
		    conf_prefix_equal(&o->address, &x.address) && o->has_to == x.has_to &&
		    (!x.has_to || conf_prefix_equal(&o->to, &x.to)))
			return 0;   /* the same statement again */
	}
	e = CONF_PUSH(p, p->conf, nat_proxies);
	if (!e)
		return -1;
	*e = x;
	return 0;
}

int conf_parse_nat(struct conf_parser *p)
{
	static const char *const words[] = {
		"destination", "proxy-arp", "proxy-ndp", "source", "static", NULL
	};
	static const char *const pool_words[] = { "pool", "rule-set", NULL };
	static const char *const static_words[] = { "rule-set", NULL };
	enum sfw_conf_nat_type type;

	switch (conf_keyword(p, words)) {
	case 0: type = SFW_CONF_NAT_DESTINATION; break;
	case 1: return parse_proxy(p, false);
	case 2: return parse_proxy(p, true);
	case 3: type = SFW_CONF_NAT_SOURCE; break;
	case 4: type = SFW_CONF_NAT_STATIC; break;
	default: return -1;
	}
	if (type == SFW_CONF_NAT_STATIC)
		return conf_keyword(p, static_words) < 0 ? -1 : parse_rule_set(p, type);
	switch (conf_keyword(p, pool_words)) {
	case 0: return parse_pool(p, type);
	case 1: return parse_rule_set(p, type);
	default: return -1;
	}
}
