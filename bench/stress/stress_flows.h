/* The flows of the stress generator (bench/stress/stressgen.bpf.c), one
 * definition for the generator and for the checkers that read the session
 * table after a run. Documentation prefixes only:
 *  - valid flows: clients 198.51.100.1-100 / 2001:db8:1::1-100, servers
 *    203.0.113.1-100 / 2001:db8:2::1-100, TCP, UDP or ICMP echo;
 *  - fragmented flows (UDP): 198.51.100.101-200 to 203.0.113.101-200;
 *  - junk (truncated, malformed): from 192.0.2.0/24, to 203.0.113.201-250.
 * (client host, server host, client port) is a bijection of the flow
 * number, so no two flows share a session. */
#ifndef SFW_STRESS_FLOWS_H
#define SFW_STRESS_FLOWS_H

#include "sfw_types.h"

#define SG_VALID_FLOWS 65536
#define SG_FRAG_FLOWS 4096
#define SG_HDR_MAX 128       /* the template frame of the veth modes */
#define SG_IP_ID 0x5347      /* the veth modes' IPv4 id: the sink's mark */

/* What a run of the generator does (sg_mode). */
enum sg_mode {
	SG_MODE_MIX = 0,     /* conservation mix, then a tail call into sfw */
	SG_MODE_SYN = 1,     /* SYNs from spoofed sources, XDP_TX */
	SG_MODE_UDP = 2,     /* established UDP flows, XDP_TX */
	SG_MODE_UDP_NEW = 3, /* every frame a new UDP tuple, XDP_TX */
};

/* Per-CPU counters (sg_count). */
enum sg_counter {
	SG_CNT_FRAMES = 0,   /* frames generated */
	SG_CNT_TAILCALL_FAIL,/* mix frames the tail call did not take to sfw */
	SG_CNT_SINK,         /* generator frames that reached the sink */
	SG_CNT_VALID,        /* mix: frames of valid flows */
	SG_CNT_TRUNCATED,
	SG_CNT_MALFORMED,
	SG_CNT_GARBAGE,
	SG_CNT_FIRST_FRAG,
	SG_CNT_LATER_FRAG,
	SG_CNT_ORPHAN_FRAG,  /* later fragments whose first fragment never went */
	SG_CNT_COUNT
};

/* What the generator sent of one valid flow, in sg_flows. Direction 0 is
 * client to server: the opener, so sfw's In wing. */
struct sg_flow_state {
	__u64 pkts[2];
	__u64 bytes[2];      /* layer 3 lengths, as sfw counts them */
	__u32 seq[2];        /* TCP: the next sequence number per direction */
	__u8 phase;          /* 0: nothing sent; TCP 1: SYN, 2: SYN-ACK, 3: open */
	__u8 pad[7];
};

enum sg_proto { SG_TCP = 0, SG_UDP = 1, SG_ICMP = 2 };

static inline __u32 sg_flow_proto(__u32 f)
{
	return f % 3;
}

static inline int sg_flow_v6(__u32 f)
{
	return (f / 3) % 4 == 3;
}

static inline __u8 sg_flow_client(__u32 f)
{
	return (__u8)(1 + f % 100);
}

static inline __u8 sg_flow_server(__u32 f)
{
	return (__u8)(1 + (f / 100) % 100);
}

/* Client port, or the echo identifier. */
static inline __u16 sg_flow_sport(__u32 f)
{
	return (__u16)(1024 + f / 10000);
}

static inline __u16 sg_flow_dport(__u32 f)
{
	return sg_flow_proto(f) == SG_TCP ? 80 : 53;
}

#endif
