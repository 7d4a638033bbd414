/* sfw help [words...]: the same listing as `sfw words... ?`. */
#include "commands.h"

int sfw_cmd_help(const struct sfw_cmdline *cl)
{
	char *argv[SFW_MAX_WORDS + 1];
	struct sfw_cmdline sub;
	int i, r;

	for (i = 0; i < cl->npos; i++)
		argv[i] = (char *)cl->pos[i];
	argv[i++] = "?";
	r = sfw_parse(cl->root, i, argv, &sub, cl->out, cl->err);
	return r == SFW_PARSE_HELP ? SFW_EXIT_OK : SFW_EXIT_USAGE;
}
