// SPDX-License-Identifier: GPL-2.0
/* tc egress: packets leaving an attached interface. Packets the host sends
 * go through the same session logic as XDP ingress, so connections the
 * host opens create sessions whose replies XDP then lets in. Packets
 * forwarded from another attached interface that its XDP hook judged are
 * only counted here; one it never saw (bpf/tc_judged.bpf.h) is judged
 * here, as one from an interface sfw does not watch. */
#include "flow.bpf.h"
#include "frag.bpf.h"
#include "nat_tc.bpf.h"
#include "tc_judged.bpf.h"

/* Headers we may read; pulling more would copy payload for nothing. */
#define SFW_TC_PULL_LEN 256

static __always_inline bool sfw_is_attached(__u32 ifindex)
{
	struct sfw_iface_key k = { .ifindex = ifindex };

	return ifindex && bpf_map_lookup_elem(&SFW_MAP_IFACES, &k);
}

/* tc's say on where a matched packet leaves (sfw_track): by its other
 * wing's zone only, the host's own packet and one the stack forwards
 * alike. The host's answers to a source spoofed from another zone would
 * carry a service's answers across a zone pair no policy judged
 * (docs/security.md "Sessions are bound to their zones", review Z5), and
 * a refused packet changes nothing of its session (RV2-3). The host's own
 * sessions excepted: what it sends is always permitted, as on Junos; so
 * is a forwarded packet in a host session's opener's direction, refused
 * after and its session ended (sfw_flow_meets_host). One compare; the
 * lookup only when they differ. */
static __always_inline __u32 sfw_hook_route(void *ctx, struct sfw_pkt *p,
					    struct sfw_flow *f, const struct sfw_session *s,
					    __u32 dir, __u32 ingress)
{
	struct __sk_buff *skb = ctx;

	if ((s->flags & SFW_SESS_F_LOCAL) ||
	    (ingress && sfw_sess_for_host(s->flags) && dir == SFW_WING_IN))
		return SFW_CNT_SFW_PERMITTED_PKTS;
	return sfw_leaves_by_peer_zone(s->wing[(dir ^ 1) & 1].ifindex, skb->ifindex) ?
	       SFW_CNT_SFW_PERMITTED_PKTS : SFW_CNT_ERR_INVALID_ZONE;
}

/* GSO packets are counted as the wire will see them: one packet and one
 * set of headers per segment. */
static __always_inline void sfw_wire_size(struct __sk_buff *skb, const struct sfw_pkt *p,
					  struct sfw_flow *f)
{
	__u32 segs = skb->gso_segs ? skb->gso_segs : 1;

	f->pkts = segs;
	f->bytes = (skb->len - p->l3_off) + (__u64)(segs - 1) * p->hdr_len;
}

static __always_inline void sfw_count_output(struct sfw_iface_stats *st, const struct sfw_pkt *p,
					     const struct sfw_flow *f, bool transit)
{
	sfw_count(st, SFW_CNT_OUT_PERMITTED_BYTES, f->bytes);
	sfw_count(st, transit ? SFW_CNT_TRANSIT_OUT_BYTES : SFW_CNT_LOCAL_OUT_BYTES, f->bytes);
	sfw_count(st, transit ? SFW_CNT_TRANSIT_OUT_PKTS : SFW_CNT_LOCAL_OUT_PKTS, f->pkts);
	if (p->multicast)
		sfw_count(st, SFW_CNT_OUT_MULTICAST, f->pkts);
}

/* A packet the stack forwards met a host session in its opener's
 * direction (docs/nat.md "Third review: R2"): the session ends, so the
 * flow's next packet opens through the route, the policy and NAT, and a
 * first fragment's datagram is forgotten, so its later fragments find no
 * record (refused where source NAT rules are: sfw_tc_nat_miss). A later
 * fragment has no ports to find the session by: only refused. A global
 * function, run only on that refusal. */
__noinline int sfw_tc_host_refuse(const struct sfw_pkt *p, __u32 in_ifindex)
{
	struct sfw_session_key k;

	if (!p || p->frag == SFW_FRAG_LATER)
		return 0;
	if (p->frag == SFW_FRAG_FIRST)
		sfw_frag_forget(p);
	sfw_packet_key(p, &k, in_ifindex);
	return sfw_host_session_end(&k, bpf_ktime_get_coarse_ns());
}

/* A first packet leaving through tc. What the host itself sends is self
 * traffic, always permitted as on Junos (no lock-out of the host's own
 * DNS or updates by a deny-all default); what it forwards from an
 * interface sfw does not watch meets the policies of its zones. */
