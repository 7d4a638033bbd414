/* Constants the kernel's BTF does not carry (they are #defines in UAPI
 * headers), so BPF code that uses vmlinux.h needs them spelt out once. */
#ifndef SFW_NET_CONSTS_H
#define SFW_NET_CONSTS_H

#define SFW_ETH_P_IP     0x0800
#define SFW_ETH_P_IPV6   0x86DD
#define SFW_ETH_P_8021Q  0x8100
#define SFW_ETH_P_8021AD 0x88A8
#define SFW_ETH_P_ARP    0x0806
#define SFW_ETH_P_MPLS_UC 0x8847
#define SFW_ETH_P_MPLS_MC 0x8848
#define SFW_ETH_P_PPP_SES 0x8864   /* PPPoE session stage (RFC 2516) */
#define SFW_PPPOE_HLEN    6        /* ver/type, code, session id, length */
#define SFW_ETH_ALEN     6
#define SFW_ARPHRD_ETHER 1         /* ARP (RFC 826): hardware type Ethernet */
#define SFW_ARPOP_REQUEST 1
#define SFW_ARPOP_REPLY  2
#define SFW_ETH_HLEN     14
#define SFW_VLAN_HLEN    4
#define SFW_VLAN_MAX_DEPTH 2
#define SFW_IPV6_EXT_MAX   6   /* extension headers walked before giving up */
/* Protocols the kernel routes by ports (its flow dissector's
 * proto_ports_offset) that Junos has no name for (include/protocols.h) */
#define SFW_IPPROTO_DCCP    33
#define SFW_IPPROTO_UDPLITE 136

#define SFW_IP_MF     0x2000
#define SFW_IP_OFFSET 0x1FFF
#define SFW_IP6_OFFSET 0xFFF8   /* IPv6 fragment header: offset in bytes */
/* IPv4 options (RFC 791): at most 40 bytes, each option one at least */
#define SFW_IPV4_OPT_MAX 40
#define SFW_IPOPT_END  0
#define SFW_IPOPT_NOOP 1
#define SFW_IPOPT_LSRR 131       /* loose source and record route */
#define SFW_IPOPT_SSRR 137       /* strict source and record route */
#define SFW_IPOPT_RA   148       /* Router Alert (RFC 2113), copied into every fragment */
/* IPv6 hop-by-hop options (RFC 8200 4.2): Pad1 is one byte, every other
 * option a type, a length and that many bytes; Router Alert (RFC 2711) */
#define SFW_IPV6_TLV_PAD1 0
#define SFW_IPV6_TLV_RA   5
/* hop-by-hop option steps walked for Router Alert: a list longer than
 * that is taken to carry one (sfw_ipv6_hbh_ra) */
#define SFW_IPV6_HBH_OPT_MAX 32
#define SFW_IP6_MF     0x0001

#define SFW_TCP_FIN 0x01
#define SFW_TCP_SYN 0x02
#define SFW_TCP_RST 0x04
#define SFW_TCP_PSH 0x08
#define SFW_TCP_ACK 0x10

#define SFW_ICMP_ECHOREPLY 0
#define SFW_ICMP_DEST_UNREACH 3
#define SFW_ICMP_ECHO 8
#define SFW_ICMP_TIME_EXCEEDED 11
#define SFW_ICMP_PARAMETERPROB 12
#define SFW_ICMPV6_DEST_UNREACH 1
#define SFW_ICMPV6_PKT_TOOBIG 2
#define SFW_ICMPV6_TIME_EXCEED 3
#define SFW_ICMPV6_PARAMPROB 4
#define SFW_ICMPV6_INFO_MIN 128   /* RFC 4443 2.1: every type below is an error */
#define SFW_ICMPV6_ECHO_REQUEST 128
#define SFW_ICMPV6_ECHO_REPLY 129
#define SFW_ICMPV6_MLD_QUERY 130   /* MLD (RFC 2710, 3810): 130..132 and 143 */
#define SFW_ICMPV6_MLD_DONE 132
#define SFW_ICMPV6_MLD2_REPORT 143
#define SFW_ICMPV6_ND_RS 133       /* neighbour discovery (RFC 4861): 133..137 */
#define SFW_ICMPV6_ND_RA 134
#define SFW_ICMPV6_ND_NS 135
#define SFW_ICMPV6_ND_NA 136
#define SFW_ICMPV6_ND_REDIRECT 137
#define SFW_ND_HOP_LIMIT 255       /* no router forwarded it (RFC 4861) */
#define SFW_MLD_HOP_LIMIT 1        /* no router will forward it (RFC 2710) */

#define SFW_TC_ACT_OK 0
#define SFW_TC_ACT_SHOT 2

#define SFW_NSEC_PER_SEC 1000000000ULL

#define SFW_EEXIST 17   /* errno: a BPF_NOEXIST insert found the key taken */

#endif
