/* Packet builder: header structs written one after another into a frame,
 * then lengths and checksums filled in from the finished frame, the way a
 * stack would. See pktbuild.h. */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include "net_consts.h"
#include "protocols.h"
#include "pktbuild.h"

/* Locally administered, so they can never be a real station's. */
static const __u8 pb_mac_src[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
static const __u8 pb_mac_dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };

struct pb_addrs {
	bool v6;
	__u8 src[16];
	__u8 dst[16];
};

static void pb_w16(__u8 *at, __u16 v)
{
	at[0] = v >> 8;
	at[1] = v & 0xff;
}

static void pb_w32(__u8 *at, __u32 v)
{
	pb_w16(at, v >> 16);
	pb_w16(at + 2, v & 0xffff);
}

static __u16 pb_r16(const __u8 *at)
{
	return (__u16)(at[0] << 8 | at[1]);
}

/* Appends n bytes (zeros when src is NULL) at *off. */
static int pb_put(struct pb_pkt *p, __u32 *off, const void *src, size_t n)
{
	if (*off + n > PB_MAX)
		return -EINVAL;
	if (src)
		memcpy(p->data + *off, src, n);
	else
		memset(p->data + *off, 0, n);
	*off += n;
	return 0;
}

static __u32 pb_sum(const __u8 *b, size_t len, __u32 sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += pb_r16(b + i);
	if (len & 1)
		sum += b[len - 1] << 8;
	return sum;
}

