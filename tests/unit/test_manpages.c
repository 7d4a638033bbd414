/* The man pages against the code they describe, so neither can drift:
 * sfw(8) names every command of the word tree (cli/core/tree.c, the tree `?`
 * and the bash completion read) with every option, and nothing else;
 * sfw.conf(5) names every statement the configuration parser accepts, and
 * nothing else. The statements are found by asking the parser itself: its
 * "expected ..." messages list what may follow each word, as they do for
 * an operator (docs/man/README.md says how the pages are written). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "conf.h"

#define SFW_8 "docs/man/sfw.8.scd"
#define SFW_CONF_5 "docs/man/sfw.conf.5.scd"
#define EXAMPLE_CONF "docs/sfw.conf"
#define MAX_ITEMS 512
#define LINE_MAX_LEN 512
#define STMT_LEN 256           /* a statement being explored */

struct list {
	char *v[MAX_ITEMS];
	int n;
};

static void list_add(struct list *l, const char *s)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return;
	cr_assert_lt(l->n, MAX_ITEMS);
	l->v[l->n++] = strdup(s);
}

static bool list_has(const struct list *l, const char *s)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

static void list_free(struct list *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

/* Every line of `a` missing from `b`, one per line, for the failure text. */
static int missing(const struct list *a, const struct list *b, char *out, size_t len)
{
	size_t used = 0;
	int n = 0;

	out[0] = '\0';
	for (int i = 0; i < a->n; i++)
		if (!list_has(b, a->v[i])) {
			used += snprintf(out + used, used < len ? len - used : 0, "\n  %s", a->v[i]);
			n++;
		}
	return n;
}

/* The page, one line per element; the tests run from the repository root. */
static int read_lines(const char *path, char ***lines)
{
	FILE *f = fopen(path, "r");
	char buf[LINE_MAX_LEN];
	int n = 0, cap = 0;

	cr_assert_not_null(f, "%s: cannot open (tests run from the repository root)", path);
	*lines = NULL;
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			*lines = realloc(*lines, cap * sizeof(char *));
		}
		(*lines)[n++] = strdup(buf);
	}
	fclose(f);
	return n;
}

static void free_lines(char **lines, int n)
{
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* A synopsis line in scdoc: *bold words* are literal, _underlined_ ones a
 * value ("<>"); a trailing ++ is a line break. "*set a b* _x_ *c*" gives
 * "set a b <> c". Anything else on the line is an error in the page. */
static void synopsis_words(const char *line, char *out, size_t len)
{
	size_t used = 0;
	const char *p = line;

	out[0] = '\0';
	while (*p) {
		const char *end;

		if (*p == ' ' || !strcmp(p, "++")) {
			p += *p == ' ' ? 1 : 2;
			continue;
		}
		cr_assert(*p == '*' || *p == '_', "man page synopsis '%s': expected only *words* "
			  "and _values_ at '%s'", line, p);
		end = strchr(p + 1, *p);
		cr_assert_not_null(end, "man page synopsis '%s': unclosed %c", line, *p);
		used += snprintf(out + used, len - used, "%s%s", used ? " " : "",
				 *p == '_' ? "<>" : "");
		if (*p == '*')
			used += snprintf(out + used, len - used, "%.*s", (int)(end - p - 1), p + 1);
		p = end + 1;
	}
}

/* --- sfw(8) and the word tree ------------------------------------------ */

struct command {
	char path[128];
	const struct sfw_node *node;
};

static void walk_tree(const struct sfw_node *n, const char *path, struct command *out, int *count)
{
	char sub[128];

	if (n->run) {
		cr_assert_lt(*count, MAX_ITEMS);
		snprintf(out[*count].path, sizeof(out[*count].path), "%s", path);
		out[(*count)++].node = n;
	}
	if (n->flags & SFW_N_OPTIONS)
		return;     /* its kids are options of this command, not commands */
	for (int i = 0; n->kids && n->kids[i]; i++) {
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? " " : "", n->kids[i]->word);
		walk_tree(n->kids[i], sub, out, count);
	}
}

/* The page's commands: lines "*sfw <words>* ...", each with the lines up to
 * the next command or heading as its section. */
struct section {
	char path[128];
	int from, to;
};

