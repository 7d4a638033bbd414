/* Command-line values: parsing and printing of ports, protocols, prefixes,
 * ids and interfaces. Parsers never print; on failure they return -1 and
 * the grammar builds the one-line error from sfw_arg_expect(). */
#ifndef SFW_CLI_VALUES_H
#define SFW_CLI_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "session.h"

/* Value types a command word may take. */
enum sfw_arg_type {
	SFW_ARG_NONE = 0,   /* a keyword, no value */
	SFW_ARG_UINT,       /* 0..4294967295 (settings) */
	SFW_ARG_PORT,       /* 0..65535 */
	SFW_ARG_PROTO,      /* a Junos protocol name or 0..255 */
	SFW_ARG_PREFIX,     /* IPv4/IPv6 address, optional /length */
	SFW_ARG_ADDR,       /* one IPv4/IPv6 address (a struct sfw_prefix of full length) */
	SFW_ARG_ID,         /* session identifier 1..2^64-1 */
	SFW_ARG_IFACE,      /* interface name or index */
	SFW_ARG_APP,        /* predefined application name */
	SFW_ARG_NAME,       /* any word (policy, service set) */
	SFW_ARG_CHOICE,     /* one of a fixed list of words */
};

struct sfw_prefix {
	__u8 family;        /* SFW_FAMILY_INET or SFW_FAMILY_INET6 */
	__u8 len;           /* prefix length in bits */
	union sfw_addr addr;
};

/* A parsed value; which member is meaningful depends on the type. */
struct sfw_value {
	bool set;
	__u64 num;          /* port, protocol, id, ifindex, uint, choice index */
	struct sfw_prefix pfx;
	const char *str;    /* the word as typed (names, applications) */
};

/* Parse `word` as `type` into `out`. `choices` is the NULL-terminated list
 * for SFW_ARG_CHOICE (unique prefixes accepted). Returns 0 or -1. */
int sfw_parse_value(enum sfw_arg_type type, const char *const *choices,
		    const char *word, struct sfw_value *out);

/* What a value of this type looks like, for errors and help:
 * "a port number 0..65535". Writes into buf and returns it. */
const char *sfw_arg_expect(enum sfw_arg_type type, const char *const *choices,
			   char *buf, size_t len);
/* Short placeholder for help lines: "<port>". */
const char *sfw_arg_placeholder(enum sfw_arg_type type);

/* Unique-prefix match of `word` in a NULL-terminated list; an exact match
 * wins. Returns the index, -1 when nothing matches, -2 when ambiguous. */
int sfw_match_choice(const char *const *choices, const char *word);

/* Protocol number to its Junos name, or NULL when it has none. */
const char *sfw_proto_name(__u8 proto);

/* Does `addr` of `family` fall inside the prefix? */
bool sfw_prefix_match(const struct sfw_prefix *p, __u8 family,
		      const union sfw_addr *addr);

/* An IPv6 address as glibc's inet_ntop writes it (RFC 5952's zero
 * compression, its dotted tail for IPv4-mapped and -compatible addresses),
 * into buf (>= 46 bytes); returns the end (the NUL). inet_ntop formats each
 * group with sprintf: a JSON listing spent 18% of its instructions there. */
char *sfw_ip6_ntop(const __u8 a[16], char *buf);
/* Dotted quad into buf (>= 16 bytes); returns the end (the NUL). */
char *sfw_ip4_ntop(const __u8 a[4], char *buf);

/* Print an address of `family` (inet_ntop) into buf (>= 46 bytes). */
const char *sfw_addr_str(__u8 family, const union sfw_addr *addr, char *buf,
			 size_t len);

#endif
