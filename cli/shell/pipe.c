/* Output pipes (pipe.h): the words after `|`, and the chain of stages the
 * command's lines go through. The pipe words are a word tree of their own
 * (struct sfw_node, as cli/tree.c's), so `?`, abbreviation and help lines
 * come from the grammar's own functions (cli/help.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "help.h"
#include "maps.h"
#include "pipe.h"

#define KIDS(...) ((const struct sfw_node *const[]){ __VA_ARGS__, NULL })

/* Marks a node where the line may end: `?` offers <[Enter]> there. */
static int may_end(const struct sfw_cmdline *cl)
{
	return 0;
}

static const struct sfw_node bar = { .word = "|", .help = "Pipe through a command" };
/* after a complete stage */
static const struct sfw_node stage_done = { .run = may_end, .kids = KIDS(&bar) };

static const struct sfw_node w_count = { .word = "count", .help = "Count occurrences" };
static const struct sfw_node d_json = { .word = "json", .help = "Show JSON output" };
static const struct sfw_node d_set = {
	.word = "set", .help = "Show 'set' commands that create configuration",
};
static const struct sfw_node d_xml = { .word = "xml", .help = "Show XML output" };
static const struct sfw_node w_display = {
	.word = "display", .help = "Show additional kinds of information",
	.kids = KIDS(&d_json, &d_set, &d_xml),
};
#define PATTERN_WORD(name, w, h, ph) \
	static const struct sfw_node name = { .word = w, .help = h, \
		.flags = SFW_N_POSITIONAL, .pos_name = "<pattern>", .pos_help = ph }
PATTERN_WORD(w_except, "except", "Show only text that does not match a pattern",
	     "Lines to leave out (extended regular expression)");
PATTERN_WORD(w_find, "find", "Search for first occurrence of pattern",
	     "Show from the first line matching it (extended regular expression)");
PATTERN_WORD(w_match, "match", "Show only text that matches a pattern",
	     "Lines to keep (extended regular expression)");
static const struct sfw_node w_last = {
	.word = "last", .help = "Display end of output only", .flags = SFW_N_POSITIONAL,
	.pos_name = "<lines>", .pos_help = "Number of lines (1.." SFW_STR(SFW_PIPE_LAST_MAX) ")",
};
static const struct sfw_node w_no_more = { .word = "no-more", .help = "Don't paginate output" };
static const struct sfw_node w_refresh = {
	.word = "refresh", .help = "Refresh a continuous display of the command",
	.flags = SFW_N_POSITIONAL, .pos_name = "<interval>",
	.pos_help = "Seconds between refreshes (1.." SFW_STR(SFW_PIPE_REFRESH_MAX) ", default 1)",
	.run = may_end, .kids = KIDS(&bar),
};
static const struct sfw_node pipe_words = {
	.word = "|",
	.kids = KIDS(&w_count, &w_display, &w_except, &w_find, &w_last, &w_match, &w_no_more,
		     &w_refresh),
};

static const struct {
	const struct sfw_node *node;
	enum sfw_pipe_kind kind;
} kinds[] = {
	{ &w_count, SFW_PIPE_COUNT }, { &w_except, SFW_PIPE_EXCEPT },
	{ &w_find, SFW_PIPE_FIND }, { &w_last, SFW_PIPE_LAST },
	{ &w_match, SFW_PIPE_MATCH }, { &w_no_more, SFW_PIPE_NO_MORE },
	{ &w_refresh, SFW_PIPE_REFRESH }, { &d_json, SFW_PIPE_DISPLAY_JSON },
	{ &d_xml, SFW_PIPE_DISPLAY_XML }, { &d_set, SFW_PIPE_DISPLAY_SET },
};

/* Walking the pipe words: where we are, and the stage being filled. */
struct walk {
	struct sfw_pipeline *p;         /* NULL: only walking (help) */
	const struct sfw_words *ws;
	int i, to;
	const struct sfw_node *at;      /* what may come next */
	struct sfw_syntax *e;
};