__u16 pb_csum(const void *buf, size_t len, __u32 sum)
{
	sum = pb_sum(buf, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* CRC32c (Castagnoli), bitwise: SCTP's checksum. */
static __u32 pb_crc32c(const __u8 *b, size_t n)
{
	__u32 crc = ~0u;

	while (n--) {
		crc ^= *b++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & -(crc & 1));
	}
	return ~crc;
}

bool pb_is_v6(const struct pb_spec *s)
{
	return s->src && strchr(s->src, ':');
}

static int pb_parse_addrs(const struct pb_spec *s, struct pb_addrs *a)
{
	int af;

	memset(a, 0, sizeof(*a));
	if (!s->src || !s->dst)
		return -EINVAL;
	a->v6 = pb_is_v6(s);
	af = a->v6 ? AF_INET6 : AF_INET;
	if (inet_pton(af, s->src, a->src) != 1 || inet_pton(af, s->dst, a->dst) != 1)
		return -EINVAL;
	return 0;
}

static __u16 pb_tpid(const struct pb_spec *s, int i)
{
	if (s->vlan_tpid[i])
		return s->vlan_tpid[i];
	return i == 0 && s->nvlan > 1 ? SFW_ETH_P_8021AD : SFW_ETH_P_8021Q;
}

static int pb_put_eth(const struct pb_spec *s, struct pb_pkt *p, __u32 *off, __u16 l3_type)
{
	struct ethhdr eth;
	int err;

	if (s->nvlan > PB_VLAN_MAX)
		return -EINVAL;
	memcpy(eth.h_dest, pb_mac_dst, ETH_ALEN);
	memcpy(eth.h_source, pb_mac_src, ETH_ALEN);
	eth.h_proto = htons(s->nvlan ? pb_tpid(s, 0) : l3_type);
	err = pb_put(p, off, &eth, sizeof(eth));
	for (int i = 0; !err && i < s->nvlan; i++) {
		__be16 tag[2] = {
			htons(s->vlan_id[i] & 0xfff),
			htons(i + 1 < s->nvlan ? pb_tpid(s, i + 1) : l3_type),
		};

		err = pb_put(p, off, tag, sizeof(tag));
	}
	return err;
}

static int pb_put_arp(const struct pb_addrs *a, struct pb_pkt *p, __u32 *off)
{
	__u8 arp[28] = { 0, 1, 0x08, 0x00, ETH_ALEN, 4, 0, 1 };  /* Ethernet/IPv4 request */

	if (a->v6)
		return -EINVAL;
	memcpy(arp + 8, pb_mac_src, ETH_ALEN);
	memcpy(arp + 14, a->src, 4);
	memcpy(arp + 24, a->dst, 4);
	return pb_put(p, off, arp, sizeof(arp));
}

static int pb_put_ip4(const struct pb_spec *s, const struct pb_addrs *a, struct pb_pkt *p,
		      __u32 *off)
{
	struct iphdr ip = { .version = 4 };
	__u8 opts[40];
	int err;

	if (s->ip_opts % 4 || s->ip_opts > sizeof(opts) || s->frag_off % 8)
		return -EINVAL;
	ip.ihl = 5 + s->ip_opts / 4;
	ip.ttl = s->ttl ? s->ttl : 64;
	ip.tos = s->tos;
	ip.protocol = s->proto;
	ip.id = htons(s->ip_id);
	ip.frag_off = htons((s->frag_off / 8) | (s->more_frags ? SFW_IP_MF : 0));
	memcpy(&ip.saddr, a->src, 4);
	memcpy(&ip.daddr, a->dst, 4);
	err = pb_put(p, off, &ip, sizeof(ip));
	/* a Router Alert option (or a source route through 192.0.2.1), then
	 * NOPs: real options, not zero bytes */
	memset(opts, 1, sizeof(opts));
	if (s->ip_opt_first && s->ip_opts < 8)
		return -EINVAL;
	if (s->ip_opt_first)
		memcpy(opts, (__u8[]){ s->ip_opt_first, 7, 4, 192, 0, 2, 1 }, 7);
	else
		memcpy(opts, (__u8[]){ 0x94, 4, 0, 0 }, 4);
	return err ? err : pb_put(p, off, opts, s->ip_opts);
}

/* One IPv6 extension header; options headers are filled with one PadN. */
static int pb_put_ext(const struct pb_spec *s, int i, struct pb_pkt *p, __u32 *off)
{
	__u8 nh = i + 1 < s->n_ext ? s->ext[i + 1] : s->proto;
	__u8 h[8 * 32] = { nh };
	size_t n = 8;

	if (s->ext[i] == SFW_IPPROTO_FRAGMENT) {
		if (s->frag_off % 8)
			return -EINVAL;
		pb_w16(h + 2, s->frag_off | (s->more_frags ? 1 : 0));
		pb_w32(h + 4, s->frag_id ? s->frag_id : 0x5f000001);
		return pb_put(p, off, h, n);
	}
	n = (s->ext_len8[i] + 1) * 8;
	if (n > sizeof(h))
		return -EINVAL;
	h[1] = s->ext_len8[i];
	if (s->ext[i] == SFW_IPPROTO_ROUTING) {
		/* routing type for experiments (RFC 4727), segments left 0:
		 * nothing for us to do; or a segment routing header (RFC 8754)
		 * with hops still to visit */
		h[2] = s->segments_left ? 4 : 253;
		h[3] = s->segments_left;
	} else {
		h[2] = 1;     /* PadN covering the rest of the header */
		h[3] = n - 4;
	}
	return pb_put(p, off, h, n);
}

static int pb_put_ip6(const struct pb_spec *s, const struct pb_addrs *a, struct pb_pkt *p,
		      __u32 *off)
{
	struct ipv6hdr ip6 = { .version = 6 };
	int err;

	if (s->n_ext > PB_EXT_MAX)
		return -EINVAL;
	if (s->flow_label > 0xfffff)
		return -EINVAL;
	ip6.hop_limit = s->ttl ? s->ttl : 64;
	ip6.priority = s->tos >> 4;
	ip6.flow_lbl[0] = (__u8)(s->tos << 4 | s->flow_label >> 16);
	ip6.flow_lbl[1] = (__u8)(s->flow_label >> 8);
	ip6.flow_lbl[2] = (__u8)s->flow_label;
	ip6.nexthdr = s->n_ext ? s->ext[0] : s->proto;
	memcpy(&ip6.saddr, a->src, 16);
	memcpy(&ip6.daddr, a->dst, 16);
	err = pb_put(p, off, &ip6, sizeof(ip6));
	for (int i = 0; !err && i < s->n_ext; i++)
		err = pb_put_ext(s, i, p, off);
	return err;
}

static int pb_put_tcp(const struct pb_spec *s, struct pb_pkt *p, __u32 *off)
{
	struct tcphdr th = {0};
	__u8 opts[40];
	int err;

	if (s->tcp_opts % 4 || s->tcp_opts > sizeof(opts))
		return -EINVAL;
	th.source = htons(s->sport);
	th.dest = htons(s->dport);
	th.seq = htonl(s->seq);
	th.ack_seq = htonl(s->ack);
	th.doff = 5 + s->tcp_opts / 4;
	th.window = htons(s->window ? s->window : 65535);
	err = pb_put(p, off, &th, sizeof(th));
	if (err)
		return err;
	/* flags as one byte: the bitfields would spell the same thing longer */
	p->data[*off - sizeof(th) + 13] = s->tcp_flags;
	memset(opts, 1, sizeof(opts));   /* NOPs after an MSS option */
	memcpy(opts, (__u8[]){ 2, 4, 0x05, 0xb4 }, 4);
	if (s->tcp_wscale)
		memcpy(opts + 4, (__u8[]){ 1, 3, 3, (__u8)(s->tcp_wscale - 1) }, 4);
	return pb_put(p, off, opts, s->tcp_opts);
}

static int pb_put_icmp(const struct pb_spec *s, struct pb_pkt *p, __u32 *off)
{
	__u8 h[8] = { s->icmp_type, s->icmp_code };

	if (!s->inner) {
		pb_w16(h + 4, s->icmp_id);
		pb_w16(h + 6, s->icmp_seq);
	} else if (s->proto == SFW_IPPROTO_ICMP6 && s->icmp_type == SFW_ICMPV6_PKT_TOOBIG) {
		pb_w16(h + 6, 1280);   /* the MTU it reports */
	}
	return pb_put(p, off, h, sizeof(h));
}

/* The L4 header alone; the payload (or an ICMP error's quote) follows. */
static int pb_put_l4(const struct pb_spec *s, struct pb_pkt *p, __u32 *off)
{
	__be16 ports[2] = { htons(s->sport), htons(s->dport) };
	__u8 h[24] = {0};

	switch (s->proto) {
	case SFW_IPPROTO_TCP:
		return pb_put_tcp(s, p, off);
	case SFW_IPPROTO_UDP:
		memcpy(h, ports, 4);
		return pb_put(p, off, h, sizeof(struct udphdr));
	case SFW_IPPROTO_SCTP:   /* common header: ports, verification tag, CRC */
		memcpy(h, ports, 4);
		memcpy(h + 4, (__u8[]){ 0x0a, 0x0b, 0x0c, 0x0d }, 4);
		return pb_put(p, off, h, 12);
	case SFW_IPPROTO_ICMP:
	case SFW_IPPROTO_ICMP6:
		return pb_put_icmp(s, p, off);
	case SFW_IPPROTO_GRE:    /* no flags, carrying IPv4 */
		pb_w16(h + 2, SFW_ETH_P_IP);
		return pb_put(p, off, h, 4);
	case SFW_IPPROTO_ESP:    /* SPI, sequence number */
		memcpy(h, (__u8[]){ 0, 0, 1, 0, 0, 0, 0, 1 }, 8);
		return pb_put(p, off, h, 8);
	case SFW_IPPROTO_AH:     /* no next header, 96-bit ICV */
		memcpy(h, (__u8[]){ SFW_IPPROTO_NONE, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 }, 12);
		return pb_put(p, off, h, 24);
	default:
		return 0;
	}
}

static int pb_put_body(const struct pb_spec *s, struct pb_pkt *p, __u32 *off)
{
	struct pb_pkt in;
	__u32 n;
	int err;

	if (s->inner) {
		err = pb_build(s->inner, &in);
		if (err)
			return err;
		n = in.len - in.l3_off;
		if (s->inner_quote && s->inner_quote < n)
			n = s->inner_quote;
		return pb_put(p, off, in.data + in.l3_off, n);
	}
	if (*off + s->payload > PB_MAX)
		return -EINVAL;
	for (__u32 i = 0; i < s->payload; i++)
		p->data[(*off)++] = 'a' + i % 26;
	return 0;
}

static __u32 pb_pseudo_sum(const struct pb_pkt *p, bool v6, __u8 proto, __u32 l4_len)
{
	const __u8 *ip = p->data + p->l3_off;
	__u32 sum = v6 ? pb_sum(ip + 8, 32, 0) : pb_sum(ip + 12, 8, 0);

	return sum + proto + (l4_len & 0xffff) + (l4_len >> 16);
}

/* Where the L4 checksum lives, or -1 when it is not an Internet checksum
 * over the L4 packet (SCTP, other protocols, later fragments). */
static int pb_csum_field(const struct pb_spec *s, bool v6, bool *pseudo)
{
	if (s->frag_off)
		return -1;
	*pseudo = true;
	switch (s->proto) {
	case SFW_IPPROTO_TCP:
		return 16;
	case SFW_IPPROTO_UDP:
		return 6;
	case SFW_IPPROTO_ICMP6:
		return 2;
	case SFW_IPPROTO_ICMP:
		*pseudo = false;
		return 2;
	default:
		return -1;
	}
}

static void pb_fill_l4_csum(struct pb_pkt *p, const struct pb_spec *s, bool v6)
{
	__u8 *l4 = p->data + p->l4_off;
	__u32 l4_len = p->l3_off + p->l3_len - p->l4_off;
	bool pseudo = false;
	int at = pb_csum_field(s, v6, &pseudo);
	__u16 c;

	if (s->proto == SFW_IPPROTO_UDP && !s->frag_off)
		pb_w16(l4 + 4, l4_len);
	if (s->proto == SFW_IPPROTO_SCTP && !s->frag_off) {
		__u32 crc = pb_crc32c(l4, l4_len);

		/* stored least significant byte first, as Linux does */
		for (int i = 0; i < 4; i++)
			l4[8 + i] = crc >> (8 * i);
		return;
	}
	if (at < 0)
		return;
	c = pb_csum(l4, l4_len, pseudo ? pb_pseudo_sum(p, v6, s->proto, l4_len) : 0);
	if (s->proto == SFW_IPPROTO_UDP && c == 0)
		c = 0xffff;   /* zero means "no checksum" in UDP */
	pb_w16(l4 + at, c);
}

static void pb_finish(struct pb_pkt *p, const struct pb_spec *s, bool v6)
{
	__u8 *ip = p->data + p->l3_off;

	p->l3_len = p->len - p->l3_off;
	if (v6) {
		pb_w16(ip + 4, p->l3_len - sizeof(struct ipv6hdr));
	} else {
		pb_w16(ip + 2, p->l3_len);
		pb_w16(ip + 10, pb_csum(ip, (ip[0] & 0xf) * 4, 0));
	}
	pb_fill_l4_csum(p, s, v6);
}

int pb_build(const struct pb_spec *s, struct pb_pkt *p)
{
	struct pb_addrs a;
	bool arp = s->ethertype == PB_ETH_P_ARP;
	__u32 off = 0;
	int err;

	memset(p, 0, sizeof(*p));
	err = pb_parse_addrs(s, &a);
	if (err)
		return err;
	err = pb_put_eth(s, p, &off, s->ethertype ? s->ethertype
						  : a.v6 ? SFW_ETH_P_IPV6 : SFW_ETH_P_IP);
	p->l3_off = off;
	if (!err && arp)
		err = pb_put_arp(&a, p, &off);
	else if (!err)
		err = a.v6 ? pb_put_ip6(s, &a, p, &off) : pb_put_ip4(s, &a, p, &off);
	p->l4_off = off;
	/* a later fragment carries payload only */
	if (!err && !arp && !s->frag_off)
		err = pb_put_l4(s, p, &off);
	p->hdr_end = off;
	if (!err && !arp)
		err = pb_put_body(s, p, &off);
	if (err)
		return err;
	p->len = off;
	if (!arp)
		pb_finish(p, s, a.v6);
	else
		p->l3_len = p->len - p->l3_off;
	err = pb_put(p, &off, NULL, s->trailer);
	p->len = off;
	return err;
}

/* Where the next-header byte naming the fragmentable part sits: the
 * IPv6 header's, or the last extension header's. */
static __u32 pb_last_nexthdr(const struct pb_pkt *w, const struct pb_spec *s)
{
	__u32 at = w->l3_off + 6, off = w->l3_off + sizeof(struct ipv6hdr);

	for (int i = 0; i < s->n_ext; i++) {
		at = off;
		off += (w->data[off + 1] + 1) * 8;
	}
	return at;
}

/* One fragment: the headers of whole (hdr bytes from the start of the
 * frame), an IPv6 fragment header when v6, then len payload bytes from
 * offset foff of the fragmentable part. */
static int pb_put_fragment(const struct pb_pkt *whole, const struct pb_spec *s, bool v6,
			   __u32 hdr, __u32 foff, __u32 len, bool more, struct pb_pkt *f)
{
	__u32 off = 0;
	__u8 *ip;
	int err;

	memset(f, 0, sizeof(*f));
	err = pb_put(f, &off, whole->data, hdr);
	if (!err && v6) {
		__u8 fh[8] = { whole->data[pb_last_nexthdr(whole, s)] };

		pb_w16(fh + 2, foff | (more ? 1 : 0));
		pb_w32(fh + 4, s->frag_id ? s->frag_id : 0x5f000001);
		f->data[pb_last_nexthdr(whole, s)] = SFW_IPPROTO_FRAGMENT;
		err = pb_put(f, &off, fh, sizeof(fh));
	}
	f->l3_off = whole->l3_off;
	f->l4_off = f->hdr_end = off;
	if (!err)
		err = pb_put(f, &off, whole->data + whole->l4_off + foff, len);
	if (err)
		return err;
	f->len = off;
	f->l3_len = off - f->l3_off;
	ip = f->data + f->l3_off;
	if (v6) {
		pb_w16(ip + 4, f->l3_len - sizeof(struct ipv6hdr));
		return 0;
	}
	pb_w16(ip + 2, f->l3_len);
	pb_w16(ip + 6, (foff / 8) | (more ? SFW_IP_MF : 0));
	pb_w16(ip + 10, 0);
	pb_w16(ip + 10, pb_csum(ip, (ip[0] & 0xf) * 4, 0));
	return 0;
}

int pb_fragment(const struct pb_spec *s, __u16 frag_bytes, struct pb_pkt *out, int max)
{
	struct pb_pkt whole;
	bool v6 = pb_is_v6(s);
	__u32 data_len, n = 0;
	int err;

	if (!frag_bytes || frag_bytes % 8 || s->frag_off || s->more_frags || s->trailer)
		return -EINVAL;
	for (int i = 0; i < s->n_ext; i++)
		if (s->ext[i] == SFW_IPPROTO_FRAGMENT)
			return -EINVAL;
	err = pb_build(s, &whole);
	if (err)
		return err;
	data_len = whole.l3_off + whole.l3_len - whole.l4_off;
	for (__u32 foff = 0; foff < data_len; foff += frag_bytes, n++) {
		__u32 len = data_len - foff < frag_bytes ? data_len - foff : frag_bytes;

		if ((int)n == max)
			return -EINVAL;
		err = pb_put_fragment(&whole, s, v6, whole.l4_off, foff, len,
				      foff + len < data_len, &out[n]);
		if (err)
			return err;
	}
	return (int)n;
}

struct pb_spec pb_reverse(const struct pb_spec *s)
{
	struct pb_spec r = *s;

	r.src = s->dst;
	r.dst = s->src;
	r.sport = s->dport;
	r.dport = s->sport;
	if (s->proto == SFW_IPPROTO_ICMP && s->icmp_type == SFW_ICMP_ECHO)
		r.icmp_type = SFW_ICMP_ECHOREPLY;
	else if (s->proto == SFW_IPPROTO_ICMP && s->icmp_type == SFW_ICMP_ECHOREPLY)
		r.icmp_type = SFW_ICMP_ECHO;
	else if (s->proto == SFW_IPPROTO_ICMP6 && s->icmp_type == SFW_ICMPV6_ECHO_REQUEST)
		r.icmp_type = SFW_ICMPV6_ECHO_REPLY;
	else if (s->proto == SFW_IPPROTO_ICMP6 && s->icmp_type == SFW_ICMPV6_ECHO_REPLY)
		r.icmp_type = SFW_ICMPV6_ECHO_REQUEST;
	return r;
}

int pb_verify_csums(const struct pb_pkt *p, const struct pb_spec *s)
{
	const __u8 *ip = p->data + p->l3_off;
	const __u8 *l4 = p->data + p->l4_off;
	__u32 l4_len = p->l3_off + p->l3_len - p->l4_off;
	bool v6 = pb_is_v6(s), pseudo = false;
	int at = pb_csum_field(s, v6, &pseudo);

	if (!v6 && pb_csum(ip, (ip[0] & 0xf) * 4, 0) != 0)
		return -EBADMSG;
	if (s->proto == SFW_IPPROTO_SCTP && !s->frag_off) {
		__u8 copy[PB_MAX];
		__u32 crc;

		memcpy(copy, l4, l4_len);
		memset(copy + 8, 0, 4);
		crc = pb_crc32c(copy, l4_len);
		for (int i = 0; i < 4; i++)
			if (l4[8 + i] != (__u8)(crc >> (8 * i)))
				return -EBADMSG;
		return 0;
	}
	if (at < 0)
		return 0;
	if (pb_csum(l4, l4_len, pseudo ? pb_pseudo_sum(p, v6, s->proto, l4_len) : 0) != 0)
		return -EBADMSG;
	return 0;
}
