// SPDX-License-Identifier: GPL-2.0
/* The stress generator (docs/reliability.md, "Stress"). Runs under
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES: every repetition is a
 * real frame, rewritten here from the run's counter, so a run of millions
 * of repetitions is millions of different frames.
 *  - sg_mix builds the conservation mix (valid flows with real TCP
 *    handshakes, truncated, malformed, garbage and fragmented frames) and
 *    tail-calls sfw's XDP program on it: sfw judges every frame the
 *    generator counted, in the same run, on the same CPU.
 *  - sg_tx rewrites a template frame (SYNs from spoofed sources, UDP on
 *    established or always new tuples) and sends it with XDP_TX out of
 *    the device named as the run's ingress: the veth scenarios.
 *  - sg_sink counts and drops the generator's UDP frames (their IP id is
 *    SG_IP_ID) where they land, and passes everything else.
 * Live frames keep their bytes from one use of a page to the next, so
 * every frame is written whole (bench/trafficgen.bpf.c says more). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stress_flows.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_ARP 0x0806
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMP 1
#define PROTO_ICMP6 58
#define PROTO_FRAG 44
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define ETH_ALEN 6
#define SINK_PORT 9        /* the UDP flows of sg_tx go to the discard port */

/* Set by user space between runs (the skeleton maps .bss). */
__u64 sg_next;             /* frames generated so far: the frame number */
__u64 sg_seed;
__u32 sg_mode;             /* enum sg_mode, for sg_tx */
__u32 sg_flows;            /* SG_MODE_UDP: cycle through this many flows */
__u32 sg_hdr_len;          /* template length */
__u8 sg_hdr[SG_HDR_MAX];   /* template frame: Ethernet, IPv4, TCP or UDP */

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sg_target SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SG_VALID_FLOWS);
	__type(key, __u32);
	__type(value, struct sg_flow_state);
} sg_flows_sent SEC(".maps");

