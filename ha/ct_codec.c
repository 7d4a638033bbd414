/* The session <-> conntrack entry encoding (ha/ct_codec.h, docs/ha.md). */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>
#include "ct_codec.h"
#include "nfct_lib.h"
#include "policy.h"
#include "protocols.h"

/* sfw's TCP states (include/session.h order) as conntrack's. */
static const __u8 to_ct_state[SFW_TCP_STATE_COUNT] = {
	[SFW_TCP_NONE] = TCP_CONNTRACK_NONE,
	[SFW_TCP_SYN_SENT] = TCP_CONNTRACK_SYN_SENT,
	[SFW_TCP_SYN_RECV] = TCP_CONNTRACK_SYN_RECV,
	[SFW_TCP_ESTABLISHED] = TCP_CONNTRACK_ESTABLISHED,
	[SFW_TCP_FIN_WAIT] = TCP_CONNTRACK_FIN_WAIT,
	[SFW_TCP_CLOSE_WAIT] = TCP_CONNTRACK_CLOSE_WAIT,
	[SFW_TCP_TIME_WAIT] = TCP_CONNTRACK_TIME_WAIT,
	[SFW_TCP_CLOSED] = TCP_CONNTRACK_CLOSE,
};

/* ctnetlink refuses a state above TCP_CONNTRACK_SYN_SENT2 (its policy):
 * every state sfw writes is below it, and sfw_ha_encode refuses (and the
 * mirror counts in write_errors) one outside the table. */
_Static_assert(TCP_CONNTRACK_CLOSE < TCP_CONNTRACK_SYN_SENT2 &&
	       TCP_CONNTRACK_TIME_WAIT < TCP_CONNTRACK_SYN_SENT2, "states ctnetlink takes");

static int from_ct_state(__u8 ct_state)
{
	if (ct_state == TCP_CONNTRACK_LAST_ACK)   /* sfw never writes it: the nearest */
		return SFW_TCP_CLOSE_WAIT;
	for (int i = 0; i < SFW_TCP_STATE_COUNT; i++)
		if (to_ct_state[i] == ct_state)
			return i;
	return -EINVAL;
}

#define MARK_POLICY_SHIFT 7
#define MARK_POLICY_MASK  0x1fffu
#define MARK_INVALIDATED  0x08u
#define MARK_FLAGS        (SFW_SESS_F_LOCAL | SFW_SESS_F_TRANSIT | SFW_SESS_F_LOG_CLOSE)
_Static_assert(SFW_SESS_F_LOCAL == 0x02 && SFW_SESS_F_TRANSIT == 0x04 &&
	       SFW_SESS_F_LOG_CLOSE == 0x08, "mark bits 0..2 are these flags shifted down");
_Static_assert(SFW_MAX_POLICY_INDEX <= MARK_POLICY_MASK + 1, "policy ids fit the mark");

/* Label fields: first bit and width. */
enum { L_ID = 0, L_APP = 64, L_ZONE_IN = 80, L_ZONE_OUT = 86, L_APP_TO = 92,
       L_WING_IN = 112, L_WING_OUT = 118, L_LONE_SCALE = 124, L_END = 128 };
#define WING_FLAG_BITS 6
#define WING_FLAGS_MASK 0x3fu

static void put_bits(struct nfct_bitmask *b, unsigned int first, unsigned int width, __u64 v)
{
	for (unsigned int i = 0; i < width; i++)
		if (v >> i & 1)
			nfct.bitmask_set_bit(b, first + i);
}

static __u64 get_bits(const struct nfct_bitmask *b, unsigned int first, unsigned int width)
{
	__u64 v = 0;

	for (unsigned int i = 0; i < width; i++)
		if (first + i <= nfct.bitmask_maxbit(b) && nfct.bitmask_test_bit(b, first + i))
			v |= 1ull << i;
	return v;
}

static bool is_icmp(__u8 proto)
{
	return proto == SFW_IPPROTO_ICMP || proto == SFW_IPPROTO_ICMP6;
}

