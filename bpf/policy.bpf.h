/* Zones and security policies on the first packet of a session (see
 * include/policy.h for the bitmap-intersection scheme). Never consulted for
 * established packets. */
#ifndef SFW_POLICY_BPF_H
#define SFW_POLICY_BPF_H

#include "session.bpf.h"

/* The policy decision for a first packet. */
struct sfw_verdict {
	__u32 outcome;        /* SFW_CNT_SFW_PERMITTED_PKTS or a drop counter */
	__u32 policy_id;
	__u16 app_id;
	__u8 action;          /* enum sfw_rule_action, 0 for built-in decisions */
	__u8 log;             /* the rule's SFW_RULE_LOG_* flags */
	__u32 timeout_s;      /* the application's, 0: the protocol's */
};

/* Index of the lowest set bit (m != 0): BPF has no count-trailing-zeros. */
static __always_inline __u32 sfw_ctz64(__u64 m)
{
	__u32 n = 0;

	m &= -m;
	if (m & 0xffffffff00000000ULL) n += 32;
	if (m & 0xffff0000ffff0000ULL) n += 16;
	if (m & 0xff00ff00ff00ff00ULL) n += 8;
	if (m & 0xf0f0f0f0f0f0f0f0ULL) n += 4;
	if (m & 0xccccccccccccccccULL) n += 2;
	if (m & 0xaaaaaaaaaaaaaaaaULL) n += 1;
	return n;
}

/* The (protocol, port) a packet presents to policies and to application
 * classification: the destination port, or ICMP type and code. */
static __always_inline void sfw_app_key(struct sfw_app_lpm_key *k, __u16 list,
					const struct sfw_pkt *p)
{
	k->prefixlen = 48;
	k->list = list;
	k->proto = p->proto;
	k->zero = 0;
	k->pad[0] = 0;
	k->pad[1] = 0;
	if (p->proto == SFW_IPPROTO_ICMP || p->proto == SFW_IPPROTO_ICMP6) {
		k->port[0] = p->icmp_type;
		k->port[1] = p->icmp_code;
	} else {
		__builtin_memcpy(k->port, &p->dport, 2);
	}
}

static __always_inline struct sfw_rule_bits *sfw_addr_bits(__u16 list, __u8 dir,
							   const struct sfw_pkt *p)
{
	struct sfw_addr_lpm_key k = {
		.prefixlen = SFW_ADDR_LPM_FIXED_BITS + (p->family == SFW_FAMILY_INET ? 32 : 128),
		.list = list, .dir = dir, .family = p->family,
	};

	__builtin_memcpy(k.addr, dir == SFW_DIR_SRC ? &p->src : &p->dst, 16);
	return bpf_map_lookup_elem(&SFW_MAP_POL_ADDR, &k);
}

/* The first rule of a list that matches in all three dimensions. */
static __always_inline struct sfw_rule *sfw_list_match(__u16 list, const struct sfw_pkt *p)
{
	struct sfw_rule_bits *src, *dst, *app;
	struct sfw_app_lpm_key ak;
	struct sfw_rule_key rk = { .list = list };

	src = sfw_addr_bits(list, SFW_DIR_SRC, p);
	if (!src)
		return NULL;
	dst = sfw_addr_bits(list, SFW_DIR_DST, p);
	if (!dst)
		return NULL;
	sfw_app_key(&ak, list, p);
	app = bpf_map_lookup_elem(&SFW_MAP_POL_APP, &ak);
	if (!app)
		return NULL;
#pragma unroll
	for (int i = 0; i < SFW_RULE_WORDS; i++) {
		__u64 m = src->w[i] & dst->w[i] & app->w[i];

		if (m) {
			rk.bit = i * 64 + sfw_ctz64(m);
			return bpf_map_lookup_elem(&SFW_MAP_RULES, &rk);
		}
	}
	return NULL;
}

static __always_inline const struct sfw_config *sfw_cfg_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&SFW_MAP_CONFIG, &zero);
}

/* May an MPLS frame pass untracked (SFW_PKT_MPLS)? Only where the
 * configuration puts MPLS in packet mode, as Junos's SRX forwards it then.
 * Asked of MPLS frames only, in the hooks' parse functions: the entry
 * points' frames are on the call chain's 512 bytes, and the lookup's key
 * would not fit there. */
