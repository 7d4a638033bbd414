/* Session lifecycle commands: the daemon (log consumer and sweeper), the
 * live monitor, and the flow status lines about events. */
#ifndef SFW_CLI_COMMANDS_EVENTS_H
#define SFW_CLI_COMMANDS_EVENTS_H

#include <stdio.h>
#include "grammar.h"
#include "json.h"

int sfw_cmd_daemon(const struct sfw_cmdline *cl);
int sfw_cmd_monitor_session(const struct sfw_cmdline *cl);
int sfw_cmd_show_flow_status(const struct sfw_cmdline *cl);
/* show security flow session ...: once, or every `refresh N` seconds */
int sfw_show_session_once(const struct sfw_cmdline *cl);
int sfw_show_session_refresh(const struct sfw_cmdline *cl);

/* The flow settings (cmd_config.c) followed by extra lines/keys. */
int sfw_show_flow_settings(const struct sfw_cmdline *cl, void (*extra_text)(FILE *),
			   void (*extra_json)(struct sfw_json *));

#endif
