// SPDX-License-Identifier: GPL-2.0
/* IPv6-in-IPv6 encapsulation as a lightweight tunnel (a route's `encap bpf
 * xmit`), from 2001:db8:2::1 to 2001:db8:2::2, for
 * tests/e2e/test_nat_redteam_encap.sh: the host's own encapsulation of a
 * forwarded packet that keeps the skb (and with it the inner packet's
 * ingress interface), as SRv6's does, on kernels built without SRv6.
 * Never part of sfw. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IPPROTO_IPV6_IN_IPV6 41

static __always_inline void doc_addr(struct in6_addr *a, __u8 host)
{
	__builtin_memset(a, 0, sizeof(*a));
	a->in6_u.u6_addr8[0] = 0x20;
	a->in6_u.u6_addr8[1] = 0x01;
	a->in6_u.u6_addr8[2] = 0x0d;
	a->in6_u.u6_addr8[3] = 0xb8;
	a->in6_u.u6_addr8[5] = 0x02;
	a->in6_u.u6_addr8[15] = host;
}

SEC("lwt_xmit")
int sfw_test_encap6(struct __sk_buff *skb)
{
	struct ipv6hdr h;

	__builtin_memset(&h, 0, sizeof(h));
	h.version = 6;
	h.payload_len = bpf_htons((__u16)skb->len);   /* the inner packet, whole */
	h.nexthdr = IPPROTO_IPV6_IN_IPV6;
	h.hop_limit = 64;
	doc_addr(&h.saddr, 1);
	doc_addr(&h.daddr, 2);
	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &h, sizeof(h)))
		return BPF_DROP;
	return BPF_LWT_REROUTE;   /* routed again, by the outer header */
}

char LICENSE[] SEC("license") = "GPL";
