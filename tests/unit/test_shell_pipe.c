/* Output pipes (cli/shell/pipe.c): each stage, chains of them, and every
 * mistake as one error naming the word at fault. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "shell/pipe.h"

static struct sfw_pipeline p;
static struct sfw_words ws;
static struct sfw_syntax e;
static char out[8192];
static size_t used;
static int stop_after = -1;      /* the sink stops after this many lines */

static bool sink(void *ctx, const char *line, size_t len)
{
	cr_assert_eq(strlen(line), len);
	used += (size_t)snprintf(out + used, sizeof(out) - used, "%s\n", line);
	return stop_after < 0 || --stop_after > 0;
}

static void parse_ok(const char *pipes)
{
	char err[256];

	cr_assert_eq(sfw_words_split(pipes, false, &ws, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sfw_pipe_parse(&p, &ws, 0, &e), 0, "'%s': %s", pipes, e.msg);
}

/* `text` (lines) through `pipes`; what comes out. */
static const char *through(const char *pipes, const char *text)
{
	char *copy = strdup(text), *save = NULL;

	parse_ok(pipes);
	used = 0;
	out[0] = '\0';
	sfw_pipe_begin(&p, sink, NULL);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		sfw_pipe_line(&p, l, strlen(l));
	sfw_pipe_end(&p);
	free(copy);
	return out;
}

static void fini(void)
{
	sfw_pipe_free(&p);
	stop_after = -1;
}

TestSuite(shell_pipe, .fini = fini);

#define SESSIONS "Session ID: 1, Policy name: p/4\n  In: 192.0.2.1/1 --> 198.51.100.2/22;tcp\n" \
	"Session ID: 2, Policy name: p/4\n  In: 192.0.2.1/2 --> 198.51.100.2/53;udp\n" \
	"Total sessions: 2\n"

Test(shell_pipe, match_except_find)
{
	cr_assert_str_eq(through("| match tcp", SESSIONS),
			 "  In: 192.0.2.1/1 --> 198.51.100.2/22;tcp\n");
	sfw_pipe_free(&p);
	/* extended regular expressions, case-sensitive */
	cr_assert_str_eq(through("| match \"(tcp|udp)$\"", SESSIONS),
			 "  In: 192.0.2.1/1 --> 198.51.100.2/22;tcp\n"
			 "  In: 192.0.2.1/2 --> 198.51.100.2/53;udp\n");
	sfw_pipe_free(&p);
	cr_assert_str_eq(through("| match TCP", SESSIONS), "");
	sfw_pipe_free(&p);
	cr_assert_str_eq(through("| except \"^ \"", SESSIONS),
			 "Session ID: 1, Policy name: p/4\nSession ID: 2, Policy name: p/4\n"
			 "Total sessions: 2\n");
	sfw_pipe_free(&p);
	/* find: from the first match to the end */
	cr_assert_str_eq(through("| find \"ID: 2\"", SESSIONS),
			 "Session ID: 2, Policy name: p/4\n"
			 "  In: 192.0.2.1/2 --> 198.51.100.2/53;udp\nTotal sessions: 2\n");
	sfw_pipe_free(&p);
	cr_assert_str_eq(through("| find nowhere", SESSIONS), "");
}

Test(shell_pipe, count_and_last)
{
	cr_assert_str_eq(through("| count", SESSIONS), "Count: 5 lines\n");
	sfw_pipe_free(&p);
	cr_assert_str_eq(through("| count", ""), "Count: 0 lines\n");
	sfw_pipe_free(&p);
	cr_assert_str_eq(through("| last 2", SESSIONS),
			 "  In: 192.0.2.1/2 --> 198.51.100.2/53;udp\nTotal sessions: 2\n");
	sfw_pipe_free(&p);
	cr_assert_str_eq(through("| last 10", "a\nb\n"), "a\nb\n");
}

Test(shell_pipe, chains_run_left_to_right)
{
	cr_assert_str_eq(through("| match Session | count", SESSIONS), "Count: 2 lines\n");
	sfw_pipe_free(&p);
	cr_assert_str_eq(through("| except Total | last 1 | match udp", SESSIONS),
			 "  In: 192.0.2.1/2 --> 198.51.100.2/53;udp\n");
	sfw_pipe_free(&p);
	/* last hands its lines on, count counts them */
	cr_assert_str_eq(through("| last 3 | count", SESSIONS), "Count: 3 lines\n");
	sfw_pipe_free(&p);
	cr_assert_str_eq(through("| count | match Count", SESSIONS), "Count: 5 lines\n");
	sfw_pipe_free(&p);
	/* abbreviated pipe words, as Junos takes them */
	cr_assert_str_eq(through("| m tcp | cou", SESSIONS), "Count: 1 lines\n");
}

Test(shell_pipe, modifiers_change_the_run_not_the_lines)
{
	cr_assert_str_eq(through("| no-more | display json | refresh 5", SESSIONS), SESSIONS);
	cr_assert(p.no_more);
	cr_assert_eq(p.display, SFW_DISPLAY_JSON);
	cr_assert_eq(p.refresh, 5);
	sfw_pipe_free(&p);
	parse_ok("| refresh | match x");
	cr_assert_eq(p.refresh, 1);
	cr_assert_eq(p.display, SFW_DISPLAY_TEXT);
	cr_assert_not(p.no_more);
}

Test(shell_pipe, a_stopped_sink_stops_the_chain)
{
	stop_after = 2;
	through("| except nothing", SESSIONS);
	cr_assert_str_eq(out, "Session ID: 1, Policy name: p/4\n"
			 "  In: 192.0.2.1/1 --> 198.51.100.2/22;tcp\n");
	cr_assert(p.stopped);
}

Test(shell_pipe, begin_resets_a_rerun)
{
	through("| find udp | count", SESSIONS);
	cr_assert_str_eq(out, "Count: 2 lines\n");
	used = 0;
	sfw_pipe_begin(&p, sink, NULL);
	sfw_pipe_line(&p, "tcp", 3);
	sfw_pipe_end(&p);
	cr_assert_str_eq(out, "Count: 0 lines\n");
}

/* `pipes` is refused at word `word` with kind and message. */
static void refused(const char *pipes, enum sfw_syntax_kind kind, int word, const char *msg)
{
	char err[256];

	cr_assert_eq(sfw_words_split(pipes, false, &ws, err, sizeof(err)), 0);
	cr_assert_eq(sfw_pipe_parse(&p, &ws, 0, &e), -1, "'%s' parsed", pipes);
	cr_assert_str_eq(e.msg, msg);
	cr_assert_eq(e.kind, kind, "'%s': kind %d", pipes, e.kind);
	cr_assert_eq(e.word, word, "'%s': word %d", pipes, e.word);
	sfw_pipe_free(&p);
}

Test(shell_pipe, mistakes_are_one_error_at_their_word)
{
	refused("| match \"(tcp\"", SFW_SYN_OTHER, 2,
		"invalid regular expression '(tcp': Unmatched ( or \\(");
	refused("| match \"[a\"", SFW_SYN_OTHER, 2,
		"invalid regular expression '[a': Unmatched [, [^, [:, [., or [=");
	refused("| frob", SFW_SYN_UNKNOWN, 1,
		"unknown word 'frob' after '|'; expected one of: count, display, except, find, "
		"last, match, no-more, refresh");
	refused("| count | ", SFW_SYN_INCOMPLETE, 3, "missing a pipe command after '|'");
	refused("| | count", SFW_SYN_INCOMPLETE, 1, "missing a pipe command after '|'");
	refused("| match", SFW_SYN_OTHER, 2, "missing <pattern> after 'match'");
	refused("| match | count", SFW_SYN_OTHER, 2, "missing <pattern> after 'match'");
	refused("| count extra", SFW_SYN_UNKNOWN, 2, "unknown word 'extra' after 'count'");
	refused("| last", SFW_SYN_OTHER, 2, "missing <lines> after 'last'");
	refused("| last 0", SFW_SYN_OTHER, 2,
		"invalid value '0' for 'last'; expected a number of lines 1..100000");
	refused("| last x", SFW_SYN_OTHER, 2,
		"invalid value 'x' for 'last'; expected a number of lines 1..100000");
	refused("| refresh 0", SFW_SYN_OTHER, 2,
		"invalid value '0' for 'refresh'; expected seconds 1..86400");
	refused("| refresh 1 | refresh 2", SFW_SYN_OTHER, 6, "'refresh' given twice");
	refused("| display", SFW_SYN_OTHER, 2, "missing json, set or xml after 'display'");
	refused("| display yaml", SFW_SYN_UNKNOWN, 2, "unknown word 'yaml' after 'display'");
}

Test(shell_pipe, each_word_by_its_first_letter)
{
	cr_assert_str_eq(through("| e Total | f udp | l 1 | c", SESSIONS), "Count: 1 lines\n");
	sfw_pipe_free(&p);
	parse_ok("| d j | n | r 2");
	cr_assert(p.display == SFW_DISPLAY_JSON && p.no_more);
	cr_assert_eq(p.refresh, 2);
	sfw_pipe_free(&p);
	parse_ok("| d x");
	cr_assert_eq(p.display, SFW_DISPLAY_XML);
	sfw_pipe_free(&p);
	parse_ok("| d s");
	cr_assert_eq(p.display, SFW_DISPLAY_SET);
}

/* `?` after a bar: the pipe words, or what the word before wants. */
static const char *help(const char *typed, const char *prefix)
{
	static char *buf;
	size_t len = 0;
	FILE *f;
	char err[256];

	cr_assert_eq(sfw_words_split(typed, false, &ws, err, sizeof(err)), 0);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	cr_assert_eq(sfw_pipe_help(f, &ws, 0, ws.n, prefix, &e), 0, "%s", e.msg);
	fclose(f);
	return buf;
}

Test(shell_pipe, help_after_a_bar)
{
	const char *h = help("|", "");

	cr_assert(strstr(h, "Possible completions:\n"));
	cr_assert(strstr(h, "  count                   Count occurrences\n"));
	cr_assert(strstr(h, "  match                   Show only text that matches a pattern\n"));
	cr_assert(strstr(h, "  no-more                 Don't paginate output\n"));
	cr_assert_str_eq(help("|", "ma"), "Possible completions:\n"
			 "  match                   Show only text that matches a pattern\n");
	cr_assert(strstr(help("| match", ""), "  <pattern>  "));
	cr_assert(strstr(help("| display", ""), "  json  "));
	cr_assert(strstr(help("| display", ""), "  xml  "));
	cr_assert(strstr(help("| display", ""), "  set  "));
	/* a stage done: the line may end or pipe on */
	cr_assert_str_eq(help("| count", ""), "Possible completions:\n"
			 "  <[Enter]>               Execute this command\n"
			 "  |                       Pipe through a command\n");
	cr_assert_str_eq(help("| match x", ""), "Possible completions:\n"
			 "  <[Enter]>               Execute this command\n"
			 "  |                       Pipe through a command\n");
}
