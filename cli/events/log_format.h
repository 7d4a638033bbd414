/* Session events as the Junos structured syslog lines SIEM tools already
 * parse (RT_FLOW_SESSION_CREATE / _CLOSE / _DENY, RFC 5424 with
 * structured data) and as JSON lines with the same keys. Formatting only:
 * names come from an environment the caller provides (the live maps, or a
 * test's fixed tables). */
#ifndef SFW_CLI_LOG_FORMAT_H
#define SFW_CLI_LOG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "events.h"

/* The syslog form of session logs (`set security log format`): Junos's
 * structured sd-syslog (RFC 5424, sfw's default) or its plain syslog
 * (RFC 3164 header, the message text Junos writes). */
enum sfw_log_form {
	SFW_LOG_SD_SYSLOG,
	SFW_LOG_SYSLOG,
};

struct sfw_log_env {
	/* interface name of an ifindex; NULL: print the number */
	const char *(*ifname)(__u32 ifindex, char *buf, void *arg);
	/* policy or application name (enum sfw_name_kind); false: unknown */
	bool (*name)(__u32 kind, __u32 id, char *buf, size_t len, void *arg);
	/* zone name of an interface; false: none */
	bool (*zone)(__u32 ifindex, char *buf, size_t len, void *arg);
	void *arg;
	const char *hostname;
	/* CLOCK_REALTIME minus CLOCK_MONOTONIC, in ns: event times are
	 * monotonic (the datapath's clock) */
	__s64 realtime_offset_ns;
	enum sfw_log_form form;     /* what the log sinks write */
};

/* The Junos message id of an event: "RT_FLOW_SESSION_CREATE"... */
const char *sfw_log_msgid(const struct sfw_event *e);
/* The close reason text ("TCP FIN", "idle Timeout", ...). */
const char *sfw_close_reason_text(__u8 reason);
const char *sfw_close_reason_word(__u8 reason);

/* One RFC 5424 line (no newline) with facility user, severity info:
 * <14>1 TIMESTAMP HOST RT_FLOW - MSGID [junos@2636.1.1.1.2.129 k="v" ...] text
 * Returns the length (truncated to len - 1 like snprintf). */
int sfw_log_syslog(char *buf, size_t len, const struct sfw_event *e,
		   const struct sfw_log_env *env);
/* One plain Junos syslog line (no newline), the same fields in the order
 * and shape of Junos's message text (docs/events.md):
 * <14>Mmm dd hh:mm:ss HOST RT_FLOW: MSGID: session created SRC/P->DST/P 0x0 ... */
int sfw_log_syslog_plain(char *buf, size_t len, const struct sfw_event *e,
			 const struct sfw_log_env *env);
/* One JSON object (no newline) with the same fields. */
int sfw_log_json(char *buf, size_t len, const struct sfw_event *e,
		 const struct sfw_log_env *env);

#endif
