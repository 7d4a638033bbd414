/* The Prometheus text exposition format (version 0.0.4): metric families
 * with their HELP and TYPE lines, samples with escaped label values. The
 * names, types and labels sfw exports are in docs/metrics.md. */
#ifndef SFW_CLI_METRICS_EXPO_H
#define SFW_CLI_METRICS_EXPO_H

#include <stdio.h>
#include <linux/types.h>
#include "obuf.h"

#define SFW_EXPO_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct sfw_expo {
	struct sfw_obuf ob;
};

struct sfw_label {
	const char *name;     /* [a-zA-Z_][a-zA-Z0-9_]*: ours, never escaped */
	const char *value;    /* any bytes: escaped, made valid UTF-8 */
};

void sfw_expo_init(struct sfw_expo *e, FILE *f);
/* Hands what is buffered to the stream. */
void sfw_expo_flush(struct sfw_expo *e);

/* Starts a family: "# HELP name help" and "# TYPE name type" (counter,
 * gauge, histogram). Its samples must follow before the next family. */
void sfw_expo_family(struct sfw_expo *e, const char *name, const char *type,
		     const char *help);
/* One sample: name{l[0]="...",...} value. */
void sfw_expo_u64(struct sfw_expo *e, const char *name, const struct sfw_label *l, int nl,
		  __u64 v);
void sfw_expo_f64(struct sfw_expo *e, const char *name, const struct sfw_label *l, int nl,
		  double v);

/* A label value as the format writes it: backslash, double quote and
 * newline escaped, bytes that are not UTF-8 replaced by U+FFFD (a scrape
 * with invalid UTF-8 fails whole). */
void sfw_expo_label_value(struct sfw_obuf *o, const char *s);
/* A stable label value from one of our words: "policy-denied" ->
 * "policy_denied" (lower case, '-' and ' ' to '_'). buf >= strlen + 1. */
const char *sfw_expo_snake(const char *word, char *buf, size_t len);

#endif
