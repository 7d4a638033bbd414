/* The predefined application table. Ids are sfw's own (Junos prints the id
 * after the name, e.g. junos-http/6 in seed 003, whose id is kept). */
#include <string.h>
#include "apps.h"
#include "protocols.h"

#define TCP SFW_IPPROTO_TCP
#define UDP SFW_IPPROTO_UDP

static const struct sfw_app apps[] = {
	{ "junos-ftp",         1, TCP, 21 },
	{ "junos-tftp",        2, UDP, 69 },
	{ "junos-telnet",      3, TCP, 23 },
	{ "junos-smtp",        4, TCP, 25 },
	{ "junos-ssh",         5, TCP, 22 },
	{ "junos-http",        6, TCP, 80 },
	{ "junos-https",       7, TCP, 443 },
	{ "junos-dns-udp",     8, UDP, 53 },
	{ "junos-dns-tcp",     9, TCP, 53 },
	{ "junos-ntp",        10, UDP, 123 },
	{ "junos-pop3",       11, TCP, 110 },
	{ "junos-imap",       12, TCP, 143 },
	{ "junos-ldap",       13, TCP, 389 },
	{ "junos-syslog",     14, UDP, 514 },
	{ "junos-bgp",        15, TCP, 179 },
	{ "junos-ike",        16, UDP, 500 },
	{ "junos-icmp-ping",  17, SFW_IPPROTO_ICMP, 0 },
	{ "junos-ping6",      18, SFW_IPPROTO_ICMP6, 0 },
	{ "junos-imaps",      19, TCP, 993 },
	{ "junos-ms-sql",     20, TCP, 1433 },
	{ "junos-dhcp-server", 21, UDP, 67 },
	{ "junos-dhcp-client", 22, UDP, 68 },
	{ "junos-radius",     23, UDP, 1812 },
	{ "junos-smb",        24, TCP, 445 },
	{ "junos-sqlnet-v2",  25, TCP, 1521 },
	{ "junos-snmp-get",   26, UDP, 161 },
};

#define N_APPS ((int)(sizeof(apps) / sizeof(apps[0])))

int sfw_app_count(void)
{
	return N_APPS;
}

const struct sfw_app *sfw_app_at(int i)
{
	return i >= 0 && i < N_APPS ? &apps[i] : NULL;
}

const struct sfw_app *sfw_app_classify(__u16 app_id, __u8 proto, __u16 dport)
{
	int i;

	for (i = 0; i < N_APPS; i++) {
		if (app_id) {
			if (apps[i].id == app_id)
				return &apps[i];
			continue;
		}
		/* Echo sessions carry the identifier, not a port: ICMP apps
		 * match on the protocol alone. */
		if (apps[i].proto == proto &&
		    (apps[i].port == dport || apps[i].port == 0))
			return &apps[i];
	}
	return NULL;
}

bool sfw_app_matches(const struct sfw_app *app, const char *word)
{
	static const char pfx[] = "junos-";
	const char *rest;
	size_t n;

	if (!app)
		return false;
	if (!strcmp(app->name, word))
		return true;
	rest = app->name + sizeof(pfx) - 1;
	n = strlen(word);
	/* "dns" names the family junos-dns-udp / junos-dns-tcp. */
	return !strncmp(rest, word, n) && (rest[n] == '\0' || rest[n] == '-');
}

bool sfw_app_known(const char *word)
{
	int i;

	if (!*word)
		return false;
	for (i = 0; i < N_APPS; i++)
		if (sfw_app_matches(&apps[i], word))
			return true;
	return false;
}
