/* The one-line error channel shared by every library of sfw (conf,
 * loader): a function that fails records one line and returns a negative
 * errno; the CLI prints the line at one place. No library prints. */
#ifndef SFW_ERR_H
#define SFW_ERR_H

#include <stddef.h>

/* The message of the last failure, one line, no trailing newline, at
 * most SFW_ERR_MAX bytes with its NUL: a copy that size is never cut. */
#define SFW_ERR_MAX 8448
const char *sfw_last_error(void);
/* Record a failure message (printf-style) and return -err_abs. */
int sfw_fail(int err_abs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A word from the user as an error message quotes it: at most max bytes
 * of it (then "..."), bytes outside printable ASCII as \xHH. A mistaken
 * 100 kB argument then gives a short line, and a stray byte (a UTF-8
 * byte-order mark, a control character) shows as what it is. Writes into
 * buf (at least 4 * max + 4 bytes) and returns it. */
const char *sfw_quote(const char *word, size_t max, char *buf, size_t len);
#define SFW_QUOTE_MAX 64      /* any valid name (63) is quoted whole */
#define SFW_QUOTE_LEN (4 * SFW_QUOTE_MAX + 4)
/* sfw_quote(word, SFW_QUOTE_MAX) into a buffer that lives as long as the
 * enclosing block: for use as a printf argument. */
#define SFW_Q(word) sfw_quote((word), SFW_QUOTE_MAX, (char[SFW_QUOTE_LEN]){ 0 }, SFW_QUOTE_LEN)

/* A path built printf-style into buf: 0, or -ENAMETOOLONG with a message
 * when it does not fit. Paths are never cut short: a cut path names
 * another file. */
int sfw_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