static __always_inline bool sfw_mpls_passes(void)
{
	const struct sfw_config *cfg = sfw_cfg_get();

	return cfg && SFW_CFG_MPLS_PASSES(cfg->flags);
}

/* The policy generation in force. A commit flips it while packets are
 * being judged, so a first packet reads it once, here, and every lookup
 * it makes uses that one (docs/security.md, "Races: concurrent first
 * packets and commits"); volatile, so the compiler cannot read it again. */
static __always_inline __u32 sfw_cfg_gen(const struct sfw_config *cfg)
{
	return *(const volatile __u32 *)&cfg->gen & 1;
}

/* What a first packet is judged by: its zone pair, in one generation. */
struct sfw_zone_pair {
	__u32 from;
	__u32 to;
	__u32 gen;
};

static __always_inline __u32 sfw_zone_of(__u32 ifindex, __u32 gen)
{
	struct sfw_zone_key k = { .ifindex = ifindex, .gen = gen };
	__u32 *z = bpf_map_lookup_elem(&SFW_MAP_ZONES, &k);

	return z ? *z : SFW_ZONE_NONE;
}

static __always_inline void sfw_count_hit(__u32 policy_id)
{
	__u64 *hits = bpf_map_lookup_elem(&SFW_MAP_POL_HITS, &policy_id);

	if (hits)
		*hits += 1;
}

static __always_inline void sfw_classify_app(struct sfw_verdict *v, __u32 gen,
					     const struct sfw_pkt *p)
{
	struct sfw_app_lpm_key k;
	struct sfw_app_class *c;

	sfw_app_key(&k, SFW_CLASS_LIST(gen), p);
	c = bpf_map_lookup_elem(&SFW_MAP_APP_CLASS, &k);
	if (c) {
		v->app_id = c->app_id;
		v->timeout_s = c->timeout_s;
	}
}

/* Decides a first packet from zone z->from to zone z->to (SFW_ZONE_HOST
 * for this host) in generation z->gen: the zone pair's policies, then the
 * global ones, then the default policy. A global function: the verifier checks its many branches
 * once, on their own, instead of once per state of every caller (that
 * multiplied the programs' verification to hundreds of thousands of
 * instructions). It runs on first packets only, so the call costs nothing
 * on established traffic. */
__noinline int sfw_policy_decide(struct sfw_verdict *v, const struct sfw_config *cfg,
				 const struct sfw_pkt *p, const struct sfw_zone_pair *z)
{
	struct sfw_rule *r;
	__u32 gen, from, to;

	if (!v || !cfg || !p || !z)
		return 0;
	/* a stored configuration that is not in force permits nothing, not
	 * even what the defaults would (docs/security.md, "fails closed") */
	if (cfg->flags & SFW_CFG_F_FAIL_CLOSED) {
		v->policy_id = SFW_POLICY_ID_DEFAULT_PERMIT;
		v->outcome = SFW_CNT_ERR_POLICY_DENIED;
		return 0;
	}
	gen = z->gen & 1;
	from = z->from;
	to = z->to;
	if ((cfg->flags & SFW_CFG_F_ZONES) && (from == SFW_ZONE_NONE || to == SFW_ZONE_NONE)) {
		v->outcome = SFW_CNT_ERR_NO_ZONE;
		return 0;
	}
	r = sfw_list_match(SFW_LIST(gen, from & (SFW_MAX_ZONES - 1), to & (SFW_MAX_ZONES - 1)), p);
	if (!r)
		r = sfw_list_match(SFW_LIST_G(gen), p);
	if (r) {
		sfw_count_hit(r->policy_id);
		v->policy_id = r->policy_id;
		v->action = r->action;
		v->log = r->flags;
		v->outcome = r->action == SFW_ACTION_PERMIT ? SFW_CNT_SFW_PERMITTED_PKTS
							    : SFW_CNT_ERR_POLICY_DENIED;
	} else {
		v->policy_id = SFW_POLICY_ID_DEFAULT_PERMIT;
		v->outcome = cfg->default_policy == SFW_POLICY_DENY_ALL
			? SFW_CNT_ERR_POLICY_DENIED : SFW_CNT_SFW_PERMITTED_PKTS;
	}
	if (v->outcome == SFW_CNT_SFW_PERMITTED_PKTS)
		sfw_classify_app(v, gen, p);
	return 0;
}

#endif