static int page_commands(char **lines, int n, struct section *out)
{
	int count = 0;

	for (int i = 0; i < n; i++) {
		bool cmd = !strncmp(lines[i], "*sfw ", 5);
		const char *end;

		if ((cmd || lines[i][0] == '#') && count && out[count - 1].to == n)
			out[count - 1].to = i;
		if (!cmd)
			continue;
		end = strchr(lines[i] + 1, '*');
		cr_assert_not_null(end, "sfw.8: unclosed '*' in '%s'", lines[i]);
		cr_assert_lt(count, MAX_ITEMS);
		snprintf(out[count].path, sizeof(out[count].path), "%.*s",
			 (int)(end - lines[i] - 5), lines[i] + 5);
		out[count].from = i;
		out[count].to = n;
		count++;
	}
	return count;
}

static bool section_has_bold(char **lines, const struct section *s, const char *word)
{
	char bold[96];

	snprintf(bold, sizeof(bold), "*%s*", word);
	for (int i = s->from; i < s->to; i++) {
		const char *p = lines[i];

		/* "*a*|*b*" and "*word* _value_" both count */
		while ((p = strstr(p, bold))) {
			if (p == lines[i] || p[-1] != '*')
				return true;
			p++;
		}
	}
	return false;
}

static bool is_option_of(const struct sfw_node *cmd, const char *word)
{
	for (int i = 0; cmd->kids && cmd->kids[i]; i++) {
		const struct sfw_node *k = cmd->kids[i];

		if (!strcmp(k->word, word))
			return true;
		for (int c = 0; k->arg == SFW_ARG_CHOICE && k->choices[c]; c++)
			if (!strcmp(k->choices[c], word))
				return true;
	}
	for (int c = 0; cmd->arg == SFW_ARG_CHOICE && cmd->choices[c]; c++)
		if (!strcmp(cmd->choices[c], word))
			return true;
	return false;
}

/* Option lines of a section: a tab, then *word* (the option list). */
static void check_option_lines(char **lines, const struct section *s,
			       const struct command *c, char *bad, size_t len)
{
	size_t used = strlen(bad);

	for (int i = s->from + 1; i < s->to; i++) {
		char word[64];

		if (lines[i][0] != '\t' || lines[i][1] != '*' ||
		    sscanf(lines[i] + 2, "%63[a-z0-9-]", word) != 1)
			continue;
		if (!is_option_of(c->node, word))
			used += snprintf(bad + used, used < len ? len - used : 0,
					 "\n  '%s' under 'sfw %s'", word, c->path);
	}
}

static void check_options(char **lines, const struct section *s, const struct command *c,
			  char *bad, size_t len)
{
	const struct sfw_node *n = c->node;
	size_t used = strlen(bad);

	for (int i = 0; n->kids && n->kids[i]; i++) {
		const struct sfw_node *k = n->kids[i];

		if (!section_has_bold(lines, s, k->word))
			used += snprintf(bad + used, used < len ? len - used : 0,
					 "\n  sfw %s: option '%s'", c->path, k->word);
		for (int v = 0; k->arg == SFW_ARG_CHOICE && k->choices[v]; v++)
			if (!section_has_bold(lines, s, k->choices[v]))
				used += snprintf(bad + used, used < len ? len - used : 0,
						 "\n  sfw %s: value '%s' of '%s'", c->path,
						 k->choices[v], k->word);
	}
	for (int v = 0; n->arg == SFW_ARG_CHOICE && n->choices[v]; v++)
		if (!section_has_bold(lines, s, n->choices[v]))
			used += snprintf(bad + used, used < len ? len - used : 0,
					 "\n  sfw %s: value '%s'", c->path, n->choices[v]);
}

Test(manpages, sfw_8_names_every_command_and_option_of_the_word_tree)
{
	static struct command cmds[MAX_ITEMS];
	static struct section secs[MAX_ITEMS];
	struct list tree = { 0 }, page = { 0 };
	char **lines, absent[8192], extra[8192], bad[8192] = "";
	int ncmd = 0, nsec, n = read_lines(SFW_8, &lines);

	walk_tree(&sfw_root, "", cmds, &ncmd);
	nsec = page_commands(lines, n, secs);
	for (int i = 0; i < ncmd; i++)
		list_add(&tree, cmds[i].path);
	for (int i = 0; i < nsec; i++)
		list_add(&page, secs[i].path);
	cr_expect_eq(missing(&tree, &page, absent, sizeof(absent)), 0,
		     SFW_8 " lacks commands of the word tree (a line '*sfw WORDS* ...' each):%s",
		     absent);
	cr_expect_eq(missing(&page, &tree, extra, sizeof(extra)), 0,
		     SFW_8 " names commands the word tree does not have:%s", extra);
	for (int i = 0; i < nsec; i++)
		for (int c = 0; c < ncmd; c++)
			if (!strcmp(secs[i].path, cmds[c].path)) {
				check_options(lines, &secs[i], &cmds[c], bad, sizeof(bad));
				check_option_lines(lines, &secs[i], &cmds[c], bad, sizeof(bad));
			}
	cr_expect_str_empty(bad, SFW_8 ": options missing from their command's section, "
			    "or listed under a command that does not take them:%s", bad);
	list_free(&tree);
	list_free(&page);
	free_lines(lines, n);
}

