/* security nat into include/nat.h's entries: pools numbered per kind,
 * rules per type, each rule-set's rules into its stage's list in
 * configuration order (a static rule-set into two lists, one per
 * direction), lists in Junos's order of evaluation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "compile_int.h"
#include "conf_int.h"
#include "err.h"

static void prefix_range(const struct sfw_conf_prefix *a, bool has_to,
			 const struct sfw_conf_prefix *to, union sfw_addr *first,
			 union sfw_addr *last)
{
	__u8 scratch[16];

	conf_prefix_ends(a, first->bytes, last->bytes);
	if (has_to)
		conf_prefix_ends(to, scratch, last->bytes);
}

/* last - first + 1, capped: IPv6 ranges may hold more than 32 bits count. */
static __u32 count_addrs(__u8 family, const union sfw_addr *first, const union sfw_addr *last)
{
	int off = family == SFW_FAMILY_INET ? 0 : 12;
	__u64 lo = 0, hi = 0;

	if (memcmp(first->bytes, last->bytes, (size_t)off))
		return 0xffffffffu;
	for (int b = off; b < off + 4; b++) {
		lo = lo << 8 | first->bytes[b];
		hi = hi << 8 | last->bytes[b];
	}
	return hi - lo + 1 > 0xffffffffull ? 0xffffffffu : (__u32)(hi - lo + 1);
}

static int emit_pool(struct sfw_compiled *out, const struct sfw_conf_nat_pool *pl,
		     enum sfw_nat_pool_kind kind, int k)
{
	struct sfw_cpl_nat_pool *e = CPL_PUSH(out, nat_pools);

	if (!e)
		return -ENOMEM;
	e->k = (struct sfw_nat_pool_key){ .kind = (__u8)kind, .id = (__u16)(k + 1) };
	memcpy(e->name, pl->name, sizeof(e->name));
	prefix_range(&pl->address, pl->has_to, &pl->to, &e->v.first, &e->v.last);
	e->v.family = pl->address.family;
	e->v.n_addrs = count_addrs(e->v.family, &e->v.first, &e->v.last);
	if (kind == SFW_NAT_POOL_DESTINATION) {
		e->v.port_lo = e->v.port_hi = pl->port;
	} else if (pl->no_translation) {
		e->v.flags = SFW_NAT_POOL_NO_PORT_XLATE;
	} else {
		e->v.port_lo = pl->ports.set ? pl->ports.lo : SFW_NAT_PORT_LO;
		e->v.port_hi = pl->ports.set ? pl->ports.hi : SFW_NAT_PORT_HI;
	}
	return 0;
}

static int emit_pools(const struct sfw_conf *c, struct sfw_compiled *out)
{
	int err = 0;

	for (int k = 0; k < c->n_nat_src_pools && !err; k++)
		err = emit_pool(out, &c->nat_src_pools[k], SFW_NAT_POOL_SOURCE, k);
	for (int k = 0; k < c->n_nat_dst_pools && !err; k++)
		err = emit_pool(out, &c->nat_dst_pools[k], SFW_NAT_POOL_DESTINATION, k);
	return err;
}

struct nat_cpl {
	const struct sfw_conf *conf;
	struct sfw_compiled *out;
	__u16 *rule_id;        /* per rule of the model */
	int *order;            /* rules grouped by rule-set, each in order */
	int *set_start;        /* per rule-set: its first rule in order; n_sets + 1 */
	struct sfw_cpl_nat_list *list;   /* the list being filled */
};

