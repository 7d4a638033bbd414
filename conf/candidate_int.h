/* Internals of conf/candidate*.c: set lines as words. */
#ifndef SFW_CONF_CANDIDATE_INT_H
#define SFW_CONF_CANDIDATE_INT_H

#include <stddef.h>

#define MAX_TOKS 128

struct toks {
	int n;
	char *raw[MAX_TOKS];      /* as written, quotes kept */
	char *plain[MAX_TOKS];    /* unquoted */
};

/* One line (len bytes) split into words: 0, -ENOMEM or -E2BIG. */
int cand_split_line(const char *line, size_t len, struct toks *t);
void cand_toks_free(struct toks *t);
/* Each line of text, split; cb gets its words (the first is `set`). */
int cand_each_line(const char *text, int (*cb)(struct toks *t, void *ctx), void *ctx);

#endif
