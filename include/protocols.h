/* IP protocol numbers and the names Junos uses for them (docs/junos-layouts.md, grammar habits).
 * One list: the BPF side uses the numbers, the CLI parses and prints the
 * names. Protocols without a name print as their number. */
#ifndef SFW_PROTOCOLS_H
#define SFW_PROTOCOLS_H

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

/* IPv6 extension headers the parser walks over (RFC 8200 order). */
#define SFW_IPPROTO_HOPOPTS   0
#define SFW_IPPROTO_ROUTING  43
#define SFW_IPPROTO_FRAGMENT 44
#define SFW_IPPROTO_DSTOPTS  60
#define SFW_IPPROTO_NONE     59

#endif