/* Rule ids per type in configuration order, and the rules of each set. */
static int number_rules(struct nat_cpl *x)
{
	const struct sfw_conf *c = x->conf;
	__u16 next[3] = { 1, 1, 1 };
	int n_sets = c->n_nat_rule_sets;

	x->rule_id = calloc((size_t)c->n_nat_rules + 1, sizeof(*x->rule_id));
	x->order = calloc((size_t)c->n_nat_rules + 1, sizeof(*x->order));
	x->set_start = calloc((size_t)n_sets + 2, sizeof(*x->set_start));
	if (!x->rule_id || !x->order || !x->set_start)
		return -ENOMEM;
	for (int k = 0; k < c->n_nat_rules; k++) {
		const struct sfw_conf_nat_rule *r = &c->nat_rules[k];
		enum sfw_conf_nat_type t = c->nat_rule_sets[r->set].type;
		struct sfw_cpl_nat_rule *e = CPL_PUSH(x->out, nat_rules);

		if (!e)
			return -ENOMEM;
		/* the datapath counts source rules in an array of that size */
		if (next[t] > SFW_NAT_MAX_RULES)
			return sfw_fail(E2BIG, "more than %d NAT rules of one type (source, "
					"destination or static)", SFW_NAT_MAX_RULES);
		x->rule_id[k] = next[t]++;
		e->type = (__u8)t;
		e->id = x->rule_id[k];
		memcpy(e->name, r->name, sizeof(e->name));
		memcpy(e->rule_set, c->nat_rule_sets[r->set].name, sizeof(e->rule_set));
		x->set_start[r->set + 2]++;
	}
	for (int s = 2; s <= n_sets + 1; s++)   /* counts into starts, shifted by one */
		x->set_start[s] += x->set_start[s - 1];
	for (int k = 0; k < c->n_nat_rules; k++)
		x->order[x->set_start[c->nat_rules[k].set + 1]++] = k;
	return 0;
}

static int push_entry(struct nat_cpl *x, const struct sfw_nat_entry *v)
{
	struct sfw_cpl_nat_entry *e;

	if (x->list->v.n_entries >= SFW_NAT_MAX_ENTRIES)
		return sfw_fail(E2BIG, "more than %d NAT entries in one rule-set (a rule "
				"counts once per address, address pair and protocol)",
				SFW_NAT_MAX_ENTRIES);
	e = CPL_PUSH(x->out, nat_entries);
	if (!e)
		return -ENOMEM;
	e->k = (struct sfw_nat_entry_key){ .list = x->list->k, .idx = x->list->v.n_entries++ };
	e->v = *v;
	return 0;
}

/* A masked prefix into an entry's address; NULL is `any`. */
static __u8 put_addr(union sfw_addr *a, const struct sfw_conf_prefix *p)
{
	union sfw_addr last;

	if (!p)
		return 0;
	conf_prefix_ends(p, a->bytes, last.bytes);
	return p->len;
}

/* Every (source, destination, protocol) combination of a rule, in the
 * order written; prefixes of different families never match together. */
static int emit_combos(struct nat_cpl *x, const struct sfw_conf_nat_rule *r,
		       struct sfw_nat_entry *v)
{
	int ns = r->src.n ? r->src.n : 1, nd = r->dst.n ? r->dst.n : 1, err = 0;

	for (int s = 0; s < ns && !err; s++)
		for (int d = 0; d < nd && !err; d++) {
			const struct sfw_conf_prefix *sp = r->src.n ? &r->src.v[s] : NULL;
			const struct sfw_conf_prefix *dp = r->dst.n ? &r->dst.v[d] : NULL;
			bool any_proto = true;

			if (sp && dp && sp->family != dp->family)
				continue;
			v->family = sp ? sp->family : dp ? dp->family : 0;
			v->src_len = put_addr(&v->src, sp);
			v->dst_len = put_addr(&v->dst, dp);
			for (int pr = 0; pr < 256 && !err; pr++)
				if (r->protos[pr / 64] & (1ull << (pr % 64))) {
					any_proto = false;
					v->flags |= SFW_NAT_E_PROTO;
					v->proto = (__u8)pr;
					err = push_entry(x, v);
				}
			if (any_proto)
				err = push_entry(x, v);
			v->flags &= (__u8)~SFW_NAT_E_PROTO;
			v->proto = 0;
			memset(&v->src, 0, sizeof(v->src));
			memset(&v->dst, 0, sizeof(v->dst));
		}
	return err;
}

