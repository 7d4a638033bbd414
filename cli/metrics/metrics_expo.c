/* Writing the text exposition format. */
#include <math.h>
#include <stdbool.h>
#include "metrics_expo.h"

void sfw_expo_init(struct sfw_expo *e, FILE *f)
{
	sfw_ob_init(&e->ob, f);
}

void sfw_expo_flush(struct sfw_expo *e)
{
	sfw_ob_flush(&e->ob);
}

/* HELP text escapes backslash and newline only. */
static void help_text(struct sfw_obuf *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sfw_ob_str(o, "\\\\");
		else if (*s == '\n')
			sfw_ob_str(o, "\\n");
		else
			sfw_ob_mem(o, s, 1);
	}
}

void sfw_expo_family(struct sfw_expo *e, const char *name, const char *type,
		     const char *help)
{
	sfw_ob_str(&e->ob, "# HELP ");
	sfw_ob_str(&e->ob, name);
	sfw_ob_str(&e->ob, " ");
	help_text(&e->ob, help);
	sfw_ob_str(&e->ob, "\n# TYPE ");
	sfw_ob_str(&e->ob, name);
	sfw_ob_str(&e->ob, " ");
	sfw_ob_str(&e->ob, type);
	sfw_ob_str(&e->ob, "\n");
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or 0. */
static int utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
		       (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

void sfw_expo_label_value(struct sfw_obuf *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = utf8_len(p);

		if (!n) {
			sfw_ob_str(o, "\xef\xbf\xbd");   /* U+FFFD */
			p++;
		} else if (*p == '\\' || *p == '"') {
			sfw_ob_mem(o, "\\", 1);
			sfw_ob_mem(o, (const char *)p++, 1);
		} else if (*p == '\n') {
			sfw_ob_str(o, "\\n");
			p++;
		} else {
			sfw_ob_mem(o, (const char *)p, (size_t)n);
			p += n;
		}
	}
}

static void series(struct sfw_expo *e, const char *name, const struct sfw_label *l, int nl)
{
	sfw_ob_str(&e->ob, name);
	for (int i = 0; i < nl; i++) {
		sfw_ob_str(&e->ob, i ? ",": "{");
		sfw_ob_str(&e->ob, l[i].name);
		sfw_ob_str(&e->ob, "=\"");
		sfw_expo_label_value(&e->ob, l[i].value);
		sfw_ob_str(&e->ob, "\"");
	}
	sfw_ob_str(&e->ob, nl ? "} " : " ");
}

void sfw_expo_u64(struct sfw_expo *e, const char *name, const struct sfw_label *l, int nl,
		  __u64 v)
{
	series(e, name, l, nl);
	sfw_ob_u64(&e->ob, v);
	sfw_ob_str(&e->ob, "\n");
}

void sfw_expo_f64(struct sfw_expo *e, const char *name, const struct sfw_label *l, int nl,
		  double v)
{
	char buf[40];

	series(e, name, l, nl);
	if (isinf(v))
		sfw_ob_str(&e->ob, v > 0 ? "+Inf" : "-Inf");
	else if (isnan(v))
		sfw_ob_str(&e->ob, "NaN");
	else
		sfw_ob_mem(&e->ob, buf, (size_t)snprintf(buf, sizeof(buf), "%.9g", v));
	sfw_ob_str(&e->ob, "\n");
}

const char *sfw_expo_snake(const char *word, char *buf, size_t len)
{
	size_t i = 0;

	for (; word[i] && i + 1 < len; i++) {
		char c = word[i];

		buf[i] = c == '-' || c == ' ' ? '_' : c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	buf[i] = '\0';
	return buf;
}
