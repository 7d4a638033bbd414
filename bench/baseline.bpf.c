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

/* Parse to layer 4, as sfw does. */
SEC("xdp")
int base_parse(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct sfw_pkt p = {};

	return sfw_parse_packet(data, end, end - data, &p) == SFW_PKT_MALFORMED ? XDP_DROP : XDP_PASS;
}

/* Parse, one session-table lookup, one counter: the floor for any session
 * table built on an LRU hash. */
SEC("xdp")
int base_lookup(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct sfw_iface_stats *st = sfw_stats(ctx->ingress_ifindex);
	struct sfw_session_key key;
	struct sfw_pkt p = {};
	struct sfw_session *s;

	if (sfw_parse_packet(data, end, end - data, &p) != SFW_PKT_OK)
		return XDP_DROP;
	sfw_make_key(&p, &key);
	s = bpf_map_lookup_elem(&SFW_MAP_SESSIONS, &key);
	sfw_count(st, s ? SFW_CNT_SFW_PERMITTED_PKTS : SFW_CNT_SFW_ERR_NO_SESSION, 1);
	return s ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
