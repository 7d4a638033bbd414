/* Junos predefined applications, recognised by protocol and well-known
 * destination port until named applications are configurable (the policy
 * issue). A session whose app_id is set uses that id instead. */
#ifndef SFW_CLI_APPLICATIONS_H
#define SFW_CLI_APPLICATIONS_H

#include <stdbool.h>
#include <linux/types.h>
#include "protocols.h"

/* The one list of Junos predefined applications (junos-defaults), after
 * Juniper's published list of predefined policy applications (the table
 * and its source: docs/applications.md). The configuration's predefined
 * table (conf/values.c, with `any` as 0) and the CLI's classifier below
 * are both made from it. Ids are sfw's own, printed as name/id; the first
 * 28 are kept as sessions and logs already showed them. X(name, id,
 * protocol, destination port low and high (0: none), ICMP type and code
 * (-1: any), classify: 1 when a session is named by protocol and port
 * alone, 0 for the catch-alls and for the applications added with the
 * full list, which sessions name through the policy that matched them). */
#define SFW_PREDEFINED_APP_LIST(X) \
	X("junos-ftp",                             1, SFW_IPPROTO_TCP,     21,    21,  -1, -1, 1) \
	X("junos-tftp",                            2, SFW_IPPROTO_UDP,     69,    69,  -1, -1, 1) \
	X("junos-telnet",                          3, SFW_IPPROTO_TCP,     23,    23,  -1, -1, 1) \
	X("junos-smtp",                            4, SFW_IPPROTO_TCP,     25,    25,  -1, -1, 1) \
	X("junos-ssh",                             5, SFW_IPPROTO_TCP,     22,    22,  -1, -1, 1) \
	X("junos-http",                            6, SFW_IPPROTO_TCP,     80,    80,  -1, -1, 1) \
	X("junos-https",                           7, SFW_IPPROTO_TCP,    443,   443,  -1, -1, 1) \
	X("junos-dns-udp",                         8, SFW_IPPROTO_UDP,     53,    53,  -1, -1, 1) \
	X("junos-dns-tcp",                         9, SFW_IPPROTO_TCP,     53,    53,  -1, -1, 1) \
	X("junos-ntp",                            10, SFW_IPPROTO_UDP,    123,   123,  -1, -1, 1) \
	X("junos-pop3",                           11, SFW_IPPROTO_TCP,    110,   110,  -1, -1, 1) \
	X("junos-imap",                           12, SFW_IPPROTO_TCP,    143,   143,  -1, -1, 1) \
	X("junos-ldap",                           13, SFW_IPPROTO_TCP,    389,   389,  -1, -1, 1) \
	X("junos-syslog",                         14, SFW_IPPROTO_UDP,    514,   514,  -1, -1, 1) \
	X("junos-bgp",                            15, SFW_IPPROTO_TCP,    179,   179,  -1, -1, 1) \
	X("junos-ike",                            16, SFW_IPPROTO_UDP,    500,   500,  -1, -1, 1) \
	X("junos-icmp-ping",                      17, SFW_IPPROTO_ICMP,     0,     0,   8, -1, 1) \
	X("junos-ping6",                          18, SFW_IPPROTO_ICMP6,     0,     0, 128, -1, 1) \
	X("junos-imaps",                          19, SFW_IPPROTO_TCP,    993,   993,  -1, -1, 1) \
	X("junos-ms-sql",                         20, SFW_IPPROTO_TCP,   1433,  1433,  -1, -1, 1) \
	X("junos-dhcp-server",                    21, SFW_IPPROTO_UDP,     67,    67,  -1, -1, 1) \
	X("junos-dhcp-client",                    22, SFW_IPPROTO_UDP,     68,    68,  -1, -1, 1) \
	X("junos-radius",                         23, SFW_IPPROTO_UDP,   1812,  1812,  -1, -1, 1) \
	X("junos-smb",                            24, SFW_IPPROTO_TCP,    445,   445,  -1, -1, 1) \
	X("junos-sqlnet-v2",                      25, SFW_IPPROTO_TCP,   1521,  1521,  -1, -1, 1) \
	X("junos-snmp-get",                       26, SFW_IPPROTO_UDP,    161,   161,  -1, -1, 1) \
	X("junos-icmp-all",                       27, SFW_IPPROTO_ICMP,     0,     0,  -1, -1, 0) \
	X("junos-icmp6-all",                      28, SFW_IPPROTO_ICMP6,     0,     0,  -1, -1, 0) \
	X("junos-ping",                           29, SFW_IPPROTO_ICMP,     0,     0,  -1, -1, 0) \
	X("junos-pingv6",                         30, SFW_IPPROTO_ICMP6,     0,     0,  -1, -1, 0) \
	X("junos-tcp-any",                        31, SFW_IPPROTO_TCP,      0,     0,  -1, -1, 0) \
	X("junos-udp-any",                        32, SFW_IPPROTO_UDP,      0,     0,  -1, -1, 0) \
	X("junos-sctp-any",                       33, SFW_IPPROTO_SCTP,     0,     0,  -1, -1, 0) \
	X("junos-gre",                            34, SFW_IPPROTO_GRE,      0,     0,  -1, -1, 0) \
	X("junos-ospf",                           35, SFW_IPPROTO_OSPF,     0,     0,  -1, -1, 0) \
	X("junos-icmp6-echo-request",             36, SFW_IPPROTO_ICMP6,     0,     0, 128, -1, 0) \
	X("junos-icmp6-echo-reply",               37, SFW_IPPROTO_ICMP6,     0,     0, 129, -1, 0) \
	X("junos-icmp6-packet-too-big",           38, SFW_IPPROTO_ICMP6,     0,     0,   2, -1, 0) \
	X("junos-icmp6-dst-unreach-route",        39, SFW_IPPROTO_ICMP6,     0,     0,   1,  0, 0) \
	X("junos-icmp6-dst-unreach-admin",        40, SFW_IPPROTO_ICMP6,     0,     0,   1,  1, 0) \
	X("junos-icmp6-dst-unreach-beyond",       41, SFW_IPPROTO_ICMP6,     0,     0,   1,  2, 0) \
	X("junos-icmp6-dst-unreach-addr",         42, SFW_IPPROTO_ICMP6,     0,     0,   1,  3, 0) \
	X("junos-icmp6-dst-unreach-port",         43, SFW_IPPROTO_ICMP6,     0,     0,   1,  4, 0) \
	X("junos-icmp6-time-exceed-transit",      44, SFW_IPPROTO_ICMP6,     0,     0,   3,  0, 0) \
	X("junos-icmp6-time-exceed-reassembly",   45, SFW_IPPROTO_ICMP6,     0,     0,   3,  1, 0) \
	X("junos-icmp6-param-prob-header",        46, SFW_IPPROTO_ICMP6,     0,     0,   4,  0, 0) \
	X("junos-icmp6-param-prob-nexthdr",       47, SFW_IPPROTO_ICMP6,     0,     0,   4,  1, 0) \
	X("junos-icmp6-param-prob-option",        48, SFW_IPPROTO_ICMP6,     0,     0,   4,  2, 0) \
	X("junos-echo",                           49, SFW_IPPROTO_UDP,      7,     7,  -1, -1, 0) \
	X("junos-discard",                        50, SFW_IPPROTO_UDP,      9,     9,  -1, -1, 0) \
	X("junos-chargen",                        51, SFW_IPPROTO_UDP,     19,    19,  -1, -1, 0) \
	X("junos-ftp-data",                       52, SFW_IPPROTO_TCP,     20,    20,  -1, -1, 0) \
	X("junos-whois",                          53, SFW_IPPROTO_TCP,     43,    43,  -1, -1, 0) \
	X("junos-tacacs",                         54, SFW_IPPROTO_TCP,     49,    49,  -1, -1, 0) \
	X("junos-tacacs-ds",                      55, SFW_IPPROTO_TCP,     65,    65,  -1, -1, 0) \
	X("junos-bootps",                         56, SFW_IPPROTO_UDP,     67,    67,  -1, -1, 0) \
	X("junos-bootpc",                         57, SFW_IPPROTO_UDP,     68,    68,  -1, -1, 0) \
	X("junos-dhcp-relay",                     58, SFW_IPPROTO_UDP,     67,    67,  -1, -1, 0) \
	X("junos-gopher",                         59, SFW_IPPROTO_TCP,     70,    70,  -1, -1, 0) \
	X("junos-finger",                         60, SFW_IPPROTO_TCP,     79,    79,  -1, -1, 0) \
	X("junos-ident",                          61, SFW_IPPROTO_TCP,    113,   113,  -1, -1, 0) \
	X("junos-nntp",                           62, SFW_IPPROTO_TCP,    119,   119,  -1, -1, 0) \
	X("junos-ms-rpc-tcp",                     63, SFW_IPPROTO_TCP,    135,   135,  -1, -1, 0) \
	X("junos-ms-rpc-udp",                     64, SFW_IPPROTO_UDP,    135,   135,  -1, -1, 0) \
	X("junos-sun-rpc-tcp",                    65, SFW_IPPROTO_TCP,    111,   111,  -1, -1, 0) \
	X("junos-sun-rpc-udp",                    66, SFW_IPPROTO_UDP,    111,   111,  -1, -1, 0) \
	X("junos-nbname",                         67, SFW_IPPROTO_UDP,    137,   137,  -1, -1, 0) \
	X("junos-nbds",                           68, SFW_IPPROTO_UDP,    138,   138,  -1, -1, 0) \
	X("junos-netbios-session",                69, SFW_IPPROTO_TCP,    139,   139,  -1, -1, 0) \
	X("junos-wais",                           70, SFW_IPPROTO_TCP,    210,   210,  -1, -1, 0) \
	X("junos-snpp",                           71, SFW_IPPROTO_TCP,    444,   444,  -1, -1, 0) \
	X("junos-smb-session",                    72, SFW_IPPROTO_TCP,    445,   445,  -1, -1, 0) \
	X("junos-smtps",                          73, SFW_IPPROTO_TCP,    465,   465,  -1, -1, 0) \
	X("junos-biff",                           74, SFW_IPPROTO_UDP,    512,   512,  -1, -1, 0) \
	X("junos-who",                            75, SFW_IPPROTO_UDP,    513,   513,  -1, -1, 0) \
	X("junos-rsh",                            76, SFW_IPPROTO_TCP,    514,   514,  -1, -1, 0) \
	X("junos-printer",                        77, SFW_IPPROTO_TCP,    515,   515,  -1, -1, 0) \
	X("junos-talk",                           78, SFW_IPPROTO_UDP,    517,   517,  -1, -1, 0) \
	X("junos-ntalk",                          79, SFW_IPPROTO_UDP,    518,   518,  -1, -1, 0) \
	X("junos-rip",                            80, SFW_IPPROTO_UDP,    520,   520,  -1, -1, 0) \
	X("junos-uucp",                           81, SFW_IPPROTO_UDP,    540,   540,  -1, -1, 0) \
	X("junos-rtsp",                           82, SFW_IPPROTO_TCP,    554,   554,  -1, -1, 0) \
	X("junos-ldp-tcp",                        83, SFW_IPPROTO_TCP,    646,   646,  -1, -1, 0) \
	X("junos-ldp-udp",                        84, SFW_IPPROTO_UDP,    646,   646,  -1, -1, 0) \
	X("junos-snmp-agentx",                    85, SFW_IPPROTO_TCP,    705,   705,  -1, -1, 0) \
	X("junos-sql-monitor",                    86, SFW_IPPROTO_UDP,   1434,  1434,  -1, -1, 0) \
	X("junos-winframe",                       87, SFW_IPPROTO_TCP,   1494,  1494,  -1, -1, 0) \
	X("junos-sqlnet-v1",                      88, SFW_IPPROTO_TCP,   1525,  1525,  -1, -1, 0) \
	X("junos-l2tp",                           89, SFW_IPPROTO_UDP,   1701,  1701,  -1, -1, 0) \
	X("junos-pptp",                           90, SFW_IPPROTO_TCP,   1723,  1723,  -1, -1, 0) \
	X("junos-radacct",                        91, SFW_IPPROTO_UDP,   1813,  1813,  -1, -1, 0) \
	X("junos-msn",                            92, SFW_IPPROTO_TCP,   1863,  1863,  -1, -1, 0) \
	X("junos-sccp",                           93, SFW_IPPROTO_TCP,   2000,  2000,  -1, -1, 0) \
	X("junos-nfsd-tcp",                       94, SFW_IPPROTO_TCP,   2049,  2049,  -1, -1, 0) \
	X("junos-nfsd-udp",                       95, SFW_IPPROTO_UDP,   2049,  2049,  -1, -1, 0) \
	X("junos-gprs-gtp-c",                     96, SFW_IPPROTO_UDP,   2123,  2123,  -1, -1, 0) \
	X("junos-gtp",                            97, SFW_IPPROTO_UDP,   2123,  2123,  -1, -1, 0) \
	X("junos-gprs-gtp-u",                     98, SFW_IPPROTO_UDP,   2152,  2152,  -1, -1, 0) \
	X("junos-gprs-gtp-v0",                    99, SFW_IPPROTO_UDP,   3386,  3386,  -1, -1, 0) \
	X("junos-cvspserver",                    100, SFW_IPPROTO_TCP,   2401,  2401,  -1, -1, 0) \
	X("junos-mgcp-ua",                       101, SFW_IPPROTO_UDP,   2427,  2427,  -1, -1, 0) \
	X("junos-mgcp-ca",                       102, SFW_IPPROTO_UDP,   2727,  2727,  -1, -1, 0) \
	X("junos-xnm-ssl",                       103, SFW_IPPROTO_TCP,   3220,  3220,  -1, -1, 0) \
	X("junos-xnm-clear-text",                104, SFW_IPPROTO_TCP,   3221,  3221,  -1, -1, 0) \
	X("junos-ike-nat",                       105, SFW_IPPROTO_UDP,   4500,  4500,  -1, -1, 0) \
	X("junos-ymsg",                          106, SFW_IPPROTO_TCP,   5050,  5050,  -1, -1, 0) \
	X("junos-sip",                           107, SFW_IPPROTO_UDP,   5060,  5060,  -1, -1, 0) \
	X("junos-aol",                           108, SFW_IPPROTO_TCP,   5190,  5193,  -1, -1, 0) \
	X("junos-pc-anywhere",                   109, SFW_IPPROTO_UDP,   5632,  5632,  -1, -1, 0) \
	X("junos-vnc",                           110, SFW_IPPROTO_TCP,   5800,  5800,  -1, -1, 0) \
	X("junos-x-windows",                     111, SFW_IPPROTO_TCP,   6000,  6063,  -1, -1, 0) \
	X("junos-gnutella",                      112, SFW_IPPROTO_UDP,   6346,  6347,  -1, -1, 0) \
	X("junos-irc",                           113, SFW_IPPROTO_TCP,   6660,  6669,  -1, -1, 0) \
	X("junos-vdo-live",                      114, SFW_IPPROTO_UDP,   7000,  7010,  -1, -1, 0) \
	X("junos-http-ext",                      115, SFW_IPPROTO_TCP,   7001,  7001,  -1, -1, 0) \
	X("junos-ns-global",                     116, SFW_IPPROTO_TCP,  15397, 15397,  -1, -1, 0) \
	X("junos-ns-global-pro",                 117, SFW_IPPROTO_TCP,  15397, 15397,  -1, -1, 0)

struct sfw_app {
	const char *name;   /* junos-http */
	__u16 id;           /* printed as junos-http/6 */
	__u8 proto;
	__u16 port;         /* destination port; 0 for ICMP echo apps */
	__u16 port_hi;      /* the range's last port */
	short icmp_type, icmp_code;   /* -1: any */
	bool classify;      /* names a session by protocol and port */
};

/* The application a session belongs to: by app_id when the datapath set
 * one, else by protocol and the In wing's destination port. NULL: none. */
const struct sfw_app *sfw_app_classify(__u16 app_id, __u8 proto, __u16 dport);

/* Does `app` answer to `word`? Accepts the full name (junos-http) and the
 * Junos application-protocol form without "junos-" (http; dns matches
 * both junos-dns-udp and junos-dns-tcp). */
bool sfw_app_matches(const struct sfw_app *app, const char *word);

/* Is there any application `word` names? */
bool sfw_app_known(const char *word);

/* The table, for help and completion: count and entries. */
int sfw_app_count(void);
const struct sfw_app *sfw_app_at(int i);

#endif
