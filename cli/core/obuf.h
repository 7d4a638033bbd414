/* An output buffer for the session listings: one session's text is built
 * with plain appends and handed to stdio in one write. A million sessions
 * through fprintf spend most of their time in its format parsing and
 * stream locking; this keeps `show` bound by the map walk instead. */
#ifndef SFW_CLI_OBUF_H
#define SFW_CLI_OBUF_H

#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "session.h"

/* One write(2) per 64 KiB: a JSON listing of 1,000,000 sessions is 1.2 GB,
 * 143,000 writes at 8 KiB (docs/performance.md, "CLI at 1,000,000
 * sessions", measures the difference). */
#define SFW_OBUF_SIZE 65536

struct sfw_obuf {
	FILE *f;
	size_t n;
	char b[SFW_OBUF_SIZE];
};

void sfw_ob_init(struct sfw_obuf *o, FILE *f);
/* A listing's stream that is a pipe (`| jq`, `| grep`) gets a 1 MiB pipe
 * buffer: with Linux's 64 KiB one the writer and the reader take turns
 * every 64 KiB, and a JSON listing of 10,000,000 sessions (11.7 GB)
 * spent more time passing through the pipe than being written
 * (docs/performance.md "Filters before views, and listings through a
 * pipe"). Anything else, or a pipe the
 * kernel will not grow (pipe-max-size, the user's pipe-user-pages), is
 * left as it is. */
#define SFW_OBUF_PIPE_SIZE (1 << 20)
void sfw_ob_widen_pipe(FILE *f);
/* Hand what is buffered to the stream. */
void sfw_ob_flush(struct sfw_obuf *o);

/* Appends; each flushes first when the buffer would overflow. Inline: a
 * JSON listing makes some 60 appends a session, most of a few constant
 * bytes that the compiler then copies without a call. */
void sfw_ob_mem_slow(struct sfw_obuf *o, const char *s, size_t len);
static inline void sfw_ob_mem(struct sfw_obuf *o, const char *s, size_t len)
{
	if (__builtin_expect(o->n + len > sizeof(o->b), 0)) {
		sfw_ob_mem_slow(o, s, len);
		return;
	}
	memcpy(o->b + o->n, s, len);
	o->n += len;
}
static inline void sfw_ob_str(struct sfw_obuf *o, const char *s)
{
	sfw_ob_mem(o, s, strlen(s));
}
void sfw_ob_u64(struct sfw_obuf *o, __u64 v);
/* The decimal digits of v, written backwards so they end at `end` (at
 * most 20 before it); returns the first. */
char *sfw_u64_digits(__u64 v, char *end);
void sfw_ob_hex(struct sfw_obuf *o, __u64 v);       /* 0x... */
void sfw_ob_addr(struct sfw_obuf *o, __u8 family, const union sfw_addr *a);
/* `s` left-aligned in `width` columns, at least one space after it. */
void sfw_ob_pad(struct sfw_obuf *o, const char *s, int width);
/* `v` right-aligned in `width` columns. */
void sfw_ob_u64_right(struct sfw_obuf *o, __u64 v, int width);

#endif
