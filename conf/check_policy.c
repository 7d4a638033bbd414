/* The checks of policies once every statement is in: the addresses,
 * applications and zones they name resolve, nothing is missing. */
#include <stdio.h>
#include <string.h>
#include "conf_int.h"

/* Checks once every statement is in: names resolved, nothing missing. */
static void resolve_address(struct conf_parser *p, struct sfw_conf_ref *r,
			    const char *owner, const char *field)
{
	static const char *const any[] = { "any", "any-ipv4", "any-ipv6" };
	static const enum sfw_conf_ref_kind any_kind[] = {
		SFW_CONF_REF_ANY, SFW_CONF_REF_ANY_IPV4, SFW_CONF_REF_ANY_IPV6
	};

	for (int k = 0; k < 3; k++)
		if (!strcmp(r->name, any[k])) {
			r->kind = any_kind[k];
			r->idx = -1;
			return;
		}
	if ((r->idx = sfw_conf_find_address(p->conf, r->name)) >= 0)
		r->kind = SFW_CONF_REF_ADDRESS;
	else if ((r->idx = sfw_conf_find_address_set(p->conf, r->name)) >= 0)
		r->kind = SFW_CONF_REF_ADDRESS_SET;
	else
		conf_error_at(p, r->line, "%s: undefined address '%s' in %s: expected an "
			      "address or address-set of the global address book, or any",
			      owner, r->name, field);
}

static void resolve_app(struct conf_parser *p, struct sfw_conf_ref *r, const char *owner)
{
	if ((r->idx = sfw_conf_find_app(p->conf, r->name)) >= 0)
		r->kind = SFW_CONF_REF_APPLICATION;
	else if ((r->idx = sfw_conf_find_app_set(p->conf, r->name)) >= 0)
		r->kind = SFW_CONF_REF_APPLICATION_SET;
	else
		conf_error_at(p, r->line, "%s: undefined application '%s': expected an "
			      "application or application-set (predefined junos-* or "
			      "configured)", owner, r->name);
}

static void resolve_zone(struct conf_parser *p, struct sfw_conf_ref *r,
			 const char *owner, const char *field)
{
	if (!strcmp(r->name, "any") && field[0] == 'm') {
		r->kind = SFW_CONF_REF_ANY;
		r->idx = -1;
		return;
	}
	if (!strcmp(r->name, SFW_CONF_ZONE_HOST_NAME)) {
		r->kind = SFW_CONF_REF_ZONE_HOST;
		r->idx = -1;
		return;
	}
	r->idx = sfw_conf_find_zone(p->conf, r->name);
	if (r->idx >= 0)
		r->kind = SFW_CONF_REF_ZONE;
	else
		conf_error_at(p, r->line, "%s: undefined zone '%s' in %s: expected a zone "
			      "of 'set security zones security-zone'", owner, r->name, field);
}

/* One message for all missing match criteria: Junos requires the three. */
static void report_missing(struct conf_parser *p, const struct sfw_conf_policy *pol,
			   const char *owner, int src, int dst, int apps)
{
	char list[96] = "";

	if (src && dst && apps)
		return;
	snprintf(list, sizeof(list), "%s%s%s%s%s", src ? "" : "source-address",
		 !src && (!dst || !apps) ? ", " : "", dst ? "" : "destination-address",
		 !dst && !apps ? ", " : "", apps ? "" : "application");
	conf_error_at(p, pol->line, "%s: missing match %s: expected source-address, "
		      "destination-address and application in every policy (a name or any)",
		      owner, list);
}

bool conf_policy_from_host(const struct sfw_conf_policy *pol)
{
	if (!pol->global)
		return pol->from_zone.kind == SFW_CONF_REF_ZONE_HOST;
	for (int k = 0; k < pol->match_from.n; k++)
		if (pol->match_from.v[k].kind == SFW_CONF_REF_ZONE_HOST)
			return true;
	return false;
}

/* What the host itself sends is self traffic: tc egress opens it without
 * asking a policy (bpf/tc_egress.bpf.c sfw_tc_open), and sfw does not
 * filter it (docs/security.md, out of scope). A policy from junos-host
 * that denies or rejects, named as a zone policy's from-zone or in a
 * global one's match from-zone, would be compiled into lists the
 * datapath never reads and deny nothing: refused (every setting is
 * enforced or refused; review diffpol, F2). A permit says what the
 * datapath does anyway and stays; `any` names no zone and is not one. */
static void refuse_host_deny(struct conf_parser *p, const struct sfw_conf_policy *pol,
			     const char *owner)
{
	if (!conf_policy_from_host(pol) ||
	    (pol->action != SFW_CONF_ACTION_DENY && pol->action != SFW_CONF_ACTION_REJECT))
		return;
	conf_error_at(p, pol->action_line ? pol->action_line : pol->line,
		      "%s: 'then %s' from junos-host would not be enforced: sfw does not "
		      "filter the host's own traffic (self traffic is always permitted)",
		      owner, sfw_conf_action_name(pol->action));
}

static void check_policy(struct conf_parser *p, struct sfw_conf_policy *pol)
{
	char owner[256], pair[160];
	struct { struct sfw_conf_refs *refs; const char *field; } need[] = {
		{ &pol->src, "source-address" }, { &pol->dst, "destination-address" },
		{ &pol->apps, "application" },
	};

	snprintf(owner, sizeof(owner), "policy '%s' (%s)", pol->name,
		 conf_pair_text(pol, pair, sizeof(pair)));
	if (!pol->global) {
		resolve_zone(p, &pol->from_zone, owner, "from-zone");
		if (strcmp(pol->from_zone.name, pol->to_zone.name))
			resolve_zone(p, &pol->to_zone, owner, "to-zone");
		else
			pol->to_zone.kind = pol->from_zone.kind, pol->to_zone.idx = pol->from_zone.idx;
		/* its list id would be the global list's (include/policy.h):
		 * such a policy judged every zone pair (review rv30, F2) */
		if (pol->from_zone.kind == SFW_CONF_REF_ZONE_HOST &&
		    pol->to_zone.kind == SFW_CONF_REF_ZONE_HOST)
			conf_error_at(p, pol->line, "%s: the host's traffic to itself never "
				      "crosses sfw: expected a zone other than junos-host on one "
				      "side", owner);
	}
	for (int k = 0; k < pol->match_from.n; k++)
		resolve_zone(p, &pol->match_from.v[k], owner, "match from-zone");
	refuse_host_deny(p, pol, owner);
	for (int k = 0; k < pol->match_to.n; k++)
		resolve_zone(p, &pol->match_to.v[k], owner, "match to-zone");
	report_missing(p, pol, owner, need[0].refs->n, need[1].refs->n, need[2].refs->n);
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < need[k].refs->n; i++)
			resolve_address(p, &need[k].refs->v[i], owner, need[k].field);
	for (int i = 0; i < pol->apps.n; i++)
		resolve_app(p, &pol->apps.v[i], owner);
	if (!pol->action)
		conf_error_at(p, pol->line, "%s: missing 'then': expected permit, deny "
			      "or reject", owner);
}

void conf_check_policies(struct conf_parser *p)
{
	for (int k = 0; k < p->conf->n_policies; k++)
		check_policy(p, &p->conf->policies[k]);
}
