/* Junos's errors and `?` in the shell (cli/shell/syntax.c, complete.c):
 * the word at fault found by asking the word tree, printed with the
 * caret on a terminal and as `error: ...` for a script; listings from the
 * tree with the shell's own words and the `|` row added. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "shell/complete.h"
#include "shell/syntax.h"

static struct sfw_words ws;
static struct sfw_syntax e;

static void refused(const char *line, enum sfw_syntax_kind kind, int word)
{
	struct sfw_cmdline cl;
	char err[256];

	cr_assert_eq(sfw_words_split(line, false, &ws, err, sizeof(err)), 0);
	cr_assert_eq(sfw_syntax_parse(&sfw_root, ws.w, ws.n, &cl, stdout, &e), SFW_PARSE_ERROR,
		     "'%s' parsed", line);
	cr_assert_eq(e.kind, kind, "'%s': kind %d (%s)", line, e.kind, e.msg);
	cr_assert_eq(e.word, word, "'%s': word %d (%s)", line, e.word, e.msg);
}

static const char *printed(int caret_col)
{
	static char *buf;
	size_t len = 0;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	sfw_syntax_print(f, &e, &ws, caret_col, "Possible completions:\n  x\n");
	fclose(f);
	return buf;
}

Test(shell_syntax, the_word_at_fault)
{
	refused("frob", SFW_SYN_UNKNOWN, 0);
	cr_assert_str_eq(printed(9), "         ^\nunknown command.\n");
	cr_assert_str_eq(printed(-1), "error: unknown command: frob\n");
	refused("show  security  frob flow", SFW_SYN_UNKNOWN, 2);
	cr_assert_str_eq(printed(9), "                         ^\n"
			 "syntax error, expecting <command>.\n");
	cr_assert_str_eq(printed(-1), "error: syntax error, expecting <command>: frob\n");
	/* an abbreviation is fine, an unknown word after it is not */
	refused("sh sec fl sess prot tcp bogus", SFW_SYN_UNKNOWN, 6);
	refused("show security", SFW_SYN_INCOMPLETE, 2);
	cr_assert_str_eq(printed(2), "               ^\nsyntax error, expecting <command>.\n");
	cr_assert_str_eq(printed(-1), "error: syntax error, expecting <command>.\n");
	refused("s", SFW_SYN_AMBIGUOUS, 0);
	cr_assert_str_eq(printed(0), "^\n's' is ambiguous.\nPossible completions:\n  x\n");
	cr_assert_str_eq(printed(-1), "error: 's' is ambiguous.\n");
}

Test(shell_syntax, values_and_clashes_keep_sfws_words)
{
	refused("show security flow session protocol xyz summary", SFW_SYN_OTHER, 5);
	cr_assert(!strncmp(e.msg, "invalid value 'xyz' for 'protocol'; expected ", 45), "%s", e.msg);
	cr_assert(!strncmp(printed(0), "                                    ^\ninvalid value 'xyz'", 56));
	refused("show security flow session protocol", SFW_SYN_OTHER, 5);
	cr_assert(!strncmp(e.msg, "missing value for 'protocol'", 28), "%s", e.msg);
	refused("show security flow session brief extensive", SFW_SYN_OTHER, 5);
	cr_assert_str_eq(e.msg, "'extensive' cannot be combined with 'brief'");
}

static char *listing(const char *text)
{
	char *l = sfw_complete_text(&sfw_root, text, &ws, &e);

	cr_assert_not_null(l, "'%s': %s", text, e.msg);
	return l;
}

Test(shell_syntax, question_mark_listings)
{
	char *l = listing("");

	/* the tree's words and the shell's, in order */
	cr_assert(strstr(l, "  clear                   Clear information in the system\n"
			 "  commit  "), "%s", l);
	cr_assert(strstr(l, "  detach  "));
	cr_assert(strstr(l, "  exit                    Exit the management session\n"
			 "  help  "), "%s", l);
	cr_assert(strstr(l, "  quit                    Exit the management session\n"
			 "  reload  "), "%s", l);
	free(l);
	l = listing("show ver");
	cr_assert_str_eq(l, "Possible completions:\n"
			 "  version                 Show the sfw release and build\n");
	free(l);
	/* where the command may end: Enter, and a pipe */
	l = listing("show version ");
	cr_assert_str_eq(l, "Possible completions:\n"
			 "  <[Enter]>               Execute this command\n"
			 "  |                       Pipe through a command\n");
	free(l);
	l = listing("show version | ");
	cr_assert(strstr(l, "  count                   Count occurrences\n"), "%s", l);
	free(l);
	l = listing("show frob");
	cr_assert_str_eq(l, "No valid completions\n");
	free(l);
	cr_assert_null(sfw_complete_text(&sfw_root, "show frob ", &ws, &e));
	cr_assert_eq(e.kind, SFW_SYN_UNKNOWN);
	cr_assert_eq(e.word, 1);
}

static char *words(const char *text)
{
	static char joined[1024];
	char **w = sfw_complete_words(&sfw_root, text, &ws, &e);
	size_t used = 0;

	joined[0] = '\0';
	for (int i = 0; w && w[i]; i++)
		used += (size_t)snprintf(joined + used, sizeof(joined) - used, "%s%s",
					 i ? " " : "", w[i]);
	sfw_complete_free(w);
	return joined;
}

Test(shell_syntax, tab_candidates)
{
	cr_assert_str_eq(words("sh"), "show");
	cr_assert_str_eq(words("s"), "set show status");
	cr_assert_str_eq(words("q"), "quit");
	cr_assert_str_eq(words("show security flow session protocol ic"), "icmp icmp6");
	cr_assert_str_eq(words("show version | m"), "match");
	/* values are not guessed: <interface> is no word to insert, nor | */
	cr_assert_str_eq(words("show interfaces flow-statistics "), "");
}

/* Junos's `configure ?`: Enter for the shared candidate, and the forms. */
Test(shell_syntax, configure_forms_listed_and_completed)
{
	char *l = listing("configure ");

	cr_assert_str_eq(l, "Possible completions:\n"
			 "  <[Enter]>               Execute this command\n"
			 "  exclusive               Obtain exclusive lock (other users cannot make changes)\n"
			 "  private                 Work in private database\n");
	free(l);
	cr_assert_str_eq(words("configure p"), "private");
	cr_assert_str_eq(words("conf e"), "exclusive");
	cr_assert_str_eq(words("configure x"), "");
}
