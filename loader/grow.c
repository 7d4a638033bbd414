/* One growing array for the loader's lists built from maps (zone and
 * proxy entries, names), whose length is known only once read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "loader_int.h"

int sfw_grow(void *v, int *cap, int n, size_t size)
{
	void **p = v, *grown;
	int want = *cap ? *cap * 2 : 16;

	if (n < *cap)
		return 0;
	grown = realloc(*p, (size_t)want * size);
	if (!grown)
		return sfw_fail(ENOMEM, "out of memory");
	*p = grown;
	*cap = want;
	return 0;
}
