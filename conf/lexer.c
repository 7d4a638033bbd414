/* Words of one `set` statement, and the cursor the statement parsers read
 * them with. Every reader that fails names the word it stopped at, the
 * words before it, and what it expected there: a Junos user fixing a file
 * needs all three. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"
#include "err.h"

static int push_tok(struct conf_parser *p, const char *s, bool quoted)
{
	if (p->n == p->tok_cap) {
		int cap = p->tok_cap ? 2 * p->tok_cap : 32;
		struct conf_tok *t = realloc(p->tok, cap * sizeof(*t));

		if (!t) {
			p->oom = true;
			return -1;
		}
		p->tok = t;
		p->tok_cap = cap;
	}
	p->tok[p->n].s = s;
	p->tok[p->n].quoted = quoted;
	p->n++;
	return 0;
}

/* Unescape "..." in place (\" and \\); returns the rest of the line. */
static char *lex_quoted(struct conf_parser *p, char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r == '\\' && r[1])
			r++;
		else if (*r == '"') {
			*w = '\0';
			return push_tok(p, s, true) ? NULL : r + 1;
		}
		*w++ = *r;
	}
	*w = '\0';
	conf_error(p, "unterminated quoted string \"%s: expected a closing '\"'",
		   sfw_quote(s, 40, (char[4 * 40 + 4]){ 0 }, 4 * 40 + 4));
	return NULL;
}

static bool word_char(char c)
{
	return c && !isspace((unsigned char)c) && c != '[' && c != ']' && c != '"';
}

/* Brackets are words of their own even when written against a value
 * ("[a b]"), as Junos accepts; '#' starts a comment only at a word start. */
int conf_tokenize(struct conf_parser *p, char *s)
{
	p->n = 0;
	p->i = 0;
	for (;;) {
		char *w;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			return 0;
		if (*s == '[' || *s == ']') {
			if (push_tok(p, *s == '[' ? "[" : "]", false))
				return -1;
			s++;
			continue;
		}
		if (*s == '"') {
			s = lex_quoted(p, s + 1);
			if (!s)
				return -1;
			continue;
		}
		for (w = s; word_char(*s); s++)
			;
		if (*s == '"') {
			*s = '\0';
			conf_error(p, "unexpected '\"' after '%s': expected a space before a quoted string",
				   SFW_Q(w));
			return -1;
		}
		if (*s && s[0] != '[' && s[0] != ']')
			*s++ = '\0';
		else if (*s) {
			const char *br = *s == '[' ? "[" : "]";

			*s++ = '\0';
			if (push_tok(p, w, false) || push_tok(p, br, false))
				return -1;
			continue;
		}
		if (push_tok(p, w, false))
			return -1;
	}
}

/* The words before the cursor, for messages; long statements keep their
 * beginning, which says where in the hierarchy the error is. Each word is
 * quoted as sfw_quote() does, so a long or unprintable one stays short. */
const char *conf_context(struct conf_parser *p)
{
	size_t len = 0, cap = sizeof(p->ctx);

	p->ctx[0] = '\0';
	for (int k = 0; k < p->i && len < cap; k++) {
		const struct conf_tok *t = &p->tok[k];
		int w = snprintf(p->ctx + len, cap - len, t->quoted ? "%s\"%s\"" : "%s%s",
				 k ? " " : "", SFW_Q(t->s));

		if (w < 0 || (size_t)w >= cap - len) {
			strcpy(p->ctx + cap - 4, "...");
			break;
		}
		len += w;
	}
	return p->ctx;
}

bool conf_at_end(const struct conf_parser *p)
{
	return p->i >= p->n;
}

const char *conf_peek(const struct conf_parser *p)
{
	return conf_at_end(p) ? NULL : p->tok[p->i].s;
}

static bool peek_is(const struct conf_parser *p, const char *s)
{
	return !conf_at_end(p) && !p->tok[p->i].quoted && !strcmp(p->tok[p->i].s, s);
}

/* "missing word after 'X': expected E" or "unknown word 'W' after 'X': ..." */
int conf_expected(struct conf_parser *p, const char *expected)
{
	const char *ctx = conf_context(p);
	const char *sep = p->i ? " after '" : "";
	const char *end = p->i ? "'" : "";

	if (conf_at_end(p))
		conf_error(p, "missing word%s%s%s: expected %s", sep, ctx, end, expected);
	else
		conf_error(p, "unknown word '%s'%s%s%s: expected %s",
			   SFW_Q(p->tok[p->i].s), sep, ctx, end, expected);
	return -1;
}

int conf_bad(struct conf_parser *p, const char *what, const char *word,
	     const char *expected)
{
	conf_error(p, "bad %s '%s' after '%s': expected %s", what, SFW_Q(word),
		   conf_context(p), expected);
	return -1;
}

int conf_end(struct conf_parser *p)
{
	if (conf_at_end(p))
		return 0;
	conf_error(p, "unexpected word '%s' after '%s': expected end of statement",
		   SFW_Q(p->tok[p->i].s), conf_context(p));
	return -1;
}