/* What main.c answers outside the tree, and the global option. */
Test(manpages, sfw_8_names_the_options_outside_the_tree)
{
	char **lines;
	int n = read_lines(SFW_8, &lines);
	bool version = false, json = false, shell = false;

	for (int i = 0; i < n; i++) {
		version |= strstr(lines[i], "*--version*") != NULL;
		json |= strstr(lines[i], "*--json*") != NULL;
		shell |= !strcmp(lines[i], "*sfw* [*cli*]");
	}
	cr_expect(version, SFW_8 " lacks *--version*");
	cr_expect(json, SFW_8 " lacks *--json*");
	cr_expect(shell, SFW_8 " lacks *sfw* [*cli*] (cli/shell/shell.h)");
	free_lines(lines, n);
}

/* --- sfw.conf(5) and the configuration parser -------------------------- */

/* Values to try where the parser expects one, until it takes one. */
static const char *const samples[] = {
	"n1", "10", "192.0.2.0/24", "ssh", "192.0.2.1", "2000", NULL
};

static struct sfw_conf_errors parse_one(const char *text)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf;

	cr_assert_eq(sfw_conf_init(&conf), 0);
	sfw_conf_parse_buffer(&conf, "t", text, strlen(text), &errs);
	sfw_conf_free(&conf);
	return errs;
}

/* The text after `needle` in a message about `text`, malloc'd, or NULL. */
static char *message_after(const char *text, const char *needle)
{
	struct sfw_conf_errors errs = parse_one(text);
	char *found = NULL;

	for (int i = 0; i < errs.n && !found; i++) {
		const char *p = strstr(errs.msg[i], needle);

		if (p)
			found = strdup(p + strlen(needle));
	}
	sfw_conf_errors_free(&errs);
	return found;
}

struct conf_walk {
	struct list found, refused;
	const char *seen[32];       /* what was expected along this path */
	int depth;
};

static void explore(struct conf_walk *w, const char *line, const char *skel);

/* "one of a, b, c": keywords; otherwise 'quoted' words are keywords and
 * any other text ("a zone name") means a value may come. */
static bool split_expected(const char *e, struct list *kw)
{
	char buf[LINE_MAX_LEN], *tok, *save;
	const char *p;
	bool value = false;

	if (!strncmp(e, "one of ", 7)) {
		snprintf(buf, sizeof(buf), "%s", e + 7);
		for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
			list_add(kw, tok);
		return false;
	}
	for (p = e; *p; p++) {
		const char *end;

		if (*p == '\'' && (end = strchr(p + 1, '\''))) {
			snprintf(buf, sizeof(buf), "%.*s", (int)(end - p - 1), p + 1);
			list_add(kw, buf);
			p = end;
		} else if (isalnum((unsigned char)*p) && strncmp(p, "or ", 3)) {
			value = true;
		} else if (!strncmp(p, "or ", 3)) {
			p += 2;
		}
	}
	return value;
}

static void explore_value(struct conf_walk *w, const char *line, const char *skel,
			  const char *expected)
{
	char probe[LINE_MAX_LEN], needle[LINE_MAX_LEN], next[STMT_LEN], nskel[STMT_LEN];

	for (int i = 0; samples[i]; i++) {
		char *after;

		snprintf(next, sizeof(next), "%s %s", line, samples[i]);
		snprintf(probe, sizeof(probe), "%s @x", next);
		snprintf(needle, sizeof(needle), "'@x' after '%s'", next);
		after = message_after(probe, needle);
		if (!after)
			continue;
		free(after);
		snprintf(nskel, sizeof(nskel), "%s <>", skel);
		explore(w, next, nskel);
		return;
	}
	cr_assert_fail("no sample value fits '%s': expected %s (add one to samples[])",
		       line, expected);
}

