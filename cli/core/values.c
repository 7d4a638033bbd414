/* Parsing and printing of the values command words take. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apps.h"
#include "protocols.h"
#include "values.h"

static const struct {
	__u8 num;
	const char *name;
} proto_names[] = {
#define SFW_X(name, num, label) { num, label },
	SFW_PROTOCOL_LIST(SFW_X)
#undef SFW_X
};

#define N_PROTO ((int)(sizeof(proto_names) / sizeof(proto_names[0])))

const char *sfw_proto_name(__u8 proto)
{
	int i;

	for (i = 0; i < N_PROTO; i++)
		if (proto_names[i].num == proto)
			return proto_names[i].name;
	return NULL;
}

/* Strict decimal: digits only (no sign, no spaces, no hex), at most max. */
static int parse_dec(const char *s, __u64 max, __u64 *out)
{
	__u64 v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (__u64)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (__u64)(*s - '0');
	}
	*out = v;
	return 0;
}

int sfw_match_choice(const char *const *choices, const char *word)
{
	size_t n = strlen(word);
	int i, found = -1;

	if (!n)
		return -1;
	for (i = 0; choices[i]; i++) {
		if (!strcmp(choices[i], word))
			return i;
		if (!strncmp(choices[i], word, n))
			found = found == -1 ? i : -2;
	}
	return found;
}

static int parse_proto(const char *word, struct sfw_value *out)
{
	int i;

	for (i = 0; i < N_PROTO; i++) {
		if (!strcmp(proto_names[i].name, word)) {
			out->num = proto_names[i].num;
			return 0;
		}
	}
	return parse_dec(word, 255, &out->num);
}

static int parse_prefix(const char *word, struct sfw_prefix *p)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(word, '/');
	size_t alen = slash ? (size_t)(slash - word) : strlen(word);
	__u64 len;

	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, word, alen);
	addr[alen] = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, addr, &p->addr.v4) == 1) {
		p->family = SFW_FAMILY_INET;
		len = 32;
	} else if (inet_pton(AF_INET6, addr, p->addr.bytes) == 1) {
		p->family = SFW_FAMILY_INET6;
		len = 128;
	} else {
		return -1;
	}
	if (slash && parse_dec(slash + 1, len, &len))
		return -1;
	p->len = (__u8)len;
	return 0;
}

/* An interface by name, or by index when no interface has that name (a
 * gone interface's sessions keep its index). The name first: Linux names
 * may be all digits, and `sfw attach 2` attaches the interface named 2
 * (rv31b F2: the index first cleared another interface's sessions). */
static int parse_iface(const char *word, struct sfw_value *out)
{
	unsigned int idx = strlen(word) < IF_NAMESIZE ? if_nametoindex(word) : 0;

	if (idx) {
		out->num = idx;
		return 0;
	}
	return !parse_dec(word, 0xffffffffu, &out->num) && out->num ? 0 : -1;
}

int sfw_parse_value(enum sfw_arg_type type, const char *const *choices,
		    const char *word, struct sfw_value *out)
{
	int rc = -1, i;

	memset(out, 0, sizeof(*out));
	out->str = word;
	switch (type) {
	case SFW_ARG_NONE:
		rc = 0;
		break;
	case SFW_ARG_UINT:
		rc = parse_dec(word, 0xffffffffu, &out->num);
		break;
	case SFW_ARG_PORT:
		rc = parse_dec(word, 65535, &out->num);
		break;
	case SFW_ARG_PROTO:
		rc = parse_proto(word, out);
		break;
	case SFW_ARG_PREFIX:
		rc = parse_prefix(word, &out->pfx);
		break;
	case SFW_ARG_ADDR:
		rc = strchr(word, '/') ? -1 : parse_prefix(word, &out->pfx);
		break;
	case SFW_ARG_ID:
		rc = parse_dec(word, ~0ULL, &out->num) || out->num == 0 ? -1 : 0;
		break;
	case SFW_ARG_IFACE:
		rc = parse_iface(word, out);
		break;
	case SFW_ARG_APP:
		rc = sfw_app_known(word) ? 0 : -1;
		break;
	case SFW_ARG_NAME:
		rc = *word ? 0 : -1;
		break;
	case SFW_ARG_CHOICE:
		i = sfw_match_choice(choices, word);
		rc = i < 0 ? -1 : 0;
		out->num = (__u64)(i < 0 ? 0 : i);
		break;
	}
	out->set = rc == 0;
	return rc;
}

static void append_list(char *buf, size_t len, const char *const *words)
{
	size_t used = strlen(buf);
	int i;

	for (i = 0; words[i] && used < len; i++) {
		snprintf(buf + used, len - used, "%s%s", i ? ", " : "", words[i]);
		used = strlen(buf);
	}
}