static int emit_rule(struct nat_cpl *x, int k, enum sfw_nat_stage stage)
{
	const struct sfw_conf_nat_rule *r = &x->conf->nat_rules[k];
	struct sfw_nat_entry v = { .rule_id = x->rule_id[k] };

	if (r->dport.set) {
		v.flags = SFW_NAT_E_DPORT;
		v.dport_lo = r->dport.lo;
		v.dport_hi = r->dport.hi;
	}
	switch (r->then) {
	case SFW_CONF_NAT_THEN_INTERFACE: v.action = SFW_NAT_ACT_INTERFACE; break;
	case SFW_CONF_NAT_THEN_POOL:
		v.action = SFW_NAT_ACT_POOL;
		v.pool_id = (__u16)(r->pool.idx + 1);
		break;
	case SFW_CONF_NAT_THEN_PREFIX: v.action = SFW_NAT_ACT_PREFIX; break;
	default: v.action = SFW_NAT_ACT_OFF; break;
	}
	if ((stage == SFW_NAT_STATIC || stage == SFW_NAT_STATIC_REVERSE) && !r->dst.n)
		return 0;   /* refused by the checks: never compiled */
	if (stage == SFW_NAT_STATIC || stage == SFW_NAT_STATIC_REVERSE) {
		bool fwd = stage == SFW_NAT_STATIC;
		const struct sfw_conf_prefix *match = fwd ? &r->dst.v[0] : &r->prefix;
		const struct sfw_conf_prefix *to = fwd ? &r->prefix : &r->dst.v[0];

		v.family = match->family;
		if (fwd)
			v.dst_len = put_addr(&v.dst, match);
		else
			v.src_len = put_addr(&v.src, match);
		put_addr(&v.xlate, to);
		return push_entry(x, &v);
	}
	return emit_combos(x, r, &v);
}

static enum sfw_conf_nat_type type_of(enum sfw_nat_stage stage)
{
	return stage == SFW_NAT_SOURCE ? SFW_CONF_NAT_SOURCE
	     : stage == SFW_NAT_DESTINATION ? SFW_CONF_NAT_DESTINATION : SFW_CONF_NAT_STATIC;
}

static int emit_list(struct nat_cpl *x, int set, enum sfw_nat_stage stage)
{
	const struct sfw_conf_nat_rule_set *s = &x->conf->nat_rule_sets[set];
	__u8 zone = (__u8)(s->from.idx + 1);
	int err = 0;

	x->list = CPL_PUSH(x->out, nat_lists);
	if (!x->list)
		return -ENOMEM;
	x->list->k.stage = (__u8)stage;
	if (stage == SFW_NAT_STATIC_REVERSE)
		x->list->k.to_zone = zone;
	else
		x->list->k.from_zone = zone;
	if (stage == SFW_NAT_SOURCE)
		x->list->k.to_zone = (__u8)(s->to.idx + 1);
	for (int i = x->set_start[set]; i < x->set_start[set + 1] && !err; i++)
		err = emit_rule(x, x->order[i], stage);
	return err;
}

static int emit_lists(struct nat_cpl *x)
{
	int err = number_rules(x);

	for (int st = 0; st < SFW_NAT_STAGES && !err; st++)
		for (int s = 0; s < x->conf->n_nat_rule_sets && !err; s++)
			if (x->conf->nat_rule_sets[s].type == type_of((enum sfw_nat_stage)st))
				err = emit_list(x, s, (enum sfw_nat_stage)st);
	return err;
}

static int emit_proxies(const struct sfw_conf *c, struct sfw_compiled *out)
{
	for (int k = 0; k < c->n_nat_proxies; k++) {
		const struct sfw_conf_nat_proxy *p = &c->nat_proxies[k];
		struct sfw_cpl_nat_proxy *e = CPL_PUSH(out, nat_proxies);

		if (!e)
			return -ENOMEM;
		memcpy(e->ifname, p->ifname, sizeof(e->ifname));
		prefix_range(&p->address, p->has_to, &p->to, &e->v.first, &e->v.last);
		e->v.family = p->address.family;
	}
	return 0;
}

int cpl_emit_nat(const struct sfw_conf *conf, struct sfw_compiled *out)
{
	struct nat_cpl x = { .conf = conf, .out = out };
	int err;

	if (!sfw_conf_has_nat(conf))
		return 0;
	err = emit_pools(conf, out);
	err = err ? err : emit_lists(&x);
	err = err ? err : emit_proxies(conf, out);
	free(x.rule_id);
	free(x.order);
	free(x.set_start);
	return err;
}
