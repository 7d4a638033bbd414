/* sfw: parse the command line against the word tree and run the command;
 * with no words on a terminal, the interactive shell (cli/shell/).
 * Exit codes: 0 done, 1 the command failed, 2 the command line is wrong. */
#include <string.h>
#include "clock_check.h"
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
	/* In a time namespace that shifts CLOCK_MONOTONIC, user space and
	 * the datapath disagree on every session's age: the reaper and the
	 * daemon's sweeps, a failed commit's clear, the HA replica, attach's
	 * zone moves, the shows' ages, the daemon's staleness. One check for
	 * every command, before any map is opened, leaves none out, nor one
	 * added later; the few that read no clock (help, show configuration)
	 * are refused too: sfw has no business there. */
	if (sfw_clock_check()) {
		fprintf(stderr, "sfw: %s\n", sfw_last_error());
		return SFW_EXIT_FAIL;
	}
	return sfw_main_argv(&sfw_root, argc - 1, argv + 1);
}
