/* Where session logs go (`sfw daemon` options): local syslog (RFC 5424
 * over /dev/log), a file of the same lines, stdout, and JSON lines (a file
 * or stdout). Also the live name environment the formatter needs.
 *
 * Each line is written with write(2) before sfw_sinks_write returns, so
 * before the caller lets its ring record go: a SIGKILL loses no event it
 * had taken (docs/events.md, "Delivery"). With a mark (sfw_sinks_mark),
 * the record being written is also noted in a file, so that the next
 * daemon, finding that record still in the ring, does not write a line
 * to a log file again that is already there. */
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

/* The longest line written; a longer one is cut. */
#define SFW_LOG_LINE_MAX 4096

/* The log files, by index in the mark. */
enum { SFW_SINK_FILE, SFW_SINK_JSON, SFW_SINK_FILES };

/* Where a record is in its ring: the ring map's id and its position
 * (the ring's consumer position while it is being read). */
struct sfw_ring_at {
	__u32 ring;
	__u64 pos;
};

/* The record being written and, for each log file, its line and the
 * offset it goes to. One page-cache file shared by one daemon after
 * another (sfw_sinks_mark); a line not written yet is still to come. */
struct sfw_log_mark {
	__u32 magic;               /* SFW_LOG_MARK_MAGIC: this layout */
	__u32 writing;             /* the rest holds a record being written */
	struct sfw_ring_at at;
	struct sfw_event ev;
	struct {
		__u64 off;         /* the file's end before the line */
		__u32 len;         /* with its newline; 0: no such file */
		char text[SFW_LOG_LINE_MAX];
	} line[SFW_SINK_FILES];
};

struct sfw_log_sinks {
	int syslog_fd;             /* -1 while syslog is wanted but unreachable */
	bool syslog;
	const char *syslog_path;   /* the options' string: environment or literal */
	int fd[SFW_SINK_FILES];    /* the files (JSON: stdout's fd for "-"); -1: none */
	__u64 end[SFW_SINK_FILES]; /* where their next line goes (fstat, then counted) */
	bool json_is_stdout, stdout_text;
	struct sfw_log_mark *mark; /* mapped, or NULL: lines are formatted in scratch */
	struct sfw_log_mark *prev; /* what the last daemon was writing, until met */
	struct sfw_log_mark *scratch;
	__u64 written, failed;
};

/* Opens every sink asked for. 0 or a negative errno (message set). */
int sfw_sinks_open(struct sfw_log_sinks *s, const struct sfw_log_opts *o);
/* Writes one event to every sink; a sink that fails is counted, never
 * retried in a loop (a stuck syslog must not stall the consumer). `at`:
 * where the record is (with a mark), or NULL. */
void sfw_sinks_write(struct sfw_log_sinks *s, const struct sfw_event *e,
		     const struct sfw_log_env *env, const struct sfw_ring_at *at);
/* Maps the mark file at path (created 0600) for the rings' one consumer,
 * and keeps what the last one was writing when it stopped. 0 or a
 * negative errno (message set). */
int sfw_sinks_mark(struct sfw_log_sinks *s, const char *path);
/* Every record taken is written: the mark says nothing is being written
 * (or still what the last daemon was, if this one never met that record),
 * and is unmapped. */
void sfw_sinks_unmark(struct sfw_log_sinks *s);
/* Reconnects a syslog that was unreachable or went away (restarted), and
 * reads the files' ends again (a file truncated by a rotation). */
void sfw_sinks_retry(struct sfw_log_sinks *s);
/* Closes the sinks; a mark still mapped is unmapped as it is (a record
 * may be half written: the next daemon reads it). */
void sfw_sinks_close(struct sfw_log_sinks *s);

/* The environment on the live maps: interface names, the names of the last
 * commit, zones of the generation in force. */
void sfw_log_env_live(struct sfw_log_env *env);
/* Refresh the realtime offset (after a clock step). */
void sfw_log_env_clock(struct sfw_log_env *env);

#endif
