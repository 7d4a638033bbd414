/* show security zones and show security policies hit-count, text and JSON.
 *
 * Security zone: trust
 *   Zone ID: 1
 *   Send reset for non-SYN session TCP packets: Off
 *   Policy configurable: Yes
 *   Interfaces bound: 1
 *   Interfaces:
 *     veth0
 *
 * Logical system: root-logical-system
 *  Index   From zone        To zone           Name           Policy count  Action
 *  1       trust            untrust           allow-web      12            Permit
 *
 * Number of policy: 1
 */
#include <errno.h>
#include <string.h>
#include "json.h"
#include "policy_show.h"

/* A zone as the listing needs it; junos-host has no model entry. */
struct zone_row {
	const char *name;
	int id;
	const struct sfw_conf_zone *z;   /* NULL for junos-host */
};

static void zone_text(FILE *f, const struct zone_row *r, bool first)
{
	int n = r->z ? r->z->interfaces.n : 0;

	if (!first)
		fputc('\n', f);
	fprintf(f, "Security zone: %s\n  Zone ID: %d\n", r->name, r->id);
	fputs("  Send reset for non-SYN session TCP packets: Off\n", f);
	fputs("  Policy configurable: Yes\n", f);
	if (r->z && r->z->screen.name[0])
		fprintf(f, "  Screen: %s\n", r->z->screen.name);
	fprintf(f, "  Interfaces bound: %d\n  Interfaces:\n", n);
	for (int k = 0; k < n; k++)
		fprintf(f, "    %s\n", r->z->interfaces.v[k].name);
}

static void zone_json(struct sfw_json *j, const struct zone_row *r)
{
	int n = r->z ? r->z->interfaces.n : 0;

	sfw_json_open(j, NULL, '{');
	sfw_json_str(j, "zones-security-zonename", r->name);
	sfw_json_num(j, "zones-security-zone-id", (__u64)r->id);
	sfw_json_str(j, "zones-security-send-reset", "Off");
	sfw_json_str(j, "zones-security-policy-configurable", "Yes");
	if (r->z && r->z->screen.name[0])
		sfw_json_str(j, "zones-security-screen", r->z->screen.name);
	sfw_json_num(j, "zones-security-interfaces-bound", (__u64)n);
	sfw_json_open(j, "zones-security-interfaces", '[');
	for (int k = 0; k < n; k++) {
		sfw_json_open(j, NULL, '{');
		sfw_json_str(j, "zones-security-interface-name", r->z->interfaces.v[k].name);
		sfw_json_close(j, '}');
	}
	sfw_json_close(j, ']');
	sfw_json_close(j, '}');
}

static void zone_out(struct sfw_json *j, FILE *f, const struct zone_row *r, int *shown)
{
	if (j)
		zone_json(j, r);
	else
		zone_text(f, r, !*shown);
	(*shown)++;
}

void sfw_show_zones(const struct sfw_conf *conf, const char *zone, bool json, FILE *out)
{
	struct zone_row host = { SFW_CONF_ZONE_HOST_NAME, SFW_ZONE_HOST, NULL };
	struct sfw_obuf ob;
	struct sfw_json j;
	int shown = 0;

	if (json) {
		sfw_ob_init(&ob, out);
		sfw_json_init(&j, &ob);
		sfw_json_doc_begin(&j, "zones-information");
		sfw_json_open(&j, "zones-security", '[');
	}
	for (int k = 0; k < conf->n_zones; k++) {
		struct zone_row r = { conf->zones[k].name, k + 1, &conf->zones[k] };

		if (!zone || !strcmp(zone, r.name))
			zone_out(json ? &j : NULL, out, &r, &shown);
	}
	if (!zone || !strcmp(zone, host.name))
		zone_out(json ? &j : NULL, out, &host, &shown);
	if (json) {
		sfw_json_close(&j, ']');
		sfw_json_doc_end(&j);
	}
}

/* Hit counts. */
struct hits_ctx {
	sfw_hits_fn hits;
	FILE *f;
	struct sfw_json *j;
	int row;
	int err;
};

const char *sfw_policy_zone_column(const struct sfw_conf_refs *zones, const char *name,
				   bool global)
{
	if (!global)
		return name;
	/* A global policy: its match zones, or any. */
	return zones->n == 1 ? zones->v[0].name : zones->n ? "multiple" : "any";
}

/* Junos capitalises the action in this table only. */
static const char *action_title(enum sfw_conf_action a)
{
	return a == SFW_CONF_ACTION_PERMIT ? "Permit" :
	       a == SFW_CONF_ACTION_REJECT ? "Reject" : "Deny";
}

static void hit_row(const struct sfw_conf_policy *pol, int seq, bool first, void *arg)
{
	struct hits_ctx *c = arg;
	const char *from = sfw_policy_zone_column(&pol->match_from, pol->from_zone.name,
						  pol->global);
	const char *to = sfw_policy_zone_column(&pol->match_to, pol->to_zone.name, pol->global);
	__u64 n = 0;
	int err = c->hits(pol->index, &n);

	if (err && !c->err)
		c->err = err;
	c->row++;
	if (c->j) {
		sfw_json_open(c->j, NULL, '{');
		sfw_json_num(c->j, "policy-hit-count-index", (__u64)c->row);
		sfw_json_str(c->j, "policy-hit-count-from-zone", from);
		sfw_json_str(c->j, "policy-hit-count-to-zone", to);
		sfw_json_str(c->j, "policy-hit-count-policy-name", pol->name);
		sfw_json_num(c->j, "policy-hit-count-count", n);
		sfw_json_str(c->j, "policy-hit-count-action", sfw_conf_action_name(pol->action));
		sfw_json_close(c->j, '}');
		return;
	}
	fprintf(c->f, " %-7d %-16s %-17s %-14s %-13llu %s\n", c->row, from, to,
		pol->name, (unsigned long long)n, action_title(pol->action));
}

int sfw_show_hit_count(const struct sfw_conf *conf, const struct sfw_policy_sel *sel,
		       sfw_hits_fn hits, bool json, FILE *out)
{
	struct hits_ctx c = { .hits = hits, .f = out };
	struct sfw_obuf ob;
	struct sfw_json j;

	if (json) {
		sfw_ob_init(&ob, out);
		sfw_json_init(&j, &ob);
		c.j = &j;
		sfw_json_doc_begin(&j, "policy-hit-count");
		sfw_json_str(&j, "logical-system-name", "root-logical-system");
		sfw_json_open(&j, "policy-hit-count-entry", '[');
	} else {
		fputs("Logical system: root-logical-system\n"
		      " Index   From zone        To zone           Name           "
		      "Policy count  Action\n", out);
	}
	sfw_policies_each(conf, sel, hit_row, &c);
	if (json) {
		sfw_json_close(&j, ']');
		sfw_json_num(&j, "number-of-policy", (__u64)c.row);
		sfw_json_doc_end(&j);
	} else {
		fprintf(out, "\nNumber of policy: %d\n", c.row);
	}
	return c.err;
}
