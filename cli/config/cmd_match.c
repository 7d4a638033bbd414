/* show security match-policies: which policy of the committed
 * configuration a first packet would hit, decided by the same lookup
 * `commit reevaluate` uses (conf/match.h), in Junos's layout. */
#include <errno.h>
#include <string.h>
#include "commands.h"
#include "conf_ops.h"
#include "loader.h"
#include "match.h"
#include "policy_show.h"
#include "protocols.h"
#include "report.h"

/* Junos refuses the command without every one of its options: name the
 * first one missing, as the tree spells it. */
static int all_given(const struct sfw_cmdline *cl)
{
	__u32 given = sfw_opts_given(cl);

	for (const struct sfw_node *const *k = cl->cmd->kids; *k; k++) {
		if (given & (*k)->bit)
			continue;
		fprintf(cl->err, "sfw: '%s' needs '%s'\n", cl->cmd->word, (*k)->word);
		return SFW_EXIT_USAGE;
	}
	return 0;
}

/* A zone's datapath id (conf.h): a configured zone or junos-host. */
static int zone_id(const struct sfw_conf *conf, const char *name, int *id)
{
	int z;

	if (!strcmp(name, SFW_CONF_ZONE_HOST_NAME)) {
		*id = SFW_ZONE_HOST;
		return 0;
	}
	z = sfw_conf_find_zone(conf, name);
	if (z < 0)
		return sfw_fail(ENOENT, "security zone %s is not configured", SFW_Q(name));
	*id = z + 1;
	return 0;
}

/* The packet of the options. Sessions open for ICMP echo requests only,
 * so that is the ICMP type looked up (the ports are then unused). */
static int packet(const struct sfw_match_policies_opts *o, struct sfw_match_pkt *pkt)
{
	if (o->src.family != o->dst.family)
		return sfw_fail(EINVAL, "source-ip and destination-ip are of different families");
	memset(pkt, 0, sizeof(*pkt));
	pkt->family = o->src.family;
	pkt->src = o->src.addr;
	pkt->dst = o->dst.addr;
	pkt->proto = o->proto;
	pkt->sport = o->sport;
	pkt->dport = o->dport;
	pkt->icmp_type = o->proto == SFW_IPPROTO_ICMP6 ? 128 : 8;
	pkt->icmp_code = 0;
	return 0;
}

int sfw_cmd_show_match_policies(const struct sfw_cmdline *cl)
{
	const struct sfw_match_policies_opts *o = SFW_OPTS(cl, struct sfw_match_policies_opts);
	struct sfw_match_result res;
	struct sfw_match_pkt pkt;
	struct sfw_conf conf;
	int from = SFW_ZONE_NONE, to = SFW_ZONE_NONE, rc = all_given(cl);

	if (rc || (rc = sfw_conf_load_active(&conf, cl->err)))
		return rc;
	if (zone_id(&conf, o->from_zone, &from) || zone_id(&conf, o->to_zone, &to) ||
	    packet(o, &pkt)) {
		sfw_conf_free(&conf);
		return sfw_report(cl);
	}
	sfw_policy_match(&conf, from, to, &pkt, &res);
	if (cl->json)
		sfw_show_match_json(&conf, o->from_zone, o->to_zone, &res, cl->out);
	else
		sfw_show_match_text(&conf, &res, cl->out);
	sfw_conf_free(&conf);
	return SFW_EXIT_OK;
}
