/* Junos's predefined application-sets (docs/applications.md). Unlike the
 * predefined applications (conf/values.c), which every model holds from its
 * start, a set joins the model only when the configuration names it, so
 * `show configuration` and `show | compare` print what the operator wrote. */
#include <string.h>
#include "conf_int.h"

static const struct { const char *name; const char *apps[5]; } predefined_sets[] = {
	{ "junos-cifs", { "junos-netbios-session", "junos-smb-session" } },
	{ "junos-routing-inbound", { "junos-bgp", "junos-rip", "junos-ldp-tcp", "junos-ldp-udp" } },
};

static int add_predefined_set(struct conf_parser *p, const char *name)
{
	struct sfw_conf_app_set *s;
	size_t k = 0, n = sizeof(predefined_sets) / sizeof(predefined_sets[0]);

	while (k < n && strcmp(predefined_sets[k].name, name))
		k++;
	if (k == n || sfw_conf_find_app(p->conf, name) >= 0 ||
	    sfw_conf_find_app_set(p->conf, name) >= 0)
		return 0;
	s = conf_app_set_get(p, name);
	if (!s)
		return -1;
	s->line = 0;
	s->predefined = true;
	for (int i = 0; i < 5 && predefined_sets[k].apps[i]; i++)
		if (conf_ref_add(p, &s->apps, predefined_sets[k].apps[i]))
			return -1;
	return 0;
}

int conf_add_predefined_app_sets(struct conf_parser *p)
{
	struct sfw_conf *c = p->conf;
	char name[SFW_CONF_NAME_MAX];
	int users = c->n_app_sets;

	for (int k = 0; k < c->n_policies; k++)
		for (int i = 0; i < c->policies[k].apps.n; i++)
			if (add_predefined_set(p, c->policies[k].apps.v[i].name))
				return -1;
	/* By index and a copy of the name: adding a set may move the array. */
	for (int k = 0; k < users; k++)
		for (int i = 0; i < c->app_sets[k].sets.n; i++) {
			strcpy(name, c->app_sets[k].sets.v[i].name);
			if (add_predefined_set(p, name))
				return -1;
		}
	return 0;
}
