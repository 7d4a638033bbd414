/* show security nat destination rule R|all, pool P|all, summary, clear
 * security nat destination rule R|all, pool P|all: destination NAT's
 * rules (through cmd_nat.c's rule machinery, with its own ids, counters
 * and session field) and pools, with the datapath's counters. */
#include <errno.h>
#include <stdlib.h>
#include "cmd_nat.h"
#include "conf_ops.h"
#include "loader.h"
#include "report.h"

/* rule R|all: text, sfw's JSON or Junos's reply (`| display xml|json`). */
static int rules_out(const struct sfw_cmdline *cl, const struct sfw_conf *conf,
		     const struct sfw_nat_rules *r, bool all)
{
	(void)conf;
	if (cl->display)
		sfw_show_nat_drules_junos(r, all, cl->display, cl->out);
	else
		(cl->json ? sfw_show_nat_drules_json : sfw_show_nat_drules_text)(r, all, cl->out);
	return 0;
}

/* summary: the pools, then the rules. */
static int summary_out(const struct sfw_cmdline *cl, const struct sfw_conf *conf,
		       const struct sfw_nat_rules *r, bool all)
{
	struct sfw_nat_dpools p = {};
	int rc = sfw_nat_dpools_build(conf, NULL, &p);

	(void)all;
	if (!rc && cl->display)
		sfw_show_nat_dsummary_junos(r, &p, cl->display, cl->out);
	else if (!rc)
		(cl->json ? sfw_show_nat_dsummary_json : sfw_show_nat_dsummary_text)(r, &p, cl->out);
	sfw_nat_dpools_free(&p);
	return rc;
}

int sfw_cmd_show_nat_drule(const struct sfw_cmdline *cl)
{
	if (sfw_nat_one_word(cl))
		return SFW_EXIT_USAGE;
	return sfw_nat_rules_show(cl, SFW_CONF_NAT_DESTINATION, sfw_nat_name_word(cl), true, rules_out);
}

int sfw_cmd_show_nat_dsummary(const struct sfw_cmdline *cl)
{
	return sfw_nat_rules_show(cl, SFW_CONF_NAT_DESTINATION, NULL, false, summary_out);
}

int sfw_cmd_clear_nat_drule(const struct sfw_cmdline *cl)
{
	return sfw_nat_rules_clear(cl, SFW_CONF_NAT_DESTINATION);
}

/* Pool counters by the kept id. */
static int read_dpool_counters(struct sfw_nat_dpools *p)
{
	struct sfw_nat_ids *t;
	int err = sfw_nat_ids_pinned(&t);

	for (int k = 0; !err && k < p->n; k++) {
		p->v[k].id = sfw_nat_dpool_id_find(t, p->v[k].pool->name);
		err = p->v[k].id ? sfw_nat_dpool_stats_read(p->v[k].id, &p->v[k].st) :
		      sfw_fail(ENOENT, "destination NAT pool %s has no id: the configuration "
			       "in force is not the stored one (commit it)",
			       SFW_Q(p->v[k].pool->name));
	}
	free(t);
	return err;
}

static void dpools_out(const struct sfw_cmdline *cl, const struct sfw_nat_dpools *p, bool all)
{
	if (cl->display)
		sfw_show_nat_dpools_junos(p, all, cl->display, cl->out);
	else
		(cl->json ? sfw_show_nat_dpools_json : sfw_show_nat_dpools_text)(p, all, cl->out);
}

/* show (clear false) or clear destination pools P|all. */
static int dpools(const struct sfw_cmdline *cl, bool clear)
{
	const char *name = sfw_nat_name_word(cl);
	struct sfw_nat_dpools p = {};
	struct sfw_conf conf;
	int rc;

	if (sfw_nat_one_word(cl))
		return SFW_EXIT_USAGE;
	rc = sfw_conf_load_active(&conf, cl->err);
	if (rc)
		return rc;
	rc = sfw_nat_dpools_build(&conf, name, &p);
	/* clear all: every id, configured now or not */
	if (!rc && (!clear || name))
		rc = read_dpool_counters(&p);
	if (!rc && clear && !(rc = sfw_lock())) {
		rc = sfw_nat_dpool_stats_clear(name ? p.v[0].id : 0);
		sfw_unlock();
	} else if (!rc) {
		dpools_out(cl, &p, !name);
	}
	sfw_nat_dpools_free(&p);
	sfw_conf_free(&conf);
	return rc ? sfw_report(cl) : SFW_EXIT_OK;
}

int sfw_cmd_show_nat_dpool(const struct sfw_cmdline *cl)
{
	return dpools(cl, false);
}

int sfw_cmd_clear_nat_dpool(const struct sfw_cmdline *cl)
{
	return dpools(cl, true);
}
