/* Attached interfaces: what the loader attached and how, readable by the
 * datapath (is a packet's ingress interface one of ours?) and the CLI. */
#ifndef SFW_IFACE_H
#define SFW_IFACE_H

#include "sfw_types.h"

/* Key of the attached-interface map. */
struct sfw_iface_key {
	__u32 ifindex;
};
/* bpf/counters.bpf.h looks the attached-interface map up by a bare ifindex */
SFW_STATIC_ASSERT(sizeof(struct sfw_iface_key) == sizeof(__u32), "iface key is the ifindex");

/* Counters sit in a per-CPU array at a small slot the loader gives an
 * interface when it attaches it (1..SFW_MAX_IFACES; 0: none), so a packet
 * pays an array index instead of hashing its ifindex twice (ingress and
 * egress). Interface indexes below SFW_IFINDEX_DIRECT find their slot in
 * an array indexed by ifindex; larger ones (hosts that made and deleted
 * many interfaces) in the attached-interface map's `slot` (one hash
 * lookup, as before). docs/design.md, "Per-interface counters". */
#define SFW_IFINDEX_DIRECT 65536

/* Value of the attached-interface map: what the loader attached and how. */
#define SFW_IFNAMSIZ 16
struct sfw_iface_info {
	char name[SFW_IFNAMSIZ];
	__u32 xdp_mode;       /* enum sfw_xdp_mode */
	__u32 xdp_prog_id;
	__u32 tc_prog_id;
	__u32 zone_id;        /* 0: no zone */
	__u32 slot;           /* its counters' index in the counter array */
	__u64 netns_ino;      /* interface indexes are only meaningful in this netns */
};

enum sfw_xdp_mode {
	SFW_XDP_MODE_NATIVE = 1,
	SFW_XDP_MODE_GENERIC = 2,
};

/* The tag a packet to a broadcast or group address carries in its
 * session key (sfw_session_key.pad, include/session.h; built by
 * bpf/zone_bind.bpf.h sfw_packet_key): the interface it came in by,
 * 1-65535 (0: the host's own, ingress 0). Such tuples are the same on
 * every link by protocol (DHCP's DISCOVER,
 * 0.0.0.0:68 -> 255.255.255.255:67; a link-local fe80::1 -> ff02::5
 * hello on every link): keyed by the tuple alone, the first zone's
 * session would be refused to every other (review Z1). Tagged, each link
 * has its own, as the packets are the link's (Junos keys every session
 * by zone; a zone id would change with a commit that renumbers the
 * zones, RV2-4). Nothing ever answers from such an address, so no reply
 * needs the tag to find its session. No lookup; unicast keys are
 * untagged. The tag has 16 bits: interfaces whose indexes differ by a
 * multiple of SFW_LINK_TAGS share one, so attach refuses the second of
 * two such (loader/link_tag.c, docs/security.md "Tuples that every link
 * shares"). One definition, for the datapath and the loader. */
#define SFW_LINK_TAGS 65535u
static inline __attribute__((always_inline)) __u16 sfw_link_tag(__u32 ifindex)
{
	return ifindex ? (__u16)(ifindex % SFW_LINK_TAGS) + 1 : 0;
}

#endif
