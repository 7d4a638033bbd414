/* Frames sent out of an interface by a packet socket: what the traffic
 * generators (bench/fwdgen.h, bench/stress/stress.h) fall back to where
 * BPF_PROG_TEST_RUN refuses live frames (EPERM, as in the sandboxes of
 * 2026-12-07; docs/reliability.md). A frame sent so out of a veth reaches
 * its peer the way an XDP_TX of a live frame does: the peer's receive
 * path runs in the sender's softirq, on the sender's CPU. */
#ifndef SFW_BENCH_PKTSEND_H
#define SFW_BENCH_PKTSEND_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <bpf/bpf.h>

#define PS_BATCH 256   /* frames a sendmmsg call */

/* A packet socket that sends out of ifindex, in the calling thread's
 * network namespace; -errno. */
static inline int ps_socket(__u32 ifindex, struct sockaddr_ll *to)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	memset(to, 0, sizeof(*to));
	to->sll_family = AF_PACKET;
	to->sll_ifindex = (int)ifindex;
	to->sll_halen = 6;
	return fd < 0 ? -errno : fd;
}

/* n frames of len bytes each, back to back in `frames`, all sent (a full
 * device queue waited out); 0 or -errno. */
static inline int ps_send(int fd, const struct sockaddr_ll *to, const unsigned char *frames,
			  __u32 len, __u32 n)
{
	struct mmsghdr m[PS_BATCH];
	struct iovec v[PS_BATCH];
	__u32 done = 0, k;
	int sent;

	while (done < n) {
		k = n - done < PS_BATCH ? n - done : PS_BATCH;
		for (__u32 i = 0; i < k; i++) {
			v[i] = (struct iovec){ .iov_base = (void *)(frames + (size_t)(done + i) * len),
					       .iov_len = len };
			m[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = (void *)to,
							      .msg_namelen = sizeof(*to),
							      .msg_iov = &v[i], .msg_iovlen = 1 } };
		}
		sent = sendmmsg(fd, m, k, 0);
		if (sent > 0) {
			done += (__u32)sent;
			continue;
		}
		if (sent < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
			return -errno;
		usleep(100);
	}
	return 0;
}

/* Does BPF_PROG_TEST_RUN refuse live frames here? Asked once, of a
 * program of two instructions that drops its one frame; said once on
 * stderr, for every generator that falls back. */
static inline bool ps_live_refused(void)
{
	static int refused = -1;
	struct bpf_insn drop[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	unsigned char frame[64] = { [12] = 0x88, [13] = 0xb5 };   /* local experimental */
	struct xdp_md ctx = { .data_end = sizeof(frame) };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = sizeof(frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	int fd;

	if (refused >= 0)
		return refused;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "ps_probe", "GPL", drop, 2, NULL);
	if (fd < 0)
		return false;   /* no answer: the live run itself will say */
	refused = bpf_prog_test_run_opts(fd, &o) && errno == EPERM;
	close(fd);
	if (refused)
		fprintf(stderr, "live frames refused (EPERM): frames sent by a packet socket "
			"instead\n");
	return refused;
}

#endif