/* The ICMP type and code of a query session's request (conntrack's
 * original direction) from its responder's key port (include/protocols.h
 * sfw_icmp_key_tag): -EOPNOTSUPP for a session of a type that is no
 * query (one-way: conntrack refuses those as new, and has no reply type
 * to invert it to). */
static int icmp_request_of(__be16 tag_port, __u8 proto, __u8 *type, __u8 *code)
{
	bool v6 = proto == SFW_IPPROTO_ICMP6;
	__u16 tag = ntohs(tag_port);

	sfw_icmp_tag_request(tag, v6, type, code);
	if (SFW_ICMP_ROLE(sfw_icmp_query(*type, v6)) != SFW_ICMP_ROLE_REQUEST ||
	    sfw_icmp_key_tag(*type, *code, v6) != tag)
		return -EOPNOTSUPP;
	return 0;
}

/* The layer 3 part of the original direction. */
static int encode_addrs(const struct sfw_session_key *k, const union sfw_addr *src,
			const union sfw_addr *dst, struct nf_conntrack *ct)
{
	if (k->family == SFW_FAMILY_INET) {
		nfct.set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
		nfct.set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, src->v4);
		nfct.set_attr_u32(ct, ATTR_ORIG_IPV4_DST, dst->v4);
	} else if (k->family == SFW_FAMILY_INET6) {
		nfct.set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET6);
		nfct.set_attr(ct, ATTR_ORIG_IPV6_SRC, src->v6);
		nfct.set_attr(ct, ATTR_ORIG_IPV6_DST, dst->v6);
	} else {
		return -EINVAL;
	}
	nfct.set_attr_u8(ct, ATTR_ORIG_L4PROTO, k->proto);
	return 0;
}

/* Protocols first: libnetfilter_conntrack derives the reply's ICMP type
 * from the original's only when it knows the protocol by then. */
int sfw_ha_encode_tuple(const struct sfw_session_key *k, bool opener_lo, __u16 ct_zone,
			struct nf_conntrack *ct)
{
	const union sfw_addr *src = opener_lo ? &k->addr_lo : &k->addr_hi;
	const union sfw_addr *dst = opener_lo ? &k->addr_hi : &k->addr_lo;
	__be16 sport = opener_lo ? k->port_lo : k->port_hi;
	__be16 dport = opener_lo ? k->port_hi : k->port_lo;
	int err = encode_addrs(k, src, dst, ct);

	if (err)
		return err;
	switch (k->proto) {
	case SFW_IPPROTO_TCP:
	case SFW_IPPROTO_UDP:
		nfct.set_attr_u16(ct, ATTR_ORIG_PORT_SRC, sport);
		nfct.set_attr_u16(ct, ATTR_ORIG_PORT_DST, dport);
		break;
	case SFW_IPPROTO_ICMP:
	case SFW_IPPROTO_ICMP6: {
		/* queries only: the requester's side carries the identifier,
		 * the responder's the request's kind (bpf/parse_l4.bpf.h) */
		__u8 type, code;

		if (icmp_request_of(dport, k->proto, &type, &code))
			return -EOPNOTSUPP;
		nfct.set_attr_u8(ct, ATTR_ICMP_TYPE, type);
		nfct.set_attr_u8(ct, ATTR_ICMP_CODE, code);
		nfct.set_attr_u16(ct, ATTR_ICMP_ID, sport);
		break;
	}
	case SFW_IPPROTO_SCTP:
	case SFW_IPPROTO_GRE:
		return -EOPNOTSUPP;   /* conntrack wants state or keys sfw has not */
	default:
		if (k->port_lo || k->port_hi)
			return -EOPNOTSUPP;
	}
	/* the reply direction mirrors the original: no NAT yet (docs/ha.md) */
	nfct.setobjopt(ct, NFCT_SOPT_SETUP_REPLY);
	nfct.set_attr_u16(ct, ATTR_ZONE, ct_zone);
	return 0;
}

static __u32 mark_of(const struct sfw_session *s)
{
	return SFW_HA_MARK_SIG | (s->policy_id & MARK_POLICY_MASK) << MARK_POLICY_SHIFT |
	       (s->state == SFW_SESS_INVALIDATED ? MARK_INVALIDATED : 0) |
	       (__u32)(s->flags & MARK_FLAGS) >> 1;
}

