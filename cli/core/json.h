/* A streaming JSON writer: members are written as they come, so a listing
 * of a million sessions never sits in memory. Two-space indentation, one
 * member per line. */
#ifndef SFW_CLI_JSON_H
#define SFW_CLI_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "obuf.h"

#define SFW_JSON_DEPTH 16

struct sfw_json {
	struct sfw_obuf *ob;     /* flushed when the top-level value closes */
	int depth;
	bool has_member[SFW_JSON_DEPTH];
};

void sfw_json_init(struct sfw_json *j, struct sfw_obuf *ob);
void sfw_json_close(struct sfw_json *j, char bracket);
/* Junos's `| display json` shape, which sfw's --json keeps: the document
 * is one object holding one named root object ("software-information"
 * for show version). The end's outer close flushes the buffer. */
void sfw_json_doc_begin(struct sfw_json *j, const char *root);
void sfw_json_doc_end(struct sfw_json *j);

/* A member's separator, newline, indentation and key. Inline with the
 * members below: for a literal key (a listing writes some 40 members a
 * session) the compiler counts and copies it, with one bounds check for
 * all of it. The indentation is copied as the whole run of spaces, a
 * fixed-size copy, and the pointer then moves by the depth's share. */
extern const char sfw_json_spaces[33];
void sfw_json_member_slow(struct sfw_json *j, const char *key, size_t klen);
static inline void sfw_json_member(struct sfw_json *j, const char *key, size_t klen)
{
	struct sfw_obuf *o = j->ob;
	size_t ind = (size_t)j->depth * 2;
	char *p;

	if (__builtin_expect(o->n + 2 + 32 + klen + 4 > sizeof(o->b), 0)) {
		sfw_json_member_slow(j, key, klen);   /* flushes, or a key past the buffer */
		return;
	}
	p = o->b + o->n;
	if (j->depth > 0) {
		if (j->has_member[j->depth])
			*p++ = ',';
		*p++ = '\n';
		j->has_member[j->depth] = true;
		memcpy(p, sfw_json_spaces, 32);
		p += ind < 32 ? ind : 32;
	}
	if (key) {
		*p++ = '"';
		memcpy(p, key, klen);
		p += klen;
		memcpy(p, "\": ", 3);
		p += 3;
	}
	o->n = (size_t)(p - o->b);
}

/* `key` is NULL inside arrays and at the top level. A member whose value
 * the caller appends (valid JSON as it stands: an address in quotes needs
 * no escaping) starts with it. */
static inline void sfw_json_key(struct sfw_json *j, const char *key)
{
	sfw_json_member(j, key, key ? strlen(key) : 0);
}
/* Only after sfw_json_key: the bracket, one level deeper. */
void sfw_json_open_value(struct sfw_json *j, char bracket);
static inline void sfw_json_open(struct sfw_json *j, const char *key, char bracket)
{
	sfw_json_key(j, key);
	sfw_json_open_value(j, bracket);
}
/* `s` as a JSON string, quotes included (Junos's JSON writes through it too). */
void sfw_json_quote(struct sfw_obuf *o, const char *s);
static inline void sfw_json_str(struct sfw_json *j, const char *key, const char *val)
{
	sfw_json_key(j, key);
	sfw_json_quote(j->ob, val);
}
static inline void sfw_json_num(struct sfw_json *j, const char *key, __u64 val)
{
	sfw_json_key(j, key);
	sfw_ob_u64(j->ob, val);
}
static inline void sfw_json_bool(struct sfw_json *j, const char *key, bool val)
{
	sfw_json_key(j, key);
	sfw_ob_str(j->ob, val ? "true" : "false");
}
static inline void sfw_json_null(struct sfw_json *j, const char *key)
{
	sfw_json_key(j, key);
	sfw_ob_str(j->ob, "null");
}

/* The length of the valid UTF-8 sequence at s (1 for ASCII, 0 at the
 * terminating NUL too), or 0 when the bytes there are not one (RFC 3629:
 * shortest form, no surrogates, at most U+10FFFF). Names reach JSON from
 * the kernel (interface names are any bytes): JSON must be UTF-8. */
int sfw_utf8_seq(const char *s);
/* What stands for a byte that starts no valid sequence: U+FFFD. */
#define SFW_UTF8_REPLACEMENT "\xef\xbf\xbd"
#define SFW_JSON_REPLACEMENT "\\ufffd"

#endif
