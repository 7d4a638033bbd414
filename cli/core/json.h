/* A streaming JSON writer: members are written as they come, so a listing
 * of a million sessions never sits in memory. Two-space indentation, one
 * member per line. */
#ifndef SFW_CLI_JSON_H
#define SFW_CLI_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "obuf.h"

#define SFW_JSON_DEPTH 16

struct sfw_json {
	struct sfw_obuf *ob;     /* flushed when the top-level value closes */
	int depth;
	bool has_member[SFW_JSON_DEPTH];
};

void sfw_json_init(struct sfw_json *j, struct sfw_obuf *ob);
/* `key` is NULL inside arrays and at the top level. */
void sfw_json_open(struct sfw_json *j, const char *key, char bracket);
void sfw_json_close(struct sfw_json *j, char bracket);
void sfw_json_str(struct sfw_json *j, const char *key, const char *val);
void sfw_json_num(struct sfw_json *j, const char *key, __u64 val);
void sfw_json_bool(struct sfw_json *j, const char *key, bool val);
void sfw_json_null(struct sfw_json *j, const char *key);
/* `s` as a JSON string, quotes included (Junos's JSON writes through it too). */
void sfw_json_quote(struct sfw_obuf *o, const char *s);

/* The length of the valid UTF-8 sequence at s (1 for ASCII, 0 at the
 * terminating NUL too), or 0 when the bytes there are not one (RFC 3629:
 * shortest form, no surrogates, at most U+10FFFF). Names reach JSON from
 * the kernel (interface names are any bytes): JSON must be UTF-8. */
int sfw_utf8_seq(const char *s);
/* What stands for a byte that starts no valid sequence: U+FFFD. */
#define SFW_UTF8_REPLACEMENT "\xef\xbf\xbd"
#define SFW_JSON_REPLACEMENT "\\ufffd"

#endif
