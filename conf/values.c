/* Values in statements (prefixes, ports, protocols, ICMP types) and the
 * Junos predefined applications. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps.h"
#include "conf_int.h"
#include "protocols.h"

bool conf_valid_name(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= SFW_CONF_NAME_MAX)
		return false;
	if (!isalnum((unsigned char)s[0]) && s[0] != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_./:@+", *s))
			return false;
	return true;
}

/* Strict decimal: no sign, no spaces, no leading "0x". */
static int parse_dec(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!n || n > 10)
		return -EINVAL;
	for (size_t k = 0; k < n; k++) {
		if (!isdigit((unsigned char)s[k]))
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[k] - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* ADDR or ADDR/LEN; without a length, a host prefix (/32, /128). */
int conf_parse_prefix(const char *s, struct sfw_conf_prefix *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long len;

	if (alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, addr, &out->addr.v4) == 1)
		out->family = SFW_FAMILY_INET;
	else if (inet_pton(AF_INET6, addr, out->addr.bytes) == 1)
		out->family = SFW_FAMILY_INET6;
	else
		return -EINVAL;
	len = out->family == SFW_FAMILY_INET ? 32 : 128;
	if (slash && parse_dec(slash + 1, strlen(slash + 1), len, &len))
		return -EINVAL;
	out->len = (__u8)len;
	return 0;
}

bool conf_prefix_equal(const struct sfw_conf_prefix *a, const struct sfw_conf_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes));
}

/* The port names Junos accepts in destination-port/source-port. */
static const struct { const char *name; __u16 port; } port_names[] = {
	{ "ftp-data", 20 }, { "ftp", 21 }, { "ssh", 22 }, { "telnet", 23 },
	{ "smtp", 25 }, { "domain", 53 }, { "bootps", 67 }, { "bootpc", 68 },
	{ "tftp", 69 }, { "http", 80 }, { "pop3", 110 }, { "sunrpc", 111 },
	{ "nntp", 119 }, { "ntp", 123 }, { "imap", 143 }, { "snmp", 161 },
	{ "snmptrap", 162 }, { "bgp", 179 }, { "ldap", 389 }, { "https", 443 },
	{ "syslog", 514 }, { "ike", 500 }, { "ldp", 646 }, { "radius", 1812 },
};

static int parse_port(const char *s, size_t n, __u16 *out)
{
	unsigned long v;

	for (size_t k = 0; k < sizeof(port_names) / sizeof(port_names[0]); k++)
		if (strlen(port_names[k].name) == n && !strncmp(s, port_names[k].name, n)) {
			*out = port_names[k].port;
			return 0;
		}
	if (parse_dec(s, n, 65535, &v))
		return -EINVAL;
	*out = (__u16)v;
	return 0;
}

/* PORT or LO-HI (Junos writes a single port as itself, a range as lo-hi). */
int conf_parse_port_range(const char *s, struct sfw_conf_port_range *out)
{
	const char *dash = strchr(s, '-');
	size_t n = dash ? (size_t)(dash - s) : strlen(s);

	if (parse_port(s, n, &out->lo))
		return -EINVAL;
	out->hi = out->lo;
	if (dash && parse_port(dash + 1, strlen(dash + 1), &out->hi))
		return -EINVAL;
	if (out->hi < out->lo)
		return -ERANGE;
	out->set = true;
	return 0;
}

static const struct { const char *name; int num; } protos[] = {
#define SFW_X(name, num, label) { label, num },
	SFW_PROTOCOL_LIST(SFW_X)
#undef SFW_X
};

int conf_parse_u8(const char *s)
{
	unsigned long v;

	return parse_dec(s, strlen(s), 255, &v) ? -EINVAL : (int)v;
}

int conf_parse_proto(const char *s)
{
	unsigned long v;

	for (size_t k = 0; k < sizeof(protos) / sizeof(protos[0]); k++)
		if (!strcmp(s, protos[k].name))
			return protos[k].num;
	if (parse_dec(s, strlen(s), 255, &v))
		return -EINVAL;
	return (int)v;
}

const char *sfw_conf_proto_name(int proto, char *buf, size_t len)
{
	for (size_t k = 0; k < sizeof(protos) / sizeof(protos[0]); k++)
		if (protos[k].num == proto)
			return protos[k].name;
	snprintf(buf, len, "%d", proto);
	return buf;
}

const char *sfw_conf_action_name(enum sfw_conf_action action)
{
	switch (action) {
	case SFW_CONF_ACTION_PERMIT: return "permit";
	case SFW_CONF_ACTION_DENY: return "deny";
	case SFW_CONF_ACTION_REJECT: return "reject";
	default: return "none";
	}
}

static const struct { const char *name; int type; } icmp4_types[] = {
	{ "echo-reply", 0 }, { "unreachable", 3 }, { "source-quench", 4 },
	{ "redirect", 5 }, { "echo-request", 8 }, { "router-advertisement", 9 },
	{ "router-solicit", 10 }, { "time-exceeded", 11 }, { "parameter-problem", 12 },
	{ "timestamp", 13 }, { "timestamp-reply", 14 }, { "info-request", 15 },
	{ "info-reply", 16 }, { "mask-request", 17 }, { "mask-reply", 18 },
}, icmp6_types[] = {
	{ "destination-unreachable", 1 }, { "packet-too-big", 2 }, { "time-exceeded", 3 },
	{ "parameter-problem", 4 }, { "echo-request", 128 }, { "echo-reply", 129 },
	{ "membership-query", 130 }, { "membership-report", 131 },
	{ "membership-termination", 132 }, { "router-solicit", 133 },
	{ "router-advertisement", 134 }, { "neighbor-solicit", 135 },
	{ "neighbor-advertisement", 136 }, { "redirect", 137 },
};

