// SPDX-License-Identifier: GPL-2.0
/* Traffic generator and sink for the end-to-end benchmark
 * (bench/forwarding.c). tg_tx runs under BPF_PROG_TEST_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES: each repetition is a real frame that XDP_TX
 * sends out of the device named as the run's ingress interface, as the
 * kernel selftest xdp_do_redirect and xdp-trafficgen do. tg_sink counts
 * and drops what reaches the receiving end, so the receiver costs as
 * little as possible. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* The template frame: Ethernet, IPv4 without options, UDP. */
#define TG_UDP_OFF (14 + 20)
#define TG_HDR_LEN (TG_UDP_OFF + 8)
#define TG_SPORT 10000     /* established flows: source ports 10000.. */
#define TG_DPORT 9         /* the discard port */

/* Set by user space between runs (the skeleton maps .bss). */
__u64 tg_next;            /* frames generated so far: the tuple sequence */
__u32 tg_flows;           /* established mode: cycle through this many flows */
__u32 tg_unique;          /* 1: every frame a tuple never sent before */
/* The headers every frame starts with. Live frames come back to the test
 * run's page pool after the receiving side is done with them, and a
 * forwarder rewrites MACs and TTL in place: each frame gets its headers
 * anew, or the next round would start from the last one's rewrites. */
__u8 tg_hdr[TG_HDR_LEN];

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} tg_count SEC(".maps");

/* Only the ports change from the template, so the IPv4 header checksum
 * stays right; the UDP checksum is set to 0, "none", which IPv4 allows. */
SEC("xdp")
int tg_tx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct udphdr *udp = data + TG_UDP_OFF;
	__u32 flows = tg_flows;
	__u64 n;

	if ((void *)(udp + 1) > end)
		return XDP_ABORTED;
	__builtin_memcpy(data, tg_hdr, TG_HDR_LEN);
	n = __sync_fetch_and_add(&tg_next, 1);
	if (tg_unique) {
		/* destination ports from 10 up never meet the flows' 9 */
		udp->source = bpf_htons(1024 + n % 64000);
		udp->dest = bpf_htons(10 + (n / 64000) % 60000);
	} else {
		udp->source = bpf_htons(TG_SPORT + (flows ? n % flows : 0));
		udp->dest = bpf_htons(TG_DPORT);
	}
	udp->check = 0;
	return XDP_TX;
}

SEC("xdp")
int tg_sink(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *c = bpf_map_lookup_elem(&tg_count, &zero);

	if (c)
		(*c)++;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
