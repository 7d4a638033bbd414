#include <stdio.h>
#include <string.h>
#include "ifnames.h"

static void resolve(__u32 ifindex, char *out)
{
	if (!ifindex || !if_indextoname(ifindex, out))
		snprintf(out, IF_NAMESIZE, "%u", ifindex);
}

const char *sfw_ifname(struct sfw_ifnames *c, __u32 ifindex, char *buf)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->e[i].ifindex == ifindex)
			return c->e[i].name;
	if (c->n == SFW_IFNAME_CACHE) {
		resolve(ifindex, buf);
		return buf;
	}
	c->e[c->n].ifindex = ifindex;
	resolve(ifindex, c->e[c->n].name);
	return c->e[c->n++].name;
}
