/* A strict JSON checker (RFC 8259, UTF-8 strings) for the fuzz harnesses:
 * what sfw writes as JSON must parse in any consumer, whatever bytes the
 * names and values held. json_check() returns NULL when the text is one
 * valid JSON value (surrounded by white space at most), else what is wrong. */
#ifndef SFW_FUZZ_JSON_CHECK_H
#define SFW_FUZZ_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct jc {
	const unsigned char *s, *end;
	const char *why;
	int depth;
};

static void jc_ws(struct jc *c)
{
	while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
		c->s++;
}

static bool jc_fail(struct jc *c, const char *why)
{
	if (!c->why)
		c->why = why;
	return false;
}

/* One UTF-8 sequence (shortest form, no surrogates, at most U+10FFFF). */
static bool jc_utf8(struct jc *c)
{
	unsigned char b = *c->s;
	int n = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
	unsigned cp;

	if (b < 0xc2 || b > 0xf4)
		return jc_fail(c, "a byte that starts no UTF-8 sequence");
	if (c->end - c->s <= n)
		return jc_fail(c, "a truncated UTF-8 sequence");
	cp = b & (0x3f >> n);
	for (int k = 1; k <= n; k++) {
		if ((c->s[k] & 0xc0) != 0x80)
			return jc_fail(c, "a bad UTF-8 continuation byte");
		cp = cp << 6 | (c->s[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return jc_fail(c, "an overlong or out of range UTF-8 sequence");
	c->s += n + 1;
	return true;
}

static bool jc_string(struct jc *c)
{
	c->s++;   /* the opening quote */
	while (c->s < c->end && *c->s != '"') {
		if (*c->s < 0x20)
			return jc_fail(c, "a control character in a string");
		if (*c->s == '\\') {
			if (c->end - c->s < 2)
				return jc_fail(c, "a truncated escape");
			if (c->s[1] == 'u') {
				if (c->end - c->s < 6)
					return jc_fail(c, "a truncated \\u escape");
				for (int k = 2; k < 6; k++)
					if (!strchr("0123456789abcdefABCDEF", c->s[k]) || !c->s[k])
						return jc_fail(c, "a bad \\u escape");
				c->s += 6;
			} else if (c->s[1] && strchr("\"\\/bfnrt", c->s[1])) {
				c->s += 2;
			} else {
				return jc_fail(c, "a bad escape");
			}
		} else if (*c->s >= 0x80) {
			if (!jc_utf8(c))
				return false;
		} else {
			c->s++;
		}
	}
	if (c->s == c->end)
		return jc_fail(c, "an unterminated string");
	c->s++;
	return true;
}

static bool jc_number(struct jc *c)
{
	const unsigned char *start = c->s;

	if (*c->s == '-')
		c->s++;
	if (c->s < c->end && *c->s == '0')
		c->s++;
	else if (c->s < c->end && *c->s >= '1' && *c->s <= '9')
		while (c->s < c->end && *c->s >= '0' && *c->s <= '9')
			c->s++;
	else
		return jc_fail(c, "a bad number");
	if (c->s < c->end && *c->s == '.') {
		c->s++;
		if (c->s == c->end || *c->s < '0' || *c->s > '9')
			return jc_fail(c, "a bad fraction");
		while (c->s < c->end && *c->s >= '0' && *c->s <= '9')
			c->s++;
	}
	return c->s > start;
}

static bool jc_value(struct jc *c);

static bool jc_members(struct jc *c, unsigned char close, bool keys)
{
	c->s++;
	jc_ws(c);
	if (c->s < c->end && *c->s == close) {
		c->s++;
		return true;
	}
	for (;;) {
		jc_ws(c);
		if (keys) {
			if (c->s == c->end || *c->s != '"' || !jc_string(c))
				return jc_fail(c, "an object member without a string key");
			jc_ws(c);
			if (c->s == c->end || *c->s != ':')
				return jc_fail(c, "a key without ':'");
			c->s++;
		}
		if (!jc_value(c))
			return false;
		jc_ws(c);
		if (c->s < c->end && *c->s == ',') {
			c->s++;
			continue;
		}
		if (c->s < c->end && *c->s == close) {
			c->s++;
			return true;
		}
		return jc_fail(c, "a missing ',' or closing bracket");
	}
}

static bool jc_word(struct jc *c, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(c->end - c->s) < n || memcmp(c->s, w, n))
		return jc_fail(c, "an unknown word");
	c->s += n;
	return true;
}

static bool jc_value(struct jc *c)
{
	bool ok;

	jc_ws(c);
	if (c->s == c->end)
		return jc_fail(c, "a missing value");
	if (++c->depth > 256)
		return jc_fail(c, "nested too deep");
	switch (*c->s) {
	case '{': ok = jc_members(c, '}', true); break;
	case '[': ok = jc_members(c, ']', false); break;
	case '"': ok = jc_string(c); break;
	case 't': ok = jc_word(c, "true"); break;
	case 'f': ok = jc_word(c, "false"); break;
	case 'n': ok = jc_word(c, "null"); break;
	default: ok = jc_number(c); break;
	}
	c->depth--;
	return ok;
}

/* Plain text for a log line: UTF-8 and no control character. */
static inline const char *text_check(const char *text)
{
	struct jc c = { (const unsigned char *)text,
			(const unsigned char *)text + strlen(text), NULL, 0 };

	while (c.s < c.end) {
		if (*c.s < 0x20 || *c.s == 0x7f)
			return "a control character";
		if (*c.s >= 0x80 ? !jc_utf8(&c) : !++c.s)
			return c.why;
	}
	return NULL;
}

static inline const char *json_check(const char *text, size_t len)
{
	struct jc c = { (const unsigned char *)text, (const unsigned char *)text + len, NULL, 0 };

	if (!jc_value(&c))
		return c.why;
	jc_ws(&c);
	return c.s == c.end ? NULL : "text after the value";
}

#endif
