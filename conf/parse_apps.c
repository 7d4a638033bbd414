/* set applications application | application-set, and set services
 * service-set. */
#include <string.h>
#include "conf_int.h"

static int parse_ports(struct conf_parser *p, struct sfw_conf_port_range *r, const char *what)
{
	const char *w = conf_peek(p);

	if (!w)
		return conf_expected(p, "a port 0-65535 or a range lo-hi");
	if (conf_parse_port_range(w, r))
		return conf_bad(p, what, w, "a port 0-65535 (or a Junos port name) "
				"or a range lo-hi with lo <= hi");
	p->i++;
	return 0;
}

static int parse_icmp(struct conf_parser *p, struct sfw_conf_application *a,
		      bool v6, bool code)
{
	const char *w = conf_peek(p);
	int v;

	if (!w)
		return conf_expected(p, code ? "an ICMP code 0-255" : "an ICMP type 0-255 or name");
	v = code ? conf_parse_u8(w) : conf_icmp_type(w, v6);
	if (v < 0)
		return conf_bad(p, code ? "ICMP code" : "ICMP type", w,
				code ? "a number from 0 to 255"
				     : "a number from 0 to 255 or a type name such as echo-request");
	*(code ? &a->icmp_code : &a->icmp_type) = v;
	a->icmp6_words = v6;
	p->i++;
	return 0;
}

static int parse_timeout(struct conf_parser *p, struct sfw_conf_application *a)
{
	const char *w = conf_peek(p);

	if (w && !strcmp(w, "never")) {
		a->inactivity_timeout = SFW_CONF_TIMEOUT_NEVER;
		p->i++;
	} else if (conf_uint(p, "inactivity-timeout", 4, 86400, &a->inactivity_timeout)) {
		return -1;
	}
	a->timeout_overridden = a->predefined;
	return 0;
}

static int parse_protocol(struct conf_parser *p, struct sfw_conf_application *a)
{
	const char *w = conf_peek(p);
	int proto;

	if (!w)
		return conf_expected(p, "a protocol name (tcp, udp, icmp, icmp6, ...) or number 0-255");
	proto = conf_parse_proto(w);
	if (proto < 0)
		return conf_bad(p, "protocol", w,
				"a protocol name (tcp, udp, icmp, icmp6, ...) or number 0-255");
	a->proto = proto;
	p->i++;
	return 0;
}

/* Several leaves may share one statement, as Junos allows:
 * `application web protocol tcp destination-port 8080 inactivity-timeout 600`. */
static int parse_app_leaf(struct conf_parser *p, struct sfw_conf_application *a, int k)
{
	switch (k) {
	case 0: return conf_string(p, &a->description, "a description");
	case 1: return parse_ports(p, &a->dport, "destination-port");
	case 2: return parse_icmp(p, a, false, true);
	case 3: return parse_icmp(p, a, false, false);
	case 4: return parse_icmp(p, a, true, true);
	case 5: return parse_icmp(p, a, true, false);
	case 6: return parse_timeout(p, a);
	case 7: return parse_protocol(p, a);
	case 8: return parse_ports(p, &a->sport, "source-port");
	default: return -1;
	}
}

static int parse_application(struct conf_parser *p)
{
	static const char *const words[] = {
		"description", "destination-port", "icmp-code", "icmp-type",
		"icmp6-code", "icmp6-type", "inactivity-timeout", "protocol",
		"source-port", NULL
	};
	static const char *const predefined_words[] = { "inactivity-timeout", NULL };
	char name[SFW_CONF_NAME_MAX];
	struct sfw_conf_application *a;

	if (conf_name(p, name, "an application name"))
		return -1;
	if (!strncmp(name, "junos-", 6) && sfw_conf_find_app(p->conf, name) < 0) {
		p->i--;
		return conf_bad(p, "application name", name, "a name not starting with "
				"junos-, which Junos reserves for its predefined applications");
	}
	a = conf_app_get(p, name);
	if (!a)
		return -1;
	while (!conf_at_end(p)) {
		/* A predefined application keeps its match; only its timeout
		 * may be changed, as on Junos. */
		int k = conf_keyword(p, a->predefined ? predefined_words : words);

		if (k < 0 || parse_app_leaf(p, a, a->predefined ? 6 : k))
			return -1;
	}
	return 0;
}

static int parse_app_set(struct conf_parser *p)
{
	static const char *const words[] = { "application", "application-set", "description", NULL };
	char name[SFW_CONF_NAME_MAX];
	struct sfw_conf_app_set *s;

	if (conf_name(p, name, "an application-set name"))
		return -1;
	if (!strncmp(name, "junos-", 6) || !strcmp(name, "any")) {
		p->i--;
		return conf_bad(p, "application-set name", name,
				"a name that is not any and does not start with junos-");
	}
	s = conf_app_set_get(p, name);
	if (!s)
		return -1;
	switch (conf_keyword(p, words)) {
	case 0:
		return conf_list(p, "an application name", conf_add_name, &s->apps) ? -1 : conf_end(p);
	case 1:
		return conf_list(p, "an application-set name", conf_add_name, &s->sets) ? -1 : conf_end(p);
	case 2:
		return conf_string(p, &s->description, "a description") ? -1 : conf_end(p);
	default:
		return -1;
	}
}

int conf_parse_applications(struct conf_parser *p)
{
	static const char *const words[] = { "application", "application-set", NULL };

	switch (conf_keyword(p, words)) {
	case 0: return parse_application(p);
	case 1: return parse_app_set(p);
	default: return -1;
	}
}

/* A service set groups the interfaces `clear services stateful-firewall
 * flows service-set S` acts on. */
int conf_parse_services(struct conf_parser *p)
{
	static const char *const ss[] = { "service-set", NULL };
	static const char *const is[] = { "interface-service", NULL };
	static const char *const si[] = { "service-interface", NULL };
	char name[SFW_CONF_NAME_MAX];
	struct sfw_conf_service_set *s;

	if (conf_keyword(p, ss) < 0 || conf_name(p, name, "a service-set name") ||
	    !(s = conf_service_set_get(p, name)))
		return -1;
	if (conf_at_end(p))
		return 0;
	if (conf_keyword(p, is) < 0 || conf_keyword(p, si) < 0 ||
	    conf_list(p, "an interface name", conf_add_ifname, &s->interfaces))
		return -1;
	return conf_end(p);
}
