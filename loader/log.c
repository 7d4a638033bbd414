/* libbpf's chatter: kept quiet unless SFW_DEBUG is set, since its
 * warnings are for developers (the loader's failures reach the user as
 * one line, util/err.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "libbpf_lazy.h"
#include "loader.h"

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!getenv("SFW_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* handed to libbpf when a command loads it (util/libbpf_lazy.h) */
void sfw_log_init(void)
{
	sfw_libbpf_set_print(libbpf_print);
}
