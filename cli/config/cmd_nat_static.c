/* show security nat static rule R|all, clear security nat static rule
 * R|all: static NAT's rules through cmd_nat.c's rule machinery, with
 * their own ids, counters and sessions (SFW_SESS_X_STATIC). */
#include "cmd_nat.h"

/* rule R|all: text, sfw's JSON or Junos's reply (`| display xml|json`). */
static int rules_out(const struct sfw_cmdline *cl, const struct sfw_conf *conf,
		     const struct sfw_nat_rules *r, bool all)
{
	(void)conf;
	if (cl->display)
		sfw_show_nat_srules_junos(r, all, cl->display, cl->out);
	else
		(cl->json ? sfw_show_nat_srules_json : sfw_show_nat_srules_text)(r, all, cl->out);
	return 0;
}

int sfw_cmd_show_nat_srule(const struct sfw_cmdline *cl)
{
	if (sfw_nat_one_word(cl))
		return SFW_EXIT_USAGE;
	return sfw_nat_rules_show(cl, SFW_CONF_NAT_STATIC, sfw_nat_name_word(cl), true, rules_out);
}

int sfw_cmd_clear_nat_srule(const struct sfw_cmdline *cl)
{
	return sfw_nat_rules_clear(cl, SFW_CONF_NAT_STATIC);
}
