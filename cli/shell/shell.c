/* The shell's loops (shell.h): the terminal's in edit.c, a script's here. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cfgmode.h"
#include "edit.h"
#include "exec.h"
#include "shell.h"

/* Junos's prompt: `user@host> `, the host name up to its first dot. */
static void make_prompt(char *prompt, size_t len)
{
	const struct passwd *pw = getpwuid(getuid());
	char host[256] = "localhost";

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	snprintf(prompt, len, "%s@%s> ", pw ? pw->pw_name : "user", host);
}

/* Commands from standard input, one a line. */
static int run_script(struct sfw_exec *x)
{
	struct sfw_words *ws = malloc(sizeof(*ws));
	char *line = NULL, err[256];
	int worst = SFW_EXIT_OK, r;
	size_t cap = 0;
	ssize_t len;

	if (!ws)
		return SFW_EXIT_FAIL;
	while (!x->quit && (len = getline(&line, &cap, stdin)) >= 0) {
		/* a NUL byte ends the line as C reads it: what follows it would
		 * be dropped and the head run (review batch L3), as a line cut to
		 * fit was (rtuser F2) */
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (strlen(line) != (size_t)len) {
			fprintf(stderr, "error: command line holds a NUL byte\n");
			r = SFW_EXIT_USAGE;
		} else if (sfw_words_split(line, false, ws, err, sizeof(err))) {
			fprintf(stderr, "error: %s\n", err);
			r = SFW_EXIT_USAGE;
		} else {
			r = sfw_exec_words(x, ws);
		}
		if (r > worst)
			worst = r;
		fflush(stdout);
	}
	free(line);
	free(ws);
	return worst;
}

int sfw_shell_main(const struct sfw_node *root)
{
	struct sfw_exec x = { .root = root, .from = SFW_FROM_SCRIPT };
	int r;

	make_prompt(x.prompt, sizeof(x.prompt));
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		r = run_script(&x);
	} else {
		x.from = SFW_FROM_TERMINAL;
		x.caret_col = (int)strlen(x.prompt);
		r = sfw_edit_loop(&x, x.prompt);
	}
	sfw_cfgmode_free(&x);
	return r;
}
