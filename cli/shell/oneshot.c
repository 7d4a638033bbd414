/* sfw's words from bash (shell.h): as they always were, unless a word
 * starts with `|`, then through exec.c with its pipes. */
#include <string.h>
#include <unistd.h>
#include "exec.h"
#include "shell.h"

int sfw_main_argv(const struct sfw_node *root, int argc, char **argv)
{
	struct sfw_exec x = { .root = root, .from = SFW_FROM_ARGV };
	struct sfw_cmdline cl;
	struct sfw_words ws;
	char err[256];
	int i, r;

	/* alone, only where someone types and reads: `sfw >file` in a script
	 * run from a terminal stays the error it was */
	if ((!argc && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) ||
	    (argc == 1 && !strcmp(argv[0], "cli")))
		return sfw_shell_main(root);
	for (i = 0; i < argc && argv[i][0] != '|'; i++)
		;
	if (i == argc) {
		r = sfw_parse(root, argc, argv, &cl, stdout, stderr);
		if (r == SFW_PARSE_HELP)
			return SFW_EXIT_OK;
		if (r)
			return SFW_EXIT_USAGE;
		return cl.cmd->run(&cl);
	}
	if (sfw_words_from_argv(argc, argv, &ws, err, sizeof(err))) {
		fprintf(stderr, "sfw: %s\n", err);
		return SFW_EXIT_USAGE;
	}
	return sfw_exec_words(&x, &ws);
}
