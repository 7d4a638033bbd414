/* A limit-session screen on the fixture's zone (lo, zone trust), with
 * every session permitted: the configuration the limit tests commit. */
#ifndef SFW_TEST_LIMIT_CONF_H
#define SFW_TEST_LIMIT_CONF_H

#include <stdio.h>
#include "commit.h"

/* words: what follows `limit-session`, "source-ip-based 2" ... */
static SUITE_UNUSED void limit(const char *words)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "set security screen ids-option lim limit-session %s\n"
		 "set security zones security-zone trust interfaces lo\n"
		 "set security zones security-zone trust screen lim\n"
		 "set security policies default-policy permit-all\n", words);
	commit(text);
}

#endif