/* Per fragmented flow: the IP id of its last first fragment, 0: none. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SG_FRAG_FLOWS);
	__type(key, __u32);
	__type(value, __u32);
} sg_frag_ids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SG_CNT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} sg_count SEC(".maps");

static __always_inline void count(__u32 id)
{
	__u64 *c = bpf_map_lookup_elem(&sg_count, &id);

	if (c)
		(*c)++;
}

/* splitmix64: frame n of a seed is always the same frame. */
static __always_inline __u64 mix(__u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* What one frame carries, before it is written. */
struct frame {
	__u8 saddr[16], daddr[16];
	__u8 v6, proto, tcp_flags, icmp_type;
	__u16 sport, dport;        /* host order; ICMP echo: sport is the id */
	__u32 seq, ack;
	__u16 payload;
	__u8 frag, later, mf;      /* a fragment; a later one (no L4 header); more follow */
	__u16 frag_off;            /* bytes, a multiple of 8 */
	__u32 frag_id;
};

static __always_inline __u16 fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

static __always_inline __u32 l4_len(const struct frame *fr)
{
	if (fr->later)
		return 0;
	return fr->proto == PROTO_TCP ? 20 : 8;
}

static __always_inline __u32 l3_len(const struct frame *fr)
{
	return (fr->v6 ? 40 + (fr->frag ? 8 : 0) : 20) + l4_len(fr) + fr->payload;
}

static __always_inline int set_len(struct xdp_md *ctx, __u32 len)
{
	return bpf_xdp_adjust_tail(ctx, (int)len - (int)bpf_xdp_get_buff_len(ctx));
}

static __always_inline void write_l4(const struct frame *fr, void *l4, void *end)
{
	if (fr->later)
		return;
	if (fr->proto == PROTO_TCP) {
		struct tcphdr *t = l4;

		if ((void *)(t + 1) > end)
			return;
		__builtin_memset(t, 0, sizeof(*t));
		t->source = bpf_htons(fr->sport);
		t->dest = bpf_htons(fr->dport);
		t->seq = bpf_htonl(fr->seq);
		t->ack_seq = bpf_htonl(fr->ack);
		t->doff = 5;
		((__u8 *)t)[13] = fr->tcp_flags;
		t->window = bpf_htons(65535);
		return;
	}
	if (fr->proto == PROTO_UDP) {
		struct udphdr *u = l4;

		if ((void *)(u + 1) > end)
			return;
		u->source = bpf_htons(fr->sport);
		u->dest = bpf_htons(fr->dport);
		u->len = bpf_htons(8 + fr->payload);
		u->check = 0;
		return;
	}
	struct icmphdr *ic = l4;   /* ICMP and ICMPv6 echo share the layout */

	if ((void *)(ic + 1) > end)
		return;
	ic->type = fr->icmp_type;
	ic->code = 0;
	ic->checksum = 0;
	ic->un.echo.id = bpf_htons(fr->sport);
	ic->un.echo.sequence = 0;
}

static __always_inline int write_v4(const struct frame *fr, void *data, void *end)
{
	struct iphdr *ip = data + sizeof(struct ethhdr);
	__u16 *w = (void *)ip;
	__u32 sum = 0;

	if ((void *)(ip + 1) > end)
		return -1;
	ip->version = 4;
	ip->ihl = 5;
	ip->tos = 0;
	ip->tot_len = bpf_htons(l3_len(fr));
	ip->id = bpf_htons((__u16)fr->frag_id);
	ip->frag_off = bpf_htons((fr->mf ? 0x2000 : 0) | (fr->frag_off >> 3));
	ip->ttl = 64;
	ip->protocol = fr->proto;
	ip->check = 0;
	__builtin_memcpy(&ip->saddr, fr->saddr, 4);
	__builtin_memcpy(&ip->daddr, fr->daddr, 4);
	for (int i = 0; i < 10; i++)
		sum += w[i];
	ip->check = fold(sum);
	write_l4(fr, ip + 1, end);
	return 0;
}

static __always_inline int write_v6(const struct frame *fr, void *data, void *end)
{
	struct ipv6hdr *ip = data + sizeof(struct ethhdr);
	struct frag_hdr *fh = (void *)(ip + 1);

	if ((void *)(fh + 1) > end)
		return -1;
	*(__be32 *)ip = bpf_htonl(0x60000000);
	ip->payload_len = bpf_htons(l3_len(fr) - 40);
	ip->nexthdr = fr->frag ? PROTO_FRAG : fr->proto;
	ip->hop_limit = 64;
	__builtin_memcpy(&ip->saddr, fr->saddr, 16);
	__builtin_memcpy(&ip->daddr, fr->daddr, 16);
	if (!fr->frag) {
		write_l4(fr, ip + 1, end);
		return 0;
	}
	fh->nexthdr = fr->proto;
	fh->reserved = 0;
	fh->frag_off = bpf_htons(fr->frag_off | (fr->mf ? 1 : 0));
	fh->identification = bpf_htonl(fr->frag_id);
	write_l4(fr, fh + 1, end);
	return 0;
}

/* Sizes the frame and writes its headers. Returns the frame's length, or
 * -1 when the headers do not fit (never, for the lengths used here). */
static __always_inline int write_frame(struct xdp_md *ctx, const struct frame *fr)
{
	__u32 len = sizeof(struct ethhdr) + l3_len(fr);
	void *data, *end;
	struct ethhdr *eth;

	if (set_len(ctx, len))
		return -1;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > end)
		return -1;
	__builtin_memset(eth->h_dest, 0x02, ETH_ALEN);
	__builtin_memset(eth->h_source, 0x04, ETH_ALEN);
	eth->h_proto = bpf_htons(fr->v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (fr->v6 ? write_v6(fr, data, end) : write_v4(fr, data, end))
		return -1;
	return len;
}

static __always_inline void v4addr(__u8 *a, __u8 b0, __u8 b1, __u8 b2, __u8 b3)
{
	a[0] = b0, a[1] = b1, a[2] = b2, a[3] = b3;
}

/* 2001:db8:<net>::<host> */
static __always_inline void v6addr(__u8 *a, __u8 net, __u8 host)
{
	__builtin_memset(a, 0, 16);
	a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8, a[5] = net, a[15] = host;
}

/* Addresses of valid flow f, client to server (dir 0) or back. */
static __always_inline void flow_addrs(struct frame *fr, __u32 f, __u32 dir)
{
	__u8 c = sg_flow_client(f), s = sg_flow_server(f);
	__u8 *cli = dir ? fr->daddr : fr->saddr, *srv = dir ? fr->saddr : fr->daddr;

	fr->v6 = sg_flow_v6(f);
	if (fr->v6) {
		v6addr(cli, 1, c);
		v6addr(srv, 2, s);
	} else {
		v4addr(cli, 198, 51, 100, c);
		v4addr(srv, 203, 0, 113, s);
	}
}

/* The next packet of TCP flow st: the handshake in order, then data in
 * either direction, in sequence and acknowledging the other side. */
static __always_inline __u32 tcp_next(struct frame *fr, struct sg_flow_state *st, __u64 h)
{
	__u32 dir;

	fr->proto = PROTO_TCP;
	fr->payload = 0;
	if (st->phase == 0) {
		st->seq[0] = (__u32)h;
		st->seq[1] = (__u32)(h >> 32);
		fr->tcp_flags = TCP_SYN;
		fr->seq = st->seq[0]++;
		st->phase = 1;
		return 0;
	}
	if (st->phase == 1) {
		fr->tcp_flags = TCP_SYN | TCP_ACK;
		fr->seq = st->seq[1]++;
		fr->ack = st->seq[0];
		st->phase = 2;
		return 1;
	}
	dir = st->phase == 2 ? 0 : (h >> 20) & 1;
	st->phase = 3;
	fr->tcp_flags = TCP_ACK | (h & 0x100 ? TCP_PSH : 0);
	fr->payload = (h >> 24) % 200;
	fr->seq = st->seq[dir & 1];
	fr->ack = st->seq[!(dir & 1)];
	st->seq[dir & 1] += fr->payload;
	return dir;
}

/* A packet of a valid flow: opened by its client, then both ways. */
static __always_inline int valid_frame(struct xdp_md *ctx, struct frame *fr, __u64 h)
{
	__u32 f = (h >> 32) % SG_VALID_FLOWS, dir;
	struct sg_flow_state *st = bpf_map_lookup_elem(&sg_flows_sent, &f);
	int len;

	if (!st)
		return -1;
	fr->sport = sg_flow_sport(f);
	fr->dport = sg_flow_dport(f);
	if (sg_flow_proto(f) == SG_TCP) {
		dir = tcp_next(fr, st, mix(h));
	} else {
		dir = st->phase ? (h >> 20) & 1 : 0;
		st->phase = 1;
		fr->proto = sg_flow_proto(f) == SG_UDP ? PROTO_UDP : PROTO_ICMP;
		fr->payload = (h >> 24) % 300;
	}
	flow_addrs(fr, f, dir);
	if (fr->proto == PROTO_ICMP) {
		if (fr->v6)
			fr->proto = PROTO_ICMP6;
		fr->icmp_type = fr->v6 ? (dir ? 129 : 128) : (dir ? 0 : 8);
	} else if (dir) {
		__u16 p = fr->sport;

		fr->sport = fr->dport;
		fr->dport = p;
	}
	len = write_frame(ctx, fr);
	if (len < 0)
		return -1;
	st->pkts[dir & 1]++;
	st->bytes[dir & 1] += len - sizeof(struct ethhdr);
	count(SG_CNT_VALID);
	return 0;
}

/* A TCP or UDP packet between junk addresses, for truncating and breaking. */
static __always_inline void junk_flow(struct frame *fr, __u64 h)
{
	fr->v6 = (h & 3) == 3;
	if (fr->v6) {
		v6addr(fr->saddr, 3, (__u8)(h >> 8));
		v6addr(fr->daddr, 4, 201 + (h >> 16) % 50);
	} else {
		v4addr(fr->saddr, 192, 0, 2, (__u8)(h >> 8));
		v4addr(fr->daddr, 203, 0, 113, 201 + (h >> 16) % 50);
	}
	fr->proto = h & 4 ? PROTO_TCP : PROTO_UDP;
	fr->tcp_flags = h & 0x80 ? TCP_SYN : TCP_ACK;
	fr->sport = 1024 + (h >> 24) % 60000;
	fr->dport = 1 + (h >> 40) % 1024;
	fr->seq = (__u32)(h >> 12);
	fr->payload = 24 + (h >> 48) % 200;   /* room for every header broken below */
}

/* Cut anywhere after the Ethernet header, before the frame's end. */
static __always_inline int truncated_frame(struct xdp_md *ctx, struct frame *fr, __u64 h)
{
	int len;

	junk_flow(fr, h);
	len = write_frame(ctx, fr);
	if (len <= (int)sizeof(struct ethhdr) + 1)
		return -1;
	count(SG_CNT_TRUNCATED);
	return set_len(ctx, sizeof(struct ethhdr) + mix(h) % (len - sizeof(struct ethhdr)));
}

/* A whole frame with one header field that cannot be true. */
static __always_inline int malformed_frame(struct xdp_md *ctx, struct frame *fr, __u64 h)
{
	void *data, *end;
	__u8 *l3;
	__u32 how = mix(h) % 5;

	junk_flow(fr, h);
	if (write_frame(ctx, fr) < 0)
		return -1;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	l3 = data + sizeof(struct ethhdr);
	if ((void *)(l3 + 40) > end)
		return -1;
	count(SG_CNT_MALFORMED);
	if (how == 0) {                 /* IP version matching neither family */
		l3[0] = (l3[0] & 0x0f) | (fr->v6 ? 0x40 : 0x60);
	} else if (fr->v6) {           /* payload length past the frame */
		l3[4] = 0xff;
	} else if (how == 1) {          /* IHL under 5 words */
		l3[0] = 0x40 | (h >> 56) % 5;
	} else if (how == 2) {          /* total length past the frame */
		l3[2] = 0xff;
	} else if (how == 3) {          /* total length inside the header */
		l3[2] = 0, l3[3] = 12;
	} else if (fr->proto == PROTO_TCP) { /* data offset under 5 words */
		l3[20 + 12] = (__u8)(((h >> 50) % 5) << 4);
	} else {                        /* UDP length past the datagram */
		l3[20 + 4] = 0xff;
	}
	return 0;
}

/* Random bytes behind an IPv4, IPv6, ARP or unknown ethertype. */
static __always_inline int garbage_frame(struct xdp_md *ctx, __u64 h)
{
	__u32 len = 14 + 64 + (h >> 40) % 200;
	void *data, *end;
	__u64 *w;

	if (set_len(ctx, len))
		return -1;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	w = data + 14;
	if ((void *)(w + 8) > end)
		return -1;
	for (int i = 0; i < 8; i++)
		w[i] = mix(h + i);
	/* IPv4, IPv6, ARP, or a local experimental type nothing parses */
	((struct ethhdr *)data)->h_proto = (h >> 8) & 2 ? ((h >> 8) & 1 ? bpf_htons(ETH_P_ARP) :
			bpf_htons(0x88b5)) : (h >> 8) & 1 ? bpf_htons(ETH_P_IPV6) : bpf_htons(ETH_P_IP);
	count(SG_CNT_GARBAGE);
	return 0;
}

/* Fragmented UDP: a first fragment (remembered by its id) or a later one,
 * of the flow's last datagram or of one whose first fragment never went. */
static __always_inline int fragment_frame(struct xdp_md *ctx, struct frame *fr, __u64 h)
{
	__u32 ff = (h >> 32) % SG_FRAG_FLOWS, first = h & 0x100, orphan = (h & 0x600) == 0;
	__u32 *last = bpf_map_lookup_elem(&sg_frag_ids, &ff);
	__u8 c = 101 + ff % 100, s = 101 + (ff / 100) % 100;

	if (!last)
		return -1;
	fr->v6 = ff & 1;
	if (fr->v6) {
		v6addr(fr->saddr, 1, c);
		v6addr(fr->daddr, 2, s);
	} else {
		v4addr(fr->saddr, 198, 51, 100, c);
		v4addr(fr->daddr, 203, 0, 113, s);
	}
	fr->proto = PROTO_UDP;
	fr->sport = 1024 + ff / 10000;
	fr->dport = 53;
	fr->frag = 1;
	fr->payload = 8 * (1 + (h >> 12) % 32);
	if (first || !*last) {
		*last = 1 + (__u32)(h >> 16) % 60000;
		fr->frag_id = *last;
		fr->mf = 1;
		count(SG_CNT_FIRST_FRAG);
	} else {
		fr->later = 1;
		fr->mf = (h >> 11) & 1;
		fr->frag_off = 8 * (1 + (h >> 20) % 100);
		fr->frag_id = orphan ? 60001 + (__u32)(h >> 40) % 5000 : *last;
		count(orphan ? SG_CNT_ORPHAN_FRAG : SG_CNT_LATER_FRAG);
	}
	return write_frame(ctx, fr) < 0 ? -1 : 0;
}

SEC("xdp")
int sg_mix(struct xdp_md *ctx)
{
	__u64 n = __sync_fetch_and_add(&sg_next, 1), h = mix(sg_seed ^ mix(n));
	__u32 kind = h % 100;
	struct frame fr = {};
	int err;

	if (kind < 62)
		err = valid_frame(ctx, &fr, h);
	else if (kind < 72)
		err = truncated_frame(ctx, &fr, h);
	else if (kind < 80)
		err = malformed_frame(ctx, &fr, h);
	else if (kind < 86)
		err = garbage_frame(ctx, h);
	else
		err = fragment_frame(ctx, &fr, h);
	if (err)
		return XDP_ABORTED;   /* not counted as generated: never reaches sfw */
	count(SG_CNT_FRAMES);
	bpf_tail_call(ctx, &sg_target, 0);
	count(SG_CNT_TAILCALL_FAIL);
	return XDP_DROP;
}

/* Incremental checksum update for one changed 16-bit word (RFC 1624). */
static __always_inline __u16 csum_update(__u16 check, __u16 old, __u16 new)
{
	return fold((__u16)~check + (__u16)~old + (__u32)new);
}

SEC("xdp")
int sg_tx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct tcphdr *t = (void *)(ip + 1);
	struct udphdr *u = (void *)(ip + 1);
	__u64 n = __sync_fetch_and_add(&sg_next, 1), h = mix(sg_seed ^ mix(n));
	__u32 flows = sg_flows;

	if ((void *)(t + 1) > end || (void *)(data + SG_HDR_MAX) > end)
		return XDP_ABORTED;
	__builtin_memcpy(data, sg_hdr, SG_HDR_MAX);
	if (sg_mode == SG_MODE_SYN) {
		__u16 old = ((__u16 *)&ip->saddr)[1], new;

		/* a spoofed source in the client's /24, hosts 10-250 */
		((__u8 *)&ip->saddr)[3] = 10 + h % 241;
		new = ((__u16 *)&ip->saddr)[1];
		ip->check = csum_update(ip->check, old, new);
		t->check = csum_update(t->check, old, new);
		old = t->source;
		t->source = bpf_htons(1024 + (h >> 8) % 64000);
		t->check = csum_update(t->check, old, t->source);
		old = ((__u16 *)&t->seq)[0];
		((__u16 *)&t->seq)[0] = (__u16)(h >> 32);
		t->check = csum_update(t->check, old, ((__u16 *)&t->seq)[0]);
	} else if (sg_mode == SG_MODE_UDP) {
		u->source = bpf_htons(10000 + (flows ? n % flows : 0));
		u->dest = bpf_htons(SINK_PORT);
		u->check = 0;
	} else {
		/* never the same tuple twice in 3.8e9 frames; never the sink's port */
		u->source = bpf_htons(1024 + n % 64000);
		u->dest = bpf_htons(10 + (n / 64000) % 60000);
		u->check = 0;
	}
	count(SG_CNT_FRAMES);
	return XDP_TX;
}

/* The baseline: the generator's own cost, every frame dropped unjudged. */
SEC("xdp")
int sg_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int sg_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *u = (void *)(ip + 1);

	if ((void *)(u + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != PROTO_UDP || ip->id != bpf_htons(SG_IP_ID))
		return XDP_PASS;
	count(SG_CNT_SINK);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
