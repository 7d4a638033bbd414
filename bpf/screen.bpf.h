/* Junos screens (ids-option) on first packets from a zone: IP spoofing (a
 * reverse-path check) and the TCP SYN-flood threshold. */
#ifndef SFW_SCREEN_BPF_H
#define SFW_SCREEN_BPF_H

#include "session.bpf.h"
#include "fib.bpf.h"

/* Would a reply to the source leave through the interface the packet came
 * in on? Looked up as the host would send (BPF_FIB_LOOKUP_OUTPUT), so it
 * works with forwarding off too. No route back, or a source that is one of
 * our own addresses, is spoofing as well. */
static __always_inline bool sfw_spoofed(struct xdp_md *ctx, const struct sfw_pkt *p,
					__u32 in_ifindex)
{
	struct bpf_fib_lookup fib = {};
	int rc;

	sfw_fib_query(&fib, p, SFW_FRAME(ctx), in_ifindex, true);
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib),
			    BPF_FIB_LOOKUP_OUTPUT | BPF_FIB_LOOKUP_SKIP_NEIGH);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return true;
	return fib.ifindex != in_ifindex;
}

/* Counts one SYN for an address in the current second; returns the count. */
static __always_inline __u32 sfw_syn_count(const union sfw_addr *a, __u8 family, __u8 dir,
					   __u64 second)
{
	struct sfw_syn_rate_key k = { .family = family, .dir = dir };
	struct sfw_syn_rate *r, fresh = { .second = second, .count = 1 };

	__builtin_memcpy(k.addr, a, 16);
	r = bpf_map_lookup_elem(&SFW_MAP_SYN_RATE, &k);
	if (!r) {
		bpf_map_update_elem(&SFW_MAP_SYN_RATE, &k, &fresh, BPF_ANY);
		return 1;
	}
	if (r->second != second) {
		r->second = second;
		r->count = 1;
		return 1;
	}
	return __sync_fetch_and_add(&r->count, 1) + 1;
}

/* Returns 0 when the zone's screen lets the first packet through, else the
 * counter of the screen that stopped it. A global function: verified once,
 * called on first packets only. */
__noinline int sfw_screen_check(struct xdp_md *ctx, const struct sfw_pkt *p, __u32 zone,
				__u32 gen, __u64 now)
{
	struct sfw_screen_key k = { .zone = zone, .gen = gen };
	struct sfw_screen *sc;
	__u64 second = now / SFW_NSEC_PER_SEC;

	if (!ctx || !p || zone == SFW_ZONE_NONE)
		return 0;
	sc = bpf_map_lookup_elem(&SFW_MAP_SCREENS, &k);
	if (!sc)
		return 0;
	if ((sc->flags & SFW_SCREEN_IP_SPOOFING) && sfw_spoofed(ctx, p, ctx->ingress_ifindex))
		return SFW_CNT_ERR_ADDRESS_SPOOFING;
	if ((sc->flags & SFW_SCREEN_SYN_FLOOD) && p->proto == SFW_IPPROTO_TCP &&
	    (p->tcp_flags & (SFW_TCP_SYN | SFW_TCP_ACK)) == SFW_TCP_SYN) {
		/* both counts always move, so a flood shows in both */
		__u32 to_dst = sfw_syn_count(&p->dst, p->family, SFW_DIR_DST, second);
		__u32 from_src = sfw_syn_count(&p->src, p->family, SFW_DIR_SRC, second);

		/* the attack threshold is counted per address, as the
		 * destination one is: stricter than Junos's per address and
		 * port (docs/security.md) */
		if (to_dst > sc->syn_attack_threshold || to_dst > sc->syn_destination_threshold ||
		    from_src > sc->syn_source_threshold)
			return SFW_CNT_ERR_SYN_ATTACK;
	}
	return 0;
}

#endif
