/* Attached interfaces: what the loader attached and how, readable by the
 * datapath (is a packet's ingress interface one of ours?) and the CLI. */
#ifndef SFW_IFACE_H
#define SFW_IFACE_H

#include "sfw_types.h"

/* Key of the counter map and of the attached-interface map. */
struct sfw_iface_key {
	__u32 ifindex;
};

/* Value of the attached-interface map: what the loader attached and how. */
#define SFW_IFNAMSIZ 16
struct sfw_iface_info {
	char name[SFW_IFNAMSIZ];
	__u32 xdp_mode;       /* enum sfw_xdp_mode */
	__u32 xdp_prog_id;
	__u32 tc_prog_id;
	__u32 zone_id;        /* 0: no zone */
	__u32 pad;
	__u64 netns_ino;      /* interface indexes are only meaningful in this netns */
};

enum sfw_xdp_mode {
	SFW_XDP_MODE_NATIVE = 1,
	SFW_XDP_MODE_GENERIC = 2,
};

#endif