static __u64 app_timeout_label(__u32 t)
{
	if (t == 0xffffffffu || t >= SFW_HA_APP_TIMEOUT_NEVER)
		return SFW_HA_APP_TIMEOUT_NEVER;
	return t;
}

/* Window scales (bpf/parse_l4.bpf.h: SFW_TCP_NO_WSCALE, 0xf, when the
 * wing's SYN had no option) as conntrack holds them: a scale and the
 * wing's IP_CT_TCP_FLAG_WINDOW_SCALE; "none" is the flag clear, scale 0
 * (ctnetlink refuses a scale above TCP_MAX_WSCALE, 14). The kernel keeps
 * the scales only when both wings' flags are set (nlattr_to_tcp): the
 * scale of a wing whose peer sent none travels in the labels. */
#define WSCALE_NONE 0xfu
#define WSCALE_MAX  14u

static bool has_scale(__u8 wscale)
{
	return wscale <= WSCALE_MAX;
}

/* The labels' lone-scale field (4 bits): the scale of the one wing that
 * offered one (0..13: a lone scale never scales a window, RFC 7323, so
 * 14 is carried as 13), LONE_BOTH when both wings scaled, LONE_NEITHER
 * when neither did. conntrackd carries no TCP flags, so on its way only
 * this field tells the three apart (get_wscales). An older sfw wrote 0
 * for both and for neither (read as a lone 0: no window scaled, as it
 * loaded them), and a lone 14 as 14 (read as both: 14 each, as unknown). */
#define LONE_BOTH    14u
#define LONE_NEITHER WSCALE_NONE

static __u8 lone_scale(const struct sfw_session *s)
{
	__u8 in = s->wing[SFW_WING_IN].wscale, out = s->wing[SFW_WING_OUT].wscale;

	if (has_scale(in) && has_scale(out))
		return LONE_BOTH;
	if (has_scale(in) || has_scale(out)) {
		__u8 lone = has_scale(in) ? in : out;

		return lone < LONE_BOTH ? lone : LONE_BOTH - 1;
	}
	return LONE_NEITHER;
}

static void put_wscale(struct nf_conntrack *ct, __u8 wscale, int scale_attr, int flags_attr,
		       int mask_attr)
{
	nfct.set_attr_u8(ct, scale_attr, has_scale(wscale) ? wscale : 0);
	nfct.set_attr_u8(ct, flags_attr, has_scale(wscale) ? IP_CT_TCP_FLAG_WINDOW_SCALE : 0);
	nfct.set_attr_u8(ct, mask_attr, IP_CT_TCP_FLAG_WINDOW_SCALE);
}

static void put_tcp(struct nf_conntrack *ct, const struct sfw_session *s)
{
	nfct.set_attr_u8(ct, ATTR_TCP_STATE, to_ct_state[s->tcp_state]);
	put_wscale(ct, s->wing[SFW_WING_IN].wscale, ATTR_TCP_WSCALE_ORIG, ATTR_TCP_FLAGS_ORIG,
		   ATTR_TCP_MASK_ORIG);
	put_wscale(ct, s->wing[SFW_WING_OUT].wscale, ATTR_TCP_WSCALE_REPL, ATTR_TCP_FLAGS_REPL,
		   ATTR_TCP_MASK_REPL);
}

/* A wing's scale back: flag set, the scale (the labels' when the other
 * wing's flag is clear: the kernel kept none); flag clear, none. An entry
 * without flags (an older sfw's, never through a kernel) keeps the scale
 * it carries. */
static __u8 get_wscale(const struct nf_conntrack *ct, int scale_attr, int flags_attr,
		       int other_flags_attr, __u8 lone)
{
	__u8 scale = nfct.get_attr_u8(ct, scale_attr);

	if (!nfct.attr_is_set(ct, flags_attr))
		return scale;
	if (!(nfct.get_attr_u8(ct, flags_attr) & IP_CT_TCP_FLAG_WINDOW_SCALE))
		return WSCALE_NONE;
	if (nfct.attr_is_set(ct, other_flags_attr) &&
	    !(nfct.get_attr_u8(ct, other_flags_attr) & IP_CT_TCP_FLAG_WINDOW_SCALE))
		return lone;
	return scale;
}

