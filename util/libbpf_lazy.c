/* libbpf on first use (libbpf_lazy.h). */
#include <stdio.h>
#include <stdlib.h>
#include "err.h"
#include "libbpf_lazy.h"

#define SONAME_OF(major) "libbpf.so." #major
#define SONAME(major) SONAME_OF(major)

static struct sfw_libbpf fns;
static struct sfw_lazylib lib = SFW_LAZYLIB(SONAME(LIBBPF_MAJOR_VERSION), fns, SFW_LIBBPF_FNS);
static libbpf_print_fn_t print_fn;

const struct sfw_libbpf *sfw_libbpf(void)
{
	bool was = __atomic_load_n(&lib.loaded, __ATOMIC_ACQUIRE);

	if (was)
		return &fns;
	if (sfw_lazylib_load(&lib)) {
		fflush(stdout);
		fprintf(stderr, "sfw: %s\n", sfw_last_error());
		exit(1);
	}
	/* twice when two threads load at once: the same function both times */
	fns.set_print(__atomic_load_n(&print_fn, __ATOMIC_ACQUIRE));
	return &fns;
}

void sfw_libbpf_set_print(libbpf_print_fn_t fn)
{
	__atomic_store_n(&print_fn, fn, __ATOMIC_RELEASE);
	if (__atomic_load_n(&lib.loaded, __ATOMIC_ACQUIRE))
		fns.set_print(fn);
}
