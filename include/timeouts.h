/* Which idle timeout a session is under: one definition for the datapath,
 * which sets it, and for the cluster mirror, which rebuilds it on the
 * peer (ha/replica.c). */
#ifndef SFW_TIMEOUTS_H
#define SFW_TIMEOUTS_H

#include "config.h"
#include "protocols.h"
#include "session.h"

#define SFW_TIMEOUTS_INLINE static inline __attribute__((always_inline))

SFW_TIMEOUTS_INLINE __u32 sfw_tcp_timeout_class(__u8 state)
{
	switch (state) {
	case SFW_TCP_ESTABLISHED:
		return SFW_TO_TCP_ESTABLISHED;
	case SFW_TCP_FIN_WAIT:
	case SFW_TCP_CLOSE_WAIT:
		return SFW_TO_TCP_HALF_CLOSED;
	case SFW_TCP_TIME_WAIT:
		return SFW_TO_TCP_TIME_WAIT;
	case SFW_TCP_CLOSED:
		return SFW_TO_TCP_CLOSED;
	default:
		return SFW_TO_TCP_INITIAL;
	}
}

SFW_TIMEOUTS_INLINE __u32 sfw_proto_timeout_class(__u8 proto)
{
	switch (proto) {
	case SFW_IPPROTO_TCP:
		return SFW_TO_TCP_INITIAL;
	case SFW_IPPROTO_UDP:
		return SFW_TO_UDP;
	case SFW_IPPROTO_ICMP:
	case SFW_IPPROTO_ICMP6:
		return SFW_TO_ICMP;
	default:
		return SFW_TO_OTHER;
	}
}

#endif
