/* Ports a socket of the host holds that source NAT's socket lookup at XDP
 * cannot see (bpf/nat.bpf.h sfw_nat_host_holds; docs/nat.md "Port
 * allocation", review 14's N7a and N7b): sockets bound to a device
 * (SO_BINDTODEVICE, a VRF), which a lookup with the client's interface as
 * its input device never finds, and TCP sockets bound but neither
 * listening nor connected, which sit in the bind hash only. One bit per
 * port and protocol, whatever the address: a port some such socket holds
 * on any address is never given out (NAT takes another), which is more
 * than needed but never less. The loader fills it at each load and the
 * session daemon every second (loader/host_ports.c, from sock_diag). */
#ifndef SFW_HOST_PORTS_H
#define SFW_HOST_PORTS_H

#include "sfw_types.h"
#include "protocols.h"

#define SFW_HOST_PORT_WORDS 1024   /* 65,536 ports, 64 a word */

/* The word of a port (host order) of TCP or UDP, and its bit in it. */
static inline __u32 sfw_host_port_word(__u8 proto, __u16 port)
{
	return (proto == SFW_IPPROTO_UDP ? SFW_HOST_PORT_WORDS : 0) + port / 64;
}

static inline __u64 sfw_host_port_bit(__u16 port)
{
	return 1ull << (port % 64);
}

#define SFW_HOST_PORTS_ENTRIES (2 * SFW_HOST_PORT_WORDS)

#endif
