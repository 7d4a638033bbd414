/* The value parsers: the command line's (cli/core/values.c) and the
 * configuration's (conf/values.c). The first byte picks the parser,
 * the rest is the word. Whatever the word: no crash, and what parses is in
 * range and prints back to a word that parses to the same value. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include "conf_int.h"
#include "fuzz.h"
#include "values.h"

static const char *const choices[] = { "native", "generic", "genuine", NULL };

static void cli_prefix(const struct sfw_value *v)
{
	char buf[INET6_ADDRSTRLEN + 8], addr[INET6_ADDRSTRLEN];
	struct sfw_value again;

	if (v->pfx.family != SFW_FAMILY_INET && v->pfx.family != SFW_FAMILY_INET6)
		fuzz_fail("prefix of family %u", v->pfx.family);
	if (v->pfx.len > (v->pfx.family == SFW_FAMILY_INET ? 32 : 128))
		fuzz_fail("prefix length %u", v->pfx.len);
	sfw_addr_str(v->pfx.family, &v->pfx.addr, addr, sizeof(addr));
	snprintf(buf, sizeof(buf), "%s/%u", addr, v->pfx.len);
	if (sfw_parse_value(SFW_ARG_PREFIX, NULL, buf, &again) ||
	    again.pfx.family != v->pfx.family || again.pfx.len != v->pfx.len ||
	    memcmp(&again.pfx.addr, &v->pfx.addr, sizeof(v->pfx.addr)))
		fuzz_fail("prefix '%s' does not parse back", buf);
	if (!sfw_prefix_match(&v->pfx, v->pfx.family, &v->pfx.addr))
		fuzz_fail("prefix '%s' does not contain its own address", buf);
}

static void cli_value(enum sfw_arg_type type, const char *word)
{
	static const __u64 max[] = {
		[SFW_ARG_UINT] = 0xffffffffu, [SFW_ARG_PORT] = 65535, [SFW_ARG_PROTO] = 255,
	};
	char expect[8];
	struct sfw_value v;
	int rc = sfw_parse_value(type, choices, word, &v);

	/* every buffer size, the smallest included, ends in a NUL */
	for (size_t n = 1; n < sizeof(expect); n++)
		if (strlen(sfw_arg_expect(type, choices, expect, n)) >= n)
			fuzz_fail("sfw_arg_expect overran %zu bytes", n);
	if (rc) {
		if (v.set)
			fuzz_fail("a refused word is marked set");
		return;
	}
	if (type < sizeof(max) / sizeof(max[0]) && max[type] && v.num > max[type])
		fuzz_fail("'%s' parsed to %llu, over %llu", word, (unsigned long long)v.num,
			  (unsigned long long)max[type]);
	if (type == SFW_ARG_ID && !v.num)
		fuzz_fail("session id 0 accepted");
	if (type == SFW_ARG_CHOICE && v.num > 2)
		fuzz_fail("choice %llu of 3", (unsigned long long)v.num);
	if (type == SFW_ARG_PREFIX)
		cli_prefix(&v);
	if (type == SFW_ARG_PROTO && sfw_proto_name((__u8)v.num)) {
		struct sfw_value again;

		if (sfw_parse_value(SFW_ARG_PROTO, NULL, sfw_proto_name((__u8)v.num), &again) ||
		    again.num != v.num)
			fuzz_fail("protocol %llu does not parse back by name", (unsigned long long)v.num);
	}
}

static void conf_prefix(const char *word)
{
	struct sfw_conf_prefix p, again;
	char addr[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];

	if (conf_parse_prefix(word, &p))
		return;
	if (p.len > (p.family == SFW_FAMILY_INET ? 32 : 128) ||
	    (p.family != SFW_FAMILY_INET && p.family != SFW_FAMILY_INET6))
		fuzz_fail("configuration prefix '%s': family %u length %u", word, p.family, p.len);
	inet_ntop(p.family == SFW_FAMILY_INET ? AF_INET : AF_INET6, p.addr.bytes, addr,
		  sizeof(addr));
	snprintf(buf, sizeof(buf), "%s/%u", addr, p.len);
	if (conf_parse_prefix(buf, &again) || !conf_prefix_equal(&p, &again))
		fuzz_fail("configuration prefix '%s' printed as '%s' does not parse back", word, buf);
}

static void conf_ports(const char *word)
{
	struct sfw_conf_port_range r = { 0 }, again = { 0 };
	char buf[16];

	if (conf_parse_port_range(word, &r))
		return;
	if (!r.set || r.lo > r.hi)
		fuzz_fail("port range '%s': %u-%u", word, r.lo, r.hi);
	snprintf(buf, sizeof(buf), "%u-%u", r.lo, r.hi);
	if (conf_parse_port_range(buf, &again) || again.lo != r.lo || again.hi != r.hi)
		fuzz_fail("port range '%s' printed as '%s' does not parse back", word, buf);
}

static void conf_numbers(const char *word)
{
	char buf[8];
	int proto = conf_parse_proto(word), v;

	if (proto > 255 || (proto < 0 && proto != -EINVAL))
		fuzz_fail("protocol '%s' parsed to %d", word, proto);
	if (proto >= 0 && conf_parse_proto(sfw_conf_proto_name(proto, buf, sizeof(buf))) != proto)
		fuzz_fail("protocol %d does not parse back from its name", proto);
	for (int v6 = 0; v6 < 2; v6++) {
		v = conf_icmp_type(word, v6);
		if (v > 255 || (v < 0 && v != -EINVAL))
			fuzz_fail("ICMP type '%s' parsed to %d", word, v);
	}
	v = conf_parse_u8(word);
	if (v > 255 || (v < 0 && v != -EINVAL))
		fuzz_fail("'%s' parsed to %d as a byte", word, v);
	if (conf_valid_name(word) && strlen(word) >= SFW_CONF_NAME_MAX)
		fuzz_fail("a name of %zu characters accepted", strlen(word));
}

/* The first byte: 0..9 a command-line type (enum sfw_arg_type; an
 * interface is asked of the kernel, no parser of ours, so 6 stands for the
 * configuration's numbers instead), 10 a configuration prefix, 11 a port
 * range. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *word;
	unsigned which;

	if (!size)
		return 0;
	which = data[0] % 12;
	word = fuzz_cstr(data + 1, size - 1);
	if (which == SFW_ARG_IFACE)
		conf_numbers(word);
	else if (which <= SFW_ARG_CHOICE)
		cli_value((enum sfw_arg_type)which, word);
	else if (which == 10)
		conf_prefix(word);
	else
		conf_ports(word);
	free(word);
	return 0;
}
