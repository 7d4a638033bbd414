/* The host's own addresses, as tc egress asks "is this source the
 * host's?" (bpf/tc_judged.bpf.h sfw_tc_src_own; docs/security.md "Threat
 * model", Tunnels). Every address of every interface of the network
 * namespace the programs are attached in, both families, loopback and
 * secondary (non-preferred) ones included: the loader fills the map at
 * each load (loader/local_addrs.c), the session daemon keeps it current
 * from rtnetlink's address groups. An address missing from it fails
 * closed: its packets are judged as the ingress zone's, never as the
 * host's. */
#ifndef SFW_LOCAL_ADDR_H
#define SFW_LOCAL_ADDR_H

#include "sfw_types.h"
#include "session.h"

/* Addresses held at once. A host with more (thousands of IPv6 privacy
 * or service addresses) loses the rest to the fail-closed side: their
 * tunnels' outer packets are judged as the LAN's. */
#define SFW_MAX_LOCAL_ADDRS 16384

struct sfw_local_addr_key {
	union sfw_addr addr;   /* IPv4: v4, the rest zero */
	__u8 family;           /* enum sfw_family */
	__u8 pad[3];           /* always zero: part of the hashed key */
};
SFW_STATIC_ASSERT(sizeof(struct sfw_local_addr_key) == 20, "local address key ABI");

/* the value: the index of an interface that holds the address (one of
 * them when several do), for whoever reads the map by hand */

#endif
