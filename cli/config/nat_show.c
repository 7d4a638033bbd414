/* The source, destination or static NAT rules the shows print: the compiler's
 * ids (configuration order; the counters' shows replace them with the
 * pinned ones a commit kept by name, cmd_nat.c), Junos's positions,
 * ranges. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "compile.h"
#include "err.h"
#include "nat_show.h"
#include "values.h"

static bool of_type(const struct sfw_conf *conf, const struct sfw_conf_nat_rule *r,
		    enum sfw_conf_nat_type type)
{
	return conf->nat_rule_sets[r->set].type == type;
}

/* Evaluation order is rule-set by rule-set, each set's rules in order
 * (conf/compile_nat.c): a count per set, then running starts. */
static int positions(const struct sfw_conf *conf, enum sfw_conf_nat_type type, int *pos)
{
	int *start = calloc((size_t)conf->n_nat_rule_sets + 1, sizeof(*start));
	int next = 0;

	if (!start)
		return -ENOMEM;
	for (int k = 0; k < conf->n_nat_rules; k++)
		if (of_type(conf, &conf->nat_rules[k], type))
			start[conf->nat_rules[k].set]++;
	for (int s = 0; s < conf->n_nat_rule_sets; s++) {
		int n = start[s];

		start[s] = next;
		next += n;
	}
	for (int k = 0; k < conf->n_nat_rules; k++)
		if (of_type(conf, &conf->nat_rules[k], type))
			pos[k] = ++start[conf->nat_rules[k].set];
	free(start);
	return 0;
}

static int fill(const struct sfw_conf *conf, const struct sfw_compiled *c, const int *pos,
		enum sfw_conf_nat_type type, const char *name, struct sfw_nat_rules *out)
{
	for (int k = 0; k < conf->n_nat_rules && k < c->n_nat_rules; k++) {
		const struct sfw_conf_nat_rule *r = &conf->nat_rules[k];
		struct sfw_nat_rule_row *row;

		if (!of_type(conf, r, type) || (name && strcmp(r->name, name)))
			continue;
		row = &out->v[out->n++];
		memset(row, 0, sizeof(*row));
		row->rule = r;
		row->set = &conf->nat_rule_sets[r->set];
		row->id = c->nat_rules[k].id;
		row->position = pos[k];
	}
	if (name && !out->n)
		return sfw_fail(ENOENT, "%s NAT rule %s is not configured",
				type == SFW_CONF_NAT_SOURCE ? "source" :
				type == SFW_CONF_NAT_DESTINATION ? "destination" : "static",
				SFW_Q(name));
	return 0;
}

static int by_position(const void *a, const void *b)
{
	const struct sfw_nat_rule_row *x = a, *y = b;

	return (x->position > y->position) - (x->position < y->position);
}

static int build(const struct sfw_conf *conf, enum sfw_conf_nat_type type, const char *name,
		 struct sfw_nat_rules *out)
{
	struct sfw_compiled c;
	int *pos, err;

	memset(out, 0, sizeof(*out));
	err = sfw_conf_compile(conf, &c);
	if (err)
		return err;
	pos = calloc((size_t)conf->n_nat_rules + 1, sizeof(*pos));
	out->v = calloc((size_t)conf->n_nat_rules + 1, sizeof(*out->v));
	err = !pos || !out->v ? sfw_fail(ENOMEM, "out of memory") : positions(conf, type, pos);
	if (!err)
		err = fill(conf, &c, pos, type, name, out);
	/* listed as they are evaluated, rule-set by rule-set */
	if (!err)
		qsort(out->v, (size_t)out->n, sizeof(*out->v), by_position);
	free(pos);
	sfw_compiled_free(&c);
	if (err)
		sfw_nat_rules_free(out);
	return err;
}

int sfw_nat_rules_build(const struct sfw_conf *conf, const char *name,
			struct sfw_nat_rules *out)
{
	return build(conf, SFW_CONF_NAT_SOURCE, name, out);
}

int sfw_nat_drules_build(const struct sfw_conf *conf, const char *name,
			 struct sfw_nat_rules *out)
{
	return build(conf, SFW_CONF_NAT_DESTINATION, name, out);
}

int sfw_nat_srules_build(const struct sfw_conf *conf, const char *name,
			 struct sfw_nat_rules *out)
{
	return build(conf, SFW_CONF_NAT_STATIC, name, out);
}

void sfw_nat_rules_free(struct sfw_nat_rules *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

const char *sfw_nat_action_word(const struct sfw_conf_nat_rule *rule)
{
	switch (rule->then) {
	case SFW_CONF_NAT_THEN_INTERFACE:
		return "interface";
	case SFW_CONF_NAT_THEN_POOL:   /* a source or a destination pool */
		return rule->pool.name;
	default:
		return "off";
	}
}

void sfw_nat_range(const struct sfw_conf_prefix *p, char *lo, char *hi)
{
	union sfw_addr a = {}, b = {};
	__u8 family = p && p->family ? p->family : SFW_FAMILY_INET;
	int len = p && p->family ? p->len : 0;

	if (p && p->family)
		a = p->addr;
	for (int w = 0; w < 4; w++) {
		int bits = len - 32 * w;
		__u32 mask = bits <= 0 ? 0 : bits >= 32 ? 0xffffffffu : ~0u << (32 - bits);

		a.v6[w] &= htonl(mask);
		b.v6[w] = a.v6[w] | htonl(~mask);
	}
	sfw_addr_str(family, &a, lo, 46);
	sfw_addr_str(family, &b, hi, 46);
}

static void count_prefix(const struct sfw_conf_prefix *p, int *v4, int *v6)
{
	if (p->family != SFW_FAMILY_INET6)
		++*v4;
	if (p->family != SFW_FAMILY_INET)
		++*v6;
}

static void count_prefixes(const struct sfw_conf_prefixes *ps, int *v4, int *v6)
{
	for (int k = 0; k < ps->n; k++)
		count_prefix(&ps->v[k], v4, v6);
}

/* A static rule references its host prefix too. */
void sfw_nat_prefix_totals(const struct sfw_nat_rules *r, int *v4, int *v6)
{
	*v4 = *v6 = 0;
	for (int k = 0; k < r->n; k++) {
		const struct sfw_conf_nat_rule *rule = r->v[k].rule;

		count_prefixes(&rule->src, v4, v6);
		count_prefixes(&rule->dst, v4, v6);
		if (rule->then == SFW_CONF_NAT_THEN_PREFIX)
			count_prefix(&rule->prefix, v4, v6);
	}
}

void sfw_nat_static_addrs(const struct sfw_conf_nat_rule *r, char *dst, char *host)
{
	char hi[46];

	sfw_nat_range(r->dst.n ? &r->dst.v[0] : NULL, dst, hi);
	sfw_nat_range(&r->prefix, host, hi);
}