/* A type number 0..255 or its Junos name: the type, or -EINVAL. */
int conf_icmp_type(const char *s, bool v6)
{
	size_t n = v6 ? sizeof(icmp6_types) / sizeof(icmp6_types[0])
		      : sizeof(icmp4_types) / sizeof(icmp4_types[0]);
	unsigned long v;

	for (size_t k = 0; k < n; k++) {
		const char *name = v6 ? icmp6_types[k].name : icmp4_types[k].name;

		if (!strcmp(s, name))
			return v6 ? icmp6_types[k].type : icmp4_types[k].type;
	}
	if (parse_dec(s, strlen(s), 255, &v))
		return -EINVAL;
	return (int)v;
}

/* Junos's junos-defaults group. Ids are the ones the CLI's classifier
 * (conf/apps.c) already prints, so a session shows the same
 * name/id before and after a configuration names the application; `any`
 * is 0, which sessions read as "no named application". The published list
 * (docs/applications.md) gives none of these an inactivity-timeout, so the
 * protocol defaults apply. */
static const struct predefined {
	const char *name;
	__u16 id;
	int proto;
	__u16 port, port_hi;  /* 0: no destination port */
	int icmp_type, icmp_code;
} predefined[] = {
	{ "any",               0, -1,                 0, 0, -1, -1 },
#define SFW_X(name, id, proto, port, port_hi, icmp_type, icmp_code, classify) \
	{ name, id, proto, port, port_hi, icmp_type, icmp_code },
	SFW_PREDEFINED_APP_LIST(SFW_X)
#undef SFW_X
};

int conf_predefined_apps(void)
{
	return (int)(sizeof(predefined) / sizeof(predefined[0]));
}

int conf_add_predefined_apps(struct sfw_conf *conf)
{
	size_t n = sizeof(predefined) / sizeof(predefined[0]);

	conf->apps = calloc(n, sizeof(*conf->apps));
	if (!conf->apps)
		return -ENOMEM;
	conf->n_apps = conf->cap_apps = (int)n;
	for (size_t k = 0; k < n; k++) {
		struct sfw_conf_application *a = &conf->apps[k];

		strcpy(a->name, predefined[k].name);
		a->id = predefined[k].id;
		a->predefined = true;
		a->proto = predefined[k].proto;
		a->icmp_type = predefined[k].icmp_type;
		a->icmp_code = predefined[k].icmp_code;
		a->icmp6_words = predefined[k].proto == SFW_IPPROTO_ICMP6;
		if (predefined[k].port) {
			a->dport.set = true;
			a->dport.lo = predefined[k].port;
			a->dport.hi = predefined[k].port_hi;
		}
	}
	return 0;
}

/* host-inbound-traffic system-services as applications: what a zone may
 * reach on the firewall itself. Any other Junos service word is refused
 * at commit check (docs/security.md: a setting is enforced or refused). */
static const struct { const char *service; const char *apps[3]; } host_services[] = {
	{ "all", { "any" } }, { "any-service", { "any" } },
	{ "ssh", { "junos-ssh" } }, { "telnet", { "junos-telnet" } },
	{ "ping", { "junos-icmp-ping", "junos-ping6" } },
	{ "http", { "junos-http" } }, { "https", { "junos-https" } },
	{ "dns", { "junos-dns-udp", "junos-dns-tcp" } }, { "ntp", { "junos-ntp" } },
	{ "ftp", { "junos-ftp" } }, { "traceroute", { "junos-icmp-all", "junos-icmp6-all" } },
};

int sfw_conf_host_service_apps(const char *service, const char *apps[3])
{
	for (size_t k = 0; k < sizeof(host_services) / sizeof(host_services[0]); k++) {
		int n = 0;

		if (strcmp(service, host_services[k].service))
			continue;
		while (n < 3 && host_services[k].apps[n]) {
			apps[n] = host_services[k].apps[n];
			n++;
		}
		return n;
	}
	return 0;
}

static int add_word(const char **out, int n, int max, const char *w)
{
	for (int k = 0; k < n; k++)
		if (!strcmp(out[k], w))
			return n;
	if (n < max)
		out[n++] = w;
	return n;
}

static int cmp_words(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int sfw_conf_host_services_list(const struct sfw_conf_zone *z, const char **out, int max)
{
	const size_t n_all = sizeof(host_services) / sizeof(host_services[0]);
	int n = 0;

	for (int s = 0; s < z->services.n; s++) {
		const char *w = z->services.v[s].name;
		bool every = !strcmp(w, "all") || !strcmp(w, "any-service");

		for (size_t k = 0; every && k < n_all; k++)
			if (strcmp(host_services[k].apps[0], "any"))
				n = add_word(out, n, max, host_services[k].service);
		if (!every)
			n = add_word(out, n, max, w);
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_words);
	return n;
}

void conf_host_service_words(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < sizeof(host_services) / sizeof(host_services[0]) && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", k ? ", " : "",
				      host_services[k].service);
}
