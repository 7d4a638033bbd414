/* security nat printed back as canonical set lines (sfw_conf_print):
 * pools, then rule-sets with their context in configuration order, then
 * rules in theirs (the model's order again once parsed), then
 * proxy-arp/ndp. */
#include "conf_int.h"

static void print_pool(const struct sfw_conf_nat_pool *pl, const char *type, FILE *f)
{
	if (pl->has_address) {
		fprintf(f, "set security nat %s pool %s address ", type, pl->name);
		conf_put_prefix(f, &pl->address);
		if (pl->has_to) {
			fputs(" to ", f);
			conf_put_prefix(f, &pl->to);
		}
		if (pl->port)
			fprintf(f, " port %u", pl->port);
		fputc('\n', f);
	}
	if (pl->ports.set)
		fprintf(f, "set security nat %s pool %s port range %u to %u\n", type, pl->name,
			pl->ports.lo, pl->ports.hi);
	if (pl->no_translation)
		fprintf(f, "set security nat %s pool %s port no-translation\n", type, pl->name);
	if (!pl->has_address && !pl->ports.set && !pl->no_translation)
		fprintf(f, "set security nat %s pool %s\n", type, pl->name);
}

static void put_prefixes(FILE *f, const char *head, const char *word,
			 const struct sfw_conf_prefixes *v)
{
	for (int k = 0; k < v->n; k++) {
		fprintf(f, "%s match %s ", head, word);
		conf_put_prefix(f, &v->v[k]);
		fputc('\n', f);
	}
}

static void print_rule(const struct sfw_conf *c, const struct sfw_conf_nat_rule *r, FILE *f)
{
	const struct sfw_conf_nat_rule_set *s = &c->nat_rule_sets[r->set];
	const char *type = conf_nat_type_word(s->type);
	char head[256], num[8];

	snprintf(head, sizeof(head), "set security nat %s rule-set %s rule %s", type, s->name,
		 r->name);
	put_prefixes(f, head, "source-address", &r->src);
	put_prefixes(f, head, "destination-address", &r->dst);
	if (r->dport.set && r->dport.lo == r->dport.hi)
		fprintf(f, "%s match destination-port %u\n", head, r->dport.lo);
	else if (r->dport.set)
		fprintf(f, "%s match destination-port %u to %u\n", head, r->dport.lo, r->dport.hi);
	for (int pr = 0; pr < 256; pr++)
		if (r->protos[pr / 64] & (1ull << (pr % 64)))
			fprintf(f, "%s match protocol %s\n", head, sfw_conf_proto_name(pr, num, sizeof(num)));
	switch (r->then) {
	case SFW_CONF_NAT_THEN_OFF:
		fprintf(f, "%s then %s-nat off\n", head, type);
		break;
	case SFW_CONF_NAT_THEN_INTERFACE:
		fprintf(f, "%s then source-nat interface\n", head);
		break;
	case SFW_CONF_NAT_THEN_POOL:
		fprintf(f, "%s then %s-nat pool %s\n", head, type, r->pool.name);
		break;
	case SFW_CONF_NAT_THEN_PREFIX:
		fprintf(f, "%s then static-nat prefix ", head);
		conf_put_prefix(f, &r->prefix);
		fputc('\n', f);
		break;
	default:   /* no action yet (configuration mode's candidate): the rule alone */
		if (!r->src.n && !r->dst.n && !r->dport.set &&
		    !(r->protos[0] | r->protos[1] | r->protos[2] | r->protos[3]))
			fprintf(f, "%s\n", head);
	}
}

void conf_print_nat(const struct sfw_conf *c, FILE *f)
{
	for (int k = 0; k < c->n_nat_src_pools; k++)
		print_pool(&c->nat_src_pools[k], "source", f);
	for (int k = 0; k < c->n_nat_dst_pools; k++)
		print_pool(&c->nat_dst_pools[k], "destination", f);
	for (int k = 0; k < c->n_nat_rule_sets; k++) {
		const struct sfw_conf_nat_rule_set *s = &c->nat_rule_sets[k];
		const char *type = conf_nat_type_word(s->type);

		if (s->from.name[0])
			fprintf(f, "set security nat %s rule-set %s from zone %s\n", type, s->name,
				s->from.name);
		if (s->to.name[0])
			fprintf(f, "set security nat %s rule-set %s to zone %s\n", type, s->name,
				s->to.name);
		if (!s->from.name[0] && !s->to.name[0])
			fprintf(f, "set security nat %s rule-set %s\n", type, s->name);
	}
	for (int k = 0; k < c->n_nat_rules; k++)
		print_rule(c, &c->nat_rules[k], f);
	for (int k = 0; k < c->n_nat_proxies; k++) {
		const struct sfw_conf_nat_proxy *x = &c->nat_proxies[k];

		fprintf(f, "set security nat %s interface ", x->ndp ? "proxy-ndp" : "proxy-arp");
		conf_put_word(f, x->ifname);
		fputs(" address ", f);
		conf_put_prefix(f, &x->address);
		if (x->has_to) {
			fputs(" to ", f);
			conf_put_prefix(f, &x->to);
		}
		fputc('\n', f);
	}
}