static void explore(struct conf_walk *w, const char *line, const char *skel)
{
	char needle[LINE_MAX_LEN], probe[LINE_MAX_LEN], next[STMT_LEN], nskel[STMT_LEN];
	struct list kw = { 0 };
	char *e;
	bool value;

	cr_assert_lt(w->depth, 32, "statement too deep: %s", line);
	snprintf(needle, sizeof(needle), "missing word after '%s': expected ", line);
	e = message_after(line, needle);
	if (!e) {
		/* whole, or refused: the parser reached the probe only if whole */
		snprintf(probe, sizeof(probe), "%s @x", line);
		snprintf(needle, sizeof(needle), "'@x' after '%s': expected ", line);
		e = message_after(probe, needle);
		if (!e) {
			list_add(&w->refused, skel);
			return;
		}
		list_add(&w->found, skel);
		if (!strcmp(e, "end of statement")) {
			free(e);
			return;
		}
	}
	/* words offered before on this path: leaves that may repeat
	 * (`application A protocol tcp destination-port 80 ...`) */
	value = split_expected(e, &kw);
	for (int i = 0; i < w->depth && kw.n; i++)
		if (!strcmp(w->seen[i], e)) {
			list_free(&kw);
			free(e);
			return;
		}
	w->seen[w->depth++] = e;
	for (int i = 0; i < kw.n; i++) {
		snprintf(next, sizeof(next), "%s %s", line, kw.v[i]);
		snprintf(nskel, sizeof(nskel), "%s %s", skel, kw.v[i]);
		explore(w, next, nskel);
	}
	if (value)
		explore_value(w, line, skel, e);
	list_free(&kw);
	free(e);
	w->depth--;
}

/* The page's statements: lines "*set ...*", normalised; the lines indented
 * under a run of them are their description. */
static void page_statements(char **lines, int n, const char *prefix, struct list *out)
{
	char words[LINE_MAX_LEN];

	for (int i = 0; i < n; i++)
		if (!strncmp(lines[i], prefix, strlen(prefix))) {
			synopsis_words(lines[i] + strlen(prefix) - strlen("*set "), words,
				       sizeof(words));
			list_add(out, words);
		}
}

Test(manpages, sfw_conf_5_names_every_statement_the_parser_accepts)
{
	struct conf_walk w = { 0 };
	struct list page = { 0 }, refused = { 0 };
	char **lines, absent[16384], extra[8192];
	int n = read_lines(SFW_CONF_5, &lines);

	explore(&w, "set", "set");
	cr_assert_gt(w.found.n, 40, "the parser walk found only %d statements", w.found.n);
	page_statements(lines, n, "*set ", &page);
	page_statements(lines, n, "- *set ", &refused);
	cr_expect_eq(missing(&w.found, &page, absent, sizeof(absent)), 0,
		     SFW_CONF_5 " lacks statements the parser accepts (a line '*set WORDS* "
		     "_value_ ...' each):%s", absent);
	cr_expect_eq(missing(&page, &w.found, extra, sizeof(extra)), 0,
		     SFW_CONF_5 " names statements the parser does not accept:%s", extra);
	cr_expect_eq(missing(&w.refused, &refused, absent, sizeof(absent)), 0,
		     SFW_CONF_5 " lacks statements the parser refuses (a line '- *set WORDS*' "
		     "each under REFUSED STATEMENTS):%s", absent);
	cr_expect_eq(missing(&refused, &w.refused, extra, sizeof(extra)), 0,
		     SFW_CONF_5 " says the parser refuses what it does not:%s", extra);
	list_free(&w.found);
	list_free(&w.refused);
	list_free(&page);
	list_free(&refused);
	free_lines(lines, n);
}

/* The "Default: " of the statement `stmt` (or of the one ending in it):
 * the page gives a run of statement lines, then their description indented
 * under them. */
static const char *default_line(char **lines, int n, const char *stmt)
{
	for (int i = 0; i < n; i++) {
		char words[LINE_MAX_LEN];
		size_t wl, sl = strlen(stmt);
		bool described = false;

		if (strncmp(lines[i], "*set ", 5))
			continue;
		synopsis_words(lines[i], words, sizeof(words));
		wl = strlen(words);
		if (wl < sl || strcmp(words + wl - sl, stmt) || (wl > sl && words[wl - sl - 1] != ' '))
			continue;
		for (int j = i + 1; j < n; j++) {
			if (!strncmp(lines[j], "*set ", 5) && !described)
				continue;
			if (lines[j][0] && lines[j][0] != '\t')
				break;
			described |= lines[j][0] == '\t';
			if (strstr(lines[j], "Default: "))
				return strstr(lines[j], "Default: ") + 9;
		}
		return NULL;
	}
	return NULL;
}

/* Every statement says its default; those with one definition in the code
 * (timeouts, screen thresholds) say that one. */
