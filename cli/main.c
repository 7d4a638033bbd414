/* sfw: parse the command line against the word tree and run the command;
 * with no words on a terminal, the interactive shell (cli/shell/).
 * Exit codes: 0 done, 1 the command failed, 2 the command line is wrong. */
#include <string.h>
#include "commands.h"
#include "loader.h"
#include "shell/shell.h"

int main(int argc, char **argv)
{
	/* libbpf's warnings are for developers (SFW_DEBUG=1 shows them): an
	 * operator gets the one line sfw_report() prints. */
	sfw_log_init();
	/* outside the word tree, where every Linux tool has it */
	if (argc == 2 && !strcmp(argv[1], "--version"))
		return sfw_print_version(stdout);
	return sfw_main_argv(&sfw_root, argc - 1, argv + 1);
}
