#define _GNU_SOURCE   /* F_GETPIPE_SZ, F_SETPIPE_SZ */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "obuf.h"
#include "values.h"

void sfw_ob_init(struct sfw_obuf *o, FILE *f)
{
	o->f = f;
	o->n = 0;
}

void sfw_ob_widen_pipe(FILE *f)
{
	struct stat st;
	int fd = fileno(f);

	if (fd < 0 || fstat(fd, &st) || !S_ISFIFO(st.st_mode))
		return;
	if (fcntl(fd, F_GETPIPE_SZ) < SFW_OBUF_PIPE_SIZE)
		(void)fcntl(fd, F_SETPIPE_SZ, SFW_OBUF_PIPE_SIZE);
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

/* Digits of v, written backwards from `end` two at a time (half the
 * divisions: a JSON listing writes some 25 numbers a session); returns
 * the first one. */
char *sfw_u64_digits(__u64 v, char *end)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";

	while (v >= 100) {
		end -= 2;
		memcpy(end, pairs + v % 100 * 2, 2);
		v /= 100;
	}
	if (v >= 10) {
		end -= 2;
		memcpy(end, pairs + v * 2, 2);
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

static size_t u64_len(__u64 v)
{
	__u64 p = 10;
	size_t n = 1;

	for (; n < 20 && v >= p; p *= 10)   /* 10^19 is the last power in 64 bits */
		n++;
	return n;
}

/* Straight into the buffer when the longest number fits. */
void sfw_ob_u64(struct sfw_obuf *o, __u64 v)
{
	char tmp[24], *s;
	size_t n;

	if (o->n + 20 <= sizeof(o->b)) {
		n = u64_len(v);
		sfw_u64_digits(v, o->b + o->n + n);
		o->n += n;
		return;
	}
	s = sfw_u64_digits(v, tmp + sizeof(tmp));
	sfw_ob_mem(o, s, (size_t)(tmp + sizeof(tmp) - s));
}

void sfw_ob_u64_right(struct sfw_obuf *o, __u64 v, int width)
{
	char tmp[24], *s = sfw_u64_digits(v, tmp + sizeof(tmp));
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

/* By hand (values.c): inet_ntop costs more than the rest of a line. */
void sfw_ob_addr(struct sfw_obuf *o, __u8 family, const union sfw_addr *a)
{
	char buf[INET6_ADDRSTRLEN];
	char *end = family == SFW_FAMILY_INET6 ? sfw_ip6_ntop(a->bytes, buf)
					       : sfw_ip4_ntop(a->bytes, buf);

	sfw_ob_mem(o, buf, (size_t)(end - buf));
}

void sfw_ob_pad(struct sfw_obuf *o, const char *s, int width)
{
	int len = (int)strlen(s);

	sfw_ob_mem(o, s, (size_t)len);
	do
		sfw_ob_mem(o, " ", 1);
	while (++len < width);
}