Test(manpages, sfw_conf_5_gives_each_statement_its_default)
{
	static const struct { const char *stmt; unsigned int def; } numbers[] = {
#define SFW_X(name, secs, word) { word " <>", secs },
		SFW_TIMEOUT_LIST(SFW_X)
#undef SFW_X
		{ "syn-flood attack-threshold <>", SFW_CONF_SYN_ATTACK_DEFAULT },
		{ "syn-flood source-threshold <>", SFW_CONF_SYN_SOURCE_DEFAULT },
		{ "syn-flood destination-threshold <>", SFW_CONF_SYN_DESTINATION_DEFAULT },
		{ "prometheus port <>", SFW_CONF_PROMETHEUS_PORT },
	};
	struct conf_walk w = { 0 };
	char **lines, bad[8192] = "";
	int n = read_lines(SFW_CONF_5, &lines);
	size_t used = 0;

	explore(&w, "set", "set");
	for (int i = 0; i < w.found.n; i++)
		if (!default_line(lines, n, w.found.v[i]))
			used += snprintf(bad + used, used < sizeof(bad) ? sizeof(bad) - used : 0,
					 "\n  %s", w.found.v[i]);
	cr_expect_str_empty(bad, SFW_CONF_5 ": statements without a 'Default: ' line in "
			    "their description:%s", bad);
	for (size_t k = 0; k < sizeof(numbers) / sizeof(numbers[0]); k++) {
		const char *d = default_line(lines, n, numbers[k].stmt);

		cr_expect(d && strtoul(d, NULL, 10) == numbers[k].def,
			  SFW_CONF_5 ": '%s' defaults to %u in the code, the page says '%s'",
			  numbers[k].stmt, numbers[k].def, d ? d : "nothing");
	}
	list_free(&w.found);
	list_free(&w.refused);
	free_lines(lines, n);
}

/* The host services sfw opens, as the parser lists them to an operator who
 * names another one. */
Test(manpages, sfw_conf_5_names_every_host_inbound_service)
{
	const char *stmt = "set security zones security-zone z host-inbound-traffic "
			   "system-services @x";
	char *list = message_after(stmt, "a service sfw opens on the host: "), *tok, *save;
	char **lines, bad[1024] = "", bold[64];
	int n = read_lines(SFW_CONF_5, &lines), found = 0;
	size_t used = 0;

	cr_assert_not_null(list, "the parser no longer lists its host services for '%s'", stmt);
	for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save), found++) {
		bool named = false;

		snprintf(bold, sizeof(bold), "*%s*", tok);
		for (int i = 0; i < n && !named; i++)
			named = strstr(lines[i], bold) != NULL;
		if (!named)
			used += snprintf(bad + used, used < sizeof(bad) ? sizeof(bad) - used : 0,
					 " %s", tok);
	}
	cr_expect_gt(found, 5);
	cr_expect_str_empty(bad, SFW_CONF_5 " lacks host-inbound services:%s", bad);
	free(list);
	free_lines(lines, n);
}

/* The example shipped as /etc/sfw/sfw.conf: as shipped an empty
 * configuration (every statement a comment), and a valid one uncommented. */
Test(manpages, example_configuration_is_empty_and_valid_uncommented)
{
	struct sfw_conf_errors errs = { 0 };
	struct sfw_conf conf, empty;
	char **lines, *text;
	int n = read_lines(EXAMPLE_CONF, &lines), stmts = 0;
	size_t len = 0;

	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_assert_eq(sfw_conf_init(&empty), 0);
	cr_assert_eq(sfw_conf_parse_file(&conf, EXAMPLE_CONF, &errs), 0, "%s",
		     errs.n ? errs.msg[0] : "");
	cr_assert_eq(sfw_conf_parse_buffer(&empty, "empty", "", 0, &errs), 0);
	cr_expect(sfw_conf_equal(&conf, &empty),
		  EXAMPLE_CONF " configures something as shipped: every statement must be a comment");
	sfw_conf_free(&conf);
	sfw_conf_free(&empty);
	text = calloc(1, 64 * 1024);
	for (int i = 0; i < n; i++)
		if (!strncmp(lines[i], "# set ", 6)) {
			len += snprintf(text + len, 64 * 1024 - len, "%s\n", lines[i] + 2);
			stmts++;
		}
	cr_assert_gt(stmts, 10);
	cr_assert_eq(sfw_conf_init(&conf), 0);
	cr_expect_eq(sfw_conf_parse_buffer(&conf, EXAMPLE_CONF, text, len, &errs), 0,
		     EXAMPLE_CONF " uncommented does not commit: %s", errs.n ? errs.msg[0] : "");
	sfw_conf_free(&conf);
	sfw_conf_errors_free(&errs);
	free(text);
	free_lines(lines, n);
}