static __always_inline __u32 sfw_tc_open(struct __sk_buff *skb, const struct sfw_pkt *p,
					 struct sfw_flow *f, __u32 in_ifindex)
{
	struct sfw_zone_pair z = { .gen = sfw_cfg_gen(f->cfg) };
	struct sfw_verdict v = {
		.outcome = SFW_CNT_SFW_PERMITTED_PKTS,
		.policy_id = SFW_POLICY_ID_SELF_TRAFFIC,
	};

	if (in_ifindex) {
		z.from = sfw_zone_of(in_ifindex, z.gen);
		z.to = sfw_zone_of(skb->ifindex, z.gen);
		sfw_policy_decide(&v, f->cfg, p, &z);
	} else {
		sfw_classify_app(&v, z.gen, p);
	}
	if (v.outcome != SFW_CNT_SFW_PERMITTED_PKTS) {
		sfw_log_deny(f, &v, in_ifindex, skb->ifindex);
		return v.outcome;
	}
	/* no source NAT is made here: a flow a rule translates is refused
	 * rather than opened untranslated (docs/nat.md "Second review", F1) */
	if (in_ifindex && sfw_tc_nat_miss(p, in_ifindex, skb->ifindex))
		return SFW_CNT_ERR_INCOMING_NAT;
	/* the In wing comes in by in_ifindex (the host's own: leaves by
	 * the egress), its replies by the egress */
	return sfw_create(NULL, p, f, in_ifindex ? SFW_SESS_F_TRANSIT : SFW_SESS_F_LOCAL,
			  skb->ifindex, &v, 0, 0, 0);
}

/* sfw_tc_flow's own answer beside the SFW_TC_NAT_* ones: a forwarded
 * packet a source NAT rule would translate, whose source is the host's
 * own address (sfw_tc_src_own): the host's own packet, no NAT miss */
#define SFW_TC_NAT_OWN (-2)

/* Everything after parsing, as a global function for the same reason as
 * sfw_xdp_flow: verified once for every parse outcome together. */
