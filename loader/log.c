/* Errors and libbpf's chatter. The loader never prints: it records one
 * line per failure for the CLI to show, and keeps libbpf quiet unless
 * SFW_DEBUG is set, since its warnings are for developers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "loader.h"

static char last_error[256];

const char *sfw_last_error(void)
{
	return last_error[0] ? last_error : "unknown error";
}

int sfw_fail(int err_abs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return -abs(err_abs);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!getenv("SFW_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void sfw_log_init(void)
{
	libbpf_set_print(libbpf_print);
}
