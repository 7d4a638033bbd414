/* FIB queries about a packet's flow, in either direction: where its
 * destination is routed (new sessions) and where a reply to its source
 * would go (the spoofing screen). */
#ifndef SFW_FIB_BPF_H
#define SFW_FIB_BPF_H

#include "parse.bpf.h"

/* Fills fib for the packet's own direction, or for a reply to it. The
 * length stays 0: the XDP lookup checks a non-zero tot_len against the
 * egress MTU and answers FRAG_NEEDED before it fills in the egress ifindex
 * (the kernel's bpf_ipv4_fib_lookup and bpf_ipv6_fib_lookup), and a
 * session's route does not depend on the size of its first packet
 * (docs/security.md, "Routes and zone pairs"). */
static __always_inline void sfw_fib_query(struct bpf_fib_lookup *fib, const struct sfw_pkt *p,
					  __u32 ifindex, bool reply)
{
	const union sfw_addr *src = reply ? &p->dst : &p->src;
	const union sfw_addr *dst = reply ? &p->src : &p->dst;

	fib->ifindex = ifindex;
	fib->l4_protocol = p->proto;
	fib->sport = reply ? p->dport : p->sport;
	fib->dport = reply ? p->sport : p->dport;
	if (p->family == SFW_FAMILY_INET) {
		fib->family = 2;   /* AF_INET */
		fib->ipv4_src = src->v4;
		fib->ipv4_dst = dst->v4;
	} else {
		fib->family = 10;  /* AF_INET6 */
		__builtin_memcpy(fib->ipv6_src, src, 16);
		__builtin_memcpy(fib->ipv6_dst, dst, 16);
	}
}

#endif
