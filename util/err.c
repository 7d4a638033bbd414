/* The one-line error channel. No library prints: a failure records one
 * line here, and the CLI shows it at one place (sfw_report). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"

/* Room for two PATH_MAX paths: a message is never cut short. One per
 * thread: the cluster worker's failures never overwrite the command's. */
static _Thread_local char last_error[SFW_ERR_MAX];

const char *sfw_last_error(void)
{
	return last_error[0] ? last_error : "unknown error";
}

int sfw_fail(int err_abs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return -abs(err_abs);
}

const char *sfw_quote(const char *word, size_t max, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t at = 0, k;

	for (k = 0; word[k] && k < max && at + 5 < len; k++) {
		unsigned char c = (unsigned char)word[k];

		if (c >= 0x20 && c < 0x7f) {
			buf[at++] = (char)c;
			continue;
		}
		buf[at++] = '\\';
		buf[at++] = 'x';
		buf[at++] = hex[c >> 4];
		buf[at++] = hex[c & 0xf];
	}
	if (word[k] && at + 4 <= len) {
		memcpy(buf + at, "...", 3);
		at += 3;
	}
	buf[at] = '\0';
	return buf;
}

int sfw_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < len)
		return 0;
	return sfw_fail(ENAMETOOLONG, "path too long: %s (%d bytes, at most %zu)",
			SFW_Q(buf), n, len ? len - 1 : 0);
}