/* conntrackd writes the entries it syncs with its own flags: without
 * TCPWindowTracking, IP_CT_TCP_FLAG_BE_LIBERAL and nothing else
 * (ctd_force_tcp_be_liberal); with it, none at all. Either way the
 * kernel keeps no scale, and the flags no longer say which wing offered
 * one. (An entry sfw itself wrote has flags clear on both wings only
 * when neither wing scaled.) */
static bool flags_lost(const struct nf_conntrack *ct)
{
	__u8 orig, repl;

	if (!nfct.attr_is_set(ct, ATTR_TCP_FLAGS_ORIG) || !nfct.attr_is_set(ct, ATTR_TCP_FLAGS_REPL))
		return false;   /* an older sfw's entry, never through a kernel */
	orig = nfct.get_attr_u8(ct, ATTR_TCP_FLAGS_ORIG);
	repl = nfct.get_attr_u8(ct, ATTR_TCP_FLAGS_REPL);
	return ((orig | repl) & IP_CT_TCP_FLAG_BE_LIBERAL) ||
	       !((orig | repl) & IP_CT_TCP_FLAG_WINDOW_SCALE);
}

/* Both wings' scales. Where the flags were lost (flags_lost) the labels'
 * lone-scale field says what the wings offered: one of them (no window
 * scaled, RFC 7323: the lone scale on the In wing, whichever wing held
 * it), neither (none), or both, whose scales are lost: unknown, 14 each,
 * as a session picked up mid-stream (bpf/tcp_state.bpf.h). Read as
 * "none", a scaled flow's windows were taken unscaled and its segments
 * beyond them refused after a failover; read as "unknown", an unscaled
 * flow's windows were a gigabyte (reviews rv29, F3 and F4). */
static void get_wscales(const struct nf_conntrack *ct, __u8 lone, struct sfw_session *s)
{
	if (flags_lost(ct)) {
		bool both = lone == LONE_BOTH, neither = lone == LONE_NEITHER;

		s->wing[SFW_WING_IN].wscale = both ? WSCALE_MAX : neither ? WSCALE_NONE : lone;
		s->wing[SFW_WING_OUT].wscale = both ? WSCALE_MAX : WSCALE_NONE;
		return;
	}
	s->wing[SFW_WING_IN].wscale = get_wscale(ct, ATTR_TCP_WSCALE_ORIG, ATTR_TCP_FLAGS_ORIG,
						 ATTR_TCP_FLAGS_REPL, lone);
	s->wing[SFW_WING_OUT].wscale = get_wscale(ct, ATTR_TCP_WSCALE_REPL, ATTR_TCP_FLAGS_REPL,
						  ATTR_TCP_FLAGS_ORIG, lone);
}

static int put_labels(struct nf_conntrack *ct, const struct sfw_ha_session *hs)
{
	const struct sfw_session *s = &hs->sess;
	struct nfct_bitmask *b = nfct.bitmask_new(SFW_HA_LABEL_BITS - 1);

	if (!b)
		return -ENOMEM;
	put_bits(b, L_ID, 64, s->id);
	put_bits(b, L_APP, 16, s->app_id);
	put_bits(b, L_ZONE_IN, 6, hs->zone[SFW_WING_IN]);
	put_bits(b, L_ZONE_OUT, 6, hs->zone[SFW_WING_OUT]);
	put_bits(b, L_APP_TO, 20, app_timeout_label(s->app_timeout_s));
	put_bits(b, L_WING_IN, WING_FLAG_BITS, s->wing[SFW_WING_IN].tcp_flags & WING_FLAGS_MASK);
	put_bits(b, L_WING_OUT, WING_FLAG_BITS, s->wing[SFW_WING_OUT].tcp_flags & WING_FLAGS_MASK);
	if (hs->key.proto == SFW_IPPROTO_TCP)
		put_bits(b, L_LONE_SCALE, 4, lone_scale(s));
	nfct.set_attr(ct, ATTR_CONNLABELS, b);   /* ct owns it from here */
	return 0;
}

