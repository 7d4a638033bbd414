/* Collecting a configuration's errors: every one is kept (a Junos commit
 * check lists them all), up to SFW_CONF_ERRORS_MAX, each prefixed with
 * FILE:LINE. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf_int.h"

static int errors_vadd(struct sfw_conf_errors *errs, const char *fmt, va_list ap)
{
	char *msg;

	if (errs->n >= SFW_CONF_ERRORS_MAX) {
		errs->dropped++;
		return 0;
	}
	if (errs->n == errs->cap) {
		int cap = errs->cap ? 2 * errs->cap : 16;
		char **v = realloc(errs->msg, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		errs->msg = v;
		errs->cap = cap;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		return -ENOMEM;
	errs->msg[errs->n++] = msg;
	return 0;
}

int conf_errors_add(struct sfw_conf_errors *errs, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = errors_vadd(errs, fmt, ap);
	va_end(ap);
	return err;
}

static void error_line(struct conf_parser *p, int line, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (conf_errors_add(p->errs, "%s:%d: %s", p->file, line, msg))
		p->oom = true;
}

void conf_error(struct conf_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_line(p, p->line, fmt, ap);
	va_end(ap);
}

void conf_error_at(struct conf_parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_line(p, line, fmt, ap);
	va_end(ap);
}

void sfw_conf_errors_free(struct sfw_conf_errors *errs)
{
	for (int k = 0; k < errs->n; k++)
		free(errs->msg[k]);
	free(errs->msg);
	memset(errs, 0, sizeof(*errs));
}
