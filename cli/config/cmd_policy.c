/* show security policies [...], show security policies hit-count, clear
 * security policies hit-count, show security zones: the committed
 * configuration (the active file) laid out by policy_show.h; hit counts
 * from the datapath. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "conf_ops.h"
#include "loader.h"
#include "policy_show.h"
#include "report.h"

/* Junos takes a zone pair whole: one zone alone is no context. */
static int selection(const struct sfw_cmdline *cl, struct sfw_policy_sel *sel)
{
	const struct sfw_show_policies_opts *o = SFW_OPTS(cl, struct sfw_show_policies_opts);

	memset(sel, 0, sizeof(*sel));
	sel->from_zone = o->from_zone;
	sel->to_zone = o->to_zone;
	sel->policy_name = o->policy_name;
	sel->global_only = o->global;
	if (!sel->from_zone != !sel->to_zone) {
		fprintf(cl->err, "sfw: '%s' needs '%s'\n",
			sel->from_zone ? "from-zone" : "to-zone",
			sel->from_zone ? "to-zone" : "from-zone");
		return SFW_EXIT_USAGE;
	}
	if (sel->global_only && sel->from_zone) {
		fprintf(cl->err, "sfw: 'global' cannot be combined with 'from-zone'\n");
		return SFW_EXIT_USAGE;
	}
	return 0;
}

/* Built in memory first: a table of zeros followed by "not loaded" would
 * read as real counts. */
static int show_hit_count(const struct sfw_cmdline *cl, const struct sfw_conf *conf,
			  const struct sfw_policy_sel *sel)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int err;

	if (!mem) {
		sfw_fail(ENOMEM, "out of memory");
		return sfw_report(cl);
	}
	err = sfw_show_hit_count(conf, sel, sfw_policy_hits, cl->json, mem);
	fclose(mem);
	if (!err)
		fwrite(text, 1, len, cl->out);
	free(text);
	return err ? sfw_report(cl) : SFW_EXIT_OK;
}

int sfw_cmd_show_policies(const struct sfw_cmdline *cl)
{
	enum sfw_policies_view view = SFW_OPTS(cl, struct sfw_show_policies_opts)->view;
	bool detail = view == SFW_POLICIES_DETAIL;
	struct sfw_policy_sel sel;
	struct sfw_conf conf;
	int rc = selection(cl, &sel);

	if (rc || (rc = sfw_conf_load_active(&conf, cl->err)))
		return rc;
	if (view == SFW_POLICIES_HIT_COUNT)
		rc = show_hit_count(cl, &conf, &sel);
	else if (cl->json)
		sfw_show_policies_json(&conf, &sel, detail, cl->out);
	else
		sfw_show_policies_text(&conf, &sel, detail, cl->out);
	sfw_conf_free(&conf);
	return rc;
}

int sfw_cmd_clear_hit_count(const struct sfw_cmdline *cl)
{
	int err;

	if (sfw_lock())
		return sfw_report(cl);
	err = sfw_policy_hits_clear();
	sfw_unlock();
	return err ? sfw_report(cl) : SFW_EXIT_OK;
}

int sfw_cmd_show_zones(const struct sfw_cmdline *cl)
{
	struct sfw_conf conf;
	int rc;

	if (cl->npos > 1) {
		fprintf(cl->err, "sfw: unknown word '%s' after '%s'; expected one zone\n",
			SFW_Q(cl->pos[1]), SFW_Q(cl->pos[0]));
		return SFW_EXIT_USAGE;
	}
	rc = sfw_conf_load_active(&conf, cl->err);
	if (rc)
		return rc;
	/* a zone that is not there is an error, not an empty answer */
	if (cl->npos && strcmp(cl->pos[0], SFW_CONF_ZONE_HOST_NAME) &&
	    sfw_conf_find_zone(&conf, cl->pos[0]) < 0) {
		sfw_conf_free(&conf);
		sfw_fail(ENOENT, "security zone %s is not configured", SFW_Q(cl->pos[0]));
		return sfw_report(cl);
	}
	sfw_show_zones(&conf, cl->npos ? cl->pos[0] : NULL, cl->json, cl->out);
	sfw_conf_free(&conf);
	return SFW_EXIT_OK;
}