static int fail(struct walk *w, enum sfw_syntax_kind kind, int word, const char *fmt,
		const char *a, const char *b)
{
	w->e->kind = kind;
	w->e->word = word;
	snprintf(w->e->msg, sizeof(w->e->msg), fmt, a, b);
	return -1;
}

static struct sfw_pipe_stage *add_stage(struct walk *w, const struct sfw_node *node)
{
	struct sfw_pipe_stage *s;
	size_t k;

	if (!w->p)
		return NULL;
	if (w->p->n == SFW_PIPE_MAX) {
		fail(w, SFW_SYN_OTHER, w->i, "too many pipes (at most %s)%s",
		     SFW_STR(SFW_PIPE_MAX), "");
		return NULL;
	}
	s = &w->p->st[w->p->n++];
	memset(s, 0, sizeof(*s));
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (kinds[k].node == node)
			s->kind = kinds[k].kind;
	return s;
}

/* A number 1..max, all digits. */
static bool take_number(const char *word, unsigned long max, unsigned long *n)
{
	char *end;

	if (word[0] < '0' || word[0] > '9')
		return false;
	errno = 0;
	*n = strtoul(word, &end, 10);
	return !*end && !errno && *n >= 1 && *n <= max;
}

static int take_pattern(struct walk *w, const struct sfw_node *node)
{
	const char *pat = w->ws->w[w->i];
	struct sfw_pipe_stage *s;
	char why[128];
	int r;

	if (!w->p)
		return 0;
	s = add_stage(w, node);
	if (!s)
		return -1;
	r = regcomp(&s->re, pat, REG_EXTENDED | REG_NOSUB);
	if (r) {
		regerror(r, &s->re, why, sizeof(why));
		w->p->n--;
		return fail(w, SFW_SYN_OTHER, w->i, "invalid regular expression '%s': %s", pat,
			    why);
	}
	s->has_re = true;
	return 0;
}

/* The value after a pipe word, at w->i (there is one, not a bar). */
static int take_value(struct walk *w, const struct sfw_node *node)
{
	const char *word = w->ws->w[w->i];
	unsigned long n = 0, max = node == &w_last ? SFW_PIPE_LAST_MAX : SFW_PIPE_REFRESH_MAX;
	struct sfw_pipe_stage *s;

	if (node != &w_last && node != &w_refresh)
		return take_pattern(w, node);
	if (!take_number(word, max, &n)) {
		/* the interval is optional: a word that is no number is no interval */
		if (node == &w_refresh && (word[0] < '0' || word[0] > '9'))
			return fail(w, SFW_SYN_UNKNOWN, w->i, "unknown word '%s' after '%s'",
				    word, node->word);
		w->e->kind = SFW_SYN_OTHER;
		w->e->word = w->i;
		snprintf(w->e->msg, sizeof(w->e->msg), "invalid value '%s' for '%s'; expected %s",
			 word, node->word, node == &w_last ? "a number of lines 1.."
			 SFW_STR(SFW_PIPE_LAST_MAX) : "seconds 1.." SFW_STR(SFW_PIPE_REFRESH_MAX));
		return -1;
	}
	s = add_stage(w, node);
	if (w->p && !s)
		return -1;
	if (s)
		s->n = n;
	return 0;
}

static bool at_end(struct walk *w)
{
	return w->i >= w->to || w->ws->bar[w->i];
}

/* Not a pipe word: the error names those there are, as the grammar's do. */
static int unknown_pipe(struct walk *w, bool amb)
{
	static const struct sfw_cmdline none;
	const char *word = w->ws->w[w->i];
	char *list = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&list, &len);

	if (f) {
		sfw_help_list_words(f, &pipe_words, amb ? word : "", &none);
		fclose(f);
	}
	fail(w, amb ? SFW_SYN_AMBIGUOUS : SFW_SYN_UNKNOWN, w->i,
	     amb ? "ambiguous word '%s' after '|'; could be: %s" :
	     "unknown word '%s' after '|'; expected one of: %s", word, list ? list : "");
	free(list);
	return -1;
}

