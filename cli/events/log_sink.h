/* Where session logs go (`sfw daemon` options): local syslog (RFC 5424
 * over /dev/log), a file of the same lines, stdout, and JSON lines (a file
 * or stdout). Also the live name environment the formatter needs. */
#ifndef SFW_CLI_LOG_SINK_H
#define SFW_CLI_LOG_SINK_H

#include <stdbool.h>
#include <stdio.h>
#include "log_format.h"

struct sfw_log_opts {
	bool syslog;
	const char *syslog_path;   /* NULL: /dev/log */
	bool syslog_optional;      /* no syslog yet is no error: lines count as
				    * failed until sfw_sinks_retry() reaches it */
	const char *file;          /* RFC 5424 lines appended here */
	const char *json_file;     /* JSON lines; "-" for stdout */
	bool stdout_text;          /* RFC 5424 lines on stdout */
};

struct sfw_log_sinks {
	int syslog_fd;             /* -1 while syslog is wanted but unreachable */
	bool syslog;
	const char *syslog_path;   /* the options' string: environment or literal */
	FILE *file, *json;
	bool json_is_stdout, stdout_text;
	__u64 written, failed;
};

/* Opens every sink asked for. 0 or a negative errno (message set). */
int sfw_sinks_open(struct sfw_log_sinks *s, const struct sfw_log_opts *o);
/* Writes one event to every sink; a sink that fails is counted, never
 * retried in a loop (a stuck syslog must not stall the consumer). */
void sfw_sinks_write(struct sfw_log_sinks *s, const struct sfw_event *e,
		     const struct sfw_log_env *env);
void sfw_sinks_flush(struct sfw_log_sinks *s);
/* Reconnects a syslog that was unreachable or went away (restarted). */
void sfw_sinks_retry(struct sfw_log_sinks *s);
void sfw_sinks_close(struct sfw_log_sinks *s);

/* The environment on the live maps: interface names, the names of the last
 * commit, zones of the generation in force. */
void sfw_log_env_live(struct sfw_log_env *env);
/* Refresh the realtime offset (after a clock step). */
void sfw_log_env_clock(struct sfw_log_env *env);

#endif
