/* Words and values as the printers write them (conf/print.c,
 * conf/nat_print.c), so that the lexer reads them back as written. */
#include <arpa/inet.h>
#include <string.h>
#include "conf_int.h"

void conf_put_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* A word the lexer (conf/lexer.c) would split or read otherwise unless
 * quoted: brackets, quotes, backslashes, a comment sign. Names never hold
 * these (conf_valid_name); interface names may, as Linux allows. */
void conf_put_word(FILE *f, const char *s)
{
	if (*s && !strpbrk(s, "[]\"\\#"))
		fputs(s, f);
	else
		conf_put_quoted(f, s);
}

void conf_put_prefix(FILE *f, const struct sfw_conf_prefix *pfx)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(pfx->family == SFW_FAMILY_INET ? AF_INET : AF_INET6,
		  pfx->addr.bytes, buf, sizeof(buf));
	fprintf(f, "%s/%u", buf, pfx->len);
}
