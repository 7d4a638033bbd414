/* The synthetic connections both tables are filled with: flow i of N is a
 * pure function of i, so sfw's map and nf_conntrack hold the same
 * connections and any subset can be put back after a clear.
 *
 * One flow in ten is TCP to port 443 (the filtered listing and the 10%
 * clear); the rest mix TCP, UDP and ICMP echo over IPv4 and IPv6. Clients
 * live in 198.51.100.0/24 or 2001:db8:1::/64, servers in 203.0.113.0/24 or
 * 2001:db8:2::/64, so the client is always the lower address: sfw's
 * normalised key has the opener on its lo side. */
#ifndef SFW_BENCH_FLOWSET_H
#define SFW_BENCH_FLOWSET_H

#include <string.h>
#include <linux/types.h>
#include "protocols.h"
#include "session.h"

#define FS_FILTER_PORT 443   /* one flow in ten goes to this port */

struct fs_flow {
	__u8 family;         /* SFW_FAMILY_INET or _INET6 */
	__u8 proto;          /* SFW_IPPROTO_TCP, _UDP, _ICMP, _ICMP6 */
	__u8 client[16], server[16];
	__u16 sport, dport;  /* host order; ICMP echo: sport is the identifier */
	__u32 wing;          /* which interface pair carries it */
};

struct fs_kind {
	__u8 family, proto;
	__u16 dport;
};

/* Indexed by i % 10. Slot 0 is the only one on FS_FILTER_PORT. */
static const struct fs_kind fs_kinds[10] = {
	{ SFW_FAMILY_INET, SFW_IPPROTO_TCP, FS_FILTER_PORT },
	{ SFW_FAMILY_INET, SFW_IPPROTO_TCP, 80 },
	{ SFW_FAMILY_INET, SFW_IPPROTO_TCP, 22 },
	{ SFW_FAMILY_INET, SFW_IPPROTO_UDP, 53 },
	{ SFW_FAMILY_INET, SFW_IPPROTO_UDP, 123 },
	{ SFW_FAMILY_INET, SFW_IPPROTO_ICMP, 0 },
	{ SFW_FAMILY_INET6, SFW_IPPROTO_TCP, 80 },
	{ SFW_FAMILY_INET6, SFW_IPPROTO_TCP, 8080 },
	{ SFW_FAMILY_INET6, SFW_IPPROTO_UDP, 53 },
	{ SFW_FAMILY_INET6, SFW_IPPROTO_ICMP6, 0 },
};

static inline int fs_is_filtered(__u32 i)
{
	return i % 10 == 0;
}

/* (client host, server host, client port) is a bijection of i for
 * i < 254 * 254 * 64512, so every flow is distinct whatever its kind. */
static inline void fs_flow(__u32 i, struct fs_flow *f)
{
	const struct fs_kind *k = &fs_kinds[i % 10];
	__u8 c = (__u8)(1 + i % 254), s = (__u8)(1 + (i / 254) % 254);

	memset(f, 0, sizeof(*f));
	f->family = k->family;
	f->proto = k->proto;
	f->sport = (__u16)(1024 + i / (254 * 254));
	f->dport = k->dport;
	f->wing = (i / 10) % 2;
	if (f->family == SFW_FAMILY_INET) {
		static const __u8 cnet[3] = { 198, 51, 100 }, snet[3] = { 203, 0, 113 };

		memcpy(f->client, cnet, 3), f->client[3] = c;
		memcpy(f->server, snet, 3), f->server[3] = s;
		return;
	}
	f->client[0] = 0x20, f->client[1] = 0x01, f->client[2] = 0x0d, f->client[3] = 0xb8;
	memcpy(f->server, f->client, 4);
	f->client[5] = 1, f->server[5] = 2;
	f->client[15] = c, f->server[15] = s;
}

#endif
