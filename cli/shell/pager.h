/* Junos's pager: a terminal's worth of output, then `---(more)---` until a
 * key: space shows the next page, return the next line, q (or ^C) drops
 * the rest. The interactive shell pages every command unless `| no-more`. */
#ifndef SFW_CLI_SHELL_PAGER_H
#define SFW_CLI_SHELL_PAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct sfw_pager {
	FILE *out;
	int key_fd;          /* the terminal the keys come from */
	int rows, cols;      /* of the screen; rows 0: no paging */
	int used;            /* rows shown since the last key */
};

/* The screen size of `out` (a terminal) decides the page. */
void sfw_pager_init(struct sfw_pager *pg, FILE *out, int key_fd);

/* A sfw_pipe_sink: prints the line, asking for a key first when the page
 * is full. false: the user quit. */
bool sfw_pager_line(void *pager, const char *line, size_t len);

/* The sink without paging (ctx: the FILE). */
bool sfw_plain_line(void *out, const char *line, size_t len);

#endif
