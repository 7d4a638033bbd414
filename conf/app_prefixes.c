/* Applications as the (protocol, port) prefixes of the application LPM
 * tries: what the rule lists and the classification are both built from
 * (one expansion, used by both). */
#include <stdbool.h>
#include "compile_int.h"

int sfw_range_adapt(__u16 value, __u8 len, void *ctx)
{
	struct sfw_range_adapter *r = ctx;
	__u8 data[16] = { r->proto, 0, value >> 8, value & 0xff };

	return r->cb(data, 16 + len, r->ctx);
}

/* An application as (protocol, port) prefixes: data is protocol, a zero
 * byte, then the destination port or ICMP type and code. */
int sfw_app_prefixes(const struct sfw_conf_application *a, sfw_app_prefix_cb cb, void *ctx)
{
	__u8 data[16] = { 0 };
	bool icmp = a->proto == SFW_IPPROTO_ICMP || a->proto == SFW_IPPROTO_ICMP6;
	bool ports = a->proto == SFW_IPPROTO_TCP || a->proto == SFW_IPPROTO_UDP ||
		     a->proto == SFW_IPPROTO_SCTP;
	struct sfw_range_adapter r = { .cb = cb, .ctx = ctx, .proto = (__u8)a->proto };

	if (a->proto < 0)
		return cb(data, 0, ctx);
	data[0] = (__u8)a->proto;
	if (icmp && a->icmp_type >= 0) {
		data[2] = (__u8)a->icmp_type;
		data[3] = a->icmp_code >= 0 ? (__u8)a->icmp_code : 0;
		return cb(data, a->icmp_code >= 0 ? 32 : 24, ctx);
	}
	if (!ports || !a->dport.set)
		return cb(data, 16, ctx);
	return sfw_range_prefixes(a->dport.lo, a->dport.hi, sfw_range_adapt, &r);
}
