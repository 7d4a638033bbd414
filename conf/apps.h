/* Junos predefined applications, recognised by protocol and well-known
 * destination port until named applications are configurable (the policy
 * issue). A session whose app_id is set uses that id instead. */
#ifndef SFW_CLI_APPLICATIONS_H
#define SFW_CLI_APPLICATIONS_H

#include <stdbool.h>
#include <linux/types.h>
#include "protocols.h"

/* The one list of Junos predefined applications (junos-defaults): the
 * configuration's predefined table (conf/values.c, with `any` as 0) and
 * the CLI's classifier below are both made from it. Ids are sfw's own and
 * printed as name/id. X(name, id, protocol, destination port (0: none),
 * ICMP type (-1: any), classify: 1 when a session is named by protocol and
 * port alone, 0 for the catch-alls the classifier leaves out). */
#define SFW_PREDEFINED_APP_LIST(X) \
	X("junos-ftp",          1, SFW_IPPROTO_TCP,     21,  -1, 1) \
	X("junos-tftp",         2, SFW_IPPROTO_UDP,     69,  -1, 1) \
	X("junos-telnet",       3, SFW_IPPROTO_TCP,     23,  -1, 1) \
	X("junos-smtp",         4, SFW_IPPROTO_TCP,     25,  -1, 1) \
	X("junos-ssh",          5, SFW_IPPROTO_TCP,     22,  -1, 1) \
	X("junos-http",         6, SFW_IPPROTO_TCP,     80,  -1, 1) \
	X("junos-https",        7, SFW_IPPROTO_TCP,    443,  -1, 1) \
	X("junos-dns-udp",      8, SFW_IPPROTO_UDP,     53,  -1, 1) \
	X("junos-dns-tcp",      9, SFW_IPPROTO_TCP,     53,  -1, 1) \
	X("junos-ntp",         10, SFW_IPPROTO_UDP,    123,  -1, 1) \
	X("junos-pop3",        11, SFW_IPPROTO_TCP,    110,  -1, 1) \
	X("junos-imap",        12, SFW_IPPROTO_TCP,    143,  -1, 1) \
	X("junos-ldap",        13, SFW_IPPROTO_TCP,    389,  -1, 1) \
	X("junos-syslog",      14, SFW_IPPROTO_UDP,    514,  -1, 1) \
	X("junos-bgp",         15, SFW_IPPROTO_TCP,    179,  -1, 1) \
	X("junos-ike",         16, SFW_IPPROTO_UDP,    500,  -1, 1) \
	X("junos-icmp-ping",   17, SFW_IPPROTO_ICMP,     0,   8, 1) \
	X("junos-ping6",       18, SFW_IPPROTO_ICMP6,    0, 128, 1) \
	X("junos-imaps",       19, SFW_IPPROTO_TCP,    993,  -1, 1) \
	X("junos-ms-sql",      20, SFW_IPPROTO_TCP,   1433,  -1, 1) \
	X("junos-dhcp-server", 21, SFW_IPPROTO_UDP,     67,  -1, 1) \
	X("junos-dhcp-client", 22, SFW_IPPROTO_UDP,     68,  -1, 1) \
	X("junos-radius",      23, SFW_IPPROTO_UDP,   1812,  -1, 1) \
	X("junos-smb",         24, SFW_IPPROTO_TCP,    445,  -1, 1) \
	X("junos-sqlnet-v2",   25, SFW_IPPROTO_TCP,   1521,  -1, 1) \
	X("junos-snmp-get",    26, SFW_IPPROTO_UDP,    161,  -1, 1) \
	X("junos-icmp-all",    27, SFW_IPPROTO_ICMP,     0,  -1, 0) \
	X("junos-icmp6-all",   28, SFW_IPPROTO_ICMP6,    0,  -1, 0)

struct sfw_app {
	const char *name;   /* junos-http */
	__u16 id;           /* printed as junos-http/6 */
	__u8 proto;
	__u16 port;         /* destination port; 0 for ICMP echo apps */
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
