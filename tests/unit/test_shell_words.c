/* Command lines into words (cli/shell/words.c): Junos quoting, a bar is a
 * word of its own, columns for the caret, and bash's argv with pipes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "shell/words.h"

static struct sfw_words ws;
static char err[256];

/* The words joined by '/', bars shown as '|'. */
static const char *joined(void)
{
	static char out[SFW_LINE_MAX];
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < ws.n; i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", i ? "/" : "",
					 ws.bar[i] ? "|" : ws.w[i]);
	return out;
}

static void split_ok(const char *line, const char *want)
{
	cr_assert_eq(sfw_words_split(line, false, &ws, err, sizeof(err)), 0, "'%s': %s", line, err);
	cr_assert_str_eq(joined(), want, "'%s'", line);
	cr_assert_null(ws.w[ws.n]);
}

Test(shell_words, blanks_quotes_and_bars)
{
	split_ok("  show   security\tflow session  ", "show/security/flow/session");
	split_ok("", "");
	split_ok("show version | match sfw", "show/version/|/match/sfw");
	split_ok("show version|match sfw|count", "show/version/|/match/sfw/|/count");
	split_ok("x | match \"a b|c\"", "x/|/match/a b|c");
	split_ok("x | match \"say \\\"hi\\\"\"", "x/|/match/say \"hi\"");
	split_ok("x | match pre\"fix \"post", "x/|/match/prefix post");
	/* a quoted bar is a word, not a pipe */
	split_ok("x \"|\" y", "x/|/y");
	cr_assert_not(ws.bar[1]);
}

Test(shell_words, columns_point_at_each_word)
{
	split_ok("show  foo|count", "show/foo/|/count");
	cr_assert_eq(ws.col[0], 0);
	cr_assert_eq(ws.col[1], 6);
	cr_assert_eq(ws.col[2], 9);
	cr_assert_eq(ws.col[3], 10);
	cr_assert_eq(ws.len, 15);
	cr_assert_eq(sfw_words_bar(&ws, 0), 2);
	cr_assert_eq(sfw_words_bar(&ws, 3), 4);
}

Test(shell_words, an_open_quote_is_one_clear_error)
{
	cr_assert_eq(sfw_words_split("x | match \"abc", false, &ws, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "missing closing quote (column 11)");
	/* while typing (`?`, tab) the quote just runs to the end */
	cr_assert_eq(sfw_words_split("x | match \"ab c", true, &ws, err, sizeof(err)), 0);
	cr_assert_str_eq(ws.w[3], "ab c");
	cr_assert(ws.open);
}

Test(shell_words, open_says_whether_the_last_word_is_being_typed)
{
	cr_assert_eq(sfw_words_split("show sec", true, &ws, err, sizeof(err)), 0);
	cr_assert(ws.open);
	cr_assert_eq(sfw_words_split("show sec ", true, &ws, err, sizeof(err)), 0);
	cr_assert_not(ws.open);
	cr_assert_eq(sfw_words_split("show |", true, &ws, err, sizeof(err)), 0);
	cr_assert_not(ws.open);
}

Test(shell_words, limits)
{
	char line[SFW_LINE_MAX + 2];

	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	cr_assert_eq(sfw_words_split(line, false, &ws, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "command line too long (at most 4096 bytes)");
	for (int i = 0; i < 2 * (SFW_LINE_WORDS + 1); i += 2)
		line[i] = 'a', line[i + 1] = ' ';
	line[2 * (SFW_LINE_WORDS + 1)] = '\0';
	cr_assert_eq(sfw_words_split(line, false, &ws, err, sizeof(err)), -1);
	cr_assert_str_eq(err, "too many words (column 257)");
}

static void argv_ok(int argc, char **argv, const char *want)
{
	cr_assert_eq(sfw_words_from_argv(argc, argv, &ws, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(joined(), want);
}

Test(shell_words, bash_argv_with_pipes)
{
	char *one[] = { "show", "version", "| match sfw | count" };
	char *apart[] = { "show", "version", "|", "match", "a b", "|", "count" };
	char *joined_bar[] = { "show", "version", "|match", "x|y" };
	char *quoted[] = { "show", "policy name", "| match \"a b\"" };

	argv_ok(3, one, "show/version/|/match/sfw/|/count");
	argv_ok(7, apart, "show/version/|/match/a b/|/count");
	cr_assert(ws.bar[2] && ws.bar[5]);
	/* a word not starting with a bar is taken whole: bash quoted it */
	argv_ok(4, joined_bar, "show/version/|/match/x|y");
	argv_ok(3, quoted, "show/policy name/|/match/a b");
	/* columns as if joined by blanks */
	cr_assert_eq(ws.col[2], 17);
	cr_assert_eq(ws.col[3], 19);
}