int sfw_ha_encode(const struct sfw_ha_session *hs, __u16 ct_zone, struct nf_conntrack *ct)
{
	const struct sfw_session *s = &hs->sess;
	__u32 status = IPS_ASSURED;   /* never early-dropped by a kernel under pressure */
	int err;

	if (hs->zone[0] >= SFW_MAX_ZONES || hs->zone[1] >= SFW_MAX_ZONES ||
	    s->policy_id > MARK_POLICY_MASK || s->tcp_state >= SFW_TCP_STATE_COUNT)
		return -EINVAL;
	err = sfw_ha_encode_tuple(&hs->key, s->flags & SFW_SESS_F_OPENER_LO, ct_zone, ct);
	if (err)
		return err;
	if (hs->key.proto == SFW_IPPROTO_TCP)
		put_tcp(ct, s);
	if (s->wing[SFW_WING_OUT].packets || s->tcp_state >= SFW_TCP_ESTABLISHED)
		status |= IPS_SEEN_REPLY;
	nfct.set_attr_u32(ct, ATTR_STATUS, status);
	nfct.set_attr_u32(ct, ATTR_TIMEOUT, s->timeout_s);
	nfct.set_attr_u32(ct, ATTR_MARK, mark_of(s));
	return put_labels(ct, hs);
}

bool sfw_ha_is_ours(const struct nf_conntrack *ct)
{
	return nfct.attr_is_set(ct, ATTR_MARK) &&
	       nfct.get_attr_u32(ct, ATTR_MARK) >> 24 == SFW_HA_MARK_MAGIC;
}

/* bpf/session.bpf.h's order, exactly: address words as stored, then
 * ports as stored (any consistent order would do, but it must be that one
 * for the key to find the session). */
static bool src_is_lo(const union sfw_addr *src, const union sfw_addr *dst, __be16 sport,
		      __be16 dport)
{
	for (int i = 0; i < 4; i++)
		if (src->v6[i] != dst->v6[i])
			return src->v6[i] < dst->v6[i];
	return sport <= dport;
}

/* The key and opener side. */
static int decode_tuple(const struct nf_conntrack *ct, struct sfw_ha_session *hs)
{
	struct sfw_session_key *k = &hs->key;
	union sfw_addr src = { 0 }, dst = { 0 };
	__be16 sport = 0, dport = 0;
	__u8 l3 = nfct.get_attr_u8(ct, ATTR_ORIG_L3PROTO);
	bool lo;

	k->proto = nfct.get_attr_u8(ct, ATTR_ORIG_L4PROTO);
	if (l3 == AF_INET) {
		k->family = SFW_FAMILY_INET;
		src.v4 = nfct.get_attr_u32(ct, ATTR_ORIG_IPV4_SRC);
		dst.v4 = nfct.get_attr_u32(ct, ATTR_ORIG_IPV4_DST);
	} else if (l3 == AF_INET6) {
		k->family = SFW_FAMILY_INET6;
		memcpy(src.v6, nfct.get_attr(ct, ATTR_ORIG_IPV6_SRC), 16);
		memcpy(dst.v6, nfct.get_attr(ct, ATTR_ORIG_IPV6_DST), 16);
	} else {
		return -EINVAL;
	}
	if (k->proto == SFW_IPPROTO_TCP || k->proto == SFW_IPPROTO_UDP) {
		sport = nfct.get_attr_u16(ct, ATTR_ORIG_PORT_SRC);
		dport = nfct.get_attr_u16(ct, ATTR_ORIG_PORT_DST);
	} else if (is_icmp(k->proto)) {
		bool v6 = k->proto == SFW_IPPROTO_ICMP6;
		__u8 type = nfct.get_attr_u8(ct, ATTR_ICMP_TYPE);

		if (SFW_ICMP_ROLE(sfw_icmp_query(type, v6)) != SFW_ICMP_ROLE_REQUEST)
			return -EINVAL;
		sport = nfct.get_attr_u16(ct, ATTR_ICMP_ID);
		dport = htons(sfw_icmp_key_tag(type, nfct.get_attr_u8(ct, ATTR_ICMP_CODE), v6));
	}
	lo = src_is_lo(&src, &dst, sport, dport);
	k->addr_lo = lo ? src : dst;
	k->addr_hi = lo ? dst : src;
	k->port_lo = lo ? sport : dport;
	k->port_hi = lo ? dport : sport;
	k->pad = 0;
	hs->sess.flags |= lo ? SFW_SESS_F_OPENER_LO : 0;
	return 0;
}

