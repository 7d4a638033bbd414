/* The predefined application table. Ids are sfw's own (Junos prints the id
 * after the name: junos-http/6 in the sample of docs/junos-layouts.md, whose
 * id is kept). */
#include <string.h>
#include "apps.h"
#include "protocols.h"

#define SFW_X(name, id, proto, port, port_hi, icmp_type, icmp_code, classify) \
	{ name, id, proto, port, port_hi, icmp_type, icmp_code, classify },

static const struct sfw_app apps[] = {
	SFW_PREDEFINED_APP_LIST(SFW_X)
};
#undef SFW_X

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
		/* Only the classify rows: the catch-alls would claim every
		 * session of their protocol. Echo sessions carry the
		 * identifier, not a port: ICMP apps match on the protocol. */
		if (apps[i].classify && apps[i].proto == proto &&
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
