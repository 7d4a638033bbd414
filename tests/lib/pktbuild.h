/* A small packet builder for BPF_PROG_TEST_RUN tests: a frame is described
 * by one struct (designated initialisers read like the packet) and built
 * with correct lengths and checksums. Addresses are text, so tests use the
 * documentation prefixes (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
 * 2001:db8::/32) and stay readable. All spec fields are host order. */
#ifndef SFW_TESTS_PKTBUILD_H
#define SFW_TESTS_PKTBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Under the test-run limit for a linear frame (a page less head- and
 * tailroom), with room for a few GSO segments' worth of payload. */
#define PB_MAX 3584
#define PB_VLAN_MAX 3      /* one more than sfw parses, for the malformed test */
#define PB_EXT_MAX 8       /* more than sfw walks, for the malformed test */

#define PB_ETH_P_ARP 0x0806

struct pb_spec {
	/* Ethernet: nvlan tags, outermost first. A zero TPID means 802.1ad
	 * for the outer tag of a stack and 802.1Q otherwise. */
	__u8 nvlan;
	__u16 vlan_tpid[PB_VLAN_MAX];
	__u16 vlan_id[PB_VLAN_MAX];
	__u16 ethertype;          /* 0: from the family; PB_ETH_P_ARP builds ARP */

	/* IP: the family follows from the address text. */
	const char *src, *dst;
	__u8 ttl;                 /* 0: 64 */
	__u8 tos;                 /* IPv4 ToS, IPv6 traffic class */
	__u32 flow_label;         /* IPv6, 20 bits */
	__u16 ip_id;
	__u32 frag_id;            /* the IPv6 fragment header's identification; 0: 0x5f000001 */
	__u16 frag_off;           /* fragment offset in bytes, a multiple of 8 */
	bool more_frags;          /* IPv4 MF, or the IPv6 fragment header's M */
	__u8 ip_opts;             /* IPv4 option bytes, a multiple of 4, <= 40 */
	__u8 ip_opt_first;        /* the first option's type: 0 Router Alert, or a source
				   * route (131 LSRR, 137 SSRR) naming one hop (ip_opts >= 8) */
	__u8 n_ext;               /* IPv6 extension headers, in order */
	__u8 ext[PB_EXT_MAX];     /* SFW_IPPROTO_HOPOPTS, _ROUTING, _DSTOPTS, _FRAGMENT */
	__u8 ext_len8[PB_EXT_MAX];/* hdrlen field of options/routing headers */
	__u8 segments_left;       /* of the routing headers (type 4, SRH, when not 0) */

	/* Layer 4, selected by proto. */
	__u8 proto;
	__u16 sport, dport;       /* TCP, UDP, SCTP */
	__u8 tcp_flags;           /* SFW_TCP_* */
	__u32 seq, ack;
	__u16 window;             /* 0: 65535 */
	__u8 tcp_opts;            /* TCP option bytes, a multiple of 4, <= 40 */
	__u8 tcp_wscale;          /* 1 + shift: a window scale option (needs tcp_opts >= 8) */
	__u8 icmp_type, icmp_code;
	__u16 icmp_id, icmp_seq;
	const struct pb_spec *inner;  /* ICMP error: the packet it quotes */
	__u16 inner_quote;        /* bytes of it quoted; 0: all of its L3 packet */
	__u16 payload;            /* payload bytes after the L4 header (a pattern) */
	__u16 trailer;            /* bytes after the IP packet (Ethernet padding) */
};

struct pb_pkt {
	__u8 data[PB_MAX];
	__u32 len;
	__u32 l3_off;             /* IP (or ARP) header */
	__u32 l4_off;             /* after IPv4 options / IPv6 extension headers */
	__u32 hdr_end;            /* end of the L4 header: start of the payload */
	__u32 l3_len;             /* IP total length: what sfw counts as bytes */
};

/* Builds the frame. Returns 0, or -EINVAL for a spec it cannot build
 * (bad address text, mixed families, options not a multiple of 4, too big). */
int pb_build(const struct pb_spec *s, struct pb_pkt *p);

/* Fragments the datagram a spec describes as a sending stack would
 * (RFC 791, RFC 8200): the spec's whole IP packet is built, then its
 * payload (IPv4: after the header and options; IPv6: after the spec's
 * extension headers, the unfragmentable part, where a fragment header
 * goes) is cut into pieces of frag_bytes (a multiple of 8), each with a
 * copy of the headers, identified by ip_id (IPv4) or frag_id (IPv6).
 * The spec must not ask for fragment fields itself. Returns the number of
 * fragments written to out (at most max), or -EINVAL. */
int pb_fragment(const struct pb_spec *s, __u16 frag_bytes, struct pb_pkt *out, int max);

/* The same flow in the other direction: addresses and ports swapped, an
 * echo request turned into its reply (and back); TCP fields are left for
 * the caller, since they differ per packet anyway. */
struct pb_spec pb_reverse(const struct pb_spec *s);

/* Is the spec IPv6 (its source address text contains ':')? */
bool pb_is_v6(const struct pb_spec *s);

/* The Internet checksum of buf (the value to store), from a partial sum. */
__u16 pb_csum(const void *buf, size_t len, __u32 sum);

/* Verifies the built frame's IPv4 header and L4 checksums by summing them
 * again with the stored checksum included. Returns 0 or -EBADMSG. */
int pb_verify_csums(const struct pb_pkt *p, const struct pb_spec *s);

#endif
