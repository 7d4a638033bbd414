/* show security nat source rule R|all, pool P|all, summary, clear
 * security nat source rule R|all, pool P|all, clear security nat
 * statistics: the committed configuration's NAT rules and pools
 * (nat_show.h) with the datapath's counters, and the live sessions naming
 * each rule, counted by one walk of the table. The rule machinery serves
 * destination and static NAT too (cmd_nat_dest.c, cmd_nat_static.c;
 * type, enum sfw_conf_nat_type: each its own ids, counters and session
 * field). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd_nat.h"
#include "conf_ops.h"
#include "loader.h"
#include "maps.h"
#include "report.h"
#include "session_walk.h"

/* Sessions per rule id: aliases are no sessions (and their block is the
 * owner's key); an `off` session names its source rule too
 * (bpf/flow.bpf.h); a destination NAT session its destination rule, a
 * static NAT session (either way) its static rule, both in dnat_rule_id. */
struct counting {
	__u64 *by_id;
	int type;
};

static __u32 rule_of(const struct sfw_session *s, int type)
{
	bool stat = s->xflags & SFW_SESS_X_STATIC;

	if (type == SFW_CONF_NAT_SOURCE)
		return s->nat.rule_id;
	if (type == SFW_CONF_NAT_STATIC)
		return stat && (s->flags & SFW_SESS_F_NAT) ? s->dnat_rule_id : 0;
	return !stat && (s->flags & SFW_SESS_F_DNAT) ? s->dnat_rule_id : 0;
}

static int count_visit(const struct sfw_session_key *key, const struct sfw_session *s,
		       void *arg)
{
	struct counting *c = arg;
	__u32 id = SFW_SESS_IS_ALIAS(s) ? 0 : rule_of(s, c->type);

	(void)key;
	if (id && id <= SFW_NAT_MAX_RULES)
		c->by_id[id]++;
	return SFW_WALK_NEXT;
}

static int count_sessions(struct sfw_nat_rules *r, int type)
{
	__u64 *by_id = calloc(SFW_NAT_MAX_RULES + 1, sizeof(*by_id));
	struct counting c = { by_id, type };
	struct sfw_walk_ops ops = { .visit = count_visit, .arg = &c };
	int fd, err;

	if (!by_id)
		return sfw_fail(ENOMEM, "out of memory");
	fd = sfw_open_map(SFW_STR(SFW_MAP_SESSIONS));
	err = fd < 0 ? fd : sfw_walk_sessions(fd, &ops);
	if (fd >= 0)
		close(fd);
	for (int k = 0; !err && k < r->n; k++)
		r->v[k].sessions = r->v[k].id <= SFW_NAT_MAX_RULES ? by_id[r->v[k].id] : 0;
	free(by_id);
	return err;
}

/* The ids the commits gave (kept by name: loader/nat_rule_ids.c); a rule
 * with none was never committed into these pins. */
static const char *type_word(int type)
{
	return type == SFW_CONF_NAT_STATIC ? "static" :
	       type == SFW_CONF_NAT_DESTINATION ? "destination" : "source";
}

static int pinned_ids(struct sfw_nat_rules *r, int type)
{
	__u32 (*find)(const struct sfw_nat_ids *, const char *, const char *) =
		type == SFW_CONF_NAT_STATIC ? sfw_nat_srule_id_find :
		type == SFW_CONF_NAT_DESTINATION ? sfw_nat_drule_id_find : sfw_nat_ids_find;
	struct sfw_nat_ids *t;
	int err = sfw_nat_ids_pinned(&t);

	for (int k = 0; !err && k < r->n; k++) {
		r->v[k].id = find(t, r->v[k].set->name, r->v[k].rule->name);
		if (!r->v[k].id)
			err = sfw_fail(ENOENT, "%s NAT rule %s has no id: the configuration "
				       "in force is not the stored one (commit it)",
				       type_word(type), SFW_Q(r->v[k].rule->name));
	}
	free(t);
	return err;
}

static int read_counters(struct sfw_nat_rules *r, int type)
{
	struct sfw_nat_rule_stats *st = calloc((size_t)r->n + 1, sizeof(*st));
	__u32 *ids = calloc((size_t)r->n + 1, sizeof(*ids));
	int err = !st || !ids ? sfw_fail(ENOMEM, "out of memory") : pinned_ids(r, type);

	for (int k = 0; !err && k < r->n; k++)
		ids[k] = r->v[k].id;
	if (!err)
		err = sfw_nat_rule_stats_read(type, ids, r->n, st);
	for (int k = 0; !err && k < r->n; k++)
		r->v[k].st = st[k];
	free(st);
	free(ids);
	return err ? err : count_sessions(r, type);
}