static void append_proto_names(char *buf, size_t len)
{
	const char *sorted[N_PROTO + 1];
	int i, j;

	/* Alphabetical, as Junos lists them (docs/junos-layouts.md, grammar habits). */
	for (i = 0; i < N_PROTO; i++) {
		const char *s = proto_names[i].name;

		for (j = i; j > 0 && strcmp(sorted[j - 1], s) > 0; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = s;
	}
	sorted[N_PROTO] = NULL;
	append_list(buf, len, sorted);
}

const char *sfw_arg_expect(enum sfw_arg_type type, const char *const *choices,
			   char *buf, size_t len)
{
	buf[0] = '\0';
	switch (type) {
	case SFW_ARG_NONE:
		break;
	case SFW_ARG_UINT:
		snprintf(buf, len, "a number 0..4294967295");
		break;
	case SFW_ARG_PORT:
		snprintf(buf, len, "a port number 0..65535");
		break;
	case SFW_ARG_PROTO:
		snprintf(buf, len, "a protocol name (");
		append_proto_names(buf, len);
		snprintf(buf + strlen(buf), len - strlen(buf), ") or number 0..255");
		break;
	case SFW_ARG_PREFIX:
		snprintf(buf, len, "an IPv4 or IPv6 address with optional /length");
		break;
	case SFW_ARG_ADDR:
		snprintf(buf, len, "an IPv4 or IPv6 address");
		break;
	case SFW_ARG_ID:
		snprintf(buf, len, "a session identifier 1..18446744073709551615");
		break;
	case SFW_ARG_IFACE:
		snprintf(buf, len, "an existing interface name or index");
		break;
	case SFW_ARG_APP:
		snprintf(buf, len, "a predefined application (junos-http, http, dns, ...; see help)");
		break;
	case SFW_ARG_NAME:
		snprintf(buf, len, "a name");
		break;
	case SFW_ARG_CHOICE:
		snprintf(buf, len, "one of: ");
		append_list(buf, len, choices);
		break;
	}
	return buf;
}

const char *sfw_arg_placeholder(enum sfw_arg_type type)
{
	switch (type) {
	case SFW_ARG_UINT:   return "<number>";
	case SFW_ARG_PORT:   return "<port>";
	case SFW_ARG_PROTO:  return "<protocol>";
	case SFW_ARG_PREFIX: return "<prefix>";
	case SFW_ARG_ADDR:   return "<address>";
	case SFW_ARG_ID:     return "<session-identifier>";
	case SFW_ARG_IFACE:  return "<interface>";
	case SFW_ARG_APP:    return "<application>";
	case SFW_ARG_NAME:   return "<name>";
	case SFW_ARG_CHOICE: return "<choice>";
	case SFW_ARG_NONE:   break;
	}
	return "";
}

bool sfw_prefix_match(const struct sfw_prefix *p, __u8 family,
		      const union sfw_addr *addr)
{
	unsigned int full = p->len / 8, rest = p->len % 8;
	__u8 mask;

	if (p->family != family)
		return false;
	if (memcmp(p->addr.bytes, addr->bytes, full))
		return false;
	if (!rest)
		return true;
	mask = (__u8)(0xff << (8 - rest));
	return ((p->addr.bytes[full] ^ addr->bytes[full]) & mask) == 0;
}

char *sfw_ip4_ntop(const __u8 a[4], char *p)
{
	for (int i = 0; i < 4; i++) {
		__u8 b = a[i];

		if (i)
			*p++ = '.';
		if (b >= 100)
			*p++ = (char)('0' + b / 100);
		if (b >= 10)
			*p++ = (char)('0' + b / 10 % 10);
		*p++ = (char)('0' + b % 10);
	}
	*p = '\0';
	return p;
}

/* The longest run of two or more zero groups (the first of equals): *base
 * is -1 when there is none. */
static void zero_run(const __u16 w[8], int *base, int *len)
{
	int cur = -1;

	*base = -1;
	*len = 0;
	for (int i = 0; i <= 8; i++) {
		if (i < 8 && !w[i]) {
			if (cur < 0)
				cur = i;
			continue;
		}
		if (cur >= 0 && i - cur > *len && i - cur >= 2) {
			*base = cur;
			*len = i - cur;
		}
		cur = -1;
	}
}

char *sfw_ip6_ntop(const __u8 a[16], char *p)
{
	static const char hex[] = "0123456789abcdef";
	__u16 w[8];
	int base, len;

	for (int i = 0; i < 8; i++)
		w[i] = (__u16)(a[2 * i] << 8 | a[2 * i + 1]);
	zero_run(w, &base, &len);
	for (int i = 0; i < 8; i++) {
		if (base >= 0 && i >= base && i < base + len) {
			if (i == base)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		if (i == 6 && base == 0 && (len == 6 || (len == 5 && w[5] == 0xffff)))
			return sfw_ip4_ntop(a + 12, p);
		for (int shift = 12; shift >= 0; shift -= 4)
			if (w[i] >> shift || !shift)
				*p++ = hex[w[i] >> shift & 0xf];
	}
	if (base >= 0 && base + len == 8)
		*p++ = ':';
	*p = '\0';
	return p;
}

const char *sfw_addr_str(__u8 family, const union sfw_addr *addr, char *buf,
			 size_t len)
{
	if (len >= INET6_ADDRSTRLEN) {
		/* by hand: listings print millions of them */
		if (family == SFW_FAMILY_INET6)
			sfw_ip6_ntop(addr->bytes, buf);
		else
			sfw_ip4_ntop(addr->bytes, buf);
		return buf;
	}
	if (family == SFW_FAMILY_INET6 || len < INET_ADDRSTRLEN) {
		if (!inet_ntop(family == SFW_FAMILY_INET6 ? AF_INET6 : AF_INET,
			       addr->bytes, buf, (socklen_t)len))
			snprintf(buf, len, "?");
		return buf;
	}
	sfw_ip4_ntop(addr->bytes, buf);
	return buf;
}
