/* nf_conntrack's side: the same flow set written into the sandbox's
 * conntrack table through ctnetlink, hundreds of IPCTNL_MSG_CT_NEW
 * messages per sendmsg and no acknowledgements (the kernel answers only
 * failures). One `conntrack -I` process per entry would take an hour for a
 * million; libnetfilter_conntrack would cost a round trip per entry. The
 * entries are what real traffic leaves: TCP ESTABLISHED, ASSURED, seen
 * both ways, with long timeouts so none expires during the run. */
#ifndef SFW_BENCH_CT_FILL_H
#define SFW_BENCH_CT_FILL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include "flowset.h"

#define CT_BUF_SIZE (64 * 1024)
#define CT_MSG_MAX 512          /* bytes one entry's message can take */
#define CT_TIMEOUT_S 86400

struct ct_sock {
	int fd;
	char buf[CT_BUF_SIZE];
	size_t len;
	long failed;          /* entries the kernel refused */
	int first_error;
};

static inline void ct_put(struct ct_sock *c, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (struct nlattr *)(c->buf + c->len);

	a->nla_type = type;
	a->nla_len = (__u16)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	c->len += NLA_ALIGN(a->nla_len);
}

static inline size_t ct_nest(struct ct_sock *c, __u16 type)
{
	size_t at = c->len;

	ct_put(c, type | NLA_F_NESTED, NULL, 0);
	return at;
}

static inline void ct_nest_end(struct ct_sock *c, size_t at)
{
	((struct nlattr *)(c->buf + at))->nla_len = (__u16)(c->len - at);
}

/* One direction's tuple: `src` sent to `dst`. ICMP echo carries the
 * identifier and the request or reply type instead of ports. */
static inline void ct_tuple(struct ct_sock *c, __u16 type, const struct fs_flow *f, int reply)
{
	const __u8 *src = reply ? f->server : f->client, *dst = reply ? f->client : f->server;
	int v6 = f->family == SFW_FAMILY_INET6;
	size_t t = ct_nest(c, type), ip = ct_nest(c, CTA_TUPLE_IP), pr;
	__be16 sport = htons(reply ? f->dport : f->sport), dport = htons(reply ? f->sport : f->dport);
	__be16 id = htons(f->sport);
	__u8 code = 0, itype;

	ct_put(c, v6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC, src, v6 ? 16 : 4);
	ct_put(c, v6 ? CTA_IP_V6_DST : CTA_IP_V4_DST, dst, v6 ? 16 : 4);
	ct_nest_end(c, ip);
	pr = ct_nest(c, CTA_TUPLE_PROTO);
	ct_put(c, CTA_PROTO_NUM, &f->proto, 1);
	if (f->proto == SFW_IPPROTO_ICMP) {
		itype = reply ? 0 : 8;    /* echo reply / request */
		ct_put(c, CTA_PROTO_ICMP_ID, &id, 2);
		ct_put(c, CTA_PROTO_ICMP_TYPE, &itype, 1);
		ct_put(c, CTA_PROTO_ICMP_CODE, &code, 1);
	} else if (f->proto == SFW_IPPROTO_ICMP6) {
		itype = reply ? 129 : 128;
		ct_put(c, CTA_PROTO_ICMPV6_ID, &id, 2);
		ct_put(c, CTA_PROTO_ICMPV6_TYPE, &itype, 1);
		ct_put(c, CTA_PROTO_ICMPV6_CODE, &code, 1);
	} else {
		ct_put(c, CTA_PROTO_SRC_PORT, &sport, 2);
		ct_put(c, CTA_PROTO_DST_PORT, &dport, 2);
	}
	ct_nest_end(c, pr);
	ct_nest_end(c, t);
}

static inline void ct_new_msg(struct ct_sock *c, const struct fs_flow *f)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(c->buf + c->len);
	struct nfgenmsg *nfg = (struct nfgenmsg *)NLMSG_DATA(nlh);
	__be32 timeout = htonl(CT_TIMEOUT_S), status =
		htonl(IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED);
	size_t start = c->len;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = 0;
	nlh->nlmsg_pid = 0;
	nfg->nfgen_family = f->family == SFW_FAMILY_INET6 ? AF_INET6 : AF_INET;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	c->len += NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*nfg));
	ct_tuple(c, CTA_TUPLE_ORIG, f, 0);
	ct_tuple(c, CTA_TUPLE_REPLY, f, 1);
	ct_put(c, CTA_TIMEOUT, &timeout, 4);
	/* CONFIRMED as conntrack-tools sends it: the kernel refuses (EBUSY)
	 * a status that would clear a bit the new entry already has. */
	ct_put(c, CTA_STATUS, &status, 4);
	if (f->proto == SFW_IPPROTO_TCP) {
		__u8 state = TCP_CONNTRACK_ESTABLISHED;
		size_t pi = ct_nest(c, CTA_PROTOINFO), tcp = ct_nest(c, CTA_PROTOINFO_TCP);

		ct_put(c, CTA_PROTOINFO_TCP_STATE, &state, 1);
		ct_nest_end(c, tcp);
		ct_nest_end(c, pi);
	}
	nlh->nlmsg_len = (__u32)(c->len - start);
}

/* Count the error messages the kernel queued for the last send. The send
 * is processed synchronously, so they are all there when it returns. */
static inline void ct_drain(struct ct_sock *c)
{
	char rb[16384];
	ssize_t n;

	while ((n = recv(c->fd, rb, sizeof(rb), MSG_DONTWAIT)) > 0)
		for (struct nlmsghdr *h = (struct nlmsghdr *)rb; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_type != NLMSG_ERROR || !e->error)
				continue;
			if (!c->first_error)
				c->first_error = e->error;
			c->failed++;
		}
	if (n < 0 && errno == ENOBUFS)   /* errors overflowed the buffer */
		c->failed++, c->first_error = c->first_error ? c->first_error : -ENOBUFS;
}

static inline int ct_flush(struct ct_sock *c)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int err = 0;

	if (c->len && sendto(c->fd, c->buf, c->len, 0, (struct sockaddr *)&kernel,
			     sizeof(kernel)) < 0)
		err = -errno;
	c->len = 0;
	ct_drain(c);
	return err;
}

static inline int ct_open(struct ct_sock *c)
{
	int big = 4 << 20;

	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (c->fd < 0)
		return -errno;
	setsockopt(c->fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	return 0;
}

/* Create flows [0, n) — or only the filtered tenth — in the calling
 * process's network namespace. Returns 0 or a negative errno; entries the
 * kernel refused are counted in c->failed. */
static inline int ct_fill(struct ct_sock *c, __u32 n, int only_filtered)
{
	struct fs_flow f;
	int err = 0;

	for (__u32 i = 0; i < n && !err; i++) {
		if (only_filtered && !fs_is_filtered(i))
			continue;
		fs_flow(i, &f);
		if (c->len + CT_MSG_MAX > sizeof(c->buf))
			err = ct_flush(c);
		ct_new_msg(c, &f);
	}
	return err ? err : ct_flush(c);
}

#endif
