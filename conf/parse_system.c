/* set system services prometheus [address ADDRESS | port PORT]: the
 * session daemon's metrics (docs/metrics.md). Junos has no such service;
 * the shape follows its `system services rest http` (an address, a
 * port), and the statement alone turns it on at 127.0.0.1:9660. */
#include <string.h>
#include "conf_int.h"

static int parse_address(struct conf_parser *p, struct sfw_conf_prometheus *pr)
{
	const char *w = conf_peek(p);
	struct sfw_conf_prefix a;

	if (!w)
		return conf_expected(p, "an IPv4 or IPv6 address");
	if (strchr(w, '/') || conf_parse_prefix(w, &a))
		return conf_bad(p, "address", w, "an IPv4 or IPv6 address to listen on");
	p->i++;
	pr->address = a;
	pr->has_address = true;
	return 0;
}

int conf_parse_system(struct conf_parser *p)
{
	static const char *const services[] = { "services", NULL };
	static const char *const service[] = { "prometheus", NULL };
	static const char *const options[] = { "address", "port", NULL };
	struct sfw_conf_prometheus *pr = &p->conf->prometheus;
	__u32 port;

	if (conf_keyword(p, services) < 0 || conf_keyword(p, service) < 0)
		return -1;
	if (!conf_at_end(p)) {
		switch (conf_keyword(p, options)) {
		case 0:
			if (parse_address(p, pr))
				return -1;
			break;
		case 1:
			if (conf_uint(p, "port", 1, 65535, &port))
				return -1;
			pr->port = (__u16)port;
			break;
		default:
			return -1;
		}
	}
	if (conf_end(p))
		return -1;
	pr->set = true;
	pr->line = p->line;
	return 0;
}