int conf_keyword(struct conf_parser *p, const char *const *words)
{
	char expected[512];
	size_t len = 0;
	int k;

	for (k = 0; words[k]; k++)
		if (peek_is(p, words[k])) {
			p->i++;
			return k;
		}
	if (k == 1)
		snprintf(expected, sizeof(expected), "'%s'", words[0]);
	else {
		len = snprintf(expected, sizeof(expected), "one of");
		for (k = 0; words[k] && len < sizeof(expected); k++)
			len += snprintf(expected + len, sizeof(expected) - len, "%s %s",
					k ? "," : "", words[k]);
	}
	return conf_expected(p, expected);
}

static int next_value(struct conf_parser *p, const char *what, const char **out)
{
	if (conf_at_end(p) || (!p->tok[p->i].quoted &&
			       (!strcmp(p->tok[p->i].s, "[") || !strcmp(p->tok[p->i].s, "]"))))
		return conf_expected(p, what);
	*out = p->tok[p->i].s;
	return 0;
}

#define NAME_RULE "1 to 63 letters, digits or - _ . / : @ +, starting with a letter, digit or _"

int conf_add_name(struct conf_parser *p, const char *word, void *refs)
{
	if (!conf_valid_name(word))
		return conf_bad(p, "name", word, NAME_RULE);
	return conf_ref_add(p, refs, word);
}

int conf_name(struct conf_parser *p, char out[SFW_CONF_NAME_MAX], const char *what)
{
	const char *s;

	if (next_value(p, what, &s))
		return -1;
	if (!conf_valid_name(s))
		return conf_bad(p, "name", s, NAME_RULE);
	strcpy(out, s);
	p->i++;
	return 0;
}

/* Linux's rule (dev_valid_name): Junos names such as ge-0/0/0.0 do not fit. */
int conf_add_ifname(struct conf_parser *p, const char *word, void *refs)
{
	char name[SFW_CONF_NAME_MAX];
	int at = p->i;

	if (conf_ifname(p, name))
		return -1;
	p->i = at;    /* conf_list advances past the word itself */
	return conf_ref_add(p, refs, name);
}

/* Linux refuses '/', ':' and white space (isspace: \t \n \v \f \r too).
 * It allows other control characters, which sfw refuses as well: no tool
 * names an interface so, and `show configuration` and every listing would
 * write them raw to the operator's terminal. Whatever else Linux allows
 * ('#', '[', '"', non-ASCII) is kept, and printed quoted where the
 * language needs it (conf/print.c), so the printed file parses again. */
static bool valid_ifname(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= 16 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '/' || c == ':' || isspace(c) || c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

int conf_ifname(struct conf_parser *p, char out[SFW_CONF_NAME_MAX])
{
	const char *s;

	if (next_value(p, "an interface name", &s))
		return -1;
	if (!valid_ifname(s))
		return conf_bad(p, "interface name", s,
				"a Linux interface name (1 to 15 characters, no '/', ':', "
				"spaces or control characters)");
	strcpy(out, s);
	p->i++;
	return 0;
}

int conf_uint(struct conf_parser *p, const char *what, __u32 lo, __u32 hi, __u32 *out)
{
	char expected[96];
	unsigned long long v;
	const char *s;
	char *end;

	snprintf(expected, sizeof(expected), "a number from %u to %u", lo, hi);
	if (next_value(p, expected, &s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (!isdigit((unsigned char)s[0]) || *end || errno || v < lo || v > hi)
		return conf_bad(p, what, s, expected);
	*out = (__u32)v;
	p->i++;
	return 0;
}

/* A control character (but tab) in a free-form string: printed as it is
 * by `show configuration`, an escape sequence would reach the operator's
 * terminal (review rtuser L1). */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return true;
	return false;
}

int conf_string(struct conf_parser *p, char **out, const char *what)
{
	const char *s;
	char *copy;

	if (next_value(p, what, &s))
		return -1;
	if (has_control(s))
		return conf_bad(p, "text", s, "no control characters but tab");
	copy = strdup(s);
	if (!copy) {
		p->oom = true;
		return -1;
	}
	free(*out);
	*out = copy;
	p->i++;
	return 0;
}

static int list_item(struct conf_parser *p, const char *what, conf_add_fn add, void *ctx)
{
	const char *s;

	if (next_value(p, what, &s) || add(p, s, ctx))
		return -1;
	p->i++;
	return 0;
}

int conf_list(struct conf_parser *p, const char *what, conf_add_fn add, void *ctx)
{
	int items = 0;

	if (!peek_is(p, "["))
		return list_item(p, what, add, ctx);
	p->i++;
	while (!peek_is(p, "]")) {
		if (conf_at_end(p)) {
			conf_error(p, "missing ']' after '%s': expected %s or ']'",
				   conf_context(p), what);
			return -1;
		}
		if (list_item(p, what, add, ctx))
			return -1;
		items++;
	}
	if (!items) {
		conf_error(p, "empty list after '%s': expected %s", conf_context(p), what);
		return -1;
	}
	p->i++;
	return 0;
}