static void decode_labels(const struct nfct_bitmask *b, struct sfw_ha_session *hs)
{
	struct sfw_session *s = &hs->sess;
	__u32 to = (__u32)get_bits(b, L_APP_TO, 20);

	s->id = get_bits(b, L_ID, 64);
	s->app_id = (__u16)get_bits(b, L_APP, 16);
	hs->zone[SFW_WING_IN] = (__u8)get_bits(b, L_ZONE_IN, 6);
	hs->zone[SFW_WING_OUT] = (__u8)get_bits(b, L_ZONE_OUT, 6);
	s->app_timeout_s = to == SFW_HA_APP_TIMEOUT_NEVER ? 0xffffffffu : to;
	s->wing[SFW_WING_IN].tcp_flags = (__u8)get_bits(b, L_WING_IN, WING_FLAG_BITS);
	s->wing[SFW_WING_OUT].tcp_flags = (__u8)get_bits(b, L_WING_OUT, WING_FLAG_BITS);
}

int sfw_ha_decode_key(const struct nf_conntrack *ct, struct sfw_ha_session *hs)
{
	memset(hs, 0, sizeof(*hs));
	if (!sfw_ha_is_ours(ct))
		return -ENOENT;
	return decode_tuple(ct, hs);
}

int sfw_ha_decode(const struct nf_conntrack *ct, struct sfw_ha_session *hs)
{
	const struct nfct_bitmask *b;
	__u32 mark;
	int err, st;
	__u8 lone;

	memset(hs, 0, sizeof(*hs));
	if (!sfw_ha_is_ours(ct))
		return -ENOENT;
	mark = nfct.get_attr_u32(ct, ATTR_MARK);
	if ((mark & SFW_HA_MARK_SIG_MASK) != SFW_HA_MARK_SIG)
		return -EPROTO;
	b = nfct.get_attr(ct, ATTR_CONNLABELS);
	if (!b)
		return -EINVAL;   /* labels lost on the way: no id, nothing to rebuild */
	err = decode_tuple(ct, hs);
	if (err)
		return err;
	hs->sess.policy_id = mark >> MARK_POLICY_SHIFT & MARK_POLICY_MASK;
	hs->sess.flags |= (__u8)((mark & (MARK_FLAGS >> 1)) << 1);
	hs->sess.state = mark & MARK_INVALIDATED ? SFW_SESS_INVALIDATED : SFW_SESS_VALID;
	decode_labels(b, hs);
	if (!hs->sess.id)
		return -EINVAL;
	if (hs->key.proto == SFW_IPPROTO_TCP) {
		st = from_ct_state(nfct.get_attr_u8(ct, ATTR_TCP_STATE));
		if (st < 0)
			return st;
		hs->sess.tcp_state = (__u8)st;
		lone = (__u8)get_bits(b, L_LONE_SCALE, 4);
		get_wscales(ct, lone, &hs->sess);
	}
	/* what the entry has left; 0 is "not said" (sfw_sess_last_seen_for),
	 * and ctnetlink rounds down, so an entry with under a second left
	 * (it never hands over an expired one) has 1: loaded as 0, it got a
	 * whole timeout again (red team r47 RT47-8) */
	if (nfct.attr_is_set(ct, ATTR_TIMEOUT)) {
		__u32 left = nfct.get_attr_u32(ct, ATTR_TIMEOUT);

		hs->sess.timeout_s = left ? left : 1;
	}
	return 0;
}
