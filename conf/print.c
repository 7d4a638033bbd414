/* The model back as `set` lines, the way Junos `show configuration |
 * display set` writes them: one value per line, objects in configuration
 * order, so that parsing the output gives the same model (policy indexes
 * included, since they follow policy order). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"
#include "err.h"

static void put_description(FILE *f, const char *head, const char *desc)
{
	if (!desc)
		return;
	fprintf(f, "%s description ", head);
	conf_put_quoted(f, desc);
	fputc('\n', f);
}

static void put_refs(FILE *f, const char *head, const char *word,
		     const struct sfw_conf_refs *refs)
{
	for (int k = 0; k < refs->n; k++) {
		fprintf(f, "%s %s ", head, word);
		conf_put_word(f, refs->v[k].name);
		fputc('\n', f);
	}
}

static void print_zones(const struct sfw_conf *c, FILE *f)
{
	char head[128];

	for (int z = 0; z < c->n_zones; z++) {
		const struct sfw_conf_zone *zone = &c->zones[z];

		snprintf(head, sizeof(head), "set security zones security-zone %s", zone->name);
		if (!zone->description && !zone->screen.name[0] && !zone->services.n &&
		    !zone->interfaces.n)
			fprintf(f, "%s\n", head);
		put_description(f, head, zone->description);
		if (zone->screen.name[0])
			fprintf(f, "%s screen %s\n", head, zone->screen.name);
		put_refs(f, head, "host-inbound-traffic system-services", &zone->services);
		put_refs(f, head, "interfaces", &zone->interfaces);
	}
}

static void print_screens(const struct sfw_conf *c, FILE *f)
{
	static const char *const words[] = {
		"attack-threshold", "destination-threshold", "source-threshold"
	};

	for (int k = 0; k < c->n_screens; k++) {
		const struct sfw_conf_screen *s = &c->screens[k];
		const __u32 v[] = {
			s->syn_attack_threshold, s->syn_destination_threshold,
			s->syn_source_threshold,
		};
		bool any = false;

		for (int w = 0; w < 3; w++)
			if (v[w]) {
				fprintf(f, "set security screen ids-option %s tcp syn-flood %s %u\n",
					s->name, words[w], v[w]);
				any = true;
			}
		if (s->syn_flood && !any)
			fprintf(f, "set security screen ids-option %s tcp syn-flood\n", s->name);
		if (s->ip_spoofing)
			fprintf(f, "set security screen ids-option %s ip spoofing\n", s->name);
		if (s->limit_src)
			fprintf(f, "set security screen ids-option %s limit-session "
				"source-ip-based %u\n", s->name, s->limit_src);
		if (s->limit_dst)
			fprintf(f, "set security screen ids-option %s limit-session "
				"destination-ip-based %u\n", s->name, s->limit_dst);
	}
}

static void print_address_book(const struct sfw_conf *c, FILE *f)
{
	char head[128];

	for (int k = 0; k < c->n_addresses; k++) {
		const struct sfw_conf_address *a = &c->addresses[k];

		snprintf(head, sizeof(head), "set security address-book global address %s", a->name);
		put_description(f, head, a->description);
		if (a->has_prefix) {
			fprintf(f, "%s ", head);
			conf_put_prefix(f, &a->prefix);
			fputc('\n', f);
		}
	}
	for (int k = 0; k < c->n_address_sets; k++) {
		const struct sfw_conf_address_set *s = &c->address_sets[k];

		snprintf(head, sizeof(head), "set security address-book global address-set %s",
			 s->name);
		put_description(f, head, s->description);
		put_refs(f, head, "address", &s->addresses);
		put_refs(f, head, "address-set", &s->sets);
	}
}

static void put_ports(FILE *f, const char *head, const char *word,
		      const struct sfw_conf_port_range *r)
{
	if (!r->set)
		return;
	if (r->lo == r->hi)
		fprintf(f, "%s %s %u\n", head, word, r->lo);
	else
		fprintf(f, "%s %s %u-%u\n", head, word, r->lo, r->hi);
}

static void put_timeout(FILE *f, const char *head, __u32 t)
{
	if (t == SFW_CONF_TIMEOUT_NEVER)
		fprintf(f, "%s inactivity-timeout never\n", head);
	else if (t)
		fprintf(f, "%s inactivity-timeout %u\n", head, t);
}

static void print_app(const struct sfw_conf_application *a, FILE *f)
{
	const char *v = a->icmp6_words ? "icmp6" : "icmp";
	char head[128], num[8];

	snprintf(head, sizeof(head), "set applications application %s", a->name);
	if (a->predefined) {
		if (a->timeout_overridden)
			put_timeout(f, head, a->inactivity_timeout);
		return;
	}
	put_description(f, head, a->description);
	if (a->proto >= 0)
		fprintf(f, "%s protocol %s\n", head, sfw_conf_proto_name(a->proto, num, sizeof(num)));
	put_ports(f, head, "source-port", &a->sport);
	put_ports(f, head, "destination-port", &a->dport);
	if (a->icmp_type >= 0)
		fprintf(f, "%s %s-type %d\n", head, v, a->icmp_type);
	if (a->icmp_code >= 0)
		fprintf(f, "%s %s-code %d\n", head, v, a->icmp_code);
	put_timeout(f, head, a->inactivity_timeout);
}

static void print_applications(const struct sfw_conf *c, FILE *f)
{
	char head[128];

	for (int k = 0; k < c->n_apps; k++)
		print_app(&c->apps[k], f);
	for (int k = 0; k < c->n_app_sets; k++) {
		const struct sfw_conf_app_set *s = &c->app_sets[k];

		if (s->predefined)
			continue;
		snprintf(head, sizeof(head), "set applications application-set %s", s->name);
		put_description(f, head, s->description);
		put_refs(f, head, "application", &s->apps);
		put_refs(f, head, "application-set", &s->sets);
	}
}

static void print_policy(const struct sfw_conf_policy *pol, FILE *f)
{
	char head[256], match[272];

	if (pol->global)
		snprintf(head, sizeof(head), "set security policies global policy %s", pol->name);
	else
		snprintf(head, sizeof(head), "set security policies from-zone %s to-zone %s policy %s",
			 pol->from_zone.name, pol->to_zone.name, pol->name);
	snprintf(match, sizeof(match), "%s match", head);
	if (!pol->description && !pol->src.n && !pol->dst.n && !pol->apps.n &&
	    !pol->match_from.n && !pol->match_to.n && !pol->action &&
	    !pol->log_init && !pol->log_close && !pol->count)
		fprintf(f, "%s\n", head);
	put_description(f, head, pol->description);
	put_refs(f, match, "source-address", &pol->src);
	put_refs(f, match, "destination-address", &pol->dst);
	put_refs(f, match, "application", &pol->apps);
	put_refs(f, match, "from-zone", &pol->match_from);
	put_refs(f, match, "to-zone", &pol->match_to);
	if (pol->action)
		fprintf(f, "%s then %s\n", head, sfw_conf_action_name(pol->action));
	if (pol->log_init)
		fprintf(f, "%s then log session-init\n", head);
	if (pol->log_close)
		fprintf(f, "%s then log session-close\n", head);
	if (pol->count)
		fprintf(f, "%s then count\n", head);
}

static void print_policies(const struct sfw_conf *c, FILE *f)
{
	for (int k = 0; k < c->n_policies; k++)
		print_policy(&c->policies[k], f);
	if (c->default_policy_set)
		fprintf(f, "set security policies default-policy %s\n",
			c->default_policy == SFW_POLICY_DENY_ALL ? "deny-all" : "permit-all");
}

static void print_services(const struct sfw_conf *c, FILE *f)
{
	char head[128];

	for (int k = 0; k < c->n_service_sets; k++) {
		const struct sfw_conf_service_set *s = &c->service_sets[k];

		snprintf(head, sizeof(head), "set services service-set %s", s->name);
		if (!s->interfaces.n)
			fprintf(f, "%s\n", head);
		put_refs(f, head, "interface-service service-interface", &s->interfaces);
	}
}

static void print_flow(const struct sfw_conf *c, FILE *f)
{
	static const char *const words[] = {
#define SFW_X(name, secs, word) word,
		SFW_TIMEOUT_LIST(SFW_X)
#undef SFW_X
	};
	const struct sfw_conf_flow *fl = &c->flow;

	for (int k = 0; k < SFW_TO_COUNT; k++) {
		if (!fl->timeout_s[k])
			continue;
		if (k == SFW_TO_TCP_TIME_WAIT)
			fprintf(f, "set security flow tcp-session time-wait-state session-timeout %u\n",
				fl->timeout_s[k]);
		else
			fprintf(f, "set security flow %s%s %u\n",
				k <= SFW_TO_TCP_CLOSED ? "tcp-session " : "", words[k],
				fl->timeout_s[k]);
	}
	if (fl->no_syn_check)
		fprintf(f, "set security flow tcp-session no-syn-check\n");
	if (fl->no_sequence_check)
		fprintf(f, "set security flow tcp-session no-sequence-check\n");
	if (fl->max_sessions)
		fprintf(f, "set security flow session max-sessions %u\n", fl->max_sessions);
	if (fl->syn_flood_mode == SFW_CONF_SYN_FLOOD_COOKIE)
		fprintf(f, "set security flow syn-flood-protection-mode syn-cookie\n");
	if (fl->deny_log_rate)
		fprintf(f, "set security flow deny-log-rate %u\n", fl->deny_log_rate);
	if (fl->reply_rate)
		fprintf(f, "set security flow reply-rate %u\n", fl->reply_rate);
}

/* The statement alone when it has nothing under it, as Junos prints a
 * presence container. */