__noinline int sfw_tc_flow(struct __sk_buff *skb, struct sfw_pkt *p, struct sfw_iface_stats *st,
			   __u32 in_ifindex)
{
	struct sfw_flow f = {};
	void *data, *end;
	__u32 outcome;
	bool tc_nat;

	if (!skb || !p)
		return SFW_TC_ACT_OK;
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	sfw_tcp_syn_options(data, end, p);
	sfw_wire_size(skb, p, &f);
	if (sfw_is_attached(in_ifindex)) {
		const struct sfw_config *cfg = sfw_cfg_get();
		int judged;

		/* forwarded: decided and counted at the ingress interface,
		 * when XDP judged it; a NAT session's In wing the stack routed
		 * is translated here (bpf/nat_tc.bpf.h), looked for once NAT
		 * was ever committed */
		int nat = !cfg || !(cfg->flags & SFW_CFG_F_NAT) ? 0 :
			  p->icmp_kind == SFW_ICMPK_ERROR ? sfw_tc_nat_icmp(skb, p) :
			  p->frag == SFW_FRAG_LATER ? sfw_tc_nat_frag(skb, p) : sfw_tc_nat(skb, p);

		/* sfw_tc_nat met its session and recorded a first fragment's
		 * datagram: sfw_tc_judged records it no more (a refusal was
		 * counted twice: review rvquota, RQ-4) */
		bool recorded = !nat && cfg && (cfg->flags & SFW_CFG_F_NAT) &&
				p->icmp_kind != SFW_ICMPK_ERROR;

		if (nat == SFW_TC_NAT_MISS)
			nat = !sfw_tc_nat_miss(p, in_ifindex, skb->ifindex) ? 0 :
			      sfw_tc_src_own(skb, p) ? SFW_TC_NAT_OWN : -1;
		if (nat == SFW_TC_NAT_HOST) {
			sfw_tc_host_refuse(p, in_ifindex);
			sfw_count(st, SFW_CNT_ERR_INVALID_ZONE, f.pkts);
			return SFW_TC_ACT_SHOT;
		}
		if (nat && nat != SFW_TC_NAT_OWN) {
			sfw_count(st, SFW_CNT_ERR_INCOMING_NAT, f.pkts);
			return SFW_TC_ACT_SHOT;
		}
		/* an attached skb_iif is no proof XDP saw it (IPsec
		 * decapsulation re-injects with it): judged there when it left
		 * its trace; else it is judged below, from in_ifindex's zone.
		 * A host session's In wing (SFW_TC_JUDGED_HOST) the stack now
		 * forwards was judged for the host only: refused as with NAT
		 * (docs/nat.md "Third review: R2"; review rv28, F4) */
		judged = nat == SFW_TC_NAT_OWN ? SFW_TC_UNJUDGED :
			 sfw_tc_judged(skb, p, in_ifindex, recorded);
		/* a group datagram always opens a host session at XDP (no
		 * zone pair judges one); the kernel's multicast routing
		 * forwards it as configured (pimd, igmpproxy), and it passes
		 * as on main (review rv29, F2) */
		if (judged == SFW_TC_JUDGED_ZONE) {
			sfw_count(st, SFW_CNT_ERR_INVALID_ZONE, f.pkts);
			return SFW_TC_ACT_SHOT;
		}
		if (judged == SFW_TC_JUDGED_HOST && !p->multicast) {
			sfw_tc_host_refuse(p, in_ifindex);
			sfw_count(st, SFW_CNT_ERR_INVALID_ZONE, f.pkts);
			return SFW_TC_ACT_SHOT;
		}
		if (judged) {
			sfw_count_output(st, p, &f, true);
			return SFW_TC_ACT_OK;
		}
		/* without a trace, from the host's own address: an outer
		 * header the host wrote for a forwarded flow (a tunnel's),
		 * the host's own packet (review rv27, F1) */
		if (nat == SFW_TC_NAT_OWN || sfw_tc_src_own(skb, p))
			in_ifindex = 0;
		/* NAT may have written the frame: its pointers are stale */
		data = (void *)(long)skb->data;
		end = (void *)(long)skb->data_end;
	}
	if (p->icmp_kind == SFW_ICMPK_LINK) {
		__u32 link = sfw_icmp6_link(data, end, p);

		/* valid ND kept its hop limit of 255: the stack did not
		 * forward it, so it is the host's own */
		if (link == SFW_LINK_YES || (link == SFW_LINK_IF_LOCAL && !in_ifindex)) {
			sfw_count(st, SFW_CNT_SFW_UNTRACKED_PKTS, f.pkts);
			return SFW_TC_ACT_OK;
		}
	}
	f.cfg = sfw_cfg_get();
	if (!f.cfg)
		return SFW_TC_ACT_OK;
	f.now = bpf_ktime_get_coarse_ns();
	/* a forwarded packet's wing is where it came in, as at XDP; the
	 * host's own records its egress and is bound by none */
	f.ifindex = in_ifindex ? in_ifindex : skb->ifindex;
	/* a later fragment (SFW_PKT_FRAGMENT) follows its datagram */
	if (p->frag == SFW_FRAG_LATER)
		outcome = sfw_frag_follow(p, &f, skb->ifindex, in_ifindex);
	else
		outcome = sfw_track(skb, data, end, p, &f, in_ifindex, true);
	if (outcome == SFW_OUTCOME_CREATE)
		outcome = sfw_tc_open(skb, p, &f, in_ifindex);
	/* an ICMP error (the host's own, or one forwarded that no XDP
	 * judged) leaves toward its addressee's zone only: by its egress
	 * (review rvred, F4; rvred2, R1) */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && p->icmp_kind == SFW_ICMPK_ERROR &&
	    !sfw_err_leaves_ok(skb->ifindex))
		outcome = SFW_CNT_ERR_INVALID_ZONE;
	/* forwarded from an interface sfw does not watch, a host session's
	 * opener's packet: refused and the session ended, as on the
	 * forwarded path above (docs/nat.md "Third review: R2") */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && in_ifindex &&
	    sfw_flow_meets_host(&f, p, SFW_WING_IN)) {
		sfw_tc_host_refuse(p, in_ifindex);
		outcome = SFW_CNT_ERR_INVALID_ZONE;
	}
	/* a NAT session's In wing from an interface sfw is not attached to
	 * (detached while the session lives, another of the zone's) leaves
	 * translated as on the forwarded path, or not at all; so do the later
	 * fragments of its datagram (docs/nat.md "Second review", F1), and
	 * source or static NAT's reply, which only XDP translates (review
	 * rvfix: it left untranslated to the public address) */
	tc_nat = outcome == SFW_CNT_SFW_PERMITTED_PKTS &&
		 (f.nat == SFW_FLOW_NAT_PLAN || p->frag == SFW_FRAG_LATER);
	if (tc_nat && (p->frag == SFW_FRAG_LATER ? sfw_tc_nat_frag(skb, p) : sfw_tc_nat(skb, p)))
		outcome = SFW_CNT_ERR_INCOMING_NAT;
	/* a later fragment counts on its wing once nothing refuses it */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && p->frag == SFW_FRAG_LATER)
		sfw_frag_account(&f, f.via_alias ? SFW_WING_OUT : SFW_WING_IN);
	/* the host's own error about a NAT session's reply leaves quoting
	 * what the server sent (bpf/nat_tc.bpf.h) */
	if (outcome == SFW_CNT_SFW_PERMITTED_PKTS && f.nat == SFW_FLOW_NAT_ICMP_REPLY &&
	    sfw_tc_nat_icmp(skb, p))
		outcome = SFW_CNT_ERR_INCOMING_NAT;
	/* a reply found through its alias is the Out wing's, as at XDP: by
	 * the alias's sides it may be the In wing's, a clash with the record
	 * sfw_tc_dnat_reply made of it, whose tail would be dropped. One
	 * sfw_tc_nat took has its record, asked for once (a refusal was
	 * counted twice: review rvtcfrag, RVT-2) */
	if (p->frag == SFW_FRAG_FIRST && outcome == SFW_CNT_SFW_PERMITTED_PKTS && !tc_nat)
		sfw_frag_record(p, &f.key, (sfw_flow_sender_lo(&f) ? SFW_FRAG_REC_SRC_LO : 0) |
				SFW_FRAG_REC_AT(skb->ifindex));
	sfw_count(st, outcome, f.pkts);
	if (outcome != SFW_CNT_SFW_PERMITTED_PKTS) {
		if (outcome == SFW_CNT_ERR_NO_MORE_SESSIONS)
			sfw_count(st, SFW_CNT_SFW_FAILED_SESSIONS, 1);
		return SFW_TC_ACT_SHOT;
	}
	sfw_count_output(st, p, &f, f.sess_flags & SFW_SESS_F_TRANSIT);
	return SFW_TC_ACT_OK;
}

