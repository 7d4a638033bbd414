#include <arpa/inet.h>
#include "obuf.h"
#include "values.h"

void sfw_ob_init(struct sfw_obuf *o, FILE *f)
{
	o->f = f;
	o->n = 0;
}

void sfw_ob_flush(struct sfw_obuf *o)
{
	if (o->n)
		fwrite(o->b, 1, o->n, o->f);
	o->n = 0;
}

void sfw_ob_mem_slow(struct sfw_obuf *o, const char *s, size_t len)
{
	sfw_ob_flush(o);
	if (len > sizeof(o->b)) {
		fwrite(s, 1, len, o->f);
		return;
	}
	memcpy(o->b, s, len);
	o->n = len;
}

/* Digits of v, written backwards from `end`; returns the first one. */
static char *u64_digits(__u64 v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void sfw_ob_u64(struct sfw_obuf *o, __u64 v)
{
	char tmp[24], *s = u64_digits(v, tmp + sizeof(tmp));

	sfw_ob_mem(o, s, (size_t)(tmp + sizeof(tmp) - s));
}

void sfw_ob_u64_right(struct sfw_obuf *o, __u64 v, int width)
{
	char tmp[24], *s = u64_digits(v, tmp + sizeof(tmp));
	int len = (int)(tmp + sizeof(tmp) - s);

	for (; len < width; width--)
		sfw_ob_mem(o, " ", 1);
	sfw_ob_mem(o, s, (size_t)len);
}

void sfw_ob_hex(struct sfw_obuf *o, __u64 v)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[20], *s = tmp + sizeof(tmp);

	do {
		*--s = hex[v & 0xf];
		v >>= 4;
	} while (v);
	*--s = 'x';
	*--s = '0';
	sfw_ob_mem(o, s, (size_t)(tmp + sizeof(tmp) - s));
}

void sfw_ob_addr(struct sfw_obuf *o, __u8 family, const union sfw_addr *a)
{
	char buf[INET6_ADDRSTRLEN];
	int i;

	if (family == SFW_FAMILY_INET6) {
		sfw_ob_mem(o, buf, (size_t)(sfw_ip6_ntop(a->bytes, buf) - buf));
		return;
	}
	/* Dotted quad by hand: inet_ntop costs more than the rest of a line. */
	for (i = 0; i < 4; i++) {
		if (i)
			sfw_ob_mem(o, ".", 1);
		sfw_ob_u64(o, a->bytes[i]);
	}
}

void sfw_ob_pad(struct sfw_obuf *o, const char *s, int width)
{
	int len = (int)strlen(s);

	sfw_ob_mem(o, s, (size_t)len);
	do
		sfw_ob_mem(o, " ", 1);
	while (++len < width);
}
