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

#define TG_MAX_CPUS 64

/* Set by user space between runs (the skeleton maps .bss). One generator
 * runs per CPU (bench/forwarding.c pins them), each with a frame counter
 * of its own on a cache line of its own: a counter shared between CPUs
 * would be written by both on every frame and cap the 2-CPU rate. Frame
 * `local` of the generator on CPU c is frame tg_base + local * tg_split +
 * c of the run: generators never send the same tuple. */
struct {
	__u64 local;
	__u8 pad[56];
} tg_seq[TG_MAX_CPUS];
__u64 tg_base;            /* new-tuple mode: frames of earlier runs */
__u32 tg_split;           /* generators in this run, on CPUs 0.. (0: one) */
__u32 tg_flows;           /* established mode: cycle through this many flows */
__u32 tg_unique;          /* 1: every frame a tuple never sent before */
/* The headers every frame starts with. Live frames come back to the test
 * run's page pool after the receiving side is done with them, and a
 * forwarder rewrites MACs and TTL in place: each frame gets its headers
 * anew, or the next round would start from the last one's rewrites. */
__u8 tg_hdr[TG_HDR_LEN];
/* The sink's expected source address (network order; 0: any): behind a
 * source NAT only translated frames count, the others go to slot 1, so a
 * rate can never be of frames the NAT let through untranslated
 * (bench/snat.c). */
__u32 tg_want_src;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);   /* bench/fwdgen.h's FG_SINK_* */
} tg_count SEC(".maps");

/* Only the ports change from the template, so the IPv4 header checksum
 * stays right; the UDP checksum is set to 0, "none", which IPv4 allows. */
SEC("xdp")
int tg_tx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct udphdr *udp = data + TG_UDP_OFF;
	__u32 flows = tg_flows, split = tg_split ? tg_split : 1;
	__u32 cpu = bpf_get_smp_processor_id();
	__u64 local, n;

	if ((void *)(udp + 1) > end)
		return XDP_ABORTED;
	__builtin_memcpy(data, tg_hdr, TG_HDR_LEN);
	if (cpu >= TG_MAX_CPUS)
		return XDP_ABORTED;
	local = tg_seq[cpu].local++;
	n = local * split + cpu % split;
	if (tg_unique) {
		n += tg_base;
		/* destination ports from 10 up never meet the flows' 9 */
		udp->source = bpf_htons(1024 + n % 64000);
		udp->dest = bpf_htons(10 + (n / 64000) % 60000);
	} else {
		/* established flows split between the generators, as RSS would
		 * spread them: generator c sends the flows i with i % split == c */
		udp->source = bpf_htons(TG_SPORT + (flows ? n % flows : 0));
		udp->dest = bpf_htons(TG_DPORT);
	}
	udp->check = 0;
	return XDP_TX;
}

/* Counts and drops the generator's frames (IPv4 UDP); anything else goes
 * to the stack. ARP above all: a sink that dropped the neighbour probes
 * of the host in front of it let that host's entry for it fail a minute
 * into the run, and from then on every frame routed to it was lost
 * before it was sent, XDP's FIB lookups included (NO_NEIGH). */
SEC("xdp")
int tg_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	__u32 slot, want = tg_want_src;
	__u64 *c;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(0x0800) ||
	    ip->protocol != 17 /* UDP */)
		return XDP_PASS;
	slot = want && ip->saddr != want;
	c = bpf_map_lookup_elem(&tg_count, &slot);
	if (c)
		(*c)++;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