/* The words of one stage after its bar, from w->i. */
static int walk_stage(struct walk *w)
{
	const struct sfw_node *node;
	bool amb;

	w->at = &pipe_words;
	if (at_end(w))
		return w->i < w->to ? fail(w, SFW_SYN_INCOMPLETE, w->i, "missing %s after '%s'",
					   "a pipe command", "|") : 0;
	node = sfw_match_kid(&pipe_words, w->ws->w[w->i], &amb);
	if (!node)
		return unknown_pipe(w, amb);
	w->i++;
	if (node == &w_display) {
		w->at = node;
		if (at_end(w))
			return w->i < w->to ? fail(w, SFW_SYN_OTHER, w->i, "missing %s after '%s'",
						   "json, set or xml", "display") : 0;
		node = sfw_match_kid(&w_display, w->ws->w[w->i], &amb);
		if (!node)
			return fail(w, amb ? SFW_SYN_AMBIGUOUS : SFW_SYN_UNKNOWN, w->i,
				    "unknown word '%s' after '%s'", w->ws->w[w->i], "display");
		w->i++;
	}
	w->at = node;
	if (node->flags & SFW_N_POSITIONAL) {
		if (at_end(w)) {
			if (node == &w_refresh)
				return add_stage(w, node) || !w->p ? 0 : -1;
			return w->i < w->to ? fail(w, SFW_SYN_OTHER, w->i, "missing %s after '%s'",
						   node->pos_name, node->word) : 0;
		}
		if (take_value(w, node))
			return -1;
		w->i++;
	} else if (w->p && !add_stage(w, node)) {
		return -1;
	}
	w->at = &stage_done;
	if (!at_end(w))
		return fail(w, SFW_SYN_UNKNOWN, w->i, "unknown word '%s' after '%s'",
			    w->ws->w[w->i], w->ws->w[w->i - 1]);
	return 0;
}

static int walk(struct walk *w, int from)
{
	for (w->i = from; w->i < w->to;) {
		w->i++;                      /* the bar */
		if (walk_stage(w))
			return -1;
	}
	return 0;
}

/* Modifiers: what they change is read before the run. */
static int settle(struct walk *w)
{
	struct sfw_pipeline *p = w->p;
	int k;

	for (k = 0; k < p->n; k++) {
		struct sfw_pipe_stage *s = &p->st[k];

		if (s->kind == SFW_PIPE_NO_MORE)
			p->no_more = true;
		if (s->kind == SFW_PIPE_DISPLAY_JSON)
			p->display = SFW_DISPLAY_JSON;
		if (s->kind == SFW_PIPE_DISPLAY_XML)
			p->display = SFW_DISPLAY_XML;
		if (s->kind == SFW_PIPE_DISPLAY_SET)
			p->display = SFW_DISPLAY_SET;
		if (s->kind == SFW_PIPE_REFRESH) {
			if (p->refresh)
				return fail(w, SFW_SYN_OTHER, w->ws->n, "'refresh' given twice%s%s",
					    "", "");
			p->refresh = s->n ? s->n : 1;
		}
		if (s->kind == SFW_PIPE_LAST) {
			s->ring = calloc(s->n, sizeof(*s->ring));
			if (!s->ring)
				return fail(w, SFW_SYN_OTHER, w->ws->n, "out of memory%s%s", "", "");
		}
	}
	return 0;
}

int sfw_pipe_parse(struct sfw_pipeline *p, const struct sfw_words *ws, int from,
		   struct sfw_syntax *e)
{
	struct walk w = { .p = p, .ws = ws, .to = ws->n, .e = e };

	memset(p, 0, sizeof(*p));
	if (walk(&w, from))
		return -1;
	if (w.at != &stage_done && w.at != &w_refresh)   /* the line ends too early */
		return fail(&w, w.at == &pipe_words ? SFW_SYN_INCOMPLETE : SFW_SYN_OTHER, ws->n,
			    "missing %s after '%s'", w.at == &pipe_words ? "a pipe command" :
			    w.at == &w_display ? "json, set or xml" : w.at->pos_name, ws->w[ws->n - 1]);
	return settle(&w);
}