static int rules_build(const struct sfw_conf *conf, int type, const char *name,
		       struct sfw_nat_rules *r)
{
	return (type == SFW_CONF_NAT_STATIC ? sfw_nat_srules_build :
		type == SFW_CONF_NAT_DESTINATION ? sfw_nat_drules_build :
		sfw_nat_rules_build)(conf, name, r);
}

const char *sfw_nat_name_word(const struct sfw_cmdline *cl)
{
	return strcmp(cl->pos[0], "all") ? cl->pos[0] : NULL;
}

/* The ids the commits gave the pools (kept by name, as rules'). */
static int pinned_pool_ids(struct sfw_nat_pools *p)
{
	struct sfw_nat_ids *t;
	int err = sfw_nat_ids_pinned(&t);

	for (int k = 0; !err && k < p->n; k++) {
		p->v[k].id = sfw_nat_pool_id_find(t, p->v[k].pool->name);
		if (!p->v[k].id)
			err = sfw_fail(ENOENT, "source NAT pool %s has no id: the configuration "
				       "in force is not the stored one (commit it)",
				       SFW_Q(p->v[k].pool->name));
	}
	free(t);
	return err;
}

/* A pool's counters and its ports held now. */
static int read_pool_counters(struct sfw_nat_pools *p)
{
	int err = pinned_pool_ids(p);

	for (int k = 0; !err && k < p->n; k++) {
		err = sfw_nat_pool_stats_read(p->v[k].id, &p->v[k].st);
		if (!err)
			err = sfw_nat_ports_held(p->v[k].first, p->v[k].last, &p->v[k].ports);
	}
	return err;
}

/* Built in memory first: counters that cannot be read print nothing. */
int sfw_nat_rules_show(const struct sfw_cmdline *cl, int type, const char *name, bool counters,
		       sfw_nat_rules_out out)
{
	struct sfw_nat_rules r;
	struct sfw_conf conf;
	int rc = sfw_conf_load_active(&conf, cl->err);

	if (rc)
		return rc;
	rc = rules_build(&conf, type, name, &r);
	if (!rc && counters)
		rc = read_counters(&r, type);
	if (!rc)
		rc = out(cl, &conf, &r, !name);
	sfw_nat_rules_free(&r);
	sfw_conf_free(&conf);
	return rc ? sfw_report(cl) : SFW_EXIT_OK;
}

int sfw_nat_one_word(const struct sfw_cmdline *cl)
{
	if (cl->npos == 1)
		return 0;
	fprintf(cl->err, "sfw: unknown word '%s' after '%s'; expected one rule name or 'all'\n",
		SFW_Q(cl->pos[1]), SFW_Q(cl->pos[0]));
	return SFW_EXIT_USAGE;
}

/* rule R|all: text, sfw's JSON or Junos's reply (`| display xml|json`). */
static int rules_out(const struct sfw_cmdline *cl, const struct sfw_conf *conf,
		     const struct sfw_nat_rules *r, bool all)
{
	(void)conf;
	if (cl->display)
		sfw_show_nat_rules_junos(r, all, cl->display, cl->out);
	else
		(cl->json ? sfw_show_nat_rules_json : sfw_show_nat_rules_text)(r, all, cl->out);
	return 0;
}

/* summary: the pools, then the rules. */
static int summary_out(const struct sfw_cmdline *cl, const struct sfw_conf *conf,
		       const struct sfw_nat_rules *r, bool all)
{
	struct sfw_nat_pools p = {};
	int rc = sfw_nat_pools_build(conf, NULL, &p);

	(void)all;
	if (!rc && cl->display)
		sfw_show_nat_summary_junos(r, &p, cl->display, cl->out);
	else if (!rc)
		(cl->json ? sfw_show_nat_summary_json : sfw_show_nat_summary_text)(r, &p, cl->out);
	sfw_nat_pools_free(&p);
	return rc;
}

int sfw_cmd_show_nat_rule(const struct sfw_cmdline *cl)
{
	if (sfw_nat_one_word(cl))
		return SFW_EXIT_USAGE;
	return sfw_nat_rules_show(cl, SFW_CONF_NAT_SOURCE, sfw_nat_name_word(cl), true, rules_out);
}