/* A packet's IPv4 options, walked once it is parsed, in a global
 * function as at XDP (sfw_xdp_ip_options); an IPv6 hop-by-hop header is
 * XDP's only to read, and changes nothing here. */
__noinline int sfw_tc_ip_options(struct __sk_buff *skb, struct sfw_pkt *p, int rc)
{
	if (!skb || !p)
		return SFW_PKT_MALFORMED;
	if (p->family != SFW_FAMILY_INET)
		return rc;
	return sfw_parse_options(skb, true, skb->data_end - skb->data, p, rc);
}

/* An ICMPv6 error's quoted extension headers, in a global function as at
 * XDP (sfw_xdp_quote_ext). */
__noinline int sfw_tc_quote_ext(struct __sk_buff *skb, __u32 off, __u32 q_end, __u32 nh)
{
	if (!skb)
		return -1;
	return sfw_quote_ext((void *)(long)skb->data, (void *)(long)skb->data_end,
			     off & 0x3fff, q_end, nh);
}

static __always_inline int sfw_hook_quote_ext(void *ctx, __u32 off, __u32 q_end, __u8 nh)
{
	return sfw_tc_quote_ext(ctx, off, q_end, nh);
}

/* Parsing in a function of its own, as at XDP (bpf/xdp_ingress.bpf.c):
 * a small entry frame, and each parse path verified once. */
__noinline int sfw_tc_parse(struct __sk_buff *skb, struct sfw_pkt *p)
{
	void *data, *end;
	int rc;

	if (!skb || !p)
		return SFW_PKT_MALFORMED;
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;
	rc = sfw_parse_packet(data, end, skb->len, skb->gso_size != 0, p);
	if (rc == SFW_PKT_MPLS && sfw_mpls_passes())
		return SFW_PKT_UNTRACKED;
	return p->ip_opts ? sfw_tc_ip_options(skb, p, rc) : rc;
}

SEC("tc")
int sfw_tc_egress(struct __sk_buff *skb)
{
	struct sfw_iface_stats *st = sfw_stats(skb->ifindex);
	/* read once: clang may otherwise select between ctx field pointers,
	 * which the verifier rejects */
	__u32 in_ifindex = skb->ingress_ifindex;
	__u32 segs = skb->gso_segs ? skb->gso_segs : 1;
	struct sfw_pkt p = {};
	__u32 want = skb->len < SFW_TC_PULL_LEN ? skb->len : SFW_TC_PULL_LEN;
	int rc;

	if (skb->data_end - skb->data < want)
		bpf_skb_pull_data(skb, want);
	rc = sfw_tc_parse(skb, &p);
	/* counted per wire packet, like every other outcome here */
	if (rc >= SFW_PKT_MALFORMED) {
		sfw_count(st, sfw_parse_drop(rc), segs);
		return SFW_TC_ACT_SHOT;
	}
	if (rc == SFW_PKT_UNTRACKED) {
		sfw_count(st, SFW_CNT_SFW_UNTRACKED_PKTS, segs);
		return SFW_TC_ACT_OK;
	}
	return sfw_tc_flow(skb, &p, st, in_ifindex);
}

char LICENSE[] SEC("license") = "GPL";