static void drop_ring(struct sfw_pipe_stage *s)
{
	unsigned long k;

	for (k = 0; s->ring && k < s->n; k++) {
		free(s->ring[k]);
		s->ring[k] = NULL;
	}
	s->next = s->held = 0;
}

void sfw_pipe_free(struct sfw_pipeline *p)
{
	int k;

	for (k = 0; k < p->n; k++) {
		if (p->st[k].has_re)
			regfree(&p->st[k].re);
		drop_ring(&p->st[k]);
		free(p->st[k].ring);
	}
	p->n = 0;
}

void sfw_pipe_begin(struct sfw_pipeline *p, sfw_pipe_sink sink, void *ctx)
{
	int k;

	p->sink = sink;
	p->ctx = ctx;
	p->stopped = false;
	for (k = 0; k < p->n; k++) {
		p->st[k].count = 0;
		p->st[k].found = false;
		drop_ring(&p->st[k]);
	}
}

static bool matches(const struct sfw_pipe_stage *s, const char *line)
{
	return !regexec(&s->re, line, 0, NULL, 0);
}

static void hold(struct sfw_pipe_stage *s, const char *line, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return;     /* out of memory: the line is lost, not the run */
	memcpy(copy, line, len + 1);
	free(s->ring[s->next]);
	s->ring[s->next] = copy;
	s->next = (s->next + 1) % s->n;
	if (s->held < s->n)
		s->held++;
}

/* The line enters stage k. */
static void push(struct sfw_pipeline *p, int k, const char *line, size_t len)
{
	for (; k < p->n && !p->stopped; k++) {
		struct sfw_pipe_stage *s = &p->st[k];

		switch (s->kind) {
		case SFW_PIPE_MATCH:
			if (!matches(s, line))
				return;
			break;
		case SFW_PIPE_EXCEPT:
			if (matches(s, line))
				return;
			break;
		case SFW_PIPE_FIND:
			s->found = s->found || matches(s, line);
			if (!s->found)
				return;
			break;
		case SFW_PIPE_COUNT:
			s->count++;
			return;
		case SFW_PIPE_LAST:
			hold(s, line, len);
			return;
		default:           /* modifiers pass lines on */
			break;
		}
	}
	if (!p->stopped && !p->sink(p->ctx, line, len))
		p->stopped = true;
}

bool sfw_pipe_line(struct sfw_pipeline *p, const char *line, size_t len)
{
	push(p, 0, line, len);
	return !p->stopped;
}

/* The stages that hold lines give them to the next, in order. */
bool sfw_pipe_end(struct sfw_pipeline *p)
{
	char text[64];
	int k;

	for (k = 0; k < p->n && !p->stopped; k++) {
		struct sfw_pipe_stage *s = &p->st[k];
		unsigned long j;

		if (s->kind == SFW_PIPE_COUNT) {
			snprintf(text, sizeof(text), "Count: %lu lines", s->count);
			push(p, k + 1, text, strlen(text));
		}
		for (j = 0; s->kind == SFW_PIPE_LAST && j < s->held; j++) {
			char *line = s->ring[(s->next + s->n - s->held + j) % s->n];

			if (line)
				push(p, k + 1, line, strlen(line));
		}
		if (s->kind == SFW_PIPE_LAST)
			drop_ring(s);
	}
	return !p->stopped;
}

int sfw_pipe_help(FILE *f, const struct sfw_words *ws, int from, int to, const char *prefix,
		  struct sfw_syntax *e)
{
	static const struct sfw_cmdline none;
	struct walk w = { .ws = ws, .to = to, .e = e };

	if (walk(&w, from))
		return -1;
	sfw_help_node(f, w.at, prefix, &none, 0);
	return 0;
}