int sfw_cmd_show_nat_summary(const struct sfw_cmdline *cl)
{
	return sfw_nat_rules_show(cl, SFW_CONF_NAT_SOURCE, NULL, false, summary_out);
}

/* show security nat source pool P|all: `all` is the keyword, as for rules. */
int sfw_cmd_show_nat_pool(const struct sfw_cmdline *cl)
{
	const char *name = sfw_nat_name_word(cl);
	struct sfw_nat_pools p;
	struct sfw_conf conf;
	int rc;

	if (sfw_nat_one_word(cl))
		return SFW_EXIT_USAGE;
	rc = sfw_conf_load_active(&conf, cl->err);
	if (rc)
		return rc;
	rc = sfw_nat_pools_build(&conf, name, &p);
	if (!rc)
		rc = read_pool_counters(&p);
	if (!rc && cl->display)
		sfw_show_nat_pools_junos(&p, !name, cl->display, cl->out);
	else if (!rc)
		(cl->json ? sfw_show_nat_pools_json : sfw_show_nat_pools_text)(&p, !name, cl->out);
	sfw_nat_pools_free(&p);
	sfw_conf_free(&conf);
	return rc ? sfw_report(cl) : SFW_EXIT_OK;
}

/* Every rule's counters (id 0), or the named rule's. */
static int clear_counters(const struct sfw_nat_rules *r, int type, bool all)
{
	int err = sfw_lock();

	if (err)
		return err;
	for (int k = 0; !err && k < r->n; k++)
		err = sfw_nat_rule_stats_clear(type, r->v[k].id);
	if (!err && all)
		err = sfw_nat_rule_stats_clear(type, 0);
	sfw_unlock();
	return err;
}

int sfw_nat_rules_clear(const struct sfw_cmdline *cl, int type)
{
	const char *name = sfw_nat_name_word(cl);
	struct sfw_nat_rules r = {};
	struct sfw_conf conf;
	int rc, err = 0;

	if (sfw_nat_one_word(cl))
		return SFW_EXIT_USAGE;
	rc = sfw_conf_load_active(&conf, cl->err);
	if (rc)
		return rc;
	/* a name must be a configured rule; `all` clears every id */
	if (name)
		err = rules_build(&conf, type, name, &r);
	if (!err && name)
		err = pinned_ids(&r, type);
	if (!err)
		err = clear_counters(&r, type, !name);
	sfw_nat_rules_free(&r);
	sfw_conf_free(&conf);
	return err ? sfw_report(cl) : SFW_EXIT_OK;
}

int sfw_cmd_clear_nat_rule(const struct sfw_cmdline *cl)
{
	return sfw_nat_rules_clear(cl, SFW_CONF_NAT_SOURCE);
}

/* clear security nat source pool P|all: P's Translation hits (by its kept
 * id), or every pool id's; a name must be a configured pool. */
int sfw_cmd_clear_nat_pool(const struct sfw_cmdline *cl)
{
	const char *name = sfw_nat_name_word(cl);
	struct sfw_nat_pools p = {};
	struct sfw_conf conf;
	int rc, err = 0;

	if (sfw_nat_one_word(cl))
		return SFW_EXIT_USAGE;
	rc = sfw_conf_load_active(&conf, cl->err);
	if (rc)
		return rc;
	if (name)
		err = sfw_nat_pools_build(&conf, name, &p);
	if (!err && name)
		err = pinned_pool_ids(&p);
	if (!err)
		err = sfw_lock();
	if (!err) {
		err = sfw_nat_pool_stats_clear(name ? p.v[0].id : 0);
		sfw_unlock();
	}
	sfw_nat_pools_free(&p);
	sfw_conf_free(&conf);
	return err ? sfw_report(cl) : SFW_EXIT_OK;
}

/* clear security nat statistics: every rule's and every pool's counters,
 * of every type, by id, so no configuration is read; Number of sessions is counted from
 * the table at show time, and the sessions stay. */
int sfw_cmd_clear_nat_statistics(const struct sfw_cmdline *cl)
{
	int err;

	if (sfw_lock())
		return sfw_report(cl);
	err = sfw_nat_stats_clear();
	sfw_unlock();
	return err ? sfw_report(cl) : SFW_EXIT_OK;
}