static void print_system(const struct sfw_conf *c, FILE *f)
{
	const struct sfw_conf_prometheus *p = &c->prometheus;
	char buf[INET6_ADDRSTRLEN];

	if (!p->set)
		return;
	if (!p->has_address && !p->port)
		fprintf(f, "set system services prometheus\n");
	if (p->has_address) {
		inet_ntop(p->address.family == SFW_FAMILY_INET ? AF_INET : AF_INET6,
			  p->address.addr.bytes, buf, sizeof(buf));
		fprintf(f, "set system services prometheus address %s\n", buf);
	}
	if (p->port)
		fprintf(f, "set system services prometheus port %u\n", p->port);
}

int sfw_conf_print(const struct sfw_conf *conf, FILE *f)
{
	print_zones(conf, f);
	print_screens(conf, f);
	print_address_book(conf, f);
	print_applications(conf, f);
	print_policies(conf, f);
	print_services(conf, f);
	print_flow(conf, f);
	if (conf->inet6_flow_mode)
		fprintf(f, "set security forwarding-options family inet6 mode flow-based\n");
	if (conf->mpls_packet_mode)
		fprintf(f, "set security forwarding-options family mpls mode packet-based\n");
	if (conf->log_format)
		fprintf(f, "set security log format %s\n",
			conf->log_format == SFW_CONF_LOG_SYSLOG ? "syslog" : "sd-syslog");
	conf_print_nat(conf, f);
	print_system(conf, f);
	return ferror(f) ? -EIO : 0;
}

int conf_print_text(const struct sfw_conf *conf, char **text, size_t *len)
{
	FILE *f;
	int err;

	*text = NULL;
	*len = 0;
	f = open_memstream(text, len);
	if (!f)
		return sfw_fail(errno, "cannot print the configuration: %s", strerror(errno));
	err = sfw_conf_print(conf, f);
	if (fclose(f) && !err)
		err = -EIO;
	if (err) {
		free(*text);
		*text = NULL;
		return sfw_fail(-err, "cannot print the configuration: %s", strerror(-err));
	}
	return 0;
}
