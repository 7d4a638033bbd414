/* Junos predefined applications, recognised by protocol and well-known
 * destination port until named applications are configurable (the policy
 * issue). A session whose app_id is set uses that id instead. */
#ifndef SFW_CLI_APPLICATIONS_H
#define SFW_CLI_APPLICATIONS_H

#include <stdbool.h>
#include <linux/types.h>

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
