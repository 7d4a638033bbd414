/* IP protocol numbers and the names Junos uses for them (docs/junos-layouts.md, grammar habits).
 * One list: the BPF side uses the numbers, the CLI parses and prints the
 * names. Protocols without a name print as their number. */
#ifndef SFW_PROTOCOLS_H
#define SFW_PROTOCOLS_H

#include "sfw_types.h"

/*  X(enum-suffix, number, junos-name) */
#define SFW_PROTOCOL_LIST(X) \
	X(ICMP,    1, "icmp")   \
	X(IGMP,    2, "igmp")   \
	X(IPIP,    4, "ipip")   \
	X(TCP,     6, "tcp")    \
	X(EGP,     8, "egp")    \
	X(UDP,    17, "udp")    \
	X(RSVP,   46, "rsvp")   \
	X(GRE,    47, "gre")    \
	X(ESP,    50, "esp")    \
	X(AH,     51, "ah")     \
	X(ICMP6,  58, "icmp6")  \
	X(OSPF,   89, "ospf")   \
	X(PIM,   103, "pim")    \
	X(SCTP,  132, "sctp")

enum sfw_ip_proto {
#define SFW_X(name, num, label) SFW_IPPROTO_##name = num,
	SFW_PROTOCOL_LIST(SFW_X)
#undef SFW_X
};

/* The ICMP queries sfw keeps sessions for, as conntrack does (its
 * invmap): the types with a reply. X(name, v6, request, reply): echo,
 * timestamp, information, address mask (RFC 792, 950); ICMPv6 echo and
 * node information (RFC 4443, 4620). A reply maps to its request's
 * session; every other type opens one-way sessions only (docs/security.md
 * "ICMP sessions"). */
#define SFW_ICMP_QUERY_LIST(X)        \
	X(ECHO,      0,   8,   0) \
	X(TIMESTAMP, 0,  13,  14) \
	X(INFO,      0,  15,  16) \
	X(MASK,      0,  17,  18) \
	X(ECHO6,     1, 128, 129) \
	X(NODEINFO,  1, 139, 140)

/* What an ICMP type is to sessions (sfw_icmp_query). */
enum sfw_icmp_role {
	SFW_ICMP_ROLE_NONE,      /* no query: one-way (or an error, or ND/MLD) */
	SFW_ICMP_ROLE_REQUEST,
	SFW_ICMP_ROLE_REPLY,
};

/* Is ICMP (v6: ICMPv6) type `type` a query's request or reply? Returns
 * SFW_ICMP_QUERY(role, request type): the request's type keys both (the
 * type itself when it is neither). One value, no pointer: BPF callers
 * keep it in a register. */
#define SFW_ICMP_QUERY(role, req) ((unsigned int)(role) << 8 | (req))
#define SFW_ICMP_ROLE(q) ((enum sfw_icmp_role)((q) >> 8))
#define SFW_ICMP_REQ(q) ((__u8)(q))

static inline __attribute__((always_inline)) unsigned int sfw_icmp_query(__u8 type, int v6)
{
#define SFW_X(name, six, rq, rp)                                            \
	if (!v6 == !six && type == rq)                                      \
		return SFW_ICMP_QUERY(SFW_ICMP_ROLE_REQUEST, rq);           \
	if (!v6 == !six && type == rp)                                      \
		return SFW_ICMP_QUERY(SFW_ICMP_ROLE_REPLY, rq);
	SFW_ICMP_QUERY_LIST(SFW_X)
#undef SFW_X
	return SFW_ICMP_QUERY(SFW_ICMP_ROLE_NONE, type);
}

/* The port an ICMP session's responder side carries in the session key
 * (include/session.h), host order: the request type, and its code in the
 * high byte, so that no kind matches another's session; 0 for echo, whose
 * sessions show as id/0 as they always did. The requester's side carries
 * the identifier (0 for types that have none). ICMPv6 node information
 * (139/140, RFC 4620) is keyed without its code: a query's code names its
 * subject (IPv6 address, name, IPv4 address), its reply's the outcome
 * (success, refused, unknown), so a reply carries another code than its
 * query (review rv27, F2). */
#define SFW_ICMP6_NODE_INFO_QUERY 139

static inline __attribute__((always_inline)) __u16 sfw_icmp_key_tag(__u8 req, __u8 code, int v6)
{
	/* without a branch: this is inlined on every ICMP key, and a
	 * branch here cost XDP's verification 6% */
	unsigned int keep = 1u - ((unsigned int)!!v6 & (unsigned int)(req == SFW_ICMP6_NODE_INFO_QUERY));

	return req == (v6 ? 128 : 8) ? 0 : (__u16)(req | (code * keep) << 8);
}

/* The inverse: the request's type and code of an ICMP session whose
 * responder side carries key port `tag` (host order). */
static inline __attribute__((always_inline)) void sfw_icmp_tag_request(__u16 tag, int v6,
									__u8 *type, __u8 *code)
{
	*type = tag ? (__u8)tag : v6 ? 128 : 8;
	*code = (__u8)(tag >> 8);
}

/* IPv6 extension headers the parser walks over (RFC 8200 order). */
#define SFW_IPPROTO_HOPOPTS   0
#define SFW_IPPROTO_ROUTING  43
#define SFW_IPPROTO_FRAGMENT 44
#define SFW_IPPROTO_DSTOPTS  60
#define SFW_IPPROTO_NONE     59
/* what a finished segment routing header may carry, for Linux to unwrap */
#define SFW_IPPROTO_IPIP      4
#define SFW_IPPROTO_IPV6     41

#endif
