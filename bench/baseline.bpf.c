// SPDX-License-Identifier: GPL-2.0
/* Baselines for the per-packet benchmark: the cheapest programs any session
 * firewall must be compared with, measured in the same run as sfw. They
 * share sfw's parser and, through the pins, its session table. */
#include "session.bpf.h"
#include "counters.bpf.h"

/* Nothing at all: the cost of BPF_PROG_TEST_RUN and an XDP program. */
SEC("xdp")
int base_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* sfw's parser called as sfw calls it (bpf/xdp_ingress.bpf.c,
 * sfw_xdp_parse): in a global function, verified once on its own. Inlined
 * into an entry point whose struct sfw_pkt starts zeroed, the verifier
 * walks every path with those known values and gives up (E2BIG) since the
 * parser learnt fragments and routing headers. */
__noinline int base_ip_options(struct xdp_md *ctx, struct sfw_pkt *p, int rc)
{
	if (!ctx || !p)
		return SFW_PKT_MALFORMED;
	return sfw_parse_options(ctx, false, ctx->data_end - ctx->data, p, rc);
}

__noinline int base_xdp_parse(struct xdp_md *ctx, struct sfw_pkt *p)
{
	void *data, *end;
	int rc;

	if (!ctx || !p)
		return SFW_PKT_MALFORMED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	rc = sfw_parse_packet(data, end, end - data, false, p);
	return p->ip_opts ? base_ip_options(ctx, p, rc) : rc;
}

/* Parse to layer 4, as sfw does. */
SEC("xdp")
int base_parse(struct xdp_md *ctx)
{
	struct sfw_pkt p = {};

	return base_xdp_parse(ctx, &p) == SFW_PKT_MALFORMED ? XDP_DROP : XDP_PASS;
}

/* Parse, one session-table lookup, one counter: the floor for any session
 * table built on an LRU hash. */
SEC("xdp")
int base_lookup(struct xdp_md *ctx)
{
	struct sfw_iface_stats *st = sfw_stats(ctx->ingress_ifindex);
	struct sfw_session_key key;
	struct sfw_pkt p = {};
	struct sfw_session *s;

	if (base_xdp_parse(ctx, &p) != SFW_PKT_OK)
		return XDP_DROP;
	sfw_make_key(&p, &key);
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &key);
	sfw_count(st, s ? SFW_CNT_SFW_PERMITTED_PKTS : SFW_CNT_SFW_ERR_NO_SESSION, 1);
	return s ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
