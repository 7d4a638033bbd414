/* Junos output pipes: `show ... | match RE | count`. The words after the
 * first bar become a chain of stages; the command's output goes through
 * the chain one line at a time, and what comes out goes to a sink (the
 * terminal, the pager). Some stages change how the command runs instead:
 * `display json|xml` (Junos's reply shapes where the command has one,
 * else sfw's --json for json), `display set` (configuration as set lines),
 * `no-more` (no paging), `refresh N` (run again every N seconds). */
#ifndef SFW_CLI_SHELL_PIPE_H
#define SFW_CLI_SHELL_PIPE_H

#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include "junos_out.h"
#include "syntax.h"
#include "words.h"

#define SFW_PIPE_MAX 16
#define SFW_PIPE_LAST_MAX 100000        /* `last N`: lines held */
#define SFW_PIPE_REFRESH_MAX 86400      /* `refresh N`: seconds */

enum sfw_pipe_kind {
	SFW_PIPE_MATCH,
	SFW_PIPE_EXCEPT,
	SFW_PIPE_FIND,
	SFW_PIPE_COUNT,
	SFW_PIPE_LAST,
	SFW_PIPE_NO_MORE,
	SFW_PIPE_DISPLAY_JSON,
	SFW_PIPE_DISPLAY_XML,
	SFW_PIPE_DISPLAY_SET,
	SFW_PIPE_REFRESH,
};

struct sfw_pipe_stage {
	enum sfw_pipe_kind kind;
	bool has_re;
	regex_t re;
	unsigned long n;              /* last: lines; refresh: seconds */
	/* while a run goes through it */
	unsigned long count;
	bool found;
	char **ring;                  /* last: the n latest lines */
	unsigned long next, held;
};

/* Where lines come out; false stops the chain (the pager's `q`). */
typedef bool (*sfw_pipe_sink)(void *ctx, const char *line, size_t len);

struct sfw_pipeline {
	int n;
	struct sfw_pipe_stage st[SFW_PIPE_MAX];
	bool no_more;
	enum sfw_display display;     /* display json|xml */
	unsigned long refresh;        /* seconds; 0: run once */
	sfw_pipe_sink sink;
	void *ctx;
	bool stopped;
};

/* Parse ws->w[from..ws->n): from is the first bar. 0, or -1 with *e
 * (e->word indexes ws). The pipeline needs sfw_pipe_free() either way. */
int sfw_pipe_parse(struct sfw_pipeline *p, const struct sfw_words *ws, int from,
		   struct sfw_syntax *e);
void sfw_pipe_free(struct sfw_pipeline *p);

/* One run of the command through the chain: begin, its lines (NUL at
 * line[len], no newline), end (count and last give theirs). Each returns
 * false once the sink has stopped. */
void sfw_pipe_begin(struct sfw_pipeline *p, sfw_pipe_sink sink, void *ctx);
bool sfw_pipe_line(struct sfw_pipeline *p, const char *line, size_t len);
bool sfw_pipe_end(struct sfw_pipeline *p);

/* `?` after a bar: the words ws->w[from..to) are typed (ws->w[from] is a
 * bar), `prefix` is being typed. Prints "Possible completions:" and the
 * words, or returns -1 with *e for a word before that is wrong. */
int sfw_pipe_help(FILE *f, const struct sfw_words *ws, int from, int to, const char *prefix,
		  struct sfw_syntax *e);

#endif
